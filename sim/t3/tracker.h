/* tracker.h: cycle-level model of T3's track-and-trigger table at one memory
 * controller (REFERENCES.md "T3", Tracker; issue 8 item 3), one clock at a
 * time, register for register like its RTL.
 *
 * The hardware: a table of t3.tracker_entries entries, each holding a
 * producer output tile's tag, a programmed expected count, counters of local,
 * remote and DMA updates, a valid bit, a re-arm bit and a pre-programmed DMA
 * descriptor (address, size in bytes, destination device). When an entry's
 * total (local + remote + DMA) reaches its programmed count the tracker
 * triggers its DMA: the descriptor goes into a trigger queue of
 * t3.tracker_queue slots, and the DMA engine takes one per cycle in which it
 * is ready (a one-cycle trigger output). The entry is then freed (valid 0),
 * or re-armed (counters cleared, still valid) if it was programmed so.
 *
 * Matching (a design choice): direct-mapped, not a CAM. A tile id of
 * T3_TILE_BITS selects entry id % entries (entries a power of two); the
 * entry stores the id's upper bits as its tag, and an update hits only a
 * valid entry with an equal tag. The compiler assigns tile ids, so it can
 * keep the tiles in flight on distinct entries; one comparator per port
 * instead of entries x ports of a CAM.
 *
 * Inputs in a cycle (t3_tracker_in_t):
 *   a configuration write: cfg_valid, the tile id (selects the entry, sets
 *     its tag), the expected count, re-arm, and the descriptor. It clears
 *     the counters; an expected count of 0 frees the entry (valid 0).
 *   T3_TRACKER_PORTS update events: valid, tile id, kind (0 local, 1
 *     remote, 2 DMA; 3 is undefined: flagged, ignored). Two ports because a
 *     memory controller sees the local GEMM's stores and the ring's remote
 *     and DMA writes in the same cycle; two completions can therefore
 *     coincide, and two updates of the same entry add 2.
 *   dma_ready: the DMA engine takes the queue's head this cycle.
 * Rules: updates are taken only while ready (queue count <= depth - 2, from
 *   registers: room for two completions whatever the DMA does); an update
 *   whose entry the configuration write of the same cycle programs is not
 *   taken (the write wins). A taken update that matches no valid entry (an
 *   unprogrammed tile) is a miss: ignored, err bit 0. A completion whose
 *   total passes the programmed count (two updates at count - 1) still fires
 *   and sets err bit 2 ("over"). err bit 1: an undefined kind.
 * Timing: everything acts at the clock of the cycle it is presented in. An
 *   update completing an entry in cycle t is in the queue after t; the queue
 *   head is popped in a cycle where dma_ready and the queue is not empty,
 *   and trig_valid_q = 1 with the descriptor in the next cycle. Two
 *   completions of one cycle enter the queue port 0's first. Queue depth:
 *   t3.tracker_queue (2..16) descriptors; with the DMA never ready, updates
 *   stall once depth - 1 are waiting.
 * Reset clears every register (the table included).
 * Leaves out: the address decode from a DRAM address to a tile id (the
 * memory controller's shift and mask), the DMA engine itself (sim/t3/ring.c
 * models the transfers), near-memory updates (issue 8 item 4).
 * RTL twin: rtl/t3/t3_tracker.v (t3_tracker_entry, t3_tracker_queue),
 * co-simulated through rtl/t3/t3_tracker_cosim_top.v as block "t3_tracker"
 * (sim/cosim/blk_t3_tracker.c).
 * Constants: entries from REFERENCES.md "T3" (about 256, params.def
 * t3.tracker_entries); field widths below and the queue are design choices.
 */
#ifndef CODA_T3_TRACKER_H
#define CODA_T3_TRACKER_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"

#define T3_TRACKER_MAX_ENTRIES 1024 /* params.def t3.tracker_entries upper bound */
#define T3_TRACKER_MAX_QUEUE 16     /* params.def t3.tracker_queue upper bound */
#define T3_TRACKER_PORTS 2          /* update ports (see above) */
#define T3_TILE_BITS 16             /* tile id: 64 Ki tiles per controller; design choice */
#define T3_COUNT_BITS 16            /* expected count and each counter; design choice */
#define T3_ADDR_BITS 32             /* DMA address (bytes); design choice */
#define T3_BYTES_BITS 24            /* DMA size in bytes (16 MiB - 1 max); design choice */
#define T3_DEST_BITS 6              /* destination device (params.def t3.devices <= 64) */
#define T3_KIND_BITS 2              /* update kind */
#define T3_DESC_BITS (T3_TILE_BITS + T3_ADDR_BITS + T3_BYTES_BITS + T3_DEST_BITS) /* a queued trigger */

typedef enum {
  T3_UPD_LOCAL = 0,  /* a store of the local producer GEMM */
  T3_UPD_REMOTE = 1, /* a remote store from the neighbour's GEMM */
  T3_UPD_DMA = 2,    /* an incoming DMA write */
  T3_UPD_KINDS = 3   /* 3 is undefined */
} t3_upd_kind_e;

enum { T3_ERR_MISS = 1, T3_ERR_KIND = 2, T3_ERR_OVER = 4 }; /* err_q bits */

typedef struct t3_tracker_cfg {
  uint32_t entries; /* t3.tracker_entries: a power of two, 2..1024 */
  uint32_t queue;   /* t3.tracker_queue: 2..16 */
} t3_tracker_cfg_t;

/* A DMA descriptor as the queue and the trigger output hold it. */
typedef struct t3_desc {
  uint32_t tile;  /* the completed tile's id */
  uint32_t addr;  /* source address */
  uint32_t bytes; /* size */
  uint32_t dest;  /* destination device */
} t3_desc_t;

typedef struct t3_tracker_in {
  uint8_t cfg_valid;                /* program entry cfg_tile % entries */
  uint32_t cfg_tile;                /* its tile id */
  uint32_t cfg_expect;              /* expected count (0: free the entry) */
  uint8_t cfg_rearm;                /* 1: re-arm on completion, 0: free */
  uint32_t cfg_addr, cfg_bytes, cfg_dest; /* the DMA descriptor */
  uint8_t upd_valid[T3_TRACKER_PORTS];    /* update event on port p */
  uint32_t upd_tile[T3_TRACKER_PORTS];    /* its tile id */
  uint8_t upd_kind[T3_TRACKER_PORTS];     /* t3_upd_kind_e */
  uint8_t dma_ready;                      /* the DMA engine takes the queue head */
} t3_tracker_in_t;

/* One table entry's registers. */
typedef struct t3_entry {
  uint8_t valid;         /* programmed, counting */
  uint8_t rearm;         /* re-arm on completion */
  uint32_t tag;          /* tile id >> log2 entries */
  uint32_t expect;       /* programmed count */
  uint32_t cnt[T3_UPD_KINDS]; /* local, remote, DMA updates since programmed / re-armed */
  uint32_t addr, bytes, dest; /* the pre-programmed DMA descriptor */
} t3_entry_t;

/* The registered state: exactly the RTL's flip-flops (t3_tracker.v). */
typedef struct t3_tracker_regs {
  uint8_t err;                           /* T3_ERR_* of the previous cycle */
  uint8_t trig_valid;                    /* trig holds a DMA fired by the previous cycle's pop */
  t3_desc_t trig;                        /* the last trigger (held otherwise) */
  uint32_t head;                         /* queue: slot of the oldest descriptor */
  uint32_t count;                        /* queue: descriptors waiting */
  t3_desc_t slot[T3_TRACKER_MAX_QUEUE];  /* queue storage */
  t3_entry_t e[T3_TRACKER_MAX_ENTRIES];  /* the table */
} t3_tracker_regs_t;

/* Model-only bookkeeping. */
typedef struct t3_tracker_stats {
  uint64_t cycles;    /* clocks */
  uint64_t updates;   /* updates taken (hit or miss) */
  uint64_t hits;      /* updates counted on an entry */
  uint64_t misses;    /* updates to unprogrammed tiles */
  uint64_t stalled;   /* updates presented but not taken */
  uint64_t fires;     /* completions queued */
  uint64_t triggers;  /* descriptors handed to the DMA engine */
} t3_tracker_stats_t;

typedef struct t3_tracker {
  t3_tracker_cfg_t cfg;           /* validated */
  uint32_t idx_bits;              /* log2 entries */
  t3_tracker_regs_t cur, nxt;     /* current registers and eval's next */
  /* The table entries eval wrote into nxt (at most a configuration write
   * and one per port): commit copies only these, so a cycle costs O(1),
   * not O(entries). Between cycles nxt's table equals cur's. */
  uint32_t ntouch, touch[T3_TRACKER_PORTS + 1];
  t3_tracker_stats_t st, pend;    /* bookkeeping; pend: this eval's, added by commit */
} t3_tracker_t;

/* The tracker of an arch config (section t3). */
t3_tracker_cfg_t t3_tracker_cfg_of(const arch_cfg_t *arch);
/* entries a power of two in 2..1024, queue in 2..16. */
int t3_tracker_check(const t3_tracker_cfg_t *cfg, coda_err_t *err);
/* Validates cfg and puts the tracker in its reset state. */
int t3_tracker_init(t3_tracker_t *t, const t3_tracker_cfg_t *cfg, coda_err_t *err);
/* Back to the reset state (rst_ni low); statistics are kept. */
void t3_tracker_reset(t3_tracker_t *t);
/* 1 if updates are taken this cycle (from the registers). */
int t3_tracker_ready(const t3_tracker_t *t);
/* Next registered state from the current one and `in` (fields cut to their
 * port widths). */
void t3_tracker_eval(t3_tracker_t *t, const t3_tracker_in_t *in);
/* The clock edge. */
void t3_tracker_commit(t3_tracker_t *t);
static inline const t3_tracker_regs_t *t3_tracker_regs(const t3_tracker_t *t) { return &t->cur; }

#endif
