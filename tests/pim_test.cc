// pim_test.cc: the PIM side of the HBM2 model (NeuPIMs, sim/mem/hbm_pim.c)
// and its `coda dram` trace lines. Every expected cycle is computed here from
// the timing parameters of the config under test with the REFERENCES.md
// NeuPIMs formulas (GWRITE = (tCCD_S + tCCD_L) x 32, PIM_GEMV occupies
// 2 x (max(k, 6) + 1), G_ACT in groups of 4 under tFAW, G_ACT -> COMP tRCD),
// never copied from the model's output. Tiers: UnitPim (commands, energy,
// API), OraclePim (schedules, dual vs blocked, refresh, priority),
// ErrorsPim (bad jobs, traces, configs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

struct Item {  // a normal request or a PIM job, entering at cycle `at`
  cyc_t at;
  bool pim;
  uint64_t addr;  // request address, or any address of the job's channel
  int write;
  hbm_pim_job_t job;
};
struct PimDone {
  uint64_t tag;
  uint32_t ch;
  cyc_t submit, done;
};

Item rd(uint64_t addr, cyc_t at) { return {at, false, addr, 0, {}}; }
Item pim(cyc_t at, uint32_t k, uint32_t rows = 1, uint32_t gwrites = 1, uint32_t row = 100) {
  return {at, true, 0, 0, {rows, k, gwrites, row}};
}

// The HBM driver of tests/shim/hbm_driver.h with PIM jobs: items enter at
// their cycle; commands, completions and PIM job ends are recorded.
class Sim : public coda_test::Dram {
 public:
  std::vector<PimDone> pdone;
  uint64_t next_tag = 0;

  explicit Sim(std::vector<std::string> sets) : Dram(sets) { hbm_set_pim_done(h, on_pdone, this); }

  // Runs items (sorted by .at) on channel 0 until all are done.
  void run(const std::vector<Item> &items) {
    size_t i = 0, n = items.size();
    cyc_t t = n ? items[0].at : 0;
    for (int guard = 0; guard < 10000000; guard++) {
      while (i < n && items[i].at <= t) {
        const Item &x = items[i];
        if (x.pim) {
          coda_err_t e{};
          ASSERT_EQ(hbm_pim_submit(h, 0, &x.job, next_tag++, t, &e), 0) << e.msg;
        } else {
          if (hbm_enqueue(h, x.addr, x.write, t, x.at, next_id)) break;
          next_id++;
        }
        i++;
      }
      hbm_advance(h, t);
      if (i == n && !hbm_queued(h) && !hbm_pim_pending(h)) break;
      cyc_t nx = hbm_next_cmd(h);
      if (i < n) nx = std::min(nx, std::max(items[i].at, t + 1));
      ASSERT_NE(nx, CYC_NEVER);
      t = nx;
    }
  }
  cyc_t last_rd_done() const {
    cyc_t m = 0;
    for (auto &d : done) m = std::max(m, d.done);
    return m;
  }
  cyc_t pim_end() const {  // cycle after the last PIM_PRECHARGE
    auto p = of(HBM_CMD_PIM_PRE);
    return p.empty() ? 0 : p.back().t + 1;
  }

 private:
  static void on_pdone(void *ctx, uint64_t tag, uint32_t ch, cyc_t submit, cyc_t done) {
    static_cast<Sim *>(ctx)->pdone.push_back({tag, ch, submit, done});
  }
};

#define P(k) ((int64_t)s.cfg.hbm_##k)

// ---- the expected schedule of one job on an idle channel (REFERENCES.md NeuPIMs) ----
struct Expect {
  int64_t header;
  std::vector<int64_t> gwrite;
  std::vector<std::vector<int64_t>> gact;  // per weight row
  std::vector<int64_t> gemv, pre;
  int64_t done;  // READRES data of the last PIM_GEMV
  int64_t est;   // PIM_HEADER .. last PIM_PRECHARGE inclusive
};

int64_t gwrite_cyc(const Sim &s) { return (P(tccd_s) + P(tccd_l)) * P(pim_gwrite_bursts); }
int64_t gemv_occ(const Sim &s, int64_t k) { return P(pim_comp_cycles) * (std::max(k, P(pim_gemv_min_comps)) + 1); }

// first_gact: earliest first G_ACT the channel allows (tRP after a previous
// job's PIM_PRECHARGE, say)
Expect expect(const Sim &s, int64_t header, const hbm_pim_job_t &j, int64_t first_gact = 0) {
  Expect x{};
  x.header = header;
  int64_t t = header + 1;  // one command per cycle
  for (uint32_t i = 0; i < j.gwrites; i++) x.gwrite.push_back(header + 1 + i * gwrite_cyc(s));
  if (j.gwrites) t = x.gwrite.back() + gwrite_cyc(s);  // G_ACT waits for the global buffer
  t = std::max(t, first_gact);
  int64_t ranks = P(ranks), groups = P(bankgroups) * P(banks_per_group) * ranks / P(pim_gact_banks);
  // a G_ACT of 4 banks fills its rank's tFAW window: the next one in that rank
  // waits tFAW (and tRRD_L, same bank groups); the other rank only a cycle
  int64_t same_rank = std::max({P(tfaw), P(trrd_l), P(trrd_s)});
  for (uint32_t r = 0; r < j.rows; r++) {
    std::vector<int64_t> g;
    for (int64_t i = 0; i < groups; i++) g.push_back(t + (i / ranks) * same_rank + (i % ranks));
    int64_t gemv = g.back() + P(trcd);                                         // G_ACT -> COMP: tRCD
    int64_t pre = std::max(gemv + gemv_occ(s, j.k), g.back() + P(tras));  // after READRES and tRAS
    x.gact.push_back(g);
    x.gemv.push_back(gemv);
    x.pre.push_back(pre);
    x.done = gemv + gemv_occ(s, j.k);
    t = pre + P(trp);  // the next row's G_ACT: tRP after the PIM_PRECHARGE (tRC is shorter)
    EXPECT_LE(g.front() + P(trc), t);
  }
  x.est = x.pre.back() - header + 1;
  return x;
}

void check(const Sim &s, const Expect &x, const std::string &what) {
  auto hd = s.of(HBM_CMD_PIM_HEADER), gw = s.of(HBM_CMD_GWRITE), ga = s.of(HBM_CMD_G_ACT), gv = s.of(HBM_CMD_PIM_GEMV),
       pr = s.of(HBM_CMD_PIM_PRE);
  ASSERT_EQ(hd.size(), 1u) << what;
  EXPECT_EQ((int64_t)hd[0].t, x.header) << what;
  ASSERT_EQ(gw.size(), x.gwrite.size()) << what;
  for (size_t i = 0; i < gw.size(); i++) EXPECT_EQ((int64_t)gw[i].t, x.gwrite[i]) << what << " GWRITE " << i;
  ASSERT_EQ(gv.size(), x.gemv.size()) << what;
  ASSERT_EQ(pr.size(), x.pre.size()) << what;
  size_t gi = 0;
  for (size_t r = 0; r < x.gact.size(); r++) {
    for (size_t i = 0; i < x.gact[r].size(); i++, gi++) {
      ASSERT_LT(gi, ga.size()) << what;
      EXPECT_EQ((int64_t)ga[gi].t, x.gact[r][i]) << what << " row " << r << " G_ACT " << i;
    }
    EXPECT_EQ((int64_t)gv[r].t, x.gemv[r]) << what << " PIM_GEMV " << r;
    EXPECT_EQ((int64_t)pr[r].t, x.pre[r]) << what << " PIM_PRECHARGE " << r;
  }
  EXPECT_EQ(gi, ga.size()) << what;
  ASSERT_EQ(s.pdone.size(), 1u) << what;
  EXPECT_EQ((int64_t)s.pdone[0].done, x.done) << what;
}

const std::vector<std::string> kModes = {"hbm.pim_mode=dual", "hbm.pim_mode=blocked"};

// ---- single commands ---------------------------------------------------------------

TEST(UnitPim, GwriteTakes96Cycles) {
  for (auto &m : kModes)
    for (auto extra : {std::string("hbm.tccd_l=2"), std::string("hbm.tccd_l=4")}) {
      Sim s({m, extra});
      hbm_pim_job_t j{1, 8, 3, 100};
      s.run({pim(10, j.k, j.rows, j.gwrites, j.row)});
      auto gw = s.of(HBM_CMD_GWRITE);
      ASSERT_EQ(gw.size(), 3u);
      for (int i = 1; i < 3; i++) EXPECT_EQ((int64_t)(gw[i].t - gw[i - 1].t), gwrite_cyc(s)) << m << extra;
      EXPECT_EQ(gw[1].rule, "tGWRITE");
      auto ga = s.of(HBM_CMD_G_ACT);
      ASSERT_FALSE(ga.empty());
      EXPECT_EQ((int64_t)(ga[0].t - gw[2].t), gwrite_cyc(s));
      if (extra == "hbm.tccd_l=2") {
        EXPECT_EQ(gwrite_cyc(s), 96);  // REFERENCES.md: (1 + 2) x 32
      } else {
        EXPECT_EQ(gwrite_cyc(s), (1 + 4) * 32);
      }
      check(s, expect(s, 10, j), m + " " + extra);
    }
}

TEST(OraclePim, GactGroupsOfFourRespectTfaw) {
  for (auto &m : kModes)
    for (auto extra : {std::string("hbm.tfaw=30"), std::string("hbm.tfaw=45"), std::string("hbm.ranks=1")}) {
      Sim s({m, extra});
      hbm_pim_job_t j{1, 16, 0, 7};
      s.run({pim(0, j.k, j.rows, j.gwrites, j.row)});
      auto ga = s.of(HBM_CMD_G_ACT);
      uint64_t banks = s.cfg.hbm_ranks * s.cfg.hbm_bankgroups * s.cfg.hbm_banks_per_group;
      ASSERT_EQ(ga.size(), banks / 4) << m << extra;  // REFERENCES.md: groups of 4
      // at most 4 bank activations per rank in any tFAW window: same-rank G_ACTs >= tFAW apart
      for (size_t a = 0; a < ga.size(); a++)
        for (size_t b = a + 1; b < ga.size(); b++)
          if (ga[a].rank == ga[b].rank) {
            EXPECT_GE((int64_t)(ga[b].t - ga[a].t), P(tfaw)) << m << extra;
          }
      for (size_t i = P(ranks); i < ga.size(); i++) EXPECT_EQ(ga[i].rule, "tFAW") << i;
      // every bank of the channel activated once: energy = banks x the IDD ACT energy
      const arch_cfg_t &c = s.cfg;
      double e_act = c.hbm_vdd * (c.hbm_idd0 * (double)c.hbm_trc -
                                  (c.hbm_idd3n * (double)c.hbm_tras + c.hbm_idd2n * (double)c.hbm_trp)) * c.hbm_tck_ns;
      EXPECT_NEAR(hbm_pim_get_stats(s.h, 0)->act_pj, (double)banks * e_act, 1e-6);
      check(s, expect(s, 0, j), m + " " + extra);
    }
}

TEST(OraclePim, GemvOccupiesTwiceMaxKSixPlusOneAfterTrcd) {
  for (auto &m : kModes)
    for (uint32_t k : {1u, 6u, 7u, 20u, 32u})
      for (auto extra : {std::string("hbm.pim_comp_cycles=2"), std::string("hbm.pim_comp_cycles=3")}) {
        Sim s({m, extra});
        hbm_pim_job_t j{2, k, 1, 40};
        s.run({pim(5, k, j.rows, j.gwrites, j.row)});
        auto ga = s.of(HBM_CMD_G_ACT), gv = s.of(HBM_CMD_PIM_GEMV);
        ASSERT_EQ(gv.size(), 2u);
        size_t per_row = ga.size() / 2;
        EXPECT_EQ((int64_t)(gv[0].t - ga[per_row - 1].t), P(trcd)) << "G_ACT -> COMP waits tRCD";
        EXPECT_EQ(gv[0].rule, "tRCD");
        // READRES data of the job: 2 x (max(k, 6) + 1) after the last PIM_GEMV
        ASSERT_EQ(s.pdone.size(), 1u);
        int64_t occ = P(pim_comp_cycles) * (std::max<int64_t>(k, 6) + 1);
        EXPECT_EQ((int64_t)(s.pdone[0].done - gv[1].t), occ) << m << " k=" << k;
        if (extra == "hbm.pim_comp_cycles=2") {
          EXPECT_EQ(occ, 2 * ((int64_t)std::max(k, 6u) + 1));  // REFERENCES.md literal
        }
        Expect x = expect(s, 5, j);
        check(s, x, m + " k=" + std::to_string(k));
        EXPECT_EQ((int64_t)hbm_pim_estimate(s.h, &j), x.est);
        const hbm_pim_stats_t *st = hbm_pim_get_stats(s.h, 0);
        EXPECT_EQ(st->comps, 2u * k);
        EXPECT_EQ(st->jobs, 1u);
        EXPECT_EQ((int64_t)st->busy_cyc, x.est);
      }
}

// ---- dual row buffer vs blocked ---------------------------------------------------------

std::vector<Item> read_stream(const Sim &s, int n, cyc_t start) {
  std::vector<Item> v;  // row hits over the 4 bank groups of rank 0, bank 0, one every cycle
  for (int i = 0; i < n; i++) v.push_back(rd(s.addr(0, 0, (uint32_t)(i % 4), 0, 3, (uint32_t)(i / 4 % 16)), start + i));
  return v;
}

TEST(OraclePim, DualOverlapsNormalReadsBlockedSerializes) {
  for (uint32_t gw : {0u, 1u})
    for (auto &m : kModes) {
      cyc_t t_r, t_p, t_both;
      {
        Sim s({m});
        s.run(read_stream(s, 128, 0));
        t_r = s.last_rd_done() + 1;
      }
      {
        Sim s({m});
        s.run({pim(0, 32, 2, gw)});
        t_p = s.pim_end();
        EXPECT_EQ((int64_t)t_p, expect(s, 0, {2, 32, gw, 100}).est);
      }
      Sim s({m});
      std::vector<Item> v = {pim(0, 32, 2, gw)};
      for (auto &x : read_stream(s, 128, 0)) v.push_back(x);
      s.run(v);
      t_both = std::max(s.last_rd_done() + 1, s.pim_end());
      auto hd = s.of(HBM_CMD_PIM_HEADER);
      size_t rds_inside = 0;
      for (auto &c : s.cmds)
        if ((c.cmd == HBM_CMD_RD || c.cmd == HBM_CMD_ACT) && c.t > hd[0].t && c.t < s.pim_end()) rds_inside++;
      printf("[ %s gwrites=%u ] reads alone %llu, PIM alone %llu, both %llu cycles\n", m.c_str(), gw,
             (unsigned long long)t_r, (unsigned long long)t_p, (unsigned long long)t_both);
      if (m == "hbm.pim_mode=dual") {
        EXPECT_LT(t_both, t_r + t_p);
        EXPECT_GT(rds_inside, 0u);
        if (!gw) {
          EXPECT_EQ(s.pim_end(), t_p);  // PIM first and undisturbed by row-hit reads
        }
      } else {
        EXPECT_GE(t_both, t_r + t_p);
        EXPECT_EQ(rds_inside, 0u);  // the job owns the channel
      }
    }
}

TEST(OraclePim, DualActToGactSameBankIsTrrdLBlockedIsTrc) {
  // G_ACTs of 2 banks, so the normal ACT and the G_ACT fit one tFAW window
  // (a G_ACT of 4 would wait tFAW after any ACT of its rank)
  for (auto &m : kModes) {
    Sim s({m, "hbm.pim_gact_banks=2"});
    // a normal ACT of rank 0, bank group 0, bank 0 at cycle 0 (the first G_ACT's bank)
    s.run({rd(s.addr(0, 0, 0, 0, 9), 0), pim(1, 8, 1, 0, 50)});
    auto act = s.of(HBM_CMD_ACT), ga = s.of(HBM_CMD_G_ACT);
    ASSERT_EQ(act.size(), 1u + (m == "hbm.pim_mode=blocked"));  // blocked: the read re-opens its row later
    ASSERT_FALSE(ga.empty());
    EXPECT_EQ(ga[0].rank, 0u);
    EXPECT_EQ(ga[0].bg, 0u);
    EXPECT_EQ(ga[0].bank, 0u);
    if (m == "hbm.pim_mode=dual") {
      EXPECT_EQ((int64_t)(ga[0].t - act[0].t), P(trrd_l));
      EXPECT_EQ(ga[0].rule, "tRRD_L");
    } else {  // one row buffer: PRE after tRAS, G_ACT tRP later and tRC after the ACT
      EXPECT_EQ((int64_t)(ga[0].t - act[0].t), std::max(P(trc), P(tras) + P(trp)));
    }
  }
}

TEST(OraclePim, DualNormalActsDoNotPushBackGacts) {
  // reads that each need an ACT, in both ranks, arriving every 2 cycles
  // while the first G_ACT waits for the GWRITE: PIM priority holds back the
  // normal ACTs that would push it back (those within tFAW of it), so the
  // job keeps its idle schedule (the ACTs that go during a PIM_GEMV may
  // delay a next row's G_ACTs: not held)
  Sim s({"hbm.pim_mode=dual"});
  hbm_pim_job_t j{1, 16, 1, 60};
  int64_t first_gact = expect(s, 0, j).gact[0][0];
  std::vector<Item> v = {pim(0, j.k, j.rows, j.gwrites, j.row)};
  for (uint32_t i = 0; i < 24; i++)
    v.push_back(rd(s.addr(0, i % 2, i / 2 % 4, i / 8 % 4, 9), (cyc_t)(first_gact - P(tfaw) - 20 + 2 * i)));
  s.run(v);
  check(s, expect(s, 0, j), "dual with normal ACTs");
  EXPECT_EQ(s.of(HBM_CMD_RD).size(), 24u);
  size_t before = 0;
  for (auto &a : s.of(HBM_CMD_ACT)) {
    EXPECT_FALSE((int64_t)a.t > first_gact - P(tfaw) && (int64_t)a.t < first_gact) << a.t;  // held
    before += (int64_t)a.t <= first_gact - P(tfaw);
  }
  EXPECT_GT(before, 0u);  // the earlier ones went
}

TEST(OraclePim, DualNormalReadBeforeCompCostsNothing) {
  Sim s({"hbm.pim_mode=dual"});
  hbm_pim_job_t j{1, 8, 0, 60};
  Expect x = expect(s, 100, j);
  // the row of bank (0,0,0) is opened at 0; a row hit arrives the cycle before the PIM_GEMV
  cyc_t hit = (cyc_t)x.gemv[0] - 1;
  s.run({rd(s.addr(0, 0, 0, 0, 9), 0), pim(100, j.k, j.rows, j.gwrites, j.row), rd(s.addr(0, 0, 0, 0, 9, 1), hit)});
  auto rds = s.of(HBM_CMD_RD);
  ASSERT_EQ(rds.size(), 2u);
  EXPECT_EQ(rds[1].t, hit);  // the read went at once
  check(s, x, "dual");       // and the PIM_GEMV right after it, G_ACT + tRCD as if alone
}

// ---- refresh and priority --------------------------------------------------------------

TEST(OraclePim, JobThatWouldCrossARefreshIsDeferredPastIt) {
  for (auto &m : kModes)
    for (uint32_t rows : {1u, 3u}) {
      hbm_pim_job_t j{rows, 32, 1, 10};
      int64_t est;
      {
        Sim s({m});
        est = expect(s, 0, j).est;
        EXPECT_EQ((int64_t)hbm_pim_estimate(s.h, &j), est);
      }
      for (int cross = 0; cross < 2; cross++) {
        Sim s({m});
        int64_t due = P(trefi) / P(ranks);  // rank 0's first refresh (staggered)
        int64_t sub = due - est + cross;    // cross = 1: ends one cycle past it
        s.run({pim((cyc_t)sub, j.k, j.rows, j.gwrites, j.row)});
        hbm_advance(s.h, (cyc_t)(due + P(trfc) + P(trp) + 1));  // past the refresh
        auto ref = s.of(HBM_CMD_REF), hd = s.of(HBM_CMD_PIM_HEADER);
        ASSERT_GE(ref.size(), 1u);
        ASSERT_EQ(hd.size(), 1u);
        const hbm_pim_stats_t *st = hbm_pim_get_stats(s.h, 0);
        if (cross) {  // REF on time, the job after REF + tRFC
          EXPECT_EQ((int64_t)ref[0].t, due);
          EXPECT_EQ((int64_t)hd[0].t, due + P(trfc)) << m;
          EXPECT_EQ(st->ref_deferrals, 1u);
          check(s, expect(s, due + P(trfc), j), m);
        } else {  // admitted at once; the refresh follows its PIM_PRECHARGE by tRP
          EXPECT_EQ((int64_t)hd[0].t, sub);
          EXPECT_EQ(st->ref_deferrals, 0u);
          EXPECT_EQ((int64_t)ref[0].t, std::max(due, (int64_t)s.of(HBM_CMD_PIM_PRE).back().t + P(trp)));
          check(s, expect(s, sub, j), m);
        }
        EXPECT_EQ(st->ref_late, 0u);
      }
    }
}

TEST(OraclePim, PimJobGoesBeforeOlderQueuedReads) {
  for (auto &m : kModes) {
    Sim s({m});
    // 8 reads to one bank, each another row (tRC apart each), queued at 0; the
    // first one's RD is due at tRCD, exactly when the PIM job arrives
    std::vector<Item> v;
    for (uint32_t i = 0; i < 8; i++) v.push_back(rd(s.addr(0, 1, 2, 3, 20 + i), 0));
    cyc_t sub = (cyc_t)P(trcd);
    v.push_back(pim(sub, 8, 1, 0, 70));  // no GWRITE: it would hold the data bus (and the RD) 96 cycles
    s.run(v);
    auto hd = s.of(HBM_CMD_PIM_HEADER), rds = s.of(HBM_CMD_RD);
    ASSERT_EQ(hd.size(), 1u);
    ASSERT_EQ(rds.size(), 8u);
    EXPECT_EQ(hd[0].t, sub) << m;  // took the cycle the oldest read's RD was ready for
    EXPECT_GT(rds[0].t, sub);
    const hbm_pim_stats_t *st = hbm_pim_get_stats(s.h, 0);
    EXPECT_GE(st->normal_delayed, 1u);
    if (m == "hbm.pim_mode=blocked") {
      for (auto &r : rds) {
        EXPECT_GT(r.t, s.of(HBM_CMD_PIM_PRE).back().t);  // all after the job
      }
      EXPECT_EQ(st->normal_delayed, 8u);
    } else {
      // the next cycle goes to the first G_ACT (rank 0; the reads' ACT was in rank 1), then the RD
      auto ga = s.of(HBM_CMD_G_ACT);
      ASSERT_FALSE(ga.empty());
      EXPECT_EQ((int64_t)ga[0].t, (int64_t)sub + 1);
      EXPECT_EQ((int64_t)rds[0].t, (int64_t)sub + 2);
    }
  }
}

// ---- energy, API, pim_mode none ------------------------------------------------------------

TEST(UnitPim, EnergyByFormula) {
  for (auto &m : kModes) {
    Sim s({m});
    hbm_pim_job_t j{3, 10, 2, 5};
    s.run({pim(0, j.k, j.rows, j.gwrites, j.row)});
    const hbm_pim_stats_t *st = hbm_pim_get_stats(s.h, 0);
    const arch_cfg_t &c = s.cfg;
    double banks = (double)(c.hbm_ranks * c.hbm_bankgroups * c.hbm_banks_per_group);
    // per COMP and bank: 16 FP16 multiplies + 15 adder-tree adds + 1 accumulate
    // (Horowitz 45 nm: 1.1 and 0.4 pJ) = 16 x 1.1 + 16 x 0.4 = 24 pJ
    double comp = (double)c.hbm_pim_mults * c.hbm_pim_fp16_mult_pj + (double)c.hbm_pim_mults * c.hbm_pim_fp16_add_pj;
    EXPECT_NEAR(comp, 24.0, 1e-9);
    EXPECT_NEAR(st->comp_pj, banks * j.rows * j.k * comp, 1e-6);
    double v = c.hbm_vdd, tck = c.hbm_tck_ns, b = (double)c.hbm_burst_length / 2;
    double e_act = v * (c.hbm_idd0 * (double)c.hbm_trc - (c.hbm_idd3n * (double)c.hbm_tras + c.hbm_idd2n * (double)c.hbm_trp)) * tck;
    EXPECT_NEAR(st->act_pj, j.rows * banks * e_act, 1e-6);
    // READRES: one FP16 per bank = 32 x 2 B = one 64 B burst per PIM_GEMV
    EXPECT_NEAR(st->rd_pj, j.rows * std::ceil(banks * 2 / 64) * v * (c.hbm_idd4r - c.hbm_idd3n) * b * tck, 1e-6);
    // GWRITE: 32 WR bursts
    EXPECT_NEAR(st->wr_pj, j.gwrites * (double)c.hbm_pim_gwrite_bursts * v * (c.hbm_idd4w - c.hbm_idd3n) * b * tck, 1e-6);
    hbm_pim_stats_t tot;
    hbm_pim_total(s.h, &tot);
    EXPECT_EQ(tot.comps, (uint64_t)j.rows * j.k);
    EXPECT_EQ(tot.gacts, (uint64_t)j.rows * (uint64_t)banks / 4);
  }
}

TEST(UnitPim, JobsOfOneChannelRunInOrderOthersInParallel) {
  Sim s({"hbm.pim_mode=dual"});
  hbm_pim_job_t j{1, 8, 0, 30};
  coda_err_t e{};
  ASSERT_EQ(hbm_pim_submit(s.h, 0, &j, 7, 0, &e), 0) << e.msg;
  ASSERT_EQ(hbm_pim_submit(s.h, 0, &j, 8, 0, &e), 0) << e.msg;
  ASSERT_EQ(hbm_pim_submit(s.h, 5, &j, 9, 0, &e), 0) << e.msg;
  EXPECT_EQ(hbm_pim_pending(s.h), 3u);
  for (cyc_t t = 0; hbm_pim_pending(s.h); t = hbm_next_cmd(s.h)) hbm_advance(s.h, t);
  ASSERT_EQ(s.pdone.size(), 3u);
  Expect x = expect(s, 0, j);
  for (auto &d : s.pdone) {
    if (d.tag == 7 || d.tag == 9) {
      EXPECT_EQ((int64_t)d.done, x.done) << d.tag;
    }
    EXPECT_EQ(d.ch, d.tag == 9 ? 5u : 0u);
  }
  // the second job of channel 0 starts the cycle after the first's PIM_PRECHARGE
  Expect y = expect(s, x.pre.back() + 1, j, x.pre.back() + P(trp));
  auto second = std::find_if(s.pdone.begin(), s.pdone.end(), [](const PimDone &d) { return d.tag == 8; });
  EXPECT_EQ((int64_t)second->done, y.done);
}

TEST(UnitPim, ModeNoneIsThePlainModelAndRefusesJobs) {
  // with no PIM job, blocked and dual schedule every request exactly as none
  std::vector<std::vector<Cmd>> logs;
  for (auto m : {"hbm.pim_mode=none", "hbm.pim_mode=blocked", "hbm.pim_mode=dual"}) {
    Sim s({m});
    std::vector<Item> v;
    uint64_t x = 12345;
    for (int i = 0; i < 400; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      v.push_back({(cyc_t)(i / 3), false, (x >> 20) % hbm_capacity_bytes(s.h) & ~63ull, (int)(x >> 60 & 1), {}});
    }
    s.run(v);
    logs.push_back(s.cmds);
  }
  for (size_t k = 1; k < logs.size(); k++) {
    ASSERT_EQ(logs[k].size(), logs[0].size());
    for (size_t i = 0; i < logs[0].size(); i++) {
      EXPECT_EQ(logs[k][i].t, logs[0][i].t) << i;
      EXPECT_EQ(logs[k][i].cmd, logs[0][i].cmd) << i;
      EXPECT_EQ(logs[k][i].rule, logs[0][i].rule) << i;
    }
  }
  Sim s({});
  EXPECT_EQ(hbm_pim_mode(s.h), HBM_PIM_NONE);
  hbm_pim_job_t j{1, 8, 1, 0};
  coda_err_t e{};
  EXPECT_EQ(hbm_pim_submit(s.h, 0, &j, 0, 0, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("hbm.pim_mode"), std::string::npos) << e.msg;
}

// ---- errors -----------------------------------------------------------------------------

TEST(ErrorsPim, SubmitRejectsBadJobs) {
  Sim s({"hbm.pim_mode=dual"});
  coda_err_t e{};
  hbm_pim_job_t k0{1, 0, 1, 0}, k33{1, 33, 1, 0}, r0{0, 8, 1, 0}, big{40, 32, 1, 0};
  EXPECT_EQ(hbm_pim_submit(s.h, 0, &k0, 0, 0, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("k=0"), std::string::npos) << e.msg;
  // a 1 KB row holds 1024 / (16 x 2 B) = 32 COMP columns
  EXPECT_EQ(hbm_pim_submit(s.h, 0, &k33, 0, 0, &e), CODA_EINVAL);
  EXPECT_EQ(hbm_pim_submit(s.h, 0, &r0, 0, 0, &e), CODA_EINVAL);
  EXPECT_EQ(hbm_pim_submit(s.h, 32, &k0, 0, 0, &e), CODA_EINVAL);
  // longer than the refresh-free window tREFI / ranks - tRFC - ...: split it
  EXPECT_GT(expect(s, 0, big).est, P(trefi) / P(ranks) - P(trfc));
  EXPECT_EQ(hbm_pim_submit(s.h, 0, &big, 0, 0, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("refresh-free window"), std::string::npos) << e.msg;
  EXPECT_EQ(hbm_pim_pending(s.h), 0u);
}

Result dram(const std::string &args) { return coda_test::run_bin(coda_test::bin(), "dram " + args); }

std::string put(const std::string &name, const std::string &text) {
  std::string p = tmpdir() + "/" + name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

void expect_bad(const std::string &args, const std::string &must) {
  Result r = dram(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("coda: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(must), std::string::npos) << "wanted '" << must << "' in: " << r.err;
}

TEST(ErrorsPim, MalformedPimTraceLinesNameFileAndLine) {
  const std::string dual = " --set hbm.pim_mode=dual";
  expect_bad(put("none.trc", "0x0 READ 0\n0x0 PIM_GEMV 1 k=8\n"), "none.trc:2: PIM_GEMV needs --set hbm.pim_mode");
  expect_bad(put("nok.trc", "0x0 PIM_GEMV 1 rows=2\n") + dual, "nok.trc:1: PIM_GEMV needs k=K");
  expect_bad(put("k0.trc", "0x0 PIM_GEMV 1 k=0\n") + dual, "k0.trc:1: bad k 'k=0'");
  expect_bad(put("kx.trc", "0x0 PIM_GEMV 1 k=x\n") + dual, "kx.trc:1: bad k 'k=x'");
  expect_bad(put("k33.trc", "# c\n0x0 PIM_GEMV 1 k=33\n") + dual, "k33.trc:2: PIM job: k=33, expected 1..32");
  expect_bad(put("opt.trc", "0x0 PIM_GEMV 1 k=4 cols=3\n") + dual, "opt.trc:1: unknown PIM_GEMV option 'cols=3'");
  expect_bad(put("nf.trc", "0x0 PIM_GEMV 1\n") + dual, "nf.trc:1: expected `0xADDR PIM_GEMV CYCLE k=K");
  expect_bad(put("long.trc", "0x0 PIM_GEMV 1 k=32 rows=40\n") + dual, "long.trc:1: PIM job: estimated");
  expect_bad(put("mono.trc", "0x0 PIM_GEMV 5 k=4\n0x0 READ 4\n") + dual, "mono.trc:2: cycle 4 is before");
  expect_bad(put("ok.trc", "0x0 READ 0\n") + " --set hbm.pim_mode=maybe", "hbm.pim_mode");
  expect_bad(put("ok2.trc", "0x0 READ 0\n") + dual + " --set hbm.pim_gact_banks=3", "hbm.pim_gact_banks");
}

TEST(OraclePim, CliRunsPimLinesDualFasterThanBlocked) {
  std::string tr = "0x0 PIM_GEMV 0 k=32 rows=2 gwrites=0\n";
  for (int i = 0; i < 64; i++) {  // channel 0 (the default mapping puts the channel above 16 columns)
    char b[64];
    snprintf(b, sizeof b, "0x%x READ %d\n", (i % 16) * 64 + (i / 16) * (1 << 15), i);
    tr += b;
  }
  std::string t = put("mix.trc", tr);
  int64_t cyc[2];
  for (int blocked = 0; blocked < 2; blocked++) {
    std::string js = tmpdir() + "/pim.json";
    Result r = dram(t + " --set hbm.pim_mode=" + (blocked ? "blocked" : "dual") + " --json " + js);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("PIM commands      1 PIM_HEADER, 0 GWRITE, 16 G_ACT, 2 PIM_GEMV (64 COMPs)"),
              std::string::npos) << r.out;
    json_error_t je;
    json_t *o = json_load_file(js.c_str(), 0, &je);
    ASSERT_NE(o, nullptr) << je.text;
    json_t *p = json_object_get(o, "pim");
    ASSERT_NE(p, nullptr);
    EXPECT_STREQ(json_string_value(json_object_get(p, "mode")), blocked ? "blocked" : "dual");
    EXPECT_EQ(json_integer_value(json_object_get(p, "comps")), 64);
    cyc[blocked] = json_integer_value(json_object_get(o, "cycles"));
    double sum = 0;
    for (const char *k : {"activate_pj", "read_pj", "write_pj", "refresh_pj", "background_pj"})
      sum += json_real_value(json_object_get(json_object_get(o, "energy"), k));
    for (const char *k : {"comp_pj", "activate_pj", "readres_pj", "gwrite_pj"}) sum += json_real_value(json_object_get(p, k));
    EXPECT_NEAR(json_real_value(json_object_get(json_object_get(o, "energy"), "total_pj")), sum, 1e-6 * sum);
    json_decref(o);
  }
  EXPECT_LT(cyc[0], cyc[1]);
  // without PIM lines and mode none, no "pim" key (coda.dram.v1 unchanged)
  std::string js = tmpdir() + "/plain.json";
  ASSERT_EQ(dram(put("plain.trc", "0x0 READ 0\n") + " --json " + js).code, 0);
  json_error_t je;
  json_t *o = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(json_object_get(o, "pim"), nullptr);
  json_decref(o);
}

}  // namespace
