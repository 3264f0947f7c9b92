/* workload.c: workload files in, lists of weight GEMMs out (see compiler.h).
 *
 * Two forms (schema in workloads/README.md): explicit GEMM layers, or an LLM
 * model descriptor (workloads/models/NAME.json) expanded into the weight GEMMs
 * of one decoder block for prefill and/or decode. Attention score and
 * context GEMMs multiply activations by activations, so they are not LUT
 * mpGEMMs and are left out. Input is untrusted: every key is checked, unknown
 * keys are rejected, and every error is one line naming the file and the
 * field.
 */
#include "compiler.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest m, n or k: 2^20 keeps m*n*k below 2^60 and every tile count and
 * buffer offset of a layer within 32 bits. */
#define WL_DIM_MAX 1048576u
/* Largest repeat (decoder blocks one entry stands for); 2^20 is far above any
 * published model (LLaMA-2 70B has 80) yet keeps m*n*k*repeat checkable. */
#define WL_REPEAT_MAX 1048576u
/* Longest model path after resolving against the workload's directory. */
#define WL_PATH_MAX 4096

enum { PHASE_PREFILL = 0, PHASE_DECODE = 1, PHASE_BOTH = 2 };
static const char *const PHASE_NAMES[] = {"prefill", "decode", "both"};
enum { FFN_SWIGLU = 0, FFN_RELU = 1, FFN_GELU = 2 };
static const char *const FFN_NAMES[] = {"swiglu", "relu", "gelu"};
static const char *const NORM_NAMES[] = {"rmsnorm", "layernorm"};
static const int NORM_EWOP[] = {ISA_EW_RMSNORM, ISA_EW_LAYERNORM};
static const char *const LAYERS_NAMES[] = {"all", "one"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What every parser helper needs to word an error: the file and the path of
 * the object being read ("" at the top level, "layers[3]." in a layer). */
typedef struct wl_ctx {
  const char *file;  /* file named in messages */
  const char *path;  /* field path prefix, ending in '.' or empty */
  coda_err_t *err;   /* where messages go */
} wl_ctx_t;

/* A model descriptor (workloads/models/NAME.json). */
typedef struct wl_model {
  char name[64];        /* descriptor name, e.g. "llama2_70b" */
  uint32_t d_model;     /* hidden size */
  uint32_t n_heads;     /* attention (query) heads */
  uint32_t n_kv_heads;  /* key/value heads (< n_heads for GQA) */
  uint32_t d_ffn;       /* FFN inner size */
  uint32_t n_layers;    /* decoder blocks */
  int ffn;              /* FFN_* */
  int norm;             /* index into NORM_NAMES */
} wl_model_t;

static int fail(const wl_ctx_t *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE: path.key: <message>" */
static int fail(const wl_ctx_t *c, const char *key, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return coda_errf(c->err, CODA_EINVAL, "%s: %s%s: %s", c->file, c->path, key, msg);
}

/* Rejects keys not in allowed (a NULL-terminated list). */
static int check_keys(const wl_ctx_t *c, json_t *obj, const char *const *allowed) {
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    int ok = 0;
    for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(*a, k);
    if (!ok) {
      char list[256] = "";
      for (const char *const *a = allowed; *a; a++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", *a);
      }
      return fail(c, k, "unknown key (expected one of: %s)", list);
    }
  }
  return CODA_OK;
}

/* Reads an integer in lo..hi; a missing key takes def, or fails if def < 0. */
static int get_uint(const wl_ctx_t *c, json_t *obj, const char *key, uint32_t lo, uint32_t hi,
                    int64_t def, uint32_t *out) {
  json_t *v = json_object_get(obj, key);
  if (!v) {
    if (def < 0) return fail(c, key, "missing (expected an integer in %u..%u)", lo, hi);
    *out = (uint32_t)def;
    return CODA_OK;
  }
  if (!json_is_integer(v)) return fail(c, key, "expected an integer in %u..%u", lo, hi);
  json_int_t x = json_integer_value(v);
  if (x < (json_int_t)lo || x > (json_int_t)hi)
    return fail(c, key, "%" JSON_INTEGER_FORMAT " is out of range %u..%u", x, lo, hi);
  *out = (uint32_t)x;
  return CODA_OK;
}

/* Reads one of names[0..n) as its index; a missing key takes def, or fails
 * if def < 0. */
static int get_enum(const wl_ctx_t *c, json_t *obj, const char *key, const char *const *names,
                    size_t n, int def, int *out) {
  json_t *v = json_object_get(obj, key);
  if (!v && def >= 0) {
    *out = def;
    return CODA_OK;
  }
  if (v && json_is_string(v)) {
    for (size_t i = 0; i < n; i++)
      if (names[i] && !strcmp(names[i], json_string_value(v))) {
        *out = (int)i;
        return CODA_OK;
      }
  }
  char list[160] = "";
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(list);
    snprintf(list + l, sizeof list - l, "%s\"%s\"", l ? ", " : "", names[i]);
  }
  if (!v) return fail(c, key, "missing (expected one of %s)", list);
  if (json_is_string(v))
    return fail(c, key, "unknown value \"%.40s\" (expected one of %s)", json_string_value(v),
                list);
  return fail(c, key, "expected one of %s", list);
}

/* An ISA enum field by the names isa/coda.isa gives its values. */
static int get_isa_enum(const wl_ctx_t *c, json_t *obj, const char *key, isa_field_e f, int def,
                        int *out) {
  return get_enum(c, obj, key, isa_fields[f].names, isa_fields[f].n_names, def, out);
}

/* A name: 1..63 characters from [A-Za-z0-9_.-], so it is safe in reports,
 * CSV and assembly comments. */
static int get_name(const wl_ctx_t *c, json_t *obj, const char *key, char *dst, size_t dstlen) {
  json_t *v = json_object_get(obj, key);
  const char *what = "a name of 1..63 characters from A-Z a-z 0-9 _ . -";
  if (!v) return fail(c, key, "missing (expected %s)", what);
  if (!json_is_string(v)) return fail(c, key, "expected %s", what);
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  if (len == 0 || len >= dstlen || strlen(s) != len) return fail(c, key, "expected %s", what);
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '_' || ch == '.' || ch == '-';
    if (!ok) return fail(c, key, "character %zu is not allowed (expected %s)", i + 1, what);
  }
  memcpy(dst, s, len + 1);
  return CODA_OK;
}

/* Optional free-text "comment"/required "source": any non-empty string. */
static int check_text(const wl_ctx_t *c, json_t *obj, const char *key, int required) {
  json_t *v = json_object_get(obj, key);
  if (!v && !required) return CODA_OK;
  if (!v) return fail(c, key, "missing (expected a non-empty string)");
  if (!json_is_string(v) || json_string_length(v) == 0)
    return fail(c, key, "expected a non-empty string");
  return CODA_OK;
}

/* Parses path with duplicate keys rejected; parse errors as FILE:LINE:COL. */
static json_t *load_json(const char *path, const char *shown, coda_err_t *err) {
  json_error_t je;
  errno = 0;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (root) return root;
  if (je.line < 0)
    coda_errf(err, CODA_EINVAL, "%s: cannot read: %s", shown, je.text);
  else
    coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", shown, je.line, je.column, je.text);
  return NULL;
}

/* Appends one GEMM to w (capacity grows by doubling). */
static int push_gemm(workload_t *w, uint32_t *cap, const wl_gemm_t *g, coda_err_t *err) {
  if (w->n_gemm == *cap) {
    uint32_t nc = *cap ? *cap * 2 : 8;
    wl_gemm_t *p = realloc(w->gemm, (size_t)nc * sizeof *p);
    if (!p) return coda_errf(err, CODA_ENOMEM, "workload: out of memory");
    w->gemm = p;
    *cap = nc;
  }
  w->gemm[w->n_gemm++] = *g;
  return CODA_OK;
}

/* m*n*k*repeat (the MACs the entry stands for) must fit 64 bits. */
static int check_volume(const wl_ctx_t *c, const wl_gemm_t *g) {
  uint64_t v = (uint64_t)g->m * g->n, r;
  if (__builtin_mul_overflow(v, (uint64_t)g->k, &r) ||
      __builtin_mul_overflow(r, (uint64_t)g->repeat, &r))
    return fail(c, "repeat", "m*n*k*repeat = %u*%u*%u*%u overflows 64 bits", g->m, g->n, g->k,
                g->repeat);
  return CODA_OK;
}

/* ---- explicit layers ---------------------------------------------------- */

typedef struct name_ref {
  const char *name;  /* layer name */
  uint32_t idx;      /* its index in the layer list */
} name_ref_t;

static int cmp_name_ref(const void *a, const void *b) {
  const name_ref_t *x = a, *y = b;
  int r = strcmp(x->name, y->name);
  return r ? r : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Layer names must be unique: sort references to them and compare neighbours. */
static int check_unique(const char *file, const workload_t *w, coda_err_t *err) {
  if (w->n_gemm < 2) return CODA_OK;
  name_ref_t *r = malloc((size_t)w->n_gemm * sizeof *r);
  if (!r) return coda_errf(err, CODA_ENOMEM, "workload: out of memory");
  for (uint32_t i = 0; i < w->n_gemm; i++) r[i] = (name_ref_t){w->gemm[i].name, i};
  qsort(r, w->n_gemm, sizeof *r, cmp_name_ref);
  int rc = CODA_OK;
  for (uint32_t i = 1; i < w->n_gemm && !rc; i++)
    if (!strcmp(r[i].name, r[i - 1].name))
      rc = coda_errf(err, CODA_EINVAL, "%s: layers[%u].name: duplicate layer name \"%s\" "
                     "(also layers[%u])", file, r[i].idx, r[i].name, r[i - 1].idx);
  free(r);
  return rc;
}

static int parse_explicit(workload_t *w, json_t *layers, const char *file, coda_err_t *err) {
  wl_ctx_t top = {file, "", err};
  if (!json_is_array(layers) || json_array_size(layers) == 0)
    return fail(&top, "layers", "expected a non-empty array of layer objects (or \"model\")");
  if (json_array_size(layers) > CBIN_MAX_LAYER)
    return fail(&top, "layers", "%zu layers exceed the limit of %u", json_array_size(layers),
                CBIN_MAX_LAYER);
  static const char *const keys[] = {"name", "m", "n", "k", "wbits", "atype", "ewop",
                                     "repeat", "comment", NULL};
  uint32_t cap = 0;
  size_t i;
  json_t *lv;
  json_array_foreach(layers, i, lv) {
    char path[48];
    snprintf(path, sizeof path, "layers[%zu].", i);
    wl_ctx_t c = {file, path, err};
    if (!json_is_object(lv)) {
      snprintf(path, sizeof path, "layers[%zu]", i);
      wl_ctx_t c0 = {file, "", err};
      return fail(&c0, path, "expected an object");
    }
    wl_gemm_t g;
    memset(&g, 0, sizeof g);
    uint32_t wb = 0;
    int rc = check_keys(&c, lv, keys);
    if (!rc) rc = get_name(&c, lv, "name", g.name, sizeof g.name);
    if (!rc) rc = get_uint(&c, lv, "m", 1, WL_DIM_MAX, -1, &g.m);
    if (!rc) rc = get_uint(&c, lv, "n", 1, WL_DIM_MAX, -1, &g.n);
    if (!rc) rc = get_uint(&c, lv, "k", 1, WL_DIM_MAX, -1, &g.k);
    if (!rc) rc = get_uint(&c, lv, "wbits", 1, 4, -1, &wb);
    if (!rc) rc = get_isa_enum(&c, lv, "atype", ISA_F_ATYPE, -1, &g.atype);
    if (!rc) rc = get_isa_enum(&c, lv, "ewop", ISA_F_EWOP, ISA_EW_NONE, &g.ewop);
    if (!rc) rc = get_uint(&c, lv, "repeat", 1, WL_REPEAT_MAX, 1, &g.repeat);
    if (!rc) rc = check_text(&c, lv, "comment", 0);
    g.wbits = (int)wb;
    if (!rc) rc = check_volume(&c, &g);
    if (!rc) rc = push_gemm(w, &cap, &g, err);
    if (rc) return rc;
  }
  return check_unique(file, w, err);
}

/* ---- model descriptors ---------------------------------------------------- */

static int load_model(wl_model_t *md, const char *path, coda_err_t *err) {
  json_t *root = load_json(path, path, err);
  if (!root) return CODA_EINVAL;
  wl_ctx_t c = {path, "", err};
  int rc = CODA_OK;
  static const char *const keys[] = {"name", "source", "d_model", "n_heads", "n_kv_heads",
                                     "d_ffn", "n_layers", "ffn", "norm", "comment", NULL};
  memset(md, 0, sizeof *md);
  if (!json_is_object(root)) {
    rc = coda_errf(err, CODA_EINVAL, "%s: expected a JSON object at the top level", path);
  } else if (json_object_get(root, "model")) {
    /* descriptors never name other files, so no chain of them can loop */
    rc = fail(&c, "model", "a model descriptor cannot name another model (a workload file "
              "used as a model descriptor would start a loop)");
  } else {
    rc = check_keys(&c, root, keys);
    if (!rc) rc = get_name(&c, root, "name", md->name, sizeof md->name);
    if (!rc) rc = check_text(&c, root, "source", 1);
    if (!rc) rc = get_uint(&c, root, "d_model", 1, WL_DIM_MAX, -1, &md->d_model);
    if (!rc) rc = get_uint(&c, root, "n_heads", 1, md->d_model, -1, &md->n_heads);
    if (!rc && md->d_model % md->n_heads)
      rc = fail(&c, "n_heads", "%u does not divide d_model %u", md->n_heads, md->d_model);
    if (!rc) rc = get_uint(&c, root, "n_kv_heads", 1, md->n_heads, -1, &md->n_kv_heads);
    if (!rc && md->n_heads % md->n_kv_heads)
      rc = fail(&c, "n_kv_heads", "%u does not divide n_heads %u", md->n_kv_heads, md->n_heads);
    if (!rc) rc = get_uint(&c, root, "d_ffn", 1, WL_DIM_MAX, -1, &md->d_ffn);
    if (!rc) rc = get_uint(&c, root, "n_layers", 1, WL_REPEAT_MAX, -1, &md->n_layers);
    if (!rc) rc = get_enum(&c, root, "ffn", FFN_NAMES, NELEM(FFN_NAMES), -1, &md->ffn);
    if (!rc) rc = get_enum(&c, root, "norm", NORM_NAMES, NELEM(NORM_NAMES), -1, &md->norm);
    if (!rc) rc = check_text(&c, root, "comment", 0);
    if (!rc) {
      uint64_t hd = md->d_model / md->n_heads;
      uint64_t qkv = md->d_model + (uint64_t)2 * md->n_kv_heads * hd;
      if (qkv > WL_DIM_MAX)
        rc = fail(&c, "n_kv_heads", "fused qkv width %" PRIu64 " exceeds %u", qkv, WL_DIM_MAX);
      else if (md->ffn == FFN_SWIGLU && (uint64_t)2 * md->d_ffn > WL_DIM_MAX)
        rc = fail(&c, "d_ffn", "fused gate+up width %" PRIu64 " exceeds %u",
                  (uint64_t)2 * md->d_ffn, WL_DIM_MAX);
    }
  }
  json_decref(root);
  return rc;
}

/* Resolves a model path against the workload file's directory. */
static int resolve_model(char *out, size_t outlen, const char *wl_path, const char *model) {
  const char *slash = strrchr(wl_path, '/');
  int n;
  if (model[0] == '/' || !slash)
    n = snprintf(out, outlen, "%s", model);
  else
    n = snprintf(out, outlen, "%.*s/%s", (int)(slash - wl_path), wl_path, model);
  return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/* Appends the weight GEMMs of one decoder block for one phase. */
static int expand_phase(workload_t *w, uint32_t *cap, const wl_model_t *md, int phase,
                        uint32_t m, int wbits, int atype, uint32_t repeat, const wl_ctx_t *c) {
  const char *ph = PHASE_NAMES[phase];
  uint32_t hd = md->d_model / md->n_heads;
  int norm = NORM_EWOP[md->norm];
  struct {
    const char *name;
    uint32_t n, k;
    int ewop;
  } L[4] = {
      {"qkv", md->d_model + 2 * md->n_kv_heads * hd, md->d_model, norm},
      {"o_proj", md->d_model, md->d_model, ISA_EW_NONE},
      {"ffn_up", 2 * md->d_ffn, md->d_model, norm},
      {"ffn_down", md->d_model, md->d_ffn, ISA_EW_SILU},
  };
  if (md->ffn != FFN_SWIGLU) { /* OPT-style: fc1 (d_ffn) after the norm, fc2 after the act */
    L[2].name = "fc1";
    L[2].n = md->d_ffn;
    L[3].name = "fc2";
    L[3].ewop = md->ffn == FFN_RELU ? ISA_EW_RELU : ISA_EW_GELU;
  }
  for (int i = 0; i < 4; i++) {
    wl_gemm_t g;
    memset(&g, 0, sizeof g);
    snprintf(g.name, sizeof g.name, "%s.%s", L[i].name, ph);
    g.m = m;
    g.n = L[i].n;
    g.k = L[i].k;
    g.wbits = wbits;
    g.atype = atype;
    g.ewop = L[i].ewop;
    g.repeat = repeat;
    snprintf(g.phase, sizeof g.phase, "%s", ph);
    int rc = check_volume(c, &g);
    if (!rc) rc = push_gemm(w, cap, &g, c->err);
    if (rc) return rc;
  }
  return CODA_OK;
}

static int parse_model_form(workload_t *w, json_t *root, const char *file, coda_err_t *err) {
  wl_ctx_t c = {file, "", err};
  static const char *const keys[] = {"name", "model", "phase", "batch", "seq_len", "wbits",
                                     "atype", "layers", "comment", NULL};
  int rc = check_keys(&c, root, keys);
  if (rc) return rc;
  json_t *mv = json_object_get(root, "model");
  if (!json_is_string(mv) || json_string_length(mv) == 0 ||
      strlen(json_string_value(mv)) != json_string_length(mv))
    return fail(&c, "model", "expected the path of a model descriptor (a non-empty string)");
  int phase, atype, layers;
  uint32_t batch, seq_len = 0, wbits;
  rc = get_enum(&c, root, "phase", PHASE_NAMES, NELEM(PHASE_NAMES), -1, &phase);
  if (!rc) rc = get_uint(&c, root, "batch", 1, WL_DIM_MAX, -1, &batch);
  /* decode needs no sequence length for its weight GEMMs (m = batch), but
   * accepts one to document the context */
  if (!rc) rc = get_uint(&c, root, "seq_len", 1, WL_DIM_MAX, phase == PHASE_DECODE ? 1 : -1,
                         &seq_len);
  if (!rc) rc = get_uint(&c, root, "wbits", 1, 4, -1, &wbits);
  if (!rc) rc = get_isa_enum(&c, root, "atype", ISA_F_ATYPE, -1, &atype);
  if (!rc) rc = get_enum(&c, root, "layers", LAYERS_NAMES, NELEM(LAYERS_NAMES), 0, &layers);
  if (!rc) rc = check_text(&c, root, "comment", 0);
  if (rc) return rc;
  uint64_t m_prefill = (uint64_t)batch * seq_len;
  if (phase != PHASE_DECODE && m_prefill > WL_DIM_MAX)
    return fail(&c, "seq_len", "batch*seq_len = %" PRIu64 " prefill rows exceed %u", m_prefill,
                WL_DIM_MAX);

  char mpath[WL_PATH_MAX];
  const char *model = json_string_value(mv);
  if (resolve_model(mpath, sizeof mpath, file, model))
    return fail(&c, "model", "path too long");
  /* a workload naming itself as its model is the one loop the schema allows
   * to be written; catch it before reading the file again */
  char *rw = realpath(file, NULL), *rm = realpath(mpath, NULL);
  int self = rw && rm && !strcmp(rw, rm);
  int missing = !rm;
  int eno = errno;
  free(rw);
  free(rm);
  if (missing)
    return fail(&c, "model", "cannot open \"%s\" (resolved to %s): %s", model, mpath,
                strerror(eno));
  if (self) return fail(&c, "model", "\"%s\" is this workload file itself (a loop)", model);
  wl_model_t md;
  rc = load_model(&md, mpath, err);
  if (rc) return rc;

  uint32_t repeat = layers == 0 ? md.n_layers : 1;
  uint32_t cap = 0;
  if (phase != PHASE_DECODE)
    rc = expand_phase(w, &cap, &md, PHASE_PREFILL, (uint32_t)m_prefill, (int)wbits, atype,
                      repeat, &c);
  if (!rc && phase != PHASE_PREFILL)
    rc = expand_phase(w, &cap, &md, PHASE_DECODE, batch, (int)wbits, atype, repeat, &c);
  return rc;
}

/* ---- entry points ----------------------------------------------------------- */

int workload_load(workload_t *w, const char *path, coda_err_t *err) {
  memset(w, 0, sizeof *w);
  json_t *root = load_json(path, path, err);
  if (!root) return CODA_EINVAL;
  wl_ctx_t c = {path, "", err};
  int rc;
  if (!json_is_object(root)) {
    rc = coda_errf(err, CODA_EINVAL, "%s: expected a JSON object at the top level", path);
  } else {
    rc = get_name(&c, root, "name", w->name, sizeof w->name);
    if (!rc && json_object_get(root, "model")) {
      rc = parse_model_form(w, root, path, err);
    } else if (!rc) {
      static const char *const keys[] = {"name", "layers", "comment", NULL};
      rc = check_keys(&c, root, keys);
      if (!rc) rc = check_text(&c, root, "comment", 0);
      json_t *layers = json_object_get(root, "layers");
      if (!rc && !layers)
        rc = fail(&c, "layers", "missing (expected a non-empty array of layers, or \"model\")");
      if (!rc) rc = parse_explicit(w, layers, path, err);
    }
  }
  json_decref(root);
  if (rc) workload_free(w);
  return rc;
}

int workload_from_gemm(workload_t *w, uint32_t m, uint32_t n, uint32_t k, int wbits, int atype,
                       int ewop, coda_err_t *err) {
  memset(w, 0, sizeof *w);
  const struct {
    const char *key;
    uint32_t v;
  } dims[] = {{"m", m}, {"n", n}, {"k", k}};
  for (size_t i = 0; i < NELEM(dims); i++)
    if (dims[i].v < 1 || dims[i].v > WL_DIM_MAX)
      return coda_errf(err, CODA_EINVAL, "--gemm: %s: %u is out of range 1..%u", dims[i].key,
                       dims[i].v, WL_DIM_MAX);
  if (wbits < 1 || wbits > 4)
    return coda_errf(err, CODA_EINVAL, "--gemm: wbits: %d is out of range 1..4", wbits);
  if (atype < 0 || atype >= ISA_ATYPE_COUNT)
    return coda_errf(err, CODA_EINVAL, "--gemm: atype: %d is not an activation type", atype);
  if (ewop < 0 || ewop >= ISA_EW_COUNT)
    return coda_errf(err, CODA_EINVAL, "--gemm: ewop: %d is not an element-wise op", ewop);
  w->gemm = calloc(1, sizeof *w->gemm);
  if (!w->gemm) return coda_errf(err, CODA_ENOMEM, "workload: out of memory");
  w->n_gemm = 1;
  snprintf(w->name, sizeof w->name, "gemm_%ux%ux%u", m, n, k);
  wl_gemm_t *g = &w->gemm[0];
  snprintf(g->name, sizeof g->name, "gemm");
  g->m = m;
  g->n = n;
  g->k = k;
  g->wbits = wbits;
  g->atype = atype;
  g->ewop = ewop;
  g->repeat = 1;
  return CODA_OK;
}

void workload_free(workload_t *w) {
  free(w->gemm);
  memset(w, 0, sizeof *w);
}

