/* sweep.h: `coda sweep` -- design-space sweeps into SQLite (docs/sweep.md).
 *
 * A spec (JSON) names a base arch config, workloads, the parameters to vary
 * (lists, ranges, random / Latin-hypercube samples), constraints and
 * objectives. sweep_spec_load parses and checks it (one-line errors naming
 * the file and the field); sweep_expand turns it into points, each a list of
 * "sec.key=value" overrides plus a workload. A point's identity is the
 * SHA-256 of its fully resolved config (arch_cfg_dump_json), its resolved
 * workload (every GEMM after overrides), the energy table's bytes and the
 * area model: equal hashes mean equal results, so a hash already in the
 * database is never run again (resume, and reuse across sweeps).
 *
 * Points run in forked worker processes calling the library; each finished
 * point is committed in its own SQLite transaction (sweep_db.c), so a sweep
 * killed at any moment loses no finished point.
 *
 * Library code: returns CODA_OK or a negative code with err set.
 */
#ifndef CODA_SWEEP_H
#define CODA_SWEEP_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/config.h"
#include "../core/status.h"

#define SWEEP_MAX_PARAMS 32      /* varied parameters (grid + sampled) */
#define SWEEP_MAX_WORKLOADS 16   /* workloads per spec */
#define SWEEP_MAX_VALUES 4096    /* values of one grid parameter */
#define SWEEP_MAX_POINTS 1000000 /* points per spec */
#define SWEEP_MAX_CONSTRAINTS 16
#define SWEEP_MAX_OBJECTIVES 8
#define SWEEP_DB_SCHEMA "coda.sweep.db.v1"
#define SWEEP_POINT_VERSION "coda.sweep.point.v1" /* bump when a point's metrics change meaning */

/* The metrics a point records (docs/sweep.md), and whether an objective on
 * it is minimized (-1) or maximized (+1). */
typedef struct sweep_metric {
  const char *name;  /* "cycles" */
  int sense;         /* -1 minimize, +1 maximize */
  int pre_sim;       /* known before simulating (area) */
  const char *doc;   /* one line, with unit */
} sweep_metric_t;
const sweep_metric_t *sweep_metric_find(const char *name);
const sweep_metric_t *sweep_metric_at(int i); /* NULL past the end */

/* Where a varied parameter is applied. */
typedef enum { SWEEP_TGT_CFG = 0, SWEEP_TGT_WBITS = 1, SWEEP_TGT_ATYPE = 2 } sweep_target_e;

typedef struct sweep_param {
  char key[64];       /* "core.n", "workload.wbits" */
  int target;         /* sweep_target_e */
  int sampled;        /* 0: grid values; 1: sampled in [lo, hi] */
  int nvals;          /* grid: number of values */
  json_t *vals;       /* grid: JSON array of values (owned) */
  double lo, hi;      /* sampled: bounds (inclusive) */
  int integer;        /* sampled: round to an integer */
  int log;            /* sampled: uniform in log space */
} sweep_param_t;

typedef struct sweep_workload {
  char label[128];    /* the file's path as given, or "gemm:M,N,K" */
  char path[4096];    /* resolved file path, or "" for an inline GEMM */
  uint32_t m, n, k;   /* inline GEMM */
  int wbits, atype, ewop;
} sweep_workload_t;

typedef struct sweep_constraint {
  char metric[32];
  double lo, hi;      /* inclusive; -inf / +inf when absent */
} sweep_constraint_t;

typedef enum { SWEEP_AREA_ESTIMATE = 0, SWEEP_AREA_SYNTH = 1, SWEEP_AREA_NONE = 2 } sweep_area_e;

typedef struct sweep_spec {
  char path[4096];            /* the spec file */
  char name[64];              /* spec name */
  char *text;                 /* the spec's canonical JSON (owned): stored in the db */
  char hash[65];              /* SHA-256 of text */
  char base[4096];            /* base arch config path ("" = defaults) */
  char energy[4096];          /* energy table path */
  int nwl;
  sweep_workload_t wl[SWEEP_MAX_WORKLOADS];
  int nparam;
  sweep_param_t param[SWEEP_MAX_PARAMS];
  int method;                 /* 0 none, 1 random, 2 lhs */
  int nsamples;               /* samples (1 when no sampling) */
  uint64_t seed;
  int ncons;
  sweep_constraint_t cons[SWEEP_MAX_CONSTRAINTS];
  int nobj;
  char obj[SWEEP_MAX_OBJECTIVES][32];
  int area_model;             /* sweep_area_e */
  double sram_um2_per_bit;    /* buffer storage area per bit */
} sweep_spec_t;

/* One design point: overrides in params (JSON object key -> value). */
typedef struct sweep_point {
  int idx;            /* index in the expansion (shards take idx % N == I) */
  int wl;             /* index into spec->wl */
  json_t *params;     /* {"core.n": 64, "workload.wbits": 2} (owned) */
} sweep_point_t;

int sweep_spec_load(sweep_spec_t *s, const char *path, coda_err_t *err);
void sweep_spec_free(sweep_spec_t *s);

/* Number of points the spec expands to (grid product x samples x workloads). */
uint64_t sweep_count(const sweep_spec_t *s);
/* Expands the spec (deterministic in its seed). *pts is malloc'd. */
int sweep_expand(const sweep_spec_t *s, sweep_point_t **pts, int *n, coda_err_t *err);
void sweep_points_free(sweep_point_t *pts, int n);

/* Latin-hypercube samples: n x d values in [0,1), row-major; every
 * dimension has exactly one sample in each stratum [i/n, (i+1)/n). */
void sweep_lhs(uint64_t seed, int n, int d, double *out);

/* A point resolved: its config, its workload text, its hash. */
typedef struct sweep_resolved {
  arch_cfg_t cfg;
  char *cfg_json;     /* arch_cfg_dump_json (owned) */
  char hash[65];      /* hex SHA-256 */
} sweep_resolved_t;
/* Resolves point p of s. Fails (CODA_EINVAL) when the config is invalid,
 * with err naming the parameter. */
int sweep_resolve(const sweep_spec_t *s, const sweep_point_t *p, sweep_resolved_t *r,
                  coda_err_t *err);
void sweep_resolved_free(sweep_resolved_t *r);

/* Hex SHA-256 of n bytes. */
void sweep_sha256_hex(const void *data, size_t n, char out[65]);

/* The estimated area of a config (area model "estimate", docs/sweep.md):
 * core from per-instance synthesized areas, buffers from bits x um2/bit. */
double sweep_area_estimate_um2(const arch_cfg_t *c, double sram_um2_per_bit);

/* Pareto filter over n points with d objectives (row-major, already signed
 * so that smaller is better). front[i] = 1 when no other point dominates i. */
void sweep_pareto(const double *v, int n, int d, int *front);

/* `coda sweep ...` and `coda report sweep ...` (argv[1] is "sweep" /
 * "report"); return the exit code. */
int sweep_main(int argc, char **argv);
int sweep_report_main(int argc, char **argv);

extern const char *const SWEEP_USAGE;

#endif
