/* compare.c: Markdown tables of one or two run reports (see compare.h). */
#include "compare.h"

#include <jansson.h>
#include <string.h>

static int load(const char *path, json_t **root, coda_err_t *err) {
  json_error_t je;
  *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!*root) {
    if (je.line <= 0) return coda_errf(err, CODA_EINVAL, "%s: %s", path, je.text);
    return coda_errf(err, CODA_EINVAL, "%s:%d:%d: %s", path, je.line, je.column, je.text);
  }
  json_t *s = json_object_get(*root, "schema");
  if (!json_is_string(s) || strcmp(json_string_value(s), "coda.run.v1")) {
    json_decref(*root);
    return coda_errf(err, CODA_EINVAL, "%s: schema: expected \"coda.run.v1\"", path);
  }
  json_t *l = json_object_get(*root, "layers"), *t = json_object_get(*root, "total");
  if (!json_is_array(l) || !json_is_object(t)) {
    json_decref(*root);
    return coda_errf(err, CODA_EINVAL, "%s: layers/total: missing", path);
  }
  size_t i;
  json_t *v;
  json_array_foreach(l, i, v) {
    if (!json_is_string(json_object_get(v, "name")) || !json_is_integer(json_object_get(v, "total_cycles"))) {
      json_decref(*root);
      return coda_errf(err, CODA_EINVAL, "%s: layers[%zu]: expected name and total_cycles", path, i);
    }
  }
  return CODA_OK;
}

static double num(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : 0.0;
}

static double energy(json_t *o) { return num(json_object_get(o, "energy"), "total_pj"); }

static void row(FILE *f, const char *name, json_t *a, json_t *b) {
  double ca = num(a, "total_cycles");
  fprintf(f, "| %s | %.0f | %.1f%% | %.1f%% | %.1f%% | %.3f |", name, ca,
          ca > 0 ? 100 * num(a, "compute_cycles") / ca : 0, ca > 0 ? 100 * num(a, "memory_stall_cycles") / ca : 0,
          ca > 0 ? 100 * num(a, "precompute_cycles") / ca : 0, energy(a) / 1e6);
  if (b) {
    double cb = num(b, "total_cycles");
    fprintf(f, " %.0f | %.1f%% | %+.2f%% | %.3f | %+.2f%% |", cb, cb > 0 ? 100 * num(b, "precompute_cycles") / cb : 0,
            ca > 0 ? 100 * (cb - ca) / ca : 0, energy(b) / 1e6,
            energy(a) > 0 ? 100 * (energy(b) - energy(a)) / energy(a) : 0);
  }
  fputc('\n', f);
}

int report_compare(const char *ap, const char *bp, FILE *f, coda_err_t *err) {
  json_t *a = NULL, *b = NULL;
  int rc = load(ap, &a, err);
  if (!rc && bp) rc = load(bp, &b, err);
  if (rc) { json_decref(a); return rc; }
  json_t *la = json_object_get(a, "layers"), *lb = b ? json_object_get(b, "layers") : NULL;
  if (b && json_array_size(la) != json_array_size(lb)) {
    json_decref(a); json_decref(b);
    return coda_errf(err, CODA_EINVAL, "%s: has %zu layers, %s has %zu: not the same workload", bp,
                     json_array_size(lb), ap, json_array_size(la));
  }
  fprintf(f, "A = %s (%s)\n", ap, json_string_value(json_object_get(a, "workload")));
  if (b) fprintf(f, "B = %s (%s)\n", bp, json_string_value(json_object_get(b, "workload")));
  fprintf(f, "\n| layer | A cycles | A compute | A mem stall | A precompute | A energy uJ |%s\n",
          b ? " B cycles | B precompute | B vs A cycles | B energy uJ | B vs A energy |" : "");
  fprintf(f, "|---|---|---|---|---|---|%s\n", b ? "---|---|---|---|---|" : "");
  size_t i;
  json_t *v;
  json_array_foreach(la, i, v) {
    json_t *w = b ? json_array_get(lb, i) : NULL;
    if (w && strcmp(json_string_value(json_object_get(v, "name")), json_string_value(json_object_get(w, "name")))) {
      json_decref(a); json_decref(b);
      return coda_errf(err, CODA_EINVAL, "%s: layers[%zu] is %s, %s has %s", bp, i,
                       json_string_value(json_object_get(w, "name")), ap,
                       json_string_value(json_object_get(v, "name")));
    }
    row(f, json_string_value(json_object_get(v, "name")), v, w);
  }
  row(f, "**total**", json_object_get(a, "total"), b ? json_object_get(b, "total") : NULL);
  json_decref(a);
  json_decref(b);
  return CODA_OK;
}
