// golden_test.cc: functional results of the whole flow (workload -> compiler
// -> program -> device) against the independent reference GEMM
// (sim/ref/refgemm.c), and the flow's timing against the array's rules.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "tests/shim/coda_shim.h"

namespace {

struct RunResult {
  uint64_t cycles = 0;
  uint64_t bad = 0, checked = 0;
  dev_stats_t total{};
  std::string first;
};

// Compiles one GEMM for cfg, runs it (functional or not) and checks it.
RunResult run_gemm(const arch_cfg_t &cfg, uint32_t m, uint32_t n, uint32_t k, int w, int atype,
             int functional, uint64_t seed = 7, int dist = 0, int ewop = ISA_EW_NONE, int fuse = 1,
             uint8_t *corrupt = nullptr) {
  RunResult r;
  coda_err_t e{};
  workload_t wl;
  EXPECT_EQ(workload_from_gemm(&wl, m, n, k, w, atype, ewop, &e), 0) << e.msg;
  compile_opts_t o;
  compile_opts_default(&o);
  o.functional = functional;
  o.seed = seed;
  o.dist = dist;
  o.fuse = fuse;
  cbin_t p;
  int rc = compile_program(&cfg, &wl, &o, &p, &e);
  workload_free(&wl);
  EXPECT_EQ(rc, 0) << e.msg;
  if (rc) return r;
  device_t d;
  device_opts_t dopt = {functional, nullptr, 0, 0};
  EXPECT_EQ(device_init(&d, &cfg, &p, &dopt, "golden", &e), 0) << e.msg;
  EXPECT_EQ(device_run(&d, &e), 0) << e.msg;
  r.cycles = d.cycles;
  for (uint32_t i = 0; i < p.n_layer; i++) dev_stats_add(&r.total, &d.layer_stats[i], 1);
  if (functional) {
    if (corrupt) *corrupt = 1;
    if (corrupt) d.bufs.dram[p.layer[0].c_addr + 5] ^= 0x10;  // flip one output bit
    for (uint32_t i = 0; i < p.n_layer; i++) {
      ref_result_t res;
      EXPECT_EQ(ref_check_layer(&p.layer[i], &cfg, d.bufs.dram, d.bufs.dram_bytes, &res, &e), 0) << e.msg;
      r.bad += res.bad;
      r.checked += res.checked;
      if (res.bad && r.first.empty()) r.first = res.first;
    }
  }
  device_free(&d);
  cbin_free(&p);
  return r;
}

arch_cfg_t cfg_of(int core) {
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  c.core_type = core;
  return c;
}

uint64_t next(uint64_t *s) { return datagen_next(s); }

TEST(GoldenLut, IntBitExactRandomRaggedShapes) {
  uint64_t s = 42;
  for (int core : {ARCH_CORE_LUT, ARCH_CORE_MAC}) {
    arch_cfg_t c = cfg_of(core);
    for (int atype : {ISA_ATYPE_INT8, ISA_ATYPE_INT16}) {
      for (int w = 1; w <= 4; w++) {
        for (int t = 0; t < 3; t++) {
          uint32_t m = 1 + next(&s) % 37, n = 1 + next(&s) % 150, k = 1 + next(&s) % 300;
          RunResult r = run_gemm(c, m, n, k, w, atype, 1, next(&s));
          EXPECT_EQ(r.checked, (uint64_t)m * n);
          EXPECT_EQ(r.bad, 0u) << "core " << core << " atype " << atype << " W" << w << " " << m
                               << "x" << n << "x" << k << ": " << r.first;
        }
      }
    }
  }
}

TEST(GoldenLut, DirectedOperands) {
  // all-zero and all-one weights, extreme activations
  for (int core : {ARCH_CORE_LUT, ARCH_CORE_MAC}) {
    arch_cfg_t c = cfg_of(core);
    for (int dist : {DATAGEN_EXTREME, DATAGEN_WZERO, DATAGEN_WONES})
      for (int atype : {ISA_ATYPE_INT8, ISA_ATYPE_INT16, ISA_ATYPE_FP8, ISA_ATYPE_FP16}) {
        RunResult r = run_gemm(c, 9, 70, 200, 4, atype, 1, 3, dist);
        EXPECT_EQ(r.bad, 0u) << core << " " << dist << " " << atype << ": " << r.first;
      }
  }
}

TEST(GoldenLut, OtherArrayShapes) {
  for (uint64_t K : {1u, 2u, 3u, 8u}) {
    arch_cfg_t c = cfg_of(ARCH_CORE_LUT);
    c.core_k = K;
    c.core_m = 4;
    c.core_n = 16;
    RunResult r = run_gemm(c, 11, 50, 77, 3, ISA_ATYPE_INT8, 1);
    EXPECT_EQ(r.bad, 0u) << "K" << K << ": " << r.first;
  }
}

TEST(GoldenLut, FpWithinDerivedBound) {
  for (int core : {ARCH_CORE_LUT, ARCH_CORE_MAC})
    for (int tq : {0, 1})
      for (int acc16 : {0, 1})
        for (int atype : {ISA_ATYPE_FP8, ISA_ATYPE_FP16}) {
          arch_cfg_t c = cfg_of(core);
          c.core_table_quant = tq;
          c.core_acc_fp = acc16 ? ARCH_ACC_FP16 : ARCH_ACC_FP32;
          RunResult r = run_gemm(c, 13, 90, 260, 2, atype, 1);
          EXPECT_EQ(r.bad, 0u) << core << " tq" << tq << " acc16 " << acc16 << ": " << r.first;
        }
}

TEST(GoldenLut, CheckCatchesACorruptOutput) {
  // The check must be able to fail: flip one bit of one output.
  arch_cfg_t c = cfg_of(ARCH_CORE_LUT);
  uint8_t flag = 0;
  RunResult r = run_gemm(c, 4, 64, 64, 2, ISA_ATYPE_INT8, 1, 7, 0, ISA_EW_NONE, 1, &flag);
  EXPECT_EQ(r.bad, 1u);
}

TEST(GoldenLut, TimingDoesNotDependOnFunctionalMode) {
  arch_cfg_t c = cfg_of(ARCH_CORE_LUT);
  RunResult a = run_gemm(c, 33, 200, 300, 3, ISA_ATYPE_INT8, 1);
  RunResult b = run_gemm(c, 33, 200, 300, 3, ISA_ATYPE_INT8, 0);
  EXPECT_EQ(a.cycles, b.cycles);
}

TEST(OracleLut, SteadyStateThroughputIsMNKoverW) {
  // A compute-bound GEMM on a memory fast enough not to matter: cycles
  // approach macs * W / (M N K), the LUT core's one-bit lookup rate.
  arch_cfg_t c = cfg_of(ARCH_CORE_LUT);
  c.memory_bytes_per_cycle = 4096;
  c.memory_latency_cycles = 10;
  for (int w = 1; w <= 4; w++) {
    RunResult r = run_gemm(c, 256, 1024, 1024, w, ISA_ATYPE_INT8, 0);
    double ideal = 256.0 * 1024 * 1024 * w / (c.core_m * c.core_n * c.core_k);
    EXPECT_GE((double)r.cycles, ideal);
    EXPECT_LT((double)r.cycles, ideal * 1.05) << "W" << w;
    EXPECT_EQ(r.total.lut_lookups, 256ull * 1024 * (1024 / 4) * w);
  }
}

TEST(OracleLut, W1IsAboutHalfOfW2) {
  arch_cfg_t c = cfg_of(ARCH_CORE_LUT);
  c.memory_bytes_per_cycle = 4096;
  RunResult w1 = run_gemm(c, 256, 1024, 1024, 1, ISA_ATYPE_INT8, 0);
  RunResult w2 = run_gemm(c, 256, 1024, 1024, 2, ISA_ATYPE_INT8, 0);
  // Not exactly 0.5: the first tiles' loads and each layer's drain are not
  // hidden behind compute, and they weigh more when compute halves.
  EXPECT_NEAR((double)w1.cycles / w2.cycles, 0.5, 0.05);
}

TEST(OracleMac, ThroughputIndependentOfW) {
  arch_cfg_t c = cfg_of(ARCH_CORE_MAC);
  c.memory_bytes_per_cycle = 4096;
  RunResult w1 = run_gemm(c, 256, 1024, 1024, 1, ISA_ATYPE_INT8, 0);
  RunResult w4 = run_gemm(c, 256, 1024, 1024, 4, ISA_ATYPE_INT8, 0);
  double ideal = 256.0 * 1024 * 1024 / 512;
  EXPECT_LT((double)w1.cycles, ideal * 1.08);  // + exposed first loads and drain
  EXPECT_NEAR((double)w4.cycles / w1.cycles, 1.0, 0.05);
}

TEST(OracleLut, FusionRemovesAPass) {
  // Unfused precompute runs the element-wise op and the table build as two
  // passes; fused, one. Fusion can only save cycles.
  arch_cfg_t c = cfg_of(ARCH_CORE_LUT);
  RunResult f = run_gemm(c, 64, 512, 4096, 2, ISA_ATYPE_INT8, 0, 7, 0, ISA_EW_RMSNORM, 1);
  RunResult u = run_gemm(c, 64, 512, 4096, 2, ISA_ATYPE_INT8, 0, 7, 0, ISA_EW_RMSNORM, 0);
  EXPECT_LT(f.total.tpre_busy_cycles, u.total.tpre_busy_cycles);
  EXPECT_LE(f.cycles, u.cycles);
  EXPECT_EQ(f.total.tpre_tables, u.total.tpre_tables);
}

}  // namespace
