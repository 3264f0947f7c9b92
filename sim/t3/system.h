/* system.h: T3's multi-device system (issue 8 items 1, 2, 4, 5): t3.devices
 * devices in a ring, each a producer GEMM engine, an on-chip (L2-class)
 * input cache, the HBM2 model (sim/mem/hbm.h) with a memory controller
 * front end per channel (MCA), a tracker per memory controller
 * (sim/t3/tracker.h, the C twin of rtl/t3/t3_tracker.v) and a DMA engine,
 * linked to both neighbours by t3.link_gbps links with t3.hop_ns per hop.
 * One process simulates every device on one time base, the DRAM clock
 * (hbm.tck_ns, 1 ns by default); compute and link times are converted to it.
 *
 * Variants (t3_variant_e), all on the same models:
 *   SEQ     the producer GEMM stores its whole output locally, then a ring
 *           reduce-scatter runs: per stage, the DMA reads a (tile,
 *           controller) part, sends it, the receiver stores it to its receive
 *           buffer, and a reduction on the compute units reads the received
 *           and the local partial and writes the sum (2 reads + 1 write
 *           through the bus), which the next stage forwards.
 *   T3      the plan of compiler/t3plan.h: stage 0 stores remotely, later
 *           stages update locally (near-memory add in the bank, HBM_KIND_UPDATE),
 *           the tracker fires the forwarding DMA per (tile, controller);
 *           compute and communication requests share each channel's queue
 *           first come, first served (t3.mca ignored, treated as off).
 *   T3_MCA  T3 with memory-controller arbitration (t3.mca static or
 *           dynamic; off is taken as dynamic): each cycle a channel takes a
 *           compute request first; a communication request only while the
 *           channel's DRAM queue occupancy is below the threshold, or once it
 *           has waited t3.mca_starve cycles. dynamic: the threshold is
 *           set when the GEMM's first stage ends, from its measured memory
 *           intensity I (compute bytes that entered the DRAM queues / (stage
 *           cycles x peak bytes per cycle)): threshold = max(1, round(queue
 *           entries x (1 - I))) (a design rule: the more of the bandwidth the
 *           GEMM itself uses, the fewer queue slots communication may fill;
 *           t3.mca_threshold applies until it is set).
 *   IDEAL   max(GEMM alone, reduce-scatter alone), both measured in the SEQ
 *           run (no contention between them): the ideal-overlap bound.
 * Producer (t3.engine): the GEMM's output tiles in the plan's stage order
 * (stage-major, so a device works on the chunk the ring needs first) go to
 * t3.cus compute units as they free up, like the work-groups of one kernel
 * (no barrier between stages). A unit holds its current tile and fetches the
 * next one's inputs meanwhile: the tile's A row panel (tile_m x K) and B
 * column panel (K x tile_n, stored panel-major), FP16. Input cache at panel
 * granularity: a panel some unit holds is fetched from DRAM once and shared;
 * a released panel stays cached while it fits in t3.l2_bytes (least recently
 * released evicted first). A tile computes for t3_tile_cycles once both
 * panels have arrived, then issues its stores (64 B transactions): SEQ plain
 * writes, T3 stage 0 link transfers to the next device, later stages
 * near-memory updates.
 * Front end per channel: a compute queue and a communication queue; one
 * request a cycle enters the HBM controller's queues (hbm_enqueue_kind) when
 * they have room. Compute: input reads, the producer's stores and updates,
 * the SEQ reduction. Communication: DMA reads, incoming remote stores, DMA
 * updates and SEQ receive-buffer writes.
 * Trackers: stage s + 1's entries are programmed (one configuration write a
 * cycle per controller, from the decoded t3_track instructions) when the
 * first tile of stage s is handed out; a write waits while its entry still
 * counts an older tile, and an update waits until its tile is programmed.
 * The final stage's entries have no DMA (size 0): their completion ends the
 * run.
 * Initial memory: the output slots are zero (the runtime clears the buffer
 * before the layer, outside the measured time), so every contribution to a
 * slot after stage 0 is a commuting add.
 * Links: one transfer at a time per direction; a transfer of b bytes holds
 * the link ceil(b / bytes-per-cycle) cycles and lands t3.hop_ns later.
 * Symmetry: every device runs the same plan relative to its index and the
 * layout is a function of the stage only, so all devices' timelines are
 * equal; symmetric mode simulates device 0 and feeds its own outgoing link
 * traffic back as the traffic arriving from device N - 1 (relabelled one
 * stage on). t3_sys_run with full = 1 simulates all N devices; a test shows
 * the two equal on small cases.
 * Functional check (small cases, t3_sys_opts_t.functional): every output
 * element carries an int32 value through stores, updates, DMA and
 * reductions; at the end each device's owned chunk must equal the sum of
 * the devices' partial outputs computed directly (the reference).
 * Leaves out: the all-gather that follows (ring.h models it), the GEMM's
 * data values outside functional mode, DMA descriptor overheads, link
 * protocol overheads, L2 write-back (stores go straight to HBM).
 */
#ifndef CODA_T3_SYSTEM_H
#define CODA_T3_SYSTEM_H

#include <stdint.h>

#include "../../compiler/t3plan.h"
#include "../core/config.h"
#include "../core/status.h"

typedef enum { T3_VAR_SEQ = 0, T3_VAR_T3, T3_VAR_T3_MCA, T3_VAR_IDEAL, T3_VAR_COUNT } t3_variant_e;

typedef struct t3_sys_opts {
  int full;               /* 1: simulate all devices; 0: device 0 + symmetry */
  int functional;         /* 1: carry values and check them (small cases) */
  const char *timeline;   /* Chrome trace JSON path, or NULL */
  uint64_t max_events;    /* timeline cap (0: 1e6) */
} t3_sys_opts_t;

/* Per-device result (device 0's in symmetric mode). */
typedef struct t3_sys_result {
  t3_variant_e variant;
  uint64_t cycles;            /* DRAM cycles (ns at 1 GHz) from start to the last reduced byte */
  double us;                  /* simulated time, microseconds */
  uint64_t gemm_cycles;       /* the producer's last store issued */
  uint64_t rs_cycles;         /* SEQ: the reduce-scatter phase alone */
  uint64_t dram_rd_bytes;     /* bytes over the DRAM bus, reads */
  uint64_t dram_wr_bytes;     /* writes (an update's data counts here) */
  uint64_t dram_upd;          /* near-memory updates (64 B each) */
  uint64_t link_bytes;        /* bytes sent on the device's outgoing links */
  uint64_t compute_rd_bytes, comm_rd_bytes; /* reads by class */
  uint64_t tracker_fires;     /* DMAs the trackers triggered */
  uint32_t mca_threshold;     /* threshold in force (T3_MCA) */
  double gemm_mem_intensity;  /* first-stage memory intensity measured */
  int functional_ok;          /* functional mode: 1 all chunks correct */
  uint64_t wall_ns;           /* host time */
} t3_sys_result_t;

const char *t3_variant_name(t3_variant_e v);

/* Simulates gemm on the config's system in variant v (IDEAL runs SEQ and
 * derives the bound). */
int t3_sys_run(const arch_cfg_t *cfg, const t3_gemm_t *gemm, t3_variant_e v, const t3_sys_opts_t *opt,
               t3_sys_result_t *res, coda_err_t *err);

/* The IDEAL result from a SEQ one: max(GEMM alone, reduce-scatter alone),
 * the bytes of the sequential run. */
void t3_ideal_of(const arch_cfg_t *cfg, const t3_sys_result_t *seq, t3_sys_result_t *ideal);

/* Cycles of one output tile (tile_m x tile_n, reduction k) on one unit of
 * the producer engine t3.engine, in DRAM cycles: gpu ceil(2 tm tn k /
 * t3.cu_flops) at t3.freq_mhz; systolic one npu.array_rows x array_cols
 * weight-stationary array (npu_gemm_compute_cycles, npu.ws_preload) at
 * npu.freq_mhz; lut / mac one LMMA / MMA of the coda tensor core (W4 x
 * FP16; lut_lmma_cycles / mac_mma_cycles) at core.freq_mhz. */
uint64_t t3_tile_cycles(const arch_cfg_t *cfg, uint32_t tile_m, uint32_t tile_n, uint64_t k);

#endif
