/* tpe_report.c: `coda report tpe` (see tpe_report.h).
 *
 * Per row (topology x variant x encoding, at the topology's sizes, then the
 * user's --set, then the settings that make the topology what it is):
 * - area_um2, fmax_mhz: area_run() on the block's RTL (cached by content);
 * - macs_per_cycle: measured on the block's C twin (each topology's
 *   measure function says how; tree and grid results are checked against a
 *   plain loop, exit 1 on a difference);
 * - throughput = MACs/cycle x frequency (own fmax; common = min fmax);
 * - area efficiency = throughput / area;
 * - energy_per_op_pj: energy_run() on the block's timing tile, clocked at
 *   the design's own fmax, under the block's steady workload (uniform INT8
 *   operands); at the common frequency the leakage share is rescaled to
 *   the longer period (dynamic energy per op does not depend on the clock);
 * - energy efficiency = 1 / energy per op (MACs per joule);
 * - gains: the row's figure over its baseline's (same topology and
 *   encoding, the base variant; for the bit-slice array, the bit-parallel
 *   array of equal area built from the 2D-Matrix base PE).
 * The bit-slice array's throughput depends on the data: a second table
 * gives it per operand distribution against the equal-area baseline.
 */
#include "tpe_report.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/area/area.h"
#include "../sim/core/util.h"
#include "../sim/cosim/cosim.h"
#include "../sim/energy/energy_flow.h"
#include "../sim/tpe/tpe_bs.h"
#include "../sim/tpe/tpe_grid.h"
#include "../sim/tpe/tpe_tree.h"

#define MAX_VARIANTS 4
#define MAX_ENCODINGS 2
#define MAX_ROWS 96
#define MAX_DISTS 8
#define STREAM_BLOCKS 64
#define STREAM_BEATS 16
#define GRID_T 256          /* the grids' fold: T = 256 along the streamed dimension */
#define BS_CYCLES 40000     /* bit-slice throughput: cycles of the steady workload */
#define ENERGY_CYCLES 2000  /* energy flow: measured cycles per design */

/* One topology: one registry entry. */
typedef struct tpe_topology {
  const char *name;                       /* "tree" */
  const char *doc;                        /* one line for the notes */
  const char *block;                      /* area, cosim and energy block */
  const char *sizes;                      /* --set list applied before the user's (default sizes) */
  const char *ident;                      /* --set list applied after them (what makes the topology) */
  const char *variant_key;                /* config key of the variant */
  const char *variants[MAX_VARIANTS + 1]; /* NULL-terminated; [0] is the baseline */
  const char *enc_key;                    /* config key of the encoding */
  const char *encodings[MAX_ENCODINGS + 1];
  /* INT8 MACs per cycle, measured on the C twin; *latency: cycles from the
   * first beat to the first result (NAN if not defined). */
  int (*measure)(const arch_cfg_t *cfg, double *macs_per_cycle, double *latency, coda_err_t *err);
} tpe_topology_t;

/* ---- the multiplier-adder tree and the 3D-Cube ------------------------------- */

static int tree_measure(const arch_cfg_t *cfg, double *macs_per_cycle, double *latency, coda_err_t *err) {
  tpe_tree_cfg_t c = tpe_tree_cfg_of(cfg);
  tpe_tree_t *t = malloc(sizeof *t);
  const size_t per_blk = (size_t)TPE_TREE_MAX_M * TPE_TREE_MAX_N; /* want[blk][m][n] */
  uint32_t *want = calloc((size_t)STREAM_BLOCKS * per_blk, sizeof *want);
  if (!t || !want) {
    free(t);
    free(want);
    return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  }
  int rc = tpe_tree_init(t, &c, err);
  const uint32_t M = c.m, K = c.k, N = c.n;
  int8_t a[TPE_TREE_MAX_M * TPE_TREE_MAX_K], b[TPE_TREE_MAX_N * TPE_TREE_MAX_K];
  uint64_t seed = 0x7470655f72707431ull, beats = 0, cyc = 0, first_done = 0, last_done = 0;
  uint32_t got = 0;
  const uint64_t total = (uint64_t)STREAM_BLOCKS * STREAM_BEATS, limit = total + 64;
  while (!rc && got < STREAM_BLOCKS && cyc < limit) {
    tpe_tree_in_t in = {0, 0, 0, a, b};
    if (beats < total) {
      uint32_t blk = (uint32_t)(beats / STREAM_BEATS), pos = (uint32_t)(beats % STREAM_BEATS);
      in.valid = 1;
      in.first = pos == 0;
      in.last = pos + 1 == STREAM_BEATS;
      for (uint32_t i = 0; i < M * K; i++) a[i] = (int8_t)(uint8_t)coda_rnd(&seed);
      for (uint32_t i = 0; i < N * K; i++) b[i] = (int8_t)(uint8_t)coda_rnd(&seed);
      for (uint32_t o = 0; o < M * N; o++) { /* the plain loop, output (m, n) = (o / N, o % N) */
        uint32_t s = in.first ? 0 : want[blk * per_blk + o];
        for (uint32_t k = 0; k < K; k++) s += (uint32_t)((int32_t)a[o / N * K + k] * (int32_t)b[o % N * K + k]);
        want[blk * per_blk + o] = s;
      }
      beats++;
    }
    tpe_tree_eval(t, &in);
    tpe_tree_commit(t);
    cyc++;
    const tpe_tree_regs_t *q = tpe_tree_regs(t);
    if (!q->done) continue;
    for (uint32_t o = 0; o < M * N; o++)
      if (q->res[o] != want[got * per_blk + o])
        rc = coda_errf(err, CODA_ECHECK,
                       "report tpe: tree %s/%s M%u K%u N%u: block %u output (%u, %u): %d, the plain loop %d",
                       tpe_variant_name(c.variant), tpe_enc_name(c.enc), M, K, N, got, o / N, o % N, (int)q->res[o],
                       (int)want[got * per_blk + o]);
    if (got == 0) first_done = cyc;
    last_done = cyc;
    got++;
  }
  if (!rc && got < STREAM_BLOCKS)
    rc = coda_errf(err, CODA_ECHECK, "report tpe: tree M%u K%u N%u: %u of %u blocks finished", M, K, N, got,
                   STREAM_BLOCKS);
  if (!rc) {
    double macs = (double)(STREAM_BLOCKS - 1) * STREAM_BEATS * M * K * N;
    *macs_per_cycle = macs / (double)(last_done - first_done);
    *latency = (double)first_done - (STREAM_BEATS - 1); /* first beat presented at cycle 0 */
  }
  free(want);
  free(t);
  return rc;
}

/* ---- the PE grids (systolic os / ws, 2D-Matrix) ------------------------------ */

/* One fold of T = GRID_T from reset (tpe_grid_gemm: the topology's skew,
 * fill and drain, results read out), checked against a plain loop; MACs
 * over the cycles to the last result. */
static int grid_measure(const arch_cfg_t *cfg, double *macs_per_cycle, double *latency, coda_err_t *err) {
  tpe_grid_cfg_t c = tpe_grid_cfg_of(cfg);
  int rc = tpe_grid_check(&c, err);
  if (rc) return rc;
  const uint32_t R = c.rows, C = c.cols, T = GRID_T;
  const int ws = c.grid == TPE_GRID_WS;
  /* os, matrix: a R x T, b T x C, out R x C; ws: a T x R, b R x C, out T x C */
  const size_t na = (size_t)R * T, nb = ws ? (size_t)R * C : (size_t)T * C, no = ws ? (size_t)T * C : (size_t)R * C;
  int8_t *a = malloc(na), *b = malloc(nb);
  int32_t *out = calloc(no, sizeof *out);
  if (!a || !b || !out) {
    free(a), free(b), free(out);
    return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  }
  uint64_t seed = 0x7470655f67726964ull, cycles = 0;
  for (size_t i = 0; i < na; i++) a[i] = (int8_t)(uint8_t)coda_rnd(&seed);
  for (size_t i = 0; i < nb; i++) b[i] = (int8_t)(uint8_t)coda_rnd(&seed);
  rc = tpe_grid_gemm(&c, T, a, b, out, &cycles, err);
  const uint32_t rows = ws ? T : R, kk = ws ? R : T;
  for (uint32_t m = 0; m < rows && !rc; m++)
    for (uint32_t n = 0; n < C && !rc; n++) {
      int64_t s = 0; /* the plain loop */
      for (uint32_t k = 0; k < kk; k++) s += (int64_t)a[(size_t)m * kk + k] * b[(size_t)k * C + n];
      if ((int32_t)(uint32_t)s != out[(size_t)m * C + n])
        rc = coda_errf(err, CODA_ECHECK, "report tpe: %s %s R%u C%u: output (%u, %u) is %d, the plain loop %d",
                       tpe_grid_name(c.grid), tpe_variant_name(c.variant), R, C, m, n, out[(size_t)m * C + n],
                       (int32_t)(uint32_t)s);
    }
  if (!rc) {
    *macs_per_cycle = (double)rows * C * kk / (double)cycles;
    *latency = (double)cycles;
  }
  free(a), free(b), free(out);
  return rc;
}

/* ---- the bit-slice array ------------------------------------------------------ */

/* The block's steady workload (blk_tpe_bs.c: blocks of 16 k values, every
 * beat offered, held until the twin's ready takes it) for BS_CYCLES cycles:
 * the MACs of the beats the twin took over the cycles. The operands come
 * from `w`; the twin's data-dependent schedule decides. */
static int bs_measure_dist(const arch_cfg_t *cfg, const cosim_workload_t *w, double *macs_per_cycle, coda_err_t *err) {
  const cosim_block_t *b = cosim_find("tpe_bs");
  uint32_t ib, ob;
  int rc = b ? b->shape(cfg, &ib, &ob, err) : coda_errf(err, CODA_EINVAL, "report tpe: no block tpe_bs");
  if (rc) return rc;
  void *twin = b->create(cfg, 0x62735f7270747331ull);
  uint64_t *in = calloc((ib + 63) / 64 + 1, sizeof *in);
  if (!twin || !in) {
    if (twin) b->destroy(twin);
    free(in);
    return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  }
  double ops = 0;
  for (uint64_t c = 0; c < BS_CYCLES; c++) ops += b->workload(twin, c, w, in);
  b->destroy(twin);
  free(in);
  *macs_per_cycle = ops / BS_CYCLES;
  return CODA_OK;
}

static int bs_measure(const arch_cfg_t *cfg, double *macs_per_cycle, double *latency, coda_err_t *err) {
  cosim_workload_t w = {1.0, COSIM_DIST_UNIFORM, 0};
  *latency = NAN;
  return bs_measure_dist(cfg, &w, macs_per_cycle, err);
}

/* ---- the registry ------------------------------------------------------------- */

static const tpe_topology_t TOPOLOGIES[] = {
    {"tree", "multiplier-adder tree (Trapezoid style): K products per column per beat, N columns", "tpe_tree",
     "", "tpe.m=1", "tpe.variant", {"base", "opt1", "opt2", NULL}, "tpe.encoding", {"mbe", "ent", NULL}, tree_measure},
    {"cube", "3D-Cube (Ascend style, 8x8x8 in the paper's artifact): M x N dot products of length K per beat",
     "tpe_tree", "tpe.m=8 tpe.n=8 tpe.k=8", "", "tpe.variant", {"base", "opt1", "opt2", NULL}, "tpe.encoding",
     {"mbe", "ent", NULL}, tree_measure},
    {"sa_os", "output-stationary systolic array (TPU style, 16x16 in the artifact)", "tpe_grid", "",
     "tpe.grid=os", "tpe.variant", {"base", "opt1", "opt2", NULL}, "tpe.encoding", {"mbe", "ent", NULL},
     grid_measure},
    {"sa_ws", "weight-stationary systolic array (TPU style)", "tpe_grid", "", "tpe.grid=ws", "tpe.variant",
     {"base", "opt1", "opt2", NULL}, "tpe.encoding", {"mbe", "ent", NULL}, grid_measure},
    {"matrix", "2D-Matrix (FlexFlow style): A broadcast along rows, B along columns", "tpe_grid", "",
     "tpe.grid=matrix", "tpe.variant", {"base", "opt1", "opt2", NULL}, "tpe.encoding", {"mbe", "ent", NULL},
     grid_measure},
    {"bs", "bit-slice array (OPT3 / OPT4C): sparse-digit bit-serial PEs, data-dependent cycles", "tpe_bs", "", "",
     "tpe.bs_variant", {"opt3", "opt4c", NULL}, "tpe.encoding", {"mbe", "ent", NULL}, bs_measure},
};
#define N_TOPOLOGIES (sizeof TOPOLOGIES / sizeof TOPOLOGIES[0])

static const tpe_topology_t *topology(const char *name) {
  for (size_t i = 0; i < N_TOPOLOGIES; i++)
    if (!strcmp(TOPOLOGIES[i].name, name)) return &TOPOLOGIES[i];
  return NULL;
}

/* ---- rows --------------------------------------------------------------------- */

typedef struct row {
  const tpe_topology_t *topo;
  const char *variant, *enc;
  int base;                     /* index of the baseline row */
  int synthetic;                /* the equal-area bit-parallel baseline of the bit-slice rows */
  arch_cfg_t cfg;               /* the resolved config */
  double area_um2, fmax_mhz, macs_per_cycle, latency;
  double ops_own, ops_common;   /* MACs/s */
  double aeff_own, aeff_common; /* MACs/s/mm2 */
  double e_op_own, e_op_common; /* pJ per MAC (NAN: not measured) */
  double e_dyn_op, leak_pj_cycle_per_mac; /* dynamic pJ/MAC; leakage pJ per cycle per MAC/cycle, at fmax */
  char params[200];             /* "tpe.k=16 tpe.n=4" */
  char timing[16];              /* the area flow's timing netlist: full / tile */
} row_t;

static double jnum(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Appends the words of a "k=v k=v" list as --set expressions. */
static int add_sets(arch_set_t *sets, int n, int max, char *buf) {
  for (char *t = strtok(buf, " "); t && n < max; t = strtok(NULL, " ")) sets[n++].expr = t;
  return n;
}

static int resolve(const tpe_report_opts_t *o, const tpe_topology_t *tp, const char *variant, const char *enc,
                   arch_cfg_t *cfg, coda_err_t *err) {
  const int max = o->nsets + 16;
  arch_set_t *sets = calloc((size_t)max, sizeof *sets);
  char sizes[256], ident[256], sv[64], se[64];
  if (!sets) return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  snprintf(sizes, sizeof sizes, "%s", tp->sizes);
  snprintf(ident, sizeof ident, "%s", tp->ident);
  snprintf(sv, sizeof sv, "%s=%s", tp->variant_key, variant);
  snprintf(se, sizeof se, "%s=%s", tp->enc_key, enc);
  int n = add_sets(sets, 0, max, sizes);
  for (int i = 0; i < o->nsets && n < max; i++) sets[n++] = o->sets[i];
  n = add_sets(sets, n, max, ident);
  sets[n++].expr = sv;
  sets[n++].expr = se;
  int rc = arch_cfg_load(cfg, NULL, sets, n, err);
  free(sets);
  return rc;
}

static int energy_of(const tpe_report_opts_t *o, row_t *r, coda_err_t *err) {
  r->e_op_own = r->e_op_common = r->e_dyn_op = r->leak_pj_cycle_per_mac = NAN;
  if (o->no_energy) return CODA_OK;
  arch_cfg_t ec = r->cfg;
  ec.core_freq_mhz = r->fmax_mhz; /* the design at its own fmax */
  energy_opts_t eo;
  energy_opts_default(&eo);
  eo.root = o->root;
  eo.cycles = ENERGY_CYCLES;
  eo.valid_rate = 1.0;
  eo.progress = stderr;
  json_t *d = NULL;
  int rc = energy_run(r->topo->block, &ec, &eo, &d, err);
  if (rc) return rc;
  const json_t *ops = json_object_get(d, "ops");
  const double per_cycle = jnum(ops, "per_cycle_tile");
  r->e_op_own = jnum(d, "energy_per_op_pj");
  r->e_dyn_op = jnum(d, "dynamic_energy_per_op_pj");
  r->leak_pj_cycle_per_mac = per_cycle > 0 ? jnum(d, "leakage_energy_per_cycle_tile_pj") / per_cycle : NAN;
  json_decref(d);
  if (!(r->e_op_own > 0))
    return coda_errf(err, CODA_EINVAL, "report tpe: %s: the energy flow gave no energy per op", r->topo->block);
  return CODA_OK;
}

static int one_row(const tpe_report_opts_t *o, row_t *r, coda_err_t *err) {
  int rc = resolve(o, r->topo, r->variant, r->enc, &r->cfg, err);
  if (rc) return rc;
  const area_block_t *ab = area_find(r->topo->block);
  if (!ab) return coda_errf(err, CODA_EINVAL, "report tpe: no area entry for block %s", r->topo->block);
  if ((rc = ab->check(&r->cfg, err))) return rc;
  if ((rc = r->topo->measure(&r->cfg, &r->macs_per_cycle, &r->latency, err))) return rc;
  area_opts_t ao;
  memset(&ao, 0, sizeof ao);
  ao.root = o->root;
  ao.progress = stderr;
  json_t *adoc = NULL;
  if ((rc = area_run(ab, &r->cfg, &ao, &adoc, err))) return rc;
  r->area_um2 = jnum(adoc, "area_um2");
  const json_t *tm = json_object_get(adoc, "timing");
  r->fmax_mhz = jnum(tm, "fmax_mhz");
  const char *nl = json_string_value(json_object_get(tm, "netlist"));
  snprintf(r->timing, sizeof r->timing, "%s", nl ? nl : "?");
  size_t k = 0;
  const json_t *ps = json_object_get(adoc, "params");
  size_t i;
  const json_t *p;
  json_array_foreach(ps, i, p) {
    const char *key = json_string_value(json_object_get(p, "key"));
    if (!key || !strcmp(key, r->topo->variant_key) || !strcmp(key, r->topo->enc_key) || k >= sizeof r->params) continue;
    const char *dot = strchr(key, '.');
    char sec[32], en[32];
    snprintf(sec, sizeof sec, "%.*s", dot ? (int)(dot - key) : 0, key);
    long long v = (long long)json_integer_value(json_object_get(p, "value"));
    arch_cfg_enum_name(sec, dot ? dot + 1 : key, (uint64_t)v, en, sizeof en);
    if (strcmp(en, "?")) k += (size_t)snprintf(r->params + k, sizeof r->params - k, "%s%s=%s", k ? " " : "", key, en);
    else k += (size_t)snprintf(r->params + k, sizeof r->params - k, "%s%s=%lld", k ? " " : "", key, v);
  }
  json_decref(adoc);
  if (!(r->area_um2 > 0) || !(r->fmax_mhz > 0))
    return coda_errf(err, CODA_EINVAL, "report tpe: %s: the area flow gave no area or fmax", r->topo->block);
  return energy_of(o, r, err);
}

/* The bit-parallel array of equal area to bit-slice row `bs`: as many
 * 2D-Matrix base PEs (one INT8 MAC per cycle each, area per PE = the base
 * matrix's area / (R x C)) as fit in the bit-slice array's area, at the
 * base matrix's fmax and energy per MAC. */
static void equal_area(row_t *eq, const row_t *bs, const row_t *mb) {
  const double pes = (double)mb->cfg.tpe_rows * (double)mb->cfg.tpe_cols;
  *eq = *mb;
  eq->topo = bs->topo;
  eq->variant = "parallel";
  eq->enc = bs->enc;
  eq->synthetic = 1;
  eq->area_um2 = bs->area_um2;
  eq->macs_per_cycle = bs->area_um2 / (mb->area_um2 / pes) * mb->macs_per_cycle / pes;
  eq->latency = NAN;
  snprintf(eq->params, sizeof eq->params, "%.1f matrix base PEs", bs->area_um2 / (mb->area_um2 / pes));
  snprintf(eq->timing, sizeof eq->timing, "%s", mb->timing);
}

/* ---- output ------------------------------------------------------------------- */

static const char *const METHOD[][2] = {
    {"area", "`coda area`: Yosys 0.23 onto the OSU 0.18 um cells (qflow-tech-osu018), hierarchy kept, area = "
             "sum over modules of instances x module area (no optimization across module boundaries)."},
    {"fmax", "`coda area`: OpenSTA critical path of the flat netlist synthesized for delay (abc -D at core.freq_mhz's "
             "period, buffering and gate sizing), fmax = 1 / critical path; `timing` says whether the whole core "
             "or the area flow's tile was timed (tree and cube N <= 4 and M <= 2, grids 4 x 4, bit-slice C <= 4)."},
    {"MACs/cycle", "INT8 x INT8 MACs per cycle measured on the block's C twin (sim/tpe). tree, cube: one beat per "
                   "cycle, blocks of 16 beats back to back, 64 blocks; MACs of the blocks finished between the first "
                   "and the last `done` pulse over the cycles between them (steady state). Grids: one fold from reset "
                   "with T = 256 along the streamed dimension (os, matrix: K; ws: rows of A), skewed by the feeder, "
                   "filled and drained, results read out: MACs over the cycles to the last result, so the dataflow's "
                   "fill and drain count. Tree, cube and grid results are checked against a plain loop. Bit-slice: "
                   "the block's steady workload (blocks of 16 k values, uniform INT8 operands, a beat offered every "
                   "cycle) for 40000 cycles; MACs of the beats the twin's data-dependent schedule took over the "
                   "cycles (its results are checked by the tpe_bs unit tests and co-simulation). `parallel` is the "
                   "bit-parallel array of equal area: the bit-slice array's area filled with 2D-Matrix base PEs at "
                   "their measured MACs per PE per cycle, fmax and energy per MAC."},
    {"throughput", "MACs/cycle x frequency; one op = one INT8 MAC. `@fmax`: the design's own fmax (the paper's "
                   "method); `@fc`: the common frequency, the slowest design's fmax in this table."},
    {"area efficiency", "throughput / area, in GOPS/mm2 (10^9 MACs/s per mm2), at own fmax and at fc."},
    {"energy per op", "`coda energy` on the block's timing tile clocked at the design's own fmax: the flat "
                      "delay-mapped netlist simulated gate by gate for 2000 cycles of the block's steady workload "
                      "(uniform INT8 operands, a beat every cycle), per-net toggles into OpenSTA report_power, energy "
                      "per cycle x cycles / MACs. At fc the leakage share is rescaled to fc's period (dynamic energy "
                      "per MAC does not depend on the clock). pJ per MAC, OSU 0.18 um at 1.8 V."},
    {"energy efficiency", "1 / energy per op, in GOPS/W (10^9 MACs per joule), at own fmax and at fc."},
    {"gain", "the row's area efficiency and energy efficiency over its baseline's (same topology and encoding: the "
             "base variant; for the bit-slice rows, `parallel`), at own fmax and at fc; 1.00 for the baseline."},
};
#define N_METHOD (sizeof METHOD / sizeof METHOD[0])

static double eeff(double pj) { return pj > 0 ? 1e12 / pj : NAN; } /* MACs per joule */

static void table(FILE *f, const row_t *rows, int n, double fc) {
  fprintf(f, "| topology | variant | enc | sizes | area um2 | fmax MHz | timing | MACs/cycle | GOPS @fmax | "
             "GOPS @fc | area eff GOPS/mm2 @fmax | area eff @fc | pJ/MAC @fmax | pJ/MAC @fc | energy eff GOPS/W "
             "@fmax | energy eff @fc | area-eff gain @fmax | @fc | energy-eff gain @fmax | @fc |\n"
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < n; i++) {
    const row_t *r = &rows[i], *b = &rows[r->base];
    fprintf(f, "| %s | %s | %s | %s | %.0f | %.1f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | "
               "%.2f | %.2fx | %.2fx | %.2fx | %.2fx |\n",
            r->topo->name, r->variant, r->enc, r->params, r->area_um2, r->fmax_mhz, r->timing, r->macs_per_cycle,
            r->ops_own / 1e9, r->ops_common / 1e9, r->aeff_own / 1e9, r->aeff_common / 1e9, r->e_op_own,
            r->e_op_common, eeff(r->e_op_own) / 1e9, eeff(r->e_op_common) / 1e9, r->aeff_own / b->aeff_own,
            r->aeff_common / b->aeff_common, eeff(r->e_op_own) / eeff(b->e_op_own),
            eeff(r->e_op_common) / eeff(b->e_op_common));
  }
  fprintf(f, "\nCommon frequency fc = %.1f MHz (the slowest design's fmax).\n\nHow each column was obtained:\n", fc);
  for (size_t i = 0; i < N_METHOD; i++) fprintf(f, "- %s: %s\n", METHOD[i][0], METHOD[i][1]);
  fprintf(f, "- 0.18 um OSU cells at 1.8 V: absolute numbers are not those of the paper's flow; ratios are the "
             "point.\n");
}

/* The bit-slice array per operand distribution. */
typedef struct dist_row {
  const row_t *bs, *eq;         /* the bit-slice row and its equal-area baseline */
  cosim_workload_t w;
  char name[32];
  double nnz;                   /* mean non-zero radix-4 digits per A operand */
  double macs_per_cycle, ops_own, aeff_own, e_op_own;
} dist_row_t;

static int dist_rows(const tpe_report_opts_t *o, const row_t *rows, int n, dist_row_t *dr, int *nd, coda_err_t *err) {
  static const double SIGMA[] = {10, 20, 30, 50}; /* REFERENCES.md: typical INT8 data is normal, sigma 10..50 */
  *nd = 0;
  for (int i = 0; i < n; i++) {
    const row_t *r = &rows[i];
    if (strcmp(r->topo->name, "bs") || r->synthetic) continue;
    for (int d = 0; d < 1 + (int)(sizeof SIGMA / sizeof SIGMA[0]) && *nd < MAX_ROWS; d++) {
      dist_row_t *x = &dr[(*nd)++];
      memset(x, 0, sizeof *x);
      x->bs = r;
      x->eq = &rows[r->base];
      x->w.rate = 1.0;
      x->w.dist = d ? COSIM_DIST_NORMAL : COSIM_DIST_UNIFORM;
      x->w.sigma = d ? SIGMA[d - 1] : 0;
      if (d) snprintf(x->name, sizeof x->name, "normal sigma %g", x->w.sigma);
      else snprintf(x->name, sizeof x->name, "uniform INT8");
      uint64_t s = 0x6e6e7a5f636f756eull, cnt = 0;
      for (int j = 0; j < 100000; j++, cnt++) x->nnz += tpe_enc_nnz(r->cfg.tpe_encoding ? TPE_ENC_ENT : TPE_ENC_MBE,
                                                                   cosim_draw_int8(&s, &x->w));
      x->nnz /= (double)cnt;
      int rc = bs_measure_dist(&r->cfg, &x->w, &x->macs_per_cycle, err);
      if (rc) return rc;
      x->ops_own = x->macs_per_cycle * r->fmax_mhz * 1e6;
      x->aeff_own = x->ops_own / (r->area_um2 * 1e-6);
      x->e_op_own = NAN;
      if (!o->no_energy) {
        arch_cfg_t ec = r->cfg;
        ec.core_freq_mhz = r->fmax_mhz;
        energy_opts_t eo;
        energy_opts_default(&eo);
        eo.root = o->root;
        eo.cycles = ENERGY_CYCLES;
        eo.valid_rate = 1.0;
        eo.dist = x->w.dist;
        eo.sigma = d ? x->w.sigma : eo.sigma;
        eo.progress = stderr;
        json_t *doc = NULL;
        if ((rc = energy_run("tpe_bs", &ec, &eo, &doc, err))) return rc;
        x->e_op_own = jnum(doc, "energy_per_op_pj");
        json_decref(doc);
      }
    }
  }
  return CODA_OK;
}

static void dist_table(FILE *f, const dist_row_t *dr, int nd) {
  if (!nd) return;
  fprintf(f, "\n## The bit-slice array per operand distribution\n\n"
             "| variant | enc | operands (A and B) | non-zero digits per A | MACs/cycle | GOPS @fmax | area eff "
             "GOPS/mm2 @fmax | pJ/MAC @fmax | equal-area parallel GOPS | speedup over it | energy-eff gain |\n"
             "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < nd; i++) {
    const dist_row_t *x = &dr[i];
    fprintf(f, "| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2fx | %.2fx |\n", x->bs->variant,
            x->bs->enc, x->name, x->nnz, x->macs_per_cycle, x->ops_own / 1e9, x->aeff_own / 1e9, x->e_op_own,
            x->eq->ops_own / 1e9, x->ops_own / x->eq->ops_own, eeff(x->e_op_own) / eeff(x->eq->e_op_own));
  }
  fprintf(f, "\nOne beat = the 4 k values of a group at one digit weight; a column spends max(1, nnz) cycles on it, "
             "so MACs/cycle falls as the digits get denser. Operands: uniform over -128..127, or round(N(0, sigma)) "
             "clamped (REFERENCES.md: typical INT8 data, sigma 10 to 50). Activations of a real network layer are "
             "not included: no trained model or dataset is available on this machine (Debian ships none that coda "
             "could run offline). The equal-area parallel array's throughput does not depend on the data.\n");
}

/* Runs gnuplot on script; 0 if it exited 0. */
static int run_gnuplot(const char *exe, const char *script) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execl(exe, "gnuplot", script, (char *)NULL);
    _exit(127);
  }
  int st = 0;
  if (waitpid(pid, &st, 0) < 0) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The plot next to the Markdown: <stem>.dat, <stem>.gp, <stem>.png. *png
 * gets the PNG path or stays empty; *note says why not. */
static int plot(const char *md, const row_t *rows, int n, char *png, size_t plen, char *note, size_t nlen,
                coda_err_t *err) {
  png[0] = 0;
  if (!md) {
    snprintf(note, nlen, "no plot: it is written next to --md OUT");
    return CODA_OK;
  }
  char gpexe[PATH_MAX];
  if (!coda_find_exe("gnuplot", gpexe, sizeof gpexe)) {
    snprintf(note, nlen, "no plot: gnuplot is not on PATH (`make deps` installs gnuplot-nox)");
    return CODA_OK;
  }
  char stem[PATH_MAX], dat[PATH_MAX + 8], gp[PATH_MAX + 8], out[PATH_MAX + 8];
  snprintf(stem, sizeof stem, "%s", md);
  size_t sl = strlen(stem);
  if (sl > 3 && !strcmp(stem + sl - 3, ".md")) stem[sl - 3] = 0;
  snprintf(dat, sizeof dat, "%s.dat", stem);
  snprintf(gp, sizeof gp, "%s.gp", stem);
  snprintf(out, sizeof out, "%s.png", stem);
  FILE *f = fopen(dat, "w");
  if (!f) return coda_errf(err, CODA_EIO, "%s: cannot write", dat);
  fprintf(f, "# design  area_eff_own_GOPS_mm2  area_eff_common_GOPS_mm2  energy_eff_own_GOPS_W  energy_eff_common_GOPS_W\n");
  for (int i = 0; i < n; i++)
    fprintf(f, "\"%s %s/%s\" %.6g %.6g %.6g %.6g\n", rows[i].topo->name, rows[i].variant, rows[i].enc,
            rows[i].aeff_own / 1e9, rows[i].aeff_common / 1e9, eeff(rows[i].e_op_own) / 1e9,
            eeff(rows[i].e_op_common) / 1e9);
  if (fclose(f)) return coda_errf(err, CODA_EIO, "%s: write failed", dat);
  f = fopen(gp, "w");
  if (!f) return coda_errf(err, CODA_EIO, "%s: cannot write", gp);
  fprintf(f,
          "# generated by coda report tpe: area and energy efficiency per design\n"
          "set terminal png size 1400,900\nset output '%s'\n"
          "set multiplot layout 2,1 title 'coda report tpe: INT8 MACs, OSU 0.18 um'\n"
          "set style data histograms\nset style histogram clustered gap 1\n"
          "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset xtics rotate by -40 font ',8'\nset grid ytics\n"
          "set key top right\nset yrange [0:*]\n"
          "set ylabel 'area eff. GOPS/mm2'\n"
          "plot '%s' using 2:xtic(1) title 'at own fmax', '' using 3 title 'at common frequency'\n"
          "set ylabel 'energy eff. GOPS/W'\n"
          "plot '%s' using 4:xtic(1) title 'at own fmax', '' using 5 title 'at common frequency'\n"
          "unset multiplot\n",
          out, dat, dat);
  if (fclose(f)) return coda_errf(err, CODA_EIO, "%s: write failed", gp);
  if (run_gnuplot(gpexe, gp)) {
    snprintf(note, nlen, "no plot: gnuplot %s failed", gp);
    return CODA_OK;
  }
  snprintf(png, plen, "%s", out);
  snprintf(note, nlen, "plot: %s (script %s, data %s): area efficiency (top) and energy efficiency (bottom) per "
                       "design, at own fmax and at fc", out, gp, dat);
  return CODA_OK;
}

static json_t *jreal(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *row_json(const row_t *r, const row_t *b) {
  json_t *j = json_object();
  json_object_set_new(j, "design", json_sprintf("%s %s/%s", r->topo->name, r->variant, r->enc));
  json_object_set_new(j, "topology", json_string(r->topo->name));
  json_object_set_new(j, "block", json_string(r->synthetic ? "tpe_grid" : r->topo->block));
  json_object_set_new(j, "variant", json_string(r->variant));
  json_object_set_new(j, "encoding", json_string(r->enc));
  json_object_set_new(j, "baseline", json_string(b->variant));
  json_object_set_new(j, "derived", json_boolean(r->synthetic));
  json_object_set_new(j, "sizes", json_string(r->params));
  json_object_set_new(j, "area_um2", json_real(r->area_um2));
  json_object_set_new(j, "fmax_mhz", json_real(r->fmax_mhz));
  json_object_set_new(j, "timing_netlist", json_string(r->timing));
  json_object_set_new(j, "macs_per_cycle", json_real(r->macs_per_cycle));
  json_object_set_new(j, "latency_cycles", jreal(r->latency));
  json_object_set_new(j, "ops_per_s_own_fmax", json_real(r->ops_own));
  json_object_set_new(j, "ops_per_s_common", json_real(r->ops_common));
  json_object_set_new(j, "area_eff_own_fmax_ops_per_s_mm2", json_real(r->aeff_own));
  json_object_set_new(j, "area_eff_common_ops_per_s_mm2", json_real(r->aeff_common));
  json_object_set_new(j, "energy_per_op_pj", jreal(r->e_op_own));
  json_object_set_new(j, "energy_per_op_common_pj", jreal(r->e_op_common));
  json_object_set_new(j, "energy_eff_ops_per_j", jreal(eeff(r->e_op_own)));
  json_object_set_new(j, "energy_eff_common_ops_per_j", jreal(eeff(r->e_op_common)));
  json_object_set_new(j, "gain",
                      json_pack("{s:o, s:o, s:o, s:o, s:f, s:f, s:f}", "area_eff_own_fmax",
                                jreal(r->aeff_own / b->aeff_own), "area_eff_common",
                                jreal(r->aeff_common / b->aeff_common), "energy_eff_own_fmax",
                                jreal(eeff(r->e_op_own) / eeff(b->e_op_own)), "energy_eff_common",
                                jreal(eeff(r->e_op_common) / eeff(b->e_op_common)), "area",
                                r->area_um2 / b->area_um2, "fmax", r->fmax_mhz / b->fmax_mhz, "macs_per_cycle",
                                r->macs_per_cycle / b->macs_per_cycle));
  return j;
}

/* 1 if `name` is in the comma list `list` (NULL: everything). */
static int listed(const char *list, const char *name) {
  if (!list) return 1;
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == n && !strncmp(p, name, n)) return 1;
    p += l + (e ? 1 : 0);
  }
  return 0;
}

static int check_list(const char *list, const char *what, int (*known)(const char *), coda_err_t *err) {
  if (!list) return CODA_OK;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *t = strtok(buf, ","); t; t = strtok(NULL, ","))
    if (!known(t)) return coda_errf(err, CODA_EINVAL, "report tpe: %s: unknown name '%s'", what, t);
  return CODA_OK;
}

static int known_topo(const char *s) { return topology(s) != NULL; }
static int known_enc(const char *s) { return !strcmp(s, "mbe") || !strcmp(s, "ent"); }

int tpe_report(const tpe_report_opts_t *o, coda_err_t *err) {
  const char *encs = o->encodings ? o->encodings : "mbe";
  int rc = check_list(o->only, "--only (tree, cube, sa_os, sa_ws, matrix, bs)", known_topo, err);
  if (!rc) rc = check_list(encs, "--encodings (mbe, ent)", known_enc, err);
  if (rc) return rc;
  row_t *rows = calloc(MAX_ROWS, sizeof *rows);
  dist_row_t *dr = calloc(MAX_ROWS, sizeof *dr);
  if (!rows || !dr) {
    free(rows);
    free(dr);
    return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  }
  int n = 0, nd = 0;
  for (size_t t = 0; t < N_TOPOLOGIES && !rc; t++) {
    const tpe_topology_t *tp = &TOPOLOGIES[t];
    if (!listed(o->only, tp->name)) continue;
    for (int e = 0; tp->encodings[e] && !rc; e++) {
      if (!listed(encs, tp->encodings[e])) continue;
      int base = n;
      if (!strcmp(tp->name, "bs") && n + 2 < MAX_ROWS) {
        /* the baseline: the 2D-Matrix base at this encoding (measured), then its equal-area form */
        row_t mb = {0};
        mb.topo = topology("matrix");
        mb.variant = "base";
        mb.enc = tp->encodings[e];
        if ((rc = one_row(o, &mb, err))) break;
        base = n;
        rows[n] = mb; /* filled in below, once the first bit-slice row's area is known */
        n++;
      }
      for (int v = 0; tp->variants[v] && !rc && n < MAX_ROWS; v++) {
        row_t *r = &rows[n++];
        r->topo = tp;
        r->variant = tp->variants[v];
        r->enc = tp->encodings[e];
        r->base = base;
        rc = one_row(o, r, err);
        if (!rc && !strcmp(tp->name, "bs") && v == 0) {
          row_t mb = rows[base];
          equal_area(&rows[base], r, &mb);
          rows[base].base = base;
        }
      }
    }
  }
  double fc = INFINITY;
  for (int i = 0; i < n && !rc; i++) fc = fmin(fc, rows[i].fmax_mhz);
  for (int i = 0; i < n && !rc; i++) {
    row_t *r = &rows[i];
    r->ops_own = r->macs_per_cycle * r->fmax_mhz * 1e6;
    r->ops_common = r->macs_per_cycle * fc * 1e6;
    r->aeff_own = r->ops_own / (r->area_um2 * 1e-6);
    r->aeff_common = r->ops_common / (r->area_um2 * 1e-6);
    /* leakage energy per MAC grows with the period: at fc it is leak x fmax / fc */
    r->e_op_common = r->e_dyn_op + r->leak_pj_cycle_per_mac * r->fmax_mhz / fc;
  }
  if (!rc) rc = dist_rows(o, rows, n, dr, &nd, err);
  char png[PATH_MAX + 8] = "", note[PATH_MAX * 3 + 256] = "";
  if (!rc) {
    table(stdout, rows, n, fc);
    dist_table(stdout, dr, nd);
    if (o->md_out) {
      FILE *f = fopen(o->md_out, "w");
      if (!f) rc = coda_errf(err, CODA_EIO, "%s: cannot write", o->md_out);
      else {
        fprintf(f, "# Bit-weight-transformed tensor processing engines\n\n");
        table(f, rows, n, fc);
        dist_table(f, dr, nd);
        if (fclose(f)) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
      }
    }
    if (!rc) rc = plot(o->md_out, rows, n, png, sizeof png, note, sizeof note, err);
    if (!rc) {
      printf("\n%s\n", note);
      if (o->md_out) {
        FILE *f = fopen(o->md_out, "a");
        if (!f || fprintf(f, "\n%s\n", note) < 0) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
        if (f && fclose(f) && !rc) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
      }
    }
  }
  if (!rc && o->json_out) {
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string("coda.tpe_report.v2"));
    json_object_set_new(root, "op", json_string("one INT8 x INT8 MAC"));
    json_object_set_new(root, "common_freq_mhz", json_real(fc));
    json_object_set_new(root, "energy", json_boolean(!o->no_energy));
    json_t *jr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(jr, row_json(&rows[i], &rows[rows[i].base]));
    json_object_set_new(root, "rows", jr);
    json_t *jd = json_array();
    for (int i = 0; i < nd; i++) {
      const dist_row_t *x = &dr[i];
      json_array_append_new(jd, json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:o, s:f, s:f}", "variant",
                                          x->bs->variant, "encoding", x->bs->enc, "operands", x->name,
                                          "nnz_digits_per_a", x->nnz, "macs_per_cycle", x->macs_per_cycle,
                                          "ops_per_s_own_fmax", x->ops_own, "area_eff_own_fmax_ops_per_s_mm2",
                                          x->aeff_own, "energy_per_op_pj", jreal(x->e_op_own),
                                          "equal_area_parallel_ops_per_s", x->eq->ops_own, "speedup",
                                          x->ops_own / x->eq->ops_own));
    }
    json_object_set_new(root, "bit_slice_by_distribution", jd);
    json_t *m = json_object();
    for (size_t i = 0; i < N_METHOD; i++) json_object_set_new(m, METHOD[i][0], json_string(METHOD[i][1]));
    json_object_set_new(root, "method", m);
    json_object_set_new(root, "plot", png[0] ? json_string(png) : json_null());
    json_object_set_new(root, "plot_note", json_string(note));
    if (json_dump_file(root, o->json_out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)))
      rc = coda_errf(err, CODA_EIO, "%s: cannot write", o->json_out);
    json_decref(root);
  }
  free(rows);
  free(dr);
  return rc;
}
