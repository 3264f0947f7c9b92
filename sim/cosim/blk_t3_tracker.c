/* blk_t3_tracker.c: T3's track-and-trigger table (issue 8 item 3) as a
 * co-simulation block ("t3_tracker").
 *
 * RTL: rtl/t3/t3_tracker_cosim_top.v around t3_tracker (t3_tracker_entry,
 * t3_tracker_queue). C twin: sim/t3/tracker.c. Parameters:
 * t3.tracker_entries, t3.tracker_queue (-GT3TrackerEntries -GT3TrackerQueue).
 *
 * in_i (135 bits, LSB first): cfg_valid, cfg_tile[16], cfg_expect[16],
 * cfg_rearm, cfg_addr[32], cfg_bytes[24], cfg_dest[6], then per port p = 0,
 * 1: valid, tile[16], kind[2]; then dma_ready. out_o (LSB first): err[3],
 * trig_valid, trig {tile[16], addr[32], bytes[24], dest[6]}, head[CB],
 * count[CB], slot[Q] {the same four fields}, then per entry: valid, rearm,
 * tag[TB], expect[16], local[16], remote[16], dma[16], addr[32], bytes[24],
 * dest[6] (CB = clog2(Q + 1), TB = 16 - log2 E): every register.
 *
 * Stimulus, all from the seed: phases of 64..319 cycles; the first six are
 * directed, in this order:
 *   program  a configuration write to every entry in turn (counts 1..6,
 *            re-arm half the time), the DMA always ready;
 *   count    updates to programmed tiles on both ports (the stimulus reads
 *            the twin's table to pick valid entries), the DMA ready with a
 *            per-phase probability (1, 1/2, 1/8 or 0: the queue fills and
 *            updates stall), a configuration write 1 cycle in 3;
 *   simul    simultaneous completions: both ports hit two entries one
 *            update short of their counts in the same cycle (and the same
 *            entry from both ports, which passes the count: "over"), with
 *            re-programming to keep such entries around;
 *   miss     updates to unprogrammed tiles (random ids, entries freed by
 *            count-0 writes) and the undefined kind 3;
 *   reset    count-phase traffic with a reset in 1 cycle of 24;
 *   big      one entry programmed with a count of 200..1200 (in the random
 *            picks, 1 in 8: up to 65535) hammered by both ports until it
 *            fires (bounded at 40000 cycles): the counters' upper bits.
 * Then random phases (everything random: writes 1 in 4, updates half hits,
 * half random ids, random kinds, the DMA ready half the time; a reset 1
 * cycle in 8192) and the directed kinds again, picked at random. Ports that
 * are not valid carry random ids and kinds, and cycles without a write carry
 * random configuration fields, so the enables are checked. A transaction is
 * a trigger handed to the DMA engine.
 * Test hook (--inject-bug count): the twin's DMA counter of entry 0 takes an
 * extra increment whenever that entry counts a DMA update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../t3/tracker.h"
#include "cosim.h"

enum { PH_PROGRAM, PH_COUNT, PH_SIMUL, PH_MISS, PH_RESET, PH_BIG, PH_RANDOM, PH_DIRECTED = PH_RANDOM };

#define IN_BITS 135u
#define PORT_AT(p) (96u + 19u * (p))
#define DMA_READY_AT 134u

typedef struct blk_t3_tracker {
  t3_tracker_t t;            /* the C twin */
  uint32_t out_bits, cb, tb; /* out_o width; queue counter and tag bits */
  uint64_t rng;              /* splitmix64 state, from the seed */
  uint32_t phases, kind;     /* phases started, the current one's PH_* */
  uint64_t phase_end;        /* first cycle of the next phase */
  uint32_t next_prog;        /* program phase: the next entry */
  uint32_t big_idx;          /* big phase: the hammered entry */
  double ready_p;            /* the phase's DMA ready probability */
  int rst, bug;
} blk_t3_tracker_t;

static uint32_t clog2u(uint32_t v) {
  uint32_t b = 0;
  while ((1u << b) < v) b++;
  return b;
}

static uint32_t out_bits_of(const t3_tracker_cfg_t *c, uint32_t *cb, uint32_t *tb) {
  *cb = clog2u(c->queue + 1);
  *tb = T3_TILE_BITS - clog2u(c->entries);
  return 3 + 1 + T3_DESC_BITS + 2 * *cb + c->queue * T3_DESC_BITS + c->entries * (128 + *tb);
}

static uint32_t fields_of(const t3_tracker_cfg_t *c) { return 6 + 4 * c->queue + 10 * c->entries; }

static int t3_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err) {
  t3_tracker_cfg_t c = t3_tracker_cfg_of(cfg);
  coda_err_t e = {0};
  int rc = t3_tracker_check(&c, &e);
  if (rc) return coda_errf(err, rc, "t3_tracker: %s (rtl/t3 supports what the C twin does)", e.msg);
  if (fields_of(&c) > COSIM_MAX_FIELDS)
    return coda_errf(err, CODA_EINVAL, "t3_tracker: %u entries (t3.tracker_entries) name %u fields, above the "
                     "co-simulation's %d; at most 256 entries", c.entries, fields_of(&c), COSIM_MAX_FIELDS);
  uint32_t cb, tb;
  *in_bits = IN_BITS;
  *out_bits = out_bits_of(&c, &cb, &tb);
  return CODA_OK;
}

static void t3_destroy(void *p) { free(p); }

static void *t3_create(const arch_cfg_t *cfg, uint64_t seed) {
  t3_tracker_cfg_t c = t3_tracker_cfg_of(cfg);
  coda_err_t err;
  blk_t3_tracker_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (t3_tracker_init(&b->t, &c, &err)) {
    free(b);
    return NULL;
  }
  b->out_bits = out_bits_of(&c, &b->cb, &b->tb);
  b->rng = seed ^ 0x74335f747261636bull; /* "t3_track" */
  return b;
}

/* The tile id of entry i as programmed (its tag and index). */
static uint32_t tile_of(const blk_t3_tracker_t *b, uint32_t i) {
  return (b->t.cur.e[i].tag << b->t.idx_bits) | i;
}

/* A valid entry (want_rem > 0: one with exactly want_rem updates to go),
 * scanning from a random start; -1 if none. */
static int pick_valid(blk_t3_tracker_t *b, uint32_t want_rem) {
  const uint32_t E = b->t.cfg.entries, s = (uint32_t)coda_rnd(&b->rng) % E;
  for (uint32_t k = 0; k < E; k++) {
    const uint32_t i = (s + k) % E;
    const t3_entry_t *e = &b->t.cur.e[i];
    if (!e->valid) continue;
    if (want_rem && e->expect - (e->cnt[0] + e->cnt[1] + e->cnt[2]) != want_rem) continue;
    return (int)i;
  }
  return -1;
}

static void next_phase(blk_t3_tracker_t *b, uint64_t cycle) {
  if (b->phases < PH_DIRECTED) b->kind = b->phases;
  else {
    const uint64_t r = coda_rnd(&b->rng) % 40;
    b->kind = r == 0 ? PH_BIG : r < 12 ? (uint32_t)(r % PH_BIG) : PH_RANDOM;
  }
  b->phases++;
  b->phase_end = cycle + 64 + coda_rnd(&b->rng) % 256;
  static const double ready[4] = {1.0, 0.5, 0.125, 0.0};
  b->ready_p = b->kind == PH_PROGRAM ? 1.0 : b->kind == PH_RANDOM ? 0.5 : ready[coda_rnd(&b->rng) % 4];
  b->next_prog = 0;
  if (b->kind == PH_BIG) {
    b->big_idx = (uint32_t)coda_rnd(&b->rng) % b->t.cfg.entries;
    b->phase_end = cycle + 40000;
    b->ready_p = 1.0;
  }
}

typedef struct stim {
  int cfg_valid;
  uint32_t cfg_tile, cfg_expect, cfg_rearm;
  int uv[2];
  uint32_t ut[2], uk[2];
} stim_t;

static void t3_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_t3_tracker_t *b = p;
  const uint32_t E = b->t.cfg.entries;
  if (b->phases == 0 || cycle >= b->phase_end) next_phase(b, cycle);
  const uint64_t r = coda_rnd(&b->rng), r2 = coda_rnd(&b->rng);
  stim_t s;
  s.cfg_valid = 0;
  s.cfg_tile = (uint32_t)(r >> 16) & 0xffffu;
  s.cfg_expect = 1 + (uint32_t)(r >> 32) % 6;
  s.cfg_rearm = (uint32_t)(r >> 40) & 1;
  for (int q = 0; q < 2; q++) {
    s.uv[q] = 0;
    s.ut[q] = (uint32_t)(r2 >> (16 * q)) & 0xffffu;
    s.uk[q] = (uint32_t)(r2 >> (32 + 2 * q)) % 3;
  }
  b->rst = 0;
  switch (b->kind) {
    case PH_PROGRAM:
      s.cfg_valid = 1;
      s.cfg_tile = (s.cfg_tile & ~(E - 1)) | (b->next_prog++ % E);
      break;
    case PH_RESET:
      b->rst = (r >> 48) % 24 == 0;
      /* fall through */
    case PH_COUNT:
      s.cfg_valid = (r >> 56) % 3 == 0;
      for (int q = 0; q < 2; q++) {
        const int i = pick_valid(b, 0);
        s.uv[q] = (r2 >> (40 + q)) & 1 ? 1 : (r2 >> 44) % 4 == 0;
        if (i >= 0) s.ut[q] = tile_of(b, (uint32_t)i);
      }
      break;
    case PH_SIMUL: {
      const int i = pick_valid(b, 1), j = pick_valid(b, 1);
      s.uv[0] = s.uv[1] = 1;
      if (i >= 0) s.ut[0] = tile_of(b, (uint32_t)i);
      if (j >= 0) s.ut[1] = tile_of(b, (uint32_t)j);
      if ((r >> 50) % 8 == 0 && i >= 0) s.ut[1] = s.ut[0]; /* same entry from both: over */
      /* keep entries one short around: re-program a random one with count 1 or 2 */
      s.cfg_valid = (r >> 56) % 2 == 0;
      s.cfg_expect = 1 + (uint32_t)(r >> 32) % 2;
      break;
    }
    case PH_MISS:
      s.cfg_valid = (r >> 56) % 8 == 0;
      if (s.cfg_valid && (r >> 60) & 1) s.cfg_expect = 0; /* free an entry */
      for (int q = 0; q < 2; q++) {
        s.uv[q] = 1;
        if ((r2 >> (48 + q)) & 1) s.uk[q] = (uint32_t)(r2 >> (52 + 2 * q)) & 3; /* kind 3 too */
      }
      break;
    case PH_BIG: {
      const t3_entry_t *e = &b->t.cur.e[b->big_idx];
      if (!e->valid || e->expect < 200) { /* program it (again) */
        s.cfg_valid = 1;
        s.cfg_tile = (s.cfg_tile & ~(E - 1)) | b->big_idx;
        s.cfg_expect = b->phases > PH_DIRECTED && (r >> 20) % 8 == 0 ? 200 + (uint32_t)(r >> 24) % 65336
                                                                    : 200 + (uint32_t)(r >> 24) % 1001;
        s.cfg_rearm = 0;
      } else {
        for (int q = 0; q < 2; q++) s.uv[q] = 1, s.ut[q] = tile_of(b, b->big_idx);
        if (e->expect - (e->cnt[0] + e->cnt[1] + e->cnt[2]) <= 2) b->phase_end = cycle + 1; /* it fires now */
      }
      break;
    }
    default: /* PH_RANDOM */
      b->rst = (r >> 48) % 8192 == 0;
      s.cfg_valid = (r >> 56) % 4 == 0;
      s.cfg_expect = (uint32_t)(r >> 32) & ((r >> 61) & 1 ? 0xffffu : 7u);
      for (int q = 0; q < 2; q++) {
        s.uv[q] = (r2 >> (40 + q)) & 1;
        if ((r2 >> (44 + q)) & 1) {
          const int i = pick_valid(b, 0);
          if (i >= 0) s.ut[q] = tile_of(b, (uint32_t)i);
        }
        s.uk[q] = (uint32_t)(r2 >> (52 + 2 * q)) & 3;
      }
  }
  const uint64_t r3 = coda_rnd(&b->rng);
  memset(in, 0, (IN_BITS + 63) / 64 * sizeof *in);
  cosim_put(in, 0, 1, (uint64_t)s.cfg_valid);
  cosim_put(in, 1, 16, s.cfg_tile);
  cosim_put(in, 17, 16, s.cfg_expect);
  cosim_put(in, 33, 1, s.cfg_rearm);
  cosim_put(in, 34, 32, (uint32_t)r3);
  cosim_put(in, 66, 24, (r3 >> 32) & 0xffffffu);
  cosim_put(in, 90, 6, (r3 >> 56) & 0x3fu);
  for (int q = 0; q < 2; q++) {
    cosim_put(in, PORT_AT(q), 1, (uint64_t)s.uv[q]);
    cosim_put(in, PORT_AT(q) + 1, 16, s.ut[q]);
    cosim_put(in, PORT_AT(q) + 17, 2, s.uk[q]);
  }
  const double u = (double)(coda_rnd(&b->rng) >> 11) / 9007199254740992.0;
  cosim_put(in, DMA_READY_AT, 1, u < b->ready_p);
}

static void put_desc(uint64_t *out, uint32_t *at, const t3_desc_t *d) {
  cosim_put(out, *at, 16, d->tile), *at += 16;
  cosim_put(out, *at, 32, d->addr), *at += 32;
  cosim_put(out, *at, 24, d->bytes), *at += 24;
  cosim_put(out, *at, 6, d->dest), *at += 6;
}

static void t3_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_t3_tracker_t *b = p;
  t3_tracker_in_t ti;
  ti.cfg_valid = (uint8_t)cosim_get(in, 0, 1);
  ti.cfg_tile = (uint32_t)cosim_get(in, 1, 16);
  ti.cfg_expect = (uint32_t)cosim_get(in, 17, 16);
  ti.cfg_rearm = (uint8_t)cosim_get(in, 33, 1);
  ti.cfg_addr = (uint32_t)cosim_get(in, 34, 32);
  ti.cfg_bytes = (uint32_t)cosim_get(in, 66, 24);
  ti.cfg_dest = (uint32_t)cosim_get(in, 90, 6);
  for (int q = 0; q < 2; q++) {
    ti.upd_valid[q] = (uint8_t)cosim_get(in, PORT_AT(q), 1);
    ti.upd_tile[q] = (uint32_t)cosim_get(in, PORT_AT(q) + 1, 16);
    ti.upd_kind[q] = (uint8_t)cosim_get(in, PORT_AT(q) + 17, 2);
  }
  ti.dma_ready = (uint8_t)cosim_get(in, DMA_READY_AT, 1);
  if (b->rst) t3_tracker_reset(&b->t);
  else {
    t3_tracker_eval(&b->t, &ti);
    if (b->bug && b->t.nxt.e[0].cnt[T3_UPD_DMA] > b->t.cur.e[0].cnt[T3_UPD_DMA])
      b->t.nxt.e[0].cnt[T3_UPD_DMA]++; /* test hook: a wrong count */
    t3_tracker_commit(&b->t);
  }
  const t3_tracker_regs_t *r = t3_tracker_regs(&b->t);
  const t3_tracker_cfg_t *c = &b->t.cfg;
  memset(out, 0, (b->out_bits + 63) / 64 * sizeof *out);
  uint32_t at = 0;
  cosim_put(out, at, 3, r->err), at += 3;
  cosim_put(out, at++, 1, r->trig_valid);
  put_desc(out, &at, &r->trig);
  cosim_put(out, at, b->cb, r->head), at += b->cb;
  cosim_put(out, at, b->cb, r->count), at += b->cb;
  for (uint32_t s = 0; s < c->queue; s++) put_desc(out, &at, &r->slot[s]);
  for (uint32_t i = 0; i < c->entries; i++) {
    const t3_entry_t *e = &r->e[i];
    cosim_put(out, at++, 1, e->valid);
    cosim_put(out, at++, 1, e->rearm);
    cosim_put(out, at, b->tb, e->tag), at += b->tb;
    cosim_put(out, at, 16, e->expect), at += 16;
    for (int k = 0; k < T3_UPD_KINDS; k++) cosim_put(out, at, 16, e->cnt[k]), at += 16;
    cosim_put(out, at, 32, e->addr), at += 32;
    cosim_put(out, at, 24, e->bytes), at += 24;
    cosim_put(out, at, 6, e->dest), at += 6;
  }
}

#define FIELD(w, ...) (n = cosim_field(f, n, max, at, (w), __VA_ARGS__), at += (w))

static int t3_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_t3_tracker_t *b = p;
  const t3_tracker_cfg_t *c = &b->t.cfg;
  int n = 0;
  uint32_t at = 0;
  FIELD(3, "err");
  FIELD(1, "trig_valid");
  FIELD(T3_DESC_BITS, "trig");
  FIELD(b->cb, "q.head");
  FIELD(b->cb, "q.count");
  for (uint32_t s = 0; s < c->queue; s++) {
    FIELD(16, "q.slot[%u].tile", s);
    FIELD(32, "q.slot[%u].addr", s);
    FIELD(24, "q.slot[%u].bytes", s);
    FIELD(6, "q.slot[%u].dest", s);
  }
  for (uint32_t i = 0; i < c->entries; i++) {
    FIELD(1, "e[%u].valid", i);
    FIELD(1, "e[%u].rearm", i);
    FIELD(b->tb, "e[%u].tag", i);
    FIELD(16, "e[%u].expect", i);
    FIELD(16, "e[%u].local", i);
    FIELD(16, "e[%u].remote", i);
    FIELD(16, "e[%u].dma", i);
    FIELD(32, "e[%u].addr", i);
    FIELD(24, "e[%u].bytes", i);
    FIELD(6, "e[%u].dest", i);
  }
  return n < max ? n : max;
}

static int t3_in_fields(const void *p, cosim_field_t *f, int max) {
  (void)p;
  int n = 0;
  uint32_t at = 0;
  FIELD(1, "cfg_valid");
  FIELD(16, "cfg_tile");
  FIELD(16, "cfg_expect");
  FIELD(1, "cfg_rearm");
  FIELD(32, "cfg_addr");
  FIELD(24, "cfg_bytes");
  FIELD(6, "cfg_dest");
  for (int q = 0; q < 2; q++) {
    FIELD(1, "upd%d.valid", q);
    FIELD(16, "upd%d.tile", q);
    FIELD(2, "upd%d.kind", q);
  }
  FIELD(1, "dma_ready");
  return n < max ? n : max;
}
#undef FIELD

static int t3_in_reset(const void *p) { return ((const blk_t3_tracker_t *)p)->rst; }

static int t3_inject(void *p, const char *bug) {
  blk_t3_tracker_t *b = p;
  if (strcmp(bug, "count")) return -1;
  b->bug = 1;
  return 0;
}

static uint64_t t3_transactions(const void *p) { return ((const blk_t3_tracker_t *)p)->t.st.triggers; }

static const char *const t3_rtl_files[] = {"rtl/t3/t3_tracker_cosim_top.v", "rtl/t3/t3_tracker.v",
                                           "rtl/t3/t3_tracker_entry.v", "rtl/t3/t3_tracker_queue.v", NULL};
static const char *const t3_params[] = {"t3.tracker_entries", "t3.tracker_queue", NULL};
static const char *const t3_test_sets[] = {"--set t3.tracker_entries=8 --set t3.tracker_queue=3", NULL};

const cosim_block_t cosim_block_t3_tracker = {
    .name = "t3_tracker",
    .doc = "T3 track-and-trigger table: t3.tracker_entries direct-mapped entries (tag, count, local/remote/DMA "
           "counters, DMA descriptor), two update ports, t3.tracker_queue-deep trigger queue",
    .rtl_top = "t3_tracker_cosim_top",
    .rtl_files = t3_rtl_files,
    .params = t3_params,
    .test_sets = t3_test_sets,
    .shape = t3_shape,
    .create = t3_create,
    .destroy = t3_destroy,
    .stimulus = t3_stimulus,
    .step = t3_step,
    .out_fields = t3_out_fields,
    .transactions = t3_transactions,
    .in_reset = t3_in_reset,
    .in_fields = t3_in_fields,
    .inject = t3_inject,
};
