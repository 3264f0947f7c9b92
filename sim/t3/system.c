/* system.c: T3's multi-device system, every device cycle by cycle on the
 * DRAM clock (see system.h for the model and its variants). */
#include "system.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/evheap.h"
#include "../core/util.h"
#include "../lut/lut_core.h"
#include "../mac/mac_core.h"
#include "../mem/hbm.h"
#include "../npu/npu.h"
#include "tracker.h"

/* no completion for this long: the plan cannot complete (a tracker entry that never frees) */
#define T3_STALL_CYCLES 50000000ull

/* ---- request ids: type in bits 63..60, then stage 6 | tile 16 | ch 10 | tx 20 ---- */
enum {
  RQ_FETCH = 1,  /* input panel read (payload: panel index) */
  RQ_STORE,      /* the producer's local store / update of an output tile */
  RQ_IN_REMOTE,  /* an incoming remote store (T3 stage 0 of the sender) */
  RQ_IN_DMA,     /* an incoming DMA update (T3) */
  RQ_IN_SEQ,     /* an incoming DMA write into the receive buffer (SEQ) */
  RQ_DMARD,      /* a DMA read of a (tile, controller) part to forward */
  RQ_RED_RD,     /* SEQ reduction: read of the received or the local part */
  RQ_RED_WR      /* SEQ reduction: write of the sum */
};
#define ID(ty, s, t, c, x) (((uint64_t)(ty) << 60) | ((uint64_t)(s) << 46) | ((uint64_t)(t) << 30) | ((uint64_t)(c) << 20) | (uint64_t)(x))
#define ID_TY(id) ((uint32_t)((id) >> 60))
#define ID_S(id) ((uint32_t)(((id) >> 46) & 63))
#define ID_T(id) ((uint32_t)(((id) >> 30) & 0xffff))
#define ID_C(id) ((uint32_t)(((id) >> 20) & 1023))
#define ID_X(id) ((uint32_t)((id) & 0xfffff))

/* A growable FIFO ring of T: NAME##_t {v, head, n, cap}, NAME##_push (by
 * value), NAME##_front (NULL when empty), NAME##_pop. */
#define RINGQ(NAME, T)                                                                 \
  typedef struct NAME { T *v; uint64_t head, n, cap; } NAME##_t;                       \
  static void NAME##_push(NAME##_t *q, T x) {                                          \
    if (q->n == q->cap) {                                                              \
      uint64_t nc = q->cap ? 2 * q->cap : 64;                                          \
      T *v = malloc(nc * sizeof *v);                                                   \
      if (!v) CODA_PANIC("t3: out of memory");                                         \
      for (uint64_t i = 0; i < q->n; i++) v[i] = q->v[(q->head + i) % q->cap];         \
      free(q->v), q->v = v, q->cap = nc, q->head = 0;                                  \
    }                                                                                  \
    q->v[(q->head + q->n++) % q->cap] = x;                                             \
  }                                                                                    \
  static T *NAME##_front(NAME##_t *q) { return q->n ? &q->v[q->head] : NULL; }  \
  static void NAME##_pop(NAME##_t *q) { q->head = (q->head + 1) % q->cap, q->n--; }

/* a request waiting at a channel's front end */
typedef struct fe_req { uint64_t addr, id; cyc_t since; uint8_t kind; } fe_req_t;
RINGQ(feq, fe_req_t)

/* a link transfer of one (tile, controller) part */
typedef struct xfer {
  cyc_t arrive;
  uint32_t stage; /* the receiver's stage (slot) */
  uint32_t tile, ch, type; /* type: RQ_IN_* */
  int64_t *val;   /* functional: the part's values, NULL otherwise */
} xfer_t;
RINGQ(xq, xfer_t)

/* a tracker update waiting for a port: gid = the tile id (16 bits), gidx its
 * unwrapped index stage x T + t */
typedef struct tupd { uint32_t gid; uint32_t gidx; uint8_t kind; } tupd_t;
RINGQ(updq, tupd_t)

typedef struct panel { uint8_t state; uint32_t left, ref; uint64_t lru; } panel_t; /* state 0 absent, 1 fetching, 2 present; ref: units holding it */

typedef struct cu { int64_t cur, nxt; cyc_t end, start; } cu_t;

typedef struct chan {
  feq_t cq, mq;           /* compute and communication requests waiting for the DRAM queue */
  t3_tracker_t *trk;      /* T3: this controller's tracker */
  updq_t upd[T3_TRACKER_PORTS]; /* tracker updates waiting for their port: 0 the local
                           * producer's, 1 the ring's (remote stores, DMA); apart, so
                           * a producer running ahead of the tracker's free entries
                           * (its updates wait for their entries) never holds back
                           * the incoming updates that complete older tiles */
  uint64_t cfg_next;      /* next unwrapped tile index to program */
  uint64_t cfg_limit;     /* program up to (exclusive) */
} chan_t;

typedef struct part { uint16_t left; uint16_t red; } part_t; /* per (stage, tile, ch) */

struct sys;
typedef struct dev {
  struct sys *S;
  uint32_t id;
  hbm_t *h;
  chan_t *ch;
  coda_evheap_t ev;       /* DRAM completions: (done cycle, 0, request id) */
  cu_t *cu;
  uint64_t next_tile;     /* next tile (stage-major order) to hand out */
  uint64_t tiles_done;    /* tiles whose compute ended */
  uint64_t *tile_left;    /* per tile (stage-major): stores outstanding */
  uint64_t tiles_stored;  /* tiles with every store complete */
  uint32_t *stage_done;   /* per stage: tiles computed */
  panel_t *pan;           /* A row panels, then B column panels */
  uint64_t l2_used, lru_clock;
  int wake;               /* a panel arrived: CUs may start */
  part_t *parts;          /* per (stage, tile, ch) */
  xq_t lpend, lfly;       /* outgoing link: waiting, in flight */
  cyc_t link_free;
  uint64_t final_parts;   /* parts of the last stage complete */
  cyc_t gemm_end, rs_start, end;
  int rs_started;
  /* MCA */
  uint32_t thr;
  int thr_set;
  uint64_t stage0_cbytes;
  /* functional */
  int64_t *val;           /* output slots: [stage][tile][tx] */
  int64_t *rval;          /* receive buffer (SEQ) */
  /* stats */
  uint64_t fetched;       /* input bytes fetched from DRAM */
  uint64_t c_rd, m_rd, link_bytes, fires;
  /* timeline */
  cyc_t link_span_s, link_span_e;
  cyc_t *stage_s, *stage_e, *comm_s, *comm_e;
} t3dev_t;

typedef struct sys {
  const arch_cfg_t *cfg;
  t3_plan_t plan;
  t3_variant_e var;
  int full, functional, mca;
  uint32_t N, T, C, ndev;
  uint64_t tx_tile, tx_part;   /* 64 B transactions per tile / per (tile, ch) */
  uint32_t rq;                 /* bytes per transaction */
  uint64_t tile_cyc;           /* DRAM cycles per tile */
  double link_bpc;             /* link bytes per DRAM cycle */
  cyc_t hop;
  uint32_t *offs;              /* per ch: tx indices of a tile in that controller (tx_part each) */
  uint64_t npanA, npanB;
  uint64_t panA_bytes, panB_bytes;
  uint32_t Q;                  /* DRAM queue entries per channel */
  double peak_bpc;
  t3dev_t *d;
  cyc_t progress;              /* last cycle anything completed or entered a DRAM queue */
  FILE *tl;
  uint64_t tl_events, tl_max, tl_dropped;
  int tl_first;
} sys_t;

const char *t3_variant_name(t3_variant_e v) {
  static const char *n[] = {"seq", "t3", "t3-mca", "ideal"};
  return v < T3_VAR_COUNT ? n[v] : "?";
}

/* ---- the producer engine ---- */
uint64_t t3_tile_cycles(const arch_cfg_t *cfg, uint32_t tm, uint32_t tn, uint64_t k) {
  uint64_t dev_cyc = 0;
  double mhz = cfg->t3_freq_mhz; /* the clock of the engine's cycles */
  switch (cfg->t3_engine) {
  case 0: /* gpu: one compute unit */
    dev_cyc = (uint64_t)ceil(2.0 * tm * tn * (double)k / cfg->t3_cu_flops);
    break;
  case 1: { /* systolic: one weight-stationary array of the NPU per slot */
    npu_cfg_t c;
    npu_cfg_from_arch(&c, cfg);
    c.arrays = 1;
    npu_gemm_t g;
    npu_gemm_plan(&c, tm, (uint32_t)k, tn, &g);
    dev_cyc = npu_gemm_compute_cycles(&g);
    mhz = cfg->npu_freq_mhz;
    break;
  }
  default: { /* lut / mac: the coda tensor core, W4 x FP16 (LUT TC's mpGEMM) */
    isa_insn_t in;
    memset(&in, 0, sizeof in);
    in.op = cfg->t3_engine == 2 ? ISA_OP_LMMA : ISA_OP_MMA;
    in.m = tm, in.n = tn, in.k = (uint32_t)(k > 65535 ? 65535 : k);
    in.atype = ISA_ATYPE_FP16, in.wbits = 4;
    uint64_t steps = (k + 65534) / 65535;
    dev_cyc = steps * (cfg->t3_engine == 2 ? lut_lmma_cycles(cfg, &in) : mac_mma_cycles(cfg, &in));
    mhz = cfg->core_freq_mhz;
    break;
  }
  }
  double ns = (double)dev_cyc * 1000.0 / mhz;
  uint64_t c = (uint64_t)ceil(ns / cfg->hbm_tck_ns - 1e-9);
  return c ? c : 1;
}

/* ---- timeline ---- */
static void tl_ev(sys_t *S, uint32_t dev, uint32_t tid, const char *name, cyc_t s, cyc_t e) {
  if (!S->tl || e <= s) return;
  if (S->tl_max && S->tl_events >= S->tl_max) { S->tl_dropped++; return; }
  double ns = S->cfg->hbm_tck_ns;
  fprintf(S->tl, "%s\n{\"name\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%.6f,\"dur\":%.6f,"
          "\"args\":{\"start_cycle\":%" PRIu64 ",\"cycles\":%" PRIu64 "}}",
          S->tl_first ? "" : ",", name, dev + 1, tid, s * ns / 1000.0, (e - s) * ns / 1000.0, s, e - s);
  S->tl_first = 0;
  S->tl_events++;
}
static void tl_meta(sys_t *S, uint32_t dev, uint32_t tid, const char *name) {
  if (!S->tl) return;
  fprintf(S->tl, "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":\"%s\"}},"
          "\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"sort_index\":%u}}",
          S->tl_first ? "" : ",", dev + 1, tid, name, dev + 1, tid, tid);
  S->tl_first = 0;
}
enum { TID_STAGE = 1, TID_COMM = 3, TID_LINK = 5, TID_CU = 16 };

/* ---- helpers ---- */
static uint64_t slot_addr(const sys_t *S, uint32_t stage, uint32_t tile, uint32_t tx) {
  return S->plan.addr_out + stage * S->plan.chunk_bytes + tile * S->plan.tile_bytes + (uint64_t)tx * S->rq;
}
static uint64_t recv_addr(const sys_t *S, uint32_t stage, uint32_t tile, uint32_t tx) {
  return S->plan.addr_recv + stage * S->plan.chunk_bytes + tile * S->plan.tile_bytes + (uint64_t)tx * S->rq;
}
static part_t *part_of(t3dev_t *d, uint32_t s, uint32_t t, uint32_t c) {
  const sys_t *S = d->S;
  return &d->parts[((uint64_t)s * S->T + t) * S->C + c];
}
static uint64_t vidx(const sys_t *S, uint32_t s, uint32_t t, uint32_t x) {
  return ((uint64_t)s * S->T + t) * S->tx_tile + x;
}
/* the partial value of device d for chunk c, tile t, transaction x */
static int64_t pval(uint32_t d, uint32_t c, uint32_t t, uint32_t x) {
  uint64_t s = ((uint64_t)d << 48) ^ ((uint64_t)c << 32) ^ ((uint64_t)t << 20) ^ x;
  return (int64_t)(coda_rnd(&s) & 0xffffff) - 0x800000;
}

/* the chunk device d computes in stage s: (d - s) mod N (the plan is device 0's) */
static uint32_t chunk_of(const t3dev_t *d, uint32_t s) { return (d->S->plan.stage_chunk[s] + d->id) % d->S->N; }

static void push_req(t3dev_t *d, int comm, uint64_t addr, uint8_t kind, uint64_t id, cyc_t now) {
  uint32_t c = hbm_chan_of(d->h, addr);
  feq_push(comm ? &d->ch[c].mq : &d->ch[c].cq, (fe_req_t){addr, id, now, kind});
}

static void trk_push(chan_t *c, uint32_t gidx, uint8_t kind) {
  updq_push(&c->upd[kind != T3_UPD_LOCAL], (tupd_t){gidx & ((1u << T3_TILE_BITS) - 1), gidx, kind});
}

static void link_send(t3dev_t *d, uint32_t stage, uint32_t tile, uint32_t ch, uint32_t type, int64_t *val) {
  xq_push(&d->lpend, (xfer_t){0, stage, tile, ch, type, val});
}

/* ---- the producer ---- */
/* The on-chip input cache, at panel granularity. A panel a compute unit
 * holds (its current or next tile's) is pinned: it is being streamed into
 * that unit and shared by every unit that needs it at the same time (one
 * DRAM fetch). Panels no unit holds stay cached, least recently released
 * evicted first, while they fit in t3.l2_bytes. */
static uint64_t panel_bytes(const sys_t *S, uint64_t p) { return p < S->npanA ? S->panA_bytes : S->panB_bytes; }
static void panel_fetch(t3dev_t *d, uint64_t p, cyc_t now) {
  sys_t *S = d->S;
  panel_t *P = &d->pan[p];
  if (P->ref++) return;                                     /* already held: shared */
  if (P->state == 2) { d->l2_used -= panel_bytes(S, p); return; } /* a cache hit: pinned again */
  uint64_t bytes = panel_bytes(S, p);
  P->state = 1;
  uint64_t base = p < S->npanA ? S->plan.addr_a + p * S->panA_bytes : S->plan.addr_b + (p - S->npanA) * S->panB_bytes;
  uint64_t n = bytes / S->rq;
  P->left = (uint32_t)n;
  d->fetched += bytes;
  for (uint64_t i = 0; i < n; i++) push_req(d, 0, base + i * S->rq, HBM_KIND_READ, ((uint64_t)RQ_FETCH << 60) | p, now);
}
static void panel_release(t3dev_t *d, uint64_t p) {
  sys_t *S = d->S;
  panel_t *P = &d->pan[p];
  if (--P->ref) return;
  P->lru = ++d->lru_clock;
  d->l2_used += panel_bytes(S, p);
  while (d->l2_used > S->cfg->t3_l2_bytes) { /* evict the least recently released */
    uint64_t best = UINT64_MAX, bi = 0;
    for (uint64_t i = 0; i < S->npanA + S->npanB; i++)
      if (d->pan[i].state == 2 && !d->pan[i].ref && d->pan[i].lru < best) best = d->pan[i].lru, bi = i;
    if (best == UINT64_MAX) break;
    d->pan[bi].state = 0;
    d->l2_used -= panel_bytes(S, bi);
  }
}
static void tile_panels(const sys_t *S, uint64_t gi, uint64_t *pa, uint64_t *pb) {
  uint32_t s = (uint32_t)(gi / S->T), t = (uint32_t)(gi % S->T);
  uint32_t chunk = S->plan.stage_chunk[s];
  *pa = (uint64_t)chunk * S->plan.tile_rows + t / S->plan.tile_cols;
  *pb = S->npanA + t % S->plan.tile_cols;
}

static void program_stage(t3dev_t *d, uint32_t s) {
  sys_t *S = d->S;
  if (S->var == T3_VAR_SEQ || s == 0 || s >= S->N) return;
  for (uint32_t c = 0; c < S->C; c++) {
    uint64_t lim = (uint64_t)(s + 1) * S->T;
    if (d->ch[c].cfg_limit < lim) d->ch[c].cfg_limit = lim;
  }
}

static void tile_done_compute(t3dev_t *d, uint64_t gi, cyc_t now) {
  sys_t *S = d->S;
  uint32_t s = (uint32_t)(gi / S->T), t = (uint32_t)(gi % S->T);
  d->tiles_done++;
  if (++d->stage_done[s] == S->T) {
    d->stage_e[s] = now;
    if (s == 0 && S->mca && !d->thr_set && S->cfg->t3_mca != 1) {
      double I = now ? (double)d->stage0_cbytes / ((double)now * S->peak_bpc) : 1.0;
      if (I > 1) I = 1;
      long thr = lround(S->Q * (1.0 - I));
      d->thr = thr < 1 ? 1 : (uint32_t)thr;
      d->thr_set = 1;
    }
  }
  if (S->var != T3_VAR_SEQ && S->plan.stage_kind[s] == T3_STAGE_REMOTE) {
    /* stage 0: the stores go over the link, one transfer per controller part */
    d->tile_left[gi] = 0;
    d->tiles_stored++;
    for (uint32_t c = 0; c < S->C; c++) {
      int64_t *val = NULL;
      if (S->functional) {
        val = malloc(S->tx_part * sizeof *val);
        for (uint64_t i = 0; i < S->tx_part; i++)
          val[i] = pval(d->id, chunk_of(d, s), t, S->offs[c * S->tx_part + i]);
      }
      link_send(d, s + 1, t, c, RQ_IN_REMOTE, val);
    }
    return;
  }
  uint8_t kind = S->var == T3_VAR_SEQ ? HBM_KIND_WRITE : HBM_KIND_UPDATE;
  d->tile_left[gi] = S->tx_tile;
  for (uint32_t x = 0; x < S->tx_tile; x++)
    push_req(d, 0, slot_addr(S, s, t, x), kind, ID(RQ_STORE, s, t, 0, x), now);
}

static void cus_step(t3dev_t *d, cyc_t now) {
  sys_t *S = d->S;
  const uint64_t total = (uint64_t)S->N * S->T;
  for (uint32_t i = 0; i < S->cfg->t3_cus; i++) {
    cu_t *u = &d->cu[i];
    if (u->cur >= 0 && u->end <= now) {
      uint64_t ra, rb;
      tile_panels(S, (uint64_t)u->cur, &ra, &rb);
      panel_release(d, ra);
      panel_release(d, rb);
      tile_done_compute(d, (uint64_t)u->cur, now);
      if (S->tl && (S->full || d->id == 0) && i < 64) {
        char nm[48];
        snprintf(nm, sizeof nm, "s%" PRIu64 " t%" PRIu64, (uint64_t)u->cur / S->T, (uint64_t)u->cur % S->T);
        tl_ev(S, d->id, TID_CU + i, nm, u->start, u->end);
      }
      u->cur = -1;
    }
    if (u->nxt < 0 && d->next_tile < total) {
      u->nxt = (int64_t)d->next_tile++;
      uint64_t pa, pb;
      tile_panels(S, (uint64_t)u->nxt, &pa, &pb);
      uint32_t s = (uint32_t)((uint64_t)u->nxt / S->T);
      if ((uint64_t)u->nxt % S->T == 0) program_stage(d, s + 1);
      panel_fetch(d, pa, now);
      panel_fetch(d, pb, now);
    }
    if (u->cur < 0 && u->nxt >= 0) {
      uint64_t pa, pb;
      tile_panels(S, (uint64_t)u->nxt, &pa, &pb);
      if (d->pan[pa].state == 2 && d->pan[pb].state == 2) {
        uint32_t s = (uint32_t)((uint64_t)u->nxt / S->T);
        if (d->stage_s[s] == CYC_NEVER) d->stage_s[s] = now;
        u->cur = u->nxt, u->nxt = -1, u->start = now, u->end = now + S->tile_cyc;
        /* fetch the next tile's inputs during this compute */
        if (d->next_tile < total) {
          u->nxt = (int64_t)d->next_tile++;
          tile_panels(S, (uint64_t)u->nxt, &pa, &pb);
          uint32_t s2 = (uint32_t)((uint64_t)u->nxt / S->T);
          if ((uint64_t)u->nxt % S->T == 0) program_stage(d, s2 + 1);
          panel_fetch(d, pa, now);
          panel_fetch(d, pb, now);
        }
      }
    }
  }
}

/* ---- the DMA engine: a fired (tile, controller) part ---- */
static void dma_fire(t3dev_t *d, uint32_t s, uint32_t t, uint32_t c, cyc_t now) {
  sys_t *S = d->S;
  d->fires++;
  if (d->comm_s[s] == CYC_NEVER) d->comm_s[s] = now;
  d->comm_e[s] = now;
  part_t *p = part_of(d, s, t, c);
  p->left = (uint16_t)S->tx_part;
  for (uint64_t i = 0; i < S->tx_part; i++) {
    uint32_t x = S->offs[c * S->tx_part + i];
    push_req(d, 1, slot_addr(S, s, t, x), HBM_KIND_READ, ID(RQ_DMARD, s, t, c, i), now);
  }
}
static void part_final(t3dev_t *d, uint32_t s, cyc_t now) {
  sys_t *S = d->S;
  if (d->comm_s[s] == CYC_NEVER) d->comm_s[s] = now;
  d->comm_e[s] = now;
  if (++d->final_parts == (uint64_t)S->T * S->C) d->end = now;
}

/* SEQ: the reduce-scatter starts once every store of the GEMM completed */
static void seq_start_rs(t3dev_t *d, cyc_t now) {
  sys_t *S = d->S;
  d->rs_started = 1;
  d->gemm_end = now;
  d->rs_start = now;
  for (uint32_t t = 0; t < S->T; t++)
    for (uint32_t c = 0; c < S->C; c++) dma_fire(d, 0, t, c, now);
}

/* ---- completions ---- */
static void on_done(t3dev_t *d, uint64_t id, cyc_t now) {
  sys_t *S = d->S;
  S->progress = now;
  uint32_t ty = ID_TY(id);
  if (ty == RQ_FETCH) {
    panel_t *P = &d->pan[id & 0xffffffffffull];
    if (--P->left == 0) P->state = 2, d->wake = 1;
    return;
  }
  uint32_t s = ID_S(id), t = ID_T(id), c = ID_C(id), x = ID_X(id);
  switch (ty) {
  case RQ_STORE: {
    uint64_t gi = (uint64_t)s * S->T + t;
    if (S->functional) {
      int64_t v = pval(d->id, chunk_of(d, s), t, x);
      if (S->var == T3_VAR_SEQ) d->val[vidx(S, s, t, x)] = v;
      else d->val[vidx(S, s, t, x)] += v;
    }
    if (S->var != T3_VAR_SEQ) {
      uint32_t ch = hbm_chan_of(d->h, slot_addr(S, s, t, x));
      trk_push(&d->ch[ch], (uint32_t)gi, T3_UPD_LOCAL);
    }
    if (--d->tile_left[gi] == 0) {
      d->tiles_stored++;
      if (S->var == T3_VAR_SEQ && d->tiles_stored == (uint64_t)S->N * S->T) seq_start_rs(d, now);
      if (d->tiles_stored == (uint64_t)S->N * S->T && S->var != T3_VAR_SEQ) d->gemm_end = now;
    }
    break;
  }
  case RQ_IN_REMOTE:
  case RQ_IN_DMA: {
    uint64_t gi = (uint64_t)s * S->T + t;
    (void)x;
    trk_push(&d->ch[c], (uint32_t)gi, ty == RQ_IN_REMOTE ? T3_UPD_REMOTE : T3_UPD_DMA);
    break;
  }
  case RQ_IN_SEQ: {
    part_t *p = part_of(d, s, t, c);
    if (--p->left == 0) { /* the reduction: read the received and the local part */
      p->left = (uint16_t)(2 * S->tx_part);
      for (uint64_t i = 0; i < S->tx_part; i++) {
        uint32_t xx = S->offs[c * S->tx_part + i];
        push_req(d, 0, recv_addr(S, s, t, xx), HBM_KIND_READ, ID(RQ_RED_RD, s, t, c, i), now);
        push_req(d, 0, slot_addr(S, s, t, xx), HBM_KIND_READ, ID(RQ_RED_RD, s, t, c, i), now);
      }
    }
    break;
  }
  case RQ_RED_RD: {
    part_t *p = part_of(d, s, t, c);
    if (--p->left == 0) {
      p->left = (uint16_t)S->tx_part;
      for (uint64_t i = 0; i < S->tx_part; i++) {
        uint32_t xx = S->offs[c * S->tx_part + i];
        if (S->functional) d->val[vidx(S, s, t, xx)] += d->rval[vidx(S, s, t, xx)];
        push_req(d, 0, slot_addr(S, s, t, xx), HBM_KIND_WRITE, ID(RQ_RED_WR, s, t, c, i), now);
      }
    }
    break;
  }
  case RQ_RED_WR: {
    part_t *p = part_of(d, s, t, c);
    if (--p->left == 0) {
      if (s == S->N - 1) part_final(d, s, now);
      else dma_fire(d, s, t, c, now);
    }
    break;
  }
  case RQ_DMARD: {
    part_t *p = part_of(d, s, t, c);
    if (--p->left == 0) {
      int64_t *val = NULL;
      if (S->functional) {
        val = malloc(S->tx_part * sizeof *val);
        for (uint64_t i = 0; i < S->tx_part; i++) val[i] = d->val[vidx(S, s, t, S->offs[c * S->tx_part + i])];
      }
      link_send(d, s + 1, t, c, S->var == T3_VAR_SEQ ? RQ_IN_SEQ : RQ_IN_DMA, val);
    }
    break;
  }
  default: CODA_PANIC("t3: unknown completion");
  }
}

static void hbm_done_cb(void *ctx, uint64_t id, int write, cyc_t arrival, cyc_t done) {
  (void)write, (void)arrival;
  t3dev_t *d = ctx;
  coda_evheap_push(&d->ev, done, 0, id);
}

/* ---- the receiving side of a link ---- */
static void deliver(t3dev_t *r, const xfer_t *x, cyc_t now) {
  sys_t *S = r->S;
  for (uint64_t i = 0; i < S->tx_part; i++) {
    uint32_t xx = S->offs[x->ch * S->tx_part + i];
    if (x->type == RQ_IN_SEQ) {
      if (S->functional) r->rval[vidx(S, x->stage, x->tile, xx)] = x->val[i];
      push_req(r, 1, recv_addr(S, x->stage, x->tile, xx), HBM_KIND_WRITE, ID(RQ_IN_SEQ, x->stage, x->tile, x->ch, i),
               now);
    } else {
      /* the update's value lands when the bank's add completes; the order of
       * commuting adds does not matter, so it is applied here */
      if (S->functional) r->val[vidx(S, x->stage, x->tile, xx)] += x->val[i];
      push_req(r, 1, slot_addr(S, x->stage, x->tile, xx), HBM_KIND_UPDATE,
               ID(x->type, x->stage, x->tile, x->ch, i), now);
    }
  }
  if (x->type == RQ_IN_SEQ) part_of(r, x->stage, x->tile, x->ch)->left = (uint16_t)S->tx_part;
}

static void links_step(sys_t *S, t3dev_t *d, cyc_t now) {
  /* arrivals */
  xfer_t *f;
  while ((f = xq_front(&d->lfly)) && f->arrive <= now) {
    t3dev_t *r = S->full ? &S->d[(d->id + 1) % S->N] : d;
    deliver(r, f, now);
    free(f->val);
    xq_pop(&d->lfly);
  }
  /* departures: one transfer at a time */
  while ((f = xq_front(&d->lpend)) && d->link_free <= now) {
    uint64_t bytes = S->tx_part * S->rq;
    cyc_t ser = (cyc_t)ceil((double)bytes / S->link_bpc - 1e-9);
    if (!ser) ser = 1;
    xfer_t x = *f;
    xq_pop(&d->lpend);
    x.arrive = now + ser + S->hop;
    d->link_free = now + ser;
    d->link_bytes += bytes;
    if (S->tl && (S->full || d->id == 0)) {
      if (d->link_span_e == now) d->link_span_e = now + ser;
      else {
        tl_ev(S, d->id, TID_LINK, "link out", d->link_span_s, d->link_span_e);
        d->link_span_s = now, d->link_span_e = now + ser;
      }
    }
    xq_push(&d->lfly, x);
  }
}

/* ---- trackers ---- */
static void trackers_step(t3dev_t *d, cyc_t now) {
  sys_t *S = d->S;
  const uint32_t E = S->cfg->t3_tracker_entries;
  for (uint32_t ci = 0; ci < S->C; ci++) {
    chan_t *c = &d->ch[ci];
    t3_tracker_t *k = c->trk;
    const t3_tracker_regs_t *R = t3_tracker_regs(k);
    int cfg_pending = c->cfg_next < c->cfg_limit;
    if (!cfg_pending && !c->upd[0].n && !c->upd[1].n && !R->count && !R->trig_valid) continue;
    t3_tracker_in_t in;
    memset(&in, 0, sizeof in);
    in.dma_ready = 1;
    if (cfg_pending) {
      uint64_t gi = c->cfg_next;
      uint32_t gid = (uint32_t)(gi & ((1u << T3_TILE_BITS) - 1));
      const t3_entry_t *e = &R->e[gid & (E - 1)];
      if (!e->valid) { /* a slot still counting an older tile holds the write back */
        uint32_t s = (uint32_t)(gi / S->T), t = (uint32_t)(gi % S->T);
        in.cfg_valid = 1, in.cfg_tile = gid, in.cfg_expect = S->plan.expect_per_ctrl;
        in.cfg_addr = (uint32_t)(slot_addr(S, s, t, 0) & 0xffffffffu);
        in.cfg_bytes = S->plan.stage_kind[s] == T3_STAGE_FINAL ? 0 : S->plan.ctrl_bytes;
        in.cfg_dest = S->plan.dest;
        c->cfg_next++;
      }
    }
    for (uint32_t p = 0; p < T3_TRACKER_PORTS; p++) {
      tupd_t *u = updq_front(&c->upd[p]);
      if (!u) continue;
      if (u->gidx >= c->cfg_next - (in.cfg_valid ? 1 : 0)) continue; /* not programmed yet */
      if (in.cfg_valid && (u->gid & (E - 1)) == (in.cfg_tile & (E - 1))) continue;
      in.upd_valid[p] = 1, in.upd_tile[p] = u->gid, in.upd_kind[p] = u->kind;
    }
    int ready = t3_tracker_ready(k);
    t3_tracker_eval(k, &in);
    t3_tracker_commit(k);
    if (ready)
      for (uint32_t p = 0; p < T3_TRACKER_PORTS; p++)
        if (in.upd_valid[p]) updq_pop(&c->upd[p]);
    if (k->cur.err & T3_ERR_MISS) CODA_PANIC("t3: tracker miss (an update before its entry was programmed)");
    if (R->trig_valid) {
      const t3_desc_t *t = &R->trig;
      /* the fired tile from its descriptor's address: slot s, tile tt */
      uint64_t off = (uint64_t)((t->addr - (uint32_t)S->plan.addr_out) & 0xffffffffu);
      uint32_t s = (uint32_t)(off / S->plan.chunk_bytes);
      uint32_t tt = (uint32_t)(off % S->plan.chunk_bytes / S->plan.tile_bytes);
      if (s == 0 || s >= S->N || tt >= S->T) CODA_PANIC("t3: trigger of an unknown tile");
      if (t->bytes == 0) part_final(d, s, now);
      else dma_fire(d, s, tt, ci, now);
    }
  }
}

/* ---- the memory controller front end: admission with or without MCA ---- */
static void admit(t3dev_t *d, cyc_t now) {
  sys_t *S = d->S;
  for (uint32_t ci = 0; ci < S->C; ci++) {
    chan_t *c = &d->ch[ci];
    fe_req_t *a = feq_front(&c->cq), *b = feq_front(&c->mq);
    if (!a && !b) continue;
    fe_req_t *pick = NULL;
    int comm = 0;
    if (!S->mca) {
      if (a && b) pick = a->since <= b->since ? a : b, comm = pick == b;
      else pick = a ? a : b, comm = !a;
      if (!hbm_can_accept(d->h, pick->addr, pick->kind != HBM_KIND_READ)) pick = NULL;
    } else {
      if (a && hbm_can_accept(d->h, a->addr, a->kind != HBM_KIND_READ)) pick = a;
      else if (b && hbm_can_accept(d->h, b->addr, b->kind != HBM_KIND_READ)) {
        uint32_t thr = d->thr_set ? d->thr : (uint32_t)S->cfg->t3_mca_threshold;
        if (hbm_chan_occupancy(d->h, ci) < thr || now - b->since >= S->cfg->t3_mca_starve) pick = b, comm = 1;
      }
    }
    if (!pick) continue;
    if (hbm_enqueue_kind(d->h, pick->addr, (hbm_kind_e)pick->kind, now + 1, pick->since, pick->id))
      CODA_PANIC("t3: enqueue refused");
    if (pick->kind == HBM_KIND_READ) {
      if (comm) d->m_rd += S->rq;
      else d->c_rd += S->rq;
    }
    if (!comm && d->stage_done[0] < S->T) d->stage0_cbytes += S->rq;
    feq_pop(comm ? &c->mq : &c->cq);
    S->progress = now;
  }
}

static int dev_busy_fe(const t3dev_t *d) {
  for (uint32_t i = 0; i < d->S->C; i++)
    if (d->ch[i].cq.n || d->ch[i].mq.n || d->ch[i].upd[0].n || d->ch[i].upd[1].n || d->ch[i].cfg_next < d->ch[i].cfg_limit ||
        (d->ch[i].trk && (d->ch[i].trk->cur.count || d->ch[i].trk->cur.trig_valid)))
      return 1;
  return 0;
}

static void dev_free(t3dev_t *d, uint32_t C) {
  if (d->h) hbm_free(d->h);
  if (d->ch)
    for (uint32_t i = 0; i < C; i++) free(d->ch[i].cq.v), free(d->ch[i].mq.v), free(d->ch[i].trk), free(d->ch[i].upd[0].v), free(d->ch[i].upd[1].v);
  coda_evheap_free(&d->ev);
  free(d->ch), free(d->cu), free(d->tile_left), free(d->stage_done), free(d->pan), free(d->parts);
  for (uint64_t i = 0; i < d->lpend.n; i++) free(d->lpend.v[(d->lpend.head + i) % d->lpend.cap].val);
  for (uint64_t i = 0; i < d->lfly.n; i++) free(d->lfly.v[(d->lfly.head + i) % d->lfly.cap].val);
  free(d->lpend.v), free(d->lfly.v), free(d->val), free(d->rval);
  free(d->stage_s), free(d->stage_e), free(d->comm_s), free(d->comm_e);
}

static int run_one(const arch_cfg_t *cfg, const t3_gemm_t *g, t3_variant_e var, const t3_sys_opts_t *opt,
                   t3_sys_result_t *res, coda_err_t *err) {
  double w0 = coda_now_s();
  sys_t S;
  memset(&S, 0, sizeof S);
  S.cfg = cfg;
  S.var = var;
  S.full = opt && opt->full;
  S.functional = opt && opt->functional;
  if (S.functional && !S.full) return coda_errf(err, CODA_EINVAL, "t3: the functional check needs the full simulation");
  S.mca = var == T3_VAR_T3_MCA;
  /* the plan: built, emitted as instructions, decoded back (the ISA path) */
  t3_plan_t p0;
  int rc = t3_plan_build(&p0, g, cfg, 0, err);
  if (rc) return rc;
  isa_insn_t *ins = NULL;
  uint32_t nins = 0;
  if ((rc = t3_plan_emit(&p0, &ins, &nins, err))) return rc;
  rc = t3_plan_decode(&S.plan, ins, nins, p0.devices, 0, g->k, err);
  free(ins);
  if (rc) return rc;
  S.N = S.plan.devices;
  S.T = S.plan.tiles_per_chunk;
  S.ndev = S.full ? S.N : 1;
  S.d = calloc(S.ndev, sizeof *S.d);
  if (!S.d) return coda_errf(err, CODA_ENOMEM, "t3: out of memory");
  S.tile_cyc = t3_tile_cycles(cfg, S.plan.tile_m, S.plan.tile_n, S.plan.k);
  S.link_bpc = cfg->t3_link_gbps * cfg->hbm_tck_ns; /* GB/s x ns = bytes */
  S.hop = (cyc_t)ceil(cfg->t3_hop_ns / cfg->hbm_tck_ns - 1e-9);
  S.npanA = S.plan.m / S.plan.tile_m;
  S.npanB = S.plan.n / S.plan.tile_n;
  S.panA_bytes = (uint64_t)S.plan.tile_m * S.plan.k * S.plan.elem_bytes;
  S.panB_bytes = (uint64_t)S.plan.tile_n * S.plan.k * S.plan.elem_bytes;
  S.tl_max = opt && opt->max_events ? opt->max_events : 1000000;
  S.tl_first = 1;
  if (opt && opt->timeline) {
    S.tl = fopen(opt->timeline, "w");
    if (!S.tl) { free(S.d); return coda_errf(err, CODA_EIO, "%s: cannot write the timeline", opt->timeline); }
    fprintf(S.tl, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
  }
  for (uint32_t i = 0; i < S.ndev; i++) {
    t3dev_t *d = &S.d[i];
    d->S = &S, d->id = i;
    if ((rc = hbm_init(&d->h, cfg, "t3", err))) goto out;
    hbm_set_done(d->h, hbm_done_cb, d);
    if (!i) {
      S.C = hbm_channels(d->h);
      S.rq = hbm_req_bytes(d->h);
      S.tx_tile = S.plan.tile_bytes / S.rq;
      S.tx_part = S.tx_tile / S.C;
      S.Q = hbm_queue_entries(d->h);
      S.peak_bpc = hbm_peak_gbps(d->h) * cfg->hbm_tck_ns;
      if (S.tx_part * S.C != S.tx_tile || S.tx_part > 0xffff || S.tx_tile > 0xfffff || S.C > 1024 || S.T > 0xffff) {
        rc = coda_errf(err, CODA_EINVAL, "t3: a tile of %" PRIu64 " B does not spread evenly over %u channels (t3.tile_m, t3.tile_n)",
                       S.plan.tile_bytes, S.C);
        goto out;
      }
      /* which transactions of a tile each controller holds (the same for every tile of the layout) */
      S.offs = malloc(S.tx_tile * sizeof *S.offs);
      uint32_t *fill = calloc(S.C, sizeof *fill);
      if (!S.offs || !fill) CODA_PANIC("t3: out of memory");
      for (uint32_t x = 0; x < S.tx_tile; x++) {
        uint32_t c = hbm_chan_of(d->h, slot_addr(&S, 1 % S.N, 0, x));
        if (fill[c] >= S.tx_part) {
          free(fill);
          rc = coda_errf(err, CODA_EINVAL, "t3: a tile's transactions are not spread evenly over the channels (t3.tile_m, t3.tile_n, hbm.address_mapping)");
          goto out;
        }
        S.offs[c * S.tx_part + fill[c]++] = x;
      }
      free(fill);
    }
    d->ch = calloc(S.C, sizeof *d->ch);
    d->cu = malloc(cfg->t3_cus * sizeof *d->cu);
    d->tile_left = calloc((size_t)S.N * S.T, sizeof *d->tile_left);
    d->stage_done = calloc(S.N, sizeof *d->stage_done);
    d->pan = calloc(S.npanA + S.npanB, sizeof *d->pan);
    d->parts = calloc((size_t)S.N * S.T * S.C, sizeof *d->parts);
    d->stage_s = malloc(S.N * sizeof(cyc_t)), d->stage_e = calloc(S.N, sizeof(cyc_t));
    d->comm_s = malloc(S.N * sizeof(cyc_t)), d->comm_e = calloc(S.N, sizeof(cyc_t));
    if (!d->ch || !d->cu || !d->tile_left || !d->stage_done || !d->pan || !d->parts || !d->stage_s || !d->comm_s)
      CODA_PANIC("t3: out of memory");
    for (uint32_t s = 0; s < S.N; s++) d->stage_s[s] = d->comm_s[s] = CYC_NEVER;
    for (uint32_t c = 0; c < cfg->t3_cus; c++) d->cu[c] = (cu_t){-1, -1, 0, 0};
    d->gemm_end = d->end = CYC_NEVER;
    d->thr = (uint32_t)cfg->t3_mca_threshold;
    if (cfg->t3_mca == 1) d->thr_set = 1;
    if (var != T3_VAR_SEQ) {
      t3_tracker_cfg_t tc = t3_tracker_cfg_of(cfg);
      for (uint32_t c = 0; c < S.C; c++) {
        d->ch[c].trk = malloc(sizeof *d->ch[c].trk);
        if (!d->ch[c].trk) CODA_PANIC("t3: out of memory");
        if ((rc = t3_tracker_init(d->ch[c].trk, &tc, err))) goto out;
        d->ch[c].cfg_next = d->ch[c].cfg_limit = S.T; /* stage 0 is not tracked here */
      }
      program_stage(d, 1);
    }
    if (S.functional) {
      d->val = calloc((size_t)S.N * S.T * S.tx_tile, sizeof *d->val);
      d->rval = calloc((size_t)S.N * S.T * S.tx_tile, sizeof *d->rval);
      if (!d->val || !d->rval) CODA_PANIC("t3: out of memory");
    }
    if (S.tl && (S.full || i == 0)) {
      char nm[32];
      tl_meta(&S, i, TID_STAGE, "GEMM stages (even)");
      tl_meta(&S, i, TID_STAGE + 1, "GEMM stages (odd)");
      tl_meta(&S, i, TID_COMM, "reduce-scatter stages (even)");
      tl_meta(&S, i, TID_COMM + 1, "reduce-scatter stages (odd)");
      tl_meta(&S, i, TID_LINK, "link to the next device");
      for (uint32_t c = 0; c < cfg->t3_cus && c < 64; c++) {
        snprintf(nm, sizeof nm, "compute unit %u", c);
        tl_meta(&S, i, TID_CU + c, nm);
      }
    }
  }
  /* the clock */
  cyc_t now = 0;
  const cyc_t limit = (cyc_t)1 << 40;
  for (;;) {
    int all_done = 1;
    for (uint32_t i = 0; i < S.ndev; i++) {
      t3dev_t *d = &S.d[i];
      hbm_advance(d->h, now);
      while (d->ev.n && d->ev.v[0].t <= now) {
        coda_ev_t e = coda_evheap_pop(&d->ev);
        on_done(d, e.v, now);
      }
    }
    for (uint32_t i = 0; i < S.ndev; i++) links_step(&S, &S.d[i], now);
    for (uint32_t i = 0; i < S.ndev; i++) {
      t3dev_t *d = &S.d[i];
      cus_step(d, now);
      if (var != T3_VAR_SEQ) trackers_step(d, now);
      admit(d, now);
      if (d->end == CYC_NEVER) all_done = 0;
    }
    if (all_done) break;
    /* the next cycle anything can happen */
    cyc_t nx = CYC_NEVER;
    for (uint32_t i = 0; i < S.ndev && nx > now + 1; i++) {
      t3dev_t *d = &S.d[i];
      if (dev_busy_fe(d) || d->wake) { nx = now + 1; d->wake = 0; break; }
      if (d->ev.n && d->ev.v[0].t < nx) nx = d->ev.v[0].t;
      cyc_t hc = hbm_next_cmd(d->h);
      if (hc != CYC_NEVER && hc < nx) nx = hc;
      for (uint32_t c = 0; c < cfg->t3_cus; c++) {
        const cu_t *u = &d->cu[c];
        if (u->cur >= 0 && u->end < nx) nx = u->end;
        if (u->cur < 0 && u->nxt < 0 && d->next_tile < (uint64_t)S.N * S.T) nx = now + 1;
      }
      if (d->lpend.n && d->link_free < nx) nx = d->link_free;
      if (d->lfly.n && xq_front(&d->lfly)->arrive < nx) nx = xq_front(&d->lfly)->arrive;
    }
    for (uint32_t i = 0; i < S.ndev; i++) S.d[i].wake = 0;
    if (nx <= now) nx = now + 1;
    if (nx == CYC_NEVER || nx > limit || now - S.progress > T3_STALL_CYCLES) {
      rc = coda_errf(err, CODA_EINVAL, "t3: the system stalled at DRAM cycle %" PRIu64 " (a plan that cannot complete)", now);
      goto out;
    }
    now = nx;
  }
  /* results: device 0 (every device is equal by symmetry; the full run checks it) */
  memset(res, 0, sizeof *res);
  {
    t3dev_t *d = &S.d[0];
    hbm_finish(d->h, now);
    const hbm_stats_t *hs = hbm_get_stats(d->h);
    res->variant = var;
    res->cycles = d->end;
    res->us = d->end * cfg->hbm_tck_ns / 1000.0;
    res->gemm_cycles = d->gemm_end == CYC_NEVER ? 0 : d->gemm_end;
    res->rs_cycles = var == T3_VAR_SEQ ? d->end - d->rs_start : 0;
    res->dram_rd_bytes = hs->reads * (uint64_t)S.rq;
    res->dram_wr_bytes = (hs->writes + hs->upds) * (uint64_t)S.rq;
    res->dram_upd = hs->upds;
    res->link_bytes = d->link_bytes;
    res->compute_rd_bytes = d->c_rd;
    res->comm_rd_bytes = d->m_rd;
    res->tracker_fires = d->fires;
    res->mca_threshold = S.mca ? d->thr : 0;
    res->gemm_mem_intensity = d->stage_e[0] ? (double)d->stage0_cbytes / ((double)d->stage_e[0] * S.peak_bpc) : 0;
    res->functional_ok = 1;
    if (S.functional) {
      for (uint32_t i = 0; i < S.ndev; i++) {
        t3dev_t *e = &S.d[i];
        uint32_t chunk = S.plan.stage_chunk[S.N - 1] + i; /* device i's stage N-1 chunk: (i - (N-1)) mod N */
        chunk %= S.N;
        for (uint32_t t = 0; t < S.T; t++)
          for (uint32_t x = 0; x < S.tx_tile; x++) {
            int64_t want = 0;
            for (uint32_t j = 0; j < S.N; j++) want += pval(j, chunk, t, x);
            if (e->val[vidx(&S, S.N - 1, t, x)] != want) res->functional_ok = 0;
          }
      }
    }
    if (S.full) /* every device must end at the same cycle (symmetry) */
      for (uint32_t i = 1; i < S.ndev; i++)
        if (S.d[i].end != d->end) res->functional_ok = 0;
    if (S.tl)
      for (uint32_t i = 0; i < S.ndev; i++) {
        t3dev_t *e = &S.d[i];
        char nm[48];
        for (uint32_t s = 0; s < S.N; s++) {
          snprintf(nm, sizeof nm, "GEMM stage %u (chunk %u)", s, (S.plan.stage_chunk[s] + i) % S.N);
          if (e->stage_s[s] != CYC_NEVER) tl_ev(&S, i, TID_STAGE + s % 2, nm, e->stage_s[s], e->stage_e[s]);
          snprintf(nm, sizeof nm, "%s stage %u", var == T3_VAR_SEQ ? "RS" : "T3", s);
          if (e->comm_s[s] != CYC_NEVER) tl_ev(&S, i, TID_COMM + s % 2, nm, e->comm_s[s], e->comm_e[s] + 1);
        }
        tl_ev(&S, i, TID_LINK, "link out", e->link_span_s, e->link_span_e);
      }
  }
  res->wall_ns = (uint64_t)((coda_now_s() - w0) * 1e9);
  rc = CODA_OK;
out:
  if (S.tl) {
    fprintf(S.tl, "\n],\"otherData\":{\"variant\":\"%s\",\"capped\":%s,\"dropped_events\":%" PRIu64 "}}\n",
            t3_variant_name(var), S.tl_dropped ? "true" : "false", S.tl_dropped);
    if (fclose(S.tl) && !rc) rc = coda_errf(err, CODA_EIO, "%s: write failed", opt->timeline);
  }
  for (uint32_t i = 0; i < S.ndev; i++) dev_free(&S.d[i], S.C);
  free(S.d), free(S.offs);
  return rc;
}

void t3_ideal_of(const arch_cfg_t *cfg, const t3_sys_result_t *seq, t3_sys_result_t *ideal) {
  *ideal = *seq;
  ideal->variant = T3_VAR_IDEAL;
  ideal->cycles = seq->gemm_cycles > seq->rs_cycles ? seq->gemm_cycles : seq->rs_cycles;
  ideal->us = ideal->cycles * cfg->hbm_tck_ns / 1000.0;
}

int t3_sys_run(const arch_cfg_t *cfg, const t3_gemm_t *g, t3_variant_e v, const t3_sys_opts_t *opt,
               t3_sys_result_t *res, coda_err_t *err) {
  if (v >= T3_VAR_COUNT) return coda_errf(err, CODA_EINVAL, "t3: unknown variant %d", (int)v);
  if (v != T3_VAR_IDEAL) return run_one(cfg, g, v, opt, res, err);
  t3_sys_result_t seq;
  int rc = run_one(cfg, g, T3_VAR_SEQ, opt, &seq, err);
  if (rc) return rc;
  t3_ideal_of(cfg, &seq, res);
  return CODA_OK;
}
