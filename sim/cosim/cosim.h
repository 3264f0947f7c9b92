/* cosim.h: a block with an RTL twin, as the co-simulation framework sees it.
 *
 * Every such block has a Verilog top (rtl/<block>/<block>_cosim_top.v) with
 * exactly four ports: clk_i, rst_ni, in_i[InBits-1:0] (everything the block
 * reads in a cycle, packed) and out_o[OutBits-1:0] (its compared state and
 * outputs, packed), and a C twin that takes the same packed inputs and
 * produces the same packed outputs after each clock. The framework
 * (sim/cosim/cosim.c and the generic Verilator harness
 * sim/cosim/harness.cc) verilates the top with the block's parameters as
 * -G values taken from the arch config (one definition: params.def), drives
 * both sides with the block's stimulus, compares out_o with the twin's
 * outputs after every clock, and reports the first divergence by field name.
 * Adding a block = one C file with a cosim_block_t, its RTL, and one line in
 * the registry (cosim_blocks.c); docs/cosim.md says how, step by step.
 * `coda cosim` (cosim_cli.c) verilates and caches the harness per block and
 * parameter set; the harness runs cosim_run (cosim.c) in lockstep.
 *
 * Bit vectors are arrays of uint64_t words, bit i in word i/64 at i%64.
 */
#ifndef CODA_COSIM_H
#define CODA_COSIM_H

#include <stdint.h>
#include <stdio.h>

#include "../core/config.h"
#include "../core/status.h"

#define COSIM_MAX_FIELDS 4096

/* Operand distributions of the steady workloads (INT8 data). */
typedef enum {
  COSIM_DIST_UNIFORM = 0, /* uniform over -128..127 */
  COSIM_DIST_NORMAL = 1,  /* round(N(0, sigma)), clamped to -128..127 */
  COSIM_DIST_ZERO = 2     /* every operand 0 (the energy flow's zero stimulus) */
} cosim_dist_e;

typedef struct cosim_workload {
  double rate;        /* fraction of cycles with a valid beat, (0, 1] */
  cosim_dist_e dist;  /* operand distribution */
  double sigma;       /* COSIM_DIST_NORMAL: standard deviation */
} cosim_workload_t;

/* One INT8 draw from w's distribution with the splitmix64 state *rng. */
int8_t cosim_draw_int8(uint64_t *rng, const cosim_workload_t *w);
/* 1 with probability p (splitmix64 state *rng). */
int cosim_coin(uint64_t *rng, double p);

/* A named bit range of out_o, for reports ("acc[1][7]"). */
typedef struct cosim_field {
  char name[48];
  uint32_t lsb, width;
} cosim_field_t;

typedef struct cosim_block {
  const char *name;               /* "lut_tc" */
  const char *doc;                /* one line for `coda cosim --list` */
  const char *rtl_top;            /* "lut_tc_cosim_top" */
  const char *const *rtl_files;   /* NULL-terminated, relative to the repo root */
  /* config keys passed to the RTL as -G<UpperCamel(section_key)>=value,
   * e.g. "core.m" -> -GCoreM=2; NULL-terminated */
  const char *const *params;
  /* parameter sets used in the tests, as --set lists, NULL-terminated */
  const char *const *test_sets;
  /* Checks that cfg is within what the RTL supports and gives the bus widths. */
  int (*shape)(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err);
  void *(*create)(const arch_cfg_t *cfg, uint64_t seed);
  void (*destroy)(void *twin);
  /* Fills the packed inputs for `cycle` (random and directed phases chosen
   * by the block from the cycle number and its own PRNG). */
  void (*stimulus)(void *twin, uint64_t cycle, uint64_t *in);
  /* One clock of the C twin with inputs `in`; writes out_o's bits to out. */
  void (*step)(void *twin, const uint64_t *in, uint64_t *out);
  /* Names the fields of out_o; returns the count. */
  int (*out_fields)(const void *twin, cosim_field_t *f, int max);
  /* Transactions completed so far (e.g. finished output blocks). */
  uint64_t (*transactions)(const void *twin);

  /* Optional members (NULL: not provided). */
  /* 1 if the last stimulus() asked for reset this cycle: the harness drives
   * rst_ni low through the cycle's clock edge and the twin's step() resets
   * itself (both sides know it from the same stimulus). */
  int (*in_reset)(const void *twin);
  /* Names the fields of in_i, for the inputs a divergence report lists. */
  int (*in_fields)(const void *twin, cosim_field_t *f, int max);
  /* Test hook: makes the twin deliberately wrong (e.g. "sign"), so that a
   * test can show co-simulation catches it; 0 if the block knows `bug`. */
  int (*inject)(void *twin, const char *bug);
  /* A steady workload for `coda energy` and `coda report tpe`: fills `in`
   * for `cycle` with a streaming input (a valid beat with probability
   * w->rate, operands drawn from w->dist with the twin's PRNG, no resets,
   * held data on stalled cycles) and returns the INT8 MACs (ops) that beat
   * starts (0 on a stall). A block whose input depends on its own state
   * (tpe_bs: ready) steps its twin here with the same input, so that state
   * follows the RTL or model the caller drives. */
  double (*workload)(void *twin, uint64_t cycle, const struct cosim_workload *w, uint64_t *in);
} cosim_block_t;

/* The registry: every block with an RTL twin. */
const cosim_block_t *cosim_find(const char *name);
const cosim_block_t *cosim_block_at(int i); /* NULL past the end */

/* Bit-vector helpers for packing buses (width <= 64). */
void cosim_put(uint64_t *v, uint32_t lsb, uint32_t width, uint64_t x);
uint64_t cosim_get(const uint64_t *v, uint32_t lsb, uint32_t width);

/* Names field n (printf-style) as bits [lsb, lsb+width) when n < max, and
 * returns n + 1 (the count keeps going past max, so a caller can tell). */
int cosim_field(cosim_field_t *f, int n, int max, uint32_t lsb, uint32_t width, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* ---- the framework (sim/cosim/cosim.c, cosim_cli.c) ---------------------- */

/* The verilated top as the framework drives it; implemented by the generic
 * harness (sim/cosim/harness.cc) around the Verilator model. */
typedef struct cosim_rtl {
  /* A fresh model in its power-on state; vcd != NULL traces into that file.
   * NULL on failure, with err set. */
  void *(*open)(const char *vcd, coda_err_t *err);
  /* One clock cycle: in_i = in and rst_ni = !rst through the cycle, one
   * rising edge of clk_i, then out_o -> out. trace: dump it to the VCD. */
  void (*cycle)(void *rtl, int rst, const uint64_t *in, uint64_t *out, int trace);
  void (*close)(void *rtl);
  uint32_t in_bytes, out_bytes; /* storage Verilator gave in_i and out_o */
} cosim_rtl_t;

/* What `coda cosim` asked for. */
typedef struct cosim_opts {
  uint64_t seed;          /* stimulus seed */
  uint64_t cycles;        /* cycles to run after the initial reset */
  const char *vcd;        /* trace the whole run here (NULL: only a window on divergence) */
  const char *inject;     /* block's test hook, NULL for none */
  int bench;              /* time the twin, the RTL and lockstep apart instead of checking */
} cosim_opts_t;

/* Runs block b in lockstep against the RTL: an initial reset cycle, then
 * `cycles` cycles of stimulus, comparing out_o with the twin after every
 * clock. Prints the result to out. Returns CODA_OK (0 mismatches),
 * CODA_ECHECK (a divergence, reported on out, with a VCD window around
 * it replayed from reset) or CODA_EINVAL/CODA_EIO/CODA_ENOMEM. */
int cosim_run(const cosim_block_t *b, const arch_cfg_t *cfg, const cosim_rtl_t *rtl,
              const cosim_opts_t *o, FILE *out, coda_err_t *err);

/* --bench: the same stimulus through the stimulus alone, the C twin alone,
 * the RTL alone and both in lockstep; prints cycles/s of each and the
 * lockstep's overhead over raw Verilator (make bench). */
int cosim_bench(const cosim_block_t *b, const arch_cfg_t *cfg, const cosim_rtl_t *rtl,
                const cosim_opts_t *o, FILE *out, coda_err_t *err);

/* The harness's main: the same arguments as `coda cosim BLOCK ...`;
 * returns the exit code (0, 1 on a divergence, 2 on bad input). */
int cosim_harness_main(int argc, char **argv, const cosim_rtl_t *rtl);

/* `coda cosim ...` (argv[1] is "cosim"): verilates the block's top (cached
 * in build/cosim/<block>-<hash>/), runs the harness, returns the exit code. */
int cosim_main(int argc, char **argv);

#endif
