// NIMBY ("not in my back yard"): a workstation renders only while nobody uses it. With NIMBY
// on, rqd locks the host (NIMBY_LOCKED, reported to cuebot) as soon as a person has used
// keyboard or mouse within `idle_s` seconds, kills its frames (exit status kExitNimby:
// cuebot requeues them without using a retry), and unlocks once nobody has touched the
// machine for `idle_s` (OpenCue's MINIMUM_IDLE, 900 s by default).
//
// Work of the workstation's own (a simulation the artist left running, a compile) keeps a
// locked host locked: it does not unlock while processes that are not frames keep more
// than `--nimby-max-load` percent of the host's CPUs busy (frames' own CPU is subtracted
// from the host's). Load alone never locks a host: CPU that rqd
// cannot tie to a frame would otherwise kill frames for nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace cue::rqd {

// Seconds since a person last used the machine; nullopt when it cannot tell.
class IdleSource {
 public:
  virtual ~IdleSource() = default;
  virtual std::optional<double> idleSeconds() = 0;
};

// Keyboard and mouse activity from /proc/interrupts (lines of i8042, keyboard, mouse and
// USB HID devices): idle time is how long their interrupt counts have not moved. Works
// without X11 and for any local input device. Not thread-safe (the sampler calls it).
class InterruptsIdleSource final : public IdleSource {
 public:
  explicit InterruptsIdleSource(std::string path = "/proc/interrupts") : path_(std::move(path)) {}
  std::optional<double> idleSeconds() override;
  // The summed counts of the input-device lines of an /proc/interrupts text; nullopt when
  // it has none.
  static std::optional<uint64_t> inputInterrupts(const std::string& text);

 private:
  std::string path_;
  std::optional<uint64_t> last_count_;
  std::chrono::steady_clock::time_point last_change_ = std::chrono::steady_clock::now();
};

// Idle seconds read from a file (a number), for sites that measure idle time their own
// way (e.g. `xprintidle` in a session script) and for tests.
class FileIdleSource final : public IdleSource {
 public:
  explicit FileIdleSource(std::string path) : path_(std::move(path)) {}
  std::optional<double> idleSeconds() override;

 private:
  std::string path_;
};

// How busy the host's CPUs were since the previous call.
struct CpuBusy {
  double cores = 0;  // CPUs' worth of busy time per second (2.5 = two and a half CPUs busy)
  int cpus = 1;      // logical CPUs
};

class CpuBusySource {
 public:
  virtual ~CpuBusySource() = default;
  // nullopt on the first call (nothing to compare with) and when it cannot tell.
  virtual std::optional<CpuBusy> busy() = 0;
};

// From /proc/stat: busy = user + nice + system + irq + softirq + steal jiffies of the "cpu"
// line, as a share of all its jiffies, times the number of "cpuN" lines. Not thread-safe.
class ProcStatBusySource final : public CpuBusySource {
 public:
  explicit ProcStatBusySource(std::string path = "/proc/stat") : path_(std::move(path)) {}
  std::optional<CpuBusy> busy() override;

  struct Jiffies {
    uint64_t busy = 0;
    uint64_t total = 0;
    int cpus = 0;
  };
  // The summary "cpu" line and the count of "cpuN" lines of a /proc/stat text.
  static std::optional<Jiffies> parse(const std::string& text);

 private:
  std::string path_;
  std::optional<Jiffies> last_;
};

enum class NimbyAction { kNone, kLock, kUnlock };

// What NIMBY does now, given whether the host is NIMBY-locked, the idle time, and whether
// processes that are not frames keep the host busy (`loaded`: holds a lock, never takes one).
NimbyAction nimbyStep(bool locked, std::optional<double> idle_s, double threshold_s,
                      bool loaded = false);

}  // namespace cue::rqd
