/* hbm_mem.c: the HBM2 model behind mem_if_t (memory.type = hbm2): splits
 * requests into 64 B transactions, buffers them in order until their
 * channel queue has room, converts between the core and DRAM clocks and
 * answers a request when its last transaction's data is complete (hbm.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hbm.h"

#define HMEM_STAGE 64 /* requests one cycle may send (the DMA sends at most 1) */

typedef struct hmem_par {
  mem_req_t r;     /* the request */
  uint32_t left;   /* transactions not yet complete */
  cyc_t done;      /* latest data completion so far, DRAM cycles */
  uint32_t next;   /* free list link */
} hmem_par_t;

typedef struct hmem_tx {
  uint64_t addr;   /* transaction address (wrapped to the capacity) */
  uint32_t par;    /* parent request */
  uint8_t write;
  cyc_t arrival;   /* DRAM cycle it reached the frontend */
} hmem_tx_t;

typedef struct hmem_resp {
  cyc_t done;      /* core cycle the response is poppable */
  uint64_t seq;    /* completion order, for ties */
  uint32_t par;
} hmem_resp_t;

typedef struct hmem {
  hbm_t *h;
  int same_clk;          /* DRAM and core clocks equal */
  double ratio;          /* DRAM cycles per core cycle */
  hmem_par_t *par; uint32_t n_par, cap_par, free_par;
  hmem_tx_t *in; uint32_t in_cap, in_head, in_n;  /* frontend ring */
  hmem_resp_t *heap; uint32_t n_heap, cap_heap; uint64_t seq;
  mem_req_t stage[HMEM_STAGE];
  uint32_t n_stage, n_popped;
  mem_stats_t st;
} hmem_t;

static cyc_t dram_of(const hmem_t *m, cyc_t c) {
  return m->same_clk ? c : (cyc_t)floor((double)c * m->ratio + 1e-9);
}
static cyc_t core_of(const hmem_t *m, cyc_t d) {
  return m->same_clk ? d : (cyc_t)ceil((double)d / m->ratio - 1e-9);
}

static void heap_push(hmem_t *m, hmem_resp_t v) {
  if (m->n_heap == m->cap_heap) {
    uint32_t n = m->cap_heap ? m->cap_heap * 2 : 64;
    hmem_resp_t *p = realloc(m->heap, n * sizeof *p);
    if (!p) CODA_PANIC("hbm: out of memory");
    m->heap = p; m->cap_heap = n;
  }
  uint32_t i = m->n_heap++;
  while (i) {
    uint32_t u = (i - 1) / 2;
    hmem_resp_t *q = &m->heap[u];
    if (q->done < v.done || (q->done == v.done && q->seq < v.seq)) break;
    m->heap[i] = *q;
    i = u;
  }
  m->heap[i] = v;
}

static void heap_pop(hmem_t *m) {
  hmem_resp_t v = m->heap[--m->n_heap];
  uint32_t i = 0, n = m->n_heap;
  for (;;) {
    uint32_t l = 2 * i + 1, s = i;
    const hmem_resp_t *best = &v;
    if (l < n && (m->heap[l].done < best->done || (m->heap[l].done == best->done && m->heap[l].seq < best->seq)))
      s = l, best = &m->heap[l];
    if (l + 1 < n && (m->heap[l + 1].done < best->done ||
                      (m->heap[l + 1].done == best->done && m->heap[l + 1].seq < best->seq)))
      s = l + 1;
    if (s == i) break;
    m->heap[i] = m->heap[s];
    i = s;
  }
  if (n) m->heap[i] = v;
}

static void on_done(void *ctx, uint64_t id, int write, cyc_t arrival, cyc_t done) {
  hmem_t *m = ctx;
  (void)write; (void)arrival;
  hmem_par_t *p = &m->par[id];
  if (done > p->done) p->done = done;
  m->st.busy_cycles += hbm_burst_cycles(m->h);
  if (--p->left == 0) heap_push(m, (hmem_resp_t){core_of(m, p->done), m->seq++, (uint32_t)id});
}

static uint32_t par_alloc(hmem_t *m) {
  if (m->free_par != UINT32_MAX) {
    uint32_t i = m->free_par;
    m->free_par = m->par[i].next;
    return i;
  }
  if (m->n_par == m->cap_par) {
    uint32_t n = m->cap_par ? m->cap_par * 2 : 64;
    hmem_par_t *p = realloc(m->par, n * sizeof *p);
    if (!p) CODA_PANIC("hbm: out of memory");
    m->par = p; m->cap_par = n;
  }
  return m->n_par++;
}

static void in_push(hmem_t *m, hmem_tx_t tx) {
  if (m->in_n == m->in_cap) {
    uint32_t n = m->in_cap ? m->in_cap * 2 : 128;
    hmem_tx_t *p = malloc(n * sizeof *p);
    if (!p) CODA_PANIC("hbm: out of memory");
    for (uint32_t i = 0; i < m->in_n; i++) p[i] = m->in[(m->in_head + i) % m->in_cap];
    free(m->in);
    m->in = p; m->in_cap = n; m->in_head = 0;
  }
  m->in[(m->in_head + m->in_n++) % m->in_cap] = tx;
}

static void hmem_eval(void *self, cyc_t now) { (void)self; (void)now; }

static int hmem_commit(void *self, cyc_t now) {
  hmem_t *m = self;
  int changed = m->n_popped > 0 || m->n_stage > 0;
  cyc_t T = dram_of(m, now);
  hbm_advance(m->h, T); /* every command up to this cycle */
  cyc_t arr = dram_of(m, now + 1);
  if (arr <= T) arr = T + 1;
  uint64_t cap = hbm_capacity_bytes(m->h), rb = hbm_req_bytes(m->h);
  for (uint32_t i = 0; i < m->n_stage; i++) {
    const mem_req_t *r = &m->stage[i];
    uint64_t first = r->addr / rb, last = (r->addr + r->bytes - 1) / rb;
    uint32_t p = par_alloc(m);
    m->par[p] = (hmem_par_t){*r, (uint32_t)(last - first + 1), 0, UINT32_MAX};
    for (uint64_t k = first; k <= last; k++)
      in_push(m, (hmem_tx_t){(k * rb) & (cap - 1), p, r->write, arr});
    if (r->write) { m->st.wr_bytes += r->bytes; m->st.wr_reqs++; }
    else { m->st.rd_bytes += r->bytes; m->st.rd_reqs++; }
  }
  while (m->in_n) { /* in order into the channel queues */
    hmem_tx_t *tx = &m->in[m->in_head];
    if (!hbm_can_accept(m->h, tx->addr, tx->write)) break;
    hbm_enqueue(m->h, tx->addr, tx->write, tx->arrival > T ? tx->arrival : T + 1, tx->arrival, tx->par);
    m->in_head = (m->in_head + 1) % m->in_cap;
    m->in_n--;
  }
  m->n_stage = 0;
  m->n_popped = 0;
  return changed;
}

static cyc_t hmem_next(const void *self, cyc_t now) {
  const hmem_t *m = self;
  cyc_t n = CYC_NEVER;
  if (m->n_heap) n = m->heap[0].done;
  cyc_t c = hbm_next_cmd(m->h);
  if (c != CYC_NEVER && core_of(m, c) < n) n = core_of(m, c);
  if (n == CYC_NEVER) return n;
  return n > now ? n : now + 1;
}

static int hmem_can_send(const void *self, cyc_t now) {
  const hmem_t *m = self;
  (void)now;
  return m->n_stage < HMEM_STAGE && m->in_n < HBM_FRONTEND_ENTRIES;
}

static void hmem_send(void *self, cyc_t now, const mem_req_t *r) {
  hmem_t *m = self;
  (void)now;
  if (m->n_stage >= HMEM_STAGE || !r->bytes) CODA_PANIC("hbm: send without can_send or of 0 bytes");
  m->stage[m->n_stage++] = *r;
}

static int hmem_pop(void *self, cyc_t now, mem_req_t *r) {
  hmem_t *m = self;
  if (!m->n_heap || m->heap[0].done > now) return 0;
  uint32_t p = m->heap[0].par;
  heap_pop(m);
  *r = m->par[p].r;
  m->par[p].next = m->free_par;
  m->free_par = p;
  m->n_popped++;
  return 1;
}

static const mem_stats_t *hmem_stats(const void *self) { return &((const hmem_t *)self)->st; }

static void hmem_destroy(void *self) {
  hmem_t *m = self;
  if (!m) return;
  hbm_free(m->h);
  free(m->par); free(m->in); free(m->heap);
  free(m);
}

static const sim_block_ops_t HMEM_OPS = {"hbm2", hmem_eval, hmem_commit, hmem_next};

int hbm_create(const arch_cfg_t *cfg, mem_if_t *out, coda_err_t *err) {
  memset(out, 0, sizeof *out);
  hmem_t *m = calloc(1, sizeof *m);
  if (!m) return coda_errf(err, CODA_ENOMEM, "hbm: out of memory");
  int rc = hbm_init(&m->h, cfg, cfg->name, err);
  if (rc) { free(m); return rc; }
  double f_dram = 1000.0 / cfg->hbm_tck_ns; /* MHz */
  m->ratio = f_dram / cfg->core_freq_mhz;
  m->same_clk = fabs(m->ratio - 1.0) < 1e-12;
  m->free_par = UINT32_MAX;
  hbm_set_done(m->h, on_done, m);
  out->self = m;
  out->ops = &HMEM_OPS;
  out->can_send = hmem_can_send;
  out->send = hmem_send;
  out->pop_resp = hmem_pop;
  out->stats = hmem_stats;
  out->destroy = hmem_destroy;
  return CODA_OK;
}

hbm_t *hbm_of_mem(const mem_if_t *m) {
  return m->ops == &HMEM_OPS ? ((const hmem_t *)m->self)->h : NULL;
}
