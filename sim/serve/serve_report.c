/* serve_report.c: `coda report neupims`: the serving modes compared across
 * GPT-3 7B/13B/30B/175B and batch sizes, one forked worker per point (-j),
 * as a Markdown table, gnuplot PNGs next to --md and coda.neupims.report.v1
 * JSON (docs/neupims.md). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/util.h"
#include "serve.h"

const char *const SERVE_REPORT_USAGE =
    "coda report neupims [--arch A.json] [--set sec.key=val]... [--models 7b,13b,30b,175b]\n"
    "                    [--batches 64,256,512] [--modes M1,M2..] [--dataset sharegpt|alpaca]\n"
    "                    [--iterations N] [--sim-layers N] [--requests-per-batch N] [--seed N]\n"
    "                    [-j N] [--md OUT.md] [--json OUT.json] [--quick]\n"
    "  Runs every model x batch x serving mode (serve.mode; default all seven) on the NeuPIMs\n"
    "  system (default config sim/configs/neupims.json) and prints tokens/s per mode, the\n"
    "  speedups of neupims over npu-only and npu+pim, and NPU MAC / PIM / memory-bandwidth\n"
    "  utilizations. Each point decodes --iterations iterations (default 32) of a trace of\n"
    "  --requests-per-batch x batch requests (default 4) with --sim-layers layers simulated\n"
    "  per iteration (default 4, the rest extrapolated; 0 = all). GPT-3 tensor parallelism\n"
    "  4, 4, 4, 8 (REFERENCES.md). -j N workers (default 2). --md writes the tables and\n"
    "  two PNG plots next to it; --json the numbers. --quick: 7b and 175b, batch 64, 4\n"
    "  iterations, 2 simulated layers (CI).\n";

static const char *const MODE_NAMES[SERVE_MODE_COUNT] = {"npu-only", "npu+pim", "pim-lb", "pim-dual", "pim-il",
                                                         "neupims", "pim-split"};
static const struct { const char *tag; uint32_t tp; } MODELS[] = {{"7b", 4}, {"13b", 4}, {"30b", 4}, {"175b", 8}};
#define NMODELS 4
#define MAXB 16

json_t *serve_result_obj(const arch_cfg_t *cfg, const serve_wl_t *w, const serve_result_t *r);

typedef struct pt { int model, mode; uint32_t batch; serve_result_t r; int ok; char msg[512]; } pt_t;

static int split_list(const char *s, char out[][32], int max) {
  int n = 0;
  while (s && *s) {
    const char *c = strchr(s, ',');
    size_t l = c ? (size_t)(c - s) : strlen(s);
    if (n == max || l == 0 || l >= 32) return -1;
    memcpy(out[n], s, l);
    out[n++][l] = 0;
    s = c ? c + 1 : NULL;
  }
  return n;
}

static int arg_u(const char *opt, const char *v, uint64_t lo, uint64_t hi, uint64_t *x) {
  char *end;
  errno = 0;
  if (!v || *v == '-') goto bad;
  unsigned long long y = strtoull(v, &end, 10);
  if (errno || *end || y < lo || y > hi) goto bad;
  *x = y;
  return 0;
bad:
  fprintf(stderr, "coda: report neupims: %s %s: expected an integer in %" PRIu64 "..%" PRIu64 "\n", opt,
          v ? v : "(missing)", lo, hi);
  return 2;
}

static void run_point(const arch_cfg_t *base, const char *root, int dataset, uint32_t reqs_per_b, uint64_t seed,
                      const serve_calib_t *cal, pt_t *p) {
  arch_cfg_t cfg = *base;
  cfg.serve_mode = (uint64_t)p->mode;
  cfg.serve_batch = p->batch;
  char mp[PATH_MAX + 64];
  snprintf(mp, sizeof mp, "%s/workloads/models/gpt3_%s.json", root, MODELS[p->model].tag);
  serve_wl_t w;
  coda_err_t err = {0};
  int rc = serve_wl_make(&w, mp, MODELS[p->model].tp, dataset, reqs_per_b * p->batch, seed, 2048, &err);
  if (!rc) {
    rc = serve_run(&cfg, &w, cal, &p->r, &err);
    serve_wl_free(&w);
  }
  p->ok = !rc;
  if (rc) snprintf(p->msg, sizeof p->msg, "%s", err.msg);
}

static const pt_t *find(const pt_t *P, int n, int model, uint32_t b, int mode) {
  for (int i = 0; i < n; i++)
    if (P[i].model == model && P[i].batch == b && P[i].mode == mode && P[i].ok) return &P[i];
  return NULL;
}

/* A per-mode table of the report: a row per model and batch, a column per
 * mode, the cell by kind (utilizations, or per-stage and iteration cycles). */
enum { TAB_UTIL, TAB_STAGES };
static void mode_table(FILE *o, const char *title, int kind, const pt_t *P, int np, const int *mi, int nm,
                       const uint32_t *bv, int nbt, const int *moi, int nmo) {
  fprintf(o, "\n%s:\n\n| model | batch |", title);
  for (int c = 0; c < nmo; c++) fprintf(o, " %s |", MODE_NAMES[moi[c]]);
  fprintf(o, "\n|---|---|");
  for (int c = 0; c < nmo; c++) fprintf(o, "---|");
  fprintf(o, "\n");
  for (int a = 0; a < nm; a++)
    for (int b = 0; b < nbt; b++) {
      fprintf(o, "| gpt3_%s | %u |", MODELS[mi[a]].tag, bv[b]);
      for (int c = 0; c < nmo; c++) {
        const pt_t *p = find(P, np, mi[a], bv[b], moi[c]);
        if (!p) fprintf(o, " failed |");
        else if (kind == TAB_UTIL)
          fprintf(o, " %.0f / %.0f / %.0f |", 100 * p->r.npu_util, 100 * p->r.pim_busy, 100 * p->r.mem_bw_util);
        else {
          double it = p->r.iterations ? (double)p->r.iterations : 1;
          fprintf(o, " %.0f / %.0f / %.0f / %.0f; %.0f |", p->r.stage_cycles[0] / it / 1e3, p->r.stage_cycles[1] / it / 1e3,
                  p->r.stage_cycles[2] / it / 1e3, p->r.stage_cycles[3] / it / 1e3, p->r.cycles / it / 1e3);
        }
      }
      fprintf(o, "\n");
    }
}

int serve_report_main(int argc, char **argv) {
  const char *arch = NULL, *md = NULL, *js = NULL;
  arch_set_t sets[64];
  int nsets = 0, quick = 0;
  char models[NMODELS][32], batches[MAXB][32], modes[SERVE_MODE_COUNT][32];
  int nm = -2, nbt = -2, nmo = -2, dataset = 0;
  uint64_t iters = 32, siml = 4, rpb = 4, seed = 1, jobs = 2;
  const char *ms = "7b,13b,30b,175b", *bs = "64,256,512", *mos = NULL;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int rc = 0;
    if (!strcmp(a, "--quick")) { quick = 1; continue; }
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(SERVE_REPORT_USAGE, stdout); return 0; }
    if (!v) { fprintf(stderr, "coda: report neupims: option %s needs a value (see `coda help report`)\n", a); return 2; }
    i++;
    if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--set")) {
      if (nsets == 64) { fprintf(stderr, "coda: report neupims: too many --set options\n"); return 2; }
      sets[nsets++].expr = v;
    }
    else if (!strcmp(a, "--md")) md = v;
    else if (!strcmp(a, "--json")) js = v;
    else if (!strcmp(a, "--models")) { ms = v; nm = -1; }
    else if (!strcmp(a, "--batches")) { bs = v; nbt = -1; }
    else if (!strcmp(a, "--modes")) mos = v;
    else if (!strcmp(a, "--dataset")) {
      if (!strcmp(v, "sharegpt")) dataset = 0;
      else if (!strcmp(v, "alpaca")) dataset = 1;
      else { fprintf(stderr, "coda: report neupims: --dataset %s: expected sharegpt or alpaca\n", v); return 2; }
    }
    else if (!strcmp(a, "--iterations")) rc = arg_u(a, v, 1, 1000000, &iters);
    else if (!strcmp(a, "--sim-layers")) rc = arg_u(a, v, 0, 1000000, &siml);
    else if (!strcmp(a, "--requests-per-batch")) rc = arg_u(a, v, 1, 1000, &rpb);
    else if (!strcmp(a, "--seed")) rc = arg_u(a, v, 0, 1ull << 62, &seed);
    else if (!strcmp(a, "-j")) rc = arg_u(a, v, 1, 256, &jobs);
    else { fprintf(stderr, "coda: report neupims: unknown option %s (see `coda help report`)\n", a); return 2; }
    if (rc) return rc;
    if (siml == 1 || siml == 2) { fprintf(stderr, "coda: report neupims: --sim-layers %" PRIu64 ": expected 0 or >= 3\n", siml); return 2; }
  }
  if (quick) {
    if (nm == -2) ms = "7b,175b";
    if (nbt == -2) bs = "64";
    iters = 4; siml = 3;
  }
  nm = split_list(ms, models, NMODELS);
  nbt = split_list(bs, batches, MAXB);
  nmo = mos ? split_list(mos, modes, SERVE_MODE_COUNT) : SERVE_MODE_COUNT;
  if (nm <= 0) { fprintf(stderr, "coda: report neupims: --models %s: expected a list of 7b, 13b, 30b, 175b\n", ms); return 2; }
  if (nbt <= 0) { fprintf(stderr, "coda: report neupims: --batches %s: expected a list of batch sizes\n", bs); return 2; }
  if (nmo <= 0) { fprintf(stderr, "coda: report neupims: --modes %s: expected a list of serving modes\n", mos); return 2; }
  int mi[NMODELS], moi[SERVE_MODE_COUNT];
  uint32_t bv[MAXB];
  for (int i = 0; i < nm; i++) {
    mi[i] = -1;
    for (int k = 0; k < NMODELS; k++) if (!strcmp(models[i], MODELS[k].tag)) mi[i] = k;
    if (mi[i] < 0) { fprintf(stderr, "coda: report neupims: --models: unknown model '%s' (7b, 13b, 30b, 175b)\n", models[i]); return 2; }
  }
  for (int i = 0; i < nbt; i++) {
    uint64_t x;
    if (arg_u("--batches", batches[i], 1, 4096, &x)) return 2;
    bv[i] = (uint32_t)x;
  }
  for (int i = 0; i < nmo; i++) {
    moi[i] = -1;
    static const int ORDER[SERVE_MODE_COUNT] = {0, 1, 2, 3, 6, 4, 5}; /* ablations in between */
    if (!mos) { moi[i] = ORDER[i]; continue; }
    for (int k = 0; k < SERVE_MODE_COUNT; k++) if (!strcmp(modes[i], MODE_NAMES[k])) moi[i] = k;
    if (moi[i] < 0) { fprintf(stderr, "coda: report neupims: --modes: unknown mode '%s'\n", modes[i]); return 2; }
  }
  char root[PATH_MAX], defarch[PATH_MAX + 64];
  coda_root_abs(root, sizeof root);
  if (!arch) { snprintf(defarch, sizeof defarch, "%s/sim/configs/neupims.json", root); arch = defarch; }
  arch_cfg_t cfg;
  coda_err_t err = {0};
  char itset[64], slset[64];
  snprintf(itset, sizeof itset, "serve.iterations=%" PRIu64, iters);
  snprintf(slset, sizeof slset, "serve.sim_layers=%" PRIu64, siml);
  arch_set_t all[66];
  all[0].expr = itset; all[1].expr = slset;
  for (int i = 0; i < nsets; i++) all[2 + i] = sets[i];
  if (arch_cfg_load(&cfg, arch, all, nsets + 2, &err)) { fprintf(stderr, "coda: error: %s\n", err.msg); return 2; }
  double t0 = coda_now_s();
  serve_calib_t cal = {0, 0};
  if (cfg.serve_mem_fidelity == 1 && serve_calibrate(&cfg, &cal, &err)) {
    fprintf(stderr, "coda: error: %s\n", err.msg);
    return 2;
  }
  int np = nm * nbt * nmo;
  pt_t *P = calloc((size_t)np, sizeof *P);
  int *fd = calloc((size_t)np, sizeof *fd);
  pid_t *pid = calloc((size_t)np, sizeof *pid);
  if (!P || !fd || !pid) { fprintf(stderr, "coda: error: out of memory\n"); return 2; }
  int k = 0;
  /* biggest points first, so the workers finish together */
  for (int a = nm - 1; a >= 0; a--)
    for (int b = nbt - 1; b >= 0; b--)
      for (int c = 0; c < nmo; c++) { P[k].model = mi[a]; P[k].batch = bv[b]; P[k].mode = moi[c]; k++; }
  int next = 0, running = 0, done = 0;
  while (done < np) {
    while (running < (int)jobs && next < np) {
      int pp[2];
      if (pipe(pp)) { perror("coda: pipe"); return 2; }
      fflush(NULL);
      pid_t c = fork();
      if (c < 0) { perror("coda: fork"); return 2; }
      if (!c) {
        close(pp[0]);
        run_point(&cfg, root, dataset, (uint32_t)rpb, seed, &cal, &P[next]);
        const char *q = (const char *)&P[next];
        size_t left = sizeof P[next];
        while (left) {
          ssize_t n = write(pp[1], q, left);
          if (n <= 0) _exit(3);
          q += n; left -= (size_t)n;
        }
        _exit(0);
      }
      close(pp[1]);
      fd[next] = pp[0]; pid[next] = c;
      next++; running++;
    }
    /* collect the oldest running point (its result fits the pipe buffer) */
    for (int i = 0; i < next; i++) {
      if (!pid[i]) continue;
      pt_t got;
      char *q = (char *)&got;
      size_t left = sizeof got;
      while (left) {
        ssize_t n = read(fd[i], q, left);
        if (n <= 0) break;
        q += n; left -= (size_t)n;
      }
      int st;
      waitpid(pid[i], &st, 0);
      close(fd[i]);
      pid[i] = 0;
      if (left || !WIFEXITED(st) || WEXITSTATUS(st)) { P[i].ok = 0; snprintf(P[i].msg, sizeof P[i].msg, "worker failed"); }
      else P[i] = got;
      running--; done++;
      fprintf(stderr, "coda: report neupims: %d/%d gpt3_%s batch %u %s%s%s\n", done, np, MODELS[P[i].model].tag,
              P[i].batch, MODE_NAMES[P[i].mode], P[i].ok ? "" : ": ", P[i].ok ? "" : P[i].msg);
      break;
    }
  }
  double wall = coda_now_s() - t0;
  int bad = 0;
  for (int i = 0; i < np; i++) bad |= !P[i].ok;
  /* the tables */
  char *buf = NULL;
  size_t blen = 0;
  FILE *o = open_memstream(&buf, &blen);
  fprintf(o, "# NeuPIMs serving modes (coda report neupims)\n\n");
  fprintf(o, "Config %s; %s-like trace (seed %" PRIu64 ", %" PRIu64 " x batch requests), %" PRIu64
             " decode iterations per point, %" PRIu64 " layers simulated per iteration (0 = all), mem_fidelity %s; wall time %.1f s with %" PRIu64
             " workers.\n\n",
          cfg.name, dataset ? "Alpaca" : "ShareGPT", seed, rpb, iters, siml, cfg.serve_mem_fidelity ? "rate" : "full",
          wall, jobs);
  fprintf(o, "Throughput, tokens/s (one device of the tensor-parallel group: tokens of the batch per second):\n\n| model | batch |");
  for (int c = 0; c < nmo; c++) fprintf(o, " %s |", MODE_NAMES[moi[c]]);
  int has_no = 0, has_np = 0, has_ne = 0;
  for (int c = 0; c < nmo; c++) { has_no |= moi[c] == 0; has_np |= moi[c] == 1; has_ne |= moi[c] == 5; }
  if (has_no && has_ne) fprintf(o, " neupims / npu-only |");
  if (has_np && has_ne) fprintf(o, " neupims / npu+pim |");
  fprintf(o, "\n|---|---|");
  for (int c = 0; c < nmo + (has_no && has_ne) + (has_np && has_ne); c++) fprintf(o, "---|");
  fprintf(o, "\n");
  for (int a = 0; a < nm; a++)
    for (int b = 0; b < nbt; b++) {
      fprintf(o, "| gpt3_%s | %u |", MODELS[mi[a]].tag, bv[b]);
      for (int c = 0; c < nmo; c++) {
        const pt_t *p = find(P, np, mi[a], bv[b], moi[c]);
        if (p) fprintf(o, " %.0f |", p->r.tokens_per_s); else fprintf(o, " failed |");
      }
      const pt_t *ne = find(P, np, mi[a], bv[b], 5), *no = find(P, np, mi[a], bv[b], 0), *npp = find(P, np, mi[a], bv[b], 1);
      if (has_no && has_ne) fprintf(o, ne && no ? " %.2fx |" : " - |", ne && no ? ne->r.tokens_per_s / no->r.tokens_per_s : 0);
      if (has_np && has_ne) fprintf(o, ne && npp ? " %.2fx |" : " - |", ne && npp ? ne->r.tokens_per_s / npp->r.tokens_per_s : 0);
      fprintf(o, "\n");
    }
  mode_table(o, "Utilizations per mode, NPU MAC / PIM channels busy / memory bandwidth (NPU reads), %", TAB_UTIL, P, np, mi, nm,
             bv, nbt, moi, nmo);
  mode_table(o, "Per-stage cycles per iteration (qkv / attention / projection / ffn, k cycles) and iteration time (k cycles)",
             TAB_STAGES, P, np, mi, nm, bv, nbt, moi, nmo);
  fclose(o);
  fputs(buf, stdout);
  printf("\ncoda: report neupims: %d points in %.1f s wall time\n", np, wall);
  int ex = bad ? 1 : 0;
  if (md) {
    FILE *f = fopen(md, "w");
    if (!f) { fprintf(stderr, "coda: error: %s: cannot write\n", md); ex = 2; }
    else {
      fputs(buf, f);
      /* plots next to the Markdown */
      char base[PATH_MAX], dat[PATH_MAX + 16], gp[PATH_MAX + 16], png1[PATH_MAX + 16], png2[PATH_MAX + 16];
      snprintf(base, sizeof base, "%s", md);
      char *dot = strrchr(base, '.');
      if (dot && !strchr(dot, '/')) *dot = 0;
      snprintf(dat, sizeof dat, "%s.dat", base);
      snprintf(gp, sizeof gp, "%s.gp", base);
      snprintf(png1, sizeof png1, "%s_tokens.png", base);
      snprintf(png2, sizeof png2, "%s_util.png", base);
      FILE *d = fopen(dat, "w"), *g = fopen(gp, "w");
      if (d && g) {
        fprintf(d, "# point");
        for (int c = 0; c < nmo; c++) fprintf(d, " %s", MODE_NAMES[moi[c]]);
        for (int c = 0; c < nmo; c++) fprintf(d, " npu_%s pim_%s", MODE_NAMES[moi[c]], MODE_NAMES[moi[c]]);
        fprintf(d, "\n");
        for (int a = 0; a < nm; a++)
          for (int b = 0; b < nbt; b++) {
            fprintf(d, "%s/b%u", MODELS[mi[a]].tag, bv[b]);
            const pt_t *no = find(P, np, mi[a], bv[b], moi[0]);
            for (int c = 0; c < nmo; c++) {
              const pt_t *p = find(P, np, mi[a], bv[b], moi[c]);
              fprintf(d, " %g", p && no ? p->r.tokens_per_s / no->r.tokens_per_s : 0);
            }
            for (int c = 0; c < nmo; c++) {
              const pt_t *p = find(P, np, mi[a], bv[b], moi[c]);
              fprintf(d, " %g %g", p ? 100 * p->r.npu_util : 0, p ? 100 * p->r.pim_busy : 0);
            }
            fprintf(d, "\n");
          }
        fprintf(g, "set terminal png size 1400,700\nset style data histograms\nset style histogram clustered gap 1\n"
                   "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset grid ytics\nset key top left\n"
                   "set yrange [0:*]\nset xtics rotate by -30\n");
        fprintf(g, "set output '%s'\nset title 'coda report neupims: throughput relative to %s'\nset ylabel 'speedup'\nplot ",
                png1, MODE_NAMES[moi[0]]);
        for (int c = 0; c < nmo; c++) fprintf(g, "%s'%s' using %d:xtic(1) title '%s'", c ? ", " : "", dat, c + 2, MODE_NAMES[moi[c]]);
        fprintf(g, "\nset output '%s'\nset title 'coda report neupims: NPU MAC utilization (%%)'\nset ylabel '%%'\nplot ", png2);
        for (int c = 0; c < nmo; c++)
          fprintf(g, "%s'%s' using %d:xtic(1) title '%s'", c ? ", " : "", dat, nmo + 2 + 2 * c, MODE_NAMES[moi[c]]);
        fprintf(g, "\n");
      }
      if (d) fclose(d);
      if (g) fclose(g);
      char exe[PATH_MAX];
      if (coda_find_exe("gnuplot", exe, sizeof exe)) {
        pid_t c = fork();
        if (c == 0) {
          if (!freopen("/dev/null", "w", stderr)) _exit(127);
          execl(exe, "gnuplot", gp, (char *)NULL);
          _exit(127);
        }
        int st = 1;
        if (c > 0) waitpid(c, &st, 0);
        if (c > 0 && WIFEXITED(st) && !WEXITSTATUS(st))
          fprintf(f, "\n![throughput](%s)\n![NPU utilization](%s)\n", strrchr(png1, '/') ? strrchr(png1, '/') + 1 : png1,
                  strrchr(png2, '/') ? strrchr(png2, '/') + 1 : png2);
        else fprintf(f, "\n(no plot: gnuplot %s failed)\n", gp);
      } else {
        fprintf(f, "\n(no plot: gnuplot is not on PATH; `make deps` installs gnuplot-nox)\n");
      }
      fclose(f);
    }
  }
  if (js) {
    json_t *root_o = json_object(), *arr = json_array();
    json_object_set_new(root_o, "schema", json_string("coda.neupims.report.v1"));
    json_object_set_new(root_o, "config", json_string(cfg.name));
    json_object_set_new(root_o, "iterations", json_integer((json_int_t)iters));
    json_object_set_new(root_o, "sim_layers", json_integer((json_int_t)siml));
    json_object_set_new(root_o, "wall_seconds", json_real(wall));
    for (int i = 0; i < np; i++) {
      if (!P[i].ok) continue;
      char mp[PATH_MAX + 64];
      snprintf(mp, sizeof mp, "%s/workloads/models/gpt3_%s.json", root, MODELS[P[i].model].tag);
      serve_wl_t w;
      memset(&w, 0, sizeof w);
      snprintf(w.name, sizeof w.name, "gpt3_%s_%s", MODELS[P[i].model].tag, dataset ? "alpaca" : "sharegpt");
      snprintf(w.md.name, sizeof w.md.name, "gpt3_%s", MODELS[P[i].model].tag);
      json_array_append_new(arr, serve_result_obj(&cfg, &w, &P[i].r));
    }
    json_object_set_new(root_o, "points", arr);
    if (json_dump_file(root_o, js, JSON_INDENT(2) | JSON_REAL_PRECISION(10))) {
      fprintf(stderr, "coda: error: %s: cannot write\n", js);
      ex = 2;
    }
    json_decref(root_o);
  }
  free(buf); free(P); free(fd); free(pid);
  return ex;
}
