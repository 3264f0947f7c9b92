// dram_test.cc: the HBM2 model (sim/mem/hbm.h) and `coda dram`.
// Every expected cycle is computed here from the timing parameters of the
// config under test (datasheet-style formulas), never copied from the
// model's output. Tiers: UnitHbm (address mapping, energy), OracleHbm
// (timing rules, scheduling, bandwidth), ErrorsDram (bad traces/configs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/dram_shim.h"
#include "tests/shim/hbm_driver.h"

namespace {

using coda_test::Result;
using coda_test::tmpdir;
using coda_test::Cmd;
using coda_test::Dram;
using coda_test::Done;
using coda_test::Req;

#define P(k) ((int64_t)d.cfg.hbm_##k)

// ---- address mapping -------------------------------------------------------------

TEST(UnitHbm, AddressMappingRoundTripsAndStreamsAcrossChannels) {
  for (const char *map : {"rarobgbachco", "rorabgbachco", "rochrabgbaco", "robgbarachco"}) {
    Dram d({std::string("hbm.address_mapping=") + map});
    std::mt19937_64 g(7);
    for (int i = 0; i < 1000; i++) {
      hbm_addr_t a{(uint32_t)(g() % d.cfg.hbm_channels), (uint32_t)(g() % d.cfg.hbm_ranks),
                   (uint32_t)(g() % d.cfg.hbm_bankgroups), (uint32_t)(g() % d.cfg.hbm_banks_per_group),
                   (uint32_t)(g() % d.cfg.hbm_rows), (uint32_t)(g() % (d.cfg.hbm_row_bytes / 64))}, b;
      hbm_decode(d.h, hbm_encode(d.h, &a), &b);
      ASSERT_EQ(std::make_tuple(a.ch, a.rank, a.bg, a.bank, a.row, a.col),
                std::make_tuple(b.ch, b.rank, b.bg, b.bank, b.row, b.col)) << map;
    }
    // capacity = channels x ranks x banks x rows x row bytes
    EXPECT_EQ(hbm_capacity_bytes(d.h), d.cfg.hbm_channels * d.cfg.hbm_ranks * d.cfg.hbm_bankgroups *
                                           d.cfg.hbm_banks_per_group * d.cfg.hbm_rows * d.cfg.hbm_row_bytes);
  }
  Dram d;  // default: one row per channel, then the next channel
  uint64_t per_row = d.cfg.hbm_row_bytes / 64;
  hbm_addr_t a, b;
  hbm_decode(d.h, 0, &a);
  hbm_decode(d.h, (per_row - 1) * 64, &b);
  EXPECT_EQ(a.ch, b.ch);
  EXPECT_EQ(a.row, b.row);
  hbm_decode(d.h, per_row * 64, &b);
  EXPECT_EQ(b.ch, a.ch + 1);
  EXPECT_EQ(hbm_req_bytes(d.h), d.cfg.hbm_bus_bits / 8 * d.cfg.hbm_burst_length);
  EXPECT_EQ(hbm_req_bytes(d.h), 64u);  // REFERENCES.md: 64 B requests
  // peak = channels x 64 B / (BL/2 cycles x tCK): 32 x 64 / 2 = 1024 GB/s
  EXPECT_DOUBLE_EQ(hbm_peak_gbps(d.h), (double)d.cfg.hbm_channels * 64 / ((double)d.cfg.hbm_burst_length / 2 *
                                                                           d.cfg.hbm_tck_ns));
}

// ---- timing oracles ------------------------------------------------------------

TEST(OracleHbm, SingleReadToIdleBank) {
  for (auto sets : {std::vector<std::string>{}, std::vector<std::string>{"hbm.trcd=20", "hbm.cl=17"}}) {
    Dram d(sets);
    uint64_t id = d.run({{d.addr(3, 0, 1, 2, 77), 0, 100}});
    const Done &r = d.done_of(id);
    // ACT at arrival, RD tRCD later, data CL + BL/2 after that; no fixed cycles
    EXPECT_EQ((int64_t)(r.done - r.arrival), P(trcd) + P(cl) + d.burst());
    auto acts = d.of(HBM_CMD_ACT), rds = d.of(HBM_CMD_RD);
    ASSERT_EQ(acts.size(), 1u);
    ASSERT_EQ(rds.size(), 1u);
    EXPECT_EQ(acts[0].t, 100u);
    EXPECT_EQ((int64_t)(rds[0].t - acts[0].t), P(trcd));
    EXPECT_EQ(rds[0].rule, "tRCD");
  }
}

TEST(OracleHbm, RowHitStreamSameBankGroupAtTccdL) {
  for (auto sets : {std::vector<std::string>{}, std::vector<std::string>{"hbm.tccd_l=4"}}) {
    Dram d(sets);
    const int N = 16;
    std::vector<Req> rs;
    for (int i = 0; i < N; i++) rs.push_back({d.addr(0, 0, 0, 0, 5, (uint32_t)i), 0, 0});
    d.run(rs);
    auto rd = d.of(HBM_CMD_RD);
    ASSERT_EQ(rd.size(), (size_t)N);
    int64_t gap = std::max(d.burst(), P(tccd_l));
    for (int i = 1; i < N; i++) EXPECT_EQ((int64_t)(rd[i].t - rd[i - 1].t), gap) << i;
    EXPECT_EQ((int64_t)rd.back().t, P(trcd) + (N - 1) * gap);
    EXPECT_EQ(d.of(HBM_CMD_ACT).size(), 1u);
  }
}

TEST(OracleHbm, RowHitsAcrossBankGroupsAtTccdS) {
  // tCCD_L = 2 x burst, so alternating bank groups doubles the rate of one group.
  Dram d({"hbm.tccd_l=4"});
  const int N = 16;
  std::vector<Req> rs;
  for (int i = 0; i < N; i++) rs.push_back({d.addr(0, 0, (uint32_t)(i % 2), 0, 9, (uint32_t)(i / 2)), 0, 0});
  d.run(rs);
  auto rd = d.of(HBM_CMD_RD);
  ASSERT_EQ(rd.size(), (size_t)N);
  int64_t s = std::max(d.burst(), P(tccd_s)), l = std::max(d.burst(), P(tccd_l));
  // second bank group's ACT waits tRRD_S, its first RD tRCD after that; then alternate at tCCD_S
  EXPECT_EQ((int64_t)rd.back().t, P(trrd_s) + P(trcd) + (N - 2) * s);
  for (int i = 2; i < N; i++) {
    EXPECT_NE(rd[i].bg, rd[i - 1].bg) << i;
    EXPECT_EQ((int64_t)(rd[i].t - rd[i - 1].t), s) << i;
    if (i >= 3) {
      EXPECT_EQ((int64_t)(rd[i].t - rd[i - 2].t), l) << i;  // same group: tCCD_L apart
    }
  }
}

TEST(OracleHbm, FawLimitsTheFifthActivate) {
  for (auto sets : {std::vector<std::string>{}, std::vector<std::string>{"hbm.tfaw=12"}}) {
    Dram d(sets);
    std::vector<Req> rs;
    for (int i = 0; i < 6; i++) rs.push_back({d.addr(1, 0, (uint32_t)(i % 4), (uint32_t)(i / 4), 3), 0, 0});
    d.run(rs);
    auto act = d.of(HBM_CMD_ACT);
    ASSERT_EQ(act.size(), 6u);
    EXPECT_EQ(act[0].t, 0u);
    for (int i = 1; i < 4; i++) {  // different bank groups: tRRD_S apart
      EXPECT_EQ((int64_t)(act[i].t - act[i - 1].t), P(trrd_s)) << i;
      EXPECT_EQ(act[i].rule, "tRRD_S");
    }
    // 5th: at least the 1st + tFAW, tRRD_S after the 4th, tRRD_L after the 1st (same group)
    int64_t want = std::max({(int64_t)act[0].t + P(tfaw), (int64_t)act[3].t + P(trrd_s), (int64_t)act[0].t + P(trrd_l)});
    EXPECT_EQ((int64_t)act[4].t, want);
    if (want == (int64_t)act[0].t + P(tfaw) && P(tfaw) > 4 * P(trrd_s)) {
      EXPECT_EQ(act[4].rule, "tFAW");
    }
    EXPECT_EQ((int64_t)act[5].t, std::max((int64_t)act[1].t + P(tfaw), (int64_t)act[4].t + P(trrd_s)));
    if (sets.empty()) {
      EXPECT_EQ(act[4].rule, "tFAW");  // REFERENCES.md: tFAW 30 > 4 x tRRD_S 4
    }
  }
}

TEST(OracleHbm, TrcBetweenActivatesToOneBank) {
  for (auto sets : {std::vector<std::string>{}, std::vector<std::string>{"hbm.trc=60"}}) {
    Dram d(sets);
    uint64_t id = d.run({{d.addr(2, 1, 3, 1, 10), 0, 0}, {d.addr(2, 1, 3, 1, 11), 0, 0}});
    auto act = d.of(HBM_CMD_ACT), pre = d.of(HBM_CMD_PRE);
    ASSERT_EQ(act.size(), 2u);
    ASSERT_EQ(pre.size(), 1u);
    // PRE after tRAS (and tRTP after the RD); the 2nd ACT tRP after it and tRC after the 1st
    int64_t pre_t = std::max(P(tras), P(trcd) + P(trtp));
    EXPECT_EQ((int64_t)pre[0].t, pre_t);
    EXPECT_EQ((int64_t)(act[1].t - act[0].t), std::max(P(trc), pre_t + P(trp)));
    if (P(trc) > pre_t + P(trp)) {
      EXPECT_EQ(act[1].rule, "tRC");
    }
    EXPECT_EQ((int64_t)d.done_of(id + 1).done, (int64_t)act[1].t + P(trcd) + P(cl) + d.burst());
  }
}

TEST(OracleHbm, ReadDuringRefreshWaitsForTrfc) {
  {  // one rank: refresh due at tREFI; banks idle, so REF at tREFI
    Dram d({"hbm.ranks=1"});
    cyc_t arr = (cyc_t)P(trefi) + 5;
    uint64_t id = d.run({{d.addr(0, 0, 0, 0, 1), 0, arr}});
    auto ref = d.of(HBM_CMD_REF, 0);
    ASSERT_GE(ref.size(), 1u);
    EXPECT_EQ((int64_t)ref[0].t, P(trefi));
    EXPECT_EQ((int64_t)d.done_of(id).done, P(trefi) + P(trfc) + P(trcd) + P(cl) + d.burst());
    auto act = d.of(HBM_CMD_ACT);
    ASSERT_EQ(act.size(), 1u);
    EXPECT_EQ(act[0].rule, "tRFC");
  }
  {  // an open bank is precharged first: PRE at tREFI, REF tRP later
    Dram d({"hbm.ranks=1"});
    d.run({{d.addr(0, 0, 0, 0, 1), 0, 0}});
    cyc_t arr = (cyc_t)P(trefi) + 1;
    uint64_t id = d.run({{d.addr(0, 0, 0, 0, 1, 1), 0, arr}});  // a row hit, were it not for refresh
    auto ref = d.of(HBM_CMD_REF, 0);
    ASSERT_GE(ref.size(), 1u);
    EXPECT_EQ((int64_t)ref[0].t, P(trefi) + P(trp));
    EXPECT_EQ(ref[0].rule, "tRP");
    EXPECT_EQ((int64_t)d.done_of(id).done, P(trefi) + P(trp) + P(trfc) + P(trcd) + P(cl) + d.burst());
  }
}

TEST(OracleHbm, WriteToReadTurnaround) {
  // R0 opens bank A; W writes bank B; R1 (a row hit in A) arrives right after
  // the WR and waits CWL + BL/2 + tWTR_S (A in another group) or tWTR_L (same).
  for (int same_bg = 0; same_bg < 2; same_bg++) {
    Dram d;
    uint64_t a = same_bg ? d.addr(0, 0, 0, 1, 4) : d.addr(0, 0, 1, 0, 4);
    uint64_t b = d.addr(0, 0, 0, 0, 6);
    d.run({{a, 0, 0}, {b, 1, 0}});
    auto wr = d.of(HBM_CMD_WR);
    ASSERT_EQ(wr.size(), 1u);
    d.run({{a + 64, 0, wr[0].t + 1}});
    auto rd = d.of(HBM_CMD_RD);
    ASSERT_EQ(rd.size(), 2u);
    int64_t twtr = same_bg ? P(twtr_l) : P(twtr_s);
    EXPECT_EQ((int64_t)(rd[1].t - wr[0].t), P(cwl) + d.burst() + twtr) << same_bg;
    EXPECT_EQ(rd[1].rule, same_bg ? "tWTR_L" : "tWTR_S");
  }
}

TEST(OracleHbm, FrFcfsServesARowHitBeforeAnOlderMiss) {
  Dram d;
  uint64_t hit_row = 7, miss_row = 8;
  uint64_t id = d.run({{d.addr(5, 0, 2, 3, (uint32_t)hit_row), 0, 0},
                       {d.addr(5, 0, 2, 3, (uint32_t)miss_row), 0, 20},    // older, a miss
                       {d.addr(5, 0, 2, 3, (uint32_t)hit_row, 1), 0, 21}});  // younger, a hit
  const Done &miss = d.done_of(id + 1), &hit = d.done_of(id + 2);
  EXPECT_EQ((int64_t)hit.done, 21 + P(cl) + d.burst());
  // the miss: PRE after tRAS and the hit's tRTP, ACT tRP later (and tRC after the first ACT)
  int64_t pre = std::max(P(tras), 21 + P(trtp));
  int64_t act = std::max(pre + P(trp), P(trc));
  EXPECT_EQ((int64_t)miss.done, act + P(trcd) + P(cl) + d.burst());
  EXPECT_LT(hit.done, miss.done);
}

TEST(OracleHbm, RowHitCapStopsStarvation) {
  // Row A open; a miss (row B) waits; 20 younger hits to row A. With cap C
  // the miss's RD is the (C+1)-th RD (C column commands to A since its ACT);
  // with no cap, after every hit.
  for (uint64_t cap : {4ull, 2ull, 0ull}) {
    Dram d({"hbm.row_hit_cap=" + std::to_string(cap)});
    std::vector<Req> rs = {{d.addr(0, 0, 0, 0, 1, 0), 0, 0}, {d.addr(0, 0, 0, 0, 2, 0), 0, 1}};
    for (uint32_t i = 0; i < 20; i++) rs.push_back({d.addr(0, 0, 0, 0, 1, 1 + (i % 15)), 0, 1});
    d.run(rs);
    auto rd = d.of(HBM_CMD_RD);
    ASSERT_EQ(rd.size(), 22u);
    size_t pos = 0;
    while (pos < rd.size() && rd[pos].row != 2) pos++;
    EXPECT_EQ(pos, cap ? cap : 21u) << "cap " << cap;
  }
}

TEST(OracleHbm, WriteDrainWatermarks) {
  // Below wq_high, writes wait while reads are queued; from wq_high they drain
  // down to wq_low, then reads go first again.
  for (int full = 0; full < 2; full++) {
    Dram d;
    uint64_t nw = full ? d.cfg.hbm_wq_high : d.cfg.hbm_wq_high / 2, nr = 30;
    std::vector<Req> rs;
    for (uint32_t i = 0; i < nw; i++) rs.push_back({d.addr(0, 0, 1, 0, 2, i % 16), 1, 0});
    for (uint32_t i = 0; i < nr; i++) rs.push_back({d.addr(0, 0, 0, 0, 1, i % 16), 0, 0});
    d.run(rs);
    size_t wr_before_rd = 0, rd_before_wr = 0;
    bool seen_rd = false, seen_wr = false;
    for (auto &c : d.cmds) {
      if (c.cmd == HBM_CMD_RD) seen_rd = true;
      if (c.cmd == HBM_CMD_WR) seen_wr = true;
      if (c.cmd == HBM_CMD_WR && !seen_rd) wr_before_rd++;
      if (c.cmd == HBM_CMD_RD && !seen_wr) rd_before_wr++;
    }
    if (full) {
      EXPECT_EQ(wr_before_rd, d.cfg.hbm_wq_high - d.cfg.hbm_wq_low);
    } else {
      EXPECT_EQ(rd_before_wr, nr);
    }
    EXPECT_EQ(d.of(HBM_CMD_WR).size(), nw);
  }
}

// ---- energy ----------------------------------------------------------------------

TEST(UnitHbm, IdleEnergyIsBackgroundByFormula) {
  Dram d;
  // below the first refresh (rank 0 at tREFI / ranks)
  cyc_t n = (cyc_t)(P(trefi) / P(ranks)) - 1;
  hbm_advance(d.h, n);
  hbm_finish(d.h, n);
  const hbm_stats_t *s = hbm_get_stats(d.h);
  double ranks = (double)d.cfg.hbm_channels * (double)d.cfg.hbm_ranks;
  EXPECT_NEAR(s->bg_pj, d.cfg.hbm_vdd * d.cfg.hbm_idd2n * (double)n * d.cfg.hbm_tck_ns * ranks, 1e-6);
  EXPECT_EQ(s->act_pj + s->rd_pj + s->wr_pj + s->ref_pj, 0.0);
  // REFERENCES.md: 1.2 V x 40 mA x 1 ns = 48 pJ per rank-cycle
  EXPECT_NEAR(s->bg_pj / ((double)n * ranks), 48.0, 1e-9);
}

TEST(UnitHbm, RefreshAndIdleEnergyOverSeveralIntervals) {
  Dram d;
  cyc_t n = 5000;
  hbm_advance(d.h, n);
  hbm_finish(d.h, n);
  const hbm_stats_t *s = hbm_get_stats(d.h);
  double bg = 0;
  uint64_t refs = 0;
  for (uint64_t r = 0; r < d.cfg.hbm_ranks; r++) {
    uint64_t k = 0;  // refreshes of rank r by cycle n: due at (r+1) tREFI / ranks + j tREFI
    for (uint64_t due = (r + 1) * d.cfg.hbm_trefi / d.cfg.hbm_ranks; due <= n; due += d.cfg.hbm_trefi) k++;
    refs += k;
    double act = std::min((double)(k * d.cfg.hbm_trfc), (double)n);
    bg += d.cfg.hbm_idd2n * ((double)n - act) + d.cfg.hbm_idd3n * act;
  }
  bg *= d.cfg.hbm_vdd * d.cfg.hbm_tck_ns * (double)d.cfg.hbm_channels;
  EXPECT_EQ(s->refs, refs * d.cfg.hbm_channels);
  EXPECT_NEAR(s->bg_pj, bg, 1e-6 * bg);
  double e_ref = d.cfg.hbm_vdd * (d.cfg.hbm_idd5ab - d.cfg.hbm_idd3n) * (double)d.cfg.hbm_trfc * d.cfg.hbm_tck_ns;
  EXPECT_NEAR(s->ref_pj, e_ref * (double)s->refs, 1e-6);
}

TEST(UnitHbm, ActivateReadWriteEnergyByFormula) {
  Dram d;
  d.run({{d.addr(0, 0, 0, 0, 1), 0, 0}, {d.addr(1, 0, 0, 0, 1), 1, 0}});
  cyc_t end = 1000;
  hbm_advance(d.h, end);
  hbm_finish(d.h, end);
  const hbm_stats_t *s = hbm_get_stats(d.h);
  const arch_cfg_t &c = d.cfg;
  double v = c.hbm_vdd, tck = c.hbm_tck_ns, b = (double)d.burst();
  // DRAMsim3's IDD energy increments (hbm.h)
  double e_act = v * (c.hbm_idd0 * (double)c.hbm_trc - (c.hbm_idd3n * (double)c.hbm_tras + c.hbm_idd2n * (double)c.hbm_trp)) * tck;
  EXPECT_NEAR(s->act_pj, 2 * e_act, 1e-6);
  EXPECT_NEAR(s->rd_pj, v * (c.hbm_idd4r - c.hbm_idd3n) * b * tck, 1e-6);
  EXPECT_NEAR(s->wr_pj, v * (c.hbm_idd4w - c.hbm_idd3n) * b * tck, 1e-6);
  // two ranks had a bank open from their ACT (cycle 0) to the end
  double ranks = (double)c.hbm_channels * (double)c.hbm_ranks;
  double bg = v * tck * (c.hbm_idd2n * (double)end * (ranks - 2) + c.hbm_idd3n * (double)end * 2);
  EXPECT_NEAR(s->bg_pj, bg, 1e-6 * bg);
}

// ---- bandwidth -------------------------------------------------------------------

std::string write_trace(const std::string &name, uint64_t n, bool random, uint64_t per_cycle) {
  std::string p = tmpdir() + "/" + name;
  FILE *f = fopen(p.c_str(), "w");
  std::mt19937_64 g(11);
  for (uint64_t i = 0; i < n; i++) {
    uint64_t a = random ? (g() & ((1ull << 35) - 1) & ~63ull) : i * 64;
    fprintf(f, "0x%llx %s %llu\n", (unsigned long long)a, random && g() % 10 < 3 ? "WRITE" : "READ",
            (unsigned long long)(i / per_cycle));
  }
  fclose(f);
  return p;
}

TEST(OracleHbm, StreamingReadsReachNinetyPercentOfPeak) {
  arch_cfg_t c;
  coda_err_t e{};
  ASSERT_EQ(arch_cfg_load(&c, nullptr, nullptr, 0, &e), 0);
  // peak = channels x request bytes / burst cycles: 16 requests a cycle
  uint64_t per_cycle = c.hbm_channels / (c.hbm_burst_length / 2);
  std::string p = write_trace("stream.trc", 200000, false, per_cycle);
  hbm_trace_result_t r;
  ASSERT_EQ(hbm_run_trace(&c, p.c_str(), &r, &e), 0) << e.msg;
  double peak = (double)c.hbm_channels * (double)(c.hbm_bus_bits / 8 * c.hbm_burst_length) /
                ((double)c.hbm_burst_length / 2 * c.hbm_tck_ns);
  double gbps = 200000.0 * 64 / ((double)r.cycles * c.hbm_tck_ns);
  EXPECT_DOUBLE_EQ(r.gbps, gbps);
  EXPECT_DOUBLE_EQ(r.peak_gbps, peak);
  printf("[ streaming ] %.1f GB/s = %.1f %% of peak %.0f GB/s (%llu cycles, %llu refreshes, row hits %.1f %%)\n",
         gbps, 100 * gbps / peak, peak, (unsigned long long)r.cycles, (unsigned long long)r.st.refs,
         100 * r.row_hit_rate);
  EXPECT_GE(gbps / peak, 0.90);
  // without refresh the stream is bounded by data-bus bursts only
  arch_set_t no_ref[1] = {{"hbm.trefi=1000000"}};
  ASSERT_EQ(arch_cfg_load(&c, nullptr, no_ref, 1, &e), 0);
  ASSERT_EQ(hbm_run_trace(&c, p.c_str(), &r, &e), 0) << e.msg;
  EXPECT_GE(r.gbps / peak, 0.98);
  // every row's 16 requests hit after one ACT: hit rate 15/16
  uint64_t per_row = c.hbm_row_bytes / 64;
  EXPECT_NEAR(r.row_hit_rate, (double)(per_row - 1) / (double)per_row, 1e-3);
}

// ---- the command line ---------------------------------------------------------------

Result dram(const std::string &args) { return coda_test::run_bin(coda_test::bin(), "dram " + args); }

std::string put(const std::string &name, const std::string &text) {
  std::string p = tmpdir() + "/" + name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(OracleHbm, CliReportsAndWritesJson) {
  std::string t = put("small.trc", "# a comment\n\n0x0 READ 0\n0x40 R 0\n0x1000 W 3\n0x2000 WRITE 3\n");
  std::string gz = tmpdir() + "/small.trc.gz";
  gzFile g = gzopen(gz.c_str(), "wb");
  gzputs(g, "0x0 READ 0\n0x40 R 0\n0x1000 W 3\n0x2000 WRITE 3\n");
  gzclose(g);
  for (const std::string &f : {t, gz}) {
    std::string js = tmpdir() + "/out.json";
    Result r = dram(f + " --json " + js);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("requests          4 (2 reads, 2 writes)"), std::string::npos) << r.out;
    json_error_t je;
    json_t *o = json_load_file(js.c_str(), 0, &je);
    ASSERT_NE(o, nullptr) << je.text;
    EXPECT_STREQ(json_string_value(json_object_get(o, "schema")), "coda.dram.v1");
    EXPECT_EQ(json_integer_value(json_object_get(o, "requests")), 4);
    // the first read: an idle bank, tRCD + CL + BL/2 = 14 + 14 + 2 (REFERENCES.md)
    json_t *lat = json_object_get(o, "read_latency");
    EXPECT_EQ(json_integer_value(json_object_get(lat, "p50_cycles")), 14 + 14 + 2);
    json_t *en = json_object_get(o, "energy");
    double sum = 0;
    for (const char *k : {"activate_pj", "read_pj", "write_pj", "refresh_pj", "background_pj"})
      sum += json_real_value(json_object_get(en, k));
    EXPECT_NEAR(json_real_value(json_object_get(en, "total_pj")), sum, 1e-6 * sum);
    json_decref(o);
  }
}

void expect_bad(const std::string &args, const std::string &must) {
  Result r = dram(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coda: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(must), std::string::npos) << "wanted '" << must << "' in: " << r.err;
}

TEST(ErrorsDram, MalformedTraceLinesNameFileAndLine) {
  expect_bad(put("hex.trc", "0x0 READ 0\n0xZZ READ 1\n"), "hex.trc:2: bad hex address '0xZZ'");
  expect_bad(put("op.trc", "# c\n0x0 READ 0\n\n0x40 FETCH 1\n"), "op.trc:4: unknown operation 'FETCH'");
  expect_bad(put("mono.trc", "0x0 READ 5\n0x40 READ 4\n"), "mono.trc:2: cycle 4 is before");
  expect_bad(put("cap.trc", "0x800000000 READ 0\n"), "cap.trc:1: address 0x800000000 is beyond the capacity");
  expect_bad(put("fields.trc", "0x0 READ\n"), "fields.trc:1: expected `0xADDR READ|WRITE CYCLE`");
  expect_bad(put("cyc.trc", "0x0 READ -3\n"), "cyc.trc:1: bad cycle '-3'");
  expect_bad(tmpdir() + "/missing.trc", "missing.trc: cannot open");
}

TEST(ErrorsDram, TruncatedGzipNamesFileAndLine) {
  std::string full = tmpdir() + "/full.trc.gz";
  gzFile g = gzopen(full.c_str(), "wb");
  for (int i = 0; i < 20000; i++) gzprintf(g, "0x%x READ %d\n", i * 64, i);
  gzclose(g);
  std::string data = coda_test::slurp(full);
  std::string cut = put("cut.trc.gz", data.substr(0, data.size() / 2));
  expect_bad(cut, "cut.trc.gz:");
  Result r = dram(cut);
  EXPECT_NE(r.err.find("truncated or corrupt gzip"), std::string::npos) << r.err;
}

TEST(ErrorsDram, BadConfigNamesTheKey) {
  std::string t = put("ok.trc", "0x0 READ 0\n");
  expect_bad(t + " --set hbm.cl=0", "hbm.cl");
  expect_bad(t + " --set hbm.channels=3", "hbm.channels: 3 is not a power of two");
  expect_bad(t + " --set hbm.address_mapping=rochbg", "hbm.address_mapping");
  expect_bad(t + " --set hbm.wq_low=30", "hbm.wq_high");
  expect_bad(t + " --set hbm.trc=20", "hbm.trc");
  expect_bad(t + " --set hbm.nope=1", "hbm.nope: unknown key");
  expect_bad(t + " --bogus", "unknown option --bogus");
}

// ---- behind the memory interface --------------------------------------------------------

// Sends requests of `bytes` at cycle 0 through mem_if_t; returns each response cycle.
std::vector<cyc_t> drive(const std::vector<std::string> &sets, const std::vector<mem_req_t> &reqs) {
  arch_cfg_t c;
  coda_err_t e{};
  std::vector<arch_set_t> s;
  for (auto &x : sets) s.push_back({x.c_str()});
  EXPECT_EQ(arch_cfg_load(&c, nullptr, s.data(), (int)s.size(), &e), 0) << e.msg;
  mem_if_t m;
  EXPECT_EQ(hbm_create(&c, &m, &e), 0) << e.msg;
  std::vector<cyc_t> done(reqs.size(), 0);
  size_t sent = 0, got = 0;
  cyc_t now = 0;
  while (got < reqs.size() && now < 1000000) {
    mem_req_t r;
    while (m.pop_resp(m.self, now, &r)) { done[r.tag] = now; got++; }
    m.ops->eval(m.self, now);
    if (sent < reqs.size() && m.can_send(m.self, now)) m.send(m.self, now, &reqs[sent++]);
    int ch = m.ops->commit(m.self, now);
    cyc_t nx = m.ops->next_event(m.self, now);
    now = ch || sent < reqs.size() ? now + 1 : nx;
  }
  m.destroy(m.self);
  return done;
}

TEST(OracleHbm, MemIfSplitsRequestsAndConvertsClocks) {
  // A 256 B read = 4 row hits in one bank: sent at 0, seen at 1,
  // ACT 1, RDs at 1 + tRCD + 2k, data CL + BL/2 after the last.
  arch_cfg_t c;
  coda_err_t e{};
  ASSERT_EQ(arch_cfg_load(&c, nullptr, nullptr, 0, &e), 0);
  int64_t b = (int64_t)c.hbm_burst_length / 2, gap = std::max(b, (int64_t)c.hbm_tccd_l);
  auto d = drive({}, {{0, 256, 0, 0}});
  EXPECT_EQ((int64_t)d[0], 1 + (int64_t)c.hbm_trcd + 3 * gap + (int64_t)c.hbm_cl + b);
  d = drive({}, {{0, 64, 0, 0}});
  EXPECT_EQ((int64_t)d[0], 1 + (int64_t)c.hbm_trcd + (int64_t)c.hbm_cl + b);
  // core at 2 GHz, DRAM at 1 GHz: sent at core 0, reaches the DRAM at
  // floor(1 x 1/2) = 0 -> the next DRAM cycle 1; data at DRAM 1 + 30, core 2 x 31
  d = drive({"core.freq_mhz=2000"}, {{0, 64, 0, 0}});
  EXPECT_EQ((int64_t)d[0], 2 * (1 + (int64_t)c.hbm_trcd + (int64_t)c.hbm_cl + b));
}

}  // namespace
