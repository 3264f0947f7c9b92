/* datagen.h: seeded operand data for functional runs.
 *
 * A layer's operands come from its seed alone, so `coda run`, `coda sim
 * --check` and the tests regenerate the same original (unsigned, zero-pointed)
 * weights and activations without storing them twice. The generator is
 * SplitMix64 (Steele, Lea, Flood, OOPSLA 2014), written from its definition.
 */
#ifndef CODA_DATAGEN_H
#define CODA_DATAGEN_H

#include <stdint.h>

#include "../sim/core/status.h"

/* Distribution of generated data. */
typedef enum datagen_dist {
  DATAGEN_UNIFORM = 0,  /* activations uniform over the type's range (FP: [-2,2)),
                           weights and zero points uniform over [0, 2^W) */
  DATAGEN_EXTREME = 1,  /* activations at the type's extremes (INT: min/max,
                           FP8: +-448, FP16: +-8192, the largest power of two
                           whose K=4 table sums stay finite in FP16),
                           weights uniform */
  DATAGEN_WZERO = 2,    /* all weights 0, zero points uniform */
  DATAGEN_WONES = 3,    /* all weights 2^W - 1, zero points uniform */
  DATAGEN_COUNT
} datagen_dist_e;

typedef struct gemm_data {
  uint32_t m, n, k;  /* C[m][n] = sum_k A[m][k] (q[n][k] - z[n]) */
  int atype;         /* ISA_ATYPE_* */
  int wbits;         /* 1..4 */
  void *a;           /* m*k: int8_t, int16_t, uint8_t E4M3 bits or uint16_t FP16 bits */
  uint8_t *q;        /* n*k unsigned weights < 2^wbits */
  uint8_t *z;        /* n zero points < 2^wbits */
} gemm_data_t;

/* Bytes per activation element of atype (1 or 2). */
int datagen_asize(int atype);

int datagen_gemm(gemm_data_t *d, uint32_t m, uint32_t n, uint32_t k, int atype, int wbits,
                 uint64_t seed, datagen_dist_e dist, coda_err_t *err);
void datagen_free(gemm_data_t *d);

/* Activation A[i] widened exactly to double. */
double datagen_a_value(const gemm_data_t *d, uint64_t i);

/* SplitMix64 step on *state. */
uint64_t datagen_next(uint64_t *state);

#endif
