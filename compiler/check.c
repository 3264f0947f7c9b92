/* check.c: a static race and bounds checker for programs (see compiler.h).
 *
 * The device has no hazard check (docs/machine.md): each unit runs its queue
 * in order, and only a SYNC orders work across units. So an access X by unit
 * U is ordered after an earlier access Y by unit V != U iff a SYNC whose mask
 * names V lies between them. The checker walks the program once, keeping per
 * unit the buffer accesses issued since the last SYNC naming it, and reports
 * the first pair that overlaps with a write and is not so ordered. It also
 * keeps, per buffer, the byte ranges written so far, and reports a read of
 * bytes nothing has written (a missing LD or TPRE).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_int.h"

enum { U_DMA = 0, U_TPRE = 1, U_ARRAY = 2, N_UNITS = 3 };
static const char *const UNIT_NAME[N_UNITS] = {"dma", "tpre", "array"};
static const char *const BUF_NAME[4] = {"ABUF", "WBUF", "TBUF", "CBUF"};

/* One buffer access of one instruction. */
typedef struct acc {
  uint32_t insn;    /* instruction index */
  uint32_t buf;     /* ISA_BUF_* */
  uint64_t lo, hi;  /* byte range [lo, hi) */
  int write;        /* 1: writes (possibly also reads) */
} acc_t;

/* A growable list. */
typedef struct vec {
  void *v;       /* elements */
  size_t n, cap; /* used, allocated */
} vec_t;

static int vec_reserve(vec_t *a, size_t want, size_t elem) {
  if (want <= a->cap) return 0;
  size_t cap = a->cap ? a->cap : 16;
  while (cap < want) cap *= 2;
  void *p = realloc(a->v, cap * elem);
  if (!p) return -1;
  a->v = p;
  a->cap = cap;
  return 0;
}

/* Disjoint, sorted byte ranges written so far in one buffer: v holds
 * 2*n uint64 (lo, hi pairs). */
typedef vec_t ranges_t;

static int ranges_add(ranges_t *r, uint64_t lo, uint64_t hi) {
  uint64_t *x = r->v;
  size_t i = 0;
  while (i < r->n && x[2 * i + 1] < lo) i++;
  size_t j = i; /* [i, j) are the ranges that touch [lo, hi) */
  while (j < r->n && x[2 * j] <= hi) {
    if (x[2 * j] < lo) lo = x[2 * j];
    if (x[2 * j + 1] > hi) hi = x[2 * j + 1];
    j++;
  }
  if (j == i) { /* insert */
    if (vec_reserve(r, r->n + 1, 2 * sizeof(uint64_t))) return -1;
    x = r->v;
    memmove(&x[2 * (i + 1)], &x[2 * i], (r->n - i) * 2 * sizeof(uint64_t));
    r->n++;
  } else if (j > i + 1) { /* merge [i, j) into i */
    memmove(&x[2 * (i + 1)], &x[2 * j], (r->n - j) * 2 * sizeof(uint64_t));
    r->n -= j - i - 1;
  }
  x[2 * i] = lo;
  x[2 * i + 1] = hi;
  return 0;
}

/* First byte of [lo, hi) not covered, or hi if all are. */
static uint64_t ranges_gap(const ranges_t *r, uint64_t lo, uint64_t hi) {
  const uint64_t *x = r->v;
  for (size_t i = 0; i < r->n && lo < hi; i++) {
    if (x[2 * i + 1] <= lo) continue;
    if (x[2 * i] > lo) return lo;
    lo = x[2 * i + 1];
  }
  return lo < hi ? lo : hi;
}

/* Checker state. */
typedef struct chk {
  const arch_cfg_t *cfg;  /* target */
  const cbin_t *p;        /* program */
  coda_err_t *err;        /* where the first failure goes */
  vec_t pend[N_UNITS];    /* acc_t issued since the last SYNC naming the unit */
  ranges_t wr[4];         /* bytes written so far, per buffer */
  uint64_t cap[4];        /* buffer sizes */
} chk_t;

static int unit_of(isa_op_e op) {
  return (op == ISA_OP_LD || op == ISA_OP_ST) ? U_DMA : op == ISA_OP_TPRE ? U_TPRE : U_ARRAY;
}

static const char *opn(const isa_insn_t *in) {
  const char *s = isa_op_name(in->op);
  return s ? s : "?";
}

/* Records one access of instruction i (unit u) after checking it. */
static int access(chk_t *c, uint32_t i, const isa_insn_t *in, int u, uint32_t buf, uint64_t lo,
                  uint64_t bytes, int rd, int wr) {
  uint64_t hi = lo + bytes;
  if (hi > c->cap[buf])
    return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (%s): %s [0x%" PRIx64
                     ", 0x%" PRIx64 ") exceeds the buffer's %" PRIu64 " bytes", i, opn(in),
                     BUF_NAME[buf], lo, hi, c->cap[buf]);
  if (!rd && !wr) return CODA_OK; /* an extent check only */
  if (rd) {
    uint64_t gap = ranges_gap(&c->wr[buf], lo, hi);
    if (gap < hi)
      return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (%s) reads %s byte 0x%"
                       PRIx64 ", which no earlier instruction wrote", i, opn(in), BUF_NAME[buf],
                       gap);
  }
  for (int v = 0; v < N_UNITS; v++) {
    if (v == u) continue; /* a unit runs its queue in order */
    const acc_t *a = c->pend[v].v;
    for (size_t j = 0; j < c->pend[v].n; j++) {
      if (a[j].buf != buf || a[j].hi <= lo || a[j].lo >= hi || (!a[j].write && !wr)) continue;
      uint64_t olo = a[j].lo > lo ? a[j].lo : lo;
      return coda_errf(c->err, CODA_EINVAL, "program: race: instruction %u (%s) %s %s byte 0x%"
                       PRIx64 " while instruction %u on unit %s may still %s it (no SYNC naming "
                       "%s between them)", i, opn(in), wr ? "writes" : "reads", BUF_NAME[buf],
                       olo, a[j].insn, UNIT_NAME[v], a[j].write ? "be writing" : "be reading",
                       UNIT_NAME[v]);
    }
  }
  if (vec_reserve(&c->pend[u], c->pend[u].n + 1, sizeof(acc_t)))
    return coda_errf(c->err, CODA_ENOMEM, "program check: out of memory");
  ((acc_t *)c->pend[u].v)[c->pend[u].n++] = (acc_t){i, buf, lo, hi, wr};
  if (wr && bytes && ranges_add(&c->wr[buf], lo, hi))
    return coda_errf(c->err, CODA_ENOMEM, "program check: out of memory");
  return CODA_OK;
}

static int check_dram(chk_t *c, uint32_t i, const isa_insn_t *in) {
  if (!in->rows || !in->row_bytes)
    return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (%s): empty copy", i, opn(in));
  if (in->rows > 1 && in->stride < in->row_bytes)
    return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (%s): stride %u < row_bytes "
                     "%u", i, opn(in), in->stride, in->row_bytes);
  uint64_t end = in->daddr + (uint64_t)(in->rows - 1) * in->stride + in->row_bytes;
  if (end > c->p->dram_bytes)
    return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (%s): DRAM range ends at 0x%"
                     PRIx64 ", past dram_bytes 0x%" PRIx64, i, opn(in), end, c->p->dram_bytes);
  return CODA_OK;
}

static int check_one(chk_t *c, uint32_t i, const isa_insn_t *in) {
  const arch_cfg_t *cfg = c->cfg;
  uint32_t K = (uint32_t)cfg->core_k, kpad = K;
  while (kpad % 8) kpad += K; /* lcm(8, K) */
  int lut = cfg->core_type == ARCH_CORE_LUT, u = unit_of(in->op);
  uint32_t asz = (in->atype == ISA_ATYPE_INT16 || in->atype == ISA_ATYPE_FP16) ? 2u : 1u;
  uint32_t accb = in->acct == ISA_ACC_INT64 ? 8u : 4u;
  switch (in->op) {
    case ISA_OP_SYNC:
      for (int v = 0; v < N_UNITS; v++)
        if (in->mask >> v & 1u) c->pend[v].n = 0;
      return CODA_OK;
    case ISA_OP_LD:
    case ISA_OP_ST: {
      int rc = check_dram(c, i, in);
      if (rc) return rc;
      int ld = in->op == ISA_OP_LD;
      return access(c, i, in, u, in->buf, in->saddr, (uint64_t)in->rows * in->row_bytes, !ld, ld);
    }
    case ISA_OP_TPRE: {
      if (!in->m || !in->k || in->k % K || (in->mk && !lut))
        return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (tpre): m=%u k=%u mk=%u "
                         "do not suit core.k=%u on a %s core", i, in->m, in->k, in->mk, K,
                         lut ? "lut" : "mac");
      int ew = in->ewop != ISA_EW_NONE;
      int rc = access(c, i, in, u, ISA_BUF_ABUF, in->saddr, (uint64_t)in->m * in->k * asz, 1, ew);
      if (rc || !in->mk) return rc;
      return access(c, i, in, u, ISA_BUF_TBUF, in->taddr,
                    (uint64_t)in->m * (in->k / K) *
                        cplan_table_block_bytes(cfg, (int)in->atype, (int)in->tq), 0, 1);
    }
    case ISA_OP_LMMA:
    case ISA_OP_MMA: {
      int is_lut = in->op == ISA_OP_LMMA;
      uint32_t gran = is_lut ? kpad : 8u;
      if (is_lut != lut || !in->m || !in->n || !in->k || in->k % gran)
        return coda_errf(c->err, CODA_EINVAL, "program: instruction %u (%s): m=%u n=%u k=%u on "
                         "a %s core (k must be a multiple of %u)", i, opn(in), in->m, in->n,
                         in->k, lut ? "lut" : "mac", gran);
      /* the weight tile, then its zero points (read by LMMA only at fin) */
      uint64_t wt = (uint64_t)in->n * in->wbits * in->k / 8;
      int rc = access(c, i, in, u, ISA_BUF_WBUF, in->waddr, wt + in->n, 0, 0);
      if (!rc) rc = access(c, i, in, u, ISA_BUF_WBUF, in->waddr, wt, 1, 0);
      if (!rc && (!is_lut || in->fin))
        rc = access(c, i, in, u, ISA_BUF_WBUF, in->waddr + wt, in->n, 1, 0);
      if (!rc && is_lut)
        rc = access(c, i, in, u, ISA_BUF_TBUF, in->taddr,
                    (uint64_t)in->m * (in->k / K) *
                        cplan_table_block_bytes(cfg, (int)in->atype, (int)in->tq), 1, 0);
      if (!rc && !is_lut)
        rc = access(c, i, in, u, ISA_BUF_ABUF, in->aaddr, (uint64_t)in->m * in->k * asz, 1, 0);
      if (!rc)
        rc = access(c, i, in, u, ISA_BUF_CBUF, in->caddr,
                    ((uint64_t)in->m * in->n + in->m) * accb, in->acc, 1);
      return rc;
    }
    default:
      return coda_errf(c->err, CODA_EINVAL, "program: instruction %u: %s is not a LUT/MAC "
                       "core instruction", i, opn(in));
  }
}

int compile_check_program(const arch_cfg_t *cfg, const cbin_t *p, coda_err_t *err) {
  coda_err_t local;
  if (!err) err = &local;
  chk_t c;
  memset(&c, 0, sizeof c);
  c.cfg = cfg;
  c.p = p;
  c.err = err;
  c.cap[ISA_BUF_ABUF] = cfg->buffers_abuf_bytes;
  c.cap[ISA_BUF_WBUF] = cfg->buffers_wbuf_bytes;
  c.cap[ISA_BUF_TBUF] = cfg->buffers_tbuf_bytes;
  c.cap[ISA_BUF_CBUF] = cfg->buffers_cbuf_bytes;
  int rc = CODA_OK;
  for (uint32_t i = 0; i < p->n_insn && !rc; i++) {
    isa_insn_t in;
    rc = isa_decode(&p->insn[i], &in, err);
    if (rc) {
      char tmp[sizeof err->msg];
      snprintf(tmp, sizeof tmp, "%s", err->msg);
      rc = coda_errf(err, rc, "program: instruction %u: %s", i, tmp);
    }
    if (!rc) rc = check_one(&c, i, &in);
  }
  for (int u = 0; u < N_UNITS; u++) free(c.pend[u].v);
  for (int b = 0; b < 4; b++) free(c.wr[b].v);
  return rc;
}
