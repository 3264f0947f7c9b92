// t3plan_test.cc: the T3 compiler pass (compiler/t3plan.c), its coll-group
// instructions (isa/coda.isa) and the T3 model files (compiler/t3wl.c,
// workloads/t3/*.json).
//
// Unit tier: the staggered stage order (d - s) mod N and the ring property
// that a device's stage s + 1 chunk is its predecessor's stage s chunk, stage
// kinds, slot and tile addresses, expected counts against 2 x the tile's
// transactions per channel counted here by decoding every 64 B address of
// every tracked tile through the HBM model (and, for the default mapping, by
// the mapping's arithmetic), emit -> encode -> decode -> plan round trips,
// `coda t3 compile` called in-process (.cbin and .s back to the plan).
// Errors tier: every t3_plan_build error gives CODA_EINVAL and one line
// naming the key or quantity; t3_plan_decode names the instruction; the
// model loader on the five shipped files and on malformed ones.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

extern "C" {
#include "compiler/t3plan.h"
#include "compiler/t3wl.h"
#include "isa/asm.h"
#include "isa/cbin.h"
#include "isa/isa.h"
#include "sim/core/config.h"
#include "sim/mem/hbm.h"
}

namespace {

std::string root() { return getenv("CODA_ROOT") ? getenv("CODA_ROOT") : "."; }

arch_cfg_t cfg_of(std::vector<std::string> sets) {
  std::vector<arch_set_t> s;
  for (auto &x : sets) s.push_back(arch_set_t{x.c_str()});
  arch_cfg_t c;
  coda_err_t e{};
  EXPECT_EQ(arch_cfg_load(&c, nullptr, s.data(), (int)s.size(), &e), CODA_OK) << e.msg;
  return c;
}

// A GEMM of M = tokens, N = hidden for N devices (oproj: K = hidden / tp).
t3_gemm_t gemm(uint32_t tp, uint64_t tokens, uint64_t hidden, t3_sub_e sub = T3_SUB_OPROJ) {
  t3_gemm_t g;
  t3_gemm_of(&g, "test", sub, tp, tokens, hidden);
  return g;
}

// Expects t3_plan_build to fail with CODA_EINVAL and one line containing want.
void expect_build_err(const t3_gemm_t &g, const arch_cfg_t &c, uint32_t dev, const std::string &want) {
  t3_plan_t p;
  coda_err_t e{};
  EXPECT_EQ(t3_plan_build(&p, &g, &c, dev, &e), CODA_EINVAL) << want;
  EXPECT_EQ(std::strchr(e.msg, '\n'), nullptr);
  EXPECT_NE(std::string(e.msg).find(want), std::string::npos) << "got: " << e.msg << "\nwant: " << want;
}

// Every field of two plans.
void expect_plans_equal(const t3_plan_t &a, const t3_plan_t &b) {
  EXPECT_EQ(a.devices, b.devices);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.m, b.m);
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.k, b.k);
  EXPECT_EQ(a.elem_bytes, b.elem_bytes);
  EXPECT_EQ(a.tile_m, b.tile_m);
  EXPECT_EQ(a.tile_n, b.tile_n);
  EXPECT_EQ(a.tile_rows, b.tile_rows);
  EXPECT_EQ(a.tile_cols, b.tile_cols);
  EXPECT_EQ(a.tiles_per_chunk, b.tiles_per_chunk);
  EXPECT_EQ(a.tile_bytes, b.tile_bytes);
  EXPECT_EQ(a.chunk_bytes, b.chunk_bytes);
  EXPECT_EQ(a.addr_out, b.addr_out);
  EXPECT_EQ(a.addr_a, b.addr_a);
  EXPECT_EQ(a.addr_b, b.addr_b);
  EXPECT_EQ(a.addr_recv, b.addr_recv);
  for (uint32_t s = 0; s < a.devices; s++) {
    EXPECT_EQ(a.stage_chunk[s], b.stage_chunk[s]) << s;
    EXPECT_EQ(a.stage_kind[s], b.stage_kind[s]) << s;
  }
  EXPECT_EQ(a.dest, b.dest);
  EXPECT_EQ(a.expect_per_ctrl, b.expect_per_ctrl);
  EXPECT_EQ(a.ctrl_bytes, b.ctrl_bytes);
  EXPECT_EQ(a.mca_mode, b.mca_mode);
  EXPECT_EQ(a.mca_threshold, b.mca_threshold);
  EXPECT_EQ(a.mca_starve, b.mca_starve);
}

// emit -> 128-bit words -> decode -> t3_plan_decode.
t3_plan_t round_trip(const t3_plan_t &p) {
  isa_insn_t *v = nullptr;
  uint32_t n = 0;
  coda_err_t e{};
  EXPECT_EQ(t3_plan_emit(&p, &v, &n, &e), CODA_OK) << e.msg;
  std::vector<isa_insn_t> back(n);
  for (uint32_t i = 0; i < n; i++) {
    isa_word_t w;
    EXPECT_EQ(isa_encode(&v[i], &w, &e), CODA_OK) << i << ": " << e.msg;
    EXPECT_EQ(w.w[0] & 0xff, 0x80u + (v[i].op - ISA_OP_T3_LAYOUT)) << i;
    EXPECT_EQ(isa_decode(&w, &back[i], &e), CODA_OK) << i << ": " << e.msg;
  }
  free(v);
  t3_plan_t q;
  EXPECT_EQ(t3_plan_decode(&q, back.data(), n, p.devices, p.device, p.k, &e), CODA_OK) << e.msg;
  return q;
}

// ---- unit ---------------------------------------------------------------------

TEST(UnitT3Plan, GemmShapesAndNames) {
  const char *names[] = {"oproj", "fc2", "fc1_bwd", "iproj_bwd"};
  const uint64_t kmul[] = {1, 4, 4, 3};  // K per device in hidden / tp (Megatron sublayers)
  for (int s = 0; s < T3_SUB_COUNT; s++) {
    t3_gemm_t g = gemm(8, 8192, 3072, (t3_sub_e)s);
    EXPECT_STREQ(t3_sub_name((t3_sub_e)s), names[s]);
    EXPECT_EQ(t3_sub_parse(names[s]), s);
    EXPECT_EQ(g.m, 8192u);
    EXPECT_EQ(g.n, 3072u);
    EXPECT_EQ(g.k, kmul[s] * 3072 / 8);
    EXPECT_EQ(g.elem_bytes, 2u);
  }
  EXPECT_EQ(t3_sub_parse("fc1"), -1);
}

TEST(UnitT3Plan, StaggeredStagesKindsAndSlots) {
  for (uint32_t N : {2u, 4u, 8u, 16u}) {
    arch_cfg_t c = cfg_of({"t3.devices=" + std::to_string(N)});
    t3_gemm_t g = gemm(N, 256ull * N * 2, 1024);  // 2 tile rows x 4 tile cols per chunk
    std::vector<t3_plan_t> plans(N);
    for (uint32_t d = 0; d < N; d++) {
      t3_plan_t &p = plans[d];
      coda_err_t e{};
      ASSERT_EQ(t3_plan_build(&p, &g, &c, d, &e), CODA_OK) << e.msg;
      EXPECT_EQ(p.tile_rows, 2u);
      EXPECT_EQ(p.tile_cols, 4u);
      EXPECT_EQ(p.tiles_per_chunk, 8u);
      EXPECT_EQ(p.tile_bytes, 256u * 256 * 2);
      EXPECT_EQ(p.chunk_bytes, 8u * 256 * 256 * 2);
      EXPECT_EQ(p.dest, (d + 1) % N);
      std::vector<int> seen(N, 0);
      for (uint32_t s = 0; s < N; s++) {
        EXPECT_EQ(p.stage_chunk[s], (d + N - s) % N) << "d " << d << " s " << s;
        seen[p.stage_chunk[s]]++;
        uint8_t want = s == 0 ? T3_STAGE_REMOTE : s == N - 1 ? T3_STAGE_FINAL : T3_STAGE_FWD;
        EXPECT_EQ(p.stage_kind[s], want) << s;
      }
      for (uint32_t ch = 0; ch < N; ch++) EXPECT_EQ(seen[ch], 1) << ch;
      // the reduce-scatter leaves device d with chunk (d + 1) mod N
      EXPECT_EQ(p.stage_chunk[N - 1], (d + 1) % N);
      // the instructions: layout, N stages, (N - 1) x tiles tracks at their slots, mca, inputs
      isa_insn_t *v;
      uint32_t n;
      ASSERT_EQ(t3_plan_emit(&p, &v, &n, &e), CODA_OK) << e.msg;
      ASSERT_EQ(n, 3 + N + (N - 1) * 8);
      EXPECT_EQ(v[n - 1].op, ISA_OP_T3_INPUTS);
      EXPECT_EQ(v[n - 1].abase, c.t3_addr_a);
      EXPECT_EQ(v[n - 1].bbase, c.t3_addr_b);
      EXPECT_EQ(v[n - 1].rbase, c.t3_addr_recv);
      EXPECT_EQ(v[0].op, ISA_OP_T3_LAYOUT);
      EXPECT_EQ(v[0].obase, c.t3_addr_out);
      EXPECT_EQ(v[0].m, 256u);
      EXPECT_EQ(v[0].n, 256u);
      EXPECT_EQ(v[0].tiles, 8u);
      EXPECT_EQ(v[0].tcols, 4u);
      for (uint32_t s = 0; s < N; s++) {
        EXPECT_EQ(v[1 + s].op, ISA_OP_T3_STAGE);
        EXPECT_EQ(v[1 + s].stage, s);
        EXPECT_EQ(v[1 + s].chunk, (d + N - s) % N);
      }
      uint32_t i = 1 + N;
      for (uint32_t s = 1; s < N; s++)
        for (uint32_t t = 0; t < 8; t++, i++) {
          EXPECT_EQ(v[i].op, ISA_OP_T3_TRACK);
          EXPECT_EQ(v[i].tile, s * 8 + t);
          EXPECT_EQ(v[i].src, c.t3_addr_out + s * (8ull * 131072) + t * 131072ull) << s << " " << t;
          EXPECT_EQ(v[i].dest, (d + 1) % N);
          EXPECT_EQ(v[i].dbytes, 131072u / 32);
        }
      EXPECT_EQ(v[i].op, ISA_OP_T3_MCA);
      EXPECT_EQ(v[i].mca, (uint32_t)ISA_MCA_DYNAMIC);  // params.def default
      EXPECT_EQ(v[i].thresh, 8u);
      EXPECT_EQ(v[i].starve, 2000u);
      free(v);
    }
    // a device receives its stage s + 1 chunk from its predecessor's stage s
    for (uint32_t d = 0; d < N; d++)
      for (uint32_t s = 0; s + 1 < N; s++)
        EXPECT_EQ(plans[d].stage_chunk[s + 1], plans[(d + N - 1) % N].stage_chunk[s]) << d << " " << s;
  }
}

// Expected count = 2 x the tile's 64 B transactions in each channel, counted
// here over every tracked tile of every slot (the plan decodes slot 1 only).
TEST(UnitT3Plan, ExpectedCountsFromHbmMapping) {
  // default mapping rarobgbachco: 16 transactions (1 KB column space) per
  // channel, 32 channels: a 256 x 256 FP16 tile (128 KB = 4 x 32 KB) gives
  // every channel 4 x 16 = 64 transactions, expect 2 x 64 = 128.
  {
    arch_cfg_t c = cfg_of({});
    t3_gemm_t g = gemm(8, 8192, 3072);
    t3_plan_t p;
    coda_err_t e{};
    ASSERT_EQ(t3_plan_build(&p, &g, &c, 3, &e), CODA_OK) << e.msg;
    EXPECT_EQ(p.expect_per_ctrl, 128u);
    EXPECT_EQ(p.ctrl_bytes, 4096u);
  }
  struct Case { const char *map; uint32_t tm, tn; };
  const Case cases[] = {{"rarobgbachco", 256, 256}, {"rorabgbachco", 128, 64}, {"rochrabgbaco", 256, 256},
                        {"chrorabgbaco", 256, 256}, {"rorababgchco", 64, 256}, {"robgbarachco", 256, 128}};
  for (const Case &k : cases) {
    arch_cfg_t c = cfg_of({"t3.devices=4", std::string("hbm.address_mapping=\"") + k.map + "\"",
                           "t3.tile_m=" + std::to_string(k.tm), "t3.tile_n=" + std::to_string(k.tn)});
    t3_gemm_t g = gemm(4, 4ull * k.tm * 2, 4ull * k.tn);
    hbm_t *h;
    coda_err_t e{};
    ASSERT_EQ(hbm_init(&h, &c, "test", &e), CODA_OK) << e.msg;
    const uint32_t nch = hbm_channels(h);
    const uint64_t tile = 2ull * k.tm * k.tn, chunk = 8 * tile;
    bool even = true;
    uint32_t per = 0;
    for (uint32_t s = 1; s < 4; s++)
      for (uint32_t t = 0; t < 8; t++) {
        std::vector<uint32_t> cnt(nch, 0);
        for (uint64_t o = 0; o < tile; o += 64) {
          hbm_addr_t a;
          hbm_decode(h, c.t3_addr_out + s * chunk + t * tile + o, &a);
          cnt[a.ch]++;
        }
        for (uint32_t x : cnt) even = even && x == cnt[0];
        per = cnt[0];
      }
    hbm_free(h);
    t3_plan_t p;
    int rc = t3_plan_build(&p, &g, &c, 1, &e);
    if (even) {
      ASSERT_EQ(rc, CODA_OK) << k.map << ": " << e.msg;
      EXPECT_EQ(p.expect_per_ctrl, 2 * per) << k.map;
      EXPECT_EQ(p.ctrl_bytes, 64 * per) << k.map;
    } else {
      EXPECT_EQ(rc, CODA_EINVAL) << k.map;
      EXPECT_NE(std::string(e.msg).find("hbm.address_mapping"), std::string::npos) << e.msg;
    }
  }
}

TEST(UnitT3Plan, EmitDecodeRoundTrip) {
  for (uint32_t N : {2u, 3u, 8u, 32u})
    for (uint32_t d : {0u, 1u, N - 1}) {
      arch_cfg_t c = cfg_of({"t3.devices=" + std::to_string(N), "t3.mca=\"static\"", "t3.mca_threshold=17",
                             "t3.mca_starve=99999"});
      t3_gemm_t g = gemm(N, 256ull * N, 2048, T3_SUB_FC2);
      t3_plan_t p;
      coda_err_t e{};
      ASSERT_EQ(t3_plan_build(&p, &g, &c, d, &e), CODA_OK) << e.msg;
      EXPECT_EQ(p.mca_mode, (uint32_t)ISA_MCA_STATIC);
      t3_plan_t q = round_trip(p);
      expect_plans_equal(p, q);
    }
}

// T-NLG's hidden 4256 = 2^5 x 7 x 19 takes no 256-wide tile: the largest
// multiple of 8 at most 256 dividing it is 224; a 224-wide tile spreads
// evenly over 32 channels x 1 KB only when tile_m x 224 x 2 B is a multiple
// of 32 KB, i.e. tile_m a multiple of 512, and 512 divides the TP 8 chunk's
// 1024 rows: 512 x 224. An explicit tile is kept (and refused).
TEST(UnitT3Plan, TilePickForTnlg) {
  arch_cfg_t c = cfg_of({"t3.devices=8"});
  t3_gemm_t g;
  t3_gemm_of(&g, "tnlg", T3_SUB_FC2, 8, 8192, 4256);
  coda_err_t e{};
  ASSERT_EQ(t3_pick_tile(&c, &g, 1, &e), CODA_OK) << e.msg;
  EXPECT_EQ(c.t3_tile_m, 512u);
  EXPECT_EQ(c.t3_tile_n, 224u);
  arch_cfg_t d = cfg_of({"t3.devices=8"});
  EXPECT_EQ(t3_pick_tile(&d, &g, 0, &e), CODA_EINVAL);
  EXPECT_EQ(d.t3_tile_m, 256u);
  arch_set_t sets[] = {{"t3.devices=8"}, {"t3.tile_n=224"}};
  EXPECT_EQ(t3_sets_tile(sets, 1), 0);
  EXPECT_EQ(t3_sets_tile(sets, 2), 1);
}

TEST(UnitT3Plan, CompileMainWritesThePlan) {
  char dir[] = "/tmp/coda_t3plan_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string cbin = std::string(dir) + "/p.cbin", s = std::string(dir) + "/p.s";
  std::string model = root() + "/workloads/t3/mega_gpt2.json", arch = root() + "/sim/configs/t3.json";
  std::vector<std::string> args = {"coda", "t3", "compile", "--arch", arch, "--model", model, "--sub", "fc2",
                                    "--tp", "16", "--device", "5", "-o", cbin, "-S", s};
  std::vector<char *> argv;
  for (auto &a : args) argv.push_back(&a[0]);
  ASSERT_EQ(t3_compile_main((int)argv.size(), argv.data()), 0);
  cbin_t prog;
  coda_err_t e{};
  ASSERT_EQ(cbin_read(&prog, cbin.c_str(), &e), CODA_OK) << e.msg;
  std::vector<isa_insn_t> in(prog.n_insn);
  for (uint32_t i = 0; i < prog.n_insn; i++) ASSERT_EQ(isa_decode(&prog.insn[i], &in[i], &e), CODA_OK) << e.msg;
  cbin_free(&prog);
  arch_cfg_t c = cfg_of({"t3.devices=16"});
  t3_gemm_t g = gemm(16, 8192, 3072, T3_SUB_FC2);
  t3_plan_t p, q;
  ASSERT_EQ(t3_plan_build(&p, &g, &c, 5, &e), CODA_OK) << e.msg;
  ASSERT_EQ(t3_plan_decode(&q, in.data(), (uint32_t)in.size(), 16, 5, g.k, &e), CODA_OK) << e.msg;
  expect_plans_equal(p, q);
  // the assembly assembles to the same words
  std::ifstream f(s);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  cbin_t a;
  ASSERT_EQ(isa_asm_program(text.c_str(), "p.s", &a, &e), CODA_OK) << e.msg;
  EXPECT_EQ(a.n_insn, (uint32_t)in.size());
  cbin_free(&a);
  // bad input: exit 2
  std::vector<std::string> bad = {"coda", "t3", "compile", "--model", model, "--sub", "fc3", "--tp", "8",
                                  "--device", "0", "-o", cbin};
  argv.clear();
  for (auto &x : bad) argv.push_back(&x[0]);
  EXPECT_EQ(t3_compile_main((int)argv.size(), argv.data()), 2);
  std::remove(cbin.c_str());
  std::remove(s.c_str());
  rmdir(dir);
}

// ---- errors -------------------------------------------------------------------

TEST(ErrorsT3Plan, BuildErrorsNameTheField) {
  arch_cfg_t c = cfg_of({});
  // tile larger than the chunk / the output
  expect_build_err(gemm(8, 8 * 128, 4096), c, 0, "t3.tile_m = 256 is larger than the chunk");
  expect_build_err(gemm(8, 8192, 128), c, 0, "t3.tile_n = 256 is larger than the output");
  // tiles that do not divide
  expect_build_err(gemm(8, 8 * 384, 4096), c, 0, "t3.tile_m = 256 does not divide");
  expect_build_err(gemm(8, 8192, 4256), c, 0, "t3.tile_n = 256 does not divide");
  // M % N
  expect_build_err(gemm(8, 8196, 4096), c, 0, "not a multiple of t3.devices = 8");
  // a ring of one device (the loader's range stops it; the pass checks too)
  arch_cfg_t one = c;
  one.t3_devices = 1;
  expect_build_err(gemm(1, 8192, 4096), one, 0, "a ring of one device");
  expect_build_err(gemm(8, 8192, 4096), c, 8, "device 8 is not in the ring");
  expect_build_err(gemm(4, 8192, 4096), c, 0, "differs from t3.devices");
  // overlapping address maps: output at 1 GiB + 4 KiB runs into B at 1 GiB
  expect_build_err(gemm(8, 8192, 4096), cfg_of({"t3.addr_out=1073745920"}), 0, "t3.addr_b: [0x40000000");
  expect_build_err(gemm(8, 8192, 4096), cfg_of({"t3.addr_recv=2147487744"}), 0,
                   "t3.addr_out: [0x80000000, 0x84000000) overlaps t3.addr_recv [0x80001000");
  expect_build_err(gemm(8, 8192, 4096), cfg_of({"t3.addr_recv=34359738368"}), 0,
                   "t3.addr_recv: 0x800000000 + 8388608 bytes exceeds the HBM capacity");
  // tracker collision: 2 x 256 tiles per chunk > 256 entries
  expect_build_err(gemm(8, 8 * 256 * 16, 16 * 256), c, 0, "t3.tracker_entries = 256: the tiles of two consecutive stages");
  // a tile the channels do not share evenly (3.5 interleave rounds; T-NLG's hidden with tile_n 224)
  expect_build_err(gemm(8, 8192, 4256), cfg_of({"t3.tile_n=224"}), 0, "hbm.address_mapping rarobgbachco");
  expect_build_err(gemm(8, 8192, 4256), cfg_of({"t3.tile_n=224"}), 0, "t3.tile_m x t3.tile_n = 256 x 224");
  // ... and T-NLG runs with 512 x 224 tiles (7 rounds)
  t3_plan_t p;
  coda_err_t e{};
  t3_gemm_t g = gemm(8, 8192, 4256);
  arch_cfg_t tn = cfg_of({"t3.tile_n=224", "t3.tile_m=512"});
  EXPECT_EQ(t3_plan_build(&p, &g, &tn, 0, &e), CODA_OK) << e.msg;
  EXPECT_EQ(p.expect_per_ctrl, 2u * 512 * 224 * 2 / 32 / 64);
}

TEST(ErrorsT3Plan, DecodeNamesTheInstruction) {
  arch_cfg_t c = cfg_of({"t3.devices=4"});
  t3_gemm_t g = gemm(4, 1024, 1024);
  t3_plan_t p, q;
  coda_err_t e{};
  ASSERT_EQ(t3_plan_build(&p, &g, &c, 2, &e), CODA_OK) << e.msg;
  isa_insn_t *v;
  uint32_t n;
  ASSERT_EQ(t3_plan_emit(&p, &v, &n, &e), CODA_OK);
  std::vector<isa_insn_t> w(v, v + n);
  free(v);
  w[7].tile ^= 1;  // layout, 4 stages, then the tracks: index 7 is stage 1's third tile
  EXPECT_EQ(t3_plan_decode(&q, w.data(), n, 4, 2, g.k, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("instruction 7 (t3_track): tile"), std::string::npos) << e.msg;
  w[7].tile ^= 1;
  w[2].skind = T3_STAGE_FINAL;
  EXPECT_EQ(t3_plan_decode(&q, w.data(), n, 4, 2, g.k, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("instruction 2 (t3_stage): skind"), std::string::npos) << e.msg;
  EXPECT_EQ(t3_plan_decode(&q, w.data(), n - 1, 4, 2, g.k, &e), CODA_EINVAL);
  EXPECT_NE(std::string(e.msg).find("instructions, expected"), std::string::npos) << e.msg;
}

// ---- model files --------------------------------------------------------------

TEST(UnitT3Plan, ShippedModelsLoadAndPlan) {
  struct M { const char *f; uint64_t hidden; uint32_t layers, heads; std::vector<uint32_t> tp; };
  const M ms[] = {{"mega_gpt2", 3072, 72, 32, {8, 16}}, {"tnlg", 4256, 78, 28, {8, 16}},
                  {"gpt3", 12288, 96, 96, {32}}, {"palm", 18432, 118, 48, {32}}, {"mtnlg", 20480, 105, 128, {32}}};
  for (const M &m : ms) {
    t3_model_t x;
    coda_err_t e{};
    std::string path = root() + "/workloads/t3/" + m.f + ".json";
    ASSERT_EQ(t3_model_load(path.c_str(), &x, &e), CODA_OK) << e.msg;
    EXPECT_STREQ(x.name, m.f);
    EXPECT_EQ(x.hidden, m.hidden);
    EXPECT_EQ(x.layers, m.layers);
    EXPECT_EQ(x.heads, m.heads);
    ASSERT_EQ(x.ntp, m.tp.size());
    for (uint32_t i = 0; i < x.ntp; i++) {
      EXPECT_EQ(x.tp[i], m.tp[i]);
      EXPECT_EQ(x.tokens % (x.tp[i] * 256ull), 0u) << m.f << " tp " << x.tp[i];
      // every sublayer plans at every listed tp (T-NLG's 4256 columns need 512 x 224 tiles)
      std::vector<std::string> sets = {"t3.devices=" + std::to_string(x.tp[i])};
      if (x.hidden % 256) sets.insert(sets.end(), {"t3.tile_m=512", "t3.tile_n=224"});
      arch_cfg_t c = cfg_of(sets);
      for (int s = 0; s < T3_SUB_COUNT; s++) {
        t3_gemm_t g;
        t3_gemm_of(&g, x.name, (t3_sub_e)s, x.tp[i], x.tokens, x.hidden);
        t3_plan_t p;
        EXPECT_EQ(t3_plan_build(&p, &g, &c, x.tp[i] - 1, &e), CODA_OK) << m.f << ": " << e.msg;
      }
    }
  }
}

TEST(ErrorsT3Plan, ModelLoaderRejectsMalformed) {
  char dir[] = "/tmp/coda_t3wl_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string good = R"("name": "m", "hidden": 1024, "layers": 2, "heads": 8, "tokens": 8192, "source": "s")";
  struct Bad { std::string json, want; };
  const Bad bads[] = {
      {"{" + good + R"(, "tp": [1]})", "tp[0]: 1: a ring of one device"},
      {"{" + good + R"(, "tp": []})", "tp: expected an array of 1..8 integers"},
      {"{" + good + R"(, "tp": [8, "16"]})", "tp[1]: expected an integer"},
      {"{" + good + R"(, "tp": [65]})", "tp[0]: 65 is out of range"},
      {"{" + good + R"(, "tp": [8], "batch": 4})", "batch: unknown key"},
      {R"({"name": "m", "hidden": 0, "layers": 2, "heads": 8, "tokens": 8192, "tp": [8], "source": "s"})",
       "hidden: 0 is out of range"},
      {R"({"name": "m", "hidden": 1024, "layers": 2, "heads": 8, "tp": [8], "source": "s"})", "tokens: missing"},
      {R"({"name": "m", "hidden": 1024, "layers": "2", "heads": 8, "tokens": 8192, "tp": [8], "source": "s"})",
       "layers: expected an integer"},
      {R"({"name": "m", "hidden": 1024, "layers": 2, "heads": 8, "tokens": 8192, "tp": [8], "source": ""})",
       "source: expected a non-empty string"},
      {R"({"name": "a b", "hidden": 1024, "layers": 2, "heads": 8, "tokens": 8192, "tp": [8], "source": "s"})",
       "name: expected a name"},
      {R"({"name": "m", "hidden": 1024,)", ":1:"},
      {R"([1, 2])", "expected a JSON object"},
  };
  std::string path = std::string(dir) + "/bad.json";
  for (const Bad &b : bads) {
    { std::ofstream f(path); f << b.json; }
    t3_model_t m;
    coda_err_t e{};
    EXPECT_EQ(t3_model_load(path.c_str(), &m, &e), CODA_EINVAL) << b.json;
    EXPECT_EQ(std::strchr(e.msg, '\n'), nullptr);
    EXPECT_EQ(std::string(e.msg).rfind(path, 0), 0u) << e.msg;
    EXPECT_NE(std::string(e.msg).find(b.want), std::string::npos) << "got: " << e.msg << "\nwant: " << b.want;
  }
  std::remove(path.c_str());
  t3_model_t m;
  coda_err_t e{};
  EXPECT_EQ(t3_model_load((std::string(dir) + "/absent.json").c_str(), &m, &e), CODA_EIO);
  EXPECT_NE(std::string(e.msg).find("absent.json: cannot read"), std::string::npos) << e.msg;
  rmdir(dir);
}

}  // namespace
