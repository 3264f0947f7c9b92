/* tracker.c: T3's track-and-trigger table, clock by clock (see tracker.h).
 * RTL twin: rtl/t3/t3_tracker.v. */
#include "tracker.h"

#include <stddef.h>
#include <string.h>

#define MASK(b) ((uint32_t)((1ull << (b)) - 1))

t3_tracker_cfg_t t3_tracker_cfg_of(const arch_cfg_t *arch) {
  t3_tracker_cfg_t c = {(uint32_t)arch->t3_tracker_entries, (uint32_t)arch->t3_tracker_queue};
  return c;
}

int t3_tracker_check(const t3_tracker_cfg_t *c, coda_err_t *err) {
  if (c->entries < 2 || c->entries > T3_TRACKER_MAX_ENTRIES || (c->entries & (c->entries - 1)))
    return coda_errf(err, CODA_EINVAL, "t3 tracker: %u entries (t3.tracker_entries): a power of two, 2..%d",
                     c->entries, T3_TRACKER_MAX_ENTRIES);
  if (c->queue < 2 || c->queue > T3_TRACKER_MAX_QUEUE)
    return coda_errf(err, CODA_EINVAL, "t3 tracker: queue depth %u (t3.tracker_queue): 2..%d", c->queue,
                     T3_TRACKER_MAX_QUEUE);
  return CODA_OK;
}

int t3_tracker_init(t3_tracker_t *t, const t3_tracker_cfg_t *cfg, coda_err_t *err) {
  memset(t, 0, sizeof *t);
  int rc = t3_tracker_check(cfg, err);
  if (rc) return rc;
  t->cfg = *cfg;
  while ((1u << t->idx_bits) < cfg->entries) t->idx_bits++;
  return CODA_OK;
}

void t3_tracker_reset(t3_tracker_t *t) {
  memset(&t->cur, 0, sizeof t->cur);
  memset(&t->nxt, 0, sizeof t->nxt);
  memset(&t->pend, 0, sizeof t->pend);
  t->ntouch = 0;
}

/* The registers in front of the table (err .. slot[]). */
#define T3_HEAD_BYTES offsetof(t3_tracker_regs_t, e)

static void touch(t3_tracker_t *t, uint32_t idx) {
  for (uint32_t i = 0; i < t->ntouch; i++)
    if (t->touch[i] == idx) return;
  t->touch[t->ntouch++] = idx;
}

int t3_tracker_ready(const t3_tracker_t *t) { return t->cur.count + 2 <= t->cfg.queue; }

void t3_tracker_eval(t3_tracker_t *t, const t3_tracker_in_t *in) {
  const t3_tracker_regs_t *q = &t->cur;
  t3_tracker_regs_t *d = &t->nxt;
  const uint32_t E = t->cfg.entries, Q = t->cfg.queue, ib = t->idx_bits;
  /* nxt = cur: the registers in front of the table, and the entries an
   * uncommitted earlier eval wrote (the rest of the table is equal) */
  memcpy(d, q, T3_HEAD_BYTES);
  for (uint32_t i = 0; i < t->ntouch; i++) d->e[t->touch[i]] = q->e[t->touch[i]];
  t->ntouch = 0;
  memset(&t->pend, 0, sizeof t->pend);
  t->pend.cycles = 1;
  const int ready = t3_tracker_ready(t);
  const uint32_t ctile = in->cfg_tile & MASK(T3_TILE_BITS), cidx = ctile & (E - 1);
  const int cfg_we = in->cfg_valid & 1;
  /* the update ports against the current table */
  uint32_t idx[T3_TRACKER_PORTS], kind[T3_TRACKER_PORTS];
  int hit[T3_TRACKER_PORTS];
  uint8_t err = 0;
  for (int p = 0; p < T3_TRACKER_PORTS; p++) {
    const uint32_t tile = in->upd_tile[p] & MASK(T3_TILE_BITS);
    idx[p] = tile & (E - 1);
    kind[p] = in->upd_kind[p] & MASK(T3_KIND_BITS);
    const int v = in->upd_valid[p] & 1;
    const int take = v && ready && !(cfg_we && cidx == idx[p]);
    const t3_entry_t *e = &q->e[idx[p]];
    hit[p] = take && kind[p] < T3_UPD_KINDS && e->valid && e->tag == (tile >> ib);
    if (take && kind[p] >= T3_UPD_KINDS) err |= T3_ERR_KIND;
    else if (take && !hit[p]) err |= T3_ERR_MISS, t->pend.misses++;
    t->pend.updates += take;
    t->pend.stalled += v && !take;
    t->pend.hits += hit[p];
  }
  /* the entries the hits touch (at most two) */
  int fire[T3_TRACKER_PORTS] = {0};
  for (int p = 0; p < T3_TRACKER_PORTS; p++) {
    if (!hit[p] || (p == 1 && hit[0] && idx[0] == idx[1])) continue; /* one entry, counted once below */
    const t3_entry_t *e = &q->e[idx[p]];
    t3_entry_t *n = &d->e[idx[p]];
    touch(t, idx[p]);
    uint32_t inc[T3_UPD_KINDS] = {0};
    for (int r = 0; r < T3_TRACKER_PORTS; r++)
      if (hit[r] && idx[r] == idx[p]) inc[kind[r]]++;
    const uint32_t total = e->cnt[0] + e->cnt[1] + e->cnt[2] + inc[0] + inc[1] + inc[2];
    if (total >= e->expect) {
      fire[p] = 1;
      if (total > e->expect) err |= T3_ERR_OVER;
      for (int k = 0; k < T3_UPD_KINDS; k++) n->cnt[k] = 0;
      n->valid = e->rearm;
    } else {
      for (int k = 0; k < T3_UPD_KINDS; k++) n->cnt[k] = e->cnt[k] + inc[k];
    }
  }
  /* the configuration write (no update touches its entry this cycle) */
  if (cfg_we) {
    t3_entry_t *n = &d->e[cidx];
    touch(t, cidx);
    n->expect = in->cfg_expect & MASK(T3_COUNT_BITS);
    n->valid = n->expect != 0;
    n->rearm = in->cfg_rearm & 1;
    n->tag = ctile >> ib;
    for (int k = 0; k < T3_UPD_KINDS; k++) n->cnt[k] = 0;
    n->addr = in->cfg_addr & MASK(T3_ADDR_BITS);
    n->bytes = in->cfg_bytes & MASK(T3_BYTES_BITS);
    n->dest = in->cfg_dest & MASK(T3_DEST_BITS);
  }
  /* the queue: pop to the trigger output, push the completions (port 0 first) */
  const int pop = (in->dma_ready & 1) && q->count > 0;
  d->trig_valid = (uint8_t)pop;
  if (pop) d->trig = q->slot[q->head];
  d->head = pop ? (q->head + 1 == Q ? 0 : q->head + 1) : q->head;
  uint32_t tail = q->head + q->count;
  if (tail >= Q) tail -= Q;
  uint32_t pushes = 0;
  for (int p = 0; p < T3_TRACKER_PORTS; p++) {
    if (!fire[p]) continue;
    const t3_entry_t *e = &q->e[idx[p]];
    d->slot[tail] = (t3_desc_t){(e->tag << ib) | idx[p], e->addr, e->bytes, e->dest};
    tail = tail + 1 == Q ? 0 : tail + 1;
    pushes++;
  }
  d->count = q->count - (uint32_t)pop + pushes;
  d->err = err;
  t->pend.fires = pushes;
  t->pend.triggers = (uint64_t)pop;
}

void t3_tracker_commit(t3_tracker_t *t) {
  memcpy(&t->cur, &t->nxt, T3_HEAD_BYTES);
  for (uint32_t i = 0; i < t->ntouch; i++) t->cur.e[t->touch[i]] = t->nxt.e[t->touch[i]];
  t->ntouch = 0;
  t->st.cycles += t->pend.cycles;
  t->st.updates += t->pend.updates;
  t->st.hits += t->pend.hits;
  t->st.misses += t->pend.misses;
  t->st.stalled += t->pend.stalled;
  t->st.fires += t->pend.fires;
  t->st.triggers += t->pend.triggers;
  memset(&t->pend, 0, sizeof t->pend);
}
