#ifndef LAKESTORE_CSQLITE_SHIM_H
#define LAKESTORE_CSQLITE_SHIM_H
#include <sqlite3.h>

/// Turns SQLite's memory statistics off for the whole process; call before anything else of
/// SQLite's. With them on, every allocation of every connection takes one global mutex, so
/// the indexer's SQLite work made the PUTs' catalog commits wait. (`sqlite3_config` is
/// variadic, which Swift cannot call.)
static inline int lake_sqlite_configure(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
