/* sweep_int.h: private interfaces of sim/sweep/ (the spec's workloads, the
 * area model's parts, the SQLite store, the runner). */
#ifndef CODA_SWEEP_INT_H
#define CODA_SWEEP_INT_H

#include <sqlite3.h>

#include "../../compiler/compiler.h"
#include "sweep.h"

/* Buffer storage area per bit when the spec gives none: an assumed 6T SRAM
 * cell of ~120 F^2 at F = 0.18 um (3.9 um2) over an assumed 70% array
 * efficiency, i.e. 5.55 um2/bit. An order-of-magnitude figure, not a memory
 * compiler's: set area.sram_um2_per_bit from yours (docs/sweep.md). */
#define SWEEP_SRAM_UM2_PER_BIT 5.55
#define SWEEP_AREA_EST_VERSION "est-2" /* bump when the estimate's constants change */

/* The workload of point p (file or inline GEMM, then workload.* overrides). */
int sweep_point_workload(const sweep_spec_t *s, const sweep_point_t *p, workload_t *w, coda_err_t *err);
double sweep_area_core_estimate_um2(const arch_cfg_t *c);
double sweep_area_buffers_um2(const arch_cfg_t *c, double um2_per_bit);

/* ---- the store (sweep_db.c) ----
 * meta(key, value): schema = SWEEP_DB_SCHEMA
 * sweeps(id, spec_hash UNIQUE, name, spec_json, started)
 * points(hash PRIMARY KEY, workload, params, config, status 'ok'|'failed',
 *        error, metrics, wall_s, finished)
 * sweep_points(sweep_id, idx, hash, feasible): which sweep holds which point */
int sweepdb_open(sqlite3 **db, const char *path, int must_exist, coda_err_t *err);
void sweepdb_close(sqlite3 *db);
/* Registers the spec (or finds it). With resume, the spec must be in the db
 * already and the db must hold no other spec. */
int sweepdb_begin(sqlite3 *db, const char *path, const sweep_spec_t *s, int resume, int64_t *sweep_id,
                  coda_err_t *err);
/* 1 when a finished point with this hash is stored, 0 when not, <0 on error. */
int sweepdb_has(sqlite3 *db, const char *hash);
/* Commits one finished point and its membership in one transaction. */
int sweepdb_put(sqlite3 *db, int64_t sweep_id, int idx, const char *hash, const char *workload,
                const char *params, const char *config, const char *status, const char *error,
                const char *metrics, double wall_s, int feasible, coda_err_t *err);
/* Membership of an already stored point (reuse). */
int sweepdb_link(sqlite3 *db, int64_t sweep_id, int idx, const char *hash, int feasible, coda_err_t *err);
/* Folds the shard at path into db. */
int sweepdb_merge(sqlite3 *db, const char *path, coda_err_t *err);
int sweepdb_exec(sqlite3 *db, const char *sql, coda_err_t *err);

/* ---- the runner (sweep_run.c) ---- */
typedef struct sweep_run_opts {
  const char *db;        /* SQLite path */
  int jobs;              /* worker processes */
  int resume;            /* --resume */
  int shard_i, shard_n;  /* run points with idx % shard_n == shard_i (shard_n 0: all) */
  FILE *progress;        /* progress bar / lines, or NULL */
} sweep_run_opts_t;

typedef struct sweep_run_stats {
  int points;    /* in this shard */
  int invalid;   /* config rejected by params.def / validation */
  int pruned;    /* failed a constraint before simulating */
  int reused;    /* hash already stored */
  int ran;       /* simulated now */
  int failed;    /* simulated, failed (stored with its error) */
  int crashed;   /* worker died (not stored; retried by --resume) */
  double wall_s;
} sweep_run_stats_t;

int sweep_run(const sweep_spec_t *s, const sweep_run_opts_t *o, sweep_run_stats_t *st, coda_err_t *err);

#endif
