/* pim_fp.c: the PIM bank's binary16 multiplier and binary32 adder in integer
 * bit manipulation (see pim_fp.h for the exact semantics). RTL twins:
 * rtl/pim/pim_fp16_mul.v and rtl/pim/pim_fp32_add.v, the same steps. */
#include "pim_fp.h"

uint32_t pim_fp16_mul(uint16_t a, uint16_t b) {
  const uint32_t s = (uint32_t)((a ^ b) >> 15) & 1u;
  const uint32_t ea = (a >> 10) & 0x1fu, eb = (b >> 10) & 0x1fu;
  const uint32_t fa = a & 0x3ffu, fb = b & 0x3ffu;
  const int a_nan = ea == 31 && fa, b_nan = eb == 31 && fb;
  const int a_inf = ea == 31 && !fa, b_inf = eb == 31 && !fb;
  const int a_zero = ea == 0 && !fa, b_zero = eb == 0 && !fb;
  if (a_nan || b_nan || (a_inf && b_zero) || (b_inf && a_zero)) return PIM_FP_NAN;
  if (a_inf || b_inf) return s << 31 | 0x7f800000u;
  if (a_zero || b_zero) return s << 31;
  /* significands with the hidden bit; a subnormal counts as exponent 1 */
  const uint32_t ma = (ea ? 0x400u : 0) | fa, mb = (eb ? 0x400u : 0) | fb;
  const uint32_t p = ma * mb; /* < 2^22, non-zero */
  uint32_t msb = 21;
  while (!(p >> msb & 1u)) msb--;
  /* value = p * 2^(Ea + Eb - 50) = 1.f * 2^(msb + Ea + Eb - 50), bias 127 */
  const uint32_t e = msb + (ea ? ea : 1) + (eb ? eb : 1) + 77;
  const uint32_t frac = (p << (23 - msb)) & 0x7fffffu;
  return s << 31 | e << 23 | frac;
}

uint32_t pim_fp32_add(uint32_t a, uint32_t b) {
  const uint32_t ea = (a >> 23) & 0xffu, eb = (b >> 23) & 0xffu;
  const uint32_t fa = a & 0x7fffffu, fb = b & 0x7fffffu;
  const uint32_t sa = a >> 31, sb = b >> 31;
  if ((ea == 255 && fa) || (eb == 255 && fb)) return PIM_FP_NAN;
  if (ea == 255 && eb == 255) return sa == sb ? a : PIM_FP_NAN;
  if (ea == 255) return a;
  if (eb == 255) return b;
  /* x: the operand of larger magnitude (a on a tie) */
  const int swap = (b & 0x7fffffffu) > (a & 0x7fffffffu);
  const uint32_t sx = swap ? sb : sa, sy = swap ? sa : sb;
  const uint32_t ex = swap ? eb : ea, ey = swap ? ea : eb;
  const uint32_t fx = swap ? fb : fa, fy = swap ? fa : fb;
  const uint32_t Ex = ex ? ex : 1, Ey = ey ? ey : 1;
  const uint32_t mx = ((ex ? 0x800000u : 0) | fx) << 3; /* 27 bits: 24 + guard, round, sticky */
  const uint32_t my0 = ((ey ? 0x800000u : 0) | fy) << 3;
  const uint32_t d = Ex - Ey;
  uint32_t my;
  if (d >= 27) my = my0 != 0;
  else my = (my0 >> d) | ((my0 & ((1u << d) - 1)) != 0);
  uint32_t s = sx == sy ? mx + my : mx - my; /* 28 bits */
  if (s == 0) return sx == sy ? sx << 31 : 0;
  uint32_t E = Ex;
  if (s >> 27 & 1u) {
    s = (s >> 1) | (s & 1u);
    E++;
  } else {
    uint32_t lz = 0;
    while (!(s >> (26 - lz) & 1u)) lz++;
    const uint32_t sh = lz < E - 1 ? lz : E - 1;
    s <<= sh;
    E -= sh;
  }
  uint32_t m = s >> 3; /* 24 bits */
  const uint32_t g = (s >> 2) & 1u, r = (s >> 1) & 1u, st = s & 1u;
  m += g & (r | st | (m & 1u));
  if (m >> 24) {
    m >>= 1;
    E++;
  }
  if (E >= 255) return sx << 31 | 0x7f800000u;
  const uint32_t efield = (m >> 23 & 1u) ? E : 0;
  return sx << 31 | efield << 23 | (m & 0x7fffffu);
}

uint32_t pim_fp32_tree16(const uint32_t p[16]) {
  uint32_t v[16];
  for (int i = 0; i < 16; i++) v[i] = p[i];
  for (int n = 16; n > 1; n /= 2)
    for (int i = 0; i < n / 2; i++) v[i] = pim_fp32_add(v[2 * i], v[2 * i + 1]);
  return v[0];
}
