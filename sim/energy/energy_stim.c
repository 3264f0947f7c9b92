/* energy_stim.c: the stimulus `coda energy` applies to a synthesized tile,
 * and the main loop of its verilated driver (see energy_flow.h).
 *
 * Three kinds, all packed into the block's in_i, located by the block's own
 * in_fields names (the cosim registry's layout, never retyped here):
 *   steady  a steady GEMM-like workload at W-bit weights. Each cycle is a
 *           valid step with probability `rate`; stalled cycles hold every
 *           data input (an operand bus keeps its value when nothing is
 *           issued). lut_tc: output blocks of 4 groups x W bit-planes; every
 *           group brings new tables built from K random int8 activations
 *           (T[x] = a[K-1] + sum_j (x_j ? a_j : -a_j), as the precompute unit
 *           builds them), every step new random K-bit weight fields and
 *           plane = step mod W; the precompute unit builds the M tables of
 *           each group, L per cycle, from random int8 activations.
 *           mac_tc: output blocks of 8 beats; every step new random int8
 *           activations and random W-bit weights q; per-column zero points
 *           z (W bits) fixed for the run.
 *   zero    the same control sequence (valid, first, last, plane,
 *           pre_valid), every data input 0.
 *   cosim   the block's co-simulation stimulus function (cosim registry),
 *           unchanged: its directed and random phases, W 1..4 mixed,
 *           garbage on stalled cycles, resets.
 * Ops are counted from the bus: a valid step outside reset is one step of
 * the array (M x N x K one-bit MACs for lut_tc, M x N x K MACs for mac_tc).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../cosim/cosim.h"
#include "energy_flow.h"

#define MAX_SETS 64
#define WARMUP_CYCLES 64 /* run before the toggle counts are zeroed */

typedef struct field_at {
  uint32_t lsb, width;
  int ok;
} field_at_t;

typedef struct estim {
  const cosim_block_t *b;
  void *twin;                 /* cosim kind: the block's twin (stimulus state) */
  estim_kind_e kind;
  int is_lut;
  uint32_t m, n, k, e, lanes, w;
  double rate;
  int dist;                   /* workload blocks: cosim_dist_e */
  double sigma;
  uint64_t rng;
  uint32_t nin;               /* words of in_i */
  uint64_t *hold;             /* the last data values (held on stalls) */
  /* layout */
  field_at_t valid, first, last, plane, fld, pre_valid, z;
  field_at_t *tbl;            /* [m] lut: tbl[i]; mac: act[i] */
  field_at_t *col;            /* [n] mac: q[j] */
  field_at_t *pre_act;        /* [lanes] */
  /* block state */
  uint32_t blk_len, blk_pos, pre_pending;
  int rst;
} estim_t;

static double unit(uint64_t *s) { return (double)(coda_rnd(s) >> 11) * (1.0 / 9007199254740992.0); }

static field_at_t find_field(const cosim_field_t *f, int nf, const char *name) {
  field_at_t r = {0, 0, 0};
  for (int i = 0; i < nf; i++)
    if (!strcmp(f[i].name, name)) {
      r.lsb = f[i].lsb;
      r.width = f[i].width;
      r.ok = 1;
    }
  return r;
}

static void estim_free(estim_t *s) {
  if (!s) return;
  if (s->twin) s->b->destroy(s->twin);
  free(s->hold);
  free(s->tbl);
  free(s->col);
  free(s->pre_act);
  free(s);
}

static estim_t *estim_new(const cosim_block_t *b, const arch_cfg_t *cfg, estim_kind_e kind, uint32_t w,
                          double rate, uint64_t seed, uint32_t in_bits, coda_err_t *err) {
  estim_t *s = calloc(1, sizeof *s);
  cosim_field_t *f = calloc(COSIM_MAX_FIELDS, sizeof *f);
  if (!s || !f) {
    free(f);
    free(s);
    coda_errf(err, CODA_ENOMEM, "energy: out of memory");
    return NULL;
  }
  s->b = b;
  s->kind = kind;
  s->is_lut = !strcmp(b->name, "lut_tc");
  s->m = (uint32_t)cfg->core_m;
  s->n = (uint32_t)cfg->core_n;
  s->k = (uint32_t)cfg->core_k;
  s->e = 1u << (s->k - 1);
  s->lanes = (uint32_t)cfg->tpre_tables_per_cycle;
  s->w = w;
  s->rate = rate;
  s->rng = seed ^ 0x656e657267795f31ull; /* "energy_1" */
  s->nin = (in_bits + 63) / 64;
  s->hold = calloc(s->nin + 1, 8);
  s->tbl = calloc(s->m, sizeof *s->tbl);
  s->col = calloc(s->n, sizeof *s->col);
  s->pre_act = calloc(s->lanes, sizeof *s->pre_act);
  s->twin = b->create(cfg, seed);
  if (!s->hold || !s->tbl || !s->col || !s->pre_act || !s->twin || !b->in_fields) {
    coda_errf(err, CODA_ENOMEM, "energy: %s: cannot set up the stimulus", b->name);
    goto bad;
  }
  if (b->workload && kind != ESTIM_COSIM) { /* the block streams its own steady workload */
    free(f);
    return s;
  }
  int nf = b->in_fields(s->twin, f, COSIM_MAX_FIELDS);
  s->valid = find_field(f, nf, "valid");
  s->first = find_field(f, nf, "first");
  s->last = find_field(f, nf, "last");
  int ok = s->valid.ok && s->first.ok && s->last.ok;
  char nm[48];
  if (s->is_lut) {
    s->plane = find_field(f, nf, "plane");
    s->fld = find_field(f, nf, "fld");
    s->pre_valid = find_field(f, nf, "pre_valid");
    ok = ok && s->plane.ok && s->fld.ok && s->pre_valid.ok;
    for (uint32_t i = 0; i < s->m; i++) {
      snprintf(nm, sizeof nm, "tbl[%u]", i);
      s->tbl[i] = find_field(f, nf, nm);
      ok = ok && s->tbl[i].ok;
    }
    for (uint32_t l = 0; l < s->lanes; l++) {
      snprintf(nm, sizeof nm, "pre_act[%u]", l);
      s->pre_act[l] = find_field(f, nf, nm);
      ok = ok && s->pre_act[l].ok;
    }
  } else {
    s->z = find_field(f, nf, "z");
    ok = ok && s->z.ok;
    for (uint32_t i = 0; i < s->m; i++) {
      snprintf(nm, sizeof nm, "act[%u]", i);
      s->tbl[i] = find_field(f, nf, nm);
      ok = ok && s->tbl[i].ok;
    }
    for (uint32_t j = 0; j < s->n; j++) {
      snprintf(nm, sizeof nm, "q[%u]", j);
      s->col[j] = find_field(f, nf, nm);
      ok = ok && s->col[j].ok;
    }
  }
  if (!ok) {
    coda_errf(err, CODA_EINVAL, "energy: %s: the block's in_fields lack a field the stimulus needs", b->name);
    goto bad;
  }
  if (!s->is_lut && kind == ESTIM_STEADY) /* zero points: fixed per column */
    for (uint32_t j = 0; j < s->n; j++)
      cosim_put(s->hold, s->z.lsb + j * 4, 4, coda_rnd(&s->rng) & ((1u << w) - 1));
  free(f);
  return s;
bad:
  free(f);
  estim_free(s);
  return NULL;
}

static int8_t act8(estim_t *s) { return (int8_t)(uint8_t)coda_rnd(&s->rng); }

/* The steady / zero kinds: data of one valid step into s->hold. */
static void lut_step_data(estim_t *s, int new_group) {
  const int zero = s->kind == ESTIM_ZERO;
  if (new_group) {
    for (uint32_t i = 0; i < s->m; i++) {
      int64_t a[8] = {0};
      for (uint32_t j = 0; j < s->k; j++) a[j] = zero ? 0 : act8(s);
      for (uint32_t x = 0; x < s->e; x++) {
        int64_t v = a[s->k - 1];
        for (uint32_t j = 0; j + 1 < s->k; j++) v += ((x >> j) & 1) ? a[j] : -a[j];
        cosim_put(s->hold, s->tbl[i].lsb + x * 16, 16, (uint64_t)v);
      }
    }
    s->pre_pending += s->m;
  }
  for (uint32_t j = 0; j < s->n; j++)
    cosim_put(s->hold, s->fld.lsb + j * s->k, s->k, zero ? 0 : coda_rnd(&s->rng));
}

static void mac_step_data(estim_t *s) {
  const int zero = s->kind == ESTIM_ZERO;
  for (uint32_t i = 0; i < s->m; i++)
    for (uint32_t j = 0; j < s->k; j++) cosim_put(s->hold, s->tbl[i].lsb + j * 8, 8, zero ? 0 : (uint64_t)(uint8_t)act8(s));
  for (uint32_t c = 0; c < s->n; c++)
    for (uint32_t j = 0; j < s->k; j++)
      cosim_put(s->hold, s->col[c].lsb + j * 4, 4, zero ? 0 : coda_rnd(&s->rng) & ((1u << s->w) - 1));
}

/* in_i of one cycle; *rst = reset this cycle; *ops = the MACs a workload
 * block's beat starts (-1 for the LUT / MAC stimulus: counted by the caller). */
static void estim_cycle(estim_t *s, uint64_t cycle, uint64_t *in, int *rst, double *ops) {
  memset(in, 0, s->nin * 8);
  *ops = -1;
  if (s->b->workload && s->kind != ESTIM_COSIM) {
    cosim_workload_t w = {s->rate, s->kind == ESTIM_ZERO ? COSIM_DIST_ZERO : (cosim_dist_e)s->dist, s->sigma};
    *ops = s->b->workload(s->twin, cycle, &w, in);
    *rst = 0;
    return;
  }
  if (s->kind == ESTIM_COSIM) {
    s->b->stimulus(s->twin, cycle, in);
    *rst = s->b->in_reset ? s->b->in_reset(s->twin) : 0;
    return;
  }
  *rst = 0;
  int valid = unit(&s->rng) < s->rate;
  uint32_t first = 0, last = 0, plane = 0;
  if (valid) {
    uint32_t w = s->is_lut ? s->w : 1;
    if (s->blk_pos >= s->blk_len) {
      s->blk_len = s->is_lut ? 4 * w : 8;
      s->blk_pos = 0;
    }
    plane = s->blk_pos % w;
    first = s->blk_pos == 0;
    last = s->blk_pos + 1 == s->blk_len;
    if (s->is_lut) lut_step_data(s, plane == 0);
    else mac_step_data(s);
    s->blk_pos++;
  }
  if (s->is_lut) {
    /* precompute: the pending tables, L per cycle */
    int pv = s->pre_pending > 0;
    if (pv) {
      s->pre_pending -= s->pre_pending < s->lanes ? s->pre_pending : s->lanes;
      for (uint32_t l = 0; l < s->lanes; l++)
        for (uint32_t j = 0; j < s->k; j++)
          cosim_put(s->hold, s->pre_act[l].lsb + j * 8, 8, s->kind == ESTIM_ZERO ? 0 : (uint64_t)(uint8_t)act8(s));
    }
    cosim_put(s->hold, s->pre_valid.lsb, 1, (uint64_t)pv);
    if (valid) cosim_put(s->hold, s->plane.lsb, s->plane.width, plane);
  }
  cosim_put(s->hold, s->valid.lsb, 1, (uint64_t)valid);
  /* control: first/last only mean something with valid; hold them otherwise */
  if (valid) {
    cosim_put(s->hold, s->first.lsb, 1, first);
    cosim_put(s->hold, s->last.lsb, 1, last);
  }
  memcpy(in, s->hold, s->nin * 8);
}

/* ---- the driver ------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *v) {
  if (!s || *s < '0' || *s > '9') return -1;
  char *end;
  unsigned long long x = strtoull(s, &end, 10);
  if (*end) return -1;
  *v = x;
  return 0;
}

int energy_driver_main(int argc, char **argv, const energy_rtl_t *rtl) {
  coda_err_t err = {0};
  const char *block = NULL, *cov = NULL, *stats = NULL, *stim = "steady";
  arch_set_t sets[MAX_SETS];
  int nsets = 0;
  uint64_t wbits = 2, cycles = 1000, seed = 1, dist = COSIM_DIST_UNIFORM;
  double rate = 1.0, sigma = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *a = argv[i], *v = argv[i + 1];
    int bad = 0;
    if (!strcmp(a, "--block")) block = v;
    else if (!strcmp(a, "--set") && nsets < MAX_SETS) sets[nsets++].expr = v;
    else if (!strcmp(a, "--stim")) stim = v;
    else if (!strcmp(a, "--wbits")) bad = parse_u64(v, &wbits) || wbits < 1 || wbits > 4;
    else if (!strcmp(a, "--rate")) rate = strtod(v, NULL);
    else if (!strcmp(a, "--cycles")) bad = parse_u64(v, &cycles) || !cycles;
    else if (!strcmp(a, "--seed")) bad = parse_u64(v, &seed);
    else if (!strcmp(a, "--cov")) cov = v;
    else if (!strcmp(a, "--stats")) stats = v;
    else if (!strcmp(a, "--dist")) bad = parse_u64(v, &dist) || dist > COSIM_DIST_ZERO;
    else if (!strcmp(a, "--sigma")) bad = !((sigma = strtod(v, NULL)) > 0);
    else bad = 1;
    if (bad) {
      fprintf(stderr, "coda: error: energy driver: bad argument %s %s\n", a, v);
      return 2;
    }
  }
  estim_kind_e kind = !strcmp(stim, "zero") ? ESTIM_ZERO : !strcmp(stim, "cosim") ? ESTIM_COSIM : ESTIM_STEADY;
  const cosim_block_t *b = block ? cosim_find(block) : NULL;
  arch_cfg_t cfg;
  uint32_t ib = 0, ob = 0;
  int rc = b ? CODA_OK : coda_errf(&err, CODA_EINVAL, "energy driver: unknown block");
  if (!rc) rc = arch_cfg_load(&cfg, NULL, sets, nsets, &err);
  if (!rc) rc = b->shape(&cfg, &ib, &ob, &err);
  if (!rc && !(rate > 0 && rate <= 1)) rc = coda_errf(&err, CODA_EINVAL, "energy driver: --rate in (0, 1]");
  if (rc) {
    fprintf(stderr, "coda: error: %s\n", err.msg);
    return 2;
  }
  estim_t *s = estim_new(b, &cfg, kind, (uint32_t)wbits, rate, seed, ib, &err);
  if (s) {
    s->dist = (int)dist;
    s->sigma = sigma;
  }
  uint64_t *in = calloc((ib + 63) / 64 + 2, 8);
  void *dut = s && in ? rtl->open() : NULL;
  if (!dut) {
    fprintf(stderr, "coda: error: %s\n", err.msg[0] ? err.msg : "energy driver: out of memory");
    estim_free(s);
    free(in);
    return 2;
  }
  rtl->cycle(dut, 1, in); /* initial reset */
  uint64_t steps = 0, resets = 0, valid_cycles = 0;
  double ops = 0;
  const uint64_t warm = WARMUP_CYCLES;
  for (uint64_t c = 0; c < warm + cycles; c++) {
    int rst = 0;
    double o = 0;
    if (c == warm) rtl->zero_cov(dut);
    estim_cycle(s, c, in, &rst, &o);
    rtl->cycle(dut, rst, in);
    if (c < warm) continue;
    int v = o >= 0 ? o > 0 : (int)cosim_get(in, s->valid.lsb, 1);
    if (o > 0) ops += o;
    valid_cycles += (uint64_t)v;
    if (rst) resets++;
    else steps += (uint64_t)v;
  }
  int ex = 0;
  if (cov && rtl->write_cov(dut, cov)) {
    fprintf(stderr, "coda: error: energy driver: cannot write %s\n", cov);
    ex = 2;
  }
  FILE *f = stats ? fopen(stats, "w") : NULL;
  if (f) {
    fprintf(f, "cycles %" PRIu64 "\nwarmup %" PRIu64 "\nsteps %" PRIu64 "\nresets %" PRIu64
               "\nvalid_cycles %" PRIu64 "\nops %.0f\n",
            cycles, warm, steps, resets, valid_cycles, ops);
    if (fclose(f)) ex = 2;
  } else if (stats) {
    ex = 2;
  }
  rtl->close(dut);
  estim_free(s);
  free(in);
  return ex;
}
