// energy_test.cc: `coda energy` -- per-op energies from the toggle activity
// of the synthesized tile (sim/energy/). Tiny tiles (lut_tc M1 N2 K2, mac_tc
// M1 N1 K2), a fresh cache per test process, 2000 cycles: a cold tier is two
// netlist builds of ~10 s each plus a few seconds per stimulus.
#include <gtest/gtest.h>

#include <string>

#include <jansson.h>

#include "tests/shim/cli_run.h"

namespace {

const char *const LUT_TILE =
    "--set core.m=1 --set core.n=2 --set core.k=2 --set core.pipeline_cycles=1 --set tpre.tables_per_cycle=1";
const char *const MAC_TILE = "--set core.m=1 --set core.n=1 --set core.k=2 --set core.pipeline_cycles=1";

std::string cache() { return coda_test::tmpdir() + "/energy-cache"; }

// Runs coda energy with a JSON report; returns the parsed document (or null).
json_t *energy(const std::string &block, const std::string &args, int *code = nullptr) {
  static int n = 0;
  std::string out = coda_test::tmpdir() + "/energy" + std::to_string(n++) + ".json";
  coda_test::Result r = coda_test::run_bin(coda_test::bin(), "energy " + block + " " + args + " --cycles 2000 --cache " +
                                                                 cache() + " --json " + out);
  if (code) *code = r.code;
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  return r.code ? nullptr : json_load_file(out.c_str(), 0, nullptr);
}

double num(const json_t *d, const char *k) { return json_number_value(json_object_get(d, k)); }

}  // namespace

TEST(Energy, PositiveAndConsistent) {
  for (const char *b : {"lut_tc", "mac_tc"}) {
    json_t *d = energy(b, b[0] == 'l' ? LUT_TILE : MAC_TILE);
    ASSERT_TRUE(d);
    EXPECT_GT(num(d, "energy_per_cycle_tile_pj"), 0);
    EXPECT_GT(num(d, "energy_per_op_pj"), 0);
    EXPECT_GT(num(json_object_get(d, "ops"), "measured"), 0);
    const json_t *tot = json_object_get(json_object_get(d, "power_tile"), "total");
    double per = num(json_object_get(d, "clock"), "period_ns");
    EXPECT_NEAR(num(tot, "total_mw") * per, num(d, "energy_per_cycle_tile_pj"), 1e-6 * num(d, "energy_per_cycle_tile_pj"));
    json_decref(d);
  }
}

TEST(Energy, ZeroDataCostsMuchLessThanRandom) {
  for (const char *b : {"lut_tc", "mac_tc"}) {
    const char *tile = b[0] == 'l' ? LUT_TILE : MAC_TILE;
    json_t *r = energy(b, tile), *z = energy(b, std::string(tile) + " --stimulus zero");
    ASSERT_TRUE(r && z);
    double dr = num(r, "dynamic_energy_per_cycle_tile_pj"), dz = num(z, "dynamic_energy_per_cycle_tile_pj");
    // the clock tree of the flops stays; data switching must go
    EXPECT_LT(dz, 0.6 * dr) << b << ": zero " << dz << " pJ vs random " << dr << " pJ";
    json_decref(r);
    json_decref(z);
  }
}

TEST(Energy, LutW1CheaperPerWbitMacThanW4) {
  json_t *w1 = energy("lut_tc", std::string(LUT_TILE) + " --wbits 1");
  json_t *w4 = energy("lut_tc", std::string(LUT_TILE) + " --wbits 4");
  ASSERT_TRUE(w1 && w4);
  EXPECT_LT(num(w1, "energy_per_op_pj"), num(w4, "energy_per_op_pj"));
  json_decref(w1);
  json_decref(w4);
}

TEST(Energy, SecondRunHitsTheCache) {
  coda_test::Result r = coda_test::run_bin(coda_test::bin(), std::string("energy lut_tc ") + LUT_TILE +
                                                                 " --cycles 2000 --cache " + cache());
  ASSERT_EQ(r.code, 0) << r.err;
  r = coda_test::run_bin(coda_test::bin(), std::string("energy lut_tc ") + LUT_TILE + " --cycles 2000 --cache " + cache());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("cache hit"), std::string::npos) << r.out;
}

TEST(Energy, ErrorsAreOneLineExit2) {
  const std::string c = " --cache " + cache();
  const char *bad[] = {"energy nosuch", "energy lut_tc --set core.k=9", "energy lut_tc --wbits 5",
                       "energy mac_tc --set core.pipeline_cycles=0", "energy lut_tc --stimulus bogus",
                       "energy lut_tc --valid-rate 0", "energy"};
  for (const char *a : bad) {
    coda_test::Result r = coda_test::run_bin(coda_test::asan_bin(), std::string(a) + c);
    EXPECT_EQ(r.code, 2) << a << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << a << ": " << r.err;
    EXPECT_NE(r.err.find("error"), std::string::npos) << a << ": " << r.err;
  }
  // missing tools: an empty PATH
  coda_test::Result r = coda_test::run_bin(coda_test::asan_bin(), std::string("energy lut_tc ") + LUT_TILE + c, "PATH=/nonexistent");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("not found on PATH"), std::string::npos) << r.err;
}
