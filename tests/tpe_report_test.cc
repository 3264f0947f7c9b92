// tpe_report_test.cc: `coda report tpe` end to end at small sizes (the Area
// tier: it synthesizes netlists through `coda area` and `coda energy`, cached by content).
#include <gtest/gtest.h>
#include <jansson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "tests/shim/cli_run.h"

namespace {

using coda_test::Result;

double num(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

std::string str(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

bool have_flow() {
  struct stat st;
  return coda_test::have("yosys") && coda_test::have("sta") && coda_test::have("verilator") &&
         !stat((coda_test::root() + "/build/tech/osu018/osu018_stdcells.lib").c_str(), &st);
}

TEST(AreaTpeReport, SmallTreeTableFromTheFlow) {
  if (!have_flow()) GTEST_SKIP() << "yosys / sta / verilator or the liberty missing: `make deps tech`";
  struct stat st;
  std::string js = coda_test::tmpdir() + "/tpe.json", md = coda_test::tmpdir() + "/tpe.md";
  Result r = coda_test::run_bin(coda_test::bin(), "report tpe --only tree --set tpe.k=4 --set tpe.n=2 --json " + js +
                                                      " --md " + md);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("| tree | opt2 | mbe |"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("| ent |"), std::string::npos) << "mbe only by default\n" << r.out;
  std::string mdt = coda_test::slurp(md);
  EXPECT_NE(mdt.find("How each column was obtained"), std::string::npos) << mdt;
  EXPECT_NE(mdt.find("- energy per op: "), std::string::npos) << mdt;
  json_error_t je;
  json_t *d = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d, nullptr) << je.text;
  EXPECT_EQ(str(d, "schema"), "coda.tpe_report.v2");
  const json_t *rows = json_object_get(d, "rows");
  ASSERT_TRUE(json_is_array(rows));
  ASSERT_EQ(json_array_size(rows), 3u);  // tree x {base, opt1, opt2} x mbe
  double fmin = INFINITY;
  for (size_t i = 0; i < 3; i++) fmin = std::min(fmin, num(json_array_get(rows, i), "fmax_mhz"));
  const json_t *base = json_array_get(rows, 0);
  ASSERT_EQ(str(base, "variant"), "base");
  for (size_t i = 0; i < 3; i++) {
    const json_t *row = json_array_get(rows, i);
    const json_t *g = json_object_get(row, "gain");
    SCOPED_TRACE(str(row, "design"));
    EXPECT_EQ(str(row, "sizes"), "tpe.k=4 tpe.n=2 tpe.m=1");
    EXPECT_GT(num(row, "area_um2"), 0);
    EXPECT_GT(num(row, "fmax_mhz"), 0);
    // a full-rate pipeline: K x N = 8 MACs every cycle, measured on the twin
    EXPECT_DOUBLE_EQ(num(row, "macs_per_cycle"), 8.0);
    EXPECT_NEAR(num(row, "area_eff_own_fmax_ops_per_s_mm2"),
                8.0 * num(row, "fmax_mhz") * 1e6 / (num(row, "area_um2") * 1e-6),
                1e-6 * num(row, "area_eff_own_fmax_ops_per_s_mm2"));
    // energy from the netlist: a positive pJ per MAC, its inverse the efficiency; at the common
    // (lower or equal) frequency only leakage grows, so energy per op cannot fall
    double e = num(row, "energy_per_op_pj"), ec = num(row, "energy_per_op_common_pj");
    EXPECT_GT(e, 0.1);
    EXPECT_LT(e, 1e4);
    EXPECT_GE(ec, e * (1 - 1e-9));
    EXPECT_NEAR(num(row, "energy_eff_ops_per_j"), 1e12 / e, 1e-6 * 1e12 / e);
    EXPECT_NEAR(num(g, "energy_eff_own_fmax"), num(base, "energy_per_op_pj") / e, 1e-9);
    EXPECT_NEAR(num(g, "area_eff_own_fmax"),
                num(row, "area_eff_own_fmax_ops_per_s_mm2") / num(base, "area_eff_own_fmax_ops_per_s_mm2"), 1e-9);
    if (str(row, "variant") == "base") {
      EXPECT_DOUBLE_EQ(num(g, "area_eff_own_fmax"), 1.0);
      EXPECT_DOUBLE_EQ(num(g, "energy_eff_common"), 1.0);
    }
  }
  EXPECT_DOUBLE_EQ(num(d, "common_freq_mhz"), fmin);
  if (coda_test::have("gnuplot")) {
    EXPECT_FALSE(json_is_null(json_object_get(d, "plot"))) << str(d, "plot_note");
    EXPECT_EQ(stat((coda_test::tmpdir() + "/tpe.png").c_str(), &st), 0);
    EXPECT_GT(st.st_size, 1000);
  }
  json_decref(d);
}

// The bit-slice rows: an equal-area bit-parallel baseline built from the 2D-Matrix base, and the
// data-dependent throughput per operand distribution.
TEST(AreaTpeReport, BitSliceAgainstEqualAreaParallel) {
  if (!have_flow()) GTEST_SKIP() << "yosys / sta / verilator or the liberty missing: `make deps tech`";
  std::string js = coda_test::tmpdir() + "/tpe_bs.json";
  Result r = coda_test::run_bin(coda_test::bin(), "report tpe --only bs --set tpe.rows=2 --set tpe.cols=2 --set "
                                                  "tpe.bs_rows=2 --set tpe.bs_cols=2 --json " + js);
  ASSERT_EQ(r.code, 0) << r.err;
  json_error_t je;
  json_t *d = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d, nullptr) << je.text;
  const json_t *rows = json_object_get(d, "rows");
  ASSERT_EQ(json_array_size(rows), 3u);  // parallel (equal area), opt3, opt4c
  const json_t *eq = json_array_get(rows, 0), *o3 = json_array_get(rows, 1);
  EXPECT_EQ(str(eq, "variant"), "parallel");
  EXPECT_TRUE(json_is_true(json_object_get(eq, "derived")));
  EXPECT_DOUBLE_EQ(num(eq, "area_um2"), num(o3, "area_um2"));
  // 2 x 2 bit-slice PEs with uniform data: at most 4 MACs' worth per cycle (a beat of 4 k values
  // at one weight costs at least one cycle), and data-dependent: below that
  EXPECT_GT(num(o3, "macs_per_cycle"), 0.5);
  EXPECT_LT(num(o3, "macs_per_cycle"), 4.0);
  const json_t *dist = json_object_get(d, "bit_slice_by_distribution");
  ASSERT_EQ(json_array_size(dist), 10u);  // {opt3, opt4c} x {uniform, sigma 10, 20, 30, 50}
  for (size_t i = 0; i < 5; i++) {
    const json_t *x = json_array_get(dist, i);
    SCOPED_TRACE(str(x, "operands"));
    EXPECT_GT(num(x, "energy_per_op_pj"), 0);
    EXPECT_NEAR(num(x, "speedup"), num(x, "ops_per_s_own_fmax") / num(eq, "ops_per_s_own_fmax"), 1e-9);
    if (i >= 2) {  // narrower data, fewer non-zero digits, more MACs per cycle
      const json_t *p = json_array_get(dist, i - 1);
      EXPECT_GT(num(x, "nnz_digits_per_a"), num(p, "nnz_digits_per_a"));
      EXPECT_LT(num(x, "macs_per_cycle"), num(p, "macs_per_cycle"));
    }
  }
  json_decref(d);
}

TEST(AreaTpeReport, BadSizeExits2) {
  Result r = coda_test::run_bin(coda_test::asan_bin(), "report tpe --set tpe.k=33", "ASAN_OPTIONS=detect_leaks=1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("tpe.k"), std::string::npos) << r.err;
  r = coda_test::run_bin(coda_test::asan_bin(), "report tpe --only tree,systolic", "ASAN_OPTIONS=detect_leaks=1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("'systolic'"), std::string::npos) << r.err;
  r = coda_test::run_bin(coda_test::asan_bin(), "report tpe --encodings csd", "ASAN_OPTIONS=detect_leaks=1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("'csd'"), std::string::npos) << r.err;
}

}  // namespace
