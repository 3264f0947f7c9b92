/* lutmac.c: the LUT vs MAC comparison (see lutmac.h).
 *
 * For each core (sim/configs/lut_tc.json, mac_tc.json, with the same --set
 * overrides) and each weight width W in {1, 2, 4}, INT8 activations:
 * - area_um2, fmax_mhz: area_run() on the core's RTL (cached);
 * - ops_per_cycle: W-bit MACs per array-busy cycle of a compute-bound GEMM
 *   (4M x 8N x 64K, memory fast enough not to stall) run through the device
 *   model: measured, not retyped from the timing rule;
 * - energy_per_op_pj: energy_run() measures the energy per cycle of two
 *   tiles of the core that differ only in N (n1 < n2), under the same steady
 *   W-bit stimulus. Energy is modelled as linear in N (per-column logic) plus
 *   a shared part (row tables, the precompute unit, control):
 *     E(N) = E(n1) + (N - n1) (E(n2) - E(n1)) / (n2 - n1),
 *   and ops per cycle scale with N; energy per op = E(N) / ops(N). Rows (M)
 *   beyond the tile's are composed linearly (tile M = min(M, 2));
 * - compute density = ops/cycle x fmax / area (each design at its own fmax),
 *   efficiency = 1 / energy per op.
 * FP16 is not compared: the RTL twins implement the INT8 path only.
 */
#include "lutmac.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../compiler/compiler.h"
#include "../sim/area/area.h"
#include "../sim/dev/device.h"
#include "../sim/energy/energy_flow.h"

static const char *const CORES[2] = {"lut_tc", "mac_tc"};
static const unsigned WBITS[3] = {1, 2, 4};

typedef struct row {
  const char *core;
  unsigned w;
  double area_um2, fmax_mhz, ops_per_cycle, density, e_op_pj, ops_per_j;
  double e_op_pe_pj;        /* cross-check: per-PE scaling of the n2 tile alone */
  double e_n1_pj, e_n2_pj;  /* tile energies per cycle */
  unsigned n1, n2;
} row_t;

/* W-bit MACs per array-busy cycle of a compute-bound GEMM on the device. */
static int measure_ops(const arch_cfg_t *cfg0, unsigned w, double *ops, coda_err_t *err) {
  arch_cfg_t cfg = *cfg0;
  cfg.memory_bytes_per_cycle = 1 << 16; /* no memory stalls: the array alone */
  workload_t wl;
  uint32_t m = (uint32_t)(4 * cfg.core_m), n = (uint32_t)(8 * cfg.core_n), k = (uint32_t)(64 * cfg.core_k * 8);
  int rc = workload_from_gemm(&wl, m, n, k, (int)w, ISA_ATYPE_INT8, ISA_EW_NONE, err);
  if (rc) return rc;
  compile_opts_t co;
  compile_opts_default(&co);
  cbin_t p;
  rc = compile_program(&cfg, &wl, &co, &p, err);
  workload_free(&wl);
  if (rc) return rc;
  device_t d;
  device_opts_t dopt = {0, NULL, 0, 0};
  if (!(rc = device_init(&d, &cfg, &p, &dopt, "lut-vs-mac", err))) {
    rc = device_run(&d, err);
    if (!rc) {
      uint64_t busy = 0, macs = 0;
      for (uint32_t i = 0; i < p.n_layer; i++) {
        busy += d.layer_stats[i].array_busy_cycles;
        macs += d.layer_stats[i].macs;
      }
      *ops = busy ? (double)macs / (double)busy : 0;
    }
    device_free(&d);
  }
  cbin_free(&p);
  return rc;
}

static double jnum(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Energy per cycle of a tile with n columns, and its W-bit ops per cycle. */
static int tile_energy(const char *core, const arch_cfg_t *cfg, const lutmac_opts_t *o, unsigned w, unsigned n,
                       double *e_cycle, double *ops_cycle, json_t **doc, coda_err_t *err) {
  energy_opts_t eo;
  energy_opts_default(&eo);
  eo.root = o->root;
  eo.wbits = w;
  eo.tile_n = n;
  if (o->cycles) eo.cycles = o->cycles;
  eo.progress = stderr;
  int rc = energy_run(core, cfg, &eo, doc, err);
  if (rc) return rc;
  *e_cycle = jnum(*doc, "energy_per_cycle_tile_pj");
  *ops_cycle = jnum(json_object_get(*doc, "ops"), "per_cycle_tile");
  return CODA_OK;
}

static int one_core(int ci, const lutmac_opts_t *o, row_t rows[3], json_t *jcore, coda_err_t *err) {
  const char *core = CORES[ci];
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/sim/configs/%s.json", o->root, core);
  arch_cfg_t cfg;
  int rc = arch_cfg_load(&cfg, path, o->sets, o->nsets, err);
  if (rc) return rc;
  const area_block_t *ab = area_find(core);
  if (!ab) return coda_errf(err, CODA_EINVAL, "lut-vs-mac: no area entry for %s", core);
  area_opts_t ao;
  memset(&ao, 0, sizeof ao);
  ao.root = o->root;
  ao.progress = stderr;
  json_t *adoc = NULL;
  if ((rc = area_run(ab, &cfg, &ao, &adoc, err))) return rc;
  double area = jnum(adoc, "area_um2"), fmax = jnum(json_object_get(adoc, "timing"), "fmax_mhz");
  json_object_set_new(jcore, "area", adoc);
  /* tiles: n1 = the energy flow's default, n2 = twice that, both <= N */
  unsigned n2 = ci == 0 ? 8 : 4, n1 = n2 / 2;
  if (cfg.core_n < n2) { n2 = (unsigned)cfg.core_n; n1 = n2 > 1 ? n2 / 2 : n2; }
  json_t *jw = json_array();
  for (int wi = 0; wi < 3 && !rc; wi++) {
    row_t *r = &rows[wi];
    memset(r, 0, sizeof *r);
    r->core = core;
    r->w = WBITS[wi];
    r->area_um2 = area;
    r->fmax_mhz = fmax;
    r->n1 = n1;
    r->n2 = n2;
    if ((rc = measure_ops(&cfg, r->w, &r->ops_per_cycle, err))) break;
    json_t *d1 = NULL, *d2 = NULL;
    double o1, o2;
    rc = tile_energy(core, &cfg, o, r->w, n1, &r->e_n1_pj, &o1, &d1, err);
    if (!rc && n2 != n1) rc = tile_energy(core, &cfg, o, r->w, n2, &r->e_n2_pj, &o2, &d2, err);
    else { r->e_n2_pj = r->e_n1_pj; o2 = o1; }
    if (!rc) {
      double N = (double)cfg.core_n, tm = cfg.core_m < 2 ? (double)cfg.core_m : 2.0;
      double slope = n2 != n1 ? (r->e_n2_pj - r->e_n1_pj) / (double)(n2 - n1) : r->e_n1_pj / n1;
      double e_arr = (r->e_n1_pj + (N - n1) * slope) * ((double)cfg.core_m / tm);
      double ops_arr = o1 * (N / n1) * ((double)cfg.core_m / tm);
      r->e_op_pj = ops_arr > 0 ? e_arr / ops_arr : NAN;
      r->e_op_pe_pj = o2 > 0 ? r->e_n2_pj / o2 : NAN; /* shared logic spread over n2 columns only */
      r->ops_per_j = r->e_op_pj > 0 ? 1e12 / r->e_op_pj : 0;
      r->density = r->ops_per_cycle * fmax * 1e6 / (area * 1e-6);
      json_t *e = json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "wbits", (int)r->w, "ops_per_cycle",
                            r->ops_per_cycle, "tile_n1", (double)n1, "energy_per_cycle_tile_n1_pj", r->e_n1_pj,
                            "tile_n2", (double)n2, "energy_per_cycle_tile_n2_pj", r->e_n2_pj,
                            "energy_per_cycle_array_pj", e_arr, "energy_per_op_pj", r->e_op_pj, "ops_per_j",
                            r->ops_per_j);
      json_object_set_new(e, "compute_density_ops_per_s_mm2", json_real(r->density));
      json_object_set_new(e, "energy_per_op_tile_n2_pj", json_real(r->e_op_pe_pj));
      json_array_append_new(jw, e);
    }
    json_decref(d1);
    json_decref(d2);
  }
  json_object_set_new(jcore, "by_wbits", jw);
  json_object_set_new(jcore, "config", json_string(cfg.name));
  return rc;
}

static void table(FILE *f, const row_t rows[2][3]) {
  fprintf(f, "| core | W | area mm2 | fmax MHz | ops/cycle (W-bit MACs) | compute density GOPS/mm2 | energy/op pJ | "
             "efficiency GOPS/W | energy/op pJ, n2 tile alone |\n|---|---|---|---|---|---|---|---|---|\n");
  for (int c = 0; c < 2; c++)
    for (int w = 0; w < 3; w++) {
      const row_t *r = &rows[c][w];
      fprintf(f, "| %s | W%u | %.3f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f |\n", r->core, r->w,
              r->area_um2 / 1e6, r->fmax_mhz, r->ops_per_cycle, r->density / 1e9, r->e_op_pj, r->ops_per_j / 1e9,
              r->e_op_pe_pj);
    }
  fprintf(f, "\n| W | LUT/MAC compute density | LUT/MAC efficiency |\n|---|---|---|\n");
  for (int w = 0; w < 3; w++)
    fprintf(f, "| W%u | %.2fx | %.2fx |\n", rows[0][w].w, rows[0][w].density / rows[1][w].density,
            rows[0][w].ops_per_j / rows[1][w].ops_per_j);
  fprintf(f,
          "\nHow each number was obtained:\n"
          "- area, fmax: `coda area` -- Yosys 0.23 onto the OSU 0.18 um cells (qflow-tech-osu018), hierarchical area; "
          "OpenSTA critical path of the flat delay-mapped netlist (a tile for large arrays, see `coda area`).\n"
          "- ops/cycle: W-bit MACs per array-busy cycle of a compute-bound INT8 GEMM run through the device model "
          "(timing rules of docs/machine.md).\n"
          "- compute density: ops/cycle x the design's own fmax / area.\n"
          "- energy/op: `coda energy` -- per-net toggle counts of the synthesized netlist under a steady random "
          "W-bit workload (Verilator), times the liberty's internal and switching power (OpenSTA report_power, "
          "interpolated per cell at each net's toggle rate), at the config's clock, for two tiles differing in N "
          "(n1, n2 in the JSON); the array's energy per cycle is extrapolated linearly in N from them (shared row "
          "tables and precompute + per-column logic), divided by its ops per cycle. Zero-delay toggles: no glitches.\n"
          "- energy/op, n2 tile alone: the n2 tile's energy per op, its shared logic spread over n2 columns only; "
          "where it disagrees strongly with the extrapolation, the tile energies are not linear in N (see the JSON's "
          "tile energies) and the composition is in doubt.\n"
          "- FP16 is not compared: the RTL implements the INT8 activation path only.\n"
          "- 0.18 um OSU cells at 1.8 V: absolute numbers are not those of a 28 nm flow (the LUT TC paper); ratios "
          "are the point.\n");
}

int lutmac_report(const lutmac_opts_t *o, coda_err_t *err) {
  row_t rows[2][3];
  json_t *root = json_object();
  json_object_set_new(root, "schema", json_string("coda.lutmac.v1"));
  json_t *cores = json_object();
  int rc = CODA_OK;
  for (int c = 0; c < 2 && !rc; c++) {
    json_t *jc = json_object();
    rc = one_core(c, o, rows[c], jc, err);
    json_object_set_new(cores, CORES[c], jc);
  }
  json_object_set_new(root, "cores", cores);
  if (!rc) {
    table(stdout, rows);
    if (o->md_out) {
      FILE *f = fopen(o->md_out, "w");
      if (!f) rc = coda_errf(err, CODA_EIO, "%s: cannot write", o->md_out);
      else {
        fprintf(f, "# LUT Tensor Core vs MAC baseline\n\n");
        table(f, rows);
        if (fclose(f)) rc = coda_errf(err, CODA_EIO, "%s: write failed", o->md_out);
      }
    }
    if (!rc && o->json_out &&
        json_dump_file(root, o->json_out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)))
      rc = coda_errf(err, CODA_EIO, "%s: cannot write", o->json_out);
  }
  json_decref(root);
  return rc;
}
