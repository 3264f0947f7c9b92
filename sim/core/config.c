/* config.c: loading, overriding and validating arch configs (see config.h).
 * Everything is driven by params.def, so adding a parameter is one line. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { K_U, K_F, K_B, K_E };

typedef struct param_desc {
  const char *sec, *key, *choices, *doc;
  int kind;
  double def, lo, hi;
  size_t off; /* offset of the field in arch_cfg_t */
} param_desc_t;

static const param_desc_t PARAMS[] = {
#define CODA_PARAM(sec, key, kind, def, lo, hi, choices, doc)                \
  {#sec, #key, choices, doc, K_##kind, (double)(def), (double)(lo), (double)(hi), \
   offsetof(arch_cfg_t, sec##_##key)},
#include "params.def"
#undef CODA_PARAM
};
#define NPARAMS (sizeof PARAMS / sizeof PARAMS[0])

static void put(arch_cfg_t *c, const param_desc_t *p, double v) {
  char *base = (char *)c + p->off;
  if (p->kind == K_F) memcpy(base, &v, sizeof v);
  else { uint64_t u = (uint64_t)v; memcpy(base, &u, sizeof u); }
}

static double get(const arch_cfg_t *c, const param_desc_t *p) {
  const char *base = (const char *)c + p->off;
  if (p->kind == K_F) { double v; memcpy(&v, base, sizeof v); return v; }
  uint64_t u; memcpy(&u, base, sizeof u); return (double)u;
}

void arch_cfg_defaults(arch_cfg_t *cfg) {
  memset(cfg, 0, sizeof *cfg);
  snprintf(cfg->name, sizeof cfg->name, "default");
  for (size_t i = 0; i < NPARAMS; i++) put(cfg, &PARAMS[i], PARAMS[i].def);
}

/* Index of `name` in a '|'-separated list, or -1. */
static int choice_index(const char *choices, const char *name) {
  int idx = 0;
  const char *s = choices;
  size_t n = strlen(name);
  while (*s) {
    const char *e = strchr(s, '|');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len == n && strncmp(s, name, n) == 0) return idx;
    idx++;
    if (!e) break;
    s = e + 1;
  }
  return -1;
}

const char *arch_cfg_enum_name(const char *sec, const char *key, uint64_t v, char *buf,
                               size_t buflen) {
  snprintf(buf, buflen, "?");
  for (size_t i = 0; i < NPARAMS; i++) {
    const param_desc_t *p = &PARAMS[i];
    if (p->kind != K_E || strcmp(p->sec, sec) || strcmp(p->key, key)) continue;
    /* the names live in a string literal; walk to the v-th one */
    const char *s = p->choices;
    for (uint64_t j = 0; j < v && s; j++) {
      s = strchr(s, '|');
      if (s) s++;
    }
    if (!s) return buf;
    const char *e = strchr(s, '|');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len >= buflen) len = buflen - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    return buf;
  }
  return buf;
}

static int set_value(arch_cfg_t *cfg, const param_desc_t *p, json_t *v,
                     const char *origin, coda_err_t *err) {
  const char *sec = p->sec, *key = p->key;
  switch (p->kind) {
    case K_U: {
      if (!json_is_integer(v))
        return coda_errf(err, CODA_EINVAL, "%s: %s.%s: expected an integer in %.0f..%.0f",
                         origin, sec, key, p->lo, p->hi);
      json_int_t x = json_integer_value(v);
      if ((double)x < p->lo || (double)x > p->hi)
        return coda_errf(err, CODA_EINVAL, "%s: %s.%s: %" JSON_INTEGER_FORMAT
                         " is out of range %.0f..%.0f", origin, sec, key, x, p->lo, p->hi);
      put(cfg, p, (double)x);
      return CODA_OK;
    }
    case K_F: {
      if (!json_is_number(v))
        return coda_errf(err, CODA_EINVAL, "%s: %s.%s: expected a number in %g..%g", origin,
                         sec, key, p->lo, p->hi);
      double x = json_number_value(v);
      if (!isfinite(x) || x < p->lo || x > p->hi)
        return coda_errf(err, CODA_EINVAL, "%s: %s.%s: %g is out of range %g..%g", origin,
                         sec, key, x, p->lo, p->hi);
      put(cfg, p, x);
      return CODA_OK;
    }
    case K_B:
      if (!json_is_boolean(v))
        return coda_errf(err, CODA_EINVAL, "%s: %s.%s: expected true or false", origin, sec, key);
      put(cfg, p, json_is_true(v) ? 1 : 0);
      return CODA_OK;
    default: {
      int idx = json_is_string(v) ? choice_index(p->choices, json_string_value(v)) : -1;
      if (idx < 0)
        return coda_errf(err, CODA_EINVAL, "%s: %s.%s: expected one of %s", origin, sec, key,
                         p->choices);
      put(cfg, p, idx);
      return CODA_OK;
    }
  }
}

static const param_desc_t *find(const char *sec, const char *key) {
  for (size_t i = 0; i < NPARAMS; i++)
    if (!strcmp(PARAMS[i].sec, sec) && !strcmp(PARAMS[i].key, key)) return &PARAMS[i];
  return NULL;
}

static int known_section(const char *sec) {
  for (size_t i = 0; i < NPARAMS; i++)
    if (!strcmp(PARAMS[i].sec, sec)) return 1;
  return 0;
}

/* Applies one "sec.key=value" override to the JSON tree. */
static int apply_set(json_t *root, const char *expr, coda_err_t *err) {
  const char *eq = strchr(expr, '=');
  const char *dot = strchr(expr, '.');
  if (!eq || !dot || dot > eq || dot == expr || eq == dot + 1)
    return coda_errf(err, CODA_EINVAL, "--set %s: expected section.key=value", expr);
  char sec[64], key[64];
  size_t ls = (size_t)(dot - expr), lk = (size_t)(eq - dot - 1);
  if (ls >= sizeof sec || lk >= sizeof key)
    return coda_errf(err, CODA_EINVAL, "--set %s: key too long", expr);
  memcpy(sec, expr, ls); sec[ls] = 0;
  memcpy(key, dot + 1, lk); key[lk] = 0;
  if (strchr(key, '.'))
    return coda_errf(err, CODA_EINVAL, "--set %s: %s.%s: unknown key", expr, sec, key);
  json_error_t je;
  json_t *v = json_loads(eq + 1, JSON_DECODE_ANY, &je);
  if (!v) v = json_string(eq + 1); /* a bare word is a string */
  json_t *s = json_object_get(root, sec);
  if (!s) {
    s = json_object();
    json_object_set_new(root, sec, s);
  } else if (!json_is_object(s)) {
    json_decref(v);
    return coda_errf(err, CODA_EINVAL, "--set %s: %s is not an object", expr, sec);
  }
  json_object_set_new(s, key, v);
  return CODA_OK;
}

static int load_tree(arch_cfg_t *cfg, json_t *root, const char *origin, coda_err_t *err) {
  if (!json_is_object(root))
    return coda_errf(err, CODA_EINVAL, "%s: expected a JSON object at the top level", origin);
  const char *sk;
  json_t *sv;
  json_object_foreach(root, sk, sv) {
    if (!strcmp(sk, "name")) {
      if (!json_is_string(sv) || strlen(json_string_value(sv)) >= sizeof cfg->name ||
          !strlen(json_string_value(sv)))
        return coda_errf(err, CODA_EINVAL, "%s: name: expected a string of 1..63 characters",
                         origin);
      snprintf(cfg->name, sizeof cfg->name, "%s", json_string_value(sv));
      continue;
    }
    if (!strcmp(sk, "comment")) continue; /* free text, ignored */
    if (!known_section(sk))
      return coda_errf(err, CODA_EINVAL, "%s: %s: unknown section (known: name, comment, core, "
                       "fe, buffers, tpre, dma, memory)", origin, sk);
    if (!json_is_object(sv))
      return coda_errf(err, CODA_EINVAL, "%s: %s: expected an object", origin, sk);
    const char *kk;
    json_t *kv;
    json_object_foreach(sv, kk, kv) {
      const param_desc_t *p = find(sk, kk);
      if (!p) return coda_errf(err, CODA_EINVAL, "%s: %s.%s: unknown key", origin, sk, kk);
      int rc = set_value(cfg, p, kv, origin, err);
      if (rc) return rc;
    }
  }
  return arch_cfg_validate(cfg, origin, err);
}

static int load_common(arch_cfg_t *cfg, json_t *root, const char *origin,
                       const arch_set_t *sets, int nsets, coda_err_t *err) {
  arch_cfg_defaults(cfg);
  int rc = CODA_OK;
  for (int i = 0; i < nsets && !rc; i++) rc = apply_set(root, sets[i].expr, err);
  if (!rc) rc = load_tree(cfg, root, nsets ? "--set/config" : origin, err);
  if (rc && nsets && strstr(err->msg, "--set/config")) {
    /* name both the file and the overrides */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", err->msg);
    const char *rest = tmp + strlen("--set/config");
    coda_errf(err, rc, "%s (with --set)%s", origin, rest);
  }
  json_decref(root);
  return rc;
}

int arch_cfg_load(arch_cfg_t *cfg, const char *path, const arch_set_t *sets, int nsets,
                  coda_err_t *err) {
  json_t *root;
  if (path) {
    json_error_t je;
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
      if (je.line < 0 || errno == ENOENT)
        return coda_errf(err, CODA_EINVAL, "%s: %s", path, je.text);
      return coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
  } else {
    root = json_object();
  }
  return load_common(cfg, root, path ? path : "(defaults)", sets, nsets, err);
}

int arch_cfg_load_string(arch_cfg_t *cfg, const char *json, const char *origin,
                         const arch_set_t *sets, int nsets, coda_err_t *err) {
  json_error_t je;
  json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &je);
  if (!root) return coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", origin, je.line, je.column, je.text);
  return load_common(cfg, root, origin, sets, nsets, err);
}

int arch_cfg_validate(const arch_cfg_t *c, const char *origin, coda_err_t *err) {
  /* The LUT core reads one K-group field per lookup from WBUF rows that are
   * byte-granular along K: K-tiles are multiples of lcm(8, K), so K must
   * divide 8 or be 3, 5, 6, 7 (lcm still small). Every K in 1..8 works. */
  uint64_t tbl = 1ull << (c->core_k - 1);
  if (c->core_type == ARCH_CORE_LUT && c->core_m * tbl * 4 > c->buffers_tbuf_bytes)
    return coda_errf(err, CODA_EINVAL,
                     "%s: buffers.tbuf_bytes: %" PRIu64 " cannot hold one table per array row "
                     "(need %" PRIu64 ")", origin, c->buffers_tbuf_bytes, c->core_m * tbl * 4);
  uint64_t cb_need = c->core_m * c->core_n * 8 + c->core_m * 8;
  if (cb_need > c->buffers_cbuf_bytes)
    return coda_errf(err, CODA_EINVAL,
                     "%s: buffers.cbuf_bytes: %" PRIu64 " cannot hold one M x N accumulator "
                     "block (need %" PRIu64 ")", origin, c->buffers_cbuf_bytes, cb_need);
  uint64_t wb_need = c->core_n * 4 * 8 + c->core_n; /* one N x 8 tile at W4 + zero points */
  if (wb_need > c->buffers_wbuf_bytes)
    return coda_errf(err, CODA_EINVAL, "%s: buffers.wbuf_bytes: %" PRIu64
                     " cannot hold one N-wide weight tile (need %" PRIu64 ")", origin,
                     c->buffers_wbuf_bytes, wb_need);
  uint64_t onchip_max = 1ull << 20; /* saddr/taddr/waddr/caddr are 20-bit (isa/coda.isa) */
  const struct { const char *k; uint64_t v; } bufs[] = {
      {"abuf_bytes", c->buffers_abuf_bytes}, {"wbuf_bytes", c->buffers_wbuf_bytes},
      {"tbuf_bytes", c->buffers_tbuf_bytes}, {"cbuf_bytes", c->buffers_cbuf_bytes}};
  for (size_t i = 0; i < 4; i++)
    if (bufs[i].v > onchip_max)
      return coda_errf(err, CODA_EINVAL, "%s: buffers.%s: %" PRIu64 " exceeds the 1 MiB an "
                       "instruction's 20-bit buffer address reaches", origin, bufs[i].k, bufs[i].v);
  return CODA_OK;
}

void arch_cfg_dump_json(const arch_cfg_t *c, FILE *f) {
  fprintf(f, "{\n  \"name\": \"%s\"", c->name);
  const char *cur = NULL;
  for (size_t i = 0; i < NPARAMS; i++) {
    const param_desc_t *p = &PARAMS[i];
    if (!cur || strcmp(cur, p->sec)) {
      fprintf(f, "%s,\n  \"%s\": {", cur ? "\n  }" : "", p->sec);
      cur = p->sec;
    } else {
      fputc(',', f);
    }
    double v = get(c, p);
    fprintf(f, "\n    \"%s\": ", p->key);
    if (p->kind == K_F) fprintf(f, "%.17g", v);
    else if (p->kind == K_B) fprintf(f, "%s", v != 0 ? "true" : "false");
    else if (p->kind == K_E) {
      char nb[32];
      fprintf(f, "\"%s\"", arch_cfg_enum_name(p->sec, p->key, (uint64_t)v, nb, sizeof nb));
    }
    else fprintf(f, "%" PRIu64, (uint64_t)v);
  }
  fprintf(f, "\n  }\n}\n");
}

void arch_cfg_write_doc(FILE *f) {
  fprintf(f, "<!-- generated from sim/core/params.def by `coda config --doc`; do not edit -->\n"
             "# Hardware parameters\n\n"
             "Every key of an arch config (`sim/configs/*.json`), its default and range. "
             "Any key can be overridden on the command line with `--set section.key=value`.\n\n"
             "| key | type | default | range | meaning and source |\n|---|---|---|---|---|\n");
  for (size_t i = 0; i < NPARAMS; i++) {
    const param_desc_t *p = &PARAMS[i];
    const char *t = p->kind == K_U ? "integer" : p->kind == K_F ? "number"
                  : p->kind == K_B ? "bool" : "enum";
    char def[64], range[96];
    if (p->kind == K_E) {
      arch_cfg_enum_name(p->sec, p->key, (uint64_t)p->def, def, sizeof def);
      snprintf(range, sizeof range, "%s", p->choices);
      for (char *q = range; *q; q++)
        if (*q == '|') *q = ',';
    } else if (p->kind == K_B) {
      snprintf(def, sizeof def, "%s", p->def != 0 ? "true" : "false");
      snprintf(range, sizeof range, "true, false");
    } else {
      const char *fmt = p->kind == K_U ? "%.0f" : "%g";
      snprintf(def, sizeof def, fmt, p->def);
      snprintf(range, sizeof range, p->kind == K_U ? "%.0f..%.0f" : "%g..%g", p->lo, p->hi);
    }
    fprintf(f, "| `%s.%s` | %s | %s | %s | %s |\n", p->sec, p->key, t, def, range, p->doc);
  }
}
