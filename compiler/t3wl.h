/* t3wl.h: T3 model descriptors (workloads/t3/NAME.json): the transformer
 * shapes whose tensor-parallel sublayers the T3 pass (compiler/t3plan.h)
 * plans, with the tensor-parallel degrees the T3 paper evaluates them at
 * (Pati et al. ASPLOS'24; REFERENCES.md "T3").
 *
 * File: one JSON object, every key required, no others:
 *   "name"    1..31 characters from A-Z a-z 0-9 _ . -
 *   "hidden"  hidden size (> 0)
 *   "layers"  decoder blocks (> 0)
 *   "heads"   attention heads (> 0)
 *   "tokens"  input tokens of one pass, batch x sequence length (> 0)
 *   "tp"      1..8 tensor-parallel degrees, each 2..64 (a ring of at
 *             least two devices, at most T3_MAX_DEVICES)
 *   "source"  a non-empty string citing the shapes
 * Errors: one line "FILE: field: what was expected", CODA_EINVAL; a file
 * that cannot be read, CODA_EIO.
 */
#ifndef CODA_T3WL_H
#define CODA_T3WL_H

#include <stdint.h>

#include "../sim/core/status.h"

#define T3_MODEL_MAX_TP 8 /* tp degrees per model file */

typedef struct t3_model {
  char name[32];          /* "tnlg", ... */
  uint64_t hidden;        /* hidden size */
  uint64_t tokens;        /* batch x sequence length */
  uint32_t layers;        /* decoder blocks */
  uint32_t heads;         /* attention heads */
  uint32_t tp[T3_MODEL_MAX_TP]; /* tensor-parallel degrees evaluated */
  uint32_t ntp;           /* entries of tp */
} t3_model_t;

/* Loads path into m (zeroed first). */
int t3_model_load(const char *path, t3_model_t *m, coda_err_t *err);

#endif
