/* t3wl.c: T3 model descriptor files (see t3wl.h). Input is untrusted: every
 * key is checked, unknown keys are rejected, each error is one line naming
 * the file and the field. */
#include "t3wl.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "t3plan.h"

#define T3WL_DIM_MAX 1048576u /* largest hidden size or head / layer count */
#define T3WL_TOKENS_MAX (1ull << 32) /* largest token count */

/* "FILE: key: <message>" into err. */
static int failv(coda_err_t *err, const char *file, const char *key, const char *fmt, va_list ap) {
  char msg[400];
  vsnprintf(msg, sizeof msg, fmt, ap);
  return coda_errf(err, CODA_EINVAL, "%s: %s: %s", file, key, msg);
}

typedef struct t3wl_ctx {
  const char *file; /* file named in messages */
  coda_err_t *err;  /* where messages go */
} t3wl_ctx_t;

static int efail(const t3wl_ctx_t *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int efail(const t3wl_ctx_t *c, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = failv(c->err, c->file, key, fmt, ap);
  va_end(ap);
  return rc;
}

/* An integer in lo..hi, required. */
static int get_u64(const t3wl_ctx_t *c, json_t *obj, const char *key, uint64_t lo, uint64_t hi, uint64_t *out) {
  json_t *v = json_object_get(obj, key);
  if (!v) return efail(c, key, "missing (expected an integer in %llu..%llu)", (unsigned long long)lo,
                       (unsigned long long)hi);
  if (!json_is_integer(v))
    return efail(c, key, "expected an integer in %llu..%llu", (unsigned long long)lo, (unsigned long long)hi);
  json_int_t x = json_integer_value(v);
  if (x < 0 || (uint64_t)x < lo || (uint64_t)x > hi)
    return efail(c, key, "%lld is out of range %llu..%llu", (long long)x, (unsigned long long)lo,
                 (unsigned long long)hi);
  *out = (uint64_t)x;
  return CODA_OK;
}

int t3_model_load(const char *path, t3_model_t *m, coda_err_t *err) {
  memset(m, 0, sizeof *m);
  t3wl_ctx_t c = {path, err};
  FILE *f = fopen(path, "rb");
  if (!f) return coda_errf(err, CODA_EIO, "%s: cannot read: %s", path, strerror(errno));
  json_error_t je;
  json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
  fclose(f);
  if (!root) return coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
  int rc = CODA_OK;
  uint64_t v;
  static const char *const keys[] = {"name", "hidden", "layers", "heads", "tokens", "tp", "source", NULL};
  if (!json_is_object(root)) {
    rc = coda_errf(err, CODA_EINVAL, "%s: expected a JSON object", path);
    goto out;
  }
  const char *k;
  json_t *jv;
  json_object_foreach(root, k, jv) {
    int ok = 0;
    for (const char *const *a = keys; *a && !ok; a++) ok = !strcmp(*a, k);
    if (!ok) {
      rc = efail(&c, k, "unknown key (expected name, hidden, layers, heads, tokens, tp, source)");
      goto out;
    }
  }
  /* name */
  json_t *n = json_object_get(root, "name");
  const char *what = "a name of 1..31 characters from A-Z a-z 0-9 _ . -";
  if (!n) { rc = efail(&c, "name", "missing (expected %s)", what); goto out; }
  if (!json_is_string(n) || json_string_length(n) == 0 || json_string_length(n) >= sizeof m->name) {
    rc = efail(&c, "name", "expected %s", what);
    goto out;
  }
  for (const char *s = json_string_value(n); *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
          *s == '.' || *s == '-')) {
      rc = efail(&c, "name", "expected %s", what);
      goto out;
    }
  snprintf(m->name, sizeof m->name, "%s", json_string_value(n));
  if ((rc = get_u64(&c, root, "hidden", 1, T3WL_DIM_MAX, &m->hidden))) goto out;
  if ((rc = get_u64(&c, root, "layers", 1, T3WL_DIM_MAX, &v))) goto out;
  m->layers = (uint32_t)v;
  if ((rc = get_u64(&c, root, "heads", 1, T3WL_DIM_MAX, &v))) goto out;
  m->heads = (uint32_t)v;
  if ((rc = get_u64(&c, root, "tokens", 1, T3WL_TOKENS_MAX, &m->tokens))) goto out;
  /* tp */
  json_t *tp = json_object_get(root, "tp");
  if (!tp) { rc = efail(&c, "tp", "missing (expected an array of 1..%d integers in 2..%d)", T3_MODEL_MAX_TP,
                        T3_MAX_DEVICES); goto out; }
  if (!json_is_array(tp) || json_array_size(tp) == 0 || json_array_size(tp) > T3_MODEL_MAX_TP) {
    rc = efail(&c, "tp", "expected an array of 1..%d integers in 2..%d", T3_MODEL_MAX_TP, T3_MAX_DEVICES);
    goto out;
  }
  for (size_t i = 0; i < json_array_size(tp); i++) {
    json_t *e = json_array_get(tp, i);
    char key[32];
    snprintf(key, sizeof key, "tp[%zu]", i);
    if (!json_is_integer(e)) { rc = efail(&c, key, "expected an integer in 2..%d", T3_MAX_DEVICES); goto out; }
    json_int_t x = json_integer_value(e);
    if (x < 2) {
      rc = efail(&c, key, "%lld: a ring of one device has nothing to reduce-scatter (expected 2..%d)",
                 (long long)x, T3_MAX_DEVICES);
      goto out;
    }
    if (x > T3_MAX_DEVICES) { rc = efail(&c, key, "%lld is out of range 2..%d", (long long)x, T3_MAX_DEVICES); goto out; }
    m->tp[m->ntp++] = (uint32_t)x;
  }
  /* source */
  json_t *src = json_object_get(root, "source");
  if (!src) { rc = efail(&c, "source", "missing (expected a non-empty string)"); goto out; }
  if (!json_is_string(src) || json_string_length(src) == 0) {
    rc = efail(&c, "source", "expected a non-empty string");
    goto out;
  }
out:
  json_decref(root);
  if (rc) memset(m, 0, sizeof *m);
  return rc;
}
