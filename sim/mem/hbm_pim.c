/* hbm_pim.c: the PIM side of the HBM2 model (NeuPIMs, ASPLOS'24; see the
 * PIM part of hbm.h's header comment): each channel runs its PIM GEMV jobs
 * in order, one at a time, as the command sequence
 *   PIM_HEADER, GWRITE x gwrites,
 *   per weight row: [blocked: PRE of every open normal row]
 *                   G_ACT x (banks / pim_gact_banks), PIM_GEMV, PIM_PRECHARGE
 * with priority over normal requests. Timing: the channel-level rules of
 * hbm_pim_timing.def plus the bank rules of hbm_timing.def (a G_ACT is an
 * ACT of each of its banks, a PIM_PRECHARGE a PRE of each), into the bank's
 * PIM row-buffer slots (dual) or its only ones (blocked). Admission is
 * refresh-aware: a PIM_HEADER issues only when no rank of the channel is
 * refreshing and the job's idle-channel latency ends by every rank's next
 * refresh due cycle.
 * Leaves out: the GEMV's data (timing and energy only; the bank datapath
 * is sim/pim), READRES data-bus contention in dual mode, the COMPs'
 * internal column reads in the IDD energy.
 * RTL twin: none (a memory is an environment, not a block).
 * Constants: the hbm.pim_* keys of sim/core/params.def (REFERENCES.md
 * NeuPIMs; Horowitz 45 nm for the FP16 energies). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hbm_int.h"

/* next command of a job */
enum { PH_HEADER, PH_GWRITE, PH_CLOSE, PH_GACT, PH_GEMV, PH_PRE };

enum { PSC_PIM, PSC_BUS };

static const struct {
  uint8_t from, to, scope;
} PRULES[HBM_PRULE_COUNT] = {
#define PIM_RULE(id, name, from, to, scope, lat) {HBM_CMD_##from, HBM_CMD_##to, PSC_##scope},
#include "hbm_pim_timing.def"
#undef PIM_RULE
};

/* Latency of PIM rule i (0-based) for a job whose PIM_GEMV occupies gemv cycles. */
static int64_t prule_lat(const hbm_t *h, int i, int64_t gemv) {
  const hbm_timing_t *t = &h->t;
  hbm_pim_par_t par = h->p;
  par.gemv = gemv;
  const hbm_pim_par_t *p = &par;
  (void)t;
  switch (i) {
#define PIM_RULE(id, name, from, to, scope, lat) \
  case HBM_PRULE_##id - HBM_PRULE_FIRST: return MAX((int64_t)0, (int64_t)(lat));
#include "hbm_pim_timing.def"
#undef PIM_RULE
  }
  CODA_PANIC("hbm: PIM rule %d", i);
}

static int64_t gemv_cyc(const hbm_t *h, uint32_t k) {
  /* REFERENCES.md NeuPIMs: PIM_GEMV occupies 2 x (max(k, 6) + 1) cycles */
  return h->p.comp_cyc * (MAX((int64_t)k, h->p.min_comps) + 1);
}

int hbm_pim_init(hbm_t *h, const arch_cfg_t *c, const char *origin, coda_err_t *err) {
  h->pim_mode = (hbm_pim_mode_e)c->hbm_pim_mode;
  hbm_pim_par_t *p = &h->p;
  /* REFERENCES.md NeuPIMs: GWRITE = (tCCD_S + tCCD_L) x 32 = 96 cycles */
  p->gwrite = (int64_t)(c->hbm_tccd_s + c->hbm_tccd_l) * (int64_t)c->hbm_pim_gwrite_bursts;
  p->gw_bursts = (uint32_t)c->hbm_pim_gwrite_bursts;
  p->comp_cyc = (int64_t)c->hbm_pim_comp_cycles;
  p->min_comps = (int64_t)c->hbm_pim_gemv_min_comps;
  p->gact_banks = (uint32_t)c->hbm_pim_gact_banks;
  p->mults = (uint32_t)c->hbm_pim_mults;
  p->cols = (uint32_t)(c->hbm_row_bytes / (2 * c->hbm_pim_mults)); /* FP16 = 2 B */
  /* per bank and COMP: mults FP16 multiplies, mults - 1 adder-tree adds and
   * 1 accumulate (REFERENCES.md Energy per operation, Horowitz 45 nm) */
  p->comp_pj = (double)p->mults * c->hbm_pim_fp16_mult_pj + (double)p->mults * c->hbm_pim_fp16_add_pj;
  p->res_bursts = (uint32_t)((h->nbank_ch * 2 + h->req_bytes - 1) / h->req_bytes); /* one FP16 result per bank */
  if (h->pim_mode == HBM_PIM_NONE) return 0;
  if (!p->cols)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.pim_mults: %u FP16 multipliers need %u B, more than a row (%" PRIu64
                     " B)", origin, p->mults, 2 * p->mults, c->hbm_row_bytes);
  if (p->gact_banks & (p->gact_banks - 1) || p->gact_banks > h->nbank_rank)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.pim_gact_banks: %u must be a power of two dividing the %u banks "
                     "of a rank", origin, p->gact_banks, h->nbank_rank);
  return 0;
}

void hbm_pim_free_chan(hbm_chan_t *c) { free(c->pq); }

hbm_pim_mode_e hbm_pim_mode(const hbm_t *h) { return h->pim_mode; }
void hbm_set_pim_done(hbm_t *h, hbm_pim_done_fn fn, void *ctx) { h->pim_done_fn = fn; h->pim_done_ctx = ctx; }
uint64_t hbm_pim_pending(const hbm_t *h) { return h->pim_jobs; }
const hbm_pim_stats_t *hbm_pim_get_stats(const hbm_t *h, uint32_t ch) { return &h->ch[ch].pst; }

void hbm_pim_total(const hbm_t *h, hbm_pim_stats_t *s) {
  memset(s, 0, sizeof *s);
  for (uint32_t k = 0; k < h->nch; k++) {
    const hbm_pim_stats_t *x = &h->ch[k].pst;
    s->jobs += x->jobs; s->headers += x->headers; s->gwrites += x->gwrites; s->gacts += x->gacts;
    s->gemvs += x->gemvs; s->pim_pres += x->pim_pres; s->comps += x->comps; s->busy_cyc += x->busy_cyc;
    s->normal_delayed += x->normal_delayed; s->ref_deferrals += x->ref_deferrals; s->ref_late += x->ref_late;
    s->lat_sum += x->lat_sum; s->last_done = MAX(s->last_done, x->last_done);
    s->comp_pj += x->comp_pj; s->act_pj += x->act_pj; s->rd_pj += x->rd_pj; s->wr_pj += x->wr_pj;
  }
}

void hbm_pim_mark_waiting(hbm_chan_t *c, cyc_t t) {
  for (uint32_t i = 0; i < c->rn; i++) c->rq[i].pim_wait |= c->rq[i].ready <= t;
  for (uint32_t i = 0; i < c->wn; i++) c->wq[i].pim_wait |= c->wq[i].ready <= t;
}

/* ---- one channel's PIM command sequence ------------------------------------- */

/* Flat bank m (0 .. gact_banks-1) of G_ACT g of a channel: G_ACTs alternate
 * ranks (g % ranks); inside a rank, group q = g / ranks covers the banks
 * j = q x gact_banks + m, ordered so consecutive j change bank group first. */
static uint32_t gact_bank(const hbm_t *h, uint32_t g, uint32_t m) {
  uint32_t rank = g % h->nrank, j = g / h->nrank * h->p.gact_banks + m;
  return rank * h->nbank_rank + (j % h->nbg) * h->nbpg + j / h->nbg;
}

/* The bank's slots that PIM commands use: its PIM row buffer's (dual) or its only ones (blocked). */
static cyc_t *pslot(const hbm_t *h, hbm_bank_t *bk, uint8_t **why) {
  if (h->pim_mode == HBM_PIM_DUAL) { *why = bk->pwhy; return bk->pnext; }
  *why = bk->why;
  return bk->next;
}

/* Earliest cycle of bank command cmd (ACT, RD, PRE) for PIM at flat bank b:
 * the PIM bank slot; for ACT also the bank group's and rank's (tRRD, tRFC);
 * for RD (the COMPs) in blocked mode also theirs (the shared data path). */
static cyc_t pearliest(const hbm_t *h, hbm_chan_t *c, uint32_t b, int cmd, uint8_t *why) {
  uint8_t *w;
  cyc_t *n = pslot(h, &c->bank[b], &w);
  cyc_t t = n[cmd];
  *why = w[cmd];
  if (cmd == HBM_CMD_ACT || (cmd == HBM_CMD_RD && h->pim_mode == HBM_PIM_BLOCKED)) {
    const hbm_bg_t *g = &c->bg[b >> h->bpg_sh];
    if (g->next[cmd] > t) { t = g->next[cmd]; *why = g->why[cmd]; }
    const hbm_rank_t *r = &c->rank[b >> h->bpr_sh];
    if (r->next[cmd] > t) { t = r->next[cmd]; *why = r->why[cmd]; }
  }
  return t;
}

static void apply_prules(const hbm_t *h, hbm_chan_t *c, int cmd, cyc_t t, int64_t gemv) {
  for (int i = 0; i < HBM_PRULE_COUNT; i++) {
    if (PRULES[i].from != cmd) continue;
    cyc_t v = t + (cyc_t)prule_lat(h, i, gemv);
    uint8_t r = (uint8_t)(HBM_PRULE_FIRST + i), to = PRULES[i].to;
    if (PRULES[i].scope == PSC_PIM) hbm_raise(&c->pnext[to - HBM_CMD_GWRITE], &c->pwhy[to - HBM_CMD_GWRITE], v, r);
    else
      for (uint32_t k = 0; k < h->nrank; k++) hbm_raise(&c->rank[k].next[to], &c->rank[k].why[to], v, r);
  }
}

static void log_pim(hbm_t *h, int dry, uint32_t ci, cyc_t t, int cmd, uint32_t b, uint32_t row, uint8_t why) {
  if (dry || !h->cmd_fn) return;
  if (b == HBM_ALL) h->cmd_fn(h->cmd_ctx, t, (hbm_cmd_e)cmd, ci, HBM_ALL, HBM_ALL, HBM_ALL, row, hbm_rule_name(why));
  else hbm_log_cmd(h, ci, t, cmd, b, row, why);
}

/* Raises the rank's open-bank count (background energy, refresh exclusion). */
static void open_row(hbm_chan_t *c, uint32_t rank, cyc_t t) {
  hbm_rank_t *r = &c->rank[rank];
  if (r->n_open++ == 0) r->act_start = t;
}
static void close_row(hbm_chan_t *c, uint32_t rank, cyc_t t) {
  hbm_rank_t *r = &c->rank[rank];
  if (--r->n_open == 0) r->active_cyc += t - r->act_start;
}

/* One step of the head job of channel c at cycle t: 1 if a command issued,
 * else *next lowered to when it may. dry: an estimate on a scratch channel
 * (no admission, log, callbacks or model-wide counters). */
static int pim_step(hbm_t *h, hbm_chan_t *c, uint32_t ci, cyc_t t, cyc_t *next, int dry) {
  hbm_pjob_t *J = &c->pq[c->pq_head];
  hbm_pim_stats_t *s = &c->pst;
  int64_t gemv = gemv_cyc(h, J->j.k);
  uint32_t ngact = h->nbank_ch / h->p.gact_banks;
  uint8_t why = HBM_RULE_NONE;
  c->pim_hold = 0;
  if (t < J->submit) { *next = MIN(*next, J->submit); return 0; }
  switch (J->phase) {
    case PH_HEADER: {
      if (!dry) { /* refresh-aware admission */
        int wait = 0;
        cyc_t w = t;
        for (uint32_t r = 0; r < h->nrank; r++) {
          const hbm_rank_t *R = &c->rank[r];
          if (R->ref_pending) wait = 1;                     /* the refresh's own events wake us */
          else if (t < R->ref_end) w = MAX(w, R->ref_end);  /* refreshing */
          else if (t + J->est > R->ref_due) wait = 1;       /* would cross it: wake at ref_due */
        }
        if (wait || w > t) {
          if (!J->deferred) { J->deferred = 1; s->ref_deferrals++; }
          if (w > t) *next = MIN(*next, w);
          return 0;
        }
      }
      J->header_t = t;
      s->headers++;
      J->phase = J->j.gwrites ? PH_GWRITE : h->pim_mode == HBM_PIM_BLOCKED ? PH_CLOSE : PH_GACT;
      J->n = 0;
      if (h->pim_mode == HBM_PIM_BLOCKED) c->pim_own = 1;
      log_pim(h, dry, ci, t, HBM_CMD_PIM_HEADER, HBM_ALL, J->j.row, HBM_RULE_NONE);
      return 1;
    }
    case PH_GWRITE: {
      cyc_t e = c->pnext[PS_GWRITE];
      if (e > t) { *next = MIN(*next, e); return 0; }
      apply_prules(h, c, HBM_CMD_GWRITE, t, gemv);
      s->gwrites++;
      s->wr_pj += (double)h->p.gw_bursts * h->e_wr; /* the vector crosses the data bus as WR bursts */
      if (++J->n == J->j.gwrites) { J->phase = h->pim_mode == HBM_PIM_BLOCKED ? PH_CLOSE : PH_GACT; J->n = 0; }
      log_pim(h, dry, ci, t, HBM_CMD_GWRITE, HBM_ALL, J->j.row, c->pwhy[PS_GWRITE]);
      return 1;
    }
    case PH_CLOSE: { /* blocked: the one row buffer must be free */
      cyc_t m = CYC_NEVER;
      for (uint32_t b = 0; b < h->nbank_ch; b++) {
        hbm_bank_t *bk = &c->bank[b];
        if (!bk->open) continue;
        if (bk->next[HBM_CMD_PRE] <= t) { hbm_do_pre(h, c, ci, b, t, bk->why[HBM_CMD_PRE]); return 1; }
        m = MIN(m, bk->next[HBM_CMD_PRE]);
      }
      if (m != CYC_NEVER) { *next = MIN(*next, m); return 0; }
      J->phase = PH_GACT;
    } /* fall through */
    case PH_GACT: {
      uint32_t g = J->n, rank = g % h->nrank, n = h->p.gact_banks;
      hbm_rank_t *R = &c->rank[rank];
      cyc_t e = c->pnext[PS_G_ACT];
      why = c->pwhy[PS_G_ACT];
      for (uint32_t m = 0; m < n; m++) {
        uint8_t w;
        cyc_t x = pearliest(h, c, gact_bank(h, g, m), HBM_CMD_ACT, &w);
        if (x > e) { e = x; why = w; }
      }
      /* tFAW: the n new ACTs need the (5 - n)-th most recent ACT of the rank tFAW back */
      uint32_t k = 5 - n;
      if (R->n_act >= k) {
        cyc_t f = R->faw[(R->faw_i + 4 - k) & 3] + (cyc_t)h->t.tfaw;
        if (f > e) { e = f; why = HBM_RULE_FAW; }
      }
      if (e > t) {
        /* priority: a normal ACT now would push a G_ACT of its rank to at
         * least t + tFAW (the window); hold back those of the ranks of this
         * G_ACT and of the next ones (one a cycle after it at the earliest) */
        for (uint32_t i = 0; i < h->nrank && g + i < ngact; i++)
          if (t + (cyc_t)h->t.tfaw > e + i) c->pim_hold |= 1u << ((g + i) % h->nrank);
        *next = MIN(*next, e);
        return 0;
      }
      uint32_t row = J->j.row + J->r;
      for (uint32_t m = 0; m < n; m++) {
        uint32_t b = gact_bank(h, g, m);
        hbm_bank_t *bk = &c->bank[b];
        uint8_t *w;
        cyc_t *sl = pslot(h, bk, &w);
        CODA_ASSERT(!bk->popen);
        bk->popen = 1;
        open_row(c, rank, t);
        hbm_apply_rules(h, c, rank, b, HBM_CMD_ACT, t, sl, w);
        R->faw[R->faw_i] = t; R->faw_i = (R->faw_i + 1) & 3; R->n_act++;
        s->act_pj += h->e_act;
      }
      s->gacts++;
      if (++J->n == ngact) J->phase = PH_GEMV;
      log_pim(h, dry, ci, t, HBM_CMD_G_ACT, gact_bank(h, g, 0), row, why);
      return 1;
    }
    case PH_GEMV: {
      cyc_t e = c->pnext[PS_PIM_GEMV];
      why = c->pwhy[PS_PIM_GEMV];
      for (uint32_t b = 0; b < h->nbank_ch; b++) {
        uint8_t w;
        cyc_t x = pearliest(h, c, b, HBM_CMD_RD, &w);
        if (x > e) { e = x; why = w; }
      }
      if (e > t) { *next = MIN(*next, e); return 0; }
      apply_prules(h, c, HBM_CMD_PIM_GEMV, t, gemv);
      s->gemvs++;
      s->comps += J->j.k;
      s->comp_pj += (double)h->nbank_ch * (double)J->j.k * h->p.comp_pj;
      s->rd_pj += (double)h->p.res_bursts * h->e_rd; /* READRES */
      J->phase = PH_PRE;
      log_pim(h, dry, ci, t, HBM_CMD_PIM_GEMV, HBM_ALL, J->j.row + J->r, why);
      if (J->r + 1 == J->j.rows) {
        cyc_t done = t + (cyc_t)gemv;
        s->lat_sum += done - J->submit;
        s->last_done = MAX(s->last_done, done);
        if (!dry) {
          h->st.last_done = MAX(h->st.last_done, done);
          if (h->pim_done_fn) h->pim_done_fn(h->pim_done_ctx, J->tag, ci, J->submit, done);
        }
      }
      return 1;
    }
    case PH_PRE: {
      cyc_t e = c->pnext[PS_PIM_PRE];
      why = c->pwhy[PS_PIM_PRE];
      for (uint32_t b = 0; b < h->nbank_ch; b++) {
        uint8_t *w;
        cyc_t *sl = pslot(h, &c->bank[b], &w);
        if (sl[HBM_CMD_PRE] > e) { e = sl[HBM_CMD_PRE]; why = w[HBM_CMD_PRE]; }
      }
      if (e > t) { *next = MIN(*next, e); return 0; }
      for (uint32_t b = 0; b < h->nbank_ch; b++) {
        hbm_bank_t *bk = &c->bank[b];
        uint8_t *w;
        cyc_t *sl = pslot(h, bk, &w);
        CODA_ASSERT(bk->popen);
        bk->popen = 0;
        close_row(c, b >> h->bpr_sh, t);
        hbm_apply_rules(h, c, b >> h->bpr_sh, b, HBM_CMD_PRE, t, sl, w);
      }
      s->pim_pres++;
      log_pim(h, dry, ci, t, HBM_CMD_PIM_PRE, HBM_ALL, J->j.row + J->r, why);
      if (++J->r < J->j.rows) {
        J->phase = h->pim_mode == HBM_PIM_BLOCKED ? PH_CLOSE : PH_GACT;
        J->n = 0;
        return 1;
      }
      /* the job is finished */
      s->jobs++;
      s->busy_cyc += t - J->header_t + 1;
      c->pq_head = (c->pq_head + 1) % c->pq_cap;
      c->pq_n--;
      c->pim_own = 0;
      if (!dry) {
        h->pim_jobs--;
        h->st.last_done = MAX(h->st.last_done, t + 1);
      }
      return 1;
    }
  }
  CODA_PANIC("hbm: PIM phase %u", J->phase);
}

int hbm_pim_decide(hbm_t *h, hbm_chan_t *c, uint32_t ci, cyc_t t, cyc_t *next) {
  if (!pim_step(h, c, ci, t, next, 0)) return 0;
  hbm_pim_mark_waiting(c, t);
  return 1;
}

cyc_t hbm_pim_estimate(const hbm_t *hc, const hbm_pim_job_t *job) {
  hbm_t *h = (hbm_t *)hc; /* the dry run writes only its scratch channel */
  hbm_chan_t c;
  memset(&c, 0, sizeof c);
  hbm_pjob_t J;
  memset(&J, 0, sizeof J);
  J.j = *job;
  c.pq = &J; c.pq_cap = 1; c.pq_n = 1;
  for (int m = 0; m < PS_N; m++) c.pwhy[m] = HBM_RULE_NONE;
  c.bank = calloc(h->nbank_ch, sizeof *c.bank);
  c.bg = calloc(h->nbg * h->nrank, sizeof *c.bg);
  c.rank = calloc(h->nrank, sizeof *c.rank);
  if (!c.bank || !c.bg || !c.rank) CODA_PANIC("hbm: out of memory");
  cyc_t t = 0, end = 0;
  while (c.pq_n) {
    cyc_t nx = CYC_NEVER;
    end = t;
    if (pim_step(h, &c, 0, t, &nx, 1)) t++;
    else {
      CODA_ASSERT(nx > t && nx != CYC_NEVER);
      t = nx;
    }
  }
  free(c.bank); free(c.bg); free(c.rank);
  return end + 1; /* PIM_HEADER at 0 .. the last PIM_PRECHARGE, inclusive */
}

int hbm_pim_submit(hbm_t *h, uint32_t ch, const hbm_pim_job_t *job, uint64_t tag, cyc_t now, coda_err_t *err) {
  if (h->pim_mode == HBM_PIM_NONE)
    return coda_errf(err, CODA_EINVAL, "hbm.pim_mode: PIM jobs need pim_mode blocked or dual (it is none)");
  if (ch >= h->nch) return coda_errf(err, CODA_EINVAL, "PIM job: channel %u, the model has %u", ch, h->nch);
  if (job->k < 1 || job->k > h->p.cols)
    return coda_errf(err, CODA_EINVAL, "PIM job: k=%u, expected 1..%u (row_bytes / (pim_mults x 2 B))", job->k,
                     h->p.cols);
  if (job->rows < 1 || (uint64_t)job->row + job->rows > h->rows)
    return coda_errf(err, CODA_EINVAL, "PIM job: rows=%u from row %u, expected 1.. and within the %u rows",
                     job->rows, job->row, h->rows);
  cyc_t est = hbm_pim_estimate(h, job);
  /* the refresh-free window: refreshes of the ranks of a channel come every
   * tREFI / ranks, last tRFC, and may start up to max(tRAS, CWL + BL/2 +
   * tWR) + tRP late when a row must be closed first */
  int64_t late = MAX(h->t.tras, h->t.cwl + h->t.burst + h->t.twr) + h->t.trp;
  int64_t win = h->t.trefi / (int64_t)h->nrank - h->t.trfc - late;
  if ((int64_t)est > win)
    return coda_errf(err, CODA_EINVAL, "PIM job: estimated %" PRIu64 " cycles, more than the refresh-free window "
                     "of %" PRId64 " (tREFI / ranks - tRFC - %" PRId64 "); split it into fewer rows", est, win, late);
  hbm_chan_t *c = &h->ch[ch];
  if (c->pq_n == c->pq_cap) {
    uint32_t n = c->pq_cap ? c->pq_cap * 2 : 8;
    hbm_pjob_t *q = malloc(n * sizeof *q);
    if (!q) return coda_errf(err, CODA_ENOMEM, "hbm: out of memory");
    for (uint32_t i = 0; i < c->pq_n; i++) q[i] = c->pq[(c->pq_head + i) % c->pq_cap];
    free(c->pq);
    c->pq = q; c->pq_cap = n; c->pq_head = 0;
  }
  hbm_pjob_t *J = &c->pq[(c->pq_head + c->pq_n++) % c->pq_cap];
  memset(J, 0, sizeof *J);
  J->j = *job; J->tag = tag; J->submit = now; J->est = est;
  h->pim_jobs++;
  if (now < c->next_t) c->next_t = now;
  return CODA_OK;
}
