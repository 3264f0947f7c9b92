/* lut_precompute.c: the table-precompute twin (see lut_precompute.h; RTL
 * twin rtl/lut_tc/lut_tc_precompute.v). */
#include "lut_precompute.h"

#include <stdlib.h>
#include <string.h>

#include "lut_array.h"

int lut_pre_check(const lut_pre_cfg_t *c, coda_err_t *err) {
  if (c->k < 1 || c->k > 8)
    return coda_errf(err, CODA_EINVAL, "core.k = %u: the table precompute unit supports K in 1..8", c->k);
  if (c->lanes < 1) return coda_errf(err, CODA_EINVAL, "table precompute: at least one lane");
  if (c->act_w < 2 || c->act_w > 32 || c->entry_w < 2 || c->entry_w > 32)
    return coda_errf(err, CODA_EINVAL, "table precompute: activation width %u or entry width %u outside 2..32",
                     c->act_w, c->entry_w);
  return CODA_OK;
}

int lut_pre_init(lut_pre_t *p, const lut_pre_cfg_t *cfg, coda_err_t *err) {
  memset(p, 0, sizeof *p);
  int rc = lut_pre_check(cfg, err);
  if (rc) return rc;
  p->cfg = *cfg;
  p->e = 1u << (cfg->k - 1);
  for (int i = 0; i < 2; i++) p->reg[i].tbl = calloc((size_t)cfg->lanes * p->e, sizeof(int64_t));
  if (!p->reg[0].tbl || !p->reg[1].tbl) {
    lut_pre_free(p);
    return coda_errf(err, CODA_ENOMEM, "table precompute: out of memory");
  }
  return CODA_OK;
}

void lut_pre_free(lut_pre_t *p) {
  free(p->reg[0].tbl);
  free(p->reg[1].tbl);
  memset(p, 0, sizeof *p);
}

void lut_pre_reset(lut_pre_t *p) {
  for (int i = 0; i < 2; i++) {
    p->reg[i].valid = 0;
    memset(p->reg[i].tbl, 0, (size_t)p->cfg.lanes * p->e * sizeof(int64_t));
  }
}

void lut_pre_eval(lut_pre_t *p, const lut_pre_in_t *in) {
  const lut_pre_cfg_t *c = &p->cfg;
  const uint32_t k = c->k, e = p->e;
  const lut_pre_regs_t *q = &p->reg[p->cur];
  lut_pre_regs_t *d = &p->reg[p->cur ^ 1];
  d->valid = in->valid ? 1 : 0;
  if (!in->valid) {
    memcpy(d->tbl, q->tbl, (size_t)c->lanes * e * sizeof(int64_t));
    return;
  }
  for (uint32_t l = 0; l < c->lanes; l++) {
    int64_t a[8] = {0};
    for (uint32_t j = 0; j < k; j++) a[j] = lut_sext((uint64_t)in->act[(size_t)l * k + j], c->act_w);
    for (uint32_t i = 0; i < e; i++) {
      int64_t t = a[k - 1];
      for (uint32_t j = 0; j + 1 < k; j++) t += ((i >> j) & 1) ? a[j] : -a[j];
      d->tbl[(size_t)l * e + i] = lut_sext((uint64_t)t, c->entry_w);
    }
  }
}

void lut_pre_commit(lut_pre_t *p) {
  p->cur ^= 1;
  p->tables += p->reg[p->cur].valid ? p->cfg.lanes : 0;
}

void lut_pre_step(lut_pre_t *p, const lut_pre_in_t *in) {
  lut_pre_eval(p, in);
  lut_pre_commit(p);
}
