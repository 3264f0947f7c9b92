/* serve.h: LLM decode serving on the NeuPIMs system (NPU + HBM2 with PIM).
 *
 * Models: iteration-level batching of a request trace (serve.batch requests
 * decode together; a finished request leaves and the next one of the trace
 * joins at the next iteration) over the decoder layers of a GPT-3-style
 * model sharded by tensor parallelism (one device simulated: heads / tp
 * heads, weight columns or rows / tp). Per layer and sub-batch:
 *   QKV gen     layer norm (vector units) + the QKV GEMM  (M = requests, K = d_model, N = 3 d_model / tp)
 *   attention   per request and head: QK^T GEMV over its K cache, softmax on
 *               the vector units, SV GEMV over its V cache (PIM jobs in the
 *               banks of the request's channel, or the NPU vector units
 *               streaming the caches in serve.mode npu-only)
 *   projection  the output projection GEMM (K = d_model / tp, N = d_model) + residual add
 *   FFN         layer norm + FC1 GEMM (N = d_ffn / tp) + GELU + FC2 GEMM + residual add
 * The GEMMs run on the NPU (sim/npu/npu.h) with their weights streamed from
 * HBM through the HBM2 model (serve.mem_fidelity), the PIM jobs through
 * hbm_pim_submit. Modes (serve.mode) set hbm.pim_mode, the channel
 * assignment (round robin, or greedy: requests sorted by decreasing sequence
 * length, each to the channel with the least estimated attention latency so
 * far, the estimate being hbm_pim_estimate of its jobs) and sub-batch
 * interleaving (each channel's requests split into two sub-batches of equal
 * estimated latency; the NPU runs one sub-batch's GEMMs while the other's
 * attention runs in PIM). See docs/neupims.md.
 * Leaves out: prefill (a request joins with its prompt's K/V cache in place,
 * as NeuPIMs evaluates the decode phase), the embedding and LM head,
 * tensor-parallel all-reduces, the writes of the new K/V rows, activation
 * traffic to HBM.
 * RTL twin: none (the PIM bank unit's is rtl/pim, sim/pim/pim_bank.h).
 * Constants: the npu.*, serve.* and hbm.* keys of sim/core/params.def.
 */
#ifndef CODA_SERVE_H
#define CODA_SERVE_H

#include <stdint.h>
#include <stdio.h>

#include "../core/config.h"
#include "../core/status.h"

#define SERVE_STAGES 4 /* qkv, attention, projection, ffn */
enum { SERVE_QKV = 0, SERVE_ATTN, SERVE_PROJ, SERVE_FFN };
extern const char *const SERVE_STAGE_NAMES[SERVE_STAGES];

enum { SERVE_MODE_NPU_ONLY = 0, SERVE_MODE_NPU_PIM, SERVE_MODE_PIM_LB, SERVE_MODE_PIM_DUAL,
       SERVE_MODE_PIM_IL, SERVE_MODE_NEUPIMS, SERVE_MODE_PIM_SPLIT, SERVE_MODE_COUNT };
enum { SERVE_DS_SHAREGPT = 0, SERVE_DS_ALPACA = 1 };

/* The model, from a model descriptor (workloads/README.md format). */
typedef struct serve_model {
  char name[64];
  uint32_t d_model, n_heads, d_ffn, n_layers;
} serve_model_t;

/* A serving workload: the model, the tensor parallelism and the trace. */
typedef struct serve_wl {
  char name[64];
  serve_model_t md;
  uint32_t tp;          /* tensor-parallel degree; the simulated device holds 1/tp */
  int dataset;          /* SERVE_DS_* */
  uint32_t nreq;        /* requests in the trace */
  uint32_t *in_len;     /* prompt tokens per request */
  uint32_t *out_len;    /* tokens to generate per request */
  uint64_t seed;        /* trace seed */
  uint32_t max_seq;     /* prompt + output <= this */
} serve_wl_t;

/* Mode flags. */
typedef struct serve_mode_flags {
  int pim;   /* attention in PIM */
  int dual;  /* hbm.pim_mode dual (else blocked) */
  int lb;    /* greedy load-balanced channels (else round robin) */
  int il;    /* two sub-batches per channel */
  int ser;   /* ... run one after the other: no NPU task starts while an attention runs */
} serve_mode_flags_t;
void serve_mode_flags(int mode, serve_mode_flags_t *f);

/* Result of one run; every count is for the whole run (extrapolated layers
 * included). Cycles are DRAM cycles (hbm.tck_ns). */
typedef struct serve_result {
  int mode, fidelity;
  uint32_t batch, tp, layers, sim_layers;
  uint64_t iterations;           /* decode iterations run */
  uint64_t tokens;               /* tokens generated */
  uint64_t requests_done;        /* requests that generated their whole output */
  double avg_batch;              /* tokens / iterations */
  double cycles;                 /* simulated time, DRAM cycles */
  double time_s;                 /* simulated time, seconds */
  double tokens_per_s;
  double stage_cycles[SERVE_STAGES];  /* per-stage busy cycles (NPU ops; attention: the attention phases' wall time) */
  double macs;                   /* NPU MACs */
  double npu_util;               /* MACs / (arrays x R x C x NPU cycles of the run) */
  double array_busy;             /* fraction of the run the arrays compute */
  double vector_busy;            /* fraction of the run the vector units work */
  double pim_busy;               /* mean over channels of the PIM job fraction (PIM_HEADER..last PIM_PRECHARGE) */
  double pim_comp_util;          /* COMP cycles / (channels x run) */
  double mem_bytes;              /* bytes the NPU read from HBM (weights; K/V caches in npu-only) */
  double mem_bw_util;            /* mem_bytes / (peak x run) */
  double pim_bytes;              /* bytes the PIM units read inside the banks (COMPs x banks x mults x 2 B) */
  uint64_t pim_jobs;             /* PIM jobs run */
  double e_dram_pj;              /* DRAM IDD energy (activate, read, write, refresh, background) */
  double e_pim_pj;               /* PIM energy (COMPs, G_ACTs, READRES, GWRITEs) */
  double e_npu_pj;               /* NPU energy (MACs, vector ops, buffer reads) */
  double calib_gbps;             /* measured stream bandwidth (rate fidelity), GB/s */
  double peak_gbps;              /* HBM peak */
  double sim_seconds;            /* host time */
} serve_result_t;

/* Loads a serving workload (docs/neupims.md) and generates its trace.
 * Errors name the file and the field. */
int serve_wl_load(serve_wl_t *w, const char *path, coda_err_t *err);
/* Builds a workload in memory from a model descriptor path. */
int serve_wl_make(serve_wl_t *w, const char *model_path, uint32_t tp, int dataset, uint32_t nreq, uint64_t seed,
                  uint32_t max_seq, coda_err_t *err);
void serve_wl_free(serve_wl_t *w);
/* The trace: lognormal lengths (sigma = 1, mu = ln(mean) - 1/2) with the
 * dataset's means, rounded, at least 1, prompt + output <= max_seq. */
void serve_trace_gen(serve_wl_t *w);

/* What the HBM2 model achieves on a sequential read stream of
 * serve.calib_bytes through the NPU's in-order DMA (pim_mode none). */
typedef struct serve_calib {
  double gbps;          /* bytes / (cycles to the last data x tCK) */
  double pj_per_byte;   /* (activate + read energy) / bytes */
} serve_calib_t;
int serve_calibrate(const arch_cfg_t *cfg, serve_calib_t *c, coda_err_t *err);

/* Runs the workload on cfg (npu.*, serve.*, hbm.*). cal: a calibration of
 * the same hbm.* config made before (NULL = make it when serve.mem_fidelity
 * is rate). */
int serve_run(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_calib_t *cal, serve_result_t *r,
              coda_err_t *err);

void serve_print(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r, FILE *f);
/* coda.neupims.v1 (docs/neupims.md). */
int serve_json(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r, const char *path,
               coda_err_t *err);

/* `coda run` with npu.enabled: exit code. */
int serve_run_main(const char *arch, const arch_set_t *sets, int nsets, const char *wl_path, const char *json_out);
/* `coda report neupims ...`: exit code. */
int serve_report_main(int argc, char **argv);
extern const char *const SERVE_REPORT_USAGE;

#endif
