/* cosim_int.h: what cosim.c (the lockstep engine, run inside the harness)
 * and cosim_cli.c (`coda cosim`, which builds and starts the harness) share:
 * the command line, parsed the same way on both sides. */
#ifndef CODA_COSIM_INT_H
#define CODA_COSIM_INT_H

#include "cosim.h"

#define COSIM_MAX_SETS 64
#define COSIM_DEFAULT_CYCLES 1000000u /* the acceptance length */

/* `coda cosim BLOCK [--arch A.json] [--set k=v]... [--seed N] [--cycles N]
 * [--vcd OUT] [--bench] [--inject-bug NAME]` or `coda cosim --list`. */
typedef struct cosim_args {
  const char *block;                /* BLOCK, NULL if none was given */
  const char *arch;                 /* --arch, NULL for the built-in defaults */
  arch_set_t sets[COSIM_MAX_SETS];  /* --set, in order */
  int nsets;
  int list;                         /* --list */
  cosim_opts_t o;                   /* --seed, --cycles, --vcd, --bench, --inject-bug */
} cosim_args_t;

/* Parses argv[first..argc); returns CODA_OK or CODA_EINVAL with err set. */
int cosim_parse_args(int argc, char **argv, int first, cosim_args_t *a, coda_err_t *err);

/* Loads the arch config the arguments name and checks the block supports
 * it (its shape()); *b is the block. */
int cosim_resolve(const cosim_args_t *a, const cosim_block_t **b, arch_cfg_t *cfg, uint32_t *in_bits,
                  uint32_t *out_bits, coda_err_t *err);

/* The value of config key "section.key" as an integer for a -G parameter;
 * CODA_EINVAL if the key is unknown or not an integer parameter. */
int cosim_param_value(const arch_cfg_t *cfg, const char *key, uint64_t *v, coda_err_t *err);

/* "core.pipeline_cycles" -> "CorePipelineCycles" (the RTL parameter name). */
void cosim_param_name(const char *key, char *buf, size_t len);

#endif
