/* npu.h: the NeuPIMs NPU: weight-stationary systolic arrays and vector units.
 *
 * Models: npu.arrays arrays of npu.array_rows x npu.array_cols FP16 PEs,
 * weight stationary, clocked at npu.freq_mhz, plus npu.vector_units vector
 * units of npu.vector_width lanes, an on-chip weight buffer of npu.wbuf_bytes
 * and a DMA that streams weights from HBM (the streaming itself is the
 * serving engine's, sim/serve/serve_sim.c, through the HBM2 model).
 * A GEMM (M x K) x (K x N) folds onto an array exactly as SCALE-Sim's ws
 * dataflow does (sim/tpe/systolic.h: Sr = K, Sc = N, T = M; ceil(K/R) row
 * folds x ceil(N/C) col folds, col fold outer; each fold
 * sa_fold_cycles(ws, R, C, M) = 2R + C + M - 2 cycles, always the full R, C).
 * The folds go to the arrays in order, npu.arrays at a time: a "group" of
 * folds runs in parallel and takes one fold's cycles, so the GEMM computes in
 * ceil(folds / arrays) x fold cycles when its weights are on chip with
 * npu.ws_preload = serial; with overlap (the default: the NeuPIMs
 * simulator's NPU, see params.def) the first group as above, every later one
 * max(M, R) cycles, the next folds' weights loading into double-buffered
 * PE registers while the current ones stream. A group
 * needs its folds' weights (rows x cols x 2 B each) in the weight buffer; the
 * DMA runs ahead by at most wbuf_bytes (npu_fetch_depth groups).
 * Vector work is element operations: ceil(ops / (units x width)) cycles.
 * Energy: a MAC = one FP16 multiply + one FP16 add; a vector element op = one
 * FP16 multiply + one FP16 add (an upper bound for adds, compares and the
 * exp/tanh approximations, which take several); every weight and activation
 * byte the arrays read from the buffers costs npu.sram_read_pj per 8 B.
 * Leaves out: activation traffic to HBM (activations stay on chip), the
 * arrays' output write-back, inter-device (tensor-parallel) communication,
 * weight prefetch across GEMMs.
 * RTL twin: none.
 * Constants: the npu.* keys of sim/core/params.def (NeuPIMs NPU of
 * REFERENCES.md; Horowitz 45 nm energies).
 */
#ifndef CODA_NPU_H
#define CODA_NPU_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"

typedef struct npu_cfg {
  uint32_t arrays;        /* systolic arrays */
  uint32_t rows, cols;    /* R x C PEs per array */
  uint32_t vus, vwidth;   /* vector units x lanes */
  double freq_mhz;        /* NPU clock */
  uint64_t wbuf_bytes;    /* on-chip weight buffer */
  double mult_pj, add_pj; /* FP16 multiply / add */
  double sram_pj;         /* one 64-bit buffer read */
  int overlap;            /* npu.ws_preload overlap: later groups max(M, R) cycles */
} npu_cfg_t;

/* The fold plan of one GEMM on the NPU. */
typedef struct npu_gemm {
  uint32_t m, k, n;       /* (M x K) x (K x N) */
  uint32_t row_folds;     /* ceil(K / R) */
  uint32_t col_folds;     /* ceil(N / C) */
  uint64_t folds;         /* row_folds x col_folds */
  uint64_t groups;        /* ceil(folds / arrays) */
  uint64_t fold_cycles;   /* NPU cycles of one fold, 2R + C + M - 2 */
  uint64_t next_cycles;   /* NPU cycles of every group after the first: fold_cycles (serial) or max(M, R) (overlap) */
} npu_gemm_t;

/* Reads the npu.* keys. */
void npu_cfg_from_arch(npu_cfg_t *n, const arch_cfg_t *cfg);
void npu_gemm_plan(const npu_cfg_t *c, uint32_t m, uint32_t k, uint32_t n, npu_gemm_t *g);
/* Weight bytes (FP16) of the folds of group grp. */
uint64_t npu_gemm_group_bytes(const npu_cfg_t *c, const npu_gemm_t *g, uint64_t grp);
/* NPU cycles of group grp: fold_cycles for the first, next_cycles after. */
uint64_t npu_gemm_group_cycles(const npu_gemm_t *g, uint64_t grp);
/* NPU cycles of the whole GEMM with its weights on chip: groups x fold cycles
 * (serial), fold cycles + (groups - 1) x max(M, R) (overlap). */
uint64_t npu_gemm_compute_cycles(const npu_gemm_t *g);
/* Groups the DMA may fetch ahead of the arrays (>= 1). */
uint64_t npu_fetch_depth(const npu_cfg_t *c);
/* NPU cycles of `ops` element operations on the vector units. */
uint64_t npu_vec_cycles(const npu_cfg_t *c, uint64_t ops);
/* Energy of a GEMM (MACs + buffer reads) and of vector element operations. */
double npu_gemm_energy_pj(const npu_cfg_t *c, const npu_gemm_t *g);
double npu_vec_energy_pj(const npu_cfg_t *c, uint64_t ops);

#endif
