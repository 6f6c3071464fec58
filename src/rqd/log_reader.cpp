#include "rqd/log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cue::rqd {

absl::Status checkPathName(const std::string& value, const char* field) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  if (value.find('/') != std::string::npos || value.find('\0') != std::string::npos ||
      absl::StrContains(value, ".."))
    return absl::InvalidArgumentError(absl::StrCat(
        field, " \"", value, "\" may not contain '/', '..' or NUL: it names a file"));
  return absl::OkStatus();
}

bool underAnyRoot(const std::string& dir, const std::vector<std::string>& roots) {
  auto parts = [](const std::string& path) {
    std::vector<std::string> out;
    for (absl::string_view p : absl::StrSplit(path, '/', absl::SkipEmpty())) out.emplace_back(p);
    return out;
  };
  if (dir.empty() || dir.front() != '/') return false;
  std::vector<std::string> d = parts(dir);
  for (const auto& p : d)
    if (p == "." || p == "..") return false;
  for (const auto& root : roots) {
    if (root.empty() || root.front() != '/') continue;
    std::vector<std::string> r = parts(root);
    if (r.size() <= d.size() && std::equal(r.begin(), r.end(), d.begin())) return true;
  }
  return false;
}

namespace {

absl::Status checkDir(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  if (dir.front() != '/' || absl::StrContains(dir, "/../") || absl::EndsWith(dir, "/..") ||
      dir.find('\0') != std::string::npos)
    return absl::InvalidArgumentError(
        absl::StrCat("log_dir \"", dir, "\" must be an absolute path without '..'"));
  return absl::OkStatus();
}

// Opens a regular file for reading, not following a final symlink, and never blocking on a
// FIFO a frame may have put in its place.
int openLog(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return -1;
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

absl::StatusOr<LogChunk> readFrameLog(const LogRead& r, const std::string& log_root,
                                      const std::vector<std::string>& log_roots) {
  if (auto s = checkPathName(r.job_name, "job_name"); !s.ok()) return s;
  if (auto s = checkPathName(r.frame_name, "frame_name"); !s.ok()) return s;
  if (auto s = checkDir(r.log_dir); !s.ok()) return s;
  std::vector<std::string> roots = log_roots;
  roots.push_back(log_root);
  if (!r.log_dir.empty() && !underAnyRoot(r.log_dir, roots))
    return absl::InvalidArgumentError(absl::StrCat("log_dir ", r.log_dir, " is not under this rqd's log roots"));
  if (r.offset < 0 || r.attempt < 0)
    return absl::InvalidArgumentError("offset and attempt must not be negative");
  std::string name = absl::StrCat(r.job_name, ".", r.frame_name, ".rqlog");
  if (r.attempt > 0) absl::StrAppend(&name, ".", r.attempt);
  std::vector<std::string> candidates;
  if (!r.log_dir.empty()) candidates.push_back(absl::StrCat(r.log_dir, "/", name));
  candidates.push_back(absl::StrCat(log_root, "/", r.job_name, "/", name));
  for (const auto& path : candidates) {
    int fd = openLog(path);
    if (fd < 0) continue;
    struct stat st;
    ::fstat(fd, &st);
    LogChunk chunk;
    chunk.path = path;
    chunk.size = st.st_size;
    int32_t want = r.max_bytes <= 0 ? kDefaultLogChunk : std::min(r.max_bytes, kMaxLogChunk);
    int64_t n = std::max<int64_t>(0, std::min<int64_t>(want, chunk.size - r.offset));
    chunk.data.resize(static_cast<size_t>(n));
    ssize_t got = n > 0 ? ::pread(fd, chunk.data.data(), n, r.offset) : 0;
    ::close(fd);
    if (got < 0) return absl::InternalError(absl::StrCat("cannot read ", path));
    chunk.data.resize(static_cast<size_t>(got));
    chunk.next_offset = r.offset + got;
    return chunk;
  }
  return absl::NotFoundError(absl::StrCat("no log ", name, " here (looked in ",
                                          r.log_dir.empty() ? "" : r.log_dir + " and ",
                                          log_root, "/", r.job_name, ")"));
}

}  // namespace cue::rqd
