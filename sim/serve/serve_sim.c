/* serve_sim.c: the NeuPIMs serving engine (serve.h): decode iterations of a
 * request trace on the NPU (sim/npu/npu.h) and the HBM2 model with PIM
 * (sim/mem/hbm.h), event-driven on DRAM cycles.
 *
 * Resources and how time passes on them:
 *   arrays   one NPU op at a time (a task = the op list of one sub-batch
 *            between two attentions); a GEMM op is a sequence of fold groups
 *            (npu.h); group i starts when group i-1 has finished and its
 *            weights have arrived; the DMA fetches in order, at most
 *            npu_fetch_depth groups ahead of the arrays.
 *   vectors  one timestamp (vu_free): layer norm, GELU, residual adds and
 *            softmax queue on the vector units in the order they become ready.
 *   memory   serve.mem_fidelity full: every 64 B weight read an hbm_enqueue
 *            (in order: the DMA stops at the first request whose channel queue
 *            is full); rate: per channel at the measured stream bandwidth /
 *            channels, delivered every serve.rate_quantum cycles, no channel
 *            more than one read queue (rq_entries x 64 B) ahead of the slowest
 *            (the in-order DMA), and nothing on a channel while its PIM
 *            commands hold it (blocked: PIM_HEADER .. last PIM_PRECHARGE;
 *            dual: each PIM command's cycle and each GWRITE's data-bus
 *            cycles), as the HBM2 model's command log reports them.
 *   PIM      hbm_pim_submit per GEMV job, FIFO per channel in the model.
 * Attention of one request in PIM: per head a QK^T GEMV (its K cache,
 * L x d_head FP16), then softmax over all its heads on the vector units,
 * then per head an SV GEMV (its V cache). A GEMV of B bytes is laid out
 * row-major over the banks of the request's channel: rows = ceil(B / (banks x
 * row_bytes)) weight rows per bank, k = row_bytes / (mults x 2 B) COMPs per
 * row (fewer when one row is enough), split into jobs of at most the rows
 * that fit the refresh-free window; its input vector (q: d_head, or the
 * scores: L elements, FP16) goes in with ceil(bytes / (gwrite bursts x 64 B))
 * GWRITEs before the first job. (Left out: the several READRES a row holding
 * several keys needs; one per PIM_GEMV is modelled.)
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/evheap.h"
#include "../core/util.h"
#include "../mem/hbm.h"
#include "../npu/npu.h"
#include "serve.h"

const char *const SERVE_STAGE_NAMES[SERVE_STAGES] = {"qkv", "attention", "projection", "ffn"};

/* Element operations per element on the vector units (design choices):
 * layer norm = 3 passes (mean, variance, normalize with scale and shift),
 * softmax = 3 passes (max, exp and sum, divide), GELU = 1 (a function unit),
 * residual add = 1. */
#define LN_OPS 3
#define SOFTMAX_OPS 3
#define GELU_OPS 1
#define RES_OPS 1

void serve_mode_flags(int mode, serve_mode_flags_t *f) {
  static const serve_mode_flags_t T[SERVE_MODE_COUNT] = {
      {0, 0, 0, 0, 0}, /* npu-only */
      {1, 0, 0, 0, 0}, /* npu+pim: blocked, round robin, serial */
      {1, 0, 1, 0, 0}, /* pim-lb */
      {1, 1, 1, 0, 0}, /* pim-dual */
      {1, 0, 1, 1, 0}, /* pim-il */
      {1, 1, 1, 1, 0}, /* neupims */
      {1, 1, 1, 1, 1}, /* pim-split: neupims' sub-batches, serial */
  };
  *f = T[mode];
}

enum { OP_GEMM, OP_VEC, OP_ATTN };
enum { TASK_PRE, TASK_POST, TASK_ATTN };
enum { EV_ARRIVE, EV_PIM_DONE, EV_SOFTMAX };

typedef struct op {
  uint8_t kind, stage, eol; /* eol: the last op of a layer */
  npu_gemm_t g;             /* OP_GEMM */
  uint64_t ops;             /* OP_VEC: element operations */
} op_t;

#define MAX_OPS 12
typedef struct task {
  int sb, layer, kind;
  int nops;
  op_t op[MAX_OPS];
} task_t;

typedef struct req {
  uint32_t in, out, gen; /* prompt, output, generated so far */
  uint32_t ch;           /* channel holding its K/V cache */
  uint32_t row;          /* first DRAM row of its K/V cache in every bank */
  uint32_t pend;         /* PIM jobs outstanding in its current phase */
  uint8_t sb;            /* sub-batch */
  double est;            /* estimated attention latency this iteration */
} req_t;

typedef struct sbatch {
  uint32_t *r, n;        /* requests (indices into req) */
  uint32_t attn_pending; /* requests whose attention is not finished */
  int layer;             /* layer of the attention in progress */
  cyc_t attn_start;
  int done;
} sbatch_t;

typedef coda_ev_t ev_t; /* type: EV_*, v: its payload */

typedef struct ival { cyc_t s, e; } ival_t;
typedef struct chblk {
  ival_t *iv; uint32_t head, n, cap; /* closed busy intervals, in time order */
  cyc_t open;                        /* blocked: start of the job holding the channel, or CYC_NEVER */
  uint32_t rem_pre;                  /* PIM_PRECHARGEs its job still issues */
  uint32_t *rows; uint32_t rh, rn, rcap; /* blocked: rows of the jobs submitted, FIFO */
} chblk_t;

/* Counters of one iteration (scaled by layers / simulated layers at its end). */
typedef struct acc {
  double stage[SERVE_STAGES], macs, array_busy, vec_busy, mem_bytes, e_npu;
} acc_t;

typedef struct eng {
  const arch_cfg_t *cfg;
  const serve_wl_t *w;
  serve_mode_flags_t f;
  int full;
  npu_cfg_t npu;
  hbm_t *h;
  coda_err_t *err;
  int failed;
  double d_per_n;          /* DRAM cycles per NPU cycle */
  uint32_t hd, hdev, ddev, fdev, L, N; /* d_head, heads/tp, d_model/tp, d_ffn/tp, layers, simulated */
  uint32_t C, nb, cols, gbuf, rq_slack; /* channels, banks/channel, COMPs per row, global buffer bytes */
  uint32_t rmax, gwmax;
  cyc_t *memo;             /* estimate memo [rows][k][gw] */
  cyc_t now;
  /* requests */
  req_t *req;
  uint32_t next_req, *act, nact;
  uint32_t rr;             /* round-robin cursor */
  double *load;            /* per channel estimated latency */
  sbatch_t sb[2];
  int nsb;
  int attn_busy;           /* attentions in progress */
  /* NPU */
  task_t *tq; uint32_t tq_h, tq_n, tq_cap;
  task_t cur; int has_cur, opi;
  uint64_t nch_, ci, dn, lim_i, lim_b, need_i, need_b;
  int running; cyc_t comp_end, op_start;
  cyc_t vu_free;
  uint64_t depth;
  /* stream */
  uint64_t issued, arrived, addr, cap;
  double *deliv, rate_ch;
  int ract; cyc_t q_end; uint32_t Q;
  chblk_t *blk;
  uint32_t gwr_cyc;
  /* events */
  coda_evheap_t heap;      /* pending events */
  /* layers */
  cyc_t *tl; uint32_t *lcnt;
  int sb_done;
  acc_t it;
} eng_t;

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
static cyc_t to_dram(const eng_t *e, uint64_t npu_cyc) { return (cyc_t)ceil((double)npu_cyc * e->d_per_n - 1e-9); }

/* ---- events ---- */
static void push(eng_t *e, cyc_t t, uint32_t type, uint64_t v) { coda_evheap_push(&e->heap, t, type, v); }

/* ---- PIM job shapes and estimates ---- */
static cyc_t est_job(eng_t *e, uint32_t rows, uint32_t k, uint32_t gw) {
  cyc_t *m = &e->memo[((size_t)rows * (e->cols + 1) + k) * (e->gwmax + 1) + gw];
  if (!*m) {
    hbm_pim_job_t j = {rows, k, gw, 0};
    *m = hbm_pim_estimate(e->h, &j);
  }
  return *m;
}
static uint32_t gemv_rows(const eng_t *e, uint32_t L, uint32_t *k) {
  uint64_t bytes = (uint64_t)L * e->hd * 2, per = (uint64_t)e->nb * e->cfg->hbm_row_bytes;
  uint32_t rows = (uint32_t)cdiv(bytes, per);
  *k = rows > 1 ? e->cols : (uint32_t)cdiv(bytes, (uint64_t)e->nb * e->cfg->hbm_pim_mults * 2);
  if (*k < 1) *k = 1;
  return rows;
}
static uint32_t gemv_gwrites(const eng_t *e, uint32_t L, int phase) {
  uint64_t vb = phase ? (uint64_t)L * 2 : (uint64_t)e->hd * 2;
  return (uint32_t)cdiv(vb, e->gbuf);
}
/* Latency of one head's GEMV on an idle channel (its jobs back to back). */
static double est_gemv(eng_t *e, uint32_t L, int phase) {
  uint32_t k, rows = gemv_rows(e, L, &k), gw = gemv_gwrites(e, L, phase);
  double t = 0;
  for (uint32_t r0 = 0; r0 < rows; r0 += e->rmax) {
    uint32_t n = rows - r0 < e->rmax ? rows - r0 : e->rmax;
    t += (double)est_job(e, n, k, r0 ? 0 : gw);
  }
  return t;
}
static uint32_t seq_len(const req_t *r) { return r->in + r->gen + 1; }
static double est_req(eng_t *e, const req_t *r) {
  uint32_t L = seq_len(r);
  return (double)e->hdev * (est_gemv(e, L, 0) + est_gemv(e, L, 1));
}

static void submit_gemv(eng_t *e, uint32_t ri, int phase, cyc_t t) {
  req_t *r = &e->req[ri];
  uint32_t L = seq_len(r), k, rows = gemv_rows(e, L, &k), gw = gemv_gwrites(e, L, phase);
  r->pend = 0;
  for (uint32_t h = 0; h < e->hdev; h++)
    for (uint32_t r0 = 0; r0 < rows; r0 += e->rmax) {
      uint32_t n = rows - r0 < e->rmax ? rows - r0 : e->rmax;
      hbm_pim_job_t j = {n, k, r0 ? 0 : gw, r->row};
      if (!e->failed && hbm_pim_submit(e->h, r->ch, &j, (uint64_t)ri * 2 + (uint64_t)phase, t, e->err)) e->failed = 1;
      if (!e->full && !e->f.dual) { /* rows of the jobs, for the blocked intervals */
        chblk_t *b = &e->blk[r->ch];
        if (b->rn == b->rcap) {
          uint32_t nc = b->rcap ? b->rcap * 2 : 64, *q = malloc(nc * sizeof *q);
          if (!q) CODA_PANIC("serve: out of memory");
          for (uint32_t i = 0; i < b->rn; i++) q[i] = b->rows[(b->rh + i) % b->rcap];
          free(b->rows);
          b->rows = q; b->rcap = nc; b->rh = 0;
        }
        b->rows[(b->rh + b->rn++) % b->rcap] = n;
      }
      r->pend++;
    }
}

/* ---- the HBM2 model's callbacks ---- */
static void on_done(void *ctx, uint64_t id, int write, cyc_t arrival, cyc_t done) {
  eng_t *e = ctx;
  push(e, done, EV_ARRIVE, hbm_req_bytes(e->h));
}
static void on_pim_done(void *ctx, uint64_t tag, uint32_t ch, cyc_t submit, cyc_t done) {
  push(ctx, done, EV_PIM_DONE, tag);
}
static void blk_add(chblk_t *b, cyc_t s, cyc_t en) {
  if (b->n && b->iv[(b->head + b->n - 1) % b->cap].e >= s) { /* merge with the last */
    ival_t *l = &b->iv[(b->head + b->n - 1) % b->cap];
    if (en > l->e) l->e = en;
    return;
  }
  if (b->n == b->cap) {
    uint32_t nc = b->cap ? b->cap * 2 : 64;
    ival_t *q = malloc(nc * sizeof *q);
    if (!q) CODA_PANIC("serve: out of memory");
    for (uint32_t i = 0; i < b->n; i++) q[i] = b->iv[(b->head + i) % b->cap];
    free(b->iv);
    b->iv = q; b->cap = nc; b->head = 0;
  }
  b->iv[(b->head + b->n++) % b->cap] = (ival_t){s, en};
}
static void on_cmd(void *ctx, cyc_t t, hbm_cmd_e cmd, uint32_t ch, uint32_t rank, uint32_t bg, uint32_t bank,
                   uint32_t row, const char *rule) {
  eng_t *e = ctx;
  if (cmd < HBM_CMD_PIM_HEADER) return;
  chblk_t *b = &e->blk[ch];
  if (!e->f.dual) {
    if (cmd == HBM_CMD_PIM_HEADER) {
      CODA_ASSERT(b->rn);
      b->open = t;
      b->rem_pre = b->rows[b->rh];
      b->rh = (b->rh + 1) % b->rcap; b->rn--;
    } else if (cmd == HBM_CMD_PIM_PRE && --b->rem_pre == 0) {
      blk_add(b, b->open, t + 1);
      b->open = CYC_NEVER;
    }
  } else {
    blk_add(b, t, t + (cmd == HBM_CMD_GWRITE ? e->gwr_cyc : 1));
  }
}

/* Cycles of [a, b) channel ch is held by PIM (drops intervals before a). */
static cyc_t blocked(eng_t *e, uint32_t ch, cyc_t a, cyc_t bnd) {
  chblk_t *b = &e->blk[ch];
  while (b->n && b->iv[b->head].e <= a) { b->head = (b->head + 1) % b->cap; b->n--; }
  cyc_t s = 0;
  for (uint32_t i = 0; i < b->n; i++) {
    ival_t v = b->iv[(b->head + i) % b->cap];
    if (v.s >= bnd) break;
    cyc_t lo = v.s > a ? v.s : a, hi = v.e < bnd ? v.e : bnd;
    if (hi > lo) s += hi - lo;
  }
  if (b->open != CYC_NEVER && b->open < bnd) {
    cyc_t lo = b->open > a ? b->open : a;
    s += bnd - lo;
  }
  return s > bnd - a ? bnd - a : s;
}

/* ---- NPU ops ---- */
static uint64_t op_chunks(const eng_t *e, const op_t *o) {
  return o->kind == OP_GEMM ? o->g.groups : o->kind == OP_VEC ? 1 : e->sb[e->cur.sb].n;
}
static uint64_t chunk_bytes(const eng_t *e, const op_t *o, uint64_t i) {
  if (o->kind == OP_GEMM) return npu_gemm_group_bytes(&e->npu, &o->g, i);
  if (o->kind == OP_VEC) return 0;
  const req_t *r = &e->req[e->sb[e->cur.sb].r[i]];
  return 2ull * seq_len(r) * e->ddev * 2; /* K and V caches of its heads, FP16 */
}
static cyc_t chunk_cycles(const eng_t *e, const op_t *o, uint64_t i) {
  if (o->kind == OP_GEMM) return to_dram(e, npu_gemm_group_cycles(&o->g, i));
  if (o->kind == OP_VEC) return to_dram(e, npu_vec_cycles(&e->npu, o->ops));
  const req_t *r = &e->req[e->sb[e->cur.sb].r[i]];
  uint64_t L = seq_len(r);
  /* QK^T and SV MACs of its heads on the lanes, and its softmax */
  return to_dram(e, npu_vec_cycles(&e->npu, 2 * L * e->ddev + SOFTMAX_OPS * L * e->hdev));
}

static void op_begin(eng_t *e, cyc_t t) {
  const op_t *o = &e->cur.op[e->opi];
  e->nch_ = op_chunks(e, o);
  e->ci = e->dn = 0;
  e->lim_i = e->lim_b = e->need_i = e->need_b = 0;
  e->running = 0;
  e->op_start = t;
  e->issued = e->arrived = 0;
  for (uint32_t c = 0; c < e->C; c++) e->deliv[c] = 0;
  e->ract = 0;
  if (o->kind == OP_GEMM) {
    e->it.macs += (double)o->g.m * o->g.k * o->g.n;
    e->it.e_npu += npu_gemm_energy_pj(&e->npu, &o->g);
  } else if (o->kind == OP_VEC) {
    e->it.e_npu += npu_vec_energy_pj(&e->npu, o->ops);
  }
}
static void lim_update(eng_t *e) {
  const op_t *o = &e->cur.op[e->opi];
  uint64_t want = e->dn + e->depth < e->nch_ ? e->dn + e->depth : e->nch_;
  while (e->lim_i < want) e->lim_b += chunk_bytes(e, o, e->lim_i++);
}

static void attn_begin(eng_t *e, int s, cyc_t t);
static void task_push(eng_t *e, const task_t *k) {
  if (e->tq_n == e->tq_cap) CODA_PANIC("serve: task queue full");
  e->tq[(e->tq_h + e->tq_n++) % e->tq_cap] = *k;
}
static void add_op(task_t *k, int kind, int stage, uint32_t m, uint32_t kk, uint32_t n, uint64_t ops,
                   const npu_cfg_t *c) {
  CODA_ASSERT(k->nops < MAX_OPS);
  op_t *o = &k->op[k->nops++];
  memset(o, 0, sizeof *o);
  o->kind = (uint8_t)kind; o->stage = (uint8_t)stage;
  if (kind == OP_GEMM) npu_gemm_plan(c, m, kk, n, &o->g);
  o->ops = ops;
}
static void add_pre(const eng_t *e, task_t *k, uint32_t M) {
  uint32_t d = e->w->md.d_model;
  add_op(k, OP_VEC, SERVE_QKV, 0, 0, 0, (uint64_t)LN_OPS * M * d, &e->npu);
  add_op(k, OP_GEMM, SERVE_QKV, M, d, 3 * e->ddev, 0, &e->npu);
}
static void add_post(const eng_t *e, task_t *k, uint32_t M) {
  uint32_t d = e->w->md.d_model;
  add_op(k, OP_GEMM, SERVE_PROJ, M, e->ddev, d, 0, &e->npu);
  add_op(k, OP_VEC, SERVE_PROJ, 0, 0, 0, (uint64_t)RES_OPS * M * d, &e->npu);
  add_op(k, OP_VEC, SERVE_FFN, 0, 0, 0, (uint64_t)LN_OPS * M * d, &e->npu);
  add_op(k, OP_GEMM, SERVE_FFN, M, d, e->fdev, 0, &e->npu);
  add_op(k, OP_VEC, SERVE_FFN, 0, 0, 0, (uint64_t)GELU_OPS * M * e->fdev, &e->npu);
  add_op(k, OP_GEMM, SERVE_FFN, M, e->fdev, d, 0, &e->npu);
  add_op(k, OP_VEC, SERVE_FFN, 0, 0, 0, (uint64_t)RES_OPS * M * d, &e->npu);
  k->op[k->nops - 1].eol = 1;
}
static void push_task(eng_t *e, int s, int layer, int kind) {
  task_t k;
  memset(&k, 0, sizeof k);
  k.sb = s; k.layer = layer; k.kind = kind;
  uint32_t M = e->sb[s].n;
  if (kind == TASK_PRE) add_pre(e, &k, M);
  else if (kind == TASK_ATTN) add_op(&k, OP_ATTN, SERVE_ATTN, 0, 0, 0, 0, &e->npu);
  else {
    add_post(e, &k, M);
    if ((uint32_t)layer + 1 < e->N) add_pre(e, &k, M);
  }
  task_push(e, &k);
}

static void layer_done(eng_t *e, int layer, cyc_t t) {
  if (++e->lcnt[layer] == (uint32_t)e->nsb) e->tl[layer] = t;
}

static void task_done(eng_t *e, cyc_t t) {
  const task_t *k = &e->cur;
  int s = k->sb;
  if (k->kind == TASK_ATTN) {
    e->attn_busy--;
    e->it.stage[SERVE_ATTN] += (double)(t - e->sb[s].attn_start);
    push_task(e, s, k->layer, TASK_POST);
  } else if (k->kind == TASK_PRE) {
    attn_begin(e, s, t);
  } else if ((uint32_t)k->layer + 1 < e->N) {
    attn_begin(e, s, t); /* for layer + 1 (sbatch layer tracked by the task) */
  } else {
    e->sb[s].done = 1;
    e->sb_done++;
  }
}

/* The layer whose attention starts when the current task ends. */
static int attn_layer(const eng_t *e) { return e->cur.kind == TASK_PRE ? e->cur.layer : e->cur.layer + 1; }

static void attn_begin(eng_t *e, int s, cyc_t t) {
  sbatch_t *b = &e->sb[s];
  int layer = attn_layer(e);
  b->attn_start = t;
  b->layer = layer;
  e->attn_busy++;
  if (!e->f.pim) {
    task_t k;
    memset(&k, 0, sizeof k);
    k.sb = s; k.layer = layer; k.kind = TASK_ATTN;
    add_op(&k, OP_ATTN, SERVE_ATTN, 0, 0, 0, 0, &e->npu);
    task_push(e, &k);
    return;
  }
  b->attn_pending = b->n;
  for (uint32_t i = 0; i < b->n; i++) submit_gemv(e, b->r[i], 0, t + 1);
}

/* Advances the NPU at cycle t; 1 if anything changed. */
static int npu_step(eng_t *e, cyc_t t) {
  int ch = 0;
  for (;;) {
    if (!e->has_cur) {
      if (!e->tq_n || (e->f.ser && e->attn_busy)) return ch;
      e->cur = e->tq[e->tq_h];
      e->tq_h = (e->tq_h + 1) % e->tq_cap; e->tq_n--;
      e->has_cur = 1; e->opi = 0;
      op_begin(e, t);
      lim_update(e);
      ch = 1;
    }
    const op_t *o = &e->cur.op[e->opi];
    if (e->running && t >= e->comp_end) { e->running = 0; e->dn++; lim_update(e); ch = 1; }
    if (!e->running && e->ci < e->nch_) {
      while (e->need_i <= e->ci) e->need_b += chunk_bytes(e, o, e->need_i++);
      int vu = o->kind != OP_GEMM;
      if (e->arrived >= e->need_b && (!vu || e->vu_free <= t)) {
        cyc_t c = chunk_cycles(e, o, e->ci);
        e->running = 1; e->comp_end = t + c; e->ci++;
        if (vu) { e->vu_free = e->comp_end; e->it.vec_busy += (double)c; }
        else e->it.array_busy += (double)c;
        if (o->kind == OP_ATTN) { /* its MACs and softmax on the lanes */
          uint64_t L = seq_len(&e->req[e->sb[e->cur.sb].r[e->ci - 1]]);
          e->it.e_npu += npu_vec_energy_pj(&e->npu, 2 * L * e->ddev + SOFTMAX_OPS * L * e->hdev);
        }
        ch = 1;
        continue;
      }
      return ch;
    }
    if (e->running) return ch;
    /* op finished */
    e->it.stage[o->stage] += o->kind == OP_ATTN ? 0 : (double)(t - e->op_start);
    e->it.mem_bytes += (double)e->lim_b;
    e->addr = (e->addr + (e->lim_b + 63) / 64 * 64) % e->cap;
    if (o->eol) layer_done(e, e->cur.layer, t);
    if (++e->opi < e->cur.nops) { op_begin(e, t); lim_update(e); ch = 1; continue; }
    e->has_cur = 0;
    task_done(e, t);
    ch = 1;
  }
}

static void on_event(eng_t *e, ev_t v, cyc_t t) {
  if (v.type == EV_ARRIVE) { e->arrived += v.v; return; }
  uint32_t ri = (uint32_t)(v.v / 2);
  req_t *r = &e->req[ri];
  if (v.type == EV_SOFTMAX) { submit_gemv(e, ri, 1, t + 1); return; }
  int phase = (int)(v.v & 1);
  CODA_ASSERT(r->pend);
  if (--r->pend) return;
  if (!phase) {
    uint64_t ops = (uint64_t)SOFTMAX_OPS * seq_len(r) * e->hdev;
    cyc_t c = to_dram(e, npu_vec_cycles(&e->npu, ops));
    cyc_t st = e->vu_free > t ? e->vu_free : t;
    e->vu_free = st + c;
    e->it.vec_busy += (double)c;
    e->it.e_npu += npu_vec_energy_pj(&e->npu, ops);
    push(e, e->vu_free, EV_SOFTMAX, v.v);
    return;
  }
  sbatch_t *b = &e->sb[r->sb];
  if (--b->attn_pending == 0) {
    e->attn_busy--;
    e->it.stage[SERVE_ATTN] += (double)(t - b->attn_start);
    push_task(e, r->sb, b->layer, TASK_POST);
  }
}

/* ---- memory streams ---- */
static void dma_full(eng_t *e, cyc_t t) {
  uint32_t rb = hbm_req_bytes(e->h);
  while (e->issued < e->lim_b) {
    uint64_t a = (e->addr + e->issued) % e->cap;
    if (!hbm_can_accept(e->h, a, 0)) break;
    if (hbm_enqueue(e->h, a, 0, t + 1, t + 1, 0)) CODA_PANIC("serve: enqueue refused");
    e->issued += rb;
  }
}
static void rate_step(eng_t *e, cyc_t t) {
  if (!e->ract) {
    if (e->arrived >= e->lim_b) return;
    e->ract = 1;
    e->q_end = t + e->Q;
    return;
  }
  while (e->ract && e->q_end <= t) {
    cyc_t a = e->q_end - e->Q;
    double share = (double)e->lim_b / e->C, mind = 1e300, sum = 0;
    for (uint32_t c = 0; c < e->C; c++) if (e->deliv[c] < mind) mind = e->deliv[c];
    int all = 1;
    for (uint32_t c = 0; c < e->C; c++) {
      double avail = (double)(e->Q - blocked(e, c, a, e->q_end));
      double tgt = share < mind + e->rq_slack ? share : mind + e->rq_slack;
      double d = e->deliv[c] + e->rate_ch * avail;
      e->deliv[c] = d < tgt ? d : (tgt > e->deliv[c] ? tgt : e->deliv[c]);
      if (e->deliv[c] < share - 1e-6) all = 0;
      sum += e->deliv[c];
    }
    uint64_t arr = all ? e->lim_b : (uint64_t)sum;
    if (arr > e->arrived) e->arrived = arr;
    if (e->arrived >= e->lim_b) e->ract = 0;
    else e->q_end += e->Q;
  }
}

/* ---- iterations ---- */
/* Sort key: larger key first, then the lower request index. */
typedef struct skey { double key; uint32_t ri; } skey_t;
static int by_key(const void *a, const void *b) {
  const skey_t *x = a, *y = b;
  if (x->key != y->key) return x->key > y->key ? -1 : 1;
  return x->ri < y->ri ? -1 : 1;
}
/* Sorts ids[0..n) by decreasing key (sequence length or estimate). */
static void sort_ids(eng_t *e, uint32_t *ids, uint32_t n, int by_est) {
  skey_t *k = malloc((size_t)(n ? n : 1) * sizeof *k);
  if (!k) CODA_PANIC("serve: out of memory");
  for (uint32_t i = 0; i < n; i++) {
    const req_t *r = &e->req[ids[i]];
    k[i].key = by_est ? r->est : (double)seq_len(r);
    k[i].ri = ids[i];
  }
  qsort(k, n, sizeof *k, by_key);
  for (uint32_t i = 0; i < n; i++) ids[i] = k[i].ri;
  free(k);
}

static void form_batch(eng_t *e) {
  uint32_t first_new = e->nact;
  while (e->nact < e->cfg->serve_batch && e->next_req < e->w->nreq) {
    uint32_t ri = e->next_req++;
    req_t *r = &e->req[ri];
    r->in = e->w->in_len[ri]; r->out = e->w->out_len[ri]; r->gen = 0;
    r->row = (uint32_t)(((uint64_t)ri * 64) % (e->cfg->hbm_rows - e->rmax));
    e->act[e->nact++] = ri;
  }
  for (uint32_t i = 0; i < e->nact; i++) e->req[e->act[i]].est = e->f.pim ? est_req(e, &e->req[e->act[i]]) : 0;
  /* channels of the new requests */
  for (uint32_t c = 0; c < e->C; c++) e->load[c] = 0;
  for (uint32_t i = 0; i < first_new; i++) e->load[e->req[e->act[i]].ch] += e->req[e->act[i]].est;
  if (e->f.lb) sort_ids(e, e->act + first_new, e->nact - first_new, 0);
  for (uint32_t i = first_new; i < e->nact; i++) {
    req_t *r = &e->req[e->act[i]];
    if (e->f.lb) {
      uint32_t best = 0;
      for (uint32_t c = 1; c < e->C; c++) if (e->load[c] < e->load[best]) best = c;
      r->ch = best;
    } else {
      r->ch = e->rr++ % e->C;
    }
    e->load[r->ch] += r->est;
  }
  /* sub-batches */
  e->sb[0].n = e->sb[1].n = 0;
  if (!e->f.il) {
    for (uint32_t i = 0; i < e->nact; i++) { e->req[e->act[i]].sb = 0; e->sb[0].r[e->sb[0].n++] = e->act[i]; }
  } else {
    uint32_t *tmp = malloc((size_t)e->nact * sizeof *tmp);
    if (!tmp) CODA_PANIC("serve: out of memory");
    memcpy(tmp, e->act, (size_t)e->nact * sizeof *tmp);
    sort_ids(e, tmp, e->nact, 1);
    double *sl = calloc(2 * (size_t)e->C, sizeof *sl);
    uint32_t *cnt = calloc(2 * (size_t)e->C, sizeof *cnt);
    if (!sl || !cnt) CODA_PANIC("serve: out of memory");
    for (uint32_t i = 0; i < e->nact; i++) {
      req_t *r = &e->req[tmp[i]];
      double *l = &sl[2 * r->ch];
      uint32_t *n = &cnt[2 * r->ch];
      int s = l[1] < l[0] || (l[1] == l[0] && n[1] < n[0]);
      l[s] += r->est; n[s]++;
      r->sb = (uint8_t)s;
    }
    for (uint32_t i = 0; i < e->nact; i++) {
      req_t *r = &e->req[e->act[i]];
      e->sb[r->sb].r[e->sb[r->sb].n++] = e->act[i];
    }
    free(tmp); free(sl); free(cnt);
  }
  e->nsb = 0;
  if (e->sb[0].n == 0 && e->sb[1].n) { /* keep sub-batch 0 non-empty */
    uint32_t *p = e->sb[0].r; e->sb[0] = e->sb[1]; e->sb[1].r = p; e->sb[1].n = 0;
    for (uint32_t i = 0; i < e->sb[0].n; i++) e->req[e->sb[0].r[i]].sb = 0;
  }
  e->nsb = e->sb[1].n ? 2 : 1;
}

/* Runs one iteration's simulated layers from e->now; returns 0 or an error. */
static int run_layers(eng_t *e) {
  memset(e->lcnt, 0, e->N * sizeof *e->lcnt);
  e->sb_done = 0;
  for (int s = 0; s < e->nsb; s++) { e->sb[s].done = 0; push_task(e, s, 0, TASK_PRE); }
  cyc_t t = e->now;
  for (;;) {
    hbm_advance(e->h, t);
    if (!e->full) {
      if (!e->ract) for (uint32_t c = 0; c < e->C; c++) (void)blocked(e, c, t, t);
      rate_step(e, t);
    }
    int ch;
    do {
      ch = 0;
      while (e->heap.n && e->heap.v[0].t <= t) { on_event(e, coda_evheap_pop(&e->heap), t); ch = 1; }
      ch |= npu_step(e, t);
      if (!e->full) { int was = e->ract; rate_step(e, t); ch |= was != e->ract; }
    } while (ch);
    if (e->failed) return e->err->code;
    if (e->full) dma_full(e, t);
    if (e->sb_done == e->nsb && !e->heap.n && !hbm_pim_pending(e->h)) break;
    cyc_t nx = CYC_NEVER;
    if (e->running && e->comp_end < nx) nx = e->comp_end;
    if (e->has_cur && !e->running && e->vu_free > t && e->vu_free < nx) nx = e->vu_free;
    if (coda_evheap_next(&e->heap) < nx) nx = coda_evheap_next(&e->heap);
    cyc_t hc = hbm_next_cmd(e->h);
    if (hc < nx) nx = hc;
    if (!e->full && e->ract && e->q_end < nx) nx = e->q_end;
    if (nx == CYC_NEVER) CODA_PANIC("serve: nothing left to happen at cycle %" PRIu64, t);
    t = nx > t ? nx : t + 1;
  }
  e->now = t;
  return 0;
}

int serve_calibrate(const arch_cfg_t *cfg0, serve_calib_t *cal, coda_err_t *err) {
  arch_cfg_t cfg = *cfg0;
  cfg.hbm_pim_mode = HBM_PIM_NONE;
  hbm_t *h;
  int rc = hbm_init(&h, &cfg, "config", err);
  if (rc) return rc;
  uint64_t total = cfg.serve_calib_bytes, issued = 0, rb = hbm_req_bytes(h), cap = hbm_capacity_bytes(h);
  cyc_t t = 0;
  while (issued < total) {
    while (issued < total && hbm_can_accept(h, issued % cap, 0)) {
      hbm_enqueue(h, issued % cap, 0, t + 1, t + 1, 0);
      issued += rb;
    }
    cyc_t nx = hbm_next_cmd(h);
    hbm_advance(h, nx);
    t = nx;
  }
  while (hbm_queued(h)) hbm_advance(h, hbm_next_cmd(h));
  const hbm_stats_t *st = hbm_get_stats(h);
  cal->gbps = (double)total / ((double)st->last_done * cfg.hbm_tck_ns);
  cal->pj_per_byte = (st->act_pj + st->rd_pj) / (double)total;
  hbm_free(h);
  return 0;
}

static void snap(const hbm_t *h, double *dram, double *pim, double *pim_busy, double *comps, double *jobs) {
  const hbm_stats_t *s = hbm_get_stats(h);
  hbm_pim_stats_t p;
  hbm_pim_total(h, &p);
  *dram = s->act_pj + s->rd_pj + s->wr_pj + s->ref_pj;
  *pim = p.comp_pj + p.act_pj + p.rd_pj + p.wr_pj;
  *pim_busy = (double)p.busy_cyc;
  *comps = (double)p.comps;
  *jobs = (double)p.jobs;
}

int serve_run(const arch_cfg_t *cfg0, const serve_wl_t *w, const serve_calib_t *cal_in, serve_result_t *r,
              coda_err_t *err) {
  double t0 = coda_now_s();
  memset(r, 0, sizeof *r);
  arch_cfg_t cfg = *cfg0;
  eng_t E, *e = &E;
  memset(e, 0, sizeof *e);
  serve_mode_flags((int)cfg.serve_mode, &e->f);
  cfg.hbm_pim_mode = !e->f.pim ? HBM_PIM_NONE : e->f.dual ? HBM_PIM_DUAL : HBM_PIM_BLOCKED;
  e->cfg = &cfg; e->w = w; e->err = err;
  e->full = cfg.serve_mem_fidelity == 0;
  npu_cfg_from_arch(&e->npu, &cfg);
  if (cfg.serve_sim_layers == 1 || cfg.serve_sim_layers == 2)
    return coda_errf(err, CODA_EINVAL, "serve.sim_layers: %u cannot measure a per-layer period; use 0 (all) or >= 3",
                     (unsigned)cfg.serve_sim_layers);
  serve_calib_t cal = {0, 0};
  if (!e->full) {
    if (cal_in) cal = *cal_in;
    else if (serve_calibrate(&cfg, &cal, err)) return err->code;
  }
  int rc = hbm_init(&e->h, &cfg, "config", err);
  if (rc) return rc;
  e->d_per_n = 1000.0 / cfg.npu_freq_mhz / cfg.hbm_tck_ns;
  e->hd = w->md.d_model / w->md.n_heads;
  e->hdev = w->md.n_heads / w->tp;
  e->ddev = w->md.d_model / w->tp;
  e->fdev = w->md.d_ffn / w->tp;
  e->L = w->md.n_layers;
  e->N = cfg.serve_sim_layers && cfg.serve_sim_layers < e->L ? (uint32_t)cfg.serve_sim_layers : e->L;
  e->C = hbm_channels(e->h);
  e->nb = (uint32_t)(cfg.hbm_ranks * cfg.hbm_bankgroups * cfg.hbm_banks_per_group);
  e->cols = (uint32_t)(cfg.hbm_row_bytes / (cfg.hbm_pim_mults * 2));
  e->gbuf = (uint32_t)(cfg.hbm_pim_gwrite_bursts * hbm_req_bytes(e->h));
  e->gwr_cyc = (uint32_t)((cfg.hbm_tccd_s + cfg.hbm_tccd_l) * cfg.hbm_pim_gwrite_bursts);
  e->rq_slack = (uint32_t)(cfg.hbm_rq_entries * hbm_req_bytes(e->h));
  e->depth = npu_fetch_depth(&e->npu);
  e->cap = hbm_capacity_bytes(e->h);
  e->Q = (uint32_t)cfg.serve_rate_quantum;
  e->rate_ch = cal.gbps * cfg.hbm_tck_ns / e->C;
  if (e->cols < 1) { hbm_free(e->h); return coda_errf(err, CODA_EINVAL, "hbm.pim_mults: a row must hold at least one COMP column"); }
  /* the largest job that fits the refresh-free window hbm_pim_submit checks */
  e->gwmax = (uint32_t)cdiv((uint64_t)w->max_seq * 2, e->gbuf);
  if (e->gwmax < 1) e->gwmax = 1;
  e->rmax = 1;
  if (e->f.pim) {
    int64_t late = (int64_t)(cfg.hbm_tras > cfg.hbm_cwl + cfg.hbm_burst_length / 2 + cfg.hbm_twr
                                 ? cfg.hbm_tras : cfg.hbm_cwl + cfg.hbm_burst_length / 2 + cfg.hbm_twr) +
                   (int64_t)cfg.hbm_trp;
    int64_t win = (int64_t)(cfg.hbm_trefi / cfg.hbm_ranks) - (int64_t)cfg.hbm_trfc - late;
    uint32_t k; (void)gemv_rows(e, w->max_seq, &k);
    uint32_t hi = (uint32_t)(cfg.hbm_rows / 2);
    hbm_pim_job_t j = {1, e->cols, e->gwmax, 0};
    if ((int64_t)hbm_pim_estimate(e->h, &j) > win) {
      hbm_free(e->h);
      return coda_errf(err, CODA_EINVAL, "hbm.trefi: one PIM row of %u COMPs does not fit the refresh-free window", e->cols);
    }
    while (e->rmax < hi) {
      j.rows = e->rmax * 2;
      if ((int64_t)hbm_pim_estimate(e->h, &j) > win) break;
      e->rmax *= 2;
    }
    uint32_t lo = e->rmax, up = e->rmax * 2 < hi ? e->rmax * 2 : hi;
    while (up - lo > 1) {
      uint32_t m = (lo + up) / 2;
      j.rows = m;
      if ((int64_t)hbm_pim_estimate(e->h, &j) > win) up = m; else lo = m;
    }
    e->rmax = lo;
  }
  e->memo = calloc((size_t)(e->rmax + 1) * (e->cols + 1) * (e->gwmax + 1), sizeof *e->memo);
  e->req = calloc(w->nreq, sizeof *e->req);
  uint32_t B = (uint32_t)cfg.serve_batch;
  e->act = calloc(B, sizeof *e->act);
  e->load = calloc(e->C, sizeof *e->load);
  e->sb[0].r = calloc(B, sizeof(uint32_t));
  e->sb[1].r = calloc(B, sizeof(uint32_t));
  e->tq_cap = 8;
  e->tq = calloc(e->tq_cap, sizeof *e->tq);
  e->deliv = calloc(e->C, sizeof *e->deliv);
  e->blk = calloc(e->C, sizeof *e->blk);
  e->tl = calloc(e->N, sizeof *e->tl);
  e->lcnt = calloc(e->N, sizeof *e->lcnt);
  if (!e->memo || !e->req || !e->act || !e->load || !e->sb[0].r || !e->sb[1].r || !e->tq || !e->deliv || !e->blk ||
      !e->tl || !e->lcnt)
    CODA_PANIC("serve: out of memory");
  for (uint32_t c = 0; c < e->C; c++) e->blk[c].open = CYC_NEVER;
  if (e->full) hbm_set_done(e->h, on_done, e);
  else hbm_set_cmd_log(e->h, on_cmd, e);
  hbm_set_pim_done(e->h, on_pim_done, e);

  double scale_all = 0, tot_cyc = 0, sim_cyc = 0;
  acc_t tot;
  memset(&tot, 0, sizeof tot);
  double e_dram = 0, e_pim = 0, pbusy = 0, comps = 0, jobs = 0;
  uint64_t maxit = cfg.serve_iterations;
  rc = 0;
  while (!maxit || r->iterations < maxit) {
    /* finished requests leave */
    uint32_t n = 0;
    for (uint32_t i = 0; i < e->nact; i++) {
      req_t *q = &e->req[e->act[i]];
      if (q->gen < q->out) e->act[n++] = e->act[i];
      else r->requests_done++;
    }
    e->nact = n;
    form_batch(e);
    if (!e->nact) break;
    double d0, p0, b0, c0, j0, d1, p1, b1, c1, j1;
    snap(e->h, &d0, &p0, &b0, &c0, &j0);
    memset(&e->it, 0, sizeof e->it);
    cyc_t start = e->now;
    e->addr = 0; /* every iteration streams the same weights */
    if ((rc = run_layers(e))) break;
    snap(e->h, &d1, &p1, &b1, &c1, &j1);
    double sim = (double)(e->now - start), it_cyc = sim;
    /* the steady-state period: layer 0 to layer N-2 (the last layer runs no
       next layer's QKV, so its completion is early with interleaving) */
    if (e->N < e->L)
      it_cyc = sim + (double)(e->L - e->N) * (double)(e->tl[e->N - 2] - e->tl[0]) / (double)(e->N - 2);
    double sc = (double)e->L / e->N;
    for (int s = 0; s < SERVE_STAGES; s++) tot.stage[s] += e->it.stage[s] * sc;
    tot.macs += e->it.macs * sc; tot.array_busy += e->it.array_busy * sc; tot.vec_busy += e->it.vec_busy * sc;
    tot.mem_bytes += e->it.mem_bytes * sc; tot.e_npu += e->it.e_npu * sc;
    e_dram += (d1 - d0) * sc; e_pim += (p1 - p0) * sc; pbusy += (b1 - b0) * sc; comps += (c1 - c0) * sc;
    jobs += (j1 - j0) * sc;
    tot_cyc += it_cyc; sim_cyc += sim;
    r->iterations++;
    r->tokens += e->nact;
    for (uint32_t i = 0; i < e->nact; i++) e->req[e->act[i]].gen++;
    scale_all = sim_cyc > 0 ? tot_cyc / sim_cyc : 1;
  }
  if (!rc) {
    for (uint32_t i = 0; i < e->nact; i++)
      if (e->req[e->act[i]].gen >= e->req[e->act[i]].out) r->requests_done++;
    hbm_finish(e->h, e->now);
    const hbm_stats_t *st = hbm_get_stats(e->h);
    double bg = st->bg_pj * scale_all;
    r->mode = (int)cfg.serve_mode; r->fidelity = (int)cfg.serve_mem_fidelity;
    r->batch = B; r->tp = w->tp; r->layers = e->L; r->sim_layers = e->N;
    r->avg_batch = r->iterations ? (double)r->tokens / r->iterations : 0;
    r->cycles = tot_cyc;
    r->time_s = tot_cyc * cfg.hbm_tck_ns * 1e-9;
    r->tokens_per_s = r->time_s > 0 ? (double)r->tokens / r->time_s : 0;
    for (int s = 0; s < SERVE_STAGES; s++) r->stage_cycles[s] = tot.stage[s];
    r->macs = tot.macs;
    double npu_cyc = tot_cyc / e->d_per_n;
    double pes = (double)e->npu.arrays * e->npu.rows * e->npu.cols;
    r->npu_util = tot_cyc > 0 ? tot.macs / (pes * npu_cyc) : 0;
    r->array_busy = tot_cyc > 0 ? tot.array_busy / tot_cyc : 0;
    r->vector_busy = tot_cyc > 0 ? tot.vec_busy / tot_cyc : 0;
    r->pim_busy = tot_cyc > 0 ? pbusy / (e->C * tot_cyc) : 0;
    r->pim_comp_util = tot_cyc > 0 ? comps * cfg.hbm_pim_comp_cycles / (e->C * tot_cyc) : 0;
    r->mem_bytes = tot.mem_bytes;
    r->peak_gbps = hbm_peak_gbps(e->h);
    double peak_bpc = r->peak_gbps * cfg.hbm_tck_ns;
    r->mem_bw_util = tot_cyc > 0 ? tot.mem_bytes / (peak_bpc * tot_cyc) : 0;
    r->pim_bytes = comps * e->nb * cfg.hbm_pim_mults * 2;
    r->pim_jobs = (uint64_t)(jobs + 0.5);
    r->e_dram_pj = e_dram + bg + (e->full ? 0 : tot.mem_bytes * cal.pj_per_byte);
    r->e_pim_pj = e_pim;
    r->e_npu_pj = tot.e_npu;
    r->calib_gbps = cal.gbps;
  }
  for (uint32_t c = 0; c < e->C; c++) { free(e->blk[c].iv); free(e->blk[c].rows); }
  free(e->blk); free(e->deliv); free(e->tq); free(e->sb[0].r); free(e->sb[1].r); free(e->load); free(e->act);
  free(e->req); free(e->memo); free(e->tl); free(e->lcnt); coda_evheap_free(&e->heap);
  hbm_free(e->h);
  r->sim_seconds = coda_now_s() - t0;
  return rc;
}
