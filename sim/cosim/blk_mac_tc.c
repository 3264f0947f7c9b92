/* blk_mac_tc.c: the MAC tensor-core array as a co-simulation block ("mac_tc").
 *
 * RTL: rtl/mac_tc/mac_tc_cosim_top.v around mac_tc_core (INT8 activations,
 * W<=4 weights with per-column zero points, INT32 accumulators, the RTL's
 * ActBits/AccBits defaults). C twin: sim/mac/mac_array.c at the same widths,
 * the model the device's MMA INT path runs (sim/mac/mac_core.c).
 * Parameters: core.m, core.n, core.k, core.pipeline_cycles (-GCoreM ...
 * -GCorePipelineCycles). The RTL needs at least one pipeline stage.
 *
 * in_i (LSB first): valid, first, last, act a[m][k] (8 bits each), q[n][k]
 * (4 bits each), z[n] (4 bits each).
 * out_o (LSB first): acc[m][n] (32 bits each), done, then the pipeline
 * registers: stage s control {valid, first, last} at 3*(s-1), op_a[m][k],
 * op_w[n][k] (5 bits), dot products of stages 2..P ([m][n] each).
 * The layouts are drawn in mac_tc_cosim_top.v and mac_tc_array.v.
 *
 * Stimulus, all from the seed: phases of 64..319 cycles. The first eight
 * are directed, in this order: all-zero weights, all-max weights
 * (q = 15, z = 0), all-min weights (q = 0, z = 15), extreme activations
 * (-128/127) against extreme weights (q, z in {0, 15}), back-to-back one-beat
 * output blocks, operand stalls (valid = 0 half the time), resets in the
 * middle of blocks (1 cycle in 24), and unconstrained control
 * (valid/first/last independent). Then random phases (weights of a random
 * width W1..W4, random activations, blocks of 1..8 beats, 1 in 8 cycles
 * stalled, 1 in 8192 reset) with every directed kind mixed in. From cycle
 * 300000, one long phase accumulates extreme products into a single block
 * long enough to wrap the 32-bit accumulators (for K >= 2). Data inputs
 * carry random values on stalled cycles, so the registers' load enables
 * are checked too. A transaction is one finished output block.
 * Test hook (--inject-bug zero-point): the twin's dequantizer drops the
 * zero point (w = q instead of q - z).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../mac/mac_array.h"
#include "cosim.h"

#define MAC_TC_ACT_BITS 8  /* mac_tc_cosim_top's ActBits default (int8) */
#define MAC_TC_ACC_BITS 32 /* mac_tc_cosim_top's AccBits default (int32) */
#define MAC_TC_WRAP_AT 300000u /* cycle of the accumulator-wrap phase */

enum { BUG_NONE, BUG_ZERO_POINT }; /* test hooks */

enum {
  PH_ZERO_W, PH_MAX_W, PH_MIN_W, PH_EXTREME, PH_B2B, PH_STALL, PH_RESET, PH_CHAOS, /* directed */
  PH_RANDOM, PH_WRAP,
  PH_DIRECTED = PH_RANDOM
};

typedef struct blk_mac_tc {
  mac_array_t arr;        /* the C twin */
  /* bus geometry */
  uint32_t abits, qbits, zbits, cbits, sum_bits, in_bits, out_bits;
  /* stimulus bookkeeping */
  uint64_t rng;           /* splitmix64 state, from the seed */
  uint32_t phases;        /* phases started */
  uint32_t kind;          /* the current phase's PH_* */
  uint64_t phase_start;   /* first cycle of the current phase */
  uint64_t phase_end;     /* first cycle of the next phase */
  uint32_t wbits;         /* the phase's weight width W */
  uint32_t blk_len, blk_pos; /* the current output block: beats, beats sent */
  int wrapped;            /* the wrap phase has run */
  int rst;                /* this cycle holds rst_ni low */
  int bug;                /* test hook: 0 none, else a BUG_* */
  /* one cycle's inputs, unpacked */
  int16_t *act;
  uint8_t *q, *z;
} blk_mac_tc_t;

static mac_array_cfg_t twin_cfg(const arch_cfg_t *cfg) {
  return mac_array_cfg_of(cfg, MAC_TC_ACT_BITS, MAC_TC_ACC_BITS);
}

static uint64_t field_count(const mac_array_cfg_t *c) {
  uint64_t mn = (uint64_t)c->m * c->n;
  return mn + 1 + 3ull * c->pipe + (uint64_t)c->m * c->k + (uint64_t)c->n * c->k +
         (c->pipe - 1) * mn;
}

/* Bus widths of cfg (which must pass mac_array_check with pipe >= 1). */
static void geometry(const mac_array_cfg_t *c, blk_mac_tc_t *b) {
  b->sum_bits = mac_array_sum_bits(c);
  b->abits = c->m * c->k * c->act_bits;
  b->qbits = c->n * c->k * MAC_ARRAY_W_BITS;
  b->zbits = c->n * MAC_ARRAY_W_BITS;
  b->cbits = c->m * c->n * c->acc_bits;
  b->in_bits = 3 + b->abits + b->qbits + b->zbits;
  b->out_bits = b->cbits + 1 + 3 * c->pipe + b->abits + c->n * c->k * MAC_ARRAY_DQ_BITS +
                (c->pipe - 1) * c->m * c->n * b->sum_bits;
}

static int mac_tc_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits,
                        coda_err_t *err) {
  mac_array_cfg_t c = twin_cfg(cfg);
  if (c.pipe < 1)
    return coda_errf(err, CODA_EINVAL,
                     "mac_tc: core.pipeline_cycles=0 is outside what rtl/mac_tc supports "
                     "(at least 1: the operand stage)");
  int rc = mac_array_check(&c, err);
  if (rc) return coda_errf(err, rc, "mac_tc: %s", err->msg);
  uint64_t f = field_count(&c);
  if (f > COSIM_MAX_FIELDS)
    return coda_errf(err, CODA_EINVAL,
                     "mac_tc: M%uN%uK%u with %u stages has %llu compared fields, more than "
                     "co-simulation reports (%d)",
                     c.m, c.n, c.k, c.pipe, (unsigned long long)f, COSIM_MAX_FIELDS);
  blk_mac_tc_t g;
  geometry(&c, &g);
  *in_bits = g.in_bits;
  *out_bits = g.out_bits;
  return CODA_OK;
}

static void mac_tc_destroy(void *p) {
  blk_mac_tc_t *b = p;
  if (!b) return;
  mac_array_free(&b->arr);
  free(b->act);
  free(b->q);
  free(b->z);
  free(b);
}

static void *mac_tc_create(const arch_cfg_t *cfg, uint64_t seed) {
  mac_array_cfg_t c = twin_cfg(cfg);
  coda_err_t err;
  blk_mac_tc_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (mac_array_init(&b->arr, &c, &err) || c.pipe < 1) {
    free(b);
    return NULL;
  }
  geometry(&c, b);
  b->rng = seed ^ 0x6d61635f74635f31ull; /* "mac_tc_1" */
  b->act = calloc((size_t)c.m * c.k, sizeof *b->act);
  b->q = calloc((size_t)c.n * c.k, 1);
  b->z = calloc(c.n, 1);
  if (!b->act || !b->q || !b->z) {
    mac_tc_destroy(b);
    return NULL;
  }
  return b;
}

/* Starts the phase that covers `cycle`. */
static void next_phase(blk_mac_tc_t *b, uint64_t cycle) {
  const mac_array_cfg_t *c = &b->arr.cfg;
  uint64_t len = 64 + coda_rnd(&b->rng) % 256;
  if (b->phases < PH_DIRECTED) b->kind = b->phases;
  else if (!b->wrapped && cycle >= MAC_TC_WRAP_AT) {
    b->kind = PH_WRAP;
    b->wrapped = 1;
    /* beats to wrap: 2^31 / (K * 128 * 15), plus margin */
    len = (1ull << 31) / ((uint64_t)c->k * 128 * 15) + 1000;
  } else {
    uint64_t r = coda_rnd(&b->rng) % 16;
    b->kind = r < PH_DIRECTED ? (uint32_t)r : PH_RANDOM;
  }
  b->phases++;
  b->phase_start = cycle;
  b->phase_end = cycle + len;
  b->wbits = 1 + (uint32_t)(coda_rnd(&b->rng) % 4);
  if (b->kind == PH_MAX_W || b->kind == PH_MIN_W || b->kind == PH_EXTREME)
    b->wbits = MAC_ARRAY_W_BITS; /* the datapath's extremes: q, z in {0, 15} */
  b->blk_pos = b->blk_len = 0; /* start a fresh block */
}

/* One activation of the phase's distribution. */
static int16_t gen_act(blk_mac_tc_t *b) {
  uint64_t r = coda_rnd(&b->rng);
  switch (b->kind) {
    case PH_EXTREME: return (r & 1) ? 127 : -128;
    case PH_WRAP: return -128;
    default: return (int16_t)(int8_t)(uint8_t)r;
  }
}

/* One weight (q) and zero point (z) of the phase's distribution. */
static uint8_t gen_q(blk_mac_tc_t *b, int is_z) {
  const uint8_t max = (uint8_t)((1u << b->wbits) - 1);
  uint64_t r = coda_rnd(&b->rng);
  switch (b->kind) {
    case PH_ZERO_W: return 0;
    case PH_MAX_W: return is_z ? 0 : max;
    case PH_MIN_W: return is_z ? max : 0;
    case PH_EXTREME: return (r & 1) ? max : 0;
    case PH_WRAP: return is_z ? 15 : 0; /* w = -15 against a = -128: +1920 per product */
    default: return (uint8_t)(r & max);
  }
}

static void mac_tc_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_mac_tc_t *b = p;
  const mac_array_cfg_t *c = &b->arr.cfg;
  if (cycle >= b->phase_end || b->phases == 0) next_phase(b, cycle);
  uint64_t r = coda_rnd(&b->rng);
  b->rst = b->kind == PH_RESET ? (r >> 32) % 24 == 0 : (b->kind == PH_RANDOM && (r >> 32) % 8192 == 0);
  int valid, first, last;
  switch (b->kind) {
    case PH_CHAOS:
      valid = r & 1, first = (r >> 1) & 1, last = (r >> 2) & 1;
      break;
    case PH_B2B:
      valid = first = last = 1;
      break;
    case PH_WRAP:
      valid = 1, first = cycle == b->phase_start, last = cycle + 1 == b->phase_end;
      break;
    default: {
      valid = b->kind == PH_STALL ? (int)(r & 1) : (r & 7) != 0;
      if (b->blk_pos == b->blk_len) { /* previous block ended: start another */
        b->blk_len = 1 + (uint32_t)((r >> 8) % 8);
        b->blk_pos = 0;
      }
      first = b->blk_pos == 0;
      last = b->blk_pos + 1 == b->blk_len;
      if (valid) b->blk_pos++;
    }
  }
  memset(in, 0, (b->in_bits + 63) / 64 * sizeof *in);
  cosim_put(in, 0, 1, (uint64_t)valid);
  cosim_put(in, 1, 1, (uint64_t)first);
  cosim_put(in, 2, 1, (uint64_t)last);
  uint32_t at = 3;
  for (uint32_t i = 0; i < c->m * c->k; i++, at += c->act_bits)
    cosim_put(in, at, c->act_bits, (uint64_t)(uint16_t)gen_act(b));
  for (uint32_t i = 0; i < c->n * c->k; i++, at += MAC_ARRAY_W_BITS)
    cosim_put(in, at, MAC_ARRAY_W_BITS, gen_q(b, 0));
  for (uint32_t i = 0; i < c->n; i++, at += MAC_ARRAY_W_BITS)
    cosim_put(in, at, MAC_ARRAY_W_BITS, gen_q(b, 1));
}

static void mac_tc_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_mac_tc_t *b = p;
  const mac_array_cfg_t *c = &b->arr.cfg;
  mac_array_in_t bi = {(uint8_t)cosim_get(in, 0, 1), (uint8_t)cosim_get(in, 1, 1),
                       (uint8_t)cosim_get(in, 2, 1), b->act, b->q, b->z};
  uint32_t at = 3;
  for (uint32_t i = 0; i < c->m * c->k; i++, at += c->act_bits)
    b->act[i] = (int16_t)(uint16_t)cosim_get(in, at, c->act_bits);
  for (uint32_t i = 0; i < c->n * c->k; i++, at += MAC_ARRAY_W_BITS)
    b->q[i] = (uint8_t)cosim_get(in, at, MAC_ARRAY_W_BITS);
  for (uint32_t i = 0; i < c->n; i++, at += MAC_ARRAY_W_BITS)
    b->z[i] = (uint8_t)cosim_get(in, at, MAC_ARRAY_W_BITS);
  if (b->bug == BUG_ZERO_POINT) memset(b->z, 0, c->n);
  if (b->rst) mac_array_reset(&b->arr);
  else {
    mac_array_eval(&b->arr, &bi);
    mac_array_commit(&b->arr);
  }

  const mac_array_regs_t *r = mac_array_regs(&b->arr);
  const uint32_t mn = c->m * c->n;
  memset(out, 0, (b->out_bits + 63) / 64 * sizeof *out);
  at = 0;
  for (uint32_t i = 0; i < mn; i++, at += c->acc_bits) cosim_put(out, at, c->acc_bits, (uint64_t)r->acc[i]);
  cosim_put(out, at++, 1, r->done);
  for (uint32_t s = 0; s < c->pipe; s++, at += 3) cosim_put(out, at, 3, r->ctrl[s]);
  for (uint32_t i = 0; i < c->m * c->k; i++, at += c->act_bits)
    cosim_put(out, at, c->act_bits, (uint64_t)(int64_t)r->op_a[i]);
  for (uint32_t i = 0; i < c->n * c->k; i++, at += MAC_ARRAY_DQ_BITS)
    cosim_put(out, at, MAC_ARRAY_DQ_BITS, (uint64_t)(int64_t)r->op_w[i]);
  for (uint32_t i = 0; i < (c->pipe - 1) * mn; i++, at += b->sum_bits)
    cosim_put(out, at, b->sum_bits, (uint64_t)(int64_t)r->sum[i]);
}

/* Names the next field of `width` bits (at `at`, counting in n, up to max). */
#define FIELD(w, ...) (n = cosim_field(f, n, max, at, (w), __VA_ARGS__), at += (w))

static int mac_tc_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_mac_tc_t *b = p;
  const mac_array_cfg_t *c = &b->arr.cfg;
  int n = 0;
  uint32_t at = 0;
  for (uint32_t i = 0; i < c->m; i++)
    for (uint32_t j = 0; j < c->n; j++) FIELD(c->acc_bits, "acc[%u][%u]", i, j);
  FIELD(1, "done");
  static const char *const ctrl[3] = {"valid", "first", "last"};
  for (uint32_t s = 1; s <= c->pipe; s++)
    for (int i = 0; i < 3; i++) FIELD(1, "s%u.%s", s, ctrl[i]);
  for (uint32_t i = 0; i < c->m; i++)
    for (uint32_t k = 0; k < c->k; k++) FIELD(c->act_bits, "s1.op_a[%u][%u]", i, k);
  for (uint32_t j = 0; j < c->n; j++)
    for (uint32_t k = 0; k < c->k; k++) FIELD(MAC_ARRAY_DQ_BITS, "s1.op_w[%u][%u]", j, k);
  for (uint32_t s = 2; s <= c->pipe; s++)
    for (uint32_t i = 0; i < c->m; i++)
      for (uint32_t j = 0; j < c->n; j++) FIELD(b->sum_bits, "s%u.sum[%u][%u]", s, i, j);
  return n < max ? n : max;
}

static int mac_tc_in_fields(const void *p, cosim_field_t *f, int max) {
  const blk_mac_tc_t *b = p;
  const mac_array_cfg_t *c = &b->arr.cfg;
  int n = 0;
  uint32_t at = 0;
  FIELD(1, "valid");
  FIELD(1, "first");
  FIELD(1, "last");
  for (uint32_t i = 0; i < c->m; i++) FIELD(c->k * c->act_bits, "act[%u]", i);
  for (uint32_t j = 0; j < c->n; j++) FIELD(c->k * MAC_ARRAY_W_BITS, "q[%u]", j);
  FIELD(c->n * MAC_ARRAY_W_BITS, "z");
  return n < max ? n : max;
}
#undef FIELD

static int mac_tc_in_reset(const void *p) { return ((const blk_mac_tc_t *)p)->rst; }

static int mac_tc_inject(void *p, const char *bug) {
  blk_mac_tc_t *b = p;
  if (strcmp(bug, "zero-point")) return -1;
  b->bug = BUG_ZERO_POINT;
  return 0;
}

static uint64_t mac_tc_transactions(const void *p) {
  return ((const blk_mac_tc_t *)p)->arr.st.blocks;
}

static const char *const mac_tc_rtl_files[] = {
    "rtl/mac_tc/mac_tc_cosim_top.v", "rtl/mac_tc/mac_tc_core.v", "rtl/mac_tc/mac_tc_array.v",
    "rtl/mac_tc/mac_tc_dequant.v",   "rtl/mac_tc/mac_tc_dot.v",  "rtl/mac_tc/mac_tc_acc.v",
    NULL};
static const char *const mac_tc_params[] = {"core.m", "core.n", "core.k", "core.pipeline_cycles",
                                            NULL};
static const char *const mac_tc_test_sets[] = {
    "--set core.m=2 --set core.n=4 --set core.k=4",
    "--set core.m=3 --set core.n=5 --set core.k=3 --set core.pipeline_cycles=1",
    "--set core.m=1 --set core.n=6 --set core.k=8 --set core.pipeline_cycles=3",
    NULL};

const cosim_block_t cosim_block_mac_tc = {
    .name = "mac_tc",
    .doc = "MAC tensor-core baseline array: dequantize (q - z), M x N x K INT8 MACs, INT32 accumulators",
    .rtl_top = "mac_tc_cosim_top",
    .rtl_files = mac_tc_rtl_files,
    .params = mac_tc_params,
    .test_sets = mac_tc_test_sets,
    .shape = mac_tc_shape,
    .create = mac_tc_create,
    .destroy = mac_tc_destroy,
    .stimulus = mac_tc_stimulus,
    .step = mac_tc_step,
    .out_fields = mac_tc_out_fields,
    .transactions = mac_tc_transactions,
    .in_reset = mac_tc_in_reset,
    .in_fields = mac_tc_in_fields,
    .inject = mac_tc_inject,
};
