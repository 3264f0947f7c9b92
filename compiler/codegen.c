/* codegen.c: a workload's layers into one program (see compiler.h).
 *
 * Per layer: DRAM placement (A[m][kp], weights in the core's layout, zero
 * points, C[m][n], each 64-byte aligned, layers one after another), a
 * cbin_layer_t, optional data segments, and the instruction stream of the
 * plan the tiler chose (compiler_int.h). The loop nest is
 *
 *   for each m-tile, N chunk, K chunk (a "row block"):
 *     LD its A k-tiles into ABUF, TPRE them (tables; fused with the
 *     element-wise op unless opts.fuse = 0)
 *     for each n-tile of the N chunk, each k-tile of the K chunk (a "step"):
 *       SYNC; LMMA/MMA; LD the next step's weight tile into the other WBUF
 *       half; ST the n-tile finished by the previous step
 *
 * Without chunking (the usual case) the tables of a row block serve every
 * n-tile, the next row block's A load and TPRE run while the current one
 * computes, and CBUF ping-pongs between two accumulator tiles so a store
 * overlaps the next n-tile. SYNCs are placed by rule, each naming only units
 * with work in flight: before a step (its weight tile loaded, the previous
 * LMMA done so its WBUF half and CBUF tile can be reused, and at a row
 * block's first step its TPRE done). compile_check_program (check.c) proves
 * the result race-free.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler_int.h"
#include "datagen.h"
#include "relayout.h"

static uint64_t rup64(uint64_t a, uint64_t b) { return (a + b - 1) / b * b; }

enum { U_DMA = 0, U_TPRE = 1, U_ARRAY = 2 };
static const uint32_t UNIT_BIT[3] = {ISA_SYNC_DMA, ISA_SYNC_TPRE, ISA_SYNC_ARRAY};

/* Emission state of one layer. */
typedef struct cg {
  const arch_cfg_t *cfg;  /* target */
  const cplan_t *p;       /* the layer's plan */
  cbin_t *out;            /* program being built */
  coda_err_t *err;        /* first failure */
  int fuse;               /* compile_opts_t.fuse */
  uint64_t a_addr, w_addr, z_addr, c_addr;  /* DRAM placement */
  uint32_t dirty;         /* ISA_SYNC_* bits of units with work issued since a SYNC naming them */
  uint64_t epoch[3];      /* SYNCs naming each unit so far */
  int64_t z_nj[2];        /* n-tile whose zero points WBUF slot h holds, -1 none */
  uint32_t z_off[2];      /* their offset in the slot (the tile's bytes) */
} cg_t;

/* One LMMA/MMA of the loop nest. */
typedef struct step {
  int valid;          /* 0 past the end */
  uint32_t mi;        /* m-tile */
  uint32_t ci, kci;   /* N chunk, K chunk */
  uint32_t nj, kj;    /* n-tile, k-tile (global indices) */
  uint64_t blk;       /* row block number (m-tile, N chunk, K chunk) */
  uint64_t idx;       /* step number in the layer */
} step_t;

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t mcur(const cplan_t *p, uint32_t mi) { return min32(p->mt, p->m - mi * p->mt); }
static uint32_t ncur(const cplan_t *p, uint32_t nj) { return min32(p->nt, p->n - nj * p->nt); }
static uint32_t kcur(const cplan_t *p, uint32_t kj) { return min32(p->kt, p->kp - kj * p->kt); }
static uint32_t kstart(const cplan_t *p, uint32_t kci) { return kci * p->kc; }
static uint32_t kend(const cplan_t *p, uint32_t kci) { return min32(p->n_kt, (kci + 1) * p->kc); }
static uint32_t nstart(const cplan_t *p, uint32_t ci) { return ci * p->nc; }
static uint32_t nend(const cplan_t *p, uint32_t ci) { return min32(p->n_nt, (ci + 1) * p->nc); }

static int first_of_block(const cplan_t *p, const step_t *s) {
  return s->nj == nstart(p, s->ci) && s->kj == kstart(p, s->kci);
}

static step_t step_first(void) {
  step_t s;
  memset(&s, 0, sizeof s);
  s.valid = 1;
  return s;
}

/* Advances s in loop-nest order: m-tile, N chunk, K chunk, n-tile, k-tile. */
static void step_next(const cplan_t *p, step_t *s) {
  s->idx++;
  if (++s->kj < kend(p, s->kci)) return;
  s->kj = kstart(p, s->kci);
  if (++s->nj < nend(p, s->ci)) return;
  s->blk++;
  if (++s->kci < p->n_kc) {
    s->nj = nstart(p, s->ci);
    s->kj = kstart(p, s->kci);
    return;
  }
  s->kci = 0;
  s->kj = 0;
  if (++s->ci < p->n_nc) {
    s->nj = nstart(p, s->ci);
    return;
  }
  s->ci = 0;
  s->nj = 0;
  if (++s->mi < p->n_mt) return;
  s->valid = 0;
}

/* The first step of the row block after the one s is in. */
static step_t block_after(const cplan_t *p, const step_t *s) {
  step_t b = *s;
  b.blk = s->blk + 1;
  if (++b.kci >= p->n_kc) {
    b.kci = 0;
    if (++b.ci >= p->n_nc) {
      b.ci = 0;
      b.mi++;
    }
  }
  b.nj = nstart(p, b.ci);
  b.kj = kstart(p, b.kci);
  return b;
}

/* ABUF/TBUF set of a row block: alternating when prefetching. */
static uint32_t blk_set(const cplan_t *p, uint64_t blk) {
  return p->prefetch ? (uint32_t)(blk & 1) : 0;
}
/* CBUF slot of an n-tile: ping-pong over the layer's n-tiles, or one slot per
 * n-tile of an N chunk when K is chunked. */
static uint32_t c_slot(const cplan_t *p, const step_t *s) {
  if (p->n_kc == 1) return (uint32_t)(((uint64_t)s->mi * p->n_nt + s->nj) % p->c_slots);
  return s->nj - nstart(p, s->ci);
}

/* ---- emission --------------------------------------------------------------- */

static int emit(cg_t *c, const isa_insn_t *in) {
  isa_word_t w;
  int rc = isa_encode(in, &w, c->err);
  if (!rc) rc = cbin_push_insn(c->out, &w, c->err);
  if (!rc && in->op != ISA_OP_SYNC)
    c->dirty |= in->op == ISA_OP_TPRE ? ISA_SYNC_TPRE
              : (in->op == ISA_OP_LD || in->op == ISA_OP_ST) ? ISA_SYNC_DMA : ISA_SYNC_ARRAY;
  return rc;
}

/* SYNC on the units of mask that have work in flight (none: no SYNC);
 * force = 1 emits mask as given. */
static int sync_units(cg_t *c, uint32_t mask, int force) {
  uint32_t m = force ? mask : mask & c->dirty;
  if (!m) return CODA_OK;
  isa_insn_t in;
  memset(&in, 0, sizeof in);
  in.op = ISA_OP_SYNC;
  in.mask = m;
  int rc = emit(c, &in);
  c->dirty &= ~m;
  for (int u = 0; u < 3; u++)
    if (m & UNIT_BIT[u]) c->epoch[u]++;
  return rc;
}

static int emit_dma(cg_t *c, isa_op_e op, uint32_t buf, uint32_t saddr, uint64_t daddr,
                    uint32_t rows, uint32_t row_bytes, uint64_t stride) {
  isa_insn_t in;
  memset(&in, 0, sizeof in);
  in.op = op;
  in.buf = buf;
  in.saddr = saddr;
  in.daddr = daddr;
  in.rows = rows;
  in.row_bytes = row_bytes;
  in.stride = (uint32_t)stride;
  return emit(c, &in);
}

/* LD the A k-tiles of the row block of s into its ABUF set. */
static int emit_a_loads(cg_t *c, const step_t *s) {
  const cplan_t *p = c->p;
  uint32_t mc = mcur(p, s->mi), set = blk_set(p, s->blk);
  for (uint32_t kj = kstart(p, s->kci); kj < kend(p, s->kci); kj++) {
    uint64_t d = c->a_addr + ((uint64_t)s->mi * p->mt * p->kp + (uint64_t)kj * p->kt) * p->asz;
    uint32_t sa = p->a_base[set] + (kj - kstart(p, s->kci)) * p->a_tile;
    int rc = emit_dma(c, ISA_OP_LD, ISA_BUF_ABUF, sa, d, mc, kcur(p, kj) * p->asz,
                      (uint64_t)p->kp * p->asz);
    if (rc) return rc;
  }
  return CODA_OK;
}

static int emit_tpre1(cg_t *c, uint32_t m, uint32_t k, int ewop, int mk, uint32_t saddr,
                      uint32_t taddr) {
  isa_insn_t in;
  memset(&in, 0, sizeof in);
  in.op = ISA_OP_TPRE;
  in.m = m;
  in.k = k;
  in.atype = (uint32_t)c->p->atype;
  in.ewop = (uint32_t)ewop;
  in.mk = (uint32_t)mk;
  in.tq = mk ? (uint32_t)c->p->tq : 0;
  in.saddr = saddr;
  in.taddr = mk ? taddr : 0;
  return emit(c, &in);
}

/* The precompute of the row block of s: per k-tile, the fused op+tables, or
 * the op then the tables (unfused), or tables only; the MAC core runs only
 * the element-wise op. */
static int emit_tpre(cg_t *c, const step_t *s) {
  const cplan_t *p = c->p;
  uint32_t mc = mcur(p, s->mi), set = blk_set(p, s->blk);
  int lut = p->core == ARCH_CORE_LUT, ew = p->ewop != ISA_EW_NONE;
  for (uint32_t kj = kstart(p, s->kci); kj < kend(p, s->kci); kj++) {
    uint32_t j = kj - kstart(p, s->kci), kc = kcur(p, kj);
    uint32_t sa = p->a_base[set] + j * p->a_tile, ta = p->t_base[set] + j * p->t_tile;
    int rc = CODA_OK;
    if (lut && ew && c->fuse) {
      rc = emit_tpre1(c, mc, kc, p->ewop, 1, sa, ta);
    } else {
      if (ew) rc = emit_tpre1(c, mc, kc, p->ewop, 0, sa, 0);
      if (!rc && lut) rc = emit_tpre1(c, mc, kc, ISA_EW_NONE, 1, sa, ta);
    }
    if (rc) return rc;
  }
  return CODA_OK;
}

/* LD the weight tile of s into WBUF slot h, and its zero points right
 * after it when the instruction will read them (LMMA: only with fin; MMA:
 * always) and the slot does not hold them already. */
static int emit_w_load(cg_t *c, const step_t *s, uint32_t h) {
  const cplan_t *p = c->p;
  uint32_t nc = ncur(p, s->nj), kc = kcur(p, s->kj), W = (uint32_t)p->wbits;
  uint64_t n0 = (uint64_t)s->nj * p->nt, k0 = (uint64_t)s->kj * p->kt;
  uint32_t wa = p->w_base[h], off = nc * W * kc / 8;
  int rc;
  if (c->z_off[h] != off) c->z_nj[h] = -1; /* a tile of another size may cover them */
  if (p->core == ARCH_CORE_LUT) /* rows n*W + b, kp/8 bytes each */
    rc = emit_dma(c, ISA_OP_LD, ISA_BUF_WBUF, wa, c->w_addr + n0 * W * (p->kp / 8) + k0 / 8,
                  nc * W, kc / 8, p->kp / 8);
  else /* rows n, kp*W/8 bytes each */
    rc = emit_dma(c, ISA_OP_LD, ISA_BUF_WBUF, wa,
                  c->w_addr + n0 * ((uint64_t)p->kp * W / 8) + k0 * W / 8, nc, kc * W / 8,
                  (uint64_t)p->kp * W / 8);
  int need = p->core != ARCH_CORE_LUT || s->kj == p->n_kt - 1;
  if (rc || !need || c->z_nj[h] == (int64_t)s->nj) return rc;
  c->z_nj[h] = (int64_t)s->nj;
  c->z_off[h] = off;
  return emit_dma(c, ISA_OP_LD, ISA_BUF_WBUF, wa + off, c->z_addr + n0, 1, nc, nc);
}

static int emit_mm(cg_t *c, const step_t *s, uint32_t h) {
  const cplan_t *p = c->p;
  uint32_t set = blk_set(p, s->blk), j = s->kj - kstart(p, s->kci);
  isa_insn_t in;
  memset(&in, 0, sizeof in);
  in.m = mcur(p, s->mi);
  in.n = ncur(p, s->nj);
  in.k = kcur(p, s->kj);
  in.atype = (uint32_t)p->atype;
  in.wbits = (uint32_t)p->wbits;
  in.acct = (uint32_t)p->acct;
  in.acc = s->kj > 0;
  in.waddr = p->w_base[h];
  in.caddr = c_slot(p, s) * p->c_slot;
  if (p->core == ARCH_CORE_LUT) {
    in.op = ISA_OP_LMMA;
    in.tq = (uint32_t)p->tq;
    in.fin = s->kj == p->n_kt - 1;
    in.taddr = p->t_base[set] + j * p->t_tile;
  } else {
    in.op = ISA_OP_MMA;
    in.aaddr = p->a_base[set] + j * p->a_tile;
  }
  return emit(c, &in);
}

/* A finished n-tile waiting for its store. */
typedef struct pending_st {
  int valid;     /* 1: a store is owed */
  uint32_t mi;   /* its m-tile */
  uint32_t nj;   /* its n-tile */
  uint32_t slot; /* its CBUF slot */
} pending_st_t;

static int emit_st(cg_t *c, pending_st_t *ps) {
  const cplan_t *p = c->p;
  uint32_t mc = mcur(p, ps->mi), nc = ncur(p, ps->nj);
  uint64_t d = c->c_addr + ((uint64_t)ps->mi * p->mt * p->n + (uint64_t)ps->nj * p->nt) * p->accb;
  ps->valid = 0;
  return emit_dma(c, ISA_OP_ST, ISA_BUF_CBUF, ps->slot * p->c_slot, d, mc, nc * p->accb,
                  (uint64_t)p->n * p->accb);
}

/* The instruction stream of one layer. */
static int emit_layer(cg_t *c) {
  const cplan_t *p = c->p;
  const uint32_t ALL = ISA_SYNC_DMA | ISA_SYNC_TPRE | ISA_SYNC_ARRAY;
  uint64_t n_blk = (uint64_t)p->n_mt * p->n_nc * p->n_kc;
  int64_t a_issued = -1, t_issued = -1;  /* last row block whose A LD / TPRE was issued */
  uint64_t a_epoch = 0;                  /* DMA epoch when the last A LD was issued */
  int64_t w_issued = -1;                 /* last step whose weight tile was issued */
  pending_st_t ps = {0, 0, 0, 0};
  int rc = CODA_OK;
  step_t s = step_first(), nx;
  while (s.valid && !rc) {
    nx = s;
    step_next(p, &nx);
    uint32_t h = (uint32_t)(s.idx % p->w_halves), slot = c_slot(p, &s);
    int first = first_of_block(p, &s);
    uint32_t mask = ISA_SYNC_DMA | ISA_SYNC_ARRAY;
    if (first) {
      if (!p->prefetch) {
        /* ABUF/TBUF are reused: wait for everything, then load and build */
        rc = sync_units(c, ALL, 0);
        if (!rc && ps.valid) rc = emit_st(c, &ps);
        if (!rc && w_issued < (int64_t)s.idx) {
          rc = emit_w_load(c, &s, h);
          w_issued = (int64_t)s.idx;
        }
        if (!rc) rc = emit_a_loads(c, &s);
        if (!rc) rc = sync_units(c, ISA_SYNC_DMA, 0);
        if (!rc) rc = emit_tpre(c, &s);
        a_issued = t_issued = (int64_t)s.blk;
      } else {
        if (a_issued < (int64_t)s.blk) { /* the first row block */
          if (w_issued < (int64_t)s.idx) {
            rc = emit_w_load(c, &s, h);
            w_issued = (int64_t)s.idx;
          }
          if (!rc) rc = emit_a_loads(c, &s);
          a_issued = (int64_t)s.blk;
          a_epoch = c->epoch[U_DMA];
        }
        if (!rc && t_issued < (int64_t)s.blk) {
          if (c->epoch[U_DMA] == a_epoch) rc = sync_units(c, ISA_SYNC_DMA, 0);
          if (!rc) rc = emit_tpre(c, &s);
          t_issued = (int64_t)s.blk;
        }
      }
      mask |= ISA_SYNC_TPRE;
    }
    if (!rc && w_issued < (int64_t)s.idx) { /* single WBUF slot: reuse it once the array is idle */
      rc = sync_units(c, ISA_SYNC_ARRAY, 0);
      if (!rc) rc = emit_w_load(c, &s, h);
      w_issued = (int64_t)s.idx;
    }
    if (!rc) rc = sync_units(c, mask, 0);
    if (!rc && ps.valid && ps.slot == slot) { /* one CBUF slot: store before overwriting */
      rc = emit_st(c, &ps);
      if (!rc) rc = sync_units(c, ISA_SYNC_DMA, 0);
    }
    if (!rc) rc = emit_mm(c, &s, h);
    if (!rc && nx.valid && p->w_halves == 2) {
      rc = emit_w_load(c, &nx, (uint32_t)(nx.idx % 2));
      w_issued = (int64_t)nx.idx;
    }
    if (!rc && ps.valid) rc = emit_st(c, &ps);
    if (!rc && p->prefetch && s.blk + 1 < n_blk) {
      step_t nb = block_after(p, &s);
      if (first && a_issued < (int64_t)nb.blk) {
        /* the next row block's A: its ABUF set is free (this block's TPRE and
         * the previous block's MMAs are done: this step's SYNC named both) */
        rc = emit_a_loads(c, &nb);
        a_issued = (int64_t)nb.blk;
        a_epoch = c->epoch[U_DMA];
      } else if (a_issued == (int64_t)nb.blk && t_issued < a_issued &&
                 c->epoch[U_DMA] > a_epoch) {
        /* its A has landed: build its tables into the other TBUF set */
        rc = emit_tpre(c, &nb);
        t_issued = a_issued;
      }
    }
    if (s.kj == p->n_kt - 1) ps = (pending_st_t){1, s.mi, s.nj, slot};
    s = nx;
  }
  if (!rc) rc = sync_units(c, ISA_SYNC_ARRAY, 0);
  if (!rc && ps.valid) rc = emit_st(c, &ps);
  if (!rc) rc = sync_units(c, ALL, 1);
  return rc;
}

/* ---- data ----------------------------------------------------------------------- */

/* Data segments of a functional layer: A padded to kp, re-laid weights, zero
 * points. C needs none (the device writes it). */
static int emit_data(cg_t *c, const wl_gemm_t *g, uint64_t seed, int dist) {
  const cplan_t *p = c->p;
  gemm_data_t d;
  int rc = datagen_gemm(&d, g->m, g->n, g->k, g->atype, g->wbits, seed, (datagen_dist_e)dist,
                        c->err);
  if (rc) return rc;
  uint64_t a_bytes = (uint64_t)p->m * p->kp * p->asz;
  uint64_t w_bytes = relayout_bytes(p->n, p->kp, p->wbits);
  uint8_t *a = calloc(a_bytes, 1), *w = malloc(w_bytes ? w_bytes : 1);
  int8_t *z = malloc(p->n);
  if (!a || !w || !z) {
    free(a); free(w); free(z);
    datagen_free(&d);
    return coda_errf(c->err, CODA_ENOMEM, "%s: out of memory for functional data", g->name);
  }
  for (uint64_t i = 0; i < p->m; i++)
    for (uint64_t j = 0; j < p->k; j++) {
      uint8_t *dst = a + (i * p->kp + j) * p->asz;
      uint64_t src = i * p->k + j;
      if (p->asz == 1) {
        dst[0] = ((const uint8_t *)d.a)[src];
      } else { /* 2-byte activations, little-endian */
        uint16_t v = ((const uint16_t *)d.a)[src];
        dst[0] = (uint8_t)(v & 0xff);
        dst[1] = (uint8_t)(v >> 8);
      }
    }
  rc = relayout_weights(p->core, (uint32_t)c->cfg->core_k, d.q, p->n, p->k, p->kp, p->wbits, w,
                        c->err);
  relayout_zero_points(p->core, d.z, p->n, p->wbits, z);
  datagen_free(&d);
  if (rc) {
    free(a); free(w); free(z);
    return rc;
  }
  /* cbin_push_seg owns the data from here, also on failure */
  rc = cbin_push_seg(c->out, c->a_addr, a_bytes, a, c->err);
  if (rc) {
    free(w); free(z);
    return rc;
  }
  rc = cbin_push_seg(c->out, c->w_addr, w_bytes, w, c->err);
  if (rc) {
    free(z);
    return rc;
  }
  return cbin_push_seg(c->out, c->z_addr, p->n, (uint8_t *)z, c->err);
}

/* ---- entry points ---------------------------------------------------------------- */

void compile_opts_default(compile_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->fuse = 1;
  o->functional = 0;
  o->seed = 1;
  o->dist = DATAGEN_UNIFORM;
}

int compile_program(const arch_cfg_t *cfg, const workload_t *w, const compile_opts_t *o,
                    cbin_t *out, coda_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!w->n_gemm || !w->gemm)
    return coda_errf(err, CODA_EINVAL, "%s: the workload has no layers", w->name);
  if (o->dist < 0 || o->dist >= DATAGEN_COUNT)
    return coda_errf(err, CODA_EINVAL, "compile: data distribution %d is not one of 0..%d",
                     o->dist, DATAGEN_COUNT - 1);
  snprintf(out->arch_name, sizeof out->arch_name, "%s", cfg->name);
  snprintf(out->workload_name, sizeof out->workload_name, "%s", w->name);
  if (o->functional) out->flags |= CBIN_F_DATA;
  uint64_t cur = 0;
  int rc = CODA_OK;
  for (uint32_t i = 0; i < w->n_gemm && !rc; i++) {
    const wl_gemm_t *g = &w->gemm[i];
    cplan_t p;
    rc = cplan_choose(cfg, g, &p, NULL, err);
    if (rc) break;
    cg_t c;
    memset(&c, 0, sizeof c);
    c.cfg = cfg;
    c.p = &p;
    c.out = out;
    c.err = err;
    c.fuse = o->fuse;
    c.z_nj[0] = c.z_nj[1] = -1;
    c.a_addr = rup64(cur, CPLAN_DRAM_ALIGN);
    c.w_addr = rup64(c.a_addr + (uint64_t)p.m * p.kp * p.asz, CPLAN_DRAM_ALIGN);
    c.z_addr = rup64(c.w_addr + relayout_bytes(p.n, p.kp, p.wbits), CPLAN_DRAM_ALIGN);
    c.c_addr = rup64(c.z_addr + p.n, CPLAN_DRAM_ALIGN);
    cur = rup64(c.c_addr + (uint64_t)p.m * p.n * p.accb, CPLAN_DRAM_ALIGN);
    if (cur > CBIN_MAX_DRAM_BYTES) {
      rc = coda_errf(err, CODA_EINVAL, "%s: layer %s: the workload needs more than %llu bytes "
                     "of DRAM", w->name, g->name, (unsigned long long)CBIN_MAX_DRAM_BYTES);
      break;
    }
    cbin_layer_t L;
    memset(&L, 0, sizeof L);
    snprintf(L.name, sizeof L.name, "%s", g->name);
    L.first_insn = out->n_insn;
    L.m = p.m;
    L.n = p.n;
    L.k = p.k;
    L.kp = p.kp;
    L.core = (uint8_t)cfg->core_type;
    L.atype = (uint8_t)p.atype;
    L.wbits = (uint8_t)p.wbits;
    L.acct = (uint8_t)p.acct;
    L.ewop = (uint8_t)p.ewop;
    L.fused = (uint8_t)(p.core == ARCH_CORE_LUT && o->fuse && p.ewop != ISA_EW_NONE);
    L.tq = (uint8_t)p.tq;
    L.dist = (uint8_t)o->dist;
    L.a_addr = c.a_addr;
    L.w_addr = c.w_addr;
    L.z_addr = c.z_addr;
    L.c_addr = c.c_addr;
    L.seed = o->seed + i;
    L.repeat = g->repeat;
    rc = emit_layer(&c);
    if (!rc) {
      L.n_insn = out->n_insn - L.first_insn;
      rc = cbin_push_layer(out, &L, err);
    }
    if (!rc && o->functional) rc = emit_data(&c, g, L.seed, o->dist);
  }
  out->dram_bytes = cur;
  if (!rc) rc = compile_check_program(cfg, out, err);
  if (rc) cbin_free(out);
  return rc;
}
