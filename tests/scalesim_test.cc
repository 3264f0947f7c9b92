// scalesim_test.cc: the systolic array (sim/tpe/systolic.h) and `coda
// scalesim` (sim/scalesim/). Oracle: cycle counts, utilizations, stalls and
// access counts against closed forms written here from SCALE-Sim's documented
// semantics (sim/scalesim/README.md), and against numbers SCALE-Sim v3 itself
// publishes in its test goldens. Golden: INT32 results against a plain
// reference GEMM in every dataflow, per-cycle datapath == per-fold fast path.
// Errors: malformed SCALE-Sim files through the ASan binary.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/scalesim_shim.h"

namespace {

using coda_test::Result;
using coda_test::root;
using coda_test::tmpdir;

const sa_dataflow_e DFS[] = {SA_DF_OS, SA_DF_WS, SA_DF_IS};

uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// SCALE-Sim's fold count and per-fold cycles, from the mapping table:
// os: rows<-M, cols<-N, time K; ws: rows<-K, cols<-N, time M; is: rows<-K,
// cols<-M, time N. os folds take K+R+C-2 cycles, ws/is 2R+C+T-2.
uint64_t expected_compute_cycles(sa_dataflow_e df, uint64_t M, uint64_t N, uint64_t K, uint64_t R, uint64_t C) {
  if (df == SA_DF_OS) return cdiv(M, R) * cdiv(N, C) * (K + R + C - 2);
  if (df == SA_DF_WS) return cdiv(K, R) * cdiv(N, C) * (2 * R + C + M - 2);
  return cdiv(K, R) * cdiv(M, C) * (2 * R + C + N - 2);
}

sa_cfg_t cfg_of(uint32_t r, uint32_t c, sa_dataflow_e df, sa_mode_e mode, uint64_t sram_words = 1 << 20,
                uint64_t bw = 0) {
  sa_cfg_t s;
  memset(&s, 0, sizeof s);
  s.rows = r; s.cols = c; s.df = df; s.mode = mode;
  s.ifmap_sram_words = s.filter_sram_words = s.ofmap_sram_words = sram_words;
  s.dram_bw_words = bw;
  return s;
}

struct SaRun {
  sa_stats_t st;
  uint64_t visited = 0, total = 0;
  double util = 0, map = 0, cu = 0;
  std::vector<int32_t> c;
};

SaRun run(const sa_cfg_t &cfg, uint32_t M, uint32_t N, uint32_t K, const int8_t *a = nullptr, const int8_t *b = nullptr) {
  SaRun r;
  sa_gemm_t g;
  memset(&g, 0, sizeof g);
  g.m = M; g.n = N; g.k = K;
  if (a) {
    r.c.assign((size_t)M * N, 0);
    g.a = a; g.b = b; g.c = r.c.data();
  }
  sa_t s;
  coda_err_t e = {};
  EXPECT_EQ(sa_init(&s, &cfg, &g, &e), 0) << e.msg;
  EXPECT_EQ(sa_run(&s, 0, &r.visited, &e), 0) << e.msg;
  r.st = s.st;
  r.total = sa_scalesim_total_cycles(&s.st);
  r.util = sa_overall_util(&s);
  r.map = sa_mapping_eff(&s);
  r.cu = sa_compute_util(&s);
  sa_free(&s);
  return r;
}

// ---- Oracle --------------------------------------------------------------------

TEST(OracleScalesim, FoldCyclesMatchClosedFormAllDataflows) {
  struct Shape { uint32_t m, n, k, r, c; };
  const Shape shapes[] = {{64, 64, 64, 32, 32}, {100, 37, 300, 32, 32}, {1, 1, 1, 4, 4},    {3025, 96, 363, 32, 32},
                          {17, 129, 5, 8, 16},  {4096, 4096, 4096, 128, 128}, {7, 70, 33, 4, 5}};
  for (const Shape &s : shapes)
    for (sa_dataflow_e df : DFS) {
      SaRun r = run(cfg_of(s.r, s.c, df, SA_MODE_TIMING), s.m, s.n, s.k);
      uint64_t want = expected_compute_cycles(df, s.m, s.n, s.k, s.r, s.c);
      EXPECT_EQ(r.st.compute_cycles, want) << sa_df_name(df) << " " << s.m << "x" << s.n << "x" << s.k;
      // CALC bandwidth: no stalls; SCALE-Sim reports the last demand line's index.
      EXPECT_EQ(r.st.stall_cycles, 0u);
      EXPECT_EQ(r.total, want - 1);
      EXPECT_EQ(r.st.macs, (uint64_t)s.m * s.n * s.k);
    }
}

TEST(OracleScalesim, SingleFoldEdgeCases) {
  // One fold, 4x4 array, K=4 in os: 4+4+4-2 = 10 cycles (SCALE-Sim v2 prints 9:
  // scalesim-project/SCALE-Sim issue #125).
  SaRun os = run(cfg_of(4, 4, SA_DF_OS, SA_MODE_TIMING), 4, 4, 4);
  EXPECT_EQ(os.st.compute_cycles, 10u);
  EXPECT_EQ(os.total, 9u);
  SaRun ws = run(cfg_of(4, 4, SA_DF_WS, SA_MODE_TIMING), 4, 4, 4);
  EXPECT_EQ(ws.st.compute_cycles, 2u * 4 + 4 + 4 - 2);
}

// SCALE-Sim v3's own golden (test/general/golden_trace_calc): AlexNet conv1
// (227x227x3, 11x11, 96 filters, stride 4) on a 32x32 ws array, CALC mode.
TEST(OracleScalesim, AlexNetConv1MatchesScaleSimGolden) {
  ss_layer_t l;
  memset(&l, 0, sizeof l);
  l.ih = l.iw = 227; l.fh = l.fw = 11; l.ch = 3; l.nf = 96; l.sh = l.sw = 4;
  ss_dims_t d = ss_layer_dims(&l);
  EXPECT_EQ(d.m, 3025u);
  EXPECT_EQ(d.k, 363u);
  SaRun r = run(cfg_of(32, 32, SA_DF_WS, SA_MODE_TIMING, 64 * 1024), d.m, d.n, d.k);
  EXPECT_EQ(r.total, 112283u);
  EXPECT_EQ(r.st.stall_cycles, 0u);
  EXPECT_NEAR(r.util, 91.68309650614964, 1e-9);
  EXPECT_NEAR(r.map, 94.53125, 1e-12);
  EXPECT_NEAR(r.cu, 90.78000992063485, 1e-9);
  EXPECT_EQ(r.st.ifmap_sram_reads, 3294225u);
  EXPECT_EQ(r.st.filter_sram_reads, 34848u);
  EXPECT_EQ(r.st.ofmap_sram_writes, 3484800u);
  EXPECT_EQ(r.st.filter_dram_reads, 34848u);  // SCALE-Sim: 34848 too
}

TEST(OracleScalesim, UtilizationClosedForm) {
  // ws, 8x8 array, M=20, N=12, K=10: row folds over K = {8, 2}, col folds over
  // N = {8, 4}. Mapping efficiency: mean of used PEs / 64 over the 4 folds.
  SaRun r = run(cfg_of(8, 8, SA_DF_WS, SA_MODE_TIMING), 20, 12, 10);
  double map = (8 * 8 + 2 * 8 + 8 * 4 + 2 * 4) / 4.0 / 64.0 * 100.0;
  EXPECT_NEAR(r.map, map, 1e-9);
  // Compute util: per fold used * T / (64 * (2R + 2C + T - 3)), T = M = 20.
  EXPECT_NEAR(r.cu, map * 20.0 / (16 + 16 + 20 - 3), 1e-9);
  uint64_t total = 4 * (16 + 8 + 20 - 2) - 1;
  EXPECT_EQ(r.total, total);
  EXPECT_NEAR(r.util, 100.0 * 20 * 12 * 10 / (double)(total * 64), 1e-9);
  // os: compute util span is the fold itself (T + R + C - 2).
  SaRun o = run(cfg_of(8, 8, SA_DF_OS, SA_MODE_TIMING), 8, 8, 30);
  EXPECT_NEAR(o.cu, 100.0 * 30 / (30 + 8 + 8 - 2), 1e-9);
}

TEST(OracleScalesim, SramAndDramAccessCounts) {
  const uint64_t M = 50, N = 40, K = 30, R = 8, C = 8;
  uint64_t rf_os = cdiv(M, R), cf_os = cdiv(N, C), rf_k = cdiv(K, R), cf_m = cdiv(M, C);
  SaRun os = run(cfg_of(R, C, SA_DF_OS, SA_MODE_TIMING), M, N, K);
  EXPECT_EQ(os.st.ifmap_sram_reads, cf_os * M * K);
  EXPECT_EQ(os.st.filter_sram_reads, rf_os * K * N);
  EXPECT_EQ(os.st.ofmap_sram_writes, M * N);
  SaRun ws = run(cfg_of(R, C, SA_DF_WS, SA_MODE_TIMING), M, N, K);
  EXPECT_EQ(ws.st.ifmap_sram_reads, cdiv(N, C) * M * K);
  EXPECT_EQ(ws.st.filter_sram_reads, K * N);
  EXPECT_EQ(ws.st.ofmap_sram_writes, rf_k * M * N);
  SaRun is = run(cfg_of(R, C, SA_DF_IS, SA_MODE_TIMING), M, N, K);
  EXPECT_EQ(is.st.ifmap_sram_reads, M * K);
  EXPECT_EQ(is.st.filter_sram_reads, cf_m * K * N);
  EXPECT_EQ(is.st.ofmap_sram_writes, rf_k * M * N);
  // Operands that fit their SRAM's active half are fetched from DRAM once;
  // every partial output is drained (SCALE-Sim writes them all).
  for (const SaRun *r : {&os, &ws, &is}) {
    EXPECT_EQ(r->st.ifmap_dram_reads, M * K);
    EXPECT_EQ(r->st.filter_dram_reads, K * N);
    EXPECT_EQ(r->st.ofmap_dram_writes, r->st.ofmap_sram_writes);
  }
  // SRAM halves of 300 words: no operand fits whole, each os tile (8 x 30)
  // does. The ifmap row tile changes every fold (row folds are the inner
  // loop), the filter column tile stays for a whole column of folds.
  SaRun mid = run(cfg_of(R, C, SA_DF_OS, SA_MODE_TIMING, 600), M, N, K);
  EXPECT_EQ(mid.st.ifmap_dram_reads, cf_os * M * K);
  EXPECT_EQ(mid.st.filter_dram_reads, K * N);
  // Halves of 32 words: not even a tile fits, every fold fetches both.
  SaRun small = run(cfg_of(R, C, SA_DF_OS, SA_MODE_TIMING, 64), M, N, K);
  EXPECT_EQ(small.st.ifmap_dram_reads, cf_os * M * K);
  EXPECT_EQ(small.st.filter_dram_reads, rf_os * K * N);
}

TEST(OracleScalesim, StallsFromUserBandwidth) {
  // os, 4x4, M=4 (one row fold), N=16 (4 col folds), K=32: a fold is
  // 32+4+4-2 = 38 cycles; each fold needs a new 32x4 filter tile = 128 words
  // at 2 words/cycle = 64 cycles, fetched behind the previous fold: 26 stall
  // cycles before each fold after the first. Prefetch of fold 0: 64 cycles.
  SaRun r = run(cfg_of(4, 4, SA_DF_OS, SA_MODE_TIMING, 1024, 2), 4, 16, 32);
  EXPECT_EQ(r.st.stall_cycles, 3u * (64 - 38));
  EXPECT_EQ(r.st.prefetch_cycles, 64u);
  EXPECT_EQ(r.total, 4u * 38 + 3 * 26 - 1);
  // Enough bandwidth: no stalls.
  SaRun fast = run(cfg_of(4, 4, SA_DF_OS, SA_MODE_TIMING, 1024, 4), 4, 16, 32);
  EXPECT_EQ(fast.st.stall_cycles, 0u);
}

TEST(OracleScalesim, ConvIm2colDims) {
  // ResNet-50 conv1 (input padded to 230): 7x7/2 over 230 -> 112x112.
  ss_layer_t l;
  memset(&l, 0, sizeof l);
  l.ih = l.iw = 230; l.fh = l.fw = 7; l.ch = 3; l.nf = 64; l.sh = l.sw = 2;
  ss_dims_t d = ss_layer_dims(&l);
  EXPECT_EQ(d.oh, 112u);
  EXPECT_EQ(d.m, 112u * 112);
  EXPECT_EQ(d.n, 64u);
  EXPECT_EQ(d.k, 7u * 7 * 3);
}

// ---- Unit -----------------------------------------------------------------------

TEST(UnitScalesim, KernelSkipsToFoldEnds) {
  // Timing mode: one visited cycle per fold; per-cycle mode: every cycle.
  SaRun t = run(cfg_of(4, 4, SA_DF_WS, SA_MODE_TIMING), 10, 9, 11);
  EXPECT_EQ(t.visited, t.st.folds);
  std::vector<int8_t> a(10 * 11, 1), b(11 * 9, 1);
  SaRun c = run(cfg_of(4, 4, SA_DF_WS, SA_MODE_CYCLE), 10, 9, 11, a.data(), b.data());
  EXPECT_EQ(c.visited, c.st.compute_cycles);
}

TEST(UnitScalesim, ShippedConfigsParse) {
  const char *names[] = {"coda_32x32_os", "coda_32x32_ws", "coda_32x32_is", "coda_8x8_ws_user", "coda_128x128_ws"};
  const sa_dataflow_e dfs[] = {SA_DF_OS, SA_DF_WS, SA_DF_IS, SA_DF_WS, SA_DF_WS};
  for (int i = 0; i < 5; i++) {
    ss_cfg_t c;
    coda_err_t e = {};
    std::string p = root() + "/workloads/scalesim/" + names[i] + ".cfg";
    ASSERT_EQ(ss_cfg_load(p.c_str(), &c, &e), 0) << e.msg;
    EXPECT_STREQ(c.run_name, names[i]);
    EXPECT_EQ(c.df, dfs[i]);
  }
  ss_cfg_t c;
  coda_err_t e = {};
  ASSERT_EQ(ss_cfg_load((root() + "/workloads/scalesim/coda_8x8_ws_user.cfg").c_str(), &c, &e), 0);
  EXPECT_EQ(c.rows, 8u);
  EXPECT_EQ(c.ifmap_kb, 16u);
  EXPECT_EQ(c.user_bw, 1);
  EXPECT_EQ(c.bandwidth, 4u);
}

std::string write(const std::string &name, const std::string &text) {
  std::string p = tmpdir() + "/" + name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(UnitScalesim, TopologyFormats) {
  ss_topo_t t;
  coda_err_t e = {};
  // Trailing comma or not, one stride or two, blank lines.
  std::string p = write("t1.csv", "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
                                  "a, 10, 12, 3, 3, 2, 5, 1,\n\nb, 10, 12, 3, 3, 2, 5, 2, 1\n");
  ASSERT_EQ(ss_topo_load(p.c_str(), SS_TOPO_AUTO, &t, &e), 0) << e.msg;
  ASSERT_EQ(t.n, 2u);
  EXPECT_EQ(t.gemm, 0);
  EXPECT_EQ(t.layers[1].sh, 2u);
  EXPECT_EQ(t.layers[1].sw, 1u);
  EXPECT_EQ(t.layers[1].line, 4);
  ss_dims_t d = ss_layer_dims(&t.layers[1]);
  EXPECT_EQ(d.oh, 4u);
  EXPECT_EQ(d.ow, 10u);
  ss_topo_free(&t);
  // Depthwise: one single-channel layer per channel.
  p = write("t2.csv", "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
                      "DP1, 8, 8, 3, 3, 4, 1, 1,\n");
  ASSERT_EQ(ss_topo_load(p.c_str(), SS_TOPO_AUTO, &t, &e), 0) << e.msg;
  ASSERT_EQ(t.n, 4u);
  EXPECT_STREQ(t.layers[3].name, "DP1Channel_3");
  EXPECT_EQ(t.layers[3].ch, 1u);
  ss_topo_free(&t);
  // GEMM: M x K ifmap, N filters of 1 x K.
  p = write("t3.csv", "Layer, M, N, K,\nfc, 40, 24, 50,\n");
  ASSERT_EQ(ss_topo_load(p.c_str(), SS_TOPO_AUTO, &t, &e), 0) << e.msg;
  EXPECT_EQ(t.gemm, 1);
  d = ss_layer_dims(&t.layers[0]);
  EXPECT_EQ(d.m, 40u);
  EXPECT_EQ(d.n, 24u);
  EXPECT_EQ(d.k, 50u);
  ss_topo_free(&t);
}

TEST(UnitScalesim, IfmapUniqueCountsOverlap) {
  // 3x3 stride-1 windows over a 5x5x1 ifmap: all 9 output rows x 9 window
  // columns read the 25 ifmap words; one output row reads 9.
  ss_layer_t l;
  memset(&l, 0, sizeof l);
  l.ih = l.iw = 5; l.fh = l.fw = 3; l.ch = 1; l.nf = 1; l.sh = l.sw = 1;
  std::vector<uint8_t> bm(8, 0);
  EXPECT_EQ(ss_ifmap_unique(&l, bm.data(), 0, 9, 0, 9), 25u);
  EXPECT_EQ(ss_ifmap_unique(&l, bm.data(), 0, 1, 0, 9), 9u);
  EXPECT_EQ(ss_ifmap_unique(&l, bm.data(), 0, 2, 0, 9), 12u);  // two windows side by side: 3x4
  for (uint8_t x : bm) EXPECT_EQ(x, 0);
}

TEST(UnitScalesim, CliWritesScaleSimCsvs) {
  std::string out = tmpdir() + "/ssout";
  Result r = coda_test::run_bin(coda_test::bin(), "scalesim " + root() + "/workloads/scalesim/coda_32x32_ws.cfg " +
                                                      root() + "/workloads/scalesim/gemm_small.csv --outdir " + out +
                                                      " --json " + tmpdir() + "/ss.json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string comp = coda_test::slurp(out + "/COMPUTE_REPORT.csv");
  EXPECT_EQ(comp.rfind("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n", 0), 0u);
  size_t lines = 0;
  for (char ch : comp) lines += ch == '\n';
  EXPECT_EQ(lines, 4u);
  // fc_a (40x24x50) on 32x32 ws: 2 x 1 folds of 2*32+32+40-2 cycles.
  EXPECT_NE(comp.find("0, " + std::to_string(2 * (64 + 32 + 40 - 2) - 1) + ", 0,"), std::string::npos) << comp;
  EXPECT_NE(coda_test::slurp(out + "/BANDWIDTH_REPORT.csv").find("Avg IFMAP SRAM BW"), std::string::npos);
  EXPECT_NE(coda_test::slurp(out + "/DETAILED_ACCESS_REPORT.csv").find("DRAM OFMAP Writes"), std::string::npos);
  EXPECT_NE(coda_test::slurp(tmpdir() + "/ss.json").find("\"schema\": \"coda.scalesim.v1\""), std::string::npos);
}

// ---- Golden ---------------------------------------------------------------------

std::vector<int32_t> ref_gemm(const std::vector<int8_t> &a, const std::vector<int8_t> &b, uint32_t M, uint32_t N,
                              uint32_t K) {
  std::vector<int32_t> c((size_t)M * N);
  for (uint32_t m = 0; m < M; m++)
    for (uint32_t n = 0; n < N; n++) {
      int64_t acc = 0;
      for (uint32_t k = 0; k < K; k++) acc += (int64_t)a[(size_t)m * K + k] * b[(size_t)k * N + n];
      c[(size_t)m * N + n] = (int32_t)acc;
    }
  return c;
}

TEST(GoldenScalesim, AllDataflowsMatchReferenceGemm) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> v(-128, 127), dim(1, 37), side(1, 9);
  for (int trial = 0; trial < 12; trial++) {
    uint32_t M = dim(rng), N = dim(rng), K = dim(rng), R = side(rng), C = side(rng);
    std::vector<int8_t> a((size_t)M * K), b((size_t)K * N);
    for (auto &x : a) x = (int8_t)v(rng);
    for (auto &x : b) x = (int8_t)v(rng);
    std::vector<int32_t> want = ref_gemm(a, b, M, N, K);
    for (sa_dataflow_e df : DFS) {
      SaRun fold = run(cfg_of(R, C, df, SA_MODE_FOLD), M, N, K, a.data(), b.data());
      SaRun cyc = run(cfg_of(R, C, df, SA_MODE_CYCLE), M, N, K, a.data(), b.data());
      EXPECT_EQ(fold.c, want) << sa_df_name(df) << " M=" << M << " N=" << N << " K=" << K << " " << R << "x" << C;
      EXPECT_EQ(cyc.c, fold.c) << sa_df_name(df) << " per-cycle vs per-fold";
      EXPECT_EQ(cyc.total, fold.total);
      EXPECT_EQ(cyc.st.ifmap_dram_reads, fold.st.ifmap_dram_reads);
    }
  }
}

TEST(GoldenScalesim, ExtremeValuesPerCycle) {
  // All -128: every product is +16384; the sum over K=40 stays exact.
  const uint32_t M = 9, N = 7, K = 40;
  std::vector<int8_t> a((size_t)M * K, -128), b((size_t)K * N, -128);
  std::vector<int32_t> want = ref_gemm(a, b, M, N, K);
  EXPECT_EQ(want[0], 40 * 16384);
  for (sa_dataflow_e df : DFS) EXPECT_EQ(run(cfg_of(4, 3, df, SA_MODE_CYCLE), M, N, K, a.data(), b.data()).c, want);
}

TEST(GoldenScalesim, CliPerCycleCheckOnShippedTopologies) {
  std::string cfg = write("g.cfg", "[architecture_presets]\nArrayHeight: 4\nArrayWidth: 5\nIfmapSramSzkB: 1\n"
                                   "FilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: is\n");
  for (const char *topo : {"small_conv.csv", "gemm_small.csv"}) {
    Result r = coda_test::run_bin(coda_test::bin(), "scalesim " + cfg + " " + root() + "/workloads/scalesim/" + topo +
                                                        " --per-cycle");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find(", 0 mismatches"), std::string::npos) << r.out;
  }
}

// ---- Errors ---------------------------------------------------------------------

void expect_bad(const std::string &args, const std::string &must_contain) {
  Result r = coda_test::run_bin(coda_test::asan_bin(), args, "ASAN_OPTIONS=detect_leaks=1");
  EXPECT_EQ(r.code, 2) << args << "\nstderr: " << r.err;
  size_t lines = 0;
  for (char c : r.err) lines += c == '\n';
  EXPECT_EQ(lines, 1u) << args << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(must_contain), std::string::npos) << args << "\nwanted '" << must_contain << "' in: " << r.err;
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("runtime error"), std::string::npos) << r.err;
}

const char *GOOD_CFG = "[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\n"
                       "IfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\nDataflow : ws\n\n"
                       "[run_presets]\nInterfaceBandwidth: CALC\n";
const char *CONV_HDR = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

std::string good_topo() { return write("good.csv", std::string(CONV_HDR) + "c1, 8, 8, 3, 3, 2, 4, 1,\n"); }

std::string cfg_with(const std::string &name, const std::string &from, const std::string &to) {
  std::string s = GOOD_CFG;
  size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  s.replace(p, from.size(), to);
  return write(name, s);
}

void bad_cfg(const std::string &name, const std::string &from, const std::string &to, const std::string &msg) {
  expect_bad("scalesim " + cfg_with(name, from, to) + " " + good_topo(), msg);
}

void bad_topo(const std::string &name, const std::string &rows, const std::string &msg,
              const std::string &hdr = CONV_HDR) {
  expect_bad("scalesim " + write("ok.cfg", GOOD_CFG) + " " + write(name, hdr + rows), msg);
}

TEST(ErrorsScalesim, ConfigUnknownSection) { bad_cfg("e1.cfg", "[run_presets]", "[run_preset]", "e1.cfg:12: unknown section [run_preset]"); }
TEST(ErrorsScalesim, ConfigUnknownKey) { bad_cfg("e2.cfg", "ArrayWidth: 8", "ArrayWidht: 8", "e2.cfg:6: unknown key 'ArrayWidht'"); }
TEST(ErrorsScalesim, ConfigZeroArray) { bad_cfg("e3.cfg", "ArrayHeight: 8", "ArrayHeight: 0", "e3.cfg:5: ArrayHeight"); }
TEST(ErrorsScalesim, ConfigUnknownDataflow) { bad_cfg("e4.cfg", "Dataflow : ws", "Dataflow : rs", "e4.cfg:10: Dataflow: expected os, ws or is"); }
TEST(ErrorsScalesim, ConfigNonNumeric) { bad_cfg("e5.cfg", "ArrayWidth: 8", "ArrayWidth: eight", "e5.cfg:6: ArrayWidth"); }
TEST(ErrorsScalesim, ConfigMissingKey) { bad_cfg("e6.cfg", "Dataflow : ws\n", "", "e6.cfg: [architecture_presets] Dataflow missing"); }
TEST(ErrorsScalesim, ConfigSramTooSmall) { bad_cfg("e7.cfg", "IfmapSramSzkB: 64", "IfmapSramSzkB: 0", "e7.cfg:7: IfmapSramSzkB"); }
TEST(ErrorsScalesim, ConfigUserWithoutBandwidth) {
  bad_cfg("e8.cfg", "InterfaceBandwidth: CALC", "InterfaceBandwidth: USER", "e8.cfg:13: InterfaceBandwidth = USER needs");
}
TEST(ErrorsScalesim, ConfigMalformedLine) { bad_cfg("e9.cfg", "ArrayWidth: 8", "ArrayWidth 8", "e9.cfg:6: expected 'key = value'"); }
TEST(ErrorsScalesim, ConfigSparsityNotModelled) {
  bad_cfg("e10.cfg", "[run_presets]", "[sparsity]\nSparsitySupport : true\n[run_presets]", "e10.cfg:13: SparsitySupport");
}
TEST(ErrorsScalesim, ConfigOversizedArray) { bad_cfg("e11.cfg", "ArrayHeight: 8", "ArrayHeight: 100000", "e11.cfg:5: ArrayHeight"); }
TEST(ErrorsScalesim, TopoNegativeDim) { bad_topo("t1.csv", "c1, 8, -8, 3, 3, 2, 4, 1,\n", "t1.csv:2: IFMAP Width: expected 1.."); }
TEST(ErrorsScalesim, TopoZeroDim) { bad_topo("t2.csv", "c1, 8, 8, 3, 3, 0, 4, 1,\n", "t2.csv:2: Channels"); }
TEST(ErrorsScalesim, TopoFilterLargerThanIfmap) { bad_topo("t3.csv", "c1, 8, 8, 9, 3, 2, 4, 1,\n", "t3.csv:2: Filter Height 9 larger than IFMAP Height 8"); }
TEST(ErrorsScalesim, TopoStrideZero) { bad_topo("t4.csv", "c1, 8, 8, 3, 3, 2, 4, 0,\n", "t4.csv:2: Strides"); }
TEST(ErrorsScalesim, TopoMissingColumns) { bad_topo("t5.csv", "c1, 8, 8, 3, 3, 2,\n", "t5.csv:2: expected 8 or 9 columns"); }
TEST(ErrorsScalesim, TopoNonNumeric) { bad_topo("t6.csv", "c1, 8, 8, 3, three, 2, 4, 1,\n", "t6.csv:2: Filter Width: expected an integer"); }
TEST(ErrorsScalesim, TopoNoLayers) { bad_topo("t7.csv", "\n", "t7.csv:2: no layers"); }
TEST(ErrorsScalesim, TopoGemmMissingK) { bad_topo("t8.csv", "fc, 4, 5,\n", "t8.csv:2: expected 4 columns", "Layer, M, N, K,\n"); }
TEST(ErrorsScalesim, TopoGemmZeroM) { bad_topo("t9.csv", "fc, 0, 5, 6,\n", "t9.csv:2: M: expected 1..", "Layer, M, N, K,\n"); }
TEST(ErrorsScalesim, TopoNoHeader) { bad_topo("t10.csv", "", "t10.csv:1: expected a header line", "c1, 8, 8, 3, 3, 2, 4, 1,\n"); }
TEST(ErrorsScalesim, MissingFileAndUsage) {
  expect_bad("scalesim " + tmpdir() + "/nope.cfg " + good_topo(), "nope.cfg");
  expect_bad("scalesim " + write("ok.cfg", GOOD_CFG), "expected CONFIG.cfg TOPOLOGY.csv");
  expect_bad("scalesim " + write("ok.cfg", GOOD_CFG) + " " + good_topo() + " -i xyz", "-i: expected conv or gemm");
}

}  // namespace
