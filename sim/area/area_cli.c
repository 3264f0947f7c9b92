/* area_cli.c: `coda area BLOCK ...` and `coda area --list`, and the text
 * report of a coda.area.v1 document (area.h). Exit codes as everywhere: 0,
 * or 2 with one line `coda: error: ...` on stderr. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "area.h"
#include "../core/util.h"

#define AREA_MAX_SETS 64

static const char *const USAGE =
    "coda area BLOCK [--arch A.json] [--set sec.key=val]... [--json OUT]\n"
    "                [--method auto|full|tile] [--cache DIR] [--no-cache]\n"
    "coda area --list\n"
    "  Synthesizes the block's RTL with Yosys onto the OSU 0.18 um standard cells (liberty from\n"
    "  `make tech`) and prints its area in um2 by cell type and by submodule, then times it with\n"
    "  OpenSTA: critical path, its end points, max frequency (clock target: core.freq_mhz).\n"
    "  The config (params.def defaults, --arch, --set) gives the RTL parameters: every key whose\n"
    "  UpperCamel name the top declares (core.m -> CoreM). Results are cached by a hash of RTL,\n"
    "  parameters, liberty, tools and flow in build/area-cache/ (--cache DIR elsewhere;\n"
    "  --no-cache resynthesizes). Arrays larger than the block's tile are timed on the tile\n"
    "  (--method full times the whole core; slow for large arrays), and the report says so.\n"
    "  --json writes coda.area.v1: area_um2, cells, by_submodule[], by_cell_type[], timing{\n"
    "  critical_path_ns, fmax_mhz, slack_ns, clock_period_ns, startpoint, endpoint, netlist,\n"
    "  netlist_params, netlist_area_um2}, method, params[], cache, artifacts{} (netlists, the\n"
    "  OpenSTA setup sta_setup.tcl, scripts, logs).\n";

static int usage_err(const char *what, const char *arg) {
  fprintf(stderr, "coda: area: %s%s (see `coda area --help`)\n", what, arg ? arg : "");
  return 2;
}

static int fail(const coda_err_t *e) {
  fprintf(stderr, "coda: error: %s\n", e->msg);
  return 2;
}

/* The repo root (sim/core/util.h), made absolute. */
static void find_root(char *out, size_t len) {
  char tmp[PATH_MAX];
  coda_root(tmp, sizeof tmp);
  if (!realpath(tmp, out)) snprintf(out, len, "%s", tmp);
}

static void list_blocks(const char *root) {
  printf("%-8s %-13s %-12s %s\n", "block", "top", "rtl", "parameters from the config");
  for (int i = 0; area_block_at(i); i++) {
    const area_block_t *b = area_block_at(i);
    arch_cfg_t cfg;
    arch_cfg_defaults(&cfg);
    area_param_t p[AREA_MAX_PARAMS];
    int n = 0;
    coda_err_t e = {0};
    char pars[512] = "";
    if (area_rtl_params(b, root, &cfg, p, AREA_MAX_PARAMS, &n, &e)) {
      snprintf(pars, sizeof pars, "(%s.v not found)", b->top);
    } else {
      size_t o = 0;
      for (int j = 0; j < n && o < sizeof pars; j++)
        o += (size_t)snprintf(pars + o, sizeof pars - o, "%s%s->%s", j ? " " : "", p[j].key, p[j].rtl);
    }
    printf("%-8s %-13s %-12s %s\n", b->name, b->top, b->rtl_dir, pars);
    printf("         %s\n         submodules:", b->doc);
    for (int g = 0; g < AREA_MAX_GROUPS && b->groups[g].name; g++) {
      printf(" %s (", b->groups[g].name);
      for (int k = 0; k < AREA_MAX_GROUP_MODULES && b->groups[g].modules[k]; k++)
        printf("%s%s", k ? ", " : "", b->groups[g].modules[k]);
      printf("),");
    }
    printf(" other; timing tile:");
    for (int t = 0; t < AREA_MAX_TILE_KEYS && b->tile[t].key; t++)
      printf(" %s<=%llu", b->tile[t].key, (unsigned long long)b->tile[t].max);
    printf("\n");
  }
}

/* ---- text report --------------------------------------------------------- */

static double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }
static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "?";
}

static void params_line(const json_t *arr, char *out, size_t len) {
  size_t o = 0;
  out[0] = 0;
  for (size_t i = 0; i < json_array_size(arr) && o < len; i++) {
    const json_t *p = json_array_get(arr, i);
    json_t *v = json_object_get(p, "value");
    char vb[64];
    if (json_is_integer(v)) snprintf(vb, sizeof vb, "%lld", (long long)json_integer_value(v));
    else if (json_is_number(v)) snprintf(vb, sizeof vb, "%g", json_number_value(v));
    else snprintf(vb, sizeof vb, "%s", json_string_value(v) ? json_string_value(v) : "?");
    o += (size_t)snprintf(out + o, len - o, "%s%s=%s", i ? " " : "", str(p, "rtl"), vb);
  }
}

/* Prints s wrapped at `width` columns with `indent` spaces. */
static void wrap(FILE *f, const char *s, int indent, int width) {
  int col = 0;
  while (*s) {
    while (*s == ' ') s++;
    const char *e = s;
    while (*e && *e != ' ') e++;
    int wl = (int)(e - s);
    if (col && col + 1 + wl > width) { fputc('\n', f); col = 0; }
    if (!col) col = fprintf(f, "%*s", indent, "");
    else col += fprintf(f, " ");
    col += fprintf(f, "%.*s", wl, s);
    s = e;
  }
  if (col) fputc('\n', f);
}

void area_print_text(const json_t *d, FILE *f) {
  char pars[1024];
  params_line(json_object_get(d, "params"), pars, sizeof pars);
  double total = num(d, "area_um2");
  fprintf(f, "%s (%s), config %s: %s\n", str(d, "block"), str(d, "top"), str(d, "config"), pars);
  if (!strcmp(str(d, "cache"), "hit"))
    fprintf(f, "  cache hit (%s.json; synthesized in %.1f s when first run)\n", str(d, "key"),
            num(d, "synth_s"));
  else
    fprintf(f, "  synthesized in %.1f s (cached as %s)\n", num(d, "synth_s"), str(d, "key"));
  const json_t *lib = json_object_get(d, "liberty"), *tools = json_object_get(d, "tools");
  fprintf(f, "  liberty %s (%s); %s; OpenSTA %s\n\n", str(lib, "name"), str(lib, "file"),
          str(tools, "yosys"), str(tools, "sta"));

  fprintf(f, "area              %.0f um2 = %.4f mm2, %lld cells\n", total, total * 1e-6,
          (long long)json_integer_value(json_object_get(d, "cells")));
  fprintf(f, "  by submodule                   instances      cells            um2   share\n");
  const json_t *g = json_object_get(d, "by_submodule");
  char other[256] = "";
  for (size_t i = 0; i < json_array_size(g); i++) {
    const json_t *r = json_array_get(g, i);
    int is_other = !strcmp(str(r, "group"), "other");
    char inst[32];
    if (is_other) {
      size_t o = 0;
      const json_t *m = json_object_get(r, "modules");
      for (size_t j = 0; j < json_array_size(m) && o < sizeof other; j++)
        o += (size_t)snprintf(other + o, sizeof other - o, "%s%s", j ? ", " : "",
                              json_string_value(json_array_get(m, j)));
      snprintf(inst, sizeof inst, "-");
    } else {
      snprintf(inst, sizeof inst, "%lld", (long long)json_integer_value(json_object_get(r, "instances")));
    }
    fprintf(f, "    %-30s %7s %10lld %14.0f  %5.1f%%\n", str(r, "group"), inst,
            (long long)json_integer_value(json_object_get(r, "cells")), num(r, "area_um2"),
            total > 0 ? 100 * num(r, "area_um2") / total : 0);
  }
  if (other[0]) fprintf(f, "    (other: the cells of %s outside the groups)\n", other);
  fprintf(f, "  by cell type        count   um2 each            um2   share\n");
  const json_t *t = json_object_get(d, "by_cell_type");
  for (size_t i = 0; i < json_array_size(t); i++) {
    const json_t *r = json_array_get(t, i);
    fprintf(f, "    %-12s %10lld %10.1f %14.0f  %5.1f%%\n", str(r, "cell"),
            (long long)json_integer_value(json_object_get(r, "count")), num(r, "cell_area_um2"),
            num(r, "area_um2"), total > 0 ? 100 * num(r, "area_um2") / total : 0);
  }

  const json_t *tm = json_object_get(d, "timing");
  char tpars[1024];
  params_line(json_object_get(tm, "netlist_params"), tpars, sizeof tpars);
  double per = num(tm, "clock_period_ns");
  fprintf(f, "\ntiming (OpenSTA, clock clk_i)\n");
  fprintf(f, "  critical path   %.3f ns (data arrival %.3f ns + setup/output margin %.3f ns; "
             "%lld cells on the path)\n",
          num(tm, "critical_path_ns"), num(tm, "data_arrival_ns"), per - num(tm, "data_required_ns"),
          (long long)json_integer_value(json_object_get(tm, "path_cells")));
  fprintf(f, "  from            %s\n", str(tm, "startpoint"));
  fprintf(f, "  to              %s\n", str(tm, "endpoint"));
  fprintf(f, "  max frequency   %.1f MHz (target %.1f MHz = core.freq_mhz: slack %+.3f ns)\n",
          num(tm, "fmax_mhz"), 1000.0 / per, num(tm, "slack_ns"));
  fprintf(f, "  netlist         %s: %s; %.0f um2, %lld cells\n",
          !strcmp(str(tm, "netlist"), "tile") ? "TILE (composed: timing of a smaller array)"
                                               : "the whole core",
          tpars, num(tm, "netlist_area_um2"),
          (long long)json_integer_value(json_object_get(tm, "netlist_cells")));
  fprintf(f, "\nmethod\n");
  wrap(f, str(d, "method"), 2, 100);
  const json_t *a = json_object_get(d, "artifacts");
  fprintf(f, "\nartifacts in %s/: area_netlist.v, timing_netlist.v, sta_setup.tcl (OpenSTA setup to "
             "source), *.ys, *.log\n", str(a, "dir"));
}

/* ---- the command ----------------------------------------------------------- */

int area_main(int argc, char **argv) {
  const char *block = NULL, *arch = NULL, *json_out = NULL, *cache = NULL;
  arch_set_t sets[AREA_MAX_SETS];
  int nsets = 0, list = 0;
  area_opts_t o;
  memset(&o, 0, sizeof o);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes = !strcmp(a, "--arch") || !strcmp(a, "--set") || !strcmp(a, "--json") ||
                !strcmp(a, "--method") || !strcmp(a, "--cache");
    if (takes && !v) return usage_err("option needs a value: ", a);
    if (takes) i++;
    if (!strcmp(a, "--list")) list = 1;
    else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(USAGE, stdout); return 0; }
    else if (!strcmp(a, "--no-cache")) o.force = 1;
    else if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--json")) json_out = v;
    else if (!strcmp(a, "--cache")) cache = v;
    else if (!strcmp(a, "--set")) {
      if (nsets >= AREA_MAX_SETS) return usage_err("too many --set options (at most 64)", NULL);
      sets[nsets++].expr = v;
    } else if (!strcmp(a, "--method")) {
      if (!strcmp(v, "auto")) o.method = AREA_METHOD_AUTO;
      else if (!strcmp(v, "full")) o.method = AREA_METHOD_FULL;
      else if (!strcmp(v, "tile")) o.method = AREA_METHOD_TILE;
      else return usage_err("--method: expected auto, full or tile, not ", v);
    } else if (a[0] == '-' && a[1]) {
      return usage_err("unknown option ", a);
    } else if (block) {
      return usage_err("unexpected argument ", a);
    } else {
      block = a;
    }
  }
  char root[PATH_MAX];
  find_root(root, sizeof root);
  if (list) {
    if (block) return usage_err("--list takes no block", NULL);
    list_blocks(root);
    return 0;
  }
  if (!block) return usage_err("expected a block name (`coda area --list` lists them)", NULL);
  coda_err_t err = {0};
  const area_block_t *b = area_find(block);
  if (!b) {
    char known[256] = "";
    size_t k = 0;
    for (int i = 0; area_block_at(i) && k < sizeof known; i++)
      k += (size_t)snprintf(known + k, sizeof known - k, "%s%s", i ? ", " : "", area_block_at(i)->name);
    coda_errf(&err, CODA_EINVAL, "area: unknown block '%s' (known: %s)", block, known);
    return fail(&err);
  }
  arch_cfg_t cfg;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err)) return fail(&err);
  o.root = root;
  o.cache_dir = cache;
  o.progress = stdout;
  json_t *doc = NULL;
  if (area_run(b, &cfg, &o, &doc, &err)) return fail(&err);
  area_print_text(doc, stdout);
  int ex = 0;
  if (json_out && json_dump_file(doc, json_out, JSON_INDENT(2) | JSON_REAL_PRECISION(10))) {
    coda_errf(&err, CODA_EIO, "%s: cannot write: %s", json_out, strerror(errno));
    ex = fail(&err);
  }
  json_decref(doc);
  return ex;
}
