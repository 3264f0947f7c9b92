/* systolic.h: an R x C INT8 x INT8 -> INT32 systolic array running one GEMM
 * (M x K) x (K x N) folded onto it, in SCALE-Sim's three dataflows.
 *
 * Hardware modelled: a store-and-forward systolic array (operands move one PE
 * per cycle), output stationary (os), weight stationary (ws) or input
 * stationary (is); per fold: skewed fill, stream, drain; double-buffered
 * ifmap/filter/ofmap SRAMs in front of a DRAM port of fixed words/cycle.
 * Left out: bank conflicts, DRAM latency/row buffers, sparsity, custom
 * layouts, SCALE-Sim's address-level read-buffer replacement (see
 * sim/scalesim/README.md for exactly what differs).
 * RTL twin: none yet (issue 5 items 1/4 add the systolic OS/WS RTL).
 * Constants: the fold mapping and per-fold cycle counts are SCALE-Sim v2/v3's
 * (scalesim/compute/systolic_compute_{os,ws,is}.py, Samajdar et al., ISPASS
 * 2020), documented with their derivation in sim/scalesim/README.md.
 *
 * Mapping (SCALE-Sim's spatial rows Sr, spatial cols Sc, temporal T):
 *   os: Sr = M, Sc = N, T = K     ws: Sr = K, Sc = N, T = M
 *   is: Sr = K, Sc = M, T = N
 * Folds: ceil(Sr/R) row folds x ceil(Sc/C) col folds, col fold outer.
 * Cycles per fold (always the full R, C, even when a fold uses fewer PEs):
 *   os: T + R + C - 2          ws, is: 2R + C + T - 2
 *
 * The block runs on the kernel (sim/core/kernel.h) in one of three modes:
 *   SA_MODE_TIMING  no data; one visited cycle per fold (next-event skipping);
 *   SA_MODE_FOLD    as TIMING, and each fold's results computed at its end;
 *   SA_MODE_CYCLE   every cycle evaluated: operands and partial sums really
 *                   move through the PE registers (small sizes, tests).
 * FOLD and CYCLE give the same numbers (checked by the golden tests). */
#ifndef CODA_TPE_SYSTOLIC_H
#define CODA_TPE_SYSTOLIC_H

#include <stdint.h>

#include "../core/kernel.h"
#include "../core/status.h"

#define SA_MAX_DIM 4096u /* largest array side accepted */

typedef enum { SA_DF_OS, SA_DF_WS, SA_DF_IS } sa_dataflow_e;
typedef enum { SA_MODE_TIMING, SA_MODE_FOLD, SA_MODE_CYCLE } sa_mode_e;

/* Counts the distinct ifmap words of the im2col block rows [m0,m1) x cols
 * [k0,k1) (a conv layer's windows overlap; a GEMM's do not). */
typedef uint64_t (*sa_ifmap_unique_fn)(void *ctx, uint32_t m0, uint32_t m1, uint32_t k0, uint32_t k1);

typedef struct sa_cfg {
  uint32_t rows;                /* R: PE rows (SCALE-Sim ArrayHeight) */
  uint32_t cols;                /* C: PE columns (ArrayWidth) */
  sa_dataflow_e df;             /* dataflow */
  sa_mode_e mode;               /* timing / per-fold functional / per-cycle functional */
  uint64_t ifmap_sram_words;    /* ifmap SRAM size, words (1 byte each, as SCALE-Sim) */
  uint64_t filter_sram_words;   /* filter SRAM size, words */
  uint64_t ofmap_sram_words;    /* ofmap SRAM size, words */
  uint64_t dram_bw_words;       /* DRAM words/cycle per operand; 0 = unlimited (CALC mode) */
} sa_cfg_t;

typedef struct sa_gemm {
  uint32_t m, n, k;             /* (M x K) x (K x N) */
  const int8_t *a;              /* ifmap operand, M x K row-major (NULL in TIMING mode) */
  const int8_t *b;              /* filter operand, K x N row-major (NULL in TIMING mode) */
  int32_t *c;                   /* result, M x N row-major, accumulated into (NULL in TIMING) */
  sa_ifmap_unique_fn ifmap_unique; /* NULL: every ifmap word distinct (GEMM) */
  void *ifmap_unique_ctx;       /* passed to ifmap_unique */
} sa_gemm_t;

/* Statistics; SRAM counts follow SCALE-Sim's compute-side request counts. */
typedef struct sa_stats {
  uint64_t folds;               /* folds run */
  uint64_t fold_cycles;         /* cycles of one fold (the formula above) */
  uint64_t compute_cycles;      /* folds x fold_cycles */
  uint64_t stall_cycles;        /* cycles a fold waited for DRAM after the first started */
  uint64_t prefetch_cycles;     /* DRAM fill before the first fold could start */
  uint64_t macs;                /* useful MACs, M*N*K */
  double mapping_eff_sum;       /* sum over folds of used PEs / (R*C) */
  double compute_util_sum;      /* sum over folds of used-PE MAC cycles / (R*C*fold span) */
  uint64_t ifmap_sram_reads;    /* words read from the ifmap SRAM by the array */
  uint64_t filter_sram_reads;   /* words read from the filter SRAM */
  uint64_t ofmap_sram_writes;   /* words written to the ofmap SRAM (every fold's partials) */
  uint64_t ifmap_dram_reads;    /* words fetched into the ifmap SRAM */
  uint64_t filter_dram_reads;   /* words fetched into the filter SRAM */
  uint64_t ofmap_dram_writes;   /* words drained from the ofmap SRAM */
  uint64_t ifmap_dram_last_cyc; /* cycle (from time 0) the last ifmap fetch ended */
  uint64_t filter_dram_last_cyc;/* same, filter */
  uint64_t ofmap_dram_last_cyc; /* cycle the last ofmap drain ended */
} sa_stats_t;

/* The block. Registered state for the per-cycle mode is kept apart from the
 * model-only bookkeeping. */
typedef struct sa {
  sa_cfg_t cfg;                 /* const after init */
  sa_gemm_t g;                  /* the problem */
  /* derived */
  uint32_t sr, sc, t;           /* spatial rows, spatial cols, temporal extent */
  uint32_t row_folds, col_folds;/* folds along Sr and Sc */
  uint64_t fold_cycles;         /* per-fold cycle count */
  uint64_t util_span;           /* per-fold denominator SCALE-Sim uses for compute util */
  /* fold sequencing (timestamps, not countdowns) */
  uint64_t fold;                /* current fold index (== folds when done) */
  cyc_t fold_start;             /* first cycle of the current fold */
  cyc_t first_start;            /* first cycle of fold 0 (after the prefetch) */
  cyc_t last_end;               /* end (exclusive) of the last finished fold */
  cyc_t fetch_end;              /* when the current fold's operand fetch completed */
  cyc_t drain_end[2];           /* when the ofmap drains of the last two folds complete */
  int64_t ifmap_tile, filter_tile; /* tile ids resident in the active SRAM halves */
  uint8_t *ifmap_seen, *filter_seen; /* tiles fetched once (operand fits whole), or NULL */
  /* per-cycle mode registers: current (_q) and next (_d), R*C each */
  int32_t *a_q, *a_d;           /* operand moving right */
  int32_t *b_q, *b_d;           /* os: operand moving down; ws/is: stationary operand */
  int32_t *p_q, *p_d;           /* os: accumulator; ws/is: partial sum moving down */
  sa_stats_t st;                /* statistics */
} sa_t;

/* Validates cfg and the problem; allocates. CODA_EINVAL with a message naming
 * the field on bad input. */
int sa_init(sa_t *s, const sa_cfg_t *cfg, const sa_gemm_t *g, coda_err_t *err);
void sa_free(sa_t *s);
/* Registers the block on a kernel. */
int sa_attach(sa_t *s, sim_t *sim);
/* 1 when every fold has finished. */
int sa_done(const sa_t *s);
/* Runs the problem to completion on a fresh kernel (dense: no skipping).
 * Returns the kernel's visited-cycle count in *visited (may be NULL). */
int sa_run(sa_t *s, int dense, uint64_t *visited, coda_err_t *err);

/* SCALE-Sim's figures from the statistics. */
uint64_t sa_scalesim_total_cycles(const sa_stats_t *st);  /* compute + stalls - 1 */
double sa_overall_util(const sa_t *s);                     /* % */
double sa_mapping_eff(const sa_t *s);                      /* % */
double sa_compute_util(const sa_t *s);                     /* % */

/* Closed-form fold arithmetic shared with the report (not with the tests). */
uint64_t sa_fold_cycles(sa_dataflow_e df, uint32_t r, uint32_t c, uint32_t t);
const char *sa_df_name(sa_dataflow_e df);
int sa_df_parse(const char *s, sa_dataflow_e *df);

#endif
