/* energy_cli.c: `coda energy BLOCK ...` and the text report of a
 * coda.energy.v1 document (energy_flow.h). Exit codes: 0, or 2 with one
 * line `coda: error: ...` on stderr. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../cosim/cosim.h"
#include "energy_flow.h"

#define ENERGY_MAX_SETS 64

static const char *const USAGE =
    "coda energy BLOCK [--arch A.json] [--set sec.key=val]... [--cycles N] [--seed N]\n"
    "                  [--wbits W] [--valid-rate X] [--stimulus steady|zero|cosim] [--json OUT]\n"
    "                  [--tile-n N]   (tile columns, capped at core.n; default LUT 4, MAC 2)\n"
    "                  [--dist uniform|normal] [--sigma S]   (TPE blocks: operand distribution)\n"
    "  Energy per cycle and per operation of the block's array from its synthesized netlist:\n"
    "  a small tile (lut_tc M<=2 N<=4, mac_tc M<=2 N<=2, the configured K) is synthesized with\n"
    "  Yosys onto the OSU 0.18 um cells, simulated under Verilator with toggle coverage for N\n"
    "  cycles (default 4000) of stimulus, and every net's toggles per cycle go to OpenSTA's\n"
    "  report_power at core.freq_mhz. Per-PE energies compose to the configured M x N array.\n"
    "  Stimulus: steady (default: a random GEMM-like stream at W-bit weights, default W2,\n"
    "  valid-rate 0.9), zero (the same control with all data 0), cosim (the block's own\n"
    "  co-simulation stimulus). The TPE blocks (tpe_tree, tpe_grid, tpe_bs) stream their own\n"
    "  steady INT8 workload with operands from --dist (default uniform; normal: round(N(0,\n"
    "  sigma)), default sigma 20) on the area flow's timing tile; ops are INT8 MACs.\n"
    "  Cached by content in build/energy-cache/.\n"
    "  --json writes coda.energy.v1 (units in the key names: _pj, _mw, _ns, _um2).\n";

static int usage_err(const char *what, const char *arg) {
  fprintf(stderr, "coda: error: energy: %s%s (see `coda energy --help`)\n", what, arg ? arg : "");
  return 2;
}

static double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }
static const char *str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "?";
}

static void wrap(FILE *f, const char *s, int indent, int width) {
  int col = 0;
  while (*s) {
    while (*s == ' ') s++;
    const char *e = s;
    while (*e && *e != ' ') e++;
    int wl = (int)(e - s);
    if (!wl) break;
    if (col && col + 1 + wl > width) { fputc('\n', f); col = 0; }
    if (!col) col = fprintf(f, "%*s", indent, "");
    else col += fprintf(f, " ");
    col += fprintf(f, "%.*s", wl, s);
    s = e;
  }
  if (col) fputc('\n', f);
}

void energy_print_text(const json_t *d, FILE *f) {
  const json_t *t = json_object_get(d, "tile"), *a = json_object_get(d, "array");
  const json_t *s = json_object_get(d, "stimulus"), *c = json_object_get(d, "clock");
  const json_t *lib = json_object_get(d, "liberty"), *ops = json_object_get(d, "ops");
  const json_t *act = json_object_get(d, "activity"), *pw = json_object_get(d, "power_tile");
  if (json_integer_value(json_object_get(t, "m"))) {
    fprintf(f, "energy %s (%s), config %s: array M%lld N%lld K%lld; tile M%lld N%lld (%lld PEs, %lld cells, %.0f um2)\n",
            str(d, "block"), str(d, "top"), str(d, "config"), json_integer_value(json_object_get(a, "m")),
            json_integer_value(json_object_get(a, "n")), json_integer_value(json_object_get(a, "k")),
            json_integer_value(json_object_get(t, "m")), json_integer_value(json_object_get(t, "n")),
            json_integer_value(json_object_get(t, "pes")), json_integer_value(json_object_get(t, "cells")),
            num(t, "area_um2"));
  } else { /* a workload block: the tile is its parameter list */
    fprintf(f, "energy %s (%s), config %s: tile", str(d, "block"), str(d, "top"), str(d, "config"));
    const json_t *tp = json_object_get(t, "params");
    for (size_t i = 0; i < json_array_size(tp); i++)
      fprintf(f, " %s=%lld", str(json_array_get(tp, i), "key"),
              json_integer_value(json_object_get(json_array_get(tp, i), "value")));
    fprintf(f, " (%lld INT8 MAC units, %lld cells, %.0f um2); array x%.4g\n", json_integer_value(json_object_get(t, "pes")),
            json_integer_value(json_object_get(t, "cells")), num(t, "area_um2"), num(a, "pes_over_tile_pes_ratio"));
  }
  fprintf(f, "  %s (key %s); liberty %s at %.2f V, wire load %s; clock %.3f ns (%.0f MHz)\n",
          !strcmp(str(d, "cache"), "hit") ? "cache hit" : "measured", str(d, "key"), str(lib, "name"),
          num(lib, "nom_voltage_v"), str(lib, "wire_load"), num(c, "period_ns"), num(c, "freq_mhz"));
  fprintf(f, "  stimulus %s, W%lld, valid-rate %.2f, seed %lld: %lld cycles (+%lld warm-up), %lld valid steps, %lld resets\n\n",
          str(s, "kind"), json_integer_value(json_object_get(s, "wbits")), num(s, "valid_rate"),
          json_integer_value(json_object_get(s, "seed")), json_integer_value(json_object_get(s, "cycles")),
          json_integer_value(json_object_get(s, "warmup_cycles")), json_integer_value(json_object_get(s, "valid_steps")),
          json_integer_value(json_object_get(s, "resets")));
  fprintf(f, "power of the tile (OpenSTA report_power)  internal_mw switching_mw  leakage_mw    total_mw\n");
  static const char *const G[3] = {"sequential", "combinational", "total"};
  for (int i = 0; i < 3; i++) {
    const json_t *g = json_object_get(pw, G[i]);
    fprintf(f, "  %-40s %11.4f %12.4f %11.6f %11.4f\n", G[i], num(g, "internal_mw"), num(g, "switching_mw"),
            num(g, "leakage_mw"), num(g, "total_mw"));
  }
  fprintf(f, "\nenergy per cycle   tile %.3f pJ (dynamic %.3f, leakage %.5f); per PE %.3f pJ; array (x%.4g) %.2f pJ = %.2f mW\n",
          num(d, "energy_per_cycle_tile_pj"), num(d, "dynamic_energy_per_cycle_tile_pj"),
          num(d, "leakage_energy_per_cycle_tile_pj"), num(d, "energy_per_pe_cycle_pj"),
          num(a, "pes_over_tile_pes_ratio"), num(d, "energy_per_cycle_array_pj"), num(d, "power_array_mw"));
  fprintf(f, "ops                %.0f %s measured; %.3f per cycle on the tile, %.2f per cycle on the array\n",
          num(ops, "measured"), str(ops, "name"), num(ops, "per_cycle_tile"), num(ops, "per_cycle_array"));
  fprintf(f, "energy per op      %.4f pJ per %s (dynamic %.4f pJ); %.4g ops/J\n", num(d, "energy_per_op_pj"),
          str(ops, "name"), num(d, "dynamic_energy_per_op_pj"), num(d, "ops_per_j"));
  if (json_object_get(d, "energy_per_1b_mac_pj"))
    fprintf(f, "                   %.4f pJ per one-bit MAC (K one-bit MACs per lookup)\n", num(d, "energy_per_1b_mac_pj"));
  fprintf(f, "activity           %lld nets (%lld toggling); mean %.4f, max %.4f toggles/cycle; inputs %.4f toggles/cycle/bit\n",
          json_integer_value(json_object_get(act, "nets")), json_integer_value(json_object_get(act, "nets_toggling")),
          num(act, "mean_toggle_rate"), num(act, "max_toggle_rate"), num(act, "input_toggle_rate"));
  fprintf(f, "  op definition: %s\n", str(ops, "definition"));
  fprintf(f, "\nmethod and limits\n");
  wrap(f, str(d, "method"), 2, 100);
  const json_t *ar = json_object_get(d, "artifacts");
  fprintf(f, "\nartifacts: %s/ (net.v, net.json, obj/Vtop), %s/ (coverage.dat, activity.tcl, power.tcl, sta.log)\n",
          str(ar, "netlist_dir"), str(ar, "run_dir"));
}

static int parse_u64(const char *s, uint64_t *v) {
  if (!s || *s < '0' || *s > '9') return -1;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 10);
  if (*end || errno) return -1;
  *v = x;
  return 0;
}

int energy_main(int argc, char **argv) {
  const char *block = NULL, *arch = NULL, *json_out = NULL;
  arch_set_t sets[ENERGY_MAX_SETS];
  int nsets = 0;
  energy_opts_t o;
  energy_opts_default(&o);
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    int takes = !strcmp(a, "--arch") || !strcmp(a, "--set") || !strcmp(a, "--json") || !strcmp(a, "--cycles") ||
                !strcmp(a, "--seed") || !strcmp(a, "--wbits") || !strcmp(a, "--valid-rate") ||
                !strcmp(a, "--stimulus") || !strcmp(a, "--cache") || !strcmp(a, "--tile-n") ||
                !strcmp(a, "--dist") || !strcmp(a, "--sigma");
    if (takes && !v) return usage_err("option needs a value: ", a);
    if (takes) i++;
    uint64_t x;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(USAGE, stdout); return 0; }
    else if (!strcmp(a, "--arch")) arch = v;
    else if (!strcmp(a, "--json")) json_out = v;
    else if (!strcmp(a, "--cache")) o.cache_dir = v;
    else if (!strcmp(a, "--set")) {
      if (nsets >= ENERGY_MAX_SETS) return usage_err("too many --set options", NULL);
      sets[nsets++].expr = v;
    } else if (!strcmp(a, "--cycles")) {
      if (parse_u64(v, &o.cycles) || !o.cycles) return usage_err("--cycles: expected a positive integer, not ", v);
    } else if (!strcmp(a, "--seed")) {
      if (parse_u64(v, &o.seed)) return usage_err("--seed: expected a non-negative integer, not ", v);
    } else if (!strcmp(a, "--wbits")) {
      if (parse_u64(v, &x) || x < 1 || x > 4) return usage_err("--wbits: expected 1..4 (what the RTL supports), not ", v);
      o.wbits = (uint32_t)x;
    } else if (!strcmp(a, "--tile-n")) {
      if (parse_u64(v, &x) || x < 1 || x > 1024) return usage_err("--tile-n: expected 1..1024, not ", v);
      o.tile_n = (uint32_t)x;
    } else if (!strcmp(a, "--valid-rate")) {
      char *end;
      o.valid_rate = strtod(v, &end);
      if (*end || !(o.valid_rate > 0 && o.valid_rate <= 1)) return usage_err("--valid-rate: expected a fraction in (0, 1], not ", v);
    } else if (!strcmp(a, "--dist")) {
      if (!strcmp(v, "uniform")) o.dist = COSIM_DIST_UNIFORM;
      else if (!strcmp(v, "normal")) o.dist = COSIM_DIST_NORMAL;
      else return usage_err("--dist: expected uniform or normal, not ", v);
    } else if (!strcmp(a, "--sigma")) {
      char *end;
      o.sigma = strtod(v, &end);
      if (*end || !(o.sigma > 0 && o.sigma <= 1000)) return usage_err("--sigma: expected a number in (0, 1000], not ", v);
    } else if (!strcmp(a, "--stimulus")) {
      if (!strcmp(v, "steady")) o.stim = ESTIM_STEADY;
      else if (!strcmp(v, "zero")) o.stim = ESTIM_ZERO;
      else if (!strcmp(v, "cosim")) o.stim = ESTIM_COSIM;
      else return usage_err("--stimulus: expected steady, zero or cosim, not ", v);
    } else if (a[0] == '-' && a[1]) {
      return usage_err("unknown option ", a);
    } else if (block) {
      return usage_err("unexpected argument ", a);
    } else {
      block = a;
    }
  }
  if (!block) return usage_err("expected a block name (lut_tc, mac_tc, tpe_tree, tpe_grid, tpe_bs)", NULL);
  char root[PATH_MAX];
  energy_find_root(root, sizeof root);
  o.root = root;
  o.progress = stdout;
  coda_err_t err = {0};
  arch_cfg_t cfg;
  json_t *doc = NULL;
  if (arch_cfg_load(&cfg, arch, sets, nsets, &err) || energy_run(block, &cfg, &o, &doc, &err)) {
    fprintf(stderr, "coda: error: %s\n", err.msg);
    return 2;
  }
  energy_print_text(doc, stdout);
  int ex = 0;
  if (json_out && json_dump_file(doc, json_out, JSON_INDENT(2) | JSON_REAL_PRECISION(10))) {
    fprintf(stderr, "coda: error: %s: cannot write: %s\n", json_out, strerror(errno));
    ex = 2;
  }
  json_decref(doc);
  return ex;
}
