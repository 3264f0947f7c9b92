/* area_blocks.c: the synthesizable blocks of `coda area`, their range
 * checks, and how a config becomes the top's Verilog parameters.
 *
 * Adding a block: one entry in BLOCKS (top, RTL folder, report groups, the
 * tile its timing falls back to, a check). Its parameters come from the RTL
 * itself: every params.def key whose UpperCamel name the top declares.
 */
#include "area.h"
#include "../core/util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../dev/bufs.h"
#include "../lut/lut_array.h"
#include "../lut/lut_core.h"
#include "../lut/lut_precompute.h"
#include "../mac/mac_array.h"
#include "../pim/pim_bank.h"
#include "../t3/tracker.h"
#include "../tpe/tpe_bs.h"
#include "../tpe/tpe_grid.h"
#include "../tpe/tpe_tree.h"

/* ---- range checks: what the RTL supports, by the C twins' own checks ------ */

/* lut_tc_core at its INT8 widths (ActW 8, EntryW 16, AccW 32: the defaults
 * the flow leaves in place, the same the co-simulation twin uses). */
static int lut_tc_check(const arch_cfg_t *c, coda_err_t *err) {
  lut_array_cfg_t a = {(uint32_t)c->core_m, (uint32_t)c->core_n, (uint32_t)c->core_k,
                       (uint32_t)c->core_pipeline_cycles,
                       lut_entry_bytes(ISA_ATYPE_INT8, 0) * 8, dev_acc_bytes(ISA_ACC_INT32) * 8, 0};
  lut_pre_cfg_t p = {(uint32_t)c->tpre_tables_per_cycle, (uint32_t)c->core_k,
                     dev_act_bytes(ISA_ATYPE_INT8) * 8, lut_entry_bytes(ISA_ATYPE_INT8, 0) * 8};
  coda_err_t e = {0};
  int rc = lut_array_check(&a, &e);
  if (!rc) rc = lut_pre_check(&p, &e);
  if (rc) return coda_errf(err, rc, "lut_tc: %s (rtl/lut_tc supports what the C twins do)", e.msg);
  return CODA_OK;
}

/* mac_tc_core at INT8 activations, INT32 accumulators (its defaults). */
static int mac_tc_check(const arch_cfg_t *c, coda_err_t *err) {
  if (c->core_pipeline_cycles < 1)
    return coda_errf(err, CODA_EINVAL, "mac_tc: core.pipeline_cycles=0 is outside what rtl/mac_tc "
                     "supports (at least 1: the operand stage)");
  mac_array_cfg_t a = mac_array_cfg_of(c, dev_act_bytes(ISA_ATYPE_INT8) * 8,
                                       dev_acc_bytes(ISA_ACC_INT32) * 8);
  coda_err_t e = {0};
  int rc = mac_array_check(&a, &e);
  if (rc) return coda_errf(err, rc, "mac_tc: %s (rtl/mac_tc supports what the C twin does)", e.msg);
  return CODA_OK;
}

/* tpe_tree_core: every K, N, variant and encoding the C twin takes. */
static int tpe_tree_area_check(const arch_cfg_t *c, coda_err_t *err) {
  tpe_tree_cfg_t t = tpe_tree_cfg_of(c);
  coda_err_t e = {0};
  int rc = tpe_tree_check(&t, &e);
  if (rc) return coda_errf(err, rc, "tpe_tree: %s (rtl/tpe supports what the C twin does)", e.msg);
  return CODA_OK;
}

/* tpe_bs_core: every shape, depth, variant and encoding the C twin takes. */
static int tpe_bs_area_check(const arch_cfg_t *c, coda_err_t *err) {
  tpe_bs_cfg_t t = tpe_bs_cfg_of(c);
  coda_err_t e = {0};
  int rc = tpe_bs_check(&t, &e);
  if (rc) return coda_errf(err, rc, "tpe_bs: %s (rtl/tpe supports what the C twin does)", e.msg);
  return CODA_OK;
}

/* tpe_grid_core: every topology, size, variant and encoding the C twin takes. */
static int tpe_grid_area_check(const arch_cfg_t *c, coda_err_t *err) {
  tpe_grid_cfg_t t = tpe_grid_cfg_of(c);
  coda_err_t e = {0};
  int rc = tpe_grid_check(&t, &e);
  if (rc) return coda_errf(err, rc, "tpe_grid: %s (rtl/tpe supports what the C twin does)", e.msg);
  return CODA_OK;
}

/* pim_bank: every size and row-buffer mode the C twin takes. */
static int pim_bank_area_check(const arch_cfg_t *c, coda_err_t *err) {
  pim_bank_cfg_t t = pim_bank_cfg_of(c);
  coda_err_t e = {0};
  int rc = pim_bank_check(&t, &e);
  if (rc) return coda_errf(err, rc, "pim_bank: %s (rtl/pim supports what the C twin does)", e.msg);
  return CODA_OK;
}

/* t3_tracker: every table size and queue depth the C twin takes. */
static int t3_tracker_area_check(const arch_cfg_t *c, coda_err_t *err) {
  t3_tracker_cfg_t t = t3_tracker_cfg_of(c);
  coda_err_t e = {0};
  int rc = t3_tracker_check(&t, &e);
  if (rc) return coda_errf(err, rc, "t3_tracker: %s (rtl/t3 supports what the C twin does)", e.msg);
  return CODA_OK;
}

/* ---- the registry -------------------------------------------------------- */

/* Timing tiles: at most 2 rows x 8 columns (16 PEs), small enough that the
 * flat delay-driven synthesis takes seconds. The PE datapath and every
 * register-to-register path are the full array's; only broadcast fanouts
 * (table rows, weight fields, accumulate enables) shrink with the tile. */
static const area_block_t BLOCKS[] = {
    {"lut_tc", "LUT Tensor Core: M x N lookup array + table precompute (INT8 path)",
     "lut_tc_core", "rtl/lut_tc",
     {{"tables", {"lut_tc_table"}},
      {"lookup units", {"lut_tc_lookup"}},
      {"accumulators", {"lut_tc_acc"}},
      {"precompute", {"lut_tc_precompute"}}},
     {{"core.m", 2}, {"core.n", 8}},
     "at M2N64K4 the tile's critical path is 3.0% shorter than the full array's (4.677 vs "
     "4.823 ns, --method full)",
     lut_tc_check},
    {"mac_tc", "MAC tensor-core baseline: dequantize, M x N x K dot products, accumulators (INT8)",
     "mac_tc_core", "rtl/mac_tc",
     {{"dequant", {"mac_tc_dequant"}},
      {"multipliers + adder trees", {"mac_tc_dot"}},
      {"accumulators", {"mac_tc_acc"}}},
     {{"core.m", 2}, {"core.n", 8}},
     "at M2N64K4 the tile's critical path is 3.3% shorter than the full array's (4.264 vs "
     "4.411 ns, --method full)",
     mac_tc_check},
    {"tpe_tree", "multiplier-adder tree / 3D-Cube TPE: M x N dot products of K INT8 products, INT32 results; tpe.m (1: tree), tpe.variant base|opt1|opt2, tpe.encoding mbe|ent",
     "tpe_tree_core", "rtl/tpe",
     {{"encoders", {"tpe_tree_enc"}},
      {"partial products", {"tpe_tree_ppgen"}},
      {"carry-save trees", {"tpe_tree_csa"}},
      {"multipliers (CPA)", {"tpe_tree_mul"}},
      {"adder trees", {"tpe_tree_addtree"}}},
     {{"tpe.n", 4}, {"tpe.m", 2}},
     "columns share only the A operand and rows only the B operands; the tile (N <= 4, M <= 2) keeps "
     "every register-to-register path (not measured against --method full for the cube)",
     tpe_tree_area_check},
    {"tpe_bs", "bit-slice array (OPT3/OPT4C): R x C sparse-digit bit-serial PEs, column FIFOs and sync; tpe.bs_variant opt3|opt4c, tpe.encoding mbe|ent",
     "tpe_bs_core", "rtl/tpe",
     {{"encoders + sparse encoders", {"tpe_bs_senc", "tpe_tree_enc"}},
      {"PEs (mux + 3:2 + sum/carry)", {"tpe_bs_pe"}},
      {"shift/add", {"tpe_bs_shadd"}}},
     {{"tpe.bs_cols", 4}},
     "columns share only the ready and sync AND gates; the tile (C <= 4) keeps every PE and column path (not measured against --method full)",
     tpe_bs_area_check},
    {"tpe_grid", "PE-grid TPE: R x C INT8 PEs, tpe.grid os|ws (systolic) or matrix (2D-Matrix), INT32 results; tpe.variant base|opt1|opt2, tpe.encoding mbe|ent",
     "tpe_grid_core", "rtl/tpe",
     {{"encoders", {"tpe_tree_enc"}},
      {"partial products", {"tpe_tree_ppgen"}},
      {"carry-save trees", {"tpe_tree_csa"}},
      {"multipliers", {"tpe_tree_mul"}},
      {"read-out CPAs", {"tpe_grid_cpa"}}},
     {{"tpe.rows", 4}, {"tpe.cols", 4}},
     "at R8C8 (os, opt1) the tile's critical path is 14.0% shorter than the full array's (4.747 vs 5.520 ns, "
     "--method full): both end in the read-out (rd_row port -> R-row mux -> CPA -> res_q), whose mux depth and "
     "rd_row fanout grow with R and C; the 4 x 4 tile keeps every PE-to-PE path",
     tpe_grid_area_check},
    {"pim_bank", "NeuPIMs/Newton PIM bank unit: decode, normal + PIM row buffers, rows x cols x 16 FP16 storage in flip-flops, global buffer, 16 FP16 multipliers, FP32 adder tree + accumulator",
     "pim_bank", "rtl/pim",
     {{"multipliers", {"pim_fp16_mul"}},
      {"adder tree + accumulator adder", {"pim_fp32_add"}},
      {"storage (bank + global buffer)", {"pim_bank_array"}}},
     {{"pim.bank_rows", 4}, {"pim.bank_cols", 4}},
     "the datapath (multipliers, adder tree, accumulator) does not shrink with the tile; only the storage read "
     "muxes (rows x cols words) do (not measured against --method full)",
     pim_bank_area_check},
    {"t3_tracker", "T3 track-and-trigger table: t3.tracker_entries direct-mapped entries (tag, count, local/remote/DMA counters, DMA descriptor), two update ports, trigger queue of t3.tracker_queue descriptors",
     "t3_tracker", "rtl/t3",
     {{"entries (tag, counters, descriptor)", {"t3_tracker_entry"}},
      {"trigger queue", {"t3_tracker_queue"}}},
     {{"t3.tracker_entries", 16}},
     "an entry's count-and-compare path does not shrink with the tile; only the hit and descriptor read muxes "
     "(log2 entries levels) do (not measured against --method full)",
     t3_tracker_area_check},
};
#define NBLOCKS (sizeof BLOCKS / sizeof BLOCKS[0])

const area_block_t *area_find(const char *name) {
  for (size_t i = 0; i < NBLOCKS; i++)
    if (!strcmp(BLOCKS[i].name, name)) return &BLOCKS[i];
  return NULL;
}

const area_block_t *area_block_at(int i) {
  return i >= 0 && (size_t)i < NBLOCKS ? &BLOCKS[i] : NULL;
}

/* ---- config keys, by name ---------------------------------------------- */

#define AREA_REAL_U 0
#define AREA_REAL_E 0
#define AREA_REAL_B 0
#define AREA_REAL_F 1

typedef struct key_desc {
  const char *sec, *key;
  size_t off;  /* offset of the field in arch_cfg_t */
  int real;    /* 1: double, 0: uint64_t */
} key_desc_t;

static const key_desc_t KEYS[] = {
#define CODA_PARAM(sec, key, kind, def, lo, hi, choices, doc) \
  {#sec, #key, offsetof(arch_cfg_t, sec##_##key), AREA_REAL_##kind},
#include "../core/params.def"
#undef CODA_PARAM
};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static const key_desc_t *find_key(const char *dotted) {
  const char *dot = strchr(dotted, '.');
  if (!dot) return NULL;
  size_t ls = (size_t)(dot - dotted);
  for (size_t i = 0; i < NKEYS; i++)
    if (strlen(KEYS[i].sec) == ls && !strncmp(KEYS[i].sec, dotted, ls) &&
        !strcmp(KEYS[i].key, dot + 1))
      return &KEYS[i];
  return NULL;
}

int area_cfg_set_u(arch_cfg_t *cfg, const char *key, uint64_t v) {
  const key_desc_t *k = find_key(key);
  if (!k || k->real) return CODA_EINVAL;
  memcpy((char *)cfg + k->off, &v, sizeof v);
  return CODA_OK;
}

uint64_t area_cfg_get_u(const arch_cfg_t *cfg, const char *key) {
  const key_desc_t *k = find_key(key);
  uint64_t v = 0;
  if (k && !k->real) memcpy(&v, (const char *)cfg + k->off, sizeof v);
  return v;
}

void area_upper_camel(const char *sec, const char *key, char *out, size_t len) {
  char flat[128];
  snprintf(flat, sizeof flat, "%s_%s", sec, key);
  size_t j = 0;
  int up = 1;
  for (const char *s = flat; *s && j + 1 < len; s++) {
    if (*s == '_') { up = 1; continue; }
    out[j++] = up ? (char)toupper((unsigned char)*s) : *s;
    up = 0;
  }
  if (len) out[j] = 0;
}

/* ---- the top's parameters, from its Verilog ------------------------------ */


/* Blanks out // and block comments and string literals (keeps offsets). */
static void strip_comments(char *s) {
  for (char *p = s; *p; p++) {
    if (p[0] == '/' && p[1] == '/') {
      while (*p && *p != '\n') *p++ = ' ';
      if (!*p) break;
    } else if (p[0] == '/' && p[1] == '*') {
      while (*p && !(p[0] == '*' && p[1] == '/')) *p++ = ' ';
      if (!*p) break;
      p[0] = p[1] = ' ';
      p++;
    } else if (*p == '"') {
      *p++ = ' ';
      while (*p && *p != '"') *p++ = ' ';
      if (!*p) break;
      *p = ' ';
    }
  }
}

static int ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '$'; }

/* Next identifier at or after *p (skipping other tokens); its length in
 * *len, or NULL at the end. */
static const char *next_ident(const char **p, size_t *len) {
  const char *s = *p;
  while (*s && !ident_start(*s)) {
    if (ident_char(*s) || *s == '\'') { /* skip numbers and based literals whole */
      while (ident_char(*s) || *s == '\'') s++;
    } else {
      s++;
    }
  }
  if (!*s) return NULL;
  const char *b = s;
  while (ident_char(*s)) s++;
  *len = (size_t)(s - b);
  *p = s;
  return b;
}

static int word_is(const char *w, size_t n, const char *lit) {
  return strlen(lit) == n && !strncmp(w, lit, n);
}

/* Skips whitespace. */
static const char *ws(const char *s) {
  while (*s && isspace((unsigned char)*s)) s++;
  return s;
}

/* Skips a parameter's "= value" up to the ',' ';' or ')' that ends it. */
static const char *skip_value(const char *s) {
  int depth = 0;
  for (; *s; s++) {
    if (*s == '(' || *s == '[' || *s == '{') depth++;
    else if (*s == ')' || *s == ']' || *s == '}') {
      if (depth == 0) return s;
      depth--;
    } else if ((*s == ',' || *s == ';') && depth == 0) {
      return s;
    }
  }
  return s;
}

/* Does the text declare `name` as a parameter (not a localparam)? Handles
 * `parameter [type] A = 1, B = 2` lists, ANSI and body style. */
static int declares_param(const char *text, const char *name) {
  const char *p = text;
  size_t n;
  const char *w;
  while ((w = next_ident(&p, &n))) {
    if (!word_is(w, n, "parameter")) continue;
    for (;;) {
      /* optional type words and ranges, then the name */
      const char *q = ws(p);
      while (*q == '[') {
        while (*q && *q != ']') q++;
        if (*q) q++;
        q = ws(q);
      }
      const char *nm = q;
      while (ident_char(*q)) q++;
      size_t nl = (size_t)(q - nm);
      p = q;
      if (!nl) break;
      if (word_is(nm, nl, "integer") || word_is(nm, nl, "int") || word_is(nm, nl, "signed") ||
          word_is(nm, nl, "unsigned") || word_is(nm, nl, "real") || word_is(nm, nl, "logic") ||
          word_is(nm, nl, "bit") || word_is(nm, nl, "longint"))
        continue; /* a type word: the name follows */
      if (word_is(nm, nl, name)) return 1;
      q = ws(q);
      if (*q != '=') break;
      q = skip_value(q + 1);
      if (*q != ',') { p = q; break; }
      /* another name of the same declaration, unless a new keyword follows */
      const char *r = ws(q + 1);
      const char *t = r;
      while (ident_char(*t)) t++;
      if (word_is(r, (size_t)(t - r), "parameter") || word_is(r, (size_t)(t - r), "localparam")) {
        p = r;
        break;
      }
      p = r;
    }
  }
  return 0;
}

int area_rtl_params(const area_block_t *b, const char *root, const arch_cfg_t *cfg,
                    area_param_t *out, int max, int *n, coda_err_t *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s/%s.v", root, b->rtl_dir, b->top);
  coda_err_t e = {0};
  char *text = coda_read_file(path, NULL, &e);
  if (!text)
    return coda_errf(err, e.code, "%s: cannot read the RTL top: %s", b->name, e.msg);
  strip_comments(text);
  *n = 0;
  for (size_t i = 0; i < NKEYS; i++) {
    char rtl[48];
    area_upper_camel(KEYS[i].sec, KEYS[i].key, rtl, sizeof rtl);
    if (!declares_param(text, rtl)) continue;
    if (*n >= max) {
      free(text);
      return coda_errf(err, CODA_EINVAL, "%s: %s takes more than %d config parameters", b->name,
                       b->top, max);
    }
    area_param_t *p = &out[(*n)++];
    snprintf(p->key, sizeof p->key, "%s.%s", KEYS[i].sec, KEYS[i].key);
    snprintf(p->rtl, sizeof p->rtl, "%s", rtl);
    const char *base = (const char *)cfg + KEYS[i].off;
    if (KEYS[i].real) {
      double v;
      memcpy(&v, base, sizeof v);
      snprintf(p->value, sizeof p->value, "%.17g", v);
    } else {
      uint64_t v;
      memcpy(&v, base, sizeof v);
      snprintf(p->value, sizeof p->value, "%" PRIu64, v);
    }
  }
  free(text);
  return CODA_OK;
}
