/* hbm_int.h: the HBM2 model's private types and timing helpers, shared by
 * hbm.c (banks, controller) and hbm_pim.c (the PIM commands); not part of
 * the API (hbm.h). */
#ifndef CODA_HBM_INT_H
#define CODA_HBM_INT_H

#include "hbm.h"

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define HBM_LAT_BUCKETS 65536 /* exact latency histogram below this; larger ones kept in a list */

enum { SC_BANK, SC_BG, SC_RANK, SC_ORANK };

/* Timing parameters in DRAM cycles (signed: rule expressions may go < 0). */
typedef struct hbm_timing {
  int64_t cl, cwl, trcd, trp, tras, trc, tccd_s, tccd_l, trrd_s, trrd_l, tfaw;
  int64_t twtr_s, twtr_l, twr, trtp, trtrs, trefi, trfc, burst;
} hbm_timing_t;

/* Rule ids: the bank rules of hbm_timing.def, the tFAW window, "none", then
 * the PIM rules of hbm_pim_timing.def. */
enum {
#define HBM_RULE(id, name, from, to, scope, lat) HBM_RULE_##id,
#include "hbm_timing.def"
#undef HBM_RULE
  HBM_RULE_COUNT,
  HBM_RULE_FAW = HBM_RULE_COUNT, /* the tFAW window */
  HBM_RULE_NONE,                 /* nothing held the command back */
#define PIM_RULE(id, name, from, to, scope, lat) HBM_PRULE_##id,
#include "hbm_pim_timing.def"
#undef PIM_RULE
  HBM_RULE_END
};
#define HBM_PRULE_FIRST (HBM_RULE_NONE + 1)
#define HBM_PRULE_COUNT (HBM_RULE_END - HBM_PRULE_FIRST)

/* The channel's PIM command slots (index = command - HBM_CMD_GWRITE). */
enum { PS_GWRITE, PS_G_ACT, PS_PIM_GEMV, PS_PIM_PRE, PS_N };

typedef struct hbm_rule_desc {
  const char *name;
  uint8_t from, to, scope;
} hbm_rule_desc_t;
extern const hbm_rule_desc_t HBM_RULES[HBM_RULE_COUNT];

typedef struct hbm_bank {
  cyc_t next[4];     /* earliest ACT, RD, WR, PRE */
  uint8_t why[4];    /* rule that set each */
  uint32_t row;      /* open row */
  uint8_t open;      /* a row is open */
  uint8_t popen;     /* a PIM row is open (pim_mode blocked or dual) */
  uint32_t hits;     /* column commands since the ACT */
  uint16_t n_ent[2];  /* queued entries for this bank: [0] read queue, [1] write queue */
  uint16_t n_hit[2];  /* of those, the ones for the open row */
  uint64_t seen_gen;          /* scratch: 2 x pass + (1 hit, 0 other) once its oldest entry was looked at */
  cyc_t pnext[4];    /* dual mode: the PIM row buffer's earliest G_ACT, PIM_GEMV, -, PIM_PRE */
  uint8_t pwhy[4];
} hbm_bank_t;

typedef struct hbm_bg {
  cyc_t next[3];     /* earliest ACT, RD, WR */
  uint8_t why[3];
} hbm_bg_t;

typedef struct hbm_rank {
  cyc_t next[5];     /* earliest ACT, RD, WR, PRE (unused), REF */
  uint8_t why[5];
  cyc_t faw[4];      /* the last 4 ACTs, ring */
  uint32_t faw_i, n_act;
  cyc_t ref_due;     /* next refresh due */
  int ref_pending;   /* due, not yet issued: no request commands to this rank */
  int pim_held;      /* the pending refresh waits for open PIM rows */
  cyc_t ref_end;     /* last refresh's REF + tRFC */
  uint32_t n_open;   /* banks with an open row (PIM rows included) */
  cyc_t act_start;   /* when n_open last went 0 -> 1 */
  uint64_t active_cyc; /* cycles with a bank open or refreshing (closed intervals) */
} hbm_rank_t;

typedef struct hbm_ent {
  uint64_t id;       /* caller's id */
  cyc_t arrival;     /* DRAM cycle it arrived (latency counts from here) */
  cyc_t ready;       /* DRAM cycle its controller may first act on it */
  uint32_t row;
  uint32_t bank;     /* flat bank index in the channel */
  uint8_t rank;
  uint8_t missed;    /* an ACT or PRE was issued for it */
  uint8_t upd;       /* a near-memory update (write queue; issues as UPD) */
  uint8_t pim_wait;  /* it waited while PIM took the channel (hbm_pim_stats_t.normal_delayed) */
} hbm_ent_t;

/* A PIM job in its channel's FIFO. */
typedef struct hbm_pjob {
  hbm_pim_job_t j;
  uint64_t tag;
  cyc_t submit;      /* DRAM cycle it was submitted (visible from) */
  cyc_t est;         /* hbm_pim_estimate */
  cyc_t header_t;    /* its PIM_HEADER cycle */
  uint32_t phase;    /* next command: PH_* of hbm_pim.c */
  uint32_t n;        /* GWRITEs issued, or G_ACT groups of this row issued */
  uint32_t r;        /* weight rows finished */
  uint8_t deferred;  /* admission waited for a refresh once */
} hbm_pjob_t;

typedef struct hbm_chan {
  hbm_ent_t *rq, *wq;  /* queues in arrival order */
  uint32_t rn, wn;
  int drain;           /* serving writes */
  cyc_t next_t;        /* next cycle to decide at */
  uint64_t gen;        /* pass counter for the bank scratch marks */
  hbm_bank_t *bank;    /* ranks x bankgroups x banks_per_group */
  hbm_bg_t *bg;        /* ranks x bankgroups */
  hbm_rank_t *rank;
  /* PIM */
  hbm_pjob_t *pq;      /* job FIFO (ring), the head is the one running */
  uint32_t pq_head, pq_n, pq_cap;
  int pim_own;         /* blocked mode: the head job owns the channel (normal commands wait) */
  uint32_t pim_hold;   /* ranks whose normal ACTs wait: they would push back the next G_ACT */
  cyc_t pnext[PS_N];   /* earliest GWRITE, G_ACT, PIM_GEMV, PIM_PRECHARGE (hbm_pim_timing.def) */
  uint8_t pwhy[PS_N];
  hbm_pim_stats_t pst;
} hbm_chan_t;

enum { F_RO, F_RA, F_BG, F_BA, F_CH, F_CO, F_N };

/* PIM constants, DRAM cycles and pJ. */
typedef struct hbm_pim_par {
  int64_t gwrite;     /* (tCCD_S + tCCD_L) x gwrite_bursts */
  int64_t gemv;       /* the running job's comp_cycles x (max(k, min_comps) + 1) */
  int64_t comp_cyc, min_comps;
  uint32_t gact_banks, mults, cols;  /* cols: COMP columns per row */
  uint32_t gw_bursts; /* WR bursts of one GWRITE */
  double comp_pj;     /* one COMP in one bank */
  uint32_t res_bursts; /* READRES bursts: ceil(banks x 2 B / request bytes) */
} hbm_pim_par_t;

struct hbm {
  hbm_timing_t t;
  int64_t lat[HBM_RULE_COUNT];      /* each rule's latency */
  uint8_t from_list[HBM_CMD_COUNT][HBM_RULE_COUNT]; /* rules each command starts (UPD: the WR ones too) */
  uint8_t n_from[HBM_CMD_COUNT];
  uint32_t nch, nrank, nbg, nbpg, nbank_rank, nbank_ch, rows;
  uint32_t bpg_sh, bpr_sh;          /* log2 nbpg, log2 nbank_rank (flat bank -> bank group, rank) */
  uint32_t req_bytes, req_shift;
  uint32_t shift[F_N], bits[F_N];
  uint64_t capacity;
  uint32_t rq_cap, wq_cap, wq_hi, wq_lo, hit_cap;
  double tck_ns;
  double e_act, e_rd, e_wr, e_ref;  /* pJ per event (an update: e_wr + e_rd) */
  double vdd, idd2n, idd3n;
  hbm_chan_t *ch;
  uint64_t queued;
  hbm_stats_t st;
  uint64_t *lat_hist;               /* read latency histogram */
  uint64_t *lat_big; size_t n_big, cap_big;
  hbm_done_fn done_fn; void *done_ctx;
  hbm_cmd_fn cmd_fn; void *cmd_ctx;
  /* PIM */
  hbm_pim_mode_e pim_mode;
  hbm_pim_par_t p;
  uint64_t pim_jobs;                /* jobs queued, all channels */
  hbm_pim_done_fn pim_done_fn; void *pim_done_ctx;
};

static inline void hbm_raise(cyc_t *slot, uint8_t *why, cyc_t v, uint8_t rule) {
  if (v > *slot) { *slot = v; *why = rule; }
}

const char *hbm_rule_name(uint8_t r);
/* Raises the earliest cycles that command cmd (ACT, RD, WR, UPD, PRE, REF) at
 * flat bank b of rank starts; its same-bank rules go to bank slots bn/bw
 * (the bank's next/why, or its PIM pnext/pwhy). */
void hbm_apply_rules(hbm_t *h, hbm_chan_t *c, uint32_t rank, uint32_t b, int cmd, cyc_t t, cyc_t *bn, uint8_t *bw);
void hbm_log_cmd(hbm_t *h, uint32_t ci, cyc_t t, int cmd, uint32_t b, uint32_t row, uint8_t why);
void hbm_do_pre(hbm_t *h, hbm_chan_t *c, uint32_t ci, uint32_t b, cyc_t t, uint8_t why);

/* hbm_pim.c */
int hbm_pim_init(hbm_t *h, const arch_cfg_t *c, const char *origin, coda_err_t *err);
void hbm_pim_free_chan(hbm_chan_t *c);
/* The PIM part of a channel decision at t, after refresh: 1 if a PIM
 * command issued; else lowers *next to when the head job may act. */
int hbm_pim_decide(hbm_t *h, hbm_chan_t *c, uint32_t ci, cyc_t t, cyc_t *next);
/* Marks the channel's waiting normal transactions as delayed by PIM. */
void hbm_pim_mark_waiting(hbm_chan_t *c, cyc_t t);

#endif
