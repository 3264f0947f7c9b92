// core_test.cc: unit and oracle tests of the kernel, config, number formats,
// the simple memory and the device's timing rules. Expected values come
// from the formats' definitions and closed-form timing formulas, never from
// the model's own output.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "tests/shim/coda_shim.h"

namespace {

// ---- number formats --------------------------------------------------------

TEST(UnitFp, F16KnownEncodings) {
  // IEEE 754 binary16 reference encodings.
  EXPECT_EQ(fp_f32_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(fp_f32_to_f16(-2.0f), 0xc000);
  EXPECT_EQ(fp_f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(fp_f32_to_f16(65520.0f), 0x7c00);            // rounds to infinity
  EXPECT_EQ(fp_f32_to_f16(0x1p-24f), 0x0001);            // smallest subnormal
  EXPECT_EQ(fp_f32_to_f16(0x1p-25f), 0x0000);            // tie to even (0)
  EXPECT_EQ(fp_f32_to_f16(0x1.8p-24f), 0x0002);          // 1.5 ulp ties to even (2)
  EXPECT_EQ(fp_f32_to_f16(1.0f + 0x1p-11f), 0x3c00);     // tie to even down
  EXPECT_EQ(fp_f32_to_f16(1.0f + 0x1.8p-10f), 0x3c02);   // tie to even up
  EXPECT_FLOAT_EQ(fp_f16_to_f32(0x3555), 0.333251953125f);
}

TEST(UnitFp, F16RoundTripAllFinite) {
  for (uint32_t h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) == 0x7c00) continue;  // inf/nan
    EXPECT_EQ(fp_f32_to_f16(fp_f16_to_f32((uint16_t)h)), h) << std::hex << h;
  }
}

TEST(UnitFp, E4M3Definition) {
  // OCP FP8 v1.0: E4M3 max 448 = 0x7e, min subnormal 2^-9, NaN 0x7f.
  EXPECT_FLOAT_EQ(fp_e4m3_to_f32(0x7e), 448.0f);
  EXPECT_FLOAT_EQ(fp_e4m3_to_f32(0x01), 0x1p-9f);
  EXPECT_FLOAT_EQ(fp_e4m3_to_f32(0x38), 1.0f);
  EXPECT_TRUE(std::isnan(fp_e4m3_to_f32(0x7f)));
  EXPECT_EQ(fp_f32_to_e4m3(1000.0f), 0x7e);  // saturates
  for (uint32_t b = 0; b < 256; b++) {
    if ((b & 0x7f) == 0x7f) continue;
    EXPECT_EQ(fp_f32_to_e4m3(fp_e4m3_to_f32((uint8_t)b)), b == 0x80 ? 0x80 : b) << b;
  }
}

// ---- config -----------------------------------------------------------------

TEST(UnitConfig, DefaultsMatchParamTable) {
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  EXPECT_EQ(c.core_m, 2u);   // LUT TC §5.2 M2N64K4
  EXPECT_EQ(c.core_n, 64u);
  EXPECT_EQ(c.core_k, 4u);
  EXPECT_EQ(c.core_type, (uint64_t)ARCH_CORE_LUT);
}

TEST(UnitConfig, SetOverridesAndErrors) {
  arch_cfg_t c;
  coda_err_t e{};
  arch_set_t s[2] = {{"core.m=8"}, {"core.type=mac"}};
  ASSERT_EQ(arch_cfg_load_string(&c, "{\"core\": {\"n\": 32}}", "x.json", s, 2, &e), 0) << e.msg;
  EXPECT_EQ(c.core_m, 8u);
  EXPECT_EQ(c.core_n, 32u);
  EXPECT_EQ(c.core_type, (uint64_t)ARCH_CORE_MAC);
  arch_set_t bad = {"core.m=0"};
  EXPECT_EQ(arch_cfg_load_string(&c, "{}", "x.json", &bad, 1, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("core.m"), std::string::npos) << e.msg;
  EXPECT_EQ(arch_cfg_load_string(&c, "{\"core\": {\"bogus\": 1}}", "y.json", nullptr, 0, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("y.json: core.bogus"), std::string::npos) << e.msg;
  EXPECT_EQ(arch_cfg_load_string(&c, "{\"core\": {\"k\": 9}}", "y.json", nullptr, 0, &e), CODA_EINVAL);
  EXPECT_EQ(arch_cfg_load_string(&c, "{\"core\": {\"m\": 1.5}}", "y.json", nullptr, 0, &e), CODA_EINVAL);
  EXPECT_EQ(arch_cfg_load_string(&c, "{\"core\": {\"m\": 2,}}", "z.json", nullptr, 0, &e), CODA_EINVAL);
  EXPECT_EQ(std::string(e.msg).rfind("z.json:1:", 0), 0u) << e.msg;
}

TEST(UnitConfig, ShippedConfigsLoad) {
  const char *root = getenv("CODA_ROOT");
  ASSERT_NE(root, nullptr);
  for (const char *n : {"lut_tc", "mac_tc"}) {
    arch_cfg_t c;
    coda_err_t e{};
    std::string p = std::string(root) + "/sim/configs/" + n + ".json";
    ASSERT_EQ(arch_cfg_load(&c, p.c_str(), nullptr, 0, &e), 0) << e.msg;
    EXPECT_STREQ(c.name, n);
    EXPECT_EQ(c.core_m * c.core_n * c.core_k, 512u);  // equal element budgets
  }
}

TEST(UnitConfig, ParamDocIsCurrent) {
  // docs/params.md is generated from params.def; regenerate and compare.
  const char *root = getenv("CODA_ROOT");
  ASSERT_NE(root, nullptr);
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  arch_cfg_write_doc(f);
  fclose(f);
  std::string want(buf, len);
  free(buf);
  std::string path = std::string(root) + "/docs/params.md";
  FILE *g = fopen(path.c_str(), "rb");
  ASSERT_NE(g, nullptr) << path;
  std::string have;
  char tmp[4096];
  size_t n;
  while ((n = fread(tmp, 1, sizeof tmp, g)) > 0) have.append(tmp, n);
  fclose(g);
  EXPECT_EQ(have, want) << "docs/params.md is stale: run `make gen`";
}

// ---- kernel -----------------------------------------------------------------

// A block that changes once at a programmed cycle.
struct Timer {
  cyc_t fire;
  int fired;
  int n_fire;
  cyc_t seen_at;
};
void timer_eval(void *s, cyc_t now) {
  auto *t = static_cast<Timer *>(s);
  t->n_fire = !t->fired && now >= t->fire;
}
int timer_commit(void *s, cyc_t now) {
  auto *t = static_cast<Timer *>(s);
  if (!t->n_fire) return 0;
  t->fired = 1;
  t->seen_at = now;
  return 1;
}
cyc_t timer_next(const void *s, cyc_t now) {
  auto *t = static_cast<const Timer *>(s);
  return t->fired ? CYC_NEVER : (t->fire > now ? t->fire : now + 1);
}
const sim_block_ops_t TIMER_OPS = {"timer", timer_eval, timer_commit, timer_next};

TEST(UnitKernel, SkipsToNextEvent) {
  sim_t s;
  sim_init(&s);
  Timer a{1000000, 0, 0, 0}, b{37, 0, 0, 0};
  sim_add(&s, &TIMER_OPS, &a);
  sim_add(&s, &TIMER_OPS, &b);
  while (true) {
    cyc_t n = sim_cycle(&s);
    if (n == CYC_NEVER) break;
    s.now = n;
  }
  EXPECT_EQ(b.seen_at, 37u);
  EXPECT_EQ(a.seen_at, 1000000u);
  EXPECT_LE(s.visited, 6u);  // cycles 0, 37, 38, 1000000, 1000001: not a million
}

TEST(UnitKernel, TwoSimulationsInOneProcess) {
  sim_t s1, s2;
  sim_init(&s1);
  sim_init(&s2);
  Timer a{10, 0, 0, 0}, b{20, 0, 0, 0};
  sim_add(&s1, &TIMER_OPS, &a);
  sim_add(&s2, &TIMER_OPS, &b);
  for (int i = 0; i < 10; i++) {  // interleave the two
    cyc_t n1 = sim_cycle(&s1), n2 = sim_cycle(&s2);
    if (n1 != CYC_NEVER) s1.now = n1;
    if (n2 != CYC_NEVER) s2.now = n2;
  }
  EXPECT_EQ(a.seen_at, 10u);
  EXPECT_EQ(b.seen_at, 20u);
}

// ---- simple memory: closed-form latency and bandwidth ------------------------

// Drives the memory alone: sends the requests at cycle 0 (one per cycle) and
// returns the cycle each response is popped.
std::vector<cyc_t> drive_mem(double bpc, uint64_t lat, const std::vector<uint32_t> &sizes) {
  mem_if_t m;
  coda_err_t e{};
  EXPECT_EQ(simple_mem_create(&m, bpc, lat, &e), 0);
  std::vector<cyc_t> done;
  size_t sent = 0;
  for (cyc_t now = 0; now < 100000 && done.size() < sizes.size(); now++) {
    mem_req_t r;
    while (m.pop_resp(m.self, now, &r)) done.push_back(now);
    m.ops->eval(m.self, now);
    if (sent < sizes.size()) {
      mem_req_t q = {0, sizes[sent], 0, sent};
      m.send(m.self, now, &q);
      sent++;
    }
    m.ops->commit(m.self, now);
  }
  m.destroy(m.self);
  return done;
}

TEST(OracleSimpleMem, SingleReadLatency) {
  // Sent at 0, on the port from cycle 1 for 64/64 = 1 cycle, data back
  // latency cycles later: 1 + 1 + L.
  auto d = drive_mem(64, 100, {64});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], 102u);
  d = drive_mem(64, 100, {256});  // 4 port cycles
  EXPECT_EQ(d[0], 1u + 4u + 100u);
}

TEST(OracleSimpleMem, StreamBandwidth) {
  // 100 requests of 128 B at 32 B/cycle: the port is the bottleneck,
  // the last byte leaves at 1 + 100*4 and returns L later.
  std::vector<uint32_t> s(100, 128);
  auto d = drive_mem(32, 50, s);
  ASSERT_EQ(d.size(), 100u);
  EXPECT_EQ(d.back(), 1u + 400u + 50u);
  EXPECT_EQ(d[0], 1u + 4u + 50u);
}

// ---- device timing oracles --------------------------------------------------

struct Prog {
  cbin_t p{};
  Prog() { std::memset(&p, 0, sizeof p); }
  ~Prog() { cbin_free(&p); }
  void add(const isa_insn_t &in) {
    isa_word_t w;
    coda_err_t e{};
    ASSERT_EQ(isa_encode(&in, &w, &e), 0) << e.msg;
    ASSERT_EQ(cbin_push_insn(&p, &w, &e), 0);
  }
};

isa_insn_t lmma(uint32_t m, uint32_t n, uint32_t k, uint32_t w) {
  isa_insn_t in;
  std::memset(&in, 0, sizeof in);
  in.op = ISA_OP_LMMA;
  in.m = m; in.n = n; in.k = k; in.wbits = w;
  in.atype = ISA_ATYPE_INT8; in.acct = ISA_ACC_INT32; in.fin = 0;
  return in;
}

uint64_t run_cycles(const arch_cfg_t &c, Prog &pr) {
  device_t d;
  coda_err_t e{};
  device_opts_t o = {0, nullptr, 0};
  pr.p.dram_bytes = 1 << 20;
  EXPECT_EQ(device_init(&d, &c, &pr.p, &o, "test", &e), 0) << e.msg;
  EXPECT_EQ(device_run(&d, &e), 0);
  uint64_t cyc = d.cycles;
  device_free(&d);
  return cyc;
}

TEST(OracleLut, BackToBackLmmaThroughput) {
  // n LMMAs of one M x N x K x W tile each: ceil(m/M) ceil(n/N) (k/K) W
  // cycles + pipeline each, back to back, plus one cycle to issue the first
  // and one for the queue to deliver it.
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  for (uint32_t w = 1; w <= 4; w++) {
    Prog pr;
    const int n = 20;
    for (int i = 0; i < n; i++) pr.add(lmma(4, 128, 64, w));
    uint64_t per = 2 * 2 * (64 / 4) * w + c.core_pipeline_cycles;
    EXPECT_EQ(run_cycles(c, pr), 1u + n * per) << "W" << w;
  }
}

TEST(OracleLut, CyclesScaleWithWeightBits) {
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  c.core_pipeline_cycles = 0;
  uint64_t cyc[5] = {};
  for (uint32_t w = 1; w <= 4; w++) {
    Prog pr;
    for (int i = 0; i < 50; i++) pr.add(lmma(16, 64, 512, w));
    cyc[w] = run_cycles(c, pr);
  }
  EXPECT_NEAR((double)cyc[2] / cyc[1], 2.0, 1e-3);
  EXPECT_NEAR((double)cyc[4] / cyc[1], 4.0, 1e-3);
}

TEST(UnitDevice, TwoDevicesInOneProcess) {
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  Prog p1, p2;
  p1.add(lmma(2, 64, 8, 1));
  p2.add(lmma(2, 64, 8, 4));
  p1.p.dram_bytes = p2.p.dram_bytes = 4096;
  device_t a, b;
  coda_err_t e{};
  device_opts_t o = {0, nullptr, 0};
  ASSERT_EQ(device_init(&a, &c, &p1.p, &o, "a", &e), 0) << e.msg;
  ASSERT_EQ(device_init(&b, &c, &p2.p, &o, "b", &e), 0) << e.msg;
  ASSERT_EQ(device_run(&a, &e), 0);
  ASSERT_EQ(device_run(&b, &e), 0);
  EXPECT_EQ(a.cycles, 1u + 2 * 1 + c.core_pipeline_cycles);
  EXPECT_EQ(b.cycles, 1u + 2 * 4 + c.core_pipeline_cycles);
  device_free(&a);
  device_free(&b);
}

TEST(UnitDevice, RejectsOutOfBufferInstruction) {
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  Prog pr;
  isa_insn_t in = lmma(2, 64, 8, 2);
  in.caddr = (uint32_t)c.buffers_cbuf_bytes - 16;
  pr.add(in);
  pr.p.dram_bytes = 4096;
  device_t d;
  coda_err_t e{};
  device_opts_t o = {0, nullptr, 0};
  EXPECT_EQ(device_init(&d, &c, &pr.p, &o, "p.cbin", &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("p.cbin: instruction 0 (lmma)"), std::string::npos) << e.msg;
}

}  // namespace
