// Reading frame logs for cuebot (cue.ext.RqdLogInterface): only "<job>.<frame>.rqlog" files,
// found where openFrameLog (frame_log.h) puts them: <log_dir>/, else <log_root>/<job>/;
// attempt N > 0 reads the Nth older log ("<log>.N"). Names with path separators or "..",
// and relative log directories, are refused, so no other file can be named. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cue::rqd {

inline constexpr int32_t kDefaultLogChunk = 1 << 20;  // 1 MiB
// Below gRPC's default 4 MiB message limit, with room for the rest of the response.
inline constexpr int32_t kMaxLogChunk = (4 << 20) - (64 << 10);

struct LogRead {
  std::string log_dir;
  std::string job_name;
  std::string frame_name;
  int64_t offset = 0;
  int32_t max_bytes = 0;  // 0 = kDefaultLogChunk
  int32_t attempt = 0;
};

struct LogChunk {
  std::string data;
  int64_t next_offset = 0;
  int64_t size = 0;
  std::string path;
};

// INVALID_ARGUMENT for unsafe names; NOT_FOUND when neither place holds the log.
// `log_roots`: where read.log_dir may lie (rqd's --log-root and --log-roots).
absl::StatusOr<LogChunk> readFrameLog(const LogRead& read, const std::string& log_root,
                                      const std::vector<std::string>& log_roots = {});

// A job or frame name rqd may put in a path: not empty, no '/', no NUL, no "..". The error
// names the field.
absl::Status checkPathName(const std::string& value, const char* field);

// True when `dir` is absolute, has no "." or ".." component, and is one of `roots` or
// below one (component-wise: /shots2 is not under /shots).
bool underAnyRoot(const std::string& dir, const std::vector<std::string>& roots);

}  // namespace cue::rqd
