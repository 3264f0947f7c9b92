// pim_bank_test.cc: one HBM2 bank's PIM unit, NeuPIMs / Newton-style
// (sim/pim/pim_bank.c, sim/pim/pim_fp.c, rtl/pim/*.v, block "pim_bank").
//
// Unit tier: the binary32 adder against the C float type (IEEE 754
// binary32, round to nearest even, no flush: an independent implementation
// of the same rounding) on random and special vectors, plus hand-worked
// cases; the binary16 multiplier against double products (exact) and
// hand-worked cases; GEMVs driven through the command interface against a
// float reference in the same summation order (bit-exact) and a double
// reference within the rounding-error bound gamma_n * sum |a b| (n = 4 tree
// levels + C accumulations, u = 2^-24; Higham, Accuracy and Stability of
// Numerical Algorithms, 2nd ed., §4.2); the row-buffer rules of both modes
// command by command; the COMP pipeline's exact cycles and the READRES
// split; reset; the config checks.
// Cosim tier: `coda cosim pim_bank` on every test set of the registry, an
// injected accumulator bug caught with the field named, lint under
// verilator -Wall and Yosys reading the RTL.
// Area tier: `coda area pim_bank` at 2 rows x 2 columns (the shared area cache).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tests/shim/test_util.h"
#include "tests/shim/pim_bank_shim.h"

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


uint32_t bits_of(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
float float_of(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
// The reference's NaNs mapped to the canonical one (pim_fp.h).
uint32_t canon(float f) { return std::isnan(f) ? 0x7fc00000u : bits_of(f); }

// Random binary32 operands: raw bits, exponents near 127, subnormal and
// tiny, near overflow (with the sign and fraction random).
uint32_t any32(uint64_t *s) {
  uint64_t r = next(s);
  uint32_t u = (uint32_t)r, sf = u & 0x807fffffu;
  switch ((r >> 32) % 4) {
    case 0: return u;
    case 1: return sf | (uint32_t)(120 + (r >> 40) % 16) << 23;
    case 2: return sf | (uint32_t)((r >> 40) % 4) << 23;
    default: return sf | (uint32_t)(251 + (r >> 40) % 5) << 23;
  }
}

TEST(UnitPimBank, Fp32AddHandWorkedCases) {
  struct {
    uint32_t a, b, want;
    const char *why;
  } cases[] = {
      {0x3f800000, 0x3f800000, 0x40000000, "1 + 1 = 2"},
      {0x3f800000, 0x33800000, 0x3f800000, "1 + 2^-24: a tie, to the even 1"},
      {0x3f800001, 0x33800000, 0x3f800002, "(1 + 2^-23) + 2^-24: a tie, to the even 1 + 2^-22"},
      {0x3f800000, 0x34400000, 0x3f800002, "1 + 1.5 * 2^-23: above the tie, up"},
      {0x3f800000, 0xbf800000, 0x00000000, "1 + (-1) = +0"},
      {0x80000000, 0x80000000, 0x80000000, "-0 + -0 = -0"},
      {0x00000000, 0x80000000, 0x00000000, "+0 + -0 = +0"},
      {0x7f7fffff, 0x7f7fffff, 0x7f800000, "max + max overflows to +inf"},
      {0xff7fffff, 0xff7fffff, 0xff800000, "-max + -max overflows to -inf"},
      {0x7f800000, 0xff800000, 0x7fc00000, "inf + -inf = canonical NaN"},
      {0xff800000, 0x7f7fffff, 0xff800000, "-inf + max = -inf"},
      {0x7f800001, 0x3f800000, 0x7fc00000, "signalling NaN in: canonical NaN"},
      {0xffc00000, 0x00000000, 0x7fc00000, "negative NaN in: canonical (positive) NaN"},
      {0x00000001, 0x00000001, 0x00000002, "subnormal + subnormal"},
      {0x007fffff, 0x00000001, 0x00800000, "largest subnormal + min subnormal = min normal"},
      {0x00800000, 0x80000001, 0x007fffff, "min normal - min subnormal = largest subnormal"},
      {0x4b800000, 0x3f800000, 0x4b800000, "2^24 + 1: a tie, to the even 2^24"},
      {0x4b800000, 0x40400000, 0x4b800002, "2^24 + 3: a tie, to the even 2^24 + 4"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(pim_fp32_add(c.a, c.b), c.want) << c.why;
    EXPECT_EQ(pim_fp32_add(c.b, c.a), c.want) << c.why << " (swapped)";
  }
}

TEST(UnitPimBank, Fp32AddMatchesIeeeFloatOnRandomVectors) {
  uint64_t s = 11;
  long bad = 0;
  for (int i = 0; i < 3000000; i++) {
    uint32_t a = any32(&s), b = any32(&s);
    uint64_t r = next(&s);
    if (r % 4 == 0) b = (a ^ 0x80000000u) + (uint32_t)(r >> 8) % 5 - 2;  // near-cancellation
    if (r % 4 == 1) b = (a & 0xff800000u) | (b & 0x007fffffu);           // same exponent
    const uint32_t want = canon(float_of(a) + float_of(b)), got = pim_fp32_add(a, b);
    if (got != want && bad++ < 5) ADD_FAILURE() << std::hex << a << " + " << b << ": " << got << " want " << want;
  }
  EXPECT_EQ(bad, 0);
}

TEST(UnitPimBank, Fp16MulHandWorkedCases) {
  struct {
    uint16_t a, b;
    uint32_t want;
    const char *why;
  } cases[] = {
      {0x3c00, 0x3c00, 0x3f800000, "1 x 1"},
      {0x3c00, 0xc000, 0xc0000000, "1 x -2"},
      // 65504^2 = 2^32 - 2^22 + 2^10 = 2^31 x (1 + (2^23 - 2^14 + 2^2) / 2^23)
      {0x7bff, 0x7bff, 0x4f7fc004, "max normal squared, exact"},
      {0x0001, 0x0001, 0x27800000, "2^-24 x 2^-24 = 2^-48 (exponent field 79), exact"},
      {0x03ff, 0x3c00, 0x387fc000, "largest subnormal 1023 x 2^-24 = 1.111111111b x 2^-15 (9 fraction ones), times 1"},
      {0x7c00, 0x0000, 0x7fc00000, "inf x 0 = canonical NaN"},
      {0xfc00, 0x3c00, 0xff800000, "-inf x 1 = -inf"},
      {0x8000, 0x3c00, 0x80000000, "-0 x 1 = -0"},
      {0x8000, 0x8000, 0x00000000, "-0 x -0 = +0"},
      {0x7e00, 0x3c00, 0x7fc00000, "quiet NaN in: canonical NaN"},
      {0xfc01, 0x0000, 0x7fc00000, "negative signalling NaN in: canonical NaN"},
  };
  for (const auto &c : cases) {
    EXPECT_EQ(pim_fp16_mul(c.a, c.b), c.want) << c.why;
    EXPECT_EQ(pim_fp16_mul(c.b, c.a), c.want) << c.why << " (swapped)";
  }
}

TEST(UnitPimBank, Fp16MulIsTheExactProductOnRandomVectors) {
  uint64_t s = 5;
  long bad = 0, inexact = 0;
  for (int i = 0; i < 3000000; i++) {
    uint64_t r = next(&s);
    const uint16_t a = (uint16_t)r, b = (uint16_t)(r >> 16);
    const double p = (double)fp_f16_to_f32(a) * (double)fp_f16_to_f32(b);  // exact in double (11 + 11 bits)
    if (!std::isnan(p) && !std::isinf(p) && (double)(float)p != p) inexact++;
    const uint32_t want = canon((float)p), got = pim_fp16_mul(a, b);
    if (got != want && bad++ < 5) ADD_FAILURE() << std::hex << a << " x " << b << ": " << got << " want " << want;
  }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(inexact, 0) << "every binary16 product fits binary32";
}

// ---- the bank, command by command ------------------------------------------------------

struct Bank {
  std::unique_ptr<pim_bank_t> t{new pim_bank_t};
  Bank(uint32_t rows, uint32_t cols, pim_bank_mode_e mode) {
    pim_bank_cfg_t c{rows, cols, mode};
    coda_err_t e{};
    EXPECT_EQ(pim_bank_init(t.get(), &c, &e), 0) << e.msg;
  }
  // One clock with this command; returns the flag eval gave.
  int cmd(uint32_t op, uint32_t row = 0, uint32_t col = 0, const uint16_t *data = nullptr) {
    pim_bank_in_t in{};
    in.cmd = (uint8_t)op;
    in.row = row;
    in.col = col;
    if (data) memcpy(in.data, data, sizeof in.data);
    int bad = pim_bank_eval(t.get(), &in);
    pim_bank_commit(t.get());
    return bad;
  }
  const pim_bank_regs_t &q() const { return *pim_bank_regs(t.get()); }
};

// A moderate binary16 value: |x| in 2^-5 .. 2^7, random sign and fraction.
uint16_t moderate16(uint64_t *s) {
  uint64_t r = next(s);
  return (uint16_t)((r & 0x83ffu) | (uint16_t)((10 + (r >> 16) % 12) << 10));
}

void gemv_check(uint32_t R, uint32_t C, pim_bank_mode_e mode, uint64_t seed) {
  SCOPED_TRACE("R" + std::to_string(R) + " C" + std::to_string(C) + (mode == PIM_BANK_DUAL ? " dual" : " single"));
  Bank b(R, C, mode);
  uint64_t s = seed;
  std::vector<uint16_t> w((size_t)R * C * 16), x((size_t)C * 16);
  for (auto &v : w) v = moderate16(&s);
  for (auto &v : x) v = moderate16(&s);
  for (uint32_t r = 0; r < R; r++) {
    ASSERT_EQ(b.cmd(PIM_BANK_CMD_ACT, r), 0);
    for (uint32_t c = 0; c < C; c++) ASSERT_EQ(b.cmd(PIM_BANK_CMD_WR, 0, c, &w[((size_t)r * C + c) * 16]), 0);
    ASSERT_EQ(b.cmd(PIM_BANK_CMD_PRE), 0);
  }
  for (uint32_t c = 0; c < C; c++) ASSERT_EQ(b.cmd(PIM_BANK_CMD_GWRITE, 0, c, &x[(size_t)c * 16]), 0);
  const double u = std::ldexp(1.0, -24), n = 4.0 + C, gamma = n * u / (1 - n * u);
  int differs_from_double = 0;
  for (uint32_t r = 0; r < R; r++) {
    ASSERT_EQ(b.cmd(PIM_BANK_CMD_G_ACT, r), 0);
    for (uint32_t c = 0; c < C; c++) ASSERT_EQ(b.cmd(PIM_BANK_CMD_COMP, 0, c), 0);
    b.cmd(PIM_BANK_CMD_NOP);
    b.cmd(PIM_BANK_CMD_NOP);
    ASSERT_EQ(b.cmd(PIM_BANK_CMD_READRES), 0);
    ASSERT_EQ(b.q().res_valid, 1);
    const uint32_t got = b.q().res;
    ASSERT_EQ(b.cmd(PIM_BANK_CMD_PIM_PRE), 0);
    // float reference in the datapath's order: exact products, pairwise tree, sequential accumulator
    float acc = 0.0f;
    double exact = 0, mag = 0;
    for (uint32_t c = 0; c < C; c++) {
      float v[16];
      for (int i = 0; i < 16; i++) {
        const double p = (double)fp_f16_to_f32(w[((size_t)r * C + c) * 16 + i]) * fp_f16_to_f32(x[(size_t)c * 16 + i]);
        v[i] = (float)p;
        exact += p;
        mag += std::fabs(p);
      }
      for (int k = 16; k > 1; k /= 2)
        for (int i = 0; i < k / 2; i++) v[i] = v[2 * i] + v[2 * i + 1];
      acc = acc + v[0];
    }
    EXPECT_EQ(got, bits_of(acc)) << "row " << r;
    EXPECT_LE(std::fabs((double)float_of(got) - exact), gamma * mag) << "row " << r;
    differs_from_double += (double)float_of(got) != exact;
  }
  EXPECT_GT(differs_from_double, 0) << "the FP32 rounding shows somewhere (else the bound test is vacuous)";
}

TEST(UnitPimBank, GemvMatchesFloatReferenceBitExactAndDoubleWithinBound) {
  gemv_check(8, 8, PIM_BANK_DUAL, 1);
  gemv_check(8, 8, PIM_BANK_SINGLE, 2);
  gemv_check(16, 32, PIM_BANK_DUAL, 3);
  gemv_check(64, 32, PIM_BANK_SINGLE, 4);
}

TEST(UnitPimBank, RowBufferRulesSingleVsDual) {
  // {command, row, flagged in single mode, flagged in dual mode}, worked out by hand (pim_bank.h rules)
  struct Step {
    uint32_t op, row;
    int bad_single, bad_dual;
  } steps[] = {
      {PIM_BANK_CMD_ACT, 3, 0, 0},      // normal row 3 open
      {PIM_BANK_CMD_G_ACT, 2, 1, 0},    // single: normal open; dual: PIM row 2 open
      {PIM_BANK_CMD_ACT, 1, 1, 1},      // normal already open
      {PIM_BANK_CMD_RD, 0, 0, 0},       // normal open
      {PIM_BANK_CMD_COMP, 0, 1, 0},     // single: no PIM row; dual: PIM row 2
      {PIM_BANK_CMD_PRE, 0, 0, 0},      // normal closed
      {PIM_BANK_CMD_RD, 0, 1, 1},       // no normal row
      {PIM_BANK_CMD_WR, 0, 1, 1},
      {PIM_BANK_CMD_G_ACT, 5, 0, 1},    // single: PIM row 5; dual: PIM row 2 already open
      {PIM_BANK_CMD_ACT, 6, 1, 0},      // single: PIM open; dual: normal row 6
      {PIM_BANK_CMD_COMP, 0, 0, 0},
      {PIM_BANK_CMD_GWRITE, 0, 0, 0},   // always legal
      {PIM_BANK_CMD_READRES, 0, 0, 0},  // always legal
      {PIM_BANK_CMD_PIM_PRE, 0, 0, 0},
      {PIM_BANK_CMD_PIM_PRE, 0, 0, 0},  // closing a closed row is a no-op
      {PIM_BANK_CMD_COMP, 0, 1, 1},     // no PIM row
      {10, 0, 1, 1},                    // undefined opcodes
      {15, 0, 1, 1},
      {PIM_BANK_CMD_NOP, 0, 0, 0},
  };
  for (pim_bank_mode_e mode : {PIM_BANK_SINGLE, PIM_BANK_DUAL}) {
    Bank b(8, 4, mode);
    int i = 0;
    for (const Step &st : steps) {
      SCOPED_TRACE("step " + std::to_string(i++) + (mode == PIM_BANK_DUAL ? " dual" : " single"));
      const int want = mode == PIM_BANK_DUAL ? st.bad_dual : st.bad_single;
      EXPECT_EQ(b.cmd(st.op, st.row, 1), want);
      EXPECT_EQ(b.q().err, want) << "err_q is the previous cycle's flag";
    }
    EXPECT_EQ(b.q().err, 0);
    if (mode == PIM_BANK_SINGLE) {
      EXPECT_EQ(b.t->st.errors, 9u);
      EXPECT_EQ(b.q().nopen, 0);  // ACT 6 was refused
    } else {
      EXPECT_EQ(b.t->st.errors, 7u);
      EXPECT_EQ(b.q().nopen, 1);
      EXPECT_EQ(b.q().nrow, 6u);
    }
    EXPECT_EQ(b.q().popen, 0);
  }
  // a refused command changes nothing: single, G_ACT with the normal row open
  Bank b(8, 4, PIM_BANK_SINGLE);
  b.cmd(PIM_BANK_CMD_ACT, 7);
  pim_bank_regs_t before = b.q();
  EXPECT_EQ(b.cmd(PIM_BANK_CMD_G_ACT, 3), 1);
  EXPECT_EQ(b.q().popen, before.popen);
  EXPECT_EQ(b.q().prow, before.prow);
  EXPECT_EQ(b.q().nrow, 7u);
}

TEST(UnitPimBank, CompPipelineCyclesAndReadresSplit) {
  Bank b(4, 4, PIM_BANK_DUAL);
  uint16_t ones[16], twos[16];
  for (int i = 0; i < 16; i++) ones[i] = 0x3c00, twos[i] = 0x4000;  // 1.0, 2.0
  b.cmd(PIM_BANK_CMD_ACT, 1);
  b.cmd(PIM_BANK_CMD_WR, 0, 2, ones);
  b.cmd(PIM_BANK_CMD_RD, 0, 2);
  EXPECT_EQ(b.q().rd_valid, 1);
  EXPECT_EQ(b.q().rdata[15], 0x3c00) << "RD returns what WR wrote";
  b.cmd(PIM_BANK_CMD_GWRITE, 0, 2, twos);
  b.cmd(PIM_BANK_CMD_G_ACT, 1);
  EXPECT_EQ(b.q().rd_valid, 0);
  // COMP in cycle t: products after t, tree sum after t+1, accumulator after t+2
  b.cmd(PIM_BANK_CMD_COMP, 0, 2);
  EXPECT_EQ(b.q().v1, 1);
  EXPECT_EQ(b.q().prod[0], 0x40000000u);  // 2.0
  EXPECT_EQ(b.q().acc, 0u);
  b.cmd(PIM_BANK_CMD_NOP);
  EXPECT_EQ(b.q().v2, 1);
  EXPECT_EQ(b.q().sum, 0x42000000u);  // 16 x 2.0 = 32.0
  EXPECT_EQ(b.q().acc, 0u) << "not yet at t+1";
  b.cmd(PIM_BANK_CMD_NOP);
  EXPECT_EQ(b.q().acc, 0x42000000u) << "in the accumulator after t+2";
  // READRES one cycle after a COMP: that COMP goes into the next result
  b.cmd(PIM_BANK_CMD_COMP, 0, 2);
  b.cmd(PIM_BANK_CMD_READRES);
  EXPECT_EQ(b.q().res_valid, 1);
  EXPECT_EQ(b.q().res, 0x42000000u) << "32.0: the first COMP only";
  EXPECT_EQ(b.q().acc, 0u);
  b.cmd(PIM_BANK_CMD_NOP);
  EXPECT_EQ(b.q().res_valid, 0);
  EXPECT_EQ(b.q().acc, 0x42000000u) << "the second COMP, in the fresh accumulator";
  // READRES two cycles after a COMP includes it (the addition at the same clock)
  b.cmd(PIM_BANK_CMD_COMP, 0, 2);
  b.cmd(PIM_BANK_CMD_NOP);
  b.cmd(PIM_BANK_CMD_READRES);
  EXPECT_EQ(b.q().res, 0x42800000u) << "64.0";
  EXPECT_EQ(b.q().acc, 0u);
  EXPECT_EQ(b.t->st.comps, 3u);
  EXPECT_EQ(b.t->st.results, 2u);
}

TEST(UnitPimBank, ResetClearsRegistersAndStorage) {
  Bank b(4, 4, PIM_BANK_DUAL);
  uint16_t d[16];
  for (int i = 0; i < 16; i++) d[i] = (uint16_t)(0x3c00 + i);
  b.cmd(PIM_BANK_CMD_ACT, 3);
  b.cmd(PIM_BANK_CMD_WR, 0, 3, d);
  b.cmd(PIM_BANK_CMD_GWRITE, 0, 1, d);
  b.cmd(PIM_BANK_CMD_G_ACT, 3);
  b.cmd(PIM_BANK_CMD_RD, 0, 3);
  b.cmd(PIM_BANK_CMD_COMP, 0, 3);
  EXPECT_EQ(b.q().v1, 1);
  EXPECT_EQ(b.q().rdata[1], 0x3c01);
  pim_bank_reset(b.t.get());
  const pim_bank_regs_t zero{};
  EXPECT_EQ(memcmp(&b.q(), &zero, sizeof zero), 0);
  for (size_t i = 0; i < sizeof b.t->bank / sizeof b.t->bank[0]; i++) ASSERT_EQ(b.t->bank[i], 0) << i;
  for (size_t i = 0; i < sizeof b.t->gbuf / sizeof b.t->gbuf[0]; i++) ASSERT_EQ(b.t->gbuf[i], 0) << i;
}

TEST(UnitPimBank, ConfigFromParamsAndChecks) {
  arch_cfg_t a = cfg_of_set("");
  pim_bank_cfg_t c = pim_bank_cfg_of(&a);
  EXPECT_EQ(c.rows, 16u);   // params.def default
  EXPECT_EQ(c.cols, 32u);   // 1 KB row / 32 B per column
  EXPECT_EQ(c.mode, PIM_BANK_DUAL);
  a = cfg_of_set("--set pim.bank_rows=8 --set pim.bank_cols=4 --set pim.row_buffers=single");
  c = pim_bank_cfg_of(&a);
  EXPECT_EQ(c.rows, 8u);
  EXPECT_EQ(c.cols, 4u);
  EXPECT_EQ(c.mode, PIM_BANK_SINGLE);
  EXPECT_EQ(pim_bank_row_bits(&c), 3u);
  EXPECT_EQ(pim_bank_col_bits(&c), 2u);
  coda_err_t e{};
  pim_bank_cfg_t bad{12, 8, PIM_BANK_DUAL};
  EXPECT_EQ(pim_bank_check(&bad, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("pim.bank_rows"), std::string::npos) << e.msg;
  bad = {8, 64, PIM_BANK_DUAL};
  EXPECT_EQ(pim_bank_check(&bad, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("pim.bank_cols"), std::string::npos) << e.msg;
  bad = {8, 8, (pim_bank_mode_e)2};
  EXPECT_EQ(pim_bank_check(&bad, &e), CODA_EINVAL);
}

// ---- the co-simulation block ----------------------------------------------------------

const cosim_block_t *pim_bank() { return cosim_find("pim_bank"); }

TEST(UnitCosimPimBank, FieldsTileTheBusesExactly) {
  const cosim_block_t *b = pim_bank();
  ASSERT_NE(b, nullptr);
  int sets = 0;
  bool modes[2] = {};
  for (const char *const *s = b->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    arch_cfg_t c = cfg_of_set(*s);
    modes[c.pim_row_buffers] = true;
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
    if (c.pim_bank_rows == 8 && c.pim_bank_cols == 8) {
      // by hand: err, nopen, nrow 3, popen, prow 3, rd_valid, rdata 256, v1, prod 16x32, v2, sum 32,
      // acc 32, res_valid, res 32, gbuf 8x256, bank 64x256
      EXPECT_EQ(ob, 1u + 1 + 3 + 1 + 3 + 1 + 256 + 1 + 512 + 1 + 32 + 32 + 1 + 32 + 2048 + 16384);
      EXPECT_EQ(n, 8 + 16 + 5 + 8 + 64);
      EXPECT_EQ(ib, 4u + 3 + 3 + 256);
    }
    n = b->in_fields(tw, f.data(), COSIM_MAX_FIELDS);
    at = 0;
    for (int i = 0; i < n; i++) at += f[i].width;
    EXPECT_EQ(at, ib);
    b->destroy(tw);
  }
  EXPECT_TRUE(modes[0] && modes[1]) << "both row-buffer modes have a test set";
  arch_cfg_t bad = cfg_of_set("--set pim.bank_rows=12");
  uint32_t ib, ob;
  coda_err_t e{};
  EXPECT_EQ(b->shape(&bad, &ib, &ob, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("pim.bank_rows"), std::string::npos) << e.msg;
}

// The stimulus drives what it promises: GEMVs (COMPs and READRESs), flagged
// commands in both modes (more in single), specials reaching the results.
TEST(UnitCosimPimBank, StimulusCoversGemvRulesAndSpecials) {
  const cosim_block_t *b = pim_bank();
  ASSERT_NE(b, nullptr);
  uint64_t errors[2] = {};
  for (int mode = 0; mode < 2; mode++) {
    arch_cfg_t c = cfg_of_set(mode ? "--set pim.bank_rows=8 --set pim.bank_cols=8 --set pim.row_buffers=dual"
                                   : "--set pim.bank_rows=8 --set pim.bank_cols=8 --set pim.row_buffers=single");
    uint32_t ib = 0, ob = 0;
    coda_err_t e{};
    ASSERT_EQ(b->shape(&c, &ib, &ob, &e), 0) << e.msg;
    void *tw = b->create(&c, 1);
    ASSERT_NE(tw, nullptr);
    std::vector<uint64_t> in((ib + 63) / 64), out((ob + 63) / 64);
    int nan = 0, inf = 0, zero = 0, finite = 0, resets = 0;
    for (uint64_t cyc = 0; cyc < 20000; cyc++) {
      b->stimulus(tw, cyc, in.data());
      resets += b->in_reset(tw);
      b->step(tw, in.data(), out.data());
      const pim_bank_t *t = (const pim_bank_t *)tw;  // the twin is the block's first member
      if (t->cur.res_valid) {
        const uint32_t r = t->cur.res;
        nan += r == 0x7fc00000u;
        inf += (r & 0x7fffffffu) == 0x7f800000u;
        zero += (r & 0x7fffffffu) == 0;
        finite += (r & 0x7f800000u) != 0x7f800000u && (r & 0x7fffffffu) != 0;
      }
    }
    const pim_bank_t *t = (const pim_bank_t *)tw;
    SCOPED_TRACE(mode ? "dual" : "single");
    EXPECT_GT(t->st.comps, 1000u);
    EXPECT_GT(t->st.results, 50u);
    EXPECT_GT(t->st.errors, 100u);
    EXPECT_GT(nan, 0);
    EXPECT_GT(inf, 0);
    EXPECT_GT(zero, 0);
    EXPECT_GT(finite, 20);
    EXPECT_GT(resets, 3);
    errors[mode] = t->st.errors;
    b->destroy(tw);
  }
  EXPECT_GT(errors[0], errors[1]) << "single mode refuses the mixed phase's normal commands";
}

Result run(const std::string &args) { return coda_test::run_bin(coda_test::bin(), args); }

#define NEED_COSIM()                                                                              \
  do {                                                                                            \
    if (!have("verilator")) GTEST_SKIP() << "verilator is not installed (make deps installs it)"; \
  } while (0)

TEST(CosimPimBank, EveryTestSetZeroMismatches) {
  NEED_COSIM();
  int sets = 0;
  for (const char *const *s = pim_bank()->test_sets; *s; s++, sets++) {
    SCOPED_TRACE(*s);
    Result r = run(std::string("cosim pim_bank ") + *s + " --cycles 50000 --seed " + std::to_string(sets + 21));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("cycles: 50000\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n0 mismatches\n"), std::string::npos) << r.out;
    size_t at = r.out.find("transactions: ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::strtoull(r.out.c_str() + at + 14, nullptr, 10), 15000u) << "commands carried out";
  }
  EXPECT_EQ(sets, 2);
}

TEST(CosimPimBank, InjectedBugIsCaught) {
  NEED_COSIM();
  Result r = run("cosim pim_bank --set pim.bank_rows=8 --set pim.bank_cols=8 --set pim.row_buffers=dual "
                 "--cycles 5000 --inject-bug acc");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FIRST DIVERGENCE at cycle "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  field acc (out_o[843:812])"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 mismatch"), std::string::npos) << r.out;
  r = run("cosim pim_bank --set pim.bank_rows=12 --cycles 10");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("pim.bank_rows"), std::string::npos) << r.err;
}

TEST(CosimRtl, PimBankLintCleanAndYosysReadsIt) {
  NEED_COSIM();
  // small banks only: Yosys' proc on the flat storage vector grows with rows x cols (the 8 x 8 test
  // sets took minutes); the RTL is one parameterized module set, the row-buffer mode is a constant
  std::vector<std::string> sets = {"--set pim.bank_rows=2 --set pim.bank_cols=2 --set pim.row_buffers=single",
                                   "--set pim.bank_rows=4 --set pim.bank_cols=2 --set pim.row_buffers=dual"};
  coda_test::expect_rtl_clean(pim_bank(), sets, "pim_bank", "proc; opt -fast");
}

// ---- `coda area pim_bank` ---------------------------------------------------------------

TEST(AreaPimBank, SmallBankPrintsAreaFmaxAndGroups) {
  SKIP_WITHOUT_AREA_FLOW();
  std::string js = tmpdir() + "/pim_bank_area.json";
  // the shared cache (build/area-cache, keyed by the RTL bytes, parameters, liberty and tools): the
  // first run synthesizes (minutes: 16 multipliers and 16 FP32 adders), later runs of the same RTL hit
  Result r = run("area pim_bank --set pim.bank_rows=2 --set pim.bank_cols=2 --cache " + root() +
                 "/build/area-cache --json " + js);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("pim_bank"), std::string::npos) << r.out;
  Doc d;
  json_error_t je;
  d.j = json_load_file(js.c_str(), 0, &je);
  ASSERT_NE(d.j, nullptr) << je.text;
  const double area = num(d.j, "area_um2"), fmax = num(json_object_get(d.j, "timing"), "fmax_mhz");
  EXPECT_GT(area, 0);
  EXPECT_GT(fmax, 0);
  printf("[ pim_bank area ] 2 rows x 2 cols dual: %.0f um2, fmax %.1f MHz\n", area, fmax);
  // the RTL's structure: 16 multipliers, 15 tree adders + 1 accumulator adder, 2 arrays (bank, global buffer)
  const json_t *mul = group(d.j, "multipliers"), *add = group(d.j, "adder tree + accumulator adder"),
               *mem = group(d.j, "storage (bank + global buffer)");
  ASSERT_TRUE(mul && add && mem) << r.out;
  EXPECT_EQ(json_integer_value(json_object_get(mul, "instances")), 16);
  EXPECT_EQ(json_integer_value(json_object_get(add, "instances")), 16);
  EXPECT_EQ(json_integer_value(json_object_get(mem, "instances")), 2);
  EXPECT_GT(num(mul, "area_um2"), 0);
  EXPECT_GT(num(add, "area_um2"), num(mul, "area_um2") * 0.1);
}

}  // namespace
