// cli_run.h: running the coda command from tests. One temp folder per test
// process (removed at exit), the binaries from $CODA_BIN / $CODA_ASAN_BIN
// (set by `make test`), the source tree from $CODA_ROOT.
#ifndef CODA_TEST_CLI_RUN_H
#define CODA_TEST_CLI_RUN_H

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace coda_test {

struct Result {
  int code;             // exit code (128 + signal when killed)
  std::string out, err; // stdout, stderr
};

inline std::string slurp(const std::string &p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::string &tmpdir_storage() {
  static std::string dir;
  return dir;
}

class TmpCleanup : public testing::Environment {
  void TearDown() override {
    if (!tmpdir_storage().empty()) (void)!system(("rm -rf " + tmpdir_storage()).c_str());
  }
};

inline std::string tmpdir() {
  std::string &dir = tmpdir_storage();
  if (dir.empty()) {
    char t[] = "/tmp/coda-test-XXXXXX";
    dir = mkdtemp(t);
    testing::AddGlobalTestEnvironment(new TmpCleanup);
  }
  return dir;
}

inline std::string root() { return getenv("CODA_ROOT") ? getenv("CODA_ROOT") : "."; }
inline std::string bin() { return getenv("CODA_BIN") ? getenv("CODA_BIN") : "build/coda"; }
inline std::string asan_bin() { return getenv("CODA_ASAN_BIN") ? getenv("CODA_ASAN_BIN") : "build/asan/coda"; }

// Runs `env BINARY ARGS` in the temp folder, stdin from /dev/null.
inline Result run_bin(const std::string &binary, const std::string &args, const std::string &env = "") {
  std::string o = tmpdir() + "/out.txt", e = tmpdir() + "/err.txt";
  std::string cmd = "cd " + tmpdir() + " && " + env + " " + binary + " " + args + " >" + o + " 2>" + e +
                    " </dev/null";
  int st = system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = slurp(o);
  r.err = slurp(e);
  return r;
}

inline bool have(const char *tool) {
  std::string c = std::string("command -v ") + tool + " >/dev/null 2>&1";
  return system(c.c_str()) == 0;
}

}  // namespace coda_test

#endif
