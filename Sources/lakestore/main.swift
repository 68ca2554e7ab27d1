print("lakestore")
