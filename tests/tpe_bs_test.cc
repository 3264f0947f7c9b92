// tpe_bs_test.cc: the OPT3/OPT4C bit-slice array (issue 5 item 3):
// sim/tpe/tpe_bs.c, rtl/tpe/tpe_bs_*.v, block "tpe_bs".
//
// Unit tier: the twin against a plain loop on random data (both encodings,
// several shapes and FIFO depths, random stalls); the cycles per block
// against sum over the block's (group, bw) beats of max(1, nnz), with nnz
// counted here from the digit encodings, plus the documented overhead (1
// sync cycle per block, 1 input cycle before the first); MACs per cycle on
// uniform INT8 and normal sigma 10/30/50 data (printed); the buses tiled
// exactly by the named fields.
// Cosim tier: `coda cosim tpe_bs` on every test set of the registry, an
// injected schedule bug caught by field name, lint under verilator -Wall and
// Yosys reading both variants.
// Area tier: `coda area tpe_bs` for opt3 and opt4c at R2 C1 (printed; opt3
// has twice the encoder instances).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "tests/shim/test_util.h"
#include "tests/shim/tpe_bs_shim.h"

#include "tests/shim/cli_run.h"
#include "tests/shim/rtl_check.h"

namespace {

using coda_test::next;
using coda_test::num;

using coda_test::have;
using coda_test::Result;
using coda_test::root;
using coda_test::slurp;
using coda_test::tmpdir;


// A value from distribution dist: 0 uniform INT8, else normal with sigma
// dist, rounded and clamped to INT8.
int8_t draw(uint64_t *s, double sigma) {
  if (sigma <= 0) return (int8_t)(uint8_t)next(s);
  double u1 = ((next(s) >> 11) + 1.0) / 9007199254740993.0, u2 = (next(s) >> 11) / 9007199254740992.0;
  double x = std::lround(sigma * std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2));
  return (int8_t)std::max(-128.0, std::min(127.0, x));
}

struct Block {
  uint32_t groups = 0;
  std::vector<int8_t> a, b;  // a[c][k], b[r][k], K = 4 groups
};

// Non-zero digits of weight bw among the 4 values of group g of column c,
// counted from the digit encoding (tpe_enc_digits), not from the twin.
int nnz_of(const tpe_bs_cfg_t &cf, const Block &blk, uint32_t c, uint32_t g, int bw) {
  const uint32_t K = 4 * blk.groups;
  int n = 0;
  for (int j = 0; j < 4; j++) {
    tpe_digit_t d[TPE_ENC_DIGITS];
    tpe_enc_digits(cf.enc, blk.a[c * K + 4 * g + j], d);
    n += tpe_digit_value(d[bw]) != 0;
  }
  return n;
}

// Column c's cycles on a block: sum over the 4G (group, bw) beats of max(1, nnz).
uint64_t column_cycles(const tpe_bs_cfg_t &cf, const Block &blk, uint32_t c) {
  uint64_t t = 0;
  for (int bw = 0; bw < 4; bw++)
    for (uint32_t g = 0; g < blk.groups; g++) t += std::max(1, nnz_of(cf, blk, c, g, bw));
  return t;
}

struct DriveResult {
  std::vector<uint64_t> done_at;  // cycles (commits) after which done was 1
  uint64_t cycles = 0, macs = 0;
  int mismatches = 0;
};

// Feeds `blocks` through the twin (beats in block order: four passes bw =
// 0..3 over the groups; stall_in8: cycles in 8 without valid) and checks
// every block's results against the plain loop when its done pulse comes.
DriveResult drive(tpe_bs_t *t, const std::vector<Block> &blocks, uint64_t *rng, int stall_in8) {
  const tpe_bs_cfg_t &cf = t->cfg;
  DriveResult run;
  size_t fed = 0, checked = 0;
  uint32_t pos = 0;
  tpe_bs_beat_t beat;
  while (checked < blocks.size()) {
    memset(&beat, 0, sizeof beat);
    int valid = fed < blocks.size() && (int)(next(rng) % 8) >= stall_in8;
    if (valid) {
      const Block &blk = blocks[fed];
      const uint32_t K = 4 * blk.groups, g = pos % blk.groups;
      beat.bw = (uint8_t)(pos / blk.groups);
      beat.first = g == 0;
      beat.last = g + 1 == blk.groups;
      for (uint32_t c = 0; c < cf.cols; c++)
        for (int j = 0; j < 4; j++) beat.a[c][j] = blk.a[c * K + 4 * g + j];
      for (uint32_t r = 0; r < cf.rows; r++)
        for (int j = 0; j < 4; j++) beat.b[r][j] = blk.b[r * K + 4 * g + j];
    } else {
      for (uint32_t c = 0; c < cf.cols; c++)
        for (int j = 0; j < 4; j++) beat.a[c][j] = (int8_t)next(rng);  // junk on stalls
    }
    const int taken = valid && tpe_bs_ready(t);
    tpe_bs_in_t in = {(uint8_t)valid, &beat};
    tpe_bs_eval(t, &in);
    tpe_bs_commit(t);
    run.cycles++;
    if (taken && ++pos == 4 * blocks[fed].groups) fed++, pos = 0;
    if (tpe_bs_regs(t)->done) {
      const Block &blk = blocks[checked];
      const uint32_t K = 4 * blk.groups;
      for (uint32_t r = 0; r < cf.rows; r++)
        for (uint32_t c = 0; c < cf.cols; c++) {
          uint32_t want = 0;
          for (uint32_t k = 0; k < K; k++) want += (uint32_t)((int32_t)blk.a[c * K + k] * blk.b[r * K + k]);
          if (tpe_bs_regs(t)->res[r][c] != want && run.mismatches++ < 5)
            ADD_FAILURE() << "block " << checked << " res[" << r << "][" << c << "] = "
                          << (int32_t)tpe_bs_regs(t)->res[r][c] << ", plain loop " << (int32_t)want;
        }
      run.macs += (uint64_t)cf.rows * cf.cols * K;
      run.done_at.push_back(run.cycles);
      checked++;
    }
    if (run.cycles > 100000000ull) {
      ADD_FAILURE() << "no progress";
      break;
    }
  }
  return run;
}

Block make_block(const tpe_bs_cfg_t &cf, uint32_t groups, uint64_t *rng, double sigma) {
  Block b;
  b.groups = groups;
  b.a.resize((size_t)cf.cols * 4 * groups);
  b.b.resize((size_t)cf.rows * 4 * groups);
  for (auto &v : b.a) v = draw(rng, sigma);
  for (auto &v : b.b) v = draw(rng, sigma);
  return b;
}

struct Twin {
  tpe_bs_t *t = nullptr;
  explicit Twin(const tpe_bs_cfg_t &cf) {
    t = (tpe_bs_t *)calloc(1, sizeof *t);
    coda_err_t e{};
    EXPECT_EQ(tpe_bs_init(t, &cf, &e), 0) << e.msg;
  }
  ~Twin() { free(t); }
};

TEST(UnitTpeBs, MatchesPlainLoopOnRandomData) {
  uint64_t rng = 11;
  const uint32_t shapes[][3] = {{1, 1, 1}, {2, 3, 2}, {3, 2, 3}, {4, 4, 2}, {1, 5, 4}, {5, 1, 8}};
  for (auto enc : {TPE_ENC_MBE, TPE_ENC_ENT})
    for (auto &s : shapes) {
      tpe_bs_cfg_t cf = {s[0], s[1], s[2], TPE_BS_OPT4C, enc};
      SCOPED_TRACE(std::to_string(s[0]) + "x" + std::to_string(s[1]) + " depth " + std::to_string(s[2]) + " " +
                   tpe_enc_name(enc));
      Twin tw(cf);
      std::vector<Block> blocks;
      for (int i = 0; i < 40; i++) {
        double sigma = i % 4 == 0 ? 0 : i % 4 == 1 ? 3 : 40;
        blocks.push_back(make_block(cf, 1 + (uint32_t)(next(&rng) % 12), &rng, sigma));
      }
      Block ext = make_block(cf, 8, &rng, 0);  // extremes: -128 x -128 everywhere
      std::fill(ext.a.begin(), ext.a.end(), (int8_t)-128);
      std::fill(ext.b.begin(), ext.b.end(), (int8_t)-128);
      blocks.push_back(ext);
      DriveResult r = drive(tw.t, blocks, &rng, 2);
      EXPECT_EQ(r.mismatches, 0);
      EXPECT_EQ(r.done_at.size(), blocks.size());
    }
}

// With the FIFOs deep enough that no column starves (depth > 4G) and a
// stimulus that never stalls, block i ends exactly
//   max_c column_cycles(i, c) + 1   (the sync cycle)
// after block i-1, and the first block after max_c column_cycles + 2 (the
// beat taken in cycle 0 is first processed in cycle 1). Each column's busy
// cycles are exactly its own sum.
TEST(UnitTpeBs, CyclesPerBlockAreSumOfMaxOneNnzPlusSync) {
  uint64_t rng = 5;
  for (auto enc : {TPE_ENC_MBE, TPE_ENC_ENT})
    for (uint32_t cols : {1u, 3u}) {
      tpe_bs_cfg_t cf = {2, cols, 64, TPE_BS_OPT3, enc};
      SCOPED_TRACE(std::string(tpe_enc_name(enc)) + " cols " + std::to_string(cols));
      Twin tw(cf);
      std::vector<Block> blocks;
      for (int i = 0; i < 60; i++)
        blocks.push_back(make_block(cf, 1 + (uint32_t)(next(&rng) % 15), &rng, i % 3 == 0 ? 0 : 4.0 + i));
      DriveResult r = drive(tw.t, blocks, &rng, 0);
      ASSERT_EQ(r.done_at.size(), blocks.size());
      uint64_t prev = 0, busy[TPE_BS_MAX_C] = {};
      for (size_t i = 0; i < blocks.size(); i++) {
        uint64_t worst = 0;
        for (uint32_t c = 0; c < cols; c++) {
          uint64_t t = column_cycles(cf, blocks[i], c);
          busy[c] += t;
          worst = std::max(worst, t);
        }
        EXPECT_EQ(r.done_at[i] - prev, worst + 1 + (i == 0 ? 1 : 0)) << "block " << i;
        prev = r.done_at[i];
      }
      for (uint32_t c = 0; c < cols; c++) EXPECT_EQ(tw.t->st.busy[c], busy[c]) << "column " << c;
    }
}

// The input handshake: with depth 1 a column waits a cycle for each beat
// (ready comes back the cycle after a pop), so a block of one column takes
// sum of (max(1, nnz) + 1) cycles; a stimulus that stalls only delays.
TEST(UnitTpeBs, DepthOneAddsACyclePerBeat) {
  uint64_t rng = 9;
  tpe_bs_cfg_t cf = {3, 1, 1, TPE_BS_OPT4C, TPE_ENC_MBE};
  Twin tw(cf);
  std::vector<Block> blocks;
  for (int i = 0; i < 30; i++) blocks.push_back(make_block(cf, 1 + (uint32_t)(next(&rng) % 6), &rng, 20));
  DriveResult r = drive(tw.t, blocks, &rng, 0);
  ASSERT_EQ(r.done_at.size(), blocks.size());
  uint64_t prev = 0;
  for (size_t i = 0; i < blocks.size(); i++) {
    uint64_t want = column_cycles(cf, blocks[i], 0) + 4 * blocks[i].groups + (i == 0 ? 1 : 0);
    EXPECT_EQ(r.done_at[i] - prev, want) << "block " << i;
    prev = r.done_at[i];
  }
}

// MACs per cycle of an 8 x 8 array (depth 64, K = 60 per block, no stalls)
// on four input distributions (A and B drawn alike; only A sets the timing).
// A dense bit-parallel array of 64 MACs would do 64 per cycle; one PE here
// does at most one group of 4 k values per cycle per digit weight, i.e. at
// most 1 MAC per cycle (all four same-weight digits zero or one non-zero).
TEST(UnitTpeBs, ThroughputPerDistributionPrinted) {
  const double sigmas[] = {0, 10, 30, 50};
  for (auto enc : {TPE_ENC_MBE, TPE_ENC_ENT}) {
    double mpc[4];
    for (int d = 0; d < 4; d++) {
      uint64_t rng = 77 + d;
      tpe_bs_cfg_t cf = {8, 8, 64, TPE_BS_OPT4C, enc};
      Twin tw(cf);
      std::vector<Block> blocks;
      double nz = 0, n = 0;
      for (int i = 0; i < 150; i++) {
        blocks.push_back(make_block(cf, 15, &rng, sigmas[d]));
        for (int8_t a : blocks.back().a) nz += tpe_enc_nnz(enc, a), n++;
      }
      DriveResult r = drive(tw.t, blocks, &rng, 0);
      ASSERT_EQ(r.mismatches, 0);
      mpc[d] = (double)r.macs / (double)r.cycles;
      printf("  tpe_bs 8x8 %s %-9s: %.2f non-zero digits per A value, %.2f MACs/cycle (%.3f per PE), %llu cycles\n",
             tpe_enc_name(enc), d == 0 ? "uniform" : ("sigma " + std::to_string((int)sigmas[d])).c_str(), nz / n,
             mpc[d], mpc[d] / 64, (unsigned long long)r.cycles);
      EXPECT_GT(mpc[d], 64.0 / 16);  // never worse than 4 cycles per k value
      EXPECT_LE(mpc[d], 64.0);
    }
    EXPECT_GT(mpc[1], mpc[3]) << "narrow data (sigma 10) has fewer non-zero digits than sigma 50";
  }
}

// ---- co-simulation -----------------------------------------------------------------

const cosim_block_t *tpe_bs() { return cosim_find("tpe_bs"); }

using coda_test::cfg_of_set;

Result run(const std::string &args) { return coda_test::run_bin(coda_test::bin(), args); }

void tiles(const std::vector<cosim_field_t> &f, int n, uint32_t bits) {
  uint32_t at = 0;
  for (int i = 0; i < n; i++) {
    EXPECT_EQ(f[i].lsb, at) << f[i].name;
    EXPECT_GT(f[i].width, 0u) << f[i].name;
    at += f[i].width;
  }
  EXPECT_EQ(at, bits);
}

TEST(UnitCosimTpeBs, FieldsTileTheBusesExactly) {
  const cosim_block_t *b = tpe_bs();
  ASSERT_NE(b, nullptr);
  for (const char *const *s = b->test_sets; *s; s++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    uint32_t ib = 0, ob = 0;
    coda_err_t e{};
    ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
    void *tw = b->create(&c, 1);
    ASSERT_NE(tw, nullptr);
    std::vector<cosim_field_t> f(COSIM_MAX_FIELDS);
    int n = b->out_fields(tw, f.data(), COSIM_MAX_FIELDS);
    ASSERT_LT(n, COSIM_MAX_FIELDS);
    tiles(f, n, ob);
    n = b->in_fields(tw, f.data(), COSIM_MAX_FIELDS);
    tiles(f, n, ib);
    b->destroy(tw);
  }
  arch_cfg_t c = cfg_of_set("--set tpe.bs_rows=2");
  c.tpe_bs_depth = 0;  // below the range: the shape refuses it with the key's name
  uint32_t ib, ob;
  coda_err_t e{};
  EXPECT_NE(b->shape(&c, &ib, &ob, &e), 0);
  EXPECT_NE(std::string(e.msg).find("tpe.bs_depth"), std::string::npos) << e.msg;
}

#define NEED_COSIM()                                                                              \
  do {                                                                                            \
    if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)"; \
  } while (0)

TEST(CosimTpeBs, EveryTestSetZeroMismatches) {
  NEED_COSIM();
  int sets = 0;
  bool variant[2] = {}, enc[2] = {};
  for (const char *const *s = tpe_bs()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    variant[c.tpe_bs_variant] = enc[c.tpe_encoding] = true;
    Result r = run(std::string("cosim tpe_bs ") + *s + " --cycles 20000 --seed " + std::to_string(sets + 3));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 20000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    size_t at = r.out.find("transactions: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::strtoull(r.out.c_str() + at + 14, nullptr, 10), 200u) << "finished blocks";
  }
  EXPECT_GE(sets, 2);
  EXPECT_TRUE(variant[0] && variant[1]) << "opt3 and opt4c each have a test set";
  EXPECT_TRUE(enc[0] && enc[1]) << "mbe and ent each have a test set";
}

TEST(CosimTpeBs, InjectedScheduleBugNamesTheDigitMask) {
  NEED_COSIM();
  Result r = run(std::string("cosim tpe_bs ") + tpe_bs()->test_sets[0] + " --cycles 3000 --inject-bug rem");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FIRST DIVERGENCE at cycle "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  field col[0].rem"), std::string::npos) << r.out;
  r = run("cosim tpe_bs --set tpe.bs_rows=17 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("tpe.bs_rows"), std::string::npos) << r.err;
}

TEST(CosimRtl, TpeBsLintCleanAndYosysReadsBothVariants) {
  NEED_COSIM();
  std::vector<std::string> sets;
  for (const char *const *s = tpe_bs()->test_sets; *s; s++) sets.push_back(*s);
  sets.push_back("--set tpe.bs_rows=1 --set tpe.bs_cols=1 --set tpe.bs_depth=1 --set tpe.bs_variant=opt3");
  sets.push_back("--set tpe.bs_rows=4 --set tpe.bs_cols=2 --set tpe.bs_depth=4 --set tpe.bs_variant=opt4c --set tpe.encoding=ent");
  coda_test::expect_rtl_clean(tpe_bs(), sets, "tpe_bs_core", "proc; opt -fast");
}

// ---- `coda area tpe_bs` -------------------------------------------------------------


long long instances(const json_t *doc, const char *group) {
  const json_t *g = json_object_get(doc, "by_submodule");
  for (size_t i = 0; i < json_array_size(g); i++) {
    const json_t *e = json_array_get(g, i);
    const char *n = json_string_value(json_object_get(e, "group"));
    if (n && !strcmp(n, group)) return json_integer_value(json_object_get(e, "instances"));
  }
  return 0;
}

// opt3 puts an encoder + sparse encoder in every PE, opt4c one per column.
TEST(AreaTpeBs, Opt3VsOpt4cSmallPrintsAreaAndFmax) {
  SKIP_WITHOUT_AREA_FLOW();
  const char *variants[2] = {"opt3", "opt4c"};
  long long enc[2] = {};
  for (int i = 0; i < 2; i++) {
    std::string js = tmpdir() + "/tpe_bs_area_" + variants[i] + ".json";
    Result r = run(std::string("area tpe_bs --set tpe.bs_rows=2 --set tpe.bs_cols=1 --set tpe.bs_variant=") +
                   variants[i] + " --cache " + tmpdir() + "/tpe_bs_area_cache --json " + js);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    json_error_t je;
    json_t *d = json_load_file(js.c_str(), 0, &je);
    ASSERT_NE(d, nullptr) << je.text;
    double area = num(d, "area_um2"), fmax = num(json_object_get(d, "timing"), "fmax_mhz");
    EXPECT_GT(area, 0);
    EXPECT_GT(fmax, 0);
    printf("[ tpe_bs area ] R2 C1 %s mbe: %.0f um2, fmax %.1f MHz\n", variants[i], area, fmax);
    EXPECT_EQ(instances(d, "PEs (mux + 3:2 + sum/carry)"), 2);
    EXPECT_EQ(instances(d, "shift/add"), 2);
    enc[i] = instances(d, "encoders + sparse encoders");
    EXPECT_GT(enc[i], 0);
    json_decref(d);
  }
  EXPECT_EQ(enc[0], 2 * enc[1]) << "opt3: one encoder set per PE (2 rows); opt4c: one per column";
}

}  // namespace
