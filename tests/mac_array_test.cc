// mac_array_test.cc: the MAC tensor core's cycle-level array model
// (sim/mac/mac_array.c, the C twin of rtl/mac_tc) against a plain loop,
// clock by clock; the device's MMA INT path (which runs that model) against
// the reference GEMM on shapes and pipeline depths the other golden tests
// leave out. Expected values come from the definition
// C[m][n] = sum a[m][k] * (q[n][k] - z[n]) (wrapped at the accumulator
// width) and from the timing rule "a beat presented in cycle t is in the
// accumulators after the clock of cycle t + P" (P = core.pipeline_cycles).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "tests/shim/mac_shim.h"

namespace {

uint64_t next(uint64_t *s) {  // splitmix64
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

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

}  // namespace
