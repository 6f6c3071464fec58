#include "rqd/machine.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::TempDir;

void put(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string meminfo(int available_kb) {
  return "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:   " +
         std::to_string(available_kb) +
         " kB\nSwapTotal:       2000000 kB\nSwapFree:        1500000 kB\n";
}

TEST(MachineTest, ABurstOfSamplesReadsProcOnceASecond) {
  TempDir proc;
  put(proc.file("cpuinfo"),
      "processor\t: 0\nphysical id\t: 0\ncore id\t\t: 0\ncpu cores\t: 2\n\n"
      "processor\t: 1\nphysical id\t: 0\ncore id\t\t: 1\ncpu cores\t: 2\n\n");
  put(proc.file("meminfo"), meminfo(8000000));
  put(proc.file("loadavg"), "0.50 0.40 0.30 1/100 4242\n");
  common::ManualClock clock;
  MachineOptions mo;
  mo.clock = &clock;
  mo.proc_root = proc.path();
  mo.sys_root = proc.file("no-sys");
  mo.os_release_path = proc.file("no-os-release");
  absl::StatusOr<std::unique_ptr<Machine>> m = Machine::probe(mo);
  ASSERT_TRUE(m.ok()) << m.status();
  const MachineDynamic first = (*m)->sample();
  EXPECT_EQ(first.free_mem, 8000000);
  EXPECT_EQ(first.free_swap, 1500000);
  // A frame ends, another, another: each report samples the host within the same second.
  put(proc.file("meminfo"), meminfo(4000000));
  clock.advanceMillis(999);
  EXPECT_EQ((*m)->sample().free_mem, 8000000) << "read again within a second";
  clock.advanceMillis(1);
  EXPECT_EQ((*m)->sample().free_mem, 4000000) << "read again a second later";
}

}  // namespace
}  // namespace cue::rqd
