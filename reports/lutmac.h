/* lutmac.h: `coda report lut-vs-mac` -- the LUT Tensor Core against its MAC
 * baseline at the same M x N x K element budget, every figure from the flow:
 * area and fmax from `coda area` (Yosys + OSU 0.18 um + OpenSTA), ops per
 * cycle measured on the device model, energy per op from `coda energy`
 * (netlist switching activity x liberty power). */
#ifndef CODA_LUTMAC_H
#define CODA_LUTMAC_H

#include "../sim/core/config.h"
#include "../sim/core/status.h"

typedef struct lutmac_opts {
  const char *root;         /* source tree */
  const arch_set_t *sets;   /* --set overrides applied to both configs */
  int nsets;
  const char *json_out;     /* coda.lutmac.v1, or NULL */
  const char *md_out;       /* Markdown, or NULL */
  unsigned cycles;          /* energy measurement cycles per run */
} lutmac_opts_t;

int lutmac_report(const lutmac_opts_t *o, coda_err_t *err);

#endif
