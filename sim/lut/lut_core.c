/* lut_core.c: LMMA and TPRE timing, activity and function (see lut_core.h). */
#include "lut_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/fp.h"
#include "lut_array.h"
#include "lut_precompute.h"

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t lut_wtile_bytes(uint32_t n, uint32_t k, uint32_t wbits) {
  return (uint64_t)n * wbits * (k / 8) + n; /* planes/rows, then n int8 zero points */
}

uint32_t lut_entry_bytes(uint32_t atype, uint32_t tq) {
  if (dev_atype_is_fp(atype)) return tq ? 1 : 2;   /* INT8 or FP16 entries */
  return atype == ISA_ATYPE_INT16 ? 4 : 2;         /* sums of K<=8 values need 19 / 11 bits */
}

uint32_t lut_table_block_bytes(const arch_cfg_t *cfg, uint32_t atype, uint32_t tq) {
  uint32_t e = 1u << (cfg->core_k - 1);
  return e * lut_entry_bytes(atype, tq) + (tq && dev_atype_is_fp(atype) ? 4 : 0);
}

cyc_t lut_lmma_cycles(const arch_cfg_t *c, const isa_insn_t *in) {
  uint64_t blocks = cdiv(in->m, c->core_m) * cdiv(in->n, c->core_n);
  uint64_t groups = in->k / c->core_k;
  return blocks * groups * in->wbits + c->core_pipeline_cycles + (in->fin ? blocks : 0);
}

void lut_lmma_count(const arch_cfg_t *c, const isa_insn_t *in, dev_stats_t *st) {
  uint64_t g = in->k / c->core_k, mblk = cdiv(in->m, c->core_m), nblk = cdiv(in->n, c->core_n);
  uint64_t ab = dev_acc_bytes(in->acct);
  st->array_insns++;
  st->lut_lookups += (uint64_t)in->m * in->n * g * in->wbits;
  st->lut_rowsum_adds += (uint64_t)in->m * g;
  st->lut_fin_ops += in->fin ? (uint64_t)in->m * in->n : 0;
  /* each (m-block, n-block, group) broadcasts the rows' tables once */
  st->tbuf_rd_bytes += nblk * in->m * g * lut_table_block_bytes(c, in->atype, in->tq);
  /* each m-block streams every weight plane once, zero points at fin */
  st->wbuf_rd_bytes += mblk * (uint64_t)in->n * in->wbits * (in->k / 8) + (in->fin ? in->n : 0);
  uint64_t tile = ((uint64_t)in->m * in->n + in->m) * ab;
  st->cbuf_rd_bytes += in->acc ? tile : 0;
  st->cbuf_wr_bytes += tile;
}

/* ---- functional datapath ------------------------------------------------ */

static int64_t ld_int(const uint8_t *p, uint32_t bytes) {
  if (bytes == 8) { int64_t v; memcpy(&v, p, 8); return v; }
  if (bytes == 4) { int32_t v; memcpy(&v, p, 4); return v; }
  if (bytes == 2) { int16_t v; memcpy(&v, p, 2); return v; }
  return (int8_t)p[0];
}

static void st_int(uint8_t *p, uint32_t bytes, int64_t v) {
  if (bytes == 8) memcpy(p, &v, 8);
  else { int32_t w = (int32_t)(uint32_t)(uint64_t)v; memcpy(p, &w, 4); } /* wraps like a 32-bit register */
}

static float ld_f32(const uint8_t *p) { float f; memcpy(&f, p, 4); return f; }
static void st_f32(uint8_t *p, float f) { memcpy(p, &f, 4); }

/* One FP accumulation step in the accumulator type. */
static float acc_add(float a, float b, uint32_t acct) {
  float s = a + b;
  return acct == ISA_ACC_FP16 ? fp_round_f16(s) : s;
}


/* Writes one finished output block from the array's accumulators to CBUF:
 * acc=1 adds what CBUF holds (wrapping like the accumulator register), fin=1
 * applies the zero-point epilogue with the row sums (docs/machine.md). */
static void lmma_int_drain(const isa_insn_t *in, const lut_array_t *arr, uint32_t mb, uint32_t nb,
                           uint8_t *cb, const uint8_t *rs, const int8_t *zp, uint32_t ab) {
  const lut_array_regs_t *q = lut_array_regs(arr);
  const uint32_t M = arr->cfg.m, N = arr->cfg.n, bits = ab * 8;
  for (uint32_t mi = mb; mi < mb + M && mi < in->m; mi++) {
    for (uint32_t ni = nb; ni < nb + N && ni < in->n; ni++) {
      uint8_t *cp = cb + ((uint64_t)mi * in->n + ni) * ab;
      int64_t acc = q->acc[(size_t)(mi - mb) * N + (ni - nb)];
      if (in->acc) acc = lut_sext((uint64_t)acc + (uint64_t)ld_int(cp, ab), bits);
      if (in->fin) {
        int64_t r = ld_int(rs + (uint64_t)mi * ab, ab);
        int64_t d = lut_sext((uint64_t)acc - (uint64_t)((int64_t)zp[ni] * r), bits);
        acc = d >> 1; /* exact: d = 2 * sum a (q - z) */
      }
      st_int(cp, ab, acc);
    }
  }
}

/* The INT datapath: the array twin (lut_array.c, co-simulated against
 * rtl/lut_tc) stepped in the array's cycle order (m-block, n-block, group,
 * bit-plane), one step per cycle, then drained through its pipeline. Row
 * sums, acc=1 and the fin epilogue stay outside the array, as in the
 * machine (docs/machine.md). */
static void lmma_int(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  const uint32_t K = (uint32_t)c->core_k, G = in->k / K, E = 1u << (K - 1);
  const uint32_t W = in->wbits, M = (uint32_t)c->core_m, N = (uint32_t)c->core_n;
  const uint32_t ab = dev_acc_bytes(in->acct), blk = lut_table_block_bytes(c, in->atype, in->tq);
  const uint32_t eb = lut_entry_bytes(in->atype, in->tq), rowb = in->k / 8;
  const uint8_t *tb = b->buf[ISA_BUF_TBUF] + in->taddr;
  const uint8_t *wb = b->buf[ISA_BUF_WBUF] + in->waddr;
  const int8_t *zp = (const int8_t *)(wb + (uint64_t)in->n * W * rowb);
  uint8_t *cb = b->buf[ISA_BUF_CBUF] + in->caddr;
  uint8_t *rs = cb + (uint64_t)in->m * in->n * ab;

  /* row sums of the all-plus entries T[E-1], beside the array */
  for (uint32_t mi = 0; mi < in->m; mi++) {
    int64_t r = in->acc ? ld_int(rs + (uint64_t)mi * ab, ab) : 0;
    for (uint32_t g = 0; g < G; g++) r += ld_int(tb + ((uint64_t)mi * G + g) * blk + (E - 1) * eb, eb);
    st_int(rs + (uint64_t)mi * ab, ab, r);
  }

  lut_array_cfg_t ac = {M, N, K, (uint32_t)c->core_pipeline_cycles, eb * 8, ab * 8, 0};
  lut_array_t arr;
  coda_err_t err = {0};
  if (lut_array_init(&arr, &ac, &err)) CODA_PANIC("%s", err.msg); /* the config was validated */
  int64_t *tbl = calloc((size_t)G * M * E, sizeof *tbl); /* [g][row][entry] of one m-block */
  uint32_t *fld = calloc(N, sizeof *fld);
  if (!tbl || !fld) CODA_PANIC("out of memory for the LUT array's inputs");

  /* blocks in the pipeline, oldest first: at most pipe + 1 (each has >= 1 step) */
  uint32_t fifo[LUT_ARRAY_MAX_PIPE + 2][2], head = 0, tail = 0;
  const uint32_t cap = LUT_ARRAY_MAX_PIPE + 2;
  for (uint32_t mb = 0; mb < in->m; mb += M) {
    for (uint32_t g = 0; g < G; g++)
      for (uint32_t i = 0; i < M; i++)
        for (uint32_t e = 0; e < E; e++)
          tbl[((size_t)g * M + i) * E + e] =
              mb + i < in->m ? ld_int(tb + ((uint64_t)(mb + i) * G + g) * blk + e * eb, eb) : 0;
    for (uint32_t nb = 0; nb < in->n; nb += N) {
      fifo[tail % cap][0] = mb;
      fifo[tail % cap][1] = nb;
      tail++;
      for (uint32_t g = 0; g < G; g++) {
        for (uint32_t p = 0; p < W; p++) {
          for (uint32_t j = 0; j < N; j++)
            fld[j] = nb + j < in->n ? dev_bits_at(wb + ((uint64_t)(nb + j) * W + p) * rowb, (uint64_t)g * K, K) : 0;
          lut_array_in_t st = {1, g == 0 && p == 0, g == G - 1 && p == W - 1, p, tbl + (size_t)g * M * E, fld};
          lut_array_step(&arr, &st);
          if (lut_array_regs(&arr)->done) {
            CODA_ASSERT(head < tail);
            lmma_int_drain(in, &arr, fifo[head % cap][0], fifo[head % cap][1], cb, rs, zp, ab);
            head++;
          }
        }
      }
    }
  }
  const lut_array_in_t idle = {0, 0, 0, 0, tbl, fld};
  for (uint32_t i = 0; head < tail; i++) {
    CODA_ASSERT(i <= ac.pipe);
    lut_array_step(&arr, &idle);
    if (lut_array_regs(&arr)->done) {
      lmma_int_drain(in, &arr, fifo[head % cap][0], fifo[head % cap][1], cb, rs, zp, ab);
      head++;
    }
  }
  free(tbl);
  free(fld);
  lut_array_free(&arr);
}

void lut_lmma_exec(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  if (!dev_atype_is_fp(in->atype)) {
    lmma_int(c, in, b);
    return;
  }
  const uint32_t K = (uint32_t)c->core_k, G = in->k / K, E = 1u << (K - 1);
  const uint32_t W = in->wbits, M = (uint32_t)c->core_m, N = (uint32_t)c->core_n;
  const uint32_t ab = dev_acc_bytes(in->acct), blk = lut_table_block_bytes(c, in->atype, in->tq);
  const uint32_t rowb = in->k / 8;
  const int tq = in->tq;
  const uint8_t *tb = b->buf[ISA_BUF_TBUF] + in->taddr;
  const uint8_t *wb = b->buf[ISA_BUF_WBUF] + in->waddr;
  const int8_t *zp = (const int8_t *)(wb + (uint64_t)in->n * W * rowb);
  uint8_t *cb = b->buf[ISA_BUF_CBUF] + in->caddr;
  uint8_t *rs = cb + (uint64_t)in->m * in->n * ab;

  /* FP: entry i of the table of (row, group) as a float, in the same cycle order */
#define TBL(row, grp) (tb + ((uint64_t)(row) * G + (grp)) * blk)
  for (uint32_t mb = 0; mb < in->m; mb += M) {
    for (uint32_t nb = 0; nb < in->n; nb += N) {
      for (uint32_t mi = mb; mi < mb + M && mi < in->m; mi++) {
        /* the row sum is accumulated once per row, alongside the first n-block */
        if (nb == 0) {
          float r = in->acc ? ld_f32(rs + (uint64_t)mi * ab) : 0.0f;
          for (uint32_t g = 0; g < G; g++) {
            const uint8_t *t = TBL(mi, g);
            float e = tq ? (float)(int8_t)t[E - 1] * ld_f32(t + E) : (float)dev_act_value(t + (E - 1) * 2, ISA_ATYPE_FP16);
            r = acc_add(r, e, in->acct);
          }
          st_f32(rs + (uint64_t)mi * ab, r);
        }
        for (uint32_t ni = nb; ni < nb + N && ni < in->n; ni++) {
          uint8_t *cp = cb + ((uint64_t)mi * in->n + ni) * ab;
          float acc = in->acc ? ld_f32(cp) : 0.0f;
          for (uint32_t g = 0; g < G; g++) {
            const uint8_t *t = TBL(mi, g);
            float scale = tq ? ld_f32(t + E) : 0.0f;
            for (uint32_t p = 0; p < W; p++) {
              uint32_t f = dev_bits_at(wb + ((uint64_t)ni * W + p) * rowb, (uint64_t)g * K, K);
              uint32_t idx = f & (E - 1), sign = (f >> (K - 1)) & 1;
              float e = tq ? (float)(int8_t)t[idx] * scale : (float)dev_act_value(t + idx * 2, ISA_ATYPE_FP16);
              e = ldexpf(e, (int)p);
              acc = acc_add(acc, sign ? e : -e, in->acct);
            }
          }
          if (in->fin) {
            float r = ld_f32(rs + (uint64_t)mi * ab);
            float prod = (float)zp[ni] * r;
            if (in->acct == ISA_ACC_FP16) prod = fp_round_f16(prod);
            acc = acc_add(acc, -prod, in->acct) * 0.5f;
          }
          st_f32(cp, acc);
        }
      }
    }
  }
#undef TBL
}

/* ---- table precompute / vector unit -------------------------------------- */

uint32_t tpre_ew_passes(uint32_t ewop) {
  switch (ewop) {
    case ISA_EW_RMSNORM: return 2;   /* sum of squares, then scale */
    case ISA_EW_LAYERNORM: return 3; /* mean, variance, then normalize */
    case ISA_EW_NONE: return 0;
    default: return 1;               /* silu, gelu, relu: one pass */
  }
}

cyc_t tpre_cycles(const arch_cfg_t *c, const isa_insn_t *in) {
  uint64_t elems = (uint64_t)in->m * in->k, v = c->tpre_ew_elems_per_cycle;
  uint64_t passes = tpre_ew_passes(in->ewop);
  uint64_t pass = cdiv(elems, v);
  if (!in->mk) return 1 + passes * pass;
  uint64_t tables = (uint64_t)in->m * (in->k / c->core_k);
  uint64_t build = cdiv(tables, c->tpre_tables_per_cycle);
  uint64_t last = pass > build ? pass : build; /* reading A and building tables overlap */
  /* fused: the op's last pass streams straight into the table builder */
  return 1 + (passes ? passes - 1 : 0) * pass + last;
}

void tpre_count(const arch_cfg_t *c, const isa_insn_t *in, dev_stats_t *st) {
  uint64_t elems = (uint64_t)in->m * in->k, ab = dev_act_bytes(in->atype);
  uint64_t passes = tpre_ew_passes(in->ewop);
  st->tpre_insns++;
  st->ew_elem_ops += passes * elems;
  if (!in->mk) {
    st->abuf_rd_bytes += passes * elems * ab;
    st->abuf_wr_bytes += passes ? elems * ab : 0; /* normalized in place */
    return;
  }
  uint64_t tables = (uint64_t)in->m * (in->k / c->core_k), e = 1ull << (c->core_k - 1);
  st->abuf_rd_bytes += (passes ? passes : 1) * elems * ab;
  st->tpre_tables += tables;
  st->tpre_entry_adds += tables * e; /* each entry = a neighbour entry +- 2 a_j */
  st->tpre_quant_ops += (in->tq && dev_atype_is_fp(in->atype)) ? tables * e : 0;
  st->tbuf_wr_bytes += tables * lut_table_block_bytes(c, in->atype, in->tq);
}

/* The INT table builder: the precompute twin (lut_precompute.c, co-simulated
 * against rtl/lut_tc/lut_tc_precompute.v), tpre.tables_per_cycle tables per
 * cycle in TBUF order (row, group); each cycle's tables are in its register
 * after the clock and written to TBUF from there. */
static void tpre_int(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  const uint32_t K = (uint32_t)c->core_k, G = in->k / K, E = 1u << (K - 1);
  const uint32_t asz = dev_act_bytes(in->atype), blk = lut_table_block_bytes(c, in->atype, in->tq);
  const uint32_t eb = lut_entry_bytes(in->atype, in->tq), L = (uint32_t)c->tpre_tables_per_cycle;
  const uint8_t *ab = b->buf[ISA_BUF_ABUF] + in->saddr;
  uint8_t *tb = b->buf[ISA_BUF_TBUF] + in->taddr;
  lut_pre_cfg_t pc = {L, K, asz * 8, eb * 8};
  lut_pre_t pre;
  coda_err_t err = {0};
  if (lut_pre_init(&pre, &pc, &err)) CODA_PANIC("%s", err.msg); /* the config was validated */
  int64_t *act = calloc((size_t)L * K, sizeof *act);
  if (!act) CODA_PANIC("out of memory for the precompute unit's inputs");
  const uint64_t total = (uint64_t)in->m * G;
  for (uint64_t t0 = 0; t0 < total; t0 += L) {
    for (uint32_t l = 0; l < L; l++)
      for (uint32_t j = 0; j < K; j++) {
        uint64_t t = t0 + l; /* table t = row t / G, group t % G */
        act[(size_t)l * K + j] =
            t < total ? (int64_t)dev_act_value(ab + ((t / G) * in->k + (t % G) * K + j) * asz, in->atype) : 0;
      }
    lut_pre_in_t pi = {1, act};
    lut_pre_step(&pre, &pi);
    const lut_pre_regs_t *q = lut_pre_regs(&pre);
    for (uint32_t l = 0; l < L && t0 + l < total; l++) {
      uint8_t *t = tb + (t0 + l) * blk;
      for (uint32_t i = 0; i < E; i++) {
        int64_t e = q->tbl[(size_t)l * E + i];
        if (eb == 2) { int16_t w = (int16_t)e; memcpy(t + i * 2, &w, 2); }
        else { int32_t w = (int32_t)e; memcpy(t + i * 4, &w, 4); }
      }
    }
  }
  free(act);
  lut_pre_free(&pre);
}

void tpre_exec(const arch_cfg_t *c, const isa_insn_t *in, dev_bufs_t *b) {
  if (!in->mk) return; /* element-wise numerics are not modelled (docs/machine.md) */
  if (!dev_atype_is_fp(in->atype)) {
    tpre_int(c, in, b);
    return;
  }
  const uint32_t K = (uint32_t)c->core_k, G = in->k / K, E = 1u << (K - 1);
  const uint32_t asz = dev_act_bytes(in->atype), blk = lut_table_block_bytes(c, in->atype, in->tq);
  const int tq = in->tq;
  const uint8_t *ab = b->buf[ISA_BUF_ABUF] + in->saddr;
  uint8_t *tb = b->buf[ISA_BUF_TBUF] + in->taddr;
  for (uint32_t mi = 0; mi < in->m; mi++) {
    for (uint32_t g = 0; g < G; g++) {
      const uint8_t *a = ab + ((uint64_t)mi * in->k + (uint64_t)g * K) * asz;
      uint8_t *t = tb + ((uint64_t)mi * G + g) * blk;
      float ent[128];
      float mx = 0.0f;
      for (uint32_t i = 0; i < E; i++) {
        float e = (float)dev_act_value(a + (K - 1) * asz, in->atype);
        for (uint32_t j = 0; j + 1 < K; j++) {
          float v = (float)dev_act_value(a + j * asz, in->atype);
          e = e + (((i >> j) & 1) ? v : -v);
        }
        ent[i] = e;
        if (fabsf(e) > mx) mx = fabsf(e);
      }
      if (tq) {
        float scale = mx / 127.0f;
        for (uint32_t i = 0; i < E; i++) {
          float q = scale > 0.0f ? nearbyintf(ent[i] / scale) : 0.0f;
          if (q > 127.0f) q = 127.0f;
          if (q < -127.0f) q = -127.0f;
          t[i] = (uint8_t)(int8_t)q;
        }
        memcpy(t + E, &scale, 4);
      } else {
        for (uint32_t i = 0; i < E; i++) {
          uint16_t h = fp_f32_to_f16(ent[i]);
          memcpy(t + i * 2, &h, 2);
        }
      }
    }
  }
}
