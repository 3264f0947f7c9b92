/* sweep_cli.c: `coda sweep` (run, resume, shard, Slurm, merge, export,
 * Pareto) and `coda report sweep` (HTML + gnuplot). docs/sweep.md. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "sweep_int.h"

const char *const SWEEP_USAGE =
    "coda sweep SPEC.json [-j N] [--db R.sqlite] [--resume] [--shard I/N] [--dry-run] [--quiet]\n"
    "coda sweep SPEC.json --backend slurm [--partition P] [--array-size N] [-j N] [--db R.sqlite] [--no-submit]\n"
    "coda sweep --merge OUT.sqlite (SHARD.sqlite... | DIR)\n"
    "coda sweep --db R.sqlite --export csv|json [-o OUT]\n"
    "coda sweep --db R.sqlite --pareto OBJ1,OBJ2[,..] [-o FRONT.csv]\n"
    "coda report sweep --db R.sqlite [--out DIR] [--objectives OBJ1,OBJ2[,..]]\n"
    "  Design-space sweep (docs/sweep.md for the spec format). Every point (a resolved config +\n"
    "  workload, identified by the SHA-256 of both) runs in one of -j worker processes and is\n"
    "  committed to the SQLite database (default NAME.sqlite, NAME from the spec) in its own\n"
    "  transaction: a killed sweep resumes with --resume, and a point whose hash is stored is\n"
    "  never run again (also across specs). Invalid configs and points that fail an area\n"
    "  constraint are skipped before simulating. --shard I/N runs the points with index % N == I.\n"
    "  --backend slurm writes DB.slurm/sweep.sbatch, an sbatch job array of --array-size shards\n"
    "  (each task `coda sweep --shard` into DB.slurm/shard-I.sqlite) and submits it; fold the\n"
    "  shards with --merge. --export writes every stored point (params, metrics); --pareto lists\n"
    "  the Pareto-optimal feasible points per workload (minimized: cycles, time_ns, energy_pj,\n"
    "  dram_bytes, area_um2, energy_per_mac_pj, edp; maximized: macs, utilization, macs_per_cycle,\n"
    "  throughput_per_area). `report sweep` writes DIR/index.html with gnuplot PNGs: the Pareto\n"
    "  front and each parameter's effect on each objective, and the front as a table.\n"
    "  Progress: a bar with rate and ETA on a terminal, plain lines otherwise (stderr).\n";

typedef struct sw_cli {
  const char *spec, *db, *backend, *partition, *export_fmt, *out, *pareto, *merge, *objectives;
  int jobs, resume, shard_i, shard_n, array_size, no_submit, dry_run, quiet;
  const char *pos[256];
  int npos;
} sw_cli_t;

static int usage(const char *fmt, const char *a) {
  fprintf(stderr, "coda: sweep: ");
  fprintf(stderr, fmt, a);
  fprintf(stderr, " (see `coda help sweep`)\n");
  return 2;
}

static int fail(const coda_err_t *e) {
  fprintf(stderr, "coda: error: %s\n", e->msg);
  return e->code == CODA_ECHECK ? 1 : 2;
}

static int parse_int(const char *s, int lo, int hi, int *v) {
  char *end;
  errno = 0;
  long x = s ? strtol(s, &end, 10) : 0;
  if (!s || !*s || errno || *end || x < lo || x > hi) return -1;
  *v = (int)x;
  return 0;
}

static int parse_args(int argc, char **argv, int first, sw_cli_t *c) {
  memset(c, 0, sizeof *c);
  c->jobs = 1;
  for (int i = first; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED() do { if (!v) return usage("option %s needs a value", a); i++; } while (0)
    if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
      NEED();
      if (parse_int(v, 1, 64, &c->jobs)) return usage("-j %s: expected 1..64", v);
    } else if (!strcmp(a, "--db")) { NEED(); c->db = v; }
    else if (!strcmp(a, "--resume")) c->resume = 1;
    else if (!strcmp(a, "--shard")) {
      NEED();
      int ii, nn;
      char t;
      if (sscanf(v, "%d/%d%c", &ii, &nn, &t) != 2 || nn < 1 || ii < 0 || ii >= nn)
        return usage("--shard %s: expected I/N with 0 <= I < N", v);
      c->shard_i = ii;
      c->shard_n = nn;
    } else if (!strcmp(a, "--backend")) {
      NEED();
      if (strcmp(v, "local") && strcmp(v, "slurm")) return usage("--backend %s: expected local or slurm", v);
      c->backend = v;
    } else if (!strcmp(a, "--partition")) { NEED(); c->partition = v; }
    else if (!strcmp(a, "--array-size")) {
      NEED();
      if (parse_int(v, 1, 100000, &c->array_size)) return usage("--array-size %s: expected 1..100000", v);
    } else if (!strcmp(a, "--no-submit")) c->no_submit = 1;
    else if (!strcmp(a, "--export")) {
      NEED();
      if (strcmp(v, "csv") && strcmp(v, "json")) return usage("--export %s: expected csv or json", v);
      c->export_fmt = v;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) { NEED(); c->out = v; }
    else if (!strcmp(a, "--pareto")) { NEED(); c->pareto = v; }
    else if (!strcmp(a, "--objectives")) { NEED(); c->objectives = v; }
    else if (!strcmp(a, "--merge")) { NEED(); c->merge = v; }
    else if (!strcmp(a, "--dry-run")) c->dry_run = 1;
    else if (!strcmp(a, "--quiet")) c->quiet = 1;
    else if (a[0] == '-' && a[1]) return usage("unknown option %s", a);
    else {
      if (c->npos >= 256) return usage("too many arguments%s", "");
      c->pos[c->npos++] = a;
    }
#undef NEED
  }
  return 0;
}

/* ---- reading the store ------------------------------------------------------ */
typedef struct row {
  char hash[65];
  char *workload, *status, *error;
  json_t *params, *metrics;
  int feasible;
} row_t;

static int load_rows(const char *dbpath, row_t **rows, int *n, coda_err_t *err) {
  sqlite3 *db = NULL;
  *rows = NULL;
  *n = 0;
  if (sweepdb_open(&db, dbpath, 1, err)) return err->code;
  sqlite3_stmt *st = NULL;
  const char *q =
      "SELECT p.hash, p.workload, p.params, p.status, p.error, p.metrics,"
      " (SELECT max(feasible) FROM sweep_points sp WHERE sp.hash = p.hash) FROM points p"
      " ORDER BY p.workload, p.params, p.hash";
  if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
    coda_errf(err, CODA_EIO, "%s: points: %s", dbpath, sqlite3_errmsg(db));
    sweepdb_close(db);
    return CODA_EIO;
  }
  int cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 256;
      row_t *nr = realloc(*rows, (size_t)cap * sizeof *nr);
      if (!nr) CODA_PANIC("out of memory");
      *rows = nr;
    }
    row_t *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->hash, sizeof r->hash, "%s", (const char *)sqlite3_column_text(st, 0));
    r->workload = strdup(sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
    r->params = json_loads(sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "{}", 0, NULL);
    if (!r->params) r->params = json_object();
    r->status = strdup((const char *)sqlite3_column_text(st, 3));
    r->error = sqlite3_column_text(st, 4) ? strdup((const char *)sqlite3_column_text(st, 4)) : NULL;
    r->metrics = sqlite3_column_text(st, 5) ? json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL) : NULL;
    r->feasible = sqlite3_column_int(st, 6);
  }
  sqlite3_finalize(st);
  sweepdb_close(db);
  return CODA_OK;
}

static void free_rows(row_t *r, int n) {
  for (int i = 0; i < n; i++) {
    free(r[i].workload);
    free(r[i].status);
    free(r[i].error);
    json_decref(r[i].params);
    json_decref(r[i].metrics);
  }
  free(r);
}

/* The sorted union of the parameter keys. */
static int param_keys(const row_t *r, int n, const char **keys, int max) {
  int nk = 0;
  for (int i = 0; i < n; i++) {
    const char *k;
    json_t *v;
    json_object_foreach(r[i].params, k, v) {
      int found = 0;
      for (int j = 0; j < nk; j++) found |= !strcmp(keys[j], k);
      if (!found && nk < max) keys[nk++] = k;
    }
  }
  for (int a = 0; a < nk; a++)
    for (int b = a + 1; b < nk; b++)
      if (strcmp(keys[a], keys[b]) > 0) { const char *t = keys[a]; keys[a] = keys[b]; keys[b] = t; }
  return nk;
}

static void csv_val(FILE *f, json_t *v) {
  if (!v || json_is_null(v)) return;
  if (json_is_string(v)) {
    fputc('"', f);
    for (const char *s = json_string_value(v); *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
    fputc('"', f);
  } else if (json_is_integer(v)) fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
  else if (json_is_real(v)) fprintf(f, "%.17g", json_real_value(v));
  else if (json_is_boolean(v)) fputs(json_is_true(v) ? "true" : "false", f);
}

static int do_export(const sw_cli_t *c) {
  coda_err_t err = {0};
  row_t *r;
  int n;
  if (load_rows(c->db, &r, &n, &err)) return fail(&err);
  FILE *f = c->out ? fopen(c->out, "w") : stdout;
  if (!f) { free_rows(r, n); coda_errf(&err, CODA_EIO, "%s: cannot write: %s", c->out, strerror(errno)); return fail(&err); }
  if (!strcmp(c->export_fmt, "json")) {
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
      json_t *o = json_object();
      json_object_set_new(o, "hash", json_string(r[i].hash));
      json_object_set_new(o, "workload", json_string(r[i].workload));
      json_object_set_new(o, "status", json_string(r[i].status));
      json_object_set_new(o, "feasible", json_boolean(r[i].feasible));
      json_object_set(o, "params", r[i].params);
      if (r[i].metrics) json_object_set(o, "metrics", r[i].metrics);
      if (r[i].error) json_object_set_new(o, "error", json_string(r[i].error));
      json_array_append_new(arr, o);
    }
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string("coda.sweep.export.v1"));
    json_object_set_new(root, "points", arr);
    json_dumpf(root, f, JSON_INDENT(1) | JSON_SORT_KEYS);
    fputc('\n', f);
    json_decref(root);
  } else {
    const char *keys[SWEEP_MAX_PARAMS * 4];
    int nk = param_keys(r, n, keys, SWEEP_MAX_PARAMS * 4);
    fprintf(f, "hash,workload,status,feasible");
    for (int k = 0; k < nk; k++) fprintf(f, ",%s", keys[k]);
    for (int m = 0; sweep_metric_at(m); m++) fprintf(f, ",%s", sweep_metric_at(m)->name);
    fprintf(f, ",error\n");
    for (int i = 0; i < n; i++) {
      fprintf(f, "%s,\"%s\",%s,%d", r[i].hash, r[i].workload, r[i].status, r[i].feasible);
      for (int k = 0; k < nk; k++) { fputc(',', f); csv_val(f, json_object_get(r[i].params, keys[k])); }
      for (int m = 0; sweep_metric_at(m); m++) { fputc(',', f); csv_val(f, json_object_get(r[i].metrics, sweep_metric_at(m)->name)); }
      fputc(',', f);
      if (r[i].error) csv_val(f, json_string(r[i].error));
      fputc('\n', f);
    }
  }
  int bad = ferror(f);
  if (c->out && fclose(f)) bad = 1;
  free_rows(r, n);
  if (bad) { coda_errf(&err, CODA_EIO, "%s: write failed", c->out ? c->out : "stdout"); return fail(&err); }
  if (c->out) fprintf(stderr, "coda: sweep: %d points -> %s\n", n, c->out);
  return 0;
}

/* Parses "a,b,c" into metric names; 0 or an error (exit-2 message). */
static int parse_objs(const char *list, const char *what, char obj[][32], int *nobj, coda_err_t *err) {
  *nobj = 0;
  const char *s = list;
  while (*s) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (*nobj >= SWEEP_MAX_OBJECTIVES || len == 0 || len >= 32)
      return coda_errf(err, CODA_EINVAL, "%s %s: expected 1..%d metric names separated by commas", what, list, SWEEP_MAX_OBJECTIVES);
    memcpy(obj[*nobj], s, len);
    obj[*nobj][len] = 0;
    if (!sweep_metric_find(obj[*nobj]))
      return coda_errf(err, CODA_EINVAL, "%s %s: %s: unknown metric (see `coda help sweep`)", what, list, obj[*nobj]);
    (*nobj)++;
    s = e ? e + 1 : s + len;
  }
  if (!*nobj) return coda_errf(err, CODA_EINVAL, "%s: expected metric names", what);
  return CODA_OK;
}

/* front[i] for the rows: Pareto-optimal among the ok, feasible rows of the
 * same workload that have every objective. */
static void front_of(const row_t *r, int n, char obj[][32], int nobj, int *front) {
  double *v = malloc((size_t)(n ? n : 1) * (size_t)nobj * sizeof *v);
  int *idx = malloc((size_t)(n ? n : 1) * sizeof *idx), *f = malloc((size_t)(n ? n : 1) * sizeof *f);
  if (!v || !idx || !f) CODA_PANIC("out of memory");
  for (int i = 0; i < n; i++) front[i] = 0;
  for (int i = 0; i < n; i++) {
    if (i && !strcmp(r[i].workload, r[i - 1].workload)) continue; /* rows are grouped by workload */
    int m = 0;
    for (int j = i; j < n && !strcmp(r[j].workload, r[i].workload); j++) {
      if (strcmp(r[j].status, "ok") || !r[j].feasible || !r[j].metrics) continue;
      int ok = 1;
      for (int k = 0; k < nobj; k++) {
        json_t *x = json_object_get(r[j].metrics, obj[k]);
        if (!json_is_number(x)) { ok = 0; break; }
        v[m * nobj + k] = json_number_value(x) * (sweep_metric_find(obj[k])->sense < 0 ? 1.0 : -1.0);
      }
      if (ok) idx[m++] = j;
    }
    sweep_pareto(v, m, nobj, f);
    for (int q = 0; q < m; q++) front[idx[q]] = f[q];
  }
  free(v);
  free(idx);
  free(f);
}

static const row_t *g_rows;
static int g_obj0_sign;
static char g_obj0[32];
static int cmp_front(const void *a, const void *b) {
  const row_t *x = &g_rows[*(const int *)a], *y = &g_rows[*(const int *)b];
  int w = strcmp(x->workload, y->workload);
  if (w) return w;
  double p = json_number_value(json_object_get(x->metrics, g_obj0)), q = json_number_value(json_object_get(y->metrics, g_obj0));
  if (p != q) return (p < q ? -1 : 1) * g_obj0_sign;
  return strcmp(x->hash, y->hash);
}

/* Front row indices, sorted by workload then the first objective (best first). */
static int sorted_front(const row_t *r, int n, const int *front, char obj[][32], int **out) {
  int m = 0;
  int *ix = malloc((size_t)(n ? n : 1) * sizeof *ix);
  if (!ix) CODA_PANIC("out of memory");
  for (int i = 0; i < n; i++) if (front[i]) ix[m++] = i;
  g_rows = r;
  snprintf(g_obj0, sizeof g_obj0, "%s", obj[0]);
  g_obj0_sign = sweep_metric_find(obj[0])->sense < 0 ? 1 : -1;
  qsort(ix, (size_t)m, sizeof *ix, cmp_front);
  *out = ix;
  return m;
}

static int do_pareto(const sw_cli_t *c) {
  coda_err_t err = {0};
  char obj[SWEEP_MAX_OBJECTIVES][32];
  int nobj;
  if (parse_objs(c->pareto, "--pareto", obj, &nobj, &err)) return fail(&err);
  row_t *r;
  int n;
  if (load_rows(c->db, &r, &n, &err)) return fail(&err);
  int *front = malloc((size_t)(n ? n : 1) * sizeof *front), *ix;
  if (!front) CODA_PANIC("out of memory");
  front_of(r, n, obj, nobj, front);
  int m = sorted_front(r, n, front, obj, &ix);
  FILE *f = c->out ? fopen(c->out, "w") : NULL;
  if (c->out && !f) { coda_errf(&err, CODA_EIO, "%s: cannot write: %s", c->out, strerror(errno)); free(front); free(ix); free_rows(r, n); return fail(&err); }
  printf("Pareto front of %s (", c->pareto);
  for (int k = 0; k < nobj; k++) printf("%s%s %s", k ? ", " : "", sweep_metric_find(obj[k])->sense < 0 ? "min" : "max", obj[k]);
  printf("): %d of %d stored points\n", m, n);
  printf("%-32s %-12s", "workload", "hash");
  for (int k = 0; k < nobj; k++) printf(" %18s", obj[k]);
  printf("  params\n");
  if (f) {
    fprintf(f, "workload,hash");
    for (int k = 0; k < nobj; k++) fprintf(f, ",%s", obj[k]);
    fprintf(f, ",params\n");
  }
  for (int q = 0; q < m; q++) {
    const row_t *R = &r[ix[q]];
    char *pj = json_dumps(R->params, JSON_COMPACT | JSON_SORT_KEYS);
    printf("%-32.32s %-12.12s", R->workload, R->hash);
    for (int k = 0; k < nobj; k++) printf(" %18.6g", json_number_value(json_object_get(R->metrics, obj[k])));
    printf("  %s\n", pj);
    if (f) {
      fprintf(f, "\"%s\",%s", R->workload, R->hash);
      for (int k = 0; k < nobj; k++) fprintf(f, ",%.17g", json_number_value(json_object_get(R->metrics, obj[k])));
      fprintf(f, ",\"");
      for (const char *s = pj; *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
      fprintf(f, "\"\n");
    }
    free(pj);
  }
  if (f) fclose(f);
  free(front);
  free(ix);
  free_rows(r, n);
  return 0;
}

/* ---- merge -------------------------------------------------------------- */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int do_merge(const sw_cli_t *c) {
  coda_err_t err = {0};
  if (!c->npos) return usage("--merge OUT.sqlite needs shard files or a directory%s", "");
  char *files[4096] = {0};
  int nf = 0;
  for (int i = 0; i < c->npos; i++) {
    if (coda_is_dir(c->pos[i])) {
      DIR *d = opendir(c->pos[i]);
      struct dirent *e;
      while (d && (e = readdir(d))) {
        size_t L = strlen(e->d_name);
        if (L > 7 && !strcmp(e->d_name + L - 7, ".sqlite") && nf < 4096) {
          char p[PATH_MAX];
          coda_path_join(p, sizeof p, c->pos[i], e->d_name);
          files[nf++] = strdup(p);
        }
      }
      if (d) closedir(d);
    } else if (nf < 4096) files[nf++] = strdup(c->pos[i]);
  }
  qsort(files, (size_t)nf, sizeof *files, cmp_str);
  int rc = 0;
  if (!nf) { coda_errf(&err, CODA_EINVAL, "--merge: no shard databases (*.sqlite) given"); rc = -1; }
  char ro[PATH_MAX], rs[PATH_MAX];
  for (int i = 0; i < nf && !rc; i++)
    if (realpath(c->merge, ro) && realpath(files[i], rs) && !strcmp(ro, rs))
      rc = coda_errf(&err, CODA_EINVAL, "--merge: %s is the output database", files[i]);
  /* check every shard before touching the output */
  for (int i = 0; i < nf && !rc; i++) {
    sqlite3 *sh = NULL;
    if ((rc = sweepdb_open(&sh, files[i], 1, &err))) break;
    sweepdb_close(sh);
  }
  sqlite3 *db = NULL;
  if (!rc) rc = sweepdb_open(&db, c->merge, 0, &err);
  for (int i = 0; i < nf && !rc; i++) rc = sweepdb_merge(db, files[i], &err);
  int npts = 0;
  if (!rc) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM points", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      npts = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sweepdb_close(db);
  for (int i = 0; i < nf; i++) free(files[i]);
  if (rc) return fail(&err);
  printf("coda: sweep: merged %d shards into %s: %d points\n", nf, c->merge, npts);
  return 0;
}

/* ---- Slurm --------------------------------------------------------------- */
static int do_slurm(const sw_cli_t *c, const sweep_spec_t *s, const char *db) {
  coda_err_t err = {0};
  char spec_abs[PATH_MAX], dir[PATH_MAX + 16], script[PATH_MAX + 32], exe[PATH_MAX], root[PATH_MAX], dbabs[PATH_MAX];
  if (!realpath(s->path, spec_abs)) { coda_errf(&err, CODA_EIO, "%s: %s", s->path, strerror(errno)); return fail(&err); }
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) { coda_errf(&err, CODA_EIO, "sweep: cannot find the coda binary"); return fail(&err); }
  exe[n] = 0;
  coda_root_abs(root, sizeof root);
  if (db[0] == '/') snprintf(dbabs, sizeof dbabs, "%s", db);
  else {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) { coda_errf(&err, CODA_EIO, "sweep: getcwd: %s", strerror(errno)); return fail(&err); }
    coda_path_join(dbabs, sizeof dbabs, cwd, db);
  }
  snprintf(dir, sizeof dir, "%s.slurm", dbabs);
  if (mkdir(dir, 0755) && errno != EEXIST) { coda_errf(&err, CODA_EIO, "%s: cannot create: %s", dir, strerror(errno)); return fail(&err); }
  uint64_t np = sweep_count(s);
  int tasks = c->array_size ? c->array_size : (int)(np < 8 ? (np ? np : 1) : 8);
  if ((uint64_t)tasks > np && np) tasks = (int)np;
  coda_path_join(script, sizeof script, dir, "sweep.sbatch");
  FILE *f = fopen(script, "w");
  if (!f) { coda_errf(&err, CODA_EIO, "%s: cannot write: %s", script, strerror(errno)); return fail(&err); }
  fprintf(f, "#!/bin/sh\n# generated by `coda sweep --backend slurm` for %s (spec %s)\n", spec_abs, s->hash);
  fprintf(f, "#SBATCH --job-name=coda-sweep-%s\n#SBATCH --array=0-%d\n#SBATCH --output=%s/task-%%a.log\n", s->name, tasks - 1, dir);
  fprintf(f, "#SBATCH --cpus-per-task=%d\n#SBATCH --ntasks=1\n", c->jobs);
  if (c->partition) fprintf(f, "#SBATCH --partition=%s\n", c->partition);
  fprintf(f, "export CODA_ROOT='%s'\n", root);
  fprintf(f, "exec '%s' sweep '%s' --db '%s/shard-'\"$SLURM_ARRAY_TASK_ID\"'.sqlite' --shard \"$SLURM_ARRAY_TASK_ID/%d\" -j %d --resume-or-start\n",
          exe, spec_abs, dir, tasks, c->jobs);
  if (fclose(f)) { coda_errf(&err, CODA_EIO, "%s: write failed", script); return fail(&err); }
  printf("coda: sweep: wrote %s: a job array of %d tasks over %llu points\n", script, tasks, (unsigned long long)np);
  if (c->no_submit) {
    printf("coda: sweep: submit with `sbatch %s`, then `coda sweep --merge %s %s`\n", script, db, dir);
    return 0;
  }
  char cmd[PATH_MAX * 2];
  snprintf(cmd, sizeof cmd, "sbatch --parsable '%s' 2>&1", script);
  FILE *p = popen(cmd, "r");
  char out[512] = "";
  size_t L = p ? fread(out, 1, sizeof out - 1, p) : 0;
  out[L] = 0;
  int st = p ? pclose(p) : -1;
  while (L && (out[L - 1] == '\n' || out[L - 1] == '\r')) out[--L] = 0;
  if (st != 0) { coda_errf(&err, CODA_EIO, "sbatch %s: %s", script, L ? out : "failed (is Slurm installed and running?)"); return fail(&err); }
  printf("coda: sweep: submitted job %s; shards land in %s; when it is done: coda sweep --merge %s %s\n", out, dir, db, dir);
  return 0;
}

/* ---- run ----------------------------------------------------------------- */
static int do_run(sw_cli_t *c) {
  coda_err_t err = {0};
  sweep_spec_t s;
  if (c->npos != 1) return usage("expected one spec file%s", "");
  if (sweep_spec_load(&s, c->pos[0], &err)) return fail(&err);
  char dbdef[128];
  snprintf(dbdef, sizeof dbdef, "%s.sqlite", s.name);
  const char *db = c->db ? c->db : dbdef;
  int ex = 0;
  if (c->backend && !strcmp(c->backend, "slurm")) {
    ex = do_slurm(c, &s, db);
    sweep_spec_free(&s);
    return ex;
  }
  if (c->dry_run) {
    sweep_point_t *pts;
    int n;
    if (sweep_expand(&s, &pts, &n, &err)) { sweep_spec_free(&s); return fail(&err); }
    int invalid = 0, pruned = 0;
    for (int i = 0; i < n; i++) {
      sweep_resolved_t r;
      coda_err_t e2 = {0};
      if (sweep_resolve(&s, &pts[i], &r, &e2)) { invalid++; continue; }
      double a = sweep_area_estimate_um2(&r.cfg, s.sram_um2_per_bit);
      for (int k = 0; k < s.ncons && s.area_model == SWEEP_AREA_ESTIMATE; k++)
        if (!strcmp(s.cons[k].metric, "area_um2") && (a < s.cons[k].lo || a > s.cons[k].hi)) { pruned++; break; }
      sweep_resolved_free(&r);
    }
    printf("coda: sweep: %s: %d points, %d invalid configs, %d pruned by constraints before simulating\n", s.path, n,
           invalid, pruned);
    sweep_points_free(pts, n);
    sweep_spec_free(&s);
    return 0;
  }
  sweep_run_opts_t o = {db, c->jobs, c->resume, c->shard_i, c->shard_n, c->quiet ? NULL : stderr};
  sweep_run_stats_t st;
  int rc = sweep_run(&s, &o, &st, &err);
  sweep_spec_free(&s);
  if (rc) return fail(&err);
  printf("coda: sweep: %d points: %d simulated (%d failed), %d reused from %s, %d invalid configs, %d pruned by "
         "constraints, %d workers died; %.1f s, %.1f points/min\n",
         st.points, st.ran, st.failed, st.reused, db, st.invalid, st.pruned, st.crashed, st.wall_s,
         st.wall_s > 0 ? 60.0 * st.ran / st.wall_s : 0);
  return st.crashed ? 1 : 0;
}

int sweep_main(int argc, char **argv) {
  sw_cli_t c;
  /* --resume-or-start (the Slurm tasks): resume when the shard exists */
  for (int i = 2; i < argc; i++)
    if (!strcmp(argv[i], "--resume-or-start")) {
      for (int j = i; j + 1 < argc; j++) argv[j] = argv[j + 1];
      argc--;
      int rc = parse_args(argc, argv, 2, &c);
      if (rc) return rc;
      c.resume = c.db && access(c.db, F_OK) == 0;
      return do_run(&c);
    }
  if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) { fputs(SWEEP_USAGE, stdout); return 0; }
  int rc = parse_args(argc, argv, 2, &c);
  if (rc) return rc;
  if (c.merge) return do_merge(&c);
  if (c.export_fmt || c.pareto) {
    if (!c.db) return usage("--export/--pareto need --db R.sqlite%s", "");
    if (c.npos) return usage("unexpected argument %s", c.pos[0]);
    return c.export_fmt ? do_export(&c) : do_pareto(&c);
  }
  if (!c.npos) return usage("expected a spec file%s", "");
  return do_run(&c);
}

/* ---- report sweep ----------------------------------------------------------- */
static void html_esc(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else if (*s == '&') fputs("&amp;", f);
    else if (*s == '"') fputs("&quot;", f);
    else fputc(*s, f);
  }
}

static double num_of(json_t *v, json_t *cats) {
  if (json_is_number(v)) return json_number_value(v);
  if (json_is_boolean(v)) return json_is_true(v);
  /* a string: its index among the category names */
  char *t = json_dumps(v, JSON_ENCODE_ANY);
  size_t i;
  json_t *x;
  double r = NAN;
  json_array_foreach(cats, i, x) { if (!strcmp(json_string_value(x), t)) r = (double)i; }
  if (isnan(r)) { json_array_append_new(cats, json_string(t)); r = (double)(json_array_size(cats) - 1); }
  free(t);
  return r;
}

static int run_gnuplot(const char *script, coda_err_t *err) {
  pid_t pid = fork();
  if (pid == 0) {
    int nul = open("/dev/null", O_WRONLY);
    if (nul >= 0) dup2(nul, 1);
    execlp("gnuplot", "gnuplot", script, (char *)NULL);
    _exit(127);
  }
  int st = 0;
  if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
    return coda_errf(err, CODA_EIO, "gnuplot %s: failed (exit %d; is gnuplot installed? `make deps`)", script,
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return CODA_OK;
}

static int write_report(const char *dbpath, const char *outdir, const char *objlist, coda_err_t *err) {
  row_t *r;
  int n;
  if (load_rows(dbpath, &r, &n, err)) return err->code;
  int rc = CODA_OK;
  char obj[SWEEP_MAX_OBJECTIVES][32];
  int nobj = 0;
  if (objlist) rc = parse_objs(objlist, "--objectives", obj, &nobj, err);
  else {
    /* the objectives of the latest spec in the database */
    sqlite3 *db = NULL;
    if (!sweepdb_open(&db, dbpath, 1, err)) {
      sqlite3_stmt *st = NULL;
      if (sqlite3_prepare_v2(db, "SELECT spec_json FROM sweeps ORDER BY id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        json_t *sp = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(sp, "objectives"), i, v)
          if (nobj < SWEEP_MAX_OBJECTIVES && json_is_string(v) && sweep_metric_find(json_string_value(v)))
            snprintf(obj[nobj++], 32, "%s", json_string_value(v));
        json_decref(sp);
      }
      sqlite3_finalize(st);
      sweepdb_close(db);
    }
    if (!nobj) { snprintf(obj[0], 32, "cycles"); snprintf(obj[1], 32, "area_um2"); nobj = 2; }
  }
  if (rc) { free_rows(r, n); return rc; }
  if (nobj < 2) { free_rows(r, n); return coda_errf(err, CODA_EINVAL, "--objectives %s: the report needs at least two objectives", objlist); }
  if (mkdir(outdir, 0755) && errno != EEXIST) { free_rows(r, n); return coda_errf(err, CODA_EIO, "%s: cannot create: %s", outdir, strerror(errno)); }
  int *front = malloc((size_t)(n ? n : 1) * sizeof *front), *ix;
  if (!front) CODA_PANIC("out of memory");
  front_of(r, n, obj, nobj, front);
  int m = sorted_front(r, n, front, obj, &ix);
  const char *keys[SWEEP_MAX_PARAMS * 4];
  int nk = param_keys(r, n, keys, SWEEP_MAX_PARAMS * 4);
  json_t *cats[SWEEP_MAX_PARAMS * 4];
  for (int k = 0; k < nk; k++) cats[k] = json_array();
  /* data: one row per ok point: objectives, params, front flag, workload index */
  char p[PATH_MAX], gp[PATH_MAX];
  coda_path_join(p, sizeof p, outdir, "points.dat");
  coda_path_join(gp, sizeof gp, outdir, "plots.gp");
  FILE *d = fopen(p, "w"), *g = fopen(gp, "w");
  if (!d || !g) {
    if (d) fclose(d);
    if (g) fclose(g);
    free(front); free(ix); free_rows(r, n);
    for (int k = 0; k < nk; k++) json_decref(cats[k]);
    return coda_errf(err, CODA_EIO, "%s: cannot write", outdir);
  }
  int nok = 0;
  fprintf(d, "#");
  for (int k = 0; k < nobj; k++) fprintf(d, " %s", obj[k]);
  for (int k = 0; k < nk; k++) fprintf(d, " %s", keys[k]);
  fprintf(d, " front\n");
  for (int i = 0; i < n; i++) {
    if (strcmp(r[i].status, "ok") || !r[i].metrics) continue;
    nok++;
    for (int k = 0; k < nobj; k++) fprintf(d, "%.10g ", json_number_value(json_object_get(r[i].metrics, obj[k])));
    for (int k = 0; k < nk; k++) {
      json_t *v = json_object_get(r[i].params, keys[k]);
      double x = v ? num_of(v, cats[k]) : NAN;
      if (isnan(x)) fprintf(d, "NaN "); else fprintf(d, "%.10g ", x);
    }
    fprintf(d, "%d\n", front[i]);
  }
  fclose(d);
  /* the 2-D front of the first two objectives, sorted by the first, for the line */
  int *front2 = malloc((size_t)(n ? n : 1) * sizeof *front2), *ix2;
  if (!front2) CODA_PANIC("out of memory");
  front_of(r, n, obj, 2, front2);
  int m2 = sorted_front(r, n, front2, obj, &ix2);
  char fp[PATH_MAX];
  coda_path_join(fp, sizeof fp, outdir, "front.dat");
  d = fopen(fp, "w");
  for (int q = 0; d && q < m2; q++) {
    if (q && strcmp(r[ix2[q]].workload, r[ix2[q - 1]].workload)) fprintf(d, "\n\n");
    fprintf(d, "%.10g %.10g\n", json_number_value(json_object_get(r[ix2[q]].metrics, obj[0])),
            json_number_value(json_object_get(r[ix2[q]].metrics, obj[1])));
  }
  if (d) fclose(d);
  free(front2);
  free(ix2);
  fprintf(g, "set terminal pngcairo size 800,560 noenhanced font ',10'\nset datafile missing 'NaN'\nset grid\nset key outside bottom center horizontal\n");
  fprintf(g, "cd '%s'\n", outdir);
  fprintf(g, "set output 'pareto.png'\nset title 'Pareto front: %s (%s) vs %s (%s); %d ok points, %d on the front'\n", obj[0],
          sweep_metric_find(obj[0])->sense < 0 ? "min" : "max", obj[1], sweep_metric_find(obj[1])->sense < 0 ? "min" : "max", nok, m);
  fprintf(g, "set xlabel '%s'\nset ylabel '%s'\nset logscale xy\n", obj[0], obj[1]);
  fprintf(g, "plot 'points.dat' using 1:2 with points pt 7 ps 0.5 lc rgb '#9aa5b1' title 'all points', "
             "'points.dat' using ($%d==1?$1:NaN):2 with points pt 7 ps 1.0 lc rgb '#d62728' title 'Pareto-optimal (all objectives)', "
             "'front.dat' using 1:2 with steps lw 2 lc rgb '#2ca02c' title '2-D front of these two'\n",
          nobj + nk + 1);
  fprintf(g, "unset logscale\n");
  for (int k = 0; k < nk; k++)
    for (int o = 0; o < nobj; o++) {
      int xcol = nobj + k + 1, ycol = o + 1;
      fprintf(g, "set output 'param_%d_%d.png'\nset title '%s vs %s'\nset xlabel '%s'\nset ylabel '%s'\n", k, o, obj[o], keys[k],
              keys[k], obj[o]);
      if (json_array_size(cats[k])) {
        fprintf(g, "set xtics (");
        size_t i;
        json_t *v;
        json_array_foreach(cats[k], i, v) { fprintf(g, "%s'%s' %zu", i ? ", " : "", json_string_value(v), i); }
        fprintf(g, ")\n");
      } else fprintf(g, "set xtics autofreq\n");
      double lo = INFINITY, hi = -INFINITY;
      for (int i = 0; i < n; i++) {
        json_t *v = json_object_get(r[i].params, keys[k]);
        if (json_is_number(v)) { double x = json_number_value(v); if (x < lo) lo = x; if (x > hi) hi = x; }
      }
      fprintf(g, "%s", lo > 0 && hi / lo >= 8 ? "set logscale x 2\n" : "");
      fprintf(g, "set logscale y\nplot 'points.dat' using %d:%d with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'points', "
                 "'points.dat' using %d:%d smooth unique with linespoints lw 2 lc rgb '#ff7f0e' title 'mean per value'\nunset logscale\n",
              xcol, ycol, xcol, ycol);
    }
  fclose(g);
  rc = run_gnuplot(gp, err);
  /* HTML */
  char hp[PATH_MAX];
  coda_path_join(hp, sizeof hp, outdir, "index.html");
  FILE *h = rc ? NULL : fopen(hp, "w");
  if (!rc && !h) rc = coda_errf(err, CODA_EIO, "%s: cannot write", hp);
  if (h) {
    fprintf(h, "<!doctype html>\n<html><head><meta charset='utf-8'><title>coda sweep report</title>\n"
               "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
               "padding:2px 6px;font-size:90%%}img{max-width:48%%;margin:4px}</style></head><body>\n");
    fprintf(h, "<h1>coda sweep report</h1>\n<p>Database <code>");
    html_esc(h, dbpath);
    fprintf(h, "</code>: %d stored points, %d ok. Objectives:", n, nok);
    for (int k = 0; k < nobj; k++) fprintf(h, " %s %s;", sweep_metric_find(obj[k])->sense < 0 ? "minimize" : "maximize", obj[k]);
    fprintf(h, " Pareto front over the ok points that meet their sweep's constraints, per workload.</p>\n");
    fprintf(h, "<h2>Pareto front</h2>\n<img src='pareto.png' alt='Pareto front'>\n");
    fprintf(h, "<h2>Front (%d points, best %s first)</h2>\n<table><tr><th>workload</th><th>hash</th>", m, obj[0]);
    for (int k = 0; k < nobj; k++) fprintf(h, "<th>%s</th>", obj[k]);
    for (int k = 0; k < nk; k++) { fprintf(h, "<th>"); html_esc(h, keys[k]); fprintf(h, "</th>"); }
    fprintf(h, "</tr>\n");
    for (int q = 0; q < m; q++) {
      const row_t *R = &r[ix[q]];
      fprintf(h, "<tr><td>");
      html_esc(h, R->workload);
      fprintf(h, "</td><td><code>%.12s</code></td>", R->hash);
      for (int k = 0; k < nobj; k++) fprintf(h, "<td>%.6g</td>", json_number_value(json_object_get(R->metrics, obj[k])));
      for (int k = 0; k < nk; k++) {
        json_t *v = json_object_get(R->params, keys[k]);
        char *t = v ? json_dumps(v, JSON_ENCODE_ANY) : strdup("");
        fprintf(h, "<td>");
        html_esc(h, t);
        fprintf(h, "</td>");
        free(t);
      }
      fprintf(h, "</tr>\n");
    }
    fprintf(h, "</table>\n<h2>Each parameter's effect on each objective</h2>\n");
    for (int k = 0; k < nk; k++) {
      fprintf(h, "<h3>");
      html_esc(h, keys[k]);
      fprintf(h, "</h3>\n");
      for (int o = 0; o < nobj; o++) fprintf(h, "<img src='param_%d_%d.png' alt='%s vs %s'>\n", k, o, obj[o], keys[k]);
    }
    fprintf(h, "<p>Front as CSV: <code>coda sweep --db DB --pareto ");
    for (int k = 0; k < nobj; k++) fprintf(h, "%s%s", k ? "," : "", obj[k]);
    fprintf(h, " -o front.csv</code>; every point: <code>coda sweep --db DB --export csv</code>.</p>\n</body></html>\n");
    if (fclose(h)) rc = coda_errf(err, CODA_EIO, "%s: write failed", hp);
    else printf("coda: report sweep: %s (%d points, %d on the front, %d plots)\n", hp, nok, m, 1 + nk * nobj);
  }
  for (int k = 0; k < nk; k++) json_decref(cats[k]);
  free(front);
  free(ix);
  free_rows(r, n);
  return rc;
}

int sweep_report_main(int argc, char **argv) {
  /* argv: coda report sweep ... */
  sw_cli_t c;
  int rc = parse_args(argc, argv, 3, &c);
  if (rc) return rc;
  if (!c.db) return usage("report sweep: --db R.sqlite is required%s", "");
  if (c.npos) return usage("report sweep: unexpected argument %s", c.pos[0]);
  char def[PATH_MAX];
  if (!c.out) {
    snprintf(def, sizeof def, "%s", c.db);
    char *dot = strrchr(def, '.');
    if (dot && !strchr(dot, '/')) *dot = 0;
    strncat(def, "-report", sizeof def - strlen(def) - 1);
  }
  char abs[PATH_MAX];
  const char *out = c.out ? c.out : def;
  coda_err_t err = {0};
  if (mkdir(out, 0755) && errno != EEXIST) { coda_errf(&err, CODA_EIO, "%s: cannot create: %s", out, strerror(errno)); return fail(&err); }
  if (!realpath(out, abs)) { coda_errf(&err, CODA_EIO, "%s: %s", out, strerror(errno)); return fail(&err); }
  return write_report(c.db, abs, c.objectives, &err) ? fail(&err) : 0;
}
