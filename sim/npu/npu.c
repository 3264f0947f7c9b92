/* npu.c: fold plans, cycle counts and energies of the NeuPIMs NPU (npu.h). */
#include "npu.h"

#include "../tpe/systolic.h"

void npu_cfg_from_arch(npu_cfg_t *n, const arch_cfg_t *cfg) {
  n->arrays = (uint32_t)cfg->npu_arrays;
  n->rows = (uint32_t)cfg->npu_array_rows;
  n->cols = (uint32_t)cfg->npu_array_cols;
  n->vus = (uint32_t)cfg->npu_vector_units;
  n->vwidth = (uint32_t)cfg->npu_vector_width;
  n->freq_mhz = cfg->npu_freq_mhz;
  n->wbuf_bytes = cfg->npu_wbuf_bytes;
  n->mult_pj = cfg->npu_fp16_mult_pj;
  n->add_pj = cfg->npu_fp16_add_pj;
  n->sram_pj = cfg->npu_sram_read_pj;
  n->overlap = cfg->npu_ws_preload == 1;
}

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

void npu_gemm_plan(const npu_cfg_t *c, uint32_t m, uint32_t k, uint32_t n, npu_gemm_t *g) {
  g->m = m; g->k = k; g->n = n;
  g->row_folds = (uint32_t)cdiv(k, c->rows);  /* ws: Sr = K on the rows */
  g->col_folds = (uint32_t)cdiv(n, c->cols);  /* Sc = N on the columns */
  g->folds = (uint64_t)g->row_folds * g->col_folds;
  g->groups = cdiv(g->folds, c->arrays);
  g->fold_cycles = sa_fold_cycles(SA_DF_WS, c->rows, c->cols, m); /* T = M */
  g->next_cycles = c->overlap ? (m > c->rows ? m : c->rows) : g->fold_cycles;
}

uint64_t npu_gemm_group_cycles(const npu_gemm_t *g, uint64_t grp) { return grp ? g->next_cycles : g->fold_cycles; }

uint64_t npu_gemm_group_bytes(const npu_cfg_t *c, const npu_gemm_t *g, uint64_t grp) {
  uint64_t b = 0, f0 = grp * c->arrays, f1 = f0 + c->arrays;
  if (f1 > g->folds) f1 = g->folds;
  for (uint64_t f = f0; f < f1; f++) {
    uint64_t cf = f / g->row_folds, rf = f % g->row_folds; /* col fold outer */
    uint64_t r = g->k - rf * c->rows, cc = g->n - cf * c->cols;
    if (r > c->rows) r = c->rows;
    if (cc > c->cols) cc = c->cols;
    b += r * cc * 2;
  }
  return b;
}

uint64_t npu_gemm_compute_cycles(const npu_gemm_t *g) {
  return g->groups ? g->fold_cycles + (g->groups - 1) * g->next_cycles : 0;
}

uint64_t npu_fetch_depth(const npu_cfg_t *c) {
  uint64_t grp = (uint64_t)c->arrays * c->rows * c->cols * 2;
  uint64_t d = c->wbuf_bytes / grp;
  return d ? d : 1;
}

uint64_t npu_vec_cycles(const npu_cfg_t *c, uint64_t ops) { return cdiv(ops, (uint64_t)c->vus * c->vwidth); }

double npu_gemm_energy_pj(const npu_cfg_t *c, const npu_gemm_t *g) {
  double macs = (double)g->m * g->k * g->n;
  /* buffer reads: every weight once, the M x K activations once per column fold */
  double bytes = 2.0 * g->k * g->n + 2.0 * g->m * g->k * g->col_folds;
  return macs * (c->mult_pj + c->add_pj) + bytes / 8.0 * c->sram_pj;
}

double npu_vec_energy_pj(const npu_cfg_t *c, uint64_t ops) { return (double)ops * (c->mult_pj + c->add_pj); }
