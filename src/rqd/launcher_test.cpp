#include "rqd/launcher.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "rqd/process_tree.h"
#include "rqd/sys_util.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::waitFor;

// Runs `spec` with a frame's PATH, its output to `file`; that output once the frame exited
// 0 (a failure and "" otherwise).
std::string outputOf(SpawnSpec spec, const std::string& file) {
  int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(out, 0);
  if (out < 0) return "";
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.output_fd = out;
  absl::StatusOr<pid_t> pid = spawnFrame(spec);
  ::close(out);
  EXPECT_TRUE(pid.ok()) << pid.status();
  if (!pid.ok()) return "";
  int status = 0;
  EXPECT_EQ(::waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  return testing::slurp(file);
}

TEST(ResolveFrameUserTest, RefusesRoot) {
  FrameSpec spec;
  spec.frame_name = "0003-comp";
  spec.uid = 0;
  for (bool as_root : {true, false}) {
    absl::StatusOr<FrameUser> u = resolveFrameUser(spec, as_root);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(u.status().message(), "refusing to run frame 0003-comp as root (uid 0)");
  }
}

TEST(ResolveFrameUserTest, WithoutRootRunsAsRqdsOwnUser) {
  FrameSpec spec;
  spec.uid = 4321;
  absl::StatusOr<FrameUser> u = resolveFrameUser(spec, /*as_root=*/false);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->uid, static_cast<int>(::geteuid()));
  EXPECT_FALSE(u->switch_user);
}

TEST(ResolveFrameUserTest, AsRootUsesTheJobsUidAndNeverGroupZero) {
  FrameSpec spec;
  spec.uid = 4321;  // no passwd entry needed
  spec.gid = 0;
  spec.user_name = "ghost";
  absl::StatusOr<FrameUser> u = resolveFrameUser(spec, /*as_root=*/true);
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->switch_user);
  EXPECT_EQ(u->uid, 4321);
  EXPECT_EQ(u->gid, kNobodyId);
  for (gid_t g : u->groups) EXPECT_NE(g, 0u);
  spec.uid = -1;  // unknown uid, unknown user: nobody
  u = resolveFrameUser(spec, true);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->uid, kNobodyId);
  spec.user_name = "root";  // a name that maps to uid 0 is not used
  u = resolveFrameUser(spec, true);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->uid, kNobodyId);
}

TEST(SpawnFrameTest, ReportsAFailureBeforeExec) {
  SpawnSpec spec;
  spec.command = "true";
  spec.output_fd = 2;
  spec.cpus = {CPU_SETSIZE - 1};  // no such CPU: sched_setaffinity fails in the child
  absl::StatusOr<pid_t> pid = spawnFrame(spec);
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(pid.status().message().find("sched_setaffinity"), absl::string_view::npos)
      << pid.status();
}

// rqd "crashes" (SIGKILL) while a frame runs: PR_SET_PDEATHSIG takes the frame's shell down.
TEST(SpawnFrameTest, FrameShellDiesWithRqd) {
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  pid_t helper = ::fork();
  if (helper == 0) {
    ::dup2(out[1], 1);
    std::string exe = testing::selfExe();
    ::execl(exe.c_str(), "rqd_test", "--spawn-frame", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  int shell = 0;
  ASSERT_TRUE(absl::SimpleAtoi(line, &shell)) << "helper printed \"" << line << "\"";
  ASSERT_FALSE(processGone("/proc", shell));

  ::kill(helper, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(helper, &status, 0), helper);
  EXPECT_TRUE(waitFor([&] { return processGone("/proc", shell); }));
  // The shell's own child (sleep) was orphaned; it is still in the frame's session, which
  // is how a restarted rqd finds it. Clean it up.
  ProcessTable t = scanProcesses("/proc");
  std::vector<int> left = frameProcesses(t, {shell, 0}, {});
  EXPECT_FALSE(left.empty());
  signalProcesses(left, SIGKILL);
}

TEST(DirectCommandTest, APlainCommandRunsWithoutTheShellFoundOnPath) {
  testing::TempDir dir;
  ASSERT_TRUE(writeFileAtomic(dir.file("render"), "#!/bin/sh\n").ok());
  ASSERT_EQ(::chmod(dir.file("render").c_str(), 0755), 0);
  ASSERT_TRUE(writeFileAtomic(dir.file("data"), "").ok());  // not executable
  const std::string path = "/nonexistent:" + dir.path();

  std::optional<DirectCommand> d = directCommand("render  -f 12 scene_v3.ma out/f.%04d.exr", path);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->path, dir.file("render"));
  EXPECT_EQ(d->argv, (std::vector<std::string>{"render", "-f", "12", "scene_v3.ma",
                                               "out/f.%04d.exr"}));
  d = directCommand("/opt/app/bin/render -x", "");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->path, "/opt/app/bin/render");  // a slash: as written, not looked up
  EXPECT_FALSE(directCommand("data x", path).has_value());
  // A relative PATH entry before the program's directory: the shell's to resolve.
  EXPECT_FALSE(directCommand("render", "bin:" + dir.path()).has_value());
  EXPECT_FALSE(directCommand("render", ":" + dir.path()).has_value());
  EXPECT_FALSE(directCommand("missing x", path).has_value());
}

TEST(DirectCommandTest, WhatTheShellWouldInterpretIsLeftToIt) {
  testing::TempDir dir;
  for (const char* name : {"echo", "true", "exit", "cd", "FOO=1"}) {
    ASSERT_TRUE(writeFileAtomic(dir.file(name), "").ok());
    ASSERT_EQ(::chmod(dir.file(name).c_str(), 0755), 0);
  }
  for (const char* cmd :
       {"echo hi", "true", "exit 3", "cd /tmp", "FOO=1 /bin/true", "/bin/echo $HOME",
        "/bin/a;b", "/bin/a | b", "/bin/a > f", "/bin/a 'q'", "/bin/a \"q\"", "/bin/a *",
        "/bin/a ?", "/bin/a\tb", "/bin/a\nb", "~/bin/x", "/bin/a # c", "/bin/a && b",
        "(/bin/a)", "{ /bin/a; }", "/bin/a\\b", "/bin/a `b`", "! /bin/a", "/bin/a [x]",
        "", "   "}) {
    EXPECT_FALSE(directCommand(cmd, dir.path()).has_value()) << cmd;
  }
}

// A program the kernel cannot execute (a script without #!) still runs: through the shell,
// as before.
TEST(SpawnFrameTest, AScriptWithoutAShebangFallsBackToTheShell) {
  testing::TempDir dir;
  ASSERT_TRUE(writeFileAtomic(dir.file("script"), "echo from-the-script $1\n").ok());
  ASSERT_EQ(::chmod(dir.file("script").c_str(), 0755), 0);
  ASSERT_TRUE(directCommand(dir.file("script") + " arg1", "").has_value());
  SpawnSpec spec;
  spec.command = dir.file("script") + " arg1";
  spec.cwd = dir.path();
  EXPECT_EQ(outputOf(spec, dir.file("out")), "from-the-script arg1\n");
}

// A child that fails before exec says which step failed and why, and no descriptor stays
// open in rqd.
TEST(SpawnFrameTest, AFailureBeforeExecNamesItsStepAndLeavesNothing) {
  testing::TempDir dir;
  int out = ::open(dir.file("out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(out, 0);
  auto openFds = [] { return listDir("/proc/self/fd")->size(); };
  const size_t fds_before = openFds();
  SpawnSpec spec;
  spec.command = "/bin/true";
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.cwd = dir.path();
  spec.output_fd = out;
  spec.cpus = {CPU_SETSIZE - 1};  // no such CPU here: sched_setaffinity fails
  absl::StatusOr<pid_t> pid = spawnFrame(spec);
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.status().message(), "sched_setaffinity: Invalid argument");
  EXPECT_EQ(openFds(), fds_before);
  // The next spawn runs as ever.
  spec.cpus.clear();
  pid = spawnFrame(spec);
  ASSERT_TRUE(pid.ok()) << pid.status();
  int status = 0;
  ASSERT_EQ(::waitpid(*pid, &status, 0), *pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ::close(out);
}

// A frame starts as much nicer than rqd as asked (capped at 19), and as nice as rqd when
// asked nothing; what it starts inherits that.
TEST(SpawnFrameTest, AFrameStartsAsNiceAsAsked) {
  testing::TempDir dir;
  errno = 0;
  const int own = ::getpriority(PRIO_PROCESS, 0);
  ASSERT_EQ(errno, 0);
  for (int nice : {0, 7, 30}) {
    SpawnSpec spec;
    spec.command = "nice";  // coreutils: prints its niceness
    spec.cwd = dir.path();
    spec.nice = nice;
    EXPECT_EQ(outputOf(spec, dir.file(absl::StrCat("out-", nice))),
              absl::StrCat(std::min(19, own + nice), "\n"))
        << nice;
  }
}

// rqd ignores SIGPIPE and blocks the signals its signal thread takes (main.cpp); a frame
// starts with no signal ignored and none blocked. The child resets only the dispositions that
// were not the default at the first launch (signalsToReset), so this runs in a fresh process
// (the "threadsafe" death-test style re-executes the test binary) that sets them up first.
TEST(SpawnFrameDeathTest, AFrameStartsWithNoSignalIgnoredOrBlocked) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::signal(SIGPIPE, SIG_IGN);
        ::signal(SIGUSR2, SIG_IGN);
        sigset_t blocked;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGTERM);
        sigaddset(&blocked, SIGINT);
        ::pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
        testing::TempDir dir;
        SpawnSpec spec;
        spec.command = "grep ^Sig /proc/self/status";
        spec.cwd = dir.path();
        std::string status = outputOf(spec, dir.file("out"));
        std::fprintf(stderr, "%s", status.c_str());
        std::exit(status.find("SigIgn:\t0000000000000000\n") != std::string::npos &&
                          status.find("SigBlk:\t0000000000000000\n") != std::string::npos
                      ? 0
                      : 1);
      },
      ::testing::ExitedWithCode(0), "SigIgn:\t0000000000000000");
}

}  // namespace
}  // namespace cue::rqd
