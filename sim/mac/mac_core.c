/* mac_core.c: MMA timing, activity and function (see mac_core.h). */
#include "mac_core.h"

#include <string.h>

#include "../core/fp.h"

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

static uint32_t q_at(const uint8_t *row, uint32_t k, uint32_t w) {
  uint32_t v = 0;
  for (uint32_t j = 0; j < w; j++) {
    uint32_t bit = k * w + j;
    v |= (uint32_t)((row[bit >> 3] >> (bit & 7)) & 1) << j;
  }
  return v;
}

static double act_at(const uint8_t *p, uint32_t atype) {
  switch (atype) {
    case ISA_ATYPE_INT8: return (int8_t)p[0];
    case ISA_ATYPE_INT16: { int16_t v; memcpy(&v, p, 2); return v; }
    case ISA_ATYPE_FP8: return fp_e4m3_to_f32(p[0]);
    default: { uint16_t h; memcpy(&h, p, 2); return fp_f16_to_f32(h); }
  }
}

void mac_mma_exec(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  const uint32_t M = (uint32_t)c->core_m, N = (uint32_t)c->core_n, K = (uint32_t)c->core_k;
  const uint32_t ab = dev_acc_bytes(in->acct), asz = dev_act_bytes(in->atype);
  const uint64_t rowb = (uint64_t)in->k * in->wbits / 8;
  const uint8_t *abuf = b->buf[ISA_BUF_ABUF] + in->aaddr;
  const uint8_t *wb = b->buf[ISA_BUF_WBUF] + in->waddr;
  const int8_t *zp = (const int8_t *)(wb + (uint64_t)in->n * rowb);
  uint8_t *cb = b->buf[ISA_BUF_CBUF] + in->caddr;
  const int fp = dev_atype_is_fp(in->atype);
  for (uint32_t mb = 0; mb < in->m; mb += M)
    for (uint32_t nb = 0; nb < in->n; nb += N)
      for (uint32_t mi = mb; mi < mb + M && mi < in->m; mi++)
        for (uint32_t ni = nb; ni < nb + N && ni < in->n; ni++) {
          uint8_t *cp = cb + ((uint64_t)mi * in->n + ni) * ab;
          const uint8_t *arow = abuf + (uint64_t)mi * in->k * asz, *wrow = wb + ni * rowb;
          if (fp) {
            float acc = 0.0f;
            if (in->acc) memcpy(&acc, cp, 4);
            for (uint32_t kb = 0; kb < in->k; kb += K) {
              float s = 0.0f; /* the adder tree, reduced in k order */
              for (uint32_t kk = kb; kk < kb + K && kk < in->k; kk++) {
                float w = (float)((int32_t)q_at(wrow, kk, in->wbits) - zp[ni]);
                s = s + (float)act_at(arow + (uint64_t)kk * asz, in->atype) * w; /* exact product */
              }
              acc = acc + s;
              if (in->acct == ISA_ACC_FP16) acc = fp_round_f16(acc);
            }
            memcpy(cp, &acc, 4);
          } else {
            int64_t acc = 0;
            if (in->acc) {
              if (ab == 8) memcpy(&acc, cp, 8);
              else { int32_t v; memcpy(&v, cp, 4); acc = v; }
            }
            for (uint32_t kk = 0; kk < in->k; kk++)
              acc += (int64_t)act_at(arow + (uint64_t)kk * asz, in->atype) *
                     ((int32_t)q_at(wrow, kk, in->wbits) - zp[ni]);
            if (ab == 8) memcpy(cp, &acc, 8);
            else { int32_t v = (int32_t)(uint32_t)(uint64_t)acc; memcpy(cp, &v, 4); }
          }
        }
}
