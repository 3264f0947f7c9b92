/* energy.h: energy from activity counts times cited per-event energies.
 *
 * The per-event table is data (a JSON file under reports/energy/, Horowitz ISSCC 2014 by
 * default); every entry carries its source. Energies of other widths and
 * sizes are derived from the cited points by stated rules (energy.c), never
 * fitted to a result.
 */
#ifndef CODA_ENERGY_H
#define CODA_ENERGY_H

#include "../isa/cbin.h"
#include "../sim/core/config.h"
#include "../sim/core/status.h"
#include "../sim/dev/stats.h"

#define ENERGY_EVENTS(X) \
  X(int_add_8b_pj) X(int_add_32b_pj) X(int_mult_8b_pj) X(int_mult_32b_pj) \
  X(fp_add_16b_pj) X(fp_add_32b_pj) X(fp_mult_16b_pj) X(fp_mult_32b_pj)   \
  X(sram_64b_8kb_pj) X(sram_64b_32kb_pj) X(sram_64b_1mb_pj) X(dram_64b_pj)

typedef struct energy_table {
  char name[64];
#define ENERGY_MEMBER(f) double f;
  ENERGY_EVENTS(ENERGY_MEMBER)
#undef ENERGY_MEMBER
} energy_table_t;

/* Energy of one layer (or a sum), by component, in pJ: X(field, meaning). */
#define ENERGY_COMPONENTS(X)                                                        \
  X(array, "lookups / multiplies, accumulates, epilogue, dequantization")          \
  X(precompute, "table building and quantization")                                 \
  X(vector, "element-wise op")                                                     \
  X(abuf, "activation buffer accesses")                                            \
  X(wbuf, "weight buffer accesses")                                                \
  X(tbuf, "table buffer accesses")                                                 \
  X(cbuf, "accumulator buffer accesses")                                           \
  X(dram, "DRAM accesses")                                                         \
  X(total, "sum of the above")

typedef struct energy_pj {
#define ENERGY_PJ_MEMBER(f, doc) double f;
  ENERGY_COMPONENTS(ENERGY_PJ_MEMBER)
#undef ENERGY_PJ_MEMBER
} energy_pj_t;

/* dst = dst + src * times, component by component. */
void energy_pj_add(energy_pj_t *dst, const energy_pj_t *src, double times);

/* Loads and validates a table; every event must be present, positive and
 * carry a source. */
int energy_load(energy_table_t *t, const char *path, coda_err_t *err);

/* Energy of the counts in st for a layer of type L (atype, acct, core). */
void energy_of(const energy_table_t *t, const arch_cfg_t *cfg, const cbin_layer_t *L,
               const dev_stats_t *st, energy_pj_t *out);

/* Derived per-event energies (exposed for tests). */
double energy_int_add(const energy_table_t *t, double bits);
double energy_int_mult(const energy_table_t *t, double bits);
double energy_sram_64b(const energy_table_t *t, double bytes);

#endif
