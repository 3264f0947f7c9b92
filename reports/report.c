/* report.c: text and JSON reports of a run (see report.h). */
#include "report.h"

#include <jansson.h>
#include <string.h>

#include "../sim/dev/bufs.h"

static const char *ATYPE[] = {"int8", "int16", "fp8", "fp16"};
static const char *ACCT[] = {"int32", "int64", "fp16", "fp32"};
static const char *EWOP[] = {"none", "rmsnorm", "layernorm", "silu", "gelu", "relu"};

static const char *name_of(const char *const *t, unsigned n, unsigned v) { return v < n ? t[v] : "?"; }

/* Peak W-bit MACs per cycle of the array for a layer. */
static double peak_macs(const arch_cfg_t *c, const cbin_layer_t *L) {
  double mnk = (double)(c->core_m * c->core_n * c->core_k);
  return L->core == ARCH_CORE_LUT ? mnk / L->wbits : mnk;
}

typedef struct summary {
  dev_stats_t st;      /* counters times repeat */
  energy_pj_t e;       /* energy times repeat */
  double peak_mac_cycles; /* sum over layers of cycles * peak MACs/cycle */
} summary_t;

static void summarize(const run_report_t *r, uint32_t i, summary_t *s) {
  const cbin_layer_t *L = &r->prog->layer[i];
  uint64_t rep = L->repeat ? L->repeat : 1;
  memset(s, 0, sizeof *s);
  dev_stats_add(&s->st, &r->layer_stats[i], rep);
  energy_pj_t one;
  energy_of(r->energy, r->cfg, L, &r->layer_stats[i], &one);
  energy_pj_add(&s->e, &one, (double)rep);
  s->peak_mac_cycles = (double)s->st.cycles * peak_macs(r->cfg, L);
}

static void sum_into(summary_t *t, const summary_t *s) {
  dev_stats_add(&t->st, &s->st, 1);
  energy_pj_add(&t->e, &s->e, 1.0);
  t->peak_mac_cycles += s->peak_mac_cycles;
}

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static void text_row(FILE *f, const char *name, const char *shape, const run_report_t *r,
                     const summary_t *s) {
  double ns = (double)s->st.cycles * 1e3 / r->cfg->core_freq_mhz;
  double util = s->peak_mac_cycles > 0 ? 100.0 * (double)s->st.macs / s->peak_mac_cycles : 0;
  fprintf(f, "%-22s %-26s %13llu %11.3f %6.1f%% %6.1f%% %6.1f%% %6.1f%% %10.3f %12.3f\n", name, shape,
          (unsigned long long)s->st.cycles, ns / 1e3, util, pct(s->st.cycles_compute, s->st.cycles),
          pct(s->st.cycles_memory, s->st.cycles), pct(s->st.cycles_precompute, s->st.cycles),
          (double)(s->st.dram_rd_bytes + s->st.dram_wr_bytes) / 1e6, s->e.total / 1e6);
}

void report_text(const run_report_t *r, FILE *f) {
  const arch_cfg_t *c = r->cfg;
  const cbin_t *p = r->prog;
  char tn[32];
  fprintf(f, "coda: workload %s on %s (%s core M%lluN%lluK%llu at %.0f MHz), %s\n", p->workload_name,
          c->name, arch_cfg_enum_name("core", "type", c->core_type, tn, sizeof tn),
          (unsigned long long)c->core_m, (unsigned long long)c->core_n, (unsigned long long)c->core_k,
          c->core_freq_mhz, r->functional ? "functional (operands computed)" : "timing only");
  fprintf(f, "%-22s %-26s %13s %11s %7s %7s %7s %7s %10s %12s\n", "layer", "MxNxK Wbits act x rep",
          "cycles", "time_us", "util", "compute", "mem", "precomp", "DRAM_MB", "energy_uJ");
  summary_t tot;
  memset(&tot, 0, sizeof tot);
  for (uint32_t i = 0; i < p->n_layer; i++) {
    const cbin_layer_t *L = &p->layer[i];
    summary_t s;
    summarize(r, i, &s);
    sum_into(&tot, &s);
    char shape[64];
    snprintf(shape, sizeof shape, "%ux%ux%u W%u %s x%u", L->m, L->n, L->k, L->wbits,
             name_of(ATYPE, 4, L->atype), L->repeat ? L->repeat : 1);
    text_row(f, L->name, shape, r, &s);
  }
  text_row(f, "total", "", r, &tot);
  const energy_pj_t *e = &tot.e;
  fprintf(f, "energy by component (uJ): array %.3f, precompute %.3f, vector %.3f, ABUF %.3f, "
             "WBUF %.3f, TBUF %.3f, CBUF %.3f, DRAM %.3f (per-event table: %s)\n",
          e->array / 1e6, e->precompute / 1e6, e->vector / 1e6, e->abuf / 1e6, e->wbuf / 1e6,
          e->tbuf / 1e6, e->cbuf / 1e6, e->dram / 1e6, r->energy->name);
  fprintf(f, "bytes moved (MB): DRAM read %.3f write %.3f; ABUF %.3f, WBUF %.3f, TBUF %.3f, CBUF %.3f\n",
          tot.st.dram_rd_bytes / 1e6, tot.st.dram_wr_bytes / 1e6,
          (tot.st.abuf_rd_bytes + tot.st.abuf_wr_bytes) / 1e6, (tot.st.wbuf_rd_bytes + tot.st.wbuf_wr_bytes) / 1e6,
          (tot.st.tbuf_rd_bytes + tot.st.tbuf_wr_bytes) / 1e6, (tot.st.cbuf_rd_bytes + tot.st.cbuf_wr_bytes) / 1e6);
  if (r->check) {
    uint64_t n = 0, bad = 0, unb = 0;
    for (uint32_t i = 0; i < p->n_layer; i++) {
      n += r->check[i].checked;
      bad += r->check[i].bad;
      unb += r->check[i].unbounded;
      if (r->check[i].bad)
        fprintf(f, "check: layer %s: %llu of %llu outputs wrong; first: %s\n", p->layer[i].name,
                (unsigned long long)r->check[i].bad, (unsigned long long)r->check[i].checked, r->check[i].first);
    }
    fprintf(f, "check: %llu outputs against the reference GEMM: %s\n", (unsigned long long)n,
            bad ? "MISMATCH" : "all match");
    if (unb)
      fprintf(f, "check: %llu FP outputs have no finite error bound (too many FP16 accumulations) and "
                 "were not judged\n", (unsigned long long)unb);
  }
  fprintf(f, "note: element-wise op numerics are not modelled (time, traffic and energy are); "
             "layers marked x N count N times.\n");
  if (r->wall_seconds > 0)
    fprintf(f, "simulated %llu cycles (%llu evaluated) in %.3f s: %.3g simulated cycles/s\n",
            (unsigned long long)r->sim_cycles, (unsigned long long)r->visited_cycles, r->wall_seconds,
            (double)r->sim_cycles / r->wall_seconds);
}

static json_t *jsum(const run_report_t *r, const summary_t *s) {
  json_t *o = json_object();
  double ns = (double)s->st.cycles * 1e3 / r->cfg->core_freq_mhz;
  json_object_set_new(o, "total_cycles", json_integer((json_int_t)s->st.cycles));
  json_object_set_new(o, "compute_cycles", json_integer((json_int_t)s->st.cycles_compute));
  json_object_set_new(o, "memory_stall_cycles", json_integer((json_int_t)s->st.cycles_memory));
  json_object_set_new(o, "precompute_cycles", json_integer((json_int_t)s->st.cycles_precompute));
  json_object_set_new(o, "other_cycles", json_integer((json_int_t)s->st.cycles_other));
  json_object_set_new(o, "time_ns", json_real(ns));
  json_object_set_new(o, "macs", json_integer((json_int_t)s->st.macs));
  json_object_set_new(o, "utilization_ratio",
                      json_real(s->peak_mac_cycles > 0 ? (double)s->st.macs / s->peak_mac_cycles : 0));
  json_t *b = json_object();
  json_object_set_new(b, "dram_read_bytes", json_integer((json_int_t)s->st.dram_rd_bytes));
  json_object_set_new(b, "dram_write_bytes", json_integer((json_int_t)s->st.dram_wr_bytes));
  json_object_set_new(b, "abuf_bytes", json_integer((json_int_t)(s->st.abuf_rd_bytes + s->st.abuf_wr_bytes)));
  json_object_set_new(b, "wbuf_bytes", json_integer((json_int_t)(s->st.wbuf_rd_bytes + s->st.wbuf_wr_bytes)));
  json_object_set_new(b, "tbuf_bytes", json_integer((json_int_t)(s->st.tbuf_rd_bytes + s->st.tbuf_wr_bytes)));
  json_object_set_new(b, "cbuf_bytes", json_integer((json_int_t)(s->st.cbuf_rd_bytes + s->st.cbuf_wr_bytes)));
  json_object_set_new(o, "bytes", b);
  json_t *e = json_object();
  json_object_set_new(e, "array_pj", json_real(s->e.array));
  json_object_set_new(e, "precompute_pj", json_real(s->e.precompute));
  json_object_set_new(e, "vector_pj", json_real(s->e.vector));
  json_object_set_new(e, "abuf_pj", json_real(s->e.abuf));
  json_object_set_new(e, "wbuf_pj", json_real(s->e.wbuf));
  json_object_set_new(e, "tbuf_pj", json_real(s->e.tbuf));
  json_object_set_new(e, "cbuf_pj", json_real(s->e.cbuf));
  json_object_set_new(e, "dram_pj", json_real(s->e.dram));
  json_object_set_new(e, "total_pj", json_real(s->e.total));
  json_object_set_new(o, "energy", e);
  return o;
}

static void add_counter(const char *name, uint64_t v, void *ctx) {
  json_object_set_new((json_t *)ctx, name, json_integer((json_int_t)v));
}

int report_json(const run_report_t *r, const char *path, coda_err_t *err) {
  const cbin_t *p = r->prog;
  const arch_cfg_t *c = r->cfg;
  json_t *root = json_object();
  char tn[32];
  json_object_set_new(root, "schema", json_string("coda.run.v1"));
  json_object_set_new(root, "workload", json_string(p->workload_name));
  json_t *arch = json_object();
  json_object_set_new(arch, "name", json_string(c->name));
  json_object_set_new(arch, "core_type", json_string(arch_cfg_enum_name("core", "type", c->core_type, tn, sizeof tn)));
  json_object_set_new(arch, "m", json_integer((json_int_t)c->core_m));
  json_object_set_new(arch, "n", json_integer((json_int_t)c->core_n));
  json_object_set_new(arch, "k", json_integer((json_int_t)c->core_k));
  json_object_set_new(arch, "freq_mhz", json_real(c->core_freq_mhz));
  json_object_set_new(root, "arch", arch);
  json_object_set_new(root, "functional", json_boolean(r->functional));
  json_object_set_new(root, "energy_table", json_string(r->energy_path ? r->energy_path : r->energy->name));
  json_object_set_new(root, "instructions", json_integer(p->n_insn));
  json_t *layers = json_array();
  summary_t tot;
  memset(&tot, 0, sizeof tot);
  uint64_t nchk = 0, nbad = 0;
  for (uint32_t i = 0; i < p->n_layer; i++) {
    const cbin_layer_t *L = &p->layer[i];
    summary_t s;
    summarize(r, i, &s);
    sum_into(&tot, &s);
    json_t *l = json_object();
    json_object_set_new(l, "name", json_string(L->name));
    json_object_set_new(l, "m", json_integer(L->m));
    json_object_set_new(l, "n", json_integer(L->n));
    json_object_set_new(l, "k", json_integer(L->k));
    json_object_set_new(l, "wbits", json_integer(L->wbits));
    json_object_set_new(l, "atype", json_string(name_of(ATYPE, 4, L->atype)));
    json_object_set_new(l, "acct", json_string(name_of(ACCT, 4, L->acct)));
    json_object_set_new(l, "ewop", json_string(name_of(EWOP, 6, L->ewop)));
    json_object_set_new(l, "precompute_fused", json_boolean(L->fused));
    json_object_set_new(l, "repeat", json_integer(L->repeat ? L->repeat : 1));
    json_t *sum = jsum(r, &s);
    json_object_update(l, sum);
    json_decref(sum);
    json_t *cn = json_object();
    dev_stats_foreach(&r->layer_stats[i], add_counter, cn);
    json_object_set_new(l, "counters_per_instance", cn);
    if (r->check) {
      json_t *ck = json_object();
      json_object_set_new(ck, "outputs_checked", json_integer((json_int_t)r->check[i].checked));
      json_object_set_new(ck, "mismatches", json_integer((json_int_t)r->check[i].bad));
      json_object_set_new(ck, "unbounded", json_integer((json_int_t)r->check[i].unbounded));
      json_object_set_new(ck, "max_abs_error", json_real(r->check[i].max_err));
      json_object_set_new(ck, "max_error_over_bound", json_real(r->check[i].max_err_tol));
      json_object_set_new(l, "check", ck);
      nchk += r->check[i].checked;
      nbad += r->check[i].bad;
    }
    json_array_append_new(layers, l);
  }
  json_object_set_new(root, "layers", layers);
  json_object_set_new(root, "total", jsum(r, &tot));
  if (r->check) {
    json_t *ck = json_object();
    json_object_set_new(ck, "outputs_checked", json_integer((json_int_t)nchk));
    json_object_set_new(ck, "mismatches", json_integer((json_int_t)nbad));
    json_object_set_new(root, "check", ck);
  }
  json_t *perf = json_object();
  json_object_set_new(perf, "simulated_cycles", json_integer((json_int_t)r->sim_cycles));
  json_object_set_new(perf, "evaluated_cycles", json_integer((json_int_t)r->visited_cycles));
  json_object_set_new(perf, "wall_seconds", json_real(r->wall_seconds));
  json_object_set_new(root, "simulator", perf);
  int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
  json_decref(root);
  if (rc) return coda_errf(err, CODA_EIO, "%s: cannot write the JSON report", path);
  return CODA_OK;
}
