// rqd_test's main installs the quiet gRPC (quiet_grpc.h) before any test: these check
// its timer list through gRPC's public alarms, which run on it.
#include "rqd/quiet_grpc.h"

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace cue::rqd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

struct Fired {
  intptr_t tag;
  bool ok;
};

Fired next(grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  EXPECT_TRUE(cq.Next(&tag, &ok));
  return {reinterpret_cast<intptr_t>(tag), ok};
}

TEST(QuietGrpcTest, TimersFireInDeadlineOrderAndNotBefore) {
  grpc::CompletionQueue cq;
  const auto start = Clock::now();
  grpc::Alarm late, first, middle;
  late.Set(&cq, start + 300ms, reinterpret_cast<void*>(3));
  first.Set(&cq, start + 100ms, reinterpret_cast<void*>(1));
  middle.Set(&cq, start + 200ms, reinterpret_cast<void*>(2));
  for (intptr_t want = 1; want <= 3; ++want) {
    Fired f = next(cq);
    EXPECT_EQ(f.tag, want);
    EXPECT_TRUE(f.ok) << "fired, not cancelled";
    EXPECT_GE(Clock::now(), start + want * 100ms) << "alarm " << want << " fired early";
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  EXPECT_FALSE(cq.Next(&tag, &ok));
}

TEST(QuietGrpcTest, ACancelledTimerEndsAtOnceAsCancelled) {
  grpc::CompletionQueue cq;
  const auto start = Clock::now();
  grpc::Alarm never;
  never.Set(&cq, start + 1h, reinterpret_cast<void*>(7));
  never.Cancel();
  Fired f = next(cq);
  EXPECT_EQ(f.tag, 7);
  EXPECT_FALSE(f.ok) << "cancelled";
  EXPECT_LT(Clock::now(), start + 1min);
  // A timer already due fires at once.
  grpc::Alarm past;
  past.Set(&cq, start - 1s, reinterpret_cast<void*>(8));
  f = next(cq);
  EXPECT_EQ(f.tag, 8);
  EXPECT_TRUE(f.ok);
  cq.Shutdown();
  void* tag;
  bool ok;
  EXPECT_FALSE(cq.Next(&tag, &ok));
}

TEST(QuietGrpcTest, SaysWhatItInstalled) {
  EXPECT_NE(installQuietGrpc().find("gRPC"), std::string::npos);
}

}  // namespace
}  // namespace cue::rqd
