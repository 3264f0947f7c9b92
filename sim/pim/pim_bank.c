/* pim_bank.c: one HBM2 bank's PIM unit, clock by clock (see pim_bank.h).
 * RTL twin: rtl/pim/pim_bank.v. */
#include "pim_bank.h"

#include <string.h>

#include "pim_fp.h"

static int pow2(uint32_t v) { return v && !(v & (v - 1)); }

static uint32_t log2u(uint32_t v) {
  uint32_t b = 0;
  while ((1u << b) < v) b++;
  return b;
}

pim_bank_cfg_t pim_bank_cfg_of(const arch_cfg_t *arch) {
  pim_bank_cfg_t c = {(uint32_t)arch->pim_bank_rows, (uint32_t)arch->pim_bank_cols,
                      (pim_bank_mode_e)arch->pim_row_buffers};
  return c;
}

int pim_bank_check(const pim_bank_cfg_t *c, coda_err_t *err) {
  if (!pow2(c->rows) || c->rows < 2 || c->rows > PIM_BANK_MAX_ROWS)
    return coda_errf(err, CODA_EINVAL, "pim bank: %u rows (pim.bank_rows): a power of two, 2..%d", c->rows,
                     PIM_BANK_MAX_ROWS);
  if (!pow2(c->cols) || c->cols < 2 || c->cols > PIM_BANK_MAX_COLS)
    return coda_errf(err, CODA_EINVAL, "pim bank: %u columns (pim.bank_cols): a power of two, 2..%d", c->cols,
                     PIM_BANK_MAX_COLS);
  if ((unsigned)c->mode > PIM_BANK_DUAL)
    return coda_errf(err, CODA_EINVAL, "pim bank: row-buffer mode %u (pim.row_buffers), expected single|dual",
                     (unsigned)c->mode);
  return CODA_OK;
}

uint32_t pim_bank_row_bits(const pim_bank_cfg_t *c) { return log2u(c->rows); }
uint32_t pim_bank_col_bits(const pim_bank_cfg_t *c) { return log2u(c->cols); }

int pim_bank_init(pim_bank_t *b, const pim_bank_cfg_t *cfg, coda_err_t *err) {
  memset(b, 0, sizeof *b);
  int rc = pim_bank_check(cfg, err);
  if (rc) return rc;
  b->cfg = *cfg;
  return CODA_OK;
}

void pim_bank_reset(pim_bank_t *b) {
  memset(&b->cur, 0, sizeof b->cur);
  memset(&b->nxt, 0, sizeof b->nxt);
  memset(b->bank, 0, sizeof b->bank);
  memset(b->gbuf, 0, sizeof b->gbuf);
  b->wr_dst = NULL;
  b->pend_cmd = b->pend_err = 0;
}

int pim_bank_eval(pim_bank_t *b, const pim_bank_in_t *in) {
  const pim_bank_cfg_t *c = &b->cfg;
  const pim_bank_regs_t *q = &b->cur;
  pim_bank_regs_t *d = &b->nxt;
  const uint32_t cmd = in->cmd & 0xfu;
  const uint32_t row = in->row & (c->rows - 1), col = in->col & (c->cols - 1);
  const int single = c->mode == PIM_BANK_SINGLE;
  *d = *q;
  b->wr_dst = NULL;
  /* the rules (pim_bank.h): a flagged command changes nothing but err */
  int bad;
  switch (cmd) {
    case PIM_BANK_CMD_NOP: case PIM_BANK_CMD_PRE: case PIM_BANK_CMD_GWRITE: case PIM_BANK_CMD_READRES:
    case PIM_BANK_CMD_PIM_PRE: bad = 0; break;
    case PIM_BANK_CMD_ACT: bad = q->nopen || (single && q->popen); break;
    case PIM_BANK_CMD_G_ACT: bad = q->popen || (single && q->nopen); break;
    case PIM_BANK_CMD_RD: case PIM_BANK_CMD_WR: bad = !q->nopen; break;
    case PIM_BANK_CMD_COMP: bad = !q->popen; break;
    default: bad = 1;
  }
  const uint32_t op = bad ? PIM_BANK_CMD_NOP : cmd;
  d->err = (uint8_t)bad;
  d->rd_valid = op == PIM_BANK_CMD_RD;
  d->res_valid = op == PIM_BANK_CMD_READRES;
  switch (op) {
    case PIM_BANK_CMD_ACT: d->nopen = 1, d->nrow = row; break;
    case PIM_BANK_CMD_PRE: d->nopen = 0, d->nrow = 0; break;
    case PIM_BANK_CMD_G_ACT: d->popen = 1, d->prow = row; break;
    case PIM_BANK_CMD_PIM_PRE: d->popen = 0, d->prow = 0; break;
    case PIM_BANK_CMD_RD:
      memcpy(d->rdata, &b->bank[((size_t)q->nrow * c->cols + col) * PIM_BANK_LANES], sizeof d->rdata);
      break;
    case PIM_BANK_CMD_WR:
      b->wr_dst = &b->bank[((size_t)q->nrow * c->cols + col) * PIM_BANK_LANES];
      memcpy(b->wr_data, in->data, sizeof b->wr_data);
      break;
    case PIM_BANK_CMD_GWRITE:
      b->wr_dst = &b->gbuf[(size_t)col * PIM_BANK_LANES];
      memcpy(b->wr_data, in->data, sizeof b->wr_data);
      break;
    default: break;
  }
  /* the COMP pipeline: products, tree, accumulate (pim_bank.h timing) */
  d->v1 = op == PIM_BANK_CMD_COMP;
  if (d->v1) {
    const uint16_t *x = &b->bank[((size_t)q->prow * c->cols + col) * PIM_BANK_LANES];
    const uint16_t *g = &b->gbuf[(size_t)col * PIM_BANK_LANES];
    for (int i = 0; i < PIM_BANK_LANES; i++) d->prod[i] = pim_fp16_mul(x[i], g[i]);
  }
  d->v2 = q->v1;
  if (q->v1) d->sum = pim_fp32_tree16(q->prod);
  const uint32_t acc = q->v2 ? pim_fp32_add(q->acc, q->sum) : q->acc;
  if (op == PIM_BANK_CMD_READRES) {
    d->res = acc;
    d->acc = 0;
  } else {
    d->acc = acc;
  }
  b->pend_cmd = (uint8_t)cmd;
  b->pend_err = (uint8_t)bad;
  return bad;
}

void pim_bank_commit(pim_bank_t *b) {
  if (b->wr_dst) memcpy(b->wr_dst, b->wr_data, sizeof b->wr_data);
  b->wr_dst = NULL;
  b->cur = b->nxt;
  b->st.cycles++;
  if (b->pend_err) b->st.errors++;
  else if (b->pend_cmd != PIM_BANK_CMD_NOP) b->st.accepted++;
  if (!b->pend_err && b->pend_cmd == PIM_BANK_CMD_COMP) b->st.comps++;
  if (!b->pend_err && b->pend_cmd == PIM_BANK_CMD_READRES) b->st.results++;
  b->pend_cmd = b->pend_err = 0;
}
