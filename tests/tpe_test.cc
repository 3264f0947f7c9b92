// tpe_test.cc: the bit-weight-transformed MAC engines (issue 5): the radix-4
// encoders (sim/tpe/tpe_enc.c) and the multiplier-adder tree TPE / 3D-Cube
// (sim/tpe/tpe_tree.c, rtl/tpe/tpe_tree_*.v, block "tpe_tree").
//
// Unit tier: both encoders on all 256 INT8 values (sum_bw d[bw] 4^bw == a,
// the digit sets, hand-derived digit strings of a few values), the average
// number of non-zero digits for uniform INT8 and normal sigma 10..50 (printed);
// the carry-save tree against its total; the tree twin against a plain int64
// loop for every variant x encoding at M = 1, 2, 3 rows, clock by clock
// (results and the cycle of `done`), opt1's sum + carry == the running sum
// every cycle; stalls, reset and the config checks; the steady-workload hook.
// Cosim tier: `coda cosim tpe_tree` on every test set of the registry (the 6
// variant x encoding combinations of the tree, the 3D-Cube at M2 for every
// variant), an injected twin bug caught with a named field, lint under
// verilator -Wall and Yosys reading every variant, a cube among them.
// Area tier: `coda area tpe_tree` for base and opt1 at a small size, and the
// cube's instance counts for base and opt2.
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
#include "tests/shim/tpe_shim.h"

#include "tests/shim/cli_run.h"
#include "tests/shim/rtl_check.h"

namespace {

using coda_test::next;
using coda_test::Doc;
using coda_test::num;

using coda_test::have;
using coda_test::Result;
using coda_test::root;
using coda_test::slurp;
using coda_test::tmpdir;


const tpe_enc_e kEncs[] = {TPE_ENC_MBE, TPE_ENC_ENT};
const tpe_variant_e kVariants[] = {TPE_VARIANT_BASE, TPE_VARIANT_OPT1, TPE_VARIANT_OPT2};

// ---- encoders ----------------------------------------------------------------

TEST(UnitTpeEnc, DigitsSumToTheValueForAll256) {
  for (tpe_enc_e e : kEncs)
    for (int a = -128; a <= 127; a++) {
      tpe_digit_t d[TPE_ENC_DIGITS];
      tpe_enc_digits(e, (int8_t)a, d);
      int sum = 0, w = 1;
      for (int bw = 0; bw < TPE_ENC_DIGITS; bw++, w *= 4) {
        ASSERT_FALSE(d[bw].one && d[bw].two) << tpe_enc_name(e) << " a=" << a;
        if (!d[bw].one && !d[bw].two) {
          ASSERT_EQ(d[bw].neg, 0) << "a zero digit is never negative, a=" << a;
        }
        int v = tpe_digit_value(d[bw]);
        if (e == TPE_ENC_MBE) {
          ASSERT_TRUE(v >= -2 && v <= 2) << a;
        } else {  // EN-T: the magnitude's digit in {-1, 0, 1, 2}, the sign applied
          int m = a < 0 ? -v : v;
          ASSERT_TRUE(m >= -1 && m <= 2) << "EN-T digit " << m << " of a=" << a;
        }
        sum += v * w;
      }
      ASSERT_EQ(sum, a) << tpe_enc_name(e);
    }
}

TEST(UnitTpeEnc, HandDerivedDigitStrings) {
  struct Case {
    tpe_enc_e e;
    int a;
    int d[4];  // LSB digit first
  } cases[] = {
      // MBE on (b[2i+1], b[2i], b[2i-1]): 127 = 0111 1111 -> -1, 0, 0, 2
      {TPE_ENC_MBE, 127, {-1, 0, 0, 2}},
      {TPE_ENC_MBE, -128, {0, 0, 0, -2}},
      {TPE_ENC_MBE, -1, {-1, 0, 0, 0}},
      {TPE_ENC_MBE, 85, {1, 1, 1, 1}},    // 0101 0101
      {TPE_ENC_MBE, 42, {-2, -1, -1, 1}}, // 0010 1010: -2 - 4 - 16 + 64
      // EN-T on |a| over {-1, 0, 1, 2}, then the sign
      {TPE_ENC_ENT, 127, {-1, 0, 0, 2}},  // 3 -> -1 c, 3+1 -> 0 c, 3+1 -> 0 c, 1+1 = 2
      {TPE_ENC_ENT, -128, {0, 0, 0, -2}},
      {TPE_ENC_ENT, 42, {2, 2, 2, 0}},    // 10 10 10
      {TPE_ENC_ENT, -42, {-2, -2, -2, 0}},
      {TPE_ENC_ENT, 43, {-1, -1, -1, 1}}, // 3 -> -1 c, 2+1 -> -1 c, 2+1 -> -1 c, 0+1
      {TPE_ENC_ENT, -3, {1, -1, 0, 0}},   // |a| = 3 -> -1, 1; negated
  };
  for (const Case &c : cases) {
    tpe_digit_t d[TPE_ENC_DIGITS];
    tpe_enc_digits(c.e, (int8_t)c.a, d);
    for (int bw = 0; bw < 4; bw++)
      EXPECT_EQ(tpe_digit_value(d[bw]), c.d[bw]) << tpe_enc_name(c.e) << " a=" << c.a << " digit " << bw;
    int nnz = 0;
    for (int v : c.d) nnz += v != 0;
    EXPECT_EQ(tpe_enc_nnz(c.e, (int8_t)c.a), nnz);
  }
  EXPECT_EQ(tpe_enc_nnz(TPE_ENC_MBE, 0), 0);
  EXPECT_EQ(tpe_enc_nnz(TPE_ENC_ENT, 0), 0);
}

// Average non-zero digits under a distribution given as weights over -128..127.
double avg_nnz(tpe_enc_e e, const std::vector<double> &w) {
  double s = 0, t = 0;
  for (int a = -128; a <= 127; a++) {
    s += w[a + 128] * tpe_enc_nnz(e, (int8_t)a);
    t += w[a + 128];
  }
  return s / t;
}

// Normal(0, sigma) rounded to the nearest integer and clamped to INT8: the
// exact probability of each value (no sampling).
std::vector<double> normal_int8(double sigma) {
  std::vector<double> w(256);
  auto cdf = [&](double x) { return 0.5 * std::erfc(-x / (sigma * std::sqrt(2.0))); };
  for (int a = -128; a <= 127; a++) {
    double lo = a == -128 ? -INFINITY : a - 0.5, hi = a == 127 ? INFINITY : a + 0.5;
    w[a + 128] = (std::isinf(hi) ? 1.0 : cdf(hi)) - (std::isinf(lo) ? 0.0 : cdf(lo));
  }
  return w;
}

TEST(UnitTpeEnc, NonZeroDigitAveragesPrinted) {
  std::vector<double> uni(256, 1.0);
  double mu = avg_nnz(TPE_ENC_MBE, uni), eu = avg_nnz(TPE_ENC_ENT, uni);
  printf("[ tpe nnz ] uniform INT8: MBE %.3f, EN-T %.3f non-zero digits of 4\n", mu, eu);
  // uniform over the 256 codes: MBE digits are 0 for (hi, mid, lo) in {000,
  // 111}, 2 of 8 patterns -> exactly 3 non-zero digits on average
  EXPECT_NEAR(mu, 3.0, 1e-12);
  EXPECT_LT(eu, 3.0);
  for (int sigma = 10; sigma <= 50; sigma += 10) {
    std::vector<double> w = normal_int8(sigma);
    double m = avg_nnz(TPE_ENC_MBE, w), n = avg_nnz(TPE_ENC_ENT, w);
    printf("[ tpe nnz ] normal sigma %d: MBE %.3f, EN-T %.3f\n", sigma, m, n);
    // REFERENCES.md: typical INT8 data (normal, sigma 10..50) averages about
    // 1.7 to 2.6 non-zero digits per operand
    EXPECT_GT(n, 1.5) << sigma;
    EXPECT_LT(n, 2.8) << sigma;
    EXPECT_LE(n, m + 1e-12) << "EN-T's sign-magnitude digits are never denser on symmetric data, sigma " << sigma;
  }
}

// ---- the carry-save tree -----------------------------------------------------------

TEST(UnitTpeTree, CarrySaveTreeKeepsTheTotal) {
  uint64_t seed = 9;
  for (int t = 0; t < 3000; t++) {
    uint32_t n = 1 + (uint32_t)(next(&seed) % 162), width = 2 + (uint32_t)(next(&seed) % 31);
    uint32_t m = width >= 32 ? 0xffffffffu : (1u << width) - 1;
    std::vector<uint32_t> ops(n);
    uint64_t total = 0;
    for (auto &o : ops) {
      o = (uint32_t)next(&seed) & m;
      total += o;
    }
    uint32_t s, c;
    tpe_tree_csa(ops.data(), n, width, &s, &c);
    ASSERT_EQ((s + c) & m, (uint32_t)total & m) << n << " operands of " << width << " bits";
    ASSERT_EQ(s & ~m, 0u);
    ASSERT_EQ(c & ~m, 0u);
    if (n == 1) {
      ASSERT_EQ(c, 0u);
    }
  }
}

// ---- the tree twin against a plain loop --------------------------------------------------

struct Beat {
  uint8_t valid, first, last;
  std::vector<int8_t> a, b;
};

// Drives the twin with random blocks and stalls; checks every block's
// results against sum_k a[m][k] * b[n][k] and the cycle its done appears.
void check_against_loop(const tpe_tree_cfg_t &c, uint64_t seed, int cycles, bool small) {
  tpe_tree_t t;
  coda_err_t err{};
  ASSERT_EQ(tpe_tree_init(&t, &c, &err), 0) << err.msg;
  const uint32_t lat = c.variant == TPE_VARIANT_OPT1 ? 2 : 1;  // beat t -> done after the clock of t + lat
  std::vector<int64_t> want((size_t)c.m * c.n, 0);  // [m][n]
  std::vector<std::pair<int, std::vector<int64_t>>> expect;
  size_t checked = 0;
  uint32_t left = 0;
  for (int cyc = 0; cyc < cycles; cyc++) {
    Beat s;
    s.a.resize((size_t)c.m * c.k);
    s.b.resize((size_t)c.n * c.k);
    auto val = [&]() {
      uint64_t r = next(&seed);
      if (r % 11 == 0) return (int8_t)((r >> 8) & 1 ? 127 : -128);
      return small ? (int8_t)((int)((r >> 8) % 31) - 15) : (int8_t)(uint8_t)(r >> 8);
    };
    for (auto &x : s.a) x = val();
    for (auto &x : s.b) x = val();
    s.valid = next(&seed) % 4 != 0;
    s.first = s.last = 0;
    if (s.valid) {
      if (!left) {
        left = 1 + (uint32_t)(next(&seed) % 6);
        s.first = 1;
      }
      s.last = --left == 0;
      for (uint32_t m = 0; m < c.m; m++)
        for (uint32_t n = 0; n < c.n; n++) {
          int64_t dot = 0;
          for (uint32_t k = 0; k < c.k; k++) dot += (int64_t)s.a[(size_t)m * c.k + k] * s.b[(size_t)n * c.k + k];
          want[(size_t)m * c.n + n] = (s.first ? 0 : want[(size_t)m * c.n + n]) + dot;
        }
      if (s.last) expect.push_back({cyc + (int)lat, want});
    } else {
      s.first = next(&seed) & 1;  // garbage on a stall must not matter
      s.last = next(&seed) & 1;
    }
    tpe_tree_in_t in{s.valid, s.first, s.last, s.a.data(), s.b.data()};
    tpe_tree_eval(&t, &in);
    tpe_tree_commit(&t);
    const tpe_tree_regs_t *q = tpe_tree_regs(&t);
    bool due = checked < expect.size() && expect[checked].first == cyc;
    ASSERT_EQ(q->done, due ? 1u : 0u) << "cycle " << cyc;
    if (due) {
      for (uint32_t o = 0; o < c.m * c.n; o++)
        ASSERT_EQ((int32_t)q->res[o], (int32_t)(uint32_t)expect[checked].second[o])
            << "cycle " << cyc << " row " << o / c.n << " column " << o % c.n;
      checked++;
    }
  }
  EXPECT_GT(checked, 20u);
  EXPECT_EQ(t.st.blocks, checked);
}

TEST(UnitTpeTree, EveryVariantAndEncodingMatchesPlainLoop) {
  uint64_t seed = 21;
  for (uint32_t m : {1u, 2u, 3u})
    for (tpe_variant_e v : kVariants)
      for (tpe_enc_e e : kEncs)
        for (int trial = 0; trial < 8; trial++) {
          tpe_tree_cfg_t c{1 + (uint32_t)(next(&seed) % TPE_TREE_MAX_K), 1 + (uint32_t)(next(&seed) % 6), v, e, m};
          if (trial == 0) c.k = 1;
          if (trial == 1) c.k = 16, c.n = 4;
          if (trial == 2) c.k = TPE_TREE_MAX_K;
          if (trial == 3) c.n = 1;
          SCOPED_TRACE(std::string(tpe_variant_name(v)) + "/" + tpe_enc_name(e) + " M" + std::to_string(c.m) + "K" +
                       std::to_string(c.k) + "N" + std::to_string(c.n));
          check_against_loop(c, seed + trial, 400, trial % 2);
          if (HasFatalFailure()) return;
        }
}

// The 3D-Cube's rows are independent: row m's results depend on a[m][.]
// only, and a cube equals M trees on the same weights (the shared B tile).
TEST(UnitTpeTree, CubeRowsAreTreesSharingTheWeights) {
  uint64_t seed = 77;
  for (tpe_variant_e v : kVariants) {
    const uint32_t M = 3, K = 5, N = 2;
    tpe_tree_cfg_t cube{K, N, v, TPE_ENC_MBE, M}, one{K, N, v, TPE_ENC_MBE, 1};
    tpe_tree_t tc, tr[M];
    coda_err_t err{};
    ASSERT_EQ(tpe_tree_init(&tc, &cube, &err), 0) << err.msg;
    for (uint32_t m = 0; m < M; m++) ASSERT_EQ(tpe_tree_init(&tr[m], &one, &err), 0) << err.msg;
    std::vector<int8_t> a(M * K), b(N * K);
    for (int cyc = 0; cyc < 60; cyc++) {
      for (auto &x : a) x = (int8_t)next(&seed);
      for (auto &x : b) x = (int8_t)next(&seed);
      uint8_t first = cyc % 6 == 0, last = cyc % 6 == 5;
      tpe_tree_in_t in{1, first, last, a.data(), b.data()};
      tpe_tree_eval(&tc, &in);
      tpe_tree_commit(&tc);
      for (uint32_t m = 0; m < M; m++) {
        tpe_tree_in_t r{1, first, last, a.data() + m * K, b.data()};
        tpe_tree_eval(&tr[m], &r);
        tpe_tree_commit(&tr[m]);
        const tpe_tree_regs_t *qc = tpe_tree_regs(&tc), *qr = tpe_tree_regs(&tr[m]);
        ASSERT_EQ(qc->done, qr->done);
        for (uint32_t n = 0; n < N; n++) {
          ASSERT_EQ(qc->res[m * N + n], qr->res[n]) << tpe_variant_name(v) << " cycle " << cyc << " row " << m;
          ASSERT_EQ(qc->sum[m * N + n], qr->sum[n]) << tpe_variant_name(v) << " cycle " << cyc << " row " << m;
          ASSERT_EQ(qc->carry[m * N + n], qr->carry[n]) << tpe_variant_name(v) << " cycle " << cyc << " row " << m;
        }
      }
    }
    EXPECT_GT(tc.st.blocks, 5u);
  }
}

// opt1 keeps the running sum as two vectors: sum + carry is the running sum
// every cycle, the carry vector is really used, and no CPA result appears
// before the cycle after `last`.
TEST(UnitTpeTree, Opt1SumPlusCarryIsTheRunningSum) {
  tpe_tree_cfg_t c{8, 3, TPE_VARIANT_OPT1, TPE_ENC_MBE, 1};
  tpe_tree_t t;
  coda_err_t err{};
  ASSERT_EQ(tpe_tree_init(&t, &c, &err), 0) << err.msg;
  uint64_t seed = 4;
  std::vector<int8_t> a(c.k), b(c.n * c.k);
  std::vector<int64_t> run(c.n, 0);
  int carries = 0;
  for (int cyc = 0; cyc < 200; cyc++) {
    for (auto &x : a) x = (int8_t)next(&seed);
    for (auto &x : b) x = (int8_t)next(&seed);
    uint8_t first = cyc % 50 == 0, last = cyc % 50 == 49;
    tpe_tree_in_t in{1, first, last, a.data(), b.data()};
    tpe_tree_eval(&t, &in);
    tpe_tree_commit(&t);
    // the beat of cycle cyc - 1 is in sum/carry now
    const tpe_tree_regs_t *q = tpe_tree_regs(&t);
    for (uint32_t n = 0; n < c.n && cyc >= 1; n++) {
      ASSERT_EQ((int32_t)(q->sum[n] + q->carry[n]), (int32_t)run[n]) << "cycle " << cyc;
      carries += q->carry[n] != 0;
    }
    for (uint32_t n = 0; n < c.n; n++) {
      int64_t dot = 0;
      for (uint32_t k = 0; k < c.k; k++) dot += (int64_t)a[k] * b[n * c.k + k];
      run[n] = (first ? 0 : run[n]) + dot;
    }
  }
  EXPECT_GT(carries, 100) << "the carry register carries";
}

TEST(UnitTpeTree, StallsHoldAndResetClears) {
  for (tpe_variant_e v : kVariants) {
    tpe_tree_cfg_t c{4, 2, v, TPE_ENC_ENT, 1};
    tpe_tree_t t;
    coda_err_t err{};
    ASSERT_EQ(tpe_tree_init(&t, &c, &err), 0) << err.msg;
    std::vector<int8_t> a = {3, -5, 7, 127}, b = {1, 2, 3, 4, -1, -2, -3, -128}, z(8, 9);
    tpe_tree_in_t go{1, 1, 1, a.data(), b.data()}, stall{0, 1, 1, z.data(), z.data()};
    tpe_tree_eval(&t, &go);
    tpe_tree_commit(&t);
    for (int i = 0; i < 4; i++) {
      tpe_tree_eval(&t, &stall);
      tpe_tree_commit(&t);
    }
    const tpe_tree_regs_t *q = tpe_tree_regs(&t);
    EXPECT_EQ((int32_t)q->res[0], 3 - 10 + 21 + 508) << tpe_variant_name(v);
    EXPECT_EQ((int32_t)q->res[1], -3 + 10 - 21 - 16256) << tpe_variant_name(v);
    EXPECT_EQ(q->a[3], 127) << "a stall holds the operand registers";
    EXPECT_EQ(q->done, 0);
    tpe_tree_reset(&t);
    EXPECT_EQ(tpe_tree_regs(&t)->res[0], 0u);
    EXPECT_EQ(tpe_tree_regs(&t)->a[3], 0);
  }
}

TEST(UnitTpeTree, ConfigFromParamsAndChecks) {
  arch_cfg_t cfg;
  std::vector<arch_set_t> sets = {{"tpe.k=12"}, {"tpe.n=3"}, {"tpe.variant=opt2"}, {"tpe.encoding=ent"},
                                  {"tpe.m=5"}};
  coda_err_t e{};
  ASSERT_EQ(arch_cfg_load(&cfg, nullptr, sets.data(), (int)sets.size(), &e), 0) << e.msg;
  tpe_tree_cfg_t c = tpe_tree_cfg_of(&cfg);
  EXPECT_EQ(c.k, 12u);
  EXPECT_EQ(c.n, 3u);
  EXPECT_EQ(c.variant, TPE_VARIANT_OPT2);
  EXPECT_EQ(c.enc, TPE_ENC_ENT);
  EXPECT_EQ(c.m, 5u);
  EXPECT_EQ(tpe_tree_narrow_bits(16), 13u) << "the paper's ~13-bit narrow trees at K16";
  tpe_tree_t t;
  tpe_tree_cfg_t bad{TPE_TREE_MAX_K + 1, 1, TPE_VARIANT_BASE, TPE_ENC_MBE, 1};
  EXPECT_EQ(tpe_tree_init(&t, &bad, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("K33"), std::string::npos) << e.msg;
  bad = {4, 0, TPE_VARIANT_BASE, TPE_ENC_MBE, 1};
  EXPECT_EQ(tpe_tree_init(&t, &bad, &e), CODA_EINVAL);
  for (uint32_t m : {0u, (uint32_t)TPE_TREE_MAX_M + 1}) {
    bad = {4, 2, TPE_VARIANT_BASE, TPE_ENC_MBE, m};
    EXPECT_EQ(tpe_tree_init(&t, &bad, &e), CODA_EINVAL) << m;
    EXPECT_NE(std::string(e.msg).find("tpe.m"), std::string::npos) << e.msg;
  }
  tpe_tree_cfg_t cube{4, 2, TPE_VARIANT_BASE, TPE_ENC_MBE, TPE_TREE_MAX_M};
  EXPECT_EQ(tpe_tree_init(&t, &cube, &e), 0) << e.msg;
}

// ---- `coda cosim tpe_tree` ---------------------------------------------------------

Result run(const std::string &args) { return coda_test::run_bin(coda_test::bin(), args); }

const cosim_block_t *tpe_tree() { return cosim_find("tpe_tree"); }

using coda_test::cfg_of_set;

TEST(UnitCosimTpeTree, FieldsTileTheBusesExactly) {
  const cosim_block_t *b = tpe_tree();
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
    uint32_t at = 0;
    bool sum_seen = false;
    for (int i = 0; i < n; i++) {
      EXPECT_EQ(f[i].lsb, at) << f[i].name;
      at += f[i].width;
      sum_seen |= !strncmp(f[i].name, "carry[", 6);
    }
    EXPECT_EQ(at, ob);
    EXPECT_EQ(sum_seen, strstr(*s, "opt1") != nullptr) << "opt1 compares its carry-save registers";
    n = b->in_fields(tw, f.data(), COSIM_MAX_FIELDS);
    at = 0;
    for (int i = 0; i < n; i++) at += f[i].width;
    EXPECT_EQ(at, ib);
    b->destroy(tw);
  }
}

// The steady-workload hook: blocks of 16 valid beats, a beat with
// probability rate, data held on stalls, no resets, M*N*K MACs per valid
// beat; its stream through the twin gives the plain loop's results.
TEST(UnitCosimTpeTree, SteadyWorkloadStreamsBlocksOf16) {
  const cosim_block_t *b = tpe_tree();
  ASSERT_NE(b, nullptr);
  ASSERT_NE(b->workload, nullptr);
  for (const char *set : {"--set tpe.m=1 --set tpe.k=4 --set tpe.n=3 --set tpe.variant=opt1",
                          "--set tpe.m=3 --set tpe.k=5 --set tpe.n=2 --set tpe.variant=opt2 --set tpe.encoding=ent"}) {
    for (double rate : {1.0, 0.5}) {
      SCOPED_TRACE(std::string(set) + " rate " + std::to_string(rate));
      arch_cfg_t cfg = cfg_of_set(set);
      const uint32_t M = (uint32_t)cfg.tpe_m, K = (uint32_t)cfg.tpe_k, N = (uint32_t)cfg.tpe_n;
      uint32_t ib = 0, ob = 0;
      coda_err_t e{};
      ASSERT_EQ(b->shape(&cfg, &ib, &ob, &e), 0) << e.msg;
      void *tw = b->create(&cfg, 3);
      ASSERT_NE(tw, nullptr);
      cosim_workload_t w{rate, COSIM_DIST_UNIFORM, 0};
      std::vector<uint64_t> in((ib + 63) / 64), prev(in.size()), out((ob + 63) / 64);
      std::vector<int64_t> want((size_t)M * N, 0);
      std::vector<std::vector<int64_t>> blocks;  // each finished block's plain-loop results
      const uint32_t res_at = 0, done_at = M * N * 32;
      uint32_t pos = 0, valid_n = 0, checked = 0, nonzero = 0;
      const int cycles = 2000;
      for (int cyc = 0; cyc < cycles; cyc++) {
        double macs = b->workload(tw, (uint64_t)cyc, &w, in.data());
        EXPECT_EQ(b->in_reset(tw), 0);
        const int valid = (int)cosim_get(in.data(), 0, 1), first = (int)cosim_get(in.data(), 1, 1),
                  last = (int)cosim_get(in.data(), 2, 1);
        ASSERT_EQ(macs, valid ? (double)M * N * K : 0.0) << "cycle " << cyc;
        if (!valid) {
          ASSERT_EQ(first | last, 0) << "cycle " << cyc;
          if (cyc > 0) {
            for (uint32_t i = 0; i < (M + N) * K; i++)
              ASSERT_EQ(cosim_get(in.data(), 3 + 8 * i, 8), cosim_get(prev.data(), 3 + 8 * i, 8))
                  << "held, cycle " << cyc;
          }
        } else {
          valid_n++;
          ASSERT_EQ(first, pos == 0) << "cycle " << cyc;
          ASSERT_EQ(last, pos == 15) << "cycle " << cyc;
          pos = (pos + 1) % 16;
          for (uint32_t m = 0; m < M; m++)
            for (uint32_t n = 0; n < N; n++) {
              int64_t dot = 0;
              for (uint32_t k = 0; k < K; k++) {
                int8_t a = (int8_t)cosim_get(in.data(), 3 + 8 * (m * K + k), 8);
                int8_t bb = (int8_t)cosim_get(in.data(), 3 + 8 * (M * K + n * K + k), 8);
                dot += (int64_t)a * bb;
                nonzero += a != 0;
              }
              want[m * N + n] = (first ? 0 : want[m * N + n]) + dot;
            }
          if (last) blocks.push_back(want);
        }
        prev = in;
        b->step(tw, in.data(), out.data());
        if (cosim_get(out.data(), done_at, 1)) {
          ASSERT_LT(checked, blocks.size()) << "cycle " << cyc;
          for (uint32_t o = 0; o < M * N; o++)
            ASSERT_EQ((int32_t)cosim_get(out.data(), res_at + 32 * o, 32), (int32_t)(uint32_t)blocks[checked][o])
                << "cycle " << cyc << " output " << o;
          checked++;
        }
      }
      if (rate >= 1.0) {
        EXPECT_EQ(valid_n, (uint32_t)cycles);
      } else {
        EXPECT_NEAR(valid_n / (double)cycles, rate, 0.05);
      }
      EXPECT_GE(checked + 2, blocks.size());
      EXPECT_GT(checked, 40u);
      EXPECT_EQ(b->transactions(tw), checked);
      EXPECT_GT(nonzero, valid_n * M * N * K / 2) << "uniform draws";
      b->destroy(tw);
    }
  }
  // normal(0, 10) draws are small
  arch_cfg_t cfg = cfg_of_set("--set tpe.m=2 --set tpe.k=4 --set tpe.n=2");
  void *tw = b->create(&cfg, 5);
  ASSERT_NE(tw, nullptr);
  cosim_workload_t w{1.0, COSIM_DIST_NORMAL, 10.0};
  std::vector<uint64_t> in(4);
  double abs_sum = 0;
  int cnt = 0;
  for (int cyc = 0; cyc < 500; cyc++) {
    b->workload(tw, (uint64_t)cyc, &w, in.data());
    for (uint32_t i = 0; i < 4 * 4; i++, cnt++) abs_sum += std::abs((int8_t)cosim_get(in.data(), 3 + 8 * i, 8));
  }
  EXPECT_NEAR(abs_sum / cnt, 10.0 * std::sqrt(2.0 / M_PI), 1.0) << "E|N(0, 10)| = 7.98";
  b->destroy(tw);
}

#define NEED_COSIM()                                                                              \
  do {                                                                                            \
    if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)"; \
  } while (0)

TEST(CosimTpeTree, EveryVariantAndEncodingZeroMismatches) {
  NEED_COSIM();
  int sets = 0;
  bool seen[3][2] = {}, seen_m[3][2] = {};  // [variant][encoding], [variant][M > 1]
  for (const char *const *s = tpe_tree()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    seen[c.tpe_variant][c.tpe_encoding] = true;
    seen_m[c.tpe_variant][c.tpe_m > 1] = true;
    Result r = run(std::string("cosim tpe_tree ") + *s + " --cycles 20000 --seed " + std::to_string(sets + 5));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 20000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    size_t at = r.out.find("transactions: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::strtoull(r.out.c_str() + at + 14, nullptr, 10), 1000u) << "finished blocks";
  }
  for (int v = 0; v < 3; v++)
    for (int e = 0; e < 2; e++) EXPECT_TRUE(seen[v][e]) << "variant " << v << " encoding " << e << " has a test set";
  for (int v = 0; v < 3; v++) {
    EXPECT_TRUE(seen_m[v][0]) << "variant " << v << " has a tree (M = 1) test set";
    EXPECT_TRUE(seen_m[v][1]) << "variant " << v << " has a cube (M > 1) test set";
  }
}

TEST(CosimTpeTree, InjectedCarryBugNamesTheCarryRegister) {
  NEED_COSIM();
  const char *set = "--set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt1 --set tpe.encoding=mbe";
  Result r = run(std::string("cosim tpe_tree ") + set + " --cycles 2000 --inject-bug carry");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FIRST DIVERGENCE at cycle "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  field carry["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 mismatch"), std::string::npos) << r.out;
  r = run("cosim tpe_tree --set tpe.m=2 --set tpe.k=4 --set tpe.n=2 --set tpe.variant=opt1 --cycles 2000 "
          "--inject-bug carry");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("  field carry[0][0]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("carry[1][1]"), std::string::npos) << "the cube's second row is compared too: " << r.out;
  r = run("cosim tpe_tree --set tpe.k=40 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("tpe.k"), std::string::npos) << r.err;
  r = run("cosim tpe_tree --set tpe.m=17 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("tpe.m"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

TEST(CosimRtl, TpeTreeLintCleanAndYosysReadsEveryVariant) {
  NEED_COSIM();
  std::vector<std::string> sets;
  for (const char *const *s = tpe_tree()->test_sets; *s; s++) sets.push_back(*s);
  sets.push_back("--set tpe.k=1 --set tpe.n=1 --set tpe.variant=opt2 --set tpe.encoding=ent");
  sets.push_back("--set tpe.k=3 --set tpe.n=1 --set tpe.variant=opt1 --set tpe.encoding=ent");
  sets.push_back("--set tpe.m=3 --set tpe.k=1 --set tpe.n=1 --set tpe.variant=opt2 --set tpe.encoding=mbe");
  sets.push_back("--set tpe.m=3 --set tpe.k=3 --set tpe.n=2 --set tpe.variant=opt1 --set tpe.encoding=ent");
  coda_test::expect_rtl_clean(tpe_tree(), sets, "tpe_tree_core", "proc; opt -fast");
}

// ---- `coda area tpe_tree` ---------------------------------------------------------------

long long instances(const json_t *doc, const char *group) {
  const json_t *g = json_object_get(doc, "by_submodule");
  for (size_t i = 0; i < json_array_size(g); i++) {
    const json_t *e = json_array_get(g, i);
    const char *n = json_string_value(json_object_get(e, "group"));
    if (n && !strcmp(n, group)) return json_integer_value(json_object_get(e, "instances"));
  }
  return 0;
}

TEST(AreaTpeTree, BaseVsOpt1SmallPrintsAreaAndFmax) {
  SKIP_WITHOUT_AREA_FLOW();
  double area[2], fmax[2];
  const char *variants[2] = {"base", "opt1"};
  for (int i = 0; i < 2; i++) {
    std::string js = tmpdir() + "/tpe_area_" + variants[i] + ".json";
    Result r = run(std::string("area tpe_tree --set tpe.k=4 --set tpe.n=2 --set tpe.variant=") + variants[i] +
                   " --cache " + tmpdir() + "/tpe_area_cache --json " + js);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("tpe_tree"), std::string::npos) << r.out;
    Doc d;
    json_error_t je;
    d.j = json_load_file(js.c_str(), 0, &je);
    ASSERT_NE(d.j, nullptr) << je.text;
    area[i] = num(d.j, "area_um2");
    fmax[i] = num(json_object_get(d.j, "timing"), "fmax_mhz");
    EXPECT_GT(area[i], 0);
    EXPECT_GT(fmax[i], 0);
    printf("[ tpe area ] K4 N2 %s mbe: %.0f um2, fmax %.1f MHz\n", variants[i], area[i], fmax[i]);
    // the RTL's structure: base has K*N multipliers with a CPA each and N
    // adder trees; opt1 has no multiplier CPA, two carry-save trees per column
    // (the narrow beat tree and the 5 x 32 accumulation tree) plus
    // per-multiplier encoders
    if (i == 0) {
      EXPECT_EQ(instances(d.j, "multipliers (CPA)"), 8);
      EXPECT_EQ(instances(d.j, "adder trees"), 2);
    } else {
      EXPECT_EQ(instances(d.j, "multipliers (CPA)"), 0);
      EXPECT_EQ(instances(d.j, "carry-save trees"), 4);
      EXPECT_EQ(instances(d.j, "encoders"), 8);
    }
  }
}

// The 3D-Cube's structure: base has M*N*K multipliers and M*N adder trees;
// opt2 shares a[m][k]'s encoder across the N columns (M*K encoders) and has
// per output 4 narrow trees and the 6 x 32 tree (5*M*N carry-save trees).
TEST(AreaTpeTree, CubeInstancesScaleWithM) {
  SKIP_WITHOUT_AREA_FLOW();
  const long long M = 2, K = 4, N = 2;
  for (const char *v : {"base", "opt2"}) {
    std::string js = tmpdir() + "/tpe_cube_area_" + v + ".json";
    Result r = run(std::string("area tpe_tree --set tpe.m=2 --set tpe.k=4 --set tpe.n=2 --set tpe.variant=") + v +
                   " --cache " + tmpdir() + "/tpe_area_cache --json " + js);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    Doc d;
    json_error_t je;
    d.j = json_load_file(js.c_str(), 0, &je);
    ASSERT_NE(d.j, nullptr) << je.text;
    EXPECT_GT(num(d.j, "area_um2"), 0);
    printf("[ tpe area ] M2 K4 N2 %s mbe: %.0f um2\n", v, num(d.j, "area_um2"));
    if (!strcmp(v, "base")) {
      EXPECT_EQ(instances(d.j, "multipliers (CPA)"), M * N * K);
      EXPECT_EQ(instances(d.j, "adder trees"), M * N);
    } else {
      EXPECT_EQ(instances(d.j, "encoders"), M * K);
      EXPECT_EQ(instances(d.j, "carry-save trees"), 5 * M * N);
      EXPECT_EQ(instances(d.j, "partial products"), M * N * K);
    }
  }
}

}  // namespace
