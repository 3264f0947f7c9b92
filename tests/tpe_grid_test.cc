// tpe_grid_test.cc: the PE-grid TPEs of the HPCA'25 bit-weight paper (issue
// 5): os / ws systolic arrays and the 2D-Matrix, each in the base / opt1 /
// opt2 MAC variants (sim/tpe/tpe_grid.c, rtl/tpe/tpe_grid_*.v, block
// "tpe_grid").
//
// Unit tier: the twin through tpe_grid_gemm() against a plain int64 GEMM
// loop (wrapped to INT32) for every grid x variant x encoding on random
// shapes, and the cycle count against the closed-form formulas (os:
// SCALE-Sim's K + R + C - 2 plus the accumulate and read-out registers; ws
// base: SCALE-Sim's 2R + C + M - 2; matrix: K + 1 + R); one fold long enough
// to wrap the 32-bit accumulators; a single product through each grid with
// the exact cycle it appears (not one cycle earlier), stalls holding the
// registers, reset clearing them; the config checks; the steady-workload
// hook's MAC count against the twin's own count.
// Cosim tier: `coda cosim tpe_grid` on every test set of the registry (the 9
// grid x variant combinations with mbe, one ent set per grid), an injected
// twin bug caught with a named field, lint under verilator -Wall and Yosys
// reading every grid x variant.
// Area tier: `coda area tpe_grid` for base and opt1 at R2 x C2.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tests/shim/test_util.h"
#include "tests/shim/tpe_grid_shim.h"

#include "tests/shim/cli_run.h"
#include "tests/shim/rtl_check.h"

namespace {

using coda_test::next;
using coda_test::Doc;
using coda_test::num;

using coda_test::cfg_of_set;
using coda_test::have;
using coda_test::Result;
using coda_test::root;
using coda_test::tmpdir;


const tpe_grid_e kGrids[] = {TPE_GRID_OS, TPE_GRID_WS, TPE_GRID_MATRIX};
const tpe_variant_e kVariants[] = {TPE_VARIANT_BASE, TPE_VARIANT_OPT1, TPE_VARIANT_OPT2};
const tpe_enc_e kEncs[] = {TPE_ENC_MBE, TPE_ENC_ENT};

std::string name_of(const tpe_grid_cfg_t &c) {
  return std::string(tpe_grid_name(c.grid)) + "/" + tpe_variant_name(c.variant) + "/" + tpe_enc_name(c.enc) + " R" +
         std::to_string(c.rows) + "C" + std::to_string(c.cols);
}

// The cycle formulas of tpe_grid.h, written out from their terms.
uint64_t expected_cycles(const tpe_grid_cfg_t &c, uint64_t t) {
  const uint64_t R = c.rows, C = c.cols;
  switch (c.grid) {
    case TPE_GRID_OS: return (t + R + C - 2) + 1 /* accumulate */ + 1 /* read-out register */;
    case TPE_GRID_WS: return 2 * R + C + t - 2 + (c.variant == TPE_VARIANT_BASE ? 0 : 1 /* bottom CPA register */);
    default: return t + 1 /* accumulate after the broadcast registers */ + R /* read-out */;
  }
}

// One fold through tpe_grid_gemm against a plain loop, and its cycles.
void check_gemm(const tpe_grid_cfg_t &c, uint32_t t, uint64_t *seed, int dist) {
  const uint32_t R = c.rows, C = c.cols;
  const bool ws = c.grid == TPE_GRID_WS;
  // os, matrix: A R x t, B t x C, out R x C; ws: A t x R, B R x C, out t x C
  const uint32_t am = ws ? t : R, ak = ws ? R : t, bn = C;
  std::vector<int8_t> a((size_t)am * ak), b((size_t)ak * bn);
  auto val = [&]() {
    uint64_t r = next(seed);
    if (dist == 2) return (int8_t)-128;
    if (r % 9 == 0) return (int8_t)((r >> 8) & 1 ? 127 : -128);
    return dist ? (int8_t)((int)((r >> 8) % 31) - 15) : (int8_t)(uint8_t)(r >> 8);
  };
  for (auto &x : a) x = val();
  for (auto &x : b) x = val();
  std::vector<int32_t> want((size_t)am * bn), got((size_t)am * bn, 0x5a5a5a5a);
  for (uint32_t m = 0; m < am; m++)
    for (uint32_t n = 0; n < bn; n++) {
      int64_t s = 0;
      for (uint32_t k = 0; k < ak; k++) s += (int64_t)a[(size_t)m * ak + k] * b[(size_t)k * bn + n];
      want[(size_t)m * bn + n] = (int32_t)(uint32_t)(uint64_t)s;  // INT32, wrapping
    }
  uint64_t cycles = 0;
  coda_err_t err{};
  ASSERT_EQ(tpe_grid_gemm(&c, t, a.data(), b.data(), got.data(), &cycles, &err), 0) << err.msg;
  for (size_t i = 0; i < want.size(); i++) ASSERT_EQ(got[i], want[i]) << "t " << t << " element " << i;
  EXPECT_EQ(cycles, expected_cycles(c, t)) << "t " << t;
}

TEST(UnitTpeGrid, GemmMatchesPlainLoopEveryGridVariantEncoding) {
  uint64_t seed = 31;
  for (tpe_grid_e g : kGrids)
    for (tpe_variant_e v : kVariants)
      for (tpe_enc_e e : kEncs)
        for (int trial = 0; trial < 6; trial++) {
          tpe_grid_cfg_t c{g, 1 + (uint32_t)(next(&seed) % 12), 1 + (uint32_t)(next(&seed) % 12), v, e};
          uint32_t t = 1 + (uint32_t)(next(&seed) % 40);
          if (trial == 0) c.rows = c.cols = 1, t = 1;
          if (trial == 1) c.rows = 3, c.cols = 2;
          if (trial == 2) c.rows = 1, c.cols = 9;
          if (trial == 3) c.rows = 16, c.cols = 5, t = 70;
          SCOPED_TRACE(name_of(c));
          check_gemm(c, t, &seed, trial % 2);
          if (HasFatalFailure()) return;
        }
}

// The os cycle count is SCALE-Sim's per-fold count plus the two registers;
// ws base is SCALE-Sim's count exactly (systolic.h, sa_fold_cycles).
TEST(UnitTpeGrid, CyclesAgainstScaleSimFoldFormula) {
  for (uint32_t R : {1u, 4u, 7u})
    for (uint32_t C : {1u, 3u, 8u})
      for (uint32_t t : {1u, 5u, 33u}) {
        tpe_grid_cfg_t os{TPE_GRID_OS, R, C, TPE_VARIANT_OPT1, TPE_ENC_MBE}, ws{TPE_GRID_WS, R, C, TPE_VARIANT_BASE,
                                                                              TPE_ENC_MBE};
        EXPECT_EQ(expected_cycles(os, t), sa_fold_cycles(SA_DF_OS, R, C, t) + 2);
        EXPECT_EQ(expected_cycles(ws, t), sa_fold_cycles(SA_DF_WS, R, C, t));
      }
  // the literal formula once, by hand: K4, R3, C2: 4 + 3 + 2 - 2 = 7, + 2
  tpe_grid_cfg_t c{TPE_GRID_OS, 3, 2, TPE_VARIANT_BASE, TPE_ENC_MBE};
  EXPECT_EQ(expected_cycles(c, 4), 9u);
}

// (-128) x (-128) = 2^14 per product: 2^17 + 8 of them pass 2^31, so the
// INT32 results wrap (os, matrix accumulate over t; ws sums only R).
TEST(UnitTpeGrid, AccumulatorsWrapLikeInt32) {
  uint64_t seed = 5;
  for (tpe_grid_e g : {TPE_GRID_OS, TPE_GRID_MATRIX})
    for (tpe_variant_e v : kVariants) {
      tpe_grid_cfg_t c{g, 1, 2, v, TPE_ENC_ENT};
      SCOPED_TRACE(name_of(c));
      check_gemm(c, (1u << 17) + 8, &seed, 2);
      if (HasFatalFailure()) return;
    }
}

struct Grid {
  std::unique_ptr<tpe_grid_t> g{new tpe_grid_t};
  std::vector<int8_t> a, b;
  std::vector<uint8_t> ctrl;
  explicit Grid(const tpe_grid_cfg_t &c) : a(c.rows, 9), b(c.cols, 9), ctrl(c.rows, 0) {
    coda_err_t err{};
    EXPECT_EQ(tpe_grid_init(g.get(), &c, &err), 0) << err.msg;
  }
  // One clock with the current inputs, then garbage data and no valid.
  const tpe_grid_regs_t *clock(uint8_t ld = 0, uint32_t row = 0) {
    tpe_grid_in_t in{a.data(), ctrl.data(), b.data(), ld, ld, row};
    tpe_grid_eval(g.get(), &in);
    tpe_grid_commit(g.get());
    for (auto &x : a) x = 9;
    for (auto &x : b) x = 9;
    for (auto &x : ctrl) x = 0;
    return tpe_grid_regs(g.get());
  }
};

const uint8_t kVFL = TPE_GRID_CTRL_VALID | TPE_GRID_CTRL_FIRST | TPE_GRID_CTRL_LAST;

// os 2 x 2: one product per PE of row 0 (B skewed by column), then stalls.
TEST(UnitTpeGrid, OsStallsHoldReadOutAndResetClear) {
  for (tpe_variant_e v : kVariants) {
    tpe_grid_cfg_t c{TPE_GRID_OS, 2, 2, v, TPE_ENC_MBE};
    SCOPED_TRACE(name_of(c));
    Grid G(c);
    G.a[0] = 3, G.ctrl[0] = kVFL, G.b[0] = 5;
    const tpe_grid_regs_t *q = G.clock();  // cycle 0: row 0's A, column 0's B enter
    EXPECT_EQ(q->ctrl[0][0], kVFL);
    EXPECT_EQ(q->acc[0][0], 0u) << "the product is added one clock after the operand registers";
    G.b[1] = -7;
    q = G.clock();  // cycle 1: PE (0, 0) accumulates; column 1's B enters
    EXPECT_EQ((int32_t)(q->acc[0][0] + q->carry[0][0]), 15);
    EXPECT_EQ((int32_t)(q->acc[0][1] + q->carry[0][1]), 0) << "PE (0, 1) is one cycle later";
    EXPECT_EQ(q->ctrl[0][1], kVFL);
    for (int i = 0; i < 5; i++) q = G.clock();  // stalls, garbage data
    EXPECT_EQ((int32_t)(q->acc[0][0] + q->carry[0][0]), 15) << "a stall holds the accumulator";
    EXPECT_EQ((int32_t)(q->acc[0][1] + q->carry[0][1]), -21);
    EXPECT_EQ((int32_t)(q->acc[1][0] + q->carry[1][0]), 0) << "row 1 never had a valid A";
    EXPECT_EQ(q->a[0][0], v == TPE_VARIANT_OPT2 ? tpe_grid_digits(TPE_ENC_MBE, 3) : 3u)
        << "a stall holds the A register";
    EXPECT_EQ(q->b[1][0], 9) << "B moves every cycle";
    if (v != TPE_VARIANT_BASE) {
      EXPECT_NE(q->carry[0][0], 0u) << "opt1/opt2 keep a real carry vector";
    }
    EXPECT_EQ(q->res_valid[0], 0);
    q = G.clock(1, 0);  // read row 0
    EXPECT_EQ(q->res_valid[0], 1);
    EXPECT_EQ((int32_t)q->res[0], 15);
    EXPECT_EQ((int32_t)q->res[1], -21);
    q = G.clock(1, 3);  // row 3 does not exist: reads 0
    EXPECT_EQ(q->res[0], 0u);
    q = G.clock();
    EXPECT_EQ(q->res_valid[0], 0);
    EXPECT_EQ(G.g->st.outputs, 2u);
    tpe_grid_reset(G.g.get());
    q = tpe_grid_regs(G.g.get());
    EXPECT_EQ(q->acc[0][1], 0u);
    EXPECT_EQ(q->a[0][0], 0u);
    EXPECT_EQ(q->res[1], 0u);
  }
}

// ws 2 x 1: weights (2, -3) loaded bottom row first, one A row (4, 5)
// skewed, then stalls: the column result 4*2 + 5*(-3) = -7 leaves the
// bottom exactly once, at the formula's cycle.
TEST(UnitTpeGrid, WsOneResultAtItsCycleStallsHold) {
  for (tpe_variant_e v : kVariants) {
    tpe_grid_cfg_t c{TPE_GRID_WS, 2, 1, v, TPE_ENC_ENT};
    SCOPED_TRACE(name_of(c));
    Grid G(c);
    G.b[0] = -3;
    G.clock(1);  // cycle 0: w[0] = -3
    G.b[0] = 2, G.a[0] = 4, G.ctrl[0] = TPE_GRID_CTRL_VALID;
    const tpe_grid_regs_t *q = G.clock(1);  // cycle 1 = R-1: w[0] = 2, w[1] = -3; row 0's A enters
    EXPECT_EQ(q->b[0][0], 2);
    EXPECT_EQ(q->b[1][0], -3);
    G.a[1] = 5, G.ctrl[1] = TPE_GRID_CTRL_VALID;
    // the result is registered after 2R + C + M - 2 clocks (+1 opt): clock
    // index 3 (base) or 4; nothing valid at the bottom before
    const int at = (int)expected_cycles(c, 1) - 1;
    int seen = 0;
    for (int cyc = 2; cyc < 12; cyc++) {
      q = G.clock();
      const bool valid = v == TPE_VARIANT_BASE ? q->psv[1][0] : q->res_valid[0];
      const int32_t res = v == TPE_VARIANT_BASE ? (int32_t)q->acc[1][0] : (int32_t)q->res[0];
      EXPECT_EQ(valid, cyc == at) << "cycle " << cyc;
      if (valid) {
        EXPECT_EQ(res, -7);
        seen++;
      }
    }
    EXPECT_EQ(seen, 1);
    EXPECT_EQ(q->b[0][0], 2) << "weights hold without wload";
    EXPECT_EQ(q->b[1][0], -3);
    EXPECT_EQ(G.g->st.outputs, 1u);
    EXPECT_EQ(G.g->st.macs, 2u);
    tpe_grid_reset(G.g.get());
    EXPECT_EQ(tpe_grid_regs(G.g.get())->b[1][0], 0);
  }
}

// matrix 2 x 2: one beat reaches all four PEs in the same cycle.
TEST(UnitTpeGrid, MatrixBroadcastsToEveryPe) {
  for (tpe_variant_e v : kVariants) {
    tpe_grid_cfg_t c{TPE_GRID_MATRIX, 2, 2, v, TPE_ENC_MBE};
    SCOPED_TRACE(name_of(c));
    Grid G(c);
    G.a = {-128, 7};
    G.ctrl = {kVFL, kVFL};
    G.b = {127, -2};
    G.clock();
    const tpe_grid_regs_t *q = G.clock();
    EXPECT_EQ((int32_t)(q->acc[0][0] + q->carry[0][0]), -16256);
    EXPECT_EQ((int32_t)(q->acc[0][1] + q->carry[0][1]), 256);
    EXPECT_EQ((int32_t)(q->acc[1][0] + q->carry[1][0]), 889);
    EXPECT_EQ((int32_t)(q->acc[1][1] + q->carry[1][1]), -14);
    q = G.clock(1, 1);
    EXPECT_EQ((int32_t)q->res[0], 889);
    EXPECT_EQ((int32_t)q->res[1], -14);
  }
}

TEST(UnitTpeGrid, ConfigFromParamsAndChecks) {
  arch_cfg_t cfg;
  std::vector<arch_set_t> sets = {{"tpe.grid=ws"}, {"tpe.rows=5"}, {"tpe.cols=7"}, {"tpe.variant=opt2"},
                                  {"tpe.encoding=ent"}};
  coda_err_t e{};
  ASSERT_EQ(arch_cfg_load(&cfg, nullptr, sets.data(), (int)sets.size(), &e), 0) << e.msg;
  tpe_grid_cfg_t c = tpe_grid_cfg_of(&cfg);
  EXPECT_EQ(c.grid, TPE_GRID_WS);
  EXPECT_EQ(c.rows, 5u);
  EXPECT_EQ(c.cols, 7u);
  EXPECT_EQ(c.variant, TPE_VARIANT_OPT2);
  EXPECT_EQ(c.enc, TPE_ENC_ENT);
  EXPECT_EQ(tpe_grid_row_bits(1), 1u);
  EXPECT_EQ(tpe_grid_row_bits(5), 3u);
  EXPECT_EQ(tpe_grid_row_bits(64), 6u);
  std::unique_ptr<tpe_grid_t> g(new tpe_grid_t);
  struct Bad {
    tpe_grid_cfg_t c;
    const char *key;
  } bad[] = {{{TPE_GRID_OS, 0, 4, TPE_VARIANT_BASE, TPE_ENC_MBE}, "tpe.rows=0"},
             {{TPE_GRID_OS, 4, TPE_GRID_MAX + 1, TPE_VARIANT_BASE, TPE_ENC_MBE}, "tpe.cols=65"},
             {{(tpe_grid_e)3, 4, 4, TPE_VARIANT_BASE, TPE_ENC_MBE}, "tpe.grid=3"},
             {{TPE_GRID_WS, 4, 4, (tpe_variant_e)3, TPE_ENC_MBE}, "tpe.variant=3"},
             {{TPE_GRID_WS, 4, 4, TPE_VARIANT_OPT1, (tpe_enc_e)2}, "tpe.encoding=2"}};
  for (const Bad &b : bad) {
    e = coda_err_t{};
    EXPECT_EQ(tpe_grid_init(g.get(), &b.c, &e), CODA_EINVAL) << b.key;
    EXPECT_NE(std::string(e.msg).find(b.key), std::string::npos) << e.msg;
  }
  tpe_grid_cfg_t ok{TPE_GRID_OS, 2, 2, TPE_VARIANT_BASE, TPE_ENC_MBE};
  int8_t x[4] = {0};
  int32_t out[4];
  uint64_t cyc;
  EXPECT_EQ(tpe_grid_gemm(&ok, 0, x, x, out, &cyc, &e), CODA_EINVAL);
}

// ---- the co-simulation block ----------------------------------------------------------

const cosim_block_t *tpe_grid() { return cosim_find("tpe_grid"); }

// The steady workload streams beats: R*C MACs per valid beat, which the twin
// then really performs (up to the products still in flight), and os/matrix
// read a row every cycle.
TEST(UnitTpeGrid, WorkloadHookStreamsGemmBeats) {
  const cosim_block_t *b = tpe_grid();
  ASSERT_NE(b, nullptr);
  ASSERT_NE(b->workload, nullptr);
  for (const char *g : {"os", "ws", "matrix"}) {
    std::string set = std::string("--set tpe.grid=") + g + " --set tpe.rows=4 --set tpe.cols=3 --set tpe.variant=opt1";
    SCOPED_TRACE(set);
    arch_cfg_t c = cfg_of_set(set.c_str());
    uint32_t ib = 0, ob = 0;
    coda_err_t e{};
    ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
    void *tw = b->create(&c, 3);
    ASSERT_NE(tw, nullptr);
    std::vector<uint64_t> in((ib + 63) / 64), out((ob + 63) / 64);
    cosim_workload_t w{0.75, COSIM_DIST_NORMAL, 20.0};
    double macs = 0;
    int beats = 0, stalls = 0;
    const int n = 3000;
    for (int cyc = 0; cyc < n; cyc++) {
      double m = b->workload(tw, (uint64_t)cyc, &w, in.data());
      EXPECT_TRUE(m == 0.0 || m == 12.0) << m;
      beats += m > 0, stalls += m == 0;
      macs += m;
      EXPECT_EQ(b->in_reset(tw), 0);
      b->step(tw, in.data(), out.data());
    }
    const tpe_grid_t *twin = (const tpe_grid_t *)tw;  // the twin is the block's first member
    EXPECT_GT(beats, n / 2);
    EXPECT_GT(stalls, n / 8);
    EXPECT_LE((double)twin->st.macs, macs);
    EXPECT_GE((double)twin->st.macs, macs - 12.0 * (4 + 3 + 2)) << "products in flight at most";
    if (strcmp(g, "ws")) {
      EXPECT_EQ(twin->st.outputs, (uint64_t)n) << "a row read out every cycle";
    } else {
      EXPECT_GT(twin->st.outputs, (uint64_t)beats * 3 - 40) << "every beat's 3 column results leave";
    }
    b->destroy(tw);
  }
}

TEST(UnitCosimTpeGrid, FieldsTileTheBusesExactly) {
  const cosim_block_t *b = tpe_grid();
  ASSERT_NE(b, nullptr);
  int sets = 0;
  for (const char *const *s = b->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    uint32_t ib = 0, ob = 0;
    coda_err_t e{};
    ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
    void *tw = b->create(&c, 1);
    ASSERT_NE(tw, nullptr);
    std::vector<cosim_field_t> f(COSIM_MAX_FIELDS);
    int n = b->out_fields(tw, f.data(), COSIM_MAX_FIELDS);
    uint32_t at = 0;
    bool carry_seen = false;
    for (int i = 0; i < n; i++) {
      EXPECT_EQ(f[i].lsb, at) << f[i].name;
      at += f[i].width;
      carry_seen |= !strncmp(f[i].name, "carry[", 6);
    }
    EXPECT_EQ(at, ob);
    EXPECT_EQ(carry_seen, strstr(*s, "base") == nullptr) << "opt1/opt2 compare their carry-save registers";
    // R3 x C2, by hand: os opt1 = res 2x32 + 1, a 6x8, ctrl 6x3, b 6x8, sum/carry 6x64
    if (strstr(*s, "grid=os") && strstr(*s, "opt1")) {
      EXPECT_EQ(ob, 65u + 48 + 18 + 48 + 384);
    }
    n = b->in_fields(tw, f.data(), COSIM_MAX_FIELDS);
    at = 0;
    for (int i = 0; i < n; i++) at += f[i].width;
    EXPECT_EQ(at, ib);
    b->destroy(tw);
  }
  EXPECT_EQ(sets, 12);
  arch_cfg_t big = cfg_of_set("--set tpe.rows=64 --set tpe.cols=64");
  uint32_t ib, ob;
  coda_err_t e{};
  EXPECT_EQ(b->shape(&big, &ib, &ob, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("tpe.rows"), std::string::npos) << e.msg;
}

Result run(const std::string &args) { return coda_test::run_bin(coda_test::bin(), args); }

#define NEED_COSIM()                                                                              \
  do {                                                                                            \
    if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)"; \
  } while (0)

TEST(CosimTpeGrid, EveryGridVariantZeroMismatches) {
  NEED_COSIM();
  int sets = 0;
  bool seen[3][3] = {}, ent[3] = {};
  for (const char *const *s = tpe_grid()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    seen[c.tpe_grid][c.tpe_variant] = true;
    if (c.tpe_encoding == 1) ent[c.tpe_grid] = true;
    Result r = run(std::string("cosim tpe_grid ") + *s + " --cycles 20000 --seed " + std::to_string(sets + 11));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 20000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    size_t at = r.out.find("transactions: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::strtoull(r.out.c_str() + at + 14, nullptr, 10), 5000u) << "rows read out / column results";
  }
  for (int g = 0; g < 3; g++) {
    EXPECT_TRUE(ent[g]) << "grid " << g << " has an ent set";
    for (int v = 0; v < 3; v++) EXPECT_TRUE(seen[g][v]) << "grid " << g << " variant " << v << " has a test set";
  }
}

TEST(CosimTpeGrid, InjectedBugIsCaught) {
  NEED_COSIM();
  for (const char *v : {"opt1", "base"}) {
    std::string set = std::string("--set tpe.grid=os --set tpe.rows=3 --set tpe.cols=2 --set tpe.variant=") + v;
    Result r = run("cosim tpe_grid " + set + " --cycles 2000 --inject-bug carry");
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("FIRST DIVERGENCE at cycle "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(strcmp(v, "base") ? "  field carry[0][0]" : "  field acc[0][0]"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 mismatch"), std::string::npos) << r.out;
  }
  Result r = run("cosim tpe_grid --set tpe.rows=65 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("tpe.rows"), std::string::npos) << r.err;
  r = run("cosim tpe_grid --set tpe.rows=64 --set tpe.cols=64 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("tpe.rows"), std::string::npos) << r.err;
}

TEST(CosimRtl, TpeGridLintCleanAndYosysReadsEveryVariant) {
  NEED_COSIM();
  std::vector<std::string> sets;
  for (const char *const *s = tpe_grid()->test_sets; *s; s++) sets.push_back(*s);
  for (const char *g : {"os", "ws", "matrix"}) {
    sets.push_back(std::string("--set tpe.grid=") + g + " --set tpe.rows=1 --set tpe.cols=1 --set tpe.variant=opt2");
    sets.push_back(std::string("--set tpe.grid=") + g + " --set tpe.rows=5 --set tpe.cols=4 --set tpe.variant=base");
  }
  coda_test::expect_rtl_clean(tpe_grid(), sets, "tpe_grid_core", "proc; opt -fast");
}

// ---- `coda area tpe_grid` ---------------------------------------------------------------

long long instances(const json_t *doc, const char *group) {
  const json_t *g = json_object_get(doc, "by_submodule");
  for (size_t i = 0; i < json_array_size(g); i++) {
    const json_t *e = json_array_get(g, i);
    const char *n = json_string_value(json_object_get(e, "group"));
    if (n && !strcmp(n, group)) return json_integer_value(json_object_get(e, "instances"));
  }
  return 0;
}

TEST(AreaTpeGrid, BaseVsOpt1SmallPrintsAreaAndFmax) {
  SKIP_WITHOUT_AREA_FLOW();
  const char *variants[2] = {"base", "opt1"};
  for (int i = 0; i < 2; i++) {
    std::string js = tmpdir() + "/tpe_grid_area_" + variants[i] + ".json";
    Result r = run(std::string("area tpe_grid --set tpe.grid=os --set tpe.rows=2 --set tpe.cols=2 --set tpe.variant=") +
                   variants[i] + " --cache " + tmpdir() + "/tpe_grid_area_cache --json " + js);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("tpe_grid"), std::string::npos) << r.out;
    Doc d;
    json_error_t je;
    d.j = json_load_file(js.c_str(), 0, &je);
    ASSERT_NE(d.j, nullptr) << je.text;
    double area = num(d.j, "area_um2"), fmax = num(json_object_get(d.j, "timing"), "fmax_mhz");
    EXPECT_GT(area, 0);
    EXPECT_GT(fmax, 0);
    printf("[ tpe_grid area ] os R2 C2 %s mbe: %.0f um2, fmax %.1f MHz\n", variants[i], area, fmax);
    // the RTL's structure: base has one multiplier (with its CPA) per PE and
    // no read-out CPA; opt1 no multiplier, an encoder and two carry-save trees
    // (beat, accumulation) per PE and one read-out CPA per column
    if (i == 0) {
      EXPECT_EQ(instances(d.j, "multipliers"), 4);
      EXPECT_EQ(instances(d.j, "read-out CPAs"), 0);
    } else {
      EXPECT_EQ(instances(d.j, "multipliers"), 0);
      EXPECT_EQ(instances(d.j, "encoders"), 4);
      EXPECT_EQ(instances(d.j, "carry-save trees"), 8);
      EXPECT_EQ(instances(d.j, "read-out CPAs"), 2);
    }
  }
}

}  // namespace
