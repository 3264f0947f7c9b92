/* hbm_trace.c: `coda dram`: DRAMsim3-format traces through the HBM2 model.
 *
 * A trace line is `ADDR OP CYCLE`: ADDR in hex (0x optional), OP one of
 * READ, WRITE, R, W (any case), CYCLE a decimal DRAM cycle, non-decreasing.
 * Extension of the DRAMsim3 format: OP UPDATE or U, a near-memory update
 * (T3's atomic add at the bank, HBM_KIND_UPDATE: a write-queue entry issued
 * as UPD; see hbm.h).
 * Blank lines and lines starting with # are skipped; gzip or plain (zlib's
 * gzopen reads both). Each request enters its channel queue no earlier than
 * its cycle, in trace order, and only when that queue has room (the next
 * request waits behind it: back-pressure). Read latency counts from the
 * trace cycle to the end of the data. Output schema: docs/dram.md.
 *
 * PIM lines (hbm.pim_mode blocked or dual):
 *   ADDR PIM_GEMV CYCLE k=K [rows=R] [gwrites=G]
 * submit one PIM GEMV job (hbm_pim_job_t: K COMPs per PIM_GEMV, R weight
 * rows per bank from the row of ADDR, default 1, G GWRITEs, default 1) to
 * the channel of ADDR at CYCLE, in trace order with the requests. */
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
  const hbm_t *h;      /* the model (PIM limits, address decoding) */
  cyc_t prev;          /* cycle of the previous request */
  /* the request read */
  uint64_t addr;
  cyc_t cyc;
  hbm_kind_e kind;     /* READ, WRITE or UPDATE */
  int pim;             /* a PIM_GEMV line: job */
  hbm_pim_job_t job;
} trace_rd_t;

/* Parses `name=value` (value a decimal in lo..hi) into *v: 1 if tok is that
 * option, 0 if another, < 0 with err set if its value is bad. */
static int opt_u32(const trace_rd_t *t, const char *tok, const char *name, uint32_t lo, uint32_t hi, uint32_t *v,
                   coda_err_t *err) {
  size_t n = strlen(name);
  if (strncasecmp(tok, name, n) || tok[n] != '=') return 0;
  const char *a = tok + n + 1;
  char *end;
  errno = 0;
  unsigned long long x = *a >= '0' && *a <= '9' ? strtoull(a, &end, 10) : 0;
  if (*a < '0' || *a > '9' || *end || errno || x < lo || x > hi)
    return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": bad %s '%s' (expected %s=%u..%u)", t->path, t->line, name,
                     tok, name, lo, hi);
  *v = (uint32_t)x;
  return 1;
}

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
    char *save = NULL, *tok[8];
    int nt = 0;
    for (char *s = strtok_r(buf, " \t\r\n,", &save); s && nt < 8; s = strtok_r(NULL, " \t\r\n,", &save))
      tok[nt++] = s;
    if (!nt || tok[0][0] == '#') continue;
    int pim = nt >= 2 && !strcasecmp(tok[1], "PIM_GEMV");
    if (pim && (nt < 4 || nt > 6))
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": expected `0xADDR PIM_GEMV CYCLE k=K [rows=R] "
                       "[gwrites=G]`, got %d field%s", t->path, t->line, nt, nt == 1 ? "" : "s");
    if (!pim && nt != 3)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": expected `0xADDR READ|WRITE CYCLE`, got %d field%s",
                       t->path, t->line, nt, nt == 1 ? "" : "s");
    const char *a = tok[0];
    if (a[0] == '0' && (a[1] == 'x' || a[1] == 'X')) a += 2;
    char *end;
    errno = 0;
    unsigned long long addr = *a && *a != '-' && *a != '+' ? strtoull(a, &end, 16) : 0;
    if (!*a || *a == '-' || *a == '+' || *end || errno)
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": bad hex address '%s'", t->path, t->line, tok[0]);
    hbm_kind_e w = HBM_KIND_READ;
    if (pim) {
      if (hbm_pim_mode(t->h) == HBM_PIM_NONE)
        return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": PIM_GEMV needs --set hbm.pim_mode=blocked or dual "
                         "(it is none)", t->path, t->line);
    } else if (!strcasecmp(tok[1], "READ") || !strcasecmp(tok[1], "R")) w = HBM_KIND_READ;
    else if (!strcasecmp(tok[1], "WRITE") || !strcasecmp(tok[1], "W")) w = HBM_KIND_WRITE;
    else if (!strcasecmp(tok[1], "UPDATE") || !strcasecmp(tok[1], "U")) w = HBM_KIND_UPDATE;
    else
      return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": unknown operation '%s' (expected READ, WRITE, UPDATE, "
                       "R, W, U or PIM_GEMV)",
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
    t->pim = pim;
    if (pim) {
      hbm_addr_t da;
      hbm_decode(t->h, addr, &da);
      hbm_pim_job_t j = {1, 0, 1, da.row};
      int seen_k = 0;
      for (int i = 3; i < nt; i++) {
        int r = opt_u32(t, tok[i], "k", 1, 1u << 30, &j.k, err);
        if (r > 0) { seen_k = 1; continue; }
        if (!r) r = opt_u32(t, tok[i], "rows", 1, 1u << 30, &j.rows, err);
        if (!r) r = opt_u32(t, tok[i], "gwrites", 0, 1u << 30, &j.gwrites, err);
        if (r < 0) return r;
        if (!r)
          return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": unknown PIM_GEMV option '%s' (expected k=, rows=, "
                           "gwrites=)", t->path, t->line, tok[i]);
      }
      if (!seen_k)
        return coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": PIM_GEMV needs k=K (COMPs per PIM_GEMV)", t->path,
                         t->line);
      t->job = j;
    }
    t->addr = addr;
    t->cyc = t->prev = cyc;
    t->kind = w;
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
  tr.h = h;
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
    while (have > 0 && tr.cyc <= t) {
      if (tr.pim) {
        hbm_addr_t da;
        hbm_decode(h, tr.addr, &da);
        if (hbm_pim_submit(h, da.ch, &tr.job, res->pim_jobs, t, err)) {
          char msg[sizeof err->msg];
          snprintf(msg, sizeof msg, "%s", err->msg);
          coda_errf(err, CODA_EINVAL, "%s:%" PRIu64 ": %s", path, tr.line, msg);
          have = -1;
          break;
        }
        res->pim_jobs++;
      } else {
        if (hbm_enqueue_kind(h, tr.addr, tr.kind, t, tr.cyc, n)) break;
        n++;
        res->reads += tr.kind == HBM_KIND_READ;
        res->writes += tr.kind == HBM_KIND_WRITE;
        res->updates += tr.kind == HBM_KIND_UPDATE;
      }
      have = trace_next(&tr, err);
    }
    if (have < 0) break;
    hbm_advance(h, t);
    if (!have && !hbm_queued(h) && !hbm_pim_pending(h)) break;
    cyc_t nx = hbm_next_cmd(h);
    if (have) {
      if (tr.cyc > t) { if (tr.cyc < nx) nx = tr.cyc; }
      else if (!tr.pim && hbm_can_accept(h, tr.addr, tr.kind != HBM_KIND_READ)) nx = t + 1; /* room freed at t */
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
  res->rd_bus_bytes = (double)st->reads * hbm_req_bytes(h);
  res->wr_bus_bytes = (double)(st->writes + st->upds) * hbm_req_bytes(h); /* an update's addend is a WR burst */
  res->peak_gbps = hbm_peak_gbps(h);
  res->gbps = end ? res->bytes / ((double)end * cfg->hbm_tck_ns) : 0; /* B/ns = GB/s */
  res->rd_lat_avg = st->reads ? (double)st->rd_lat_sum / (double)st->reads : 0;
  res->rd_lat_p50 = hbm_rd_lat_pct(h, 50);
  res->rd_lat_p95 = hbm_rd_lat_pct(h, 95);
  res->rd_lat_p99 = hbm_rd_lat_pct(h, 99);
  res->rd_lat_max = st->rd_lat_max;
  res->row_hit_rate = n ? (double)st->row_hits / (double)n : 0;
  hbm_pim_total(h, &res->pim);
  res->pim_lat_avg = res->pim.jobs ? (double)res->pim.lat_sum / (double)res->pim.jobs : 0;
  res->energy_pj = st->act_pj + st->rd_pj + st->wr_pj + st->upd_pj + st->ref_pj + st->bg_pj + res->pim.comp_pj +
                   res->pim.act_pj + res->pim.rd_pj + res->pim.wr_pj;
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
  if (r->updates) { /* only with UPDATE lines, so plain runs keep the v1 keys exactly */
    json_object_set_new(o, "updates", json_integer((json_int_t)r->updates));
    json_object_set_new(o, "read_bus_bytes", json_real(r->rd_bus_bytes));
    json_object_set_new(o, "write_bus_bytes", json_real(r->wr_bus_bytes));
    json_object_set_new(e, "update_pj", json_real(s->upd_pj));
  }
  if (cfg->hbm_pim_mode) { /* only with PIM, so plain runs keep the v1 keys exactly */
    const hbm_pim_stats_t *p = &r->pim;
    char mode[16];
    arch_cfg_enum_name("hbm", "pim_mode", cfg->hbm_pim_mode, mode, sizeof mode);
    json_t *pj = json_pack("{s:s, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f}",
                           "mode", mode, "jobs", (json_int_t)p->jobs, "last_done_cycle", (json_int_t)p->last_done,
                           "latency_avg_cycles", r->pim_lat_avg, "busy_cycles", (json_int_t)p->busy_cyc,
                           "headers", (json_int_t)p->headers, "gwrites", (json_int_t)p->gwrites,
                           "g_acts", (json_int_t)p->gacts, "gemvs", (json_int_t)p->gemvs, "comps", (json_int_t)p->comps,
                           "pim_precharges", (json_int_t)p->pim_pres,
                           "normal_delayed", (json_int_t)p->normal_delayed,
                           "refresh_deferrals", (json_int_t)p->ref_deferrals, "refresh_late", (json_int_t)p->ref_late,
                           "comp_pj", p->comp_pj, "activate_pj", p->act_pj, "readres_pj", p->rd_pj,
                           "gwrite_pj", p->wr_pj);
    if (!pj) { json_decref(o); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
    json_object_set_new(o, "pim", pj);
  }
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
    "  (docs/dram.md). Extension of the DRAMsim3 format: the operation UPDATE (or U) is a\n"
    "  near-memory update (T3's atomic add at the bank: the addend crosses the bus like a\n"
    "  write, the bank reads, adds and writes back); the update count and energy are printed.\n"
    "  With --set hbm.pim_mode=blocked|dual, lines\n"
    "  `0xADDR PIM_GEMV CYCLE k=K [rows=R] [gwrites=G]` submit NeuPIMs PIM GEMV jobs to the\n"
    "  channel of ADDR (weight rows from its row), and PIM statistics are printed.\n";

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
  if (r->updates)
    printf("  updates           %" PRIu64 " (near-memory adds; bus %.0f B written, %.0f B read), energy %.1f pJ "
           "(in the total)\n", r->updates, r->wr_bus_bytes, r->rd_bus_bytes, s->upd_pj);
  printf("  energy            %.1f pJ: activate %.1f, read %.1f, write %.1f, refresh %.1f, background %.1f\n",
         r->energy_pj, s->act_pj, s->rd_pj, s->wr_pj, s->ref_pj, s->bg_pj);
  if (cfg->hbm_pim_mode) {
    const hbm_pim_stats_t *p = &r->pim;
    char mode[16];
    arch_cfg_enum_name("hbm", "pim_mode", cfg->hbm_pim_mode, mode, sizeof mode);
    printf("  PIM (%s)%*s%" PRIu64 " jobs, last done at cycle %" PRIu64 ", latency avg %.1f cycles, busy %" PRIu64
           " channel-cycles\n", mode, (int)(12 - strlen(mode)), "", p->jobs, p->last_done, r->pim_lat_avg, p->busy_cyc);
    printf("  PIM commands      %" PRIu64 " PIM_HEADER, %" PRIu64 " GWRITE, %" PRIu64 " G_ACT, %" PRIu64
           " PIM_GEMV (%" PRIu64 " COMPs), %" PRIu64 " PIM_PRECHARGE\n", p->headers, p->gwrites, p->gacts, p->gemvs,
           p->comps, p->pim_pres);
    printf("  PIM interference  %" PRIu64 " normal requests delayed, %" PRIu64 " refresh deferrals, %" PRIu64
           " late refreshes\n", p->normal_delayed, p->ref_deferrals, p->ref_late);
    printf("  PIM energy        %.1f pJ: COMP %.1f, G_ACT %.1f, READRES %.1f, GWRITE %.1f (in the total)\n",
           p->comp_pj + p->act_pj + p->rd_pj + p->wr_pj, p->comp_pj, p->act_pj, p->rd_pj, p->wr_pj);
  }
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
