/* tpe_report.h: `coda report tpe` -- the bit-weight-transformed tensor
 * processing engines (issue 5; REFERENCES.md "Bit-weight-transformed MAC
 * engines") compared in one table: every topology x variant x encoding
 * that has an RTL twin today, each with area and fmax from `coda area`
 * (Yosys + OSU 0.18 um + OpenSTA), INT8 MACs per cycle measured on its C
 * twin under a steady stream, throughput, area efficiency at the design's
 * own fmax (the paper's method) and at a common frequency (the slowest
 * design's fmax), and each variant's gain over its topology's baseline
 * variant at the same encoding.
 *
 * Topologies are rows of a registry (tpe_report.c: TOPOLOGIES), one entry
 * each: the area/cosim block, the config keys that select variant and
 * encoding, the variants (the first is the baseline) and a function that
 * measures MACs per cycle on the C twin. A new topology is one entry.
 *
 * Energy per op comes from `coda energy` (sim/energy) on each block's
 * timing tile under its steady workload, at the design's own fmax. The
 * bit-slice rows are compared with a bit-parallel array of equal area (the
 * 2D-Matrix base PE filling the same area), and their data-dependent
 * throughput is tabulated per operand distribution.
 */
#ifndef CODA_TPE_REPORT_H
#define CODA_TPE_REPORT_H

#include "../sim/core/config.h"
#include "../sim/core/status.h"

typedef struct tpe_report_opts {
  const char *root;       /* source tree, absolute */
  const arch_set_t *sets; /* --set overrides (sizes); the report sets variant and encoding after them */
  int nsets;
  const char *json_out;   /* coda.tpe_report.v1, or NULL */
  const char *md_out;     /* Markdown, or NULL; the plot (<md>.png, <md>.gp) goes next to it */
  const char *only;       /* comma list of topologies (tree, cube, sa_os, sa_ws, matrix, bs), NULL: all */
  const char *encodings;  /* comma list (mbe, ent), NULL: mbe */
  int no_energy;          /* skip the energy flow (energy columns empty) */
} tpe_report_opts_t;

/* Builds the table (prints the Markdown to stdout); CODA_OK or an error. */
int tpe_report(const tpe_report_opts_t *o, coda_err_t *err);

#endif
