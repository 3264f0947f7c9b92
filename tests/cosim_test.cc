// cosim_test.cc: the LUT Tensor Core's C twins and the co-simulation flow.
//
// Unit tier: the array twin (sim/lut/lut_array.c) against a plain loop,
// clock by clock, with the timing rule "a step presented in cycle t is in
// the accumulators after the clock of cycle t + P" (P =
// core.pipeline_cycles, docs/machine.md); the precompute twin against the
// table definition of docs/machine.md; the framework's bit helpers.
// Cosim tier: `coda cosim lut_tc` on every test parameter set of the block
// (the registry's, so they are not typed twice), a deliberately wrong twin
// (--inject-bug sign) that must be caught with a first-divergence report,
// the RTL lint-clean under verilator -Wall and read by Yosys, and the
// command's bad inputs (exit 2, one line).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/shim/test_util.h"
#include "tests/shim/cosim_shim.h"

#include "tests/shim/cli_run.h"
#include "tests/shim/rtl_check.h"

namespace {

using coda_test::next;


int64_t wrap(int64_t v, uint32_t bits) {
  if (bits >= 64) return v;
  uint64_t m = (1ull << bits) - 1, s = 1ull << (bits - 1);
  return (int64_t)((((uint64_t)v & m) ^ s) - s);
}

// ---- the array twin against a plain loop ------------------------------------

struct Step {
  uint32_t valid = 0, first = 0, last = 0, plane = 0;
  std::vector<int64_t> tbl;  // [m][E]
  std::vector<uint32_t> fld; // [n]
};

// The definition: one step's contribution to output (m, n).
int64_t term(const lut_array_cfg_t &c, const Step &s, uint32_t m, uint32_t n) {
  uint32_t e = 1u << (c.k - 1), f = s.fld[n];
  int64_t t = s.tbl[m * e + (f & (e - 1))];
  int64_t v = ((f >> (c.k - 1)) & 1) ? t : -t;
  return v * (1 << s.plane);
}

TEST(UnitLutArray, MatchesPlainLoopClockByClock) {
  uint64_t seed = 11;
  for (int trial = 0; trial < 60; trial++) {
    lut_array_cfg_t c{};
    c.m = 1 + (uint32_t)(next(&seed) % 3);
    c.n = 1 + (uint32_t)(next(&seed) % 5);
    c.k = 1 + (uint32_t)(next(&seed) % 8);
    c.pipe = (uint32_t)(next(&seed) % 5);
    c.entry_w = trial % 2 ? 16 : 32;
    c.acc_w = trial % 3 ? 32 : 64;
    SCOPED_TRACE("M" + std::to_string(c.m) + "N" + std::to_string(c.n) + "K" + std::to_string(c.k) + " P" +
                 std::to_string(c.pipe) + " entry " + std::to_string(c.entry_w) + " acc " + std::to_string(c.acc_w));
    lut_array_t a;
    coda_err_t err{};
    ASSERT_EQ(lut_array_init(&a, &c, &err), 0) << err.msg;
    const uint32_t e = 1u << (c.k - 1);
    const int64_t emax = (1ll << (c.entry_w - 1)) - 1;
    // blocks of random length with random stalls; a block's expected value
    // and the cycle its done must appear
    std::vector<int64_t> want(c.m * c.n, 0);
    std::vector<std::pair<uint64_t, std::vector<int64_t>>> expect;  // (cycle of done, block)
    size_t checked = 0;
    uint32_t left = 0;
    for (uint64_t cyc = 0; cyc < 400; cyc++) {
      Step s;
      s.tbl.resize(c.m * e);
      s.fld.resize(c.n);
      s.valid = next(&seed) % 4 != 0;
      for (auto &t : s.tbl) t = (next(&seed) & 1) ? (int64_t)(next(&seed) % (2 * emax + 1)) - emax : -emax - 1;
      for (auto &f : s.fld) f = (uint32_t)next(&seed) & ((1u << c.k) - 1);
      s.plane = (uint32_t)(next(&seed) & 3);
      if (s.valid) {
        if (!left) { left = 1 + (uint32_t)(next(&seed) % 6); s.first = 1; }
        s.last = --left == 0;
        for (uint32_t m = 0; m < c.m; m++)
          for (uint32_t n = 0; n < c.n; n++) {
            int64_t base = s.first ? 0 : want[m * c.n + n];
            want[m * c.n + n] = wrap(base + term(c, s, m, n), c.acc_w);
          }
        if (s.last) expect.push_back({cyc + c.pipe, want});
      } else {
        s.first = (uint32_t)(next(&seed) & 1);  // garbage on a stall must not matter
        s.last = (uint32_t)(next(&seed) & 1);
      }
      lut_array_in_t in{s.valid, s.first, s.last, s.plane, s.tbl.data(), s.fld.data()};
      lut_array_step(&a, &in);
      const lut_array_regs_t *q = lut_array_regs(&a);
      bool due = checked < expect.size() && expect[checked].first == cyc;
      ASSERT_EQ(q->done, due ? 1u : 0u) << "cycle " << cyc;  // exactly at t + P, not a cycle early or late
      if (due) {
        for (uint32_t i = 0; i < c.m * c.n; i++) ASSERT_EQ(q->acc[i], expect[checked].second[i]) << "cycle " << cyc << " acc " << i;
        checked++;
      }
    }
    EXPECT_GT(checked, 10u);
    EXPECT_EQ(a.st.blocks, checked);
    lut_array_free(&a);
  }
}

TEST(UnitLutArray, ResetClearsAndStallsHold) {
  lut_array_cfg_t c{2, 3, 4, 2, 16, 32, 0};
  lut_array_t a;
  coda_err_t err{};
  ASSERT_EQ(lut_array_init(&a, &c, &err), 0) << err.msg;
  std::vector<int64_t> tbl(2 * 8, 5);
  std::vector<uint32_t> fld(3, 0xf);  // sign 1, index 7: +T[7] = 5
  lut_array_in_t go{1, 1, 0, 1, tbl.data(), fld.data()}, stall{0, 0, 0, 0, tbl.data(), fld.data()};
  lut_array_step(&a, &go);
  lut_array_step(&a, &stall);
  lut_array_step(&a, &stall);
  EXPECT_EQ(lut_array_regs(&a)->acc[0], 10);  // 5 << 1, reached the accumulators at t + 2
  EXPECT_EQ(lut_array_regs(&a)->tbl[0], 5);   // the stall held the table register
  for (int i = 0; i < 3; i++) lut_array_step(&a, &stall);
  EXPECT_EQ(lut_array_regs(&a)->acc[0], 10);  // and the accumulators
  lut_array_reset(&a);
  EXPECT_EQ(lut_array_regs(&a)->acc[0], 0);
  EXPECT_EQ(lut_array_regs(&a)->tbl[0], 0);
  lut_array_free(&a);
  lut_array_cfg_t bad = c;
  bad.pipe = 65;
  EXPECT_EQ(lut_array_init(&a, &bad, &err), CODA_EINVAL);
  EXPECT_NE(std::string(err.msg).find("pipeline stages"), std::string::npos) << err.msg;
}

// ---- the precompute twin against the table definition --------------------------

TEST(UnitLutPrecompute, TablesMatchDefinitionOneCycleLater) {
  uint64_t seed = 5;
  for (uint32_t k = 1; k <= 8; k++) {
    for (uint32_t act_w : {8u, 16u}) {
      lut_pre_cfg_t c{3, k, act_w, act_w == 8 ? 16u : 32u};
      lut_pre_t p;
      coda_err_t err{};
      ASSERT_EQ(lut_pre_init(&p, &c, &err), 0) << err.msg;
      const uint32_t e = 1u << (k - 1);
      std::vector<int64_t> act(3 * k), held(3 * e, 0);
      for (int cyc = 0; cyc < 40; cyc++) {
        const int64_t lo = -(1ll << (act_w - 1)), hi = (1ll << (act_w - 1)) - 1;
        for (auto &v : act) v = cyc % 5 == 0 ? ((next(&seed) & 1) ? hi : lo) : lo + (int64_t)(next(&seed) % (uint64_t)(hi - lo + 1));
        uint32_t valid = next(&seed) % 3 != 0;
        lut_pre_in_t in{valid, act.data()};
        lut_pre_step(&p, &in);
        const lut_pre_regs_t *q = lut_pre_regs(&p);
        ASSERT_EQ(q->valid, valid);
        for (uint32_t l = 0; l < 3; l++)
          for (uint32_t i = 0; i < e; i++) {
            if (valid) {  // T[i] = a_{K-1} + sum_{j<K-1} (bit j of i ? +a_j : -a_j)
              int64_t t = act[l * k + k - 1];
              for (uint32_t j = 0; j + 1 < k; j++) t += ((i >> j) & 1) ? act[l * k + j] : -act[l * k + j];
              held[l * e + i] = t;  // never wraps: |T| <= 8 * 2^(act_w-1) < 2^(entry_w-1)
            }
            ASSERT_EQ(q->tbl[l * e + i], held[l * e + i]) << "K" << k << " lane " << l << " entry " << i;
          }
      }
      lut_pre_free(&p);
    }
  }
}

TEST(UnitCosimBits, PutGetAcrossWords) {
  uint64_t seed = 3;
  for (int t = 0; t < 2000; t++) {
    uint64_t v[4] = {next(&seed), next(&seed), next(&seed), next(&seed)}, ref[4];
    std::memcpy(ref, v, sizeof v);
    uint32_t w = 1 + (uint32_t)(next(&seed) % 64), lsb = (uint32_t)(next(&seed) % (256 - w + 1));
    uint64_t x = next(&seed);
    cosim_put(v, lsb, w, x);
    for (uint32_t i = 0; i < w; i++) {  // the bit loop: bit i of x at lsb + i
      uint32_t b = lsb + i;
      ref[b / 64] = (ref[b / 64] & ~(1ull << (b % 64))) | (((x >> i) & 1) << (b % 64));
    }
    ASSERT_EQ(0, std::memcmp(v, ref, sizeof v)) << "lsb " << lsb << " width " << w;
    uint64_t want = w == 64 ? x : x & ((1ull << w) - 1);
    ASSERT_EQ(cosim_get(v, lsb, w), want);
  }
  char name[64];
  cosim_param_name("core.pipeline_cycles", name, sizeof name);
  EXPECT_STREQ(name, "CorePipelineCycles");
  cosim_param_name("tpre.tables_per_cycle", name, sizeof name);
  EXPECT_STREQ(name, "TpreTablesPerCycle");
}

// ---- the command --------------------------------------------------------------

using coda_test::bin;
using coda_test::have;
using coda_test::Result;
using coda_test::root;
using coda_test::slurp;
using coda_test::tmpdir;

Result run(const std::string &cmd_args, const std::string &env = "") { return coda_test::run_bin(bin(), cmd_args, env); }


const cosim_block_t *lut_tc() { return cosim_find("lut_tc"); }

TEST(CosimLutTc, EveryTestSetZeroMismatches) {
  if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  ASSERT_NE(lut_tc(), nullptr);
  int sets = 0;
  for (const char *const *s = lut_tc()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    Result r = run(std::string("cosim lut_tc ") + *s + " --cycles 30000 --seed " + std::to_string(sets + 2));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 30000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("transactions: 0\n"), std::string::npos) << r.out;
  }
  EXPECT_GE(sets, 3);
}

TEST(CosimLutTc, DefaultConfigZeroMismatches) {
  if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  Result r = run("cosim lut_tc --arch " + root() + "/sim/configs/lut_tc.json --cycles 15000");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("core.m=2 core.n=64 core.k=4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
}

TEST(CosimLutTc, InjectedSignBugGivesFirstDivergenceReport) {
  if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  const std::string set = lut_tc()->test_sets[1];
  std::string vcd = tmpdir() + "/sign.vcd";
  unlink(vcd.c_str());
  Result r = run("cosim lut_tc " + set + " --cycles 5000 --inject-bug sign");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  size_t at = r.out.find("FIRST DIVERGENCE at cycle ");
  ASSERT_NE(at, std::string::npos) << r.out;
  long cyc = std::strtol(r.out.c_str() + at + 26, nullptr, 10);
  EXPECT_GE(cyc, 0);
  EXPECT_LT(cyc, 50) << "the flipped sign shows in the first steps";
  EXPECT_NE(r.out.find("  field s2.term["), std::string::npos) << r.out;  // stage 2 holds the lookups' terms
  EXPECT_NE(r.out.find("    rtl  0x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    twin 0x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("valid=0x"), std::string::npos) << "named inputs: " << r.out;
  EXPECT_NE(r.out.find("1 mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("diverge"), std::string::npos) << r.err;
  // the waveform window, replayed from reset
  std::string w = slurp(tmpdir() + "/cosim-lut_tc-seed1.vcd");
  EXPECT_NE(w.find("$var"), std::string::npos);
  EXPECT_NE(w.find("out_o"), std::string::npos);
  // and --vcd traces the whole run instead
  Result v = run("cosim lut_tc " + set + " --cycles 300 --vcd " + vcd);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_NE(slurp(vcd).find("#601"), std::string::npos) << "the last cycle's rising edge";
}

TEST(CosimLutTc, BenchTimesTwinRtlAndLockstep) {
  if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  Result r = run("cosim lut_tc " + std::string(lut_tc()->test_sets[1]) + " --cycles 3000 --bench");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  for (const char *line : {"C twin (step + bus)", "Verilator RTL", "lockstep co-simulation", "overhead over raw Verilator"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << " in " << r.out;
}

TEST(CosimRtl, LutTcLintCleanAndYosysReadsIt) {
  if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  std::vector<std::string> sets;
  for (const char *const *s = lut_tc()->test_sets; *s; s++) sets.push_back(*s);
  coda_test::expect_rtl_clean(lut_tc(), sets, "lut_tc_cosim_top", "proc");
}

TEST(CosimCli, ListNamesEveryBlockItsTopAndTestSets) {
  Result r = run("cosim --list");
  EXPECT_EQ(r.code, 0) << r.err;
  for (int i = 0; cosim_block_at(i); i++) {
    const cosim_block_t *b = cosim_block_at(i);
    EXPECT_NE(r.out.find(b->rtl_top), std::string::npos) << b->name;
    for (const char *const *s = b->test_sets; *s; s++)
      EXPECT_NE(r.out.find(std::string("coda cosim ") + b->name + " " + *s), std::string::npos) << *s;
  }
  EXPECT_NE(r.out.find("-GCorePipelineCycles"), std::string::npos) << r.out;
}

void expect_bad(const Result &r, const std::string &must_contain) {
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  size_t lines = 0;
  for (char c : r.err) lines += c == '\n';
  EXPECT_EQ(lines, 1u) << r.err;
  EXPECT_NE(r.err.find("coda: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(must_contain), std::string::npos) << "wanted '" << must_contain << "' in: " << r.err;
}

TEST(CosimCli, BadInputsExit2WithOneLine) {
  expect_bad(run("cosim nonsense"), "unknown block 'nonsense'");
  expect_bad(run("cosim"), "which block");
  expect_bad(run("cosim lut_tc --cycles 0"), "--cycles");
  expect_bad(run("cosim lut_tc --bogus"), "unknown option --bogus");
  expect_bad(run("cosim lut_tc --set core.m=64 --set core.n=1024 --set buffers.cbuf_bytes=1048576"),
             "more than co-simulation reports");
  expect_bad(run("cosim lut_tc --set core.k=9"), "core.k");
  expect_bad(run("cosim lut_tc --inject-bug nosuchbug --cycles 10"), "no test hook 'nosuchbug'");
  expect_bad(run("cosim lut_tc --cycles 10", "PATH=/nonexistent"), "verilator not found");
}

}  // namespace
