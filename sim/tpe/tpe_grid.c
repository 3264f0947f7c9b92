/* tpe_grid.c: the PE-grid TPEs (os, ws, matrix), clock by clock, in their
 * three MAC variants (see tpe_grid.h). RTL twin: rtl/tpe/tpe_grid_core.v. */
#include "tpe_grid.h"

#include <stdlib.h>
#include <string.h>

#define DIG_MASK ((1u << TPE_GRID_DIG_BITS) - 1)

tpe_grid_cfg_t tpe_grid_cfg_of(const arch_cfg_t *arch) {
  tpe_grid_cfg_t c = {(tpe_grid_e)arch->tpe_grid, (uint32_t)arch->tpe_rows, (uint32_t)arch->tpe_cols,
                      (tpe_variant_e)arch->tpe_variant, (tpe_enc_e)arch->tpe_encoding};
  return c;
}

int tpe_grid_check(const tpe_grid_cfg_t *c, coda_err_t *err) {
  if (c->rows < 1 || c->rows > TPE_GRID_MAX)
    return coda_errf(err, CODA_EINVAL, "tpe grid: tpe.rows=%u outside 1..%d", c->rows, TPE_GRID_MAX);
  if (c->cols < 1 || c->cols > TPE_GRID_MAX)
    return coda_errf(err, CODA_EINVAL, "tpe grid: tpe.cols=%u outside 1..%d", c->cols, TPE_GRID_MAX);
  if ((unsigned)c->grid > TPE_GRID_MATRIX)
    return coda_errf(err, CODA_EINVAL, "tpe grid: tpe.grid=%u, expected os|ws|matrix (0..2)", (unsigned)c->grid);
  if ((unsigned)c->variant > TPE_VARIANT_OPT2)
    return coda_errf(err, CODA_EINVAL, "tpe grid: tpe.variant=%u, expected base|opt1|opt2 (0..2)",
                     (unsigned)c->variant);
  if ((unsigned)c->enc > TPE_ENC_ENT)
    return coda_errf(err, CODA_EINVAL, "tpe grid: tpe.encoding=%u, expected mbe|ent (0..1)", (unsigned)c->enc);
  return CODA_OK;
}

const char *tpe_grid_name(tpe_grid_e g) { return g == TPE_GRID_OS ? "os" : g == TPE_GRID_WS ? "ws" : "matrix"; }

uint32_t tpe_grid_row_bits(uint32_t rows) {
  uint32_t b = 1;
  while ((1u << b) < rows) b++;
  return b;
}

uint32_t tpe_grid_a_bits(const tpe_grid_cfg_t *c) {
  return c->variant == TPE_VARIANT_OPT2 ? TPE_GRID_DIG_BITS : TPE_TREE_OP_BITS;
}

uint16_t tpe_grid_digits(tpe_enc_e e, int8_t a) {
  tpe_digit_t d[TPE_ENC_DIGITS];
  tpe_enc_digits(e, a, d);
  uint16_t v = 0;
  for (int bw = 0; bw < TPE_ENC_DIGITS; bw++)
    v |= (uint16_t)((d[bw].neg | d[bw].one << 1 | d[bw].two << 2) << (3 * bw));
  return v;
}

/* The digits of a PE's A register: decoded from 8 bits by the PE's own
 * encoder (base, opt1) or unpacked from opt2's travelling digit vector. */
static void digits_of(const tpe_grid_cfg_t *c, uint16_t a, tpe_digit_t d[TPE_ENC_DIGITS]) {
  if (c->variant != TPE_VARIANT_OPT2) {
    tpe_enc_digits(c->enc, (int8_t)(uint8_t)a, d);
    return;
  }
  for (int bw = 0; bw < TPE_ENC_DIGITS; bw++) {
    unsigned w = (a >> (3 * bw)) & 7u;
    d[bw].neg = (uint8_t)(w & 1u), d[bw].one = (uint8_t)((w >> 1) & 1u), d[bw].two = (uint8_t)(w >> 2);
  }
}

/* tpe_grid_pe: one product added to the incoming (sum, carry). base: sum +
 * the multiplier's exact product, a CPA (carry stays 0); opt1/opt2: the
 * 5 x 16 beat tree over the biased partial products and the neg vector,
 * then the 5 x 32 tree {beat sum, beat carry, sum, carry, bias}. */
static void pe(const tpe_grid_cfg_t *c, uint16_t a, int8_t b, uint32_t sum, uint32_t carry, uint32_t *sum_o,
               uint32_t *carry_o) {
  tpe_digit_t d[TPE_ENC_DIGITS];
  digits_of(c, a, d);
  if (c->variant == TPE_VARIANT_BASE) {
    *sum_o = sum + (uint32_t)tpe_mul(d, b);
    *carry_o = 0;
    return;
  }
  uint32_t ops[TPE_ENC_DIGITS + 1], s, cy;
  for (int bw = 0; bw < TPE_ENC_DIGITS; bw++) ops[bw] = tpe_pp_biased(d[bw], b, bw);
  ops[TPE_ENC_DIGITS] = tpe_negvec(d);
  tpe_tree_csa(ops, TPE_ENC_DIGITS + 1, tpe_tree_opt1_beat_bits(1), &s, &cy);
  uint32_t acc[5] = {s, cy, sum, carry, tpe_tree_opt1_bias(1)};
  tpe_tree_csa(acc, 5, TPE_TREE_ACC_BITS, sum_o, carry_o);
}

int tpe_grid_init(tpe_grid_t *g, const tpe_grid_cfg_t *cfg, coda_err_t *err) {
  memset(g, 0, sizeof *g);
  int rc = tpe_grid_check(cfg, err);
  if (rc) return rc;
  g->cfg = *cfg;
  return CODA_OK;
}

void tpe_grid_reset(tpe_grid_t *g) { memset(g->reg, 0, sizeof g->reg); }

/* An accumulating PE (os, matrix): on valid, (first ? 0 : acc) + a * b. */
static void accumulate(tpe_grid_t *g, tpe_grid_regs_t *d, const tpe_grid_regs_t *q, uint32_t r, uint32_t col,
                       uint16_t a, int8_t b, uint8_t ctrl) {
  if (!(ctrl & TPE_GRID_CTRL_VALID)) {
    d->acc[r][col] = q->acc[r][col];
    d->carry[r][col] = q->carry[r][col];
    return;
  }
  const int clr = (ctrl & TPE_GRID_CTRL_FIRST) != 0;
  pe(&g->cfg, a, b, clr ? 0 : q->acc[r][col], clr ? 0 : q->carry[r][col], &d->acc[r][col], &d->carry[r][col]);
  g->st.macs++;
}

void tpe_grid_eval(tpe_grid_t *g, const tpe_grid_in_t *in) {
  const tpe_grid_cfg_t *c = &g->cfg;
  const tpe_grid_regs_t *q = &g->reg[g->cur];
  tpe_grid_regs_t *d = &g->reg[g->cur ^ 1];
  const uint32_t R = c->rows, C = c->cols;
  const int opt = c->variant != TPE_VARIANT_BASE;

  /* the left edge: A as 8 bits, or opt2's shared encoder's digits; the
   * control as registered (first, last only with valid; ws: valid only) */
  uint16_t ea[TPE_GRID_MAX];
  uint8_t ec[TPE_GRID_MAX];
  for (uint32_t r = 0; r < R; r++) {
    ea[r] = c->variant == TPE_VARIANT_OPT2 ? tpe_grid_digits(c->enc, in->a[r]) : (uint8_t)in->a[r];
    const uint8_t v = in->ctrl[r] & TPE_GRID_CTRL_VALID;
    ec[r] = c->grid == TPE_GRID_WS ? v : v ? (uint8_t)(in->ctrl[r] & 7u) : 0;
  }

  switch (c->grid) {
    case TPE_GRID_OS:
      for (uint32_t r = 0; r < R; r++)
        for (uint32_t col = 0; col < C; col++) {
          const uint16_t sa = col ? q->a[r][col - 1] : ea[r];
          const uint8_t sc = col ? q->ctrl[r][col - 1] : ec[r];
          d->ctrl[r][col] = sc;
          d->a[r][col] = (sc & TPE_GRID_CTRL_VALID) ? sa : q->a[r][col];
          d->b[r][col] = r ? q->b[r - 1][col] : in->b[col];
          accumulate(g, d, q, r, col, q->a[r][col], q->b[r][col], q->ctrl[r][col]);
        }
      break;
    case TPE_GRID_MATRIX:
      for (uint32_t r = 0; r < R; r++) {
        d->ctrl[r][0] = ec[r];
        d->a[r][0] = (ec[r] & TPE_GRID_CTRL_VALID) ? ea[r] : q->a[r][0];
      }
      for (uint32_t col = 0; col < C; col++) d->b[0][col] = in->b[col];
      for (uint32_t r = 0; r < R; r++)
        for (uint32_t col = 0; col < C; col++) accumulate(g, d, q, r, col, q->a[r][0], q->b[0][col], q->ctrl[r][0]);
      break;
    case TPE_GRID_WS:
      for (uint32_t r = 0; r < R; r++)
        for (uint32_t col = 0; col < C; col++) {
          const uint16_t sa = col ? q->a[r][col - 1] : ea[r];
          const uint8_t sv = col ? q->ctrl[r][col - 1] : ec[r];
          d->ctrl[r][col] = sv;
          d->a[r][col] = sv ? sa : q->a[r][col];
          d->b[r][col] = in->wload ? (r ? q->b[r - 1][col] : in->b[col]) : q->b[r][col];
          const uint32_t s = r ? q->acc[r - 1][col] : 0, cy = r ? q->carry[r - 1][col] : 0;
          if (q->ctrl[r][col]) {
            pe(c, q->a[r][col], q->b[r][col], s, cy, &d->acc[r][col], &d->carry[r][col]);
            g->st.macs++;
          } else {
            d->acc[r][col] = s, d->carry[r][col] = cy;
          }
          d->psv[r][col] = r ? q->psv[r - 1][col] : q->ctrl[0][col];
        }
      if (opt) /* the bottom CPAs */
        for (uint32_t col = 0; col < C; col++) {
          d->res_valid[col] = q->psv[R - 1][col];
          d->res[col] = q->psv[R - 1][col] ? q->acc[R - 1][col] + q->carry[R - 1][col] : q->res[col];
        }
      return;
  }

  /* os, matrix: the read-out (one CPA per column for opt1/opt2) */
  const uint32_t row = in->rd_row & ((1u << tpe_grid_row_bits(R)) - 1);
  d->res_valid[0] = in->rd ? 1 : 0;
  for (uint32_t col = 0; col < C; col++)
    d->res[col] = !in->rd ? q->res[col] : row >= R ? 0 : q->acc[row][col] + (opt ? q->carry[row][col] : 0);
}

void tpe_grid_commit(tpe_grid_t *g) {
  g->cur ^= 1;
  g->st.cycles++;
  const tpe_grid_regs_t *q = &g->reg[g->cur];
  const tpe_grid_cfg_t *c = &g->cfg;
  if (c->grid != TPE_GRID_WS) {
    g->st.outputs += q->res_valid[0];
    return;
  }
  for (uint32_t col = 0; col < c->cols; col++)
    g->st.outputs += c->variant == TPE_VARIANT_BASE ? q->psv[c->rows - 1][col] : q->res_valid[col];
}

/* ---- one fold, fed and read out ------------------------------------------ */

int tpe_grid_gemm(const tpe_grid_cfg_t *cfg, uint32_t t, const int8_t *a, const int8_t *b, int32_t *out,
                  uint64_t *cycles, coda_err_t *err) {
  int rc = tpe_grid_check(cfg, err);
  if (rc) return rc;
  if (t == 0) return coda_errf(err, CODA_EINVAL, "tpe grid gemm: the temporal dimension is 0");
  tpe_grid_t *g = malloc(sizeof *g);
  if (!g) return coda_errf(err, CODA_ENOMEM, "tpe grid gemm: out of memory");
  tpe_grid_init(g, cfg, err);
  const uint32_t R = cfg->rows, C = cfg->cols;
  const int ws = cfg->grid == TPE_GRID_WS, os = cfg->grid == TPE_GRID_OS;
  int8_t ea[TPE_GRID_MAX], eb[TPE_GRID_MAX];
  uint8_t ec[TPE_GRID_MAX];
  uint32_t got[TPE_GRID_MAX] = {0}; /* ws: results collected per column */
  uint32_t rows_read = 0;
  uint64_t cyc = 0;
  const uint64_t limit = (uint64_t)t + 2 * R + C + 8; /* past every formula: a model bug */
  for (;; cyc++) {
    if (cyc == limit) {
      free(g);
      return coda_errf(err, CODA_ECHECK, "tpe grid gemm: %s results incomplete after %llu cycles",
                       tpe_grid_name(cfg->grid), (unsigned long long)limit);
    }
    tpe_grid_in_t in = {ea, ec, eb, 0, 0, 0};
    for (uint32_t r = 0; r < R; r++) {
      /* os, ws: row r skewed by r; matrix: no skew; ws starts in cycle R-1 */
      const int64_t k = (int64_t)cyc - (os ? r : ws ? (int64_t)R - 1 + r : 0);
      const int on = k >= 0 && k < (int64_t)t;
      ea[r] = on ? (ws ? a[(size_t)k * R + r] : a[(size_t)r * t + (size_t)k]) : 0;
      ec[r] = on ? (uint8_t)(TPE_GRID_CTRL_VALID | (k == 0 ? TPE_GRID_CTRL_FIRST : 0) |
                             (k + 1 == (int64_t)t ? TPE_GRID_CTRL_LAST : 0))
                 : 0;
    }
    for (uint32_t col = 0; col < C; col++) {
      if (ws) { /* weights, bottom row first */
        eb[col] = cyc < R ? b[(size_t)(R - 1 - cyc) * C + col] : 0;
      } else {
        const int64_t k = (int64_t)cyc - (os ? col : 0);
        eb[col] = k >= 0 && k < (int64_t)t ? b[(size_t)k * C + col] : 0;
      }
    }
    /* read-out: os row r as soon as it is complete (cycle t + C + r),
     * matrix rows in cycles t + 1 .. t + R */
    const uint64_t rd0 = os ? (uint64_t)t + C : (uint64_t)t + 1;
    in.wload = ws && cyc < R;
    in.rd = !ws && cyc >= rd0 && cyc < rd0 + R;
    in.rd_row = in.rd ? (uint32_t)(cyc - rd0) : 0;
    tpe_grid_eval(g, &in);
    tpe_grid_commit(g);
    const tpe_grid_regs_t *q = tpe_grid_regs(g);
    if (!ws) {
      if (q->res_valid[0]) {
        for (uint32_t col = 0; col < C; col++) out[(size_t)in.rd_row * C + col] = (int32_t)q->res[col];
        if (++rows_read == R) break;
      }
      continue;
    }
    uint32_t done = 0;
    for (uint32_t col = 0; col < C; col++) {
      const int v = cfg->variant == TPE_VARIANT_BASE ? q->psv[R - 1][col] : q->res_valid[col];
      const uint32_t x = cfg->variant == TPE_VARIANT_BASE ? q->acc[R - 1][col] : q->res[col];
      if (v && got[col] < t) out[(size_t)got[col]++ * C + col] = (int32_t)x;
      done += got[col] == t;
    }
    if (done == C) break;
  }
  *cycles = cyc + 1;
  free(g);
  return CODA_OK;
}
