#include "cli/output.h"

#include <sstream>

#include <gtest/gtest.h>

#include "cli/common.h"

namespace cue::cli {
namespace {

TEST(Formats, AsOpenCuePrintsThem) {
  EXPECT_EQ(formatMem(512), "512K");
  EXPECT_EQ(formatMem(300 * 1024), "300M");
  EXPECT_EQ(formatMem(2621440), "2.5G");
  EXPECT_EQ(formatDuration(3723), "01:02:03");
  EXPECT_EQ(formatLongDuration(3 * 86400 + 12 * 3600 + 59), "03:12");
  EXPECT_EQ(formatTime(0), "--/-- --:--");
  EXPECT_EQ(cutoff("short", 10), "short");
  EXPECT_EQ(cutoff("a-much-longer-name", 10), "a-much-l..");
  EXPECT_EQ(cores(250), "2.50");
}

TEST(JsonWriter, NestsAndEscapes) {
  std::ostringstream out;
  JsonWriter w(out);
  w.beginArray();
  w.beginObject().field("name", "a\"b\\c\n").field("n", int64_t{3}).field("x", 1.5)
      .field("ok", true).field("tags", std::vector<std::string>{"a", "b"}).endObject();
  w.beginObject().key("inner").beginObject().field("z", int32_t{0}).endObject().endObject();
  w.endArray();
  EXPECT_EQ(out.str(),
            "[{\"name\":\"a\\\"b\\\\c\\n\",\"n\":3,\"x\":1.5,\"ok\":true,\"tags\":[\"a\",\"b\"]},"
            "{\"inner\":{\"z\":0}}]\n");
}

TEST(Listings, ShowsTableAndJson) {
  core::ShowView s;
  s.show.name = "pipe";
  s.reserved_cores = 250;
  s.running_frames = 3;
  std::ostringstream table, json;
  printShows(table, {s}, false);
  printShows(json, {s}, true);
  EXPECT_EQ(table.str(),
            "Show     Active   ReservedCores   RunningFrames   PendingFrames     PendingJobs\n"
            "pipe     True              2.50               3               0               0\n");
  EXPECT_NE(json.str().find("\"reserved_cores\":2.5"), std::string::npos) << json.str();
}

TEST(RangeFilter, OpenCueSpellings) {
  auto r = parseRangeFilter("lt5", 10, "-memory");  // below 5: up to 49 tenths
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::make_pair(int64_t{0}, int64_t{49}));
  r = parseRangeFilter("gt2", 10, "-memory");  // above 2
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::make_pair(int64_t{21}, int64_t{-1}));
  r = parseRangeFilter("1.5-3", 10, "-memory");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::make_pair(int64_t{15}, int64_t{30}));
  r = parseRangeFilter("4", 1, "-duration");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, std::make_pair(int64_t{4}, int64_t{-1}));
  EXPECT_FALSE(parseRangeFilter("5-1", 1, "-memory").ok());
  EXPECT_FALSE(parseRangeFilter("lots", 1, "-memory").ok());
  EXPECT_FALSE(parseRangeFilter("-3", 1, "-memory").ok());
}

}  // namespace
}  // namespace cue::cli
