/* relayout.h: offline weight re-layout into the cores' DRAM layouts.
 *
 * docs/machine.md "Weights: quantization and the two layouts" is the contract:
 *   MAC core: row n = q[n][0..kp) packed W bits per element, bit-stream
 *             little-endian (element k at bit k*W of the row);
 *   LUT core: row n*W + b = bit-plane b of row n, one K-bit field per group of
 *             K = core.k weights at bit g*K: bit K-1 the sign (bit b of the
 *             group's last weight), bits 0..K-2 the index (the other weights'
 *             bits, inverted when the sign bit is 0: LUT TC §3.2.1).
 * Both occupy n*W*kp/8 bytes; k in [k, kp) is padded with q = 0. Zero points
 * are int8: z for MAC, z' = 2z + 1 - 2^W for LUT (LUT TC §3.2.1).
 */
#ifndef CODA_RELAYOUT_H
#define CODA_RELAYOUT_H

#include <stdint.h>

#include "../sim/core/status.h"

/* Bytes of one DRAM row of the layout: kp/8 (LUT, one bit-plane) or kp*W/8
 * (MAC). kp must be a multiple of 8. */
uint64_t relayout_row_bytes(int core, uint32_t kp, int wbits);

/* Bytes of the whole re-laid n x kp matrix (n*W*kp/8 for both cores). */
uint64_t relayout_bytes(uint32_t n, uint32_t kp, int wbits);

/* Re-lays q[n][k] (unsigned, < 2^wbits) for core (ARCH_CORE_*) with group
 * size core_k into out (relayout_bytes(n, kp, wbits) bytes, overwritten).
 * kp must be >= k and a multiple of lcm(8, core_k). */
int relayout_weights(int core, uint32_t core_k, const uint8_t *q, uint32_t n, uint32_t k,
                     uint32_t kp, int wbits, uint8_t *out, coda_err_t *err);

/* Zero points in the core's form: z (MAC) or z' = 2z + 1 - 2^W (LUT). */
void relayout_zero_points(int core, const uint8_t *z, uint32_t n, int wbits, int8_t *out);

#endif
