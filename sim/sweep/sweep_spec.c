/* sweep_spec.c: a sweep spec (docs/sweep.md) -- parsing, checking, expansion
 * into points (grid x samples x workloads), Latin-hypercube sampling, point
 * resolution and hashing, the area estimate and the Pareto filter. */
#include "sweep.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "../../compiler/compiler.h"
#include "../core/util.h"
#include "sweep_int.h"

/* ---- metrics -------------------------------------------------------------- */
static const sweep_metric_t METRICS[] = {
    {"cycles", -1, 0, "total cycles of the workload (coda.run.v1 total.total_cycles)"},
    {"time_ns", -1, 0, "total time at core.freq_mhz, ns"},
    {"energy_pj", -1, 0, "total energy (coda.run.v1 total.energy.total_pj), pJ"},
    {"dram_bytes", -1, 0, "DRAM bytes read + written"},
    {"macs", 1, 0, "multiply-accumulates of the workload"},
    {"utilization", 1, 0, "array utilization (coda.run.v1 total.utilization_ratio)"},
    {"area_um2", -1, 1, "area of the design point (the spec's area model), um2"},
    {"macs_per_cycle", 1, 0, "throughput: macs / cycles"},
    {"throughput_per_area", 1, 0, "macs / cycles / area, per mm2"},
    {"energy_per_mac_pj", -1, 0, "energy_pj / macs, pJ"},
    {"edp", -1, 0, "energy-delay product: energy_pj x time_ns, pJ.ns"},
};
#define NMETRICS (int)(sizeof METRICS / sizeof METRICS[0])

const sweep_metric_t *sweep_metric_find(const char *name) {
  for (int i = 0; i < NMETRICS; i++)
    if (!strcmp(METRICS[i].name, name)) return &METRICS[i];
  return NULL;
}
const sweep_metric_t *sweep_metric_at(int i) { return i >= 0 && i < NMETRICS ? &METRICS[i] : NULL; }

/* ---- hashing -------------------------------------------------------------- */
void sweep_sha256_hex(const void *data, size_t n, char out[65]) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* ---- random numbers: splitmix64 (deterministic in the seed) --------------- */
static uint64_t sm64(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static double unit(uint64_t *s) { return (double)(sm64(s) >> 11) * (1.0 / 9007199254740992.0); }

void sweep_lhs(uint64_t seed, int n, int d, double *out) {
  uint64_t s = seed;
  int *perm = malloc((size_t)(n > 0 ? n : 1) * sizeof *perm);
  if (!perm) CODA_PANIC("out of memory");
  for (int j = 0; j < d; j++) {
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int i = n - 1; i > 0; i--) { /* Fisher-Yates */
      int r = (int)(sm64(&s) % (uint64_t)(i + 1));
      int t = perm[i]; perm[i] = perm[r]; perm[r] = t;
    }
    for (int i = 0; i < n; i++) out[i * d + j] = ((double)perm[i] + unit(&s)) / (double)n;
  }
  free(perm);
}

/* ---- parsing -------------------------------------------------------------- */
#define SPEC_ERR(...) coda_errf(err, CODA_EINVAL, __VA_ARGS__)

/* dir of path + "/" + rel, unless rel is absolute. */
static void resolve_rel(const char *spec_path, const char *rel, char *out, size_t len) {
  if (rel[0] == '/') { snprintf(out, len, "%s", rel); return; }
  const char *sl = strrchr(spec_path, '/');
  if (!sl) { snprintf(out, len, "%s", rel); return; }
  snprintf(out, len, "%.*s/%s", (int)(sl - spec_path), spec_path, rel);
}

static int is_known_key(const char *key) {
  /* a params.def key: try it on a default config */
  arch_cfg_t c;
  char expr[128];
  snprintf(expr, sizeof expr, "%s=null", key);
  arch_set_t s = {expr};
  coda_err_t e = {0};
  if (arch_cfg_load(&c, NULL, &s, 1, &e) == 0) return 1;
  return !strstr(e.msg, "unknown") && !strstr(e.msg, "expected section.key");
}

/* A value that params.def rejects on its own (type, range, enum name) is a
 * spec error; one that fails only with other values (buffer capacity
 * relations) makes an invalid point instead. */
static int check_value(const sweep_spec_t *s, const char *where, const char *key, const char *idx, json_t *v,
                       coda_err_t *err) {
  char *val = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
  char expr[256];
  snprintf(expr, sizeof expr, "%s=%s", key, val ? val : "null");
  free(val);
  arch_set_t set = {expr};
  arch_cfg_t c;
  coda_err_t e = {0};
  if (!arch_cfg_load(&c, NULL, &set, 1, &e)) return CODA_OK;
  const char *m = strstr(e.msg, key);
  if (strstr(e.msg, "out of range") || strstr(e.msg, ": expected"))
    return SPEC_ERR("%s: %s.%s%s: %s", s->path, where, key, idx, m ? m + strlen(key) + 2 : e.msg);
  return CODA_OK;
}

static int parse_param(sweep_spec_t *s, const char *key, json_t *v, int sampled, coda_err_t *err) {
  const char *f = s->path;
  if (s->nparam >= SWEEP_MAX_PARAMS) return SPEC_ERR("%s: params: more than %d parameters", f, SWEEP_MAX_PARAMS);
  for (int i = 0; i < s->nparam; i++)
    if (!strcmp(s->param[i].key, key)) return SPEC_ERR("%s: params.%s: given twice", f, key);
  sweep_param_t *p = &s->param[s->nparam];
  memset(p, 0, sizeof *p);
  if (strlen(key) >= sizeof p->key) return SPEC_ERR("%s: params.%s: key too long", f, key);
  snprintf(p->key, sizeof p->key, "%s", key);
  if (!strcmp(key, "workload.wbits")) p->target = SWEEP_TGT_WBITS;
  else if (!strcmp(key, "workload.atype")) p->target = SWEEP_TGT_ATYPE;
  else if (!strncmp(key, "workload.", 9))
    return SPEC_ERR("%s: params.%s: unknown workload key (known: workload.wbits, workload.atype)", f, key);
  else if (!is_known_key(key))
    return SPEC_ERR("%s: params.%s: unknown parameter path (see docs/params.md)", f, key);
  const char *where = sampled ? "samples.params" : "params";
  if (sampled) {
    json_t *lo = json_object_get(v, "min"), *hi = json_object_get(v, "max");
    if (!json_is_object(v) || !json_is_number(lo) || !json_is_number(hi))
      return SPEC_ERR("%s: %s.%s: expected {\"min\": X, \"max\": Y[, \"int\": true][, \"log\": true]}", f, where, key);
    p->sampled = 1;
    p->lo = json_number_value(lo);
    p->hi = json_number_value(hi);
    json_t *in = json_object_get(v, "int"), *lg = json_object_get(v, "log");
    p->integer = json_is_true(in) || (!in && p->target != SWEEP_TGT_CFG) ||
                 (!in && json_is_integer(lo) && json_is_integer(hi));
    p->log = json_is_true(lg);
    const char *k2;
    json_t *v2;
    json_object_foreach(v, k2, v2)
      if (strcmp(k2, "min") && strcmp(k2, "max") && strcmp(k2, "int") && strcmp(k2, "log"))
        return SPEC_ERR("%s: %s.%s.%s: unknown field (known: min, max, int, log)", f, where, key, k2);
    if (!(p->lo <= p->hi)) return SPEC_ERR("%s: %s.%s: empty range (min %g > max %g)", f, where, key, p->lo, p->hi);
    if (p->log && p->lo <= 0) return SPEC_ERR("%s: %s.%s: log sampling needs min > 0", f, where, key);
    if (p->target == SWEEP_TGT_ATYPE) return SPEC_ERR("%s: %s.%s: cannot be sampled (give a list)", f, where, key);
    if (p->target == SWEEP_TGT_WBITS && (p->lo < 1 || p->hi > 4))
      return SPEC_ERR("%s: %s.%s: weight bits must lie in 1..4", f, where, key);
    if (p->target == SWEEP_TGT_CFG) {
      json_t *b[2] = {p->integer ? json_integer((json_int_t)ceil(p->lo)) : json_real(p->lo),
                      p->integer ? json_integer((json_int_t)floor(p->hi)) : json_real(p->hi)};
      int rc = check_value(s, where, key, ".min", b[0], err);
      if (!rc) rc = check_value(s, where, key, ".max", b[1], err);
      json_decref(b[0]);
      json_decref(b[1]);
      if (rc) return rc;
    }
    s->nparam++;
    return CODA_OK;
  }
  json_t *vals = NULL;
  if (json_is_array(v)) {
    if (!json_array_size(v)) return SPEC_ERR("%s: params.%s: empty list", f, key);
    vals = json_deep_copy(v);
  } else if (json_is_object(v)) {
    json_t *r = json_object_get(v, "range");
    json_t *st = json_object_get(v, "step"), *mul = json_object_get(v, "mul");
    const char *k2;
    json_t *v2;
    json_object_foreach(v, k2, v2)
      if (strcmp(k2, "range") && strcmp(k2, "step") && strcmp(k2, "mul"))
        return SPEC_ERR("%s: params.%s.%s: unknown field (known: range, step, mul)", f, key, k2);
    if (!json_is_array(r) || json_array_size(r) != 2 || !json_is_number(json_array_get(r, 0)) ||
        !json_is_number(json_array_get(r, 1)))
      return SPEC_ERR("%s: params.%s.range: expected [FIRST, LAST]", f, key);
    if ((st && mul) || (!st && !mul))
      return SPEC_ERR("%s: params.%s: give one of step (arithmetic) or mul (geometric)", f, key);
    double a = json_number_value(json_array_get(r, 0)), b = json_number_value(json_array_get(r, 1));
    int integer = json_is_integer(json_array_get(r, 0)) && json_is_integer(json_array_get(r, 1)) &&
                  (st ? json_is_integer(st) : json_is_integer(mul));
    if (a > b) return SPEC_ERR("%s: params.%s.range: empty range (%g > %g)", f, key, a, b);
    vals = json_array();
    if (st) {
      double d = json_number_value(st);
      if (!json_is_number(st) || !(d > 0)) { json_decref(vals); return SPEC_ERR("%s: params.%s.step: expected a number > 0", f, key); }
      for (double x = a; x <= b * (1 + 1e-12) + 1e-12; x += d) {
        if (json_array_size(vals) >= SWEEP_MAX_VALUES) break;
        json_array_append_new(vals, integer ? json_integer((json_int_t)llround(x)) : json_real(x));
      }
    } else {
      double m = json_number_value(mul);
      if (!json_is_number(mul) || !(m > 1) || !(a > 0)) { json_decref(vals); return SPEC_ERR("%s: params.%s.mul: expected a factor > 1 (and a range starting above 0)", f, key); }
      for (double x = a; x <= b * (1 + 1e-12); x *= m) {
        if (json_array_size(vals) >= SWEEP_MAX_VALUES) break;
        json_array_append_new(vals, integer ? json_integer((json_int_t)llround(x)) : json_real(x));
      }
    }
    if (json_array_size(vals) >= SWEEP_MAX_VALUES) { json_decref(vals); return SPEC_ERR("%s: params.%s: more than %d values", f, key, SWEEP_MAX_VALUES); }
  } else {
    return SPEC_ERR("%s: params.%s: expected a list of values or {\"range\": [A, B], \"step\"|\"mul\": X}", f, key);
  }
  size_t i;
  json_t *x;
  json_array_foreach(vals, i, x) {
    if (p->target == SWEEP_TGT_WBITS && (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > 4)) {
      json_decref(vals);
      return SPEC_ERR("%s: params.%s[%zu]: expected weight bits 1..4", f, key, i);
    }
    if (p->target == SWEEP_TGT_ATYPE) {
      const char *n = json_string_value(x);
      if (!n || (strcmp(n, "int8") && strcmp(n, "int16") && strcmp(n, "fp8") && strcmp(n, "fp16"))) {
        json_decref(vals);
        return SPEC_ERR("%s: params.%s[%zu]: expected int8, int16, fp8 or fp16", f, key, i);
      }
    }
    if (!json_is_number(x) && !json_is_string(x) && !json_is_boolean(x)) {
      json_decref(vals);
      return SPEC_ERR("%s: params.%s[%zu]: expected a number, string or boolean", f, key, i);
    }
    char idx[32];
    snprintf(idx, sizeof idx, "[%zu]", i);
    if (p->target == SWEEP_TGT_CFG && check_value(s, "params", key, idx, x, err)) {
      json_decref(vals);
      return err->code;
    }
  }
  p->vals = vals;
  p->nvals = (int)json_array_size(vals);
  s->nparam++;
  return CODA_OK;
}

static const char *const ATYPES[] = {"int8", "int16", "fp8", "fp16"};
static const char *const EWOPS[] = {"none", "rmsnorm", "layernorm", "silu", "gelu", "relu"};

static int parse_workload(sweep_spec_t *s, size_t i, json_t *w, coda_err_t *err) {
  const char *f = s->path;
  if (s->nwl >= SWEEP_MAX_WORKLOADS) return SPEC_ERR("%s: workloads: more than %d", f, SWEEP_MAX_WORKLOADS);
  sweep_workload_t *W = &s->wl[s->nwl];
  memset(W, 0, sizeof *W);
  W->wbits = 2;
  if (json_is_string(w)) {
    const char *rel = json_string_value(w);
    resolve_rel(f, rel, W->path, sizeof W->path);
    snprintf(W->label, sizeof W->label, "%s", rel);
    if (!coda_is_file(W->path)) return SPEC_ERR("%s: workloads[%zu]: %s: no such file", f, i, W->path);
    workload_t tmp;
    coda_err_t e2 = {0};
    if (workload_load(&tmp, W->path, &e2)) return SPEC_ERR("%s: workloads[%zu]: %s", f, i, e2.msg);
    workload_free(&tmp);
  } else if (json_is_object(w)) {
    json_t *g = json_object_get(w, "gemm");
    unsigned m, n, k;
    char tail;
    if (!json_is_string(g) || sscanf(json_string_value(g), "%u,%u,%u%c", &m, &n, &k, &tail) != 3 || !m || !n || !k ||
        m > 1048576 || n > 1048576 || k > 1048576)
      return SPEC_ERR("%s: workloads[%zu].gemm: expected \"M,N,K\" with each in 1..1048576", f, i);
    W->m = m; W->n = n; W->k = k;
    const char *kk;
    json_t *kv;
    json_object_foreach(w, kk, kv) {
      if (!strcmp(kk, "gemm")) continue;
      if (!strcmp(kk, "wbits")) {
        if (!json_is_integer(kv) || json_integer_value(kv) < 1 || json_integer_value(kv) > 4)
          return SPEC_ERR("%s: workloads[%zu].wbits: expected 1..4", f, i);
        W->wbits = (int)json_integer_value(kv);
      } else if (!strcmp(kk, "atype") || !strcmp(kk, "ewop")) {
        int isat = !strcmp(kk, "atype");
        const char *const *t = isat ? ATYPES : EWOPS;
        int nt = isat ? 4 : 6, idx = -1;
        for (int j = 0; j < nt && json_is_string(kv); j++)
          if (!strcmp(json_string_value(kv), t[j])) idx = j;
        if (idx < 0) return SPEC_ERR("%s: workloads[%zu].%s: unknown value", f, i, kk);
        if (isat) W->atype = idx; else W->ewop = idx;
      } else {
        return SPEC_ERR("%s: workloads[%zu].%s: unknown field (known: gemm, wbits, atype, ewop)", f, i, kk);
      }
    }
    snprintf(W->label, sizeof W->label, "gemm:%u,%u,%u", m, n, k);
  } else {
    return SPEC_ERR("%s: workloads[%zu]: expected a workload file path or {\"gemm\": \"M,N,K\", ...}", f, i);
  }
  s->nwl++;
  return CODA_OK;
}

int sweep_spec_load(sweep_spec_t *s, const char *path, coda_err_t *err) {
  memset(s, 0, sizeof *s);
  snprintf(s->path, sizeof s->path, "%s", path);
  s->nsamples = 1;
  s->sram_um2_per_bit = SWEEP_SRAM_UM2_PER_BIT;
  json_error_t je;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    if (je.line < 0 || errno == ENOENT) return SPEC_ERR("%s: %s", path, je.text);
    return SPEC_ERR("%s:%d:%d: %s", path, je.line, je.column, je.text);
  }
  int rc = CODA_OK;
#define FAIL(...) do { rc = SPEC_ERR(__VA_ARGS__); goto out; } while (0)
  if (!json_is_object(root)) FAIL("%s: expected a JSON object at the top level", path);
  const char *k;
  json_t *v;
  json_object_foreach(root, k, v) {
    static const char *const known[] = {"name", "comment", "base", "energy", "workloads", "params",
                                        "samples", "constraints", "objectives", "area"};
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) ok |= !strcmp(k, known[i]);
    if (!ok) FAIL("%s: %s: unknown field (known: name, comment, base, energy, workloads, params, samples, "
                  "constraints, objectives, area)", path, k);
  }
  json_t *name = json_object_get(root, "name");
  if (!json_is_string(name) || !*json_string_value(name) || strlen(json_string_value(name)) >= sizeof s->name)
    FAIL("%s: name: expected a string of 1..63 characters", path);
  snprintf(s->name, sizeof s->name, "%s", json_string_value(name));
  json_t *base = json_object_get(root, "base");
  if (base) {
    if (!json_is_string(base)) FAIL("%s: base: expected the path of an arch config", path);
    resolve_rel(path, json_string_value(base), s->base, sizeof s->base);
    arch_cfg_t c;
    coda_err_t e2 = {0};
    if (arch_cfg_load(&c, s->base, NULL, 0, &e2)) FAIL("%s: base: %s", path, e2.msg);
  }
  json_t *en = json_object_get(root, "energy");
  if (en) {
    if (!json_is_string(en)) FAIL("%s: energy: expected the path of an energy table", path);
    resolve_rel(path, json_string_value(en), s->energy, sizeof s->energy);
  } else {
    char r[PATH_MAX];
    coda_root(r, sizeof r);
    coda_path_join(s->energy, sizeof s->energy, r, "reports/energy/horowitz45.json");
  }
  if (!coda_is_file(s->energy)) FAIL("%s: energy: %s: no such file", path, s->energy);
  json_t *wls = json_object_get(root, "workloads");
  if (!json_is_array(wls) || !json_array_size(wls))
    FAIL("%s: workloads: expected a non-empty list of workload files or inline GEMMs", path);
  size_t i;
  json_array_foreach(wls, i, v) { if ((rc = parse_workload(s, i, v, err))) goto out; }
  json_t *params = json_object_get(root, "params");
  if (params && !json_is_object(params)) FAIL("%s: params: expected an object of parameter -> values", path);
  json_object_foreach(params, k, v) { if ((rc = parse_param(s, k, v, 0, err))) goto out; }
  json_t *smp = json_object_get(root, "samples");
  if (smp) {
    if (!json_is_object(smp)) FAIL("%s: samples: expected {\"method\": \"lhs\"|\"random\", \"n\": N, \"seed\": S, \"params\": {...}}", path);
    json_object_foreach(smp, k, v)
      if (strcmp(k, "method") && strcmp(k, "n") && strcmp(k, "seed") && strcmp(k, "params"))
        FAIL("%s: samples.%s: unknown field (known: method, n, seed, params)", path, k);
    json_t *m = json_object_get(smp, "method");
    if (json_is_string(m) && !strcmp(json_string_value(m), "lhs")) s->method = 2;
    else if (json_is_string(m) && !strcmp(json_string_value(m), "random")) s->method = 1;
    else FAIL("%s: samples.method: expected \"lhs\" or \"random\"", path);
    json_t *n = json_object_get(smp, "n");
    if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > SWEEP_MAX_POINTS)
      FAIL("%s: samples.n: expected an integer in 1..%d", path, SWEEP_MAX_POINTS);
    s->nsamples = (int)json_integer_value(n);
    json_t *sd = json_object_get(smp, "seed");
    if (sd && (!json_is_integer(sd) || json_integer_value(sd) < 0)) FAIL("%s: samples.seed: expected a non-negative integer", path);
    s->seed = sd ? (uint64_t)json_integer_value(sd) : 1;
    json_t *sp = json_object_get(smp, "params");
    if (!json_is_object(sp) || !json_object_size(sp)) FAIL("%s: samples.params: expected a non-empty object of parameter -> {min, max}", path);
    json_object_foreach(sp, k, v) { if ((rc = parse_param(s, k, v, 1, err))) goto out; }
  }
  json_t *cons = json_object_get(root, "constraints");
  if (cons && !json_is_array(cons)) FAIL("%s: constraints: expected a list of {\"metric\": M, \"max\"|\"min\": X}", path);
  json_array_foreach(cons, i, v) {
    if (s->ncons >= SWEEP_MAX_CONSTRAINTS) FAIL("%s: constraints: more than %d", path, SWEEP_MAX_CONSTRAINTS);
    json_t *m = json_object_get(v, "metric"), *lo = json_object_get(v, "min"), *hi = json_object_get(v, "max");
    if (!json_is_object(v) || !json_is_string(m)) FAIL("%s: constraints[%zu].metric: expected a metric name", path, i);
    if (!sweep_metric_find(json_string_value(m))) FAIL("%s: constraints[%zu].metric: unknown metric %s", path, i, json_string_value(m));
    if ((lo && !json_is_number(lo)) || (hi && !json_is_number(hi)) || (!lo && !hi))
      FAIL("%s: constraints[%zu]: expected a number in min and/or max", path, i);
    json_t *cv;
    json_object_foreach(v, k, cv)
      if (strcmp(k, "metric") && strcmp(k, "min") && strcmp(k, "max"))
        FAIL("%s: constraints[%zu].%s: unknown field (known: metric, min, max)", path, i, k);
    sweep_constraint_t *c = &s->cons[s->ncons++];
    snprintf(c->metric, sizeof c->metric, "%s", json_string_value(m));
    c->lo = lo ? json_number_value(lo) : -INFINITY;
    c->hi = hi ? json_number_value(hi) : INFINITY;
  }
  /* contradictory constraints: the intersection per metric must be non-empty */
  for (int a = 0; a < s->ncons; a++) {
    double lo = s->cons[a].lo, hi = s->cons[a].hi;
    for (int b = 0; b < s->ncons; b++)
      if (!strcmp(s->cons[a].metric, s->cons[b].metric)) {
        if (s->cons[b].lo > lo) lo = s->cons[b].lo;
        if (s->cons[b].hi < hi) hi = s->cons[b].hi;
      }
    if (lo > hi) FAIL("%s: constraints: %s: contradictory (min %g > max %g)", path, s->cons[a].metric, lo, hi);
  }
  json_t *objs = json_object_get(root, "objectives");
  if (objs && (!json_is_array(objs) || !json_array_size(objs) || json_array_size(objs) > SWEEP_MAX_OBJECTIVES))
    FAIL("%s: objectives: expected a list of 1..%d metric names", path, SWEEP_MAX_OBJECTIVES);
  json_array_foreach(objs, i, v) {
    if (!json_is_string(v) || !sweep_metric_find(json_string_value(v)))
      FAIL("%s: objectives[%zu]: unknown metric (known: cycles, time_ns, energy_pj, dram_bytes, macs, utilization, "
           "area_um2, macs_per_cycle, throughput_per_area, energy_per_mac_pj, edp)", path, i);
    snprintf(s->obj[s->nobj++], sizeof s->obj[0], "%s", json_string_value(v));
  }
  if (!s->nobj) { snprintf(s->obj[0], 32, "cycles"); snprintf(s->obj[1], 32, "area_um2"); s->nobj = 2; }
  json_t *ar = json_object_get(root, "area");
  if (ar) {
    json_t *m = json_object_get(ar, "model"), *b = json_object_get(ar, "sram_um2_per_bit");
    if (!json_is_object(ar)) FAIL("%s: area: expected {\"model\": \"estimate\"|\"synth\"|\"none\", \"sram_um2_per_bit\": X}", path);
    json_object_foreach(ar, k, v)
      if (strcmp(k, "model") && strcmp(k, "sram_um2_per_bit"))
        FAIL("%s: area.%s: unknown field (known: model, sram_um2_per_bit)", path, k);
    if (m) {
      const char *mn = json_string_value(m);
      if (mn && !strcmp(mn, "estimate")) s->area_model = SWEEP_AREA_ESTIMATE;
      else if (mn && !strcmp(mn, "synth")) s->area_model = SWEEP_AREA_SYNTH;
      else if (mn && !strcmp(mn, "none")) s->area_model = SWEEP_AREA_NONE;
      else FAIL("%s: area.model: expected \"estimate\", \"synth\" or \"none\"", path);
    }
    if (b) {
      if (!json_is_number(b) || json_number_value(b) < 0) FAIL("%s: area.sram_um2_per_bit: expected a number >= 0", path);
      s->sram_um2_per_bit = json_number_value(b);
    }
  }
  if (s->area_model == SWEEP_AREA_NONE) {
    for (int j = 0; j < s->nobj; j++)
      if (strstr(s->obj[j], "area")) FAIL("%s: objectives: %s needs an area model (area.model is none)", path, s->obj[j]);
    for (int j = 0; j < s->ncons; j++)
      if (strstr(s->cons[j].metric, "area")) FAIL("%s: constraints: %s needs an area model (area.model is none)", path, s->cons[j].metric);
  }
  if (sweep_count(s) > SWEEP_MAX_POINTS) FAIL("%s: params: %llu points, more than %d", path, (unsigned long long)sweep_count(s), SWEEP_MAX_POINTS);
  s->text = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT);
  sweep_sha256_hex(s->text, strlen(s->text), s->hash);
#undef FAIL
out:
  json_decref(root);
  if (rc) sweep_spec_free(s);
  return rc;
}

void sweep_spec_free(sweep_spec_t *s) {
  for (int i = 0; i < s->nparam; i++) json_decref(s->param[i].vals);
  free(s->text);
  s->text = NULL;
  s->nparam = 0;
}

/* ---- expansion ------------------------------------------------------------ */
uint64_t sweep_count(const sweep_spec_t *s) {
  uint64_t n = (uint64_t)s->nwl * (uint64_t)s->nsamples;
  for (int i = 0; i < s->nparam; i++)
    if (!s->param[i].sampled) {
      n *= (uint64_t)s->param[i].nvals;
      if (n > (uint64_t)SWEEP_MAX_POINTS * 16) return n;
    }
  return n;
}

static json_t *sample_value(const sweep_param_t *p, double u) {
  double x = p->log ? exp(log(p->lo) + u * (log(p->hi) - log(p->lo))) : p->lo + u * (p->hi - p->lo);
  if (p->integer) {
    /* integer: stratum u maps onto the integers lo..hi evenly */
    double lo = ceil(p->lo), hi = floor(p->hi);
    if (p->log) x = floor(x + 0.5);
    else x = lo + floor(u * (hi - lo + 1));
    if (x > hi) x = hi;
    if (x < lo) x = lo;
    return json_integer((json_int_t)x);
  }
  return json_real(x);
}

int sweep_expand(const sweep_spec_t *s, sweep_point_t **pts, int *n, coda_err_t *err) {
  uint64_t total = sweep_count(s);
  *pts = NULL;
  *n = 0;
  if (total > SWEEP_MAX_POINTS) return coda_errf(err, CODA_EINVAL, "%s: %llu points, more than %d", s->path, (unsigned long long)total, SWEEP_MAX_POINTS);
  int nsp = 0;
  for (int i = 0; i < s->nparam; i++) nsp += s->param[i].sampled;
  double *u = NULL;
  if (nsp) {
    u = malloc((size_t)s->nsamples * (size_t)nsp * sizeof *u);
    if (!u) return coda_errf(err, CODA_ENOMEM, "out of memory");
    if (s->method == 2) sweep_lhs(s->seed, s->nsamples, nsp, u);
    else {
      uint64_t st = s->seed;
      for (int i = 0; i < s->nsamples * nsp; i++) u[i] = unit(&st);
    }
  }
  sweep_point_t *P = calloc(total ? total : 1, sizeof *P);
  if (!P) { free(u); return coda_errf(err, CODA_ENOMEM, "out of memory"); }
  int ngrid = 1;
  for (int i = 0; i < s->nparam; i++) if (!s->param[i].sampled) ngrid *= s->param[i].nvals;
  int idx = 0;
  for (int w = 0; w < s->nwl; w++)
    for (int g = 0; g < ngrid; g++)
      for (int smp = 0; smp < s->nsamples; smp++) {
        sweep_point_t *p = &P[idx];
        p->idx = idx;
        p->wl = w;
        p->params = json_object();
        int rem = g, j = 0;
        /* grid: the last parameter varies fastest */
        int digit[SWEEP_MAX_PARAMS];
        for (int i = s->nparam - 1; i >= 0; i--)
          if (!s->param[i].sampled) { digit[i] = rem % s->param[i].nvals; rem /= s->param[i].nvals; }
        for (int i = 0; i < s->nparam; i++) {
          const sweep_param_t *q = &s->param[i];
          if (!q->sampled) json_object_set(p->params, q->key, json_array_get(q->vals, (size_t)digit[i]));
          else json_object_set_new(p->params, q->key, sample_value(q, u[smp * nsp + j++]));
        }
        idx++;
      }
  free(u);
  *pts = P;
  *n = idx;
  return CODA_OK;
}

void sweep_points_free(sweep_point_t *pts, int n) {
  for (int i = 0; i < n; i++) json_decref(pts[i].params);
  free(pts);
}

/* ---- resolution ----------------------------------------------------------- */
int sweep_point_workload(const sweep_spec_t *s, const sweep_point_t *p, workload_t *w, coda_err_t *err) {
  const sweep_workload_t *W = &s->wl[p->wl];
  int rc = W->path[0] ? workload_load(w, W->path, err)
                      : workload_from_gemm(w, W->m, W->n, W->k, W->wbits, W->atype, W->ewop, err);
  if (rc) return rc;
  json_t *wb = json_object_get(p->params, "workload.wbits");
  json_t *at = json_object_get(p->params, "workload.atype");
  for (uint32_t i = 0; i < w->n_gemm; i++) {
    if (wb) w->gemm[i].wbits = (int)json_integer_value(wb);
    if (at)
      for (int j = 0; j < 4; j++)
        if (!strcmp(json_string_value(at), ATYPES[j])) w->gemm[i].atype = j;
  }
  return CODA_OK;
}

int sweep_resolve(const sweep_spec_t *s, const sweep_point_t *p, sweep_resolved_t *r, coda_err_t *err) {
  memset(r, 0, sizeof *r);
  arch_set_t sets[SWEEP_MAX_PARAMS];
  char *exprs[SWEEP_MAX_PARAMS];
  int ns = 0;
  const char *k;
  json_t *v;
  json_object_foreach(p->params, k, v) {
    if (!strncmp(k, "workload.", 9)) continue;
    char *val = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    size_t len = strlen(k) + strlen(val) + 2;
    exprs[ns] = malloc(len);
    if (!exprs[ns]) CODA_PANIC("out of memory");
    snprintf(exprs[ns], len, "%s=%s", k, val);
    free(val);
    sets[ns].expr = exprs[ns];
    ns++;
  }
  int rc = arch_cfg_load(&r->cfg, s->base[0] ? s->base : NULL, sets, ns, err);
  for (int i = 0; i < ns; i++) free(exprs[i]);
  if (rc) return rc;
  /* the hash: resolved config + resolved workload + energy table + area model */
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return coda_errf(err, CODA_ENOMEM, "out of memory");
  fprintf(f, "%s\n", SWEEP_POINT_VERSION);
  arch_cfg_dump_json(&r->cfg, f);
  fflush(f);
  r->cfg_json = strdup(buf + strlen(SWEEP_POINT_VERSION) + 1);
  workload_t w;
  if ((rc = sweep_point_workload(s, p, &w, err))) { fclose(f); free(buf); free(r->cfg_json); r->cfg_json = NULL; return rc; }
  fprintf(f, "workload %s\n", w.name);
  for (uint32_t i = 0; i < w.n_gemm; i++) {
    const wl_gemm_t *g = &w.gemm[i];
    fprintf(f, "gemm %s %u %u %u w%d a%d e%d r%u %s\n", g->name, g->m, g->n, g->k, g->wbits, g->atype, g->ewop,
            g->repeat, g->phase);
  }
  workload_free(&w);
  size_t elen = 0;
  char *et = coda_read_file(s->energy, &elen, err);
  if (!et) { fclose(f); free(buf); free(r->cfg_json); r->cfg_json = NULL; return CODA_EIO; }
  fprintf(f, "energy\n");
  fwrite(et, 1, elen, f);
  free(et);
  fprintf(f, "\narea %d %.17g %s\n", s->area_model, s->sram_um2_per_bit,
          s->area_model == SWEEP_AREA_SYNTH ? "synth" : SWEEP_AREA_EST_VERSION);
  fclose(f);
  sweep_sha256_hex(buf, len, r->hash);
  free(buf);
  return CODA_OK;
}

void sweep_resolved_free(sweep_resolved_t *r) {
  free(r->cfg_json);
  r->cfg_json = NULL;
}

/* ---- area estimate -------------------------------------------------------- */
double sweep_area_buffers_um2(const arch_cfg_t *c, double um2_per_bit) {
  double bits = 8.0 * (double)(c->buffers_abuf_bytes + c->buffers_wbuf_bytes + c->buffers_tbuf_bytes +
                               c->buffers_cbuf_bytes);
  return bits * um2_per_bit;
}

/* Piecewise linear in the table entries e = 2^(K-1) through the values
 * measured at K = 2, 4, 8 (e = 2, 8, 128); the first segment extends to e = 1. */
static double pwl_entries(double e, double v2, double v4, double v8) {
  if (e <= 8) return v2 + (v4 - v2) * (e - 2) / 6.0;
  return v4 + (v8 - v4) * (e - 8) / 120.0;
}

double sweep_area_core_estimate_um2(const arch_cfg_t *c) {
  /* Per-instance areas measured with `coda area lut_tc|mac_tc` (flow
   * coda-area-2, Yosys 0.23 on the OSU 0.18 um cells, hierarchy kept, so the
   * total is the sum over modules of instances x module area): lut_tc at
   * M1N2K2, M1N2K4, M1N4K4, M2N64K4, M1N2K8 (tables_per_cycle 2); mac_tc at
   * M1N2K4, M1N4K4, M2N4K4, M2N64K4. Exact for the LUT core at K in {2,4,8}
   * with tables_per_cycle = 2; elsewhere an interpolation. docs/sweep.md. */
  double M = (double)c->core_m, N = (double)c->core_n, K = (double)c->core_k;
  if (c->core_type == ARCH_CORE_LUT) {
    double e = (double)(1u << (c->core_k - 1));                  /* table entries */
    double table = 3824.0 * e * M;                               /* lut_tc_table: one per row, exactly 3824 um2 x e */
    double lookup = pwl_entries(e, 8476.0, 13049.0, 101577.0) * M * N; /* lut_tc_lookup per PE */
    double acc = 13837.0 * M * N;                                /* lut_tc_acc per PE, independent of K */
    double pre = pwl_entries(e, 19788.0, 82933.0, 1282656.0) * (double)c->tpre_tables_per_cycle / 2.0;
    double other = (1774.0 + 956.0 * N) * pwl_entries(e, 2730.0, 3686.0, 5598.0) / 3686.0; /* lut_tc_array + core glue */
    return table + lookup + acc + pre + other;
  }
  double dot = 33854.0 * (K / 4.0) * M * N;        /* mac_tc_dot: K multipliers + adder tree per PE (measured at K=4) */
  double acc = 13763.0 * M * N;                    /* mac_tc_acc */
  double deq = 2660.0 * (K / 4.0) * N;             /* mac_tc_dequant: per column */
  double other = 20000.0 + 5950.0 * M * N;         /* mac_tc_array + mac_tc_core (fit, within 25%) */
  return dot + acc + deq + other;
}

double sweep_area_estimate_um2(const arch_cfg_t *c, double sram_um2_per_bit) {
  return sweep_area_core_estimate_um2(c) + sweep_area_buffers_um2(c, sram_um2_per_bit);
}

/* ---- Pareto --------------------------------------------------------------- */
void sweep_pareto(const double *v, int n, int d, int *front) {
  for (int i = 0; i < n; i++) {
    front[i] = 1;
    for (int j = 0; j < n && front[i]; j++) {
      if (j == i) continue;
      int le = 1, lt = 0;
      for (int k = 0; k < d; k++) {
        if (v[j * d + k] > v[i * d + k]) { le = 0; break; }
        if (v[j * d + k] < v[i * d + k]) lt = 1;
      }
      if (le && lt) front[i] = 0;
    }
  }
}
