// area_test.cc: `coda area` -- Yosys area on the OSU 0.18 um liberty and
// OpenSTA timing (sim/area/).
//
// Registry: the UpperCamel rule, the parameters found in the RTL tops (the
// same keys the co-simulation registry passes as -G values), the scanner on
// comments, localparams and lists.
// Flow (small arrays, a fresh cache per test run): area > 0 and every
// breakdown (submodules, cell types, Yosys's own total) adds up to it;
// instance counts follow the RTL's structure (M*N lookups, M tables...);
// fmax = 1000 / critical path; a second run, and a run that changes only
// non-RTL keys, hit the cache; a changed RTL parameter misses it. The tile
// composition against a full synthesis of the same small array: timing
// within TILE_TOL, composed (hierarchical) area against the flat netlist's
// within AREA_TOL.
// Errors (through the sanitizer build): unknown block, a parameter the RTL
// cannot take, a key outside params.def, missing yosys / sta / liberty,
// broken RTL -- exit 2 with one line naming the cause and the remedy.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/shim/area_shim.h"

#include "tests/shim/cli_run.h"

namespace {

// Tile vs full synthesis of the same array: the tile's critical path may be
// shorter by the broadcast buffer stages it lacks (a few %), never more than
// this; composed area vs the flat delay-driven netlist's: hierarchy and
// buffering/sizing differ by a few %.
const double TILE_TOL = 0.10;
const double AREA_TOL = 0.10;

using coda_test::Result;
using coda_test::root;
using coda_test::slurp;
using coda_test::tmpdir;

std::string cache() { return tmpdir() + "/cache"; }

// Runs `env BIN area ARGS` in the temp dir.
Result run(const std::string &args, const std::string &env = "", const char *bin_env = "CODA_BIN") {
  std::string b = strcmp(bin_env, "CODA_BIN") ? coda_test::asan_bin() : coda_test::bin();
  return coda_test::run_bin(b, "area " + args, env + " ASAN_OPTIONS=detect_leaks=1");
}

struct Doc {
  json_t *j = nullptr;
  ~Doc() { json_decref(j); }
};

// Runs a synthesis with --json and loads the document.
void synth(const std::string &args, Doc *d, Result *r, const std::string &name) {
  std::string js = tmpdir() + "/" + name + ".json";
  unlink(js.c_str());
  *r = run(args + " --cache " + cache() + " --json " + js);
  ASSERT_EQ(r->code, 0) << args << "\nstdout: " << r->out << "\nstderr: " << r->err;
  json_error_t je;
  d->j = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d->j, nullptr) << js << ": " << je.text;
}

double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }
long long inum(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }
std::string str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

const json_t *group(const json_t *doc, const std::string &name) {
  const json_t *g = json_object_get(doc, "by_submodule");
  for (size_t i = 0; i < json_array_size(g); i++)
    if (str(json_array_get(g, i), "group") == name) return json_array_get(g, i);
  return nullptr;
}

// The invariants every result must satisfy.
void check_doc(const json_t *d) {
  double total = num(d, "area_um2");
  EXPECT_GT(total, 0);
  EXPECT_EQ(str(d, "schema"), "coda.area.v1");
  // Yosys's own `stat -liberty` total
  EXPECT_NEAR(num(d, "yosys_area_um2"), total, 1e-6 * total);
  double gs = 0, ts = 0;
  long long gc = 0, tc = 0;
  const json_t *g = json_object_get(d, "by_submodule");
  ASSERT_GT(json_array_size(g), 1u);
  for (size_t i = 0; i < json_array_size(g); i++) {
    gs += num(json_array_get(g, i), "area_um2");
    gc += inum(json_array_get(g, i), "cells");
  }
  const json_t *t = json_object_get(d, "by_cell_type");
  ASSERT_GT(json_array_size(t), 1u);
  for (size_t i = 0; i < json_array_size(t); i++) {
    const json_t *c = json_array_get(t, i);
    EXPECT_NEAR(num(c, "area_um2"), (double)inum(c, "count") * num(c, "cell_area_um2"), 1e-6);
    ts += num(c, "area_um2");
    tc += inum(c, "count");
  }
  EXPECT_NEAR(gs, total, 1e-6 * total) << "submodules must add up to the total";
  EXPECT_NEAR(ts, total, 1e-6 * total) << "cell types must add up to the total";
  EXPECT_EQ(gc, inum(d, "cells"));
  EXPECT_EQ(tc, inum(d, "cells"));
  const json_t *tm = json_object_get(d, "timing");
  ASSERT_NE(tm, nullptr);
  double crit = num(tm, "critical_path_ns");
  EXPECT_GT(crit, 0);
  EXPECT_GT(num(tm, "fmax_mhz"), 0);
  EXPECT_NEAR(num(tm, "fmax_mhz") * crit, 1000.0, 1e-6);
  EXPECT_NEAR(crit, num(tm, "clock_period_ns") - num(tm, "slack_ns"), 1e-9);
  EXPECT_LT(num(tm, "data_arrival_ns"), crit + 1e-9);
  EXPECT_FALSE(str(tm, "startpoint").empty());
  EXPECT_FALSE(str(tm, "endpoint").empty());
  EXPECT_GT(inum(tm, "path_cells"), 0);
  EXPECT_GT(num(tm, "netlist_area_um2"), 0);
  EXPECT_FALSE(str(d, "method").empty());
  const json_t *a = json_object_get(d, "artifacts");
  struct stat st;
  for (const char *k : {"area_netlist", "timing_netlist", "sta_setup"})
    EXPECT_EQ(stat(str(a, k).c_str(), &st), 0) << k << ": " << str(a, k);
}

std::set<std::string> area_keys(const char *block) {
  const area_block_t *b = area_find(block);
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  area_param_t p[AREA_MAX_PARAMS];
  int n = 0;
  coda_err_t e{};
  EXPECT_EQ(area_rtl_params(b, root().c_str(), &cfg, p, AREA_MAX_PARAMS, &n, &e), 0) << e.msg;
  std::set<std::string> s;
  for (int i = 0; i < n; i++) s.insert(p[i].key);
  return s;
}

// ---- registry ---------------------------------------------------------------

TEST(AreaRegistry, UpperCamelRule) {
  char b[64];
  area_upper_camel("core", "m", b, sizeof b);
  EXPECT_STREQ(b, "CoreM");
  area_upper_camel("core", "pipeline_cycles", b, sizeof b);
  EXPECT_STREQ(b, "CorePipelineCycles");
  area_upper_camel("tpre", "tables_per_cycle", b, sizeof b);
  EXPECT_STREQ(b, "TpreTablesPerCycle");
}

TEST(AreaRegistry, ListsBothBlocks) {
  Result r = run("--list");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char *s : {"lut_tc", "lut_tc_core", "mac_tc", "mac_tc_core", "core.m->CoreM"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " in\n" << r.out;
  EXPECT_EQ(area_find("nope"), nullptr);
}

// The parameters the area flow finds in each RTL top are the keys the
// co-simulation block (a separate list, for the same RTL) passes as -G.
TEST(AreaRegistry, ParamsFromTheRtlTopMatchCosim) {
  for (int i = 0; area_block_at(i); i++) {
    const area_block_t *b = area_block_at(i);
    const cosim_block_t *c = cosim_find(b->name);
    ASSERT_NE(c, nullptr) << b->name;
    std::set<std::string> want;
    for (const char *const *p = c->params; *p; p++) want.insert(*p);
    EXPECT_EQ(area_keys(b->name), want) << b->name;
  }
}

TEST(AreaRegistry, ParamScanSkipsCommentsAndLocalparams) {
  std::string r = tmpdir() + "/scanroot";
  ASSERT_EQ(system(("mkdir -p " + r + "/rtl/lut_tc").c_str()), 0);
  std::ofstream(r + "/rtl/lut_tc/lut_tc_core.v")
      << "// parameter integer CoreN = 64,\n"
         "/* parameter CoreK = 4; */\n"
         "module lut_tc_core #(parameter integer CoreM = 2, CorePipelineCycles = 1, parameter [3:0] X = 4'd2)\n"
         "  (input wire clk_i);\n"
         "  localparam integer CoreK = 3;\n"
         "  localparam TpreTablesPerCycle = 1, CoreN = 2;\n"
         "  wire [1:0] s = \"parameter CoreFreqMhz\";\n"
         "endmodule\n";
  const area_block_t *b = area_find("lut_tc");
  arch_cfg_t cfg;
  arch_cfg_defaults(&cfg);
  area_param_t p[AREA_MAX_PARAMS];
  int n = 0;
  coda_err_t e{};
  ASSERT_EQ(area_rtl_params(b, r.c_str(), &cfg, p, AREA_MAX_PARAMS, &n, &e), 0) << e.msg;
  std::set<std::string> got;
  for (int i = 0; i < n; i++) got.insert(std::string(p[i].key) + "=" + p[i].value);
  EXPECT_EQ(got, (std::set<std::string>{"core.m=2", "core.pipeline_cycles=2"}));
}

// ---- the flow ---------------------------------------------------------------

TEST(AreaFlow, LutSmallAddsUp) {
  Doc d;
  Result r;
  synth("lut_tc --set core.m=1 --set core.n=2 --set core.k=4", &d, &r, "lut_small");
  if (HasFatalFailure()) return;
  EXPECT_NE(r.out.find("synthesized in"), std::string::npos) << r.out;
  check_doc(d.j);
  // the RTL's structure: one table per row, a lookup and an accumulator per PE
  ASSERT_NE(group(d.j, "tables"), nullptr);
  EXPECT_EQ(inum(group(d.j, "tables"), "instances"), 1);
  EXPECT_EQ(inum(group(d.j, "lookup units"), "instances"), 2);
  EXPECT_EQ(inum(group(d.j, "accumulators"), "instances"), 2);
  EXPECT_EQ(inum(group(d.j, "precompute"), "instances"), 1);
  EXPECT_EQ(str(json_object_get(d.j, "timing"), "netlist"), "full");
}

TEST(AreaFlow, MacSmallAddsUp) {
  Doc d;
  Result r;
  synth("mac_tc --set core.m=1 --set core.n=2 --set core.k=4", &d, &r, "mac_small");
  if (HasFatalFailure()) return;
  check_doc(d.j);
  ASSERT_NE(group(d.j, "dequant"), nullptr);
  EXPECT_EQ(inum(group(d.j, "dequant"), "instances"), 2);  // one per column
  EXPECT_EQ(inum(group(d.j, "multipliers + adder trees"), "instances"), 2);
  EXPECT_EQ(inum(group(d.j, "accumulators"), "instances"), 2);
}

TEST(AreaFlow, SecondRunHitsTheCache) {
  const std::string a = "lut_tc --set core.m=1 --set core.n=2 --set core.k=4";
  Doc d1, d2, d3, d4;
  Result r1, r2, r3, r4;
  synth(a, &d1, &r1, "c1");  // a miss, or a hit after LutSmallAddsUp
  if (HasFatalFailure()) return;
  synth(a, &d2, &r2, "c2");
  if (HasFatalFailure()) return;
  EXPECT_NE(r2.out.find("cache hit"), std::string::npos) << r2.out;
  EXPECT_EQ(str(d2.j, "cache"), "hit");
  EXPECT_EQ(str(d2.j, "key"), str(d1.j, "key"));
  EXPECT_EQ(num(d2.j, "area_um2"), num(d1.j, "area_um2"));
  EXPECT_EQ(num(json_object_get(d2.j, "timing"), "fmax_mhz"),
            num(json_object_get(d1.j, "timing"), "fmax_mhz"));
  // keys the RTL does not take leave the key alone (sweeps reuse the result)
  synth(a + " --set memory.latency_cycles=7 --set buffers.abuf_bytes=131072", &d3, &r3, "c3");
  if (HasFatalFailure()) return;
  EXPECT_EQ(str(d3.j, "cache"), "hit") << r3.out;
  // an RTL parameter does not
  synth("lut_tc --set core.m=1 --set core.n=2 --set core.k=2", &d4, &r4, "c4");
  if (HasFatalFailure()) return;
  EXPECT_EQ(str(d4.j, "cache"), "miss");
  EXPECT_NE(str(d4.j, "key"), str(d1.j, "key"));
  EXPECT_LT(num(d4.j, "area_um2"), num(d1.j, "area_um2")) << "K=2 tables hold 2 entries, K=4 hold 8";
}

// Composition: a 1 x 16 array timed on its 1 x 8 tile against the whole
// array synthesized flat.
TEST(AreaFlow, TileCompositionMatchesFullSynthesis) {
  const std::string a = "lut_tc --set core.m=1 --set core.n=16 --set core.k=4";
  Doc tile, full;
  Result rt, rf;
  synth(a, &tile, &rt, "tile");
  if (HasFatalFailure()) return;
  synth(a + " --method full", &full, &rf, "full");
  if (HasFatalFailure()) return;
  check_doc(tile.j);
  check_doc(full.j);
  const json_t *tt = json_object_get(tile.j, "timing"), *ft = json_object_get(full.j, "timing");
  EXPECT_EQ(str(tt, "netlist"), "tile");
  EXPECT_EQ(str(ft, "netlist"), "full");
  EXPECT_NE(rt.out.find("TILE"), std::string::npos) << "the report must say it composed";
  EXPECT_NE(str(tile.j, "method").find("tile"), std::string::npos);
  double ct = num(tt, "critical_path_ns"), cf = num(ft, "critical_path_ns");
  EXPECT_NEAR(ct, cf, TILE_TOL * cf) << "tile " << ct << " ns vs full " << cf << " ns";
  // area is composed from the hierarchy in both; the flat full netlist is
  // an independent synthesis of the same array
  EXPECT_EQ(num(tile.j, "area_um2"), num(full.j, "area_um2"));
  EXPECT_NEAR(num(full.j, "area_um2"), num(ft, "netlist_area_um2"), AREA_TOL * num(ft, "netlist_area_um2"));
  EXPECT_LT(num(tt, "netlist_area_um2"), num(ft, "netlist_area_um2"));
}

// ---- errors: exit 2, one line ------------------------------------------------

void expect_bad(const std::string &args, const std::string &must_contain, const std::string &env = "") {
  Result r = run(args, env, "CODA_ASAN_BIN");
  EXPECT_EQ(r.code, 2) << args << "\nstderr: " << r.err;
  size_t lines = 0;
  for (char c : r.err) lines += c == '\n';
  EXPECT_EQ(lines, 1u) << args << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(must_contain), std::string::npos) << args << "\nwanted '" << must_contain << "' in: " << r.err;
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("runtime error"), std::string::npos) << r.err;
}

TEST(AreaErrors, UnknownBlockAndUsage) {
  std::string known;
  for (int i = 0; area_block_at(i); i++) known += std::string(i ? ", " : "") + area_block_at(i)->name;
  expect_bad("nosuch", "unknown block 'nosuch' (known: " + known + ")");
  expect_bad("", "expected a block name");
  expect_bad("lut_tc --method fast", "--method");
  expect_bad("lut_tc --bogus", "unknown option --bogus");
  expect_bad("lut_tc --set core.m", "--set core.m");
}

TEST(AreaErrors, ParametersTheRtlCannotTake) {
  // the MAC RTL needs its operand stage (its C twin's check + the RTL's rule)
  expect_bad("mac_tc --set core.pipeline_cycles=0 --cache " + cache(), "core.pipeline_cycles=0 is outside");
  // K beyond params.def's (and the RTL's) 1..8
  expect_bad("lut_tc --set core.k=9 --cache " + cache(), "core.k: 9 is out of range 1..8");
}

TEST(AreaErrors, MissingTools) {
  std::string only_yosys = tmpdir() + "/only_yosys";
  ASSERT_EQ(system(("mkdir -p " + only_yosys + " && ln -sf \"$(command -v yosys)\" " + only_yosys + "/yosys").c_str()), 0);
  expect_bad("lut_tc --cache " + cache(), "yosys not found on PATH (`make deps`", "PATH=" + tmpdir() + "/nothing");
  expect_bad("lut_tc --cache " + cache(), "sta (OpenSTA) not found on PATH (`make deps`", "PATH=" + only_yosys);
  std::string empty = tmpdir() + "/emptyroot";
  ASSERT_EQ(system(("mkdir -p " + empty).c_str()), 0);
  expect_bad("lut_tc --cache " + cache(), "not found (`make tech`", "CODA_ROOT=" + empty);
}

TEST(AreaErrors, BrokenRtlIsOneLine) {
  std::string r = tmpdir() + "/brokenroot";
  std::string lib = root() + "/build/tech/osu018/osu018_stdcells.lib";
  ASSERT_EQ(system(("mkdir -p " + r + "/rtl/lut_tc " + r + "/build/tech/osu018 && ln -sf \"$(realpath " + lib +
                    ")\" " + r + "/build/tech/osu018/osu018_stdcells.lib")
                       .c_str()),
            0);
  std::ofstream(r + "/rtl/lut_tc/lut_tc_core.v") << "module lut_tc_core #(parameter integer CoreM = 1) (input wire clk_i);\n"
                                                    "  this is not verilog;\nendmodule\n";
  expect_bad("lut_tc --cache " + cache(), "yosys failed", "CODA_ROOT=" + r);
}

}  // namespace
