/* report.h: what `coda run` and `coda sim` print and write.
 *
 * Per layer and in total: cycles and where they went (compute, memory stall,
 * precompute, other), time at the configured clock, MACs, utilization,
 * bytes moved per level, energy by component, and the functional check.
 * Text goes to a FILE; JSON (schema "coda.run.v1", README.md "Output
 * schemas") to a path. Layers that stand for `repeat` identical layers count
 * `repeat` times in the totals.
 */
#ifndef CODA_REPORT_H
#define CODA_REPORT_H

#include <stdio.h>

#include "../isa/cbin.h"
#include "../sim/core/config.h"
#include "../sim/dev/stats.h"
#include "../sim/ref/refgemm.h"
#include "energy.h"

typedef struct run_report {
  const arch_cfg_t *cfg;
  const cbin_t *prog;
  const dev_stats_t *layer_stats;  /* prog->n_layer entries, one instance each */
  const energy_table_t *energy;
  const char *energy_path;         /* where the table came from */
  int functional;                  /* operands were computed */
  const ref_result_t *check;       /* per layer, or NULL when not checked */
  double wall_seconds;             /* host time of the simulation */
  uint64_t visited_cycles;         /* cycles the kernel evaluated */
  uint64_t sim_cycles;             /* cycles simulated (one instance per layer) */
} run_report_t;

void report_text(const run_report_t *r, FILE *f);
int report_json(const run_report_t *r, const char *path, coda_err_t *err);

#endif
