/* serve_wl.c: serving workloads (model descriptor + tensor parallelism +
 * request trace) and the seeded trace generator (serve.h, docs/neupims.md). */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* Dataset means (prompt, output tokens): ShareGPT-like 80 / 296 and
 * Alpaca-like 12 / 56 (REFERENCES.md NeuPIMs, Workloads). */
static const double DS_MEAN[2][2] = {{80, 296}, {12, 56}};
static const char *const DS_NAMES[] = {"sharegpt", "alpaca"};
#define LOGN_SIGMA 1.0 /* lognormal shape; design choice (stated in docs/neupims.md) */

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static double unif(uint64_t *s) { return ((double)(splitmix(s) >> 11) + 0.5) / 9007199254740992.0; }

/* Lognormal with the given mean: exp(mu + sigma z), mu = ln(mean) - sigma^2 / 2. */
static uint32_t draw(uint64_t *s, double mean) {
  double z = sqrt(-2.0 * log(unif(s))) * cos(6.283185307179586 * unif(s));
  double x = exp(log(mean) - LOGN_SIGMA * LOGN_SIGMA / 2 + LOGN_SIGMA * z);
  double r = floor(x + 0.5);
  if (r < 1) r = 1;
  if (r > 1e9) r = 1e9;
  return (uint32_t)r;
}

void serve_trace_gen(serve_wl_t *w) {
  uint64_t s = w->seed * 0x2545f4914f6cdd1dull + 1;
  for (uint32_t i = 0; i < w->nreq; i++) {
    uint32_t in = draw(&s, DS_MEAN[w->dataset][0]), out = draw(&s, DS_MEAN[w->dataset][1]);
    if (in > w->max_seq - 1) in = w->max_seq - 1;
    if (out > w->max_seq - in) out = w->max_seq - in;
    w->in_len[i] = in;
    w->out_len[i] = out;
  }
}

void serve_wl_free(serve_wl_t *w) {
  free(w->in_len);
  free(w->out_len);
  w->in_len = w->out_len = NULL;
}

static int bad(coda_err_t *err, const char *file, const char *field, const char *what) {
  return coda_errf(err, CODA_EINVAL, "%s: %s: %s", file, field, what);
}

static int get_u(json_t *o, const char *file, const char *key, uint64_t lo, uint64_t hi, int req, uint64_t def,
                 uint64_t *v, coda_err_t *err) {
  json_t *x = json_object_get(o, key);
  if (!x) {
    if (req) return bad(err, file, key, "missing (expected an integer)");
    *v = def;
    return 0;
  }
  if (!json_is_integer(x) || json_integer_value(x) < 0 || (uint64_t)json_integer_value(x) < lo ||
      (uint64_t)json_integer_value(x) > hi)
    return coda_errf(err, CODA_EINVAL, "%s: %s: expected an integer in %" PRIu64 "..%" PRIu64, file, key, lo, hi);
  *v = (uint64_t)json_integer_value(x);
  return 0;
}

static int check_keys(json_t *o, const char *file, const char *const *keys, coda_err_t *err) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    int ok = 0;
    for (int i = 0; keys[i]; i++) ok |= !strcmp(k, keys[i]);
    if (!ok) return bad(err, file, k, "unknown key");
  }
  return 0;
}

static json_t *load(const char *path, coda_err_t *err) {
  json_error_t je;
  json_t *r = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!r) {
    if (je.line < 0) coda_errf(err, CODA_EIO, "%s: cannot read: %s", path, je.text);
    else coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    return NULL;
  }
  if (!json_is_object(r)) {
    json_decref(r);
    coda_errf(err, CODA_EINVAL, "%s: expected a JSON object at the top level", path);
    return NULL;
  }
  return r;
}

static int load_model(serve_model_t *m, const char *path, coda_err_t *err) {
  static const char *const keys[] = {"name", "source", "d_model", "n_heads", "n_kv_heads", "d_ffn",
                                     "n_layers", "ffn", "norm", "comment", NULL};
  json_t *r = load(path, err);
  if (!r) return err->code;
  uint64_t d, h, kv, f, l;
  int rc = check_keys(r, path, keys, err);
  json_t *nm = json_object_get(r, "name");
  if (!rc && (!json_is_string(nm) || !*json_string_value(nm) || strlen(json_string_value(nm)) > 63))
    rc = bad(err, path, "name", "expected a string of 1..63 characters");
  if (!rc && !json_is_string(json_object_get(r, "source"))) rc = bad(err, path, "source", "expected a citation string");
  if (!rc) rc = get_u(r, path, "d_model", 1, 1048576, 1, 0, &d, err);
  if (!rc) rc = get_u(r, path, "n_heads", 1, d, 1, 0, &h, err);
  if (!rc && d % h) rc = bad(err, path, "n_heads", "does not divide d_model");
  if (!rc) rc = get_u(r, path, "n_kv_heads", 1, h, 1, 0, &kv, err);
  if (!rc && kv != h) rc = bad(err, path, "n_kv_heads", "the NeuPIMs simulator models multi-head attention only (n_kv_heads = n_heads)");
  if (!rc) rc = get_u(r, path, "d_ffn", 1, 1048576, 1, 0, &f, err);
  if (!rc) rc = get_u(r, path, "n_layers", 1, 1048576, 1, 0, &l, err);
  if (!rc) {
    snprintf(m->name, sizeof m->name, "%s", json_string_value(nm));
    m->d_model = (uint32_t)d; m->n_heads = (uint32_t)h; m->d_ffn = (uint32_t)f; m->n_layers = (uint32_t)l;
  }
  json_decref(r);
  return rc;
}

static int check_tp(const serve_wl_t *w, const char *file, coda_err_t *err) {
  if (w->md.n_heads % w->tp || w->md.d_model % w->tp || w->md.d_ffn % w->tp)
    return coda_errf(err, CODA_EINVAL, "%s: tp: %u must divide n_heads %u, d_model %u and d_ffn %u", file, w->tp,
                     w->md.n_heads, w->md.d_model, w->md.d_ffn);
  return 0;
}

static int alloc_trace(serve_wl_t *w, coda_err_t *err) {
  w->in_len = calloc(w->nreq, sizeof *w->in_len);
  w->out_len = calloc(w->nreq, sizeof *w->out_len);
  if (!w->in_len || !w->out_len) { serve_wl_free(w); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  serve_trace_gen(w);
  return 0;
}

int serve_wl_make(serve_wl_t *w, const char *model_path, uint32_t tp, int dataset, uint32_t nreq, uint64_t seed,
                  uint32_t max_seq, coda_err_t *err) {
  memset(w, 0, sizeof *w);
  int rc = load_model(&w->md, model_path, err);
  if (rc) return rc;
  snprintf(w->name, sizeof w->name, "%s_%s", w->md.name, DS_NAMES[dataset]);
  w->tp = tp; w->dataset = dataset; w->nreq = nreq; w->seed = seed; w->max_seq = max_seq;
  if ((rc = check_tp(w, model_path, err))) return rc;
  return alloc_trace(w, err);
}

int serve_wl_load(serve_wl_t *w, const char *path, coda_err_t *err) {
  static const char *const keys[] = {"name", "comment", "model", "tp", "dataset", "requests", "seed", "max_seq", NULL};
  memset(w, 0, sizeof *w);
  json_t *r = load(path, err);
  if (!r) return err->code;
  int rc = check_keys(r, path, keys, err);
  json_t *nm = json_object_get(r, "name"), *mp = json_object_get(r, "model"), *ds = json_object_get(r, "dataset");
  uint64_t tp = 1, nreq = 0, seed = 1, ms = 2048;
  if (!rc && (!json_is_string(nm) || !*json_string_value(nm) || strlen(json_string_value(nm)) > 63))
    rc = bad(err, path, "name", "expected a string of 1..63 characters");
  if (!rc && (!json_is_string(mp) || !*json_string_value(mp)))
    rc = bad(err, path, "model", "expected the path of a model descriptor (workloads/models/*.json)");
  if (!rc) rc = get_u(r, path, "tp", 1, 1024, 1, 1, &tp, err);
  int dsi = -1;
  if (!rc) {
    if (json_is_string(ds))
      for (int i = 0; i < 2; i++)
        if (!strcmp(json_string_value(ds), DS_NAMES[i])) dsi = i;
    if (dsi < 0) rc = bad(err, path, "dataset", "expected \"sharegpt\" or \"alpaca\"");
  }
  if (!rc) rc = get_u(r, path, "requests", 1, 10000000, 1, 0, &nreq, err);
  if (!rc) rc = get_u(r, path, "seed", 0, UINT64_MAX >> 1, 0, 1, &seed, err);
  if (!rc) rc = get_u(r, path, "max_seq", 2, 1048576, 0, 2048, &ms, err);
  if (!rc) {
    const char *m = json_string_value(mp);
    char full[4096];
    const char *sl = strrchr(path, '/');
    if (m[0] == '/' || !sl) snprintf(full, sizeof full, "%s", m);
    else snprintf(full, sizeof full, "%.*s/%s", (int)(sl - path), path, m);
    coda_err_t e2 = {0};
    rc = load_model(&w->md, full, &e2);
    if (rc) rc = coda_errf(err, rc, "%s: model: %s", path, e2.msg);
  }
  if (!rc) {
    snprintf(w->name, sizeof w->name, "%s", json_string_value(nm));
    w->tp = (uint32_t)tp; w->dataset = dsi; w->nreq = (uint32_t)nreq; w->seed = seed; w->max_seq = (uint32_t)ms;
    rc = check_tp(w, path, err);
  }
  json_decref(r);
  if (rc) return rc;
  return alloc_trace(w, err);
}
