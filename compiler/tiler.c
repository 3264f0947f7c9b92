/* tiler.c: tiling search and the cost model behind it.
 *
 * A candidate tiling (mt, nt, kt) becomes a plan (compiler_int.h) that must
 * fit the four buffers: ABUF holds the A tiles of a row block, TBUF their
 * tables (LUT core), WBUF one or two weight tiles with their zero points,
 * CBUF one or more accumulator tiles with their row sums. When a whole row
 * block (all of K) does not fit, K is split into chunks and the accumulator
 * tiles of an N chunk stay resident across them. Among the plans that fit,
 * the search keeps the one with the fewest estimated cycles:
 *   sum over LMMA/MMA steps of max(array cycles, next weight tile's DMA) +
 *   per-step front-end overhead + the exposed activation loads and precompute
 *   + the last store, and never less than all DRAM bytes / bandwidth.
 * Array and TPRE cycles follow the timing rules of docs/machine.md.
 */
#include <math.h>
#include <string.h>

#include "compiler_int.h"
#include "datagen.h"

/* Front-end cycles per step: the SYNC's release, the LMMA/MMA, the weight
 * LD and now and then a zero-point LD, each issued in its own cycle
 * (docs/machine.md: one instruction a cycle). */
#define STEP_OVH_CYC 4.0
/* Front-end cycles around a row block that is not prefetched: SYNC, the A
 * loads' issue, SYNC, the TPREs' issue (a small constant; the loads and TPREs
 * themselves are costed separately). */
#define BLOCK_OVH_CYC 4.0
/* Most candidates per dimension: 2^0..2^20 multiples of the granule, the
 * whole (padded) extent and a balanced size for each; 64 is more than that. */
#define MAX_CAND 64

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
static uint64_t rup(uint64_t a, uint64_t b) { return cdiv(a, b) * b; }
static uint32_t gcd32(uint32_t a, uint32_t b) {
  while (b) {
    uint32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static int is_fp(int atype) { return atype == ISA_ATYPE_FP8 || atype == ISA_ATYPE_FP16; }

uint32_t cplan_table_block_bytes(const arch_cfg_t *cfg, int atype, int tq) {
  uint32_t E = 1u << (cfg->core_k - 1); /* 2^(K-1) symmetrized entries */
  int q = tq && is_fp(atype);
  uint32_t eb = is_fp(atype) ? (q ? 1u : 2u) : (atype == ISA_ATYPE_INT16 ? 4u : 2u);
  return E * eb + (q ? 4u : 0u);
}

int cplan_acct(const arch_cfg_t *cfg, const wl_gemm_t *g) {
  if (is_fp(g->atype))
    return cfg->core_acc_fp == ARCH_ACC_FP16 ? ISA_ACC_FP16 : ISA_ACC_FP32;
  /* worst |sum|: max|a| is the magnitude of the type's minimum (-128, -32768) */
  double amax = g->atype == ISA_ATYPE_INT16 ? 32768.0 : 128.0;
  double qmax = (double)((1u << g->wbits) - 1);
  /* MAC: sum_k a*(q - z), |q - z| <= 2^W - 1. LUT: before the /2 the
   * accumulator holds sum_k a*q' - z'*sum_k a, |q'| and |z'| <= 2^W - 1. */
  double bound = (double)g->k * amax * qmax;
  if (cfg->core_type == ARCH_CORE_LUT) bound += qmax * (double)g->k * amax;
  return bound > 2147483647.0 ? ISA_ACC_INT64 : ISA_ACC_INT32;
}

int cplan_make(const arch_cfg_t *cfg, const wl_gemm_t *g, uint32_t mt, uint32_t nt,
               uint32_t kt, int prefetch, cplan_t *p) {
  memset(p, 0, sizeof *p);
  uint32_t K = (uint32_t)cfg->core_k;
  p->core = (int)cfg->core_type;
  p->m = g->m;
  p->n = g->n;
  p->k = g->k;
  p->kpad = 8u / gcd32(8u, K) * K;
  p->kp = (uint32_t)rup(g->k, p->kpad);
  p->wbits = g->wbits;
  p->atype = g->atype;
  p->ewop = g->ewop;
  p->acct = cplan_acct(cfg, g);
  p->tq = is_fp(g->atype) && cfg->core_table_quant && p->core == ARCH_CORE_LUT;
  int lut = p->core == ARCH_CORE_LUT;
  if (!mt || !nt || !kt || kt % p->kpad || mt > ISA_F_M_MAX || nt > ISA_F_N_MAX ||
      kt > ISA_F_K_MAX)
    return -1;
  p->mt = mt;
  p->nt = nt;
  p->kt = kt;
  p->n_mt = (uint32_t)cdiv(g->m, mt);
  p->n_nt = (uint32_t)cdiv(g->n, nt);
  p->n_kt = (uint32_t)cdiv(p->kp, kt);
  p->asz = (uint32_t)datagen_asize(g->atype);
  p->accb = p->acct == ISA_ACC_INT64 ? 8u : 4u;
  p->tblk = cplan_table_block_bytes(cfg, g->atype, p->tq);
  uint32_t W = (uint32_t)g->wbits;
  /* instruction fields: a DMA row is at most ISA_F_ROW_BYTES_MAX bytes and a
   * copy at most ISA_F_ROWS_MAX rows */
  if ((uint64_t)kt * p->asz > ISA_F_ROW_BYTES_MAX ||
      (uint64_t)nt * p->accb > ISA_F_ROW_BYTES_MAX ||
      (uint64_t)kt * W / 8 > ISA_F_ROW_BYTES_MAX ||
      (uint64_t)nt * (lut ? W : 1u) > ISA_F_ROWS_MAX ||
      (uint64_t)p->kp * p->asz > ISA_F_STRIDE_MAX || (uint64_t)g->n * p->accb > ISA_F_STRIDE_MAX)
    return -1;

  uint64_t a_tile = rup((uint64_t)mt * kt * p->asz, CPLAN_ONCHIP_ALIGN);
  uint64_t t_tile = lut ? rup((uint64_t)mt * (kt / K) * p->tblk, CPLAN_ONCHIP_ALIGN) : 0;
  uint64_t w_tile = rup((uint64_t)nt * W * kt / 8 + nt, CPLAN_ONCHIP_ALIGN);
  uint64_t c_slot = rup(((uint64_t)mt * nt + mt) * p->accb, CPLAN_ONCHIP_ALIGN);
  uint64_t abuf = cfg->buffers_abuf_bytes, tbuf = cfg->buffers_tbuf_bytes;
  uint64_t wbuf = cfg->buffers_wbuf_bytes, cbuf = cfg->buffers_cbuf_bytes;
  if (a_tile > abuf || t_tile > tbuf || w_tile > wbuf || c_slot > cbuf) return -1;
  p->a_tile = (uint32_t)a_tile;
  p->t_tile = (uint32_t)t_tile;
  p->w_tile = (uint32_t)w_tile;
  p->c_slot = (uint32_t)c_slot;

  p->w_halves = 2 * w_tile <= wbuf ? 2u : 1u;
  p->w_base[0] = 0;
  p->w_base[1] = p->w_halves == 2 ? (uint32_t)w_tile : 0;

  /* A row block = the k-tiles of one K chunk of an m-tile (all of K when it
   * fits). Prefetching holds two sets of tables (LUT) or of activations (MAC,
   * whose MMAs read ABUF); the LUT core needs one A set only, since a block's
   * A is dead once its tables are built. */
  uint64_t n_kt = p->n_kt;
  uint64_t a_sets = (prefetch && !lut) ? 2 : 1, t_sets = lut ? (prefetch ? 2 : 1) : 0;
  uint64_t kc = abuf / (a_sets * a_tile);
  if (t_sets && tbuf / (t_sets * t_tile) < kc) kc = tbuf / (t_sets * t_tile);
  if (kc > n_kt) kc = n_kt;
  if (kc == 0) return -1;
  p->prefetch = prefetch;
  p->kc = (uint32_t)kc;
  p->n_kc = (uint32_t)cdiv(p->n_kt, p->kc);
  uint64_t a_set = (uint64_t)p->kc * a_tile, t_set = (uint64_t)p->kc * t_tile;
  p->a_base[0] = 0;
  p->a_base[1] = a_sets == 2 ? (uint32_t)a_set : 0;
  p->t_base[0] = 0;
  p->t_base[1] = t_sets == 2 ? (uint32_t)t_set : 0;

  uint64_t slots = cbuf / c_slot;
  if (p->n_kc == 1) {
    /* accumulate one n-tile while the previous one is stored */
    p->c_slots = slots >= 2 ? 2u : 1u;
    p->nc = p->n_nt;
  } else {
    /* K is chunked: the accumulators of an N chunk stay resident across the
     * K chunks; the tables are rebuilt once per N chunk */
    p->nc = (uint32_t)(slots < p->n_nt ? slots : p->n_nt);
    p->c_slots = p->nc;
  }
  p->n_nc = (uint32_t)cdiv(p->n_nt, p->nc);
  return 0;
}

/* ---- cost model -------------------------------------------------------------- */

/* Array cycles of one LMMA/MMA (docs/machine.md timing rules). */
static double mm_cycles(const arch_cfg_t *cfg, const cplan_t *p, uint32_t mc, uint32_t nc,
                        uint32_t kc, int fin) {
  double blocks = (double)cdiv(mc, cfg->core_m) * (double)cdiv(nc, cfg->core_n);
  if (p->core == ARCH_CORE_LUT)
    return blocks * (double)(kc / cfg->core_k) * p->wbits + (double)cfg->core_pipeline_cycles +
           (fin ? blocks : 0.0);
  return blocks * (double)cdiv(kc, cfg->core_k) + (double)cfg->core_pipeline_cycles;
}

/* DMA cycles of one copy of `rows` rows of `rb` bytes (contiguous: the rows
 * are adjacent in DRAM and merge). The DMA sends at most one request of at
 * most dma.burst_bytes a cycle and keeps dma.max_outstanding in flight; the
 * memory moves memory.bytes_per_cycle after memory.latency_cycles. */
static double dma_cycles(const arch_cfg_t *cfg, double rows, double rb, int contiguous) {
  if (contiguous) {
    rb *= rows;
    rows = 1;
  }
  double lat = (double)cfg->memory_latency_cycles;
  double reqs = rows * ceil(rb / (double)cfg->dma_burst_bytes);
  double t = reqs;                                                 /* one request a cycle */
  double tl = reqs * lat / (double)cfg->dma_max_outstanding;       /* requests in flight */
  double tb = rows * rb / cfg->memory_bytes_per_cycle;             /* bandwidth */
  if (tl > t) t = tl;
  if (tb > t) t = tb;
  return lat + t;
}

/* Passes the vector unit makes over A for the element-wise op (a cost-model
 * estimate: a norm reads its row for statistics, then scales it). */
static double ew_passes(int ewop) {
  switch (ewop) {
    case ISA_EW_NONE: return 0.0;
    case ISA_EW_RMSNORM: return 2.0;   /* sum of squares, scale */
    case ISA_EW_LAYERNORM: return 3.0; /* mean, variance, normalize */
    default: return 1.0;               /* activations: one pass */
  }
}

/* TPRE cycles for a row block of mc rows and kext activations in ntpre
 * k-tiles (one TPRE each, or two unfused). */
static double pre_cycles(const arch_cfg_t *cfg, const cplan_t *p, uint32_t mc, double kext,
                         double ntpre, int fuse) {
  double elems = (double)mc * kext;
  double pass = elems / (double)cfg->tpre_ew_elems_per_cycle;
  double ew = ew_passes(p->ewop) * pass;
  if (p->core != ARCH_CORE_LUT) return p->ewop == ISA_EW_NONE ? 0.0 : ew + ntpre;
  double tables = (double)mc * (kext / cfg->core_k) / (double)cfg->tpre_tables_per_cycle;
  double build = tables > pass ? tables : pass; /* reading A overlaps building */
  if (p->ewop == ISA_EW_NONE) return build + ntpre;
  if (fuse) return ew - pass + build + ntpre; /* the op's last pass feeds the builder */
  return ew + build + 2 * ntpre;
}

/* A dimension split into tiles: `full` tiles of `t` and possibly one ragged
 * tile of `r` (r == 0: none). */
typedef struct dim_split {
  uint32_t t, r;   /* full and ragged tile sizes */
  uint32_t full;   /* full tiles */
} dim_split_t;

static dim_split_t split(uint32_t ext, uint32_t t) {
  dim_split_t d = {t, ext % t, ext / t};
  return d;
}

/* DMA cycles of the weight tile of one step. */
static double wload_cycles(const arch_cfg_t *cfg, const cplan_t *p, uint32_t nc, uint32_t kc) {
  int contig = kc == p->kp; /* a whole K row: the tile's rows are adjacent */
  return p->core == ARCH_CORE_LUT ? dma_cycles(cfg, (double)nc * p->wbits, kc / 8.0, contig)
                                  : dma_cycles(cfg, nc, (double)kc * p->wbits / 8.0, contig);
}

/* Cycles of one step with c array and d DMA cycles: they overlap when the
 * next weight tile loads into the other WBUF slot. */
static double step_cycles(const cplan_t *p, double c, double d) {
  return (p->w_halves == 2 ? (c > d ? c : d) : c + d) + STEP_OVH_CYC;
}

/* DMA idle cycles of such a step (room for prefetching the next A). */
static double slack_cycles(const cplan_t *p, double c, double d) {
  return p->w_halves == 2 && c > d ? c - d : 0.0;
}

double cplan_cost(const arch_cfg_t *cfg, const cplan_t *p, int fuse) {
  dim_split_t dm = split(p->m, p->mt), dn = split(p->n, p->nt), dk = split(p->kp, p->kt);
  const uint32_t ms[2] = {dm.t, dm.r}, ns[2] = {dn.t, dn.r}, ks[2] = {dk.t, dk.r};
  const double mcnt[2] = {dm.full, dm.r ? 1 : 0}, ncnt[2] = {dn.full, dn.r ? 1 : 0};
  const double kcnt[2] = {dk.full, dk.r ? 1 : 0};
  int lut = p->core == ARCH_CORE_LUT;
  double asz = p->asz, accb = p->accb;
  double n_blk = (double)p->n_nc * p->n_kc; /* row blocks per m-tile */
  double kext = (double)p->kp / p->n_kc, ntpre = (double)p->n_kt / p->n_kc;
  double total = 0;
  for (int i = 0; i < 2; i++) {
    if (!mcnt[i]) continue;
    /* the steps of one m-tile: array and DMA overlap when WBUF has two slots */
    double steps = 0, slack = 0;
    for (int j = 0; j < 2; j++) {
      if (!ncnt[j]) continue;
      double st = dma_cycles(cfg, ms[i], (double)ns[j] * accb, ns[j] == p->n);
      double zt = dma_cycles(cfg, 1, ns[j], 1);
      double tn = 0, sn = 0;
      for (int l = 0; l < 2; l++) {
        if (!kcnt[l]) continue;
        int last = l == 1 || !kcnt[1]; /* this class holds the n-tile's last k-tile */
        double c = mm_cycles(cfg, p, ms[i], ns[j], ks[l], 0);
        double d = wload_cycles(cfg, p, ns[j], ks[l]);
        /* zero points ride along with the LUT's last k-tile (its fin step)
         * and with the MAC's first tile in each WBUF slot and its ragged one */
        double nz = lut ? (last ? 1 : 0) : (l == 0 ? (kcnt[0] < 2 ? kcnt[0] : 2) : 1);
        double cz = lut ? mm_cycles(cfg, p, ms[i], ns[j], ks[l], 1) : c;
        tn += (kcnt[l] - nz) * step_cycles(p, c, d) + nz * step_cycles(p, cz, d + zt);
        sn += (kcnt[l] - nz) * slack_cycles(p, c, d) + nz * slack_cycles(p, cz, d + zt);
        if (l == 0) /* one step per n-tile also carries the previous n-tile's store */
          tn += step_cycles(p, c, d + st) - step_cycles(p, c, d);
      }
      steps += ncnt[j] * tn;
      slack += ncnt[j] * sn;
    }
    /* its row blocks: A loads (DMA; one LD per k-tile, whose latencies
     * overlap but for the requests in flight) and precompute (TPRE) */
    double a_t = dma_cycles(cfg, ms[i], kext * asz, p->n_kc == 1 && p->kt == p->kp) +
                 (ntpre - 1) * (double)cfg->memory_latency_cycles / cfg->dma_max_outstanding;
    double p_t = pre_cycles(cfg, p, ms[i], kext, ntpre, fuse);
    double exposed;
    if (p->prefetch) {
      /* the next block loads in the DMA's idle time and builds while the
       * array computes; what does not fit shows */
      double a_x = n_blk * a_t - slack, p_x = p_t - steps / n_blk;
      exposed = (a_x > 0 ? a_x : 0) + n_blk * (p_x > 0 ? p_x : 0);
    } else {
      exposed = n_blk * (a_t + p_t + BLOCK_OVH_CYC);
    }
    total += mcnt[i] * (steps + exposed);
  }
  if (p->prefetch) { /* the first row block is never hidden */
    uint32_t m0 = dm.full ? dm.t : dm.r;
    total += dma_cycles(cfg, m0, kext * asz, p->n_kc == 1 && p->kt == p->kp) +
             pre_cycles(cfg, p, m0, kext, ntpre, fuse);
  }
  /* the last store */
  total += dma_cycles(cfg, dm.r ? dm.r : dm.t, (double)(dn.r ? dn.r : dn.t) * accb, 0);
  /* never less than moving every DRAM byte: A once per m-tile per N chunk
   * (once overall unless chunked), weights and zero points once per m-tile,
   * C once */
  double bytes = (double)p->m * p->kp * asz * p->n_nc +
                 (double)p->n_mt * ((double)p->n * p->wbits * p->kp / 8.0 + (double)p->n) +
                 (double)p->m * p->n * accb;
  double dram = bytes / cfg->memory_bytes_per_cycle;
  return total > dram ? total : dram;
}

/* ---- search ---------------------------------------------------------------- */

/* Plans whose estimate is within this fraction of the best count as equally
 * fast; the search then takes the one with the fewest instructions. 1 % is
 * below the cost model's own accuracy. */
#define COST_TOLERANCE 0.01

/* Instructions a plan emits, roughly: 3 per step (SYNC, LMMA/MMA, LD
 * weights), a zero-point LD and a ST per n-tile, and per row block its A
 * loads, TPREs (up to two per k-tile) and two SYNCs. */
static double insn_estimate(const cplan_t *p) {
  double steps = (double)p->n_mt * p->n_nt * p->n_kt;
  double blocks = (double)p->n_mt * p->n_nc * p->n_kc;
  return 3 * steps + 2.0 * p->n_mt * p->n_nt + blocks * (3.0 * p->kc + 2);
}

/* Candidate tile sizes along one dimension of extent ext (already padded
 * for K) with granule gr and cap hi: gr*2^i, the whole extent, and for each a
 * balanced size that splits ext into equal tiles. */
static int candidates(uint32_t ext, uint32_t gr, uint32_t hi, uint32_t *out) {
  uint32_t top = (uint32_t)rup(ext, gr);
  uint32_t base[MAX_CAND / 2];
  int nb = 0;
  for (uint64_t t = gr; t < top && nb < MAX_CAND / 2 - 1; t *= 2) base[nb++] = (uint32_t)t;
  base[nb++] = top;
  int n = 0;
  for (int i = 0; i < nb; i++) {
    uint32_t t = base[i];
    uint32_t bal = (uint32_t)rup(cdiv(ext, cdiv(ext, t)), gr);
    uint32_t v[2] = {t, bal};
    for (int j = 0; j < 2; j++) {
      if (v[j] > hi || v[j] == 0) continue;
      int dup = 0;
      for (int q = 0; q < n && !dup; q++) dup = out[q] == v[j];
      if (!dup && n < MAX_CAND) out[n++] = v[j];
    }
  }
  return n;
}

int cplan_choose(const arch_cfg_t *cfg, const wl_gemm_t *g, cplan_t *best, double *cost,
                 coda_err_t *err) {
  uint32_t K = (uint32_t)cfg->core_k, kpad = 8u / gcd32(8u, K) * K;
  uint32_t kp = (uint32_t)rup(g->k, kpad);
  uint32_t mc[MAX_CAND], nc[MAX_CAND], kc[MAX_CAND];
  int nm = candidates(g->m, (uint32_t)cfg->core_m, ISA_F_M_MAX, mc);
  int nn = candidates(g->n, (uint32_t)cfg->core_n, ISA_F_N_MAX, nc);
  int nk = candidates(kp, kpad, ISA_F_K_MAX - ISA_F_K_MAX % kpad, kc);
  /* two passes: the lowest estimate, then among the plans within
   * COST_TOLERANCE of it the one with the fewest instructions (bigger tiles:
   * a smaller program and a faster simulation for a negligible estimate) */
  double best_cost = INFINITY, best_insns = INFINITY;
  cplan_t p;
  double chosen_cost = INFINITY;
  for (int pass = 0; pass < 2; pass++)
    for (int a = 0; a < nm; a++)
      for (int b = 0; b < nn; b++)
        for (int c = 0; c < nk; c++)
          for (int pf = 1; pf >= 0; pf--) {
            if (cplan_make(cfg, g, mc[a], nc[b], kc[c], pf, &p)) continue;
            double e = cplan_cost(cfg, &p, 1);
            if (pass == 0) {
              if (e < best_cost) best_cost = e;
              continue;
            }
            double ni = insn_estimate(&p);
            if (e <= best_cost * (1 + COST_TOLERANCE) && ni < best_insns) {
              best_insns = ni;
              chosen_cost = e;
              *best = p;
            }
          }
  if (!isfinite(best_cost)) {
    /* say which buffer cannot hold even the smallest tile (M x kpad of A,
     * its tables, N x kpad of weights, M x N accumulators) */
    uint32_t M = (uint32_t)cfg->core_m, N = (uint32_t)cfg->core_n;
    int lut = cfg->core_type == ARCH_CORE_LUT;
    int tq = is_fp(g->atype) && cfg->core_table_quant && lut;
    uint64_t accb = cplan_acct(cfg, g) == ISA_ACC_INT64 ? 8 : 4;
    const struct {
      const char *buf;
      uint64_t need, have;
    } need[4] = {
        {"abuf", (uint64_t)M * kpad * datagen_asize(g->atype), cfg->buffers_abuf_bytes},
        {"tbuf", lut ? (uint64_t)M * (kpad / K) * cplan_table_block_bytes(cfg, g->atype, tq) : 0,
         cfg->buffers_tbuf_bytes},
        {"wbuf", (uint64_t)N * g->wbits * kpad / 8 + N, cfg->buffers_wbuf_bytes},
        {"cbuf", ((uint64_t)M * N + M) * accb, cfg->buffers_cbuf_bytes}};
    for (int i = 0; i < 4; i++)
      if (need[i].need > need[i].have)
        return coda_errf(err, CODA_EINVAL,
                         "%s: no tiling of %ux%ux%u (W%d) fits the buffers of arch %s: "
                         "buffers.%s_bytes is %llu, the smallest tile needs %llu",
                         g->name, g->m, g->n, g->k, g->wbits, cfg->name, need[i].buf,
                         (unsigned long long)need[i].have, (unsigned long long)need[i].need);
    return coda_errf(err, CODA_EINVAL,
                     "%s: no tiling of %ux%ux%u (W%d) fits the buffers and instruction fields "
                     "of arch %s", g->name, g->m, g->n, g->k, g->wbits, cfg->name);
  }
  if (cost) *cost = chosen_cost;
  return CODA_OK;
}

int compile_choose_tiling(const arch_cfg_t *cfg, const wl_gemm_t *g, tiling_t *t,
                          coda_err_t *err) {
  cplan_t p;
  double cost;
  memset(t, 0, sizeof *t);
  int rc = cplan_choose(cfg, g, &p, &cost, err);
  if (rc) return rc;
  t->mt = p.mt;
  t->nt = p.nt;
  t->kt = p.kt;
  t->kp = p.kp;
  t->acct = p.acct;
  t->est_cycles = cost;
  return CODA_OK;
}
