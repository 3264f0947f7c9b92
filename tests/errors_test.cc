// errors_test.cc: malformed inputs, each through the command line built with
// AddressSanitizer + UBSan (build/asan/coda). Every case must exit 2 with
// exactly one line on stderr that names the file (or option) and the field
// or line at fault, and no sanitizer report.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"

namespace {

using coda_test::Result;
using coda_test::root;
using coda_test::slurp;
using coda_test::tmpdir;

std::string write(const std::string &name, const std::string &text) {
  std::string p = tmpdir() + "/" + name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

Result run(const std::string &args, bool asan = true) {
  return coda_test::run_bin(asan ? coda_test::asan_bin() : coda_test::bin(), args, "ASAN_OPTIONS=detect_leaks=1");
}

void expect_bad(const std::string &args, const std::string &must_contain) {
  Result r = run(args);
  EXPECT_EQ(r.code, 2) << args << "\nstderr: " << r.err;
  size_t lines = 0;
  for (char c : r.err) lines += c == '\n';
  EXPECT_EQ(lines, 1u) << args << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(must_contain), std::string::npos)
      << args << "\nwanted '" << must_contain << "' in: " << r.err;
  EXPECT_EQ(r.err.find("Sanitizer"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("runtime error"), std::string::npos) << r.err;
}

std::string lut() { return root() + "/sim/configs/lut_tc.json"; }

const char *GOOD_WL = R"({"name": "w", "layers": [{"name": "a", "m": 4, "n": 64, "k": 64, "wbits": 2, "atype": "int8"}]})";

std::string wl_with(const std::string &layer_fields) {
  return R"({"name": "w", "layers": [{"name": "a", )" + layer_fields + "}]}";
}

// ---- arch configs ------------------------------------------------------------

TEST(ErrorsConfig, BrokenJson) {
  expect_bad("run --arch " + write("c1.json", "{\"core\": {") + " --gemm 2,64,8", "c1.json:1:");
}
TEST(ErrorsConfig, UnknownSection) {
  expect_bad("run --arch " + write("c2.json", "{\"cores\": {}}") + " --gemm 2,64,8", "c2.json: cores");
}
TEST(ErrorsConfig, UnknownKey) {
  expect_bad("run --arch " + write("c3.json", "{\"core\": {\"foo\": 1}}") + " --gemm 2,64,8", "c3.json: core.foo");
}
TEST(ErrorsConfig, WrongType) {
  expect_bad("run --arch " + write("c4.json", "{\"core\": {\"m\": \"two\"}}") + " --gemm 2,64,8", "c4.json: core.m");
}
TEST(ErrorsConfig, ZeroSize) {
  expect_bad("run --arch " + write("c5.json", "{\"core\": {\"n\": 0}}") + " --gemm 2,64,8", "c5.json: core.n");
}
TEST(ErrorsConfig, NegativeSize) {
  expect_bad("run --arch " + write("c6.json", "{\"core\": {\"m\": -3}}") + " --gemm 2,64,8", "c6.json: core.m");
}
TEST(ErrorsConfig, OverflowingSize) {
  expect_bad("run --arch " + write("c7.json", "{\"buffers\": {\"abuf_bytes\": 99999999999999999999999}}") +
             " --gemm 2,64,8", "c7.json:1:");
}
TEST(ErrorsConfig, KOutOfRange) {
  expect_bad("run --arch " + write("c8.json", "{\"core\": {\"k\": 9}}") + " --gemm 2,64,8", "c8.json: core.k");
}
TEST(ErrorsConfig, ZeroBandwidth) {
  expect_bad("run --arch " + write("c9.json", "{\"memory\": {\"bytes_per_cycle\": 0}}") + " --gemm 2,64,8",
             "c9.json: memory.bytes_per_cycle");
}
TEST(ErrorsConfig, MissingFile) {
  expect_bad("run --arch nonexistent.json --gemm 2,64,8", "nonexistent.json");
}
TEST(ErrorsConfig, SetWithoutValue) {
  expect_bad("run --arch " + lut() + " --set core.m --gemm 2,64,8", "--set core.m");
}
TEST(ErrorsConfig, SetBadEnum) {
  expect_bad("run --arch " + lut() + " --set core.type=tpu --gemm 2,64,8", "core.type");
}
TEST(ErrorsConfig, BufferTooSmallForArray) {
  expect_bad("run --arch " + lut() + " --set buffers.cbuf_bytes=64 --gemm 2,64,8", "buffers.cbuf_bytes");
}

// ---- workloads -----------------------------------------------------------------

TEST(ErrorsWorkload, BrokenJson) {
  expect_bad("run --arch " + lut() + " " + write("w1.json", "{\"name\": \"w\", \"layers\": [}"), "w1.json:1:");
}
TEST(ErrorsWorkload, EmptyLayers) {
  expect_bad("run --arch " + lut() + " " + write("w2.json", "{\"name\": \"w\", \"layers\": []}"), "w2.json");
}
TEST(ErrorsWorkload, WeightBitsZero) {
  expect_bad("run --arch " + lut() + " " +
             write("w3.json", wl_with(R"("m": 4, "n": 64, "k": 64, "wbits": 0, "atype": "int8")")), "wbits");
}
TEST(ErrorsWorkload, WeightBitsNine) {
  expect_bad("run --arch " + lut() + " " +
             write("w4.json", wl_with(R"("m": 4, "n": 64, "k": 64, "wbits": 9, "atype": "int8")")), "wbits");
}
TEST(ErrorsWorkload, ZeroM) {
  expect_bad("run --arch " + lut() + " " +
             write("w5.json", wl_with(R"("m": 0, "n": 64, "k": 64, "wbits": 2, "atype": "int8")")), "w5.json");
}
TEST(ErrorsWorkload, NegativeN) {
  expect_bad("run --arch " + lut() + " " +
             write("w6.json", wl_with(R"("m": 4, "n": -64, "k": 64, "wbits": 2, "atype": "int8")")), "w6.json");
}
TEST(ErrorsWorkload, OverflowingK) {
  expect_bad("run --arch " + lut() + " " +
             write("w7.json", wl_with(R"("m": 4, "n": 64, "k": 1000000000000, "wbits": 2, "atype": "int8")")),
             "w7.json");
}
TEST(ErrorsWorkload, UnknownActivationType) {
  expect_bad("run --arch " + lut() + " " +
             write("w8.json", wl_with(R"("m": 4, "n": 64, "k": 64, "wbits": 2, "atype": "int3")")), "atype");
}
TEST(ErrorsWorkload, UnknownKey) {
  expect_bad("run --arch " + lut() + " " +
             write("w9.json", wl_with(R"("m": 4, "n": 64, "k": 64, "wbits": 2, "atype": "int8", "bogus": 1)")),
             "bogus");
}
TEST(ErrorsWorkload, MissingModel) {
  expect_bad("run --arch " + lut() + " " +
             write("w10.json", R"({"name": "w", "model": "nope.json", "phase": "decode", "batch": 1, "seq_len": 16, "wbits": 2, "atype": "int8"})"),
             "nope.json");
}
TEST(ErrorsWorkload, WrongTypeForM) {
  expect_bad("run --arch " + lut() + " " +
             write("w11.json", wl_with(R"("m": "many", "n": 64, "k": 64, "wbits": 2, "atype": "int8")")),
             "w11.json");
}
TEST(ErrorsWorkload, MissingFile) { expect_bad("run --arch " + lut() + " nowhere.json", "nowhere.json"); }
TEST(ErrorsCli, GemmZero) { expect_bad("run --arch " + lut() + " --gemm 0,64,64", "--gemm"); }
TEST(ErrorsCli, GemmShort) { expect_bad("run --arch " + lut() + " --gemm 2,64", "--gemm"); }
TEST(ErrorsCli, WbitsOption) { expect_bad("run --arch " + lut() + " --gemm 2,64,64 --wbits 9", "--wbits"); }
TEST(ErrorsCli, UnknownCommand) { expect_bad("frobnicate", "frobnicate"); }
TEST(ErrorsCli, UnknownOption) { expect_bad("run --arch " + lut() + " --gemm 2,64,64 --turbo", "--turbo"); }
TEST(ErrorsCli, MissingArch) { expect_bad("run --gemm 2,64,64", "--arch"); }

// ---- program binaries ------------------------------------------------------------

std::string good_cbin() {
  std::string wl = write("good.json", GOOD_WL), out = tmpdir() + "/good.cbin";
  Result r = run("compile --arch " + lut() + " " + wl + " -o " + out, false);
  EXPECT_EQ(r.code, 0) << r.err;
  return slurp(out);
}

TEST(ErrorsBinary, Empty) { expect_bad("disasm " + write("b1.cbin", ""), "b1.cbin"); }
TEST(ErrorsBinary, BadMagic) {
  std::string g = good_cbin();
  g[0] = 'X';
  expect_bad("disasm " + write("b2.cbin", g), "b2.cbin");
}
TEST(ErrorsBinary, Truncated) {
  std::string g = good_cbin();
  for (size_t cut : {g.size() / 3, g.size() / 2, g.size() - 1})
    expect_bad("sim --arch " + lut() + " " + write("b3.cbin", g.substr(0, cut)), "b3.cbin");
}
TEST(ErrorsBinary, FlippedByte) {
  std::string g = good_cbin();
  g[g.size() / 2] ^= 0x40;
  expect_bad("sim --arch " + lut() + " " + write("b4.cbin", g), "b4.cbin");
}
TEST(ErrorsBinary, CheckWithoutData) {
  std::string g = good_cbin();
  expect_bad("sim --check --arch " + lut() + " " + write("b5.cbin", g), "b5.cbin");
}
TEST(ErrorsBinary, WrongCoreType) {
  std::string g = good_cbin();  // compiled for the LUT core
  expect_bad("sim --arch " + root() + "/sim/configs/mac_tc.json " + write("b6.cbin", g), "b6.cbin: instruction");
}

// ---- assembly ----------------------------------------------------------------------

TEST(ErrorsAsm, UnknownMnemonic) {
  expect_bad("asm " + write("a1.s", "frob m=1\n") + " -o a.cbin", "a1.s:1:");
}
TEST(ErrorsAsm, MissingField) {
  expect_bad("asm " + write("a2.s", "sync\n") + " -o a.cbin", "a2.s:1:");
}
TEST(ErrorsAsm, FieldOutOfRange) {
  expect_bad("asm " + write("a3.s", "; header\nlmma m=2 n=64 k=8 atype=int8 wbits=9 acct=int32 tq=0 acc=0 fin=0 "
                                    "taddr=0x0 waddr=0x0 caddr=0x0\n") + " -o a.cbin", "a3.s:2:");
}
TEST(ErrorsAsm, BadNumber) {
  expect_bad("asm " + write("a4.s", "sync mask=seven\n") + " -o a.cbin", "a4.s:1:");
}
TEST(ErrorsAsm, DuplicateField) {
  expect_bad("asm " + write("a5.s", "sync mask=1 mask=2\n") + " -o a.cbin", "a5.s:1:");
}
TEST(ErrorsAsm, OverflowingNumber) {
  expect_bad("asm " + write("a6.s", "sync mask=99999999999999999999999\n") + " -o a.cbin", "a6.s:1:");
}

// ---- energy tables -------------------------------------------------------------------

TEST(ErrorsEnergy, MissingSource) {
  std::string t = slurp(root() + "/reports/energy/horowitz45.json");
  size_t p = t.find("\"source\"");
  ASSERT_NE(p, std::string::npos);
  t.replace(p, 8, "\"sauce\" ");
  expect_bad("run --arch " + lut() + " --gemm 2,64,8 --energy " + write("e1.json", t), "e1.json");
}

// `coda CMD --help` answers with the command's usage on stdout, exit 0,
// for every command and report kind.
TEST(ErrorsCli, EveryCommandAnswersHelp) {
  for (const char *c : {"run", "compile", "sim", "asm", "disasm", "config", "report", "report tpe", "report sweep",
                        "report neupims", "report t3", "cosim", "cosim pim_bank", "area", "energy", "dram", "sweep",
                        "scalesim", "t3", "t3 run", "t3 compile"}) {
    Result r = run(std::string(c) + " --help", false);
    EXPECT_EQ(r.code, 0) << c << ": " << r.err;
    EXPECT_NE(r.out.find("coda "), std::string::npos) << c << ": " << r.out;
  }
}

}  // namespace
