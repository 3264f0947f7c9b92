/* bufs.h: the on-chip buffers and DRAM image of one device, as the units'
 * functional datapaths see them. Timing never reads these bytes; a
 * timing-only run leaves `functional` 0 and the arrays unused. */
#ifndef CODA_DEV_BUFS_H
#define CODA_DEV_BUFS_H

#include <stdint.h>

#include "../../isa/isa.h"

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

#endif
