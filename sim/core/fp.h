/* fp.h: the number formats of coda's datapaths, bit-exact in software.
 *
 * FP16 is IEEE 754 binary16; FP8 is OCP E4M3 (bias 7, max 448, no infinity,
 * NaN = S.1111.111; OCP 8-bit Floating Point Specification v1.0 §5.3).
 * Widening to float is exact; narrowing rounds to nearest, ties to even.
 */
#ifndef CODA_FP_H
#define CODA_FP_H

#include <stdint.h>

float fp_f16_to_f32(uint16_t h);
uint16_t fp_f32_to_f16(float f);   /* RNE, overflow to +-inf */
float fp_e4m3_to_f32(uint8_t b);
uint8_t fp_f32_to_e4m3(float f);   /* RNE, saturates to +-448 */
/* Rounds f to the nearest binary16 value and returns it as float. */
float fp_round_f16(float f);

#endif
