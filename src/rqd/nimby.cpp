#include "rqd/nimby.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "rqd/sys_util.h"

namespace cue::rqd {

std::optional<uint64_t> InterruptsIdleSource::inputInterrupts(const std::string& text) {
  std::optional<uint64_t> total;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::string lower = absl::AsciiStrToLower(line);
    if (!absl::StrContains(lower, "i8042") && !absl::StrContains(lower, "keyboard") &&
        !absl::StrContains(lower, "mouse") && !absl::StrContains(lower, "hid"))
      continue;
    // "  1:   1234   5678   IO-APIC   1-edge   i8042": the numbers after the label.
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    uint64_t sum = 0;
    for (size_t i = 1; i < fields.size(); ++i) {
      uint64_t n = 0;
      if (!absl::SimpleAtoi(fields[i], &n)) break;
      sum += n;
    }
    total = total.value_or(0) + sum;
  }
  return total;
}

std::optional<double> InterruptsIdleSource::idleSeconds() {
  auto text = readFile(path_);
  if (!text.ok()) return std::nullopt;
  std::optional<uint64_t> count = inputInterrupts(*text);
  if (!count) return std::nullopt;
  const auto now = std::chrono::steady_clock::now();
  if (last_count_ && *count != *last_count_) last_change_ = now;
  last_count_ = count;
  return std::chrono::duration<double>(now - last_change_).count();
}

std::optional<double> FileIdleSource::idleSeconds() {
  auto text = readFile(path_);
  double v = 0;
  if (!text.ok() || !absl::SimpleAtod(absl::StripAsciiWhitespace(*text), &v) || v < 0)
    return std::nullopt;
  return v;
}

std::optional<ProcStatBusySource::Jiffies> ProcStatBusySource::parse(const std::string& text) {
  std::optional<Jiffies> out;
  int cpus = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "cpu")) continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f[0] != "cpu") {
      ++cpus;
      continue;
    }
    // cpu user nice system idle iowait irq softirq steal [guest guest_nice: inside user]
    uint64_t v[8] = {};
    if (f.size() < 9) return std::nullopt;
    for (int i = 0; i < 8; ++i)
      if (!absl::SimpleAtoi(f[i + 1], &v[i])) return std::nullopt;
    Jiffies j;
    j.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    j.total = j.busy + v[3] + v[4];
    out = j;
  }
  if (out) out->cpus = cpus > 0 ? cpus : 1;
  return out;
}

std::optional<CpuBusy> ProcStatBusySource::busy() {
  auto text = readFile(path_);
  if (!text.ok()) return std::nullopt;
  std::optional<Jiffies> now = parse(*text);
  if (!now) return std::nullopt;
  std::optional<Jiffies> before = last_;
  last_ = now;
  if (!before || now->total <= before->total || now->busy < before->busy) return std::nullopt;
  CpuBusy b;
  b.cpus = now->cpus;
  b.cores = static_cast<double>(now->busy - before->busy) /
            static_cast<double>(now->total - before->total) * now->cpus;
  return b;
}

NimbyAction nimbyStep(bool locked, std::optional<double> idle_s, double threshold_s,
                      bool loaded) {
  if (!idle_s) return NimbyAction::kNone;  // cannot tell: leave the host as it is
  if (!locked && *idle_s < threshold_s) return NimbyAction::kLock;
  // Load never locks by itself (CPU rqd cannot tie to a frame would kill frames for
  // nothing), but a host someone left busy stays locked.
  if (locked && *idle_s >= threshold_s && !loaded) return NimbyAction::kUnlock;
  return NimbyAction::kNone;
}

}  // namespace cue::rqd
