// neupims_test.cc: the NeuPIMs NPU (sim/npu/npu.h) and serving engine
// (sim/serve/serve.h), `coda run` on an NPU config and `coda report neupims`.
// Expected values come from the formulas they state (SCALE-Sim's ws fold
// rule, the trace's own lengths, hbm_pim_estimate of the documented job
// layout), never from the engine's output. Tiers: UnitNpu, OracleNeupims,
// GoldenNeupims, ErrorsNeupims.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/neupims_shim.h"

namespace {

using coda_test::Result;
using coda_test::tmpdir;

uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

arch_cfg_t cfg_with(const std::vector<std::string> &sets) {
  std::vector<arch_set_t> s;
  for (auto &x : sets) s.push_back({x.c_str()});
  arch_cfg_t c{};
  coda_err_t e{};
  std::string arch = coda_test::root() + "/sim/configs/neupims.json";
  EXPECT_EQ(arch_cfg_load(&c, arch.c_str(), s.data(), (int)s.size(), &e), 0) << e.msg;
  return c;
}

// A small GPT-style model descriptor in the temp folder.
std::string tiny_model(const std::string &name, int d, int heads, int layers) {
  std::string p = tmpdir() + "/" + name + ".json";
  std::ofstream f(p);
  f << "{\"name\": \"" << name << "\", \"source\": \"test model\", \"d_model\": " << d << ", \"n_heads\": " << heads
    << ", \"n_kv_heads\": " << heads << ", \"d_ffn\": " << 4 * d << ", \"n_layers\": " << layers
    << ", \"ffn\": \"gelu\", \"norm\": \"layernorm\"}\n";
  return p;
}

serve_result_t run(const arch_cfg_t &c, const serve_wl_t &w) {
  serve_result_t r{};
  coda_err_t e{};
  EXPECT_EQ(serve_run(&c, &w, nullptr, &r, &e), 0) << e.msg;
  return r;
}

// ---- UnitNpu: the fold plan against SCALE-Sim's ws rule -------------------

TEST(UnitNpu, GemmFoldFormula) {
  npu_cfg_t c{};
  c.arrays = 3; c.rows = 4; c.cols = 5; c.vus = 2; c.vwidth = 8; c.freq_mhz = 1000; c.wbuf_bytes = 1 << 20;
  const uint32_t shapes[][3] = {{1, 4, 5}, {7, 9, 11}, {16, 3, 40}, {2, 33, 6}, {64, 64, 64}};
  for (auto &s : shapes) {
    uint32_t m = s[0], k = s[1], n = s[2];
    npu_gemm_t g;
    npu_gemm_plan(&c, m, k, n, &g);
    uint64_t folds = cdiv(k, 4) * cdiv(n, 5);           // ws: Sr = K on R rows, Sc = N on C cols
    uint64_t fold = 2 * 4 + 5 + m - 2;                   // 2R + C + T - 2, T = M
    EXPECT_EQ(g.folds, folds) << m << "x" << k << "x" << n;
    EXPECT_EQ(g.fold_cycles, fold);
    EXPECT_EQ(npu_gemm_compute_cycles(&g), cdiv(folds, 3) * fold);
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < g.groups; i++) bytes += npu_gemm_group_bytes(&c, &g, i);
    EXPECT_EQ(bytes, 2ull * k * n);                      // every FP16 weight once
  }
  EXPECT_EQ(npu_vec_cycles(&c, 17), cdiv(17, 16));
}

// npu.ws_preload overlap: the first group as SCALE-Sim, later ones max(M, R).
TEST(UnitNpu, GemmOverlapPreload) {
  npu_cfg_t c{};
  c.arrays = 2; c.rows = 8; c.cols = 4; c.vus = 1; c.vwidth = 1; c.freq_mhz = 1000; c.wbuf_bytes = 1 << 20;
  c.overlap = 1;
  const uint32_t shapes[][3] = {{3, 20, 9}, {30, 16, 16}, {8, 8, 4}};
  for (auto &s : shapes) {
    uint32_t m = s[0], k = s[1], n = s[2];
    npu_gemm_t g;
    npu_gemm_plan(&c, m, k, n, &g);
    uint64_t groups = cdiv(cdiv(k, 8) * cdiv(n, 4), 2);
    uint64_t first = 2 * 8 + 4 + m - 2, later = std::max<uint64_t>(m, 8);
    EXPECT_EQ(npu_gemm_compute_cycles(&g), first + (groups - 1) * later) << m << "x" << k << "x" << n;
    EXPECT_EQ(npu_gemm_group_cycles(&g, 0), first);
    if (groups > 1) { EXPECT_EQ(npu_gemm_group_cycles(&g, 1), later); }
  }
}

// One array: the same cycles as the systolic block itself (sim/tpe/systolic.h).
TEST(UnitNpu, GemmMatchesSystolicBlock) {
  npu_cfg_t c{};
  c.arrays = 1; c.rows = 8; c.cols = 8; c.vus = 1; c.vwidth = 1; c.freq_mhz = 1000; c.wbuf_bytes = 1 << 20;
  const uint32_t shapes[][3] = {{5, 8, 8}, {12, 20, 9}, {1, 17, 30}};
  for (auto &s : shapes) {
    npu_gemm_t g;
    npu_gemm_plan(&c, s[0], s[1], s[2], &g);
    sa_cfg_t sc{};
    sc.rows = 8; sc.cols = 8; sc.df = SA_DF_WS; sc.mode = SA_MODE_TIMING;
    sc.ifmap_sram_words = sc.filter_sram_words = sc.ofmap_sram_words = 1 << 20;
    sc.dram_bw_words = 0;
    sa_gemm_t sg{};
    sg.m = s[0]; sg.k = s[1]; sg.n = s[2];
    sa_t sa;
    coda_err_t e{};
    ASSERT_EQ(sa_init(&sa, &sc, &sg, &e), 0) << e.msg;
    ASSERT_EQ(sa_run(&sa, 0, nullptr, &e), 0) << e.msg;
    EXPECT_EQ(npu_gemm_compute_cycles(&g), sa.st.compute_cycles);
    sa_free(&sa);
  }
}

// The trace: lognormal lengths with the dataset means, capped at max_seq.
TEST(UnitNpu, TraceDistribution) {
  std::string m = coda_test::root() + "/workloads/models/gpt3_7b.json";
  for (int ds = 0; ds < 2; ds++) {
    serve_wl_t w;
    coda_err_t e{};
    ASSERT_EQ(serve_wl_make(&w, m.c_str(), 4, ds, 40000, 7, 2048, &e), 0) << e.msg;
    double si = 0, so = 0;
    for (uint32_t i = 0; i < w.nreq; i++) {
      ASSERT_GE(w.in_len[i], 1u);
      ASSERT_GE(w.out_len[i], 1u);
      ASSERT_LE(w.in_len[i] + w.out_len[i], 2048u);
      si += w.in_len[i]; so += w.out_len[i];
    }
    double mi = ds ? 12 : 80, mo = ds ? 56 : 296;  // REFERENCES.md NeuPIMs
    EXPECT_NEAR(si / w.nreq, mi, 0.05 * mi);
    EXPECT_NEAR(so / w.nreq, mo, 0.05 * mo);       // the 2048 cap takes < 2 % off 296
    serve_wl_free(&w);
  }
}

// ---- OracleNeupims --------------------------------------------------------

// One request, one head per device, one layer: the PIM channel is busy exactly
// the idle-channel estimates of its QK^T and SV jobs (hbm_pim_estimate of the
// documented layout: rows = ceil(L x d_head x 2 / (banks x row_bytes)), k = the
// COMPs one row needs, 1 GWRITE for q, ceil(2L / 2 KB) for the scores).
TEST(OracleNeupims, PimJobLatencyIsEstimate) {
  std::string mp = tiny_model("one_head", 512, 4, 1);
  arch_cfg_t c = cfg_with({"serve.batch=1", "serve.iterations=1", "serve.mode=pim-dual", "hbm.trefi=1000000"});
  serve_wl_t w;
  coda_err_t e{};
  ASSERT_EQ(serve_wl_make(&w, mp.c_str(), 4, 0, 1, 3, 2048, &e), 0) << e.msg;
  serve_result_t r = run(c, w);
  uint32_t L = w.in_len[0] + 1, dh = 128, banks = 32, rowb = 1024;
  uint64_t bytes = (uint64_t)L * dh * 2;
  uint32_t rows = (uint32_t)cdiv(bytes, banks * rowb);
  uint32_t k = rows > 1 ? 32 : (uint32_t)cdiv(bytes, banks * 16 * 2);
  hbm_t *h;
  arch_cfg_t hc = c;
  hc.hbm_pim_mode = HBM_PIM_DUAL;
  ASSERT_EQ(hbm_init(&h, &hc, "t", &e), 0) << e.msg;
  hbm_pim_job_t qk = {rows, k, 1, 0}, sv = {rows, k, (uint32_t)cdiv(2ull * L, 2048), 0};
  double want = (double)hbm_pim_estimate(h, &qk) + (double)hbm_pim_estimate(h, &sv);
  hbm_free(h);
  double busy = r.pim_busy * 32 * r.cycles;  // mean busy x channels x run
  EXPECT_NEAR(busy, want, 1e-6 * want) << "L=" << L;
  EXPECT_EQ(r.pim_jobs, 2u);
  serve_wl_free(&w);
}

// Every request generates its output: tokens = the trace's output lengths.
TEST(OracleNeupims, TokensEqualTraceOutputs) {
  std::string mp = tiny_model("small", 256, 4, 2);
  for (const char *mode : {"npu-only", "npu+pim", "neupims"}) {
    arch_cfg_t c = cfg_with({"serve.batch=6", "serve.iterations=0", std::string("serve.mode=") + mode});
    serve_wl_t w;
    coda_err_t e{};
    ASSERT_EQ(serve_wl_make(&w, mp.c_str(), 2, 1, 15, 5, 128, &e), 0) << e.msg;
    uint64_t want = 0, longest = 0;
    for (uint32_t i = 0; i < w.nreq; i++) want += w.out_len[i], longest = std::max<uint64_t>(longest, w.out_len[i]);
    serve_result_t r = run(c, w);
    EXPECT_EQ(r.tokens, want) << mode;
    EXPECT_EQ(r.requests_done, w.nreq) << mode;
    EXPECT_GE(r.iterations, longest) << mode;          // at least the longest output
    EXPECT_GE(r.iterations, cdiv(want, 6)) << mode;    // at most 6 tokens per iteration
    serve_wl_free(&w);
  }
}

// Interleaving the two sub-batches is never slower than running the same two
// sub-batches one after the other, and never faster than the busier of the
// NPU arrays and the PIM channels.
TEST(OracleNeupims, InterleaveBounds) {
  std::string mp = tiny_model("mid", 1024, 16, 2);
  serve_wl_t w;
  coda_err_t e{};
  ASSERT_EQ(serve_wl_make(&w, mp.c_str(), 1, 0, 256, 11, 2048, &e), 0) << e.msg;
  for (int b : {64, 256}) {
    std::string bs = "serve.batch=" + std::to_string(b);
    serve_result_t il = run(cfg_with({bs, "serve.iterations=2", "serve.mode=neupims"}), w);
    serve_result_t ser = run(cfg_with({bs, "serve.iterations=2", "serve.mode=pim-split"}), w);
    EXPECT_LE(il.cycles, ser.cycles) << b;
    double arrays = il.array_busy * il.cycles, pim = il.pim_busy * il.cycles;
    EXPECT_GE(il.cycles, std::max(arrays, pim)) << b;
    EXPECT_GT(ser.cycles, 1.02 * il.cycles) << b << ": the overlap should save something";
  }
  serve_wl_free(&w);
}

// Extrapolating from the first layers against simulating all of them.
TEST(OracleNeupims, LayerExtrapolation) {
  std::string mp = tiny_model("deep", 512, 8, 10);
  serve_wl_t w;
  coda_err_t e{};
  ASSERT_EQ(serve_wl_make(&w, mp.c_str(), 1, 0, 128, 13, 2048, &e), 0) << e.msg;
  for (const char *mode : {"npu+pim", "neupims"}) {
    std::string m = std::string("serve.mode=") + mode;
    serve_result_t all = run(cfg_with({"serve.batch=64", "serve.iterations=3", m, "serve.sim_layers=0"}), w);
    serve_result_t ex = run(cfg_with({"serve.batch=64", "serve.iterations=3", m, "serve.sim_layers=4"}), w);
    EXPECT_EQ(all.tokens, ex.tokens);
    double err = std::fabs(ex.cycles - all.cycles) / all.cycles;
    std::printf("[ extrapolation ] %s: all %.0f cycles, 4 of 10 layers %.0f (%.3f %%)\n", mode, all.cycles, ex.cycles,
                100 * err);
    EXPECT_LT(err, 0.01) << mode;
  }
  serve_wl_free(&w);
}

// serve.mem_fidelity rate against full on a small case.
TEST(OracleNeupims, RateVsFull) {
  std::string mp = tiny_model("fid", 1024, 8, 3);
  serve_wl_t w;
  coda_err_t e{};
  ASSERT_EQ(serve_wl_make(&w, mp.c_str(), 1, 0, 64, 17, 2048, &e), 0) << e.msg;
  for (const char *mode : {"npu-only", "npu+pim", "neupims"}) {
    std::string m = std::string("serve.mode=") + mode;
    serve_result_t full = run(cfg_with({"serve.batch=32", "serve.iterations=2", m, "serve.mem_fidelity=full"}), w);
    serve_result_t rate = run(cfg_with({"serve.batch=32", "serve.iterations=2", m, "serve.mem_fidelity=rate"}), w);
    double et = (rate.tokens_per_s - full.tokens_per_s) / full.tokens_per_s;
    double ee = (rate.e_dram_pj - full.e_dram_pj) / full.e_dram_pj;
    std::printf("[ fidelity ] %s: full %.1f tok/s (%.2f s), rate %.1f tok/s (%.2f s): %+.2f %%; DRAM energy %+.2f %%\n",
                mode, full.tokens_per_s, full.sim_seconds, rate.tokens_per_s, rate.sim_seconds, 100 * et, 100 * ee);
    EXPECT_LT(std::fabs(et), 0.10) << mode;
    EXPECT_LT(std::fabs(ee), 0.25) << mode;
    EXPECT_EQ(full.mem_bytes, rate.mem_bytes) << mode;
  }
  serve_wl_free(&w);
}

// ---- GoldenNeupims: the command line ---------------------------------------

TEST(GoldenNeupims, RunJson) {
  std::string js = tmpdir() + "/np.json";
  Result r = coda_test::run_bin(coda_test::bin(), "run --arch " + coda_test::root() + "/sim/configs/neupims.json " +
                                                      coda_test::root() + "/workloads/serve/gpt3_7b_sharegpt.json" +
                                                      " --set serve.batch=16 --set serve.iterations=3 "
                                                      "--set serve.sim_layers=3 --json " + js);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("tokens/s"), std::string::npos);
  json_error_t je;
  json_t *o = json_load_file(js.c_str(), 0, &je);
  ASSERT_TRUE(o) << je.text;
  EXPECT_STREQ(json_string_value(json_object_get(o, "schema")), "coda.neupims.v1");
  EXPECT_STREQ(json_string_value(json_object_get(o, "mode")), "neupims");
  // 2048 requests in the trace keep the batch full: 16 tokens per iteration
  EXPECT_EQ(json_integer_value(json_object_get(o, "tokens")), 16 * 3);
  EXPECT_GT(json_real_value(json_object_get(o, "tokens_per_s")), 0);
  EXPECT_TRUE(json_object_get(json_object_get(o, "stage_cycles"), "attention_cycles"));
  EXPECT_TRUE(json_object_get(json_object_get(o, "energy"), "dram_pj"));
  json_decref(o);
}

TEST(GoldenNeupims, ReportQuick) {
  std::string md = tmpdir() + "/np_report.md", js = tmpdir() + "/np_report.json";
  Result r = coda_test::run_bin(coda_test::bin(), "report neupims --quick --md " + md + " --json " + js,
                                "CODA_ROOT=" + coda_test::root());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char *s : {"gpt3_7b | 64", "gpt3_175b | 64", "npu-only", "neupims / npu+pim", "wall time"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  std::string m = coda_test::slurp(md);
  EXPECT_NE(m.find("gpt3_175b"), std::string::npos);
  if (coda_test::have("gnuplot")) {
    EXPECT_NE(m.find("np_report_tokens.png"), std::string::npos) << m;
    EXPECT_TRUE(std::ifstream(tmpdir() + "/np_report_tokens.png").good());
  }
  json_error_t je;
  json_t *o = json_load_file(js.c_str(), 0, &je);
  ASSERT_TRUE(o) << je.text;
  EXPECT_EQ(json_array_size(json_object_get(o, "points")), 2u * 1 * SERVE_MODE_COUNT);
  json_decref(o);
}

// ---- ErrorsNeupims ---------------------------------------------------------

void expect_err(const std::string &wl_body, const std::string &field, const std::string &sets = "") {
  std::string p = tmpdir() + "/bad_wl.json";
  std::ofstream(p) << wl_body;
  Result r = coda_test::run_bin(coda_test::bin(), "run --arch " + coda_test::root() + "/sim/configs/neupims.json " + p +
                                                      " " + sets);
  EXPECT_EQ(r.code, 2) << wl_body << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(field), std::string::npos) << r.err;
}

TEST(ErrorsNeupims, BadWorkloadsAndConfigs) {
  std::string m = coda_test::root() + "/workloads/models/gpt3_7b.json";
  std::string ok = "\"name\": \"x\", \"model\": \"" + m + "\", \"requests\": 8";
  expect_err("{" + ok + ", \"tp\": 4, \"dataset\": \"lmsys\"}", "dataset");
  expect_err("{" + ok + ", \"tp\": 3, \"dataset\": \"alpaca\"}", "tp");
  expect_err("{" + ok + ", \"tp\": 4, \"dataset\": \"alpaca\", \"batch\": 4}", "batch");
  expect_err("{\"name\": \"x\", \"model\": \"nope.json\", \"tp\": 4, \"dataset\": \"alpaca\", \"requests\": 8}", "model");
  expect_err("{\"name\": \"x\", \"model\": \"" + m + "\", \"tp\": 4, \"dataset\": \"alpaca\", \"requests\": 0}", "requests");
  expect_err("{\"name\": \"x\", ", "bad_wl.json");
  expect_err("{" + ok + ", \"tp\": 4, \"dataset\": \"alpaca\"}", "serve.mode", "--set serve.mode=pim-fast");
  expect_err("{" + ok + ", \"tp\": 4, \"dataset\": \"alpaca\"}", "serve.sim_layers", "--set serve.sim_layers=2");
  expect_err("{" + ok + ", \"tp\": 4, \"dataset\": \"alpaca\"}", "npu.arrays", "--set npu.arrays=0");
}

}  // namespace
