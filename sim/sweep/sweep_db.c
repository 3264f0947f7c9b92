/* sweep_db.c: the SQLite store of a sweep (schema in sweep_int.h).
 *
 * Every finished point is one transaction (points row + sweep_points row),
 * with the journal in WAL mode and synchronous=FULL, so a process killed at
 * any moment (kill -9) leaves every committed point intact and no half
 * point. Nothing here deletes or rewrites a stored point. */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sweep_int.h"

#define DBERR(db, what) coda_errf(err, CODA_EIO, "%s: %s: %s", sqlite3_db_filename(db, "main"), what, sqlite3_errmsg(db))

int sweepdb_exec(sqlite3 *db, const char *sql, coda_err_t *err) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    coda_errf(err, CODA_EIO, "%s: %s", sqlite3_db_filename(db, "main"), msg ? msg : "sqlite error");
    sqlite3_free(msg);
    return CODA_EIO;
  }
  return CODA_OK;
}

static const char *SCHEMA =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS sweeps(id INTEGER PRIMARY KEY, spec_hash TEXT UNIQUE NOT NULL, name TEXT,"
    " spec_json TEXT, started TEXT);"
    "CREATE TABLE IF NOT EXISTS points(hash TEXT PRIMARY KEY, workload TEXT, params TEXT, config TEXT,"
    " status TEXT NOT NULL, error TEXT, metrics TEXT, wall_s REAL, finished TEXT);"
    "CREATE TABLE IF NOT EXISTS sweep_points(sweep_id INTEGER NOT NULL, idx INTEGER NOT NULL, hash TEXT NOT NULL,"
    " feasible INTEGER NOT NULL, PRIMARY KEY(sweep_id, idx));";

int sweepdb_open(sqlite3 **db, const char *path, int must_exist, coda_err_t *err) {
  *db = NULL;
  int exists = access(path, F_OK) == 0;
  if (must_exist && !exists) return coda_errf(err, CODA_EINVAL, "%s: no such database", path);
  int flags = SQLITE_OPEN_READWRITE | (must_exist ? 0 : SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
    coda_errf(err, CODA_EIO, "%s: cannot open: %s", path, *db ? sqlite3_errmsg(*db) : "out of memory");
    sqlite3_close(*db);
    *db = NULL;
    return CODA_EIO;
  }
  sqlite3_busy_timeout(*db, 30000);
  /* An existing file must be a coda sweep database: check before writing. */
  sqlite3_stmt *st = NULL;
  int ntab = -1;
  if (sqlite3_prepare_v2(*db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    ntab = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (ntab < 0) {
    coda_errf(err, CODA_EINVAL, "%s: not an SQLite database", path);
    goto bad;
  }
  if (ntab > 0) {
    const char *schema = NULL;
    char buf[64] = "";
    if (sqlite3_prepare_v2(*db, "SELECT value FROM meta WHERE key='schema'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && (schema = (const char *)sqlite3_column_text(st, 0)))
      snprintf(buf, sizeof buf, "%s", schema);
    sqlite3_finalize(st);
    if (strcmp(buf, SWEEP_DB_SCHEMA)) {
      coda_errf(err, CODA_EINVAL, "%s: meta.schema: not a coda sweep database (expected %s)", path, SWEEP_DB_SCHEMA);
      goto bad;
    }
  } else if (must_exist) {
    coda_errf(err, CODA_EINVAL, "%s: meta.schema: empty database, not a coda sweep database", path);
    goto bad;
  }
  if (sweepdb_exec(*db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err)) goto bad;
  if (ntab == 0) {
    if (sweepdb_exec(*db, "BEGIN IMMEDIATE", err)) goto bad;
    if (sweepdb_exec(*db, SCHEMA, err) ||
        sweepdb_exec(*db, "INSERT OR IGNORE INTO meta VALUES('schema','" SWEEP_DB_SCHEMA "')", err) ||
        sweepdb_exec(*db, "COMMIT", err)) {
      sqlite3_exec(*db, "ROLLBACK", NULL, NULL, NULL);
      goto bad;
    }
  }
  return CODA_OK;
bad:
  sqlite3_close(*db);
  *db = NULL;
  return err->code;
}

void sweepdb_close(sqlite3 *db) { sqlite3_close(db); }

static void now_iso(char *buf, size_t n) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int sweepdb_begin(sqlite3 *db, const char *path, const sweep_spec_t *s, int resume, int64_t *sweep_id,
                  coda_err_t *err) {
  sqlite3_stmt *st = NULL;
  *sweep_id = -1;
  if (sqlite3_prepare_v2(db, "SELECT id FROM sweeps WHERE spec_hash=?", -1, &st, NULL) != SQLITE_OK) return DBERR(db, "sweeps");
  sqlite3_bind_text(st, 1, s->hash, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) *sweep_id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (*sweep_id >= 0) return CODA_OK;
  if (resume) {
    char other[64] = "";
    if (sqlite3_prepare_v2(db, "SELECT name FROM sweeps ORDER BY id LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      snprintf(other, sizeof other, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (other[0])
      return coda_errf(err, CODA_EINVAL, "%s: sweeps: --resume: the database holds spec '%s', not %s (spec '%s' with "
                       "these contents); run without --resume to add this spec", path, other, s->path, s->name);
    return coda_errf(err, CODA_EINVAL, "%s: sweeps: --resume: nothing to resume (no sweep started in this database)", path);
  }
  char ts[32];
  now_iso(ts, sizeof ts);
  if (sqlite3_prepare_v2(db, "INSERT INTO sweeps(spec_hash, name, spec_json, started) VALUES(?,?,?,?)", -1, &st, NULL) !=
      SQLITE_OK)
    return DBERR(db, "sweeps");
  sqlite3_bind_text(st, 1, s->hash, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, s->text, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, ts, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return DBERR(db, "sweeps");
  *sweep_id = sqlite3_last_insert_rowid(db);
  return CODA_OK;
}

int sweepdb_has(sqlite3 *db, const char *hash) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM points WHERE hash=?", -1, &st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int link_row(sqlite3 *db, int64_t sweep_id, int idx, const char *hash, int feasible) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO sweep_points VALUES(?,?,?,?)", -1, &st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_int64(st, 1, sweep_id);
  sqlite3_bind_int(st, 2, idx);
  sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 4, feasible);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

int sweepdb_link(sqlite3 *db, int64_t sweep_id, int idx, const char *hash, int feasible, coda_err_t *err) {
  return link_row(db, sweep_id, idx, hash, feasible) ? DBERR(db, "sweep_points") : CODA_OK;
}

int sweepdb_put(sqlite3 *db, int64_t sweep_id, int idx, const char *hash, const char *workload,
                const char *params, const char *config, const char *status, const char *error,
                const char *metrics, double wall_s, int feasible, coda_err_t *err) {
  if (sweepdb_exec(db, "BEGIN IMMEDIATE", err)) return err->code;
  sqlite3_stmt *st = NULL;
  char ts[32];
  now_iso(ts, sizeof ts);
  int rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO points VALUES(?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, workload, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, params, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, config, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    if (error) sqlite3_bind_text(st, 6, error, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 6);
    if (metrics) sqlite3_bind_text(st, 7, metrics, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 7);
    sqlite3_bind_double(st, 8, wall_s);
    sqlite3_bind_text(st, 9, ts, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_OK || link_row(db, sweep_id, idx, hash, feasible)) {
    DBERR(db, "points");
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return CODA_EIO;
  }
  return sweepdb_exec(db, "COMMIT", err);
}

int sweepdb_merge(sqlite3 *db, const char *path, coda_err_t *err) {
  /* check the shard first, read-only */
  sqlite3 *sh = NULL;
  if (sweepdb_open(&sh, path, 1, err)) return err->code;
  sweepdb_close(sh);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "ATTACH DATABASE ? AS shard", -1, &st, NULL) != SQLITE_OK) return DBERR(db, "attach");
  sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return coda_errf(err, CODA_EIO, "%s: cannot attach: %s", path, sqlite3_errmsg(db));
  rc = sweepdb_exec(db, "BEGIN IMMEDIATE", err);
  if (!rc)
    rc = sweepdb_exec(db,
                      "INSERT OR IGNORE INTO main.sweeps(spec_hash, name, spec_json, started)"
                      "  SELECT spec_hash, name, spec_json, started FROM shard.sweeps ORDER BY id;"
                      "INSERT OR IGNORE INTO main.points SELECT * FROM shard.points;"
                      "INSERT OR IGNORE INTO main.sweep_points"
                      "  SELECT m.id, sp.idx, sp.hash, sp.feasible FROM shard.sweep_points sp"
                      "  JOIN shard.sweeps ss ON sp.sweep_id = ss.id JOIN main.sweeps m ON m.spec_hash = ss.spec_hash;"
                      "COMMIT;",
                      err);
  if (rc) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(db, "DETACH DATABASE shard", NULL, NULL, NULL);
  return rc;
}
