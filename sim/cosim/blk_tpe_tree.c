/* blk_tpe_tree.c: the multiplier-adder tree TPE (M = 1) and the 3D-Cube
 * (M > 1) as a co-simulation block ("tpe_tree"), every variant and encoding.
 *
 * RTL: rtl/tpe/tpe_tree_cosim_top.v around tpe_tree_core. C twin:
 * sim/tpe/tpe_tree.c. Parameters: tpe.m, tpe.k, tpe.n, tpe.variant,
 * tpe.encoding (-GTpeM -GTpeK -GTpeN -GTpeVariant -GTpeEncoding, enums by
 * index).
 *
 * in_i (LSB first): valid, first, last, a[m][k] (8 bits each), b[n][k] (8
 * bits each). out_o (LSB first): res[m][n] (32 bits each: acc_q for
 * base/opt2, res_q for opt1), done; opt1 only: sum_q[m][n], carry_q[m][n]
 * (32 bits each), fin_q; then ctrl_q (valid, first, last), a_q[m][k],
 * b_q[n][k]. So opt1's carry-save registers are compared bit for bit, not
 * only the results.
 *
 * Stimulus, all from the seed: phases of 64..319 cycles. The first seven
 * are directed, in this order: all-zero operands, extreme operands
 * (-128/127 on both sides), the digit corner values of both encoders
 * (-128, -86..-85, -43, -1, 0, 1, 42..43, 85..86, 127, against extremes),
 * back-to-back one-beat blocks, operand stalls (valid = 0 half the time),
 * resets in the middle of blocks (1 cycle in 24), unconstrained control
 * (valid/first/last independent). Then random phases (uniform INT8, or
 * small values |x| < 16, blocks of 1..8 beats, 1 in 8 cycles stalled, 1 in
 * 8192 reset) with the directed kinds mixed in. From cycle 300000 one long
 * block of (-128) x (-128) products wraps the 32-bit results. Data inputs
 * carry random values on stalled cycles. A transaction is a finished block.
 * Steady workload (the `workload` hook, for `coda energy` / `coda report
 * tpe`): blocks of TPE_TREE_WL_BEATS valid beats, a beat with probability
 * rate, operands drawn from the distribution, held on stalls, no resets.
 * Test hook (--inject-bug carry): on every cycle with a valid input the
 * twin flips bit 1 of opt1's carry register (a wrong carry-save state whose
 * results may still agree for a while); for base and opt2 it flips the
 * result's bit 0 instead, so every variant shows a catch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../tpe/tpe_tree.h"
#include "cosim.h"

#define TPE_TREE_WRAP_AT 300000u /* cycle of the result-wrap phase */
#define TPE_TREE_WL_BEATS 16u    /* steady workload: valid beats per output block */

enum { BUG_NONE, BUG_CARRY };

enum {
  PH_ZERO, PH_EXTREME, PH_CORNER, PH_B2B, PH_STALL, PH_RESET, PH_CHAOS, /* directed */
  PH_RANDOM, PH_WRAP,
  PH_DIRECTED = PH_RANDOM
};

typedef struct blk_tpe_tree {
  tpe_tree_t t;            /* the C twin */
  uint32_t in_bits, out_bits;
  uint64_t rng;            /* splitmix64 state, from the seed */
  uint32_t phases, kind;   /* phases started, the current one's PH_* */
  uint64_t phase_start, phase_end;
  int small;               /* random phase: values |x| < 16 */
  uint32_t blk_len, blk_pos;
  int wrapped, rst, bug;
  int8_t a[TPE_TREE_MAX_M * TPE_TREE_MAX_K], b[TPE_TREE_MAX_N * TPE_TREE_MAX_K]; /* one cycle's inputs */
  uint32_t wl_pos;         /* steady workload: valid beats of the current block so far */
  int8_t wl_a[TPE_TREE_MAX_M * TPE_TREE_MAX_K], wl_b[TPE_TREE_MAX_N * TPE_TREE_MAX_K]; /* its held data */
} blk_tpe_tree_t;

static void geometry(const tpe_tree_cfg_t *c, uint32_t *in_bits, uint32_t *out_bits) {
  uint32_t ab = c->m * c->k * TPE_TREE_OP_BITS, bb = c->n * c->k * TPE_TREE_OP_BITS;
  uint32_t cb = c->m * c->n * TPE_TREE_ACC_BITS;
  *in_bits = 3 + ab + bb;
  *out_bits = cb + 1 + (c->variant == TPE_VARIANT_OPT1 ? 2 * cb + 1 : 0) + 3 + ab + bb;
}

static int tpe_tree_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err) {
  tpe_tree_cfg_t c = tpe_tree_cfg_of(cfg);
  coda_err_t e = {0};
  int rc = tpe_tree_check(&c, &e);
  if (rc) return coda_errf(err, rc, "tpe_tree: %s (rtl/tpe supports what the C twin does)", e.msg);
  geometry(&c, in_bits, out_bits);
  return CODA_OK;
}

static void tpe_tree_destroy(void *p) { free(p); }

static void *tpe_tree_create(const arch_cfg_t *cfg, uint64_t seed) {
  tpe_tree_cfg_t c = tpe_tree_cfg_of(cfg);
  coda_err_t err;
  blk_tpe_tree_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (tpe_tree_init(&b->t, &c, &err)) {
    free(b);
    return NULL;
  }
  geometry(&c, &b->in_bits, &b->out_bits);
  b->rng = seed ^ 0x7470655f74726565ull; /* "tpe_tree" */
  return b;
}

static void next_phase(blk_tpe_tree_t *b, uint64_t cycle) {
  uint64_t len = 64 + coda_rnd(&b->rng) % 256;
  if (b->phases < PH_DIRECTED) b->kind = b->phases;
  else if (!b->wrapped && cycle >= TPE_TREE_WRAP_AT) {
    b->kind = PH_WRAP;
    b->wrapped = 1;
    len = (1ull << 31) / ((uint64_t)b->t.cfg.k * 16384) + 1000; /* beats to pass 2^31, plus margin */
  } else {
    uint64_t r = coda_rnd(&b->rng) % 14;
    b->kind = r < PH_DIRECTED ? (uint32_t)r : PH_RANDOM;
  }
  b->phases++;
  b->phase_start = cycle;
  b->phase_end = cycle + len;
  b->small = (coda_rnd(&b->rng) & 3) == 0;
  b->blk_pos = b->blk_len = 0;
}

static int8_t gen(blk_tpe_tree_t *b) {
  static const int8_t corner[] = {-128, -86, -85, -43, -1, 0, 1, 42, 43, 85, 86, 127};
  uint64_t r = coda_rnd(&b->rng);
  switch (b->kind) {
    case PH_ZERO: return 0;
    case PH_EXTREME: return (r & 1) ? 127 : -128;
    case PH_CORNER: return corner[r % sizeof corner];
    case PH_WRAP: return -128;
    default: return b->small ? (int8_t)((int)(r % 31) - 15) : (int8_t)(uint8_t)r;
  }
}

/* Clears in_i and sets its control bits; the operands follow from bit 3. */
static void put_ctrl(const blk_tpe_tree_t *b, uint64_t *in, int valid, int first, int last) {
  memset(in, 0, (b->in_bits + 63) / 64 * sizeof *in);
  cosim_put(in, 0, 1, (uint64_t)valid);
  cosim_put(in, 1, 1, (uint64_t)first);
  cosim_put(in, 2, 1, (uint64_t)last);
}

static void tpe_tree_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_tpe_tree_t *b = p;
  const tpe_tree_cfg_t *c = &b->t.cfg;
  if (cycle >= b->phase_end || b->phases == 0) next_phase(b, cycle);
  uint64_t r = coda_rnd(&b->rng);
  b->rst = b->kind == PH_RESET ? (r >> 32) % 24 == 0 : (b->kind == PH_RANDOM && (r >> 32) % 8192 == 0);
  int valid, first, last;
  switch (b->kind) {
    case PH_CHAOS: valid = r & 1, first = (r >> 1) & 1, last = (r >> 2) & 1; break;
    case PH_B2B: valid = first = last = 1; break;
    case PH_WRAP: valid = 1, first = cycle == b->phase_start, last = cycle + 1 == b->phase_end; break;
    default:
      valid = b->kind == PH_STALL ? (int)(r & 1) : (r & 7) != 0;
      if (b->blk_pos == b->blk_len) {
        b->blk_len = 1 + (uint32_t)((r >> 8) % 8);
        b->blk_pos = 0;
      }
      first = b->blk_pos == 0;
      last = b->blk_pos + 1 == b->blk_len;
      if (valid) b->blk_pos++;
  }
  put_ctrl(b, in, valid, first, last);
  uint32_t at = 3;
  for (uint32_t i = 0; i < (c->m + c->n) * c->k; i++, at += TPE_TREE_OP_BITS)
    cosim_put(in, at, TPE_TREE_OP_BITS, (uint8_t)gen(b));
}

/* The steady workload: see the file header. */
static double tpe_tree_workload(void *p, uint64_t cycle, const cosim_workload_t *w, uint64_t *in) {
  blk_tpe_tree_t *b = p;
  const tpe_tree_cfg_t *c = &b->t.cfg;
  const uint32_t na = c->m * c->k, nb = c->n * c->k;
  b->rst = 0;
  const int valid = cosim_coin(&b->rng, w->rate);
  const int first = valid && b->wl_pos == 0, last = valid && b->wl_pos + 1 == TPE_TREE_WL_BEATS;
  if (valid) {
    for (uint32_t i = 0; i < na; i++) b->wl_a[i] = cosim_draw_int8(&b->rng, w);
    for (uint32_t i = 0; i < nb; i++) b->wl_b[i] = cosim_draw_int8(&b->rng, w);
    b->wl_pos = last ? 0 : b->wl_pos + 1;
  }
  put_ctrl(b, in, valid, first, last);
  uint32_t at = 3;
  for (uint32_t i = 0; i < na; i++, at += TPE_TREE_OP_BITS) cosim_put(in, at, TPE_TREE_OP_BITS, (uint8_t)b->wl_a[i]);
  for (uint32_t i = 0; i < nb; i++, at += TPE_TREE_OP_BITS) cosim_put(in, at, TPE_TREE_OP_BITS, (uint8_t)b->wl_b[i]);
  return valid ? (double)c->m * c->n * c->k : 0.0;
}

static void tpe_tree_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_tpe_tree_t *b = p;
  const tpe_tree_cfg_t *c = &b->t.cfg;
  const uint32_t M = c->m, K = c->k, N = c->n;
  tpe_tree_in_t ti = {(uint8_t)cosim_get(in, 0, 1), (uint8_t)cosim_get(in, 1, 1), (uint8_t)cosim_get(in, 2, 1),
                      b->a, b->b};
  uint32_t at = 3;
  for (uint32_t i = 0; i < M * K; i++, at += TPE_TREE_OP_BITS) b->a[i] = (int8_t)cosim_get(in, at, TPE_TREE_OP_BITS);
  for (uint32_t i = 0; i < N * K; i++, at += TPE_TREE_OP_BITS) b->b[i] = (int8_t)cosim_get(in, at, TPE_TREE_OP_BITS);
  if (b->rst) tpe_tree_reset(&b->t);
  else {
    tpe_tree_eval(&b->t, &ti);
    if (b->bug == BUG_CARRY) { /* test hook: corrupt the next state */
      tpe_tree_regs_t *d = &b->t.reg[b->t.cur ^ 1];
      for (uint32_t i = 0; i < M * N; i++) {
        if (c->variant == TPE_VARIANT_OPT1) d->carry[i] ^= 2u;
        else if (ti.valid) d->res[i] ^= 1u;
      }
    }
    tpe_tree_commit(&b->t);
  }
  const tpe_tree_regs_t *r = tpe_tree_regs(&b->t);
  memset(out, 0, (b->out_bits + 63) / 64 * sizeof *out);
  at = 0;
  for (uint32_t i = 0; i < M * N; i++, at += TPE_TREE_ACC_BITS) cosim_put(out, at, TPE_TREE_ACC_BITS, r->res[i]);
  cosim_put(out, at++, 1, r->done);
  if (c->variant == TPE_VARIANT_OPT1) {
    for (uint32_t i = 0; i < M * N; i++, at += TPE_TREE_ACC_BITS) cosim_put(out, at, TPE_TREE_ACC_BITS, r->sum[i]);
    for (uint32_t i = 0; i < M * N; i++, at += TPE_TREE_ACC_BITS) cosim_put(out, at, TPE_TREE_ACC_BITS, r->carry[i]);
    cosim_put(out, at++, 1, r->fin);
  }
  cosim_put(out, at, 3, r->ctrl);
  at += 3;
  for (uint32_t i = 0; i < M * K; i++, at += TPE_TREE_OP_BITS) cosim_put(out, at, TPE_TREE_OP_BITS, (uint8_t)r->a[i]);
  for (uint32_t i = 0; i < N * K; i++, at += TPE_TREE_OP_BITS) cosim_put(out, at, TPE_TREE_OP_BITS, (uint8_t)r->b[i]);
}

#define FIELD(w, ...) (n = cosim_field(f, n, max, at, (w), __VA_ARGS__), at += (w))

static int tpe_tree_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_tpe_tree_t *b = p;
  const tpe_tree_cfg_t *c = &b->t.cfg;
  const int opt1 = c->variant == TPE_VARIANT_OPT1;
  int n = 0;
  uint32_t at = 0;
  for (uint32_t i = 0; i < c->m; i++)
    for (uint32_t j = 0; j < c->n; j++) FIELD(TPE_TREE_ACC_BITS, opt1 ? "res[%u][%u]" : "acc[%u][%u]", i, j);
  FIELD(1, "done");
  if (opt1) {
    for (uint32_t i = 0; i < c->m; i++)
      for (uint32_t j = 0; j < c->n; j++) FIELD(TPE_TREE_ACC_BITS, "sum[%u][%u]", i, j);
    for (uint32_t i = 0; i < c->m; i++)
      for (uint32_t j = 0; j < c->n; j++) FIELD(TPE_TREE_ACC_BITS, "carry[%u][%u]", i, j);
    FIELD(1, "fin");
  }
  FIELD(1, "s1.valid");
  FIELD(1, "s1.first");
  FIELD(1, "s1.last");
  for (uint32_t i = 0; i < c->m; i++)
    for (uint32_t k = 0; k < c->k; k++) FIELD(TPE_TREE_OP_BITS, "s1.a[%u][%u]", i, k);
  for (uint32_t j = 0; j < c->n; j++)
    for (uint32_t k = 0; k < c->k; k++) FIELD(TPE_TREE_OP_BITS, "s1.b[%u][%u]", j, k);
  return n < max ? n : max;
}

static int tpe_tree_in_fields(const void *p, cosim_field_t *f, int max) {
  const blk_tpe_tree_t *b = p;
  const tpe_tree_cfg_t *c = &b->t.cfg;
  int n = 0;
  uint32_t at = 0;
  FIELD(1, "valid");
  FIELD(1, "first");
  FIELD(1, "last");
  for (uint32_t i = 0; i < c->m; i++) FIELD(c->k * TPE_TREE_OP_BITS, "a[%u]", i);
  for (uint32_t j = 0; j < c->n; j++) FIELD(c->k * TPE_TREE_OP_BITS, "b[%u]", j);
  return n < max ? n : max;
}
#undef FIELD

static int tpe_tree_in_reset(const void *p) { return ((const blk_tpe_tree_t *)p)->rst; }

static int tpe_tree_inject(void *p, const char *bug) {
  blk_tpe_tree_t *b = p;
  if (strcmp(bug, "carry")) return -1;
  b->bug = BUG_CARRY;
  return 0;
}

static uint64_t tpe_tree_transactions(const void *p) { return ((const blk_tpe_tree_t *)p)->t.st.blocks; }

static const char *const tpe_tree_rtl_files[] = {
    "rtl/tpe/tpe_tree_cosim_top.v", "rtl/tpe/tpe_tree_core.v", "rtl/tpe/tpe_tree_enc.v",
    "rtl/tpe/tpe_tree_ppgen.v",     "rtl/tpe/tpe_tree_csa.v",  "rtl/tpe/tpe_tree_mul.v",
    "rtl/tpe/tpe_tree_addtree.v",   NULL};
static const char *const tpe_tree_params[] = {"tpe.m", "tpe.k", "tpe.n", "tpe.variant", "tpe.encoding", NULL};
static const char *const tpe_tree_test_sets[] = {
    "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=base --set tpe.encoding=mbe",
    "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=base --set tpe.encoding=ent",
    "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt1 --set tpe.encoding=mbe",
    "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt1 --set tpe.encoding=ent",
    "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt2 --set tpe.encoding=mbe",
    "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt2 --set tpe.encoding=ent",
    /* the 3D-Cube */
    "--set tpe.m=2 --set tpe.k=4 --set tpe.n=2 --set tpe.variant=base --set tpe.encoding=mbe",
    "--set tpe.m=2 --set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt1 --set tpe.encoding=mbe",
    "--set tpe.m=2 --set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt2 --set tpe.encoding=mbe",
    "--set tpe.m=2 --set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt2 --set tpe.encoding=ent",
    NULL};

const cosim_block_t cosim_block_tpe_tree = {
    .name = "tpe_tree",
    .doc = "multiplier-adder tree TPE / 3D-Cube (HPCA'25 bit-weight paper): M x N x K INT8 products "
           "(M = 1: the tree), INT32 results; variants base/opt1/opt2, encodings mbe/ent",
    .rtl_top = "tpe_tree_cosim_top",
    .rtl_files = tpe_tree_rtl_files,
    .params = tpe_tree_params,
    .test_sets = tpe_tree_test_sets,
    .shape = tpe_tree_shape,
    .create = tpe_tree_create,
    .destroy = tpe_tree_destroy,
    .stimulus = tpe_tree_stimulus,
    .step = tpe_tree_step,
    .out_fields = tpe_tree_out_fields,
    .transactions = tpe_tree_transactions,
    .in_reset = tpe_tree_in_reset,
    .in_fields = tpe_tree_in_fields,
    .inject = tpe_tree_inject,
    .workload = tpe_tree_workload,
};
