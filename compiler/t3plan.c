/* t3plan.c: the T3 compiler pass (see t3plan.h): a tensor-parallel
 * sublayer's per-device plan (staggered stages, output slots, tracker
 * entries with counts from the HBM address mapping), its coll-group
 * instructions and back, and `coda t3 compile`. */
#include "t3plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../isa/asm.h"
#include "../isa/cbin.h"
#include "../sim/mem/hbm.h"
#include "t3wl.h"

static const char *const SUB_NAMES[T3_SUB_COUNT] = {"oproj", "fc2", "fc1_bwd", "iproj_bwd"};
/* K per device, in units of hidden / tp (Megatron-LM sublayers). */
static const uint32_t SUB_K_MULT[T3_SUB_COUNT] = {1, 4, 4, 3};

#define T3_ISA_DIM_MAX 65535u    /* the ISA's m / n / tiles fields: 16 bits */
#define T3_EXPECT_MAX 65535u     /* the expect field (T3_COUNT_BITS) */
#define T3_DBYTES_MAX 16777215u  /* the dbytes field (T3_BYTES_BITS) */
#define T3_ADDR_MAX (1ull << 40) /* 40-bit addr fields */

const char *t3_sub_name(t3_sub_e s) { return (unsigned)s < T3_SUB_COUNT ? SUB_NAMES[s] : "?"; }

int t3_sub_parse(const char *s) {
  for (int i = 0; i < T3_SUB_COUNT; i++)
    if (s && !strcmp(s, SUB_NAMES[i])) return i;
  return -1;
}

void t3_gemm_of(t3_gemm_t *g, const char *model, t3_sub_e sub, uint32_t tp, uint64_t tokens, uint64_t hidden) {
  memset(g, 0, sizeof *g);
  snprintf(g->model, sizeof g->model, "%s", model ? model : "");
  g->sub = sub;
  g->tp = tp;
  g->m = tokens;
  g->n = hidden;
  g->k = tp ? (uint64_t)SUB_K_MULT[(unsigned)sub < T3_SUB_COUNT ? sub : 0] * hidden / tp : 0;
  g->elem_bytes = 2;
}

/* One region of the device address map. */
typedef struct region {
  const char *key; /* t3.addr_* */
  uint64_t base, bytes;
} region_t;

/* Per-channel transaction counts of one tile at addr; 0 if even (*per set),
 * else the first two channels that differ. */
static int tile_spread(const hbm_t *h, uint64_t addr, uint64_t bytes, uint32_t *cnt, uint32_t nch,
                       uint32_t *per, uint32_t *c_lo, uint32_t *c_hi) {
  uint32_t req = hbm_req_bytes(h);
  memset(cnt, 0, nch * sizeof *cnt);
  for (uint64_t o = 0; o < bytes; o += req) {
    hbm_addr_t a;
    hbm_decode(h, addr + o, &a);
    cnt[a.ch]++;
  }
  for (uint32_t c = 1; c < nch; c++)
    if (cnt[c] != cnt[0]) {
      *c_lo = 0;
      *c_hi = c;
      return -1;
    }
  *per = cnt[0];
  return 0;
}

int t3_plan_build(t3_plan_t *p, const t3_gemm_t *g, const arch_cfg_t *cfg, uint32_t device, coda_err_t *err) {
  memset(p, 0, sizeof *p);
  const uint64_t N = cfg->t3_devices;
  if (N < 2) return coda_errf(err, CODA_EINVAL, "t3.devices = %" PRIu64 ": a ring of one device (expected 2..%d)", N, T3_MAX_DEVICES);
  if (N > T3_MAX_DEVICES) return coda_errf(err, CODA_EINVAL, "t3.devices = %" PRIu64 " exceeds %d", N, T3_MAX_DEVICES);
  if (g->tp != N)
    return coda_errf(err, CODA_EINVAL, "tp = %u of the %s GEMM differs from t3.devices = %" PRIu64, g->tp,
                     t3_sub_name(g->sub), N);
  if (device >= N)
    return coda_errf(err, CODA_EINVAL, "device %u is not in the ring of t3.devices = %" PRIu64 " (expected 0..%" PRIu64 ")",
                     device, N, N - 1);
  if (!g->m || !g->n || !g->k)
    return coda_errf(err, CODA_EINVAL, "GEMM M x N x K = %" PRIu64 " x %" PRIu64 " x %" PRIu64 ": every dimension must be > 0",
                     g->m, g->n, g->k);
  if (g->elem_bytes != 2)
    return coda_errf(err, CODA_EINVAL, "elem_bytes = %u: only FP16 (2) outputs are planned", g->elem_bytes);
  if (g->m % N)
    return coda_errf(err, CODA_EINVAL, "M = %" PRIu64 " (tokens) is not a multiple of t3.devices = %" PRIu64, g->m, N);
  const uint64_t rows = g->m / N, tm = cfg->t3_tile_m, tn = cfg->t3_tile_n;
  if (tm > rows)
    return coda_errf(err, CODA_EINVAL, "t3.tile_m = %" PRIu64 " is larger than the chunk (M / t3.devices = %" PRIu64
                     " rows) of the output", tm, rows);
  if (tn > g->n)
    return coda_errf(err, CODA_EINVAL, "t3.tile_n = %" PRIu64 " is larger than the output (N = %" PRIu64 " columns)", tn, g->n);
  if (rows % tm)
    return coda_errf(err, CODA_EINVAL, "t3.tile_m = %" PRIu64 " does not divide the chunk's %" PRIu64 " rows (M / t3.devices)", tm, rows);
  if (g->n % tn)
    return coda_errf(err, CODA_EINVAL, "t3.tile_n = %" PRIu64 " does not divide the output's N = %" PRIu64 " columns", tn, g->n);
  if (tm > T3_ISA_DIM_MAX || tn > T3_ISA_DIM_MAX)
    return coda_errf(err, CODA_EINVAL, "t3.tile_m x t3.tile_n = %" PRIu64 " x %" PRIu64 " exceeds the ISA's 16-bit m / n (65535)", tm, tn);
  const uint64_t trows = rows / tm, tcols = g->n / tn, tpc = trows * tcols;
  if (tpc > T3_ISA_DIM_MAX)
    return coda_errf(err, CODA_EINVAL, "%" PRIu64 " tiles per chunk exceed the ISA's 16-bit tiles (raise t3.tile_m / t3.tile_n)", tpc);
  if (2 * tpc > cfg->t3_tracker_entries)
    return coda_errf(err, CODA_EINVAL, "t3.tracker_entries = %" PRIu64 ": the tiles of two consecutive stages (2 x %" PRIu64
                     " tiles per chunk) collide in the direct-mapped tracker (raise t3.tile_m / t3.tile_n)",
                     cfg->t3_tracker_entries, tpc);
  const uint64_t eb = g->elem_bytes, tile_bytes = tm * tn * eb, chunk_bytes = tpc * tile_bytes;

  /* the address map */
  const region_t r[4] = {{"t3.addr_a", cfg->t3_addr_a, g->m * g->k * eb},
                         {"t3.addr_b", cfg->t3_addr_b, g->k * g->n * eb},
                         {"t3.addr_out", cfg->t3_addr_out, g->m * g->n * eb},
                         {"t3.addr_recv", cfg->t3_addr_recv, chunk_bytes}};
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++)
      if (r[i].base < r[j].base + r[j].bytes && r[j].base < r[i].base + r[i].bytes)
        return coda_errf(err, CODA_EINVAL, "%s: [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps %s [0x%" PRIx64 ", 0x%" PRIx64 ")",
                         r[i].key, r[i].base, r[i].base + r[i].bytes, r[j].key, r[j].base, r[j].base + r[j].bytes);
  hbm_t *h;
  int rc = hbm_init(&h, cfg, "t3", err);
  if (rc) return rc;
  const uint64_t cap = hbm_capacity_bytes(h);
  for (int i = 0; i < 4; i++)
    if (r[i].base + r[i].bytes > cap) {
      hbm_free(h);
      return coda_errf(err, CODA_EINVAL, "%s: 0x%" PRIx64 " + %" PRIu64 " bytes exceeds the HBM capacity of %" PRIu64
                       " bytes (hbm.*)", r[i].key, r[i].base, r[i].bytes, cap);
    }
  if (cfg->t3_addr_out + g->m * g->n * eb > T3_ADDR_MAX) {
    hbm_free(h);
    return coda_errf(err, CODA_EINVAL, "t3.addr_out: the output ends beyond the ISA's 40-bit addresses");
  }
  /* expected counts: every tile of stage 1's slot must put the same number of
   * 64 B transactions in every channel */
  const uint32_t nch = hbm_channels(h), req = hbm_req_bytes(h);
  char map[32];
  arch_cfg_enum_name("hbm", "address_mapping", cfg->hbm_address_mapping, map, sizeof map);
  if (tile_bytes % ((uint64_t)req * nch)) {
    hbm_free(h);
    return coda_errf(err, CODA_EINVAL, "t3.tile_m x t3.tile_n = %" PRIu64 " x %" PRIu64 " (%" PRIu64 " B) is not a multiple of "
                     "%u channels x %u B: hbm.address_mapping %s cannot spread it evenly", tm, tn, tile_bytes, nch, req, map);
  }
  uint32_t *cnt = malloc(nch * sizeof *cnt);
  if (!cnt) { hbm_free(h); return coda_errf(err, CODA_ENOMEM, "t3 plan: out of memory"); }
  uint32_t per = 0;
  for (uint64_t t = 0; t < tpc; t++) {
    uint32_t tper, clo, chi;
    uint64_t a = cfg->t3_addr_out + chunk_bytes + t * tile_bytes;
    if (tile_spread(h, a, tile_bytes, cnt, nch, &tper, &clo, &chi)) {
      rc = coda_errf(err, CODA_EINVAL, "t3.tile_m x t3.tile_n = %" PRIu64 " x %" PRIu64 ": tile %" PRIu64 " at 0x%" PRIx64
                     " puts %u transactions in channel %u but %u in channel %u under hbm.address_mapping %s "
                     "(every controller must get an equal part)", tm, tn, t, a, cnt[clo], clo, cnt[chi], chi, map);
      free(cnt);
      hbm_free(h);
      return rc;
    }
    per = tper;
  }
  free(cnt);
  hbm_free(h);
  const uint64_t ctrl_bytes = tile_bytes / nch, expect = 2 * ctrl_bytes / req;
  if (ctrl_bytes > T3_DBYTES_MAX)
    return coda_errf(err, CODA_EINVAL, "t3.tile_m x t3.tile_n: %" PRIu64 " bytes per controller exceed the 24-bit DMA size", ctrl_bytes);
  if (expect > T3_EXPECT_MAX)
    return coda_errf(err, CODA_EINVAL, "t3.tile_m x t3.tile_n: expected count %" PRIu64 " per controller exceeds 16 bits", expect);
  CODA_ASSERT(per * (uint64_t)req == ctrl_bytes);

  p->devices = (uint32_t)N;
  p->device = device;
  p->m = g->m;
  p->n = g->n;
  p->k = g->k;
  p->elem_bytes = g->elem_bytes;
  p->tile_m = (uint32_t)tm;
  p->tile_n = (uint32_t)tn;
  p->tile_rows = (uint32_t)trows;
  p->tile_cols = (uint32_t)tcols;
  p->tiles_per_chunk = (uint32_t)tpc;
  p->tile_bytes = tile_bytes;
  p->chunk_bytes = chunk_bytes;
  p->addr_a = cfg->t3_addr_a;
  p->addr_b = cfg->t3_addr_b;
  p->addr_out = cfg->t3_addr_out;
  p->addr_recv = cfg->t3_addr_recv;
  for (uint32_t s = 0; s < N; s++) {
    p->stage_chunk[s] = (uint32_t)((device + N - s) % N);
    p->stage_kind[s] = s == 0 ? T3_STAGE_REMOTE : s == N - 1 ? T3_STAGE_FINAL : T3_STAGE_FWD;
  }
  p->dest = (uint32_t)((device + 1) % N);
  p->expect_per_ctrl = (uint32_t)expect;
  p->ctrl_bytes = (uint32_t)ctrl_bytes;
  p->mca_mode = (uint32_t)cfg->t3_mca;
  p->mca_threshold = (uint32_t)cfg->t3_mca_threshold;
  p->mca_starve = (uint32_t)cfg->t3_mca_starve;
  return CODA_OK;
}

static uint32_t tile_id(const t3_plan_t *p, uint32_t s, uint32_t t) {
  return (uint32_t)(((uint64_t)s * p->tiles_per_chunk + t) & 0xffffu);
}

int t3_plan_emit(const t3_plan_t *p, isa_insn_t **out, uint32_t *n, coda_err_t *err) {
  *out = NULL;
  *n = 0;
  if (p->devices < 2 || p->devices > T3_MAX_DEVICES || !p->tiles_per_chunk)
    return coda_errf(err, CODA_EINVAL, "t3 plan: not built (devices %u, tiles per chunk %u)", p->devices, p->tiles_per_chunk);
  const uint64_t total = 3 + (uint64_t)p->devices + (uint64_t)(p->devices - 1) * p->tiles_per_chunk;
  isa_insn_t *v = calloc(total, sizeof *v);
  if (!v) return coda_errf(err, CODA_ENOMEM, "t3 plan: out of memory");
  uint32_t i = 0;
  v[i].op = ISA_OP_T3_LAYOUT;
  v[i].obase = p->addr_out;
  v[i].m = p->tile_m;
  v[i].n = p->tile_n;
  v[i].tiles = p->tiles_per_chunk;
  v[i].tcols = p->tile_cols;
  v[i].atype = T3_ELEM_ATYPE;
  i++;
  for (uint32_t s = 0; s < p->devices; s++, i++) {
    v[i].op = ISA_OP_T3_STAGE;
    v[i].stage = s;
    v[i].chunk = p->stage_chunk[s];
    v[i].skind = p->stage_kind[s];
    v[i].dest = p->dest;
  }
  for (uint32_t s = 1; s < p->devices; s++)
    for (uint32_t t = 0; t < p->tiles_per_chunk; t++, i++) {
      v[i].op = ISA_OP_T3_TRACK;
      v[i].tile = tile_id(p, s, t);
      v[i].expect = p->expect_per_ctrl;
      v[i].src = p->addr_out + s * p->chunk_bytes + (uint64_t)t * p->tile_bytes;
      v[i].dbytes = p->ctrl_bytes;
      v[i].dest = p->dest;
    }
  v[i].op = ISA_OP_T3_MCA;
  v[i].mca = p->mca_mode;
  v[i].thresh = p->mca_threshold;
  v[i].starve = p->mca_starve;
  i++;
  v[i].op = ISA_OP_T3_INPUTS;
  v[i].abase = p->addr_a;
  v[i].bbase = p->addr_b;
  v[i].rbase = p->addr_recv;
  i++;
  CODA_ASSERT(i == total);
  for (uint32_t j = 0; j < i; j++) {
    isa_word_t w;
    coda_err_t e = {0};
    if (isa_encode(&v[j], &w, &e)) {
      free(v);
      return coda_errf(err, CODA_EINVAL, "t3 plan: instruction %u does not encode: %s", j, e.msg);
    }
  }
  *out = v;
  *n = i;
  return CODA_OK;
}

static int dec_err(coda_err_t *err, uint32_t i, const isa_insn_t *in, const char *what, uint64_t got, uint64_t want) {
  const char *name = isa_op_name(in->op);
  return coda_errf(err, CODA_EINVAL, "t3 plan: instruction %u (%s): %s is %" PRIu64 ", expected %" PRIu64, i,
                   name ? name : "?", what, got, want);
}

int t3_plan_decode(t3_plan_t *p, const isa_insn_t *in, uint32_t n, uint32_t devices, uint32_t device, uint64_t k,
                   coda_err_t *err) {
  memset(p, 0, sizeof *p);
  if (devices < 2 || devices > T3_MAX_DEVICES)
    return coda_errf(err, CODA_EINVAL, "t3 plan: devices = %u: expected 2..%d", devices, T3_MAX_DEVICES);
  if (device >= devices) return coda_errf(err, CODA_EINVAL, "t3 plan: device %u is not in the ring of %u", device, devices);
  if (n < 1 || in[0].op != ISA_OP_T3_LAYOUT)
    return coda_errf(err, CODA_EINVAL, "t3 plan: instruction 0: expected t3_layout");
  const isa_insn_t *l = &in[0];
  if (!l->m || !l->n || !l->tiles || !l->tcols || l->tiles % l->tcols)
    return coda_errf(err, CODA_EINVAL, "t3 plan: instruction 0 (t3_layout): tiles %u is not a non-zero multiple of tcols %u "
                     "(or a tile dimension is 0)", l->tiles, l->tcols);
  if (l->atype != T3_ELEM_ATYPE) return dec_err(err, 0, l, "atype", l->atype, T3_ELEM_ATYPE);
  p->devices = devices;
  p->device = device;
  p->elem_bytes = 2;
  p->tile_m = l->m;
  p->tile_n = l->n;
  p->tiles_per_chunk = l->tiles;
  p->tile_cols = l->tcols;
  p->tile_rows = l->tiles / l->tcols;
  p->tile_bytes = (uint64_t)p->tile_m * p->tile_n * p->elem_bytes;
  p->chunk_bytes = p->tile_bytes * p->tiles_per_chunk;
  p->m = (uint64_t)devices * p->tile_rows * p->tile_m;
  p->n = (uint64_t)p->tile_cols * p->tile_n;
  p->k = k;
  p->addr_out = l->obase;
  const uint64_t total = 3 + (uint64_t)devices + (uint64_t)(devices - 1) * p->tiles_per_chunk;
  if (n != total)
    return coda_errf(err, CODA_EINVAL, "t3 plan: %u instructions, expected %" PRIu64 " (t3_layout, %u t3_stage, %" PRIu64
                     " t3_track, t3_mca, t3_inputs)", n, total, devices, total - 3 - devices);
  uint32_t i = 1;
  for (uint32_t s = 0; s < devices; s++, i++) {
    const isa_insn_t *x = &in[i];
    if (x->op != ISA_OP_T3_STAGE) return coda_errf(err, CODA_EINVAL, "t3 plan: instruction %u: expected t3_stage", i);
    uint32_t want_kind = s == 0 ? T3_STAGE_REMOTE : s == devices - 1 ? T3_STAGE_FINAL : T3_STAGE_FWD;
    if (x->stage != s) return dec_err(err, i, x, "stage", x->stage, s);
    if (x->chunk >= devices) return dec_err(err, i, x, "chunk", x->chunk, (device + devices - s) % devices);
    if (x->skind != want_kind) return dec_err(err, i, x, "skind", x->skind, want_kind);
    if (x->dest != (device + 1) % devices) return dec_err(err, i, x, "dest", x->dest, (device + 1) % devices);
    p->stage_chunk[s] = x->chunk;
    p->stage_kind[s] = (uint8_t)x->skind;
  }
  p->dest = (device + 1) % devices;
  for (uint32_t s = 1; s < devices; s++)
    for (uint32_t t = 0; t < p->tiles_per_chunk; t++, i++) {
      const isa_insn_t *x = &in[i];
      if (x->op != ISA_OP_T3_TRACK) return coda_errf(err, CODA_EINVAL, "t3 plan: instruction %u: expected t3_track", i);
      if (x->tile != tile_id(p, s, t)) return dec_err(err, i, x, "tile", x->tile, tile_id(p, s, t));
      uint64_t src = p->addr_out + s * p->chunk_bytes + (uint64_t)t * p->tile_bytes;
      if (x->src != src) return dec_err(err, i, x, "src", x->src, src);
      if (x->dest != p->dest) return dec_err(err, i, x, "dest", x->dest, p->dest);
      if (s == 1 && t == 0) {
        if (!x->expect || !x->dbytes) return dec_err(err, i, x, x->expect ? "dbytes" : "expect", 0, 1);
        p->expect_per_ctrl = x->expect;
        p->ctrl_bytes = x->dbytes;
      }
      if (x->expect != p->expect_per_ctrl) return dec_err(err, i, x, "expect", x->expect, p->expect_per_ctrl);
      if (x->dbytes != p->ctrl_bytes) return dec_err(err, i, x, "dbytes", x->dbytes, p->ctrl_bytes);
    }
  const isa_insn_t *x = &in[i];
  if (x->op != ISA_OP_T3_MCA) return coda_errf(err, CODA_EINVAL, "t3 plan: instruction %u: expected t3_mca", i);
  p->mca_mode = x->mca;
  p->mca_threshold = x->thresh;
  p->mca_starve = x->starve;
  x = &in[++i];
  if (x->op != ISA_OP_T3_INPUTS) return coda_errf(err, CODA_EINVAL, "t3 plan: instruction %u: expected t3_inputs", i);
  p->addr_a = x->abase;
  p->addr_b = x->bbase;
  p->addr_recv = x->rbase;
  return CODA_OK;
}

/* The tile of a sublayer: the config's t3.tile_m x t3.tile_n when the plan
 * accepts it; otherwise (auto) the first tile, trying tile_n from the
 * configured one down to 8 (divisors of N, multiples of 8) and tile_m from
 * the configured one down to 1, then up to the chunk's rows (divisors of the
 * chunk's rows),
 * that the plan accepts (it divides the output and spreads evenly over the
 * channels). */
int t3_pick_tile(arch_cfg_t *cfg, const t3_gemm_t *g, int autotile, coda_err_t *err) {
  t3_plan_t p;
  coda_err_t e0 = {0};
  if (!t3_plan_build(&p, g, cfg, 0, &e0)) return CODA_OK;
  if (!autotile) {
    *err = e0;
    return CODA_EINVAL;
  }
  const uint64_t tm0 = cfg->t3_tile_m, tn0 = cfg->t3_tile_n;
  const uint64_t rows = g->tp ? g->m / g->tp : 0;
  for (uint64_t tn = tn0; tn >= 8; tn--) {
    if (g->n % tn || tn % 8) continue;
    /* tile_m: the configured one and below first, then above */
    for (uint64_t i = 0; i < tm0 + rows; i++) {
      uint64_t tm = i < tm0 ? tm0 - i : i + 1;
      if (!tm || tm > rows || rows % tm) continue;
      cfg->t3_tile_m = tm, cfg->t3_tile_n = tn;
      coda_err_t e = {0};
      if (!t3_plan_build(&p, g, cfg, 0, &e)) return CODA_OK;
    }
  }
  cfg->t3_tile_m = tm0, cfg->t3_tile_n = tn0;
  *err = e0;
  return CODA_EINVAL;
}

int t3_sets_tile(const arch_set_t *s, int n) {
  for (int i = 0; i < n; i++)
    if (!strncmp(s[i].expr, "t3.tile_", 8)) return 1;
  return 0;
}

/* ---- coda t3 compile ------------------------------------------------------ */

#define T3C_MAX_SETS 64

static int cusage(const char *fmt, const char *a) {
  fprintf(stderr, "coda: t3 compile: ");
  fprintf(stderr, fmt, a);
  fprintf(stderr, " (see `coda t3 --help`)\n");
  return 2;
}

static int cfail(const coda_err_t *e) {
  fprintf(stderr, "coda: error: %s\n", e->msg);
  return 2;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *v) {
  if (!s || *s < '0' || *s > '9') return -1;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 10);
  if (errno || *end || x < lo || x > hi) return -1;
  *v = (uint32_t)x;
  return 0;
}

int t3_compile_main(int argc, char **argv) {
  const char *arch = NULL, *model = NULL, *sub = NULL, *out = NULL, *asm_out = NULL;
  uint32_t tp = 0, device = 0;
  int have_tp = 0, have_dev = 0;
  arch_set_t sets[T3C_MAX_SETS + 1];
  int nsets = 0;
  for (int i = 3; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(T3_COMPILE_USAGE, stdout); return 0; }
    if (strcmp(a, "--arch") && strcmp(a, "--model") && strcmp(a, "--sub") && strcmp(a, "--tp") &&
        strcmp(a, "--device") && strcmp(a, "-o") && strcmp(a, "-S") && strcmp(a, "--set"))
      return cusage("unknown option %s", a);
    if (!v) return cusage("option %s needs a value", a);
    i++;
    if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--model")) model = v;
    else if (!strcmp(a, "--sub")) sub = v;
    else if (!strcmp(a, "-o")) out = v;
    else if (!strcmp(a, "-S")) asm_out = v;
    else if (!strcmp(a, "--tp")) {
      if (parse_u32(v, 2, T3_MAX_DEVICES, &tp)) return cusage("--tp %s: expected 2..64 (a ring of at least two devices)", v);
      have_tp = 1;
    } else if (!strcmp(a, "--device")) {
      if (parse_u32(v, 0, T3_MAX_DEVICES - 1, &device)) return cusage("--device %s: expected 0..63", v);
      have_dev = 1;
    } else {
      if (nsets >= T3C_MAX_SETS) return cusage("too many --set options (at most 64)%s", "");
      sets[nsets++].expr = v;
    }
  }
  if (!model) return cusage("--model M.json is required%s", "");
  if (!sub) return cusage("--sub is required (oproj, fc2, fc1_bwd or iproj_bwd)%s", "");
  int s = t3_sub_parse(sub);
  if (s < 0) return cusage("--sub %s: expected oproj, fc2, fc1_bwd or iproj_bwd", sub);
  if (!have_tp) return cusage("--tp N is required%s", "");
  if (!have_dev) return cusage("--device D is required%s", "");
  if (device >= tp) {
    fprintf(stderr, "coda: t3 compile: --device %u: not in the ring of --tp %u devices (expected 0..%u)\n", device, tp, tp - 1);
    return 2;
  }
  if (!out && !asm_out) return cusage("-o P.cbin (or -S P.s) is required%s", "");
  /* the ring is --tp devices (ahead of the user's sets, which must agree) */
  char devset[40];
  snprintf(devset, sizeof devset, "t3.devices=%u", tp);
  memmove(sets + 1, sets, (size_t)nsets * sizeof sets[0]);
  sets[0].expr = devset;
  nsets++;
  coda_err_t err = {0};
  arch_cfg_t cfg;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err)) return cfail(&err);
  t3_model_t mdl;
  if (t3_model_load(model, &mdl, &err)) return cfail(&err);
  t3_gemm_t g;
  t3_gemm_of(&g, mdl.name, (t3_sub_e)s, tp, mdl.tokens, mdl.hidden);
  if (t3_pick_tile(&cfg, &g, !t3_sets_tile(sets, nsets), &err)) return cfail(&err);
  t3_plan_t p;
  if (t3_plan_build(&p, &g, &cfg, device, &err)) return cfail(&err);
  isa_insn_t *v;
  uint32_t n;
  if (t3_plan_emit(&p, &v, &n, &err)) return cfail(&err);
  cbin_t prog;
  memset(&prog, 0, sizeof prog);
  snprintf(prog.arch_name, sizeof prog.arch_name, "%s", cfg.name);
  snprintf(prog.workload_name, sizeof prog.workload_name, "%s.%s.tp%u.d%u", mdl.name, t3_sub_name(g.sub), tp, device);
  prog.dram_bytes = p.addr_out + p.m * p.n * p.elem_bytes;
  int rc = CODA_OK;
  for (uint32_t i = 0; i < n && !rc; i++) {
    isa_word_t w;
    rc = isa_encode(&v[i], &w, &err);
    if (!rc) rc = cbin_push_insn(&prog, &w, &err);
  }
  free(v);
  if (!rc && asm_out) {
    FILE *f = fopen(asm_out, "w");
    if (!f) rc = coda_errf(&err, CODA_EIO, "%s: cannot write: %s", asm_out, strerror(errno));
    else {
      rc = isa_disasm_program(&prog, f, &err);
      if (fclose(f) && !rc) rc = coda_errf(&err, CODA_EIO, "%s: write failed", asm_out);
    }
  }
  if (!rc && out) rc = cbin_write(&prog, out, &err);
  if (!rc)
    printf("coda: t3 compile: %s %s tp %u device %u: %u instructions (%u tiles per chunk, %u-B DMA per controller, "
           "count %u)\n", mdl.name, t3_sub_name(g.sub), tp, device, prog.n_insn, p.tiles_per_chunk, p.ctrl_bytes,
           p.expect_per_ctrl);
  cbin_free(&prog);
  return rc ? cfail(&err) : 0;
}
