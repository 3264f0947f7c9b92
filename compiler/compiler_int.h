/* compiler_int.h: what the compiler's files share and nobody else needs.
 *
 * A plan is one layer's tiling made concrete: tile counts, how K and N are
 * chunked when a row block's tables or activations do not fit on chip, which
 * buffers are double-buffered, and every buffer region's base address. The
 * tiler (tiler.c) searches over plans; the code generator (codegen.c) walks
 * the chosen one. Both use the same cplan_make, so what the tiler costed is
 * what the program does.
 */
#ifndef CODA_COMPILER_INT_H
#define CODA_COMPILER_INT_H

#include <stdint.h>

#include "compiler.h"

/* On-chip regions start on 8-byte boundaries: the natural alignment of the
 * widest element (an INT64 accumulator). */
#define CPLAN_ONCHIP_ALIGN 8u
/* DRAM tensors start on 64-byte boundaries: one memory burst, so no two
 * tensors share a burst. */
#define CPLAN_DRAM_ALIGN 64u

typedef struct cplan {
  /* the problem */
  int core;            /* ARCH_CORE_* */
  uint32_t m, n, k;    /* logical GEMM */
  uint32_t kp;         /* k padded to kpad */
  uint32_t kpad;       /* lcm(8, core.k): the K tile granule */
  int wbits;           /* 1..4 */
  int atype;           /* ISA_ATYPE_* */
  int acct;            /* ISA_ACC_* */
  int tq;              /* tables quantized (FP activations, LUT core, core.table_quant) */
  int ewop;            /* ISA_EW_* before the GEMM */
  /* tiles */
  uint32_t mt, nt, kt;        /* tile sizes */
  uint32_t n_mt, n_nt, n_kt;  /* tile counts along m, n, k */
  uint32_t kc, n_kc;          /* k-tiles per k-chunk, k-chunks (n_kc > 1: K chunked) */
  uint32_t nc, n_nc;          /* n-tiles per n-chunk, n-chunks (n_nc > 1 only if K chunked) */
  int prefetch;               /* 1: the next row block's A and tables are built while the
                                 current one computes (two ABUF/TBUF sets) */
  uint32_t w_halves;          /* WBUF tile slots: 2 (ping-pong) or 1 */
  uint32_t c_slots;           /* CBUF accumulator slots in use */
  /* bytes */
  uint32_t asz;               /* activation element bytes */
  uint32_t accb;              /* accumulator element bytes */
  uint32_t tblk;              /* bytes of one table block (E entries [+ scale]) */
  uint32_t a_tile, t_tile;    /* bytes of a full A tile in ABUF / its tables in TBUF (aligned) */
  uint32_t w_tile;            /* bytes of a full weight tile + zero points (aligned) */
  uint32_t c_slot;            /* bytes of a full accumulator tile + row sums (aligned) */
  /* buffer bases */
  uint32_t a_base[2];         /* ABUF sets (set 1 used only by a prefetching MAC plan) */
  uint32_t t_base[2];         /* TBUF sets (set 1 used only when prefetching) */
  uint32_t w_base[2];         /* WBUF tile slots */
} cplan_t;

/* Bytes of one table block in TBUF (docs/machine.md "Tables"): 2^(K-1)
 * entries of int16 (INT8 acts), int32 (INT16), FP16, or int8 + an FP32 scale
 * when tq (FP only). */
uint32_t cplan_table_block_bytes(const arch_cfg_t *cfg, int atype, int tq);

/* The accumulator type for g on cfg (machine.md: INT64 when INT32 could
 * overflow; FP per core.acc_fp). */
int cplan_acct(const arch_cfg_t *cfg, const wl_gemm_t *g);

/* Fills p for g with tiles (mt, nt, kt), prefetching row blocks or not;
 * returns 0 if the plan fits every buffer and instruction field, -1 if not
 * (p is then incomplete). */
int cplan_make(const arch_cfg_t *cfg, const wl_gemm_t *g, uint32_t mt, uint32_t nt,
               uint32_t kt, int prefetch, cplan_t *p);

/* The cost model's cycle estimate of p (one instance of the layer). */
double cplan_cost(const arch_cfg_t *cfg, const cplan_t *p, int fuse);

/* Plans g: the cheapest fitting tiling (compile_choose_tiling's search). */
int cplan_choose(const arch_cfg_t *cfg, const wl_gemm_t *g, cplan_t *p, double *cost,
                 coda_err_t *err);

#endif
