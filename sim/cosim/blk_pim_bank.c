/* blk_pim_bank.c: one HBM2 bank's PIM unit (NeuPIMs, Newton-style) as a
 * co-simulation block ("pim_bank"), both row-buffer modes.
 *
 * RTL: rtl/pim/pim_bank_cosim_top.v around pim_bank. C twin:
 * sim/pim/pim_bank.c. Parameters: pim.bank_rows, pim.bank_cols,
 * pim.row_buffers (-GPimBankRows -GPimBankCols -GPimRowBuffers, the enum by
 * index: 0 single, 1 dual).
 *
 * in_i (LSB first; RB = log2 rows, CB = log2 cols): cmd[4], row[RB],
 * col[CB], data[256] (16 binary16, lane i at 16i). out_o (LSB first): err,
 * nopen, nrow[RB], popen, prow[RB], rd_valid, rdata[256], v1,
 * prod[16][32], v2, sum[32], acc[32], res_valid, res[32], gbuf[cols][256],
 * bank[rows][cols][256]: every register and the whole storage, bit for bit.
 *
 * Stimulus, all from the seed: phases; the first six are directed, in this
 * order:
 *   gemv     the NeuPIMs GEMV sequence: close both rows, write every row
 *            (ACT, WR each column, PRE), GWRITE every column, then per row
 *            G_ACT, COMP each column, 2 NOPs, READRES, PIM_PRE; moderate
 *            binary16 values (|x| in 2^-5..2^6), so the results are the
 *            GEMV of the data written;
 *   rules    random row-buffer commands (ACT, PRE, G_ACT, PIM_PRE, RD, WR,
 *            COMP, READRES, GWRITE) that break the rules often (in single
 *            mode: ACT with the PIM row open and the reverse);
 *   special  the gemv sequence on binary16 specials half the time: +-0,
 *            +-65504 (max normal), subnormals +-0x0001, 0x03ff, min normal
 *            0x0400, +-1, and per phase either none, or also +-inf, or also
 *            +-inf and NaNs (quiet, signalling, negative), so that finite,
 *            infinite and NaN results all occur;
 *   cancel   the gemv sequence with lanes whose products cancel: lane 2i+1
 *            (or i+8) of a bank column is lane 2i (i) negated and the global
 *            buffer repeats its value there, so a tree level sums p + (-p);
 *   mixed    the gemv sequence with normal commands (ACT/RD/WR/PRE of
 *            other rows) between the COMPs: the dual row buffer's case,
 *            flagged in single mode;
 *   reset    random commands, resets in 1 cycle of 24.
 * Then random phases of 64..319 cycles (uniform opcodes 0..15 including the
 * undefined ones, random rows, columns and data bits; 1 in 8192 a reset) and
 * the directed kinds again, picked at random. NOP and every other command
 * carry random rows, columns and data, so decode enables are checked. A
 * transaction is a command carried out (not NOP, not flagged).
 * Test hook (--inject-bug acc): the twin's accumulator takes a flipped bit
 * 0 whenever it accumulates a COMP.
 * Leaves out: the `workload` hook (INT8-MAC steady workloads for coda energy;
 * the bank computes FP16).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../pim/pim_bank.h"
#include "cosim.h"

enum { BUG_NONE, BUG_ACC };

enum {
  PH_GEMV, PH_RULES, PH_SPECIAL, PH_CANCEL, PH_MIXED, PH_RESET, /* directed */
  PH_RANDOM,
  PH_DIRECTED = PH_RANDOM
};

enum { DATA_MODERATE, DATA_SPECIAL, DATA_CANCEL, DATA_RANDOM };

typedef struct script_cmd {
  uint8_t cmd;
  uint8_t row, col;
} script_cmd_t;

typedef struct blk_pim_bank {
  pim_bank_t t;            /* the C twin */
  uint32_t in_bits, out_bits, rb, cb;
  uint64_t rng;            /* splitmix64 state, from the seed */
  uint32_t phases, kind;   /* phases started, the current one's PH_* */
  uint64_t phase_end;      /* random phases: first cycle of the next */
  script_cmd_t *q;         /* scripted phases: the command sequence */
  uint32_t qlen, qpos, qcap;
  uint32_t specials;       /* special data: 0 finite only, 1 with infinities, 2 with NaNs too */
  int rst, bug;
  uint16_t data[PIM_BANK_LANES]; /* one cycle's data, unpacked by step() */
} blk_pim_bank_t;

static void geometry(const pim_bank_cfg_t *c, uint32_t *rb, uint32_t *cb, uint32_t *in_bits, uint32_t *out_bits) {
  *rb = pim_bank_row_bits(c);
  *cb = pim_bank_col_bits(c);
  *in_bits = PIM_BANK_CMD_BITS + *rb + *cb + PIM_BANK_COL_BITS;
  *out_bits = 2 * *rb + 4 + PIM_BANK_COL_BITS + 1 + PIM_BANK_LANES * 32 + 1 + 32 + 32 + 1 + 32 +
              c->cols * PIM_BANK_COL_BITS + c->rows * c->cols * PIM_BANK_COL_BITS;
}

static int pim_bank_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err) {
  pim_bank_cfg_t c = pim_bank_cfg_of(cfg);
  coda_err_t e = {0};
  int rc = pim_bank_check(&c, &e);
  if (rc) return coda_errf(err, rc, "pim_bank: %s (rtl/pim supports what the C twin does)", e.msg);
  uint32_t rb, cb;
  geometry(&c, &rb, &cb, in_bits, out_bits);
  return CODA_OK;
}

static void pim_bank_destroy(void *p) {
  blk_pim_bank_t *b = p;
  if (b) free(b->q);
  free(b);
}

static void *pim_bank_create(const arch_cfg_t *cfg, uint64_t seed) {
  pim_bank_cfg_t c = pim_bank_cfg_of(cfg);
  coda_err_t err;
  blk_pim_bank_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (pim_bank_init(&b->t, &c, &err)) {
    free(b);
    return NULL;
  }
  geometry(&c, &b->rb, &b->cb, &b->in_bits, &b->out_bits);
  /* the longest script: writes R (C + 2), GWRITE C, GEMV R (C + 5), plus one
   * interleaved command per COMP and gap NOPs (at most one per command) */
  b->qcap = 2 * (c.rows * (c.cols + 2) + c.cols + 2 * c.rows * (c.cols + 5)) + 8;
  b->q = malloc(b->qcap * sizeof *b->q);
  if (!b->q) {
    free(b);
    return NULL;
  }
  b->rng = seed ^ 0x70696d5f62616e6bull; /* "pim_bank" */
  return b;
}

static void push(blk_pim_bank_t *b, uint32_t cmd, uint32_t row, uint32_t col) {
  if (b->qlen >= b->qcap) return; /* the capacity covers every script (see create) */
  if ((coda_rnd(&b->rng) & 7) == 0) b->q[b->qlen++] = (script_cmd_t){PIM_BANK_CMD_NOP, 0, 0};
  if (b->qlen < b->qcap) b->q[b->qlen++] = (script_cmd_t){(uint8_t)cmd, (uint8_t)row, (uint8_t)col};
}

/* The GEMV sequence of the file header; mixed: normal commands between COMPs. */
static void script_gemv(blk_pim_bank_t *b, int mixed) {
  const uint32_t R = b->t.cfg.rows, C = b->t.cfg.cols;
  b->qlen = b->qpos = 0;
  push(b, PIM_BANK_CMD_PRE, 0, 0);
  push(b, PIM_BANK_CMD_PIM_PRE, 0, 0);
  for (uint32_t r = 0; r < R; r++) {
    push(b, PIM_BANK_CMD_ACT, r, 0);
    for (uint32_t c = 0; c < C; c++) push(b, PIM_BANK_CMD_WR, 0, c);
    push(b, PIM_BANK_CMD_PRE, 0, 0);
  }
  for (uint32_t c = 0; c < C; c++) push(b, PIM_BANK_CMD_GWRITE, 0, c);
  static const uint8_t normal[] = {PIM_BANK_CMD_ACT, PIM_BANK_CMD_RD, PIM_BANK_CMD_WR, PIM_BANK_CMD_PRE};
  for (uint32_t r = 0; r < R; r++) {
    push(b, PIM_BANK_CMD_G_ACT, r, 0);
    for (uint32_t c = 0; c < C; c++) {
      push(b, PIM_BANK_CMD_COMP, 0, c);
      if (mixed) {
        uint64_t x = coda_rnd(&b->rng);
        push(b, normal[x % 4], (uint32_t)(x >> 8) % R, (uint32_t)(x >> 16) % C);
      }
    }
    push(b, PIM_BANK_CMD_NOP, 0, 0);
    push(b, PIM_BANK_CMD_NOP, 0, 0);
    push(b, PIM_BANK_CMD_READRES, 0, 0);
    push(b, PIM_BANK_CMD_PIM_PRE, 0, 0);
  }
}

static void next_phase(blk_pim_bank_t *b, uint64_t cycle) {
  if (b->phases < PH_DIRECTED) b->kind = b->phases;
  else {
    uint64_t r = coda_rnd(&b->rng) % 12;
    b->kind = r < PH_DIRECTED ? (uint32_t)r : PH_RANDOM;
  }
  b->phases++;
  b->qlen = b->qpos = 0;
  b->phase_end = cycle + 64 + coda_rnd(&b->rng) % 256;
  b->specials = (uint32_t)(coda_rnd(&b->rng) % 3);
  switch (b->kind) {
    case PH_GEMV: case PH_SPECIAL: case PH_CANCEL: script_gemv(b, 0); break;
    case PH_MIXED: script_gemv(b, 1); break;
    default: break;
  }
}

static int scripted(uint32_t kind) {
  return kind == PH_GEMV || kind == PH_SPECIAL || kind == PH_CANCEL || kind == PH_MIXED;
}

/* A moderate binary16 value: random sign and fraction, exponent 10..21. */
static uint16_t moderate(uint64_t r) {
  return (uint16_t)((r & 0x83ffu) | (uint16_t)((10 + (r >> 16) % 12) << 10));
}

static void gen_data(blk_pim_bank_t *b, int style, uint32_t cmd) {
  /* ordered so that a prefix leaves out the NaNs, a shorter one the infinities */
  static const uint16_t special[] = {0x0000, 0x8000, 0x7bff, 0xfbff, 0x0001, 0x8001, 0x03ff, 0x0400,
                                     0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe00};
  static const uint32_t prefix[3] = {10, 12, 15}; /* finite, + infinities, + NaNs */
  for (int i = 0; i < PIM_BANK_LANES; i++) {
    uint64_t r = coda_rnd(&b->rng);
    switch (style) {
      case DATA_SPECIAL:
        b->data[i] = (r >> 40) & 1 ? special[(r >> 44) % prefix[b->specials]] : moderate(r);
        break;
      case DATA_RANDOM: b->data[i] = (uint16_t)r; break;
      default: b->data[i] = moderate(r);
    }
  }
  if (style == DATA_CANCEL) { /* bank: lane j negates lane i; global buffer: repeats it */
    const int halves = coda_rnd(&b->rng) & 1; /* pairs (2i, 2i+1) or (i, i+8) */
    const uint16_t neg = cmd == PIM_BANK_CMD_WR ? 0x8000 : 0;
    for (int i = 0; i < PIM_BANK_LANES / 2; i++) {
      const int a = halves ? i : 2 * i, j = halves ? i + 8 : 2 * i + 1;
      b->data[j] = b->data[a] ^ neg;
    }
  }
}

static void pim_bank_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_pim_bank_t *b = p;
  const pim_bank_cfg_t *c = &b->t.cfg;
  if (b->phases == 0 || (scripted(b->kind) ? b->qpos >= b->qlen : cycle >= b->phase_end)) next_phase(b, cycle);
  const uint64_t r = coda_rnd(&b->rng);
  b->rst = b->kind == PH_RESET ? (r >> 32) % 24 == 0 : (b->kind == PH_RANDOM && (r >> 32) % 8192 == 0);
  uint32_t cmd, row = (uint32_t)(r >> 4) % c->rows, col = (uint32_t)(r >> 12) % c->cols;
  int style = DATA_RANDOM;
  if (scripted(b->kind)) {
    const script_cmd_t *s = &b->q[b->qpos++];
    cmd = s->cmd;
    if (cmd == PIM_BANK_CMD_ACT || cmd == PIM_BANK_CMD_G_ACT) row = s->row;
    if (cmd != PIM_BANK_CMD_NOP) col = s->col;
    style = b->kind == PH_SPECIAL ? DATA_SPECIAL : b->kind == PH_CANCEL ? DATA_CANCEL : DATA_MODERATE;
  } else if (b->kind == PH_RANDOM && (r & 3) == 0) {
    cmd = (uint32_t)(r >> 20) & 0xfu; /* every opcode, the undefined ones too */
  } else {
    static const uint8_t rules[] = {PIM_BANK_CMD_ACT, PIM_BANK_CMD_PRE,  PIM_BANK_CMD_G_ACT,  PIM_BANK_CMD_PIM_PRE,
                                    PIM_BANK_CMD_RD,  PIM_BANK_CMD_WR,   PIM_BANK_CMD_COMP,   PIM_BANK_CMD_COMP,
                                    PIM_BANK_CMD_RD,  PIM_BANK_CMD_WR,   PIM_BANK_CMD_GWRITE, PIM_BANK_CMD_READRES,
                                    PIM_BANK_CMD_NOP, PIM_BANK_CMD_COMP, PIM_BANK_CMD_ACT,    PIM_BANK_CMD_G_ACT};
    cmd = rules[(r >> 20) % sizeof rules];
    style = (r >> 24) & 1 ? DATA_MODERATE : (r >> 25) & 1 ? DATA_SPECIAL : DATA_RANDOM;
  }
  gen_data(b, style, cmd);
  memset(in, 0, (b->in_bits + 63) / 64 * sizeof *in);
  cosim_put(in, 0, PIM_BANK_CMD_BITS, cmd);
  cosim_put(in, PIM_BANK_CMD_BITS, b->rb, row);
  cosim_put(in, PIM_BANK_CMD_BITS + b->rb, b->cb, col);
  uint32_t at = PIM_BANK_CMD_BITS + b->rb + b->cb;
  for (int i = 0; i < PIM_BANK_LANES; i++, at += 16) cosim_put(in, at, 16, b->data[i]);
}

static void pim_bank_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_pim_bank_t *b = p;
  const pim_bank_cfg_t *c = &b->t.cfg;
  pim_bank_in_t ti;
  ti.cmd = (uint8_t)cosim_get(in, 0, PIM_BANK_CMD_BITS);
  ti.row = (uint32_t)cosim_get(in, PIM_BANK_CMD_BITS, b->rb);
  ti.col = (uint32_t)cosim_get(in, PIM_BANK_CMD_BITS + b->rb, b->cb);
  uint32_t at = PIM_BANK_CMD_BITS + b->rb + b->cb;
  for (int i = 0; i < PIM_BANK_LANES; i++, at += 16) ti.data[i] = (uint16_t)cosim_get(in, at, 16);
  if (b->rst) pim_bank_reset(&b->t);
  else {
    pim_bank_eval(&b->t, &ti);
    if (b->bug == BUG_ACC && b->t.cur.v2) b->t.nxt.acc ^= 1u; /* test hook: a wrong accumulate */
    pim_bank_commit(&b->t);
  }
  const pim_bank_regs_t *r = pim_bank_regs(&b->t);
  memset(out, 0, (b->out_bits + 63) / 64 * sizeof *out);
  at = 0;
  cosim_put(out, at++, 1, r->err);
  cosim_put(out, at++, 1, r->nopen);
  cosim_put(out, at, b->rb, r->nrow), at += b->rb;
  cosim_put(out, at++, 1, r->popen);
  cosim_put(out, at, b->rb, r->prow), at += b->rb;
  cosim_put(out, at++, 1, r->rd_valid);
  for (int i = 0; i < PIM_BANK_LANES; i++, at += 16) cosim_put(out, at, 16, r->rdata[i]);
  cosim_put(out, at++, 1, r->v1);
  for (int i = 0; i < PIM_BANK_LANES; i++, at += 32) cosim_put(out, at, 32, r->prod[i]);
  cosim_put(out, at++, 1, r->v2);
  cosim_put(out, at, 32, r->sum), at += 32;
  cosim_put(out, at, 32, r->acc), at += 32;
  cosim_put(out, at++, 1, r->res_valid);
  cosim_put(out, at, 32, r->res), at += 32;
  const uint32_t n16 = (c->cols + c->rows * c->cols) * PIM_BANK_LANES;
  for (uint32_t i = 0; i < n16; i++, at += 16)
    cosim_put(out, at, 16, i < c->cols * PIM_BANK_LANES ? b->t.gbuf[i] : b->t.bank[i - c->cols * PIM_BANK_LANES]);
}

#define FIELD(w, ...) (n = cosim_field(f, n, max, at, (w), __VA_ARGS__), at += (w))

static int pim_bank_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_pim_bank_t *b = p;
  const pim_bank_cfg_t *c = &b->t.cfg;
  int n = 0;
  uint32_t at = 0;
  FIELD(1, "err");
  FIELD(1, "nopen");
  FIELD(b->rb, "nrow");
  FIELD(1, "popen");
  FIELD(b->rb, "prow");
  FIELD(1, "rd_valid");
  FIELD(PIM_BANK_COL_BITS, "rdata");
  FIELD(1, "s1.v1");
  for (int i = 0; i < PIM_BANK_LANES; i++) FIELD(32, "s1.prod[%d]", i);
  FIELD(1, "s2.v2");
  FIELD(32, "s2.sum");
  FIELD(32, "acc");
  FIELD(1, "res_valid");
  FIELD(32, "res");
  for (uint32_t j = 0; j < c->cols; j++) FIELD(PIM_BANK_COL_BITS, "gbuf[%u]", j);
  for (uint32_t i = 0; i < c->rows; i++)
    for (uint32_t j = 0; j < c->cols; j++) FIELD(PIM_BANK_COL_BITS, "bank[%u][%u]", i, j);
  return n < max ? n : max;
}

static int pim_bank_in_fields(const void *p, cosim_field_t *f, int max) {
  const blk_pim_bank_t *b = p;
  int n = 0;
  uint32_t at = 0;
  FIELD(PIM_BANK_CMD_BITS, "cmd");
  FIELD(b->rb, "row");
  FIELD(b->cb, "col");
  FIELD(PIM_BANK_COL_BITS, "data");
  return n < max ? n : max;
}
#undef FIELD

static int pim_bank_in_reset(const void *p) { return ((const blk_pim_bank_t *)p)->rst; }

static int pim_bank_inject(void *p, const char *bug) {
  blk_pim_bank_t *b = p;
  if (strcmp(bug, "acc")) return -1;
  b->bug = BUG_ACC;
  return 0;
}

static uint64_t pim_bank_transactions(const void *p) { return ((const blk_pim_bank_t *)p)->t.st.accepted; }

static const char *const pim_bank_rtl_files[] = {"rtl/pim/pim_bank_cosim_top.v", "rtl/pim/pim_bank.v",
                                                 "rtl/pim/pim_bank_array.v",     "rtl/pim/pim_fp16_mul.v",
                                                 "rtl/pim/pim_fp32_add.v",       NULL};
static const char *const pim_bank_params[] = {"pim.bank_rows", "pim.bank_cols", "pim.row_buffers", NULL};
static const char *const pim_bank_test_sets[] = {
    "--set pim.bank_rows=8 --set pim.bank_cols=8 --set pim.row_buffers=dual",
    "--set pim.bank_rows=8 --set pim.bank_cols=8 --set pim.row_buffers=single",
    NULL};

const cosim_block_t cosim_block_pim_bank = {
    .name = "pim_bank",
    .doc = "NeuPIMs/Newton PIM bank unit: command decode, normal + PIM row buffers (pim.row_buffers "
           "single|dual), rows x cols x 16 FP16 storage, global buffer, 16 FP16 multipliers, FP32 adder "
           "tree + accumulator",
    .rtl_top = "pim_bank_cosim_top",
    .rtl_files = pim_bank_rtl_files,
    .params = pim_bank_params,
    .test_sets = pim_bank_test_sets,
    .shape = pim_bank_shape,
    .create = pim_bank_create,
    .destroy = pim_bank_destroy,
    .stimulus = pim_bank_stimulus,
    .step = pim_bank_step,
    .out_fields = pim_bank_out_fields,
    .transactions = pim_bank_transactions,
    .in_reset = pim_bank_in_reset,
    .in_fields = pim_bank_in_fields,
    .inject = pim_bank_inject,
};
