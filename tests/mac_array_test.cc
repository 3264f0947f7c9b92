// mac_array_test.cc: the MAC tensor core's cycle-level array model
// (sim/mac/mac_array.c, the C twin of rtl/mac_tc) and its co-simulation.
//
// Unit tier: the model against a plain loop, clock by clock; the block
// "mac_tc" (sim/cosim/blk_mac_tc.c): bus widths, field names, stimulus.
// Golden tier: the device's MMA INT path (which runs that model) against
// the reference GEMM on shapes and pipeline depths the other golden tests
// leave out.
// Cosim tier: `coda cosim mac_tc` on every test parameter set of the block
// (the registry's, so they are not typed twice), a deliberately wrong twin
// (--inject-bug zero-point) caught with a first-divergence report, the RTL
// lint-clean under verilator -Wall and synthesized by Yosys, and parameters
// the RTL does not support (exit 2, one line).
// Expected values come from the definition C[m][n] = sum a[m][k] *
// (q[n][k] - z[n]) (wrapped at the accumulator width) and from the timing
// rule "a beat presented in cycle t is in the accumulators after the clock
// of cycle t + P" (P = core.pipeline_cycles).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/shim/test_util.h"
#include "tests/shim/mac_shim.h"

#include "tests/shim/cli_run.h"
#include "tests/shim/rtl_check.h"

namespace {

using coda_test::next;


int64_t wrap(int64_t v, uint32_t bits) {
  return bits == 64 ? v : (int64_t)(int32_t)(uint32_t)(uint64_t)v;  // bits is 32 or 64
}

// One cycle's inputs, owned.
struct Beat {
  uint8_t valid = 0, first = 0, last = 0;
  std::vector<int16_t> act;
  std::vector<uint8_t> q, z;
};

Beat random_beat(const mac_array_cfg_t &c, uint64_t *s, int extreme) {
  Beat b;
  b.act.resize(c.m * c.k);
  b.q.resize(c.n * c.k);
  b.z.resize(c.n);
  const int16_t lo = c.act_bits == 8 ? -128 : -32768, hi = c.act_bits == 8 ? 127 : 32767;
  for (auto &a : b.act) {
    uint64_t r = next(s);
    if (extreme) a = (r & 1) ? hi : lo;
    else a = c.act_bits == 8 ? (int16_t)(int8_t)(uint8_t)r : (int16_t)(uint16_t)r;
  }
  for (auto &q : b.q) q = extreme ? ((next(s) & 1) ? 15 : 0) : (uint8_t)(next(s) & 15);
  for (auto &z : b.z) z = extreme ? ((next(s) & 1) ? 15 : 0) : (uint8_t)(next(s) & 15);
  return b;
}

mac_array_in_t in_of(const Beat &b) {
  return mac_array_in_t{b.valid, b.first, b.last, b.act.data(), b.q.data(), b.z.data()};
}

// The plain loop: one beat's contribution to output (m, n).
int64_t dot(const mac_array_cfg_t &c, const Beat &b, uint32_t m, uint32_t n) {
  int64_t s = 0;
  for (uint32_t k = 0; k < c.k; k++)
    s += (int64_t)b.act[m * c.k + k] * ((int64_t)b.q[n * c.k + k] - b.z[n]);
  return s;
}

struct Array {
  mac_array_t a;
  explicit Array(const mac_array_cfg_t &c) {
    coda_err_t e{};
    EXPECT_EQ(mac_array_init(&a, &c, &e), 0) << e.msg;
  }
  ~Array() { mac_array_free(&a); }
  const mac_array_regs_t *step(const Beat &b) {
    mac_array_in_t in = in_of(b);
    mac_array_eval(&a, &in);
    mac_array_commit(&a);
    return mac_array_regs(&a);
  }
};

mac_array_cfg_t cfg(uint32_t m, uint32_t n, uint32_t k, uint32_t p, uint32_t act, uint32_t acc) {
  return mac_array_cfg_t{m, n, k, p, act, acc};
}

// Random output blocks of 1..maxlen beats, stalls (valid = 0, random data)
// within and between them; after every clock, `done` must be 1 exactly P
// clocks after a block's last beat, and then the accumulators must hold the
// plain loop's sums of the block.
void run_random_blocks(const mac_array_cfg_t &c, uint64_t seed, int blocks, int maxlen, int extreme) {
  SCOPED_TRACE("M" + std::to_string(c.m) + "N" + std::to_string(c.n) + "K" + std::to_string(c.k) +
               " P" + std::to_string(c.pipe) + " act" + std::to_string(c.act_bits) + " acc" +
               std::to_string(c.acc_bits));
  uint64_t s = seed;
  Array arr(c);
  struct Pending {
    uint64_t done_at;
    std::vector<int64_t> want;
  };
  std::vector<Pending> pend;
  uint64_t t = 0, checked = 0;
  auto clock = [&](const Beat &b) {
    const mac_array_regs_t *r = arr.step(b);
    bool due = !pend.empty() && pend.front().done_at == t;
    ASSERT_EQ(r->done, due ? 1 : 0) << "cycle " << t;
    if (due) {
      for (uint32_t i = 0; i < c.m * c.n; i++) ASSERT_EQ(r->acc[i], pend.front().want[i]) << "cycle " << t << " output " << i;
      pend.erase(pend.begin());
      checked++;
    }
    t++;
  };
  for (int blk = 0; blk < blocks; blk++) {
    int len = 1 + (int)(next(&s) % maxlen);
    std::vector<int64_t> want(c.m * c.n, 0);
    for (int i = 0; i < len; i++) {
      while (next(&s) % 4 == 0) {  // a stall: garbage data, valid = 0 (first/last ignored)
        Beat g = random_beat(c, &s, 0);
        g.first = next(&s) & 1;
        g.last = next(&s) & 1;
        clock(g);
        if (::testing::Test::HasFatalFailure()) return;
      }
      Beat b = random_beat(c, &s, extreme);
      b.valid = 1;
      b.first = i == 0;
      b.last = i == len - 1;
      for (uint32_t m = 0; m < c.m; m++)
        for (uint32_t n = 0; n < c.n; n++)
          want[m * c.n + n] = wrap(want[m * c.n + n] + dot(c, b, m, n), c.acc_bits);
      if (b.last) pend.push_back(Pending{t + c.pipe, want});
      clock(b);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  for (uint32_t i = 0; i <= c.pipe; i++) {  // drain
    clock(Beat{0, 0, 0, std::vector<int16_t>(c.m * c.k), std::vector<uint8_t>(c.n * c.k),
               std::vector<uint8_t>(c.n)});
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(checked, (uint64_t)blocks);
  EXPECT_EQ(arr.a.st.blocks, (uint64_t)blocks);
  EXPECT_TRUE(pend.empty());
}

TEST(UnitMacArray, MatchesPlainLoopOverRandomBlocks) {
  run_random_blocks(cfg(2, 4, 4, 2, 8, 32), 1, 300, 8, 0);
  run_random_blocks(cfg(3, 5, 3, 1, 8, 32), 2, 300, 8, 0);
  run_random_blocks(cfg(1, 6, 8, 3, 8, 32), 3, 300, 8, 0);
  run_random_blocks(cfg(2, 64, 4, 2, 8, 32), 4, 100, 8, 0);
  run_random_blocks(cfg(4, 3, 7, 0, 16, 64), 5, 300, 8, 0);
  run_random_blocks(cfg(1, 1, 1, 5, 16, 32), 6, 300, 8, 0);
  run_random_blocks(cfg(3, 2, 5, 6, 8, 64), 7, 300, 8, 0);
}

TEST(UnitMacArray, MatchesPlainLoopOnExtremeOperands) {
  // -128/127 (or -32768/32767) against q, z in {0, 15}: products at their
  // largest magnitude, blocks long enough that INT16 x INT32 wraps.
  run_random_blocks(cfg(2, 4, 4, 2, 8, 32), 11, 200, 16, 1);
  run_random_blocks(cfg(2, 3, 8, 2, 16, 32), 12, 40, 2000, 1);
  run_random_blocks(cfg(2, 3, 8, 1, 16, 64), 13, 40, 2000, 1);
}

TEST(UnitMacArray, AccumulatorWrapsAtItsWidth) {
  // 1000 beats of a = -32768 against q = 0, z = 15 at K = 8: every beat adds
  // 8 * 491520 = 3932160, 3932160000 in all, which is 3932160000 - 2^32 =
  // -362807296 in an INT32 accumulator and exact in an INT64 one.
  for (uint32_t acc : {32u, 64u}) {
    mac_array_cfg_t c = cfg(1, 1, 8, 2, 16, acc);
    Array arr(c);
    Beat b{1, 0, 0, std::vector<int16_t>(8, -32768), std::vector<uint8_t>(8, 0), {15}};
    for (int i = 0; i < 1000; i++) {
      b.first = i == 0;
      b.last = i == 999;
      arr.step(b);
    }
    Beat idle{0, 0, 0, std::vector<int16_t>(8), std::vector<uint8_t>(8), {0}};
    arr.step(idle);
    const mac_array_regs_t *r = arr.step(idle);
    EXPECT_EQ(r->done, 1);
    EXPECT_EQ(r->acc[0], acc == 32 ? -362807296ll : 3932160000ll) << "acc" << acc;
  }
}

TEST(UnitMacArray, LatencyIsPipelineCycles) {
  // One one-beat block at cycle 0: done and the result appear after the
  // clock of cycle P, not P - 1.
  for (uint32_t p : {0u, 1u, 2u, 3u, 7u}) {
    mac_array_cfg_t c = cfg(1, 2, 2, p, 8, 32);
    Array arr(c);
    Beat b{1, 1, 1, {3, -5}, {7, 1, 15, 0}, {2, 9}};
    Beat idle{0, 0, 0, {0, 0}, {0, 0, 0, 0}, {0, 0}};
    // (3*(7-2) + -5*(1-2), 3*(15-9) + -5*(0-9)) = (20, 63)
    const mac_array_regs_t *r = arr.step(b);
    for (uint32_t t = 0; t < p; t++) {
      EXPECT_EQ(r->done, 0) << "P" << p << " cycle " << t;
      EXPECT_EQ(r->acc[0], 0) << "P" << p << " cycle " << t;
      r = arr.step(idle);
    }
    EXPECT_EQ(r->done, 1) << "P" << p;
    EXPECT_EQ(r->acc[0], 20) << "P" << p;
    EXPECT_EQ(r->acc[1], 63) << "P" << p;
    r = arr.step(idle);
    EXPECT_EQ(r->done, 0) << "P" << p << ": done is one pulse";
    EXPECT_EQ(r->acc[1], 63) << "P" << p << ": the result holds";
  }
}

TEST(UnitMacArray, StallsHoldEveryRegister) {
  // valid = 0 with random data (and first/last set) changes no data register.
  mac_array_cfg_t c = cfg(2, 3, 4, 3, 8, 32);
  Array arr(c);
  uint64_t s = 99;
  for (int i = 0; i < 5; i++) {  // fill the pipeline with a block in flight
    Beat b = random_beat(c, &s, 0);
    b.valid = 1;
    b.first = i == 0;
    arr.step(b);
  }
  auto snap = [&]() {
    const mac_array_regs_t *r = mac_array_regs(&arr.a);
    std::vector<int64_t> v;
    for (uint32_t i = 0; i < c.m * c.k; i++) v.push_back(r->op_a[i]);
    for (uint32_t i = 0; i < c.n * c.k; i++) v.push_back(r->op_w[i]);
    for (uint32_t i = 0; i < (c.pipe - 1) * c.m * c.n; i++) v.push_back(r->sum[i]);
    return v;
  };
  Beat g0 = random_beat(c, &s, 0);
  for (uint32_t i = 0; i < c.pipe; i++) arr.step(g0);  // the beats in flight land
  std::vector<int64_t> data = snap();
  std::vector<int64_t> acc(mac_array_regs(&arr.a)->acc, mac_array_regs(&arr.a)->acc + c.m * c.n);
  for (int i = 0; i < 10; i++) {
    Beat g = random_beat(c, &s, 0);
    g.first = g.last = 1;
    const mac_array_regs_t *r = arr.step(g);
    EXPECT_EQ(r->done, 0);
    for (uint32_t st = 0; st < c.pipe; st++) EXPECT_EQ(r->ctrl[st], 0) << "stage " << st + 1;
    EXPECT_EQ(std::vector<int64_t>(r->acc, r->acc + c.m * c.n), acc);
  }
  EXPECT_EQ(snap(), data);
}

TEST(UnitMacArray, PortsCutInputsToTheirWidth) {
  // q and z are 4-bit ports, activations act_bits: wider values are cut the
  // way the RTL's wires cut them.
  mac_array_cfg_t c = cfg(1, 1, 1, 0, 8, 32);
  Array arr(c);
  Beat b{1, 1, 1, {(int16_t)0x1ff}, {0x13}, {0x21}};  // a = -1, q = 3, z = 1
  const mac_array_regs_t *r = arr.step(b);
  EXPECT_EQ(r->acc[0], -2);
}

TEST(UnitMacArray, ResetClearsState) {
  mac_array_cfg_t c = cfg(2, 2, 2, 2, 8, 32);
  Array arr(c);
  uint64_t s = 5;
  for (int i = 0; i < 6; i++) {
    Beat b = random_beat(c, &s, 1);
    b.valid = b.first = b.last = 1;
    arr.step(b);
  }
  mac_array_reset(&arr.a);
  const mac_array_regs_t *r = mac_array_regs(&arr.a);
  EXPECT_EQ(r->done, 0);
  for (uint32_t i = 0; i < c.m * c.n; i++) EXPECT_EQ(r->acc[i], 0);
  for (uint32_t i = 0; i < c.m * c.n; i++) EXPECT_EQ(r->sum[i], 0);
  for (uint32_t i = 0; i < c.pipe; i++) EXPECT_EQ(r->ctrl[i], 0);
  EXPECT_EQ(arr.a.st.blocks, 6u - c.pipe);  // 6 one-beat blocks, P still in flight; bookkeeping survives
}

TEST(UnitMacArray, RejectsUnsupportedShapes) {
  coda_err_t e{};
  mac_array_t a;
  struct Bad {
    mac_array_cfg_t c;
    const char *what;
  } bad[] = {{cfg(2, 4, 9, 2, 8, 32), "K"},         {cfg(0, 4, 4, 2, 8, 32), "M"},
             {cfg(2, 4, 4, 2, 12, 32), "activation"}, {cfg(2, 4, 4, 2, 8, 48), "accumulator"},
             {cfg(2, 4, 4, 65, 8, 32), "stages"}};
  for (const Bad &b : bad) {
    EXPECT_EQ(mac_array_init(&a, &b.c, &e), CODA_EINVAL) << b.what;
    EXPECT_NE(std::string(e.msg).find("mac array"), std::string::npos) << e.msg;
  }
  mac_array_cfg_t largest = cfg(256, 1024, 8, 64, 16, 64);  // params.def's maxima
  EXPECT_EQ(mac_array_check(&largest, &e), CODA_OK) << e.msg;
}

TEST(UnitMacArray, SumWidthHoldsEveryDotProduct) {
  // act_bits x 5-bit signed products, one more bit per adder-tree level
  // (the RTL's SumBits), and the largest |dot product| fits it signed.
  const uint32_t levels[9] = {0, 0, 1, 2, 2, 3, 3, 3, 3};  // ceil(log2 K)
  for (uint32_t k = 1; k <= 8; k++)
    for (uint32_t ab : {8u, 16u}) {
      mac_array_cfg_t c = cfg(1, 1, k, 2, ab, 32);
      uint32_t bits = mac_array_sum_bits(&c);
      EXPECT_EQ(bits, ab + 5 + levels[k]);
      int64_t most = (int64_t)k * (1ll << (ab - 1)) * 15;  // (-2^(ab-1)) * (0 - 15), K times
      EXPECT_LE(most, (1ll << (bits - 1)) - 1) << "K" << k << " act" << ab;
    }
}

// ---- the device's MMA INT path, which runs the array model ------------------

uint64_t run_mac_gemm(const arch_cfg_t &cfg, uint32_t m, uint32_t n, uint32_t k, int w, int atype,
                      uint64_t seed, uint64_t *checked) {
  coda_err_t e{};
  workload_t wl;
  EXPECT_EQ(workload_from_gemm(&wl, m, n, k, w, atype, ISA_EW_NONE, &e), 0) << e.msg;
  compile_opts_t o;
  compile_opts_default(&o);
  o.functional = 1;
  o.seed = seed;
  cbin_t p;
  int rc = compile_program(&cfg, &wl, &o, &p, &e);
  workload_free(&wl);
  EXPECT_EQ(rc, 0) << e.msg;
  if (rc) return ~0ull;
  device_t d;
  device_opts_t dopt = {1, nullptr, 0, 0};
  EXPECT_EQ(device_init(&d, &cfg, &p, &dopt, "mac", &e), 0) << e.msg;
  EXPECT_EQ(device_run(&d, &e), 0) << e.msg;
  uint64_t bad = 0;
  *checked = 0;
  for (uint32_t i = 0; i < p.n_layer; i++) {
    ref_result_t res;
    EXPECT_EQ(ref_check_layer(&p.layer[i], &cfg, d.bufs.dram, d.bufs.dram_bytes, &res, &e), 0) << e.msg;
    bad += res.bad;
    *checked += res.checked;
  }
  device_free(&d);
  cbin_free(&p);
  return bad;
}

TEST(GoldenMac, ArrayShapesAndPipelineDepths) {
  // Odd shapes and every kind of pipeline (none, operands only, operands +
  // sums, extra delay stages), INT8 and INT16, against the reference GEMM.
  struct Shape {
    uint32_t m, n, k, p;
  } shapes[] = {{2, 64, 4, 2}, {3, 5, 3, 1}, {1, 6, 8, 3}, {4, 16, 1, 0}, {5, 7, 2, 6}};
  uint64_t s = 17;
  for (const Shape &sh : shapes)
    for (int atype : {ISA_ATYPE_INT8, ISA_ATYPE_INT16}) {
      arch_cfg_t c;
      arch_cfg_defaults(&c);
      c.core_type = ARCH_CORE_MAC;
      c.core_m = sh.m;
      c.core_n = sh.n;
      c.core_k = sh.k;
      c.core_pipeline_cycles = sh.p;
      uint32_t m = 1 + next(&s) % 13, n = 1 + next(&s) % 70, k = 1 + next(&s) % 150;
      int w = 1 + (int)(next(&s) % 4);
      uint64_t checked = 0;
      EXPECT_EQ(run_mac_gemm(c, m, n, k, w, atype, next(&s), &checked), 0u)
          << "M" << sh.m << "N" << sh.n << "K" << sh.k << " P" << sh.p << " atype " << atype << " " << m
          << "x" << n << "x" << k << " W" << w;
      EXPECT_EQ(checked, (uint64_t)m * n);
    }
}

// ---- the co-simulation block --------------------------------------------------

const cosim_block_t *mac_tc() { return cosim_find("mac_tc"); }

// The config a test set ("--set k=v --set k=v ...") names.
using coda_test::cfg_of_set;

TEST(UnitCosimMacTc, FieldsTileTheBusesExactly) {
  const cosim_block_t *b = mac_tc();
  ASSERT_NE(b, nullptr) << "mac_tc is not in the cosim registry";
  int nsets = 0;
  for (const char *const *s = b->test_sets; *s; s++, nsets++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    uint32_t ib = 0, ob = 0;
    coda_err_t e{};
    ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
    // in_i: 3 control bits, M*K int8, N*K + N 4-bit values (mac_tc_cosim_top.v)
    EXPECT_EQ(ib, 3 + c.core_m * c.core_k * 8 + (c.core_n * c.core_k + c.core_n) * 4);
    void *t = b->create(&c, 1);
    ASSERT_NE(t, nullptr);
    for (int pass = 0; pass < 2; pass++) {
      std::vector<cosim_field_t> f(COSIM_MAX_FIELDS);
      int n = pass ? b->in_fields(t, f.data(), COSIM_MAX_FIELDS) : b->out_fields(t, f.data(), COSIM_MAX_FIELDS);
      uint32_t at = 0;
      std::set<std::string> names;
      for (int i = 0; i < n; i++) {
        EXPECT_EQ(f[i].lsb, at) << f[i].name << ": fields are contiguous";
        at += f[i].width;
        EXPECT_TRUE(names.insert(f[i].name).second) << "duplicate field " << f[i].name;
      }
      EXPECT_EQ(at, pass ? ib : ob) << (pass ? "in_i" : "out_o");
    }
    b->destroy(t);
  }
  EXPECT_GE(nsets, 3);
}

TEST(UnitCosimMacTc, ShapeRejectsWhatTheRtlCannotBuild) {
  const cosim_block_t *b = mac_tc();
  ASSERT_NE(b, nullptr);
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  uint32_t ib, ob;
  coda_err_t e{};
  c.core_pipeline_cycles = 0;  // the RTL always has its operand stage
  EXPECT_EQ(b->shape(&c, &ib, &ob, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("core.pipeline_cycles=0"), std::string::npos) << e.msg;
  arch_cfg_defaults(&c);
  c.core_m = 64;
  c.core_n = 1024;  // 65536 accumulators: more fields than a report names
  EXPECT_EQ(b->shape(&c, &ib, &ob, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("more than co-simulation reports"), std::string::npos) << e.msg;
  arch_cfg_defaults(&c);  // the shipped default M2N64K4 is supported
  EXPECT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
}

TEST(UnitCosimMacTc, StimulusReproducibleFromSeedAndCoversDirectedCases) {
  const cosim_block_t *b = mac_tc();
  ASSERT_NE(b, nullptr);
  arch_cfg_t c = cfg_of_set(b->test_sets[0]);
  uint32_t ib, ob;
  coda_err_t e{};
  ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
  const uint32_t words = (ib + 63) / 64, M = c.core_m, N = c.core_n, K = c.core_k;
  auto trace = [&](uint64_t seed, uint64_t cycles, std::vector<uint64_t> *all, std::vector<int> *rst) {
    void *t = b->create(&c, seed);
    std::vector<uint64_t> in(words);
    for (uint64_t cyc = 0; cyc < cycles; cyc++) {
      std::fill(in.begin(), in.end(), 0);
      b->stimulus(t, cyc, in.data());
      rst->push_back(b->in_reset(t));
      all->insert(all->end(), in.begin(), in.end());
    }
    b->destroy(t);
  };
  std::vector<uint64_t> a, a2, d;
  std::vector<int> ra, ra2, rd;
  trace(5, 4000, &a, &ra);
  trace(5, 4000, &a2, &ra2);
  trace(6, 4000, &d, &rd);
  EXPECT_TRUE(a == a2 && ra == ra2) << "same seed, same stimulus";
  EXPECT_NE(a, d) << "another seed, other stimulus";
  // what the directed phases promise, seen on the bus
  bool zero_w = false, max_w = false, min_w = false, ext_a = false, stall = false, b2b = false;
  int resets = 0, b2b_run = 0;
  for (size_t cyc = 0; cyc < ra.size(); cyc++) {
    const uint64_t *v = &a[cyc * words];
    resets += ra[cyc];
    uint64_t valid = cosim_get(v, 0, 1), first = cosim_get(v, 1, 1), last = cosim_get(v, 2, 1);
    if (!valid) stall = true;
    b2b_run = valid && first && last ? b2b_run + 1 : 0;
    if (b2b_run >= 16) b2b = true;
    if (!valid) continue;
    bool all_q0 = true, all_q15 = true, all_z0 = true, all_z15 = true, all_ext = true;
    uint32_t at = 3;
    for (uint32_t i = 0; i < M * K; i++, at += 8) {
      int8_t x = (int8_t)cosim_get(v, at, 8);
      all_ext &= x == -128 || x == 127;
    }
    for (uint32_t i = 0; i < N * K; i++, at += 4) {
      uint64_t q = cosim_get(v, at, 4);
      all_q0 &= q == 0;
      all_q15 &= q == 15;
    }
    for (uint32_t i = 0; i < N; i++, at += 4) {
      uint64_t z = cosim_get(v, at, 4);
      all_z0 &= z == 0;
      all_z15 &= z == 15;
    }
    zero_w |= all_q0 && all_z0;
    max_w |= all_q15 && all_z0;
    min_w |= all_q0 && all_z15;
    ext_a |= all_ext;
  }
  EXPECT_TRUE(zero_w) << "all-zero weights";
  EXPECT_TRUE(max_w) << "all-max weights (q = 15, z = 0)";
  EXPECT_TRUE(min_w) << "all-min weights (q = 0, z = 15)";
  EXPECT_TRUE(ext_a) << "extreme activations";
  EXPECT_TRUE(stall) << "operand stalls";
  EXPECT_TRUE(b2b) << "back-to-back one-beat blocks";
  EXPECT_GE(resets, 2) << "resets in the middle of blocks";
}

// ---- `coda cosim mac_tc` -------------------------------------------------------

using coda_test::bin;
using coda_test::have;
using coda_test::Result;
using coda_test::root;
using coda_test::slurp;
using coda_test::tmpdir;

Result run(const std::string &args) { return coda_test::run_bin(bin(), args); }


// Skips unless verilator is there and `coda cosim` knows the block.
#define NEED_COSIM()                                                                          \
  do {                                                                                        \
    if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)"; \
    Result l = run("cosim --list");                                                           \
    if (l.code != 0 || l.out.find("mac_tc") == std::string::npos)                             \
      GTEST_SKIP() << "`coda cosim` does not list mac_tc yet: " << l.err;                     \
  } while (0)

TEST(CosimMacTc, EveryTestSetZeroMismatches) {
  NEED_COSIM();
  int sets = 0;
  for (const char *const *s = mac_tc()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    Result r = run(std::string("cosim mac_tc ") + *s + " --cycles 20000 --seed " + std::to_string(sets + 3));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 20000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    size_t at = r.out.find("transactions: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::strtoull(r.out.c_str() + at + 14, nullptr, 10), 1000u) << "finished output blocks";
  }
  EXPECT_GE(sets, 3);
}

TEST(CosimMacTc, InjectedZeroPointBugGivesFirstDivergenceReport) {
  NEED_COSIM();
  // The twin's dequantizer drops z: the first beat with a nonzero zero point
  // (the all-min-weights phase, the third, after 128..638 cycles) loads a
  // different stage-1 weight register.
  Result r = run(std::string("cosim mac_tc ") + mac_tc()->test_sets[0] + " --cycles 5000 --inject-bug zero-point");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  size_t at = r.out.find("FIRST DIVERGENCE at cycle ");
  ASSERT_NE(at, std::string::npos) << r.out;
  long cyc = std::strtol(r.out.c_str() + at + 26, nullptr, 10);
  EXPECT_GE(cyc, 128);
  EXPECT_LT(cyc, 639);
  EXPECT_NE(r.out.find("  field s1.op_w["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    twin 0x00"), std::string::npos) << "w = q = 0 in the twin: " << r.out;
  EXPECT_NE(r.out.find(" z=0x"), std::string::npos) << "named inputs: " << r.out;
  EXPECT_NE(r.out.find("1 mismatch"), std::string::npos) << r.out;
}

TEST(CosimMacTc, UnsupportedParametersExit2WithOneLine) {
  NEED_COSIM();
  struct Case {
    std::string args;
    const char *says;
  } cases[] = {{"cosim mac_tc --set core.pipeline_cycles=0 --cycles 10", "core.pipeline_cycles=0"},
               {"cosim mac_tc --set core.m=64 --set core.n=1024 --set buffers.cbuf_bytes=1048576 --cycles 10",
                "more than co-simulation reports"},
               {std::string("cosim mac_tc ") + mac_tc()->test_sets[0] + " --inject-bug nosuchbug --cycles 10",
                "no test hook 'nosuchbug'"}};
  for (const Case &k : cases) {
    Result r = run(k.args);
    EXPECT_EQ(r.code, 2) << k.args << ": " << r.out << r.err;
    size_t lines = 0;
    for (char ch : r.err) lines += ch == '\n';
    EXPECT_EQ(lines, 1u) << k.args << ": " << r.err;
    EXPECT_NE(r.err.find(k.says), std::string::npos) << k.args << ": " << r.err;
  }
}

TEST(CosimRtl, MacTcLintCleanAndYosysSynthesizesIt) {
  if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)";
  ASSERT_NE(mac_tc(), nullptr);
  std::vector<std::string> sets;
  for (const char *const *s = mac_tc()->test_sets; *s; s++) sets.push_back(*s);
  // the synthesizable top, as the area flow reads it
  std::string log = coda_test::expect_rtl_clean(mac_tc(), sets, "mac_tc_core", "synth -top mac_tc_core");
  if (!have("yosys")) return;
  for (const char *mod : {"mac_tc_array", "mac_tc_dequant", "mac_tc_dot", "mac_tc_acc"})
    EXPECT_NE(log.find(mod), std::string::npos) << mod << " in the synthesized hierarchy";
}

}  // namespace
