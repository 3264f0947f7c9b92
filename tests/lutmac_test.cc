// lutmac_test.cc: `coda report lut-vs-mac` end to end on a small array (the
// Energy tier: it synthesizes and simulates netlists).
#include <gtest/gtest.h>
#include <jansson.h>

#include <string>

#include "tests/shim/cli_run.h"

namespace {

using coda_test::Result;

double num(json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

TEST(EnergyLutVsMac, SmallArrayTableFromTheFlow) {
  if (!coda_test::have("yosys") || !coda_test::have("sta") || !coda_test::have("verilator"))
    GTEST_SKIP() << "yosys, sta or verilator missing: `make deps` installs them";
  std::string js = coda_test::tmpdir() + "/lm.json", md = coda_test::tmpdir() + "/lm.md";
  Result r = coda_test::run_bin(coda_test::bin(), "report lut-vs-mac --set core.m=1 --set core.n=2 --cycles 1000 --json " +
                                                      js + " --md " + md);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("| lut_tc | W1 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| mac_tc | W4 |"), std::string::npos) << r.out;
  EXPECT_NE(coda_test::slurp(md).find("How each number was obtained"), std::string::npos);
  json_error_t je;
  json_t *d = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d, nullptr) << je.text;
  json_t *lut = json_object_get(json_object_get(d, "cores"), "lut_tc");
  json_t *mac = json_object_get(json_object_get(d, "cores"), "mac_tc");
  ASSERT_TRUE(json_is_array(json_object_get(lut, "by_wbits")));
  double lops[3], mops[3];
  for (int i = 0; i < 3; i++) {
    json_t *l = json_array_get(json_object_get(lut, "by_wbits"), i);
    json_t *m = json_array_get(json_object_get(mac, "by_wbits"), i);
    lops[i] = num(l, "ops_per_cycle");
    mops[i] = num(m, "ops_per_cycle");
    EXPECT_GT(num(l, "energy_per_op_pj"), 0);
    EXPECT_GT(num(m, "energy_per_op_pj"), 0);
    EXPECT_GT(num(l, "compute_density_ops_per_s_mm2"), 0);
  }
  // Measured on the device model: the LUT core is bit-serial (W1 twice W2,
  // four times W4 ops/cycle), the MAC core is not. Peak = M N K = 8.
  EXPECT_NEAR(lops[0] / lops[1], 2.0, 0.1);
  EXPECT_NEAR(lops[0] / lops[2], 4.0, 0.2);
  EXPECT_NEAR(mops[0] / mops[2], 1.0, 0.05);
  EXPECT_LE(lops[0], 8.0 + 1e-9);
  EXPECT_GT(num(json_object_get(lut, "area"), "area_um2"), 0);
  json_decref(d);
}

TEST(EnergyLutVsMac, BadParametersExit2) {
  Result r = coda_test::run_bin(coda_test::asan_bin(), "report lut-vs-mac --set core.k=9", "ASAN_OPTIONS=detect_leaks=1");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("core.k"), std::string::npos) << r.err;
}

}  // namespace
