#include "rqd/log_reader.h"

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::TempDir;

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

LogRead req(const std::string& dir, int64_t offset = 0, int32_t max = 0, int attempt = 0) {
  LogRead r;
  r.log_dir = dir;
  r.job_name = "show-shot-user_job";
  r.frame_name = "0001-render";
  r.offset = offset;
  r.max_bytes = max;
  r.attempt = attempt;
  return r;
}

TEST(LogReader, ReadsFromOffsetInChunks) {
  TempDir t;
  write(t.file("jobs/show-shot-user_job.0001-render.rqlog"), "hello world\n");
  auto c = readFrameLog(req(t.file("jobs"), 0, 5), t.file("root"), {t.path()});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data, "hello");
  EXPECT_EQ(c->next_offset, 5);
  EXPECT_EQ(c->size, 12);
  EXPECT_EQ(c->path, t.file("jobs/show-shot-user_job.0001-render.rqlog"));
  c = readFrameLog(req(t.file("jobs"), 5), t.file("root"), {t.path()});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->data, " world\n");
  c = readFrameLog(req(t.file("jobs"), 12), t.file("root"), {t.path()});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->data, "");
  EXPECT_EQ(c->next_offset, 12);
}

TEST(LogReader, FallsBackToTheLogRootAndReadsOlderAttempts) {
  TempDir t;
  write(t.file("root/show-shot-user_job/show-shot-user_job.0001-render.rqlog"), "now");
  write(t.file("root/show-shot-user_job/show-shot-user_job.0001-render.rqlog.1"), "before");
  auto c = readFrameLog(req(t.file("missing/dir")), t.file("root"), {t.path()});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data, "now");
  c = readFrameLog(req(""), t.file("root"), {t.path()});
  ASSERT_TRUE(c.ok());
  c = readFrameLog(req("", 0, 0, 1), t.file("root"), {t.path()});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->data, "before");
  EXPECT_EQ(readFrameLog(req("", 0, 0, 2), t.file("root"), {t.path()}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(LogReader, RefusesNamesThatLeaveTheLogFiles) {
  TempDir t;
  auto r = req(t.path());
  r.job_name = "../../etc/passwd";
  EXPECT_EQ(readFrameLog(r, t.path()).status().code(), absl::StatusCode::kInvalidArgument);
  r = req(t.path());
  r.frame_name = "a/b";
  EXPECT_EQ(readFrameLog(r, t.path()).status().code(), absl::StatusCode::kInvalidArgument);
  r = req("/etc");  // absolute, but not under a log root
  EXPECT_EQ(readFrameLog(r, t.path()).status().code(), absl::StatusCode::kInvalidArgument);
  r = req("relative/dir");
  EXPECT_EQ(readFrameLog(r, t.path()).status().code(), absl::StatusCode::kInvalidArgument);
  r = req("/tmp/../etc");
  EXPECT_EQ(readFrameLog(r, t.path()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(readFrameLog(req(t.path(), -1), t.path(), {t.path()}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LogReader, AFifoInPlaceOfTheLogDoesNotBlock) {
  TempDir t;
  std::filesystem::create_directories(t.file("jobs"));
  ASSERT_EQ(::mkfifo(t.file("jobs/show-shot-user_job.0001-render.rqlog").c_str(), 0600), 0);
  EXPECT_EQ(readFrameLog(req(t.file("jobs")), t.file("root"), {t.path()}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(LogReader, DoesNotFollowASymlinkedLog) {
  TempDir t;
  write(t.file("secret"), "do not read");
  std::filesystem::create_directories(t.file("jobs"));
  std::filesystem::create_symlink(t.file("secret"), t.file("jobs/show-shot-user_job.0001-render.rqlog"));
  EXPECT_EQ(readFrameLog(req(t.file("jobs")), t.file("root"), {t.path()}).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cue::rqd
