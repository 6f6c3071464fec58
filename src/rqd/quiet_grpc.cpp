#include "rqd/quiet_grpc.h"

#include <grpc/event_engine/event_engine.h>
#include <grpc/support/time.h>
#include <grpcpp/version_info.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"

#if GRPC_CPP_VERSION_MAJOR == 1 && GRPC_CPP_VERSION_MINOR == 51
#define CUE_QUIET_GRPC 1
#endif

#ifdef CUE_QUIET_GRPC
// gRPC 1.51's timer interface (src/core/lib/iomgr/timer.h), declared here as the library
// exports it: a timer and a closure are opaque; a Timestamp is milliseconds since gRPC's
// process epoch, passed by value like the int64 it holds.
struct grpc_timer;
struct grpc_closure;
namespace grpc_core {
class Timestamp {
 public:
  static Timestamp FromTimespecRoundDown(gpr_timespec t);
  int64_t millis;
};
// Read only where gRPC is built to trace where closures come from: a file and a line.
class DebugLocation {
 public:
  const char* file;
  int line;
};
class ExecCtx {
 public:
  // Queues `closure` on the calling thread's execution context (every timer call has one).
  static void Run(const DebugLocation& location, grpc_closure* closure, absl::Status error);
};
}  // namespace grpc_core
enum grpc_timer_check_result {
  GRPC_TIMERS_NOT_CHECKED,
  GRPC_TIMERS_CHECKED_AND_EMPTY,
  GRPC_TIMERS_FIRED,
};
struct grpc_timer_vtable {
  void (*init)(grpc_timer* timer, grpc_core::Timestamp deadline, grpc_closure* closure);
  void (*cancel)(grpc_timer* timer);
  grpc_timer_check_result (*check)(grpc_core::Timestamp* next);
  void (*list_init)();
  void (*list_shutdown)();
  void (*consume_kick)();
};
void grpc_set_timer_impl(grpc_timer_vtable* vtable);
// Sets the platform's parts (the generic timers among them) unless grpc_init finds them set.
void grpc_set_default_iomgr_platform();
void grpc_kick_poller();
namespace grpc_event_engine::experimental {
std::unique_ptr<EventEngine> DefaultEventEngineFactory();
}  // namespace grpc_event_engine::experimental
#endif

namespace cue::rqd {

#ifdef CUE_QUIET_GRPC
namespace {

using grpc_core::Timestamp;

constexpr grpc_core::DebugLocation kHere{__FILE__, __LINE__};

int64_t nowMillis() {
  return Timestamp::FromTimespecRoundDown(gpr_now(GPR_CLOCK_MONOTONIC)).millis;
}

// Every pending timer, by deadline. gRPC's timer threads ask check() what is due and sleep
// until the earliest deadline, or until kicked by a new earlier timer.
class TimerList {
 public:
  void init(grpc_timer* timer, int64_t deadline, grpc_closure* closure) {
    if (deadline <= nowMillis()) {
      grpc_core::ExecCtx::Run(kHere, closure, absl::OkStatus());
      return;
    }
    bool earliest = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = by_timer_.find(timer);
      if (it != by_timer_.end()) {  // set again while pending (gRPC does not): moved
        by_deadline_.erase({it->second, timer});
        by_timer_.erase(it);
      }
      earliest = by_deadline_.empty() || deadline < by_deadline_.begin()->first.first;
      by_deadline_.emplace(std::make_pair(deadline, timer), closure);
      by_timer_[timer] = deadline;
    }
    if (earliest) grpc_kick_poller();  // a timer thread may sleep past this deadline
  }

  void cancel(grpc_timer* timer) {
    grpc_closure* closure = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = by_timer_.find(timer);
      if (it == by_timer_.end()) return;  // fired, cancelled, or never set
      auto entry = by_deadline_.find({it->second, timer});
      closure = entry->second;
      by_deadline_.erase(entry);
      by_timer_.erase(it);
    }
    // gRPC tells a cancelled timer from a fired one by comparing with exactly this status
    // (code and empty message).
    grpc_core::ExecCtx::Run(kHere, closure, absl::CancelledError());
  }

  grpc_timer_check_result check(Timestamp* next) {
    std::vector<grpc_closure*> due;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const int64_t now = nowMillis();
      while (!by_deadline_.empty() && by_deadline_.begin()->first.first <= now) {
        auto first = by_deadline_.begin();
        due.push_back(first->second);
        by_timer_.erase(first->first.second);
        by_deadline_.erase(first);
      }
      if (next != nullptr && !by_deadline_.empty() &&
          by_deadline_.begin()->first.first < next->millis)
        next->millis = by_deadline_.begin()->first.first;
    }
    for (grpc_closure* c : due) grpc_core::ExecCtx::Run(kHere, c, absl::OkStatus());
    return due.empty() ? GRPC_TIMERS_CHECKED_AND_EMPTY : GRPC_TIMERS_FIRED;
  }

  // gRPC shuts down: every pending closure runs, with an error.
  void shutdown() {
    std::vector<grpc_closure*> pending;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [key, closure] : by_deadline_) pending.push_back(closure);
      by_deadline_.clear();
      by_timer_.clear();
    }
    for (grpc_closure* c : pending)
      grpc_core::ExecCtx::Run(kHere, c, absl::UnavailableError("Timer list shutdown"));
  }

 private:
  std::mutex mu_;
  std::map<std::pair<int64_t, grpc_timer*>, grpc_closure*> by_deadline_;
  std::unordered_map<grpc_timer*, int64_t> by_timer_;  // a pending timer's deadline
};

// Never destroyed: gRPC may shut down while static objects are being destroyed.
TimerList& timers() {
  static TimerList* list = new TimerList;
  return *list;
}

grpc_timer_vtable kQuietTimers = {
    [](grpc_timer* t, Timestamp deadline, grpc_closure* c) { timers().init(t, deadline.millis, c); },
    [](grpc_timer* t) { timers().cancel(t); },
    [](Timestamp* next) { return timers().check(next); },
    [] {},
    [] { timers().shutdown(); },
    [] {},
};

using grpc_event_engine::experimental::EndpointConfig;
using grpc_event_engine::experimental::EventEngine;
using grpc_event_engine::experimental::MemoryAllocator;
using grpc_event_engine::experimental::MemoryAllocatorFactory;

// gRPC's default engine, made when something first asks it for work.
class LazyEventEngine final : public EventEngine {
 public:
  absl::StatusOr<std::unique_ptr<Listener>> CreateListener(
      Listener::AcceptCallback on_accept, absl::AnyInvocable<void(absl::Status)> on_shutdown,
      const EndpointConfig& config,
      std::unique_ptr<MemoryAllocatorFactory> memory_allocator_factory) override {
    return engine().CreateListener(std::move(on_accept), std::move(on_shutdown), config,
                                   std::move(memory_allocator_factory));
  }
  ConnectionHandle Connect(OnConnectCallback on_connect, const ResolvedAddress& addr,
                           const EndpointConfig& args, MemoryAllocator memory_allocator,
                           Duration timeout) override {
    return engine().Connect(std::move(on_connect), addr, args, std::move(memory_allocator),
                            timeout);
  }
  bool CancelConnect(ConnectionHandle handle) override { return engine().CancelConnect(handle); }
  // No engine yet: no thread is one of its workers.
  bool IsWorkerThread() override {
    EventEngine* made = made_.load(std::memory_order_acquire);
    return made != nullptr && made->IsWorkerThread();
  }
  std::unique_ptr<DNSResolver> GetDNSResolver(const DNSResolver::ResolverOptions& options) override {
    return engine().GetDNSResolver(options);
  }
  void Run(Closure* closure) override { engine().Run(closure); }
  void Run(absl::AnyInvocable<void()> closure) override { engine().Run(std::move(closure)); }
  TaskHandle RunAfter(Duration when, Closure* closure) override {
    return engine().RunAfter(when, closure);
  }
  TaskHandle RunAfter(Duration when, absl::AnyInvocable<void()> closure) override {
    return engine().RunAfter(when, std::move(closure));
  }
  bool Cancel(TaskHandle handle) override { return engine().Cancel(handle); }

 private:
  EventEngine& engine() {
    std::call_once(once_, [this] {
      engine_ = grpc_event_engine::experimental::DefaultEventEngineFactory();
      made_.store(engine_.get(), std::memory_order_release);
    });
    return *engine_;
  }
  std::once_flag once_;
  std::unique_ptr<EventEngine> engine_;
  std::atomic<EventEngine*> made_{nullptr};
};

// Once: grpc_init sets the platform's defaults, the generic timers among them, unless they
// are set already; they are set here, then the timers replaced.
std::string install() {
  grpc_set_default_iomgr_platform();
  grpc_set_timer_impl(&kQuietTimers);
  // The channel to cuebot is polled by the calls rqd makes on it; gRPC's backup poll of
  // its connection (for clients that leave a channel unpolled) once a minute, not every 5 s.
  ::setenv("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS", "60000", /*overwrite=*/0);
  grpc_event_engine::experimental::SetEventEngineFactory(
      [] { return std::make_unique<LazyEventEngine>(); });
  return "gRPC timers that wake only when one is due; gRPC's event engine started on first use";
}

}  // namespace

std::string installQuietGrpc() {
  static const std::string installed = install();
  return installed;
}

#else

std::string installQuietGrpc() {
  return "gRPC " GRPC_CPP_VERSION_STRING "'s own timers (the quiet ones need gRPC 1.51)";
}

#endif

}  // namespace cue::rqd
