/* refgemm.h: the independent reference that functional runs are checked
 * against.
 *
 * It regenerates a layer's original operands from its seed
 * (compiler/datagen.h) -- unsigned weights q, zero points z, activations --
 * and computes sum_k a * (q - z) directly, without tables, bit-planes or
 * the re-layout. INT paths must match bit for bit (int64 reference). FP
 * paths are compared with a double-precision reference under an error
 * bound derived from the datapath's rounding steps (refgemm.c says how);
 * the bound is a proof obligation, not a fitted tolerance.
 */
#ifndef CODA_REFGEMM_H
#define CODA_REFGEMM_H

#include <stdint.h>

#include "../../isa/cbin.h"
#include "../core/config.h"

typedef struct ref_result {
  uint64_t checked;      /* outputs compared */
  uint64_t bad;          /* outputs outside the bound (INT: not equal) */
  uint64_t unbounded;    /* FP outputs with no finite bound (e.g. FP16 accumulation of
                            2048+ terms): reported, not judged */
  double max_err;        /* largest |got - reference| */
  double max_err_tol;    /* largest |got - reference| / bound (FP), 0 for INT */
  char first[256];       /* the first mismatch, or "" */
} ref_result_t;

/* Checks layer L's output C (at L->c_addr in the DRAM image) against the
 * reference. Returns CODA_OK (look at r->bad) or an error if the layer
 * cannot be checked (no seed, image too small). */
int ref_check_layer(const cbin_layer_t *L, const arch_cfg_t *cfg, const uint8_t *dram,
                    uint64_t dram_bytes, ref_result_t *r, coda_err_t *err);

/* The FP error bound for one LUT-core output: S = sum |a|, see refgemm.c. */
double ref_lut_fp_bound(double S, uint32_t G, uint32_t wbits, int zq, int tq, int acc_fp16);
/* The FP error bound for one MAC-core output: P = sum |a (q - z)|. */
double ref_mac_fp_bound(double P, uint32_t kp, uint32_t K, int acc_fp16);

#endif
