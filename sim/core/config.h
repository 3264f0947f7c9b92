/* config.h: a device's hardware configuration, loaded from JSON.
 *
 * The fields, their defaults, ranges and docs all come from params.def;
 * nothing here is typed twice. Loading validates everything: unknown keys,
 * wrong types and out-of-range values fail with one line naming the file
 * and the key. `--set section.key=value` overrides apply before validation.
 */
#ifndef CODA_CONFIG_H
#define CODA_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "status.h"

enum { ARCH_CORE_LUT = 0, ARCH_CORE_MAC = 1 };
enum { ARCH_ACC_FP32 = 0, ARCH_ACC_FP16 = 1 };
enum { ARCH_MEM_SIMPLE = 0, ARCH_MEM_HBM2 = 1 };

#define CODA_PARAM_U uint64_t
#define CODA_PARAM_E uint64_t
#define CODA_PARAM_B uint64_t
#define CODA_PARAM_F double

typedef struct arch_cfg {
  char name[64]; /* "name" of the config, for reports */
#define CODA_PARAM(sec, key, kind, def, lo, hi, choices, doc) \
  CODA_PARAM_##kind sec##_##key; /* doc */
#include "params.def"
#undef CODA_PARAM
} arch_cfg_t;

/* One --set override, "section.key=value" (value parsed as JSON, else as a
 * string). */
typedef struct arch_set {
  const char *expr;
} arch_set_t;

/* Fills cfg with every default from params.def and name "default". */
void arch_cfg_defaults(arch_cfg_t *cfg);

/* Loads path (NULL = defaults only), applies the n overrides in order, and
 * validates. Returns CODA_OK or CODA_EINVAL/CODA_EIO with err set. */
int arch_cfg_load(arch_cfg_t *cfg, const char *path, const arch_set_t *sets,
                  int nsets, coda_err_t *err);

/* Loads from a JSON string; `origin` names it in error messages. */
int arch_cfg_load_string(arch_cfg_t *cfg, const char *json, const char *origin,
                         const arch_set_t *sets, int nsets, coda_err_t *err);

/* Checks relations between parameters that the table's ranges cannot. */
int arch_cfg_validate(const arch_cfg_t *cfg, const char *origin,
                      coda_err_t *err);

/* Writes the resolved config as JSON (every key) to f. */
void arch_cfg_dump_json(const arch_cfg_t *cfg, FILE *f);

/* Writes docs/params.md (the parameter table) to f. */
void arch_cfg_write_doc(FILE *f);

/* Writes the name of enum value v of section.key (or "?") into buf and
 * returns buf. */
const char *arch_cfg_enum_name(const char *sec, const char *key, uint64_t v, char *buf,
                               size_t buflen);

#endif
