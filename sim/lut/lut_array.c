/* lut_array.c: the LUT array twin, register for register (see lut_array.h;
 * RTL twin rtl/lut_tc/lut_tc_array.v). */
#include "lut_array.h"

#include <stdlib.h>
#include <string.h>

_Static_assert((1u << LUT_ARRAY_PLANE_W) >= 4, "plane index must cover W1..W4 (ISA_F_WBITS_MAX)");

int lut_array_check(const lut_array_cfg_t *c, coda_err_t *err) {
  if (c->m < 1 || c->n < 1 || c->k < 1 || c->k > 8)
    return coda_errf(err, CODA_EINVAL, "LUT array: shape M%uN%uK%u outside M,N >= 1, 1 <= K <= 8", c->m,
                     c->n, c->k);
  if (c->pipe > LUT_ARRAY_MAX_PIPE)
    return coda_errf(err, CODA_EINVAL, "LUT array: %u pipeline stages, expected at most %u", c->pipe,
                     LUT_ARRAY_MAX_PIPE);
  if (c->entry_w < 2 || c->entry_w > 32 || c->acc_w < 2 || c->acc_w > 64)
    return coda_errf(err, CODA_EINVAL,
                     "LUT array: entry width %u (expected 2..32) or accumulator width %u (2..64)", c->entry_w,
                     c->acc_w);
  return CODA_OK;
}

/* calloc that never returns NULL for a zero count, so NULL means no memory. */
static void *zalloc(size_t count, size_t size) { return calloc(count ? count : 1, size); }

static size_t n_term(const lut_array_cfg_t *c) {
  return c->pipe >= 2 ? (size_t)(c->pipe - 1) * c->m * c->n : 0;
}

static int regs_alloc(lut_array_regs_t *r, const lut_array_cfg_t *c, uint32_t e) {
  size_t s1 = c->pipe >= 1 ? 1 : 0;
  r->ctrl = zalloc(c->pipe, sizeof *r->ctrl);
  r->tbl = zalloc(s1 * c->m * e, sizeof *r->tbl);
  r->fld = zalloc(s1 * c->n, sizeof *r->fld);
  r->term = zalloc(n_term(c), sizeof *r->term);
  r->acc = zalloc((size_t)c->m * c->n, sizeof *r->acc);
  return r->ctrl && r->tbl && r->fld && r->term && r->acc;
}

static void regs_free(lut_array_regs_t *r) {
  free(r->ctrl);
  free(r->tbl);
  free(r->fld);
  free(r->term);
  free(r->acc);
  memset(r, 0, sizeof *r);
}

int lut_array_init(lut_array_t *a, const lut_array_cfg_t *cfg, coda_err_t *err) {
  memset(a, 0, sizeof *a);
  int rc = lut_array_check(cfg, err);
  if (rc) return rc;
  a->cfg = *cfg;
  a->e = 1u << (cfg->k - 1);
  a->tmp = zalloc((size_t)cfg->m * cfg->n, sizeof *a->tmp);
  a->w_tbl = zalloc(cfg->pipe ? 0 : (size_t)cfg->m * a->e, sizeof *a->w_tbl);
  a->w_fld = zalloc(cfg->pipe ? 0 : cfg->n, sizeof *a->w_fld);
  int ok = regs_alloc(&a->reg[0], cfg, a->e);
  ok = regs_alloc(&a->reg[1], cfg, a->e) && ok;
  if (!ok || !a->tmp || !a->w_tbl || !a->w_fld) {
    lut_array_free(a);
    return coda_errf(err, CODA_ENOMEM, "LUT array: out of memory for M%uN%uK%u with %u stages", cfg->m,
                     cfg->n, cfg->k, cfg->pipe);
  }
  return CODA_OK;
}

void lut_array_free(lut_array_t *a) {
  regs_free(&a->reg[0]);
  regs_free(&a->reg[1]);
  free(a->tmp);
  free(a->w_tbl);
  free(a->w_fld);
  a->tmp = a->w_tbl = NULL;
  a->w_fld = NULL;
}

void lut_array_reset(lut_array_t *a) {
  const lut_array_cfg_t *c = &a->cfg;
  size_t s1 = c->pipe >= 1 ? 1 : 0;
  for (int i = 0; i < 2; i++) {
    lut_array_regs_t *r = &a->reg[i];
    memset(r->ctrl, 0, c->pipe * sizeof *r->ctrl);
    r->plane = 0;
    memset(r->tbl, 0, s1 * c->m * a->e * sizeof *r->tbl);
    memset(r->fld, 0, s1 * c->n * sizeof *r->fld);
    memset(r->term, 0, n_term(c) * sizeof *r->term);
    memset(r->acc, 0, (size_t)c->m * c->n * sizeof *r->acc);
    r->done = 0;
  }
}

/* The M x N lookup units (lut_tc_lookup.v): index mux, sign select, shift
 * by the plane. tbl [m][E] and fld [n] as the units' inputs see them. */
static void lookups(const lut_array_t *a, const int64_t *tbl, const uint32_t *fld, uint32_t plane,
                    int64_t *term) {
  const uint32_t m = a->cfg.m, n = a->cfg.n, k = a->cfg.k, e = a->e;
  const uint32_t flip = a->cfg.flip_sign ? 1 : 0;
  for (uint32_t i = 0; i < m; i++) {
    const int64_t *row = tbl + (size_t)i * e;
    int64_t *out = term + (size_t)i * n;
    for (uint32_t j = 0; j < n; j++) {
      uint32_t f = fld[j];
      int64_t t = row[f & (e - 1)];
      uint32_t sign = ((f >> (k - 1)) & 1) ^ flip;
      out[j] = (sign ? t : -t) * ((int64_t)1 << plane);
    }
  }
}

/* The step's inputs as the RTL's wires carry them: entries cut to entry_w
 * (sign-extended), fields to K bits, the plane to LUT_ARRAY_PLANE_W. */
static void wires(const lut_array_t *a, const lut_array_in_t *in, int64_t *tbl, uint32_t *fld,
                  uint32_t *plane) {
  const lut_array_cfg_t *c = &a->cfg;
  for (size_t i = 0; i < (size_t)c->m * a->e; i++) tbl[i] = lut_sext((uint64_t)in->tbl[i], c->entry_w);
  for (uint32_t j = 0; j < c->n; j++) fld[j] = in->fld[j] & ((1u << c->k) - 1);
  *plane = in->plane & ((1u << LUT_ARRAY_PLANE_W) - 1);
}

void lut_array_eval(lut_array_t *a, const lut_array_in_t *in) {
  const lut_array_cfg_t *c = &a->cfg;
  const lut_array_regs_t *q = &a->reg[a->cur];
  lut_array_regs_t *d = &a->reg[a->cur ^ 1];
  const size_t mn = (size_t)c->m * c->n, me = (size_t)c->m * a->e;
  const uint32_t P = c->pipe;
  const uint8_t in_ctrl = in->valid ? (uint8_t)(LUT_ARRAY_CTRL_VALID | (in->first ? LUT_ARRAY_CTRL_FIRST : 0) |
                                                (in->last ? LUT_ARRAY_CTRL_LAST : 0))
                                    : 0;

  a->st.steps += in->valid ? 1 : 0;

  /* control: the step's bits enter stage 1 and move one stage per clock */
  if (P >= 1) d->ctrl[0] = in_ctrl;
  for (uint32_t s = 2; s <= P; s++) d->ctrl[s - 1] = q->ctrl[s - 2];

  /* stage 1: table storage and weight fields, loaded by a valid step */
  if (P >= 1) {
    if (in->valid) wires(a, in, d->tbl, d->fld, &d->plane);
    else {
      memcpy(d->tbl, q->tbl, me * sizeof *d->tbl);
      memcpy(d->fld, q->fld, c->n * sizeof *d->fld);
      d->plane = q->plane;
    }
  }

  /* stage 2: the lookup units' outputs; stages 3..P: delay registers */
  for (uint32_t s = 2; s <= P; s++) {
    int64_t *dst = d->term + (size_t)(s - 2) * mn;
    if (!(q->ctrl[s - 2] & LUT_ARRAY_CTRL_VALID)) memcpy(dst, q->term + (size_t)(s - 2) * mn, mn * sizeof *dst);
    else if (s == 2) lookups(a, q->tbl, q->fld, q->plane, dst);
    else memcpy(dst, q->term + (size_t)(s - 3) * mn, mn * sizeof *dst);
  }

  /* accumulators: from 0 on `first`, else acc + term, wrapping at acc_w */
  const uint8_t ac = P ? q->ctrl[P - 1] : in_ctrl;
  if (ac & LUT_ARRAY_CTRL_VALID) {
    const int64_t *term = a->tmp;
    if (P >= 2) term = q->term + (size_t)(P - 2) * mn;
    else if (P == 1) lookups(a, q->tbl, q->fld, q->plane, a->tmp);
    else {
      uint32_t plane = 0; /* no stage: the step's own wires drive the lookups */
      wires(a, in, a->w_tbl, a->w_fld, &plane);
      lookups(a, a->w_tbl, a->w_fld, plane, a->tmp);
    }
    for (size_t i = 0; i < mn; i++) {
      uint64_t base = (ac & LUT_ARRAY_CTRL_FIRST) ? 0 : (uint64_t)q->acc[i];
      d->acc[i] = lut_sext(base + (uint64_t)term[i], c->acc_w);
    }
  } else {
    memcpy(d->acc, q->acc, mn * sizeof *d->acc);
  }
  d->done = (ac & LUT_ARRAY_CTRL_LAST) ? 1 : 0;
}

void lut_array_commit(lut_array_t *a) {
  a->cur ^= 1;
  const lut_array_regs_t *q = &a->reg[a->cur];
  a->st.cycles++;
  a->st.blocks += q->done;
}

void lut_array_step(lut_array_t *a, const lut_array_in_t *in) {
  lut_array_eval(a, in);
  lut_array_commit(a);
}
