/* tpe_enc.h: radix-4 digit encoders of an INT8 operand, as the bit-weight-
 * transformed MAC engines use them (HPCA'25 "Exploring the Performance
 * Improvement of Tensor Processing Engines through Transformation in the
 * Bit-weight Dimension of MACs", REFERENCES.md "Bit-weight-transformed MAC
 * engines").
 *
 * An INT8 value a is split into TPE_ENC_DIGITS = 4 radix-4 digits so that
 *   a = sum_{bw=0..3} d[bw] * 4^bw,
 * and a product a * b becomes four partial products d[bw] * b, each one of
 * {0, +-b, +-2b} (a mux and a conditional inversion, no multiplier).
 *
 *   MBE (modified Booth): d[bw] = -2 a[2bw+1] + a[2bw] + a[2bw-1], a[-1] = 0,
 *       digits in {0, +-1, +-2}, read straight from the two's-complement bits.
 *   EN-T: the digits of |a| (0..128) over the digit set {-1, 0, 1, 2},
 *       formed LSB first (a digit value 3 becomes -1 with a carry into the
 *       next digit), plus a sign bit s = (a < 0): a = (-1)^s sum e[bw] 4^bw.
 *       The signed digit the datapath uses is d[bw] = (-1)^s e[bw]. This is
 *       our reading of the digit set the paper names; |a| <= 128 < 170 =
 *       2 * (1 + 4 + 16 + 64), so four digits always suffice.
 *
 * Either way the datapath sees each digit as three wires (tpe_digit_t):
 * neg (d < 0), one (|d| = 1), two (|d| = 2); a zero digit has all three 0.
 * RTL twin: rtl/tpe/tpe_tree_enc.v (the same wires, both encodings).
 * Leaves out: nothing of the encoders; the non-zero-digit counts feed the
 * data-dependent timing of the later bit-serial design (OPT3).
 */
#ifndef CODA_TPE_ENC_H
#define CODA_TPE_ENC_H

#include <stdint.h>

#define TPE_ENC_DIGITS 4 /* radix-4 digits of an INT8 operand */

typedef enum {
  TPE_ENC_MBE = 0, /* modified Booth; params.def tpe.encoding "mbe" */
  TPE_ENC_ENT = 1  /* EN-T; params.def tpe.encoding "ent" */
} tpe_enc_e;

/* One radix-4 digit as the partial-product mux sees it. */
typedef struct tpe_digit {
  uint8_t neg; /* the digit is negative */
  uint8_t one; /* |d| = 1 */
  uint8_t two; /* |d| = 2 */
} tpe_digit_t;

/* The four digits of a (LSB digit first) in encoding e. */
void tpe_enc_digits(tpe_enc_e e, int8_t a, tpe_digit_t d[TPE_ENC_DIGITS]);

/* The signed value of a digit: -2..2. */
static inline int tpe_digit_value(tpe_digit_t d) {
  int m = d.one ? 1 : d.two ? 2 : 0;
  return d.neg ? -m : m;
}

/* Non-zero digits of a in encoding e (0..4): the partial products a
 * sparse-digit PE must issue. */
int tpe_enc_nnz(tpe_enc_e e, int8_t a);

/* "mbe" / "ent". */
const char *tpe_enc_name(tpe_enc_e e);

#endif
