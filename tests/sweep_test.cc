// sweep_test.cc: `coda sweep` -- spec expansion and sampling, point hashes,
// the Pareto filter, the SQLite store under kill -9 and --resume, reuse
// across sweeps, shards and --merge, the report, malformed specs, and a real
// single-node Slurm cluster. Expected values come from the spec's arithmetic,
// the definitions (SHA-256 test vectors, Latin-hypercube strata, Pareto
// dominance) or an independent run of the same sweep, never from the output
// under test.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/sweep_shim.h"

namespace {

using coda_test::Result;

std::string tdir() { return coda_test::tmpdir(); }

std::string write_file(const std::string &name, const std::string &text) {
  std::string p = tdir() + "/" + name;
  std::ofstream(p) << text;
  return p;
}

std::string env() { return "CODA_ROOT=" + coda_test::root(); }

Result coda(const std::string &args, const std::string &extra_env = "") {
  return coda_test::run_bin(coda_test::bin(), args, env() + " " + extra_env);
}

int count_lines(const std::string &s) { return (int)std::count(s.begin(), s.end(), '\n'); }

// Points stored in a sweep database (-1 if it cannot be read).
int db_points(const std::string &path) {
  sqlite3 *db = nullptr;
  int n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM points", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

int simulated_of(const std::string &out) {
  std::smatch m;
  if (std::regex_search(out, m, std::regex("(\\d+) simulated"))) return std::stoi(m[1]);
  return -1;
}

std::string base_cfg() { return coda_test::root() + "/sim/configs/lut_tc.json"; }

// ---- spec parsing and expansion -------------------------------------------

TEST(UnitSweep, ExpandListRangeLhsCounts) {
  // 3 (list) x 4 (range 16..64 step 16) x 3 (range 16..64 mul 2) x 5 (LHS) x 2 workloads
  std::string p = write_file("expand.json", R"({
    "name": "expand", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": "8,64,64"}, {"gemm": "16,128,64", "wbits": 4}],
    "params": {"workload.wbits": [1, 2, 4],
               "tpre.ew_elems_per_cycle": {"range": [16, 64], "step": 16},
               "core.n": {"range": [16, 64], "mul": 2}},
    "samples": {"method": "lhs", "n": 5, "seed": 3,
                "params": {"memory.bytes_per_cycle": {"min": 8, "max": 128},
                           "memory.latency_cycles": {"min": 10, "max": 500, "int": true}}}})");
  sweep_spec_t s;
  coda_err_t err = {};
  ASSERT_EQ(sweep_spec_load(&s, p.c_str(), &err), 0) << err.msg;
  EXPECT_EQ(sweep_count(&s), 3u * 4u * 3u * 5u * 2u);
  sweep_point_t *pts = nullptr;
  int n = 0;
  ASSERT_EQ(sweep_expand(&s, &pts, &n, &err), 0) << err.msg;
  ASSERT_EQ(n, 360);
  std::set<std::string> grid, all;
  std::set<long> ns, ew;
  for (int i = 0; i < n; i++) {
    EXPECT_EQ(pts[i].idx, i);
    json_t *P = pts[i].params;
    ns.insert((long)json_integer_value(json_object_get(P, "core.n")));
    ew.insert((long)json_integer_value(json_object_get(P, "tpre.ew_elems_per_cycle")));
    double bw = json_number_value(json_object_get(P, "memory.bytes_per_cycle"));
    EXPECT_GE(bw, 8.0);
    EXPECT_LE(bw, 128.0);
    json_t *lat = json_object_get(P, "memory.latency_cycles");
    ASSERT_TRUE(json_is_integer(lat));
    EXPECT_GE(json_integer_value(lat), 10);
    EXPECT_LE(json_integer_value(lat), 500);
    char *t = json_dumps(P, JSON_SORT_KEYS | JSON_COMPACT);
    all.insert(std::to_string(pts[i].wl) + t);
    free(t);
  }
  EXPECT_EQ(ns, (std::set<long>{16, 32, 64}));
  EXPECT_EQ(ew, (std::set<long>{16, 32, 48, 64}));
  EXPECT_EQ(all.size(), 360u);  // every point distinct
  // the same spec expands to the same points (seeded)
  sweep_point_t *pts2 = nullptr;
  int n2 = 0;
  ASSERT_EQ(sweep_expand(&s, &pts2, &n2, &err), 0);
  ASSERT_EQ(n2, n);
  for (int i = 0; i < n; i++) EXPECT_TRUE(json_equal(pts[i].params, pts2[i].params)) << i;
  sweep_points_free(pts, n);
  sweep_points_free(pts2, n2);
  sweep_spec_free(&s);
}

TEST(UnitSweep, LhsStratification) {
  // Latin hypercube: in every dimension, each of the n strata [i/n, (i+1)/n)
  // holds exactly one sample.
  for (int n : {1, 7, 64, 257}) {
    const int d = 5;
    std::vector<double> u((size_t)n * d);
    sweep_lhs(42 + n, n, d, u.data());
    for (int j = 0; j < d; j++) {
      std::vector<int> hits(n, 0);
      for (int i = 0; i < n; i++) {
        double x = u[(size_t)i * d + j];
        ASSERT_GE(x, 0.0);
        ASSERT_LT(x, 1.0);
        hits[(int)(x * n)]++;
      }
      for (int k = 0; k < n; k++) EXPECT_EQ(hits[k], 1) << "n=" << n << " dim " << j << " stratum " << k;
    }
  }
  // different seeds, different designs
  std::vector<double> a(64 * 2), b(64 * 2);
  sweep_lhs(1, 64, 2, a.data());
  sweep_lhs(2, 64, 2, b.data());
  EXPECT_NE(a, b);
}

TEST(UnitSweep, Sha256KnownVectors) {
  char h[65];
  sweep_sha256_hex("abc", 3, h);  // FIPS 180-2 appendix B.1
  EXPECT_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  sweep_sha256_hex("", 0, h);
  EXPECT_STREQ(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(UnitSweep, HashStableAndSensitive) {
  // The hash is of the resolved config: varying core.n over [64] (the base's
  // own value) gives the same hash as not varying it; another value differs.
  std::string a = write_file("hash_a.json", R"({"name": "ha", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": "8,64,64"}], "params": {"core.n": [64, 32]}})");
  std::string b = write_file("hash_b.json", R"({"name": "hb", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": "8,64,64"}]})");
  std::string c = write_file("hash_c.json", R"({"name": "hc", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": "8,64,64", "wbits": 3}]})");
  sweep_spec_t sa, sb, sc;
  coda_err_t err = {};
  ASSERT_EQ(sweep_spec_load(&sa, a.c_str(), &err), 0) << err.msg;
  ASSERT_EQ(sweep_spec_load(&sb, b.c_str(), &err), 0) << err.msg;
  ASSERT_EQ(sweep_spec_load(&sc, c.c_str(), &err), 0) << err.msg;
  sweep_point_t *pa, *pb, *pc;
  int na, nb, nc;
  ASSERT_EQ(sweep_expand(&sa, &pa, &na, &err), 0);
  ASSERT_EQ(sweep_expand(&sb, &pb, &nb, &err), 0);
  ASSERT_EQ(sweep_expand(&sc, &pc, &nc, &err), 0);
  ASSERT_EQ(na, 2);
  ASSERT_EQ(nb, 1);
  sweep_resolved_t r64, r32, rb, rb2, rc;
  ASSERT_EQ(sweep_resolve(&sa, &pa[0], &r64, &err), 0) << err.msg;
  ASSERT_EQ(sweep_resolve(&sa, &pa[1], &r32, &err), 0) << err.msg;
  ASSERT_EQ(sweep_resolve(&sb, &pb[0], &rb, &err), 0) << err.msg;
  ASSERT_EQ(sweep_resolve(&sb, &pb[0], &rb2, &err), 0) << err.msg;
  ASSERT_EQ(sweep_resolve(&sc, &pc[0], &rc, &err), 0) << err.msg;
  EXPECT_EQ(strlen(rb.hash), 64u);
  EXPECT_STREQ(rb.hash, rb2.hash);   // stable
  EXPECT_STREQ(r64.hash, rb.hash);   // same resolved config, same workload
  EXPECT_STRNE(r32.hash, rb.hash);   // another config
  EXPECT_STRNE(rc.hash, rb.hash);    // another workload (weight bits)
  EXPECT_EQ(r32.cfg.core_n, 32u);
  for (auto *r : {&r64, &r32, &rb, &rb2, &rc}) sweep_resolved_free(r);
  sweep_points_free(pa, na);
  sweep_points_free(pb, nb);
  sweep_points_free(pc, nc);
  sweep_spec_free(&sa);
  sweep_spec_free(&sb);
  sweep_spec_free(&sc);
}

TEST(UnitSweep, AreaEstimateAtSynthesizedShapes) {
  // The LUT core estimate composes per-instance module areas; at the shapes
  // coda area synthesized (OSU 0.18 um, flow coda-area-2) it must give the
  // synthesized totals: M2N64K4 3648483, M1N2K4 170983, M1N4K4 226667,
  // M1N2K2 74792, M1N2K8 2008554 um2.
  struct { unsigned m, n, k; double um2; } shapes[] = {
      {2, 64, 4, 3648483}, {1, 2, 4, 170983}, {1, 4, 4, 226667}, {1, 2, 2, 74792}, {1, 2, 8, 2008554}};
  for (auto &sh : shapes) {
    arch_cfg_t c;
    arch_cfg_defaults(&c);
    c.core_m = sh.m;
    c.core_n = sh.n;
    c.core_k = sh.k;
    EXPECT_NEAR(sweep_area_estimate_um2(&c, 0.0), sh.um2, 1.0) << sh.m << "x" << sh.n << "x" << sh.k;
  }
  // buffers: bits x um2/bit
  arch_cfg_t c;
  arch_cfg_defaults(&c);
  double bits = 8.0 * (double)(c.buffers_abuf_bytes + c.buffers_wbuf_bytes + c.buffers_tbuf_bytes + c.buffers_cbuf_bytes);
  EXPECT_NEAR(sweep_area_estimate_um2(&c, 2.0) - sweep_area_estimate_um2(&c, 0.0), 2.0 * bits, 1e-6);
}

// ---- Pareto ----------------------------------------------------------------

TEST(UnitSweep, ParetoAgainstBruteForce) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 40; trial++) {
    int n = 1 + (int)(rng() % 120), d = 2 + (int)(rng() % 3);
    std::vector<double> v((size_t)n * d);
    for (auto &x : v) x = (double)(rng() % 12);  // small range: many ties
    std::vector<int> f(n);
    sweep_pareto(v.data(), n, d, f.data());
    auto dominates = [&](int a, int b) {
      bool lt = false;
      for (int k = 0; k < d; k++) {
        if (v[a * d + k] > v[b * d + k]) return false;
        if (v[a * d + k] < v[b * d + k]) lt = true;
      }
      return lt;
    };
    for (int i = 0; i < n; i++) {
      bool dominated = false;
      for (int j = 0; j < n; j++) dominated |= dominates(j, i);
      EXPECT_EQ(f[i], dominated ? 0 : 1) << "trial " << trial << " point " << i;
    }
    if (d == 2) {
      // 2-D: sort by x then y; a point is on the front iff its y is below
      // every y of points with smaller x (and no equal-x point has a smaller y)
      std::vector<int> ix(n);
      for (int i = 0; i < n; i++) ix[i] = i;
      std::sort(ix.begin(), ix.end(), [&](int a, int b) {
        return v[a * 2] != v[b * 2] ? v[a * 2] < v[b * 2] : v[a * 2 + 1] < v[b * 2 + 1];
      });
      double best = 1e300;
      size_t i = 0;
      while (i < ix.size()) {
        size_t j = i;
        double x = v[ix[i] * 2], ymin = v[ix[i] * 2 + 1];
        while (j < ix.size() && v[ix[j] * 2] == x) j++;
        for (size_t q = i; q < j; q++) {
          double y = v[ix[q] * 2 + 1];
          EXPECT_EQ(f[ix[q]], (y == ymin && y < best) ? 1 : 0);
        }
        best = std::min(best, ymin);
        i = j;
      }
    }
  }
}

// ---- runs through the CLI ----------------------------------------------------

std::string small_spec(const std::string &name, const std::string &params, const std::string &gemm = "16,256,256") {
  return write_file(name + ".json", R"({"name": ")" + name + R"(", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": ")" + gemm + R"("}], "params": )" + params + R"(,
    "objectives": ["cycles", "area_um2", "energy_pj"]})");
}

std::string export_json(const std::string &db) {
  Result r = coda("sweep --db " + db + " --export json -o " + db + ".export.json");
  EXPECT_EQ(r.code, 0) << r.err;
  return coda_test::slurp(tdir() + "/" + db + ".export.json");
}

TEST(GoldenSweep, KillNineThenResumeEqualsUninterrupted) {
  // 32 points of ~0.2 s each; -j 2.
  std::string spec = small_spec("killme", R"({"core.n": [16, 32, 64, 128], "workload.wbits": [1, 2, 3, 4],
    "buffers.wbuf_bytes": [65536, 131072]})", "64,4096,2048");
  Result full = coda("sweep " + spec + " -j 2 --db full.sqlite --quiet");
  ASSERT_EQ(full.code, 0) << full.err;
  ASSERT_EQ(simulated_of(full.out), 32) << full.out;
  // the same sweep, killed with SIGKILL once a few points are stored
  std::string db = tdir() + "/killed.sqlite";
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(tdir().c_str())) _exit(126);
    setenv("CODA_ROOT", coda_test::root().c_str(), 1);
    int nul = open("/dev/null", O_WRONLY);
    dup2(nul, 1);
    dup2(nul, 2);
    execl(coda_test::bin().c_str(), "coda", "sweep", spec.c_str(), "-j", "2", "--db", db.c_str(), (char *)nullptr);
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  int stored = 0;
  for (int i = 0; i < 600 && stored < 4; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stored = std::max(stored, db_points(db));
  }
  kill(pid, SIGKILL);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << "the sweep finished before it could be killed";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // workers die with the parent
  int at_kill = db_points(db);
  ASSERT_GE(at_kill, 4);
  ASSERT_LT(at_kill, 32) << "nothing left to resume";
  Result res = coda("sweep " + spec + " -j 2 --db killed.sqlite --resume --quiet");
  ASSERT_EQ(res.code, 0) << res.err;
  EXPECT_EQ(simulated_of(res.out), 32 - at_kill) << res.out;  // none run twice, none lost
  EXPECT_EQ(db_points(db), 32);
  std::string a = export_json("full.sqlite"), b = export_json("killed.sqlite");
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);  // same point hashes, params and metrics
}

TEST(GoldenSweep, ReuseAcrossSweepsAndRerun) {
  std::string s1 = small_spec("reuse1", R"({"core.n": [16, 32, 64], "workload.wbits": [1, 2]})");
  std::string s2 = small_spec("reuse2", R"({"core.n": [32, 64, 128], "workload.wbits": [2]})");
  Result a = coda("sweep " + s1 + " -j 2 --db reuse.sqlite --quiet");
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(simulated_of(a.out), 6);
  Result again = coda("sweep " + s1 + " -j 2 --db reuse.sqlite --quiet");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(simulated_of(again.out), 0) << again.out;
  EXPECT_NE(again.out.find("6 reused"), std::string::npos) << again.out;
  // another spec: n=32,64 at W2 are stored already, n=128 is new
  Result b = coda("sweep " + s2 + " -j 2 --db reuse.sqlite --quiet");
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(simulated_of(b.out), 1) << b.out;
  EXPECT_NE(b.out.find("2 reused"), std::string::npos) << b.out;
  EXPECT_EQ(db_points(tdir() + "/reuse.sqlite"), 7);
}

TEST(GoldenSweep, ShardsMergeEqualFullRun) {
  std::string spec = small_spec("shards", R"({"core.n": [16, 32, 64], "core.m": [1, 2], "workload.wbits": [2, 4]})");
  ASSERT_EQ(coda("sweep " + spec + " -j 2 --db whole.sqlite --quiet").code, 0);
  for (int i = 0; i < 3; i++) {
    Result r = coda("sweep " + spec + " --shard " + std::to_string(i) + "/3 --db sh" + std::to_string(i) + ".sqlite --quiet");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(simulated_of(r.out), 4) << r.out;  // 12 points, idx % 3
  }
  Result m = coda("sweep --merge merged.sqlite sh0.sqlite sh1.sqlite sh2.sqlite");
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(export_json("merged.sqlite"), export_json("whole.sqlite"));
}

TEST(GoldenSweep, ExportParetoReport) {
  std::string spec = small_spec("rep", R"({"core.n": [16, 32, 64, 128], "workload.wbits": [1, 2, 4]})");
  ASSERT_EQ(coda("sweep " + spec + " -j 2 --db rep.sqlite --quiet").code, 0);
  Result csv = coda("sweep --db rep.sqlite --export csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(count_lines(csv.out), 1 + 12);
  EXPECT_EQ(csv.out.rfind("hash,workload,status,feasible,core.n,workload.wbits,cycles,", 0), 0u) << csv.out.substr(0, 200);
  // the front of cycles x area from the CLI against dominance over the export
  std::string js = export_json("rep.sqlite");
  json_error_t je;
  json_t *root = json_loads(js.c_str(), 0, &je);
  ASSERT_NE(root, nullptr);
  json_t *pts = json_object_get(root, "points");
  ASSERT_EQ(json_array_size(pts), 12u);
  std::vector<std::pair<double, double>> v;
  std::vector<std::string> hashes;
  for (size_t i = 0; i < 12; i++) {
    json_t *m = json_object_get(json_array_get(pts, i), "metrics");
    v.push_back({json_number_value(json_object_get(m, "cycles")), json_number_value(json_object_get(m, "area_um2"))});
    hashes.push_back(json_string_value(json_object_get(json_array_get(pts, i), "hash")));
    EXPECT_GT(v.back().first, 0);
    EXPECT_GT(v.back().second, 0);
  }
  json_decref(root);
  Result par = coda("sweep --db rep.sqlite --pareto cycles,area_um2");
  ASSERT_EQ(par.code, 0) << par.err;
  int on_front = 0;
  for (size_t i = 0; i < 12; i++) {
    bool dominated = false;
    for (size_t j = 0; j < 12; j++)
      dominated |= v[j].first <= v[i].first && v[j].second <= v[i].second && v[j] != v[i];
    bool listed = par.out.find(hashes[i].substr(0, 12)) != std::string::npos;
    EXPECT_EQ(listed, !dominated) << hashes[i];
    on_front += !dominated;
  }
  EXPECT_NE(par.out.find(std::to_string(on_front) + " of 12"), std::string::npos) << par.out;
  if (!coda_test::have("gnuplot")) GTEST_SKIP() << "gnuplot not installed (make deps): report not checked";
  Result rep = coda("report sweep --db rep.sqlite --out repdir");
  ASSERT_EQ(rep.code, 0) << rep.err;
  std::string html = coda_test::slurp(tdir() + "/repdir/index.html");
  EXPECT_NE(html.find("pareto.png"), std::string::npos);
  // 2 parameters x 3 objectives (the spec's) + the front
  for (std::string png : {"pareto.png", "param_0_0.png", "param_1_2.png"}) {
    std::string b = coda_test::slurp(tdir() + "/repdir/" + png);
    ASSERT_GT(b.size(), 8u) << png;
    EXPECT_EQ(b.substr(1, 3), "PNG") << png;
  }
  // the front table lists every point on the front of all three objectives;
  // the cycles x area front is a subset of it
  for (size_t i = 0; i < 12; i++) {
    if (par.out.find(hashes[i].substr(0, 12)) == std::string::npos) continue;
    EXPECT_NE(html.find(hashes[i].substr(0, 12)), std::string::npos) << hashes[i];
  }
}

TEST(GoldenSweep, AreaConstraintPrunesBeforeSimulating) {
  // The area estimate grows with core.n; a budget between n=32's and n=64's
  // estimates keeps exactly n=16 and n=32.
  std::string probe = small_spec("probe", R"({"core.n": [32, 64]})");
  sweep_spec_t s;
  coda_err_t err = {};
  ASSERT_EQ(sweep_spec_load(&s, probe.c_str(), &err), 0) << err.msg;
  sweep_point_t *p;
  int n;
  ASSERT_EQ(sweep_expand(&s, &p, &n, &err), 0);
  sweep_resolved_t r32, r64;
  ASSERT_EQ(sweep_resolve(&s, &p[0], &r32, &err), 0);
  ASSERT_EQ(sweep_resolve(&s, &p[1], &r64, &err), 0);
  double a32 = sweep_area_estimate_um2(&r32.cfg, s.sram_um2_per_bit), a64 = sweep_area_estimate_um2(&r64.cfg, s.sram_um2_per_bit);
  ASSERT_LT(a32, a64);
  sweep_resolved_free(&r32);
  sweep_resolved_free(&r64);
  sweep_points_free(p, n);
  sweep_spec_free(&s);
  char budget[64];
  snprintf(budget, sizeof budget, "%.0f", (a32 + a64) / 2);
  std::string spec = write_file("budget.json", R"({"name": "budget", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": "16,256,256"}], "params": {"core.n": [16, 32, 64, 128]},
    "constraints": [{"metric": "area_um2", "max": )" + std::string(budget) + "}]}");
  Result r = coda("sweep " + spec + " --db budget.sqlite --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(simulated_of(r.out), 2) << r.out;
  EXPECT_NE(r.out.find("2 pruned"), std::string::npos) << r.out;
}

TEST(GoldenSweep, SynthAreaIsCodaAreaPlusBuffers) {
  std::string lib = coda_test::root() + "/build/tech/osu018/osu018_stdcells.lib";
  if (access(lib.c_str(), R_OK) || !coda_test::have("yosys"))
    GTEST_SKIP() << "no liberty (make tech) or no yosys: synthesized area not checked";
  std::string spec = write_file("synth.json", R"({"name": "synth", "base": ")" + base_cfg() + R"(",
    "workloads": [{"gemm": "4,64,64"}], "params": {"core.m": [1], "core.n": [2]},
    "area": {"model": "synth", "sram_um2_per_bit": 1.5}})");
  Result r = coda("sweep " + spec + " --db synth.sqlite --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string js = export_json("synth.sqlite");
  json_t *root = json_loads(js.c_str(), 0, nullptr);
  ASSERT_NE(root, nullptr);
  double got = json_number_value(json_object_get(json_object_get(json_array_get(json_object_get(root, "points"), 0), "metrics"), "area_um2"));
  json_decref(root);
  Result a = coda("area lut_tc --arch " + base_cfg() + " --set core.m=1 --set core.n=2 --json area.json");
  ASSERT_EQ(a.code, 0) << a.err;
  json_t *ad = json_load_file((tdir() + "/area.json").c_str(), 0, nullptr);
  ASSERT_NE(ad, nullptr);
  double core = json_number_value(json_object_get(ad, "area_um2"));
  json_decref(ad);
  arch_cfg_t c;
  coda_err_t err = {};
  ASSERT_EQ(arch_cfg_load(&c, base_cfg().c_str(), nullptr, 0, &err), 0);
  double bits = 8.0 * (double)(c.buffers_abuf_bytes + c.buffers_wbuf_bytes + c.buffers_tbuf_bytes + c.buffers_cbuf_bytes);
  EXPECT_GT(core, 0);
  EXPECT_NEAR(got, core + 1.5 * bits, 1e-6 * got);
}

// ---- errors ------------------------------------------------------------------

TEST(ErrorsSweep, MalformedSpecsOneLineExit2) {
  std::string base = "\"base\": \"" + base_cfg() + "\", \"workloads\": [{\"gemm\": \"8,64,64\"}]";
  struct Case { const char *name; std::string body; const char *field; } cases[] = {
      {"e_path", "{\"name\": \"x\", " + base + ", \"params\": {\"core.nn\": [1]}}", "core.nn"},
      {"e_sec", "{\"name\": \"x\", " + base + ", \"params\": {\"cores.n\": [1]}}", "cores.n"},
      {"e_empty_list", "{\"name\": \"x\", " + base + ", \"params\": {\"core.n\": []}}", "core.n: empty list"},
      {"e_empty_range", "{\"name\": \"x\", " + base + ", \"params\": {\"core.n\": {\"range\": [64, 16], \"step\": 16}}}", "core.n.range: empty range"},
      {"e_step", "{\"name\": \"x\", " + base + ", \"params\": {\"core.n\": {\"range\": [16, 64], \"step\": 0}}}", "core.n.step"},
      {"e_lhs_range", "{\"name\": \"x\", " + base + ", \"samples\": {\"method\": \"lhs\", \"n\": 4, \"params\": {\"core.n\": {\"min\": 64, \"max\": 8}}}}", "samples.params.core.n: empty range"},
      {"e_method", "{\"name\": \"x\", " + base + ", \"samples\": {\"method\": \"sobol\", \"n\": 4, \"params\": {\"core.n\": {\"min\": 8, \"max\": 64}}}}", "samples.method"},
      {"e_contra", "{\"name\": \"x\", " + base + ", \"constraints\": [{\"metric\": \"area_um2\", \"max\": 1e6}, {\"metric\": \"area_um2\", \"min\": 2e6}]}", "contradictory"},
      {"e_metric", "{\"name\": \"x\", " + base + ", \"constraints\": [{\"metric\": \"speed\", \"max\": 1}]}", "constraints[0].metric"},
      {"e_obj", "{\"name\": \"x\", " + base + ", \"objectives\": [\"cycles\", \"beauty\"]}", "objectives[1]"},
      {"e_wbits", "{\"name\": \"x\", " + base + ", \"params\": {\"workload.wbits\": [2, 5]}}", "workload.wbits[1]"},
      {"e_nowl", "{\"name\": \"x\", \"workloads\": []}", "workloads"},
      {"e_wlfile", "{\"name\": \"x\", \"workloads\": [\"nope.json\"]}", "workloads[0]"},
      {"e_gemm", "{\"name\": \"x\", \"workloads\": [{\"gemm\": \"8,64\"}]}", "workloads[0].gemm"},
      {"e_field", "{\"name\": \"x\", " + base + ", \"parms\": {}}", "parms: unknown field"},
      {"e_syntax", "{\"name\": \"x\",\n \"workloads\": [}", ":2:"},
      {"e_value", "{\"name\": \"x\", " + base + ", \"params\": {\"core.n\": [16, 2000]}}", "params.core.n[1]: 2000 is out of range 1..1024"},
      {"e_enum", "{\"name\": \"x\", " + base + ", \"params\": {\"core.type\": [\"lut\", \"tpu\"]}}", "params.core.type[1]: expected one of lut|mac"},
      {"e_smax", "{\"name\": \"x\", " + base + ", \"samples\": {\"method\": \"lhs\", \"n\": 3, \"params\": {\"core.k\": {\"min\": 1, \"max\": 9}}}}", "samples.params.core.k.max"},
      {"e_base", "{\"name\": \"x\", \"base\": \"missing.json\", \"workloads\": [{\"gemm\": \"8,64,64\"}]}", "base"},
  };
  for (const auto &c : cases) {
    std::string p = write_file(std::string(c.name) + ".json", c.body);
    Result r = coda("sweep " + p + " --db " + c.name + ".sqlite");
    EXPECT_EQ(r.code, 2) << c.name << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(std::string(c.name) + ".json"), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(c.field), std::string::npos) << c.name << ": " << r.err;
    EXPECT_EQ(access((tdir() + "/" + c.name + ".sqlite").c_str(), F_OK), -1) << c.name << ": a database was created";
  }
}

TEST(ErrorsSweep, ForeignDatabaseUntouched) {
  std::string s1 = small_spec("own", R"({"core.n": [16, 32]})");
  std::string s2 = small_spec("other", R"({"core.n": [64]})");
  ASSERT_EQ(coda("sweep " + s1 + " --db own.sqlite --quiet").code, 0);
  std::string before = export_json("own.sqlite");
  // --resume with a database from another spec
  Result r = coda("sweep " + s2 + " --db own.sqlite --resume");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("own.sqlite"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--resume"), std::string::npos) << r.err;
  EXPECT_EQ(export_json("own.sqlite"), before);
  // a file that is not a sweep database
  std::string junk = write_file("junk.sqlite", "not a database\n");
  Result j = coda("sweep " + s1 + " --db junk.sqlite");
  EXPECT_EQ(j.code, 2);
  EXPECT_EQ(count_lines(j.err), 1) << j.err;
  EXPECT_NE(j.err.find("junk.sqlite"), std::string::npos) << j.err;
  EXPECT_EQ(coda_test::slurp(junk), "not a database\n");
  // an SQLite database of something else
  sqlite3 *db = nullptr;
  ASSERT_EQ(sqlite3_open((tdir() + "/alien.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  Result a = coda("sweep " + s1 + " --db alien.sqlite");
  EXPECT_EQ(a.code, 2);
  EXPECT_NE(a.err.find("meta.schema"), std::string::npos) << a.err;
  Result m = coda("sweep --merge own.sqlite alien.sqlite");
  EXPECT_EQ(m.code, 2);
  EXPECT_EQ(export_json("own.sqlite"), before);
  // usage errors
  EXPECT_EQ(coda("sweep --db own.sqlite --pareto cycles,charm").code, 2);
  EXPECT_EQ(coda("sweep " + s1 + " -j 0").code, 2);
  EXPECT_EQ(coda("sweep " + s1 + " --shard 3/3").code, 2);
  EXPECT_EQ(coda("sweep --db nothere.sqlite --export csv").code, 2);
}

// ---- Slurm -------------------------------------------------------------------

// Starts munged, slurmctld and slurmd on localhost from a generated
// slurm.conf in DIR; prints "ok" or why not.
const char *SLURM_UP = R"SH(#!/bin/bash
set -u
D=$1; mkdir -p $D/spool $D/state $D/munge $D/log; chmod 755 $D $D/munge
KEY=$D/munge/munge.key
if [ -r /etc/munge/munge.key ]; then cp /etc/munge/munge.key $KEY
elif command -v mungekey >/dev/null; then mungekey -c -k $KEY
elif command -v create-munge-key >/dev/null; then create-munge-key -f && cp /etc/munge/munge.key $KEY
else dd if=/dev/urandom of=$KEY bs=1 count=128 2>/dev/null; fi
chmod 600 $KEY
munged -f --socket=$D/munge/munge.sock --key-file=$KEY --pid-file=$D/munge/munged.pid \
  --log-file=$D/log/munged.log --seed-file=$D/munge/seed || { echo "munged did not start: $(tail -1 $D/log/munged.log 2>/dev/null)"; exit 1; }
CPUS=$(nproc); MEM=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
P=$((20000 + $$ % 20000))
cat > $D/slurm.conf <<CONF
ClusterName=codatest
SlurmctldHost=localhost
SlurmctldPort=$P
SlurmdPort=$((P+1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MpiDefault=none
ReturnToService=2
NodeName=localhost CPUs=$CPUS RealMemory=${MEM:-1000} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$D/slurm.conf
slurmctld -c -f $D/slurm.conf || { echo "slurmctld did not start: $(tail -2 $D/log/slurmctld.log 2>/dev/null)"; exit 1; }
slurmd -f $D/slurm.conf -N localhost || { echo "slurmd did not start: $(tail -2 $D/log/slurmd.log 2>/dev/null)"; exit 1; }
for i in $(seq 1 60); do
  st=$(sinfo -h -N -o %t 2>/dev/null | head -1)
  case "$st" in idle*|mix*|alloc*) echo ok; exit 0;; esac
  sleep 0.5
done
echo "node not idle after 30 s (state '$st'): $(tail -2 $D/log/slurmctld.log 2>/dev/null)"; exit 1
)SH";

const char *SLURM_DOWN = R"SH(#!/bin/bash
D=$1
for f in $D/slurmd.pid $D/slurmctld.pid $D/munge/munged.pid; do [ -f $f ] && kill $(cat $f) 2>/dev/null; done
for i in 1 2 3 4 5 6 7 8 9 10; do
  alive=0
  for f in $D/slurmd.pid $D/slurmctld.pid $D/munge/munged.pid; do [ -f $f ] && kill -0 $(cat $f) 2>/dev/null && alive=1; done
  [ $alive = 0 ] && exit 0
  sleep 0.3
done
for f in $D/slurmd.pid $D/slurmctld.pid $D/munge/munged.pid; do [ -f $f ] && kill -9 $(cat $f) 2>/dev/null; done
exit 0
)SH";

struct SlurmCluster {
  std::string dir;
  bool up = false;
  ~SlurmCluster() {
    if (!dir.empty()) (void)!system(("bash " + dir + "/down.sh " + dir + " >/dev/null 2>&1").c_str());
  }
};

TEST(SlurmSweep, JobArrayShardsMergeEqualLocalRun) {
  for (const char *t : {"slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "munged"})
    if (!coda_test::have(t) && access((std::string("/usr/sbin/") + t).c_str(), X_OK))
      GTEST_SKIP() << "Slurm cannot start: " << t << " is not installed (make deps installs slurmctld slurmd slurm-client munge)";
  if (geteuid() != 0) GTEST_SKIP() << "Slurm cannot start: starting slurmctld/slurmd/munged on localhost needs root";
  SlurmCluster c;
  c.dir = tdir() + "/slurm";
  mkdir(c.dir.c_str(), 0755);
  std::ofstream(c.dir + "/up.sh") << SLURM_UP;
  std::ofstream(c.dir + "/down.sh") << SLURM_DOWN;
  Result up = coda_test::run_bin("bash", c.dir + "/up.sh " + c.dir, "PATH=$PATH:/usr/sbin");
  if (up.out.find("ok") == std::string::npos)
    GTEST_SKIP() << "Slurm cannot start on this machine: " << up.out << up.err;
  std::string senv = "SLURM_CONF=" + c.dir + "/slurm.conf PATH=$PATH:/usr/sbin";
  std::string spec = small_spec("slurmy", R"({"core.n": [16, 32, 64], "core.m": [1, 2], "workload.wbits": [1, 2, 4]})");
  Result sub = coda("sweep " + spec + " --backend slurm --array-size 4 --db cluster.sqlite", senv);
  ASSERT_EQ(sub.code, 0) << sub.out << sub.err;
  EXPECT_NE(sub.out.find("submitted job"), std::string::npos) << sub.out;
  std::string sbatch = coda_test::slurp(tdir() + "/cluster.sqlite.slurm/sweep.sbatch");
  EXPECT_NE(sbatch.find("#SBATCH --array=0-3"), std::string::npos) << sbatch;
  // poll squeue until the array is gone (at most 120 s)
  bool done = false;
  for (int i = 0; i < 240 && !done; i++) {
    Result q = coda_test::run_bin("squeue", "-h", senv);
    done = q.code == 0 && q.out.find_first_not_of(" \n") == std::string::npos;
    if (!done) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(done) << "job array still queued after 120 s";
  for (int i = 0; i < 4; i++) {
    std::string shard = tdir() + "/cluster.sqlite.slurm/shard-" + std::to_string(i) + ".sqlite";
    EXPECT_GT(db_points(shard), 0) << shard << "\n" << coda_test::slurp(tdir() + "/cluster.sqlite.slurm/task-" + std::to_string(i) + ".log");
  }
  Result m = coda("sweep --merge cluster.sqlite cluster.sqlite.slurm");
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_NE(m.out.find("merged 4 shards"), std::string::npos) << m.out;
  ASSERT_EQ(coda("sweep " + spec + " -j 2 --db local.sqlite --quiet").code, 0);
  EXPECT_EQ(db_points(tdir() + "/local.sqlite"), 18);
  EXPECT_EQ(export_json("cluster.sqlite"), export_json("local.sqlite"));
}

}  // namespace
