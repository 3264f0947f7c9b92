/* cbin.h: the coda program container (.cbin).
 *
 * A .cbin holds one program: its instructions (128-bit words from isa/), the
 * per-layer descriptors that reports and `--check` use, and optional data
 * segments (operand bytes placed in DRAM before the run). Timing-only
 * programs carry no segments.
 *
 * File layout (all integers little-endian):
 *   magic    8 bytes "CODABIN1"
 *   u32 version (CBIN_VERSION), u32 flags
 *   u64 dram_bytes                 DRAM footprint the program touches
 *   char arch_name[64], char workload_name[64]   NUL-padded
 *   u32 n_insn, u32 n_layer, u32 n_seg
 *   n_insn  x 16 bytes             instruction words, w[0] then w[1]
 *   n_layer x cbin_layer_t record  (fixed-size record, see cbin.c)
 *   n_seg   x { u64 addr, u64 bytes, u64 zbytes, zbytes of zlib data }
 *   u32 crc32 of every byte before it (zlib crc32)
 * The reader treats the file as untrusted: it checks the magic, version,
 * every count against CBIN_MAX_* and the bytes left, the CRC, that segments
 * lie inside dram_bytes and inflate to exactly `bytes`, and that every
 * instruction decodes. Any failure is one line naming the file and what is
 * wrong, with CODA_EINVAL.
 */
#ifndef CODA_CBIN_H
#define CODA_CBIN_H

#include <stdint.h>

#include "isa.h"
#include "../sim/core/status.h"

#define CBIN_VERSION 1
#define CBIN_F_DATA 1u /* segments hold operand data: the run is functional */

#define CBIN_MAX_INSN (1u << 28)
#define CBIN_MAX_LAYER (1u << 20)
#define CBIN_MAX_SEG (1u << 20)
#define CBIN_MAX_DRAM_BYTES (1ull << 40)

/* One GEMM layer of the program: what reports print per layer and what
 * `--check` regenerates its reference from. */
typedef struct cbin_layer {
  char name[64];        /* e.g. "L0.qkv.prefill" */
  uint32_t first_insn;  /* index of the layer's first instruction */
  uint32_t n_insn;      /* instructions in the layer */
  uint32_t m, n, k;     /* logical GEMM shape C[m][n] = A[m][k] W[n][k]^T */
  uint32_t kp;          /* k padded to the K tile granule */
  uint8_t core;         /* ARCH_CORE_LUT or ARCH_CORE_MAC */
  uint8_t atype;        /* ISA_ATYPE_* */
  uint8_t wbits;        /* 1..4 */
  uint8_t acct;         /* ISA_ACC_* */
  uint8_t ewop;         /* ISA_EW_*: element-wise op before the GEMM */
  uint8_t fused;        /* 1 if precompute was fused into ewop */
  uint8_t tq;           /* tables quantized to INT8 */
  uint8_t dist;         /* datagen_dist_e of the operand data */
  uint64_t a_addr;      /* DRAM: A[m][kp], activation type */
  uint64_t w_addr;      /* DRAM: weights in the core's layout */
  uint64_t z_addr;      /* DRAM: zero points [n], int8 (z or z') */
  uint64_t c_addr;      /* DRAM: C[m][n], accumulator type */
  uint64_t seed;        /* operand data seed (compiler/datagen.h) */
  uint32_t repeat;      /* identical layers this one stands for (>= 1) */
  uint32_t pad2;        /* 0 */
} cbin_layer_t;

typedef struct cbin_seg {
  uint64_t addr;  /* DRAM byte address */
  uint64_t bytes; /* length */
  uint8_t *data;  /* bytes (owned) */
} cbin_seg_t;

typedef struct cbin {
  uint32_t flags;          /* CBIN_F_* */
  uint64_t dram_bytes;     /* footprint */
  char arch_name[64];      /* config the program was compiled for */
  char workload_name[64];  /* workload it came from */
  uint32_t n_insn;
  isa_word_t *insn;        /* owned */
  uint32_t n_layer;
  cbin_layer_t *layer;     /* owned */
  uint32_t n_seg;
  cbin_seg_t *seg;         /* owned */
} cbin_t;

/* Writes p to path. */
int cbin_write(const cbin_t *p, const char *path, coda_err_t *err);
/* Reads path into p (zeroed first); on failure p holds nothing to free. */
int cbin_read(cbin_t *p, const char *path, coda_err_t *err);
/* Same, from a memory image; `origin` names it in messages. */
int cbin_read_mem(cbin_t *p, const uint8_t *buf, uint64_t len,
                  const char *origin, coda_err_t *err);
/* Frees what p owns and zeroes it. */
void cbin_free(cbin_t *p);

/* Growth helpers for builders (compiler, assembler). Return CODA_ENOMEM on
 * allocation failure. */
int cbin_push_insn(cbin_t *p, const isa_word_t *w, coda_err_t *err);
int cbin_push_layer(cbin_t *p, const cbin_layer_t *l, coda_err_t *err);
/* Takes ownership of data. */
int cbin_push_seg(cbin_t *p, uint64_t addr, uint64_t bytes, uint8_t *data,
                  coda_err_t *err);

#endif
