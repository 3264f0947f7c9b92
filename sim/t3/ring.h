/* ring.h: T3's ring of devices and its collectives as chunked DMA transfers
 * (REFERENCES.md "T3", System; issue 8 items 1 and 2, the communication
 * part), cycle-level on the clocked kernel (sim/core/kernel.h): one block,
 * every device and every link of the ring.
 *
 * The hardware modelled: t3.devices devices in a ring; between neighbours a
 * link in each direction, t3.link_gbps GB/s and t3.hop_ns ns per hop. A link
 * carries one DMA transfer at a time: a transfer of b bytes occupies it for
 * ceil(b / bytes-per-cycle) cycles (t3.freq_mhz clock) and lands in the
 * neighbour's memory t3.hop_ns later. The links of a device work in parallel.
 *
 * Collectives (ring algorithms), on a message of S bytes per device cut into
 * N = t3.devices slices (slice j: S/N bytes, the first S % N one more), each
 * slice cut into DMA transfers of at most t3.chunk_bytes:
 *   reduce-scatter  N - 1 steps; in step s device i sends slice (i - s) mod N
 *                   to device i + 1, which adds its own copy (the reduction,
 *                   near memory, takes no link time and is not modelled) and
 *                   forwards it in step s + 1; device i ends with slice
 *                   (i + 1) mod N reduced over all devices;
 *   all-gather      N - 1 steps of the same pattern starting from slice
 *                   (i + 1) mod N, without the reduction;
 *   all-reduce      the two, 2 (N - 1) steps.
 * A chunk is forwarded as soon as it has arrived (the tracker fires a DMA per
 * completed tile, so steps pipeline chunk by chunk; a message of one chunk
 * per slice degenerates to the step-by-step ring). bidir: each slice is
 * split in two halves that travel opposite ways (both directions of every
 * link), halving the serialization.
 * Closed form (uni-directional, one chunk per slice or a large S):
 *   T(reduce-scatter) ~= (N - 1) / N x S / B + (N - 1) x hop
 * (chunk pipelining makes the large-S case (N - 2) hops shorter; the
 * OracleT3Ring tests check both).
 * Leaves out: the DMA engines' issue overhead, the HBM reads and writes of
 * the transfers and the near-memory add (issue 8 items 4, 5), the producer
 * GEMM and the tracker's triggers (sim/t3/tracker.h; wired together by the
 * multi-device system, issue 8 item 1).
 * Constants: link bandwidth, hop latency and clock from REFERENCES.md "T3"
 * (150 GB/s, 500 ns, 1.4 GHz; params.def section t3); the chunk size is a
 * design choice (t3.chunk_bytes).
 */
#ifndef CODA_T3_RING_H
#define CODA_T3_RING_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/kernel.h"
#include "../core/status.h"
#include "t3run.h"

#define T3_RING_MAX_CHUNKS (1u << 22) /* transfers per link of one collective; bounds memory */

typedef enum {
  T3_COLL_REDUCE_SCATTER = 0,
  T3_COLL_ALL_GATHER = 1,
  T3_COLL_ALL_REDUCE = 2
} t3_coll_e;

typedef struct t3_ring_cfg {
  uint32_t devices;     /* t3.devices, >= 2 */
  double link_gbps;     /* t3.link_gbps: GB/s per link per direction */
  double hop_ns;        /* t3.hop_ns */
  double freq_mhz;      /* t3.freq_mhz: the model's clock */
  uint64_t chunk_bytes; /* t3.chunk_bytes: largest DMA transfer */
  int bidir;            /* 1: halves of each slice go both ways */
} t3_ring_cfg_t;

typedef struct t3_ring_result {
  uint64_t cycles;      /* from the first transfer's start to the last arrival */
  double ns;            /* cycles at t3.freq_mhz */
  uint64_t link_bytes;  /* bytes over all links */
  uint64_t transfers;   /* DMA transfers over all links */
  uint64_t visited;     /* kernel cycles evaluated (the rest were skipped) */
} t3_ring_result_t;

/* The ring of an arch config (section t3), uni-directional. */
t3_ring_cfg_t t3_ring_cfg_of(const arch_cfg_t *arch);
/* At least 2 devices (t3.devices), positive bandwidth, clock and chunk. */
int t3_ring_check(const t3_ring_cfg_t *cfg, coda_err_t *err);
/* Link bytes per cycle and hop latency in cycles (ceil) of cfg. */
double t3_ring_bytes_per_cycle(const t3_ring_cfg_t *cfg);
uint64_t t3_ring_hop_cycles(const t3_ring_cfg_t *cfg);

/* Simulates collective `coll` on `bytes` bytes per device on the kernel. */
int t3_ring_run(const t3_ring_cfg_t *cfg, t3_coll_e coll, uint64_t bytes, t3_ring_result_t *res,
                coda_err_t *err);

#define T3_USAGE                                                                                        \
  "coda t3 ring [--arch A.json] [--set t3.key=v]... [--bytes S[K|M|G]] [--coll rs|ag|ar] [--bidir]\n"   \
  "  Ring collective on t3.devices devices (t3.link_gbps, t3.hop_ns, t3.chunk_bytes): simulated\n"      \
  "  time next to the closed form (N-1)/N x S/B + (N-1) x hop (x2 for ar). Default 64M, rs.\n"          \
  "  docs/t3.md.\n" T3_RUN_USAGE T3_COMPILE_USAGE

/* `coda t3 ring [--arch A.json] [--set k=v].. [--bytes S] [--coll rs|ag|ar] [--bidir]`
 * (T3_USAGE); argv[1] is "t3". Returns the exit code. */
int t3_main(int argc, char **argv);

#endif
