/* scalesim_cli.c: `coda scalesim CONFIG.cfg TOPOLOGY.csv`: runs every layer
 * of a SCALE-Sim topology on the systolic array (sim/tpe/systolic.h) and
 * reports it in SCALE-Sim's columns: COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv
 * and DETAILED_ACCESS_REPORT.csv (--outdir), a text table, and JSON
 * (--json, schema coda.scalesim.v1). Exit 0, 1 (--check mismatch), 2 (bad
 * input: one line naming the file and line or field). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "scalesim.h"

#define SS_SCHEMA "coda.scalesim.v1"

static const char *const USAGE =
    "coda scalesim CONFIG.cfg TOPOLOGY.csv [-i conv|gemm] [--outdir DIR] [--json OUT]\n"
    "              [--check] [--per-cycle] [--seed N] [--no-skip]\n"
    "  Runs a SCALE-Sim v2/v3 config (INI) and topology (conv or M,N,K GEMM CSV) on coda's\n"
    "  systolic array with SCALE-Sim's fold mapping and cycle semantics, and prints per layer:\n"
    "  Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %, SRAM\n"
    "  and DRAM accesses. --outdir writes COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and\n"
    "  DETAILED_ACCESS_REPORT.csv in SCALE-Sim's columns; --json writes coda.scalesim.v1.\n"
    "  -i forces the topology format (default: GEMM when the header reads Layer, M, N, K).\n"
    "  --check computes every layer on random INT8 data (per fold) and compares it with a plain\n"
    "  reference GEMM (exit 1 on a difference); --per-cycle moves every operand through the PEs\n"
    "  cycle by cycle instead (small layers). --no-skip evaluates every cycle (speed baseline).\n"
    "  Formulas and where coda differs from SCALE-Sim: sim/scalesim/README.md.\n";

typedef struct opts {
  const char *cfg, *topo, *json, *outdir;
  ss_topo_kind_e kind;
  int check, per_cycle, no_skip;
  uint64_t seed;
} opts_t;

typedef struct layer_res {
  ss_dims_t d;
  sa_t sa;                  /* finished block (statistics; buffers freed) */
  uint64_t visited;         /* kernel cycles evaluated */
  uint64_t checked, mismatches;
} layer_res_t;

static int usage_err(const char *what, const char *arg) {
  fprintf(stderr, "coda: scalesim: %s%s (see `coda help scalesim`)\n", what, arg ? arg : "");
  return 2;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* splitmix64: the operand generator for --check. */
static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

typedef struct uniq_ctx {
  const ss_layer_t *l;
  uint8_t *bitmap;
} uniq_ctx_t;

static uint64_t uniq_cb(void *ctx, uint32_t m0, uint32_t m1, uint32_t k0, uint32_t k1) {
  uniq_ctx_t *u = ctx;
  return ss_ifmap_unique(u->l, u->bitmap, m0, m1, k0, k1);
}

static int run_layer(const opts_t *o, const ss_cfg_t *c, const ss_layer_t *l, layer_res_t *r, coda_err_t *e) {
  memset(r, 0, sizeof *r);
  r->d = ss_layer_dims(l);
  sa_cfg_t sc = {c->rows, c->cols, c->df, SA_MODE_TIMING, c->ifmap_kb * 1024, c->filter_kb * 1024,
                 c->ofmap_kb * 1024, c->user_bw ? c->bandwidth : 0};
  if (o->check) sc.mode = o->per_cycle ? SA_MODE_CYCLE : SA_MODE_FOLD;
  uniq_ctx_t u = {l, NULL};
  sa_gemm_t g = {r->d.m, r->d.n, r->d.k, NULL, NULL, NULL, NULL, NULL};
  uint64_t ifmap_words = (uint64_t)l->ih * l->iw * l->ch;
  ss_dims_t d = r->d;
  if (!((l->sh >= l->fh || d.oh == 1) && (l->sw >= l->fw || d.ow == 1))) {
    if (!(u.bitmap = calloc(ifmap_words / 8 + 1, 1))) return coda_errf(e, CODA_ENOMEM, "out of memory");
    g.ifmap_unique = uniq_cb;
    g.ifmap_unique_ctx = &u;
  }
  int8_t *a = NULL, *b = NULL, *ifmap = NULL;
  int32_t *cres = NULL;
  int rc = CODA_OK;
  if (o->check) {
    size_t mk = (size_t)d.m * d.k, kn = (size_t)d.k * d.n, mn = (size_t)d.m * d.n;
    a = malloc(mk);
    b = malloc(kn);
    ifmap = malloc(ifmap_words);
    cres = calloc(mn, sizeof *cres);
    if (!a || !b || !ifmap || !cres) { rc = coda_errf(e, CODA_ENOMEM, "out of memory"); goto out; }
    uint64_t seed = o->seed ^ (uint64_t)l->line * 0x100000001b3ull;
    for (uint64_t i = 0; i < ifmap_words; i++) ifmap[i] = (int8_t)(mix(&seed) & 0xff);
    for (size_t i = 0; i < kn; i++) b[i] = (int8_t)(mix(&seed) & 0xff);
    /* The ifmap operand is the real im2col of the ifmap tensor. */
    for (uint32_t m = 0; m < d.m; m++)
      for (uint32_t k = 0; k < d.k; k++) a[(size_t)m * d.k + k] = ifmap[ss_ifmap_addr(l, m, k)];
    g.a = a; g.b = b; g.c = cres;
  }
  if ((rc = sa_init(&r->sa, &sc, &g, e))) goto out;
  rc = sa_run(&r->sa, o->no_skip, &r->visited, e);
  if (!rc && o->check) {
    for (uint32_t m = 0; m < d.m; m++)
      for (uint32_t n = 0; n < d.n; n++) {
        int64_t acc = 0;
        for (uint32_t k = 0; k < d.k; k++) acc += (int64_t)a[(size_t)m * d.k + k] * b[(size_t)k * d.n + n];
        r->checked++;
        if ((int32_t)(uint32_t)(uint64_t)acc != cres[(size_t)m * d.n + n]) r->mismatches++;
      }
  }
  sa_free(&r->sa);
out:
  free(a); free(b); free(ifmap); free(cres); free(u.bitmap);
  return rc;
}

/* ---- reports --------------------------------------------------------------- */

static double bw(uint64_t words, uint64_t cycles) { return cycles ? (double)words / (double)cycles : 0.0; }

typedef struct detail {
  int64_t sram_start, sram_stop;     /* compute window, SCALE-Sim's cycle origin */
  int64_t if_start, if_stop, fi_start, fi_stop, of_start, of_stop; /* DRAM windows */
} detail_t;

/* SCALE-Sim counts cycles from the first compute cycle: the prefetch lies at
 * negative cycles. */
static detail_t details(const layer_res_t *r) {
  const sa_stats_t *st = &r->sa.st;
  int64_t o = (int64_t)st->prefetch_cycles;
  detail_t d;
  d.sram_start = 0;
  d.sram_stop = (int64_t)sa_scalesim_total_cycles(st);
  d.if_start = st->ifmap_dram_reads ? -o : 0;
  d.if_stop = st->ifmap_dram_reads ? (int64_t)st->ifmap_dram_last_cyc - o - 1 : 0;
  d.fi_start = st->filter_dram_reads ? -o : 0;
  d.fi_stop = st->filter_dram_reads ? (int64_t)st->filter_dram_last_cyc - o - 1 : 0;
  d.of_start = (int64_t)r->sa.fold_cycles;
  d.of_stop = (int64_t)st->ofmap_dram_last_cyc - o - 1;
  return d;
}

static int write_csvs(const char *dir, const ss_topo_t *t, const layer_res_t *res, coda_err_t *e) {
  if (mkdir(dir, 0777) && errno != EEXIST) return coda_errf(e, CODA_EIO, "%s: cannot create: %s", dir, strerror(errno));
  static const char *const NAMES[] = {"COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv"};
  for (int fi = 0; fi < 3; fi++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, NAMES[fi]);
    FILE *f = fopen(path, "w");
    if (!f) return coda_errf(e, CODA_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (fi == 0) fprintf(f, "LayerID, Total Cycles, Stall Cycles, Overall Util %%, Mapping Efficiency %%, Compute Util %%,\n");
    if (fi == 1) fprintf(f, "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, "
                            "Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n");
    if (fi == 2) fprintf(f, "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start "
                            "Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop "
                            "Cycle, SRAM OFMAP Writes, DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
                            "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, DRAM OFMAP Start "
                            "Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n");
    for (size_t i = 0; i < t->n; i++) {
      const sa_t *s = &res[i].sa;
      const sa_stats_t *st = &s->st;
      uint64_t tot = sa_scalesim_total_cycles(st);
      detail_t d = details(&res[i]);
      if (fi == 0)
        fprintf(f, "%zu, %" PRIu64 ", %" PRIu64 ", %.15g, %.15g, %.15g,\n", i, tot, st->stall_cycles,
                sa_overall_util(s), sa_mapping_eff(s), sa_compute_util(s));
      if (fi == 1)
        fprintf(f, "%zu, %.15g, %.15g, %.15g, %.15g, %.15g, %.15g,\n", i, bw(st->ifmap_sram_reads, tot),
                bw(st->filter_sram_reads, tot), bw(st->ofmap_sram_writes, tot),
                bw(st->ifmap_dram_reads, (uint64_t)(d.if_stop - d.if_start + 1)),
                bw(st->filter_dram_reads, (uint64_t)(d.fi_stop - d.fi_start + 1)),
                bw(st->ofmap_dram_writes, (uint64_t)(d.of_stop - d.of_start + 1)));
      if (fi == 2)
        fprintf(f, "%zu, %" PRId64 ", %" PRId64 ", %" PRIu64 ", %" PRId64 ", %" PRId64 ", %" PRIu64 ", %" PRId64
                   ", %" PRId64 ", %" PRIu64 ", %" PRId64 ", %" PRId64 ", %" PRIu64 ", %" PRId64 ", %" PRId64
                   ", %" PRIu64 ", %" PRId64 ", %" PRId64 ", %" PRIu64 ",\n",
                i, d.sram_start, d.sram_stop, st->ifmap_sram_reads, d.sram_start, d.sram_stop, st->filter_sram_reads,
                d.sram_start, d.sram_stop, st->ofmap_sram_writes, d.if_start, d.if_stop, st->ifmap_dram_reads,
                d.fi_start, d.fi_stop, st->filter_dram_reads, d.of_start, d.of_stop, st->ofmap_dram_writes);
    }
    if (fclose(f)) return coda_errf(e, CODA_EIO, "%s: write failed", path);
  }
  return CODA_OK;
}

static json_t *layer_json(const ss_layer_t *l, const layer_res_t *r) {
  const sa_t *s = &r->sa;
  const sa_stats_t *st = &s->st;
  json_t *j = json_object();
  json_object_set_new(j, "name", json_string(l->name));
  json_object_set_new(j, "m", json_integer(r->d.m));
  json_object_set_new(j, "n", json_integer(r->d.n));
  json_object_set_new(j, "k", json_integer(r->d.k));
  json_object_set_new(j, "sr", json_integer(s->sr));
  json_object_set_new(j, "sc", json_integer(s->sc));
  json_object_set_new(j, "t", json_integer(s->t));
  json_object_set_new(j, "row_folds", json_integer(s->row_folds));
  json_object_set_new(j, "col_folds", json_integer(s->col_folds));
  json_object_set_new(j, "fold_cycles", json_integer((json_int_t)st->fold_cycles));
  json_object_set_new(j, "total_cycles", json_integer((json_int_t)sa_scalesim_total_cycles(st)));
  json_object_set_new(j, "compute_cycles", json_integer((json_int_t)st->compute_cycles));
  json_object_set_new(j, "stall_cycles", json_integer((json_int_t)st->stall_cycles));
  json_object_set_new(j, "prefetch_cycles", json_integer((json_int_t)st->prefetch_cycles));
  json_object_set_new(j, "macs", json_integer((json_int_t)st->macs));
  json_object_set_new(j, "overall_util_pct", json_real(sa_overall_util(s)));
  json_object_set_new(j, "mapping_efficiency_pct", json_real(sa_mapping_eff(s)));
  json_object_set_new(j, "compute_util_pct", json_real(sa_compute_util(s)));
  json_object_set_new(j, "ifmap_sram_reads_words", json_integer((json_int_t)st->ifmap_sram_reads));
  json_object_set_new(j, "filter_sram_reads_words", json_integer((json_int_t)st->filter_sram_reads));
  json_object_set_new(j, "ofmap_sram_writes_words", json_integer((json_int_t)st->ofmap_sram_writes));
  json_object_set_new(j, "ifmap_dram_reads_words", json_integer((json_int_t)st->ifmap_dram_reads));
  json_object_set_new(j, "filter_dram_reads_words", json_integer((json_int_t)st->filter_dram_reads));
  json_object_set_new(j, "ofmap_dram_writes_words", json_integer((json_int_t)st->ofmap_dram_writes));
  json_object_set_new(j, "evaluated_cycles", json_integer((json_int_t)r->visited));
  if (r->checked) {
    json_object_set_new(j, "outputs_checked", json_integer((json_int_t)r->checked));
    json_object_set_new(j, "mismatches", json_integer((json_int_t)r->mismatches));
  }
  return j;
}

static int parse_args(int argc, char **argv, opts_t *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  int npos = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
#define NEED() do { if (i + 1 >= argc) return usage_err("missing value after ", a); } while (0)
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(USAGE, stdout); return 1; }
    else if (!strcmp(a, "--json")) { NEED(); o->json = argv[++i]; }
    else if (!strcmp(a, "--outdir")) { NEED(); o->outdir = argv[++i]; }
    else if (!strcmp(a, "-i")) {
      NEED();
      const char *v = argv[++i];
      if (!strcmp(v, "conv")) o->kind = SS_TOPO_CONV;
      else if (!strcmp(v, "gemm")) o->kind = SS_TOPO_GEMM;
      else return usage_err("-i: expected conv or gemm, got ", v);
    } else if (!strcmp(a, "--seed")) {
      NEED();
      char *end;
      errno = 0;
      o->seed = strtoull(argv[++i], &end, 0);
      if (errno || *end || argv[i][0] == '-' || !argv[i][0]) return usage_err("--seed: expected a number, got ", argv[i]);
    } else if (!strcmp(a, "--check")) o->check = 1;
    else if (!strcmp(a, "--per-cycle")) o->check = o->per_cycle = 1;
    else if (!strcmp(a, "--no-skip")) o->no_skip = 1;
    else if (a[0] == '-' && a[1]) return usage_err("unknown option ", a);
    else if (npos == 0) { o->cfg = a; npos++; }
    else if (npos == 1) { o->topo = a; npos++; }
    else return usage_err("unexpected argument ", a);
#undef NEED
  }
  if (npos != 2) return usage_err("expected CONFIG.cfg TOPOLOGY.csv", NULL);
  return 0;
}

int scalesim_main(int argc, char **argv) {
  opts_t o;
  int prc = parse_args(argc, argv, &o);
  if (prc) return prc == 1 ? 0 : 2;
  coda_err_t e = {0};
  ss_cfg_t c;
  ss_topo_t t;
  if (ss_cfg_load(o.cfg, &c, &e)) { fprintf(stderr, "coda: error: %s\n", e.msg); return 2; }
  if (ss_topo_load(o.topo, o.kind, &t, &e)) { fprintf(stderr, "coda: error: %s\n", e.msg); return 2; }
  layer_res_t *res = calloc(t.n, sizeof *res);
  if (!res) { ss_topo_free(&t); fprintf(stderr, "coda: error: out of memory\n"); return 2; }
  double t0 = now_s();
  int rc = 0;
  uint64_t sim_cycles = 0, evaluated = 0, mism = 0, checked = 0;
  for (size_t i = 0; i < t.n && !rc; i++) {
    if ((rc = run_layer(&o, &c, &t.layers[i], &res[i], &e))) {
      fprintf(stderr, "coda: error: %s:%d: layer '%s': %s\n", o.topo, t.layers[i].line, t.layers[i].name, e.msg);
      break;
    }
    sim_cycles += res[i].sa.last_end;
    evaluated += res[i].visited;
    mism += res[i].mismatches;
    checked += res[i].checked;
  }
  double wall = now_s() - t0;
  if (rc) goto done;

  printf("coda scalesim: run %s, %ux%u %s, SRAM ifmap/filter/ofmap %" PRIu64 "/%" PRIu64 "/%" PRIu64
         " kB, DRAM %s, %s topology %s (%zu layers)\n",
         c.run_name, c.rows, c.cols, sa_df_name(c.df), c.ifmap_kb, c.filter_kb, c.ofmap_kb,
         c.user_bw ? "USER bandwidth" : "CALC (unlimited bandwidth, no stalls)", t.gemm ? "GEMM" : "conv", o.topo, t.n);
  if (c.user_bw) printf("DRAM bandwidth %" PRIu64 " words/cycle per operand\n", c.bandwidth);
  printf("%-3s %-16s %7s %6s %6s %6s %12s %10s %8s %8s %8s %12s %12s %12s %12s %12s %12s\n", "id", "layer", "M",
         "N", "K", "folds", "total_cyc", "stall_cyc", "util%", "map_eff%", "cmp_util%", "ifmap_sram", "filter_sram",
         "ofmap_sram", "ifmap_dram", "filter_dram", "ofmap_dram");
  uint64_t tot_cyc = 0, tot_stall = 0;
  for (size_t i = 0; i < t.n; i++) {
    const sa_t *s = &res[i].sa;
    const sa_stats_t *st = &s->st;
    tot_cyc += sa_scalesim_total_cycles(st);
    tot_stall += st->stall_cycles;
    printf("%-3zu %-16.16s %7u %6u %6u %6" PRIu64 " %12" PRIu64 " %10" PRIu64 " %8.2f %8.2f %8.2f %12" PRIu64
           " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n",
           i, t.layers[i].name, res[i].d.m, res[i].d.n, res[i].d.k, st->folds, sa_scalesim_total_cycles(st),
           st->stall_cycles, sa_overall_util(s), sa_mapping_eff(s), sa_compute_util(s), st->ifmap_sram_reads,
           st->filter_sram_reads, st->ofmap_sram_writes, st->ifmap_dram_reads, st->filter_dram_reads,
           st->ofmap_dram_writes);
  }
  printf("total: %" PRIu64 " cycles, %" PRIu64 " stall cycles\n", tot_cyc, tot_stall);
  if (o.check)
    printf("check (%s): %" PRIu64 " outputs compared with the reference GEMM, %" PRIu64 " mismatches\n",
           o.per_cycle ? "per-cycle PE datapath" : "per-fold datapath", checked, mism);
  printf("simulated %" PRIu64 " cycles (%" PRIu64 " evaluated) in %.3f s: %.3g simulated cycles/s\n", sim_cycles,
         evaluated, wall, wall > 0 ? (double)sim_cycles / wall : 0.0);

  if (o.outdir && (rc = write_csvs(o.outdir, &t, res, &e))) {
    fprintf(stderr, "coda: error: %s\n", e.msg);
    goto done;
  }
  if (o.json) {
    json_t *doc = json_object(), *layers = json_array();
    json_object_set_new(doc, "schema", json_string(SS_SCHEMA));
    json_object_set_new(doc, "run_name", json_string(c.run_name));
    json_object_set_new(doc, "config", json_pack("{s:i, s:i, s:s, s:I, s:I, s:I, s:s, s:I}", "array_rows", (int)c.rows,
                                                 "array_cols", (int)c.cols, "dataflow", sa_df_name(c.df),
                                                 "ifmap_sram_kb", (json_int_t)c.ifmap_kb, "filter_sram_kb",
                                                 (json_int_t)c.filter_kb, "ofmap_sram_kb", (json_int_t)c.ofmap_kb,
                                                 "interface_bandwidth", c.user_bw ? "USER" : "CALC",
                                                 "bandwidth_words_per_cycle", (json_int_t)(c.user_bw ? c.bandwidth : 0)));
    json_object_set_new(doc, "topology", json_string(o.topo));
    json_object_set_new(doc, "topology_format", json_string(t.gemm ? "gemm" : "conv"));
    for (size_t i = 0; i < t.n; i++) json_array_append_new(layers, layer_json(&t.layers[i], &res[i]));
    json_object_set_new(doc, "layers", layers);
    json_object_set_new(doc, "total", json_pack("{s:I, s:I}", "total_cycles", (json_int_t)tot_cyc, "stall_cycles",
                                                (json_int_t)tot_stall));
    if (o.check)
      json_object_set_new(doc, "check", json_pack("{s:I, s:I}", "outputs_checked", (json_int_t)checked, "mismatches",
                                                  (json_int_t)mism));
    json_object_set_new(doc, "simulator", json_pack("{s:I, s:I, s:f}", "simulated_cycles", (json_int_t)sim_cycles,
                                                    "evaluated_cycles", (json_int_t)evaluated, "wall_seconds", wall));
    if (json_dump_file(doc, o.json, JSON_INDENT(2))) {
      fprintf(stderr, "coda: error: %s: cannot write\n", o.json);
      rc = CODA_EIO;
    }
    json_decref(doc);
  }
  if (!rc && mism) rc = CODA_ECHECK;
done:
  free(res);
  ss_topo_free(&t);
  if (!rc) return 0;
  return rc == CODA_ECHECK ? 1 : 2;
}
