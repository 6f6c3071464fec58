// Time source seam. Server code reads time through a Clock so timers (host timeouts,
// retries) can be tested with a ManualClock instead of sleeping.
#pragma once

#include <atomic>
#include <cstdint>

namespace cue::common {

// Seconds since the Unix epoch, the unit OpenCue uses on the wire for times.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the epoch. Thread-safe.
  virtual int64_t nowMillis() const = 0;
  int64_t nowSeconds() const { return nowMillis() / 1000; }
};

// The wall clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  int64_t nowMillis() const override;
  static SystemClock& instance();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_millis = 1'700'000'000'000) : now_(start_millis) {}
  int64_t nowMillis() const override { return now_.load(); }
  void advanceMillis(int64_t ms) { now_ += ms; }
  void setMillis(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace cue::common
