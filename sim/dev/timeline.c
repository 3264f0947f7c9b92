/* timeline.c: Chrome trace-event JSON of a device run (see timeline.h). */
#include "timeline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

enum {
  TL_FE = 1, TL_DMA = 2, TL_TPRE = 3, TL_ARRAY = 4, TL_MEMSTALL = 5, TL_LAYER = 6, TL_MEM0 = 16
};

/* An open span of merged cycles [start, end). */
typedef struct tl_span {
  int open;
  cyc_t start, end;
  uint32_t pc;          /* SYNC spans: the SYNC's index */
} tl_span_t;

/* A memory request in flight. */
typedef struct tl_slot {
  int busy;
  uint64_t tag;         /* the DMA's chunk tag */
  cyc_t start;          /* cycle sent */
  uint64_t addr;        /* DRAM byte address */
  uint32_t bytes;       /* length */
  uint8_t write;        /* 1 = write */
} tl_slot_t;

struct dev_timeline {
  FILE *f;
  char *path;
  double freq_mhz;          /* core.freq_mhz: cycles per microsecond */
  uint64_t max_events;      /* cap on X and i events */
  uint64_t written;         /* events written */
  uint64_t dropped;         /* events over the cap */
  int first;                /* no event written yet (comma handling) */
  tl_slot_t *slot;          /* dma.max_outstanding slots */
  uint32_t n_slot;
  uint32_t slots_used;      /* highest slot index used + 1 */
  tl_span_t stall, sync;    /* memory stall, SYNC wait */
  int layer_open;           /* a layer span is open */
  uint32_t layer;           /* its layer */
  cyc_t layer_start;        /* its first issue */
};

/* ---- writing ------------------------------------------------------------- */

static void put_sep(dev_timeline_t *t) {
  fputs(t->first ? "\n" : ",\n", t->f);
  t->first = 0;
}

static void put_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void put_us(dev_timeline_t *t, const char *key, cyc_t c) {
  fprintf(t->f, ",\"%s\":%.6f", key, (double)c / t->freq_mhz);
}

/* Counts an event against the cap; 0 when it must be dropped. */
static int admit(dev_timeline_t *t) {
  if (t->written >= t->max_events) { t->dropped++; return 0; }
  t->written++;
  return 1;
}

/* Opens a complete event; the caller writes its args' members after it and
 * then calls end_x. */
static int begin_x(dev_timeline_t *t, int tid, const char *name, const char *cat, cyc_t s, cyc_t e) {
  if (!admit(t)) return 0;
  put_sep(t);
  fputs("{\"name\":", t->f);
  put_str(t->f, name);
  fprintf(t->f, ",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":1,\"tid\":%d", cat, tid);
  put_us(t, "ts", s);
  put_us(t, "dur", e - s);
  fprintf(t->f, ",\"args\":{\"start_cycle\":%" PRIu64 ",\"cycles\":%" PRIu64, s, e - s);
  return 1;
}
static void end_x(dev_timeline_t *t) { fputs("}}", t->f); }

static void meta(dev_timeline_t *t, int tid, const char *what, const char *name, int sort) {
  put_sep(t);
  fprintf(t->f, "{\"name\":\"%s\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":", what, tid);
  put_str(t->f, name);
  fputs("}}", t->f);
  if (sort >= 0) {
    put_sep(t);
    fprintf(t->f, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
                  "\"args\":{\"sort_index\":%d}}", tid, sort);
  }
}

/* ---- life cycle ------------------------------------------------------------ */

void dev_tl_free(dev_timeline_t *t) {
  if (!t) return;
  if (t->f) fclose(t->f);
  free(t->slot);
  free(t->path);
  free(t);
}

int device_timeline(device_t *d, const char *path, uint64_t max_events, coda_err_t *err) {
  dev_timeline_t *t = calloc(1, sizeof *t);
  uint32_t ns = (uint32_t)(d->cfg.dma_max_outstanding ? d->cfg.dma_max_outstanding : 1);
  if (!t || !(t->slot = calloc(ns, sizeof *t->slot)) || !(t->path = strdup(path))) {
    dev_tl_free(t);
    return coda_errf(err, CODA_ENOMEM, "%s: out of memory for the timeline", path);
  }
  t->n_slot = ns;
  t->freq_mhz = d->cfg.core_freq_mhz;
  t->max_events = max_events ? max_events : DEV_TL_DEFAULT_MAX_EVENTS;
  t->first = 1;
  if (!(t->f = fopen(path, "w"))) {
    int e = errno;
    dev_tl_free(t);
    return coda_errf(err, CODA_EIO, "%s: cannot write the timeline: %s", path, strerror(e));
  }
  fputs("{\"traceEvents\":[", t->f);
  char pn[160];
  snprintf(pn, sizeof pn, "coda device %s", d->cfg.name);
  put_sep(t);
  fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":", t->f);
  put_str(t->f, pn);
  fputs("}}", t->f);
  meta(t, TL_FE, "thread_name", "front end (SYNC waits)", 1);
  meta(t, TL_DMA, "thread_name", "DMA (LD/ST)", 2);
  meta(t, TL_TPRE, "thread_name", "precompute/vector (TPRE)", 3);
  meta(t, TL_ARRAY, "thread_name", d->cfg.core_type == ARCH_CORE_LUT ? "array (LMMA)" : "array (MMA)", 4);
  meta(t, TL_MEMSTALL, "thread_name", "memory stall (array+precompute idle, DMA busy)", 5);
  meta(t, TL_LAYER, "thread_name", "layers (by issue)", 0);
  d->tl = t;
  return CODA_OK;
}

/* ---- hooks ----------------------------------------------------------------- */

static const char *layer_name(const device_t *d, uint32_t l) {
  return l < d->prog->n_layer ? d->prog->layer[l].name : "program";
}

void dev_tl_op(device_t *d, const dev_op_t *op, cyc_t end) {
  dev_timeline_t *t = d->tl;
  int u = device_unit_of(op->in.op);
  int tid = u == DEV_UNIT_DMA ? TL_DMA : u == DEV_UNIT_TPRE ? TL_TPRE : TL_ARRAY;
  const char *cat = u == DEV_UNIT_DMA ? "dma" : u == DEV_UNIT_TPRE ? "precompute" : "array";
  if (!begin_x(t, tid, isa_op_name((isa_op_e)op->in.op), cat, op->start, end)) return;
  fprintf(t->f, ",\"pc\":%u,\"layer\":", op->pc);
  put_str(t->f, layer_name(d, d->layer_of[op->pc]));
  fprintf(t->f, ",\"issue_cycle\":%" PRIu64 ",\"queue_wait_cycles\":%" PRIu64, op->issue,
          op->start - op->issue);
  const isa_insn_t *in = &op->in;
  if (u == DEV_UNIT_DMA)
    fprintf(t->f, ",\"bytes\":%" PRIu64 ",\"dram_addr\":%" PRIu64, (uint64_t)in->rows * in->row_bytes,
            (uint64_t)in->daddr);
  else if (u == DEV_UNIT_TPRE)
    fprintf(t->f, ",\"m\":%u,\"k\":%u", in->m, in->k);
  else
    fprintf(t->f, ",\"m\":%u,\"n\":%u,\"k\":%u,\"wbits\":%u", in->m, in->n, in->k, in->wbits);
  end_x(t);
}

void dev_tl_req_sent(dev_timeline_t *t, const mem_req_t *q, cyc_t now) {
  for (uint32_t i = 0; i < t->n_slot; i++) {
    tl_slot_t *s = &t->slot[i];
    if (s->busy) continue;
    s->busy = 1;
    s->tag = q->tag;
    s->start = now;
    s->addr = q->addr;
    s->bytes = q->bytes;
    s->write = q->write;
    if (i + 1 > t->slots_used) t->slots_used = i + 1;
    return;
  }
  CODA_PANIC("timeline: more memory requests in flight than dma.max_outstanding (%u)", t->n_slot);
}

void dev_tl_req_done(dev_timeline_t *t, uint64_t tag, cyc_t now) {
  for (uint32_t i = 0; i < t->n_slot; i++) {
    tl_slot_t *s = &t->slot[i];
    if (!s->busy || s->tag != tag) continue;
    s->busy = 0;
    if (begin_x(t, TL_MEM0 + (int)i, s->write ? "wr" : "rd", "memory", s->start, now)) {
      fprintf(t->f, ",\"dram_addr\":%" PRIu64 ",\"bytes\":%u", s->addr, s->bytes);
      end_x(t);
    }
    return;
  }
  CODA_PANIC("timeline: response to a request never sent (tag %" PRIu64 ")", tag);
}

static void layer_close(device_t *d, cyc_t end) {
  dev_timeline_t *t = d->tl;
  if (!t->layer_open) return;
  t->layer_open = 0;
  if (!begin_x(t, TL_LAYER, layer_name(d, t->layer), "layer", t->layer_start, end)) return;
  fprintf(t->f, ",\"layer_index\":%u,\"repeat\":%u", t->layer,
          t->layer < d->prog->n_layer && d->prog->layer[t->layer].repeat ? d->prog->layer[t->layer].repeat : 1);
  end_x(t);
}

void dev_tl_issue(device_t *d, uint32_t pc, cyc_t now) {
  dev_timeline_t *t = d->tl;
  uint32_t l = d->layer_of[pc];
  if (t->layer_open && t->layer == l) return;
  layer_close(d, now);
  t->layer_open = 1;
  t->layer = l;
  t->layer_start = now;
  if (!admit(t)) return;
  put_sep(t);
  fputs("{\"name\":", t->f);
  put_str(t->f, layer_name(d, l));
  fprintf(t->f, ",\"cat\":\"layer\",\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":%d", TL_LAYER);
  put_us(t, "ts", now);
  fprintf(t->f, ",\"args\":{\"start_cycle\":%" PRIu64 ",\"layer_index\":%u}}", now, l);
}

static void stall_flush(dev_timeline_t *t) {
  if (!t->stall.open) return;
  t->stall.open = 0;
  if (begin_x(t, TL_MEMSTALL, "memory stall", "stall", t->stall.start, t->stall.end)) end_x(t);
}

static void sync_flush(device_t *d) {
  dev_timeline_t *t = d->tl;
  if (!t->sync.open) return;
  t->sync.open = 0;
  if (!begin_x(t, TL_FE, "SYNC wait", "stall", t->sync.start, t->sync.end)) return;
  const isa_insn_t *in = &d->insn[t->sync.pc];
  static const char *const UNIT[DEV_UNIT_COUNT] = {"dma", "precompute", "array"};
  fprintf(t->f, ",\"pc\":%u,\"waits_on\":\"", t->sync.pc);
  for (int i = 0, n = 0; i < DEV_UNIT_COUNT; i++)
    if ((in->mask >> i) & 1) fprintf(t->f, "%s%s", n++ ? "," : "", UNIT[i]);
  fputc('"', t->f);
  end_x(t);
}

/* Extends span s by [now, next) when cond holds and it touches s; returns 1
 * when s must be flushed and reopened. */
static int span_grow(tl_span_t *s, int cond, cyc_t now, cyc_t next) {
  if (!cond) return 0;
  if (s->open && s->end == now) { s->end = next; return 0; }
  return 1;
}

void dev_tl_span(device_t *d, cyc_t now, cyc_t next) {
  dev_timeline_t *t = d->tl;
  int stall = !d->array.busy && !d->tpre.busy && d->dma.busy;
  if (span_grow(&t->stall, stall, now, next)) {
    stall_flush(t);
    t->stall = (tl_span_t){1, now, next, 0};
  }
  int sync = d->fe.stalled_sync;
  if (sync && t->sync.open && t->sync.pc != d->fe.pc) sync_flush(d); /* a different SYNC */
  if (span_grow(&t->sync, sync, now, next)) {
    sync_flush(d);
    t->sync = (tl_span_t){1, now, next, d->fe.pc};
  }
}

int dev_tl_close(device_t *d, coda_err_t *err) {
  dev_timeline_t *t = d->tl;
  stall_flush(t);
  sync_flush(d);
  layer_close(d, d->cycles);
  for (uint32_t i = 0; i < t->slots_used; i++) {
    char nm[64];
    snprintf(nm, sizeof nm, "memory: request slot %u", i);
    meta(t, TL_MEM0 + (int)i, "thread_name", nm, 16 + (int)i);
  }
  fprintf(t->f, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"schema\":\"coda.timeline.v1\","
                "\"time_unit\":\"us of simulated time at core.freq_mhz; args.start_cycle/cycles are exact\","
                "\"freq_mhz\":%.6f,\"total_cycles\":%" PRIu64 ",\"events\":%" PRIu64
                ",\"max_events\":%" PRIu64 ",\"capped\":%s,\"dropped_events\":%" PRIu64,
          t->freq_mhz, d->cycles, t->written, t->max_events, t->dropped ? "true" : "false", t->dropped);
  if (t->dropped)
    fprintf(t->f, ",\"note\":\"capped at %" PRIu64 " events (--timeline-max-events): events after the "
                  "cap were dropped, so the tracks end early\"", t->max_events);
  fputs("}}\n", t->f);
  int bad = ferror(t->f);
  bad |= fclose(t->f) != 0;
  t->f = NULL;
  int rc = bad ? coda_errf(err, CODA_EIO, "%s: write failed for the timeline", t->path) : CODA_OK;
  dev_tl_free(t);
  d->tl = NULL;
  return rc;
}
