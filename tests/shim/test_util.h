// test_util.h: small helpers the test suites share: the seeded generator of
// the C code (coda_rnd, splitmix64), an owning JSON document, number and
// area-group lookups in coda's JSON reports, and the skip rule of the tests
// that need the synthesis flow.
#ifndef CODA_TEST_UTIL_H
#define CODA_TEST_UTIL_H

#include <gtest/gtest.h>
#include <jansson.h>
#include <sys/stat.h>

#include <cstring>
#include <string>

#include "tests/shim/cli_run.h"

extern "C" {
#include "sim/core/util.h"
}

namespace coda_test {

// The next value of the generator seeded by *s (sim/core/util.h).
inline uint64_t next(uint64_t *s) { return coda_rnd(s); }

// A JSON document freed with its owner.
struct Doc {
  json_t *j = nullptr;
  ~Doc() { json_decref(j); }
};

inline double num(const json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

// The by_submodule entry named `name` of a coda.area.v1 document, or NULL.
inline const json_t *group(const json_t *doc, const char *name) {
  const json_t *g = json_object_get(doc, "by_submodule");
  for (size_t i = 0; i < json_array_size(g); i++) {
    const json_t *e = json_array_get(g, i);
    const char *n = json_string_value(json_object_get(e, "group"));
    if (n && !strcmp(n, name)) return e;
  }
  return nullptr;
}

// Why the synthesis flow cannot run here (no Yosys / OpenSTA, no liberty
// extracted by `make tech`), or "" when it can.
inline std::string no_area_flow() {
  if (!have("yosys") || !have("sta")) return "yosys / sta not installed";
  struct stat st;
  if (stat((root() + "/build/tech/osu018/osu018_stdcells.lib").c_str(), &st)) return "no liberty (make tech)";
  return "";
}

}  // namespace coda_test

// Skips the current test when the synthesis flow cannot run.
#define SKIP_WITHOUT_AREA_FLOW()                                   \
  do {                                                             \
    std::string why_ = coda_test::no_area_flow();                  \
    if (!why_.empty()) GTEST_SKIP() << why_;                       \
  } while (0)

#endif
