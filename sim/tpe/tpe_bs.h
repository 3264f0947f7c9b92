/* tpe_bs.h: cycle-level model of the bit-slice array of the HPCA'25
 * bit-weight paper (REFERENCES.md "Bit-weight-transformed MAC engines",
 * OPT3 and OPT4C), one clock at a time, register for register like its RTL.
 *
 * An R x C array (tpe.bs_rows x tpe.bs_cols) of sparse-digit bit-serial PEs
 * computes INT8 x INT8 -> INT32 dot products over K = 4G (G groups of 4
 * consecutive k values). Column c owns one A stream (activation row m = c);
 * its R PEs share it and run in lockstep; PE (r, c) computes
 *   res[r][c] = sum_k A[c][k] * B[r][k]      (INT32, wrapping)
 * where the B row r is broadcast to every column.
 *
 * Digit-weight schedule (bit weight before K): a block is four passes, digit
 * weight bw = 0, 1, 2, 3 in that order; each pass streams the block's G
 * groups in order. One input beat = one (group, bw): the 4 A values of every
 * column, the 4 B values of every row, bw, first (g == 0: the pass starts,
 * the PEs clear sum/carry), last (g == G-1: the pass ends). Within a pass
 * a PE accumulates sum_k d[k][bw] * B[k] in carry-save form (26-bit sum and
 * carry registers, one 3:2 compressor, the +1 of a negative digit enters
 * the free carry LSB); outside the PE, the cycle after a pass ended, the
 * shift/add unit does res = (bw == 0 ? 0 : res) + (sum + carry) << 2bw.
 * The pass sums are exact for K < 2^17 (|d B| <= 256, 26 bits signed).
 *
 * Per column, the encoder (tpe_enc.h, MBE or EN-T: tpe.encoding) digits the
 * 4 A values of the FIFO head at its weight bw; the sparse encoder issues the
 * non-zero digits lowest k first, one per cycle, the k index selecting B[k]
 * of every row; a group with no non-zero digit still takes one cycle (it
 * issues nothing; a first group still clears). So a column spends
 * max(1, nnz) cycles on a (group, bw), nnz = non-zero digits among the 4
 * same-weight digits. Its state: rem (the digits still to issue, 4 bits)
 * and busy (rem is live; else the head is fresh).
 *
 * Input side and drift: each column has a FIFO of tpe.bs_depth beats
 * (entry 0 is the head; a pop shifts the entries down, the top entry keeps
 * its value; a push writes entry count - pop). ready = every column's
 * count < depth (from registers only); a beat is taken when valid && ready
 * and pushed to every column in the same clock, so columns drift apart by up
 * to depth beats.
 * Synchronisation rule: a column that pops the last beat of a block (last
 * && bw == 3) sets wait and takes no further beats; in a cycle where every
 * column waits, all waits clear and done is 1 in the next cycle. By then
 * every PE's res holds the block's result (the last shift/add happens in
 * the cycle after the pop, no later than the sync cycle), and it stays
 * until the next block's bw = 0 pass ends.
 * Timing: a beat taken in cycle t is first processed in cycle t + 1. With
 * the FIFOs never empty, a block takes max over columns of
 *   sum over its 4G (group, bw) beats of max(1, nnz)
 * cycles, plus 1 (the sync cycle) between done pulses.
 *
 * tpe.bs_variant opt3 (encoder + sparse encoder in every PE) and opt4c (one
 * per column, shared) differ in the RTL only; both run this same schedule.
 * Leaves out: the operand buffers that replay the block four times, the
 * result read-out.
 * RTL twin: rtl/tpe/tpe_bs_core.v (tpe_bs_col, tpe_bs_senc, tpe_bs_pe; the
 * digit encoder rtl/tpe/tpe_tree_enc.v), co-simulated through
 * rtl/tpe/tpe_bs_cosim_top.v as block "tpe_bs" (sim/cosim/blk_tpe_bs.c).
 * Constants: R, C, depth, variant, encoding from the arch config (params.def
 * section tpe); INT8 operands and INT32 results from issue 5; 26-bit
 * sum/carry registers from the paper's PE.
 */
#ifndef CODA_TPE_BS_H
#define CODA_TPE_BS_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"
#include "tpe_enc.h"

#define TPE_BS_MAX_R 16     /* params.def tpe.bs_rows upper bound */
#define TPE_BS_MAX_C 16     /* params.def tpe.bs_cols upper bound */
#define TPE_BS_MAX_DEPTH 64 /* params.def tpe.bs_depth upper bound */
#define TPE_BS_G 4          /* k values per group */
#define TPE_BS_SC_BITS 26   /* PE sum/carry registers */
#define TPE_BS_ACC_BITS 32  /* INT32 results */

typedef enum {
  TPE_BS_OPT3 = 0, /* params.def tpe.bs_variant "opt3" */
  TPE_BS_OPT4C = 1 /* "opt4c" */
} tpe_bs_variant_e;

typedef struct tpe_bs_cfg {
  uint32_t rows, cols, depth;
  tpe_bs_variant_e variant;
  tpe_enc_e enc;
} tpe_bs_cfg_t;

/* One beat: one group of 4 k values at one digit weight. */
typedef struct tpe_bs_beat {
  uint8_t first, last, bw;
  int8_t a[TPE_BS_MAX_C][TPE_BS_G]; /* a[c][j]: A[c][4g + j] */
  int8_t b[TPE_BS_MAX_R][TPE_BS_G]; /* b[r][j]: B[r][4g + j] */
} tpe_bs_beat_t;

typedef struct tpe_bs_in {
  uint8_t valid;
  const tpe_bs_beat_t *beat;
} tpe_bs_in_t;

typedef struct tpe_bs_col_regs {
  tpe_bs_beat_t fifo[TPE_BS_MAX_DEPTH]; /* only a[c] and b[..] of this column are kept */
  uint8_t count;                        /* entries held */
  uint8_t rem;                          /* digits still to issue (bit j: k = 4g + j) */
  uint8_t busy;                         /* rem is live */
  uint8_t fin;                          /* a pass ended last cycle: shift/add now */
  uint8_t fin_bw;                       /* its digit weight */
  uint8_t wait;                         /* finished its block, waiting for the others */
} tpe_bs_col_regs_t;

/* The registered state: exactly the RTL's flip-flops. */
typedef struct tpe_bs_regs {
  tpe_bs_col_regs_t col[TPE_BS_MAX_C];
  uint32_t sum[TPE_BS_MAX_R][TPE_BS_MAX_C];   /* 26 bits */
  uint32_t carry[TPE_BS_MAX_R][TPE_BS_MAX_C]; /* 26 bits */
  uint32_t res[TPE_BS_MAX_R][TPE_BS_MAX_C];   /* shift/add result, 32 bits */
  uint8_t done;
} tpe_bs_regs_t;

typedef struct tpe_bs_stats {
  uint64_t cycles, beats, blocks;
  uint64_t busy[TPE_BS_MAX_C]; /* cycles each column worked on a beat */
} tpe_bs_stats_t;

typedef struct tpe_bs {
  tpe_bs_cfg_t cfg;
  tpe_bs_regs_t reg[2];
  int cur;
  tpe_bs_stats_t st;
} tpe_bs_t;

tpe_bs_cfg_t tpe_bs_cfg_of(const arch_cfg_t *arch);
int tpe_bs_check(const tpe_bs_cfg_t *cfg, coda_err_t *err);
const char *tpe_bs_variant_name(tpe_bs_variant_e v);

/* Heap-free: t is caller storage (large: use calloc). */
int tpe_bs_init(tpe_bs_t *t, const tpe_bs_cfg_t *cfg, coda_err_t *err);
void tpe_bs_reset(tpe_bs_t *t);
/* ready: a beat presented now is taken (from registers only). */
int tpe_bs_ready(const tpe_bs_t *t);
void tpe_bs_eval(tpe_bs_t *t, const tpe_bs_in_t *in);
void tpe_bs_commit(tpe_bs_t *t);
static inline const tpe_bs_regs_t *tpe_bs_regs(const tpe_bs_t *t) { return &t->reg[t->cur]; }

/* The non-zero digit mask of 4 A values at weight bw (bit j: a[j]). */
unsigned tpe_bs_nzmask(tpe_enc_e e, const int8_t a[TPE_BS_G], unsigned bw);

#endif
