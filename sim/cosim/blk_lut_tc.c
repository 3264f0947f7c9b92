/* blk_lut_tc.c: the LUT Tensor Core as a co-simulation block ("lut_tc").
 *
 * RTL: rtl/lut_tc/lut_tc_cosim_top.v around lut_tc_core (the lookup array
 * and the table-precompute unit, INT8 activations: int16 entries, INT32
 * accumulators). C twins: sim/lut/lut_array.c and sim/lut/lut_precompute.c
 * at the same widths, the models the device's LMMA/TPRE INT paths run
 * (sim/lut/lut_core.c). Parameters: core.m, core.n, core.k,
 * core.pipeline_cycles, tpre.tables_per_cycle (-GCoreM ... -GTpreTablesPerCycle).
 *
 * in_i (LSB first; E = 2^(K-1), L = tpre.tables_per_cycle):
 *   valid, first, last, plane[2], tbl[M][E][16], fld[N][K], pre_valid,
 *   pre_act[L][K][8]
 * out_o (LSB first; P = core.pipeline_cycles, parts absent for small P):
 *   ctrl[P][3] ({last, first, valid} of stage s at 3*(s-1))   P >= 1
 *   plane[2], tbl[M][E][16], fld[N][K] (stage 1)             P >= 1
 *   term[P-1][M][N][20] (stages 2..P)                        P >= 2
 *   acc[M][N][32], done, pre_valid, pre_tbl[L][E][16]
 *
 * Stimulus, all from the seed, in phases of 64..319 cycles. The first ones
 * are directed, in this order: all-zero weight fields, all-one weight
 * fields, extreme activations (tables built from -128/127, and raw extreme
 * entries 0x7fff/0x8000), back-to-back one-step output blocks, operand
 * stalls (valid = 0 half the time), resets in the middle of blocks,
 * unconstrained control (valid/first/last/plane independent), then one
 * long block of 8400 extreme steps that wraps the 32-bit accumulators.
 * Then random phases (tables from random activations or raw random
 * entries, random fields, blocks of 1..4 groups x W planes with W random
 * per phase, 1 in 8 cycles stalled, now and then a reset) with the directed
 * kinds mixed in. On stalled cycles the data inputs carry random values,
 * so the registers' load enables are checked too. The precompute unit gets
 * its own random, extreme or zero activations on the same phases.
 * A transaction is a finished output block (done) or a batch of tables
 * from the precompute unit (pre_valid).
 * Test hook (--inject-bug sign): the twin's lookups invert the sign select.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../dev/bufs.h"
#include "../lut/lut_array.h"
#include "../lut/lut_core.h"
#include "../lut/lut_precompute.h"
#include "cosim.h"

#define WRAP_STEPS 8400u /* > 2^31 / (32767 * 8): wraps an INT32 accumulator */

enum {
  PH_ZERO_W, PH_ONES_W, PH_EXTREME, PH_B2B, PH_STALL, PH_RESET, PH_CHAOS, PH_WRAP, /* directed, in order */
  PH_RANDOM,
  PH_DIRECTED = PH_RANDOM
};

typedef struct blk_lut_tc {
  lut_array_t arr;        /* the array twin */
  lut_pre_t pre;          /* the precompute twin */
  /* shape and bus geometry */
  uint32_t m, n, k, e, pipe, lanes, act_w, entry_w, acc_w, term_w;
  uint32_t in_tbl, in_fld, in_pv, in_pa, in_bits;
  uint32_t out_s1, out_term, out_acc, out_done, out_pv, out_pt, out_bits;
  /* stimulus bookkeeping */
  uint64_t rng;           /* splitmix64 state, from the seed */
  uint32_t phases;        /* phases started */
  uint32_t kind;          /* the current phase's PH_* */
  uint64_t phase_end;     /* first cycle of the next phase */
  uint32_t wbits;         /* the phase's weight bits W */
  uint32_t blk_len, blk_pos; /* the current output block: steps, steps sent */
  int raw;                /* the phase's tables are raw random entries (else built from activations) */
  int rst;                /* the last stimulus asked for reset */
  /* one cycle's values, unpacked */
  int64_t *tbl;           /* [m][e] the current group's tables (stimulus) / the step's (twin) */
  uint32_t *fld;          /* [n] */
  int64_t *act;           /* [lanes][k] */
} blk_lut_tc_t;

/* 1 with probability 1/d */
static int one_in(uint64_t *s, uint32_t d) { return coda_rnd(s) % d == 0; }

/* ---- shape ------------------------------------------------------------------ */

static void twin_cfgs(const arch_cfg_t *c, lut_array_cfg_t *ac, lut_pre_cfg_t *pc) {
  uint32_t act_w = dev_act_bytes(ISA_ATYPE_INT8) * 8;          /* lut_tc_core's ActW */
  uint32_t entry_w = lut_entry_bytes(ISA_ATYPE_INT8, 0) * 8;   /* EntryW */
  uint32_t acc_w = dev_acc_bytes(ISA_ACC_INT32) * 8;           /* AccW */
  lut_array_cfg_t a = {(uint32_t)c->core_m, (uint32_t)c->core_n, (uint32_t)c->core_k,
                       (uint32_t)c->core_pipeline_cycles, entry_w, acc_w, 0};
  lut_pre_cfg_t p = {(uint32_t)c->tpre_tables_per_cycle, (uint32_t)c->core_k, act_w, entry_w};
  *ac = a;
  *pc = p;
}

static void geometry(blk_lut_tc_t *b, const lut_array_cfg_t *ac, const lut_pre_cfg_t *pc) {
  b->m = ac->m;
  b->n = ac->n;
  b->k = ac->k;
  b->e = 1u << (ac->k - 1);
  b->pipe = ac->pipe;
  b->lanes = pc->lanes;
  b->act_w = pc->act_w;
  b->entry_w = ac->entry_w;
  b->acc_w = ac->acc_w;
  b->term_w = lut_array_term_w(ac);
  b->in_tbl = 3 + LUT_ARRAY_PLANE_W;
  b->in_fld = b->in_tbl + b->m * b->e * b->entry_w;
  b->in_pv = b->in_fld + b->n * b->k;
  b->in_pa = b->in_pv + 1;
  b->in_bits = b->in_pa + b->lanes * b->k * b->act_w;
  b->out_s1 = 3 * b->pipe;
  b->out_term = b->out_s1 + (b->pipe ? LUT_ARRAY_PLANE_W + b->m * b->e * b->entry_w + b->n * b->k : 0);
  b->out_acc = b->out_term + (b->pipe > 1 ? (b->pipe - 1) * b->m * b->n * b->term_w : 0);
  b->out_done = b->out_acc + b->m * b->n * b->acc_w;
  b->out_pv = b->out_done + 1;
  b->out_pt = b->out_pv + 1;
  b->out_bits = b->out_pt + b->lanes * b->e * b->entry_w;
}

static uint64_t field_count(const blk_lut_tc_t *b) {
  uint64_t mn = (uint64_t)b->m * b->n;
  uint64_t s1 = b->pipe ? 1 + (uint64_t)b->m * b->e + b->n : 0;
  return 3ull * b->pipe + s1 + (b->pipe > 1 ? (b->pipe - 1) * mn : 0) + mn + 2 + (uint64_t)b->lanes * b->e;
}

static int lut_tc_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err) {
  lut_array_cfg_t ac;
  lut_pre_cfg_t pc;
  twin_cfgs(cfg, &ac, &pc);
  int rc = lut_array_check(&ac, err);
  if (!rc) rc = lut_pre_check(&pc, err);
  if (rc) return coda_errf(err, rc, "lut_tc: %s", err->msg);
  blk_lut_tc_t g;
  geometry(&g, &ac, &pc);
  uint64_t f = field_count(&g);
  if (f > COSIM_MAX_FIELDS)
    return coda_errf(err, CODA_EINVAL,
                     "lut_tc: M%uN%uK%u with %u pipeline stages and %u precompute lanes has %llu compared "
                     "fields, more than co-simulation reports (%d); try a smaller core.m/core.n",
                     ac.m, ac.n, ac.k, ac.pipe, pc.lanes, (unsigned long long)f, COSIM_MAX_FIELDS);
  *in_bits = g.in_bits;
  *out_bits = g.out_bits;
  return CODA_OK;
}

/* ---- life cycle ---------------------------------------------------------------- */

static void lut_tc_destroy(void *p) {
  blk_lut_tc_t *b = p;
  if (!b) return;
  lut_array_free(&b->arr);
  lut_pre_free(&b->pre);
  free(b->tbl);
  free(b->fld);
  free(b->act);
  free(b);
}

static void *lut_tc_create(const arch_cfg_t *cfg, uint64_t seed) {
  lut_array_cfg_t ac;
  lut_pre_cfg_t pc;
  coda_err_t err;
  twin_cfgs(cfg, &ac, &pc);
  blk_lut_tc_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (lut_array_init(&b->arr, &ac, &err)) { free(b); return NULL; }
  if (lut_pre_init(&b->pre, &pc, &err)) { lut_array_free(&b->arr); free(b); return NULL; }
  geometry(b, &ac, &pc);
  b->rng = seed ^ 0x6c75745f74635f31ull; /* "lut_tc_1" */
  b->tbl = calloc((size_t)b->m * b->e, sizeof *b->tbl);
  b->fld = calloc(b->n, sizeof *b->fld);
  b->act = calloc((size_t)b->lanes * b->k, sizeof *b->act);
  if (!b->tbl || !b->fld || !b->act) { lut_tc_destroy(b); return NULL; }
  return b;
}

static int lut_tc_inject(void *p, const char *bug) {
  blk_lut_tc_t *b = p;
  if (strcmp(bug, "sign")) return -1;
  b->arr.cfg.flip_sign = 1;
  return 0;
}

/* ---- stimulus ------------------------------------------------------------------- */

static int64_t act8(blk_lut_tc_t *b, int extreme) {
  if (extreme) return (coda_rnd(&b->rng) & 1) ? 127 : -128;
  return (int64_t)(int8_t)(uint8_t)coda_rnd(&b->rng);
}

/* A new group's tables in b->tbl, as the phase wants them. */
static void new_tables(blk_lut_tc_t *b) {
  static const int64_t EXT[4] = {0x7fff, -0x8000, -1, 0};
  for (uint32_t i = 0; i < b->m; i++) {
    int64_t *t = b->tbl + (size_t)i * b->e;
    if (b->kind == PH_WRAP) {
      for (uint32_t x = 0; x < b->e; x++) t[x] = 0x7fff;
    } else if (b->raw || (b->kind == PH_EXTREME && (coda_rnd(&b->rng) & 1))) {
      for (uint32_t x = 0; x < b->e; x++)
        t[x] = b->kind == PH_EXTREME ? EXT[coda_rnd(&b->rng) & 3] : (int64_t)(int16_t)(uint16_t)coda_rnd(&b->rng);
    } else {
      /* built from K activations like the precompute unit builds it */
      int64_t a[8] = {0};
      for (uint32_t j = 0; j < b->k; j++) a[j] = act8(b, b->kind == PH_EXTREME);
      for (uint32_t x = 0; x < b->e; x++) {
        int64_t v = a[b->k - 1];
        for (uint32_t j = 0; j + 1 < b->k; j++) v += ((x >> j) & 1) ? a[j] : -a[j];
        t[x] = v;
      }
    }
  }
}

static void start_phase(blk_lut_tc_t *b, uint64_t cycle) {
  if (b->phases < PH_DIRECTED) {
    b->kind = b->phases; /* every directed kind once, in order */
  } else {
    /* then random phases 5 times in 12, the directed kinds but the wrap mixed in */
    uint32_t k = (uint32_t)(coda_rnd(&b->rng) % (PH_DIRECTED + 4));
    b->kind = k < PH_DIRECTED && k != PH_WRAP ? k : PH_RANDOM;
  }
  b->phases++;
  b->wbits = 1 + (uint32_t)(coda_rnd(&b->rng) % 4);
  b->raw = (int)(coda_rnd(&b->rng) & 1);
  b->phase_end = cycle + (b->kind == PH_WRAP ? WRAP_STEPS + 16 : 64 + coda_rnd(&b->rng) % 256);
  b->blk_len = b->blk_pos = 0;
}

static void lut_tc_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_lut_tc_t *b = p;
  if (cycle == 0 || cycle >= b->phase_end) start_phase(b, cycle);
  uint64_t *r = &b->rng;

  /* resets: a few in the reset phase, rarely elsewhere */
  b->rst = b->kind == PH_RESET ? one_in(r, 24) : (b->kind == PH_RANDOM && one_in(r, 8192));

  /* array: is this cycle a step? */
  uint32_t valid;
  switch (b->kind) {
    case PH_STALL: case PH_CHAOS: valid = (uint32_t)(coda_rnd(r) & 1); break;
    case PH_B2B: case PH_WRAP: valid = 1; break;
    default: valid = !one_in(r, 8);
  }
  uint32_t first, last, plane;
  if (!valid) {
    /* stalled: data inputs carry garbage, which must not load */
    first = coda_rnd(r) & 1;
    last = coda_rnd(r) & 1;
    plane = (uint32_t)(coda_rnd(r) & 3);
    for (uint32_t i = 0; i < b->m * b->e; i++) cosim_put(in, b->in_tbl + i * b->entry_w, b->entry_w, coda_rnd(r));
    for (uint32_t j = 0; j < b->n; j++) cosim_put(in, b->in_fld + j * b->k, b->k, coda_rnd(r));
  } else {
    if (b->kind == PH_CHAOS) {
      first = coda_rnd(r) & 1;
      last = coda_rnd(r) & 1;
      plane = (uint32_t)(coda_rnd(r) & 3);
      new_tables(b);
    } else {
      if (b->blk_pos >= b->blk_len) { /* a new output block */
        uint32_t groups = b->kind == PH_B2B ? 1 : 1 + (uint32_t)(coda_rnd(r) % 4);
        uint32_t w = b->kind == PH_B2B ? 1 : b->wbits;
        b->blk_len = b->kind == PH_WRAP ? WRAP_STEPS : groups * w;
        b->blk_pos = 0;
      }
      uint32_t w = b->kind == PH_WRAP ? 4 : (b->kind == PH_B2B ? 1 : b->wbits);
      plane = b->kind == PH_WRAP ? 3 : b->blk_pos % w;
      if (b->blk_pos % w == 0 || b->kind == PH_WRAP) new_tables(b);
      first = b->blk_pos == 0;
      last = b->blk_pos + 1 == b->blk_len;
      b->blk_pos++;
    }
    for (uint32_t i = 0; i < b->m * b->e; i++)
      cosim_put(in, b->in_tbl + i * b->entry_w, b->entry_w, (uint64_t)b->tbl[i]);
    const uint32_t ones = (1u << b->k) - 1;
    for (uint32_t j = 0; j < b->n; j++) {
      uint32_t f = b->kind == PH_ZERO_W ? 0 : (b->kind == PH_ONES_W || b->kind == PH_WRAP) ? ones : (uint32_t)coda_rnd(r) & ones;
      cosim_put(in, b->in_fld + j * b->k, b->k, f);
    }
  }
  cosim_put(in, 0, 1, valid);
  cosim_put(in, 1, 1, first);
  cosim_put(in, 2, 1, last);
  cosim_put(in, 3, LUT_ARRAY_PLANE_W, plane);

  /* precompute unit */
  uint32_t pv = b->kind == PH_STALL || b->kind == PH_CHAOS ? (uint32_t)(coda_rnd(r) & 1) : !one_in(r, 4);
  int extreme = b->kind == PH_EXTREME || b->kind == PH_WRAP;
  for (uint32_t i = 0; i < b->lanes * b->k; i++) {
    int64_t a = b->kind == PH_ZERO_W ? 0 : act8(b, extreme);
    cosim_put(in, b->in_pa + i * b->act_w, b->act_w, (uint64_t)a);
  }
  cosim_put(in, b->in_pv, 1, pv);
}

static int lut_tc_in_reset(const void *p) { return ((const blk_lut_tc_t *)p)->rst; }

/* ---- the twin's clock ---------------------------------------------------------- */

static void pack(const blk_lut_tc_t *b, uint64_t *out) {
  const lut_array_regs_t *q = lut_array_regs(&b->arr);
  const size_t mn = (size_t)b->m * b->n;
  for (uint32_t s = 0; s < b->pipe; s++) cosim_put(out, 3 * s, 3, q->ctrl[s]);
  if (b->pipe >= 1) {
    uint32_t o = b->out_s1;
    cosim_put(out, o, LUT_ARRAY_PLANE_W, q->plane);
    o += LUT_ARRAY_PLANE_W;
    for (uint32_t i = 0; i < b->m * b->e; i++, o += b->entry_w) cosim_put(out, o, b->entry_w, (uint64_t)q->tbl[i]);
    for (uint32_t j = 0; j < b->n; j++, o += b->k) cosim_put(out, o, b->k, q->fld[j]);
  }
  for (size_t i = 0; b->pipe > 1 && i < (b->pipe - 1) * mn; i++)
    cosim_put(out, b->out_term + (uint32_t)i * b->term_w, b->term_w, (uint64_t)q->term[i]);
  for (size_t i = 0; i < mn; i++) cosim_put(out, b->out_acc + (uint32_t)i * b->acc_w, b->acc_w, (uint64_t)q->acc[i]);
  cosim_put(out, b->out_done, 1, q->done);
  const lut_pre_regs_t *pq = lut_pre_regs(&b->pre);
  cosim_put(out, b->out_pv, 1, pq->valid);
  for (uint32_t i = 0; i < b->lanes * b->e; i++)
    cosim_put(out, b->out_pt + i * b->entry_w, b->entry_w, (uint64_t)pq->tbl[i]);
}

static void lut_tc_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_lut_tc_t *b = p;
  if (b->rst) {
    lut_array_reset(&b->arr);
    lut_pre_reset(&b->pre);
  } else {
    /* the twins see the bus bits, exactly what the RTL's ports see */
    for (uint32_t i = 0; i < b->m * b->e; i++)
      b->tbl[i] = lut_sext(cosim_get(in, b->in_tbl + i * b->entry_w, b->entry_w), b->entry_w);
    for (uint32_t j = 0; j < b->n; j++) b->fld[j] = (uint32_t)cosim_get(in, b->in_fld + j * b->k, b->k);
    lut_array_in_t ai = {(uint32_t)cosim_get(in, 0, 1), (uint32_t)cosim_get(in, 1, 1), (uint32_t)cosim_get(in, 2, 1),
                         (uint32_t)cosim_get(in, 3, LUT_ARRAY_PLANE_W), b->tbl, b->fld};
    for (uint32_t i = 0; i < b->lanes * b->k; i++)
      b->act[i] = lut_sext(cosim_get(in, b->in_pa + i * b->act_w, b->act_w), b->act_w);
    lut_pre_in_t pi = {(uint32_t)cosim_get(in, b->in_pv, 1), b->act};
    lut_array_step(&b->arr, &ai);
    lut_pre_step(&b->pre, &pi);
  }
  pack(b, out);
}

static uint64_t lut_tc_transactions(const void *p) {
  const blk_lut_tc_t *b = p;
  return b->arr.st.blocks + b->pre.tables / b->lanes;
}

/* ---- field names ----------------------------------------------------------------- */

static int lut_tc_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_lut_tc_t *b = p;
  int n = 0;
  static const char *const CTRL[3] = {"valid", "first", "last"};
  for (uint32_t s = 0; s < b->pipe; s++)
    for (uint32_t c = 0; c < 3; c++) n = cosim_field(f, n, max, 3 * s + c, 1, "s%u.%s", s + 1, CTRL[c]);
  if (b->pipe >= 1) {
    uint32_t o = b->out_s1;
    n = cosim_field(f, n, max, o, LUT_ARRAY_PLANE_W, "s1.plane");
    o += LUT_ARRAY_PLANE_W;
    for (uint32_t i = 0; i < b->m; i++)
      for (uint32_t x = 0; x < b->e; x++, o += b->entry_w)
        n = cosim_field(f, n, max, o, b->entry_w, "s1.tbl[%u][%u]", i, x);
    for (uint32_t j = 0; j < b->n; j++, o += b->k) n = cosim_field(f, n, max, o, b->k, "s1.fld[%u]", j);
  }
  uint32_t o = b->out_term;
  for (uint32_t s = 2; s <= b->pipe; s++)
    for (uint32_t i = 0; i < b->m; i++)
      for (uint32_t j = 0; j < b->n; j++, o += b->term_w) n = cosim_field(f, n, max, o, b->term_w, "s%u.term[%u][%u]", s, i, j);
  o = b->out_acc;
  for (uint32_t i = 0; i < b->m; i++)
    for (uint32_t j = 0; j < b->n; j++, o += b->acc_w) n = cosim_field(f, n, max, o, b->acc_w, "acc[%u][%u]", i, j);
  n = cosim_field(f, n, max, b->out_done, 1, "done");
  n = cosim_field(f, n, max, b->out_pv, 1, "pre.valid");
  o = b->out_pt;
  for (uint32_t l = 0; l < b->lanes; l++)
    for (uint32_t x = 0; x < b->e; x++, o += b->entry_w)
      n = cosim_field(f, n, max, o, b->entry_w, "pre.tbl[%u][%u]", l, x);
  return n < max ? n : max;
}

static int lut_tc_in_fields(const void *p, cosim_field_t *f, int max) {
  const blk_lut_tc_t *b = p;
  int n = 0;
  n = cosim_field(f, n, max, 0, 1, "valid");
  n = cosim_field(f, n, max, 1, 1, "first");
  n = cosim_field(f, n, max, 2, 1, "last");
  n = cosim_field(f, n, max, 3, LUT_ARRAY_PLANE_W, "plane");
  for (uint32_t i = 0; i < b->m; i++)
    n = cosim_field(f, n, max, b->in_tbl + i * b->e * b->entry_w, b->e * b->entry_w, "tbl[%u]", i);
  n = cosim_field(f, n, max, b->in_fld, b->n * b->k, "fld");
  n = cosim_field(f, n, max, b->in_pv, 1, "pre_valid");
  for (uint32_t l = 0; l < b->lanes; l++)
    n = cosim_field(f, n, max, b->in_pa + l * b->k * b->act_w, b->k * b->act_w, "pre_act[%u]", l);
  return n < max ? n : max;
}

/* ---- the block ------------------------------------------------------------------- */

static const char *const LUT_TC_FILES[] = {
    "rtl/lut_tc/lut_tc_table.v",      "rtl/lut_tc/lut_tc_lookup.v", "rtl/lut_tc/lut_tc_acc.v",
    "rtl/lut_tc/lut_tc_array.v",      "rtl/lut_tc/lut_tc_precompute.v", "rtl/lut_tc/lut_tc_core.v",
    "rtl/lut_tc/lut_tc_cosim_top.v",  NULL};

static const char *const LUT_TC_PARAMS[] = {"core.m", "core.n", "core.k", "core.pipeline_cycles",
                                            "tpre.tables_per_cycle", NULL};

static const char *const LUT_TC_TEST_SETS[] = {
    "--set core.m=1 --set core.n=4 --set core.k=2 --set core.pipeline_cycles=1 --set tpre.tables_per_cycle=1",
    "--set core.m=2 --set core.n=8 --set core.k=4",
    "--set core.m=3 --set core.n=5 --set core.k=3 --set core.pipeline_cycles=3 --set tpre.tables_per_cycle=3",
    "--set core.m=2 --set core.n=3 --set core.k=8 --set core.pipeline_cycles=0 --set tpre.tables_per_cycle=1",
    NULL};

const cosim_block_t cosim_block_lut_tc = {
    .name = "lut_tc",
    .doc = "LUT Tensor Core: lookup array (tables, lookups, accumulators) + table precompute, INT8",
    .rtl_top = "lut_tc_cosim_top",
    .rtl_files = LUT_TC_FILES,
    .params = LUT_TC_PARAMS,
    .test_sets = LUT_TC_TEST_SETS,
    .shape = lut_tc_shape,
    .create = lut_tc_create,
    .destroy = lut_tc_destroy,
    .stimulus = lut_tc_stimulus,
    .step = lut_tc_step,
    .out_fields = lut_tc_out_fields,
    .transactions = lut_tc_transactions,
    .in_reset = lut_tc_in_reset,
    .in_fields = lut_tc_in_fields,
    .inject = lut_tc_inject,
};
