/* systolic.c: the folded systolic array of systolic.h: fold sequencing on
 * the kernel with timestamps, the double-buffered SRAM/DRAM timing, the
 * per-cycle PE datapath and the per-fold fast path. */
#include "systolic.h"

#include <stdlib.h>
#include <string.h>

static const char *const DF_NAMES[] = {"os", "ws", "is"};

const char *sa_df_name(sa_dataflow_e df) { return DF_NAMES[df]; }

int sa_df_parse(const char *s, sa_dataflow_e *df) {
  for (int i = 0; i < 3; i++)
    if (!strcmp(s, DF_NAMES[i])) { *df = (sa_dataflow_e)i; return 0; }
  return -1;
}

uint64_t sa_fold_cycles(sa_dataflow_e df, uint32_t r, uint32_t c, uint32_t t) {
  /* os: operands skew in from the left and top; the last MAC is at PE
   * (R-1, C-1) on cycle (T-1)+(R-1)+(C-1). ws/is: R cycles to shift the
   * stationary operand in, then the same skewed stream plus one cycle for
   * the partial sum to leave the bottom row: R + (T-1)+(R-1)+(C-1)+1. */
  if (df == SA_DF_OS) return (uint64_t)t + r + c - 2;
  return 2ull * r + c + t - 2;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) { return b ? (a + b - 1) / b : 0; }
static cyc_t max_c(cyc_t a, cyc_t b) { return a > b ? a : b; }

/* ---- fold geometry ----------------------------------------------------- */

typedef struct fold_geo {
  uint32_t fr, fc;   /* row fold, col fold */
  uint32_t r0, c0;   /* origin along Sr, Sc */
  uint32_t ru, cu;   /* rows, cols used */
} fold_geo_t;

static fold_geo_t geo(const sa_t *s, uint64_t f) {
  fold_geo_t g;
  g.fc = (uint32_t)(f / s->row_folds);
  g.fr = (uint32_t)(f % s->row_folds);
  g.r0 = g.fr * s->cfg.rows;
  g.c0 = g.fc * s->cfg.cols;
  g.ru = s->sr - g.r0 < s->cfg.rows ? s->sr - g.r0 : s->cfg.rows;
  g.cu = s->sc - g.c0 < s->cfg.cols ? s->sc - g.c0 : s->cfg.cols;
  return g;
}

static uint64_t ifmap_words(const sa_t *s, uint32_t m0, uint32_t m1, uint32_t k0, uint32_t k1) {
  if (s->g.ifmap_unique) return s->g.ifmap_unique(s->g.ifmap_unique_ctx, m0, m1, k0, k1);
  return (uint64_t)(m1 - m0) * (k1 - k0);
}

/* The operand tiles a fold needs: their ids (equal id = same data) and sizes. */
typedef struct tiles {
  int64_t ifmap_id, filter_id;
  uint64_t ifmap_words, filter_words;
} tiles_t;

static tiles_t fold_tiles(const sa_t *s, uint64_t f) {
  fold_geo_t g = geo(s, f);
  const sa_gemm_t *p = &s->g;
  tiles_t t;
  switch (s->cfg.df) {
  case SA_DF_OS: /* ifmap: M rows [r0, r0+ru) x all K; filter: all K x N cols [c0, c0+cu) */
    t.ifmap_id = g.fr;
    t.filter_id = g.fc;
    t.ifmap_words = ifmap_words(s, g.r0, g.r0 + g.ru, 0, p->k);
    t.filter_words = (uint64_t)p->k * g.cu;
    break;
  case SA_DF_WS: /* ifmap: all M x K cols [r0, r0+ru); filter: K [r0..) x N [c0..) */
    t.ifmap_id = g.fr;
    t.filter_id = (int64_t)f;
    t.ifmap_words = ifmap_words(s, 0, p->m, g.r0, g.r0 + g.ru);
    t.filter_words = (uint64_t)g.ru * g.cu;
    break;
  default: /* is: ifmap: M [c0..) x K [r0..) stationary; filter: K [r0..) x all N */
    t.ifmap_id = (int64_t)f;
    t.filter_id = g.fr;
    t.ifmap_words = ifmap_words(s, g.c0, g.c0 + g.cu, g.r0, g.r0 + g.ru);
    t.filter_words = (uint64_t)g.ru * p->n;
    break;
  }
  return t;
}

/* Words to fetch for one operand tile: nothing when the tile is already in
 * the active SRAM half (same tile as the last fold and it fits), or when the
 * whole operand fits and this tile was fetched before. */
static uint64_t fetch_words(int64_t id, uint64_t words, uint64_t half, int64_t *resident, uint8_t *seen) {
  if (seen) {
    if (seen[id]) return 0;
    seen[id] = 1;
    return words;
  }
  uint64_t w = (id == *resident && words <= half) ? 0 : words;
  *resident = id;
  return w;
}

/* Fetches fold f's tiles starting at `from`; returns when both are in. */
static cyc_t fetch_fold(sa_t *s, uint64_t f, cyc_t from) {
  tiles_t t = fold_tiles(s, f);
  uint64_t wi = fetch_words(t.ifmap_id, t.ifmap_words, s->cfg.ifmap_sram_words / 2, &s->ifmap_tile, s->ifmap_seen);
  uint64_t wf = fetch_words(t.filter_id, t.filter_words, s->cfg.filter_sram_words / 2, &s->filter_tile,
                            s->filter_seen);
  s->st.ifmap_dram_reads += wi;
  s->st.filter_dram_reads += wf;
  cyc_t ei = from + ceil_div(wi, s->cfg.dram_bw_words), ef = from + ceil_div(wf, s->cfg.dram_bw_words);
  if (wi) s->st.ifmap_dram_last_cyc = max_c(s->st.ifmap_dram_last_cyc, ei);
  if (wf) s->st.filter_dram_last_cyc = max_c(s->st.filter_dram_last_cyc, ef);
  return max_c(ei, ef);
}

/* SCALE-Sim's per-fold SRAM request counts. */
static void count_fold(sa_t *s, const fold_geo_t *g) {
  uint64_t ru = g->ru, cu = g->cu, t = s->t;
  switch (s->cfg.df) {
  case SA_DF_OS:
    s->st.ifmap_sram_reads += ru * t;
    s->st.filter_sram_reads += cu * t;
    s->st.ofmap_sram_writes += ru * cu;
    break;
  case SA_DF_WS:
    s->st.ifmap_sram_reads += t * ru;
    s->st.filter_sram_reads += ru * cu;
    s->st.ofmap_sram_writes += t * cu;
    break;
  default:
    s->st.ifmap_sram_reads += ru * cu;
    s->st.filter_sram_reads += t * ru;
    s->st.ofmap_sram_writes += t * cu;
    break;
  }
  double pes = (double)s->cfg.rows * s->cfg.cols;
  s->st.mapping_eff_sum += (double)(ru * cu) / pes;
  s->st.compute_util_sum += (double)(ru * cu) * (double)t / (pes * (double)s->util_span);
}

static size_t pe_count(const sa_t *s) { return (size_t)s->cfg.rows * s->cfg.cols; }

/* Starts the current fold no earlier than `earliest`. */
static void begin_fold(sa_t *s, cyc_t earliest) {
  cyc_t start = max_c(max_c(earliest, s->fetch_end), s->drain_end[0]);
  if (s->fold > 0) s->st.stall_cycles += start - s->last_end;
  s->fold_start = start;
  fold_geo_t g = geo(s, s->fold);
  count_fold(s, &g);
  /* The other SRAM halves were freed when the previous fold started: the
   * next fold's fetch runs behind this fold's compute. */
  if (s->fold + 1 < s->st.folds) s->fetch_end = fetch_fold(s, s->fold + 1, max_c(s->fetch_end, start));
  if (s->cfg.mode == SA_MODE_CYCLE) {
    size_t n = pe_count(s) * sizeof(int32_t);
    memset(s->a_q, 0, n);
    memset(s->b_q, 0, n);
    memset(s->p_q, 0, n);
  }
}

/* ---- functional datapaths ---------------------------------------------- */

static int32_t wrap32(uint32_t v) { int32_t r; memcpy(&r, &v, sizeof r); return r; }
static void add_c(sa_t *s, uint64_t idx, int32_t v) {
  s->g.c[idx] = wrap32((uint32_t)s->g.c[idx] + (uint32_t)v);
}

/* The whole fold at once: same sums as the PE array (int32 wrap-around). */
static void fold_fast(sa_t *s, const fold_geo_t *g) {
  const int8_t *A = s->g.a, *B = s->g.b;
  uint64_t K = s->g.k, N = s->g.n, M = s->g.m;
  if (s->cfg.df == SA_DF_OS) {
    for (uint32_t i = 0; i < g->ru; i++)
      for (uint32_t j = 0; j < g->cu; j++) {
        uint64_t m = g->r0 + i, n = g->c0 + j;
        uint32_t acc = 0;
        for (uint64_t k = 0; k < K; k++) acc += (uint32_t)(A[m * K + k] * B[k * N + n]);
        add_c(s, m * N + n, wrap32(acc));
      }
  } else if (s->cfg.df == SA_DF_WS) {
    for (uint64_t m = 0; m < M; m++)
      for (uint32_t j = 0; j < g->cu; j++) {
        uint64_t n = g->c0 + j;
        uint32_t acc = 0;
        for (uint32_t i = 0; i < g->ru; i++) {
          uint64_t k = g->r0 + i;
          acc += (uint32_t)(A[m * K + k] * B[k * N + n]);
        }
        add_c(s, m * N + n, wrap32(acc));
      }
  } else {
    for (uint32_t j = 0; j < g->cu; j++)
      for (uint64_t n = 0; n < N; n++) {
        uint64_t m = g->c0 + j;
        uint32_t acc = 0;
        for (uint32_t i = 0; i < g->ru; i++) {
          uint64_t k = g->r0 + i;
          acc += (uint32_t)(A[m * K + k] * B[k * N + n]);
        }
        add_c(s, m * N + n, wrap32(acc));
      }
  }
}

/* Operand entering row i at the left edge on stream cycle x (0 if none). */
static int32_t left_in(const sa_t *s, const fold_geo_t *g, uint32_t i, int64_t x) {
  if (i >= g->ru || x < (int64_t)i || x - i >= (int64_t)s->t) return 0;
  uint64_t v = (uint64_t)(x - i), K = s->g.k, N = s->g.n;
  if (s->cfg.df == SA_DF_OS) return s->g.a[(g->r0 + i) * K + v];    /* A[m][k=v] */
  if (s->cfg.df == SA_DF_WS) return s->g.a[v * K + g->r0 + i];       /* A[m=v][k] */
  return s->g.b[(g->r0 + i) * N + v];                                /* is: B[k][n=v] */
}

/* os: operand entering column j at the top on cycle x. */
static int32_t top_in(const sa_t *s, const fold_geo_t *g, uint32_t j, int64_t x) {
  if (j >= g->cu || x < (int64_t)j || x - j >= (int64_t)s->t) return 0;
  return s->g.b[(uint64_t)(x - j) * s->g.n + g->c0 + j];
}

/* ws/is: the stationary operand of PE (i, j). */
static int32_t stat_op(const sa_t *s, const fold_geo_t *g, uint32_t i, uint32_t j) {
  if (i >= g->ru || j >= g->cu) return 0;
  if (s->cfg.df == SA_DF_WS) return s->g.b[(uint64_t)(g->r0 + i) * s->g.n + g->c0 + j];
  return s->g.a[(uint64_t)(g->c0 + j) * s->g.k + g->r0 + i];
}

static void eval_cycle(sa_t *s, uint64_t tau) {
  fold_geo_t g = geo(s, s->fold);
  uint32_t R = s->cfg.rows, C = s->cfg.cols;
  if (s->cfg.df == SA_DF_OS) {
    for (uint32_t i = 0; i < R; i++)
      for (uint32_t j = 0; j < C; j++) {
        size_t x = (size_t)i * C + j;
        int32_t na = j ? s->a_q[x - 1] : left_in(s, &g, i, (int64_t)tau);
        int32_t nb = i ? s->b_q[x - C] : top_in(s, &g, j, (int64_t)tau);
        s->a_d[x] = na;
        s->b_d[x] = nb;
        s->p_d[x] = wrap32((uint32_t)s->p_q[x] + (uint32_t)(na * nb));
      }
    return;
  }
  if (tau < R) { /* shift the stationary operand down, last row first */
    for (uint32_t i = 0; i < R; i++)
      for (uint32_t j = 0; j < C; j++) {
        size_t x = (size_t)i * C + j;
        s->b_d[x] = i ? s->b_q[x - C] : stat_op(s, &g, R - 1 - (uint32_t)tau, j);
        s->a_d[x] = s->a_q[x];
        s->p_d[x] = s->p_q[x];
      }
    return;
  }
  int64_t sig = (int64_t)(tau - R);
  for (uint32_t i = 0; i < R; i++)
    for (uint32_t j = 0; j < C; j++) {
      size_t x = (size_t)i * C + j;
      int32_t na = j ? s->a_q[x - 1] : left_in(s, &g, i, sig);
      int32_t above = i ? s->p_q[x - C] : 0;
      s->a_d[x] = na;
      s->b_d[x] = s->b_q[x];
      s->p_d[x] = wrap32((uint32_t)above + (uint32_t)(na * s->b_q[x]));
    }
}

/* ws/is: after stream cycle sig, column j's bottom PE holds output t. */
static void collect_bottom(sa_t *s, uint64_t tau) {
  fold_geo_t g = geo(s, s->fold);
  uint32_t R = s->cfg.rows, C = s->cfg.cols;
  if (tau < R) return;
  int64_t sig = (int64_t)(tau - R);
  for (uint32_t j = 0; j < g.cu; j++) {
    int64_t t = sig - (int64_t)(R - 1) - j;
    if (t < 0 || t >= (int64_t)s->t) continue;
    int32_t v = s->p_q[(size_t)(R - 1) * C + j];
    if (s->cfg.df == SA_DF_WS) add_c(s, (uint64_t)t * s->g.n + g.c0 + j, v);
    else add_c(s, (uint64_t)(g.c0 + j) * s->g.n + (uint64_t)t, v);
  }
}

static void end_fold(sa_t *s) {
  fold_geo_t g = geo(s, s->fold);
  if (s->cfg.mode == SA_MODE_FOLD) fold_fast(s, &g);
  if (s->cfg.mode == SA_MODE_CYCLE && s->cfg.df == SA_DF_OS)
    for (uint32_t i = 0; i < g.ru; i++)
      for (uint32_t j = 0; j < g.cu; j++)
        add_c(s, (uint64_t)(g.r0 + i) * s->g.n + g.c0 + j, s->p_q[(size_t)i * s->cfg.cols + j]);
  cyc_t end = s->fold_start + s->fold_cycles;
  /* ofmap: this fold's outputs drain behind the previous fold's drain. */
  uint64_t w = s->cfg.df == SA_DF_OS ? (uint64_t)g.ru * g.cu : (uint64_t)s->t * g.cu;
  cyc_t dend = max_c(end, s->drain_end[1]) + ceil_div(w, s->cfg.dram_bw_words);
  s->st.ofmap_dram_writes += w;
  s->st.ofmap_dram_last_cyc = max_c(s->st.ofmap_dram_last_cyc, dend);
  s->drain_end[0] = s->drain_end[1];
  s->drain_end[1] = dend;
  s->last_end = end;
  s->fold++;
  if (s->fold < s->st.folds) begin_fold(s, end);
}

/* ---- kernel block -------------------------------------------------------- */

static void sa_eval(void *self, cyc_t now) {
  sa_t *s = self;
  if (s->cfg.mode != SA_MODE_CYCLE || sa_done(s) || now < s->fold_start) return;
  eval_cycle(s, now - s->fold_start);
}

static int sa_commit(void *self, cyc_t now) {
  sa_t *s = self;
  if (sa_done(s) || now < s->fold_start) return 0;
  int changed = 0;
  if (s->cfg.mode == SA_MODE_CYCLE) {
    int32_t *t;
    t = s->a_q; s->a_q = s->a_d; s->a_d = t;
    t = s->b_q; s->b_q = s->b_d; s->b_d = t;
    t = s->p_q; s->p_q = s->p_d; s->p_d = t;
    if (s->cfg.df != SA_DF_OS) collect_bottom(s, now - s->fold_start);
    changed = 1;
  }
  if (now == s->fold_start + s->fold_cycles - 1) end_fold(s);
  return changed;
}

static cyc_t sa_next_event(const void *self, cyc_t now) {
  const sa_t *s = self;
  if (sa_done(s)) return CYC_NEVER;
  if (s->cfg.mode == SA_MODE_CYCLE) return now < s->fold_start ? s->fold_start : now + 1;
  /* Nothing happens inside a fold until its last cycle. */
  cyc_t last = s->fold_start + s->fold_cycles - 1;
  return last > now ? last : now + 1;
}

static const sim_block_ops_t SA_OPS = {"systolic", sa_eval, sa_commit, sa_next_event};

int sa_attach(sa_t *s, sim_t *sim) { return sim_add(sim, &SA_OPS, s) < 0 ? -1 : 0; }

int sa_done(const sa_t *s) { return s->fold >= s->st.folds; }

/* ---- setup --------------------------------------------------------------- */

int sa_init(sa_t *s, const sa_cfg_t *cfg, const sa_gemm_t *g, coda_err_t *err) {
  memset(s, 0, sizeof *s);
  if (cfg->rows == 0 || cfg->rows > SA_MAX_DIM)
    return coda_errf(err, CODA_EINVAL, "array rows %u out of range 1..%u", cfg->rows, SA_MAX_DIM);
  if (cfg->cols == 0 || cfg->cols > SA_MAX_DIM)
    return coda_errf(err, CODA_EINVAL, "array cols %u out of range 1..%u", cfg->cols, SA_MAX_DIM);
  if (cfg->df > SA_DF_IS) return coda_errf(err, CODA_EINVAL, "unknown dataflow %d", (int)cfg->df);
  if (g->m == 0 || g->n == 0 || g->k == 0)
    return coda_errf(err, CODA_EINVAL, "GEMM dims must be >= 1 (M=%u N=%u K=%u)", g->m, g->n, g->k);
  if (cfg->mode != SA_MODE_TIMING && (!g->a || !g->b || !g->c))
    return coda_errf(err, CODA_EINVAL, "functional mode needs operands and a result buffer");
  s->cfg = *cfg;
  s->g = *g;
  switch (cfg->df) {
  case SA_DF_OS: s->sr = g->m; s->sc = g->n; s->t = g->k; break;
  case SA_DF_WS: s->sr = g->k; s->sc = g->n; s->t = g->m; break;
  default: s->sr = g->k; s->sc = g->m; s->t = g->n; break;
  }
  s->row_folds = (uint32_t)ceil_div(s->sr, cfg->rows);
  s->col_folds = (uint32_t)ceil_div(s->sc, cfg->cols);
  s->fold_cycles = sa_fold_cycles(cfg->df, cfg->rows, cfg->cols, s->t);
  /* SCALE-Sim divides a fold's MAC cycles by the rows of its ofmap demand
   * (os) or filter/ifmap demand (ws/is) matrix plus C-1. */
  s->util_span = cfg->df == SA_DF_OS ? s->fold_cycles : s->fold_cycles + cfg->cols - 1;
  s->st.folds = (uint64_t)s->row_folds * s->col_folds;
  s->st.fold_cycles = s->fold_cycles;
  s->st.compute_cycles = s->st.folds * s->fold_cycles;
  s->st.macs = (uint64_t)g->m * g->n * g->k;
  s->ifmap_tile = s->filter_tile = -1;
  /* An operand that fits whole in its active SRAM half is fetched once. */
  uint64_t n_if = cfg->df == SA_DF_IS ? s->st.folds : s->row_folds;
  uint64_t n_fi = cfg->df == SA_DF_OS ? s->col_folds : cfg->df == SA_DF_WS ? s->st.folds : s->row_folds;
  if (ifmap_words(s, 0, g->m, 0, g->k) <= cfg->ifmap_sram_words / 2 && !(s->ifmap_seen = calloc(n_if, 1)))
    return coda_errf(err, CODA_ENOMEM, "out of memory");
  if ((uint64_t)g->k * g->n <= cfg->filter_sram_words / 2 && !(s->filter_seen = calloc(n_fi, 1))) {
    sa_free(s);
    return coda_errf(err, CODA_ENOMEM, "out of memory");
  }
  if (cfg->mode == SA_MODE_CYCLE) {
    size_t n = pe_count(s);
    int32_t **regs[] = {&s->a_q, &s->a_d, &s->b_q, &s->b_d, &s->p_q, &s->p_d};
    for (size_t i = 0; i < 6; i++)
      if (!(*regs[i] = calloc(n, sizeof(int32_t)))) { sa_free(s); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  }
  /* Fold 0's operands are prefetched from cycle 0; compute starts when in. */
  s->fetch_end = fetch_fold(s, 0, 0);
  begin_fold(s, 0);
  s->first_start = s->fold_start;
  s->st.prefetch_cycles = s->first_start;
  return CODA_OK;
}

void sa_free(sa_t *s) {
  free(s->ifmap_seen);
  free(s->filter_seen);
  free(s->a_q); free(s->a_d); free(s->b_q); free(s->b_d); free(s->p_q); free(s->p_d);
  s->ifmap_seen = s->filter_seen = NULL;
  s->a_q = s->a_d = s->b_q = s->b_d = s->p_q = s->p_d = NULL;
}

int sa_run(sa_t *s, int dense, uint64_t *visited, coda_err_t *err) {
  sim_t sim;
  sim_init(&sim);
  sim.dense = dense;
  if (sa_attach(s, &sim)) return coda_errf(err, CODA_EINVAL, "kernel full");
  sim.now = s->cfg.mode == SA_MODE_CYCLE ? s->fold_start : s->fold_start + s->fold_cycles - 1;
  while (!sa_done(s)) {
    cyc_t next = sim_cycle(&sim);
    if (next == CYC_NEVER) break;
    sim.now = next;
  }
  if (!sa_done(s)) CODA_PANIC("systolic array stopped before its last fold");
  if (visited) *visited = sim.visited;
  return CODA_OK;
}

/* ---- SCALE-Sim's figures ------------------------------------------------- */

uint64_t sa_scalesim_total_cycles(const sa_stats_t *st) {
  /* SCALE-Sim reports the index of the last demand line plus stalls. */
  return st->compute_cycles + st->stall_cycles - 1;
}

double sa_overall_util(const sa_t *s) {
  return 100.0 * (double)s->st.macs /
         ((double)sa_scalesim_total_cycles(&s->st) * s->cfg.rows * s->cfg.cols);
}

double sa_mapping_eff(const sa_t *s) { return 100.0 * s->st.mapping_eff_sum / (double)s->st.folds; }
double sa_compute_util(const sa_t *s) { return 100.0 * s->st.compute_util_sum / (double)s->st.folds; }
