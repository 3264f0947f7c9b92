/* refgemm.c: reference GEMM and the FP error bounds (see refgemm.h).
 *
 * FP bounds, with u32 = 2^-24, u16 = 2^-11 (unit roundoffs of binary32 /
 * binary16), u_acc the accumulator's, gamma(n, u) = n u / (1 - n u) (Higham,
 * Accuracy and Stability of Numerical Algorithms, 2nd ed., Lemma 3.1):
 *
 * LUT core. A table entry is a sum of K activations of one group g computed
 * in binary32 (K-1 additions), then stored as binary16 (one rounding) or as
 * INT8 with one scale per table (error at most half a step, scale =
 * max|entry| / 127 <= S_g / 127). So |entry' - entry| <= eps_e * S_g with
 * eps_e = K u32 + u16 (FP16 entries) or 1/254 + 4 u32 (INT8 entries), plus
 * 2^-25 absolute for binary16 subnormals. An output adds G*W terms
 * +-2^b entry' (|sum of |terms|| <= (2^W - 1) S (1 + eps_e)) in u_acc, the
 * row sum adds G entries, and the epilogue computes (acc - z' rs) / 2 with
 * two more roundings. Summing the pieces:
 *   bound = 1/2 [ (2^W-1) S (eps_e + gamma(G W) (1+eps_e))
 *               + |z'| S (eps_e + gamma(G) (1+eps_e))
 *               + 2 u_acc (2^W - 1 + |z'|) S (1+eps_e)(1+gamma(G W)) ]
 *           + G (2^W - 1 + |z'|) 2^-25
 *
 * MAC core. Products a (q - z) of an FP16/FP8 value and an integer of at
 * most 5 bits are exact in binary32. Each K-wide step sums its products in
 * binary32 (error <= gamma(K, u32) P_step) and adds the step into the
 * accumulator (ceil(kp/K) roundings in u_acc):
 *   bound = (gamma(K, u32) + gamma(ceil(kp/K), u_acc) (1 + gamma(K, u32))) P
 */
#include "refgemm.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/datagen.h"
#include "../dev/bufs.h"

/* gamma(n, u); infinite once n u >= 1, where no bound of this form holds. */
static double gam(double n, double u) { return n * u < 1.0 ? n * u / (1.0 - n * u) : INFINITY; }

double ref_lut_fp_bound(double S, uint32_t G, uint32_t wbits, int zq, int tq, int acc_fp16) {
  const double u32 = 0x1p-24, u16 = 0x1p-11, ua = acc_fp16 ? u16 : u32;
  double wm = (double)((1u << wbits) - 1), z = fabs((double)zq);
  double eps = tq ? 1.0 / 254.0 + 4 * u32 : 8 * u32 + u16; /* K <= 8 additions */
  double gw = gam((double)G * wbits, ua), gg = gam((double)G, ua);
  double b = 0.5 * (wm * S * (eps + gw * (1 + eps)) + z * S * (eps + gg * (1 + eps)) +
                    2 * ua * (wm + z) * S * (1 + eps) * (1 + gw));
  return b + (double)G * (wm + z) * 0x1p-25;
}

double ref_mac_fp_bound(double P, uint32_t kp, uint32_t K, int acc_fp16) {
  const double u32 = 0x1p-24, ua = acc_fp16 ? 0x1p-11 : u32;
  double gk = gam(K, u32), steps = (double)((kp + K - 1) / K);
  return (gk + gam(steps, ua) * (1 + gk)) * P;
}

int ref_check_layer(const cbin_layer_t *L, const arch_cfg_t *cfg, const uint8_t *dram,
                    uint64_t dram_bytes, ref_result_t *r, coda_err_t *err) {
  memset(r, 0, sizeof *r);
  uint32_t ab = dev_acc_bytes(L->acct);
  if (L->c_addr + (uint64_t)L->m * L->n * ab > dram_bytes)
    return coda_errf(err, CODA_EINVAL, "layer %s: output C lies outside the DRAM image", L->name);
  gemm_data_t d;
  int rc = datagen_gemm(&d, L->m, L->n, L->k, L->atype, L->wbits, L->seed, (datagen_dist_e)L->dist, err);
  if (rc) return rc;
  const int fp = dev_atype_is_fp(L->atype), lut = L->core == ARCH_CORE_LUT;
  const int accf16 = L->acct == ISA_ACC_FP16;
  const uint32_t K = (uint32_t)cfg->core_k;
  const uint8_t *c = dram + L->c_addr;
  for (uint32_t i = 0; i < L->m; i++) {
    for (uint32_t j = 0; j < L->n; j++) {
      const uint8_t *cp = c + ((uint64_t)i * L->n + j) * ab;
      int zj = d.z[j];
      r->checked++;
      if (!fp) {
        int64_t ref = 0;
        for (uint32_t k = 0; k < L->k; k++)
          ref += (int64_t)datagen_a_value(&d, (uint64_t)i * L->k + k) * ((int)d.q[(uint64_t)j * L->k + k] - zj);
        int64_t got;
        if (ab == 8) memcpy(&got, cp, 8);
        else { int32_t v; memcpy(&v, cp, 4); got = v; }
        if (got != ref) {
          double e = fabs((double)got - (double)ref);
          if (e > r->max_err) r->max_err = e;
          if (!r->bad++)
            snprintf(r->first, sizeof r->first, "C[%u][%u] = %" PRId64 ", reference %" PRId64, i, j, got, ref);
        }
        continue;
      }
      double ref = 0, S = 0, P = 0;
      for (uint32_t k = 0; k < L->k; k++) {
        double a = datagen_a_value(&d, (uint64_t)i * L->k + k);
        double w = (double)((int)d.q[(uint64_t)j * L->k + k] - zj);
        ref += a * w;
        S += fabs(a);
        P += fabs(a * w);
      }
      float got;
      memcpy(&got, cp, 4);
      int zq = 2 * zj + 1 - (1 << L->wbits);
      double tol = lut ? ref_lut_fp_bound(S, L->kp / K, L->wbits, zq, L->tq, accf16)
                       : ref_mac_fp_bound(P, L->kp, K, accf16);
      double e = fabs((double)got - ref);
      if (!isfinite(got)) e = INFINITY;
      if (isinf(tol)) {
        r->unbounded++;
        continue;
      }
      if (e > r->max_err) r->max_err = e;
      if (tol > 0 && e / tol > r->max_err_tol) r->max_err_tol = e / tol;
      if (e > tol || (tol == 0 && e != 0)) {
        if (!r->bad++)
          snprintf(r->first, sizeof r->first, "C[%u][%u] = %.9g, reference %.9g, |error| %.3g > bound %.3g",
                   i, j, (double)got, ref, e, tol);
      }
    }
  }
  datagen_free(&d);
  return CODA_OK;
}
