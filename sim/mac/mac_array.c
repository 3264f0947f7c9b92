/* mac_array.c: the MAC array's integer datapath, clock by clock (see
 * mac_array.h). RTL twin: rtl/mac_tc/mac_tc_array.v. */
#include "mac_array.h"

#include <stdlib.h>
#include <string.h>

static uint32_t clog2(uint32_t v) {
  uint32_t b = 0;
  while ((1u << b) < v) b++;
  return b;
}

/* v cut to `bits` and sign-extended, as a register of that width holds it. */
static int64_t sext(uint64_t v, uint32_t bits) {
  if (bits >= 64) return (int64_t)v;
  uint64_t m = (1ull << bits) - 1, s = 1ull << (bits - 1);
  v &= m;
  return (int64_t)((v ^ s) - s);
}

int mac_array_check(const mac_array_cfg_t *c, coda_err_t *err) {
  if (c->m < 1 || c->n < 1 || c->k < 1 || c->k > 8)
    return coda_errf(err, CODA_EINVAL, "mac array: shape M%uN%uK%u outside M,N >= 1, 1 <= K <= 8",
                     c->m, c->n, c->k);
  if (c->act_bits != 8 && c->act_bits != 16)
    return coda_errf(err, CODA_EINVAL, "mac array: activation width %u, expected 8 or 16", c->act_bits);
  if (c->acc_bits != 32 && c->acc_bits != 64)
    return coda_errf(err, CODA_EINVAL, "mac array: accumulator width %u, expected 32 or 64",
                     c->acc_bits);
  if (c->pipe > 64)
    return coda_errf(err, CODA_EINVAL, "mac array: %u pipeline stages, expected at most 64", c->pipe);
  return CODA_OK;
}

mac_array_cfg_t mac_array_cfg_of(const arch_cfg_t *arch, uint32_t act_bits, uint32_t acc_bits) {
  mac_array_cfg_t c = {(uint32_t)arch->core_m, (uint32_t)arch->core_n, (uint32_t)arch->core_k,
                       (uint32_t)arch->core_pipeline_cycles, act_bits, acc_bits};
  return c;
}

uint32_t mac_array_sum_bits(const mac_array_cfg_t *c) {
  return c->act_bits + MAC_ARRAY_DQ_BITS + clog2(c->k);
}

static void regs_free(mac_array_regs_t *r) {
  free(r->ctrl);
  free(r->op_a);
  free(r->op_w);
  free(r->sum);
  free(r->acc);
  memset(r, 0, sizeof *r);
}

/* calloc that never returns NULL for a zero count, so NULL means no memory. */
static void *zalloc(size_t count, size_t size) { return calloc(count ? count : 1, size); }

static int regs_alloc(mac_array_regs_t *r, const mac_array_cfg_t *c) {
  size_t mk = (size_t)c->m * c->k, nk = (size_t)c->n * c->k, mn = (size_t)c->m * c->n;
  size_t nsum = c->pipe >= 2 ? (size_t)(c->pipe - 1) * mn : 0;
  size_t nop = c->pipe >= 1 ? 1 : 0;
  r->ctrl = zalloc(c->pipe, sizeof *r->ctrl);
  r->op_a = zalloc(nop * mk, sizeof *r->op_a);
  r->op_w = zalloc(nop * nk, sizeof *r->op_w);
  r->sum = zalloc(nsum, sizeof *r->sum);
  r->acc = zalloc(mn, sizeof *r->acc);
  r->done = 0;
  return r->ctrl && r->op_a && r->op_w && r->sum && r->acc ? CODA_OK : CODA_ENOMEM;
}

void mac_array_free(mac_array_t *a) {
  regs_free(&a->reg[0]);
  regs_free(&a->reg[1]);
  free(a->act);
  free(a->dq);
  free(a->dot);
  a->act = a->dq = a->dot = NULL;
}

int mac_array_init(mac_array_t *a, const mac_array_cfg_t *cfg, coda_err_t *err) {
  memset(a, 0, sizeof *a);
  int rc = mac_array_check(cfg, err);
  if (rc) return rc;
  a->cfg = *cfg;
  a->sum_bits = mac_array_sum_bits(cfg);
  a->act = zalloc((size_t)cfg->m * cfg->k, sizeof *a->act);
  a->dq = zalloc((size_t)cfg->n * cfg->k, sizeof *a->dq);
  a->dot = zalloc((size_t)cfg->m * cfg->n, sizeof *a->dot);
  if (regs_alloc(&a->reg[0], cfg) || regs_alloc(&a->reg[1], cfg) || !a->act || !a->dq ||
      !a->dot) {
    mac_array_free(a);
    return coda_errf(err, CODA_ENOMEM, "mac array: out of memory for M%uN%uK%u with %u stages",
                     cfg->m, cfg->n, cfg->k, cfg->pipe);
  }
  return CODA_OK;
}

void mac_array_reset(mac_array_t *a) {
  const mac_array_cfg_t *c = &a->cfg;
  size_t mk = (size_t)c->m * c->k, nk = (size_t)c->n * c->k, mn = (size_t)c->m * c->n;
  size_t nsum = c->pipe >= 2 ? (size_t)(c->pipe - 1) * mn : 0;
  for (int i = 0; i < 2; i++) {
    mac_array_regs_t *r = &a->reg[i];
    memset(r->ctrl, 0, c->pipe * sizeof *r->ctrl);
    if (c->pipe >= 1) {
      memset(r->op_a, 0, mk * sizeof *r->op_a);
      memset(r->op_w, 0, nk * sizeof *r->op_w);
    }
    memset(r->sum, 0, nsum * sizeof *r->sum);
    memset(r->acc, 0, mn * sizeof *r->acc);
    r->done = 0;
  }
}

/* mac_tc_dequant: w[n][k] = q[n][k] - z[n], each cut to 4 bits first. */
static void dequant(const mac_array_cfg_t *c, const uint8_t *q, const uint8_t *z, int32_t *w) {
  const uint32_t mask = (1u << MAC_ARRAY_W_BITS) - 1;
  for (uint32_t n = 0; n < c->n; n++)
    for (uint32_t k = 0; k < c->k; k++)
      w[n * c->k + k] = (int32_t)(q[n * c->k + k] & mask) - (int32_t)(z[n] & mask);
}

/* mac_tc_dot, M x N of them: sum_k a[m][k] * w[n][k]. The sum is exact in
 * sum_bits, so the order of the adder tree does not matter. */
static void dots(const mac_array_cfg_t *c, const int32_t *a, const int32_t *w, int32_t *out) {
  for (uint32_t m = 0; m < c->m; m++)
    for (uint32_t n = 0; n < c->n; n++) {
      const int32_t *ar = a + (size_t)m * c->k, *wr = w + (size_t)n * c->k;
      int32_t s = 0;
      for (uint32_t k = 0; k < c->k; k++) s += ar[k] * wr[k];
      out[(size_t)m * c->n + n] = s;
    }
}

/* The beat's operands as the RTL's wires carry them: activations cut to
 * act_bits, weights dequantized. */
static void operands(const mac_array_cfg_t *c, const mac_array_in_t *in, int32_t *act, int32_t *w) {
  for (size_t i = 0; i < (size_t)c->m * c->k; i++)
    act[i] = (int32_t)sext((uint64_t)(int64_t)in->act[i], c->act_bits);
  dequant(c, in->q, in->z, w);
}

void mac_array_eval(mac_array_t *a, const mac_array_in_t *in) {
  const mac_array_cfg_t *c = &a->cfg;
  const mac_array_regs_t *q = &a->reg[a->cur];
  mac_array_regs_t *d = &a->reg[a->cur ^ 1];
  const size_t mk = (size_t)c->m * c->k, nk = (size_t)c->n * c->k, mn = (size_t)c->m * c->n;
  const uint32_t P = c->pipe;
  const uint8_t in_ctrl =
      in->valid ? (uint8_t)(MAC_ARRAY_CTRL_VALID | (in->first ? MAC_ARRAY_CTRL_FIRST : 0) |
                            (in->last ? MAC_ARRAY_CTRL_LAST : 0))
                : 0;
  a->st.beats += in->valid ? 1 : 0;

  /* control: the beat's bits enter stage 1 and move one stage per clock */
  if (P >= 1) d->ctrl[0] = in_ctrl;
  for (uint32_t s = 2; s <= P; s++) d->ctrl[s - 1] = q->ctrl[s - 2];

  /* stage 1: operand registers, loaded by a valid beat */
  if (P >= 1) {
    if (in->valid) operands(c, in, d->op_a, d->op_w);
    else {
      memcpy(d->op_a, q->op_a, mk * sizeof *d->op_a);
      memcpy(d->op_w, q->op_w, nk * sizeof *d->op_w);
    }
  }

  /* stage 2: the adder trees' outputs; stages 3..P: delay registers */
  for (uint32_t s = 2; s <= P; s++) {
    int32_t *dst = d->sum + (size_t)(s - 2) * mn;
    if (!(q->ctrl[s - 2] & MAC_ARRAY_CTRL_VALID)) memcpy(dst, q->sum + (size_t)(s - 2) * mn, mn * sizeof *dst);
    else if (s == 2) dots(c, q->op_a, q->op_w, dst);
    else memcpy(dst, q->sum + (size_t)(s - 3) * mn, mn * sizeof *dst);
  }

  /* accumulators: from 0 on `first`, else acc + sum, wrapping at acc_bits */
  const uint8_t ac = P ? q->ctrl[P - 1] : in_ctrl;
  if (ac & MAC_ARRAY_CTRL_VALID) {
    const int32_t *sum = a->dot;
    if (P >= 2) sum = q->sum + (size_t)(P - 2) * mn;
    else if (P == 1) dots(c, q->op_a, q->op_w, a->dot);
    else {
      operands(c, in, a->act, a->dq);
      dots(c, a->act, a->dq, a->dot);
    }
    for (size_t i = 0; i < mn; i++) {
      uint64_t base = (ac & MAC_ARRAY_CTRL_FIRST) ? 0 : (uint64_t)q->acc[i];
      d->acc[i] = sext(base + (uint64_t)(int64_t)sum[i], c->acc_bits);
    }
  } else {
    memcpy(d->acc, q->acc, mn * sizeof *d->acc);
  }
  d->done = (ac & MAC_ARRAY_CTRL_LAST) ? 1 : 0;
}

void mac_array_commit(mac_array_t *a) {
  a->cur ^= 1;
  a->st.cycles++;
  a->st.blocks += a->reg[a->cur].done;
}
