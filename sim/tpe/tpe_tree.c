/* tpe_tree.c: the multiplier-adder tree (M = 1) and the 3D-Cube (M > 1),
 * clock by clock, in its three variants (see tpe_tree.h). RTL twin:
 * rtl/tpe/tpe_tree_core.v. */
#include "tpe_tree.h"

#include <string.h>

#define MAX_OPS (5 * TPE_TREE_MAX_K) /* opt1's per-beat tree: 4K pps, K neg vectors */

static uint32_t clog2(uint32_t v) {
  uint32_t b = 0;
  while ((1u << b) < v) b++;
  return b;
}

static uint32_t mask_of(uint32_t width) { return width >= 32 ? 0xffffffffu : (1u << width) - 1; }

/* v's low `width` bits, sign-extended to 32. */
static int32_t sext(uint32_t v, uint32_t width) {
  uint32_t s = 1u << (width - 1);
  v &= mask_of(width);
  return (int32_t)((v ^ s) - s);
}

tpe_tree_cfg_t tpe_tree_cfg_of(const arch_cfg_t *arch) {
  tpe_tree_cfg_t c = {(uint32_t)arch->tpe_k, (uint32_t)arch->tpe_n, (tpe_variant_e)arch->tpe_variant,
                      (tpe_enc_e)arch->tpe_encoding, (uint32_t)arch->tpe_m};
  return c;
}

int tpe_tree_check(const tpe_tree_cfg_t *c, coda_err_t *err) {
  if (c->m < 1 || c->m > TPE_TREE_MAX_M)
    return coda_errf(err, CODA_EINVAL, "tpe tree: M%u (tpe.m) outside 1 <= M <= %d", c->m, TPE_TREE_MAX_M);
  if (c->k < 1 || c->k > TPE_TREE_MAX_K || c->n < 1 || c->n > TPE_TREE_MAX_N)
    return coda_errf(err, CODA_EINVAL, "tpe tree: K%u x N%u outside 1 <= K <= %d, 1 <= N <= %d", c->k,
                     c->n, TPE_TREE_MAX_K, TPE_TREE_MAX_N);
  if ((unsigned)c->variant > TPE_VARIANT_OPT2 || (unsigned)c->enc > TPE_ENC_ENT)
    return coda_errf(err, CODA_EINVAL, "tpe tree: variant %u / encoding %u, expected base|opt1|opt2 and mbe|ent",
                     (unsigned)c->variant, (unsigned)c->enc);
  return CODA_OK;
}

uint32_t tpe_tree_narrow_bits(uint32_t k) { return TPE_TREE_PP_BITS + clog2(k); }

uint32_t tpe_tree_opt1_beat_bits(uint32_t k) { return TPE_TREE_PROD_BITS + clog2(k); }

const char *tpe_variant_name(tpe_variant_e v) {
  return v == TPE_VARIANT_BASE ? "base" : v == TPE_VARIANT_OPT1 ? "opt1" : "opt2";
}

int tpe_tree_init(tpe_tree_t *t, const tpe_tree_cfg_t *cfg, coda_err_t *err) {
  memset(t, 0, sizeof *t);
  int rc = tpe_tree_check(cfg, err);
  if (rc) return rc;
  t->cfg = *cfg;
  return CODA_OK;
}

void tpe_tree_reset(tpe_tree_t *t) { memset(t->reg, 0, sizeof t->reg); }

void tpe_tree_csa(uint32_t *ops, uint32_t n, uint32_t width, uint32_t *s, uint32_t *c) {
  const uint32_t m = mask_of(width);
  while (n > 2) { /* one level: 3:2 compressors on triples, leftovers after */
    uint32_t g = n / 3, out = 0;
    for (uint32_t i = 0; i < g; i++) {
      uint32_t x = ops[3 * i], y = ops[3 * i + 1], z = ops[3 * i + 2];
      ops[out++] = (x ^ y ^ z) & m;
      ops[out++] = (((x & y) | (x & z) | (y & z)) << 1) & m;
    }
    for (uint32_t i = 3 * g; i < n; i++) ops[out++] = ops[i];
    n = out;
  }
  *s = n >= 1 ? ops[0] & m : 0;
  *c = n >= 2 ? ops[1] & m : 0;
}

/* tpe_tree_ppgen: digit d's partial product of b, (neg ? ~m : m), m = |d| b,
 * as a 9-bit signed value; the +1 of a negation is the separate neg bit. */
int32_t tpe_pp(tpe_digit_t d, int8_t b) {
  int32_t m = d.one ? b : d.two ? 2 * b : 0;
  return d.neg ? ~m : m;
}

uint32_t tpe_tree_opt1_bias(uint32_t k) {
  uint32_t per_mul = 0; /* the sign weights 2^(8 + 2bw) of one multiplier's four partial products */
  for (int bw = 0; bw < TPE_ENC_DIGITS; bw++) per_mul += 1u << (TPE_TREE_PP_BITS - 1 + 2 * bw);
  return 0u - k * per_mul; /* modulo 2^32 */
}

/* opt1's partial-product operand: pp with its sign bit inverted, 9 bits
 * unsigned (pp + 2^8), at weight 4^bw; the -2^8 4^bw goes into the bias. */
uint32_t tpe_pp_biased(tpe_digit_t d, int8_t b, int bw) {
  const uint32_t m = mask_of(TPE_TREE_PP_BITS), sb = 1u << (TPE_TREE_PP_BITS - 1);
  return (((uint32_t)tpe_pp(d, b) & m) ^ sb) << (2 * bw);
}

/* The neg bits of a's digits at their weights 4^bw: one vector. */
uint32_t tpe_negvec(const tpe_digit_t d[TPE_ENC_DIGITS]) {
  uint32_t v = 0;
  for (int bw = 0; bw < TPE_ENC_DIGITS; bw++) v |= (uint32_t)d[bw].neg << (2 * bw);
  return v;
}

/* tpe_tree_mul (base): digits -> 4 pps + neg vector -> 16-bit carry-save
 * tree -> CPA: the exact product. */
int32_t tpe_mul(const tpe_digit_t d[TPE_ENC_DIGITS], int8_t b) {
  uint32_t ops[TPE_ENC_DIGITS + 1], s, c;
  for (int bw = 0; bw < TPE_ENC_DIGITS; bw++) ops[bw] = (uint32_t)tpe_pp(d[bw], b) << (2 * bw);
  ops[TPE_ENC_DIGITS] = tpe_negvec(d);
  tpe_tree_csa(ops, TPE_ENC_DIGITS + 1, TPE_TREE_PROD_BITS, &s, &c);
  return sext(s + c, TPE_TREE_PROD_BITS);
}

void tpe_tree_eval(tpe_tree_t *t, const tpe_tree_in_t *in) {
  const tpe_tree_cfg_t *c = &t->cfg;
  const tpe_tree_regs_t *q = &t->reg[t->cur];
  tpe_tree_regs_t *d = &t->reg[t->cur ^ 1];
  const uint32_t M = c->m, K = c->k, N = c->n;
  *d = *q;
  t->st.beats += in->valid ? 1 : 0;

  /* stage 1 */
  d->ctrl = in->valid ? (uint8_t)(TPE_TREE_CTRL_VALID | (in->first ? TPE_TREE_CTRL_FIRST : 0) |
                                  (in->last ? TPE_TREE_CTRL_LAST : 0))
                      : 0;
  if (in->valid) {
    memcpy(d->a, in->a, (size_t)M * K);
    memcpy(d->b, in->b, (size_t)N * K);
  }

  /* the beat in stage 1, through the variant's datapath; output (m, n) is
   * row m's activations against column n's weights */
  const int en = q->ctrl & TPE_TREE_CTRL_VALID, clr = (q->ctrl & TPE_TREE_CTRL_FIRST) != 0;
  const uint8_t last = (q->ctrl & TPE_TREE_CTRL_LAST) ? 1 : 0;
  tpe_digit_t dig[TPE_TREE_MAX_M * TPE_TREE_MAX_K][TPE_ENC_DIGITS]; /* a_q[m][k]'s digits at m*K+k */
  for (uint32_t i = 0; i < M * K; i++) tpe_enc_digits(c->enc, q->a[i], dig[i]);
  uint32_t ops[MAX_OPS], s, cy;

  switch (c->variant) {
    case TPE_VARIANT_BASE:
      d->done = last;
      if (!en) break;
      for (uint32_t m = 0; m < M; m++)
        for (uint32_t n = 0; n < N; n++) {
          int32_t sum = 0; /* tpe_tree_addtree: exact */
          for (uint32_t k = 0; k < K; k++) sum += tpe_mul(dig[m * K + k], q->b[n * K + k]);
          d->res[m * N + n] = (clr ? 0u : q->res[m * N + n]) + (uint32_t)sum;
        }
      break;
    case TPE_VARIANT_OPT1: {
      const uint32_t bias = tpe_tree_opt1_bias(K), nb = tpe_tree_opt1_beat_bits(K);
      d->fin = last;
      d->done = q->fin;
      if (q->fin)
        for (uint32_t i = 0; i < M * N; i++) d->res[i] = q->sum[i] + q->carry[i];
      if (!en) break;
      for (uint32_t m = 0; m < M; m++)
        for (uint32_t n = 0; n < N; n++) {
          const uint32_t o = m * N + n;
          uint32_t no = 0;
          for (uint32_t k = 0; k < K; k++) {
            for (int bw = 0; bw < TPE_ENC_DIGITS; bw++)
              ops[no++] = tpe_pp_biased(dig[m * K + k][bw], q->b[n * K + k], bw);
            ops[no++] = tpe_negvec(dig[m * K + k]);
          }
          tpe_tree_csa(ops, no, nb, &s, &cy); /* the beat, narrow: exact, non-negative */
          uint32_t acc[5] = {s, cy, clr ? 0 : q->sum[o], clr ? 0 : q->carry[o], bias};
          tpe_tree_csa(acc, 5, TPE_TREE_ACC_BITS, &d->sum[o], &d->carry[o]);
        }
      break;
    }
    case TPE_VARIANT_OPT2: {
      d->done = last;
      if (!en) break;
      const uint32_t nb = tpe_tree_narrow_bits(K);
      for (uint32_t m = 0; m < M; m++) {
        uint32_t negsum = 0; /* shared by row m's columns: sum of its K neg vectors */
        for (uint32_t k = 0; k < K; k++) negsum += tpe_negvec(dig[m * K + k]);
        for (uint32_t n = 0; n < N; n++) {
          const uint32_t o = m * N + n;
          uint32_t fin[TPE_ENC_DIGITS + 2];
          for (int bw = 0; bw < TPE_ENC_DIGITS; bw++) {
            for (uint32_t k = 0; k < K; k++) ops[k] = (uint32_t)tpe_pp(dig[m * K + k][bw], q->b[n * K + k]);
            tpe_tree_csa(ops, K, nb, &s, &cy);
            fin[bw] = (uint32_t)sext(s + cy, nb) << (2 * bw); /* narrow add, shift */
          }
          fin[TPE_ENC_DIGITS] = negsum;
          fin[TPE_ENC_DIGITS + 1] = clr ? 0 : q->res[o];
          tpe_tree_csa(fin, TPE_ENC_DIGITS + 2, TPE_TREE_ACC_BITS, &s, &cy);
          d->res[o] = s + cy;
        }
      }
      break;
    }
  }
}

void tpe_tree_commit(tpe_tree_t *t) {
  t->cur ^= 1;
  t->st.cycles++;
  t->st.blocks += t->reg[t->cur].done;
}
