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
