/* tpe_grid.h: cycle-level model of the PE-grid tensor processing engines of
 * the HPCA'25 bit-weight paper (REFERENCES.md "Bit-weight-transformed MAC
 * engines"): an R x C grid of INT8 x INT8 -> INT32 (wrapping) PEs, one
 * product per PE per cycle, in three topologies and the paper's three MAC
 * variants, one clock at a time, register for register like its RTL.
 *
 * tpe.grid selects the topology (one model, one RTL, no copies):
 *   os      output-stationary systolic array. Row r's A value a[r] with its
 *           control {valid, first, last} enters at the left edge, column c's
 *           B value b[c] at the top. PE (r, c) registers the A (+ control)
 *           of its left neighbour (the edge input at c = 0) and the B of the
 *           PE above (the edge input at r = 0), so both move one PE per
 *           cycle, and accumulates its own output with the product of its
 *           registered A and B when the registered valid is set (first
 *           clears). The feeder skews the data: row r's k-th A in cycle
 *           t0 + k + r, column c's k-th B in cycle t0 + k + c (tpe_grid_gemm
 *           does this; it is the stimulus's job, the array does not check).
 *   ws      weight-stationary systolic array. While wload is 1 the weights
 *           shift down one row per cycle, w[0][c] <= b[c], w[r][c] <= w[r-1][c].
 *           Row r's A (the k = r element of an A row) enters at the left
 *           with a valid bit and moves right; partial sums move down: PE
 *           (r, c) adds a * w to the partial sum of the PE above (0 at row
 *           0), nothing when its A is not valid, and the valid of row 0
 *           travels down with the partial sum. Column c's result leaves at
 *           the bottom with its valid bit. Accumulation over several K folds
 *           happens in an output buffer outside the array: left out.
 *   matrix  FlexFlow-style 2D-Matrix: a[r] (+ control) is broadcast to the C
 *           PEs of row r through one input register per row, b[c] to the R
 *           PEs of column c through one register per column; every PE
 *           accumulates its output (first clears) on each valid cycle.
 * tpe.variant selects the PE datapath, built from tpe_tree's pieces:
 *   base    the conventional MAC: its own encoder and multiplier (tpe_mul:
 *           4 partial products + neg vector -> 5 x 16 carry-save tree -> CPA)
 *           and a 32-bit CPA for the accumulate / partial-sum add.
 *   opt1    carry-save accumulation: its own encoder and partial-product
 *           mux; the 4 biased partial products and the neg vector (as
 *           tpe_tree's opt1 at K = 1) go through the 16-bit beat tree, then
 *           a 5 x 32 carry-save tree with the sum/carry registers (ws: the
 *           sum/carry pair coming from above; the partial sum travels as two
 *           vectors, twice the wires) and the bias tpe_tree_opt1_bias(1)
 *           into the sum/carry registers. No CPA in the PE: one CPA per
 *           column, outside the array (ws: at the bottom, res = sum + carry
 *           registered with its valid; os, matrix: at the read-out).
 *   opt2    opt1's PE, but one encoder per row of A at the array's left edge
 *           shared by the row's PEs: the 12-bit digit vector (tpe_enc.h's
 *           three wires per digit) travels right (os, ws) or sits in the
 *           row's broadcast register (matrix) instead of the 8-bit A. A
 *           grid PE holds one product, no K tree, so opt2's "bit weight
 *           before K" reduces here to the shared encoder.
 * Read-out (os, matrix): in a cycle with rd set, res[c] <= row rd_row's
 * accumulator (base) or its sum + carry through the column's CPA (opt1,
 * opt2), res_valid <= rd; rd_row outside 0..R-1 reads 0 (the port is
 * tpe_grid_row_bits(R) wide). Reading the array takes R cycles; the C CPAs
 * are shared by all rows.
 *
 * Timing. Control and valid registers move every cycle; data registers
 * load only with their valid (A, the digits) or wload (ws weights); B (os,
 * matrix) loads every cycle (it has no valid: the feeder aligns it). An
 * accumulation happens at the clock after the operands reached the PE's
 * registers. tpe_grid_gemm() runs one fold from reset; its cycle count
 * (clocks until the last result is registered) is, with T the temporal
 * dimension (os, matrix: K; ws: the M rows of A):
 *   os      T + R + C: SCALE-Sim's per-fold T + R + C - 2 (sa_fold_cycles,
 *           systolic.h: the last operands reach PE (R-1, C-1)'s registers
 *           after T + R + C - 2 clocks), + 1 for the accumulate after the
 *           operand registers, + 1 for the read-out register; row r is read
 *           in cycle T + C + r, as soon as it is complete, so the R
 *           read-outs overlap the diagonal drain.
 *   ws      2R + C + T - 2 (base) = SCALE-Sim's per fold: weights load in
 *           cycles 0..R-1, the first A enters in cycle R-1 (it reaches a PE
 *           after the last weight shift); + 1 for opt1/opt2's bottom CPA
 *           register.
 *   matrix  T + 1 + R: T beats, the accumulate after the broadcast
 *           registers, R read-out cycles.
 * Leaves out: operand buffers, the feeder's skew logic, the ws output
 * buffer, the read-out controller.
 * RTL twin: rtl/tpe/tpe_grid_core.v (tpe_grid_pe per PE with tpe_tree_enc,
 * _ppgen, _csa, _mul; tpe_grid_cpa per column), co-simulated through
 * rtl/tpe/tpe_grid_cosim_top.v as block "tpe_grid" (sim/cosim/blk_tpe_grid.c).
 * Constants: R, C, topology, variant, encoding from the arch config
 * (params.def tpe.rows, tpe.cols, tpe.grid, tpe.variant, tpe.encoding);
 * INT8 operands, INT32 results from the issue (issue 5); the opt1 beat tree
 * and bias from tpe_tree.h (K = 1); the cycle formulas' SCALE-Sim terms
 * from systolic.h.
 */
#ifndef CODA_TPE_GRID_H
#define CODA_TPE_GRID_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"
#include "tpe_enc.h"
#include "tpe_tree.h"

#define TPE_GRID_MAX 64      /* params.def tpe.rows / tpe.cols upper bound */
#define TPE_GRID_DIG_BITS 12 /* opt2: 4 digits x {neg, one, two}, tpe_tree_enc's dig_o */
#define TPE_GRID_CTRL_VALID TPE_TREE_CTRL_VALID
#define TPE_GRID_CTRL_FIRST TPE_TREE_CTRL_FIRST
#define TPE_GRID_CTRL_LAST TPE_TREE_CTRL_LAST

typedef enum {
  TPE_GRID_OS = 0,    /* params.def tpe.grid "os" */
  TPE_GRID_WS = 1,    /* "ws" */
  TPE_GRID_MATRIX = 2 /* "matrix" */
} tpe_grid_e;

typedef struct tpe_grid_cfg {
  tpe_grid_e grid;       /* tpe.grid */
  uint32_t rows;         /* R: tpe.rows */
  uint32_t cols;         /* C: tpe.cols */
  tpe_variant_e variant; /* tpe.variant */
  tpe_enc_e enc;         /* tpe.encoding */
} tpe_grid_cfg_t;

/* One cycle's inputs. */
typedef struct tpe_grid_in {
  const int8_t *a;     /* [R] row r's A at the left edge */
  const uint8_t *ctrl; /* [R] row r's TPE_GRID_CTRL_* (first, last count only with valid; ws: valid only) */
  const int8_t *b;     /* [C] column c's B at the top (os), broadcast (matrix), weight w_i (ws) */
  uint8_t wload;       /* ws: the weights shift down this cycle */
  uint8_t rd;          /* os, matrix: read out a row this cycle */
  uint32_t rd_row;     /* os, matrix: the row (low tpe_grid_row_bits(R) bits) */
} tpe_grid_in_t;

/* The registered state: exactly the RTL's flip-flops (which exist depends
 * on topology and variant; the others stay 0). */
typedef struct tpe_grid_regs {
  uint16_t a[TPE_GRID_MAX][TPE_GRID_MAX];      /* A register: 8 bits, opt2 12 digit bits; os, ws per PE, matrix [r][0] per row */
  uint8_t ctrl[TPE_GRID_MAX][TPE_GRID_MAX];    /* the A register's control: os, matrix ({valid, first, last}, matrix [r][0]), ws valid */
  int8_t b[TPE_GRID_MAX][TPE_GRID_MAX];        /* B register: os per PE, ws the weight w_q, matrix [0][c] per column */
  uint32_t acc[TPE_GRID_MAX][TPE_GRID_MAX];    /* base: accumulator (ws: partial sum); opt1/opt2: carry-save sum */
  uint32_t carry[TPE_GRID_MAX][TPE_GRID_MAX];  /* opt1/opt2: carry-save carry */
  uint8_t psv[TPE_GRID_MAX][TPE_GRID_MAX];     /* ws: the valid travelling down with the partial sum */
  uint32_t res[TPE_GRID_MAX];                  /* os, matrix: read-out res_q; ws opt1/opt2: bottom CPA res_q */
  uint8_t res_valid[TPE_GRID_MAX];             /* os, matrix: [0] the read-out's valid; ws opt1/opt2: per column */
} tpe_grid_regs_t;

/* Model-only bookkeeping. */
typedef struct tpe_grid_stats {
  uint64_t cycles;  /* clocks */
  uint64_t macs;    /* products accumulated (valid PE cycles) */
  uint64_t outputs; /* os, matrix: rows read out; ws: column results leaving the bottom */
} tpe_grid_stats_t;

typedef struct tpe_grid {
  tpe_grid_cfg_t cfg;     /* validated */
  tpe_grid_regs_t reg[2]; /* current and next */
  int cur;                /* reg[cur] is current */
  tpe_grid_stats_t st;    /* bookkeeping */
} tpe_grid_t;

/* The grid of an arch config (section tpe). */
tpe_grid_cfg_t tpe_grid_cfg_of(const arch_cfg_t *arch);
/* 1 <= R, C <= TPE_GRID_MAX, known topology, variant and encoding; the
 * message names the config key. */
int tpe_grid_check(const tpe_grid_cfg_t *cfg, coda_err_t *err);
/* "os" / "ws" / "matrix". */
const char *tpe_grid_name(tpe_grid_e g);
/* Width of the read-out row index: max(1, clog2 R). */
uint32_t tpe_grid_row_bits(uint32_t rows);
/* Bits of the travelling / broadcast A operand: 8, or 12 digit bits (opt2). */
uint32_t tpe_grid_a_bits(const tpe_grid_cfg_t *cfg);
/* a's four digits packed as tpe_tree_enc's dig_o: digit bw at 3bw as
 * {two, one, neg} (opt2's shared edge encoder). */
uint16_t tpe_grid_digits(tpe_enc_e e, int8_t a);

/* Validates cfg and puts the grid in its reset state (all of *g is cleared). */
int tpe_grid_init(tpe_grid_t *g, const tpe_grid_cfg_t *cfg, coda_err_t *err);
/* Back to the reset state (rst_ni low); statistics are kept. */
void tpe_grid_reset(tpe_grid_t *g);
/* Next registered state from the current one and `in`. */
void tpe_grid_eval(tpe_grid_t *g, const tpe_grid_in_t *in);
/* The clock edge. */
void tpe_grid_commit(tpe_grid_t *g);
static inline const tpe_grid_regs_t *tpe_grid_regs(const tpe_grid_t *g) { return &g->reg[g->cur]; }

/* One fold from reset, fed with the topology's skew, results read out:
 *   os, matrix: a is R x t (row-major), b is t x C, out is R x C;
 *   ws:         b is R x C (the weights, loaded first), a is t x R (t rows
 *               of A, each of length K = R, streamed), out is t x C.
 * *cycles: clocks until the last result is registered (the formulas
 * above). Returns CODA_OK, CODA_EINVAL (bad cfg, t = 0) or CODA_ENOMEM. */
int tpe_grid_gemm(const tpe_grid_cfg_t *cfg, uint32_t t, const int8_t *a, const int8_t *b, int32_t *out,
                  uint64_t *cycles, coda_err_t *err);

#endif
