// rtl_check.h: what every block with an RTL twin is checked for in the
// tests: its RTL lints clean under `verilator --lint-only -Wall` and Yosys
// 0.23 reads it without warnings, at parameter sets given as `--set` lists
// (the -G / -chparam values derived from the config exactly as the flows do).
#ifndef CODA_TEST_RTL_CHECK_H
#define CODA_TEST_RTL_CHECK_H

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/shim/cli_run.h"
#include "tests/shim/cosim_shim.h"

namespace coda_test {

// The config a `--set a=b --set c=d` list gives on top of the defaults.
inline arch_cfg_t cfg_of_set(const char *set) {
  std::vector<std::string> words;
  std::istringstream is(set);
  for (std::string w; is >> w;) words.push_back(w);
  std::vector<arch_set_t> sets;
  for (size_t i = 0; i + 1 < words.size(); i += 2) {
    EXPECT_EQ(words[i], "--set") << set;
    sets.push_back(arch_set_t{words[i + 1].c_str()});
  }
  arch_cfg_t c;
  coda_err_t e{};
  EXPECT_EQ(arch_cfg_load(&c, nullptr, sets.data(), (int)sets.size(), &e), 0) << e.msg;
  return c;
}

// Lints b's cosim top and runs `yosys: read; hierarchy -top synth_top; <script>`
// for every set; returns the last Yosys log (for callers' own checks).
inline std::string expect_rtl_clean(const cosim_block_t *b, const std::vector<std::string> &sets,
                                    const std::string &synth_top, const std::string &script) {
  std::string files, log;
  for (const char *const *f = b->rtl_files; *f; f++) files += " " + root() + "/" + *f;
  std::string waiver = root() + "/rtl/lint_waivers.vlt";
  struct stat st;
  std::string vfiles = stat(waiver.c_str(), &st) == 0 ? " " + waiver + files : files;
  std::string out = tmpdir() + "/rtl_check.txt";
  for (const std::string &s : sets) {
    SCOPED_TRACE(s);
    arch_cfg_t cfg = cfg_of_set(s.c_str());
    std::string g, chparam;
    for (const char *const *p = b->params; *p; p++) {
      uint64_t v;
      char name[64];
      coda_err_t e{};
      EXPECT_EQ(cosim_param_value(&cfg, *p, &v, &e), 0) << e.msg;
      cosim_param_name(*p, name, sizeof name);
      g += " -G" + std::string(name) + "=" + std::to_string(v);
      chparam += " -chparam " + std::string(name) + " " + std::to_string(v);
    }
    std::string cmd = "verilator --lint-only -Wall --top-module " + std::string(b->rtl_top) + g + vfiles + " >" + out +
                      " 2>&1";
    EXPECT_EQ(system(cmd.c_str()), 0) << cmd << "\n" << slurp(out);
    EXPECT_EQ(slurp(out), "") << cmd;
    if (!have("yosys")) continue;
    cmd = "yosys -p 'read_verilog" + files + "; hierarchy -check -top " + synth_top + chparam + "; " + script + "' >" +
          out + " 2>&1";
    EXPECT_EQ(system(cmd.c_str()), 0) << cmd << "\n" << slurp(out);
    log = slurp(out);
    size_t w = log.find("Warning");
    EXPECT_EQ(w, std::string::npos) << log.substr(w == std::string::npos ? 0 : w, 400);
  }
  return log;
}

}  // namespace coda_test

#endif
