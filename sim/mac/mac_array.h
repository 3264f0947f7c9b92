/* mac_array.h: cycle-level model of the MAC tensor core's integer datapath.
 *
 * Models: the M x N x K array of the "dequantize, then MAC" baseline
 * (LUT TC §2.2/§5), one clock at a time, register for register like its RTL.
 * Each cycle it may take one beat: an M x K block of signed activations, the
 * K weights q[n][k] (unsigned, up to 4 bits) of each of its N columns and
 * one zero point z[n] per column. Its pipeline has P = core.pipeline_cycles
 * register stages in front of the accumulators:
 *
 *   beat ---> dequant w = q - z ---> [stage 1: a, w] --> M*N dot products
 *             (N columns, K each)     operand regs        (K multipliers +
 *                                                           adder tree each)
 *        ---> [stage 2: sums] -> [stage 3..P: sums] --> M*N accumulators
 *             tree output regs    delay regs             acc += sum
 *
 * P = 1 has only the operand registers (dot products feed the accumulators
 * directly); P = 0 has no stage at all (the beat reaches the accumulators in
 * its own cycle). Every data register loads only when the beat it receives
 * is valid (a stalled beat, valid = 0, leaves it holding); the control bits
 * valid/first/last move every cycle. A valid beat with `first` starts an
 * output block from 0; one with `last` ends it, and `done` is 1 in the cycle
 * after that beat was accumulated, while the accumulators hold the finished
 * block. So a beat presented in cycle t is in the accumulators after the
 * clock of cycle t + P, and B back-to-back beats take B + P cycles, the MMA
 * timing rule of docs/machine.md.
 * Widths: activations act_bits (8 or 16) wide, signed; q and z 4 bits
 * unsigned (MAC_ARRAY_W_BITS); dequantized weights 5 bits signed; products
 * act_bits + 5 bits; a dot product act_bits + 5 + ceil(log2 K) bits (exact,
 * never wraps); accumulators acc_bits (32 or 64), wrapping like a register.
 * Leaves out: the FP datapaths (mac_core.c computes those), the buffer
 * ports, and CBUF's read-modify-write when an MMA accumulates onto a tile
 * (acc=1), which mac_core.c adds when it writes the finished block back.
 * RTL twin: rtl/mac_tc/mac_tc_array.v (inside mac_tc_core.v; co-simulated
 * through mac_tc_cosim_top.v, block "mac_tc", sim/cosim/blk_mac_tc.c);
 * mac_tc_dequant.v, mac_tc_dot.v and mac_tc_acc.v are its three stages.
 * Constants: M, N, K and P from the arch config (sim/core/params.def); the
 * 4-bit weight width from docs/machine.md (W in 1..4, 0 <= z < 2^W).
 */
#ifndef CODA_MAC_ARRAY_H
#define CODA_MAC_ARRAY_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"

#define MAC_ARRAY_W_BITS 4  /* width of q and z: weights W1..W4 (docs/machine.md) */
#define MAC_ARRAY_DQ_BITS 5 /* width of a dequantized weight q - z, signed */
#define MAC_ARRAY_CTRL_VALID 1u /* bits of a stage's control register */
#define MAC_ARRAY_CTRL_FIRST 2u
#define MAC_ARRAY_CTRL_LAST 4u

typedef struct mac_array_cfg {
  uint32_t m, n, k;   /* array shape: core.m, core.n, core.k */
  uint32_t pipe;      /* register stages before the accumulators: core.pipeline_cycles */
  uint32_t act_bits;  /* activation width, 8 or 16 (signed) */
  uint32_t acc_bits;  /* accumulator width, 32 or 64 (wraps) */
} mac_array_cfg_t;

/* One cycle's inputs. Values wider than their port are cut to it, as the
 * RTL's wires would: act to act_bits (sign-extended), q and z to 4 bits. */
typedef struct mac_array_in {
  uint8_t valid;       /* 1: this cycle carries a beat; 0: operand stall */
  uint8_t first;       /* the beat starts an output block (accumulators from 0) */
  uint8_t last;        /* the beat ends an output block */
  const int16_t *act;  /* [m][k] activations */
  const uint8_t *q;    /* [n][k] quantized weights */
  const uint8_t *z;    /* [n] zero points */
} mac_array_in_t;

/* The registered state: exactly the RTL's flip-flops, what co-simulation
 * compares. Stage s (1..pipe) is the s-th register stage. */
typedef struct mac_array_regs {
  uint8_t *ctrl;  /* [pipe] control of stage s at s-1: MAC_ARRAY_CTRL_* bits */
  int32_t *op_a;  /* [m][k] stage-1 activations (pipe >= 1) */
  int32_t *op_w;  /* [n][k] stage-1 dequantized weights (pipe >= 1) */
  int32_t *sum;   /* [pipe-1][m][n] dot products of stages 2..pipe (pipe >= 2) */
  int64_t *acc;   /* [m][n] accumulators, sign-extended from acc_bits */
  uint8_t done;   /* an output block finished in the previous cycle */
} mac_array_regs_t;

/* Model-only bookkeeping, never compared. */
typedef struct mac_array_stats {
  uint64_t cycles;  /* clocks */
  uint64_t beats;   /* valid beats taken */
  uint64_t blocks;  /* output blocks finished (done pulses) */
} mac_array_stats_t;

typedef struct mac_array {
  mac_array_cfg_t cfg;      /* the shape, validated */
  uint32_t sum_bits;        /* width of one dot product */
  mac_array_regs_t reg[2];  /* current and next registered state */
  int cur;                  /* reg[cur] is current, reg[cur ^ 1] next */
  int32_t *act;             /* [m][k] scratch: the beat's activations (P = 0) */
  int32_t *dq;              /* [n][k] scratch: the beat's dequantized weights (P = 0) */
  int32_t *dot;             /* [m][n] scratch: the dot products entering the accumulators */
  mac_array_stats_t st;     /* bookkeeping */
} mac_array_t;

/* Checks cfg against what the array (and its RTL) supports: M, N, K >= 1,
 * K <= 8, act_bits 8 or 16, acc_bits 32 or 64, pipe <= 64. */
int mac_array_check(const mac_array_cfg_t *cfg, coda_err_t *err);
/* The array shape of an arch config with the given datapath widths. */
mac_array_cfg_t mac_array_cfg_of(const arch_cfg_t *arch, uint32_t act_bits, uint32_t acc_bits);
/* Width of one dot product: act_bits + 5 + ceil(log2 K). */
uint32_t mac_array_sum_bits(const mac_array_cfg_t *cfg);

/* Validates cfg and allocates the array in its reset state (all registers
 * 0). Returns CODA_OK, CODA_EINVAL or CODA_ENOMEM with err set. */
int mac_array_init(mac_array_t *a, const mac_array_cfg_t *cfg, coda_err_t *err);
void mac_array_free(mac_array_t *a);
/* Back to the reset state (rst_ni low); statistics are kept. */
void mac_array_reset(mac_array_t *a);

/* Computes the next registered state from the current one and `in`. */
void mac_array_eval(mac_array_t *a, const mac_array_in_t *in);
/* Latches the next state (the clock edge). */
void mac_array_commit(mac_array_t *a);
/* The current registered state. */
static inline const mac_array_regs_t *mac_array_regs(const mac_array_t *a) {
  return &a->reg[a->cur];
}

#endif
