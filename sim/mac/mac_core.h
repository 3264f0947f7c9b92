/* mac_core.h: the MAC tensor-core baseline of the LUT Tensor Core study.
 *
 * Models: an M x N x K array that, each cycle, multiplies an M x K
 * activation block by a K x N weight block at activation precision and adds
 * the K products of each output (an adder tree) into an output-stationary
 * accumulator. Weights arrive packed at W bits with one zero point per
 * column and are dequantized to q - z on the way in (the "dequantize, then
 * MAC" baseline of LUT TC §2.2/§5). Same M x N x K element budget as the
 * LUT core it is compared with.
 * Leaves out: the per-column scale (applied by the next element-wise op).
 * INT activations: the results come from the cycle-level array model
 * mac_array.c (the C twin of rtl/mac_tc, co-simulated as block "mac_tc"),
 * driven beat by beat in the array's cycle order (m-block, n-block,
 * k-block); FP activations: a functional loop in the same order.
 * Constants: timing rules from docs/machine.md; parameters from the arch
 * config (sim/core/params.def).
 */
#ifndef CODA_MAC_CORE_H
#define CODA_MAC_CORE_H

#include "../core/config.h"
#include "../core/kernel.h"
#include "../dev/bufs.h"
#include "../dev/stats.h"

cyc_t mac_mma_cycles(const arch_cfg_t *cfg, const isa_insn_t *in);
void mac_mma_count(const arch_cfg_t *cfg, const isa_insn_t *in, dev_stats_t *st);
void mac_mma_exec(const arch_cfg_t *cfg, const isa_insn_t *in, dev_bufs_t *b);

#endif
