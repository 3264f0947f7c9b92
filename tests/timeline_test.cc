// timeline_test.cc: `coda run/sim --timeline` (sim/dev/timeline.h). The
// Chrome trace-event JSON must parse, name every track it uses, never overlap
// two events on one track, and add up to the run report's own counters
// (`coda run --json`, counters_per_instance), which the device computes
// independently of the timeline hooks.
#include <gtest/gtest.h>
#include <jansson.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"

namespace {

using coda_test::root;
using coda_test::run_bin;
using coda_test::tmpdir;

struct Json {
  json_t *j = nullptr;
  Json() = default;
  Json(const Json &) = delete;
  Json &operator=(const Json &) = delete;
  ~Json() { json_decref(j); }
};

bool load(const std::string &path, Json *out) {
  json_error_t e;
  out->j = json_load_file(path.c_str(), 0, &e);
  if (!out->j) ADD_FAILURE() << path << ":" << e.line << ":" << e.column << ": " << e.text;
  return out->j != nullptr;
}

uint64_t u64(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  EXPECT_TRUE(json_is_integer(v)) << "missing integer " << k;
  return (uint64_t)json_integer_value(v);
}

struct Ev {
  int tid;
  std::string name, ph;
  uint64_t start, cycles;
  double ts, dur;
};

struct Timeline {
  std::map<int, std::string> tracks;  // tid -> thread_name
  std::vector<Ev> ev;                 // X and i events
  uint64_t total = 0, events = 0, dropped = 0;
  bool capped = false;
  double freq = 0;
};

bool parse_timeline(const std::string &path, Timeline *t) {
  Json d;
  if (!load(path, &d)) return false;
  const json_t *te = json_object_get(d.j, "traceEvents");
  EXPECT_TRUE(json_is_array(te));
  EXPECT_TRUE(json_is_string(json_object_get(d.j, "displayTimeUnit")));
  size_t i;
  const json_t *e;
  json_array_foreach(te, i, e) {
    std::string ph = json_string_value(json_object_get(e, "ph"));
    int tid = (int)json_integer_value(json_object_get(e, "tid"));
    EXPECT_EQ(json_integer_value(json_object_get(e, "pid")), 1);
    const json_t *args = json_object_get(e, "args");
    if (ph == "M") {
      if (!strcmp(json_string_value(json_object_get(e, "name")), "thread_name"))
        t->tracks[tid] = json_string_value(json_object_get(args, "name"));
      continue;
    }
    EXPECT_TRUE(ph == "X" || ph == "i") << "phase " << ph;
    Ev v{tid, json_string_value(json_object_get(e, "name")), ph, u64(args, "start_cycle"),
         ph == "X" ? u64(args, "cycles") : 0, json_number_value(json_object_get(e, "ts")),
         ph == "X" ? json_number_value(json_object_get(e, "dur")) : 0.0};
    if (ph == "X") {
      EXPECT_TRUE(json_is_string(json_object_get(e, "cat")));
    }
    t->ev.push_back(v);
  }
  const json_t *od = json_object_get(d.j, "otherData");
  t->total = u64(od, "total_cycles");
  t->events = u64(od, "events");
  t->dropped = u64(od, "dropped_events");
  t->capped = json_is_true(json_object_get(od, "capped"));
  t->freq = json_number_value(json_object_get(od, "freq_mhz"));
  return true;
}

// Sum over layers of a per-instance counter of a coda.run.v1 report.
uint64_t counter(const json_t *rep, const char *k) {
  uint64_t s = 0;
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(rep, "layers"), i, l) s += u64(json_object_get(l, "counters_per_instance"), k);
  return s;
}

int tid_named(const Timeline &t, const std::string &prefix) {
  for (auto &kv : t.tracks)
    if (kv.second.compare(0, prefix.size(), prefix) == 0) return kv.first;
  ADD_FAILURE() << "no track named " << prefix << "...";
  return -1;
}

uint64_t busy(const Timeline &t, int tid, uint64_t *count = nullptr) {
  uint64_t s = 0, n = 0;
  for (auto &e : t.ev)
    if (e.tid == tid && e.ph == "X") s += e.cycles, n++;
  if (count) *count = n;
  return s;
}

// The structural checks every timeline must pass.
void check_structure(const Timeline &t) {
  ASSERT_FALSE(t.ev.empty());
  std::map<int, std::vector<const Ev *>> by;
  for (auto &e : t.ev) {
    EXPECT_TRUE(t.tracks.count(e.tid)) << "event " << e.name << " on unnamed track " << e.tid;
    // ts/dur are the cycles at core.freq_mhz, printed to 1e-6 us
    EXPECT_NEAR(e.ts, (double)e.start / t.freq, 1.5e-6) << e.name;
    EXPECT_NEAR(e.dur, (double)e.cycles / t.freq, 1.5e-6) << e.name;
    if (e.ph == "X") by[e.tid].push_back(&e);
  }
  for (auto &kv : by) {
    auto v = kv.second;
    std::sort(v.begin(), v.end(), [](const Ev *a, const Ev *b) { return a->start < b->start; });
    for (size_t i = 1; i < v.size(); i++)
      ASSERT_LE(v[i - 1]->start + v[i - 1]->cycles, v[i]->start)
          << "track " << t.tracks.at(kv.first) << ": " << v[i - 1]->name << " at " << v[i - 1]->start
          << " overlaps " << v[i]->name << " at " << v[i]->start;
  }
}

// Runs `coda ARGS --timeline T --json R` and checks the timeline against R.
void check_run(const std::string &args, const std::string &tag) {
  std::string tl = tmpdir() + "/" + tag + ".timeline.json", rj = tmpdir() + "/" + tag + ".run.json";
  auto r = run_bin(coda_test::bin(), args + " --timeline " + tl + " --json " + rj);
  ASSERT_EQ(r.code, 0) << r.err;
  Timeline t;
  Json rep;
  ASSERT_TRUE(parse_timeline(tl, &t));
  ASSERT_TRUE(load(rj, &rep));
  check_structure(t);
  EXPECT_FALSE(t.capped);
  EXPECT_EQ(t.dropped, 0u);
  EXPECT_EQ(t.events, t.ev.size());
  int fe = tid_named(t, "front end"), dma = tid_named(t, "DMA"), pre = tid_named(t, "precompute"),
      arr = tid_named(t, "array"), stall = tid_named(t, "memory stall"), lay = tid_named(t, "layers");
  uint64_t n_arr = 0, n_dma = 0, n_pre = 0;
  EXPECT_EQ(busy(t, arr, &n_arr), counter(rep.j, "array_busy_cycles"));
  EXPECT_EQ(n_arr, counter(rep.j, "array_insns"));
  EXPECT_EQ(busy(t, dma, &n_dma), counter(rep.j, "dma_busy_cycles"));
  EXPECT_EQ(n_dma, counter(rep.j, "dma_insns"));
  EXPECT_EQ(busy(t, pre, &n_pre), counter(rep.j, "tpre_busy_cycles"));
  EXPECT_EQ(n_pre, counter(rep.j, "tpre_insns"));
  EXPECT_EQ(busy(t, stall), counter(rep.j, "cycles_memory"));
  EXPECT_EQ(busy(t, fe), counter(rep.j, "sync_stall_cycles"));
  EXPECT_GT(busy(t, arr), 0u);
  EXPECT_GT(busy(t, stall), 0u);
  // memory requests: at least one slot track, every DMA transfer needs one
  uint64_t n_req = 0;
  for (auto &e : t.ev)
    if (e.tid >= 16 && e.ph == "X") n_req++;
  EXPECT_GE(n_req, n_dma);
  // layers cover the run end to end, in order, with one marker each
  uint64_t n_lay = 0, n_mark = 0, lay_cyc = busy(t, lay, &n_lay);
  for (auto &e : t.ev)
    if (e.ph == "i") n_mark++;
  size_t n_layers = json_array_size(json_object_get(rep.j, "layers"));
  EXPECT_EQ(n_lay, n_layers);
  EXPECT_EQ(n_mark, n_layers);
  uint64_t sim = u64(json_object_get(rep.j, "simulator"), "simulated_cycles");
  EXPECT_EQ(lay_cyc, sim);
  uint64_t last = 0;
  for (auto &e : t.ev) last = std::max(last, e.start + e.cycles);
  EXPECT_EQ(last, sim);
  EXPECT_EQ(t.total, sim);
}

TEST(GoldenTimeline, LutSmallGemmsAddUpToTheReport) {
  check_run("run --arch " + root() + "/sim/configs/lut_tc.json " + root() + "/workloads/gemm_small.json", "lut");
}

TEST(GoldenTimeline, MacOnHbm2AddsUpToTheReport) {
  // HBM2 answers out of order (FR-FCFS), so request slots are reused out of order
  check_run("run --arch " + root() + "/sim/configs/mac_tc.json --gemm 40,300,256 --set memory.type=hbm2", "mac");
}

TEST(GoldenTimeline, SimOfACompiledProgramMatchesRun) {
  std::string p = tmpdir() + "/tl_prog.cbin", arch = root() + "/sim/configs/lut_tc.json";
  auto c = run_bin(coda_test::bin(), "compile --arch " + arch + " --gemm 16,128,512 --wbits 2 -o " + p);
  ASSERT_EQ(c.code, 0) << c.err;
  check_run("sim --arch " + arch + " " + p, "sim");
}

TEST(GoldenTimeline, DoesNotChangeTheRun) {
  std::string a = tmpdir() + "/plain.json", b = tmpdir() + "/with.json";
  std::string args = "run --arch " + root() + "/sim/configs/lut_tc.json " + root() + "/workloads/gemm_small.json";
  ASSERT_EQ(run_bin(coda_test::bin(), args + " --json " + a).code, 0);
  ASSERT_EQ(run_bin(coda_test::bin(), args + " --json " + b + " --timeline " + tmpdir() + "/x.json").code, 0);
  Json ja, jb;
  ASSERT_TRUE(load(a, &ja));
  ASSERT_TRUE(load(b, &jb));
  for (const char *k : {"cycles", "array_busy_cycles", "cycles_memory", "dram_rd_bytes", "insns"})
    EXPECT_EQ(counter(ja.j, k), counter(jb.j, k)) << k;
}

TEST(GoldenTimeline, CapDropsEventsAndSaysSo) {
  std::string args = "run --arch " + root() + "/sim/configs/lut_tc.json " + root() + "/workloads/gemm_small.json";
  std::string full = tmpdir() + "/full.json", cap = tmpdir() + "/cap.json";
  ASSERT_EQ(run_bin(coda_test::bin(), args + " --timeline " + full).code, 0);
  auto r = run_bin(coda_test::bin(), args + " --timeline " + cap + " --timeline-max-events 25");
  ASSERT_EQ(r.code, 0) << r.err;
  Timeline f, c;
  ASSERT_TRUE(parse_timeline(full, &f));
  ASSERT_TRUE(parse_timeline(cap, &c));
  ASSERT_GT(f.ev.size(), 25u);
  EXPECT_EQ(c.ev.size(), 25u);
  EXPECT_TRUE(c.capped);
  EXPECT_EQ(c.dropped, f.ev.size() - 25);
  EXPECT_NE(coda_test::slurp(cap).find("--timeline-max-events"), std::string::npos);
  check_structure(c);
}

TEST(ErrorsTimeline, UnwritablePathIsOneLineAndExit2) {
  auto r = run_bin(coda_test::bin(), "run --arch " + root() + "/sim/configs/lut_tc.json --gemm 4,64,64 --timeline " +
                                         tmpdir() + "/no/such/dir/t.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("no/such/dir/t.json"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("timeline"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << "no report before the error: " << r.out;
}

TEST(ErrorsTimeline, BadMaxEventsIsUsageError) {
  for (const char *v : {"0", "-3", "many"}) {
    auto r = run_bin(coda_test::bin(), "run --arch " + root() + "/sim/configs/lut_tc.json --gemm 4,64,64 --timeline " +
                                           tmpdir() + "/t.json --timeline-max-events " + v);
    EXPECT_EQ(r.code, 2) << v;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("--timeline-max-events"), std::string::npos) << r.err;
  }
}

}  // namespace
