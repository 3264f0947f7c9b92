/* tpe_tree.h: cycle-level model of the multiplier-adder tree tensor
 * processing engine of the HPCA'25 bit-weight paper (REFERENCES.md
 * "Bit-weight-transformed MAC engines"): with M = 1 the Trapezoid-style
 * tree (K x N), with M > 1 the Ascend-style 3D-Cube (M x N x K, 8x8x8 in the
 * paper's artifact), in its three MAC variants, one clock at a time,
 * register for register like its RTL.
 *
 * Each cycle it may take one beat: an M x K tile of signed INT8 activations
 * a[m][k] and the K INT8 weights b[n][k] of each of N output columns. Row m
 * of A is shared by the N columns (the tree's one activation vector), and
 * the B tile is shared by the M rows (the cube's reuse of B). Output (m, n)
 * accumulates out[m][n] = sum over the beats of a block of
 * sum_k a[m][k] * b[n][k] in INT32 (wrapping). Every a[m][k] is split into
 * four radix-4 digits (tpe_enc.h, MBE or EN-T: tpe.encoding); each digit d
 * selects a partial product pp = d * b in {0, +-b, +-2b}, formed as
 * (neg ? ~m : m) with m = |d| * b (9 bits signed) plus a correction bit
 * `neg` at the digit's weight.
 *
 *   beat --> [stage 1: a_q, b_q, ctrl_q] --> variant datapath --> result regs
 *
 * tpe.variant selects the datapath (one model, one RTL, no copies); every
 * output (m, n) is one column of the Trapezoid tree on row m's activations:
 *   base  M*N*K multipliers, each with its own encoder, 4 partial products +
 *         the neg bits reduced by a carry-save tree to two 16-bit vectors, a
 *         full add (CPA) to the product; per output (m, n) the K products
 *         summed by an exact adder tree (M*N trees); acc_q = (first ? 0 :
 *         acc_q) + sum, a 32-bit CPA every cycle.
 *   opt1  carry-save accumulation: per output (m, n) the 4K partial products
 *         of a[m][.] x b[n][.] and their K neg vectors go through a narrow
 *         carry-save tree (the beat tree, tpe_tree_opt1_beat_bits(K) = 16 +
 *         clog2 K bits); its two vectors, the registers sum_q, carry_q (0 on
 *         `first`) and one constant (the bias) go through a 5 x 32
 *         carry-save tree into the next sum_q, carry_q; no CPA in the loop.
 *         The cycle after a block's last beat was taken (fin_q), one CPA per
 *         output: res_q = sum_q + carry_q. The beat tree stays narrow by the
 *         sign-extension trick: each partial product enters as 9 unsigned
 *         bits, pp + 2^8 (its sign bit inverted), at weight 4^bw, never
 *         sign-extended; the bias tpe_tree_opt1_bias(K) = -K sum_bw
 *         2^(8 + 2bw) mod 2^32 takes the 4K added 2^8 4^bw back out. Every
 *         beat-tree operand is non-negative and their total is below
 *         K * 43520 < 2^(16 + clog2 K), so no vector of the beat tree loses
 *         a bit: its sum + carry is the exact (biased) beat total,
 *         zero-extended into the 32-bit tree. Encoders: one per multiplier
 *         (M*N*K), like base.
 *   opt2  bit weight before K: one encoder per activation a[m][k] (M*K),
 *         shared along n by the N columns, and per row m the shared sum of
 *         its K neg vectors; per output (m, n) and digit weight bw, the K
 *         partial products of weight bw go through a narrow (9 + clog2 K
 *         bits) carry-save tree and a narrow add (M*N*4 narrow trees); the
 *         four sums are shifted by 2bw and added once, with row m's neg sum
 *         and acc_q, by a 6-input carry-save tree and one CPA.
 * Carry-save trees: the operands in a fixed order, reduced level by level
 * by 3:2 compressors on consecutive triples (sum at 2i, carry << 1 at
 * 2i+1, leftovers after them) until two remain, modulo 2^width; the RTL
 * (tpe_tree_csa.v) builds the same tree, so opt1's sum/carry registers
 * match bit for bit, not only their sum.
 *
 * Timing: a beat presented in cycle t is taken by stage 1 at the clock of t
 * and reaches the result registers at the clock of t + 1; `done` is 1 in the
 * cycle after a block's last beat was accumulated (base, opt2), one cycle
 * later for opt1 (its CPA cycle). Data registers load only on valid beats.
 * Leaves out: operand buffers and their ports.
 * RTL twin: rtl/tpe/tpe_tree_core.v (tpe_tree_enc, _ppgen, _csa, _mul,
 * _addtree), co-simulated through rtl/tpe/tpe_tree_cosim_top.v as block
 * "tpe_tree" (sim/cosim/blk_tpe_tree.c).
 * Constants: M, K, N, variant, encoding from the arch config (params.def
 * section tpe); INT8 operands and INT32 results from the issue (issue 5).
 */
#ifndef CODA_TPE_TREE_H
#define CODA_TPE_TREE_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"
#include "tpe_enc.h"

#define TPE_TREE_MAX_M 16     /* params.def tpe.m upper bound */
#define TPE_TREE_MAX_K 32     /* params.def tpe.k upper bound */
#define TPE_TREE_MAX_N 64     /* params.def tpe.n upper bound */
#define TPE_TREE_OP_BITS 8    /* INT8 operands */
#define TPE_TREE_ACC_BITS 32  /* INT32 results */
#define TPE_TREE_PP_BITS 9    /* one partial product (neg ? ~m : m), m = |d| * b */
#define TPE_TREE_PROD_BITS 16 /* one product a * b, signed, exact */
#define TPE_TREE_CTRL_VALID 1u
#define TPE_TREE_CTRL_FIRST 2u
#define TPE_TREE_CTRL_LAST 4u

typedef enum {
  TPE_VARIANT_BASE = 0, /* params.def tpe.variant "base" */
  TPE_VARIANT_OPT1 = 1, /* "opt1" */
  TPE_VARIANT_OPT2 = 2  /* "opt2" */
} tpe_variant_e;

typedef struct tpe_tree_cfg {
  uint32_t k;            /* products per column per beat: tpe.k */
  uint32_t n;            /* output columns: tpe.n */
  tpe_variant_e variant; /* tpe.variant */
  tpe_enc_e enc;         /* tpe.encoding */
  uint32_t m;            /* rows of A per beat, sharing the weights: tpe.m (1: the tree) */
} tpe_tree_cfg_t;

/* One cycle's inputs. */
typedef struct tpe_tree_in {
  uint8_t valid;    /* the cycle carries a beat */
  uint8_t first;    /* the beat starts an output block */
  uint8_t last;     /* the beat ends an output block */
  const int8_t *a;  /* [m][k] activations, row m at m*k, shared by the columns */
  const int8_t *b;  /* [n][k] weights, column n at n*k, shared by the rows */
} tpe_tree_in_t;

/* The registered state: exactly the RTL's flip-flops. */
typedef struct tpe_tree_regs {
  uint8_t ctrl;                                    /* stage 1: TPE_TREE_CTRL_* of the beat */
  int8_t a[TPE_TREE_MAX_M * TPE_TREE_MAX_K];       /* stage 1: a_q[m][k] at m*K+k */
  int8_t b[TPE_TREE_MAX_N * TPE_TREE_MAX_K];       /* stage 1: b_q[n][k] at n*K+k */
  uint32_t res[TPE_TREE_MAX_M * TPE_TREE_MAX_N];   /* results [m][n] at m*N+n: acc_q (base, opt2), res_q (opt1) */
  uint32_t sum[TPE_TREE_MAX_M * TPE_TREE_MAX_N];   /* opt1: carry-save sum register [m][n] */
  uint32_t carry[TPE_TREE_MAX_M * TPE_TREE_MAX_N]; /* opt1: carry-save carry register [m][n] */
  uint8_t fin;                                     /* opt1: the CPA runs this cycle */
  uint8_t done;                                    /* a block finished in the previous cycle */
} tpe_tree_regs_t;

/* Model-only bookkeeping. */
typedef struct tpe_tree_stats {
  uint64_t cycles; /* clocks */
  uint64_t beats;  /* valid beats taken */
  uint64_t blocks; /* done pulses */
} tpe_tree_stats_t;

typedef struct tpe_tree {
  tpe_tree_cfg_t cfg;      /* validated */
  tpe_tree_regs_t reg[2];  /* current and next */
  int cur;                 /* reg[cur] is current */
  tpe_tree_stats_t st;     /* bookkeeping */
} tpe_tree_t;

/* The tree of an arch config (section tpe). */
tpe_tree_cfg_t tpe_tree_cfg_of(const arch_cfg_t *arch);
/* 1 <= M <= 16, 1 <= K <= 32, 1 <= N <= 64, known variant and encoding. */
int tpe_tree_check(const tpe_tree_cfg_t *cfg, coda_err_t *err);
/* Width of opt2's narrow trees: TPE_TREE_PP_BITS + clog2(K). */
uint32_t tpe_tree_narrow_bits(uint32_t k);
/* Width of opt1's beat tree: TPE_TREE_PROD_BITS + clog2(K). */
uint32_t tpe_tree_opt1_beat_bits(uint32_t k);
/* opt1's per-beat constant: -K * sum_bw 2^(8 + 2bw) modulo 2^32 (the sign
 * bits of the 4K biased partial products, taken back out). */
uint32_t tpe_tree_opt1_bias(uint32_t k);
/* "base" / "opt1" / "opt2". */
const char *tpe_variant_name(tpe_variant_e v);

/* Validates cfg and puts the tree in its reset state. */
int tpe_tree_init(tpe_tree_t *t, const tpe_tree_cfg_t *cfg, coda_err_t *err);
/* Back to the reset state (rst_ni low); statistics are kept. */
void tpe_tree_reset(tpe_tree_t *t);
/* Next registered state from the current one and `in`. */
void tpe_tree_eval(tpe_tree_t *t, const tpe_tree_in_t *in);
/* The clock edge. */
void tpe_tree_commit(tpe_tree_t *t);
static inline const tpe_tree_regs_t *tpe_tree_regs(const tpe_tree_t *t) { return &t->reg[t->cur]; }

/* The carry-save tree of the datapath on ops[0..n) (scratch: overwritten),
 * modulo 2^width: *s + *c == sum of the operands (mod 2^width). */
void tpe_tree_csa(uint32_t *ops, uint32_t n, uint32_t width, uint32_t *s, uint32_t *c);

/* The datapath's pieces, shared by every TPE built from them (tpe_grid):
 * digit d's partial product of b, (neg ? ~m : m) with m = |d| b, 9 bits
 * signed (RTL tpe_tree_ppgen; the +1 of a negation is the separate neg bit); */
int32_t tpe_pp(tpe_digit_t d, int8_t b);
/* the same with its sign bit inverted (pp + 2^8), 9 bits unsigned, at weight
 * 4^bw (opt1's sign-extension trick; tpe_tree_opt1_bias() takes it back out); */
uint32_t tpe_pp_biased(tpe_digit_t d, int8_t b, int bw);
/* the neg bits of a's four digits at their weights 4^bw, one vector; */
uint32_t tpe_negvec(const tpe_digit_t d[TPE_ENC_DIGITS]);
/* tpe_tree_mul: digits -> 4 partial products + neg vector -> 16-bit
 * carry-save tree -> CPA: the exact product a * b. */
int32_t tpe_mul(const tpe_digit_t d[TPE_ENC_DIGITS], int8_t b);

#endif
