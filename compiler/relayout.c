/* relayout.c: offline weight re-layout (see relayout.h and docs/machine.md). */
#include "relayout.h"

#include <string.h>

#include "../sim/core/config.h"

uint64_t relayout_row_bytes(int core, uint32_t kp, int wbits) {
  return core == ARCH_CORE_LUT ? kp / 8u : (uint64_t)kp * (uint64_t)wbits / 8u;
}

uint64_t relayout_bytes(uint32_t n, uint32_t kp, int wbits) {
  return (uint64_t)n * (uint64_t)wbits * kp / 8u;
}

/* Sets bit `bit` (little-endian bit order) of row. */
static void put_bit(uint8_t *row, uint64_t bit) { row[bit >> 3] |= (uint8_t)(1u << (bit & 7)); }

int relayout_weights(int core, uint32_t core_k, const uint8_t *q, uint32_t n, uint32_t k,
                     uint32_t kp, int wbits, uint8_t *out, coda_err_t *err) {
  if (wbits < 1 || wbits > 4 || core_k < 1 || core_k > 8 || kp < k || kp % 8 || kp % core_k)
    return coda_errf(err, CODA_EINVAL, "relayout: bad shape (k %u, kp %u, W %d, K %u)", k, kp,
                     wbits, core_k);
  uint64_t rb = relayout_row_bytes(core, kp, wbits);
  memset(out, 0, relayout_bytes(n, kp, wbits));
  uint32_t wmask = (1u << wbits) - 1;
  for (uint32_t r = 0; r < n; r++) {
    const uint8_t *qr = q + (uint64_t)r * k;
    if (core == ARCH_CORE_MAC) {
      uint8_t *row = out + r * rb;
      for (uint32_t j = 0; j < k; j++)
        for (int b = 0; b < wbits; b++)
          if ((qr[j] & wmask) >> b & 1u) put_bit(row, (uint64_t)j * wbits + b);
      continue;
    }
    for (int b = 0; b < wbits; b++) {
      uint8_t *row = out + ((uint64_t)r * wbits + b) * rb;
      for (uint32_t g = 0; g < kp / core_k; g++) {
        /* bit b of the group's weights, 0 in the padding */
        uint32_t s[8];
        for (uint32_t j = 0; j < core_k; j++) {
          uint32_t kk = g * core_k + j;
          s[j] = kk < k ? ((qr[kk] & wmask) >> b) & 1u : 0u;
        }
        uint32_t sign = s[core_k - 1];
        uint64_t base = (uint64_t)g * core_k;
        if (sign) put_bit(row, base + core_k - 1);
        for (uint32_t j = 0; j + 1 < core_k; j++)
          if (sign ? s[j] : !s[j]) put_bit(row, base + j);
      }
    }
  }
  return CODA_OK;
}

void relayout_zero_points(int core, const uint8_t *z, uint32_t n, int wbits, int8_t *out) {
  for (uint32_t i = 0; i < n; i++)
    out[i] = core == ARCH_CORE_LUT ? (int8_t)(2 * (int)z[i] + 1 - (1 << wbits)) : (int8_t)z[i];
}
