// A frame's log file ("rqlog"): where it goes, rotation of older logs, and the header and
// footer rqd writes around the frame's output, in the layout of OpenCue's RQD.
//
// Location: RunFrame.log_dir + "/" + "<job>.<frame>.rqlog" (OpenCue's log_file; RQD sets
// log_dir_file to that full path). When log_dir is empty or cannot be created or written,
// <log_root>/<job>/ is used instead (rqd keeps <log_root> world-writable and sticky, as
// /tmp, when it runs as root). Directories and files are created with the frame user's
// rights (LogOwner). An existing log is renamed to the first free
// "<log>.N", N = 1..15 (OpenCue's MAX_LOG_FILES; .15 is overwritten when all are taken).
// Functions are thread-safe; two callers must not open the same path at once.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"

namespace cue::rqd {

inline constexpr int kMaxLogFiles = 15;

// Creates `log_root` for the fallback logs: world-writable and sticky (as /tmp) when
// `shared` (rqd is root and frames create their job directories in it as themselves),
// else 0755. An existing root keeps its mode; a root that is a symlink, or that belongs to
// anyone but rqd, is an error (logs then fail over to nothing: the frame fails to launch).
// In a shared root a frame writes only into a job directory its own user owns.
absl::Status prepareLogRoot(const std::string& log_root, bool shared);

// "<job>.<frame>.rqlog".
std::string logFileName(const FrameSpec& spec);

// Renames an existing `path` to the first free "<path>.N" (1 <= N <= max_files). OK when
// `path` does not exist.
absl::Status rotateLog(const std::string& path, int max_files = kMaxLogFiles);

// An open frame log. The fd is O_APPEND and close-on-exec; the caller closes it.
struct OpenedLog {
  int fd = -1;
  std::string path;
  std::string fallback_reason;  // why log_dir was not used; empty when it was
};

// Whose rights create what rqd makes for the frame. When `switch_user` is set (rqd runs
// as root), directories, the log and its rotation are made as uid:gid with `groups`
// (fs_user.h), so they belong to that user and only go where that user may write;
// otherwise as rqd's own user.
struct LogOwner {
  bool switch_user = false;
  int uid = -1;
  int gid = -1;
  std::vector<gid_t> groups;
};

// Creates the directory, rotates an older log and opens the log (see the file comment).
// The error names both paths tried when neither works.
absl::StatusOr<OpenedLog> openFrameLog(const FrameSpec& spec, const std::string& log_root,
                                       const LogOwner& owner);

// What the header shows.
struct LogHeader {
  std::string hostname;
  std::string user;  // the user the frame runs as
  int uid = -1;
  int gid = -1;
  std::string cwd;
  std::string log_path;
  EpochSec start_time = 0;
  std::vector<int> cpus;  // pinned CPUs, empty = not pinned
};

// What the footer shows.
struct LogFooter {
  std::string hostname;
  int exit_status = 0;
  int exit_signal = 0;
  std::string kill_message;
  EpochSec start_time = 0;
  EpochSec end_time = 0;
  FrameUsage usage;
  double utime_s = 0;
  double stime_s = 0;
};

// The frame's spec and environment are passed as they are, not copied into the header.
std::string formatHeader(const LogHeader& h, const FrameSpec& spec,
                         const std::map<std::string, std::string>& env);
std::string formatFooter(const LogFooter& f);

// ctime-style local time, e.g. "Mon Jan  8 14:03:12 2024".
std::string formatCtime(EpochSec t);

// Writes all of `text` to `fd`; false on error.
bool writeAll(int fd, const std::string& text);

}  // namespace cue::rqd
