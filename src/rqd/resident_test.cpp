#include "rqd/resident.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

// RssFile of this process, in kB.
size_t rssFileKb() {
  absl::StatusOr<std::string> status = readFile("/proc/self/status");
  if (!status.ok()) return 0;
  size_t at = status->find("RssFile:");
  return at == std::string::npos ? 0 : std::strtoul(status->c_str() + at + 8, nullptr, 10);
}

bool covered(const StartupImage& image, const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  for (const MemoryRange& r : image.ranges())
    if (a >= r.start && a < r.end) return true;
  return false;
}

int writableGlobal = 42;

TEST(ResidentTest, ReadOnlySegmentsOnlyAndDroppingLowersResidency) {
  const StartupImage image = StartupImage::capture();
  ASSERT_FALSE(image.ranges().empty());
  for (const MemoryRange& r : image.ranges()) {
    EXPECT_EQ(r.start % 4096, 0u);
    EXPECT_EQ(r.end % 4096, 0u);
    EXPECT_LT(r.start, r.end);
  }
  EXPECT_TRUE(covered(image, reinterpret_cast<const void*>(&rssFileKb))) << "code is read-only";
  EXPECT_FALSE(covered(image, &writableGlobal)) << "data that may have been written is never dropped";
  const size_t before = rssFileKb();
  EXPECT_GT(image.drop(), 0u);
  EXPECT_LT(rssFileKb(), before);
  // Dropped code and read-only data come back from their files on use; written data stayed.
  EXPECT_EQ(writableGlobal, 42);
  EXPECT_TRUE(covered(image, reinterpret_cast<const void*>(&rssFileKb)));
}

TEST(ResidentTest, RqdReexecutesOnceForLdBindNowAndThenTakesItOut) {
  EXPECT_EQ(bindNowStep(nullptr, nullptr), BindNowStep::kReexec);
  EXPECT_EQ(bindNowStep("", nullptr), BindNowStep::kReexec);
  EXPECT_EQ(bindNowStep("1", "1"), BindNowStep::kUnset);      // the re-executed rqd
  EXPECT_EQ(bindNowStep("1", nullptr), BindNowStep::kNothing);  // set by whoever started rqd
}

}  // namespace
}  // namespace cue::rqd
