/* lut_precompute.h: cycle-level twin of the LUT Tensor Core's table-
 * precompute unit (INT datapath).
 *
 * Models: L lanes (tpre.tables_per_cycle); each cycle each lane takes the K
 * activations of one group and produces its symmetrized table of 2^(K-1)
 * entries, T[i] = a_{K-1} + sum_{j<K-1} (bit j of i ? +a_j : -a_j)
 * (LUT TC §3.2.1, docs/machine.md "Tables"), into a register (loaded only
 * on valid; valid itself always). The RTL builds T[0] with one adder tree and
 * every other entry from a neighbour, T[i] = T[i - 2^h] + 2 a_h (h the
 * highest set bit of i): the same integers.
 * Leaves out: the element-wise op that may precede it (its numerics are not
 * modelled, docs/machine.md), ABUF/TBUF addressing (sim/lut/lut_core.c).
 * RTL twin: rtl/lut_tc/lut_tc_precompute.v; co-simulated by
 * sim/cosim/blk_lut_tc.c.
 * Constants: entry widths from docs/machine.md (INT8 -> int16, INT16 ->
 * int32); K and the lane count from params.def.
 */
#ifndef CODA_LUT_PRECOMPUTE_H
#define CODA_LUT_PRECOMPUTE_H

#include <stdint.h>

#include "../core/status.h"

typedef struct lut_pre_cfg {
  uint32_t lanes;        /* tables per cycle (tpre.tables_per_cycle) */
  uint32_t k;            /* activations per group (core.k) */
  uint32_t act_w;        /* activation bits (two's complement) */
  uint32_t entry_w;      /* table entry bits (wraps) */
} lut_pre_cfg_t;

typedef struct lut_pre_in {
  uint32_t valid;        /* 0: the lanes hold */
  const int64_t *act;    /* [lanes][k] activations (low act_w bits are used) */
} lut_pre_in_t;

/* Registered state: exactly the RTL's flip-flops, compared in cosim. */
typedef struct lut_pre_regs {
  uint32_t valid;        /* tbl was loaded by the previous cycle's valid input */
  int64_t *tbl;          /* [lanes][E] tables, sign-extended from entry_w */
} lut_pre_regs_t;

typedef struct lut_pre {
  lut_pre_cfg_t cfg;     /* shape, checked by lut_pre_check */
  uint32_t e;            /* entries per table, 2^(k-1) */
  lut_pre_regs_t reg[2]; /* current and next registered state */
  int cur;               /* reg[cur] is current */
  uint64_t tables;       /* bookkeeping, not compared: tables built */
} lut_pre_t;

/* Checks k 1..8, lanes >= 1, act_w 2..32, entry_w 2..32. */
int lut_pre_check(const lut_pre_cfg_t *cfg, coda_err_t *err);
/* Validates cfg and allocates the unit in its reset state. */
int lut_pre_init(lut_pre_t *p, const lut_pre_cfg_t *cfg, coda_err_t *err);
void lut_pre_free(lut_pre_t *p);
/* Back to the reset state (rst_ni low). */
void lut_pre_reset(lut_pre_t *p);
void lut_pre_eval(lut_pre_t *p, const lut_pre_in_t *in);
void lut_pre_commit(lut_pre_t *p);
void lut_pre_step(lut_pre_t *p, const lut_pre_in_t *in);
/* The current registered state. */
static inline const lut_pre_regs_t *lut_pre_regs(const lut_pre_t *p) { return &p->reg[p->cur]; }

#endif
