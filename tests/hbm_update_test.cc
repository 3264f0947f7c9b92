// hbm_update_test.cc: the near-memory update (T3's atomic add at the DRAM
// bank) of the HBM2 model (sim/mem/hbm.h, rules tUPD / tWR_UPD of
// sim/mem/hbm_timing.def), the per-channel queue queries and the UPDATE
// trace operation of `coda dram`. Every expected cycle, byte count and
// energy is derived here from the rule definitions and the config under
// test, never copied from the model's output:
//   UPD's bus side = a WR; same bank: next RD/WR/UPD at UPD + CWL + BL/2 +
//   2 tCCD_L (tUPD), PRE at that + tWR (tWR_UPD); done at UPD + CWL + BL/2 +
//   2 tCCD_L; energy = one IDD WR burst + one IDD RD burst.
// Tiers: OracleHbmUpdate (formulas, CLI), ErrorsHbmUpdate (bad trace ops).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/dram_shim.h"
#include "tests/shim/hbm_driver.h"

namespace {

using coda_test::Result;
using coda_test::tmpdir;

using coda_test::Cmd;
using coda_test::Done;
using coda_test::Req;
using Hbm = coda_test::Dram;

#define P(k) ((int64_t)d.cfg.hbm_##k)
// The update's in-bank occupancy: addend in (CWL + BL/2), internal read and
// write-back (tCCD_L each).
#define UPD_BANK(d) (P(cwl) + (d).burst() + 2 * P(tccd_l))

const std::vector<std::vector<std::string>> kConfigs = {
    {}, {"hbm.tccd_l=4", "hbm.cwl=7"}, {"hbm.tras=60", "hbm.trc=80", "hbm.twr=9"}};

// (a) ACT at the arrival, UPD tRCD later, done CWL + BL/2 + 2 tCCD_L after it.
TEST(OracleHbmUpdate, SingleUpdateToIdleBank) {
  for (auto &sets : kConfigs) {
    Hbm d(sets);
    cyc_t a = 100;
    uint64_t id = d.run({{d.addr(3, 0, 1, 2, 77), HBM_KIND_UPDATE, a}});
    const Done &r = d.done_of(id);
    EXPECT_EQ(r.kind, 2);
    EXPECT_EQ((int64_t)r.done, (int64_t)a + P(trcd) + P(cwl) + d.burst() + 2 * P(tccd_l));
    auto act = d.of(HBM_CMD_ACT), upd = d.of(HBM_CMD_UPD);
    ASSERT_EQ(act.size(), 1u);
    ASSERT_EQ(upd.size(), 1u);
    EXPECT_EQ(act[0].t, a);
    EXPECT_EQ((int64_t)(upd[0].t - act[0].t), P(trcd));
    EXPECT_EQ(upd[0].rule, "tRCD");
    EXPECT_TRUE(d.of(HBM_CMD_WR).empty());
    EXPECT_TRUE(d.of(HBM_CMD_RD).empty());  // no read crosses the bus
    const hbm_stats_t *s = hbm_get_stats(d.h);
    EXPECT_EQ(s->upds, 1u);
    EXPECT_EQ(s->writes, 0u);
    EXPECT_EQ(s->reads, 0u);
    EXPECT_EQ(s->row_hits, 0u);  // it needed its own ACT, like a write would
    EXPECT_EQ(s->last_done, r.done);
  }
}

// (b) two updates to one open row: tUPD = CWL + BL/2 + 2 tCCD_L apart; two
// plain writes: max(BL/2, tCCD_L); an update then a write: tUPD; a write
// then an update: max(BL/2, tCCD_L) (the WR rule).
TEST(OracleHbmUpdate, SameRowUpdatesSpacedByTheInBankReadModifyWrite) {
  for (auto &sets : kConfigs) {
    struct Case { hbm_kind_e k0, k1; } cases[] = {{HBM_KIND_UPDATE, HBM_KIND_UPDATE},
                                                   {HBM_KIND_WRITE, HBM_KIND_WRITE},
                                                   {HBM_KIND_UPDATE, HBM_KIND_WRITE},
                                                   {HBM_KIND_WRITE, HBM_KIND_UPDATE}};
    for (auto &cs : cases) {
      Hbm d(sets);
      uint64_t id = d.run({{d.addr(0, 1, 2, 3, 5, 0), cs.k0, 0}, {d.addr(0, 1, 2, 3, 5, 1), cs.k1, 0}});
      std::vector<Cmd> col;
      for (auto &c : d.cmds)
        if (c.cmd == HBM_CMD_WR || c.cmd == HBM_CMD_UPD) col.push_back(c);
      ASSERT_EQ(col.size(), 2u);
      EXPECT_EQ(col[0].cmd, cs.k0 == HBM_KIND_UPDATE ? HBM_CMD_UPD : HBM_CMD_WR);
      EXPECT_EQ(col[1].cmd, cs.k1 == HBM_KIND_UPDATE ? HBM_CMD_UPD : HBM_CMD_WR);
      EXPECT_EQ((int64_t)col[0].t, P(trcd));
      int64_t gap = cs.k0 == HBM_KIND_UPDATE ? P(cwl) + d.burst() + 2 * P(tccd_l)
                                             : std::max(d.burst(), P(tccd_l));
      EXPECT_EQ((int64_t)(col[1].t - col[0].t), gap) << cs.k0 << cs.k1;
      if (cs.k0 == HBM_KIND_UPDATE) {
        EXPECT_EQ(col[1].rule, "tUPD");
      }
      for (int i = 0; i < 2; i++) {
        hbm_kind_e k = i ? cs.k1 : cs.k0;
        int64_t lat = k == HBM_KIND_UPDATE ? UPD_BANK(d) : P(cwl) + d.burst();
        EXPECT_EQ((int64_t)d.done_of(id + (uint64_t)i).done, (int64_t)col[i].t + lat);
        EXPECT_EQ(d.done_of(id + (uint64_t)i).kind, (int)k);
      }
      EXPECT_EQ(d.of(HBM_CMD_ACT).size(), 1u);
      EXPECT_EQ(hbm_get_stats(d.h)->row_hits, 1u);  // the second is a hit, updates as writes
    }
  }
}

// (c) an update, then a request to another row of that bank: PRE after tRAS
// and tWR after the internal write-back (UPD + CWL + BL/2 + 2 tCCD_L + tWR),
// the next ACT tRP after the PRE and tRC after the first ACT.
TEST(OracleHbmUpdate, PrechargeWaitsWriteRecoveryAfterTheInternalWrite) {
  for (auto &sets : kConfigs) {
    for (int upd = 0; upd < 2; upd++) {
      Hbm d(sets);
      hbm_kind_e k = upd ? HBM_KIND_UPDATE : HBM_KIND_WRITE;
      uint64_t id = d.run({{d.addr(2, 1, 3, 1, 10), k, 0}, {d.addr(2, 1, 3, 1, 11), k, 0}});
      auto act = d.of(HBM_CMD_ACT), pre = d.of(HBM_CMD_PRE), col = d.of(upd ? HBM_CMD_UPD : HBM_CMD_WR);
      ASSERT_EQ(act.size(), 2u);
      ASSERT_EQ(pre.size(), 1u);
      ASSERT_EQ(col.size(), 2u);
      EXPECT_EQ((int64_t)col[0].t, P(trcd));
      int64_t col_to_pre = upd ? P(cwl) + d.burst() + 2 * P(tccd_l) + P(twr) : P(cwl) + d.burst() + P(twr);
      int64_t pre_t = std::max(P(tras), P(trcd) + col_to_pre);
      EXPECT_EQ((int64_t)pre[0].t, pre_t) << upd;
      if (P(trcd) + col_to_pre > P(tras)) {
        EXPECT_EQ(pre[0].rule, upd ? "tWR_UPD" : "tWR");
      } else {
        EXPECT_EQ(pre[0].rule, "tRAS");
      }
      int64_t act1 = std::max(P(trc), pre_t + P(trp));
      EXPECT_EQ((int64_t)act[1].t, act1);
      EXPECT_EQ((int64_t)col[1].t, act1 + P(trcd));
      int64_t lat = upd ? UPD_BANK(d) : P(cwl) + d.burst();
      EXPECT_EQ((int64_t)d.done_of(id + 1).done, act1 + P(trcd) + lat);
    }
  }
}

// (c') the same bank's next read waits tUPD as well as the bus's tWTR_L; a
// read to another bank waits only the bus rule, tWTR_L (same bank group)
// or tWTR_S, as after a WR (CWL + BL/2 + tWTR).
TEST(OracleHbmUpdate, ReadAfterUpdateWaitsTheBusTurnaroundAndTheBank) {
  for (auto &sets : {std::vector<std::string>{}, std::vector<std::string>{"hbm.tccd_l=6"}}) {
    for (int where = 0; where < 3; where++) {  // 0 other group, 1 same group other bank, 2 same bank
      Hbm d(sets);
      uint64_t b = d.addr(0, 0, 0, 0, 6);
      uint64_t a = where == 0 ? d.addr(0, 0, 1, 0, 4) : where == 1 ? d.addr(0, 0, 0, 1, 4) : b;
      d.run({{a, HBM_KIND_READ, 0}, {b, HBM_KIND_UPDATE, 0}});
      auto upd = d.of(HBM_CMD_UPD);
      ASSERT_EQ(upd.size(), 1u);
      d.run({{a + 64, HBM_KIND_READ, upd[0].t + 1}});
      auto rd = d.of(HBM_CMD_RD);
      ASSERT_EQ(rd.size(), 2u);
      int64_t bus = P(cwl) + d.burst() + (where == 0 ? P(twtr_s) : P(twtr_l));
      int64_t want = where == 2 ? std::max(bus, UPD_BANK(d)) : bus;
      EXPECT_EQ((int64_t)(rd[1].t - upd[0].t), want) << where;
      const char *rule = where == 0 ? "tWTR_S" : where == 1 || bus > UPD_BANK(d) ? "tWTR_L" : "tUPD";  // ties: the bank rule
      EXPECT_EQ(rd[1].rule, rule) << where;
    }
  }
}

// (d) updates to 16 different open banks issue exactly when writes would:
// back to back, max(BL/2, tCCD_S) apart (bank groups alternate); the in-bank
// read-modify-write holds nothing outside its bank.
TEST(OracleHbmUpdate, UpdatesToDifferentBanksAreLimitedOnlyByTheBus) {
  for (auto &sets : kConfigs) {
    std::vector<cyc_t> t[2];
    for (int upd = 0; upd < 2; upd++) {
      Hbm d(sets);
      std::vector<Req> warm, reqs;
      for (uint32_t i = 0; i < 16; i++) warm.push_back({d.addr(0, 0, i % 4, i / 4, 3), HBM_KIND_READ, 0});
      d.run(warm);  // opens the 16 banks of rank 0
      cyc_t at = 400;
      ASSERT_LT(d.now, at);
      ASSERT_LT((int64_t)at + 200, P(trefi) / P(ranks));  // no refresh in the window
      for (uint32_t i = 0; i < 16; i++)
        reqs.push_back({d.addr(0, 0, i % 4, i / 4, 3, 1), upd ? HBM_KIND_UPDATE : HBM_KIND_WRITE, at});
      d.run(reqs);
      auto col = d.of(upd ? HBM_CMD_UPD : HBM_CMD_WR);
      ASSERT_EQ(col.size(), 16u);
      EXPECT_EQ(d.of(HBM_CMD_ACT).size(), 16u);  // all row hits
      for (size_t i = 1; i < col.size(); i++) {
        EXPECT_EQ((int64_t)(col[i].t - col[i - 1].t), std::max(d.burst(), P(tccd_s))) << i;
        EXPECT_NE(col[i].bg, col[i - 1].bg);
      }
      for (auto &c : col) t[upd].push_back(c.t);
    }
    EXPECT_EQ(t[0], t[1]);
  }
}

// (e) bytes and energy: an update moves one 64 B request over the bus on
// the write side and nothing on the read side; its energy is one IDD WR
// burst + one IDD RD burst.
std::string put(const std::string &name, const std::string &text) {
  std::string p = tmpdir() + "/" + name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(OracleHbmUpdate, UpdateMovesOneWriteBurstAndNoReadBytes) {
  arch_cfg_t c;
  coda_err_t e{};
  ASSERT_EQ(arch_cfg_load(&c, nullptr, nullptr, 0, &e), 0);
  double v = c.hbm_vdd, tck = c.hbm_tck_ns, b = (double)c.hbm_burst_length / 2;
  double e_wr = v * (c.hbm_idd4w - c.hbm_idd3n) * b * tck, e_rd = v * (c.hbm_idd4r - c.hbm_idd3n) * b * tck;
  double req = (double)(c.hbm_bus_bits / 8 * c.hbm_burst_length);
  EXPECT_EQ(req, 64.0);  // REFERENCES.md: 64 B requests
  hbm_trace_result_t r;
  ASSERT_EQ(hbm_run_trace(&c, put("one_upd.trc", "0x0 UPDATE 0\n").c_str(), &r, &e), 0) << e.msg;
  EXPECT_EQ(r.requests, 1u);
  EXPECT_EQ(r.updates, 1u);
  EXPECT_EQ(r.reads + r.writes, 0u);
  EXPECT_EQ(r.st.upds, 1u);
  EXPECT_EQ(r.st.reads + r.st.writes, 0u);
  EXPECT_EQ(r.wr_bus_bytes, req);
  EXPECT_EQ(r.rd_bus_bytes, 0.0);
  EXPECT_EQ(r.bytes, req);
  EXPECT_EQ(r.st.rd_pj, 0.0);
  EXPECT_EQ(r.st.wr_pj, 0.0);
  EXPECT_NEAR(r.st.upd_pj, e_wr + e_rd, 1e-9);
  EXPECT_NEAR(r.energy_pj, r.st.act_pj + r.st.upd_pj + r.st.ref_pj + r.st.bg_pj, 1e-6 * r.energy_pj);
  // idle bank at cycle 0: ACT 0, UPD tRCD, done CWL + BL/2 + 2 tCCD_L later
  EXPECT_EQ((int64_t)r.cycles, (int64_t)(c.hbm_trcd + c.hbm_cwl + c.hbm_burst_length / 2 + 2 * c.hbm_tccd_l));
  // a read, a write and an update: read side 64 B, write side 128 B
  ASSERT_EQ(hbm_run_trace(&c, put("mix_upd.trc", "0x0 READ 0\n0x40000 W 0\n0x80000 U 0\n").c_str(), &r, &e), 0)
      << e.msg;
  EXPECT_EQ(r.rd_bus_bytes, req);
  EXPECT_EQ(r.wr_bus_bytes, 2 * req);
  EXPECT_EQ(r.bytes, 3 * req);
  EXPECT_NEAR(r.st.rd_pj, e_rd, 1e-9);
  EXPECT_NEAR(r.st.wr_pj, e_wr, 1e-9);
  EXPECT_NEAR(r.st.upd_pj, e_wr + e_rd, 1e-9);
}

// (f) the queue queries: occupancy = read + write queue entries of the
// channel (updates in the write queue), and an update needs write-queue room.
TEST(OracleHbmUpdate, ChanOccupancyCountsQueuedRequests) {
  Hbm d;
  EXPECT_EQ(hbm_queue_entries(d.h), (uint32_t)(d.cfg.hbm_rq_entries + d.cfg.hbm_wq_entries));
  uint64_t a3 = d.addr(3, 1, 2, 0, 9), a5 = d.addr(5, 0, 0, 1, 2);
  EXPECT_EQ(hbm_chan_of(d.h, a3), 3u);
  EXPECT_EQ(hbm_chan_of(d.h, a5 + 63), 5u);
  hbm_kind_e ks[] = {HBM_KIND_READ, HBM_KIND_READ, HBM_KIND_WRITE, HBM_KIND_UPDATE, HBM_KIND_UPDATE,
                     HBM_KIND_UPDATE};
  uint64_t id = 0;
  for (auto k : ks) ASSERT_EQ(hbm_enqueue_kind(d.h, a3, k, 10, 10, id++), 0);
  ASSERT_EQ(hbm_enqueue_kind(d.h, a5, HBM_KIND_READ, 10, 10, id++), 0);
  for (uint32_t ch = 0; ch < hbm_channels(d.h); ch++)
    EXPECT_EQ(hbm_chan_occupancy(d.h, ch), ch == 3 ? 6u : ch == 5 ? 1u : 0u) << ch;
  EXPECT_EQ(hbm_queued(d.h), 7u);
  // fill channel 7's write queue with updates
  uint64_t a7 = d.addr(7, 0, 0, 0, 1);
  uint32_t wq = (uint32_t)d.cfg.hbm_wq_entries;
  for (uint32_t i = 0; i < wq; i++) {
    ASSERT_TRUE(hbm_can_accept(d.h, a7, 1)) << i;
    ASSERT_EQ(hbm_enqueue_kind(d.h, a7 + 64 * (i % 16), HBM_KIND_UPDATE, 10, 10, id++), 0);
  }
  EXPECT_FALSE(hbm_can_accept(d.h, a7, 1));
  EXPECT_TRUE(hbm_can_accept(d.h, a7, 0));
  EXPECT_EQ(hbm_enqueue_kind(d.h, a7, HBM_KIND_UPDATE, 10, 10, id), -1);
  EXPECT_EQ(hbm_enqueue_kind(d.h, a7, HBM_KIND_WRITE, 10, 10, id), -1);
  EXPECT_EQ(hbm_chan_occupancy(d.h, 7), wq);
  // serve everything: each issued column command leaves its queue
  cyc_t t = 10;
  while (hbm_queued(d.h)) {
    hbm_advance(d.h, t);
    t = std::max(t + 1, hbm_next_cmd(d.h) == CYC_NEVER ? t + 1 : hbm_next_cmd(d.h));
  }
  for (uint32_t ch = 0; ch < hbm_channels(d.h); ch++) EXPECT_EQ(hbm_chan_occupancy(d.h, ch), 0u) << ch;
  EXPECT_EQ(hbm_get_stats(d.h)->upds, 3u + wq);
  EXPECT_EQ(hbm_get_stats(d.h)->writes, 1u);
  EXPECT_EQ(hbm_get_stats(d.h)->reads, 3u);
}

// ---- the command line ---------------------------------------------------------------

Result dram(const std::string &args) { return coda_test::run_bin(coda_test::bin(), "dram " + args); }

TEST(OracleHbmUpdate, CliCountsUpdatesAndTheirEnergy) {
  arch_cfg_t c;
  coda_err_t e{};
  ASSERT_EQ(arch_cfg_load(&c, nullptr, nullptr, 0, &e), 0);
  double v = c.hbm_vdd, tck = c.hbm_tck_ns, b = (double)c.hbm_burst_length / 2;
  double e_upd = v * (c.hbm_idd4w - c.hbm_idd3n) * b * tck + v * (c.hbm_idd4r - c.hbm_idd3n) * b * tck;
  std::string t = put("upd.trc", "# updates\n0x0 UPDATE 0\n0x40 U 0\n0x80 update 1\n0x1000 READ 1\n0x2000 W 2\n");
  std::string js = tmpdir() + "/upd.json";
  Result r = dram(t + " --json " + js);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("requests          5 (1 reads, 1 writes)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("updates           3 (near-memory adds"), std::string::npos) << r.out;
  json_error_t je;
  json_t *o = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(o, nullptr) << je.text;
  EXPECT_EQ(json_integer_value(json_object_get(o, "requests")), 5);
  EXPECT_EQ(json_integer_value(json_object_get(o, "updates")), 3);
  EXPECT_EQ(json_real_value(json_object_get(o, "write_bus_bytes")), 4 * 64.0);  // 1 write + 3 updates
  EXPECT_EQ(json_real_value(json_object_get(o, "read_bus_bytes")), 64.0);
  json_t *en = json_object_get(o, "energy");
  EXPECT_NEAR(json_real_value(json_object_get(en, "update_pj")), 3 * e_upd, 1e-6);
  double sum = 0;
  for (const char *k : {"activate_pj", "read_pj", "write_pj", "update_pj", "refresh_pj", "background_pj"})
    sum += json_real_value(json_object_get(en, k));
  EXPECT_NEAR(json_real_value(json_object_get(en, "total_pj")), sum, 1e-6 * sum);
  json_decref(o);
  // a plain trace keeps the coda.dram.v1 keys exactly: no update keys
  js = tmpdir() + "/plain_upd.json";
  r = dram(put("plain_upd.trc", "0x0 READ 0\n0x40 WRITE 0\n") + " --json " + js);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find("updates"), std::string::npos) << r.out;
  o = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(o, nullptr) << je.text;
  EXPECT_EQ(json_object_get(o, "updates"), nullptr);
  EXPECT_EQ(json_object_get(json_object_get(o, "energy"), "update_pj"), nullptr);
  json_decref(o);
  // the usage names the extension
  r = dram("--help");
  EXPECT_NE(r.out.find("UPDATE"), std::string::npos) << r.out;
}

void expect_bad(const std::string &args, const std::string &must) {
  Result r = dram(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coda: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(must), std::string::npos) << "wanted '" << must << "' in: " << r.err;
}

TEST(ErrorsHbmUpdate, MalformedUpdateLinesNameFileAndLine) {
  expect_bad(put("upd_op.trc", "0x0 UPDATE 0\n0x40 UPD 1\n"),
             "upd_op.trc:2: unknown operation 'UPD' (expected READ, WRITE, UPDATE, R, W, U or PIM_GEMV)");
  expect_bad(put("upd_fields.trc", "0x0 UPDATE\n"), "upd_fields.trc:1: expected `0xADDR READ|WRITE CYCLE`");
  expect_bad(put("upd_extra.trc", "0x0 U 0 k=3\n"), "upd_extra.trc:1: expected `0xADDR READ|WRITE CYCLE`");
  expect_bad(put("upd_cyc.trc", "0x0 UPDATE x\n"), "upd_cyc.trc:1: bad cycle 'x'");
  expect_bad(put("upd_cap.trc", "0x800000000 UPDATE 0\n"), "upd_cap.trc:1: address 0x800000000 is beyond");
}

}  // namespace
