/* hbm.h: a cycle-level HBM2 DRAM model and its memory controllers.
 *
 * Models: per channel, ranks x bank groups x banks with an open row each;
 * every command (ACT, RD, WR, UPD, PRE, REF) issues no earlier than the largest
 * earliest-issue cycle its bank, bank group and rank hold, raised by the
 * named rules of hbm_timing.def (tRCD, tCCD_L, tWTR_S, ...) and the per-rank
 * tFAW window. One command per channel per DRAM cycle. Each channel has a
 * controller with a read queue and a write queue (hbm.rq_entries,
 * hbm.wq_entries): open page, FR-FCFS (the oldest ready row hit first, else
 * the oldest ready ACT/PRE; a PRE never closes a row that an uncapped hit
 * still waits for), a row-hit cap (hbm.row_hit_cap column commands per ACT
 * while a request to another row of that bank waits, then that request goes
 * first), write draining between the hbm.wq_high / hbm.wq_low watermarks
 * (also when no read waits), and all-bank refresh per rank every tREFI
 * (rank r first at (r+1) x tREFI / ranks, staggered; open banks precharged
 * first; the rank takes no request command until REF + tRFC).
 * Latency of a read to an idle bank arriving at cycle a: ACT at a, RD at
 * a + tRCD, data complete at a + tRCD + CL + BL/2 (no fixed controller
 * cycles). A write completes when its data has been written, WR + CWL + BL/2.
 *
 * Near-memory update (T3, Pati et al. ASPLOS'24, "compute-enhanced memory":
 * a DMA write or store tagged update is an atomic add at the DRAM bank).
 * hbm_enqueue_kind(..., HBM_KIND_UPDATE, ...) queues one in the write queue
 * (hbm_can_accept(addr, 1) tells if there is room); it drains with the
 * writes and issues as the command UPD. Its bus side is exactly a WR (every
 * WR rule of hbm_timing.def: tRCD after the ACT, tCCD_S/L, tWTR, tRTW,
 * tRTRS, the data bus for BL/2; it waits where a WR waits). Inside the bank
 * the addend arrives at UPD + CWL + BL/2, the internal column read of the
 * old value takes the column path tCCD_L, the add, then the internal
 * write-back another tCCD_L, so the same bank's next RD/WR/UPD waits until
 * UPD + CWL + BL/2 + 2 x tCCD_L (rule tUPD) and its PRE until that + tWR
 * (rule tWR_UPD). Done (hbm_done_fn, write = 2) at UPD + CWL + BL/2 +
 * 2 x tCCD_L, when the sum is written back. No read crosses the bus. An
 * update to an idle bank arriving at a: ACT at a, done at
 * a + tRCD + CWL + BL/2 + 2 x tCCD_L. Statistics: upds (writes counts only
 * plain writes; an update's 64 B count as data-bus write bytes), row hits as
 * for writes, upd_pj (below).
 *
 * Addresses: the low log2(request bytes) bits are the offset inside a 64 B
 * request; above them the fields of hbm.address_mapping from least to most
 * significant (DRAMsim3 style, e.g. the default rarobgbachco: co lowest, then ch,
 * ba, bg, ro, ra). co has log2(row_bytes / request bytes) bits.
 *
 * Energy (pJ), DRAMsim3's IDD method (src/configuration.cc) with the
 * REFERENCES.md "Energy per operation" HBM2 currents, VDD in V, IDD in mA,
 * tCK in ns (mA x V x ns = pJ):
 *   ACT (+ its PRE)  VDD x (IDD0 x tRC - (IDD3N x tRAS + IDD2N x tRP)) x tCK
 *   RD burst         VDD x (IDD4R - IDD3N) x BL/2 x tCK
 *   WR burst         VDD x (IDD4W - IDD3N) x BL/2 x tCK
 *   UPD              one WR burst (the addend in) + one RD burst (the
 *                    internal column read), in upd_pj (not in wr_pj/rd_pj);
 *                    the IDD method cannot separate the read burst's I/O
 *                    part, which an update does not spend, so this is an
 *                    upper bound; the adder itself is not counted
 *   REF              VDD x (IDD5AB - IDD3N) x tRFC x tCK
 *   background       per rank, VDD x tCK x (IDD2N x all-banks-closed cycles
 *                    + IDD3N x (cycles with a bank open, or refreshing))
 *
 * Clocks: the model counts DRAM command cycles (hbm.tck_ns). Behind mem_if_t
 * a request sent at core cycle c reaches the controllers at DRAM cycle
 * floor((c + 1) x f_dram / f_core) and a response complete at DRAM cycle d
 * is poppable at core cycle ceil(d x f_core / f_dram): exact and the
 * identity when the clocks are equal (1 GHz both by default).
 * Behind mem_if_t, a request is split into the 64 B transactions it covers;
 * it responds when the last one completes. Transactions wait in an in-order
 * frontend buffer (HBM_FRONTEND_ENTRIES) until their channel's queue has
 * room; can_send is false while that buffer is full. Addresses wrap modulo
 * the capacity there (trace mode rejects them instead).
 *
 * PIM (hbm.pim_mode = blocked | dual; NeuPIMs, Heo et al. ASPLOS'24, and
 * Newton, as REFERENCES.md states them; hbm_pim.c). Each channel runs its
 * GEMV jobs (hbm_pim_submit) in order, one at a time, as commands broadcast
 * to every bank of the channel:
 *   PIM_HEADER     carries the job's size; the controller admits the job
 *                  only when no rank of the channel is refreshing and
 *                  now + the job's idle-channel latency (hbm_pim_estimate,
 *                  PIM_HEADER to last PIM_PRECHARGE) <= every rank's next
 *                  refresh due cycle; else it waits until after that refresh
 *                  (REF + tRFC). Normal requests go on meanwhile.
 *   GWRITE x g     the input vector into the channel's global buffer:
 *                  (tCCD_S + tCCD_L) x pim_gwrite_bursts = 96 cycles each,
 *                  holding the channel's data bus (normal RD/WR) as long.
 *   per weight row: [blocked mode: PRE of every open normal row]
 *   G_ACT x banks/4  activates pim_gact_banks = 4 banks (one per bank group),
 *                  alternating ranks; each is an ACT of its 4 banks under the
 *                  bank rules (tRC, tRP, tRRD, tRFC) and fills its rank's
 *                  tFAW window, so the next G_ACT of that rank waits tFAW.
 *   PIM_GEMV       k COMPs (one every pim_comp_cycles = 2) + READRES; issues
 *                  tRCD after the last G_ACT; occupies the PIM units
 *                  2 x (max(k, 6) + 1) cycles (pim_gemv_min_comps = 6), after
 *                  which its READRES data is complete (the job's done cycle
 *                  for the last row: hbm_pim_done_fn).
 *   PIM_PRECHARGE  closes every PIM row: after that occupancy and tRAS.
 * The channel-level rules are data (hbm_pim_timing.def). PIM commands have
 * priority: the job's next command issues whenever its rules allow, before
 * any normal command of that cycle, and while a G_ACT waits, the normal ACTs
 * of its rank (and of the next G_ACTs' ranks) that would push it back
 * (now + tFAW > its earliest cycle) wait too. Normal ACTs during a PIM_GEMV are not held and may delay the next
 * weight row's G_ACTs.
 *   dual: each bank keeps a second open-row state (popen, pnext) for PIM;
 *     a G_ACT's and a PIM_PRECHARGE's same-bank rules go there, so a normal
 *     ACT and a G_ACT of one bank are only tRRD_L (and tFAW) apart instead
 *     of tRC, and a normal RD/WR holds no COMP back (0 extra cycles). Normal
 *     requests run during a job except on the cycles PIM commands take and
 *     while a GWRITE holds the data bus.
 *   blocked: one row buffer: from its PIM_HEADER to its last PIM_PRECHARGE
 *     a job owns its channel (no normal command issues; the PIM job first
 *     precharges the open normal rows), and its commands use the banks' one
 *     set of timing slots, so normal ACTs after it wait tRP / tRC.
 * A refresh never closes a PIM row: if a job outlasts its estimate (normal
 * ACTs in its tFAW windows, rows it had to close) the refresh waits for its
 * PIM_PRECHARGE (counted as ref_late). PIM energy (hbm_pim_stats_t): COMP =
 * banks x k x (pim_mults x fp16 mult + pim_mults x fp16 add) per PIM_GEMV
 * (16 x 1.1 + 16 x 0.4 = 24 pJ per bank and COMP: 16 multiplies, 15
 * adder-tree adds and 1 accumulate, Horowitz 45 nm); G_ACT = the IDD ACT
 * energy per bank; READRES = ceil(banks x 2 B / 64 B) IDD RD bursts; GWRITE
 * = pim_gwrite_bursts IDD WR bursts; open PIM rows count as open banks for
 * the background energy.
 *
 * Leaves out: the values of an update (timing and energy only), its adder's
 * energy and the bank-group column path of its internal read/write (held
 * at the bank only), updates behind mem_if_t (mem_req_t has no update
 * kind); per-bank refresh, power-down and self refresh, read-after-write
 * forwarding, separate row/column command buses, ECC. For PIM: the data of
 * the GEMV (only timing and energy), READRES data-bus contention with normal
 * reads in dual mode (its cycles are inside the PIM_GEMV occupancy), the
 * COMPs' internal column reads in the IDD energy, and PIM behind mem_if_t
 * (the NeuPIMs system simulator calls hbm_pim_submit directly).
 * RTL twin: none (a memory is an environment, not a block).
 * Constants: the hbm.* keys of sim/core/params.def, each citing its source.
 */
#ifndef CODA_HBM_H
#define CODA_HBM_H

#include <stdint.h>

#include "../core/config.h"
#include "../core/status.h"
#include "mem.h"

/* Transactions the mem_if_t frontend buffers before the channel queues. */
#define HBM_FRONTEND_ENTRIES 64

/* Commands. The PIM ones (pim_mode blocked or dual) are broadcast to every
 * bank of a channel; G_ACT covers pim_gact_banks banks. */
typedef enum {
  HBM_CMD_ACT = 0, HBM_CMD_RD, HBM_CMD_WR, HBM_CMD_PRE, HBM_CMD_REF,
  HBM_CMD_UPD,        /* near-memory update: a WR on the bus, read-add-write in the bank; kept
                         before the PIM commands (users test cmd >= HBM_CMD_PIM_HEADER for PIM) */
  HBM_CMD_PIM_HEADER, HBM_CMD_GWRITE, HBM_CMD_G_ACT, HBM_CMD_PIM_GEMV, HBM_CMD_PIM_PRE,
  HBM_CMD_COUNT
} hbm_cmd_e;

/* What a transaction does (hbm_enqueue_kind). An update goes to the write
 * queue; the done callback's `write` is its kind. */
typedef enum { HBM_KIND_READ = 0, HBM_KIND_WRITE = 1, HBM_KIND_UPDATE = 2 } hbm_kind_e;

/* rank/bg/bank of a logged command that covers every bank of its channel */
#define HBM_ALL UINT32_MAX

/* hbm.pim_mode */
typedef enum { HBM_PIM_NONE = 0, HBM_PIM_BLOCKED, HBM_PIM_DUAL } hbm_pim_mode_e;

typedef struct hbm hbm_t;

/* Counters of one run (all channels). */
typedef struct hbm_stats {
  uint64_t reads, writes;          /* transactions served (column commands); writes: plain WRs only */
  uint64_t upds;                   /* updates served (UPD commands; each 64 B over the bus, write side) */
  uint64_t row_hits;               /* transactions served without their own ACT/PRE (updates included) */
  uint64_t acts, pres, refs;       /* commands issued */
  uint64_t rd_lat_sum;             /* sum of read latencies, arrival to data, DRAM cycles */
  uint64_t rd_lat_max;             /* largest read latency */
  cyc_t last_done;                 /* DRAM cycle the last transaction completed */
  double act_pj, rd_pj, wr_pj, ref_pj, bg_pj; /* energy by component (bg after hbm_finish) */
  double upd_pj;                   /* updates: one IDD WR burst + one IDD RD burst each */
} hbm_stats_t;

/* Called when a transaction's column command issues: done = cycle its data
 * completes; write = its hbm_kind_e (2: an update, done when the bank's
 * write-back of the sum is complete). */
typedef void (*hbm_done_fn)(void *ctx, uint64_t id, int write, cyc_t arrival, cyc_t done);
/* Called for every command issued: rule = name of the timing rule that set
 * its issue cycle ("tRCD", "tFAW", ...), or "-" when none held it back. */
typedef void (*hbm_cmd_fn)(void *ctx, cyc_t t, hbm_cmd_e cmd, uint32_t ch, uint32_t rank, uint32_t bg,
                           uint32_t bank, uint32_t row, const char *rule);

/* Decoded address. */
typedef struct hbm_addr {
  uint32_t ch, rank, bg, bank, row, col;
} hbm_addr_t;

/* Validates the hbm.* keys (errors name the key) and builds the model. */
int hbm_init(hbm_t **out, const arch_cfg_t *cfg, const char *origin, coda_err_t *err);
void hbm_free(hbm_t *h);
void hbm_set_done(hbm_t *h, hbm_done_fn fn, void *ctx);
void hbm_set_cmd_log(hbm_t *h, hbm_cmd_fn fn, void *ctx);

uint64_t hbm_capacity_bytes(const hbm_t *h);
uint32_t hbm_req_bytes(const hbm_t *h);        /* bytes of one transaction (64) */
uint32_t hbm_burst_cycles(const hbm_t *h);     /* BL/2 */
uint32_t hbm_channels(const hbm_t *h);
double hbm_peak_gbps(const hbm_t *h);          /* channels x request bytes / burst / tCK */
void hbm_decode(const hbm_t *h, uint64_t addr, hbm_addr_t *a);
/* The address of a field tuple (inverse of hbm_decode, col in requests). */
uint64_t hbm_encode(const hbm_t *h, const hbm_addr_t *a);

/* 1 if the channel queue of addr (read or write) has room. */
int hbm_can_accept(const hbm_t *h, uint64_t addr, int write);
/* Queues a transaction visible to its controller from DRAM cycle `ready`
 * (> every cycle already advanced); `since` (<= ready) is where its latency
 * counts from (the cycle it arrived, before any wait for queue room).
 * -1 when its queue is full. addr < capacity. */
int hbm_enqueue(hbm_t *h, uint64_t addr, int write, cyc_t ready, cyc_t since, uint64_t id);
/* hbm_enqueue with a kind: READ, WRITE (as hbm_enqueue with write 0 / 1) or
 * UPDATE (write queue; see the header comment). */
int hbm_enqueue_kind(hbm_t *h, uint64_t addr, hbm_kind_e kind, cyc_t ready, cyc_t since, uint64_t id);
uint32_t hbm_chan_of(const hbm_t *h, uint64_t addr);            /* channel of an address */
/* Read-queue + write-queue entries of channel ch now (updates included). */
uint32_t hbm_chan_occupancy(const hbm_t *h, uint32_t ch);
uint32_t hbm_queue_entries(const hbm_t *h);    /* rq_entries + wq_entries (per channel) */
/* Issues every command due at DRAM cycles <= t. */
void hbm_advance(hbm_t *h, cyc_t t);
/* Earliest DRAM cycle at which a queued transaction may see a command;
 * CYC_NEVER when no transaction is queued (refresh alone needs no visit:
 * hbm_advance catches up on it). */
cyc_t hbm_next_cmd(const hbm_t *h);
uint64_t hbm_queued(const hbm_t *h);           /* transactions waiting */
/* Closes the background-energy account at DRAM cycle end (after advancing
 * to it). */
void hbm_finish(hbm_t *h, cyc_t end);
const hbm_stats_t *hbm_get_stats(const hbm_t *h);
/* Read latency percentile p (0..100) over all reads, DRAM cycles. */
uint64_t hbm_rd_lat_pct(const hbm_t *h, double p);

/* ---- PIM (hbm.pim_mode blocked or dual; see the header comment) ---- */

/* One GEMV job for one channel: every bank of the channel holds `rows`
 * weight rows (DRAM rows row, row + 1, ...); for each the job G_ACTs every
 * bank, issues one PIM_GEMV of k COMPs (each bank's pim_mults FP16
 * multipliers consume k columns of pim_mults x 2 B of its open PIM row
 * against the global buffer) and a PIM_PRECHARGE. Output elements:
 * rows x banks of the channel (one dot product of k x pim_mults per bank
 * and row, read out by the READRES of the PIM_GEMV). */
typedef struct hbm_pim_job {
  uint32_t rows;     /* weight rows per bank (G_ACT/PIM_GEMV/PIM_PRECHARGE rounds), >= 1 */
  uint32_t k;        /* COMPs per PIM_GEMV, 1 .. row_bytes / (pim_mults x 2 B) */
  uint32_t gwrites;  /* GWRITEs (input vector into the global buffer) before the first G_ACT */
  uint32_t row;      /* DRAM row of the first weight row; rows - 1 more follow it */
} hbm_pim_job_t;

/* PIM counters and energy of one channel. */
typedef struct hbm_pim_stats {
  uint64_t jobs;            /* jobs finished (their last PIM_PRECHARGE issued) */
  uint64_t headers, gwrites, gacts, gemvs, pim_pres; /* PIM commands issued */
  uint64_t comps;           /* COMPs inside the PIM_GEMVs (k each) */
  uint64_t busy_cyc;        /* sum over jobs of PIM_HEADER cycle .. last PIM_PRECHARGE cycle, inclusive */
  uint64_t normal_delayed;  /* normal transactions that were waiting while a PIM command took the
                               command bus, or while a PIM job owned the channel (blocked) */
  uint64_t ref_deferrals;   /* jobs whose admission waited for a refresh */
  uint64_t ref_late;        /* refreshes held past their due cycle by open PIM rows */
  uint64_t lat_sum;         /* sum of job latencies, submission to done, DRAM cycles */
  cyc_t last_done;          /* latest job done cycle */
  double comp_pj;           /* COMPs: banks x k x (mults x fp16 mult + mults x fp16 add) */
  double act_pj;            /* G_ACT (+ PIM_PRECHARGE): banks x the IDD ACT energy */
  double rd_pj;             /* READRES: result bursts x the IDD RD burst energy */
  double wr_pj;             /* GWRITE: pim_gwrite_bursts x the IDD WR burst energy */
} hbm_pim_stats_t;

/* Called when a job's last PIM_GEMV issues: done = cycle its READRES data
 * completes (PIM_GEMV + comp_cycles x (max(k, gemv_min_comps) + 1)). */
typedef void (*hbm_pim_done_fn)(void *ctx, uint64_t tag, uint32_t ch, cyc_t submit, cyc_t done);

hbm_pim_mode_e hbm_pim_mode(const hbm_t *h);
void hbm_set_pim_done(hbm_t *h, hbm_pim_done_fn fn, void *ctx);
/* Latency of job on an idle channel, PIM_HEADER to its last
 * PIM_PRECHARGE inclusive (the admission estimate). */
cyc_t hbm_pim_estimate(const hbm_t *h, const hbm_pim_job_t *job);
/* Queues job on channel ch (FIFO per channel, no limit), visible from DRAM
 * cycle now (> every cycle already advanced). Fails (CODA_EINVAL, err
 * names the field) when pim_mode is none, ch or the job is out of range,
 * or the estimate exceeds the refresh-free window tREFI / ranks - tRFC
 * (split the job). */
int hbm_pim_submit(hbm_t *h, uint32_t ch, const hbm_pim_job_t *job, uint64_t tag, cyc_t now, coda_err_t *err);
uint64_t hbm_pim_pending(const hbm_t *h);      /* PIM jobs not finished */
const hbm_pim_stats_t *hbm_pim_get_stats(const hbm_t *h, uint32_t ch);
void hbm_pim_total(const hbm_t *h, hbm_pim_stats_t *sum); /* all channels */

/* The model behind the memory interface (memory.type = hbm2). */
int hbm_create(const arch_cfg_t *cfg, mem_if_t *out, coda_err_t *err);
/* The HBM model inside a mem_if_t made by hbm_create. */
hbm_t *hbm_of_mem(const mem_if_t *m);

/* ---- trace mode (`coda dram`) ---- */
typedef struct hbm_trace_result {
  uint64_t requests, reads, writes; /* requests: all lines but PIM (updates included) */
  uint64_t updates;          /* UPDATE lines */
  double rd_bus_bytes;       /* data-bus bytes, read side: reads x request bytes */
  double wr_bus_bytes;       /* write side: (writes + updates) x request bytes */
  cyc_t cycles;              /* DRAM cycle the last transaction completed */
  double bytes;              /* requests x request bytes */
  double gbps, peak_gbps;    /* achieved and peak bandwidth */
  double rd_lat_avg;         /* DRAM cycles, arrival (trace cycle) to data */
  uint64_t rd_lat_p50, rd_lat_p95, rd_lat_p99, rd_lat_max;
  double row_hit_rate;       /* row_hits / requests */
  hbm_stats_t st;            /* the counters and energy */
  uint64_t pim_jobs;         /* PIM lines */
  hbm_pim_stats_t pim;       /* PIM counters and energy, all channels */
  double pim_lat_avg;        /* DRAM cycles, trace cycle to done */
  double energy_pj;          /* total (updates and PIM included) */
  double sim_seconds;        /* host time */
} hbm_trace_result_t;

/* Runs a DRAMsim3-format trace (plain or gzip) through the model. Errors
 * name FILE:LINE. */
int hbm_run_trace(const arch_cfg_t *cfg, const char *path, hbm_trace_result_t *r, coda_err_t *err);
/* Writes r as coda.dram.v1 JSON (docs/dram.md). */
int hbm_trace_json(const arch_cfg_t *cfg, const char *trace, const hbm_trace_result_t *r,
                   const char *path, coda_err_t *err);

/* `coda dram ...`: exit code. */
int dram_main(int argc, char **argv);
extern const char *const HBM_DRAM_USAGE;

#endif
