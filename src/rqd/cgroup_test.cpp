// Both cgroup layouts on fake trees (plain files in a temp dir stand in for cgroupfs).
#include "rqd/cgroup.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "rqd/sys_util.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

void put(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string get(const std::string& path) {
  auto t = readFile(path);
  return t.ok() ? *t : "<missing>";
}

TEST(Cgroups, V2Tree) {
  TempDir t;
  const std::string root = t.file("cg");
  put(root + "/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma\n");
  put(root + "/cgroup.subtree_control", "");
  CgroupConfig config;
  config.root = root;
  Cgroups cg = Cgroups::open(config);
  ASSERT_EQ(cg.mode(), CgroupMode::kV2) << cg.description();
  EXPECT_EQ(get(root + "/cgroup.subtree_control"), "+memory +cpu +pids");
  EXPECT_EQ(get(root + "/cue-rqd/cgroup.subtree_control"), "+memory +cpu +pids");
  auto frame = cg.createFrame("f1", 1024);
  ASSERT_TRUE(frame.ok()) << frame.status();
  ASSERT_EQ((*frame)->procsFiles().size(), 1u);
  const std::string dir = fs::path((*frame)->procsFiles()[0]).parent_path().string();
  EXPECT_EQ(fs::path(dir).parent_path().string(), root + "/cue-rqd");
  EXPECT_TRUE(fs::path(dir).filename().string().starts_with("frame-f1-")) << dir;
  EXPECT_EQ(get(dir + "/memory.max"), "1048576");
  // Each frame gets a new directory, even under the same name.
  auto again = cg.createFrame("f1", 0);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE((*again)->procsFiles(), (*frame)->procsFiles());
  put(dir + "/cgroup.procs", "12\n7\n");
  put(dir + "/memory.current", "1048576\n");
  put(dir + "/memory.peak", "3145728\n");
  put(dir + "/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
  put(dir + "/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
  EXPECT_EQ((*frame)->pids(), (std::vector<int>{7, 12}));
  EXPECT_EQ((*frame)->memoryCurrent(), 1024);
  EXPECT_EQ((*frame)->memoryPeak(), 3072);
  EXPECT_EQ((*frame)->oomKills(), 1);
  EXPECT_DOUBLE_EQ((*frame)->cpuSeconds(), 2.5);
  EXPECT_FALSE((*frame)->empty());
  put(dir + "/cgroup.procs", "");
  EXPECT_TRUE((*frame)->empty());
  EXPECT_FALSE((*again)->empty());  // no list to read: not known to be empty
}

TEST(Cgroups, V1Tree) {
  TempDir t;
  const std::string root = t.file("cg");
  put(root + "/memory/memory.limit_in_bytes", "9223372036854771712\n");
  put(root + "/cpuacct/cpuacct.usage", "0\n");
  put(root + "/unified/cgroup.controllers", "");  // a hybrid host's empty v2 mount
  CgroupConfig config;
  config.root = root;
  Cgroups cg = Cgroups::open(config);
  ASSERT_EQ(cg.mode(), CgroupMode::kV1) << cg.description();
  auto frame = cg.createFrame("f2", 2048);
  ASSERT_TRUE(frame.ok()) << frame.status();
  ASSERT_EQ((*frame)->procsFiles().size(), 2u);
  const std::string mem = fs::path((*frame)->procsFiles()[0]).parent_path().string();
  const std::string cpu = fs::path((*frame)->procsFiles()[1]).parent_path().string();
  EXPECT_EQ(fs::path(mem).parent_path().string(), root + "/memory/cue-rqd");
  EXPECT_EQ(fs::path(cpu).parent_path().string(), root + "/cpuacct/cue-rqd");
  EXPECT_EQ(get(mem + "/memory.limit_in_bytes"), "2097152");
  put(mem + "/cgroup.procs", "40\n");
  put(cpu + "/cgroup.procs", "40\n41\n");
  put(mem + "/memory.usage_in_bytes", "2048\n");
  put(mem + "/memory.max_usage_in_bytes", "2097152\n");
  put(mem + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  put(cpu + "/cpuacct.usage", "1500000000\n");
  EXPECT_EQ((*frame)->pids(), (std::vector<int>{40, 41}));
  EXPECT_EQ((*frame)->memoryPeak(), 2048);
  EXPECT_EQ((*frame)->oomKills(), 2);
  EXPECT_DOUBLE_EQ((*frame)->cpuSeconds(), 1.5);
  // A frame id that is not a plain name is refused.
  EXPECT_EQ(cg.createFrame("../x", 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Cgroups, NoneSaysWhy) {
  TempDir t;
  CgroupConfig config;
  config.root = t.file("empty");
  Cgroups cg = Cgroups::open(config);
  EXPECT_EQ(cg.mode(), CgroupMode::kNone);
  EXPECT_NE(cg.description().find("no cgroup v2 memory controller"), std::string::npos);
  EXPECT_EQ(cg.createFrame("f", 0).status().code(), absl::StatusCode::kFailedPrecondition);
  config.enabled = false;
  EXPECT_EQ(Cgroups::open(config).description(), "cgroups turned off (--no-cgroups)");
  // A v2 mount without the memory controller (as on hybrid hosts) is not used.
  put(t.file("unified/cgroup.controllers"), "\n");
  config.enabled = true;
  config.root = t.file("unified");
  EXPECT_EQ(Cgroups::open(config).mode(), CgroupMode::kNone);
}

}  // namespace
}  // namespace cue::rqd
