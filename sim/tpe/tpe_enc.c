/* tpe_enc.c: the MBE and EN-T radix-4 encoders of an INT8 operand (see
 * tpe_enc.h). RTL twin: rtl/tpe/tpe_tree_enc.v. */
#include "tpe_enc.h"

/* Bit i of a's two's-complement byte (bit -1 is 0). */
static unsigned bit(int8_t a, int i) { return i < 0 ? 0u : ((uint8_t)a >> i) & 1u; }

static tpe_digit_t digit_of(int v) {
  tpe_digit_t d = {(uint8_t)(v < 0), (uint8_t)(v == 1 || v == -1), (uint8_t)(v == 2 || v == -2)};
  return d;
}

void tpe_enc_digits(tpe_enc_e e, int8_t a, tpe_digit_t d[TPE_ENC_DIGITS]) {
  if (e == TPE_ENC_MBE) {
    for (int i = 0; i < TPE_ENC_DIGITS; i++) {
      unsigned hi = bit(a, 2 * i + 1), mid = bit(a, 2 * i), lo = bit(a, 2 * i - 1);
      /* the Booth table on (hi, mid, lo), as gates */
      unsigned nhi = hi ^ 1u, nmid = mid ^ 1u, nlo = lo ^ 1u;
      d[i].neg = (uint8_t)(hi & ((mid & lo) ^ 1u));
      d[i].one = (uint8_t)(mid ^ lo);
      d[i].two = (uint8_t)((hi & nmid & nlo) | (nhi & mid & lo));
    }
    return;
  }
  /* EN-T: digits of the magnitude over {-1, 0, 1, 2}, then the sign */
  unsigned s = a < 0, mag = s ? (unsigned)(-(int)a) : (unsigned)a, carry = 0;
  for (int i = 0; i < TPE_ENC_DIGITS; i++) {
    unsigned v = ((mag >> (2 * i)) & 3u) + carry; /* 0..4 */
    int dv = v == 3 ? -1 : v == 4 ? 0 : (int)v;
    carry = v >= 3;
    d[i] = digit_of(s ? -dv : dv);
  }
}

int tpe_enc_nnz(tpe_enc_e e, int8_t a) {
  tpe_digit_t d[TPE_ENC_DIGITS];
  tpe_enc_digits(e, a, d);
  int n = 0;
  for (int i = 0; i < TPE_ENC_DIGITS; i++) n += d[i].one | d[i].two;
  return n;
}

const char *tpe_enc_name(tpe_enc_e e) { return e == TPE_ENC_MBE ? "mbe" : "ent"; }
