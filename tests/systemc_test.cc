// systemc_test.cc: the SystemC/TLM-2.0 wrapper (sim/systemc/coda_tlm.h). The
// example platform (build/systemc_example, built here through the Makefile)
// runs a compiled program through TLM register and window accesses; its
// cycle counts must equal `coda sim`'s for the same program and arch, read
// from `coda sim --json` (simulator.simulated_cycles and total.total_cycles,
// which differ when layers repeat). Skipped, with a message, only when
// SystemC is not installed.
#include <gtest/gtest.h>
#include <jansson.h>

#include <string>

#include "tests/shim/cli_run.h"

namespace {

using coda_test::root;
using coda_test::run_bin;
using coda_test::tmpdir;

struct Cycles {
  uint64_t simulated = 0, total = 0;
};

bool systemc_installed() {
  return system("pkg-config --exists systemc 2>/dev/null") == 0 || system("test -f /usr/include/systemc.h") == 0;
}

// Builds build/systemc_example through the Makefile (a no-op when up to date).
std::string example() {
  std::string log = tmpdir() + "/systemc_make.log";
  int st = system(("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C " + root() + " -s build/systemc_example >" + log +
                   " 2>&1").c_str());
  EXPECT_EQ(st, 0) << "make build/systemc_example failed:\n" << coda_test::slurp(log);
  return st == 0 ? root() + "/build/systemc_example" : "";
}

uint64_t line_value(const std::string &out, const std::string &key) {
  size_t p = out.find("\n" + key + " ");
  if (p == std::string::npos) {
    ADD_FAILURE() << "no line `" << key << " N` in:\n" << out;
    return 0;
  }
  return std::stoull(out.substr(p + key.size() + 2));
}

Cycles coda_sim(const std::string &args, const std::string &tag) {
  Cycles c;
  std::string js = tmpdir() + "/" + tag + ".sim.json";
  auto r = run_bin(coda_test::bin(), "sim " + args + " --json " + js);
  EXPECT_EQ(r.code, 0) << r.err;
  json_error_t e;
  json_t *j = json_load_file(js.c_str(), 0, &e);
  if (!j) {
    ADD_FAILURE() << js << ": " << e.text;
    return c;
  }
  c.simulated = (uint64_t)json_integer_value(json_object_get(json_object_get(j, "simulator"), "simulated_cycles"));
  c.total = (uint64_t)json_integer_value(json_object_get(json_object_get(j, "total"), "total_cycles"));
  json_decref(j);
  return c;
}

Cycles systemc(const std::string &ex, const std::string &args, std::string *out = nullptr) {
  Cycles c;
  auto r = run_bin(ex, args, "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  c.simulated = line_value("\n" + r.out, "simulated_cycles");
  c.total = line_value("\n" + r.out, "total_cycles");
  if (out) *out = r.out;
  return c;
}

std::string compile(const std::string &arch, const std::string &what, const std::string &name) {
  std::string p = tmpdir() + "/" + name + ".cbin";
  auto r = run_bin(coda_test::bin(), "compile --arch " + arch + " " + what + " -o " + p);
  EXPECT_EQ(r.code, 0) << r.err;
  return p;
}

#define NEED_SYSTEMC()                                                                               \
  do {                                                                                               \
    if (!systemc_installed())                                                                        \
      GTEST_SKIP() << "SystemC is not installed (Debian package libsystemc-dev; `make deps` installs " \
                      "it): the TLM-2.0 wrapper cannot be built";                                    \
  } while (0)

TEST(GoldenSystemC, ExampleMatchesCodaSim) {
  NEED_SYSTEMC();
  std::string ex = example();
  ASSERT_FALSE(ex.empty());
  // 1: ragged GEMMs on the LUT core, timing only, one layer repeated x3
  std::string lut = root() + "/sim/configs/lut_tc.json";
  std::string p1 = compile(lut, root() + "/workloads/gemm_small.json", "sc_small");
  Cycles s1 = coda_sim("--arch " + lut + " " + p1, "sc1");
  Cycles t1 = systemc(ex, "--arch " + lut + " " + p1);
  EXPECT_EQ(t1.simulated, s1.simulated);
  EXPECT_EQ(t1.total, s1.total);
  EXPECT_GT(s1.total, s1.simulated) << "gemm_small repeats a layer: the report's total counts it 3 times";
  // 2: a functional MAC-core GEMM on the HBM2 model
  std::string mac = root() + "/sim/configs/mac_tc.json", hbm = " --set memory.type=hbm2 ";
  std::string p2 = compile(mac + hbm, "--gemm 24,200,384 --functional", "sc_mac");
  Cycles s2 = coda_sim("--arch " + mac + hbm + p2, "sc2");
  std::string out;
  Cycles t2 = systemc(ex, "--arch " + mac + hbm + p2, &out);
  EXPECT_EQ(t2.simulated, s2.simulated);
  EXPECT_EQ(t2.total, s2.total);
  EXPECT_NE(s1.simulated, s2.simulated);
  // the host read C back through the DRAM window and checked it
  EXPECT_NE(out.find("check: 4800 outputs read back through the DRAM window match"), std::string::npos) << out;
}

TEST(GoldenSystemC, QuantumDoesNotChangeCyclesAndDoneTimeIsCyclesTimesPeriod) {
  NEED_SYSTEMC();
  std::string ex = example();
  ASSERT_FALSE(ex.empty());
  std::string lut = root() + "/sim/configs/lut_tc.json";
  std::string p = compile(lut + " --set core.freq_mhz=500", "--gemm 16,128,512 --wbits 2", "sc_q");
  Cycles s = coda_sim("--arch " + lut + " --set core.freq_mhz=500 " + p, "scq");
  for (const char *q : {"1", "13", "100000000"}) {
    std::string out;
    Cycles t = systemc(ex, "--arch " + lut + " --set core.freq_mhz=500 --quantum " + q + " " + p, &out);
    EXPECT_EQ(t.simulated, s.simulated) << "quantum " << q;
    // at 500 MHz the period is 2 ns: DONE = START + 2 x cycles ns
    size_t a = out.find("START at "), b = out.find("device DONE at ");
    ASSERT_NE(a, std::string::npos);
    ASSERT_NE(b, std::string::npos);
    double start = std::stod(out.substr(a + 9)), done = std::stod(out.substr(b + 15));
    EXPECT_DOUBLE_EQ(done - start, 2.0 * (double)s.simulated) << out;
  }
}

TEST(ErrorsSystemC, DeviceErrorReachesTheHostThroughErrMsg) {
  NEED_SYSTEMC();
  std::string ex = example();
  ASSERT_FALSE(ex.empty());
  // a LUT-core program on a MAC-core device: device_init refuses it after START
  std::string p = compile(root() + "/sim/configs/lut_tc.json", "--gemm 4,64,64", "sc_bad");
  std::string mac = root() + "/sim/configs/mac_tc.json";
  auto sim = run_bin(coda_test::bin(), "sim --arch " + mac + " " + p);
  auto r = run_bin(ex, "--arch " + mac + " " + p, "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1");
  EXPECT_EQ(sim.code, 2);
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  // the same device_init message, naming the program window instead of the file
  size_t at = sim.err.find(p + ": ");
  ASSERT_NE(at, std::string::npos) << sim.err;
  std::string why = sim.err.substr(at + p.size() + 2);
  ASSERT_FALSE(why.empty());
  EXPECT_NE(r.err.find("systemc_example: error: device: program window: " + why), std::string::npos)
      << r.err << " vs " << sim.err;
  EXPECT_EQ(r.out.find("simulated_cycles"), std::string::npos);
}

}  // namespace
