// t3_test.cc: T3 (issue 8): the tracker (sim/t3/tracker.c, rtl/t3/*.v,
// block "t3_tracker") and the ring collectives (sim/t3/ring.c).
//
// Unit tier: the tracker against a plain reference model (std::map table,
// std::deque queue, the spec of tracker.h restated: hits against the
// cycle's start state, per-entry sums, completions in port order) on random
// traffic, cycle by cycle; hand-worked scenarios with exact clk - 1 / clk
// checks (simultaneous completions, queue order, stall, miss, over, re-arm,
// free, config-write precedence); the config checks.
// Cosim tier: `coda cosim t3_tracker` on every test set, an injected count
// bug caught with the field named, lint under verilator -Wall and Yosys.
// Area tier: `coda area t3_tracker` at 8 entries (the shared area cache).
// Oracle tier: ring reduce-scatter time against (N-1)/N x S/B + (N-1) x hop
// for N = 4, 8, 16 (computed here from the parameters), the exact
// step-by-step case, all-gather, all-reduce, both directions, link bytes.
// Errors tier: a ring of one device, zero chunk / bandwidth / message,
// tracker sizes the RTL does not take: one line naming the key, exit 2.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/shim/test_util.h"
#include "tests/shim/t3_shim.h"

#include "tests/shim/cli_run.h"
#include "tests/shim/rtl_check.h"

namespace {

using coda_test::next;
using coda_test::Doc;
using coda_test::num;
using coda_test::group;

using coda_test::cfg_of_set;
using coda_test::have;
using coda_test::Result;
using coda_test::root;
using coda_test::tmpdir;


Result run(const std::string &args) { return coda_test::run_bin(coda_test::bin(), args); }

// ---- a plain reference model of the tracker's counts and triggers -------------------------

struct RefEntry {
  uint32_t tile = 0, expect = 0, total = 0, by_kind[3] = {0, 0, 0};
  bool rearm = false;
  uint32_t addr = 0, bytes = 0, dest = 0;
};

struct RefDesc {
  uint32_t tile, addr, bytes, dest;
};

struct RefTracker {
  uint32_t E, Q;
  std::map<uint32_t, RefEntry> table;  // entry index -> the tile programmed there (absent: free)
  std::deque<RefDesc> queue;
  bool trig_valid = false;
  RefDesc trig{0, 0, 0, 0};
  uint32_t err = 0;

  // One clock; mirrors tracker.h's rules, written from the spec.
  void clock(const t3_tracker_in_t &in) {
    const bool ready = queue.size() + 2 <= Q;
    const uint32_t cidx = (in.cfg_tile & 0xffff) % E;
    struct Hit {
      bool hit;
      uint32_t idx, kind, tile;
    } h[2];
    uint32_t e = 0;
    for (int p = 0; p < 2; p++) {
      const uint32_t tile = in.upd_tile[p] & 0xffff, idx = tile % E, kind = in.upd_kind[p] & 3;
      h[p] = {false, idx, kind, tile};
      if (!in.upd_valid[p] || !ready || (in.cfg_valid && cidx == idx)) continue;
      if (kind == 3) { e |= 2; continue; }
      auto it = table.find(idx);
      if (it != table.end() && it->second.tile == tile) h[p].hit = true;
      else e |= 1;
    }
    std::vector<RefDesc> fired;
    for (int p = 0; p < 2; p++) {
      if (!h[p].hit || (p == 1 && h[0].hit && h[0].idx == h[1].idx)) continue;
      RefEntry &x = table[h[p].idx];
      for (int r = 0; r < 2; r++)
        if (h[r].hit && h[r].idx == h[p].idx) x.total++, x.by_kind[h[r].kind]++;
      if (x.total >= x.expect) {
        if (x.total > x.expect) e |= 4;
        fired.push_back({x.tile, x.addr, x.bytes, x.dest});
        if (x.rearm) x.total = 0, x.by_kind[0] = x.by_kind[1] = x.by_kind[2] = 0;
        else table.erase(h[p].idx);
      }
    }
    if (in.cfg_valid) {
      const uint32_t expect = in.cfg_expect & 0xffff;
      if (expect == 0) table.erase(cidx);
      else {
        RefEntry x;
        x.tile = in.cfg_tile & 0xffff;
        x.expect = expect;
        x.rearm = in.cfg_rearm & 1;
        x.addr = in.cfg_addr, x.bytes = in.cfg_bytes & 0xffffff, x.dest = in.cfg_dest & 63;
        table[cidx] = x;
      }
    }
    trig_valid = in.dma_ready && !queue.empty();
    if (trig_valid) trig = queue.front(), queue.pop_front();
    for (const RefDesc &d : fired) queue.push_back(d);
    err = e;
  }
};

struct Twin {
  std::unique_ptr<t3_tracker_t> t{new t3_tracker_t};
  Twin(uint32_t E, uint32_t Q) {
    t3_tracker_cfg_t c{E, Q};
    coda_err_t e{};
    EXPECT_EQ(t3_tracker_init(t.get(), &c, &e), 0) << e.msg;
  }
  void clock(const t3_tracker_in_t &in) {
    t3_tracker_eval(t.get(), &in);
    t3_tracker_commit(t.get());
  }
  const t3_tracker_regs_t &q() const { return *t3_tracker_regs(t.get()); }
};

t3_tracker_in_t prog(uint32_t tile, uint32_t expect, bool rearm, uint32_t addr = 0x1000, uint32_t bytes = 256,
                     uint32_t dest = 1) {
  t3_tracker_in_t in{};
  in.cfg_valid = 1, in.cfg_tile = tile, in.cfg_expect = expect, in.cfg_rearm = rearm;
  in.cfg_addr = addr, in.cfg_bytes = bytes, in.cfg_dest = dest;
  return in;
}

t3_tracker_in_t upd(int v0, uint32_t t0, uint32_t k0, int v1 = 0, uint32_t t1 = 0, uint32_t k1 = 0, int ready = 0) {
  t3_tracker_in_t in{};
  in.upd_valid[0] = (uint8_t)v0, in.upd_tile[0] = t0, in.upd_kind[0] = (uint8_t)k0;
  in.upd_valid[1] = (uint8_t)v1, in.upd_tile[1] = t1, in.upd_kind[1] = (uint8_t)k1;
  in.dma_ready = (uint8_t)ready;
  return in;
}

void random_vs_reference(uint32_t E, uint32_t Q, uint64_t seed, uint64_t cycles) {
  SCOPED_TRACE("E" + std::to_string(E) + " Q" + std::to_string(Q));
  Twin tw(E, Q);
  RefTracker ref{E, Q, {}, {}, false, {0, 0, 0, 0}, 0};
  uint64_t s = seed, fires = 0, misses = 0, overs = 0, doubles = 0, stalls = 0;
  std::vector<uint32_t> tiles(E);
  for (uint32_t i = 0; i < E; i++) tiles[i] = i;  // the last tile programmed per index (the stimulus's memory)
  const uint32_t ib = (uint32_t)std::log2((double)E);
  for (uint64_t c = 0; c < cycles; c++) {
    const uint64_t r = next(&s), r2 = next(&s);
    t3_tracker_in_t in{};
    in.cfg_valid = r % 5 == 0;
    in.cfg_tile = (uint32_t)(r >> 8) & 0xffff;
    in.cfg_expect = (r >> 30) % 16 == 0 ? 0 : 1 + (uint32_t)(r >> 24) % 5;
    in.cfg_rearm = (r >> 29) & 1;
    in.cfg_addr = (uint32_t)r2, in.cfg_bytes = (uint32_t)(r2 >> 32) & 0xffffff, in.cfg_dest = (uint32_t)(r2 >> 56) & 63;
    if (in.cfg_valid) tiles[in.cfg_tile % E] = in.cfg_tile;
    for (int p = 0; p < 2; p++) {
      const uint64_t x = next(&s);
      in.upd_valid[p] = (x & 3) != 0;
      in.upd_tile[p] = (x >> 8) % 8 == 0 ? (uint32_t)(x >> 16) & 0xffff : tiles[(x >> 24) % E];
      in.upd_kind[p] = (x >> 40) % 32 == 0 ? 3 : (uint8_t)((x >> 44) % 3);
    }
    in.dma_ready = (next(&s) % 4) < ((c / 4096) % 4);  // phases: never, 1/4, 1/2, 3/4 ready
    const size_t before = ref.queue.size();
    stalls += !(before + 2 <= Q) && (in.upd_valid[0] || in.upd_valid[1]);
    ref.clock(in);
    tw.clock(in);
    const t3_tracker_regs_t &q = tw.q();
    const size_t pushed = ref.queue.size() + ref.trig_valid - before;
    fires += pushed;
    doubles += pushed == 2;
    misses += ref.err & 1;
    overs += (ref.err >> 2) & 1;
    ASSERT_EQ(q.err, ref.err) << "cycle " << c;
    ASSERT_EQ(q.trig_valid, ref.trig_valid) << "cycle " << c;
    if (ref.trig_valid) {
      ASSERT_EQ(q.trig.tile, ref.trig.tile) << "cycle " << c;
      ASSERT_EQ(q.trig.addr, ref.trig.addr) << "cycle " << c;
      ASSERT_EQ(q.trig.bytes, ref.trig.bytes) << "cycle " << c;
      ASSERT_EQ(q.trig.dest, ref.trig.dest) << "cycle " << c;
    }
    ASSERT_EQ(q.count, ref.queue.size()) << "cycle " << c;
    for (uint32_t i = 0; i < E; i++) {
      auto it = ref.table.find(i);
      ASSERT_EQ(q.e[i].valid, it != ref.table.end()) << "cycle " << c << " entry " << i;
      if (it == ref.table.end()) continue;
      ASSERT_EQ((q.e[i].tag << ib) | i, it->second.tile) << "cycle " << c << " entry " << i;
      for (int k = 0; k < 3; k++) ASSERT_EQ(q.e[i].cnt[k], it->second.by_kind[k]) << "cycle " << c << " entry " << i;
    }
  }
  // the traffic reached every case (else the comparison proves little)
  EXPECT_GT(fires, cycles / 50);
  EXPECT_GT(doubles, 20u) << "two completions in one cycle";
  EXPECT_GT(misses, cycles / 50);
  EXPECT_GT(overs, 5u);
  EXPECT_GT(stalls, 100u);
  EXPECT_EQ(tw.t->st.fires, fires);
}

TEST(UnitT3Tracker, MatchesReferenceModelOnRandomTraffic) {
  random_vs_reference(8, 3, 1, 200000);
  random_vs_reference(4, 2, 2, 100000);
  random_vs_reference(64, 16, 3, 100000);
}

TEST(UnitT3Tracker, SimultaneousCompletionsQueueInPortOrderAndStall) {
  Twin tw(8, 3);  // ready while count <= 1
  tw.clock(prog(0x0011, 1, false, 0xa0, 64, 2));  // entry 1, tag 0x002
  tw.clock(prog(0x0012, 1, false, 0xb0, 96, 3));  // entry 2
  ASSERT_TRUE(tw.q().e[1].valid && tw.q().e[2].valid);
  // both ports complete an entry in the same cycle, the DMA not ready: two pushes, port 0's first
  tw.clock(upd(1, 0x0012, T3_UPD_LOCAL, 1, 0x0011, T3_UPD_REMOTE, 0));
  EXPECT_EQ(tw.q().count, 2u);
  EXPECT_EQ(tw.q().slot[0].tile, 0x0012u);
  EXPECT_EQ(tw.q().slot[1].tile, 0x0011u);
  EXPECT_EQ(tw.q().e[1].valid, 0);  // freed (not re-armed)
  EXPECT_EQ(tw.q().e[2].valid, 0);
  EXPECT_EQ(tw.q().trig_valid, 0);
  EXPECT_EQ(t3_tracker_ready(tw.t.get()), 0) << "count 2 > depth - 2: updates stall";
  tw.clock(prog(0x0013, 1, false));
  const uint64_t stalled = tw.t->st.stalled;
  tw.clock(upd(1, 0x0013, T3_UPD_DMA, 0, 0, 0, 0));  // not taken
  EXPECT_EQ(tw.t->st.stalled, stalled + 1);
  EXPECT_EQ(tw.q().e[3].cnt[T3_UPD_DMA], 0u);
  EXPECT_EQ(tw.q().err, 0) << "a stalled update is no miss";
  // the DMA engine takes the head at clk: trig_valid in clk + 1 with entry 2's descriptor
  tw.clock(upd(0, 0, 0, 0, 0, 0, 1));
  EXPECT_EQ(tw.q().trig_valid, 1);
  EXPECT_EQ(tw.q().trig.tile, 0x0012u);
  EXPECT_EQ(tw.q().trig.addr, 0xb0u);
  EXPECT_EQ(tw.q().trig.bytes, 96u);
  EXPECT_EQ(tw.q().trig.dest, 3u);
  EXPECT_EQ(tw.q().count, 1u);
  tw.clock(upd(0, 0, 0, 0, 0, 0, 0));  // not ready: the trigger lasts one cycle, the data hold
  EXPECT_EQ(tw.q().trig_valid, 0);
  EXPECT_EQ(tw.q().trig.tile, 0x0012u);
  tw.clock(upd(1, 0x0013, T3_UPD_DMA, 0, 0, 0, 1));  // taken (count 1), completes, and the pop
  EXPECT_EQ(tw.q().trig_valid, 1);
  EXPECT_EQ(tw.q().trig.tile, 0x0011u);
  EXPECT_EQ(tw.q().count, 1u);
  tw.clock(upd(0, 0, 0, 0, 0, 0, 1));
  EXPECT_EQ(tw.q().trig.tile, 0x0013u);
  EXPECT_EQ(tw.q().count, 0u);
  EXPECT_EQ(tw.t->st.triggers, 3u);
}

TEST(UnitT3Tracker, CountsMissOverRearmFreeAndWritePrecedence) {
  Twin tw(8, 4);
  tw.clock(prog(0x0105, 3, true, 0x40, 128, 7));  // entry 5, tag 0x20, re-armed
  // local, remote, DMA: one each; the third completes it at clk, re-armed: valid, counters 0
  tw.clock(upd(1, 0x0105, T3_UPD_LOCAL));
  tw.clock(upd(1, 0x0105, T3_UPD_REMOTE));
  EXPECT_EQ(tw.q().e[5].cnt[0], 1u);
  EXPECT_EQ(tw.q().e[5].cnt[1], 1u);
  EXPECT_EQ(tw.q().count, 0u) << "clk - 1: not yet";
  tw.clock(upd(1, 0x0105, T3_UPD_DMA));
  EXPECT_EQ(tw.q().count, 1u) << "clk: queued";
  EXPECT_EQ(tw.q().e[5].valid, 1);
  EXPECT_EQ(tw.q().e[5].cnt[0] + tw.q().e[5].cnt[1] + tw.q().e[5].cnt[2], 0u);
  // a tile with the same index but another tag misses: err bit 0 for one cycle
  tw.clock(upd(1, 0x0205, T3_UPD_LOCAL));
  EXPECT_EQ(tw.q().err, T3_ERR_MISS);
  tw.clock(upd(0, 0, 0));
  EXPECT_EQ(tw.q().err, 0);
  // kind 3 is flagged, not counted
  tw.clock(upd(1, 0x0105, 3));
  EXPECT_EQ(tw.q().err, T3_ERR_KIND);
  EXPECT_EQ(tw.q().e[5].cnt[0] + tw.q().e[5].cnt[1] + tw.q().e[5].cnt[2], 0u);
  // two updates at count - 1: one completion (one push), "over"
  tw.clock(upd(1, 0x0105, T3_UPD_LOCAL, 1, 0x0105, T3_UPD_LOCAL));
  EXPECT_EQ(tw.q().e[5].cnt[0], 2u);
  tw.clock(upd(1, 0x0105, T3_UPD_LOCAL, 1, 0x0105, T3_UPD_DMA));
  EXPECT_EQ(tw.q().err, T3_ERR_OVER);
  EXPECT_EQ(tw.q().count, 2u);
  // a write to the entry an update addresses wins; the update is not taken (no count, no miss)
  t3_tracker_in_t in = prog(0x0105, 2, false);
  in.upd_valid[0] = 1, in.upd_tile[0] = 0x0105, in.upd_kind[0] = T3_UPD_LOCAL;
  tw.clock(in);
  EXPECT_EQ(tw.q().e[5].cnt[0], 0u);
  EXPECT_EQ(tw.q().e[5].expect, 2u);
  EXPECT_EQ(tw.q().err, 0);
  // a count of 0 frees the entry: later updates miss
  tw.clock(prog(0x0105, 0, false));
  EXPECT_EQ(tw.q().e[5].valid, 0);
  tw.clock(upd(1, 0x0105, T3_UPD_LOCAL));
  EXPECT_EQ(tw.q().err, T3_ERR_MISS);
  // reset clears everything
  t3_tracker_reset(tw.t.get());
  EXPECT_EQ(tw.q().count, 0u);
  EXPECT_EQ(tw.q().e[5].expect, 0u);
}

TEST(UnitT3Tracker, ConfigFromParamsAndChecks) {
  arch_cfg_t a = cfg_of_set("");
  t3_tracker_cfg_t c = t3_tracker_cfg_of(&a);
  EXPECT_EQ(c.entries, 256u) << "REFERENCES.md T3: about 256 entries";
  EXPECT_EQ(c.queue, 4u);
  coda_err_t e{};
  t3_tracker_cfg_t bad{12, 4};
  EXPECT_EQ(t3_tracker_check(&bad, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("t3.tracker_entries"), std::string::npos) << e.msg;
  bad = {8, 1};
  EXPECT_EQ(t3_tracker_check(&bad, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("t3.tracker_queue"), std::string::npos) << e.msg;
  bad = {2048, 4};
  EXPECT_EQ(t3_tracker_check(&bad, &e), CODA_EINVAL);
}

// ---- the co-simulation block ----------------------------------------------------------

const cosim_block_t *t3_block() { return cosim_find("t3_tracker"); }

#define NEED_COSIM()                                                                              \
  do {                                                                                            \
    if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)"; \
  } while (0)

TEST(UnitCosimT3Tracker, FieldsTileTheBusesExactly) {
  const cosim_block_t *b = t3_block();
  ASSERT_NE(b, nullptr);
  std::vector<std::string> sets;
  for (const char *const *s = b->test_sets; *s; s++) sets.push_back(*s);
  sets.push_back("");  // the defaults: 256 entries, queue 4
  for (const std::string &s : sets) {
    SCOPED_TRACE(s);
    arch_cfg_t c = cfg_of_set(s.c_str());
    uint32_t ib = 0, ob = 0;
    coda_err_t e{};
    ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
    void *tw = b->create(&c, 1);
    ASSERT_NE(tw, nullptr);
    std::vector<cosim_field_t> f(COSIM_MAX_FIELDS);
    int n = b->out_fields(tw, f.data(), COSIM_MAX_FIELDS);
    uint32_t at = 0;
    for (int i = 0; i < n; i++) {
      EXPECT_EQ(f[i].lsb, at) << f[i].name;
      at += f[i].width;
    }
    EXPECT_EQ(at, ob);
    const uint32_t E = (uint32_t)c.t3_tracker_entries, Q = (uint32_t)c.t3_tracker_queue;
    if (E == 8 && Q == 3) {
      // by hand: err 3, trig_valid 1, trig 78, head 2, count 2, 3 slots x 78,
      // 8 entries x (valid, rearm, tag 13, expect 16, 3 x 16 counters, addr 32, bytes 24, dest 6)
      EXPECT_EQ(ob, 3u + 1 + 78 + 2 + 2 + 3 * 78 + 8 * (2 + 13 + 16 + 48 + 32 + 24 + 6));
      EXPECT_EQ(n, 5 + 3 * 4 + 8 * 10);
    }
    if (E == 256 && Q == 4) {
      EXPECT_EQ(ob, 3u + 1 + 78 + 3 + 3 + 4 * 78 + 256 * (2 + 8 + 16 + 48 + 62));
    }
    // by hand: cfg 1 + 16 + 16 + 1 + 32 + 24 + 6, two ports of 1 + 16 + 2, dma_ready
    EXPECT_EQ(ib, 96u + 38 + 1);
    n = b->in_fields(tw, f.data(), COSIM_MAX_FIELDS);
    at = 0;
    for (int i = 0; i < n; i++) at += f[i].width;
    EXPECT_EQ(at, ib);
    b->destroy(tw);
  }
  arch_cfg_t big = cfg_of_set("--set t3.tracker_entries=512");
  uint32_t ib, ob;
  coda_err_t e{};
  EXPECT_EQ(b->shape(&big, &ib, &ob, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("t3.tracker_entries"), std::string::npos) << e.msg;
}

TEST(UnitCosimT3Tracker, StimulusCoversCompletionsMissesStallsResets) {
  const cosim_block_t *b = t3_block();
  ASSERT_NE(b, nullptr);
  arch_cfg_t c = cfg_of_set(b->test_sets[0]);
  uint32_t ib = 0, ob = 0;
  coda_err_t e{};
  ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
  void *tw = b->create(&c, 1);
  ASSERT_NE(tw, nullptr);
  std::vector<uint64_t> in((ib + 63) / 64), out((ob + 63) / 64);
  uint64_t resets = 0, doubles = 0, overs = 0, kinds = 0, big = 0;
  const t3_tracker_t *t = (const t3_tracker_t *)tw;  // the twin is the block's first member
  for (uint64_t cyc = 0; cyc < 50000; cyc++) {
    b->stimulus(tw, cyc, in.data());
    resets += b->in_reset(tw);
    const uint64_t f0 = t->st.fires;
    b->step(tw, in.data(), out.data());
    doubles += t->st.fires - f0 == 2;
    overs += (t->cur.err & T3_ERR_OVER) != 0;
    kinds += (t->cur.err & T3_ERR_KIND) != 0;
    for (uint32_t i = 0; i < c.t3_tracker_entries; i++) big += t->cur.e[i].cnt[0] + t->cur.e[i].cnt[2] > 150;
  }
  EXPECT_GT(t->st.triggers, 1000u);
  EXPECT_GT(t->st.misses, 500u);
  EXPECT_GT(t->st.stalled, 500u);
  EXPECT_GT(doubles, 50u) << "simultaneous completions";
  EXPECT_GT(overs, 10u);
  EXPECT_GT(kinds, 10u);
  EXPECT_GT(resets, 3u);
  EXPECT_GT(big, 0u) << "a big phase counted past 150";
  b->destroy(tw);
}

TEST(CosimT3Tracker, ZeroMismatches) {
  NEED_COSIM();
  int sets = 0;
  for (const char *const *s = t3_block()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    Result r = run(std::string("cosim t3_tracker ") + *s + " --cycles 50000 --seed " + std::to_string(sets + 31));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 50000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    size_t at = r.out.find("transactions: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::strtoull(r.out.c_str() + at + 14, nullptr, 10), 500u) << "triggers handed to the DMA engine";
  }
  EXPECT_GE(sets, 1);
}

TEST(CosimT3Tracker, InjectedBugIsCaught) {
  NEED_COSIM();
  Result r = run(std::string("cosim t3_tracker ") + t3_block()->test_sets[0] + " --cycles 20000 --inject-bug count");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FIRST DIVERGENCE at cycle "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  field e[0].dma (out_o["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 mismatch"), std::string::npos) << r.out;
  r = run("cosim t3_tracker --set t3.tracker_entries=12 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("t3.tracker_entries"), std::string::npos) << r.err;
}

TEST(CosimRtl, T3TrackerLintCleanAndYosysReadsIt) {
  NEED_COSIM();
  std::vector<std::string> sets;
  for (const char *const *s = t3_block()->test_sets; *s; s++) sets.push_back(*s);
  sets.push_back("--set t3.tracker_entries=2 --set t3.tracker_queue=2");
  sets.push_back("--set t3.tracker_entries=32 --set t3.tracker_queue=16");
  coda_test::expect_rtl_clean(t3_block(), sets, "t3_tracker", "proc; opt -fast");
}

// ---- `coda area t3_tracker` -----------------------------------------------------------

TEST(AreaT3Tracker, SmallTrackerPrintsAreaFmaxAndGroups) {
  SKIP_WITHOUT_AREA_FLOW();
  std::string js = tmpdir() + "/t3_tracker_area.json";
  Result r = run("area t3_tracker --set t3.tracker_entries=8 --set t3.tracker_queue=2 --cache " + root() +
                 "/build/area-cache --json " + js);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("t3_tracker"), std::string::npos) << r.out;
  Doc d;
  json_error_t je;
  d.j = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d.j, nullptr) << je.text;
  const double area = num(d.j, "area_um2"), fmax = num(json_object_get(d.j, "timing"), "fmax_mhz");
  EXPECT_GT(area, 0);
  EXPECT_GT(fmax, 0);
  printf("[ t3_tracker area ] 8 entries, queue 2: %.0f um2, fmax %.1f MHz\n", area, fmax);
  const json_t *ent = group(d.j, "entries (tag, counters, descriptor)"), *q = group(d.j, "trigger queue");
  ASSERT_TRUE(ent && q) << r.out;
  EXPECT_EQ(json_integer_value(json_object_get(ent, "instances")), 8);
  EXPECT_EQ(json_integer_value(json_object_get(q, "instances")), 1);
  // an entry holds 128 + 13 flip-flops, the queue 1 + 78 + 2 x 2 + 2 x 78: the entries dominate
  EXPECT_GT(num(ent, "area_um2"), 2 * num(q, "area_um2"));
}

// ---- the ring ----------------------------------------------------------------------------

t3_ring_cfg_t ring_cfg(uint32_t n) {
  arch_cfg_t a = cfg_of_set(("--set t3.devices=" + std::to_string(n)).c_str());
  return t3_ring_cfg_of(&a);
}

TEST(OracleT3Ring, ReduceScatterMatchesFormula) {
  // REFERENCES.md T3: 150 GB/s links, 500 ns per hop (the defaults; checked here so the formula's inputs are known)
  const double B_gbps = 150, hop_ns = 500;
  const uint64_t S = 256ull << 20;  // a large message: 256 MiB per device
  for (uint32_t n : {4u, 8u, 16u}) {
    SCOPED_TRACE("N=" + std::to_string(n));
    t3_ring_cfg_t c = ring_cfg(n);
    ASSERT_EQ(c.link_gbps, B_gbps);
    ASSERT_EQ(c.hop_ns, hop_ns);
    t3_ring_result_t r{};
    coda_err_t e{};
    ASSERT_EQ(t3_ring_run(&c, T3_COLL_REDUCE_SCATTER, S, &r, &e), 0) << e.msg;
    const double N = n, formula_ns = (N - 1) / N * (double)S / B_gbps + (N - 1) * hop_ns;  // GB/s = bytes/ns
    printf("[ t3 ring ] reduce-scatter N=%u S=%llu: %.1f ns, formula %.1f ns, ratio %.4f\n", n,
           (unsigned long long)S, r.ns, formula_ns, r.ns / formula_ns);
    EXPECT_NEAR(r.ns / formula_ns, 1.0, 0.03);
    // the bandwidth term alone is a lower bound: every link carries (N-1)/N x S
    EXPECT_GT(r.ns, (N - 1) / N * (double)S / B_gbps);
    EXPECT_EQ(r.link_bytes, (uint64_t)(n - 1) * S) << "each device sends N-1 slices of S/N";
    EXPECT_LT(r.visited, r.cycles / 100) << "the kernel skips the cycles between events";
  }
}

TEST(OracleT3Ring, OneChunkPerSliceIsTheStepByStepRingExactly) {
  // chunk >= slice: step s + 1 waits for step s's whole slice; in cycles,
  // (N - 1) x (ceil(S/N / bytes per cycle) + ceil(hop x f)), computed from the parameters
  const uint32_t n = 8;
  t3_ring_cfg_t c = ring_cfg(n);
  const uint64_t S = 8ull << 20;
  c.chunk_bytes = S;
  const double bpc = 150e9 / 1400e6;  // 150 GB/s at 1.4 GHz
  const uint64_t ser = (uint64_t)std::ceil((double)(S / n) / bpc), hop = 700;  // 500 ns x 1.4 GHz
  t3_ring_result_t r{};
  coda_err_t e{};
  ASSERT_EQ(t3_ring_run(&c, T3_COLL_REDUCE_SCATTER, S, &r, &e), 0) << e.msg;
  EXPECT_EQ(r.cycles, (uint64_t)(n - 1) * (ser + hop));
  EXPECT_EQ(r.transfers, (uint64_t)n * (n - 1));
  // all-gather: the same pattern; all-reduce: both, 2 (N - 1) steps
  ASSERT_EQ(t3_ring_run(&c, T3_COLL_ALL_GATHER, S, &r, &e), 0) << e.msg;
  EXPECT_EQ(r.cycles, (uint64_t)(n - 1) * (ser + hop));
  ASSERT_EQ(t3_ring_run(&c, T3_COLL_ALL_REDUCE, S, &r, &e), 0) << e.msg;
  EXPECT_EQ(r.cycles, 2ull * (n - 1) * (ser + hop));
  EXPECT_EQ(r.link_bytes, 2ull * (n - 1) * S);
}

TEST(OracleT3Ring, BothDirectionsHalveTheSerialization) {
  t3_ring_cfg_t c = ring_cfg(8);
  const uint64_t S = 256ull << 20;
  t3_ring_result_t one{}, two{};
  coda_err_t e{};
  ASSERT_EQ(t3_ring_run(&c, T3_COLL_REDUCE_SCATTER, S, &one, &e), 0) << e.msg;
  c.bidir = 1;
  ASSERT_EQ(t3_ring_run(&c, T3_COLL_REDUCE_SCATTER, S, &two, &e), 0) << e.msg;
  const double formula2 = 7.0 / 8 * (double)S / 300 + 7 * 500.0;  // B = 2 x 150 GB/s
  EXPECT_NEAR(two.ns / formula2, 1.0, 0.03);
  EXPECT_NEAR(two.ns / one.ns, 0.5, 0.02);
  EXPECT_EQ(two.link_bytes, one.link_bytes);
}

TEST(OracleT3Ring, CliPrintsTimeAndFormula) {
  Result r = run("t3 ring --set t3.devices=8 --bytes 64M");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("8 devices, 67108864 bytes per device"), std::string::npos) << r.out;
  const double formula = 7.0 / 8 * 67108864.0 / 150 + 7 * 500.0;
  char want[64];
  snprintf(want, sizeof want, "formula_ns: %.1f", formula);
  EXPECT_NE(r.out.find(want), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("time_ns: "), std::string::npos) << r.out;
}

// ---- errors -----------------------------------------------------------------------------

void expect_one_line_error(const std::string &args, const std::string &key) {
  SCOPED_TRACE(args);
  Result r = run(args);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(ErrorsT3, RingOfOneDevice) {
  expect_one_line_error("t3 ring --set t3.devices=1", "t3.devices");
  t3_ring_cfg_t c = ring_cfg(4);
  c.devices = 1;
  coda_err_t e{};
  t3_ring_result_t r{};
  EXPECT_EQ(t3_ring_run(&c, T3_COLL_REDUCE_SCATTER, 1024, &r, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("t3.devices"), std::string::npos) << e.msg;
}

TEST(ErrorsT3, ZeroSizesAndBandwidth) {
  expect_one_line_error("t3 ring --set t3.chunk_bytes=0", "t3.chunk_bytes");
  expect_one_line_error("t3 ring --set t3.link_gbps=0", "t3.link_gbps");
  expect_one_line_error("t3 ring --bytes 0", "--bytes");
  expect_one_line_error("t3 ring --set t3.chunk_bytes=1 --bytes 1G", "t3.chunk_bytes");
  expect_one_line_error("t3 ring --coll xx", "--coll");
  expect_one_line_error("t3 ring --set t3.tracker_queue=0", "t3.tracker_queue");
  t3_ring_cfg_t c = ring_cfg(4);
  c.chunk_bytes = 0;
  coda_err_t e{};
  t3_ring_result_t r{};
  EXPECT_EQ(t3_ring_run(&c, T3_COLL_REDUCE_SCATTER, 1024, &r, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("t3.chunk_bytes"), std::string::npos) << e.msg;
}

TEST(ErrorsT3, TrackerSizesTheRtlDoesNotTake) {
  expect_one_line_error("area t3_tracker --set t3.tracker_entries=12", "t3.tracker_entries");
  expect_one_line_error("cosim t3_tracker --set t3.tracker_entries=12 --cycles 10", "t3.tracker_entries");
}

}  // namespace
