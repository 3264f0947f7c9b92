/* device.c: front end, DMA and compute units on the kernel (see device.h). */
#include "device.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../lut/lut_core.h"
#include "../mac/mac_core.h"
#include "../mem/hbm.h"
#include "../mem/simple_mem.h"
#include "timeline.h"

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

int device_unit_of(uint32_t op) {
  switch (op) {
    case ISA_OP_LD: case ISA_OP_ST: return DEV_UNIT_DMA;
    case ISA_OP_TPRE: return DEV_UNIT_TPRE;
    case ISA_OP_LMMA: case ISA_OP_MMA: return DEV_UNIT_ARRAY;
    default: return -1;
  }
}

/* ---- queues ------------------------------------------------------------- */

static int chan_init(dev_chan_t *c, uint32_t cap) {
  memset(c, 0, sizeof *c);
  c->e = calloc(cap, sizeof *c->e);
  c->cap = cap;
  return c->e ? 0 : -1;
}
static int chan_can_push(const dev_chan_t *c) { return c->count < c->cap && !c->push; }
static const dev_op_t *chan_head(const dev_chan_t *c) { return c->count ? &c->e[c->head] : NULL; }
static int chan_commit(dev_chan_t *c) {
  int ch = c->pop || c->push;
  if (c->pop) { c->head = (c->head + 1) % c->cap; c->count--; c->pop = 0; }
  if (c->push) { c->e[(c->head + c->count) % c->cap] = c->staged; c->count++; c->push = 0; }
  return ch;
}

/* ---- trace -------------------------------------------------------------- */

static void trace_op(device_t *d, const dev_op_t *op, cyc_t end) {
  if (d->tl) dev_tl_op(d, op, end);
  if (!d->trace) return;
  gzprintf((gzFile)d->trace, "%u,%u,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", op->pc,
           d->layer_of[op->pc], isa_op_name((isa_op_e)op->in.op), op->issue, op->start, end);
}

/* ---- compute units (precompute, array) ------------------------------------ */

static cyc_t unit_cycles(const device_t *d, const isa_insn_t *in) {
  switch (in->op) {
    case ISA_OP_TPRE: return tpre_cycles(&d->cfg, in);
    case ISA_OP_LMMA: return lut_lmma_cycles(&d->cfg, in);
    default: return mac_mma_cycles(&d->cfg, in);
  }
}

static void unit_eval(void *self, cyc_t now) {
  dev_unit_t *u = self;
  u->n_finish = u->busy && u->end <= now;
  u->n_start = 0;
  const dev_op_t *h = chan_head(&u->ch);
  if ((!u->busy || u->n_finish) && h) {
    u->n_start = 1;
    u->n_cur = *h;
    u->n_cur.start = now;
    cyc_t c = unit_cycles(u->dev, &h->in);
    u->n_end = now + (c ? c : 1);
    u->ch.pop = 1;
  }
}

static int unit_commit(void *self, cyc_t now) {
  dev_unit_t *u = self;
  device_t *d = u->dev;
  int changed = chan_commit(&u->ch);
  if (u->n_finish) {
    const isa_insn_t *in = &u->cur.in;
    if (d->functional) {
      if (in->op == ISA_OP_TPRE) tpre_exec(&d->cfg, in, &d->bufs);
      else if (in->op == ISA_OP_LMMA) lut_lmma_exec(&d->cfg, in, &d->bufs);
      else mac_mma_exec(&d->cfg, in, &d->bufs);
    }
    trace_op(d, &u->cur, u->end);
    u->busy = 0;
    changed = 1;
  }
  if (u->n_start) {
    const isa_insn_t *in = &u->n_cur.in;
    u->cur = u->n_cur;
    u->end = u->n_end;
    u->busy = 1;
    if (in->op == ISA_OP_TPRE) tpre_count(&d->cfg, in, d->cur);
    else if (in->op == ISA_OP_LMMA) lut_lmma_count(&d->cfg, in, d->cur);
    else mac_mma_count(&d->cfg, in, d->cur);
    changed = 1;
  }
  u->n_finish = u->n_start = 0;
  return changed;
}

static cyc_t unit_next(const void *self, cyc_t now) {
  const dev_unit_t *u = self;
  return u->busy ? (u->end > now ? u->end : now + 1) : CYC_NEVER;
}

static const sim_block_ops_t UNIT_OPS = {"unit", unit_eval, unit_commit, unit_next};

/* ---- DMA ------------------------------------------------------------------ */

/* Splits a transfer into chunks: contiguous rows merge into one row, and
 * every row is cut into bursts of at most dma.burst_bytes. */
static void dma_plan(dev_dma_t *m, const isa_insn_t *in, uint64_t burst) {
  uint64_t rows = in->rows, rb = in->row_bytes;
  if (in->stride == in->row_bytes || rows == 1) { rb = rows * rb; rows = 1; }
  m->chunk_rows = rows;
  m->chunk_row_bytes = rb;
  m->n_chunks = rows * cdiv(rb, burst);
}

/* DRAM address, buffer offset and length of chunk i. */
static void dma_chunk(const dev_dma_t *m, const isa_insn_t *in, uint64_t burst, uint64_t i,
                      uint64_t *daddr, uint64_t *soff, uint32_t *len) {
  uint64_t per_row = cdiv(m->chunk_row_bytes, burst), r = i / per_row, c = i % per_row;
  uint64_t off = c * burst, rem = m->chunk_row_bytes - off;
  *len = (uint32_t)(rem < burst ? rem : burst);
  if (m->chunk_rows == 1) { *daddr = in->daddr + off; *soff = off; return; }
  *daddr = in->daddr + r * in->stride + off;
  *soff = r * in->row_bytes + off;
}

static void dma_copy(device_t *d, const isa_insn_t *in, uint64_t daddr, uint64_t soff,
                     uint32_t len) {
  if (!d->functional) return;
  uint8_t *s = d->bufs.buf[in->buf] + in->saddr + soff, *m = d->bufs.dram + daddr;
  if (in->op == ISA_OP_LD) memcpy(s, m, len);
  else memcpy(m, s, len);
}

static void dma_eval(void *self, cyc_t now) {
  dev_dma_t *m = self;
  device_t *d = m->dev;
  uint64_t burst = d->cfg.dma_burst_bytes;
  m->n_finish = m->n_start = m->n_sent = 0;
  m->n_resp = 0;
  mem_req_t r;
  while (d->mem.pop_resp(d->mem.self, now, &r)) {
    m->n_resp++;
    if (d->tl) dev_tl_req_done(d->tl, r.tag, now);
    if (!r.write) { /* a load lands in its buffer when its data returns */
      uint64_t da, so;
      uint32_t len;
      dma_chunk(m, &m->cur.in, burst, r.tag, &da, &so, &len);
      dma_copy(d, &m->cur.in, da, so, len);
    }
  }
  if (m->busy && m->next_chunk < m->n_chunks && m->outstanding - m->n_resp < d->cfg.dma_max_outstanding &&
      d->mem.can_send(d->mem.self, now)) {
    uint64_t da, so;
    uint32_t len;
    dma_chunk(m, &m->cur.in, burst, m->next_chunk, &da, &so, &len);
    mem_req_t q = {da, len, (uint8_t)(m->cur.in.op == ISA_OP_ST), m->next_chunk};
    if (q.write) dma_copy(d, &m->cur.in, da, so, len); /* a store reads its buffer as it goes */
    d->mem.send(d->mem.self, now, &q);
    if (d->tl) dev_tl_req_sent(d->tl, &q, now);
    m->n_sent = 1;
  }
  if (m->busy && m->next_chunk + m->n_sent == m->n_chunks && m->outstanding + m->n_sent == m->n_resp)
    m->n_finish = 1;
  const dev_op_t *h = chan_head(&m->ch);
  if ((!m->busy || m->n_finish) && h) {
    m->n_start = 1;
    m->n_cur = *h;
    m->n_cur.start = now;
    m->ch.pop = 1;
  }
}

static int dma_commit(void *self, cyc_t now) {
  dev_dma_t *m = self;
  device_t *d = m->dev;
  int changed = chan_commit(&m->ch) || m->n_sent || m->n_resp;
  m->next_chunk += (uint64_t)m->n_sent;
  m->outstanding = m->outstanding + (uint64_t)m->n_sent - m->n_resp;
  if (m->n_finish) {
    trace_op(d, &m->cur, now);
    m->busy = 0;
    changed = 1;
  }
  if (m->n_start) {
    const isa_insn_t *in = &m->n_cur.in;
    uint64_t bytes = (uint64_t)in->rows * in->row_bytes;
    m->cur = m->n_cur;
    m->busy = 1;
    m->next_chunk = 0;
    m->outstanding = 0;
    dma_plan(m, in, d->cfg.dma_burst_bytes);
    d->cur->dma_insns++;
    uint64_t *bw = in->buf == ISA_BUF_ABUF ? &d->cur->abuf_wr_bytes
                 : in->buf == ISA_BUF_WBUF ? &d->cur->wbuf_wr_bytes
                 : in->buf == ISA_BUF_TBUF ? &d->cur->tbuf_wr_bytes : &d->cur->cbuf_wr_bytes;
    uint64_t *br = in->buf == ISA_BUF_ABUF ? &d->cur->abuf_rd_bytes
                 : in->buf == ISA_BUF_WBUF ? &d->cur->wbuf_rd_bytes
                 : in->buf == ISA_BUF_TBUF ? &d->cur->tbuf_rd_bytes : &d->cur->cbuf_rd_bytes;
    if (in->op == ISA_OP_LD) { d->cur->dram_rd_bytes += bytes; *bw += bytes; }
    else { d->cur->dram_wr_bytes += bytes; *br += bytes; }
    changed = 1;
  }
  m->n_finish = m->n_start = m->n_sent = 0;
  m->n_resp = 0;
  return changed;
}

static cyc_t dma_next(const void *self, cyc_t now) {
  const dev_dma_t *m = self;
  if (m->busy && m->next_chunk < m->n_chunks && m->outstanding < m->dev->cfg.dma_max_outstanding)
    return now + 1;
  return CYC_NEVER; /* otherwise the memory's responses wake us */
}

static const sim_block_ops_t DMA_OPS = {"dma", dma_eval, dma_commit, dma_next};

/* ---- front end -------------------------------------------------------------- */

static int unit_idle(const device_t *d, int u) {
  if (u == DEV_UNIT_DMA) return !d->dma.busy && d->dma.ch.count == 0;
  const dev_unit_t *x = u == DEV_UNIT_TPRE ? &d->tpre : &d->array;
  return !x->busy && x->ch.count == 0;
}

static dev_chan_t *unit_chan(device_t *d, int u) {
  return u == DEV_UNIT_DMA ? &d->dma.ch : u == DEV_UNIT_TPRE ? &d->tpre.ch : &d->array.ch;
}

static void fe_eval(void *self, cyc_t now) {
  dev_fe_t *f = self;
  device_t *d = f->dev;
  f->n_adv = 0;
  f->stalled_sync = 0;
  if (f->pc >= d->prog->n_insn) return;
  const isa_insn_t *in = &d->insn[f->pc];
  int u = device_unit_of(in->op);
  if (u < 0) { /* SYNC */
    int ok = 1;
    for (int i = 0; i < DEV_UNIT_COUNT; i++)
      if ((in->mask >> i) & 1) ok &= unit_idle(d, i);
    if (ok) f->n_adv = 1;
    else f->stalled_sync = 1;
    return;
  }
  dev_chan_t *c = unit_chan(d, u);
  if (chan_can_push(c)) {
    c->push = 1;
    c->staged.in = *in;
    c->staged.pc = f->pc;
    c->staged.issue = now;
    c->staged.start = 0;
    f->n_adv = 1;
  }
}

static int fe_commit(void *self, cyc_t now) {
  dev_fe_t *f = self;
  device_t *d = f->dev;
  (void)now;
  if (!f->n_adv) return 0;
  if (d->tl) dev_tl_issue(d, f->pc, now);
  d->cur->insns++;
  f->pc++;
  if (f->pc < d->prog->n_insn && d->layer_of[f->pc] != d->cur_layer) {
    d->cur_layer = d->layer_of[f->pc];
    d->cur = &d->layer_stats[d->cur_layer];
  }
  f->n_adv = 0;
  return 1;
}

static cyc_t fe_next(const void *self, cyc_t now) {
  (void)self; (void)now;
  return CYC_NEVER; /* the front end only reacts to other blocks' changes */
}

static const sim_block_ops_t FE_OPS = {"fe", fe_eval, fe_commit, fe_next};

/* ---- program checks ---------------------------------------------------------- */

static int check_buf(uint64_t addr, uint64_t bytes, uint64_t cap, const char *origin, uint32_t pc,
                     const char *op, const char *what, coda_err_t *err) {
  if (addr + bytes > cap)
    return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): %s [0x%" PRIx64 ", 0x%" PRIx64
                     ") exceeds its buffer (%" PRIu64 " bytes)", origin, pc, op, what, addr,
                     addr + bytes, cap);
  return CODA_OK;
}

static int check_insn(const arch_cfg_t *c, const isa_insn_t *in, uint64_t dram_bytes,
                      const char *origin, uint32_t pc, coda_err_t *err) {
  const char *op = isa_op_name((isa_op_e)in->op);
  uint64_t K = c->core_k;
  uint64_t bufcap[4] = {c->buffers_abuf_bytes, c->buffers_wbuf_bytes, c->buffers_tbuf_bytes,
                        c->buffers_cbuf_bytes};
  int lut = c->core_type == ARCH_CORE_LUT;
  switch (in->op) {
    case ISA_OP_SYNC:
      return CODA_OK;
    case ISA_OP_LD:
    case ISA_OP_ST: {
      uint64_t bytes = (uint64_t)in->rows * in->row_bytes;
      if (!in->rows || !in->row_bytes)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): rows and row_bytes must be > 0",
                         origin, pc, op);
      int rc = check_buf(in->saddr, bytes, bufcap[in->buf], origin, pc, op, "buffer range", err);
      if (rc) return rc;
      uint64_t dend = in->daddr + (uint64_t)(in->rows - 1) * in->stride + in->row_bytes;
      if (in->rows > 1 && in->stride < in->row_bytes)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): stride %u < row_bytes %u",
                         origin, pc, op, in->stride, in->row_bytes);
      if (dend > dram_bytes)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): DRAM range ends at 0x%" PRIx64
                         ", past the program's dram_bytes 0x%" PRIx64, origin, pc, op, dend,
                         dram_bytes);
      return CODA_OK;
    }
    case ISA_OP_TPRE: {
      if (!in->m || !in->k || in->k % K)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (tpre): k=%u must be a positive "
                         "multiple of core.k=%" PRIu64, origin, pc, in->k, K);
      if (in->mk && !lut)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (tpre mk=1): tables need core.type lut",
                         origin, pc);
      if (in->tq && !dev_atype_is_fp(in->atype))
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (tpre): tq=1 needs fp8/fp16 activations",
                         origin, pc);
      int rc = check_buf(in->saddr, (uint64_t)in->m * in->k * dev_act_bytes(in->atype),
                         bufcap[ISA_BUF_ABUF], origin, pc, op, "activation tile", err);
      if (rc || !in->mk) return rc;
      return check_buf(in->taddr, (uint64_t)in->m * (in->k / K) * lut_table_block_bytes(c, in->atype, in->tq),
                       bufcap[ISA_BUF_TBUF], origin, pc, op, "tables", err);
    }
    case ISA_OP_LMMA:
    case ISA_OP_MMA: {
      int is_lut = in->op == ISA_OP_LMMA;
      if (is_lut != lut)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): needs core.type %s", origin, pc,
                         op, is_lut ? "lut" : "mac");
      uint64_t gran = 8; /* byte-aligned bit-plane rows: lcm(8, K) for the LUT core */
      if (is_lut)
        while (gran % K) gran += 8;
      if (!in->m || !in->n || !in->k || in->k % gran)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): k=%u must be a positive multiple "
                         "of %" PRIu64, origin, pc, op, in->k, gran);
      int fp = dev_atype_is_fp(in->atype);
      int accfp = in->acct == ISA_ACC_FP16 || in->acct == ISA_ACC_FP32;
      if (fp != accfp)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (%s): acct %s does not suit the "
                         "activation type", origin, pc, op, accfp ? "fp" : "int");
      if (is_lut && in->tq && !fp)
        return coda_errf(err, CODA_EINVAL, "%s: instruction %u (lmma): tq=1 needs fp8/fp16 activations",
                         origin, pc);
      uint64_t ab = dev_acc_bytes(in->acct);
      int rc = check_buf(in->waddr, lut_wtile_bytes(in->n, in->k, in->wbits), bufcap[ISA_BUF_WBUF],
                         origin, pc, op, "weight tile + zero points", err);
      if (!rc) rc = check_buf(in->caddr, ((uint64_t)in->m * in->n + in->m) * ab, bufcap[ISA_BUF_CBUF],
                              origin, pc, op, "accumulator tile + row sums", err);
      if (rc) return rc;
      if (is_lut)
        return check_buf(in->taddr, (uint64_t)in->m * (in->k / K) * lut_table_block_bytes(c, in->atype, in->tq),
                         bufcap[ISA_BUF_TBUF], origin, pc, op, "tables", err);
      return check_buf(in->aaddr, (uint64_t)in->m * in->k * dev_act_bytes(in->atype),
                       bufcap[ISA_BUF_ABUF], origin, pc, op, "activation tile", err);
    }
    default:
      return coda_errf(err, CODA_EINVAL, "%s: instruction %u: opcode %s is not implemented by this "
                       "device", origin, pc, op ? op : "?");
  }
}

/* ---- life cycle ----------------------------------------------------------------- */

int device_init(device_t *d, const arch_cfg_t *cfg, const cbin_t *p, const device_opts_t *o,
                const char *origin, coda_err_t *err) {
  memset(d, 0, sizeof *d);
  d->cfg = *cfg;
  d->prog = p;
  int rc;
  if ((rc = arch_cfg_validate(cfg, origin, err))) return rc;
  d->max_cycles = o->max_cycles;
  d->functional = o->functional < 0 ? (p->flags & CBIN_F_DATA) != 0 : o->functional;
  if (d->functional && !(p->flags & CBIN_F_DATA))
    return coda_errf(err, CODA_EINVAL, "%s: a functional run needs a program with data segments "
                     "(compile with --functional)", origin);
  uint32_t nl = p->n_layer ? p->n_layer : 1;
  d->insn = calloc(p->n_insn ? p->n_insn : 1, sizeof *d->insn);
  d->layer_of = calloc(p->n_insn ? p->n_insn : 1, sizeof *d->layer_of);
  d->layer_stats = calloc(nl, sizeof *d->layer_stats);
  if (!d->insn || !d->layer_of || !d->layer_stats) {
    device_free(d);
    return coda_errf(err, CODA_ENOMEM, "%s: out of memory", origin);
  }
  for (uint32_t i = 0; i < p->n_layer; i++) {
    const cbin_layer_t *L = &p->layer[i];
    if ((uint64_t)L->first_insn + L->n_insn > p->n_insn) {
      device_free(d);
      return coda_errf(err, CODA_EINVAL, "%s: layer %u (%s): instructions [%u, +%u) past the "
                       "program's %u", origin, i, L->name, L->first_insn, L->n_insn, p->n_insn);
    }
    for (uint32_t j = L->first_insn; j < L->first_insn + L->n_insn; j++) d->layer_of[j] = i;
  }
  for (uint32_t i = 0; i < p->n_insn; i++) {
    if ((rc = isa_decode(&p->insn[i], &d->insn[i], err)) ||
        (rc = check_insn(cfg, &d->insn[i], p->dram_bytes, origin, i, err))) {
      if (rc == CODA_EINVAL && strncmp(err->msg, origin, strlen(origin))) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s", err->msg);
        coda_errf(err, rc, "%s: instruction %u: %s", origin, i, tmp);
      }
      device_free(d);
      return rc;
    }
  }
  d->cur = &d->layer_stats[p->n_insn ? d->layer_of[0] : 0];
  d->cur_layer = p->n_insn ? d->layer_of[0] : 0;
  /* buffers and DRAM image */
  d->bufs.functional = d->functional;
  uint64_t caps[4] = {cfg->buffers_abuf_bytes, cfg->buffers_wbuf_bytes, cfg->buffers_tbuf_bytes,
                      cfg->buffers_cbuf_bytes};
  for (int i = 0; i < 4; i++) {
    d->bufs.buf_bytes[i] = caps[i];
    if (d->functional && !(d->bufs.buf[i] = calloc(1, caps[i]))) {
      device_free(d);
      return coda_errf(err, CODA_ENOMEM, "%s: out of memory for buffers", origin);
    }
  }
  if (d->functional) {
    if (p->dram_bytes > (16ull << 30)) {
      device_free(d);
      return coda_errf(err, CODA_EINVAL, "%s: functional run needs %" PRIu64 " bytes of DRAM image "
                       "(limit 16 GiB); run timing-only", origin, p->dram_bytes);
    }
    d->bufs.dram = calloc(1, p->dram_bytes ? p->dram_bytes : 1);
    d->bufs.dram_bytes = p->dram_bytes;
    if (!d->bufs.dram) {
      device_free(d);
      return coda_errf(err, CODA_ENOMEM, "%s: out of memory for a %" PRIu64 "-byte DRAM image",
                       origin, p->dram_bytes);
    }
    for (uint32_t i = 0; i < p->n_seg; i++) {
      const cbin_seg_t *s = &p->seg[i];
      if (s->addr + s->bytes > p->dram_bytes) {
        device_free(d);
        return coda_errf(err, CODA_EINVAL, "%s: segment %u ends past dram_bytes", origin, i);
      }
      memcpy(d->bufs.dram + s->addr, s->data, s->bytes);
    }
  }
  /* blocks */
  rc = cfg->memory_type == ARCH_MEM_HBM2
           ? hbm_create(cfg, &d->mem, err)
           : simple_mem_create(&d->mem, cfg->memory_bytes_per_cycle, cfg->memory_latency_cycles, err);
  if (rc) {
    device_free(d);
    return rc;
  }
  uint32_t qd = (uint32_t)cfg->fe_queue_depth;
  if (chan_init(&d->dma.ch, qd) || chan_init(&d->tpre.ch, qd) || chan_init(&d->array.ch, qd)) {
    device_free(d);
    return coda_errf(err, CODA_ENOMEM, "%s: out of memory", origin);
  }
  d->fe.dev = d->dma.dev = d->tpre.dev = d->array.dev = d;
  d->tpre.kind = DEV_UNIT_TPRE;
  d->array.kind = DEV_UNIT_ARRAY;
  sim_init(&d->sim);
  d->sim.dense = o->dense;
  sim_add(&d->sim, &FE_OPS, &d->fe);
  sim_add(&d->sim, &DMA_OPS, &d->dma);
  sim_add(&d->sim, &UNIT_OPS, &d->tpre);
  sim_add(&d->sim, &UNIT_OPS, &d->array);
  sim_add(&d->sim, d->mem.ops, d->mem.self);
  if (o->trace_path) {
    gzFile g = gzopen(o->trace_path, "wb");
    if (!g) {
      device_free(d);
      return coda_errf(err, CODA_EIO, "%s: cannot write the trace", o->trace_path);
    }
    gzprintf(g, "# coda instruction trace v1: pc,layer,op,issue_cycle,start_cycle,end_cycle\n");
    d->trace = g;
  }
  return CODA_OK;
}

static int all_done(const device_t *d) {
  return d->fe.pc >= d->prog->n_insn && unit_idle(d, DEV_UNIT_DMA) && unit_idle(d, DEV_UNIT_TPRE) &&
         unit_idle(d, DEV_UNIT_ARRAY) && d->dma.outstanding == 0;
}

int device_step(device_t *d, cyc_t until, coda_err_t *err) {
  sim_t *s = &d->sim;
  if (d->finished) return 1;
  while (!all_done(d) && s->now < until) {
    cyc_t next = sim_cycle(s);
    if (all_done(d)) break; /* everything finished at this cycle's commit */
    if (next == CYC_NEVER)
      CODA_PANIC("device: no block can make progress at cycle %" PRIu64 " (pc %u)", s->now, d->fe.pc);
    /* [now, next) is spent in the state just committed */
    uint64_t span = next - s->now;
    dev_stats_t *st = d->cur;
    st->cycles += span;
    if (d->array.busy) st->cycles_compute += span, st->array_busy_cycles += span;
    else if (d->tpre.busy) st->cycles_precompute += span;
    else if (d->dma.busy) st->cycles_memory += span;
    else st->cycles_other += span;
    if (d->tpre.busy) st->tpre_busy_cycles += span;
    if (d->dma.busy) st->dma_busy_cycles += span;
    if (d->fe.stalled_sync) st->sync_stall_cycles += span;
    if (d->tl) dev_tl_span(d, s->now, next);
    s->now = next;
    if (d->max_cycles && s->now > d->max_cycles)
      return coda_errf(err, CODA_EINVAL, "simulation passed the cycle limit of %" PRIu64 " cycles",
                       d->max_cycles);
  }
  if (!all_done(d)) return 0;
  d->finished = 1;
  d->cycles = s->now;
  for (uint32_t i = 0; i < d->prog->n_layer; i++) {
    const cbin_layer_t *L = &d->prog->layer[i];
    d->layer_stats[i].macs = (uint64_t)L->m * L->n * L->k;
  }
  if (d->tl) return dev_tl_close(d, err) ? CODA_EIO : 1;
  return 1;
}

int device_run(device_t *d, coda_err_t *err) {
  int rc = device_step(d, CYC_NEVER, err);
  return rc < 0 ? rc : CODA_OK;
}

void device_free(device_t *d) {
  if (d->trace) gzclose((gzFile)d->trace);
  dev_tl_free(d->tl);
  if (d->mem.destroy) d->mem.destroy(d->mem.self);
  free(d->dma.ch.e); free(d->tpre.ch.e); free(d->array.ch.e);
  for (int i = 0; i < 4; i++) free(d->bufs.buf[i]);
  free(d->bufs.dram);
  free(d->insn); free(d->layer_of); free(d->layer_stats);
  memset(d, 0, sizeof *d);
}
