/* lut_array.h: cycle-level twin of the LUT Tensor Core's M x N lookup array
 * (INT datapath).
 *
 * Models: the array of LUT TC §3.3 register for register. Each cycle the
 * array may take one step: the M rows' symmetrized tables of the current
 * K-group (2^(K-1) entries each, LUT TC §3.2.1), the N K-bit weight fields
 * of one bit-plane b (sign bit K-1, index bits 0..K-2, docs/machine.md "LUT
 * layout") and the control bits valid/first/last. With P =
 * core.pipeline_cycles register stages in front of the accumulators:
 *
 *   step --> [stage 1: tables, fields, b] --> M*N lookups --> [stage 2: terms]
 *            table storage + broadcast        idx mux, sign     lookup outputs
 *                                             select, << b
 *        --> [stage 3..P: terms] --> M*N accumulators: acc = (first ? 0 : acc) + term
 *            delay registers
 *
 * P = 1 has only the table registers (the lookups feed the adders
 * directly); P = 0 has no stage (the step reaches the accumulators in its own
 * cycle). Data registers load only when the step they receive is valid (a
 * stall, valid = 0, holds them); the control bits move every cycle. `done`
 * is 1 in the cycle after a block's `last` step was accumulated, while the
 * accumulators hold the finished block. So a step presented in cycle t is in
 * the accumulators after the clock of cycle t + P: an LMMA of S steps takes
 * S + P cycles (docs/machine.md timing).
 * Widths: entries entry_w bits; a term entry_w + 1 + 3 (negation, shift by
 * b <= 3), exact; accumulators acc_w bits, wrapping like a register.
 * Leaves out: the row sums, the zero-point epilogue and CBUF (done outside
 * the array, in sim/lut/lut_core.c), the FP datapath.
 * RTL twin: rtl/lut_tc/lut_tc_array.v (with lut_tc_table.v, lut_tc_lookup.v,
 * lut_tc_acc.v); co-simulated through lut_tc_cosim_top.v, block "lut_tc",
 * sim/cosim/blk_lut_tc.c.
 * Constants: widths from docs/machine.md (INT8 tables int16, INT16 tables
 * int32; accumulators INT32/INT64); the plane index width from the ISA's
 * wbits range (isa/coda.isa); M, N, K, P from params.def.
 */
#ifndef CODA_LUT_ARRAY_H
#define CODA_LUT_ARRAY_H

#include <stdint.h>

#include "../core/status.h"

/* Bits of the plane index b (planes 0..3 for W <= ISA_F_WBITS_MAX = 4);
 * the RTL's PlaneW. */
#define LUT_ARRAY_PLANE_W 2u

#define LUT_ARRAY_CTRL_VALID 1u /* bits of a stage's control register */
#define LUT_ARRAY_CTRL_FIRST 2u
#define LUT_ARRAY_CTRL_LAST 4u
#define LUT_ARRAY_MAX_PIPE 64u  /* params.def's core.pipeline_cycles range */

typedef struct lut_array_cfg {
  uint32_t m, n, k;      /* array rows, columns, activations per group (core.m/n/k) */
  uint32_t pipe;         /* register stages before the accumulators (core.pipeline_cycles) */
  uint32_t entry_w;      /* table entry bits (two's complement) */
  uint32_t acc_w;        /* accumulator bits (wraps) */
  uint32_t flip_sign;    /* test hook: invert the sign select (co-simulation must catch it) */
} lut_array_cfg_t;

/* The inputs of one cycle. */
typedef struct lut_array_in {
  uint32_t valid;        /* 0: operand stall, every data register holds */
  uint32_t first;        /* this step starts an output block (accumulate from 0) */
  uint32_t last;         /* this step ends an output block */
  uint32_t plane;        /* bit-plane b, 0..2^LUT_ARRAY_PLANE_W-1 */
  const int64_t *tbl;    /* [m][E] table entries (low entry_w bits are used) */
  const uint32_t *fld;   /* [n] K-bit weight fields (low k bits are used) */
} lut_array_in_t;

/* Registered state: exactly the RTL's flip-flops, compared in cosim. Entries
 * are kept sign-extended from entry_w, terms exact, accumulators
 * sign-extended from acc_w. */
typedef struct lut_array_regs {
  uint8_t *ctrl;         /* [pipe] control of stage s at s-1: LUT_ARRAY_CTRL_* bits */
  uint32_t plane;        /* stage 1 plane index (pipe >= 1) */
  int64_t *tbl;          /* [m][E] stage 1 table storage (pipe >= 1) */
  uint32_t *fld;         /* [n] stage 1 weight fields (pipe >= 1) */
  int64_t *term;         /* [pipe-1][m][n] terms of stages 2..pipe (pipe >= 2) */
  int64_t *acc;          /* [m][n] accumulators */
  uint32_t done;         /* acc holds a finished block this cycle */
} lut_array_regs_t;

/* Model-only bookkeeping, never compared. */
typedef struct lut_array_stats {
  uint64_t cycles;       /* clocks */
  uint64_t steps;        /* valid steps taken */
  uint64_t blocks;       /* output blocks finished (done pulses) */
} lut_array_stats_t;

typedef struct lut_array {
  lut_array_cfg_t cfg;   /* shape, checked by lut_array_check */
  uint32_t e;            /* entries per table, 2^(k-1) */
  lut_array_regs_t reg[2]; /* current and next registered state */
  int cur;               /* reg[cur] is current, reg[cur ^ 1] next */
  int64_t *tmp;          /* [m][n] scratch: the terms entering the accumulators (pipe <= 1) */
  int64_t *w_tbl;        /* [m][E] scratch: the step's tables (pipe 0) */
  uint32_t *w_fld;       /* [n] scratch: the step's fields (pipe 0) */
  lut_array_stats_t st;  /* bookkeeping */
} lut_array_t;

/* Checks the shape against what the array (and its RTL) supports: M, N >= 1,
 * K 1..8, pipe 0..64, entry_w 2..32, acc_w 2..64. */
int lut_array_check(const lut_array_cfg_t *cfg, coda_err_t *err);
/* Validates cfg and allocates the array in its reset state (all registers
 * 0). Returns CODA_OK, CODA_EINVAL or CODA_ENOMEM with err set. */
int lut_array_init(lut_array_t *a, const lut_array_cfg_t *cfg, coda_err_t *err);
void lut_array_free(lut_array_t *a);
/* Back to the reset state (rst_ni low); statistics are kept. */
void lut_array_reset(lut_array_t *a);
/* Computes the next state from the current one and the inputs. */
void lut_array_eval(lut_array_t *a, const lut_array_in_t *in);
/* Latches the next state (the clock edge). */
void lut_array_commit(lut_array_t *a);
/* eval + commit. */
void lut_array_step(lut_array_t *a, const lut_array_in_t *in);
/* The current registered state. */
static inline const lut_array_regs_t *lut_array_regs(const lut_array_t *a) { return &a->reg[a->cur]; }

/* Sign-extends the low w bits of v (1 <= w <= 64). */
static inline int64_t lut_sext(uint64_t v, uint32_t w) {
  if (w >= 64) return (int64_t)v;
  uint64_t m = (uint64_t)1 << (w - 1);
  v &= ((uint64_t)1 << w) - 1;
  return (int64_t)((v ^ m) - m);
}

/* Width of a registered term: entry_w + 1 (negation) + the largest shift. */
static inline uint32_t lut_array_term_w(const lut_array_cfg_t *c) {
  return c->entry_w + 1 + ((1u << LUT_ARRAY_PLANE_W) - 1);
}

#endif
