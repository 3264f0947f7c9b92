// t3_system_test.cc: T3's multi-device system (sim/t3/system.c, issue 8):
// the symmetric simulation against the full one, the functional check of
// every variant, DRAM / link bytes and tracker triggers against the
// dataflow's closed forms (computed here from the sizes), the producer's
// compute time, the ideal bound, MCA thresholds, the timeline, the report,
// and the malformed-input errors of `coda t3 run`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/t3sys_shim.h"

namespace {

using coda_test::Result;

arch_cfg_t t3cfg(std::vector<std::string> sets = {}) {
  std::vector<arch_set_t> s;
  for (auto &x : sets) s.push_back(arch_set_t{x.c_str()});
  arch_cfg_t c;
  coda_err_t e{};
  std::string path = coda_test::root() + "/sim/configs/t3.json";
  EXPECT_EQ(arch_cfg_load(&c, path.c_str(), s.data(), (int)s.size(), &e), CODA_OK) << e.msg;
  return c;
}

// A small sublayer: fc2 of a hidden-1024 model, 1024 tokens, TP n
// (M x N x K = 1024 x 1024 x 4096 / n), 256 x 256 tiles, 8 compute units.
t3_gemm_t small_gemm(arch_cfg_t &c, uint32_t n) {
  c.t3_devices = n;
  c.t3_cus = 8;
  t3_gemm_t g;
  t3_gemm_of(&g, "small", T3_SUB_FC2, n, 1024, 1024);
  return g;
}

t3_sys_result_t run(const arch_cfg_t &c, const t3_gemm_t &g, t3_variant_e v, int full = 0, int functional = 0,
                    const char *tl = nullptr) {
  t3_sys_opts_t o{full, functional, tl, 0};
  t3_sys_result_t r{};
  coda_err_t e{};
  EXPECT_EQ(t3_sys_run(&c, &g, v, &o, &r, &e), CODA_OK) << e.msg;
  return r;
}

TEST(OracleT3System, SymmetricEqualsFull) {
  for (uint32_t n : {2u, 4u}) {
    arch_cfg_t c = t3cfg();
    t3_gemm_t g = small_gemm(c, n);
    for (t3_variant_e v : {T3_VAR_SEQ, T3_VAR_T3, T3_VAR_T3_MCA}) {
      t3_sys_result_t s = run(c, g, v, 0), f = run(c, g, v, 1);
      SCOPED_TRACE(std::string(t3_variant_name(v)) + " N=" + std::to_string(n));
      EXPECT_EQ(s.cycles, f.cycles);
      EXPECT_EQ(s.gemm_cycles, f.gemm_cycles);
      EXPECT_EQ(s.dram_rd_bytes, f.dram_rd_bytes);
      EXPECT_EQ(s.dram_wr_bytes, f.dram_wr_bytes);
      EXPECT_EQ(s.link_bytes, f.link_bytes);
      EXPECT_EQ(s.tracker_fires, f.tracker_fires);
      EXPECT_EQ(f.functional_ok, 1) << "devices of the full run ended at different cycles";
    }
  }
}

TEST(GoldenT3System, EveryVariantReducesToTheReferenceSum) {
  for (uint32_t n : {2u, 3u, 4u}) {
    arch_cfg_t c = t3cfg();
    t3_gemm_t g;
    c.t3_devices = n, c.t3_cus = 8, c.t3_tile_m = 128; // chunks of 768, 512, 384 rows
    t3_gemm_of(&g, "small", T3_SUB_OPROJ, n, 1536, 1024);
    for (t3_variant_e v : {T3_VAR_SEQ, T3_VAR_T3, T3_VAR_T3_MCA}) {
      t3_sys_result_t r = run(c, g, v, 1, 1);
      EXPECT_EQ(r.functional_ok, 1) << t3_variant_name(v) << " N=" << n;
    }
  }
}

// A communication-bound sublayer on the smallest tracker the plan allows
// (2 stages of entries): the producer runs stages ahead of the ring and its
// updates wait for free entries; the run must still finish and be right.
TEST(GoldenT3System, ProducerAheadOfTheTrackerCompletes) {
  arch_cfg_t c = t3cfg({"t3.link_gbps=5", "t3.tracker_entries=8"});
  t3_gemm_t g = small_gemm(c, 4); // 4 tiles per chunk: 8 entries = 2 stages
  c.t3_cus = 16;
  for (t3_variant_e v : {T3_VAR_T3, T3_VAR_T3_MCA}) {
    t3_sys_result_t r = run(c, g, v, 1, 1);
    EXPECT_EQ(r.functional_ok, 1) << t3_variant_name(v);
    EXPECT_GT(r.cycles, 2 * r.gemm_cycles) << "the case should be communication-bound";
  }
}

TEST(OracleT3System, BytesAndTriggersFollowTheDataflow) {
  arch_cfg_t c = t3cfg({"t3.l2_bytes=1073741824"}); // every input panel stays cached: inputs read once
  const uint32_t N = 4;
  t3_gemm_t g = small_gemm(c, N);
  const uint64_t A = g.m * g.k * 2, B = g.k * g.n * 2, out = g.m * g.n * 2, chunk = out / N;
  const uint64_t C = c.hbm_channels, T = (g.m / N / 256) * (g.n / 256);
  t3_sys_result_t s = run(c, g, T3_VAR_SEQ), t = run(c, g, T3_VAR_T3);
  // sequential: the GEMM writes its output; N-1 ring steps, each: DMA read,
  // receive-buffer write, reduction (2 reads, 1 write)
  EXPECT_EQ(s.dram_rd_bytes, A + B + (N - 1) * chunk * 3);
  EXPECT_EQ(s.dram_wr_bytes, out + (N - 1) * chunk * 2);
  EXPECT_EQ(s.dram_upd, 0u);
  // T3: stage 0 goes over the link; stages 1..N-1 one local update and one
  // incoming update per byte; stages 1..N-2 forwarded by DMA reads
  EXPECT_EQ(t.dram_rd_bytes, A + B + (N - 2) * chunk);
  EXPECT_EQ(t.dram_wr_bytes, 2 * (N - 1) * chunk);
  EXPECT_EQ(t.dram_upd, 2 * (N - 1) * chunk / 64);
  EXPECT_EQ(s.link_bytes, (N - 1) * chunk);
  EXPECT_EQ(t.link_bytes, (N - 1) * chunk);
  EXPECT_EQ(t.tracker_fires, (N - 2) * T * C); // one DMA per forwarded (tile, controller)
  EXPECT_EQ(s.tracker_fires, (N - 1) * T * C); // the sequential DMA engine's transfers
}

TEST(OracleT3System, ProducerTimeAndTheIdealBound) {
  arch_cfg_t c = t3cfg();
  const uint32_t N = 4;
  t3_gemm_t g = small_gemm(c, N);
  // one tile: 2 x 256 x 256 x K FLOP at t3.cu_flops per cycle and t3.freq_mhz, in 1 ns DRAM cycles
  const double dev = std::ceil(2.0 * 256 * 256 * (double)g.k / c.t3_cu_flops);
  const uint64_t tile = (uint64_t)std::ceil(dev * 1000.0 / c.t3_freq_mhz / c.hbm_tck_ns - 1e-9);
  EXPECT_EQ(t3_tile_cycles(&c, 256, 256, g.k), tile);
  const uint64_t tiles = (g.m / 256) * (g.n / 256), waves = (tiles + c.t3_cus - 1) / c.t3_cus;
  t3_sys_result_t s = run(c, g, T3_VAR_SEQ), i = run(c, g, T3_VAR_IDEAL), t = run(c, g, T3_VAR_T3);
  EXPECT_GE(s.gemm_cycles, waves * tile);
  EXPECT_LT(s.gemm_cycles, waves * tile * 1.5) << "the small GEMM should be compute-bound";
  EXPECT_EQ(s.cycles, s.gemm_cycles + s.rs_cycles);
  EXPECT_EQ(i.cycles, std::max(s.gemm_cycles, s.rs_cycles));
  EXPECT_LT(i.cycles, s.cycles);
  EXPECT_LT(t.cycles, s.cycles) << "T3 overlaps the reduce-scatter with the GEMM";
  EXPECT_GE(t.cycles, t.gemm_cycles);
}

TEST(OracleT3System, AnyEngineIsTheProducer) {
  // systolic: one weight-stationary R x C array per unit, the overlapped
  // preload rule of npu.ws_preload (the first fold 2R + C + M - 2 cycles,
  // every later one max(M, R)) at npu.freq_mhz
  arch_cfg_t c = t3cfg({"t3.engine=systolic"});
  const uint64_t R = c.npu_array_rows, C = c.npu_array_cols, M = 256, N = 256, K = 1024;
  const uint64_t folds = ((K + R - 1) / R) * ((N + C - 1) / C);
  const double npu = (double)(2 * R + C + M - 2) + (double)(folds - 1) * (double)std::max(M, R);
  EXPECT_EQ(t3_tile_cycles(&c, M, N, K), (uint64_t)std::ceil(npu * 1000.0 / c.npu_freq_mhz / c.hbm_tck_ns - 1e-9));
  for (const char *e : {"t3.engine=systolic", "t3.engine=lut", "t3.engine=mac"}) {
    arch_cfg_t d = t3cfg({e});
    t3_gemm_t g = small_gemm(d, 4);
    const uint64_t tile = t3_tile_cycles(&d, 256, 256, g.k);
    const uint64_t waves = ((g.m / 256) * (g.n / 256) + d.t3_cus - 1) / d.t3_cus;
    t3_sys_result_t s = run(d, g, T3_VAR_SEQ), t = run(d, g, T3_VAR_T3);
    EXPECT_GE(s.gemm_cycles, waves * tile) << e;
    EXPECT_LT(t.cycles, s.cycles) << e;
  }
}

TEST(OracleT3System, McaThresholds) {
  arch_cfg_t c = t3cfg({"t3.mca=static", "t3.mca_threshold=3"});
  t3_gemm_t g = small_gemm(c, 4);
  t3_sys_result_t r = run(c, g, T3_VAR_T3_MCA);
  EXPECT_EQ(r.mca_threshold, 3u);
  arch_cfg_t d = t3cfg({"t3.mca=dynamic"});
  g = small_gemm(d, 4);
  r = run(d, g, T3_VAR_T3_MCA);
  const double Q = (double)(d.hbm_rq_entries + d.hbm_wq_entries);
  EXPECT_GT(r.gemm_mem_intensity, 0.0);
  EXPECT_LE(r.gemm_mem_intensity, 1.0);
  EXPECT_EQ(r.mca_threshold, (uint32_t)std::max(1L, std::lround(Q * (1 - r.gemm_mem_intensity))));
}

TEST(GoldenT3System, TimelineShowsStagesAndLinks) {
  arch_cfg_t c = t3cfg();
  t3_gemm_t g = small_gemm(c, 4);
  std::string p = coda_test::tmpdir() + "/t3.json";
  run(c, g, T3_VAR_T3, 1, 0, p.c_str());
  json_error_t je;
  json_t *j = json_load_file(p.c_str(), 0, &je);
  ASSERT_TRUE(j) << je.text << " line " << je.line;
  json_t *ev = json_object_get(j, "traceEvents");
  ASSERT_TRUE(json_is_array(ev));
  std::vector<int> stage_pids, link_pids;
  size_t i;
  json_t *e;
  json_array_foreach(ev, i, e) {
    std::string nm = json_string_value(json_object_get(e, "name"));
    if (std::string(json_string_value(json_object_get(e, "ph"))) != "X") continue;
    EXPECT_GT(json_number_value(json_object_get(e, "dur")), 0.0) << nm;
    int pid = (int)json_integer_value(json_object_get(e, "pid"));
    if (nm.rfind("GEMM stage", 0) == 0) stage_pids.push_back(pid);
    if (nm == "link out") link_pids.push_back(pid);
  }
  for (int d = 1; d <= 4; d++) {
    EXPECT_EQ(std::count(stage_pids.begin(), stage_pids.end(), d), 4) << "device " << d;
    EXPECT_GE(std::count(link_pids.begin(), link_pids.end(), d), 1) << "device " << d;
  }
  json_decref(j);
}

TEST(GoldenT3System, QuickReportIsConsistent) {
  std::string js = coda_test::tmpdir() + "/t3r.json";
  Result r = coda_test::run_bin(coda_test::bin(), "report t3 --quick --models mega_gpt2 --tokens 1024 --set t3.cus=16 -j 2 --json " + js);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Geomean speedup over sequential"), std::string::npos);
  json_error_t je;
  json_t *j = json_load_file(js.c_str(), 0, &je);
  ASSERT_TRUE(j) << je.text;
  EXPECT_STREQ(json_string_value(json_object_get(j, "schema")), "coda.t3_report.v1");
  json_t *pts = json_object_get(j, "points");
  ASSERT_EQ(json_array_size(pts), 1u);
  json_t *res = json_object_get(json_array_get(pts, 0), "results");
  ASSERT_EQ(json_array_size(res), 4u);
  double seq = json_number_value(json_object_get(json_array_get(res, 0), "time_us"));
  for (size_t v = 0; v < 4; v++) {
    json_t *x = json_array_get(res, v);
    double t = json_number_value(json_object_get(x, "time_us"));
    EXPECT_NEAR(json_number_value(json_object_get(x, "speedup_over_seq")), seq / t, 1e-3);
  }
  double t3 = json_number_value(json_object_get(json_array_get(res, 1), "time_us"));
  EXPECT_NEAR(json_number_value(json_object_get(json_object_get(j, "geomean_speedup"), "t3")), seq / t3, 1e-3);
  json_decref(j);
}

void expect_one_line_error(const std::string &args, const std::string &key) {
  Result r = coda_test::run_bin(coda_test::bin(), args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.out << r.err;
  EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(ErrorsT3System, MalformedConfigsAndWorkloads) {
  const std::string base = "t3 run --arch " + coda_test::root() + "/sim/configs/t3.json --model " + coda_test::root() +
                           "/workloads/t3/mega_gpt2.json --tokens 1024 --tp 4 ";
  expect_one_line_error(base + "--set t3.devices=1", "t3.devices");                 // a ring of one device
  expect_one_line_error("t3 run --model " + coda_test::root() + "/workloads/t3/mega_gpt2.json --tp 1", "--tp");
  expect_one_line_error(base + "--set t3.mca_threshold=0", "t3.mca_threshold");     // zero thresholds
  expect_one_line_error(base + "--set t3.mca_starve=0", "t3.mca_starve");
  expect_one_line_error(base + "--set t3.addr_b=0", "overlaps");                    // overlapping address maps
  expect_one_line_error(base + "--set t3.addr_recv=2147483648", "overlaps");
  expect_one_line_error(base + "--set t3.tile_m=4096", "t3.tile_m");                // tiles larger than the output
  expect_one_line_error(base + "--set t3.tile_n=4096", "t3.tile_n");
  expect_one_line_error(base + "--sub nope", "--sub");
  std::string bad = coda_test::tmpdir() + "/bad_model.json";
  FILE *f = fopen(bad.c_str(), "w");
  fputs("{\"name\": \"x\", \"hidden\": 1024, \"layers\": 2, \"heads\": 8, \"tokens\": 1024, \"tp\": [1], \"source\": \"s\"}", f);
  fclose(f);
  expect_one_line_error("t3 run --model " + bad, "tp");
}

}  // namespace
