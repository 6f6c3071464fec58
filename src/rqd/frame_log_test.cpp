#include "rqd/frame_log.h"

#include <fcntl.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "rqd/frame_env.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::slurp;
using testing::TempDir;

void writeText(const std::string& path, const std::string& text) {
  ASSERT_TRUE(writeFileAtomic(path, text).ok());
}

TEST(RotateLogTest, MovesAnOldLogToTheFirstFreeNumber) {
  TempDir dir;
  std::string log = dir.file("job.0001-a.rqlog");
  EXPECT_TRUE(rotateLog(log).ok());  // nothing to rotate
  writeText(log, "run1");
  ASSERT_TRUE(rotateLog(log).ok());
  EXPECT_EQ(slurp(log + ".1"), "run1");
  writeText(log, "run2");
  ASSERT_TRUE(rotateLog(log).ok());
  EXPECT_EQ(slurp(log + ".1"), "run1");
  EXPECT_EQ(slurp(log + ".2"), "run2");
}

TEST(RotateLogTest, OverwritesTheLastNumberWhenAllAreTaken) {
  TempDir dir;
  std::string log = dir.file("l.rqlog");
  for (int i = 1; i <= 3; ++i) writeText(log + "." + std::to_string(i), "old");
  writeText(log, "newest");
  ASSERT_TRUE(rotateLog(log, 3).ok());
  EXPECT_EQ(slurp(log + ".3"), "newest");
}

TEST(OpenFrameLogTest, CreatesTheDirectoryAndRotates) {
  TempDir dir;
  FrameSpec spec = testing::makeSpec("f1", "true", dir.file("logs/deep"));
  absl::StatusOr<OpenedLog> a = openFrameLog(spec, dir.file("root"), LogOwner{});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->path, dir.file("logs/deep/testshow-shot01-alice_render.0001-render.rqlog"));
  EXPECT_TRUE(a->fallback_reason.empty());
  writeAll(a->fd, "first\n");
  ::close(a->fd);
  absl::StatusOr<OpenedLog> b = openFrameLog(spec, dir.file("root"), LogOwner{});
  ASSERT_TRUE(b.ok());
  ::close(b->fd);
  EXPECT_EQ(slurp(a->path + ".1"), "first\n");
  EXPECT_EQ(slurp(a->path), "");
}

TEST(OpenFrameLogTest, FallsBackToTheLogRoot) {
  TempDir dir;
  writeText(dir.file("plainfile"), "x");  // log_dir below a file cannot be created
  FrameSpec spec = testing::makeSpec("f1", "true", dir.file("plainfile/logs"));
  absl::StatusOr<OpenedLog> log = openFrameLog(spec, dir.file("root"), LogOwner{});
  ASSERT_TRUE(log.ok()) << log.status();
  ::close(log->fd);
  EXPECT_EQ(log->path, dir.file("root/testshow-shot01-alice_render/"
                                "testshow-shot01-alice_render.0001-render.rqlog"));
  EXPECT_FALSE(log->fallback_reason.empty());
  spec.log_dir = "";
  log = openFrameLog(spec, dir.file("root"), LogOwner{});
  ASSERT_TRUE(log.ok());
  ::close(log->fd);
  EXPECT_EQ(log->fallback_reason, "log_dir is empty");
}

// rqd as root creates what a frame needs with the frame user's rights (nobody here).
class FrameLogAsUserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: rqd only switches users when it is root";
  }
  static LogOwner nobody() { return LogOwner{true, kNobodyId, kNobodyId, {}}; }
  static uid_t ownerOf(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_uid : static_cast<uid_t>(-1);
  }
};

TEST_F(FrameLogAsUserTest, DirectoriesAndLogBelongToTheUserWhoMadeThem) {
  TempDir dir;  // nobody's
  ASSERT_TRUE(prepareLogRoot(dir.file("root"), /*shared=*/true).ok());
  FrameSpec spec = testing::makeSpec("f1", "true", dir.file("logs/deep"));
  absl::StatusOr<OpenedLog> log = openFrameLog(spec, dir.file("root"), nobody());
  ASSERT_TRUE(log.ok()) << log.status();
  ::close(log->fd);
  EXPECT_TRUE(log->fallback_reason.empty());
  EXPECT_EQ(ownerOf(dir.file("logs")), static_cast<uid_t>(kNobodyId));
  EXPECT_EQ(ownerOf(dir.file("logs/deep")), static_cast<uid_t>(kNobodyId));
  EXPECT_EQ(ownerOf(log->path), static_cast<uid_t>(kNobodyId));
  // The thread is root again afterwards: what it makes is root's.
  EXPECT_EQ(::setfsuid(static_cast<uid_t>(-1)), 0);
  ASSERT_TRUE(makeDirs(dir.file("root-only"), 0700).ok());
  EXPECT_EQ(ownerOf(dir.file("root-only")), 0u);
}

TEST_F(FrameLogAsUserTest, NothingIsCreatedWhereTheUserMayNotWrite) {
  TempDir dir;
  ASSERT_TRUE(makeDirs(dir.file("system"), 0755).ok());  // root's
  ASSERT_TRUE(prepareLogRoot(dir.file("root"), /*shared=*/true).ok());
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("root").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, static_cast<mode_t>(S_ISVTX | 0777));
  FrameSpec spec = testing::makeSpec("f1", "true", dir.file("system/etc/cron.d"));
  absl::StatusOr<OpenedLog> log = openFrameLog(spec, dir.file("root"), nobody());
  ASSERT_TRUE(log.ok()) << log.status();
  ::close(log->fd);
  EXPECT_NE(log->fallback_reason.find("Permission denied"), std::string::npos)
      << log->fallback_reason;
  EXPECT_NE(::access(dir.file("system/etc").c_str(), F_OK), 0)
      << "created as root on the user's behalf";
  // The fallback is the user's own job directory in the sticky root.
  EXPECT_EQ(ownerOf(dirName(log->path)), static_cast<uid_t>(kNobodyId));
  EXPECT_EQ(ownerOf(log->path), static_cast<uid_t>(kNobodyId));
}

TEST_F(FrameLogAsUserTest, ALogRootThatIsASymlinkOrExistsIsNeverChmodded) {
  TempDir dir;
  ASSERT_TRUE(makeDirs(dir.file("system"), 0755).ok());
  ASSERT_EQ(::symlink(dir.file("system").c_str(), dir.file("root").c_str()), 0);
  absl::Status s = prepareLogRoot(dir.file("root"), /*shared=*/true);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a symlink"), absl::string_view::npos) << s;
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("system").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u) << "the link's target was made world-writable";
  // An existing root keeps the admin's mode; one frames cannot use is reported.
  s = prepareLogRoot(dir.file("system"), /*shared=*/true);
  EXPECT_NE(s.message().find("has mode 0755: frames' users cannot make their job directories"),
            absl::string_view::npos)
      << s;
  ASSERT_EQ(::stat(dir.file("system").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

TEST_F(FrameLogAsUserTest, AJobDirectorySomeoneElseMadeInTheSharedRootIsNotUsed) {
  TempDir dir;
  ASSERT_TRUE(prepareLogRoot(dir.file("root"), /*shared=*/true).ok());
  FrameSpec spec = testing::makeSpec("f1", "true", "");
  const std::string squatted = dir.file("root/" + spec.job_name);
  ASSERT_TRUE(makeDirs(squatted, 0777).ok());
  ASSERT_EQ(::chown(squatted.c_str(), 1, 1), 0);  // another user's ("daemon")
  absl::StatusOr<OpenedLog> log = openFrameLog(spec, dir.file("root"), nobody());
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("is not a directory of uid 65534"), absl::string_view::npos)
      << log.status();
}

TEST_F(FrameLogAsUserTest, AnotherUsersLogIsNotRotatedAway) {
  TempDir dir;
  ASSERT_TRUE(makeDirs(dir.file("logs"), 0755).ok());  // root's directory, root's old log
  FrameSpec spec = testing::makeSpec("f1", "true", dir.file("logs"));
  const std::string path = dir.file("logs/" + logFileName(spec));
  writeText(path, "root's");
  ASSERT_TRUE(prepareLogRoot(dir.file("root"), true).ok());
  absl::StatusOr<OpenedLog> log = openFrameLog(spec, dir.file("root"), nobody());
  ASSERT_TRUE(log.ok()) << log.status();
  ::close(log->fd);
  EXPECT_EQ(slurp(path), "root's");
  EXPECT_NE(log->path, path);
}

TEST(FormatTest, HeaderAndFooterCarryTheFacts) {
  LogHeader h;
  h.hostname = "render07";
  FrameSpec spec = testing::makeSpec("f1", "echo hi", "/logs");
  spec.num_cores = 250;
  spec.soft_memory_limit = 2097152;
  h.user = "alice";
  h.uid = 1001;
  h.gid = 20;
  h.start_time = 1700000000;
  h.cpus = {2, 3};
  std::string header = formatHeader(h, spec, {{"CUE_JOB", "j"}});
  for (const char* want : {"RenderQ JobSpec", "echo hi", "render07", "alice", "1001",
                           "testshow-shot01-alice_render", "0001-render", "2.50 (250 core units)",
                           "2097152 KB", "cpuList", "2,3", "env                  CUE_JOB=j"}) {
    EXPECT_NE(header.find(want), std::string::npos) << want << "\n" << header;
  }
  LogFooter f;
  f.hostname = "render07";
  f.exit_status = 1;
  f.exit_signal = 9;
  f.kill_message = "stop it";
  f.start_time = 1700000000;
  f.end_time = 1700000042;
  f.usage.max_rss = 123456;
  std::string footer = formatFooter(f);
  for (const char* want :
       {"RenderQ Job Complete", "exitStatus          1", "exitSignal          9",
        "killMessage         stop it", "runTime             42", "maxrss              123456"}) {
    EXPECT_NE(footer.find(want), std::string::npos) << want << "\n" << footer;
  }
}

TEST(FrameEnvTest, LayersBaseCueDefaultsCuebotEnvAndPinning) {
  FrameSpec spec = testing::makeSpec("fid", "true", "/logs/x");
  spec.frame_name = "0042-comp";
  spec.num_cores = 200;
  spec.environment = {
      {"CUE_THREADS", "1"}, {"PATH", "/opt/job/bin"}, {"MY_VAR", "v"}, {"CUE_CHUNK", "5"}};
  FrameEnvContext ctx;
  ctx.hostname = "render07";
  ctx.user = "alice";
  ctx.home = "/home/alice";
  ctx.log_path = "/logs/x/j.0042-comp.rqlog";
  ctx.cpus = {0, 1, 4, 5};
  ctx.hyperthreading_multiplier = 2;
  std::map<std::string, std::string> env = buildFrameEnv(spec, ctx);
  EXPECT_EQ(env["CUE_IFRAME"], "42");
  EXPECT_EQ(env["CUE_LAYER"], "comp");
  EXPECT_EQ(env["CUE_JOB"], spec.job_name);
  EXPECT_EQ(env["CUE_FRAME_ID"], "fid");
  EXPECT_EQ(env["CUE_RESOURCE_ID"], "proc-fid");
  EXPECT_EQ(env["CUE_CHUNK"], "5");    // cuebot's value wins
  EXPECT_EQ(env["CUE_THREADS"], "4");  // max(cuebot's 1, 4 pinned CPUs)
  EXPECT_EQ(env["CUE_HT"], "True");
  EXPECT_EQ(env["PATH"], std::string(kDefaultPath) + ":/opt/job/bin");
  EXPECT_EQ(env["MY_VAR"], "v");
  EXPECT_EQ(env["USER"], "alice");
  EXPECT_EQ(env["HOME"], "/home/alice");
  EXPECT_EQ(env["jobhost"], "render07");
  EXPECT_EQ(env["SP_NOMYCSHRC"], "1");
  EXPECT_EQ(env["CUE_LOG_PATH"], "/logs/x");
  ctx.log_fell_back = true;
  ctx.log_path = "/tmp/rqd/logs/j/j.0042-comp.rqlog";
  EXPECT_EQ(buildFrameEnv(spec, ctx)["CUE_LOG_PATH"], "/tmp/rqd/logs/j");
}

}  // namespace
}  // namespace cue::rqd
