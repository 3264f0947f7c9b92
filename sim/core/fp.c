/* fp.c: binary16 and E4M3 conversions (see fp.h). Written from the format
 * definitions: IEEE 754-2008 §3.6 (binary16) and OCP FP8 v1.0 (E4M3). */
#include "fp.h"

#include <math.h>
#include <string.h>

static uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

float fp_f16_to_f32(uint16_t h) {
  uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e == 0x1f) return u2f(s | 0x7f800000u | (m << 13));
  if (e == 0) {                        /* zero or subnormal: m * 2^-24 */
    float v = (float)m * 0x1p-24f;
    return s ? -v : v;
  }
  return u2f(s | ((e + 112) << 23) | (m << 13));
}

uint16_t fp_f32_to_f16(float f) {
  uint32_t u = f2u(f), s = (u >> 16) & 0x8000;
  uint32_t a = u & 0x7fffffffu;
  if (a >= 0x7f800000u) return (uint16_t)(s | 0x7c00 | (a > 0x7f800000u ? 0x200 : 0));
  if (a >= 0x477ff000u) return (uint16_t)(s | 0x7c00);   /* rounds to >= 65520 */
  if (a < 0x38800000u) {                                /* below 2^-14: subnormal */
    /* value / 2^-24, rounded to nearest even integer */
    float v = u2f(a) * 0x1p24f;
    float r = nearbyintf(v);                            /* default mode is RNE */
    return (uint16_t)(s | (uint32_t)r);
  }
  uint32_t mant = a & 0x7fffffu, exp = (a >> 23) - 112;
  uint32_t h = (exp << 10) | (mant >> 13), rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;  /* carry may bump exp */
  return (uint16_t)(s | h);
}

float fp_round_f16(float f) { return fp_f16_to_f32(fp_f32_to_f16(f)); }

float fp_e4m3_to_f32(uint8_t b) {
  uint32_t s = b >> 7, e = (b >> 3) & 0xf, m = b & 7;
  float v;
  if (e == 0xf && m == 7) return NAN;
  if (e == 0) v = (float)m * 0x1p-9f;                  /* subnormal: m/8 * 2^-6 */
  else v = ldexpf(1.0f + (float)m / 8.0f, (int)e - 7);
  return s ? -v : v;
}

uint8_t fp_f32_to_e4m3(float f) {
  uint8_t s = signbit(f) ? 0x80 : 0;
  float a = fabsf(f);
  if (isnan(f)) return (uint8_t)(s | 0x7f);
  if (a >= 448.0f) return (uint8_t)(s | 0x7e);         /* saturate to max finite */
  /* find the quantum for a's binade and round to a multiple of it (RNE) */
  int e;
  frexpf(a, &e);                                        /* a = f * 2^e, f in [0.5,1) */
  int exp = e - 1;                                      /* a in [2^exp, 2^(exp+1)) */
  if (exp < -6) exp = -6;                               /* subnormal range */
  float q = ldexpf(1.0f, exp - 3);                      /* 3 mantissa bits */
  float r = nearbyintf(a / q) * q;
  if (r >= 448.0f) return (uint8_t)(s | 0x7e);
  if (r == 0.0f) return s;
  int re;
  frexpf(r, &re);
  int rexp = re - 1;
  if (rexp < -6) return (uint8_t)(s | (uint8_t)(r / 0x1p-9f)); /* subnormal */
  uint32_t m = (uint32_t)((r / ldexpf(1.0f, rexp) - 1.0f) * 8.0f);
  return (uint8_t)(s | (uint32_t)(rexp + 7) << 3 | m);
}
