/* evheap.h: a binary min-heap of timed events (cycle, type, value), for the
 * event-driven parts of the system simulators (sim/serve/serve_sim.c,
 * sim/t3/system.c). Events of equal cycle come out in no particular order. */
#ifndef CODA_EVHEAP_H
#define CODA_EVHEAP_H

#include <stdint.h>

#include "kernel.h"

typedef struct coda_ev {
  cyc_t t;       /* the cycle it happens */
  uint32_t type; /* the user's event kind */
  uint64_t v;    /* the user's payload */
} coda_ev_t;

typedef struct coda_evheap {
  coda_ev_t *v;
  uint64_t n, cap;
} coda_evheap_t;

/* Adds an event (panics when out of memory). */
void coda_evheap_push(coda_evheap_t *h, cyc_t t, uint32_t type, uint64_t v);
/* Removes and returns the earliest event; h->n > 0. */
coda_ev_t coda_evheap_pop(coda_evheap_t *h);
/* The earliest event's cycle, CYC_NEVER when empty. */
static inline cyc_t coda_evheap_next(const coda_evheap_t *h) { return h->n ? h->v[0].t : CYC_NEVER; }
void coda_evheap_free(coda_evheap_t *h);

#endif
