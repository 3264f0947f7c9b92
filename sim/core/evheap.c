/* evheap.c: the timed-event min-heap (see evheap.h). */
#include "evheap.h"

#include <stdlib.h>

#include "status.h"

void coda_evheap_push(coda_evheap_t *h, cyc_t t, uint32_t type, uint64_t v) {
  if (h->n == h->cap) {
    h->cap = h->cap ? 2 * h->cap : 1024;
    h->v = realloc(h->v, h->cap * sizeof *h->v);
    if (!h->v) CODA_PANIC("event heap: out of memory");
  }
  uint64_t i = h->n++;
  while (i && h->v[(i - 1) / 2].t > t) h->v[i] = h->v[(i - 1) / 2], i = (i - 1) / 2;
  h->v[i] = (coda_ev_t){t, type, v};
}

coda_ev_t coda_evheap_pop(coda_evheap_t *h) {
  coda_ev_t top = h->v[0], last = h->v[--h->n];
  uint64_t i = 0;
  for (;;) {
    uint64_t c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->v[c + 1].t < h->v[c].t) c++;
    if (h->v[c].t >= last.t) break;
    h->v[i] = h->v[c], i = c;
  }
  if (h->n) h->v[i] = last;
  return top;
}

void coda_evheap_free(coda_evheap_t *h) {
  free(h->v);
  h->v = NULL, h->n = h->cap = 0;
}
