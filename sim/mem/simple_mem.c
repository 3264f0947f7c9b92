/* simple_mem.c: fixed bandwidth + fixed latency memory (see simple_mem.h). */
#include "simple_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SMEM_STAGE 64 /* requests one cycle may send (the DMA sends at most 1) */

typedef struct smem_ent {
  mem_req_t r;  /* the request */
  cyc_t done;   /* cycle its response is ready */
} smem_ent_t;

typedef struct smem {
  double bpc;            /* bytes per cycle */
  uint64_t lat;          /* latency cycles */
  /* registered state */
  double port_free;      /* time (fractional cycles) the port is next free */
  smem_ent_t *q;         /* in-flight requests, ring in completion order */
  uint32_t cap, head, count;
  /* staged by eval */
  mem_req_t stage[SMEM_STAGE];
  uint32_t n_stage;
  uint32_t n_popped;     /* responses popped this cycle */
  mem_stats_t st;
} smem_t;

static int grow(smem_t *m) {
  uint32_t ncap = m->cap ? m->cap * 2 : 64;
  smem_ent_t *nq = malloc(sizeof *nq * ncap);
  if (!nq) return -1;
  for (uint32_t i = 0; i < m->count; i++) nq[i] = m->q[(m->head + i) % m->cap];
  free(m->q);
  m->q = nq; m->cap = ncap; m->head = 0;
  return 0;
}

static void smem_eval(void *self, cyc_t now) { (void)self; (void)now; }

static int smem_commit(void *self, cyc_t now) {
  smem_t *m = self;
  int changed = m->n_popped > 0 || m->n_stage > 0;
  for (uint32_t i = 0; i < m->n_stage; i++) {
    const mem_req_t *r = &m->stage[i];
    if (m->count == m->cap && grow(m)) CODA_PANIC("simple_mem: out of memory");
    double start = m->port_free > (double)now + 1 ? m->port_free : (double)now + 1;
    double occ = r->bytes / m->bpc;
    m->port_free = start + occ;
    smem_ent_t *e = &m->q[(m->head + m->count++) % m->cap];
    e->r = *r;
    e->done = (cyc_t)ceil(m->port_free - 1e-9) + m->lat;
    if (r->write) { m->st.wr_bytes += r->bytes; m->st.wr_reqs++; }
    else { m->st.rd_bytes += r->bytes; m->st.rd_reqs++; }
    m->st.busy_cycles += (uint64_t)ceil(occ - 1e-9);
  }
  m->n_stage = 0;
  m->n_popped = 0;
  return changed;
}

static cyc_t smem_next(const void *self, cyc_t now) {
  const smem_t *m = self;
  if (!m->count) return CYC_NEVER;
  cyc_t d = m->q[m->head].done;
  return d > now ? d : now + 1;
}

static int smem_can_send(const void *self, cyc_t now) {
  const smem_t *m = self;
  (void)now;
  return m->n_stage < SMEM_STAGE;
}

static void smem_send(void *self, cyc_t now, const mem_req_t *r) {
  smem_t *m = self;
  (void)now;
  if (m->n_stage >= SMEM_STAGE) CODA_PANIC("simple_mem: send without can_send");
  m->stage[m->n_stage++] = *r;
}

static int smem_pop(void *self, cyc_t now, mem_req_t *r) {
  smem_t *m = self;
  if (!m->count || m->q[m->head].done > now) return 0;
  *r = m->q[m->head].r;
  m->head = (m->head + 1) % m->cap;
  m->count--;
  m->n_popped++;
  return 1;
}

static const mem_stats_t *smem_stats(const void *self) { return &((const smem_t *)self)->st; }

static void smem_destroy(void *self) {
  smem_t *m = self;
  if (m) free(m->q);
  free(m);
}

static const sim_block_ops_t SMEM_OPS = {"simple_mem", smem_eval, smem_commit, smem_next};

int simple_mem_create(mem_if_t *out, double bpc, uint64_t lat, coda_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!(bpc > 0)) return coda_errf(err, CODA_EINVAL, "memory.bytes_per_cycle must be > 0");
  smem_t *m = calloc(1, sizeof *m);
  if (!m) return coda_errf(err, CODA_ENOMEM, "simple_mem: out of memory");
  m->bpc = bpc;
  m->lat = lat;
  out->self = m;
  out->ops = &SMEM_OPS;
  out->can_send = smem_can_send;
  out->send = smem_send;
  out->pop_resp = smem_pop;
  out->stats = smem_stats;
  out->destroy = smem_destroy;
  return CODA_OK;
}
