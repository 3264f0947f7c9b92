/* mem.h: the interface between a DMA engine and a memory model.
 *
 * Any memory model (the simple fixed-latency one now, the HBM2 model later)
 * is a kernel block that also exports these calls. The DMA, during its
 * eval(now), asks can_send and sends requests, and pops the responses that
 * are complete at `now`. A model must take a request sent at `now` into
 * account only at its own commit, so that block order never matters.
 * Data never crosses this interface: the device copies bytes itself when a
 * response arrives; the memory model only decides when.
 */
#ifndef CODA_MEM_H
#define CODA_MEM_H

#include <stdint.h>

#include "../core/kernel.h"

typedef struct mem_req {
  uint64_t addr;   /* DRAM byte address */
  uint32_t bytes;  /* length, > 0 */
  uint8_t write;   /* 1 = write */
  uint64_t tag;    /* returned untouched in the response */
} mem_req_t;

typedef struct mem_stats {
  uint64_t rd_bytes, wr_bytes; /* bytes read / written */
  uint64_t rd_reqs, wr_reqs;   /* requests */
  uint64_t busy_cycles;        /* cycles the data port moved data */
} mem_stats_t;

typedef struct mem_if {
  void *self;
  const sim_block_ops_t *ops;  /* the model as a kernel block */
  int (*can_send)(const void *self, cyc_t now);
  void (*send)(void *self, cyc_t now, const mem_req_t *r);
  /* Pops one response complete at or before now into *r; 0 if none. */
  int (*pop_resp)(void *self, cyc_t now, mem_req_t *r);
  const mem_stats_t *(*stats)(const void *self);
  void (*destroy)(void *self);
} mem_if_t;

#endif
