/* energy_flow.h: `coda energy` -- per-event energies of the LUT and MAC
 * arrays from the synthesized netlist and its switching activity.
 *
 * The flow (energy_flow.c; "coda-energy-1"), for a block with both an RTL
 * twin (cosim registry) and an area entry (area registry):
 *   1. a small TILE of the configured array (lut_tc: M<=2 N<=4, mac_tc:
 *      M<=2 N<=2; K, pipeline and widths as configured) is synthesized from
 *      the block's co-simulation top (<block>_cosim_top, the packed in_i /
 *      out_o ports the cosim harness drives) with the area flow's Yosys
 *      setup, flattened, onto the OSU 0.18 um liberty: net.v;
 *   2. the same net.v is verilated with --coverage-toggle next to the
 *      liberty cells' functions (Yosys read_liberty -> cells.v, coverage off
 *      there), so the toggle points are net.v's own nets;
 *   3. a driver (sim/energy/driver.cc + energy_stim.c, linked with
 *      build/libcoda.a) applies stimulus for N cycles and writes the toggle
 *      counts (coverage.dat) and the ops it applied;
 *   4. toggles / cycles of every net go to OpenSTA as set_power_activity on
 *      the net's driver pin (drivers from Yosys write_json with the liberty
 *      cells as blackboxes), input ports from in_i's toggles; report_power
 *      at core.freq_mhz gives internal, switching and leakage power;
 *   5. energy per cycle = power x period; per op = energy / ops, composed
 *      per PE to the configured array.
 * Blocks with a steady-workload hook (cosim.h: the TPE blocks) take their
 * stimulus from it (operands from --dist, ops = the INT8 MACs it reports)
 * and their tile from the area registry's timing tile (the capped keys);
 * the array's energy per cycle is the tile's x the ratio of the capped
 * keys' configured to tile values (PE count).
 * Everything is cached by content hash in build/energy-cache/ (netlist and
 * verilated driver per RTL + tile parameters; activity + power per
 * stimulus). Library code returns CODA_OK or a negative code with err set.
 */
#ifndef CODA_SIM_ENERGY_FLOW_H
#define CODA_SIM_ENERGY_FLOW_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/config.h"
#include "../core/status.h"

#define ENERGY_FLOW_VERSION "coda-energy-2"
#define ENERGY_SCHEMA "coda.energy.v1"

/* What the driver feeds the tile. */
typedef enum {
  ESTIM_STEADY = 0, /* steady random workload at W-bit weights (default) */
  ESTIM_ZERO = 1,   /* the same control, every data input 0 */
  ESTIM_COSIM = 2   /* the cosim block's own stimulus function, unchanged */
} estim_kind_e;

typedef struct energy_opts {
  const char *root;      /* repo root, absolute */
  const char *cache_dir; /* NULL: <root>/build/energy-cache */
  const char *liberty;   /* NULL: <root>/build/tech/osu018/osu018_stdcells.lib */
  estim_kind_e stim;
  uint32_t wbits;        /* 1..4 (steady / zero) */
  double valid_rate;     /* fraction of cycles with a valid step, (0, 1] */
  uint64_t cycles;       /* measured cycles */
  uint64_t seed;
  uint32_t tile_n;       /* tile columns (capped at core.n); 0: the default (LUT 4, MAC 2) */
  int dist;              /* blocks with a workload hook: cosim_dist_e of the operands */
  double sigma;          /* COSIM_DIST_NORMAL: standard deviation */
  FILE *progress;        /* one line before slow steps, or NULL */
} energy_opts_t;

void energy_opts_default(energy_opts_t *o);

/* Runs (or finds in the cache) the flow for block `name` at cfg; *doc gets
 * the coda.energy.v1 document (caller json_decref's it). */
int energy_run(const char *name, const arch_cfg_t *cfg, const energy_opts_t *o, json_t **doc,
               coda_err_t *err);

/* Text report of a coda.energy.v1 document. */
void energy_print_text(const json_t *doc, FILE *f);

/* The repo root: $CODA_ROOT, else the folder above build/ holding the
 * running binary, else ".". */
void energy_find_root(char *out, size_t len);

/* `coda energy ...` (argv[1] is "energy"); returns the exit code. */
int energy_main(int argc, char **argv);

/* ---- the driver side (runs inside the verilated driver) ------------------ */

/* The verilated netlist as the driver sees it (sim/energy/driver.cc). */
typedef struct energy_rtl {
  void *(*open)(void);
  /* in_i = in, rst_ni = !rst, one rising edge of clk_i (the driver also
   * counts the toggles of in_i and out_o: Verilator does not cover ports) */
  void (*cycle)(void *rtl, int rst, const uint64_t *in);
  void (*zero_cov)(void *rtl);                   /* forget the toggles so far (after warm-up) */
  int (*write_cov)(void *rtl, const char *path); /* coverage + <path>.ports; 0 ok */
  void (*close)(void *rtl);
  uint32_t in_bytes;
} energy_rtl_t;

/* The driver's main: `--block B --set k=v... --stim steady|zero|cosim
 * --wbits W --rate X --cycles N --seed S --cov OUT --stats OUT`. */
int energy_driver_main(int argc, char **argv, const energy_rtl_t *rtl);

#endif
