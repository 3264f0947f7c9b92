// hbm_driver.h: the HBM2 model (sim/mem/hbm.h) driven directly from tests:
// requests of any kind enter at their cycle (in order, when their queue has
// room); every command and completion is recorded. Shared by
// tests/dram_test.cc and tests/hbm_update_test.cc.
#ifndef CODA_TEST_HBM_DRIVER_H
#define CODA_TEST_HBM_DRIVER_H

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/shim/dram_shim.h"

namespace coda_test {


struct Cmd {
  cyc_t t;
  hbm_cmd_e cmd;
  uint32_t ch, rank, bg, bank, row;
  std::string rule;
};
struct Done {
  uint64_t id;
  int kind;  // hbm_done_fn's `write`: 0 read, 1 write, 2 update
  cyc_t arrival, done;
};
struct Req {
  uint64_t addr;
  int kind;  // hbm_kind_e: 0 read, 1 write, 2 update
  cyc_t at;  // arrival cycle
};

class Dram {
 public:
  arch_cfg_t cfg{};
  hbm_t *h = nullptr;
  std::vector<Cmd> cmds;
  std::vector<Done> done;
  cyc_t now = 0;      // next cycle not yet advanced
  uint64_t next_id = 0;

  explicit Dram(const std::vector<std::string> &sets = {}) {
    std::vector<arch_set_t> s;
    for (auto &x : sets) s.push_back({x.c_str()});
    coda_err_t e{};
    EXPECT_EQ(arch_cfg_load(&cfg, nullptr, s.data(), (int)s.size(), &e), 0) << e.msg;
    EXPECT_EQ(hbm_init(&h, &cfg, "test", &e), 0) << e.msg;
    hbm_set_cmd_log(h, on_cmd, this);
    hbm_set_done(h, on_done, this);
  }
  ~Dram() { hbm_free(h); }

  uint64_t addr(uint32_t ch, uint32_t rank, uint32_t bg, uint32_t bank, uint32_t row, uint32_t col = 0) const {
    hbm_addr_t a{ch, rank, bg, bank, row, col};
    return hbm_encode(h, &a);
  }
  int64_t burst() const { return (int64_t)cfg.hbm_burst_length / 2; }

  // Runs reqs (sorted by .at) until every one is served; returns the first id.
  uint64_t run(const std::vector<Req> &reqs) {
    uint64_t base = next_id;
    size_t i = 0, n = reqs.size();
    cyc_t t = now;
    if (n && reqs[0].at > t && !hbm_queued(h)) t = reqs[0].at;
    for (int guard = 0; guard < 10000000; guard++) {
      while (i < n && reqs[i].at <= t && hbm_enqueue_kind(h, reqs[i].addr, (hbm_kind_e)reqs[i].kind, t, reqs[i].at, next_id) == 0) {
        i++;
        next_id++;
      }
      hbm_advance(h, t);
      if (i == n && !hbm_queued(h)) break;
      cyc_t nx = hbm_next_cmd(h);
      if (i < n) nx = std::min(nx, std::max(reqs[i].at, t + 1));
      t = nx;
    }
    now = t + 1;
    return base;
  }
  const Done &done_of(uint64_t id) const {
    for (auto &d : done)
      if (d.id == id) return d;
    ADD_FAILURE() << "no completion for id " << id;
    return done.front();
  }
  std::vector<Cmd> of(hbm_cmd_e c, uint32_t ch = UINT32_MAX) const {
    std::vector<Cmd> v;
    for (auto &x : cmds)
      if (x.cmd == c && (ch == UINT32_MAX || x.ch == ch)) v.push_back(x);
    return v;
  }

 private:
  static void on_cmd(void *ctx, cyc_t t, hbm_cmd_e cmd, uint32_t ch, uint32_t rank, uint32_t bg, uint32_t bank,
                     uint32_t row, const char *rule) {
    static_cast<Dram *>(ctx)->cmds.push_back({t, cmd, ch, rank, bg, bank, row, rule});
  }
  static void on_done(void *ctx, uint64_t id, int write, cyc_t arrival, cyc_t d) {
    static_cast<Dram *>(ctx)->done.push_back({id, write, arrival, d});
  }
};

}  // namespace coda_test

#endif
