/* mac_core.c: MMA timing, activity and function (see mac_core.h). */
#include "mac_core.h"

#include <stdlib.h>
#include <string.h>

#include "../core/fp.h"
#include "mac_array.h"

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

cyc_t mac_mma_cycles(const arch_cfg_t *c, const isa_insn_t *in) {
  return cdiv(in->m, c->core_m) * cdiv(in->n, c->core_n) * cdiv(in->k, c->core_k) +
         c->core_pipeline_cycles;
}

void mac_mma_count(const arch_cfg_t *c, const isa_insn_t *in, dev_stats_t *st) {
  uint64_t mnk = (uint64_t)in->m * in->n * in->k;
  uint64_t mblk = cdiv(in->m, c->core_m), nblk = cdiv(in->n, c->core_n);
  uint64_t ab = dev_acc_bytes(in->acct);
  st->array_insns++;
  st->mac_mults += mnk;
  st->mac_adds += mnk;
  st->mac_dequants += mblk * in->n * in->k; /* once per weight per m-block pass */
  st->abuf_rd_bytes += nblk * in->m * in->k * dev_act_bytes(in->atype);
  st->wbuf_rd_bytes += mblk * ((uint64_t)in->n * in->k * in->wbits / 8 + in->n);
  uint64_t tile = (uint64_t)in->m * in->n * ab;
  st->cbuf_rd_bytes += in->acc ? tile : 0;
  st->cbuf_wr_bytes += tile;
}


/* One CBUF accumulator word as a signed integer, and back (wrapping to the
 * word's width). */
static int64_t ld_acc(const uint8_t *p, uint32_t bytes) {
  if (bytes == 8) { int64_t v; memcpy(&v, p, 8); return v; }
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void st_acc(uint8_t *p, uint32_t bytes, int64_t v) {
  if (bytes == 8) memcpy(p, &v, 8);
  else { int32_t w = (int32_t)(uint32_t)(uint64_t)v; memcpy(p, &w, 4); }
}

/* The INT path: drives the cycle-level array (mac_array.c, the RTL's C
 * twin) beat by beat in its cycle order, m-block, n-block, k-block, back to
 * back, then P idle cycles to drain; each finished block (a `done` pulse) is
 * written back to CBUF, adding the old tile when acc=1 (CBUF's
 * read-modify-write, which is not part of the array). Ragged edges are fed
 * zero activations and zero weights (q = z = 0). */
static void mma_exec_int(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  const uint32_t M = (uint32_t)c->core_m, N = (uint32_t)c->core_n, K = (uint32_t)c->core_k;
  const uint32_t ab = dev_acc_bytes(in->acct), asz = dev_act_bytes(in->atype);
  const uint64_t rowb = (uint64_t)in->k * in->wbits / 8;
  const uint8_t *abuf = b->buf[ISA_BUF_ABUF] + in->aaddr;
  const uint8_t *wb = b->buf[ISA_BUF_WBUF] + in->waddr;
  const uint8_t *zp = wb + (uint64_t)in->n * rowb;
  uint8_t *cb = b->buf[ISA_BUF_CBUF] + in->caddr;
  const uint64_t mblk = cdiv(in->m, M), nblk = cdiv(in->n, N), kblk = cdiv(in->k, K);
  const uint64_t beats = mblk * nblk * kblk;

  mac_array_cfg_t ac = mac_array_cfg_of(c, asz * 8, ab * 8);
  mac_array_t arr;
  coda_err_t err;
  if (mac_array_init(&arr, &ac, &err)) CODA_PANIC("%s", err.msg); /* only out of memory: the
                                                                      config was validated */
  int16_t *act = calloc((size_t)M * K, sizeof *act);
  uint8_t *q = calloc((size_t)N * K, 1), *z = calloc(N, 1);
  if (!act || !q || !z) CODA_PANIC("mac: out of memory for M%uN%uK%u", M, N, K);

  uint64_t written = 0; /* output blocks written back, in issue order */
  for (uint64_t t = 0; t < beats + ac.pipe; t++) {
    mac_array_in_t bi = {0, 0, 0, act, q, z};
    if (t < beats) {
      uint64_t kb = t % kblk, nb = (t / kblk) % nblk, mb = t / (kblk * nblk);
      uint32_t m0 = (uint32_t)(mb * M), n0 = (uint32_t)(nb * N), k0 = (uint32_t)(kb * K);
      bi.valid = 1;
      bi.first = kb == 0;
      bi.last = kb == kblk - 1;
      for (uint32_t i = 0; i < M; i++)
        for (uint32_t j = 0; j < K; j++) {
          uint32_t mi = m0 + i, kk = k0 + j;
          act[i * K + j] = (mi < in->m && kk < in->k)
                               ? (int16_t)dev_act_value(abuf + ((uint64_t)mi * in->k + kk) * asz, in->atype)
                               : 0;
        }
      for (uint32_t i = 0; i < N; i++) {
        uint32_t ni = n0 + i;
        z[i] = ni < in->n ? zp[ni] : 0;
        for (uint32_t j = 0; j < K; j++) {
          uint32_t kk = k0 + j;
          q[i * K + j] = (uint8_t)((ni < in->n && kk < in->k) ? dev_bits_at(wb + ni * rowb, (uint64_t)kk * in->wbits, in->wbits) : 0);
        }
      }
    }
    mac_array_eval(&arr, &bi);
    mac_array_commit(&arr);
    const mac_array_regs_t *r = mac_array_regs(&arr);
    if (!r->done) continue;
    CODA_ASSERT(written < mblk * nblk);
    uint32_t m0 = (uint32_t)(written / nblk * M), n0 = (uint32_t)(written % nblk * N);
    for (uint32_t i = 0; i < M && m0 + i < in->m; i++)
      for (uint32_t j = 0; j < N && n0 + j < in->n; j++) {
        uint8_t *cp = cb + ((uint64_t)(m0 + i) * in->n + n0 + j) * ab;
        int64_t v = r->acc[(size_t)i * N + j];
        if (in->acc) v = (int64_t)((uint64_t)v + (uint64_t)ld_acc(cp, ab));
        st_acc(cp, ab, v);
      }
    written++;
  }
  CODA_ASSERT(written == mblk * nblk);
  free(act);
  free(q);
  free(z);
  mac_array_free(&arr);
}

void mac_mma_exec(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  if (!dev_atype_is_fp(in->atype)) {
    mma_exec_int(c, in, b);
    return;
  }
  const uint32_t M = (uint32_t)c->core_m, N = (uint32_t)c->core_n, K = (uint32_t)c->core_k;
  const uint32_t ab = dev_acc_bytes(in->acct), asz = dev_act_bytes(in->atype);
  const uint64_t rowb = (uint64_t)in->k * in->wbits / 8;
  const uint8_t *abuf = b->buf[ISA_BUF_ABUF] + in->aaddr;
  const uint8_t *wb = b->buf[ISA_BUF_WBUF] + in->waddr;
  const int8_t *zp = (const int8_t *)(wb + (uint64_t)in->n * rowb);
  uint8_t *cb = b->buf[ISA_BUF_CBUF] + in->caddr;
  for (uint32_t mb = 0; mb < in->m; mb += M)
    for (uint32_t nb = 0; nb < in->n; nb += N)
      for (uint32_t mi = mb; mi < mb + M && mi < in->m; mi++)
        for (uint32_t ni = nb; ni < nb + N && ni < in->n; ni++) {
          uint8_t *cp = cb + ((uint64_t)mi * in->n + ni) * ab;
          const uint8_t *arow = abuf + (uint64_t)mi * in->k * asz, *wrow = wb + ni * rowb;
          float acc = 0.0f;
          if (in->acc) memcpy(&acc, cp, 4);
          for (uint32_t kb = 0; kb < in->k; kb += K) {
            float s = 0.0f; /* the adder tree, reduced in k order */
            for (uint32_t kk = kb; kk < kb + K && kk < in->k; kk++) {
              float w = (float)((int32_t)dev_bits_at(wrow, (uint64_t)kk * in->wbits, in->wbits) - zp[ni]);
              s = s + (float)dev_act_value(arow + (uint64_t)kk * asz, in->atype) * w; /* exact product */
            }
            acc = acc + s;
            if (in->acct == ISA_ACC_FP16) acc = fp_round_f16(acc);
          }
          memcpy(cp, &acc, 4);
        }
}
