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

/* Energy of one layer (or a sum), by component, in pJ. */
typedef struct energy_pj {
  double array;      /* lookups / multiplies, accumulates, epilogue, dequantization */
  double precompute; /* table building and quantization */
  double vector;     /* element-wise op */
  double abuf, wbuf, tbuf, cbuf; /* on-chip buffer accesses */
  double dram;       /* DRAM accesses */
  double total;
} energy_pj_t;

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
