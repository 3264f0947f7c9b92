/* datagen.c: seeded operands (see datagen.h). */
#include "datagen.h"

#include <stdlib.h>
#include <string.h>

#include "../isa/isa.h"
#include "../sim/core/fp.h"

uint64_t datagen_next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

int datagen_asize(int atype) {
  return (atype == ISA_ATYPE_INT16 || atype == ISA_ATYPE_FP16) ? 2 : 1;
}

/* Uniform double in [-2, 2). */
static double unit4(uint64_t *s) { return (double)(datagen_next(s) >> 11) * 0x1p-53 * 4.0 - 2.0; }

int datagen_gemm(gemm_data_t *d, uint32_t m, uint32_t n, uint32_t k, int atype, int wbits,
                 uint64_t seed, datagen_dist_e dist, coda_err_t *err) {
  memset(d, 0, sizeof *d);
  if (wbits < 1 || wbits > 4)
    return coda_errf(err, CODA_EINVAL, "datagen: wbits %d outside 1..4", wbits);
  d->m = m; d->n = n; d->k = k; d->atype = atype; d->wbits = wbits;
  uint64_t na = (uint64_t)m * k, nw = (uint64_t)n * k;
  d->a = malloc(na * (uint64_t)datagen_asize(atype) + 1);
  d->q = malloc(nw + 1);
  d->z = malloc((uint64_t)n + 1);
  if (!d->a || !d->q || !d->z) {
    datagen_free(d);
    return coda_errf(err, CODA_ENOMEM, "datagen: out of memory for a %ux%ux%u GEMM", m, n, k);
  }
  uint64_t s = seed ^ 0x636f646164617461ull; /* "codadata" */
  uint32_t wmax = (1u << wbits) - 1;
  for (uint64_t i = 0; i < na; i++) {
    uint64_t r = datagen_next(&s);
    int ext = dist == DATAGEN_EXTREME, sgn = (int)(r >> 63);
    switch (atype) {
      case ISA_ATYPE_INT8:
        ((int8_t *)d->a)[i] = ext ? (sgn ? -128 : 127) : (int8_t)(r & 0xff);
        break;
      case ISA_ATYPE_INT16:
        ((int16_t *)d->a)[i] = ext ? (sgn ? -32768 : 32767) : (int16_t)(r & 0xffff);
        break;
      case ISA_ATYPE_FP8:
        ((uint8_t *)d->a)[i] = ext ? (uint8_t)(sgn ? 0xfe : 0x7e) : fp_f32_to_e4m3((float)unit4(&s));
        break;
      default:
        ((uint16_t *)d->a)[i] = ext ? (uint16_t)(sgn ? 0xf000 : 0x7000)
                                    : fp_f32_to_f16((float)unit4(&s));
        break;
    }
  }
  for (uint64_t i = 0; i < nw; i++) {
    uint32_t v = (uint32_t)(datagen_next(&s) & wmax);
    d->q[i] = (uint8_t)(dist == DATAGEN_WZERO ? 0 : dist == DATAGEN_WONES ? wmax : v);
  }
  for (uint32_t i = 0; i < n; i++) d->z[i] = (uint8_t)(datagen_next(&s) & wmax);
  return CODA_OK;
}

void datagen_free(gemm_data_t *d) {
  free(d->a); free(d->q); free(d->z);
  d->a = NULL; d->q = NULL; d->z = NULL;
}

double datagen_a_value(const gemm_data_t *d, uint64_t i) {
  switch (d->atype) {
    case ISA_ATYPE_INT8: return ((const int8_t *)d->a)[i];
    case ISA_ATYPE_INT16: return ((const int16_t *)d->a)[i];
    case ISA_ATYPE_FP8: return fp_e4m3_to_f32(((const uint8_t *)d->a)[i]);
    default: return fp_f16_to_f32(((const uint16_t *)d->a)[i]);
  }
}
