/* pim_fp.h: the PIM bank's FP arithmetic, bit for bit as its RTL computes it
 * (rtl/pim/pim_fp16_mul.v, rtl/pim/pim_fp32_add.v).
 *
 * Formats: IEEE 754-2008 binary16 operands (§3.6), binary32 products, sums
 * and accumulator. The arithmetic, exactly:
 *   multiply  binary16 x binary16 -> binary32, exact: the 11 x 11-bit
 *             significand product has at most 22 bits (< 24), and its
 *             exponent lies in [2^-48, 2^32), inside binary32's normal range,
 *             so no rounding ever happens and no product is subnormal.
 *             Subnormal binary16 inputs are honoured (not flushed).
 *   add       binary32 + binary32 -> binary32, rounded to nearest, ties to
 *             even (IEEE 754 §4.3.1), subnormal inputs and results honoured
 *             (no flush), overflow to +-infinity.
 *   specials  any NaN input, inf x 0, inf + (-inf) give the canonical NaN
 *             PIM_FP_NAN (0x7fc00000, sign 0: payloads are not propagated);
 *             inf x finite non-zero and inf + finite keep the infinity; an
 *             exact zero sum of operands of different signs is +0, of two
 *             -0 is -0 (IEEE 754 §6.3, round-to-nearest); a zero product has
 *             the sign xor of the operands.
 * These are IEEE 754 results except for the NaN payload, so a C float
 * (IEEE binary32, round-to-nearest, no flush-to-zero) with its NaNs mapped to
 * PIM_FP_NAN is an independent reference (tests/pim_bank_test.cc).
 *
 * The adder, one algorithm in C and Verilog: operands ordered by magnitude
 * (|x| >= |y| by their 31-bit magnitude fields), 24-bit significands with
 * the hidden bit (exponent field 0 counts as 1, hidden bit 0), three extra
 * bits (guard, round, sticky): mx = Mx << 3, my = (My << 3) >> d with the
 * shifted-out bits ORed into bit 0 (d = Ex - Ey; d >= 27 leaves only the
 * sticky); s = mx +- my (28 bits); a carry out shifts right by one (sticky
 * kept) and bumps E; otherwise s shifts left by min(leading zeros, E - 1)
 * (subnormal results stop at E = 1); RNE on the three extra bits; a
 * significand carry after rounding bumps E; E >= 255 is infinity.
 */
#ifndef CODA_PIM_FP_H
#define CODA_PIM_FP_H

#include <stdint.h>

#define PIM_FP_NAN 0x7fc00000u /* the canonical binary32 NaN of every NaN result */

/* a x b of two binary16 values as an exact binary32 value. */
uint32_t pim_fp16_mul(uint16_t a, uint16_t b);
/* a + b of two binary32 values, rounded to nearest even. */
uint32_t pim_fp32_add(uint32_t a, uint32_t b);
/* The adder tree of one COMP: p[0..16) summed pairwise, level by level
 * ((p0 + p1) + (p2 + p3)) + ..., 4 levels, 15 adders. */
uint32_t pim_fp32_tree16(const uint32_t p[16]);

#endif
