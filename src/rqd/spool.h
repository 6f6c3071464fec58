// State that must survive an rqd restart, kept as one file per entry under a directory:
//   <spool>/completions/  FrameCompleteReports cuebot has not acknowledged (reporter.h);
//   <spool>/running/      frames running now, so a restarted rqd can clean up after frames
//                         that died with it and report them (rqd_core.h).
// Writes are atomic (temp file + rename), so a crash leaves the old or the new entry.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"

namespace cue::rqd {

// A directory of key -> bytes entries. Thread-safe for distinct keys; concurrent writes of
// one key leave one of them.
class FileSpool {
 public:
  // `sync`: entries are fsynced, so they survive the host crashing; without it they survive
  // rqd crashing or being killed, and cost no disk flush.
  explicit FileSpool(std::string dir, bool sync = true) : dir_(std::move(dir)), sync_(sync) {}

  // Creates the directory (mkdir -p, mode 0700).
  absl::Status init() const;
  absl::Status put(const std::string& key, const std::string& data) const;
  // OK when the key does not exist.
  absl::Status remove(const std::string& key) const;
  // Every entry, sorted by key. Unreadable entries are skipped (and logged).
  std::vector<std::pair<std::string, std::string>> loadAll() const;

  const std::string& dir() const { return dir_; }

  // File name for a key: [A-Za-z0-9._-] kept, other bytes as %XX; suffix ".entry".
  static std::string fileNameFor(const std::string& key);
  static std::string keyFor(const std::string& file_name);  // inverse; "" if not an entry

 private:
  std::string dir_;
  bool sync_;
};

// What rqd remembers about a running frame.
struct RunningRecord {
  FrameSpec spec;  // ids, names, num_cores, start_time, log_dir_file
  int pid = 0;
  uint64_t root_starttime = 0;  // the shell's /proc start time (ticks after boot)
  EpochSec started_at = 0;
};

// A small "key=value" per line text form (values escaped), stable across versions:
// unknown keys are ignored when decoding.
std::string encodeRunningRecord(const RunningRecord& r);
absl::StatusOr<RunningRecord> decodeRunningRecord(const std::string& text);

}  // namespace cue::rqd
