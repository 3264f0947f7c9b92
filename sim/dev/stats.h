/* stats.h: activity counters of one device, kept per layer.
 *
 * Every counter is a plain uint64_t field incremented by the block that owns
 * the event (no lookups by name in the cycle loop). The list below is the
 * one definition: the struct, the field-wise helpers and the JSON keys all
 * come from it. Reports multiply counters by per-event energies
 * (reports/energy.h). */
#ifndef CODA_DEV_STATS_H
#define CODA_DEV_STATS_H

#include <stdint.h>

/* X(field, meaning) */
#define DEV_STATS_FIELDS(X)                                                              \
  X(cycles, "total cycles of the layer")                                                 \
  X(cycles_compute, "cycles the array was busy")                                         \
  X(cycles_precompute, "cycles the array was idle and the precompute/vector unit busy")  \
  X(cycles_memory, "cycles array and precompute were idle and the DMA busy")             \
  X(cycles_other, "cycles none of those was busy (issue, sync, drain)")                  \
  X(array_busy_cycles, "cycles the array held an instruction")                           \
  X(array_insns, "LMMA/MMA instructions executed")                                       \
  X(lut_lookups, "LUT core: valid (m, n, group, bit-plane) lookups")                     \
  X(lut_rowsum_adds, "LUT core: row-sum accumulations")                                  \
  X(lut_fin_ops, "LUT core: zero-point epilogue operations, one per output")             \
  X(mac_mults, "MAC core: valid multiplies")                                             \
  X(mac_adds, "MAC core: valid accumulate adds")                                         \
  X(mac_dequants, "MAC core: weight dequantizations q - z")                              \
  X(macs, "useful W-bit multiply-accumulates of the logical GEMMs")                      \
  X(tpre_busy_cycles, "cycles the precompute/vector unit held an instruction")           \
  X(tpre_insns, "TPRE instructions executed")                                            \
  X(tpre_tables, "tables built")                                                         \
  X(tpre_entry_adds, "additions to build table entries")                                 \
  X(tpre_quant_ops, "INT8 table-entry quantizations")                                    \
  X(ew_elem_ops, "element-wise op element passes")                                       \
  X(abuf_rd_bytes, "activation buffer bytes read")                                       \
  X(abuf_wr_bytes, "activation buffer bytes written")                                    \
  X(wbuf_rd_bytes, "weight buffer bytes read")                                           \
  X(wbuf_wr_bytes, "weight buffer bytes written")                                        \
  X(tbuf_rd_bytes, "table buffer bytes read")                                            \
  X(tbuf_wr_bytes, "table buffer bytes written")                                         \
  X(cbuf_rd_bytes, "accumulator buffer bytes read")                                      \
  X(cbuf_wr_bytes, "accumulator buffer bytes written")                                   \
  X(dma_busy_cycles, "cycles the DMA held an instruction")                               \
  X(dma_insns, "LD/ST instructions executed")                                            \
  X(dram_rd_bytes, "DRAM bytes read")                                                    \
  X(dram_wr_bytes, "DRAM bytes written")                                                 \
  X(insns, "instructions issued")                                                        \
  X(sync_stall_cycles, "cycles the front end waited on a SYNC")

typedef struct dev_stats {
#define DEV_STATS_MEMBER(f, doc) uint64_t f;
  DEV_STATS_FIELDS(DEV_STATS_MEMBER)
#undef DEV_STATS_MEMBER
} dev_stats_t;

/* dst += src * times, field by field. */
void dev_stats_add(dev_stats_t *dst, const dev_stats_t *src, uint64_t times);

/* Calls fn(name, value, ctx) for every counter, in declaration order. */
void dev_stats_foreach(const dev_stats_t *s,
                       void (*fn)(const char *name, uint64_t v, void *ctx), void *ctx);

#endif
