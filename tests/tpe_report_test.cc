// tpe_report_test.cc: `coda report tpe` end to end at a small size (the Area
// tier: it synthesizes six netlists through `coda area`, cached by content).
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

TEST(AreaTpeReport, SmallTreeTableFromTheFlow) {
  if (!coda_test::have("yosys") || !coda_test::have("sta")) GTEST_SKIP() << "yosys / sta missing: `make deps`";
  struct stat st;
  if (stat((coda_test::root() + "/build/tech/osu018/osu018_stdcells.lib").c_str(), &st))
    GTEST_SKIP() << "no liberty (make tech)";
  std::string js = coda_test::tmpdir() + "/tpe.json", md = coda_test::tmpdir() + "/tpe.md";
  Result r = coda_test::run_bin(coda_test::bin(), "report tpe --set tpe.k=4 --set tpe.n=2 --json " + js + " --md " + md);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("| tree | opt2 | ent |"), std::string::npos) << r.out;
  std::string mdt = coda_test::slurp(md);
  EXPECT_NE(mdt.find("How each column was obtained"), std::string::npos) << mdt;
  EXPECT_NE(mdt.find("energy: left out"), std::string::npos) << mdt;
  json_error_t je;
  json_t *d = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d, nullptr) << je.text;
  EXPECT_EQ(str(d, "schema"), "coda.tpe_report.v1");
  const json_t *rows = json_object_get(d, "rows");
  ASSERT_TRUE(json_is_array(rows));
  ASSERT_EQ(json_array_size(rows), 6u);  // tree x {base, opt1, opt2} x {mbe, ent}
  double fmin = INFINITY;
  for (size_t i = 0; i < 6; i++) {
    const json_t *row = json_array_get(rows, i);
    const json_t *g = json_object_get(row, "gain");
    SCOPED_TRACE(str(row, "design"));
    EXPECT_EQ(str(row, "sizes"), "tpe.k=4 tpe.n=2");
    EXPECT_GT(num(row, "area_um2"), 0);
    EXPECT_GT(num(row, "fmax_mhz"), 0);
    fmin = std::min(fmin, num(row, "fmax_mhz"));
    // a full-rate pipeline: K x N = 8 MACs every cycle, measured on the twin
    EXPECT_DOUBLE_EQ(num(row, "macs_per_cycle"), 8.0);
    EXPECT_NEAR(num(row, "area_eff_own_fmax_ops_per_s_mm2"),
                8.0 * num(row, "fmax_mhz") * 1e6 / (num(row, "area_um2") * 1e-6),
                1e-6 * num(row, "area_eff_own_fmax_ops_per_s_mm2"));
    EXPECT_TRUE(json_is_null(json_object_get(row, "energy_per_op_pj")));
    if (str(row, "variant") == "base") {
      EXPECT_DOUBLE_EQ(num(g, "area_eff_own_fmax"), 1.0);
      EXPECT_DOUBLE_EQ(num(g, "area_eff_common"), 1.0);
      EXPECT_DOUBLE_EQ(num(g, "area"), 1.0);
    } else {
      EXPECT_GT(num(g, "area_eff_own_fmax"), 0);
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

TEST(AreaTpeReport, BadSizeExits2) {
  Result r = coda_test::run_bin(coda_test::asan_bin(), "report tpe --set tpe.k=33", "ASAN_OPTIONS=detect_leaks=1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("tpe.k"), std::string::npos) << r.err;
}

}  // namespace
