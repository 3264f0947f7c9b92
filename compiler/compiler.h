/* compiler.h: workloads in, programs out.
 *
 * A workload (workloads/NAME.json) is either a list of explicit GEMM layers or
 * an LLM model descriptor (workloads/models/NAME.json) expanded into the
 * per-layer weight GEMMs of prefill and/or decode at a batch and sequence
 * length. The compiler searches a tiling for the arch config's array and
 * buffers, re-lays weights offline (bit-planes with the symmetrization remap
 * for the LUT core, packed W-bit rows for the MAC core), fuses table
 * precompute into the preceding element-wise op unless told not to, and
 * emits a program (cbin_t) whose meaning is docs/machine.md.
 */
#ifndef CODA_COMPILER_H
#define CODA_COMPILER_H

#include <stdint.h>

#include "../isa/cbin.h"
#include "../sim/core/config.h"
#include "../sim/core/status.h"

/* One GEMM layer of a workload: C[m][n] = A[m][k] * W[n][k]^T. */
typedef struct wl_gemm {
  char name[64];   /* unique within the workload, e.g. "L0.ffn_up.decode" */
  uint32_t m, n, k;
  int wbits;       /* 1..4 */
  int atype;       /* ISA_ATYPE_* */
  int ewop;        /* ISA_EW_*: element-wise op producing A */
  uint32_t repeat; /* how many identical layers this entry stands for (>= 1):
                      a model's 80 decoder blocks are one entry x 80 */
  char phase[16];  /* "prefill", "decode" or "" for explicit GEMMs */
} wl_gemm_t;

typedef struct workload {
  char name[64];
  uint32_t n_gemm;
  wl_gemm_t *gemm;  /* owned */
} workload_t;

/* Loads a workload JSON file. Relative model paths resolve against the
 * workload file's directory. Errors name the file and the field. */
int workload_load(workload_t *w, const char *path, coda_err_t *err);
/* Builds a one-layer workload from an inline shape (`--gemm M,N,K`). */
int workload_from_gemm(workload_t *w, uint32_t m, uint32_t n, uint32_t k, int wbits,
                       int atype, int ewop, coda_err_t *err);
void workload_free(workload_t *w);

typedef struct compile_opts {
  int fuse;         /* 1: fuse precompute into the element-wise op (default) */
  int functional;   /* 1: emit data segments (operands from datagen) */
  uint64_t seed;    /* base data seed; layer i uses seed + i */
  int dist;         /* datagen_dist_e for functional data */
} compile_opts_t;

void compile_opts_default(compile_opts_t *o);

/* Compiles w for cfg into out (zeroed first). */
int compile_program(const arch_cfg_t *cfg, const workload_t *w, const compile_opts_t *o,
                    cbin_t *out, coda_err_t *err);

/* The tiling chosen for one layer (exposed for tests and reports). */
typedef struct tiling {
  uint32_t mt, nt, kt;  /* tile sizes (kt a multiple of kpad) */
  uint32_t kp;          /* K padded */
  int acct;             /* ISA_ACC_* chosen */
  double est_cycles;    /* the cost model's estimate */
} tiling_t;

int compile_choose_tiling(const arch_cfg_t *cfg, const wl_gemm_t *g, tiling_t *t,
                          coda_err_t *err);

/* Checks a program against cfg without running it: every instruction
 * decodes and suits the core, every buffer and DRAM range lies inside its
 * buffer / dram_bytes, no instruction reads buffer bytes that nothing wrote
 * before it, and no two units can touch the same buffer bytes (one of them
 * writing) without a SYNC naming the earlier one's unit between them
 * (docs/machine.md: there is no hardware hazard check). compile_program runs
 * it on everything it emits. Fails with CODA_EINVAL naming the instruction. */
int compile_check_program(const arch_cfg_t *cfg, const cbin_t *p, coda_err_t *err);

#endif
