// Small file-system helpers over POSIX calls, returning absl::Status with the path and
// errno text. Thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cue::rqd {

// The whole file. NOT_FOUND when it does not exist, else INTERNAL/PERMISSION_DENIED.
absl::StatusOr<std::string> readFile(const std::string& path);

// A file the kernel writes in one piece (one value or one record: a cgroup control file,
// /proc/PID/stat), read with one read() when it fits 4 KiB: a read that returns less than
// asked is the end. Not for files of many records (cgroup.procs, /proc/mounts), whose
// reads can stop short at a record boundary; readFile reads those.
absl::StatusOr<std::string> readSmallFile(const std::string& path);

// getpid(), asked of the kernel once per process (again in a child after fork()).
pid_t selfPid();

// Writes all of `data` to `fd` (retrying short writes and EINTR); `what` names it in errors.
absl::Status writeAll(int fd, const std::string& data, const std::string& what);

// Writes `data` to `path` atomically: a temp file in the same directory, fsync (when
// `sync`), rename. Without `sync` the file survives a crash of the process, not of the host.
absl::Status writeFileAtomic(const std::string& path, const std::string& data, bool sync = true);

// mkdir -p. Missing parents are created with mode 0755; `path` itself, when created, gets
// `mode` (umask ignored). Both belong to the caller's (file-system) user. OK when the
// directory exists already (its mode and owner are left alone).
absl::Status makeDirs(const std::string& path, mode_t mode);

// Names in a directory, without "." and "..". NOT_FOUND when it does not exist.
absl::StatusOr<std::vector<std::string>> listDir(const std::string& path);

// Modification time in seconds since the epoch; 0 when the file cannot be stat'ed.
int64_t fileMtime(const std::string& path);

// The status for a failed call: `what` + path + strerror(err), with a code from errno.
absl::Status errnoStatus(int err, const std::string& what);

// The directory part of a path ("/a/b/c" -> "/a/b", "c" -> ".").
std::string dirName(const std::string& path);

}  // namespace cue::rqd
