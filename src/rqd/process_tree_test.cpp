#include "rqd/process_tree.h"

#include "gtest/gtest.h"
#include "rqd/spool.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

ProcStat proc(int pid, int ppid, int pgrp, int session, uint64_t start = 100,
              int64_t rss_pages = 0) {
  ProcStat st;
  st.pid = pid;
  st.ppid = ppid;
  st.pgrp = pgrp;
  st.session = session;
  st.starttime = start;
  st.state = 'S';
  st.rss_pages = rss_pages;
  st.vsize_bytes = 4096 * 1024;
  st.utime = 100;
  return st;
}

ProcessTable table(std::vector<ProcStat> procs) {
  ProcessTable t;
  for (ProcStat& p : procs) t[p.pid] = p;
  return t;
}

TEST(FrameProcessesTest, FindsDescendantsSessionMembersAndKnownEscapees) {
  ProcessTable t = table({
      proc(1, 0, 1, 1), proc(500, 1, 500, 500),  // the frame's shell
      proc(501, 500, 500, 500),                  // child
      proc(502, 501, 502, 502),                  // grandchild that called setsid
      proc(503, 502, 502, 502),                  // ... and its child
      proc(600, 1, 500, 500),                    // orphan still in the frame's session
      proc(700, 1, 700, 700, 42),                // escaped and orphaned; seen before
      proc(701, 700, 700, 700),                  // its child
      proc(800, 1, 800, 800),                    // unrelated
  });
  std::vector<int> got = frameProcesses(t, {500, 100}, {{700, 42}});
  EXPECT_EQ(got, (std::vector<int>{500, 501, 502, 503, 600, 700, 701}));
}

TEST(FrameProcessesTest, IgnoresAKnownPidThatWasRecycled) {
  ProcessTable t = table({proc(500, 1, 500, 500), proc(700, 1, 700, 700, 99)});
  EXPECT_EQ(frameProcesses(t, {500, 100}, {{700, 42}}), std::vector<int>{500});
}

TEST(FrameProcessesTest, IgnoresTheSessionWhenTheShellsPidWasRecycled) {
  // The shell (start 100) is gone; pid 500 now leads an unrelated session.
  ProcessTable t = table({proc(500, 1, 500, 500, 999), proc(501, 500, 500, 500, 999)});
  EXPECT_TRUE(frameProcesses(t, {500, 100}, {}).empty());
}

TEST(SumUsageTest, SumsTreeMemoryAndFallsBackToRssForPss) {
  ProcessTable t = table({proc(10, 1, 10, 10, 1, 256), proc(11, 10, 10, 10, 1, 512)});
  PssReader pss = [](int pid) -> std::optional<int64_t> {
    if (pid == 10) return 700;
    return std::nullopt;
  };
  TreeUsage u = sumUsage(t, {10, 11}, pss);
  const int64_t page_kb = ::sysconf(_SC_PAGESIZE) / 1024;
  EXPECT_EQ(u.rss, (256 + 512) * page_kb);
  EXPECT_EQ(u.pss, 700 + 512 * page_kb);
  EXPECT_EQ(u.vsize, 2 * 4096);
  EXPECT_EQ(u.num_processes, 2);
  EXPECT_GT(u.cpu_seconds, 0);
}

TEST(ScanProcessesTest, SeesThisProcess) {
  ProcessTable t = scanProcesses("/proc");
  auto it = t.find(static_cast<int>(::getpid()));
  ASSERT_NE(it, t.end());
  EXPECT_GT(it->second.rss_pages, 0);
  EXPECT_FALSE(processGone("/proc", static_cast<int>(::getpid())));
  EXPECT_TRUE(processGone("/proc", 0x3fffffff));
}

TEST(SpoolTest, PutLoadRemoveWithEscapedKeys) {
  testing::TempDir dir;
  FileSpool spool(dir.file("spool/completions"));
  ASSERT_TRUE(spool.init().ok());
  ASSERT_TRUE(spool.put("frame/1 x", "one").ok());
  ASSERT_TRUE(spool.put("frame-2", std::string("two\0bytes", 9)).ok());
  EXPECT_EQ(FileSpool::keyFor(FileSpool::fileNameFor("frame/1 x")), "frame/1 x");
  auto all = spool.loadAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].first, "frame-2");
  EXPECT_EQ(all[0].second.size(), 9u);
  EXPECT_EQ(all[1].first, "frame/1 x");
  ASSERT_TRUE(spool.remove("frame/1 x").ok());
  ASSERT_TRUE(spool.remove("never-there").ok());
  EXPECT_EQ(spool.loadAll().size(), 1u);
}

TEST(SpoolTest, RunningRecordRoundTrips) {
  RunningRecord r;
  r.spec = testing::makeSpec("f\n1", "true", "/logs");
  r.spec.log_dir_file = "/logs/a=b.rqlog";
  r.pid = 1234;
  r.root_starttime = 98765;
  r.started_at = 1700000000;
  absl::StatusOr<RunningRecord> back = decodeRunningRecord(encodeRunningRecord(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->spec.frame_id, "f\n1");
  EXPECT_EQ(back->spec.job_name, r.spec.job_name);
  EXPECT_EQ(back->spec.log_dir_file, "/logs/a=b.rqlog");
  EXPECT_EQ(back->spec.num_cores, 100);
  EXPECT_EQ(back->pid, 1234);
  EXPECT_EQ(back->root_starttime, 98765u);
  EXPECT_EQ(back->started_at, 1700000000);
  EXPECT_FALSE(decodeRunningRecord("pid=1\n").ok());
}

}  // namespace
}  // namespace cue::rqd
