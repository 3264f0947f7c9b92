/* tpe_report.c: `coda report tpe` (see tpe_report.h).
 *
 * Per row (topology x variant x encoding, at the sizes of --set):
 * - area_um2, fmax_mhz: area_run() on the block's RTL (cached by content);
 * - macs_per_cycle: the C twin fed one beat per cycle, blocks of
 *   STREAM_BEATS beats back to back, STREAM_BLOCKS blocks; INT8 MACs of the
 *   blocks finished between the first and the last `done` pulse over the
 *   cycles between them (steady state, the pipeline fill excluded). Every
 *   block's results are checked against a plain loop (exit 1 on a
 *   difference);
 * - throughput = MACs/cycle x frequency (own fmax; common = min fmax);
 * - area efficiency = throughput / area;
 * - gains: the row's figure over the baseline variant's (same topology,
 *   same encoding).
 */
#include "tpe_report.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/area/area.h"
#include "../sim/core/util.h"
#include "../sim/tpe/tpe_tree.h"

#define MAX_VARIANTS 4
#define MAX_ENCODINGS 2
#define MAX_ROWS 64
#define STREAM_BLOCKS 64
#define STREAM_BEATS 16

/* One topology: one registry entry. */
typedef struct tpe_topology {
  const char *name;                       /* "tree" */
  const char *doc;                        /* one line for the notes */
  const char *block;                      /* area (and cosim) block */
  const char *variant_key;                /* config key of the variant */
  const char *variants[MAX_VARIANTS + 1]; /* NULL-terminated; [0] is the baseline */
  const char *enc_key;                    /* config key of the encoding */
  const char *encodings[MAX_ENCODINGS + 1];
  /* INT8 MACs per cycle in steady state, measured on the C twin; *latency:
   * cycles from the first beat to the first result. */
  int (*measure)(const arch_cfg_t *cfg, double *macs_per_cycle, double *latency, coda_err_t *err);
} tpe_topology_t;

/* ---- the multiplier-adder tree ---------------------------------------------- */

static uint64_t rnd(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int tree_measure(const arch_cfg_t *cfg, double *macs_per_cycle, double *latency, coda_err_t *err) {
  tpe_tree_cfg_t c = tpe_tree_cfg_of(cfg);
  tpe_tree_t *t = malloc(sizeof *t);
  const size_t per_blk = (size_t)TPE_TREE_MAX_M * TPE_TREE_MAX_N; /* want[blk][m][n] */
  uint32_t *want = calloc((size_t)STREAM_BLOCKS * per_blk, sizeof *want);
  if (!t || !want) {
    free(t);
    free(want);
    return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  }
  int rc = tpe_tree_init(t, &c, err);
  const uint32_t M = c.m, K = c.k, N = c.n;
  int8_t a[TPE_TREE_MAX_M * TPE_TREE_MAX_K], b[TPE_TREE_MAX_N * TPE_TREE_MAX_K];
  uint64_t seed = 0x7470655f72707431ull, beats = 0, cyc = 0, first_done = 0, last_done = 0;
  uint32_t got = 0;
  const uint64_t total = (uint64_t)STREAM_BLOCKS * STREAM_BEATS, limit = total + 64;
  while (!rc && got < STREAM_BLOCKS && cyc < limit) {
    tpe_tree_in_t in = {0, 0, 0, a, b};
    if (beats < total) {
      uint32_t blk = (uint32_t)(beats / STREAM_BEATS), pos = (uint32_t)(beats % STREAM_BEATS);
      in.valid = 1;
      in.first = pos == 0;
      in.last = pos + 1 == STREAM_BEATS;
      for (uint32_t i = 0; i < M * K; i++) a[i] = (int8_t)(uint8_t)rnd(&seed);
      for (uint32_t i = 0; i < N * K; i++) b[i] = (int8_t)(uint8_t)rnd(&seed);
      for (uint32_t o = 0; o < M * N; o++) { /* the plain loop, output (m, n) = (o / N, o % N) */
        uint32_t s = in.first ? 0 : want[blk * per_blk + o];
        for (uint32_t k = 0; k < K; k++) s += (uint32_t)((int32_t)a[o / N * K + k] * (int32_t)b[o % N * K + k]);
        want[blk * per_blk + o] = s;
      }
      beats++;
    }
    tpe_tree_eval(t, &in);
    tpe_tree_commit(t);
    cyc++;
    const tpe_tree_regs_t *q = tpe_tree_regs(t);
    if (!q->done) continue;
    for (uint32_t o = 0; o < M * N; o++)
      if (q->res[o] != want[got * per_blk + o])
        rc = coda_errf(err, CODA_ECHECK,
                       "report tpe: tree %s/%s M%u K%u N%u: block %u output (%u, %u): %d, the plain loop %d",
                       tpe_variant_name(c.variant), tpe_enc_name(c.enc), M, K, N, got, o / N, o % N, (int)q->res[o],
                       (int)want[got * per_blk + o]);
    if (got == 0) first_done = cyc;
    last_done = cyc;
    got++;
  }
  if (!rc && got < STREAM_BLOCKS)
    rc = coda_errf(err, CODA_ECHECK, "report tpe: tree M%u K%u N%u: %u of %u blocks finished", M, K, N, got,
                   STREAM_BLOCKS);
  if (!rc) {
    double macs = (double)(STREAM_BLOCKS - 1) * STREAM_BEATS * M * K * N;
    *macs_per_cycle = macs / (double)(last_done - first_done);
    *latency = (double)first_done - (STREAM_BEATS - 1); /* first beat presented at cycle 0 */
  }
  free(want);
  free(t);
  return rc;
}

/* ---- the registry ------------------------------------------------------------- */

static const tpe_topology_t TOPOLOGIES[] = {
    {"tree", "multiplier-adder tree (Trapezoid style): K products per column per beat, N columns", "tpe_tree",
     "tpe.variant", {"base", "opt1", "opt2", NULL}, "tpe.encoding", {"mbe", "ent", NULL}, tree_measure},
    /* systolic OS/WS, 3D-Cube, 2D-Matrix, bit-slice: one entry each when their RTL twins land */
};
#define N_TOPOLOGIES (sizeof TOPOLOGIES / sizeof TOPOLOGIES[0])

/* ---- rows --------------------------------------------------------------------- */

typedef struct row {
  const tpe_topology_t *topo;
  const char *variant, *enc;
  int base;                  /* index of the baseline row */
  double area_um2, fmax_mhz, macs_per_cycle, latency;
  double ops_own, ops_common;  /* MACs/s */
  double aeff_own, aeff_common; /* MACs/s/mm2 */
  char params[160];          /* "tpe.k=16 tpe.n=4" */
  char timing[16];           /* the area flow's timing netlist: full / tile */
} row_t;

static double jnum(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static int one_row(const tpe_report_opts_t *o, row_t *r, coda_err_t *err) {
  arch_set_t *sets = calloc((size_t)o->nsets + 2, sizeof *sets);
  if (!sets) return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  char sv[64], se[64];
  snprintf(sv, sizeof sv, "%s=%s", r->topo->variant_key, r->variant);
  snprintf(se, sizeof se, "%s=%s", r->topo->enc_key, r->enc);
  for (int i = 0; i < o->nsets; i++) sets[i] = o->sets[i];
  sets[o->nsets].expr = sv;
  sets[o->nsets + 1].expr = se;
  arch_cfg_t cfg;
  int rc = arch_cfg_load(&cfg, NULL, sets, o->nsets + 2, err);
  free(sets);
  if (rc) return rc;
  const area_block_t *ab = area_find(r->topo->block);
  if (!ab) return coda_errf(err, CODA_EINVAL, "report tpe: no area entry for block %s", r->topo->block);
  if ((rc = ab->check(&cfg, err))) return rc;
  if ((rc = r->topo->measure(&cfg, &r->macs_per_cycle, &r->latency, err))) return rc;
  area_opts_t ao;
  memset(&ao, 0, sizeof ao);
  ao.root = o->root;
  ao.progress = stderr;
  json_t *adoc = NULL;
  if ((rc = area_run(ab, &cfg, &ao, &adoc, err))) return rc;
  r->area_um2 = jnum(adoc, "area_um2");
  const json_t *tm = json_object_get(adoc, "timing");
  r->fmax_mhz = jnum(tm, "fmax_mhz");
  const char *nl = json_string_value(json_object_get(tm, "netlist"));
  snprintf(r->timing, sizeof r->timing, "%s", nl ? nl : "?");
  size_t k = 0;
  const json_t *ps = json_object_get(adoc, "params");
  size_t i;
  const json_t *p;
  json_array_foreach(ps, i, p) {
    const char *key = json_string_value(json_object_get(p, "key"));
    if (!key || !strcmp(key, r->topo->variant_key) || !strcmp(key, r->topo->enc_key) || k >= sizeof r->params) continue;
    k += (size_t)snprintf(r->params + k, sizeof r->params - k, "%s%s=%lld", k ? " " : "", key,
                          (long long)json_integer_value(json_object_get(p, "value")));
  }
  json_decref(adoc);
  if (!(r->area_um2 > 0) || !(r->fmax_mhz > 0))
    return coda_errf(err, CODA_EINVAL, "report tpe: %s: the area flow gave no area or fmax", r->topo->block);
  return CODA_OK;
}

/* ---- output ------------------------------------------------------------------- */

static const char *const METHOD[][2] = {
    {"area", "`coda area`: Yosys 0.23 onto the OSU 0.18 um cells (qflow-tech-osu018), hierarchy kept, area = "
             "sum over modules of instances x module area (no optimization across module boundaries)."},
    {"fmax", "`coda area`: OpenSTA critical path of the flat netlist synthesized for delay (abc -D at core.freq_mhz's "
             "period, buffering and gate sizing), fmax = 1 / critical path; `timing` says whether the whole core "
             "or the area flow's tile (tpe.n capped at 8) was timed."},
    {"MACs/cycle", "INT8 x INT8 MACs per cycle on the C twin (sim/tpe), measured: one beat per cycle, blocks of 16 "
                   "beats back to back, 64 blocks; MACs of the blocks finished between the first and the last "
                   "`done` pulse over the cycles between them (steady state; the fill latency is in the JSON). Every "
                   "block's results are checked against a plain loop."},
    {"throughput", "MACs/cycle x frequency; one op = one INT8 MAC. `@fmax`: the design's own fmax (the paper's "
                   "method); `@fc`: the common frequency, the slowest design's fmax in this table."},
    {"area efficiency", "throughput / area, in GOPS/mm2 (10^9 MACs/s per mm2), at own fmax and at the common "
                        "frequency."},
    {"gain", "the row's area efficiency over its baseline's (same topology and encoding, the base variant), at own "
             "fmax and at the common frequency; 1.00 for the baseline itself."},
    {"energy", "left out: the energy flow (`coda energy`, sim/energy) synthesizes, drives and composes only the "
               "lut_tc and mac_tc tiles today (its stimulus fills their operand fields and its tile caps core.n); "
               "driving tpe_tree (a, b[n] fields, a tile capping tpe.n) is not done, so no energy per op, no "
               "energy efficiency and no energy gains are given rather than invented."},
};
#define N_METHOD (sizeof METHOD / sizeof METHOD[0])

static void table(FILE *f, const row_t *rows, int n, double fc) {
  fprintf(f, "| topology | variant | enc | sizes | area um2 | fmax MHz | timing | MACs/cycle | GOPS @fmax | "
             "GOPS @fc | area eff GOPS/mm2 @fmax | area eff GOPS/mm2 @fc | gain @fmax | gain @fc |\n"
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < n; i++) {
    const row_t *r = &rows[i], *b = &rows[r->base];
    fprintf(f, "| %s | %s | %s | %s | %.0f | %.1f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2fx | %.2fx |\n",
            r->topo->name, r->variant, r->enc, r->params, r->area_um2, r->fmax_mhz, r->timing, r->macs_per_cycle,
            r->ops_own / 1e9, r->ops_common / 1e9, r->aeff_own / 1e9, r->aeff_common / 1e9,
            r->aeff_own / b->aeff_own, r->aeff_common / b->aeff_common);
  }
  fprintf(f, "\nCommon frequency fc = %.1f MHz (the slowest design's fmax). Energy per op and energy efficiency: "
             "not given (see below).\n\nHow each column was obtained:\n", fc);
  for (size_t i = 0; i < N_METHOD; i++) fprintf(f, "- %s: %s\n", METHOD[i][0], METHOD[i][1]);
  fprintf(f, "- 0.18 um OSU cells at 1.8 V: absolute numbers are not those of the paper's flow; ratios are the "
             "point.\n");
}

/* Runs gnuplot on script; 0 if it exited 0. */
static int run_gnuplot(const char *exe, const char *script) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execl(exe, "gnuplot", script, (char *)NULL);
    _exit(127);
  }
  int st = 0;
  if (waitpid(pid, &st, 0) < 0) return -1;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The plot next to the Markdown: <stem>.dat, <stem>.gp, <stem>.png. *png
 * gets the PNG path or stays empty; *note says why not. */
static int plot(const char *md, const row_t *rows, int n, char *png, size_t plen, char *note, size_t nlen,
                coda_err_t *err) {
  png[0] = 0;
  if (!md) {
    snprintf(note, nlen, "no plot: it is written next to --md OUT");
    return CODA_OK;
  }
  char gpexe[PATH_MAX];
  if (!coda_find_exe("gnuplot", gpexe, sizeof gpexe)) {
    snprintf(note, nlen, "no plot: gnuplot is not on PATH (`make deps` installs gnuplot-nox)");
    return CODA_OK;
  }
  char stem[PATH_MAX], dat[PATH_MAX + 8], gp[PATH_MAX + 8], out[PATH_MAX + 8];
  snprintf(stem, sizeof stem, "%s", md);
  size_t sl = strlen(stem);
  if (sl > 3 && !strcmp(stem + sl - 3, ".md")) stem[sl - 3] = 0;
  snprintf(dat, sizeof dat, "%s.dat", stem);
  snprintf(gp, sizeof gp, "%s.gp", stem);
  snprintf(out, sizeof out, "%s.png", stem);
  FILE *f = fopen(dat, "w");
  if (!f) return coda_errf(err, CODA_EIO, "%s: cannot write", dat);
  fprintf(f, "# design  area_eff_own_GOPS_mm2  area_eff_common_GOPS_mm2\n");
  for (int i = 0; i < n; i++)
    fprintf(f, "\"%s %s/%s\" %.6g %.6g\n", rows[i].topo->name, rows[i].variant, rows[i].enc, rows[i].aeff_own / 1e9,
            rows[i].aeff_common / 1e9);
  if (fclose(f)) return coda_errf(err, CODA_EIO, "%s: write failed", dat);
  f = fopen(gp, "w");
  if (!f) return coda_errf(err, CODA_EIO, "%s: cannot write", gp);
  fprintf(f,
          "# generated by coda report tpe: area efficiency per design (energy efficiency is not measured for "
          "these blocks yet)\n"
          "set terminal png size 1000,560\nset output '%s'\n"
          "set title 'coda report tpe: area efficiency (INT8 MACs/s per mm2, OSU 0.18 um)'\n"
          "set ylabel 'GOPS/mm2'\nset style data histograms\nset style histogram clustered gap 1\n"
          "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset xtics rotate by -30\nset grid ytics\n"
          "set key below\nset yrange [0:*]\n"
          "plot '%s' using 2:xtic(1) title 'at own fmax', '' using 3 title 'at common frequency'\n",
          out, dat);
  if (fclose(f)) return coda_errf(err, CODA_EIO, "%s: write failed", gp);
  if (run_gnuplot(gpexe, gp)) {
    snprintf(note, nlen, "no plot: gnuplot %s failed", gp);
    return CODA_OK;
  }
  snprintf(png, plen, "%s", out);
  snprintf(note, nlen, "plot: %s (script %s, data %s): area efficiency per design at own fmax and at fc; energy "
                       "efficiency is not plotted (not measured)", out, gp, dat);
  return CODA_OK;
}

static json_t *row_json(const row_t *r, const row_t *b) {
  json_t *j = json_object();
  json_object_set_new(j, "design", json_sprintf("%s %s/%s", r->topo->name, r->variant, r->enc));
  json_object_set_new(j, "topology", json_string(r->topo->name));
  json_object_set_new(j, "block", json_string(r->topo->block));
  json_object_set_new(j, "variant", json_string(r->variant));
  json_object_set_new(j, "encoding", json_string(r->enc));
  json_object_set_new(j, "baseline", json_string(b->variant));
  json_object_set_new(j, "sizes", json_string(r->params));
  json_object_set_new(j, "area_um2", json_real(r->area_um2));
  json_object_set_new(j, "fmax_mhz", json_real(r->fmax_mhz));
  json_object_set_new(j, "timing_netlist", json_string(r->timing));
  json_object_set_new(j, "macs_per_cycle", json_real(r->macs_per_cycle));
  json_object_set_new(j, "latency_cycles", json_real(r->latency));
  json_object_set_new(j, "ops_per_s_own_fmax", json_real(r->ops_own));
  json_object_set_new(j, "ops_per_s_common", json_real(r->ops_common));
  json_object_set_new(j, "area_eff_own_fmax_ops_per_s_mm2", json_real(r->aeff_own));
  json_object_set_new(j, "area_eff_common_ops_per_s_mm2", json_real(r->aeff_common));
  json_object_set_new(j, "energy_per_op_pj", json_null());
  json_object_set_new(j, "energy_eff_ops_per_j", json_null());
  json_object_set_new(j, "gain",
                      json_pack("{s:f, s:f, s:f, s:f, s:f}", "area_eff_own_fmax", r->aeff_own / b->aeff_own,
                                "area_eff_common", r->aeff_common / b->aeff_common, "area", r->area_um2 / b->area_um2,
                                "fmax", r->fmax_mhz / b->fmax_mhz, "macs_per_cycle",
                                r->macs_per_cycle / b->macs_per_cycle));
  return j;
}

int tpe_report(const tpe_report_opts_t *o, coda_err_t *err) {
  row_t *rows = calloc(MAX_ROWS, sizeof *rows);
  if (!rows) return coda_errf(err, CODA_ENOMEM, "report tpe: out of memory");
  int n = 0, rc = CODA_OK;
  for (size_t t = 0; t < N_TOPOLOGIES && !rc; t++) {
    const tpe_topology_t *tp = &TOPOLOGIES[t];
    for (int e = 0; tp->encodings[e] && !rc; e++) {
      int base = n;
      for (int v = 0; tp->variants[v] && !rc && n < MAX_ROWS; v++) {
        row_t *r = &rows[n++];
        r->topo = tp;
        r->variant = tp->variants[v];
        r->enc = tp->encodings[e];
        r->base = base;
        rc = one_row(o, r, err);
      }
    }
  }
  double fc = INFINITY;
  for (int i = 0; i < n && !rc; i++) fc = fmin(fc, rows[i].fmax_mhz);
  for (int i = 0; i < n && !rc; i++) {
    row_t *r = &rows[i];
    r->ops_own = r->macs_per_cycle * r->fmax_mhz * 1e6;
    r->ops_common = r->macs_per_cycle * fc * 1e6;
    r->aeff_own = r->ops_own / (r->area_um2 * 1e-6);
    r->aeff_common = r->ops_common / (r->area_um2 * 1e-6);
  }
  char png[PATH_MAX + 8] = "", note[PATH_MAX * 3 + 256] = "";
  if (!rc) {
    table(stdout, rows, n, fc);
    if (o->md_out) {
      FILE *f = fopen(o->md_out, "w");
      if (!f) rc = coda_errf(err, CODA_EIO, "%s: cannot write", o->md_out);
      else {
        fprintf(f, "# Bit-weight-transformed tensor processing engines\n\n");
        table(f, rows, n, fc);
        if (fclose(f)) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
      }
    }
    if (!rc) rc = plot(o->md_out, rows, n, png, sizeof png, note, sizeof note, err);
    if (!rc) {
      printf("\n%s\n", note);
      if (o->md_out) {
        FILE *f = fopen(o->md_out, "a");
        if (!f || fprintf(f, "\n%s\n", note) < 0) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
        if (f && fclose(f) && !rc) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
      }
    }
  }
  if (!rc && o->json_out) {
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string("coda.tpe_report.v1"));
    json_object_set_new(root, "op", json_string("one INT8 x INT8 MAC"));
    json_object_set_new(root, "common_freq_mhz", json_real(fc));
    json_t *jr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(jr, row_json(&rows[i], &rows[rows[i].base]));
    json_object_set_new(root, "rows", jr);
    json_t *m = json_object();
    for (size_t i = 0; i < N_METHOD; i++) json_object_set_new(m, METHOD[i][0], json_string(METHOD[i][1]));
    json_object_set_new(root, "method", m);
    json_object_set_new(root, "energy", json_pack("{s:b, s:s}", "available", 0, "reason", METHOD[N_METHOD - 1][1]));
    json_object_set_new(root, "plot", png[0] ? json_string(png) : json_null());
    json_object_set_new(root, "plot_note", json_string(note));
    if (json_dump_file(root, o->json_out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)))
      rc = coda_errf(err, CODA_EIO, "%s: cannot write", o->json_out);
    json_decref(root);
  }
  free(rows);
  return rc;
}
