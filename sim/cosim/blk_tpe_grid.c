/* blk_tpe_grid.c: the PE-grid TPEs (os, ws, matrix) as a co-simulation
 * block ("tpe_grid"), every topology, variant and encoding.
 *
 * RTL: rtl/tpe/tpe_grid_cosim_top.v around tpe_grid_core. C twin:
 * sim/tpe/tpe_grid.c. Parameters: tpe.grid, tpe.rows, tpe.cols,
 * tpe.variant, tpe.encoding (-GTpeGrid -GTpeRows -GTpeCols -GTpeVariant
 * -GTpeEncoding, enums by index).
 *
 * in_i (LSB first): ctrl[r] (os, matrix: 3 bits {valid, first, last} from
 * bit 0; ws: valid), a[r] (8 bits each), b[c] (8 bits each; ws: the weight
 * input), ld (ws: wload; os, matrix: rd), then os, matrix only: rd_row
 * (tpe_grid_row_bits(R) bits). out_o (LSB first): os, matrix: res[c] (32
 * each), res_valid; ws opt1/opt2: res[c] (32 each), res_valid[c]; ws base:
 * nothing here; then a (8 bits, opt2 12 digit bits: per PE r*C+c for os/ws,
 * per row for matrix), the control (os: ctrl[r][c], matrix: ctrl[r], 3 bits
 * each; ws: valid[r][c], psv[r][c]), b (per PE for os, the weights w[r][c]
 * for ws, per column for matrix), and per PE the accumulator (base: acc, ws:
 * ps; opt1/opt2: sum then carry, 32 bits each). So the carry-save
 * registers are compared bit for bit, not only the results.
 *
 * Stimulus, all from the seed: phases of 64..319 cycles. The first seven
 * are directed, in this order: all-zero operands, extreme operands
 * (-128/127), the digit corner values of both encoders, operand stalls
 * (valid = 0 half the time), resets in mid-block (1 cycle in 24),
 * unconstrained control (every row's ctrl, wload, rd and rd_row independent
 * and unskewed, rd_row past R-1 included), reloads (ws: a weight reload
 * starts 1 cycle in 16; os, matrix: one-beat blocks with a read-out every
 * cycle, row by row). Then random phases (uniform INT8 or |x| < 16, blocks
 * of 1..8 beats, 1 in 8 cycles stalled, 1 in 8192 reset, a ws weight reload
 * 1 in 128) with the directed kinds mixed in. Outside the unconstrained
 * phase the feeder skews as the array expects: row r sees row 0's control
 * r cycles late (os, ws), and every ws phase starts with an R-cycle weight
 * load. os, matrix read out a random row half the cycles. From cycle 40000
 * one long block of (-128) x (-128) products (131072 + 1000 beats) wraps the
 * 32-bit accumulators of os and matrix (ws partial sums, R products, cannot
 * wrap: that phase is extremes there). Data inputs carry random values on
 * stalled cycles. A transaction is a result leaving the array: a row read
 * out (os, matrix) or a column result at the bottom (ws).
 * Steady workload (`workload`): os/matrix blocks of 16 beats, every row
 * valid in a beat (skewed as above), one row read out per cycle
 * continuously; ws weights loaded in cycles 0..R-1, then A streamed; data
 * from the distribution, held on stalls; R*C MACs per beat.
 * Test hook (--inject-bug carry): on every cycle with a valid row input the
 * twin flips bit 1 of PE (0, 0)'s carry register (opt1, opt2), or bit 0 of
 * its accumulator / partial sum (base).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/util.h"

#include "../tpe/tpe_grid.h"
#include "cosim.h"

#define TPE_GRID_WRAP_AT 40000u /* cycle of the accumulator-wrap phase */
#define HIST TPE_GRID_MAX       /* row 0's control history: the skew reaches R-1 cycles back */

enum { BUG_NONE, BUG_CARRY };

enum {
  PH_ZERO, PH_EXTREME, PH_CORNER, PH_STALL, PH_RESET, PH_CHAOS, PH_RELOAD, /* directed */
  PH_RANDOM, PH_WRAP,
  PH_DIRECTED = PH_RANDOM
};

typedef struct blk_tpe_grid {
  tpe_grid_t g;            /* the C twin */
  uint32_t in_bits, out_bits;
  uint64_t rng;            /* splitmix64 state, from the seed */
  uint32_t phases, kind;   /* phases started, the current one's PH_* */
  uint64_t phase_start, phase_end;
  int small;               /* random phase: values |x| < 16 */
  uint32_t blk_len, blk_pos;
  uint32_t load_left;      /* ws: weight-load cycles still to go */
  int wrapped, rst, bug;
  uint8_t hist[HIST];      /* row 0's control of the last HIST cycles, by cycle % HIST */
  int8_t a[TPE_GRID_MAX], b[TPE_GRID_MAX]; /* one cycle's data inputs (held by the workload) */
  uint8_t ctrl[TPE_GRID_MAX];
} blk_tpe_grid_t;

/* ---- the buses: one walk names the fields and packs the values ----------- */

typedef struct walk {
  cosim_field_t *f; /* naming: fields out (the first max), else NULL */
  int n, max;       /* fields walked, room in f */
  uint64_t *out;    /* packing: the bus, else NULL */
  uint32_t at;
} walk_t;

static void emit(walk_t *w, uint32_t width, uint64_t v, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void emit(walk_t *w, uint32_t width, uint64_t v, const char *fmt, ...) {
  if (w->out) cosim_put(w->out, w->at, width, v);
  if (w->f && w->n < w->max) {
    char name[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    cosim_field(w->f, w->n, w->max, w->at, width, "%s", name);
  }
  w->n++;
  w->at += width;
}

static void walk_out(const tpe_grid_cfg_t *c, const tpe_grid_regs_t *q, walk_t *w) {
  const uint32_t R = c->rows, C = c->cols, ab = tpe_grid_a_bits(c);
  const int opt = c->variant != TPE_VARIANT_BASE, ws = c->grid == TPE_GRID_WS, mx = c->grid == TPE_GRID_MATRIX;
  if (!ws) {
    for (uint32_t j = 0; j < C; j++) emit(w, 32, q->res[j], "res[%u]", j);
    emit(w, 1, q->res_valid[0], "res_valid");
  } else if (opt) {
    for (uint32_t j = 0; j < C; j++) emit(w, 32, q->res[j], "res[%u]", j);
    for (uint32_t j = 0; j < C; j++) emit(w, 1, q->res_valid[j], "res_valid[%u]", j);
  }
  if (mx) {
    for (uint32_t r = 0; r < R; r++) emit(w, ab, q->a[r][0], "a[%u]", r);
    for (uint32_t r = 0; r < R; r++) emit(w, 3, q->ctrl[r][0], "ctrl[%u]", r);
    for (uint32_t j = 0; j < C; j++) emit(w, 8, (uint8_t)q->b[0][j], "b[%u]", j);
  } else {
    for (uint32_t r = 0; r < R; r++)
      for (uint32_t j = 0; j < C; j++) emit(w, ab, q->a[r][j], "a[%u][%u]", r, j);
    for (uint32_t r = 0; r < R; r++)
      for (uint32_t j = 0; j < C; j++) {
        if (ws) {
          emit(w, 1, q->ctrl[r][j], "valid[%u][%u]", r, j);
          emit(w, 1, q->psv[r][j], "psv[%u][%u]", r, j);
        } else {
          emit(w, 3, q->ctrl[r][j], "ctrl[%u][%u]", r, j);
        }
      }
    for (uint32_t r = 0; r < R; r++)
      for (uint32_t j = 0; j < C; j++) emit(w, 8, (uint8_t)q->b[r][j], ws ? "w[%u][%u]" : "b[%u][%u]", r, j);
  }
  for (uint32_t r = 0; r < R; r++)
    for (uint32_t j = 0; j < C; j++) {
      if (opt) {
        emit(w, 32, q->acc[r][j], "sum[%u][%u]", r, j);
        emit(w, 32, q->carry[r][j], "carry[%u][%u]", r, j);
      } else {
        emit(w, 32, q->acc[r][j], ws ? "ps[%u][%u]" : "acc[%u][%u]", r, j);
      }
    }
}

static uint32_t ctrl_in_bits(const tpe_grid_cfg_t *c) { return c->grid == TPE_GRID_WS ? 1 : 3; }

static void geometry(const tpe_grid_cfg_t *c, uint32_t *in_bits, uint32_t *out_bits, int *fields) {
  const uint32_t R = c->rows, C = c->cols;
  *in_bits = R * (ctrl_in_bits(c) + 8) + C * 8 + 1 + (c->grid == TPE_GRID_WS ? 0 : tpe_grid_row_bits(R));
  static const tpe_grid_regs_t zero; /* only the layout is walked */
  walk_t w = {NULL, 0, 0, NULL, 0};
  walk_out(c, &zero, &w);
  *out_bits = w.at;
  *fields = w.n;
}

static int tpe_grid_shape(const arch_cfg_t *cfg, uint32_t *in_bits, uint32_t *out_bits, coda_err_t *err) {
  tpe_grid_cfg_t c = tpe_grid_cfg_of(cfg);
  coda_err_t e = {0};
  int rc = tpe_grid_check(&c, &e);
  if (rc) return coda_errf(err, rc, "tpe_grid: %s (rtl/tpe supports what the C twin does)", e.msg);
  int fields;
  geometry(&c, in_bits, out_bits, &fields);
  if (fields > COSIM_MAX_FIELDS)
    return coda_errf(err, CODA_EINVAL,
                     "tpe_grid: tpe.rows=%u x tpe.cols=%u gives %d compared fields, more than the %d co-simulation "
                     "compares; use a smaller grid",
                     c.rows, c.cols, fields, COSIM_MAX_FIELDS);
  return CODA_OK;
}

static void tpe_grid_destroy(void *p) { free(p); }

static void *tpe_grid_create(const arch_cfg_t *cfg, uint64_t seed) {
  tpe_grid_cfg_t c = tpe_grid_cfg_of(cfg);
  coda_err_t err;
  blk_tpe_grid_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  if (tpe_grid_init(&b->g, &c, &err)) {
    free(b);
    return NULL;
  }
  int fields;
  geometry(&c, &b->in_bits, &b->out_bits, &fields);
  b->rng = seed ^ 0x7470655f67726964ull; /* "tpe_grid" */
  return b;
}

/* ---- stimulus ------------------------------------------------------------------ */

static void next_phase(blk_tpe_grid_t *b, uint64_t cycle) {
  uint64_t len = 64 + coda_rnd(&b->rng) % 256;
  if (b->phases < PH_DIRECTED) b->kind = b->phases;
  else if (!b->wrapped && cycle >= TPE_GRID_WRAP_AT) {
    b->kind = PH_WRAP;
    b->wrapped = 1;
    len = (1ull << 31) / 16384 + 1000; /* beats of (-128)^2 to pass 2^31, plus margin */
  } else {
    uint64_t r = coda_rnd(&b->rng) % 14;
    b->kind = r < PH_DIRECTED ? (uint32_t)r : PH_RANDOM;
  }
  b->phases++;
  b->phase_start = cycle;
  b->phase_end = cycle + len;
  b->small = (coda_rnd(&b->rng) & 3) == 0;
  b->blk_pos = b->blk_len = 0;
  b->load_left = b->g.cfg.grid == TPE_GRID_WS && b->kind != PH_CHAOS ? b->g.cfg.rows : 0;
}

static int8_t gen(blk_tpe_grid_t *b) {
  static const int8_t corner[] = {-128, -86, -85, -43, -1, 0, 1, 42, 43, 85, 86, 127};
  uint64_t r = coda_rnd(&b->rng);
  switch (b->kind) {
    case PH_ZERO: return 0;
    case PH_EXTREME: return (r & 1) ? 127 : -128;
    case PH_CORNER: return corner[r % sizeof corner];
    case PH_WRAP: return -128;
    default: return b->small ? (int8_t)((int)(r % 31) - 15) : (int8_t)(uint8_t)r;
  }
}

/* Row r's control in `cycle`: row 0's, r cycles late for the systolic grids. */
static uint8_t skewed(const blk_tpe_grid_t *b, uint64_t cycle, uint32_t r) {
  const uint32_t s = b->g.cfg.grid == TPE_GRID_MATRIX ? 0 : r;
  return cycle >= s ? b->hist[(cycle - s) % HIST] : 0;
}

static void pack_in(const blk_tpe_grid_t *b, uint64_t *in, int ld, uint32_t row) {
  const tpe_grid_cfg_t *c = &b->g.cfg;
  const uint32_t R = c->rows, C = c->cols, cb = ctrl_in_bits(c);
  memset(in, 0, (b->in_bits + 63) / 64 * sizeof *in);
  uint32_t at = 0;
  for (uint32_t r = 0; r < R; r++, at += cb) cosim_put(in, at, cb, b->ctrl[r] & ((1u << cb) - 1));
  for (uint32_t r = 0; r < R; r++, at += 8) cosim_put(in, at, 8, (uint8_t)b->a[r]);
  for (uint32_t j = 0; j < C; j++, at += 8) cosim_put(in, at, 8, (uint8_t)b->b[j]);
  cosim_put(in, at++, 1, (uint64_t)ld);
  if (c->grid != TPE_GRID_WS) cosim_put(in, at, tpe_grid_row_bits(R), row);
}

static void tpe_grid_stimulus(void *p, uint64_t cycle, uint64_t *in) {
  blk_tpe_grid_t *b = p;
  const tpe_grid_cfg_t *c = &b->g.cfg;
  const uint32_t R = c->rows, C = c->cols;
  const int ws = c->grid == TPE_GRID_WS;
  if (cycle >= b->phase_end || b->phases == 0) next_phase(b, cycle);
  uint64_t r = coda_rnd(&b->rng);
  b->rst = b->kind == PH_RESET ? (r >> 32) % 24 == 0 : (b->kind == PH_RANDOM && (r >> 32) % 8192 == 0);
  int valid, first, last;
  switch (b->kind) {
    case PH_CHAOS: valid = first = last = 0; break; /* rows drawn below */
    case PH_WRAP: valid = 1, first = cycle == b->phase_start, last = cycle + 1 == b->phase_end; break;
    default:
      valid = b->kind == PH_STALL ? (int)(r & 1) : (r & 7) != 0;
      if (b->blk_pos == b->blk_len) {
        b->blk_len = b->kind == PH_RELOAD ? 1 : 1 + (uint32_t)((r >> 8) % 8);
        b->blk_pos = 0;
      }
      first = b->blk_pos == 0;
      last = b->blk_pos + 1 == b->blk_len;
      if (valid) b->blk_pos++;
  }
  b->hist[cycle % HIST] =
      (uint8_t)(valid ? TPE_GRID_CTRL_VALID | (first ? TPE_GRID_CTRL_FIRST : 0) | (last ? TPE_GRID_CTRL_LAST : 0) : 0);
  for (uint32_t i = 0; i < R; i++) {
    b->ctrl[i] = b->kind == PH_CHAOS ? (uint8_t)(coda_rnd(&b->rng) & 7) : skewed(b, cycle, i);
    b->a[i] = gen(b);
  }
  for (uint32_t j = 0; j < C; j++) b->b[j] = gen(b);
  int ld;
  uint32_t row = (uint32_t)(r >> 16) & ((1u << tpe_grid_row_bits(R)) - 1);
  if (b->kind == PH_CHAOS) {
    ld = (r >> 40) & 1;
  } else if (ws) {
    if (!b->load_left && ((b->kind == PH_RELOAD && (r >> 40) % 16 == 0) || (b->kind == PH_RANDOM && (r >> 40) % 128 == 0)))
      b->load_left = R;
    ld = b->load_left > 0;
    if (ld) b->load_left--;
  } else if (b->kind == PH_RELOAD) {
    ld = 1, row = (uint32_t)(cycle % R);
  } else {
    ld = (r >> 40) & 1;
    row %= R;
  }
  pack_in(b, in, ld, row);
}

static void tpe_grid_step(void *p, const uint64_t *in, uint64_t *out) {
  blk_tpe_grid_t *b = p;
  const tpe_grid_cfg_t *c = &b->g.cfg;
  const uint32_t R = c->rows, C = c->cols, cb = ctrl_in_bits(c);
  int8_t a[TPE_GRID_MAX], bb[TPE_GRID_MAX];
  uint8_t ctrl[TPE_GRID_MAX];
  uint32_t at = 0;
  int any = 0;
  for (uint32_t r = 0; r < R; r++, at += cb) {
    ctrl[r] = (uint8_t)cosim_get(in, at, cb);
    any |= ctrl[r] & TPE_GRID_CTRL_VALID;
  }
  for (uint32_t r = 0; r < R; r++, at += 8) a[r] = (int8_t)cosim_get(in, at, 8);
  for (uint32_t j = 0; j < C; j++, at += 8) bb[j] = (int8_t)cosim_get(in, at, 8);
  tpe_grid_in_t ti = {a, ctrl, bb, 0, 0, 0};
  const uint8_t ld = (uint8_t)cosim_get(in, at++, 1);
  if (c->grid == TPE_GRID_WS) ti.wload = ld;
  else ti.rd = ld, ti.rd_row = (uint32_t)cosim_get(in, at, tpe_grid_row_bits(R));
  if (b->rst) tpe_grid_reset(&b->g);
  else {
    tpe_grid_eval(&b->g, &ti);
    if (b->bug == BUG_CARRY && any) { /* test hook: corrupt the next state */
      tpe_grid_regs_t *d = &b->g.reg[b->g.cur ^ 1];
      if (c->variant == TPE_VARIANT_BASE) d->acc[0][0] ^= 1u;
      else d->carry[0][0] ^= 2u;
    }
    tpe_grid_commit(&b->g);
  }
  memset(out, 0, (b->out_bits + 63) / 64 * sizeof *out);
  walk_t w = {NULL, 0, 0, out, 0};
  walk_out(c, tpe_grid_regs(&b->g), &w);
}

static int tpe_grid_out_fields(const void *p, cosim_field_t *f, int max) {
  const blk_tpe_grid_t *b = p;
  walk_t w = {f, 0, max, NULL, 0};
  static const tpe_grid_regs_t zero;
  walk_out(&b->g.cfg, &zero, &w);
  return w.n < max ? w.n : max;
}

#define FIELD(w, ...) (n = cosim_field(f, n, max, at, (w), __VA_ARGS__), at += (w))

static int tpe_grid_in_fields(const void *p, cosim_field_t *f, int max) {
  const blk_tpe_grid_t *b = p;
  const tpe_grid_cfg_t *c = &b->g.cfg;
  const int ws = c->grid == TPE_GRID_WS;
  int n = 0;
  uint32_t at = 0;
  for (uint32_t r = 0; r < c->rows; r++) FIELD(ctrl_in_bits(c), ws ? "valid[%u]" : "ctrl[%u]", r);
  FIELD(c->rows * 8, "a");
  FIELD(c->cols * 8, ws ? "w" : "b");
  FIELD(1, ws ? "wload" : "rd");
  if (!ws) FIELD(tpe_grid_row_bits(c->rows), "rd_row");
  return n < max ? n : max;
}
#undef FIELD

static int tpe_grid_in_reset(const void *p) { return ((const blk_tpe_grid_t *)p)->rst; }

static int tpe_grid_inject(void *p, const char *bug) {
  blk_tpe_grid_t *b = p;
  if (strcmp(bug, "carry")) return -1;
  b->bug = BUG_CARRY;
  return 0;
}

static uint64_t tpe_grid_transactions(const void *p) { return ((const blk_tpe_grid_t *)p)->g.st.outputs; }

/* ---- the steady workload ------------------------------------------------------- */

#define WL_BLOCK 16 /* beats per output block */

static double tpe_grid_workload(void *p, uint64_t cycle, const cosim_workload_t *w, uint64_t *in) {
  blk_tpe_grid_t *b = p;
  const tpe_grid_cfg_t *c = &b->g.cfg;
  const uint32_t R = c->rows, C = c->cols;
  const int ws = c->grid == TPE_GRID_WS, os = c->grid == TPE_GRID_OS;
  b->rst = 0;
  if (cycle == 0) {
    memset(b->hist, 0, sizeof b->hist);
    b->blk_pos = 0;
  }
  const int loading = ws && cycle < R; /* ws: the weights, once */
  const int valid = !loading && cosim_coin(&b->rng, w->rate);
  b->hist[cycle % HIST] = (uint8_t)(valid ? TPE_GRID_CTRL_VALID | (b->blk_pos == 0 ? TPE_GRID_CTRL_FIRST : 0) |
                                                (b->blk_pos + 1 == WL_BLOCK ? TPE_GRID_CTRL_LAST : 0)
                                          : 0);
  if (valid) b->blk_pos = (b->blk_pos + 1) % WL_BLOCK;
  for (uint32_t r = 0; r < R; r++) {
    b->ctrl[r] = skewed(b, cycle, r);
    if (b->ctrl[r] & TPE_GRID_CTRL_VALID) b->a[r] = cosim_draw_int8(&b->rng, w); /* else held */
  }
  for (uint32_t j = 0; j < C; j++) {
    /* os: column j's B belongs to the beat j cycles back; matrix: this beat */
    const int bv = ws ? loading : os ? (cycle >= j && (b->hist[(cycle - j) % HIST] & TPE_GRID_CTRL_VALID))
                                     : valid;
    if (bv) b->b[j] = cosim_draw_int8(&b->rng, w);
  }
  pack_in(b, in, ws ? loading : 1, ws ? 0 : (uint32_t)(cycle % R));
  return valid ? (double)R * C : 0.0;
}

static const char *const tpe_grid_rtl_files[] = {
    "rtl/tpe/tpe_grid_cosim_top.v", "rtl/tpe/tpe_grid_core.v", "rtl/tpe/tpe_grid_pe.v",
    "rtl/tpe/tpe_grid_cpa.v",       "rtl/tpe/tpe_tree_enc.v",  "rtl/tpe/tpe_tree_ppgen.v",
    "rtl/tpe/tpe_tree_csa.v",       "rtl/tpe/tpe_tree_mul.v",  NULL};
static const char *const tpe_grid_params[] = {"tpe.grid", "tpe.rows", "tpe.cols", "tpe.variant", "tpe.encoding",
                                              NULL};
#define SET(g, v, e) "--set tpe.grid=" g " --set tpe.rows=3 --set tpe.cols=2 --set tpe.variant=" v " --set tpe.encoding=" e
static const char *const tpe_grid_test_sets[] = {
    SET("os", "base", "mbe"),     SET("os", "opt1", "mbe"),     SET("os", "opt2", "mbe"),
    SET("ws", "base", "mbe"),     SET("ws", "opt1", "mbe"),     SET("ws", "opt2", "mbe"),
    SET("matrix", "base", "mbe"), SET("matrix", "opt1", "mbe"), SET("matrix", "opt2", "mbe"),
    SET("os", "opt2", "ent"),     SET("ws", "opt1", "ent"),     SET("matrix", "base", "ent"),
    NULL};
#undef SET

const cosim_block_t cosim_block_tpe_grid = {
    .name = "tpe_grid",
    .doc = "PE-grid TPEs (HPCA'25 bit-weight paper): R x C INT8 PEs as os/ws systolic array or 2D-Matrix, "
           "INT32 results; variants base/opt1/opt2, encodings mbe/ent",
    .rtl_top = "tpe_grid_cosim_top",
    .rtl_files = tpe_grid_rtl_files,
    .params = tpe_grid_params,
    .test_sets = tpe_grid_test_sets,
    .shape = tpe_grid_shape,
    .create = tpe_grid_create,
    .destroy = tpe_grid_destroy,
    .stimulus = tpe_grid_stimulus,
    .step = tpe_grid_step,
    .out_fields = tpe_grid_out_fields,
    .transactions = tpe_grid_transactions,
    .in_reset = tpe_grid_in_reset,
    .in_fields = tpe_grid_in_fields,
    .inject = tpe_grid_inject,
    .workload = tpe_grid_workload,
};
