#ifndef LAKESTORE_CSQLITE_SHIM_H
#define LAKESTORE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
