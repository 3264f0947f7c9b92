/* tpe_bs.c: the OPT3/OPT4C bit-slice array, clock by clock (see tpe_bs.h).
 * RTL twin: rtl/tpe/tpe_bs_core.v. */
#include "tpe_bs.h"

#include <string.h>

#define SC_MASK ((1u << TPE_BS_SC_BITS) - 1u)

static int32_t sext(uint32_t v, uint32_t width) {
  uint32_t s = 1u << (width - 1);
  v &= (width >= 32) ? 0xffffffffu : (1u << width) - 1u;
  return (int32_t)((v ^ s) - s);
}

tpe_bs_cfg_t tpe_bs_cfg_of(const arch_cfg_t *arch) {
  tpe_bs_cfg_t c = {(uint32_t)arch->tpe_bs_rows, (uint32_t)arch->tpe_bs_cols, (uint32_t)arch->tpe_bs_depth,
                    (tpe_bs_variant_e)arch->tpe_bs_variant, (tpe_enc_e)arch->tpe_encoding};
  return c;
}

int tpe_bs_check(const tpe_bs_cfg_t *c, coda_err_t *err) {
  if (c->rows < 1 || c->rows > TPE_BS_MAX_R || c->cols < 1 || c->cols > TPE_BS_MAX_C)
    return coda_errf(err, CODA_EINVAL, "tpe bit-slice: tpe.bs_rows=%u x tpe.bs_cols=%u outside 1..%d x 1..%d",
                     c->rows, c->cols, TPE_BS_MAX_R, TPE_BS_MAX_C);
  if (c->depth < 1 || c->depth > TPE_BS_MAX_DEPTH)
    return coda_errf(err, CODA_EINVAL, "tpe bit-slice: tpe.bs_depth=%u outside 1..%d", c->depth, TPE_BS_MAX_DEPTH);
  if ((unsigned)c->variant > TPE_BS_OPT4C || (unsigned)c->enc > TPE_ENC_ENT)
    return coda_errf(err, CODA_EINVAL, "tpe bit-slice: variant %u / encoding %u, expected opt3|opt4c and mbe|ent",
                     (unsigned)c->variant, (unsigned)c->enc);
  return CODA_OK;
}

const char *tpe_bs_variant_name(tpe_bs_variant_e v) { return v == TPE_BS_OPT3 ? "opt3" : "opt4c"; }

int tpe_bs_init(tpe_bs_t *t, const tpe_bs_cfg_t *cfg, coda_err_t *err) {
  memset(t, 0, sizeof *t);
  int rc = tpe_bs_check(cfg, err);
  if (rc) return rc;
  t->cfg = *cfg;
  return CODA_OK;
}

void tpe_bs_reset(tpe_bs_t *t) { memset(t->reg, 0, sizeof t->reg); }

int tpe_bs_ready(const tpe_bs_t *t) {
  const tpe_bs_regs_t *q = &t->reg[t->cur];
  for (uint32_t c = 0; c < t->cfg.cols; c++)
    if (q->col[c].count >= t->cfg.depth) return 0;
  return 1;
}

unsigned tpe_bs_nzmask(tpe_enc_e e, const int8_t a[TPE_BS_G], unsigned bw) {
  unsigned m = 0;
  for (unsigned j = 0; j < TPE_BS_G; j++) {
    tpe_digit_t d[TPE_ENC_DIGITS];
    tpe_enc_digits(e, a[j], d);
    m |= (unsigned)(d[bw & 3].one | d[bw & 3].two) << j;
  }
  return m;
}

/* Column c's copy of a beat: its own A values and every row's B. */
static void keep(tpe_bs_beat_t *dst, const tpe_bs_beat_t *src, uint32_t c, uint32_t rows) {
  memset(dst, 0, sizeof *dst);
  dst->first = src->first & 1u;
  dst->last = src->last & 1u;
  dst->bw = src->bw & 3u;
  memcpy(dst->a[c], src->a[c], TPE_BS_G);
  memcpy(dst->b, src->b, (size_t)rows * TPE_BS_G);
}

void tpe_bs_eval(tpe_bs_t *t, const tpe_bs_in_t *in) {
  const tpe_bs_cfg_t *cf = &t->cfg;
  const tpe_bs_regs_t *q = &t->reg[t->cur];
  tpe_bs_regs_t *d = &t->reg[t->cur ^ 1];
  const uint32_t R = cf->rows, C = cf->cols;
  *d = *q;

  const int push = in->valid && tpe_bs_ready(t);
  int all_wait = 1;
  for (uint32_t c = 0; c < C; c++) all_wait &= q->col[c].wait;
  if (push) t->st.beats++;

  for (uint32_t c = 0; c < C; c++) {
    const tpe_bs_col_regs_t *qc = &q->col[c];
    tpe_bs_col_regs_t *dc = &d->col[c];
    const tpe_bs_beat_t *h = &qc->fifo[0];
    const int has = qc->count > 0 && !qc->wait;
    int pop = 0;

    /* shift/add outside the PEs: the pass that ended last cycle */
    dc->fin = 0;
    if (qc->fin)
      for (uint32_t r = 0; r < R; r++) {
        int32_t pass = sext(q->sum[r][c] + q->carry[r][c], TPE_BS_SC_BITS);
        d->res[r][c] = (qc->fin_bw == 0 ? 0u : q->res[r][c]) + ((uint32_t)pass << (2u * qc->fin_bw));
      }

    if (has) {
      t->st.busy[c]++;
      tpe_digit_t dig[TPE_BS_G][TPE_ENC_DIGITS];
      for (unsigned j = 0; j < TPE_BS_G; j++) tpe_enc_digits(cf->enc, h->a[c][j], dig[j]);
      unsigned m = qc->busy ? qc->rem : tpe_bs_nzmask(cf->enc, h->a[c], h->bw);
      unsigned sel = 0;
      while (sel < TPE_BS_G - 1 && !((m >> sel) & 1u)) sel++;
      const unsigned any = m != 0;
      const unsigned rest = m & ~(any << sel);
      const int clr = h->first && !qc->busy;
      const tpe_digit_t dg = any ? dig[sel][h->bw] : (tpe_digit_t){0, 0, 0};
      for (uint32_t r = 0; r < R; r++) { /* the PE: mux + 3:2 compressor */
        int32_t b = h->b[r][sel];
        int32_t mg = dg.one ? b : dg.two ? 2 * b : 0;
        uint32_t pp = (uint32_t)(dg.neg ? ~mg : mg) & SC_MASK;
        uint32_t x = clr ? 0 : q->sum[r][c], y = clr ? 0 : q->carry[r][c];
        d->sum[r][c] = (x ^ y ^ pp) & SC_MASK;
        d->carry[r][c] = ((((x & y) | (x & pp) | (y & pp)) << 1) | dg.neg) & SC_MASK;
      }
      if (rest == 0) {
        pop = 1;
        dc->busy = 0;
        dc->rem = 0;
        dc->fin = h->last;
        dc->fin_bw = h->bw;
        if (h->last && h->bw == 3) dc->wait = 1;
      } else {
        dc->busy = 1;
        dc->rem = (uint8_t)rest;
      }
    }
    if (all_wait) dc->wait = 0;

    /* the FIFO: pop shifts down (the top entry keeps its value), push at count - pop */
    if (pop)
      for (uint32_t i = 0; i + 1 < cf->depth; i++) dc->fifo[i] = qc->fifo[i + 1];
    if (push) keep(&dc->fifo[qc->count - pop], in->beat, c, R);
    dc->count = (uint8_t)(qc->count - pop + push);
  }
  d->done = (uint8_t)all_wait;
}

void tpe_bs_commit(tpe_bs_t *t) {
  t->cur ^= 1;
  t->st.cycles++;
  t->st.blocks += t->reg[t->cur].done;
}
