/* hbm_trace.c: `coda dram`: DRAMsim3-format traces through the HBM2 model.
 *
 * A trace line is `ADDR OP CYCLE`: ADDR in hex (0x optional), OP one of
 * READ, WRITE, R, W (any case), CYCLE a decimal DRAM cycle, non-decreasing.
 * Blank lines and lines starting with # are skipped; gzip or plain (zlib's
 * gzopen reads both). Each request enters its channel queue no earlier than
 * its cycle, in trace order, and only when that queue has room (the next
 * request waits behind it: back-pressure). Read latency counts from the
 * trace cycle to the end of the data. Output schema: docs/dram.md. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "../core/util.h"
#include "hbm.h"

typedef struct trace_rd {
  gzFile g;
  const char *path;
  uint64_t line;       /* line number of the last line read */
  uint64_t cap;        /* address limit */
  cyc_t prev;          /* cycle of the previous request */
  /* the request read */
  uint64_t addr;
  cyc_t cyc;
  int write;
} trace_rd_t;

/* Reads the next request: 1, 0 at the end, or < 0 with err set. */
static int trace_next(trace_rd_t *t, coda_err_t *err) {
  char buf[4096];
  for (;;) {
    if (!gzgets(t->g, buf, sizeof buf)) {
      int zerr;
      const char *msg = gzerror(t->g, &zerr);
      if (zerr != Z_OK && zerr != Z_STREAM_END)
        return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": truncated or corrupt gzip data (%s)", t->path,
                         t->line + 1, msg);
      return 0;
    }
    t->line++;
    size_t n = strlen(buf);
    if (n == sizeof buf - 1 && buf[n - 1] != '\n')
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": line longer than %zu characters", t->path, t->line,
                       sizeof buf - 2);
    if (n && buf[n - 1] != '\n') { /* the last line: was the stream cut? */
      int zerr;
      const char *msg = gzerror(t->g, &zerr);
      if (zerr != Z_OK && zerr != Z_STREAM_END)
        return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": truncated or corrupt gzip data (%s)", t->path,
                         t->line, msg);
    }
    char *save = NULL, *tok[4];
    int nt = 0;
    for (char *s = strtok_r(buf, " \t\r\n,", &save); s && nt < 4; s = strtok_r(NULL, " \t\r\n,", &save))
      tok[nt++] = s;
    if (!nt || tok[0][0] == '#') continue;
    if (nt != 3)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": expected `0xADDR READ|WRITE CYCLE`, got %d field%s",
                       t->path, t->line, nt, nt == 1 ? "" : "s");
    const char *a = tok[0];
    if (a[0] == '0' && (a[1] == 'x' || a[1] == 'X')) a += 2;
    char *end;
    errno = 0;
    unsigned long long addr = *a && *a != '-' && *a != '+' ? strtoull(a, &end, 16) : 0;
    if (!*a || *a == '-' || *a == '+' || *end || errno)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": bad hex address '%s'", t->path, t->line, tok[0]);
    int w;
    if (!strcasecmp(tok[1], "READ") || !strcasecmp(tok[1], "R")) w = 0;
    else if (!strcasecmp(tok[1], "WRITE") || !strcasecmp(tok[1], "W")) w = 1;
    else
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": unknown operation '%s' (expected READ, WRITE, R or W)",
                       t->path, t->line, tok[1]);
    errno = 0;
    unsigned long long cyc = tok[2][0] >= '0' && tok[2][0] <= '9' ? strtoull(tok[2], &end, 10) : 0;
    if (tok[2][0] < '0' || tok[2][0] > '9' || *end || errno)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": bad cycle '%s' (expected a decimal integer)", t->path,
                       t->line, tok[2]);
    if (cyc < t->prev)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": cycle %llu is before the previous request's %" PRIu64
                       " (cycles must not decrease)", t->path, t->line, cyc, t->prev);
    if (addr >= t->cap)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": address 0x%llx is beyond the capacity of %" PRIu64
                       " bytes", t->path, t->line, addr, t->cap);
    t->addr = addr;
    t->cyc = t->prev = cyc;
    t->write = w;
    return 1;
  }
}

int hbm_run_trace(const arch_cfg_t *cfg, const char *path, hbm_trace_result_t *res, coda_err_t *err) {
  memset(res, 0, sizeof *res);
  hbm_t *h;
  int rc = hbm_init(&h, cfg, cfg->name, err);
  if (rc) return rc;
  trace_rd_t tr = {0};
  tr.path = path;
  tr.cap = hbm_capacity_bytes(h);
  tr.g = gzopen(path, "rb");
  if (!tr.g) {
    hbm_free(h);
    return coda_errf(err, CODA_EINVAL, "%s: cannot open: %s", path, errno ? strerror(errno) : "gzopen failed");
  }
  gzbuffer(tr.g, 1 << 17);
  double t0 = coda_now_s();
  uint64_t n = 0;
  int have = trace_next(&tr, err);
  cyc_t t = have > 0 ? tr.cyc : 0;
  while (have >= 0) {
    while (have > 0 && tr.cyc <= t && hbm_enqueue(h, tr.addr, tr.write, t, tr.cyc, n) == 0) {
      n++;
      res->reads += !tr.write;
      res->writes += (uint64_t)tr.write;
      have = trace_next(&tr, err);
    }
    if (have < 0) break;
    hbm_advance(h, t);
    if (!have && !hbm_queued(h)) break;
    cyc_t nx = hbm_next_cmd(h);
    if (have) {
      if (tr.cyc > t) { if (tr.cyc < nx) nx = tr.cyc; }
      else if (hbm_can_accept(h, tr.addr, tr.write)) nx = t + 1; /* room freed at t */
    }
    if (nx == CYC_NEVER || nx <= t) CODA_PANIC("hbm trace: no progress at cycle %" PRIu64, t);
    t = nx;
  }
  gzclose(tr.g);
  if (have < 0) { hbm_free(h); return err->code; }
  const hbm_stats_t *st = hbm_get_stats(h);
  cyc_t end = st->last_done;
  hbm_advance(h, end);
  hbm_finish(h, end);
  res->sim_seconds = coda_now_s() - t0;
  res->st = *st;
  res->requests = n;
  res->cycles = end;
  res->bytes = (double)n * hbm_req_bytes(h);
  res->peak_gbps = hbm_peak_gbps(h);
  res->gbps = end ? res->bytes / ((double)end * cfg->hbm_tck_ns) : 0; /* B/ns = GB/s */
  res->rd_lat_avg = st->reads ? (double)st->rd_lat_sum / (double)st->reads : 0;
  res->rd_lat_p50 = hbm_rd_lat_pct(h, 50);
  res->rd_lat_p95 = hbm_rd_lat_pct(h, 95);
  res->rd_lat_p99 = hbm_rd_lat_pct(h, 99);
  res->rd_lat_max = st->rd_lat_max;
  res->row_hit_rate = n ? (double)st->row_hits / (double)n : 0;
  res->energy_pj = st->act_pj + st->rd_pj + st->wr_pj + st->ref_pj + st->bg_pj;
  hbm_free(h);
  return CODA_OK;
}

int hbm_trace_json(const arch_cfg_t *cfg, const char *trace, const hbm_trace_result_t *r, const char *path,
                   coda_err_t *err) {
  const hbm_stats_t *s = &r->st;
  double bits = r->bytes * 8;
  json_t *e = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "activate_pj", s->act_pj, "read_pj", s->rd_pj,
                        "write_pj", s->wr_pj, "refresh_pj", s->ref_pj, "background_pj", s->bg_pj, "total_pj",
                        r->energy_pj, "per_bit_pj", bits > 0 ? r->energy_pj / bits : 0.0);
  json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f}",
                        "schema", "coda.dram.v1", "trace", trace, "config", cfg->name,
                        "requests", (json_int_t)r->requests, "reads", (json_int_t)r->reads,
                        "writes", (json_int_t)r->writes, "cycles", (json_int_t)r->cycles,
                        "request_bytes", (json_int_t)(r->requests ? r->bytes / (double)r->requests : 64),
                        "bandwidth_gbps", r->gbps, "peak_gbps", r->peak_gbps,
                        "bandwidth_pct_of_peak", r->peak_gbps > 0 ? 100.0 * r->gbps / r->peak_gbps : 0.0);
  json_t *lat = json_pack("{s:f, s:I, s:I, s:I, s:I}", "avg_cycles", r->rd_lat_avg,
                          "p50_cycles", (json_int_t)r->rd_lat_p50, "p95_cycles", (json_int_t)r->rd_lat_p95,
                          "p99_cycles", (json_int_t)r->rd_lat_p99, "max_cycles", (json_int_t)r->rd_lat_max);
  json_t *cmd = json_pack("{s:I, s:I, s:I, s:I}", "activates", (json_int_t)s->acts,
                          "precharges", (json_int_t)s->pres, "refreshes", (json_int_t)s->refs,
                          "row_hits", (json_int_t)s->row_hits);
  if (!e || !o || !lat || !cmd) {
    json_decref(e); json_decref(o); json_decref(lat); json_decref(cmd);
    return coda_errf(err, CODA_ENOMEM, "out of memory");
  }
  json_object_set_new(o, "row_hit_rate", json_real(r->row_hit_rate));
  json_object_set_new(o, "read_latency", lat);
  json_object_set_new(o, "commands", cmd);
  json_object_set_new(o, "energy", e);
  json_object_set_new(o, "sim_seconds", json_real(r->sim_seconds));
  json_object_set_new(o, "requests_per_second",
                      json_real(r->sim_seconds > 0 ? (double)r->requests / r->sim_seconds : 0));
  int rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (rc) return coda_errf(err, CODA_EIO, "%s: cannot write", path);
  return CODA_OK;
}

const char *const HBM_DRAM_USAGE =
    "coda dram [--arch A.json] [--set sec.key=val]... TRACE [--json OUT]\n"
    "  Runs a DRAMsim3-format trace (`0xADDR READ|WRITE CYCLE` per line, also R/W, # comments;\n"
    "  plain or gzip) through the HBM2 model (the hbm.* keys; default the NeuPIMs HBM2: 32\n"
    "  channels, 2 ranks x 4 bank groups x 4 banks, 1 KB rows, 64 B requests, tCK 1 ns). Each\n"
    "  request enters its channel queue no earlier than its cycle and only when there is room.\n"
    "  Prints cycles, requests, bandwidth (GB/s, % of peak), read latency (avg, p50/p95/p99),\n"
    "  row-buffer hit rate, refreshes and energy by component. --json writes coda.dram.v1\n"
    "  (docs/dram.md).\n";

static void print_result(const arch_cfg_t *cfg, const char *trace, const hbm_trace_result_t *r) {
  const hbm_stats_t *s = &r->st;
  double bits = r->bytes * 8;
  printf("coda dram: %s on %s (HBM2, %" PRIu64 " channels)\n", trace, cfg->name, cfg->hbm_channels);
  printf("  requests          %" PRIu64 " (%" PRIu64 " reads, %" PRIu64 " writes)\n", r->requests, r->reads,
         r->writes);
  printf("  cycles            %" PRIu64 " (DRAM, tCK %g ns)\n", r->cycles, cfg->hbm_tck_ns);
  printf("  bandwidth         %.2f GB/s = %.1f %% of peak %.1f GB/s\n", r->gbps,
         r->peak_gbps > 0 ? 100.0 * r->gbps / r->peak_gbps : 0.0, r->peak_gbps);
  printf("  read latency      avg %.1f, p50 %" PRIu64 ", p95 %" PRIu64 ", p99 %" PRIu64 ", max %" PRIu64
         " cycles\n", r->rd_lat_avg, r->rd_lat_p50, r->rd_lat_p95, r->rd_lat_p99, r->rd_lat_max);
  printf("  row-buffer hits   %.1f %% (%" PRIu64 " ACT, %" PRIu64 " PRE)\n", 100.0 * r->row_hit_rate, s->acts,
         s->pres);
  printf("  refreshes         %" PRIu64 "\n", s->refs);
  printf("  energy            %.1f pJ: activate %.1f, read %.1f, write %.1f, refresh %.1f, background %.1f\n",
         r->energy_pj, s->act_pj, s->rd_pj, s->wr_pj, s->ref_pj, s->bg_pj);
  printf("  energy per bit    %.3f pJ/bit\n", bits > 0 ? r->energy_pj / bits : 0.0);
  printf("  simulated in      %.3f s (%.3g requests/s)\n", r->sim_seconds,
         r->sim_seconds > 0 ? (double)r->requests / r->sim_seconds : 0.0);
}

#define DRAM_MAX_SETS 64

int dram_main(int argc, char **argv) {
  const char *arch = NULL, *json = NULL, *trace = NULL;
  arch_set_t sets[DRAM_MAX_SETS];
  int nsets = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(HBM_DRAM_USAGE, stdout); return 0; }
    if (!strcmp(a, "--arch") || !strcmp(a, "--set") || !strcmp(a, "--json")) {
      if (!v) { fprintf(stderr, "coda: dram: option %s needs a value (see `coda help dram`)\n", a); return 2; }
      i++;
      if (!strcmp(a, "--arch")) arch = v;
      else if (!strcmp(a, "--json")) json = v;
      else if (nsets >= DRAM_MAX_SETS) { fprintf(stderr, "coda: dram: too many --set options (at most 64)\n"); return 2; }
      else sets[nsets++].expr = v;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "coda: dram: unknown option %s (see `coda help dram`)\n", a);
      return 2;
    } else if (trace) {
      fprintf(stderr, "coda: dram: unexpected argument %s (one trace file)\n", a);
      return 2;
    } else trace = a;
  }
  if (!trace) { fprintf(stderr, "coda: dram: expected a trace file (see `coda help dram`)\n"); return 2; }
  coda_err_t err = {0};
  arch_cfg_t cfg;
  hbm_trace_result_t r;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err) || hbm_run_trace(&cfg, trace, &r, &err) ||
      (json && hbm_trace_json(&cfg, trace, &r, json, &err))) {
    fprintf(stderr, "coda: error: %s\n", err.msg);
    return err.code == CODA_ECHECK ? 1 : 2;
  }
  print_result(&cfg, trace, &r);
  return 0;
}
