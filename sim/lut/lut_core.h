/* lut_core.h: the LUT Tensor Core array and its table-precompute unit.
 *
 * Models: an M x N array of lookup units (LUT TC §3.3, default M2N64K4).
 * Each cycle every unit takes one K-bit weight field of one bit-plane
 * (sign bit + (K-1)-bit index, re-laid offline), reads its row's
 * symmetrized table of 2^(K-1) entries (LUT TC §3.2.1), negates on the sign
 * and adds the entry shifted by the plane's weight 2^b into its output-
 * stationary accumulator. Tables are built once per activation tile by the
 * precompute unit and broadcast (LUT TC §3.2.3); row sums of the all-plus
 * entries feed the zero-point epilogue (acc - z' * rowsum) / 2 that makes
 * the INT path bit-exact (docs/machine.md).
 * Leaves out: the table-register bank conflicts of a physical layout; the
 * element-wise op's numerics (its time, traffic and energy are modelled).
 * RTL twin: rtl/lut_tc. The INT datapath runs through the cycle-level twins
 * that are co-simulated against it: lut_array.c (the array, stepped in its
 * cycle order m-block, n-block, group, bit-plane) and lut_precompute.c (the
 * table builder), so functional results come out of the co-simulated model.
 * The FP datapath is computed here, in the same loop order.
 * Constants: timing rules from docs/machine.md; parameters from the arch
 * config (sim/core/params.def), defaults cited there.
 */
#ifndef CODA_LUT_CORE_H
#define CODA_LUT_CORE_H

#include "../core/config.h"
#include "../core/kernel.h"
#include "../dev/bufs.h"
#include "../dev/stats.h"

/* Cycles the array needs for one LMMA. */
cyc_t lut_lmma_cycles(const arch_cfg_t *cfg, const isa_insn_t *in);
/* Adds the LMMA's activity counts to st. */
void lut_lmma_count(const arch_cfg_t *cfg, const isa_insn_t *in, dev_stats_t *st);
/* Computes the LMMA on the buffers (functional runs). */
void lut_lmma_exec(const arch_cfg_t *cfg, const isa_insn_t *in, dev_bufs_t *b);

/* Bytes of one table entry for atype/tq (docs/machine.md "Tables"). */
uint32_t lut_entry_bytes(uint32_t atype, uint32_t tq);
/* Bytes of one table block (entries + optional scale) for atype/tq. */
uint32_t lut_table_block_bytes(const arch_cfg_t *cfg, uint32_t atype, uint32_t tq);
/* Bytes of the weight tile + zero points an LMMA/MMA reads at waddr. */
uint64_t lut_wtile_bytes(uint32_t n, uint32_t k, uint32_t wbits);

/* Cycles, counts and function of one TPRE (precompute / vector unit). */
cyc_t tpre_cycles(const arch_cfg_t *cfg, const isa_insn_t *in);
void tpre_count(const arch_cfg_t *cfg, const isa_insn_t *in, dev_stats_t *st);
void tpre_exec(const arch_cfg_t *cfg, const isa_insn_t *in, dev_bufs_t *b);
/* Element passes of an element-wise op (0 for none). */
uint32_t tpre_ew_passes(uint32_t ewop);

#endif
