/* serve_out.c: the text report and coda.neupims.v1 JSON of a serving run,
 * and `coda run` on an NPU config (serve.h, docs/neupims.md). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "serve.h"

static const char *const MODE_NAMES[SERVE_MODE_COUNT] = {"npu-only", "npu+pim", "pim-lb", "pim-dual", "pim-il",
                                                         "neupims", "pim-split"};
static const char *const FID_NAMES[2] = {"full", "rate"};

void serve_print(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r, FILE *f) {
  double tot = r->e_dram_pj + r->e_pim_pj + r->e_npu_pj;
  fprintf(f, "coda run (NeuPIMs serving): %s (%s, tp %u) on %s: mode %s, batch %u, mem_fidelity %s\n", w->name,
          w->md.name, w->tp, cfg->name, MODE_NAMES[r->mode], r->batch, FID_NAMES[r->fidelity]);
  fprintf(f, "  iterations        %" PRIu64 " (average batch %.1f), tokens %" PRIu64 ", requests finished %" PRIu64 "\n",
          r->iterations, r->avg_batch, r->tokens, r->requests_done);
  fprintf(f, "  simulated time    %.6g s (%.0f DRAM cycles), %u of %u layers simulated per iteration\n", r->time_s,
          r->cycles, r->sim_layers, w->md.n_layers);
  fprintf(f, "  throughput        %.1f tokens/s\n", r->tokens_per_s);
  fprintf(f, "  stage cycles      ");
  for (int s = 0; s < SERVE_STAGES; s++)
    fprintf(f, "%s%s %.4g (%.1f %%)", s ? ", " : "", SERVE_STAGE_NAMES[s], r->stage_cycles[s],
            r->cycles > 0 ? 100 * r->stage_cycles[s] / r->cycles : 0);
  fprintf(f, "\n");
  fprintf(f, "  NPU               MAC utilization %.1f %%, arrays busy %.1f %%, vector units busy %.1f %%\n",
          100 * r->npu_util, 100 * r->array_busy, 100 * r->vector_busy);
  fprintf(f, "  PIM               %" PRIu64 " jobs, channels busy %.1f %%, COMP utilization %.1f %%, %.4g GB read in the banks\n",
          r->pim_jobs, 100 * r->pim_busy, 100 * r->pim_comp_util, r->pim_bytes / 1e9);
  fprintf(f, "  memory            NPU reads %.4g GB, %.1f %% of the %.0f GB/s peak", r->mem_bytes / 1e9,
          100 * r->mem_bw_util, r->peak_gbps);
  if (r->fidelity) fprintf(f, " (stream measured at %.1f GB/s)", r->calib_gbps);
  fprintf(f, "\n");
  fprintf(f, "  energy            DRAM %.4g mJ, PIM %.4g mJ, NPU %.4g mJ, total %.4g mJ (%.4g mJ/token)\n",
          r->e_dram_pj * 1e-9, r->e_pim_pj * 1e-9, r->e_npu_pj * 1e-9, tot * 1e-9,
          r->tokens ? tot * 1e-9 / (double)r->tokens : 0);
  fprintf(f, "  simulated in      %.2f s\n", r->sim_seconds);
}

json_t *serve_result_obj(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r);
json_t *serve_result_obj(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r) {
  double tot = r->e_dram_pj + r->e_pim_pj + r->e_npu_pj;
  json_t *o = json_object(), *st = json_object(), *u = json_object(), *m = json_object(), *en = json_object();
  json_object_set_new(o, "schema", json_string("coda.neupims.v1"));
  json_object_set_new(o, "workload", json_string(w->name));
  json_object_set_new(o, "model", json_string(w->md.name));
  json_object_set_new(o, "config", json_string(cfg->name));
  json_object_set_new(o, "mode", json_string(MODE_NAMES[r->mode]));
  json_object_set_new(o, "mem_fidelity", json_string(FID_NAMES[r->fidelity]));
  json_object_set_new(o, "batch", json_integer(r->batch));
  json_object_set_new(o, "tp", json_integer(r->tp));
  json_object_set_new(o, "layers", json_integer(r->layers));
  json_object_set_new(o, "sim_layers", json_integer(r->sim_layers));
  json_object_set_new(o, "iterations", json_integer((json_int_t)r->iterations));
  json_object_set_new(o, "tokens", json_integer((json_int_t)r->tokens));
  json_object_set_new(o, "requests_done", json_integer((json_int_t)r->requests_done));
  json_object_set_new(o, "avg_batch", json_real(r->avg_batch));
  json_object_set_new(o, "cycles", json_real(r->cycles));
  json_object_set_new(o, "time_s", json_real(r->time_s));
  json_object_set_new(o, "tokens_per_s", json_real(r->tokens_per_s));
  for (int s = 0; s < SERVE_STAGES; s++) {
    char k[64];
    snprintf(k, sizeof k, "%s_cycles", SERVE_STAGE_NAMES[s]);
    json_object_set_new(st, k, json_real(r->stage_cycles[s]));
  }
  json_object_set_new(o, "stage_cycles", st);
  json_object_set_new(u, "npu_mac", json_real(r->npu_util));
  json_object_set_new(u, "arrays_busy", json_real(r->array_busy));
  json_object_set_new(u, "vector_busy", json_real(r->vector_busy));
  json_object_set_new(u, "pim_busy", json_real(r->pim_busy));
  json_object_set_new(u, "pim_comp", json_real(r->pim_comp_util));
  json_object_set_new(u, "mem_bw", json_real(r->mem_bw_util));
  json_object_set_new(o, "utilization", u);
  json_object_set_new(m, "npu_read_bytes", json_real(r->mem_bytes));
  json_object_set_new(m, "pim_read_bytes", json_real(r->pim_bytes));
  json_object_set_new(m, "peak_gbps", json_real(r->peak_gbps));
  json_object_set_new(m, "stream_gbps", json_real(r->calib_gbps));
  json_object_set_new(m, "pim_jobs", json_integer((json_int_t)r->pim_jobs));
  json_object_set_new(o, "memory", m);
  json_object_set_new(en, "dram_pj", json_real(r->e_dram_pj));
  json_object_set_new(en, "pim_pj", json_real(r->e_pim_pj));
  json_object_set_new(en, "npu_pj", json_real(r->e_npu_pj));
  json_object_set_new(en, "total_pj", json_real(tot));
  json_object_set_new(en, "per_token_pj", json_real(r->tokens ? tot / (double)r->tokens : 0));
  json_object_set_new(o, "energy", en);
  json_object_set_new(o, "sim_seconds", json_real(r->sim_seconds));
  return o;
}

int serve_json(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r, const char *path,
               coda_err_t *err) {
  json_t *o = serve_result_obj(cfg, w, r);
  int rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
  json_decref(o);
  return rc ? coda_errf(err, CODA_EIO, "%s: cannot write", path) : 0;
}

int serve_run_main(const char *arch, const arch_set_t *sets, int nsets, const char *wl_path, const char *json_out) {
  coda_err_t err = {0};
  arch_cfg_t cfg;
  serve_wl_t w;
  serve_result_t r;
  int rc = arch_cfg_load(&cfg, arch, sets, nsets, &err);
  if (!rc) rc = serve_wl_load(&w, wl_path, &err);
  if (rc) { fprintf(stderr, "coda: error: %s\n", err.msg); return 2; }
  rc = serve_run(&cfg, &w, NULL, &r, &err);
  if (!rc) {
    serve_print(&cfg, &w, &r, stdout);
    if (json_out) rc = serve_json(&cfg, &w, &r, json_out, &err);
  }
  serve_wl_free(&w);
  if (rc) { fprintf(stderr, "coda: error: %s\n", err.msg); return rc == CODA_ECHECK ? 1 : 2; }
  return 0;
}
