/* blk_tpe_bs.c: the OPT3/OPT4C bit-slice array as a co-simulation block
 * ("tpe_bs").
 *
 * RTL: rtl/tpe/tpe_bs_cosim_top.v around tpe_bs_core. C twin:
 * sim/tpe/tpe_bs.c. Parameters: tpe.bs_rows, tpe.bs_cols, tpe.bs_depth,
 * tpe.bs_variant, tpe.encoding (-GTpeBsRows ... -GTpeEncoding, enums by
 * index).
 *
 * in_i (LSB first): valid, first, last, bw[2], a[c][j] (8 bits, j = 0..3),
 * b[r][j] (8 bits). out_o (LSB first): ready, done, then per column c:
 * count[clog2(depth+1)], rem[4], busy, fin, fin_bw[2], wait,
 * fifo[depth] x {first, last, bw[2], a[j] x 8, b[r][j] x 8}, then per row
 * sum[26], carry[26], res[32]. So the data-dependent schedule (each
 * column's digit mask and FIFO) and every PE's carry-save registers are
 * compared every cycle, not only the results.
 *
 * Stimulus, all from the seed: phases of 64..319 cycles; the first seven
 * directed, in this order: all-zero A (one cycle per beat), extreme values
 * (-128/127), digit corner values of both encoders, stalls (valid half the
 * time), resets in the middle of blocks (1 cycle in 24), unconstrained
 * control (valid/first/last/bw independent, data random), dense A (values
 * whose four digits are all non-zero under MBE or EN-T); then random phases
 * (uniform INT8, or small |x| < 16, or A in -2..2: columns drift most) with
 * the directed kinds mixed in. Outside the chaos phase beats follow the
 * block order (four passes bw = 0..3 over G = 1..6 groups, G random per
 * block); a beat is held until valid && ready take it, 1 in 8 cycles
 * without valid; data lines carry random values when valid is 0. A
 * transaction is a finished block (done pulse).
 * Test hook (--inject-bug rem): the twin keeps one digit too few in column
 * 0's rem register on the first cycle of a multi-digit group, so a
 * data-dependent timing error is caught by field name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../tpe/tpe_bs.h"
#include "cosim.h"

enum { BUG_NONE, BUG_REM };

enum {
  PH_ZERO, PH_EXTREME, PH_CORNER, PH_STALL, PH_RESET, PH_CHAOS, PH_DENSE, /* directed */
  PH_RANDOM,
  PH_DIRECTED = PH_RANDOM
};

#define MAX_GROUPS 6

typedef struct blk_tpe_bs {
  tpe_bs_t t;              /* the C twin */
  uint32_t in_bits, out_bits, cnt_bits, ent_bits;
  uint64_t rng;
  uint32_t phases, kind;
  uint64_t phase_end;
  int dist;                /* random phase: 0 uniform, 1 small, 2 tiny */
  uint32_t groups, pos;    /* current block: G, beats taken */
  int rst, bug;
  int8_t a[MAX_GROUPS][TPE_BS_MAX_C][TPE_BS_G]; /* the block's operands */
  int8_t b[MAX_GROUPS][TPE_BS_MAX_R][TPE_BS_G];
  tpe_bs_beat_t beat;      /* one cycle's beat, as the step unpacks it */
} blk_tpe_bs_t;

static uint32_t cnt_bits_of(uint32_t depth) {
  uint32_t w = 1;
  while ((1u << w) <= depth) w++;
  return w;
}

static void geometry(const tpe_bs_cfg_t *c, uint32_t *in_bits, uint32_t *out_bits, uint32_t *cnt, uint32_t *ent) {
  *cnt = cnt_bits_of(c->depth);
  *ent = 36 + 32 * c->rows;
  *in_bits = 5 + 32 * c->cols + 32 * c->rows;
  *out_bits = 2 + c->cols * (*cnt + 9 + c->depth * *ent + c->rows * 84);
}

static int tpe_bs_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err) {
  tpe_bs_cfg_t c = tpe_bs_cfg_of(cfg);
  coda_err_t e = {0};
  uint32_t cnt, ent;
  int rc = tpe_bs_check(&c, &e);
  if (rc) return coda_errf(err, rc, "tpe_bs: %s (rtl/tpe supports what the C twin does)", e.msg);
  geometry(&c, in_bits, out_bits, &cnt, &ent);
  return CODA_OK;
}

static void tpe_bs_destroy(void *p) { free(p); }

static void new_block(blk_tpe_bs_t *b);

static void *tpe_bs_create(const arch_cfg_t *cfg, uint64_t seed) {
  tpe_bs_cfg_t c = tpe_bs_cfg_of(cfg);
  coda_err_t err;
  blk_tpe_bs_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (tpe_bs_init(&b->t, &c, &err)) {
    free(b);
    return NULL;
  }
  geometry(&c, &b->in_bits, &b->out_bits, &b->cnt_bits, &b->ent_bits);
  b->rng = seed ^ 0x7470655f62730000ull; /* "tpe_bs" */
  return b;
}

static int8_t gen(blk_tpe_bs_t *b, int is_a) {
  static const int8_t corner[] = {-128, -86, -85, -43, -1, 0, 1, 42, 43, 85, 86, 127};
  static const int8_t dense[] = {-107, -87, -83, -75, -53, 53, 75, 83, 87, 107, 119, -119, 0x55, -0x55};
  uint64_t r = coda_rnd(&b->rng);
  switch (b->kind) {
    case PH_ZERO: return is_a ? 0 : (int8_t)(uint8_t)r;
    case PH_EXTREME: return (r & 1) ? 127 : -128;
    case PH_CORNER: return corner[r % sizeof corner];
    case PH_DENSE: return is_a ? dense[r % sizeof dense] : (int8_t)(uint8_t)r;
    default:
      if (!is_a || b->dist == 0) return (int8_t)(uint8_t)r;
      return b->dist == 1 ? (int8_t)((int)(r % 31) - 15) : (int8_t)((int)(r % 5) - 2);
  }
}

static void new_block(blk_tpe_bs_t *b) {
  const tpe_bs_cfg_t *c = &b->t.cfg;
  b->groups = 1 + (uint32_t)(coda_rnd(&b->rng) % MAX_GROUPS);
  b->pos = 0;
  for (uint32_t g = 0; g < b->groups; g++) {
    for (uint32_t i = 0; i < c->cols; i++)
      for (int j = 0; j < TPE_BS_G; j++) b->a[g][i][j] = gen(b, 1);
    for (uint32_t r = 0; r < c->rows; r++)
      for (int j = 0; j < TPE_BS_G; j++) b->b[g][r][j] = gen(b, 0);
  }
}

static void next_phase(blk_tpe_bs_t *b, uint64_t cycle) {
  uint64_t len = 64 + coda_rnd(&b->rng) % 256;
  if (b->phases < PH_DIRECTED) b->kind = b->phases;
  else {
    uint64_t r = coda_rnd(&b->rng) % 16;
    b->kind = r < PH_DIRECTED ? (uint32_t)r : PH_RANDOM;
  }
  b->phases++;
  b->phase_end = cycle + len;
  b->dist = (int)(coda_rnd(&b->rng) % 3);
}

static void tpe_bs_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_tpe_bs_t *b = p;
  const tpe_bs_cfg_t *c = &b->t.cfg;
  if (cycle >= b->phase_end || b->phases == 0) {
    next_phase(b, cycle);
    new_block(b); /* a phase's data kind applies from its first block */
  }
  uint64_t r = coda_rnd(&b->rng);
  b->rst = b->kind == PH_RESET ? (r >> 32) % 24 == 0 : (b->kind == PH_RANDOM && (r >> 32) % 8192 == 0);
  memset(in, 0, (b->in_bits + 63) / 64 * sizeof *in);
  int valid, first, last, bw;
  uint32_t at = 5;
  if (b->kind == PH_CHAOS) {
    valid = r & 1, first = (r >> 1) & 1, last = (r >> 2) & 1, bw = (r >> 3) & 3;
    for (uint32_t i = 0; i < 4 * (c->cols + c->rows); i++, at += 8) cosim_put(in, at, 8, (uint8_t)gen(b, 1));
  } else {
    valid = b->kind == PH_STALL ? (int)(r & 1) : (r & 7) != 0;
    uint32_t g = b->pos % b->groups;
    bw = (int)(b->pos / b->groups);
    first = g == 0;
    last = g + 1 == b->groups;
    for (uint32_t i = 0; i < c->cols; i++)
      for (int j = 0; j < TPE_BS_G; j++, at += 8)
        cosim_put(in, at, 8, (uint8_t)(valid ? b->a[g][i][j] : (int8_t)coda_rnd(&b->rng)));
    for (uint32_t i = 0; i < c->rows; i++)
      for (int j = 0; j < TPE_BS_G; j++, at += 8)
        cosim_put(in, at, 8, (uint8_t)(valid ? b->b[g][i][j] : (int8_t)coda_rnd(&b->rng)));
    if (b->rst) new_block(b);
    else if (valid && tpe_bs_ready(&b->t) && ++b->pos == 4 * b->groups) new_block(b);
  }
  cosim_put(in, 0, 1, (uint64_t)valid);
  cosim_put(in, 1, 1, (uint64_t)first);
  cosim_put(in, 2, 1, (uint64_t)last);
  cosim_put(in, 3, 2, (uint64_t)bw);
}

static void tpe_bs_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_tpe_bs_t *b = p;
  const tpe_bs_cfg_t *c = &b->t.cfg;
  const uint32_t R = c->rows, C = c->cols;
  tpe_bs_beat_t *bt = &b->beat;
  bt->first = (uint8_t)cosim_get(in, 1, 1);
  bt->last = (uint8_t)cosim_get(in, 2, 1);
  bt->bw = (uint8_t)cosim_get(in, 3, 2);
  uint32_t at = 5;
  for (uint32_t i = 0; i < C; i++)
    for (int j = 0; j < TPE_BS_G; j++, at += 8) bt->a[i][j] = (int8_t)cosim_get(in, at, 8);
  for (uint32_t i = 0; i < R; i++)
    for (int j = 0; j < TPE_BS_G; j++, at += 8) bt->b[i][j] = (int8_t)cosim_get(in, at, 8);
  tpe_bs_in_t ti = {(uint8_t)cosim_get(in, 0, 1), bt};
  if (b->rst) tpe_bs_reset(&b->t);
  else {
    tpe_bs_eval(&b->t, &ti);
    if (b->bug == BUG_REM) { /* test hook: drop a digit from column 0's schedule */
      const tpe_bs_col_regs_t *q = &tpe_bs_regs(&b->t)->col[0];
      tpe_bs_col_regs_t *d = &b->t.reg[b->t.cur ^ 1].col[0];
      if (!q->busy && d->busy && (d->rem & (d->rem - 1))) d->rem &= (uint8_t)(d->rem - 1);
    }
    tpe_bs_commit(&b->t);
  }
  const tpe_bs_regs_t *r = tpe_bs_regs(&b->t);
  memset(out, 0, (b->out_bits + 63) / 64 * sizeof *out);
  cosim_put(out, 0, 1, (uint64_t)tpe_bs_ready(&b->t));
  cosim_put(out, 1, 1, r->done);
  at = 2;
  for (uint32_t i = 0; i < C; i++) {
    const tpe_bs_col_regs_t *q = &r->col[i];
    cosim_put(out, at, b->cnt_bits, q->count);
    at += b->cnt_bits;
    cosim_put(out, at, 4, q->rem);
    cosim_put(out, at + 4, 1, q->busy);
    cosim_put(out, at + 5, 1, q->fin);
    cosim_put(out, at + 6, 2, q->fin_bw);
    cosim_put(out, at + 8, 1, q->wait);
    at += 9;
    for (uint32_t e = 0; e < c->depth; e++) {
      const tpe_bs_beat_t *f = &q->fifo[e];
      cosim_put(out, at, 1, f->first);
      cosim_put(out, at + 1, 1, f->last);
      cosim_put(out, at + 2, 2, f->bw);
      at += 4;
      for (int j = 0; j < TPE_BS_G; j++, at += 8) cosim_put(out, at, 8, (uint8_t)f->a[i][j]);
      for (uint32_t k = 0; k < R; k++)
        for (int j = 0; j < TPE_BS_G; j++, at += 8) cosim_put(out, at, 8, (uint8_t)f->b[k][j]);
    }
    for (uint32_t k = 0; k < R; k++) {
      cosim_put(out, at, TPE_BS_SC_BITS, r->sum[k][i]);
      cosim_put(out, at + 26, TPE_BS_SC_BITS, r->carry[k][i]);
      cosim_put(out, at + 52, TPE_BS_ACC_BITS, r->res[k][i]);
      at += 84;
    }
  }
}

#define FIELD(w, ...) (n = cosim_field(f, n, max, at, (w), __VA_ARGS__), at += (w))

static int tpe_bs_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_tpe_bs_t *b = p;
  const tpe_bs_cfg_t *c = &b->t.cfg;
  int n = 0;
  uint32_t at = 0;
  FIELD(1, "ready");
  FIELD(1, "done");
  for (uint32_t i = 0; i < c->cols; i++) {
    FIELD(b->cnt_bits, "col[%u].count", i);
    FIELD(4, "col[%u].rem", i);
    FIELD(1, "col[%u].busy", i);
    FIELD(1, "col[%u].fin", i);
    FIELD(2, "col[%u].fin_bw", i);
    FIELD(1, "col[%u].wait", i);
    for (uint32_t e = 0; e < c->depth; e++) {
      FIELD(4, "col[%u].fifo[%u].ctrl", i, e);
      FIELD(32, "col[%u].fifo[%u].a", i, e);
      FIELD(32 * c->rows, "col[%u].fifo[%u].b", i, e);
    }
    for (uint32_t k = 0; k < c->rows; k++) {
      FIELD(TPE_BS_SC_BITS, "sum[%u][%u]", k, i);
      FIELD(TPE_BS_SC_BITS, "carry[%u][%u]", k, i);
      FIELD(TPE_BS_ACC_BITS, "res[%u][%u]", k, i);
    }
  }
  return n < max ? n : max;
}

static int tpe_bs_in_fields(const void *p, cosim_field_t *f, int max) {
  const blk_tpe_bs_t *b = p;
  const tpe_bs_cfg_t *c = &b->t.cfg;
  int n = 0;
  uint32_t at = 0;
  FIELD(1, "valid");
  FIELD(1, "first");
  FIELD(1, "last");
  FIELD(2, "bw");
  for (uint32_t i = 0; i < c->cols; i++) FIELD(32, "a[%u]", i);
  for (uint32_t i = 0; i < c->rows; i++) FIELD(32, "b[%u]", i);
  return n < max ? n : max;
}
#undef FIELD

static int tpe_bs_in_reset(const void *p) { return ((const blk_tpe_bs_t *)p)->rst; }

static int tpe_bs_inject(void *p, const char *bug) {
  blk_tpe_bs_t *b = p;
  if (strcmp(bug, "rem")) return -1;
  b->bug = BUG_REM;
  return 0;
}

static uint64_t tpe_bs_transactions(const void *p) { return ((const blk_tpe_bs_t *)p)->t.st.blocks; }

/* The steady workload (cosim.h): blocks of WL_GROUPS groups (K = 16) with
 * A and B drawn from w's distribution, each beat offered with probability
 * w->rate and held until valid && ready take it, no resets. The twin is
 * stepped here with the same input, so its ready (and the data-dependent
 * schedule behind it) follows the RTL the caller drives. A taken beat is one
 * (group, digit weight): 4 k values x R x C products at one of 4 weights,
 * R x C INT8 MACs' worth. */
#define WL_GROUPS 4

static void wl_block(blk_tpe_bs_t *b, const cosim_workload_t *w) {
  const tpe_bs_cfg_t *c = &b->t.cfg;
  b->groups = WL_GROUPS;
  b->pos = 0;
  for (uint32_t g = 0; g < b->groups; g++) {
    for (uint32_t i = 0; i < c->cols; i++)
      for (int j = 0; j < TPE_BS_G; j++) b->a[g][i][j] = cosim_draw_int8(&b->rng, w);
    for (uint32_t r = 0; r < c->rows; r++)
      for (int j = 0; j < TPE_BS_G; j++) b->b[g][r][j] = cosim_draw_int8(&b->rng, w);
  }
}

static double tpe_bs_workload(void *p, uint64_t cycle, const cosim_workload_t *w, uint64_t *in) {
  blk_tpe_bs_t *b = p;
  const tpe_bs_cfg_t *c = &b->t.cfg;
  if (cycle == 0 || b->groups != WL_GROUPS) wl_block(b, w);
  const int valid = cosim_coin(&b->rng, w->rate);
  const uint32_t g = b->pos % b->groups, bw = b->pos / b->groups;
  tpe_bs_beat_t *bt = &b->beat;
  bt->first = g == 0;
  bt->last = g + 1 == b->groups;
  bt->bw = (uint8_t)bw;
  memset(in, 0, (b->in_bits + 63) / 64 * sizeof *in);
  cosim_put(in, 0, 1, (uint64_t)valid);
  cosim_put(in, 1, 1, bt->first);
  cosim_put(in, 2, 1, bt->last);
  cosim_put(in, 3, 2, bw);
  uint32_t at = 5;
  for (uint32_t i = 0; i < c->cols; i++)
    for (int j = 0; j < TPE_BS_G; j++, at += 8) cosim_put(in, at, 8, (uint8_t)(bt->a[i][j] = b->a[g][i][j]));
  for (uint32_t i = 0; i < c->rows; i++)
    for (int j = 0; j < TPE_BS_G; j++, at += 8) cosim_put(in, at, 8, (uint8_t)(bt->b[i][j] = b->b[g][i][j]));
  const int taken = valid && tpe_bs_ready(&b->t);
  tpe_bs_in_t ti = {(uint8_t)valid, bt};
  tpe_bs_eval(&b->t, &ti);
  tpe_bs_commit(&b->t);
  if (taken && ++b->pos == 4 * b->groups) wl_block(b, w);
  return taken ? (double)c->rows * c->cols : 0;
}

static const char *const tpe_bs_rtl_files[] = {
    "rtl/tpe/tpe_bs_cosim_top.v", "rtl/tpe/tpe_bs_core.v",  "rtl/tpe/tpe_bs_col.v", "rtl/tpe/tpe_bs_senc.v",
    "rtl/tpe/tpe_bs_pe.v",        "rtl/tpe/tpe_bs_shadd.v", "rtl/tpe/tpe_tree_enc.v", NULL};
static const char *const tpe_bs_params[] = {"tpe.bs_rows", "tpe.bs_cols", "tpe.bs_depth", "tpe.bs_variant",
                                            "tpe.encoding", NULL};
static const char *const tpe_bs_test_sets[] = {
    "--set tpe.bs_rows=2 --set tpe.bs_cols=3 --set tpe.bs_depth=2 --set tpe.bs_variant=opt4c --set tpe.encoding=mbe",
    "--set tpe.bs_rows=3 --set tpe.bs_cols=2 --set tpe.bs_depth=3 --set tpe.bs_variant=opt3 --set tpe.encoding=ent",
    NULL};

const cosim_block_t cosim_block_tpe_bs = {
    .name = "tpe_bs",
    .doc = "bit-slice array (HPCA'25 bit-weight paper OPT3/OPT4C): R x C sparse-digit bit-serial PEs, "
           "max(1, nnz) cycles per group and digit weight, columns synchronised per block",
    .rtl_top = "tpe_bs_cosim_top",
    .rtl_files = tpe_bs_rtl_files,
    .params = tpe_bs_params,
    .test_sets = tpe_bs_test_sets,
    .shape = tpe_bs_shape,
    .create = tpe_bs_create,
    .destroy = tpe_bs_destroy,
    .stimulus = tpe_bs_stimulus,
    .step = tpe_bs_step,
    .out_fields = tpe_bs_out_fields,
    .transactions = tpe_bs_transactions,
    .in_reset = tpe_bs_in_reset,
    .in_fields = tpe_bs_in_fields,
    .inject = tpe_bs_inject,
    .workload = tpe_bs_workload,
};
