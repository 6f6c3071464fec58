#include "rqd/nimby.h"

#include <fstream>

#include <gtest/gtest.h>

#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

TEST(Nimby, LocksWhileSomeoneIsActiveAndUnlocksWhenIdleLongEnough) {
  EXPECT_EQ(nimbyStep(false, 5.0, 900), NimbyAction::kLock);
  EXPECT_EQ(nimbyStep(true, 5.0, 900), NimbyAction::kNone);
  EXPECT_EQ(nimbyStep(true, 899.0, 900), NimbyAction::kNone);
  EXPECT_EQ(nimbyStep(true, 900.0, 900), NimbyAction::kUnlock);
  EXPECT_EQ(nimbyStep(false, 2000.0, 900), NimbyAction::kNone);
  EXPECT_EQ(nimbyStep(false, std::nullopt, 900), NimbyAction::kNone);  // cannot tell
  EXPECT_EQ(nimbyStep(true, std::nullopt, 900), NimbyAction::kNone);
}

TEST(Nimby, LoadFromOtherWorkKeepsALockedHostLocked) {
  EXPECT_EQ(nimbyStep(false, 2000.0, 900, /*loaded=*/true), NimbyAction::kNone);  // never locks
  EXPECT_EQ(nimbyStep(true, 2000.0, 900, /*loaded=*/true), NimbyAction::kNone);  // stays locked
  EXPECT_EQ(nimbyStep(true, 2000.0, 900, /*loaded=*/false), NimbyAction::kUnlock);
  EXPECT_EQ(nimbyStep(true, std::nullopt, 900, true), NimbyAction::kNone);
}

TEST(Nimby, BusyCpusFromProcStat) {
  const std::string before =
      "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 50 0 50 400 0 0 0 0 0 0\n"
      "cpu1 50 0 50 400 0 0 0 0 0 0\nintr 1 2 3\n";
  std::optional<ProcStatBusySource::Jiffies> j = ProcStatBusySource::parse(before);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->busy, 200u);
  EXPECT_EQ(j->total, 1000u);
  EXPECT_EQ(j->cpus, 2);
  EXPECT_FALSE(ProcStatBusySource::parse("intr 1 2 3\n").has_value());
  EXPECT_FALSE(ProcStatBusySource::parse("cpu  a b c d e f g h\n").has_value());

  testing::TempDir dir;
  const std::string stat = dir.file("stat");
  std::ofstream(stat) << before;
  ProcStatBusySource source(stat);
  EXPECT_FALSE(source.busy().has_value());  // nothing to compare with yet
  // 150 of the next 200 jiffies busy (iowait counts as idle): 1.5 of 2 CPUs.
  std::ofstream(stat) << "cpu  200 10 140 840 10 0 0 0 0 0\ncpu0 1\ncpu1 1\n";
  std::optional<CpuBusy> b = source.busy();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->cpus, 2);
  EXPECT_DOUBLE_EQ(b->cores, 1.5);
}

TEST(Nimby, InputInterruptsFromProcInterrupts) {
  const std::string text =
      "           CPU0       CPU1\n"
      "  0:         44          0   IO-APIC   2-edge      timer\n"
      "  1:        100         20   IO-APIC   1-edge      i8042\n"
      " 12:          3          4   IO-APIC  12-edge      i8042\n"
      " 40:        999          0   PCI-MSI 524288-edge      nvme0q0\n"
      " 55:          7          1   PCI-MSI 327680-edge      xhci_hcd, usbhid-mouse\n";
  EXPECT_EQ(InterruptsIdleSource::inputInterrupts(text), 100u + 20 + 3 + 4 + 7 + 1);
  EXPECT_EQ(InterruptsIdleSource::inputInterrupts("  0: 44 IO-APIC timer\n"), std::nullopt);
}

TEST(Nimby, FileIdleSource) {
  testing::TempDir t;
  FileIdleSource f(t.file("idle"));
  EXPECT_EQ(f.idleSeconds(), std::nullopt);
  std::ofstream(t.file("idle")) << "42.5\n";
  EXPECT_EQ(f.idleSeconds(), 42.5);
  std::ofstream(t.file("idle")) << "soon";
  EXPECT_EQ(f.idleSeconds(), std::nullopt);
}

}  // namespace
}  // namespace cue::rqd
