/* bufs.h: the on-chip buffers and DRAM image of one device, as the units'
 * functional datapaths see them. Timing never reads these bytes; a
 * timing-only run leaves `functional` 0 and the arrays unused. */
#ifndef CODA_DEV_BUFS_H
#define CODA_DEV_BUFS_H

#include <stdint.h>
#include <string.h>

#include "../../isa/isa.h"
#include "../core/fp.h"

typedef struct dev_bufs {
  int functional;            /* 1: units compute real values */
  uint8_t *buf[4];           /* indexed by ISA_BUF_*: ABUF, WBUF, TBUF, CBUF */
  uint64_t buf_bytes[4];     /* sizes from the config */
  uint8_t *dram;             /* DRAM image (functional runs only) */
  uint64_t dram_bytes;       /* size of the image */
} dev_bufs_t;

/* Bytes of one accumulator word of type acct in CBUF (docs/machine.md). */
static inline uint32_t dev_acc_bytes(uint32_t acct) { return acct == ISA_ACC_INT64 ? 8 : 4; }
/* Bytes of one activation element. */
static inline uint32_t dev_act_bytes(uint32_t atype) {
  return (atype == ISA_ATYPE_INT16 || atype == ISA_ATYPE_FP16) ? 2 : 1;
}
static inline int dev_atype_is_fp(uint32_t atype) {
  return atype == ISA_ATYPE_FP8 || atype == ISA_ATYPE_FP16;
}

/* n (<= 32) bits starting at bit `bit` of a byte row, little-endian bit
 * order (docs/machine.md: packed weights and bit-plane fields). */
static inline uint32_t dev_bits_at(const uint8_t *row, uint64_t bit, uint32_t n) {
  uint32_t v = 0;
  for (uint32_t j = 0; j < n; j++, bit++) v |= (uint32_t)((row[bit >> 3] >> (bit & 7)) & 1) << j;
  return v;
}

/* One activation element of type atype at p, widened exactly to double. */
static inline double dev_act_value(const uint8_t *p, uint32_t atype) {
  switch (atype) {
    case ISA_ATYPE_INT8: return (int8_t)p[0];
    case ISA_ATYPE_INT16: { int16_t v; memcpy(&v, p, 2); return v; }
    case ISA_ATYPE_FP8: return fp_e4m3_to_f32(p[0]);
    default: { uint16_t h; memcpy(&h, p, 2); return fp_f16_to_f32(h); }
  }
}

#endif
