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
 * the registry (cosim_blocks.c).
 *
 * Bit vectors are arrays of uint64_t words, bit i in word i/64 at i%64.
 */
#ifndef CODA_COSIM_H
#define CODA_COSIM_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"

#define COSIM_MAX_FIELDS 4096

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
} cosim_block_t;

/* The registry: every block with an RTL twin. */
const cosim_block_t *cosim_find(const char *name);
const cosim_block_t *cosim_block_at(int i); /* NULL past the end */

#endif
