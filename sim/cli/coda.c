/* coda.c: the command line. One program, subcommands; see `coda help`.
 * Exit codes: 0 success, 1 the simulated design failed a check, 2 bad input
 * or usage (one line on stderr naming the file and field). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../compiler/compiler.h"
#include "../../compiler/datagen.h"
#include "../../isa/cbin.h"
#include "../../isa/asm.h"
#include "../../isa/isa.h"
#include "../../reports/compare.h"
#include "../../reports/energy.h"
#include "../../reports/lutmac.h"
#include "../../reports/tpe_report.h"
#include "../../reports/report.h"
#include "../area/area.h"
#include "../core/config.h"
#include "../core/util.h"
#include "../cosim/cosim.h"
#include "../energy/energy_flow.h"
#include "../mem/hbm.h"
#include "../dev/device.h"
#include "../dev/timeline.h"
#include "../ref/refgemm.h"
#include "../scalesim/scalesim.h"
#include "../sweep/sweep.h"
#include "../serve/serve.h"
#include "../t3/ring.h"

#define MAX_SETS 64

typedef struct cli {
  const char *cmd;
  const char *arch;
  arch_set_t sets[MAX_SETS];
  int nsets;
  const char *json_out, *trace_out, *out, *asm_out, *energy, *md_out;
  uint64_t cycles;
  const char *pos[4];
  int npos;
  int check, functional, timing_only, no_fuse, doc, no_skip;
  uint64_t seed;
  int dist;
  const char *gemm;
  int wbits, atype, ewop;
  const char *only, *encodings; /* report tpe */
  int no_energy;                /* report tpe */
  const char *timeline;         /* run/sim --timeline OUT.json */
  uint64_t timeline_max;        /* --timeline-max-events N (0 = default) */
} cli_t;

static const char *const USAGE_RUN =
    "coda run --arch A.json (WORKLOAD.json | --gemm M,N,K [--wbits W] [--atype T] [--ewop OP])\n"
    "         [--set sec.key=val]... [--json OUT] [--trace OUT.gz] [--check] [--functional]\n"
    "         [--no-fuse] [--seed N] [--dist uniform|extreme|wzero|wones] [-o P.cbin] [-S P.s]\n"
    "         [--energy TABLE.json] [--no-skip] [--timeline OUT.json [--timeline-max-events N]]\n"
    "  Compiles the workload for the arch config, simulates it cycle by cycle and prints, per\n"
    "  layer and in total, cycles (and where they went), time, MACs, utilization, bytes moved\n"
    "  and energy. --check computes the operands and compares every output with the reference\n"
    "  GEMM (exit 1 on any difference); --functional computes them without checking.\n"
    "  --no-fuse keeps table precompute out of the element-wise op. --json writes coda.run.v1.\n"
    "  --trace writes a gzip CSV: pc,layer,op,issue_cycle,start_cycle,end_cycle.\n"
    "  --no-skip evaluates every cycle instead of jumping to the next event (same results;\n"
    "  a speed baseline).\n"
    "  --timeline writes Chrome trace-event JSON (open in https://ui.perfetto.dev or\n"
    "  chrome://tracing): one track per block (front end SYNC waits, DMA, precompute, array,\n"
    "  memory stalls, layers, memory requests in flight), ts/dur in us of simulated time at\n"
    "  core.freq_mhz, exact cycles in args; at most N events (default 1000000), the rest\n"
    "  dropped and noted in otherData. See sim/dev/timeline.h.\n";
static const char *const USAGE_COMPILE =
    "coda compile --arch A.json (WORKLOAD.json | --gemm M,N,K ...) -o P.cbin [-S P.s]\n"
    "             [--set sec.key=val]... [--functional] [--no-fuse] [--seed N] [--dist D]\n"
    "  Emits the program binary and, with -S, its assembly.\n";
static const char *const USAGE_SIM =
    "coda sim --arch A.json P.cbin [--set sec.key=val]... [--json OUT] [--trace OUT.gz] [--check]\n"
    "         [--timing-only] [--energy TABLE.json] [--timeline OUT.json [--timeline-max-events N]]\n"
    "  Simulates a compiled program (functional when it carries data). --timeline: as for run.\n";
static const char *const USAGE_ASM = "coda asm P.s -o P.cbin\n  Assembles a program.\n";
static const char *const USAGE_DISASM = "coda disasm P.cbin [-o P.s]\n  Disassembles a program.\n";
static const char *const USAGE_REPORT =
    "coda report A.json [B.json]\n"
    "coda report sweep --db R.sqlite [--out DIR] [--objectives O1,O2..]   (see `coda help sweep`)\n"
    "coda report lut-vs-mac [--set sec.key=val]... [--json OUT] [--md OUT] [--cycles N]\n"
    "  A Markdown table of a run report (coda.run.v1, from `coda run --json`): per layer and in\n"
    "  total, cycles, the share of compute / memory stall / precompute, energy. With B, B's\n"
    "  cycles and energy against A's (e.g. A fused, B --no-fuse).\n"
    "  lut-vs-mac: the LUT core against its MAC baseline (sim/configs/lut_tc.json, mac_tc.json)\n"
    "  for W1, W2, W4 x INT8: area and fmax (coda area), ops/cycle (device model), compute\n"
    "  density, energy per op (coda energy: netlist toggles x liberty power) and efficiency.\n"
    "coda report tpe [--set sec.key=val]... [--json OUT] [--md OUT] [--only T1,T2..]\n"
    "                [--encodings mbe,ent] [--no-energy]\n"
    "  tpe: every bit-weight TPE topology (tree, cube, sa_os, sa_ws, matrix, bs) x variant x\n"
    "  encoding (default mbe) at the artifact's sizes (then --set): area and fmax (coda area),\n"
    "  INT8 MACs/cycle measured on the C twin, throughput, area efficiency, energy per MAC\n"
    "  (coda energy at the design's own fmax) and energy efficiency, at own fmax and at the\n"
    "  slowest design's fmax, gains over the base variant (bit-slice: over the bit-parallel\n"
    "  array of equal area); the bit-slice array per operand distribution; a gnuplot PNG next\n"
    "  to --md OUT.\n"
    "coda report neupims [--models ..] [--batches 64,256,512] [--md OUT] [--json OUT] [--quick] ...\n"
    "  neupims: the NeuPIMs serving modes across GPT-3 7B/13B/30B/175B and batch sizes\n"
    "  (`coda report neupims --help` for the options; docs/neupims.md).\n" T3_REPORT_USAGE;
static const char *const USAGE_COSIM =
    "coda cosim BLOCK [--arch A.json] [--set sec.key=val]... [--seed N] [--cycles N] [--vcd OUT.vcd]\n"
    "                 [--bench] [--inject-bug NAME]\n"
    "coda cosim --list\n"
    "  Verilates the block's RTL with the config's parameters (cached per parameter set in\n"
    "  build/cosim/), drives the RTL and the C twin with the same stimulus (random and directed\n"
    "  phases, stalls, resets) and compares every compared field after every clock. On the\n"
    "  first divergence prints the cycle, the field, both values and the last inputs, writes a\n"
    "  VCD around it and exits 1; else prints cycles, transactions and `0 mismatches`.\n"
    "  --bench times stimulus, C twin, raw RTL and lockstep on the same stimulus.\n"
    "  --inject-bug breaks the C twin on purpose (to see a divergence report). See docs/cosim.md.\n";
static const char *const USAGE_AREA =
    "coda area BLOCK [--arch A.json] [--set sec.key=val]... [--json OUT] [--method auto|full|tile]\n"
    "coda area --list\n"
    "  Yosys synthesis onto the OSU 0.18 um cells (`make tech`), area by cell type and submodule,\n"
    "  OpenSTA critical path and max frequency; cached. `coda area --help` for the details.\n";
static const char *const USAGE_SCALESIM =
    "coda scalesim CONFIG.cfg TOPOLOGY.csv [-i conv|gemm] [--outdir DIR] [--json OUT] [--check] [--per-cycle]\n"
    "  Runs SCALE-Sim's own config and topology files on coda's systolic array (os/ws/is) and\n"
    "  reports per layer in SCALE-Sim's columns. `coda scalesim --help` for the details.\n";
static const char *const USAGE_ENERGY =
    "coda energy BLOCK [--arch A.json] [--set sec.key=val]... [--cycles N] [--seed N] [--wbits W]\n"
    "                  [--valid-rate X] [--stimulus steady|zero|cosim] [--json OUT]\n"
    "  Per-event energy of a block from its synthesized netlist: toggles of every net under\n"
    "  the stimulus (Verilator on the OSU-mapped netlist), times the liberty's power (OpenSTA\n"
    "  report_power); energy per cycle and per operation, composed from a tile. Cached.\n"
    "  `coda energy --help` for the details and the method's limits.\n";
static const char *const USAGE_CONFIG =
    "coda config [--arch A.json] [--set sec.key=val]... | coda config --doc\n"
    "  Prints the resolved config as JSON, or the parameter table (docs/params.md).\n";

static void usage_all(FILE *f) {
  fprintf(f, "coda: cycle-level accelerator simulator and RTL co-design kit\n\n"
             "commands:\n"
             "  run      compile + simulate + report\n"
             "  compile  workload -> program (.cbin, .s)\n"
             "  sim      simulate a program\n"
             "  asm      assembly -> program\n"
             "  disasm   program -> assembly\n"
             "  report   Markdown table of one run report, or two compared\n"
             "  cosim    lockstep co-simulation of a block's RTL against its C twin\n"
             "  area     Yosys area and OpenSTA timing of a block's RTL\n"
             "  energy   per-op energy of a block from netlist switching activity\n"
             "  scalesim SCALE-Sim config + topology on the systolic array model\n"
             "  dram     a DRAMsim3-format trace through the HBM2 model\n"
             "  t3       T3 ring collectives on t3.devices devices (`coda t3 ring --help`)\n"
             "  config   print a resolved config or the parameter docs\n"
             "  sweep    design-space sweep into SQLite (parallel workers, resume, Slurm)\n"
             "  help     this text, or `coda help CMD`\n");
}

static int help(const char *cmd) {
  if (!cmd) { usage_all(stdout); return 0; }
  const struct { const char *n, *u; } t[] = {{"run", USAGE_RUN}, {"compile", USAGE_COMPILE},
      {"sim", USAGE_SIM}, {"asm", USAGE_ASM}, {"disasm", USAGE_DISASM}, {"config", USAGE_CONFIG},
      {"report", USAGE_REPORT}, {"cosim", USAGE_COSIM}, {"area", USAGE_AREA}, {"scalesim", USAGE_SCALESIM},
      {"energy", USAGE_ENERGY}, {"dram", HBM_DRAM_USAGE}, {"sweep", SWEEP_USAGE}, {"t3", T3_USAGE}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (!strcmp(cmd, t[i].n)) { fputs(t[i].u, stdout); return 0; }
  fprintf(stderr, "coda: help: unknown command '%s' (try `coda help`)\n", cmd);
  return 2;
}

static int fail(const coda_err_t *e) {
  fprintf(stderr, "coda: error: %s\n", e->msg);
  return e->code == CODA_ECHECK ? 1 : 2;
}

static int usage_err(const char *fmt, const char *a) {
  fprintf(stderr, "coda: ");
  fprintf(stderr, fmt, a);
  fprintf(stderr, " (see `coda help`)\n");
  return 2;
}

static int parse_u64(const char *s, uint64_t *v) {
  if (!s || !*s || *s == '-') return -1;
  char *end;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 0);
  if (errno || *end) return -1;
  *v = x;
  return 0;
}

static int lookup(const char *s, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

static const char *const ATYPES[] = {"int8", "int16", "fp8", "fp16"};
static const char *const EWOPS[] = {"none", "rmsnorm", "layernorm", "silu", "gelu", "relu"};
static const char *const DISTS[] = {"uniform", "extreme", "wzero", "wones"};

/* Parses options shared by the commands; unknown options are usage errors. */
static int parse(int argc, char **argv, cli_t *c) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED()                                                        \
  do {                                                                \
    if (!v) return usage_err("option %s needs a value", a);           \
    i++;                                                              \
  } while (0)
    if (!strcmp(a, "--arch")) { NEED(); c->arch = v; }
    else if (!strcmp(a, "--set")) {
      NEED();
      if (c->nsets >= MAX_SETS) return usage_err("too many --set options (at most 64)%s", "");
      c->sets[c->nsets++].expr = v;
    }
    else if (!strcmp(a, "--json")) { NEED(); c->json_out = v; }
    else if (!strcmp(a, "--trace")) { NEED(); c->trace_out = v; }
    else if (!strcmp(a, "-o")) { NEED(); c->out = v; }
    else if (!strcmp(a, "-S")) { NEED(); c->asm_out = v; }
    else if (!strcmp(a, "--energy")) { NEED(); c->energy = v; }
    else if (!strcmp(a, "--md")) { NEED(); c->md_out = v; }
    else if (!strcmp(a, "--only")) { NEED(); c->only = v; }
    else if (!strcmp(a, "--encodings")) { NEED(); c->encodings = v; }
    else if (!strcmp(a, "--no-energy")) c->no_energy = 1;
    else if (!strcmp(a, "--timeline")) { NEED(); c->timeline = v; }
    else if (!strcmp(a, "--timeline-max-events")) {
      NEED();
      if (parse_u64(v, &c->timeline_max) || !c->timeline_max)
        return usage_err("--timeline-max-events %s: expected a positive integer", v);
    }
    else if (!strcmp(a, "--cycles")) {
      NEED();
      if (parse_u64(v, &c->cycles) || !c->cycles || c->cycles > 100000000)
        return usage_err("--cycles %s: expected 1..100000000", v);
    }
    else if (!strcmp(a, "--gemm")) { NEED(); c->gemm = v; }
    else if (!strcmp(a, "--wbits")) {
      NEED();
      uint64_t w;
      if (parse_u64(v, &w) || w < 1 || w > 4) return usage_err("--wbits %s: expected 1..4", v);
      c->wbits = (int)w;
    }
    else if (!strcmp(a, "--atype")) {
      NEED();
      if ((c->atype = lookup(v, ATYPES, 4)) < 0) return usage_err("--atype %s: expected int8, int16, fp8 or fp16", v);
    }
    else if (!strcmp(a, "--ewop")) {
      NEED();
      if ((c->ewop = lookup(v, EWOPS, 6)) < 0)
        return usage_err("--ewop %s: expected none, rmsnorm, layernorm, silu, gelu or relu", v);
    }
    else if (!strcmp(a, "--dist")) {
      NEED();
      if ((c->dist = lookup(v, DISTS, 4)) < 0) return usage_err("--dist %s: expected uniform, extreme, wzero or wones", v);
    }
    else if (!strcmp(a, "--seed")) {
      NEED();
      if (parse_u64(v, &c->seed)) return usage_err("--seed %s: expected a non-negative integer", v);
    }
    else if (!strcmp(a, "--check")) c->check = 1;
    else if (!strcmp(a, "--functional")) c->functional = 1;
    else if (!strcmp(a, "--timing-only")) c->timing_only = 1;
    else if (!strcmp(a, "--no-fuse")) c->no_fuse = 1;
    else if (!strcmp(a, "--doc")) c->doc = 1;
    else if (!strcmp(a, "--no-skip")) c->no_skip = 1;
    else if (a[0] == '-' && a[1]) return usage_err("unknown option %s", a);
    else {
      if (c->npos >= 4) return usage_err("unexpected argument %s", a);
      c->pos[c->npos++] = a;
    }
#undef NEED
  }
  return 0;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The default per-event energy table, in the source tree. */
static void default_energy(char *buf, size_t len) {
  char root[PATH_MAX];
  coda_root(root, sizeof root);
  snprintf(buf, len, "%s/reports/energy/horowitz45.json", root);
}

static int load_cfg(const cli_t *c, arch_cfg_t *cfg, coda_err_t *err) {
  return arch_cfg_load(cfg, c->arch, c->sets, c->nsets, err);
}

static int parse_gemm(const cli_t *c, workload_t *w, coda_err_t *err) {
  uint64_t d[3];
  const char *s = c->gemm;
  for (int i = 0; i < 3; i++) {
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9') goto bad;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || x == 0 || x > 1048576 || (i < 2 ? *end != ',' : *end != 0)) goto bad;
    d[i] = x;
    s = end + 1;
  }
  return workload_from_gemm(w, (uint32_t)d[0], (uint32_t)d[1], (uint32_t)d[2], c->wbits ? c->wbits : 2,
                            c->atype, c->ewop, err);
bad:
  return coda_errf(err, CODA_EINVAL, "--gemm %s: expected M,N,K with each in 1..1048576", c->gemm);
}

static int compile_from_cli(const cli_t *c, const arch_cfg_t *cfg, cbin_t *prog, int functional,
                            coda_err_t *err) {
  workload_t w;
  int rc;
  if (c->gemm) {
    if (c->npos) return coda_errf(err, CODA_EINVAL, "give either a workload file or --gemm, not both");
    rc = parse_gemm(c, &w, err);
  } else {
    if (c->npos != 1) return coda_errf(err, CODA_EINVAL, "expected one workload file (or --gemm M,N,K)");
    rc = workload_load(&w, c->pos[0], err);
  }
  if (rc) return rc;
  compile_opts_t o;
  compile_opts_default(&o);
  o.fuse = !c->no_fuse;
  o.functional = functional;
  if (c->seed) o.seed = c->seed;
  o.dist = c->dist;
  rc = compile_program(cfg, &w, &o, prog, err);
  workload_free(&w);
  if (rc) return rc;
  if (c->asm_out) {
    FILE *f = fopen(c->asm_out, "w");
    if (!f) return coda_errf(err, CODA_EIO, "%s: cannot write: %s", c->asm_out, strerror(errno));
    rc = isa_disasm_program(prog, f, err);
    if (fclose(f) && !rc) rc = coda_errf(err, CODA_EIO, "%s: write failed", c->asm_out);
    if (rc) return rc;
  }
  if (c->out && (rc = cbin_write(prog, c->out, err))) return rc;
  return CODA_OK;
}

/* Simulates prog, reports, checks. Returns the exit code. */
static int simulate(const cli_t *c, const arch_cfg_t *cfg, const cbin_t *prog, const char *origin,
                    int functional) {
  coda_err_t err = {0};
  energy_table_t et;
  char epath[PATH_MAX + 64];
  if (c->energy) snprintf(epath, sizeof epath, "%s", c->energy);
  else default_energy(epath, sizeof epath);
  if (energy_load(&et, epath, &err)) return fail(&err);
  device_t d;
  device_opts_t o = {functional, c->trace_out, 0, c->no_skip};
  if (device_init(&d, cfg, prog, &o, origin, &err)) return fail(&err);
  if (c->timeline && device_timeline(&d, c->timeline, c->timeline_max, &err)) {
    device_free(&d);
    return fail(&err);
  }
  double t0 = now_s();
  int rc = device_run(&d, &err);
  double t1 = now_s();
  if (rc) { device_free(&d); return fail(&err); }
  ref_result_t *chk = NULL;
  uint64_t bad = 0;
  if (c->check) {
    chk = calloc(prog->n_layer ? prog->n_layer : 1, sizeof *chk);
    if (!chk) { device_free(&d); coda_errf(&err, CODA_ENOMEM, "out of memory"); return fail(&err); }
    for (uint32_t i = 0; i < prog->n_layer; i++) {
      if (ref_check_layer(&prog->layer[i], cfg, d.bufs.dram, d.bufs.dram_bytes, &chk[i], &err)) {
        free(chk);
        device_free(&d);
        return fail(&err);
      }
      bad += chk[i].bad;
    }
  }
  run_report_t r = {cfg, prog, d.layer_stats, &et, epath, d.functional, chk, t1 - t0,
                    d.sim.visited, d.cycles};
  report_text(&r, stdout);
  int ex = 0;
  if (c->json_out && report_json(&r, c->json_out, &err)) ex = fail(&err);
  free(chk);
  device_free(&d);
  if (!ex && bad) {
    fprintf(stderr, "coda: check failed: %" PRIu64 " outputs differ from the reference\n", bad);
    ex = 1;
  }
  return ex;
}

static int cmd_run(const cli_t *c) {
  coda_err_t err = {0};
  arch_cfg_t cfg;
  if (!c->arch) return usage_err("run: --arch A.json is required%s", "");
  if (load_cfg(c, &cfg, &err)) return fail(&err);
  if (cfg.npu_enabled) { /* the NeuPIMs serving simulator (sim/serve/serve.h) */
    if (c->gemm || c->npos != 1) return usage_err("run: an NPU config (npu.enabled) takes one serving workload file%s", "");
    if (c->check || c->functional || c->trace_out || c->timeline || c->out || c->asm_out)
      return usage_err("run: --check, --functional, --trace, --timeline, -o and -S do not apply to an NPU config%s", "");
    return serve_run_main(c->arch, c->sets, c->nsets, c->pos[0], c->json_out);
  }
  int functional = c->check || c->functional;
  cbin_t prog;
  memset(&prog, 0, sizeof prog);
  if (compile_from_cli(c, &cfg, &prog, functional, &err)) { cbin_free(&prog); return fail(&err); }
  int ex = simulate(c, &cfg, &prog, c->gemm ? "--gemm" : c->pos[0], functional ? 1 : 0);
  cbin_free(&prog);
  return ex;
}

static int cmd_compile(const cli_t *c) {
  coda_err_t err = {0};
  arch_cfg_t cfg;
  if (!c->arch) return usage_err("compile: --arch A.json is required%s", "");
  if (!c->out && !c->asm_out) return usage_err("compile: -o P.cbin (or -S P.s) is required%s", "");
  if (load_cfg(c, &cfg, &err)) return fail(&err);
  cbin_t prog;
  memset(&prog, 0, sizeof prog);
  int rc = compile_from_cli(c, &cfg, &prog, c->functional, &err);
  if (!rc)
    printf("coda: compiled %u instructions, %u layers%s\n", prog.n_insn, prog.n_layer,
           prog.flags & CBIN_F_DATA ? ", with operand data" : "");
  cbin_free(&prog);
  return rc ? fail(&err) : 0;
}

static int cmd_sim(const cli_t *c) {
  coda_err_t err = {0};
  arch_cfg_t cfg;
  if (!c->arch) return usage_err("sim: --arch A.json is required%s", "");
  if (c->npos != 1) return usage_err("sim: expected one program file%s", "");
  if (load_cfg(c, &cfg, &err)) return fail(&err);
  cbin_t prog;
  if (cbin_read(&prog, c->pos[0], &err)) return fail(&err);
  if (c->check && !(prog.flags & CBIN_F_DATA)) {
    cbin_free(&prog);
    coda_errf(&err, CODA_EINVAL, "%s: --check needs a program compiled with --functional", c->pos[0]);
    return fail(&err);
  }
  int ex = simulate(c, &cfg, &prog, c->pos[0], c->timing_only ? 0 : -1);
  cbin_free(&prog);
  return ex;
}

static int cmd_asm(const cli_t *c) {
  coda_err_t err = {0};
  if (c->npos != 1 || !c->out) return usage_err("asm: expected `coda asm P.s -o P.cbin`%s", "");
  char *text = coda_read_file(c->pos[0], NULL, &err);
  if (!text) return fail(&err);
  cbin_t p;
  int rc = isa_asm_program(text, c->pos[0], &p, &err);
  free(text);
  if (!rc) rc = cbin_write(&p, c->out, &err);
  if (!rc) printf("coda: assembled %u instructions, %u layers\n", p.n_insn, p.n_layer);
  cbin_free(&p);
  return rc ? fail(&err) : 0;
}

static int cmd_disasm(const cli_t *c) {
  coda_err_t err = {0};
  if (c->npos != 1) return usage_err("disasm: expected `coda disasm P.cbin [-o P.s]`%s", "");
  cbin_t p;
  if (cbin_read(&p, c->pos[0], &err)) return fail(&err);
  FILE *f = c->out ? fopen(c->out, "w") : stdout;
  if (!f) { cbin_free(&p); coda_errf(&err, CODA_EIO, "%s: cannot write", c->out); return fail(&err); }
  int rc = isa_disasm_program(&p, f, &err);
  if (c->out) fclose(f);
  cbin_free(&p);
  return rc ? fail(&err) : 0;
}

static int cmd_report(const cli_t *c) {
  coda_err_t err = {0};
  if (c->npos == 1 && !strcmp(c->pos[0], "lut-vs-mac")) {
    char root[PATH_MAX];
    coda_root(root, sizeof root);
    char abs[PATH_MAX];
    if (!realpath(root, abs)) snprintf(abs, sizeof abs, "%s", root);
    lutmac_opts_t o = {abs, c->sets, c->nsets, c->json_out, c->md_out, (unsigned)c->cycles};
    return lutmac_report(&o, &err) ? fail(&err) : 0;
  }
  if (c->npos == 1 && !strcmp(c->pos[0], "tpe")) {
    char root[PATH_MAX];
    coda_root(root, sizeof root);
    char abs[PATH_MAX];
    if (!realpath(root, abs)) snprintf(abs, sizeof abs, "%s", root);
    tpe_report_opts_t o = {abs, c->sets, c->nsets, c->json_out, c->md_out, c->only, c->encodings, c->no_energy};
    return tpe_report(&o, &err) ? fail(&err) : 0;
  }
  if (c->npos < 1 || c->npos > 2) return usage_err("report: expected `coda report A.json [B.json]`%s", "");
  return report_compare(c->pos[0], c->npos == 2 ? c->pos[1] : NULL, stdout, &err) ? fail(&err) : 0;
}

static int cmd_config(const cli_t *c) {
  coda_err_t err = {0};
  if (c->doc) { arch_cfg_write_doc(stdout); return 0; }
  arch_cfg_t cfg;
  if (load_cfg(c, &cfg, &err)) return fail(&err);
  arch_cfg_dump_json(&cfg, stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) { usage_all(stderr); return 2; }
  cli_t c;
  memset(&c, 0, sizeof c);
  c.cmd = argv[1];
  if (!strcmp(c.cmd, "help") || !strcmp(c.cmd, "--help") || !strcmp(c.cmd, "-h"))
    return help(argc > 2 ? argv[2] : NULL);
  /* `coda CMD --help` (anywhere on the line) is `coda help CMD` for the
   * commands whose own parsers do not answer it */
  if (strcmp(c.cmd, "t3") && strcmp(c.cmd, "area") && strcmp(c.cmd, "energy") && strcmp(c.cmd, "dram") &&
      strcmp(c.cmd, "sweep") && strcmp(c.cmd, "scalesim") &&
      !(argc > 2 && !strcmp(c.cmd, "report") && (!strcmp(argv[2], "neupims") || !strcmp(argv[2], "t3"))))
    for (int i = 2; i < argc; i++)
      if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return help(c.cmd);
  int (*fn)(const cli_t *) = NULL;
  if (!strcmp(c.cmd, "run")) fn = cmd_run;
  else if (!strcmp(c.cmd, "compile")) fn = cmd_compile;
  else if (!strcmp(c.cmd, "sim")) fn = cmd_sim;
  else if (!strcmp(c.cmd, "asm")) fn = cmd_asm;
  else if (!strcmp(c.cmd, "disasm")) fn = cmd_disasm;
  else if (!strcmp(c.cmd, "config")) fn = cmd_config;
  else if (!strcmp(c.cmd, "report") && argc > 2 && !strcmp(argv[2], "sweep")) return sweep_report_main(argc, argv);
  else if (!strcmp(c.cmd, "report") && argc > 2 && !strcmp(argv[2], "neupims")) return serve_report_main(argc, argv);
  else if (!strcmp(c.cmd, "report") && argc > 2 && !strcmp(argv[2], "t3")) return t3_report_main(argc, argv);
  else if (!strcmp(c.cmd, "report")) fn = cmd_report;
  else if (!strcmp(c.cmd, "sweep")) return sweep_main(argc, argv);
  else if (!strcmp(c.cmd, "cosim")) return cosim_main(argc, argv);
  else if (!strcmp(c.cmd, "area")) return area_main(argc, argv);
  else if (!strcmp(c.cmd, "scalesim")) return scalesim_main(argc, argv);
  else if (!strcmp(c.cmd, "energy")) return energy_main(argc, argv);
  else if (!strcmp(c.cmd, "dram")) return dram_main(argc, argv);
  else if (!strcmp(c.cmd, "t3")) return t3_main(argc, argv);
  else return usage_err("unknown command '%s'", c.cmd);
  int rc = parse(argc, argv, &c);
  if (rc) return rc;
  return fn(&c);
}
