// State that must survive an rqd restart, kept under a directory:
//   <spool>/completions/  FrameCompleteReports cuebot has not acknowledged (reporter.h);
//   <spool>/running/      frames running now, so a restarted rqd can clean up after frames
//                         that died with it and report them (rqd_core.h).
// Each directory holds one append-only journal of puts and removes, each record framed
// with its length and a checksum, so a record torn by a crash is recognised and dropped
// with everything after it; a journal that has grown to several times what it still
// holds is rewritten (temp file + rename). One file appended to, rather than a file made,
// renamed and deleted per entry: on ext4 creating files where many were just deleted
// makes the kernel search its inode bitmaps, which was the largest share of rqd's own CPU
// per frame. Entries of the older one-file-per-entry layout ("<key>.entry") are taken
// into the journal by init().
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"

namespace cue::rqd {

// A directory of key -> bytes entries. Thread-safe. One process uses a directory at a time:
// the first init() takes an flock on the journal that the process keeps until its last
// FileSpool on the directory is gone, so appends take no lock of their own; an rqd started
// while another still holds the directory (a restart that overlaps the old process's exit)
// waits for it, saying so. FileSpools of one process on one directory share its journal.
class FileSpool {
 public:
  // `sync`: entries are fdatasynced, so they survive the host crashing; without it they
  // survive rqd crashing or being killed, and cost no disk flush.
  explicit FileSpool(std::string dir, bool sync = true) : dir_(std::move(dir)), sync_(sync) {}
  ~FileSpool();
  FileSpool(const FileSpool&) = delete;
  FileSpool& operator=(const FileSpool&) = delete;

  // Creates the directory (mkdir -p, mode 0700), takes its journal (waiting for another
  // process that holds it), drops a torn tail left by a crash, and takes in the entries of
  // the older one-file-per-entry layout. put() and remove() on a FileSpool that was not
  // initialised take the journal themselves, without that repair.
  absl::Status init();
  absl::Status put(const std::string& key, const std::string& data);
  // OK when the key does not exist.
  absl::Status remove(const std::string& key);
  // Every entry, sorted by key.
  std::vector<std::pair<std::string, std::string>> loadAll() const;

  const std::string& dir() const { return dir_; }
  std::string journalPath() const;

  // The journal is rewritten once it is larger than this and four times what it holds.
  static constexpr int64_t kRewriteBytes = 256 * 1024;

  // File name of the older layout for a key: [A-Za-z0-9._-] kept, other bytes as %XX;
  // suffix ".entry".
  static std::string fileNameFor(const std::string& key);
  static std::string keyFor(const std::string& file_name);  // inverse; "" if not an entry

 private:
  struct Journal;  // a directory's journal, open and locked, shared within the process
  static absl::StatusOr<std::shared_ptr<Journal>> openJournal(const std::string& dir);
  // The journal, taken on first use.
  absl::StatusOr<std::shared_ptr<Journal>> journal();
  // Appends one record (op 'P' put or 'R' remove).
  absl::Status append(char op, const std::string& key, const std::string& data);
  // Rewrites the journal with only what it holds, when it has grown enough. Under the
  // journal's mutex.
  void maybeRewriteLocked(Journal& j);

  std::string dir_;
  bool sync_;
  std::mutex mu_;  // guards journal_
  std::shared_ptr<Journal> journal_;
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
// The same from the spec's fields (not copied), for a frame that runs now.
std::string encodeRunningRecord(const FrameSpec& spec, int pid, uint64_t root_starttime,
                                EpochSec started_at);
absl::StatusOr<RunningRecord> decodeRunningRecord(const std::string& text);

}  // namespace cue::rqd
