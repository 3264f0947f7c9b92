/* area.h: `coda area` -- area from Yosys on a real standard-cell liberty,
 * timing from OpenSTA, cached by content.
 *
 * A synthesizable block (area_block_t) names its Verilog top, its RTL
 * folder, the submodule groups of its report, its timing tile and its range
 * check. The config keys it takes are not listed anywhere: they are the
 * params.def keys whose UpperCamel name (core.m -> CoreM,
 * tpre.tables_per_cycle -> TpreTablesPerCycle) the top module declares as a
 * parameter, so the RTL and params.def stay the one definition.
 *
 * The flow (area_flow.c; AREA_FLOW_VERSION):
 *   area:   Yosys, hierarchy kept: read, hierarchy -chparam, synth,
 *           dfflibmap + abc onto the liberty, stat -> area per cell type and
 *           per module; area = sum over modules of instances x module area.
 *   timing: Yosys, flattened and delay-driven (abc -D = core.freq_mhz's
 *           period, with buffering and gate sizing), then OpenSTA on that
 *           netlist: worst path, critical path = period - worst slack,
 *           fmax = 1 / critical path. Arrays larger than the block's tile
 *           are timed on the tile (the same core with the array keys capped)
 *           and the report says so.
 * Results land in <cache>/<key>.json, key = hash of the RTL bytes, resolved
 * parameters, liberty bytes, tool versions and flow version; the netlists,
 * scripts and logs in <cache>/<key>/ (the STA setup, sta_setup.tcl, can be
 * sourced by a later step that sets activities and runs report_power).
 *
 * Library code: returns CODA_OK or a negative code with err set; never
 * exits. Errors are one line, naming the block, key, file or tool.
 */
#ifndef CODA_AREA_H
#define CODA_AREA_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/config.h"
#include "../core/status.h"

#define AREA_FLOW_VERSION "coda-area-2" /* bump when the scripts change meaning */
#define AREA_MAX_GROUPS 8               /* submodule groups per block, "other" excluded */
#define AREA_MAX_GROUP_MODULES 4        /* RTL modules per group */
#define AREA_MAX_TILE_KEYS 4            /* config keys a tile caps */
#define AREA_MAX_PARAMS 32              /* RTL parameters set from the config */

/* A row of the per-submodule report: the cells of these RTL modules (every
 * instance, at any depth). */
typedef struct area_group {
  const char *name;                             /* "lookup units" */
  const char *modules[AREA_MAX_GROUP_MODULES];  /* RTL module names, NULL-terminated */
} area_group_t;

/* One config key a timing tile caps, e.g. core.n at 8. */
typedef struct area_tile_key {
  const char *key;  /* "core.n" */
  uint64_t max;     /* the tile's value when the config's is larger */
} area_tile_key_t;

typedef struct area_block {
  const char *name;     /* "lut_tc" */
  const char *doc;      /* one line for `coda area --list` */
  const char *top;      /* Verilog top, "lut_tc_core"; its file is <rtl_dir>/<top>.v */
  const char *rtl_dir;  /* relative to the repo root; every *.v but *_cosim_top.v is read */
  area_group_t groups[AREA_MAX_GROUPS];        /* name NULL ends; the rest is "other" */
  area_tile_key_t tile[AREA_MAX_TILE_KEYS];    /* key NULL ends */
  const char *tile_check; /* the tile's error, measured against --method full */
  /* Checks that cfg is within what the RTL supports (the C twins' checks). */
  int (*check)(const arch_cfg_t *cfg, coda_err_t *err);
} area_block_t;

/* The registry. */
const area_block_t *area_find(const char *name);
const area_block_t *area_block_at(int i); /* NULL past the end */

/* One RTL parameter set from the config. */
typedef struct area_param {
  char key[48];    /* "core.pipeline_cycles" */
  char rtl[48];    /* "CorePipelineCycles" */
  char value[32];  /* as passed to chparam */
} area_param_t;

/* UpperCamel name of a config key: ("tpre", "tables_per_cycle") ->
 * "TpreTablesPerCycle". */
void area_upper_camel(const char *sec, const char *key, char *out, size_t len);

/* The parameters block b's top takes from cfg, in params.def order. root is
 * the repo root. Fails if the top's file cannot be read. */
int area_rtl_params(const area_block_t *b, const char *root, const arch_cfg_t *cfg,
                    area_param_t *p, int max, int *n, coda_err_t *err);

/* Sets cfg's value of "section.key" (unsigned kinds); 0 or CODA_EINVAL. */
int area_cfg_set_u(arch_cfg_t *cfg, const char *key, uint64_t v);
/* cfg's value of "section.key" as an unsigned (0 if unknown or real). */
uint64_t area_cfg_get_u(const arch_cfg_t *cfg, const char *key);

typedef enum {
  AREA_METHOD_AUTO = 0, /* full if the config fits the tile, else tile */
  AREA_METHOD_FULL = 1, /* time the whole core (slow for large arrays) */
  AREA_METHOD_TILE = 2  /* time the tile even if the core is larger */
} area_method_e;

typedef struct area_opts {
  const char *root;       /* repo root, absolute */
  const char *cache_dir;  /* NULL: <root>/build/area-cache */
  const char *liberty;    /* NULL: <root>/build/tech/osu018/osu018_stdcells.lib */
  area_method_e method;   /* how the timing netlist is chosen */
  int force;              /* 1: synthesize even if cached (the cache is refreshed) */
  FILE *progress;         /* one line before a synthesis starts, or NULL */
} area_opts_t;

/* Runs the flow for b at cfg, or finds its result in the cache. *doc gets
 * the coda.area.v1 document (the caller json_decref's it), with "cache"
 * ("hit"/"miss") and "artifacts" (absolute paths) filled in. */
int area_run(const area_block_t *b, const arch_cfg_t *cfg, const area_opts_t *o, json_t **doc,
             coda_err_t *err);

/* Human-readable report of a coda.area.v1 document. */
void area_print_text(const json_t *doc, FILE *f);

/* `coda area ...` (argv[1] is "area"); returns the exit code. */
int area_main(int argc, char **argv);

#endif
