/* hbm.c: the HBM2 banks, timing rules, controllers and energy (see hbm.h).
 * Timing rules are data (hbm_timing.def); a bank keeps the earliest cycle
 * each command may issue. Each channel decides only at its next possible
 * command cycle, so idle stretches cost nothing and a decision is one pass
 * over that channel's active queue. */
#include "hbm_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const hbm_rule_desc_t HBM_RULES[HBM_RULE_COUNT] = {
#define HBM_RULE(id, name, from, to, scope, lat) {name, HBM_CMD_##from, HBM_CMD_##to, SC_##scope},
#include "hbm_timing.def"
#undef HBM_RULE
};
#define RULES HBM_RULES

static const char *const PRULE_NAMES[HBM_PRULE_COUNT] = {
#define PIM_RULE(id, name, from, to, scope, lat) name,
#include "hbm_pim_timing.def"
#undef PIM_RULE
};

const char *hbm_rule_name(uint8_t r) {
  if (r < HBM_RULE_COUNT) return RULES[r].name;
  if (r == HBM_RULE_FAW) return "tFAW";
  if (r >= HBM_PRULE_FIRST && r < HBM_RULE_END) return PRULE_NAMES[r - HBM_PRULE_FIRST];
  return "-";
}
#define rule_name hbm_rule_name

static int ilog2(uint64_t v) { int l = 0; while ((1ull << l) < v) l++; return l; }
static int pow2(uint64_t v) { return v && !(v & (v - 1)); }

/* ---- configuration ---------------------------------------------------- */

static int check_pow2(uint64_t v, const char *key, const char *origin, coda_err_t *err) {
  if (pow2(v)) return 0;
  return coda_errf(err, CODA_EINVAL, "%s: hbm.%s: %" PRIu64 " is not a power of two", origin, key, v);
}

static int setup_mapping(hbm_t *h, const char *map, const char *origin, coda_err_t *err) {
  static const char *const F[F_N] = {"ro", "ra", "bg", "ba", "ch", "co"};
  size_t n = strlen(map);
  int seen[F_N] = {0};
  if (n != 2 * F_N)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.address_mapping: '%s' must name ro ra bg ba ch co once each",
                     origin, map);
  uint32_t sh = h->req_shift;
  for (size_t i = n; i >= 2; i -= 2) { /* least significant field last */
    int f = -1;
    for (int k = 0; k < F_N; k++)
      if (!strncmp(map + i - 2, F[k], 2)) f = k;
    if (f < 0 || seen[f]++)
      return coda_errf(err, CODA_EINVAL, "%s: hbm.address_mapping: '%s' must name ro ra bg ba ch co once each",
                       origin, map);
    h->shift[f] = sh;
    sh += h->bits[f];
  }
  if (sh > 62) return coda_errf(err, CODA_EINVAL, "%s: hbm.rows: capacity above 2^62 bytes", origin);
  h->capacity = 1ull << sh;
  return 0;
}

int hbm_init(hbm_t **out, const arch_cfg_t *c, const char *origin, coda_err_t *err) {
  *out = NULL;
  const struct { uint64_t v; const char *k; } p2[] = {
      {c->hbm_channels, "channels"}, {c->hbm_ranks, "ranks"}, {c->hbm_bankgroups, "bankgroups"},
      {c->hbm_banks_per_group, "banks_per_group"}, {c->hbm_rows, "rows"}, {c->hbm_row_bytes, "row_bytes"},
      {c->hbm_bus_bits, "bus_bits"}, {c->hbm_burst_length, "burst_length"}};
  for (size_t i = 0; i < sizeof p2 / sizeof p2[0]; i++)
    if (check_pow2(p2[i].v, p2[i].k, origin, err)) return err ? err->code : CODA_EINVAL;
  if (c->hbm_bankgroups * c->hbm_banks_per_group > 64)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.banks_per_group: bankgroups x banks_per_group = %" PRIu64
                     " exceeds 64", origin, c->hbm_bankgroups * c->hbm_banks_per_group);
  uint64_t req = c->hbm_bus_bits / 8 * c->hbm_burst_length;
  if (c->hbm_bus_bits < 8 || req > c->hbm_row_bytes)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.row_bytes: %" PRIu64 " is smaller than one request "
                     "(bus_bits/8 x burst_length = %" PRIu64 " B)", origin, c->hbm_row_bytes, req);
  if (c->hbm_wq_low >= c->hbm_wq_high || c->hbm_wq_high > c->hbm_wq_entries)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.wq_high: need wq_low (%" PRIu64 ") < wq_high (%" PRIu64
                     ") <= wq_entries (%" PRIu64 ")", origin, c->hbm_wq_low, c->hbm_wq_high, c->hbm_wq_entries);
  if (c->hbm_trc < c->hbm_tras)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.trc: %" PRIu64 " is below tRAS %" PRIu64, origin,
                     c->hbm_trc, c->hbm_tras);
  if (c->hbm_trfc >= c->hbm_trefi)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.trfc: %" PRIu64 " must be below tREFI %" PRIu64, origin,
                     c->hbm_trfc, c->hbm_trefi);
  if (c->hbm_tccd_s > c->hbm_tccd_l || c->hbm_trrd_s > c->hbm_trrd_l || c->hbm_twtr_s > c->hbm_twtr_l)
    return coda_errf(err, CODA_EINVAL, "%s: hbm.tccd_s: the _S timings (tCCD_S, tRRD_S, tWTR_S) must not "
                     "exceed their _L counterparts", origin);
  hbm_t *h = calloc(1, sizeof *h);
  if (!h) return coda_errf(err, CODA_ENOMEM, "hbm: out of memory");
  hbm_timing_t *t = &h->t;
  t->cl = (int64_t)c->hbm_cl; t->cwl = (int64_t)c->hbm_cwl; t->trcd = (int64_t)c->hbm_trcd;
  t->trp = (int64_t)c->hbm_trp; t->tras = (int64_t)c->hbm_tras; t->trc = (int64_t)c->hbm_trc;
  t->tccd_s = (int64_t)c->hbm_tccd_s; t->tccd_l = (int64_t)c->hbm_tccd_l;
  t->trrd_s = (int64_t)c->hbm_trrd_s; t->trrd_l = (int64_t)c->hbm_trrd_l; t->tfaw = (int64_t)c->hbm_tfaw;
  t->twtr_s = (int64_t)c->hbm_twtr_s; t->twtr_l = (int64_t)c->hbm_twtr_l; t->twr = (int64_t)c->hbm_twr;
  t->trtp = (int64_t)c->hbm_trtp; t->trtrs = (int64_t)c->hbm_trtrs; t->trefi = (int64_t)c->hbm_trefi;
  t->trfc = (int64_t)c->hbm_trfc; t->burst = (int64_t)c->hbm_burst_length / 2; /* DDR: 2 beats a cycle */
  int i = 0;
#define HBM_RULE(id, name, from, to, scope, l) h->lat[i++] = MAX((int64_t)0, (int64_t)(l));
#include "hbm_timing.def"
#undef HBM_RULE
  for (int r = 0; r < HBM_RULE_COUNT; r++) {
    int from = RULES[r].from;
    /* column writes (WR, UPD) share the WR slot: no rule delays UPD by name */
    CODA_ASSERT(RULES[r].to != HBM_CMD_UPD);
    h->from_list[from][h->n_from[from]++] = (uint8_t)r;
    /* an UPD's bus side is exactly a WR: it starts every WR rule too (hbm_timing.def) */
    if (from == HBM_CMD_WR) h->from_list[HBM_CMD_UPD][h->n_from[HBM_CMD_UPD]++] = (uint8_t)r;
  }
  h->nch = (uint32_t)c->hbm_channels; h->nrank = (uint32_t)c->hbm_ranks;
  h->nbg = (uint32_t)c->hbm_bankgroups; h->nbpg = (uint32_t)c->hbm_banks_per_group;
  h->nbank_rank = h->nbg * h->nbpg; h->nbank_ch = h->nbank_rank * h->nrank; h->rows = (uint32_t)c->hbm_rows;
  h->bpg_sh = (uint32_t)ilog2(h->nbpg); h->bpr_sh = (uint32_t)ilog2(h->nbank_rank);
  h->req_bytes = (uint32_t)req; h->req_shift = (uint32_t)ilog2(req);
  h->bits[F_RO] = (uint32_t)ilog2(c->hbm_rows); h->bits[F_RA] = (uint32_t)ilog2(h->nrank);
  h->bits[F_BG] = (uint32_t)ilog2(h->nbg); h->bits[F_BA] = (uint32_t)ilog2(h->nbpg);
  h->bits[F_CH] = (uint32_t)ilog2(h->nch); h->bits[F_CO] = (uint32_t)ilog2(c->hbm_row_bytes / req);
  char mapname[32];
  arch_cfg_enum_name("hbm", "address_mapping", c->hbm_address_mapping, mapname, sizeof mapname);
  if (setup_mapping(h, mapname, origin, err)) { free(h); return err ? err->code : CODA_EINVAL; }
  h->rq_cap = (uint32_t)c->hbm_rq_entries; h->wq_cap = (uint32_t)c->hbm_wq_entries;
  h->wq_hi = (uint32_t)c->hbm_wq_high; h->wq_lo = (uint32_t)c->hbm_wq_low;
  h->hit_cap = (uint32_t)c->hbm_row_hit_cap;
  h->tck_ns = c->hbm_tck_ns;
  /* DRAMsim3 src/configuration.cc energy increments; mA x V x ns = pJ */
  double v = c->hbm_vdd, tck = c->hbm_tck_ns;
  h->vdd = v; h->idd2n = c->hbm_idd2n; h->idd3n = c->hbm_idd3n;
  h->e_act = v * (c->hbm_idd0 * (double)t->trc - (c->hbm_idd3n * (double)t->tras + c->hbm_idd2n * (double)t->trp)) * tck;
  h->e_rd = v * (c->hbm_idd4r - c->hbm_idd3n) * (double)t->burst * tck;
  h->e_wr = v * (c->hbm_idd4w - c->hbm_idd3n) * (double)t->burst * tck;
  h->e_ref = v * (c->hbm_idd5ab - c->hbm_idd3n) * (double)t->trfc * tck;
  h->ch = calloc(h->nch, sizeof *h->ch);
  h->lat_hist = calloc(HBM_LAT_BUCKETS, sizeof *h->lat_hist);
  if (!h->ch || !h->lat_hist) { hbm_free(h); return coda_errf(err, CODA_ENOMEM, "hbm: out of memory"); }
  for (uint32_t k = 0; k < h->nch; k++) {
    hbm_chan_t *ch = &h->ch[k];
    ch->rq = calloc(h->rq_cap, sizeof *ch->rq);
    ch->wq = calloc(h->wq_cap, sizeof *ch->wq);
    ch->bank = calloc(h->nbank_ch, sizeof *ch->bank);
    ch->bg = calloc(h->nbg * h->nrank, sizeof *ch->bg);
    ch->rank = calloc(h->nrank, sizeof *ch->rank);
    if (!ch->rq || !ch->wq || !ch->bank || !ch->bg || !ch->rank) {
      hbm_free(h);
      return coda_errf(err, CODA_ENOMEM, "hbm: out of memory");
    }
    for (uint32_t b = 0; b < h->nbank_ch; b++)
      for (int m = 0; m < 4; m++) ch->bank[b].why[m] = ch->bank[b].pwhy[m] = HBM_RULE_NONE;
    for (int m = 0; m < PS_N; m++) ch->pwhy[m] = HBM_RULE_NONE;
    for (uint32_t b = 0; b < h->nbg * h->nrank; b++)
      for (int m = 0; m < 3; m++) ch->bg[b].why[m] = HBM_RULE_NONE;
    for (uint32_t r = 0; r < h->nrank; r++) {
      for (int m = 0; m < 5; m++) ch->rank[r].why[m] = HBM_RULE_NONE;
      /* staggered: rank r first at (r + 1) x tREFI / ranks */
      ch->rank[r].ref_due = (cyc_t)((uint64_t)(r + 1) * (uint64_t)t->trefi / h->nrank);
    }
    ch->next_t = ch->rank[0].ref_due;
  }
  if (hbm_pim_init(h, c, origin, err)) { hbm_free(h); return err ? err->code : CODA_EINVAL; }
  *out = h;
  return CODA_OK;
}

void hbm_free(hbm_t *h) {
  if (!h) return;
  if (h->ch)
    for (uint32_t k = 0; k < h->nch; k++) {
      hbm_chan_t *ch = &h->ch[k];
      free(ch->rq); free(ch->wq); free(ch->bank); free(ch->bg); free(ch->rank);
      hbm_pim_free_chan(ch);
    }
  free(h->ch);
  free(h->lat_hist);
  free(h->lat_big);
  free(h);
}

void hbm_set_done(hbm_t *h, hbm_done_fn fn, void *ctx) { h->done_fn = fn; h->done_ctx = ctx; }
void hbm_set_cmd_log(hbm_t *h, hbm_cmd_fn fn, void *ctx) { h->cmd_fn = fn; h->cmd_ctx = ctx; }
uint64_t hbm_capacity_bytes(const hbm_t *h) { return h->capacity; }
uint32_t hbm_req_bytes(const hbm_t *h) { return h->req_bytes; }
uint32_t hbm_burst_cycles(const hbm_t *h) { return (uint32_t)h->t.burst; }
uint32_t hbm_channels(const hbm_t *h) { return h->nch; }
double hbm_peak_gbps(const hbm_t *h) {
  return (double)h->nch * h->req_bytes / ((double)h->t.burst * h->tck_ns);
}
uint64_t hbm_queued(const hbm_t *h) { return h->queued; }
const hbm_stats_t *hbm_get_stats(const hbm_t *h) { return &h->st; }

void hbm_decode(const hbm_t *h, uint64_t addr, hbm_addr_t *a) {
#define FLD(f) (uint32_t)((addr >> h->shift[f]) & ((1ull << h->bits[f]) - 1))
  a->ch = FLD(F_CH); a->rank = FLD(F_RA); a->bg = FLD(F_BG); a->bank = FLD(F_BA);
  a->row = FLD(F_RO); a->col = FLD(F_CO);
#undef FLD
}

uint64_t hbm_encode(const hbm_t *h, const hbm_addr_t *a) {
  const uint32_t v[F_N] = {a->row, a->rank, a->bg, a->bank, a->ch, a->col};
  uint64_t x = 0;
  for (int f = 0; f < F_N; f++) x |= ((uint64_t)v[f] & ((1ull << h->bits[f]) - 1)) << h->shift[f];
  return x;
}

/* ---- timing state ------------------------------------------------------ */

#define raise hbm_raise

/* Earliest cycle command cmd (ACT, RD, WR, PRE) may issue at flat bank b. */
static inline cyc_t earliest(const hbm_t *h, const hbm_chan_t *c, uint32_t b, int cmd, uint8_t *why) {
  const hbm_bank_t *bk = &c->bank[b];
  cyc_t t = bk->next[cmd];
  uint8_t w = bk->why[cmd];
  if (cmd != HBM_CMD_PRE) {
    const hbm_bg_t *g = &c->bg[b >> h->bpg_sh];
    if (g->next[cmd] > t) { t = g->next[cmd]; w = g->why[cmd]; }
    const hbm_rank_t *r = &c->rank[b >> h->bpr_sh];
    if (r->next[cmd] > t) { t = r->next[cmd]; w = r->why[cmd]; }
    if (cmd == HBM_CMD_ACT && r->n_act >= 4) {
      cyc_t f = r->faw[r->faw_i] + (cyc_t)h->t.tfaw; /* the 4th-last ACT */
      if (f > t) { t = f; w = HBM_RULE_FAW; }
    }
  }
  if (why) *why = w;
  return t;
}

void hbm_apply_rules(hbm_t *h, hbm_chan_t *c, uint32_t rank, uint32_t b, int cmd, cyc_t t, cyc_t *bn, uint8_t *bw) {
  for (int k = 0; k < h->n_from[cmd]; k++) {
    uint8_t r = h->from_list[cmd][k];
    cyc_t v = t + (cyc_t)h->lat[r];
    int to = RULES[r].to;
    switch (RULES[r].scope) {
      case SC_BANK: raise(&bn[to], &bw[to], v, r); break;
      case SC_BG: { hbm_bg_t *g = &c->bg[b >> h->bpg_sh]; raise(&g->next[to], &g->why[to], v, r); break; }
      case SC_RANK: raise(&c->rank[rank].next[to], &c->rank[rank].why[to], v, r); break;
      default:
        for (uint32_t o = 0; o < h->nrank; o++)
          if (o != rank) raise(&c->rank[o].next[to], &c->rank[o].why[to], v, r);
    }
  }
}

static inline void apply_rules(hbm_t *h, hbm_chan_t *c, uint32_t rank, uint32_t b, int cmd, cyc_t t) {
  hbm_apply_rules(h, c, rank, b, cmd, t, c->bank[b].next, c->bank[b].why);
}

void hbm_log_cmd(hbm_t *h, uint32_t ci, cyc_t t, int cmd, uint32_t b, uint32_t row, uint8_t why) {
  if (!h->cmd_fn) return;
  uint32_t rank = b / h->nbank_rank, in = b % h->nbank_rank;
  h->cmd_fn(h->cmd_ctx, t, (hbm_cmd_e)cmd, ci, rank, in / h->nbpg, in % h->nbpg, row, rule_name(why));
}

#define log_cmd hbm_log_cmd
#define do_pre hbm_do_pre

static void do_act(hbm_t *h, hbm_chan_t *c, uint32_t ci, uint32_t b, uint32_t row, cyc_t t, uint8_t why) {
  hbm_bank_t *bk = &c->bank[b];
  uint32_t rank = b >> h->bpr_sh;
  hbm_rank_t *r = &c->rank[rank];
  CODA_ASSERT(!bk->open);
  bk->open = 1; bk->row = row; bk->hits = 0;
  bk->n_hit[0] = bk->n_hit[1] = 0;
  for (uint32_t i = 0; i < c->rn; i++) bk->n_hit[0] += c->rq[i].bank == b && c->rq[i].row == row;
  for (uint32_t i = 0; i < c->wn; i++) bk->n_hit[1] += c->wq[i].bank == b && c->wq[i].row == row;
  if (r->n_open++ == 0) r->act_start = t;
  r->faw[r->faw_i] = t; r->faw_i = (r->faw_i + 1) & 3; r->n_act++;
  apply_rules(h, c, rank, b, HBM_CMD_ACT, t);
  h->st.acts++;
  h->st.act_pj += h->e_act;
  log_cmd(h, ci, t, HBM_CMD_ACT, b, row, why);
}

void hbm_do_pre(hbm_t *h, hbm_chan_t *c, uint32_t ci, uint32_t b, cyc_t t, uint8_t why) {
  hbm_bank_t *bk = &c->bank[b];
  uint32_t rank = b >> h->bpr_sh;
  hbm_rank_t *r = &c->rank[rank];
  CODA_ASSERT(bk->open);
  bk->open = 0;
  bk->n_hit[0] = bk->n_hit[1] = 0;
  if (--r->n_open == 0) r->active_cyc += t - r->act_start;
  apply_rules(h, c, rank, b, HBM_CMD_PRE, t);
  h->st.pres++;
  log_cmd(h, ci, t, HBM_CMD_PRE, b, bk->row, why);
}

static void record_lat(hbm_t *h, uint64_t lat) {
  h->st.rd_lat_sum += lat;
  if (lat > h->st.rd_lat_max) h->st.rd_lat_max = lat;
  if (lat < HBM_LAT_BUCKETS) { h->lat_hist[lat]++; return; }
  if (h->n_big == h->cap_big) {
    size_t n = h->cap_big ? h->cap_big * 2 : 1024;
    uint64_t *p = realloc(h->lat_big, n * sizeof *p);
    if (!p) CODA_PANIC("hbm: out of memory");
    h->lat_big = p; h->cap_big = n;
  }
  h->lat_big[h->n_big++] = lat;
}

/* Column command (RD, WR or UPD) of a queue entry. */
static inline int col_cmd(const hbm_ent_t *e, int write) {
  return e->upd ? HBM_CMD_UPD : write ? HBM_CMD_WR : HBM_CMD_RD;
}

/* Column command for queue entry i of q (n entries; write: the write
 * queue); removes it. */
static void do_col(hbm_t *h, hbm_chan_t *c, uint32_t ci, hbm_ent_t *q, uint32_t *n, uint32_t i, int write,
                   cyc_t t, uint8_t why) {
  hbm_ent_t e = q[i];
  hbm_bank_t *bk = &c->bank[e.bank];
  int cmd = col_cmd(&e, write);
  CODA_ASSERT(bk->open && bk->row == e.row);
  bk->hits++;
  bk->n_ent[write]--;
  bk->n_hit[write]--;
  apply_rules(h, c, e.rank, e.bank, cmd, t);
  memmove(&q[i], &q[i + 1], (size_t)(*n - i - 1) * sizeof *q);
  (*n)--;
  h->queued--;
  cyc_t done;
  if (cmd == HBM_CMD_UPD) {
    /* addend in (CWL + BL/2), internal read and write-back (tCCD_L each):
     * the tUPD rule's latency (hbm_timing.def) */
    done = t + (cyc_t)h->lat[HBM_RULE_tupd_wr];
    h->st.upds++;
    h->st.upd_pj += h->e_wr + h->e_rd;
  } else {
    done = t + (cyc_t)((write ? h->t.cwl : h->t.cl) + h->t.burst);
    if (write) { h->st.writes++; h->st.wr_pj += h->e_wr; }
    else { h->st.reads++; h->st.rd_pj += h->e_rd; record_lat(h, done - e.arrival); }
  }
  if (!e.missed) h->st.row_hits++;
  if (e.pim_wait) c->pst.normal_delayed++;
  if (done > h->st.last_done) h->st.last_done = done;
  log_cmd(h, ci, t, cmd, e.bank, e.row, why);
  if (h->done_fn)
    h->done_fn(h->done_ctx, e.id, cmd == HBM_CMD_UPD ? HBM_KIND_UPDATE : write ? HBM_KIND_WRITE : HBM_KIND_READ,
               e.arrival, done);
}

/* ---- the controller ------------------------------------------------------ */

enum { CL_HIT, CL_CONF, CL_CLOSED };

/* Issues the command of channel c at cycle t if one is ready (1), else sets
 * *nxt to the earliest cycle one may be (0). */
static int decide(hbm_t *h, hbm_chan_t *c, uint32_t ci, cyc_t t, cyc_t *nxt) {
  cyc_t next = CYC_NEVER;
  uint32_t ref_busy = 0; /* ranks with a refresh pending */
  uint8_t why;
  for (uint32_t r = 0; r < h->nrank; r++) {
    hbm_rank_t *R = &c->rank[r];
    if (!R->ref_pending) {
      if (t < R->ref_due) { next = MIN(next, R->ref_due); continue; }
      R->ref_pending = 1;
    }
    ref_busy |= 1u << r;
    if (R->n_open) { /* precharge every open bank first (open PIM rows close on their own) */
      R->pim_held = 1;
      for (uint32_t k = 0; k < h->nbank_rank; k++) {
        uint32_t b = r * h->nbank_rank + k;
        if (!c->bank[b].open) continue;
        R->pim_held = 0;
        cyc_t tp = earliest(h, c, b, HBM_CMD_PRE, &why);
        if (tp <= t) { do_pre(h, c, ci, b, t, why); return 1; }
        next = MIN(next, tp);
      }
    } else {
      cyc_t tr = R->next[HBM_CMD_REF];
      if (tr <= t) {
        uint8_t rwhy = R->why[HBM_CMD_REF];
        apply_rules(h, c, r, r * h->nbank_rank, HBM_CMD_REF, t);
        R->ref_pending = 0;
        if (R->pim_held) { c->pst.ref_late++; R->pim_held = 0; }
        R->ref_end = t + (cyc_t)h->t.trfc;
        R->ref_due += (cyc_t)h->t.trefi;
        R->active_cyc += (uint64_t)h->t.trfc;
        h->st.refs++;
        h->st.ref_pj += h->e_ref;
        log_cmd(h, ci, t, HBM_CMD_REF, r * h->nbank_rank, 0, rwhy);
        return 1;
      }
      next = MIN(next, tr);
    }
  }
  if (c->pq_n) { /* PIM first (priority); in blocked mode it owns the channel */
    if (hbm_pim_decide(h, c, ci, t, &next)) return 1;
    if (c->pim_own) { *nxt = next > t ? next : t + 1; return 0; }
  }
  /* read or write mode */
  if (!c->drain && (c->wn >= h->wq_hi || (c->rn == 0 && c->wn > 0))) c->drain = 1;
  else if (c->drain && (c->wn == 0 || (c->wn <= h->wq_lo && c->rn > 0))) c->drain = 0;
  hbm_ent_t *q = c->drain ? c->wq : c->rq;
  uint32_t *qn = c->drain ? &c->wn : &c->rn;
  uint32_t n = *qn;
  int col = c->drain ? HBM_CMD_WR : HBM_CMD_RD;
  int qi = c->drain;
  uint64_t gen = ++c->gen;
  int other = -1, other_cls = CL_CLOSED;
  uint8_t other_why = HBM_RULE_NONE;
  for (uint32_t i = 0; i < n; i++) {
    const hbm_ent_t *e = &q[i];
    hbm_bank_t *bk = &c->bank[e->bank];
    int cls = !bk->open ? CL_CLOSED : bk->row == e->row ? CL_HIT : CL_CONF;
    /* capped: the row had its hits while a request to another row waits */
    int capped = h->hit_cap && bk->hits >= h->hit_cap && bk->n_ent[qi] > bk->n_hit[qi];
    cyc_t tt;
    if (ref_busy >> e->rank & 1) {
      /* refresh pending: a row hit may still go if it does not delay the
       * bank's precharge (t + the hit's column-to-PRE rule <= earliest PRE) */
      if (cls != CL_HIT) continue;
      cyc_t tp = earliest(h, c, e->bank, HBM_CMD_PRE, NULL);
      cyc_t c2p = (cyc_t)(col == HBM_CMD_RD ? h->lat[HBM_RULE_trtp]
                          : e->upd ? h->lat[HBM_RULE_twr_upd] : h->lat[HBM_RULE_twr]);
      if (t + c2p > tp) continue;
      tt = earliest(h, c, e->bank, col, &why);
      if (e->ready > tt) { tt = e->ready; why = HBM_RULE_NONE; }
      if (tt <= t) { do_col(h, c, ci, q, qn, i, col == HBM_CMD_WR, t, why); return 1; }
      continue; /* the refresh's own events wake the channel */
    }
    /* every waiting entry of one bank and class needs the same command at
     * the same earliest cycle: only the oldest is looked at */
    uint64_t mark = gen * 2 + (cls == CL_HIT);
    if (bk->seen_gen == mark) continue;
    bk->seen_gen = mark;
    if (cls == CL_HIT) {
      if (capped) continue;
      tt = earliest(h, c, e->bank, col, &why);
      if (e->ready > tt) { tt = e->ready; why = HBM_RULE_NONE; }
      if (tt <= t) { do_col(h, c, ci, q, qn, i, col == HBM_CMD_WR, t, why); return 1; }
    } else {
      if (cls == CL_CONF && bk->n_hit[qi] && !capped) continue; /* its row still has hits */
      if (cls == CL_CLOSED && (c->pim_hold >> e->rank & 1)) continue; /* a G_ACT waits for this rank */
      tt = earliest(h, c, e->bank, cls == CL_CONF ? HBM_CMD_PRE : HBM_CMD_ACT, &why);
      if (e->ready > tt) { tt = e->ready; why = HBM_RULE_NONE; }
      if (tt <= t) {
        if (other < 0) { other = (int)i; other_why = why; other_cls = cls; }
        continue;
      }
    }
    next = MIN(next, tt);
  }
  if (other >= 0) {
    hbm_ent_t *e = &q[other];
    e->missed = 1;
    if (other_cls == CL_CONF) do_pre(h, c, ci, e->bank, t, other_why);
    else do_act(h, c, ci, e->bank, e->row, t, other_why);
    return 1;
  }
  *nxt = next > t ? next : t + 1;
  return 0;
}

void hbm_advance(hbm_t *h, cyc_t t) {
  for (uint32_t k = 0; k < h->nch; k++) {
    hbm_chan_t *c = &h->ch[k];
    while (c->next_t <= t) {
      cyc_t now = c->next_t, nx;
      c->next_t = decide(h, c, k, now, &nx) ? now + 1 : nx;
    }
  }
}

cyc_t hbm_next_cmd(const hbm_t *h) {
  if (!h->queued && !h->pim_jobs) return CYC_NEVER;
  cyc_t m = CYC_NEVER;
  for (uint32_t k = 0; k < h->nch; k++) {
    const hbm_chan_t *c = &h->ch[k];
    if ((c->rn || c->wn || c->pq_n) && c->next_t < m) m = c->next_t;
  }
  return m;
}

int hbm_can_accept(const hbm_t *h, uint64_t addr, int write) {
  const hbm_chan_t *c = &h->ch[hbm_chan_of(h, addr)];
  return write ? c->wn < h->wq_cap : c->rn < h->rq_cap;
}

uint32_t hbm_chan_of(const hbm_t *h, uint64_t addr) {
  return (uint32_t)((addr >> h->shift[F_CH]) & ((1ull << h->bits[F_CH]) - 1));
}

uint32_t hbm_chan_occupancy(const hbm_t *h, uint32_t ch) { return h->ch[ch].rn + h->ch[ch].wn; }
uint32_t hbm_queue_entries(const hbm_t *h) { return h->rq_cap + h->wq_cap; }

int hbm_enqueue(hbm_t *h, uint64_t addr, int write, cyc_t ready, cyc_t since, uint64_t id) {
  return hbm_enqueue_kind(h, addr, write ? HBM_KIND_WRITE : HBM_KIND_READ, ready, since, id);
}

int hbm_enqueue_kind(hbm_t *h, uint64_t addr, hbm_kind_e kind, cyc_t ready, cyc_t since, uint64_t id) {
  int write = kind != HBM_KIND_READ; /* updates drain with the writes */
  hbm_addr_t a;
  hbm_decode(h, addr, &a);
  hbm_chan_t *c = &h->ch[a.ch];
  hbm_ent_t *q = write ? c->wq : c->rq;
  uint32_t *n = write ? &c->wn : &c->rn;
  if (*n >= (write ? h->wq_cap : h->rq_cap)) return -1;
  hbm_ent_t *e = &q[(*n)++];
  e->id = id; e->ready = ready; e->arrival = since; e->row = a.row;
  e->bank = a.rank * h->nbank_rank + a.bg * h->nbpg + a.bank;
  e->rank = (uint8_t)a.rank; e->missed = 0; e->pim_wait = (uint8_t)c->pim_own;
  e->upd = kind == HBM_KIND_UPDATE;
  hbm_bank_t *bk = &c->bank[e->bank];
  bk->n_ent[write]++;
  if (bk->open && bk->row == a.row) bk->n_hit[write]++;
  h->queued++;
  if (ready < c->next_t) c->next_t = ready;
  return 0;
}

void hbm_finish(hbm_t *h, cyc_t end) {
  double e = 0;
  for (uint32_t k = 0; k < h->nch; k++)
    for (uint32_t r = 0; r < h->nrank; r++) {
      hbm_rank_t *R = &h->ch[k].rank[r];
      uint64_t act = R->active_cyc;
      if (R->n_open && end > R->act_start) act += end - R->act_start;
      if (act > end) act = end; /* a refresh running past the end */
      e += h->idd2n * (double)(end - act) + h->idd3n * (double)act;
    }
  h->st.bg_pj = e * h->vdd * h->tck_ns;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

uint64_t hbm_rd_lat_pct(const hbm_t *h, double p) {
  uint64_t n = h->st.reads;
  if (!n) return 0;
  uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)n); /* nearest-rank percentile */
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (uint64_t l = 0; l < HBM_LAT_BUCKETS; l++) {
    seen += h->lat_hist[l];
    if (seen >= rank) return l;
  }
  qsort(h->lat_big, h->n_big, sizeof *h->lat_big, cmp_u64); /* order only; contents unchanged */
  return h->lat_big[rank - seen - 1];
}
