/* run.c: `coda t3 run` (one sublayer on the multi-device system, every
 * variant) and `coda report t3` (every model, TP degree and sublayer of
 * workloads/t3/, one command). Model: sim/t3/system.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../compiler/t3plan.h"
#include "../../compiler/t3wl.h"
#include "../core/util.h"
#include "system.h"
#include "t3run.h"

#define MAX_SETS 64


static void json_res(FILE *f, const t3_sys_result_t *r, double seq_us) {
  fprintf(f,
          "{\"variant\": \"%s\", \"time_us\": %.3f, \"cycles\": %" PRIu64 ", \"gemm_cycles\": %" PRIu64
          ", \"rs_cycles\": %" PRIu64 ", \"dram_read_bytes\": %" PRIu64 ", \"dram_write_bytes\": %" PRIu64
          ", \"dram_updates\": %" PRIu64 ", \"link_bytes\": %" PRIu64 ", \"compute_read_bytes\": %" PRIu64
          ", \"comm_read_bytes\": %" PRIu64 ", \"tracker_fires\": %" PRIu64 ", \"mca_threshold\": %u"
          ", \"first_stage_mem_intensity\": %.4f, \"speedup_over_seq\": %.4f, \"wall_s\": %.3f}",
          t3_variant_name(r->variant), r->us, r->cycles, r->gemm_cycles, r->rs_cycles, r->dram_rd_bytes,
          r->dram_wr_bytes, r->dram_upd, r->link_bytes, r->compute_rd_bytes, r->comm_rd_bytes, r->tracker_fires,
          r->mca_threshold, r->gemm_mem_intensity, r->us > 0 ? seq_us / r->us : 0, r->wall_ns / 1e9);
}

static int parse_variants(const char *s, int *want) {
  memset(want, 0, T3_VAR_COUNT * sizeof *want);
  if (!strcmp(s, "all")) {
    for (int v = 0; v < T3_VAR_COUNT; v++) want[v] = 1;
    return 0;
  }
  char buf[128];
  snprintf(buf, sizeof buf, "%s", s);
  for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
    int v = -1;
    for (int i = 0; i < T3_VAR_COUNT; i++)
      if (!strcmp(t, t3_variant_name((t3_variant_e)i))) v = i;
    if (v < 0) return -1;
    want[v] = 1;
  }
  return 0;
}

/* ---- coda t3 run ---- */
int t3_run_main(int argc, char **argv) {
  const char *arch = NULL, *model = NULL, *sub = "fc2", *json = NULL, *timeline = NULL, *vars = "all";
  arch_set_t sets[MAX_SETS];
  int nsets = 0, full = 0, functional = 0;
  long tp = 0;
  unsigned long long tokens = 0;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(T3_RUN_USAGE, stdout); return 0; }
    if (!strcmp(a, "--full")) { full = 1; continue; }
    if (!strcmp(a, "--functional")) { functional = full = 1; continue; }
    if (!v) { fprintf(stderr, "coda: error: t3 run: option %s needs a value\n", a); return 2; }
    i++;
    if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--model")) model = v;
    else if (!strcmp(a, "--sub")) sub = v;
    else if (!strcmp(a, "--json")) json = v;
    else if (!strcmp(a, "--timeline")) timeline = v;
    else if (!strcmp(a, "--variant")) vars = v;
    else if (!strcmp(a, "--tp")) {
      char *end;
      tp = strtol(v, &end, 10);
      if (*end || tp < 1) { fprintf(stderr, "coda: error: t3 run: --tp %s: expected a positive integer\n", v); return 2; }
    } else if (!strcmp(a, "--tokens")) {
      char *end;
      tokens = strtoull(v, &end, 10);
      if (*end || !tokens || v[0] == '-') { fprintf(stderr, "coda: error: t3 run: --tokens %s: expected a positive integer\n", v); return 2; }
    } else if (!strcmp(a, "--set")) {
      if (nsets >= MAX_SETS) { fprintf(stderr, "coda: error: t3 run: too many --set options\n"); return 2; }
      sets[nsets++].expr = v;
    } else { fprintf(stderr, "coda: error: t3 run: unknown option %s (see `coda t3 run --help`)\n", a); return 2; }
  }
  if (!model) { fprintf(stderr, "coda: error: t3 run: --model workloads/t3/M.json is required\n"); return 2; }
  int want[T3_VAR_COUNT];
  if (parse_variants(vars, want)) {
    fprintf(stderr, "coda: error: t3 run: --variant %s: expected all or a list of seq, t3, t3-mca, ideal\n", vars);
    return 2;
  }
  int subi = t3_sub_parse(sub);
  if (subi < 0) { fprintf(stderr, "coda: error: t3 run: --sub %s: expected oproj, fc2, fc1_bwd or iproj_bwd\n", sub); return 2; }
  coda_err_t err = {0};
  t3_model_t m;
  if (t3_model_load(model, &m, &err)) { fprintf(stderr, "coda: error: %s\n", err.msg); return 2; }
  arch_cfg_t cfg;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err)) { fprintf(stderr, "coda: error: %s\n", err.msg); return 2; }
  if (!tp) tp = (long)cfg.t3_devices;
  if (tp < 2) { fprintf(stderr, "coda: error: t3 run: --tp %ld: a ring needs at least 2 devices\n", tp); return 2; }
  cfg.t3_devices = (uint64_t)tp;
  t3_gemm_t g;
  t3_gemm_of(&g, m.name, (t3_sub_e)subi, (uint32_t)tp, tokens ? tokens : m.tokens, m.hidden);
  if (t3_pick_tile(&cfg, &g, !t3_sets_tile(sets, nsets), &err)) {
    fprintf(stderr, "coda: error: t3 run: %s\n", err.msg);
    return 2;
  }
  printf("t3 run: %s %s, TP %ld, GEMM per device %" PRIu64 " x %" PRIu64 " x %" PRIu64 " (M x N x K, FP16), tile %"
         PRIu64 " x %" PRIu64 ", %s simulation\n",
         m.name, t3_sub_name((t3_sub_e)subi), tp, g.m, g.n, g.k, cfg.t3_tile_m, cfg.t3_tile_n,
         full ? "full (every device)" : "symmetric (device 0, its own link traffic fed back)");
  t3_sys_result_t r[T3_VAR_COUNT];
  memset(r, 0, sizeof r);
  int have_seq = 0;
  for (int v = 0; v < T3_VAR_COUNT; v++) {
    if (!want[v]) continue;
    t3_sys_opts_t o = {full, functional, NULL, 0};
    if (timeline && v != T3_VAR_IDEAL) {
      static char path[4096];
      /* one file per variant: OUT.json -> OUT.t3-mca.json etc. when several run */
      int several = 0;
      for (int w = 0; w < T3_VAR_COUNT; w++) several += want[w] && w != T3_VAR_IDEAL;
      if (several > 1) {
        const char *dot = strrchr(timeline, '.');
        int stem = dot ? (int)(dot - timeline) : (int)strlen(timeline);
        snprintf(path, sizeof path, "%.*s.%s%s", stem, timeline, t3_variant_name((t3_variant_e)v), dot ? dot : "");
      } else snprintf(path, sizeof path, "%s", timeline);
      o.timeline = path;
    }
    if (v == T3_VAR_IDEAL && have_seq) t3_ideal_of(&cfg, &r[T3_VAR_SEQ], &r[v]);
    else if (t3_sys_run(&cfg, &g, (t3_variant_e)v, &o, &r[v], &err)) {
      fprintf(stderr, "coda: error: %s\n", err.msg);
      return 2;
    }
    if (v == T3_VAR_SEQ) have_seq = 1;
    if (functional && !r[v].functional_ok) {
      fprintf(stderr, "coda: t3 run: %s: the reduced chunks differ from the reference sum\n", t3_variant_name((t3_variant_e)v));
      return 1;
    }
  }
  double seq_us = want[T3_VAR_SEQ] ? r[T3_VAR_SEQ].us : 0;
  printf("%-7s %12s %12s %9s %12s %12s %12s %10s %8s\n", "variant", "time_us", "gemm_us", "speedup", "dram_rd_MB",
         "dram_wr_MB", "link_MB", "updates", "wall_s");
  for (int v = 0; v < T3_VAR_COUNT; v++) {
    if (!want[v]) continue;
    const t3_sys_result_t *x = &r[v];
    printf("%-7s %12.2f %12.2f %8.3fx %12.2f %12.2f %12.2f %10" PRIu64 " %8.2f\n", t3_variant_name((t3_variant_e)v), x->us,
           x->gemm_cycles * cfg.hbm_tck_ns / 1000.0, seq_us > 0 && x->us > 0 ? seq_us / x->us : 0, x->dram_rd_bytes / 1e6,
           x->dram_wr_bytes / 1e6, x->link_bytes / 1e6, x->dram_upd, x->wall_ns / 1e9);
  }
  if (want[T3_VAR_T3_MCA])
    printf("t3-mca: first-stage memory intensity %.3f, occupancy threshold %u of %" PRIu64 " queue entries\n",
           r[T3_VAR_T3_MCA].gemm_mem_intensity, r[T3_VAR_T3_MCA].mca_threshold, cfg.hbm_rq_entries + cfg.hbm_wq_entries);
  if (functional) printf("functional: every device's reduced chunk equals the reference sum\n");
  if (json) {
    FILE *f = fopen(json, "w");
    if (!f) { fprintf(stderr, "coda: error: %s: cannot write\n", json); return 2; }
    fprintf(f, "{\"schema\": \"coda.t3_run.v1\", \"model\": \"%s\", \"sublayer\": \"%s\", \"tp\": %ld, \"m\": %" PRIu64
            ", \"n\": %" PRIu64 ", \"k\": %" PRIu64 ", \"tile_m\": %" PRIu64 ", \"tile_n\": %" PRIu64 ", \"full\": %s, \"results\": [",
            m.name, t3_sub_name((t3_sub_e)subi), tp, g.m, g.n, g.k, cfg.t3_tile_m, cfg.t3_tile_n, full ? "true" : "false");
    int first = 1;
    for (int v = 0; v < T3_VAR_COUNT; v++) {
      if (!want[v]) continue;
      fputs(first ? "\n  " : ",\n  ", f), first = 0;
      json_res(f, &r[v], seq_us);
    }
    fputs("\n]}\n", f);
    if (fclose(f)) { fprintf(stderr, "coda: error: %s: write failed\n", json); return 2; }
  }
  return 0;
}

/* ---- coda report t3 ---- */
typedef struct pt {
  char model[32];
  uint32_t tp, sub;
  uint64_t m, n, k, tm, tn;
  t3_sys_result_t r[T3_VAR_COUNT];
  int ok;
  char err[256];
} pt_t;

static void run_point(const arch_cfg_t *base, const t3_model_t *m, pt_t *p, uint64_t tokens) {
  arch_cfg_t cfg = *base;
  cfg.t3_devices = p->tp;
  t3_gemm_t g;
  t3_gemm_of(&g, m->name, (t3_sub_e)p->sub, p->tp, tokens ? tokens : m->tokens, m->hidden);
  coda_err_t err = {0};
  p->ok = 0;
  if (t3_pick_tile(&cfg, &g, 1, &err)) { snprintf(p->err, sizeof p->err, "%.250s", err.msg); return; }
  p->m = g.m, p->n = g.n, p->k = g.k, p->tm = cfg.t3_tile_m, p->tn = cfg.t3_tile_n;
  t3_sys_opts_t o = {0, 0, NULL, 0};
  for (int v = 0; v < T3_VAR_COUNT; v++) {
    if (v == T3_VAR_IDEAL) { /* from the seq run (the variants run in order) */
      t3_ideal_of(&cfg, &p->r[T3_VAR_SEQ], &p->r[v]);
      continue;
    }
    if (t3_sys_run(&cfg, &g, (t3_variant_e)v, &o, &p->r[v], &err)) { snprintf(p->err, sizeof p->err, "%.250s", err.msg); return; }
  }
  p->ok = 1;
}

static double geo(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += log(x[i]);
  return n ? exp(s / n) : 0;
}

int t3_report_main(int argc, char **argv) {
  const char *arch = NULL, *md = NULL, *json = NULL, *models = "mega_gpt2,tnlg,gpt3,palm,mtnlg", *subs = NULL;
  arch_set_t sets[MAX_SETS];
  int nsets = 0, jobs = 2, quick = 0;
  unsigned long long tokens = 0;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(T3_REPORT_USAGE, stdout); return 0; }
    if (!strcmp(a, "--quick")) { quick = 1; continue; }
    if (!v) { fprintf(stderr, "coda: error: report t3: option %s needs a value\n", a); return 2; }
    i++;
    if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--md")) md = v;
    else if (!strcmp(a, "--json")) json = v;
    else if (!strcmp(a, "--models")) models = v;
    else if (!strcmp(a, "--subs")) subs = v;
    else if (!strcmp(a, "-j")) {
      char *end;
      jobs = (int)strtol(v, &end, 10);
      if (*end || jobs < 1 || jobs > 256) { fprintf(stderr, "coda: error: report t3: -j %s: expected 1..256\n", v); return 2; }
    } else if (!strcmp(a, "--tokens")) {
      char *end;
      tokens = strtoull(v, &end, 10);
      if (*end || !tokens || v[0] == '-') { fprintf(stderr, "coda: error: report t3: --tokens %s: expected a positive integer\n", v); return 2; }
    } else if (!strcmp(a, "--set")) {
      if (nsets >= MAX_SETS) { fprintf(stderr, "coda: error: report t3: too many --set options\n"); return 2; }
      sets[nsets++].expr = v;
    } else { fprintf(stderr, "coda: error: report t3: unknown option %s (see `coda report t3 --help`)\n", a); return 2; }
  }
  char root[4096], def_arch[4200];
  coda_root(root, sizeof root);
  snprintf(def_arch, sizeof def_arch, "%s/sim/configs/t3.json", root);
  if (!arch) arch = def_arch;
  coda_err_t err = {0};
  arch_cfg_t cfg;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err)) { fprintf(stderr, "coda: error: %s\n", err.msg); return 2; }
  if (quick && !tokens) tokens = 2048;
  int subw[T3_SUB_COUNT] = {0};
  if (!subs) subs = quick ? "fc2" : "oproj,fc2,fc1_bwd,iproj_bwd";
  {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", subs);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
      int s = t3_sub_parse(t);
      if (s < 0) { fprintf(stderr, "coda: error: report t3: --subs: unknown sublayer %s (oproj, fc2, fc1_bwd, iproj_bwd)\n", t); return 2; }
      subw[s] = 1;
    }
  }
  /* the points */
  t3_model_t ms[16];
  int nm = 0;
  pt_t *pts = NULL;
  int np = 0;
  char mbuf[512];
  snprintf(mbuf, sizeof mbuf, "%s", quick && !strcmp(models, "mega_gpt2,tnlg,gpt3,palm,mtnlg") ? "mega_gpt2,tnlg" : models);
  for (char *t = strtok(mbuf, ","); t && nm < 16; t = strtok(NULL, ",")) {
    char path[4600];
    snprintf(path, sizeof path, "%s/workloads/t3/%s.json", root, t);
    if (t3_model_load(path, &ms[nm], &err)) { fprintf(stderr, "coda: error: %s\n", err.msg); return 2; }
    for (uint32_t j = 0; j < ms[nm].ntp; j++) {
      if (quick && j) break;
      for (int s = 0; s < T3_SUB_COUNT; s++) {
        if (!subw[s]) continue;
        pts = realloc(pts, (size_t)(np + 1) * sizeof *pts);
        memset(&pts[np], 0, sizeof *pts);
        memcpy(pts[np].model, ms[nm].name, sizeof pts[np].model - 1);
        pts[np].tp = ms[nm].tp[j], pts[np].sub = (uint32_t)s;
        pts[np].m = (uint64_t)nm; /* model index until run */
        np++;
      }
    }
    nm++;
  }
  double w0 = coda_now_s();
  /* fork workers, each runs points i = w, w + jobs, ... and writes them to its pipe */
  int (*fds)[2] = calloc((size_t)jobs, sizeof *fds);
  pid_t *pids = calloc((size_t)jobs, sizeof *pids);
  for (int w = 0; w < jobs; w++) {
    if (pipe(fds[w])) { perror("coda: pipe"); return 2; }
    pids[w] = fork();
    if (pids[w] < 0) { perror("coda: fork"); return 2; }
    if (!pids[w]) {
      close(fds[w][0]);
      for (int i = w; i < np; i += jobs) {
        pt_t p = pts[i];
        run_point(&cfg, &ms[p.m], &p, tokens);
        const char *c = (const char *)&p;
        size_t left = sizeof p;
        while (left) {
          ssize_t n = write(fds[w][1], c, left);
          if (n <= 0) _exit(3);
          c += n, left -= (size_t)n;
        }
      }
      _exit(0);
    }
    close(fds[w][1]);
  }
  for (int w = 0; w < jobs; w++) {
    for (int i = w; i < np; i += jobs) {
      char *c = (char *)&pts[i];
      size_t left = sizeof *pts;
      while (left) {
        ssize_t n = read(fds[w][0], c, left);
        if (n <= 0) { fprintf(stderr, "coda: error: report t3: a worker died\n"); return 2; }
        c += n, left -= (size_t)n;
      }
      fprintf(stderr, "coda: report t3: %d/%d %s TP %u %s\n", i + 1, np, pts[i].model, pts[i].tp, t3_sub_name((t3_sub_e)pts[i].sub));
    }
    close(fds[w][0]);
    int st;
    waitpid(pids[w], &st, 0);
  }
  free(fds), free(pids);
  double wall = coda_now_s() - w0;
  for (int i = 0; i < np; i++)
    if (!pts[i].ok) { fprintf(stderr, "coda: error: report t3: %s TP %u %s: %s\n", pts[i].model, pts[i].tp, t3_sub_name((t3_sub_e)pts[i].sub), pts[i].err); return 2; }
  /* geomeans of the speedups over seq and of the DRAM bytes relative to seq */
  double *sp[T3_VAR_COUNT], *by[T3_VAR_COUNT];
  for (int v = 0; v < T3_VAR_COUNT; v++) sp[v] = calloc((size_t)np, sizeof(double)), by[v] = calloc((size_t)np, sizeof(double));
  for (int i = 0; i < np; i++)
    for (int v = 0; v < T3_VAR_COUNT; v++) {
      const t3_sys_result_t *s = &pts[i].r[T3_VAR_SEQ], *x = &pts[i].r[v];
      sp[v][i] = s->us / x->us;
      by[v][i] = (double)(x->dram_rd_bytes + x->dram_wr_bytes) / (double)(s->dram_rd_bytes + s->dram_wr_bytes);
    }
  FILE *out[2] = {stdout, NULL};
  if (md && !(out[1] = fopen(md, "w"))) { fprintf(stderr, "coda: error: %s: cannot write\n", md); return 2; }
  for (int o = 0; o < 2; o++) {
    FILE *f = out[o];
    if (!f) continue;
    fprintf(f, "# T3 sublayers (coda report t3)\n\nConfig %s (%" PRIu64 " compute units at %.0f MHz, %.0f FLOP/cycle each, "
            "%.0f MB L2, HBM2 %" PRIu64 " channels, links %.0f GB/s, %.0f ns per hop, tracker %" PRIu64 " entries); "
            "%d points, symmetric simulation (device 0), wall %.1f s with %d workers.\n\n",
            cfg.name, cfg.t3_cus, cfg.t3_freq_mhz, cfg.t3_cu_flops, cfg.t3_l2_bytes / 1048576.0, cfg.hbm_channels,
            cfg.t3_link_gbps, cfg.t3_hop_ns, cfg.t3_tracker_entries, np, wall, jobs);
    fprintf(f, "Time (us) per variant, speedup over sequential, DRAM bytes (read + write, MB), link MB sent per device:\n\n");
    fprintf(f, "| model | TP | sublayer | GEMM M x N x K | tile | seq | t3 | t3-mca | ideal | t3 x | t3-mca x | ideal x "
               "| DRAM MB seq / t3 / t3-mca | link MB seq / t3 | t3-mca gap to ideal | GEMM stretch t3-mca |\n");
    fprintf(f, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < np; i++) {
      const pt_t *p = &pts[i];
      const t3_sys_result_t *r = p->r;
      fprintf(f, "| %s | %u | %s | %" PRIu64 " x %" PRIu64 " x %" PRIu64 " | %" PRIu64 "x%" PRIu64 " | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f "
              "| %.0f / %.0f / %.0f | %.0f / %.0f | %.1f %% | %.1f %% |\n",
              p->model, p->tp, t3_sub_name((t3_sub_e)p->sub), p->m, p->n, p->k, p->tm, p->tn, r[0].us, r[1].us, r[2].us,
              r[3].us, sp[1][i], sp[2][i], sp[3][i], (r[0].dram_rd_bytes + r[0].dram_wr_bytes) / 1e6,
              (r[1].dram_rd_bytes + r[1].dram_wr_bytes) / 1e6, (r[2].dram_rd_bytes + r[2].dram_wr_bytes) / 1e6,
              r[0].link_bytes / 1e6, r[1].link_bytes / 1e6, 100.0 * (r[2].us / r[3].us - 1),
              100.0 * ((double)r[2].gemm_cycles / (double)r[0].gemm_cycles - 1));
    }
    fprintf(f, "\nGeomean speedup over sequential: t3 %.3fx, t3-mca %.3fx, ideal %.3fx. Geomean DRAM bytes relative to "
            "sequential: t3 %.3f, t3-mca %.3f.\n\n",
            geo(sp[1], np), geo(sp[2], np), geo(sp[3], np), geo(by[1], np), geo(by[2], np));
    fprintf(f, "How each column is obtained: every variant is simulated cycle by cycle (sim/t3/system.h): the producer GEMM "
            "on t3.cus compute units with an LRU input cache, the HBM2 model per device (64 B transactions, FR-FCFS, "
            "refresh; near-memory updates as in-bank read-modify-writes), a tracker per memory controller (the C twin of "
            "rtl/t3/t3_tracker.v), DMA and ring links. ideal = max(GEMM alone, reduce-scatter alone), both from the "
            "sequential run. Gap to ideal = t3-mca / ideal - 1; GEMM stretch = how much longer the producer GEMM ran next "
            "to the communication than alone. docs/t3.md.\n");
  }
  if (out[1] && fclose(out[1])) { fprintf(stderr, "coda: error: %s: write failed\n", md); return 2; }
  if (json) {
    FILE *f = fopen(json, "w");
    if (!f) { fprintf(stderr, "coda: error: %s: cannot write\n", json); return 2; }
    fprintf(f, "{\"schema\": \"coda.t3_report.v1\", \"config\": \"%s\", \"wall_s\": %.3f, \"points\": [", cfg.name, wall);
    for (int i = 0; i < np; i++) {
      const pt_t *p = &pts[i];
      fprintf(f, "%s\n {\"model\": \"%s\", \"tp\": %u, \"sublayer\": \"%s\", \"m\": %" PRIu64 ", \"n\": %" PRIu64
              ", \"k\": %" PRIu64 ", \"tile_m\": %" PRIu64 ", \"tile_n\": %" PRIu64 ", \"results\": [",
              i ? "," : "", p->model, p->tp, t3_sub_name((t3_sub_e)p->sub), p->m, p->n, p->k, p->tm, p->tn);
      for (int v = 0; v < T3_VAR_COUNT; v++) {
        fputs(v ? ", " : "", f);
        json_res(f, &p->r[v], p->r[0].us);
      }
      fputs("]}", f);
    }
    fprintf(f, "\n], \"geomean_speedup\": {\"t3\": %.4f, \"t3-mca\": %.4f, \"ideal\": %.4f}, "
            "\"geomean_dram_bytes_vs_seq\": {\"t3\": %.4f, \"t3-mca\": %.4f}}\n",
            geo(sp[1], np), geo(sp[2], np), geo(sp[3], np), geo(by[1], np), geo(by[2], np));
    if (fclose(f)) { fprintf(stderr, "coda: error: %s: write failed\n", json); return 2; }
  }
  for (int v = 0; v < T3_VAR_COUNT; v++) free(sp[v]), free(by[v]);
  free(pts);
  return 0;
}
