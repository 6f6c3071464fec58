// useHugePageHeap re-executes a process once with glibc's huge-page tunable set, keeping its
// pid and arguments, and leaves tunables an administrator set alone. The test binary runs
// itself as the process under test (--report-tunables), so this test starts processes:
// label integration.
#include "common/process.h"

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

// What the child printed: "<GLIBC_TUNABLES> <pid before> <pid after> <argv[2]> <image>",
// image "reexecuted" when the printing image is the second one.
std::string runChild(const char* tunables) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    if (std::strncmp(*e, "GLIBC_TUNABLES=", 15) != 0) env_strings.push_back(*e);
  if (tunables != nullptr) env_strings.push_back(std::string("GLIBC_TUNABLES=") + tunables);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  int out[2];
  if (::pipe(out) != 0) return "pipe failed";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string self = "/proc/self/exe";
  char arg0[] = "common_process_test", arg1[] = "--report-tunables", arg2[] = "marker-42";
  char* argv[] = {arg0, arg1, arg2, nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  std::string text;
  char buf[256];
  ssize_t n;
  while (rc == 0 && (n = ::read(out[0], buf, sizeof buf)) > 0) text.append(buf, n);
  ::close(out[0]);
  int status = 0;
  if (rc == 0) ::waitpid(pid, &status, 0);
  return rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? text : "child failed";
}

TEST(UseHugePageHeapTest, ReexecutesOnceWithTheTunableKeepingPidAndArguments) {
  std::string out = runChild(nullptr);
  char tunables[128] = {0}, marker[64] = {0}, image[32] = {0};
  long before = 0, after = 0;
  ASSERT_EQ(
      std::sscanf(out.c_str(), "%127s %ld %ld %63s %31s", tunables, &before, &after, marker, image),
      5)
      << out;
  EXPECT_STREQ(tunables, "glibc.malloc.hugetlb=1");
  EXPECT_STREQ(image, "reexecuted");
  EXPECT_EQ(before, after);  // the same process
  EXPECT_STREQ(marker, "marker-42");
}

TEST(UseHugePageHeapTest, LeavesAnAdministratorsTunablesAlone) {
  std::string out = runChild("glibc.malloc.check=0");
  char tunables[128] = {0}, image[32] = {0};
  long before = 0, after = 0;
  ASSERT_EQ(std::sscanf(out.c_str(), "%127s %ld %ld %*s %31s", tunables, &before, &after, image), 4)
      << out;
  EXPECT_STREQ(tunables, "glibc.malloc.check=0");
  EXPECT_STREQ(image, "original");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--report-tunables") == 0) {
    // Before: the pid the parent spawned, carried over the re-execution in the environment.
    const char* first = std::getenv("CUE_TEST_FIRST_PID");
    std::string before = first ? first : std::to_string(::getpid());
    ::setenv("CUE_TEST_FIRST_PID", before.c_str(), 1);
    cue::common::useHugePageHeap(argv);
    const char* t = std::getenv("GLIBC_TUNABLES");
    std::printf("%s %s %d %s %s\n", t ? t : "(unset)", before.c_str(), ::getpid(), argv[2],
                first ? "reexecuted" : "original");
    return 0;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
