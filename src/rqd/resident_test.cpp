#include "rqd/resident.h"

#include <cstdlib>

#include "gtest/gtest.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

// Four mappings as /proc/<pid>/smaps shows them: library code (droppable), relocated
// read-only data with private pages (kept), writable data (kept), an anonymous heap (kept),
// and code never faulted in (nothing to drop).
constexpr char kSmaps[] = R"(7f0000000000-7f0000200000 r-xp 00010000 08:01 1234    /usr/lib/libgrpc.so.29
Size:               2048 kB
Rss:                 900 kB
Anonymous:             0 kB
7f0000200000-7f0000210000 r--p 00210000 08:01 1234    /usr/lib/libgrpc.so.29
Size:                 64 kB
Rss:                  64 kB
Anonymous:            60 kB
7f0000210000-7f0000212000 rw-p 00220000 08:01 1234    /usr/lib/libgrpc.so.29
Rss:                   8 kB
Anonymous:             8 kB
55d000000000-55d000100000 rw-p 00000000 00:00 0       [heap]
Rss:                 400 kB
Anonymous:           400 kB
7f0000300000-7f0000400000 r--p 00000000 08:01 99      /usr/lib/locale/C.utf8/LC_CTYPE
Rss:                   0 kB
Anonymous:             0 kB
)";

TEST(ResidentTest, OnlyCleanFileBackedReadOnlyMappingsAreDropped) {
  std::vector<MemoryRange> r = droppableRanges(kSmaps);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].start, 0x7f0000000000u);
  EXPECT_EQ(r[0].end, 0x7f0000200000u);
  EXPECT_EQ(r[0].rss_kb, 900u);
}

// RssFile of this process, in kB.
size_t rssFileKb() {
  absl::StatusOr<std::string> status = readFile("/proc/self/status");
  if (!status.ok()) return 0;
  size_t at = status->find("RssFile:");
  return at == std::string::npos ? 0 : std::strtoul(status->c_str() + at + 8, nullptr, 10);
}

TEST(ResidentTest, DroppingLowersResidencyAndTheProcessKeepsWorking) {
  const size_t before = rssFileKb();
  ASSERT_GT(before, 0u);
  const size_t dropped = dropStartupPages();
  const size_t after = rssFileKb();  // the code that runs from here on comes back on touch
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(after, before);
  // Code and read-only data dropped above are read back from their files when used.
  EXPECT_EQ(droppableRanges(kSmaps).size(), 1u);
}

}  // namespace
}  // namespace cue::rqd
