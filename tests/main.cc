// main.cc: the test runner. Runs every GoogleTest suite and ends with the
// plain closing line CI reads: "N passed, N failed" (skipped tests, which
// must say why, are counted apart).
#include <gtest/gtest.h>

#include <cstdio>

namespace {
class ClosingLine : public testing::EmptyTestEventListener {
  void OnTestProgramEnd(const testing::UnitTest &u) override {
    int skipped = u.skipped_test_count();
    std::printf("%d passed, %d failed", u.successful_test_count(), u.failed_test_count());
    if (skipped) std::printf(", %d skipped", skipped);
    std::printf("\n");
    std::fflush(stdout);
  }
};
}  // namespace

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new ClosingLine);
  return RUN_ALL_TESTS();
}
