#include "rqd/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/logging.h"
#include "common/status.h"
#include "rqd/log_reader.h"
#include "rqd/sys_util.h"

namespace cue::rqd {

const char* toString(CgroupMode mode) {
  switch (mode) {
    case CgroupMode::kV1:
      return "cgroup v1";
    case CgroupMode::kV2:
      return "cgroup v2";
    default:
      return "process trees";
  }
}

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Writes `value` to a cgroup control file in place (cgroupfs makes its files itself; O_CREAT
// lets the fake trees of the tests work the same).
absl::Status writeControl(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size()))
    return absl::InternalError(
        absl::StrCat("write ", value, " to ", path, ": ", std::strerror(err)));
  return absl::OkStatus();
}

int64_t readNumber(const std::string& path) {
  auto text = readSmallFile(path);
  int64_t v = 0;
  if (!text.ok() || !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &v)) return 0;
  return v;
}

// The value of "key N" in a flat keyed file (memory.events, cpu.stat, memory.oom_control).
int64_t readKey(const std::string& path, absl::string_view key) {
  auto text = readSmallFile(path);
  if (!text.ok()) return 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (!absl::ConsumePrefix(&line, key) || !absl::ConsumePrefix(&line, " ")) continue;
    int64_t v = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &v)) return v;
  }
  return 0;
}

absl::Status makeDir(const std::string& path, bool must_be_new = false) {
  if (::mkdir(path.c_str(), 0755) != 0 && (must_be_new || errno != EEXIST))
    return absl::InternalError(absl::StrCat("mkdir ", path, ": ", std::strerror(errno)));
  return absl::OkStatus();
}

// Removes the frame cgroups under `parent` that an rqd which no longer runs left behind
// ("frame-<name>-<pid>-<n>"); those of live rqds sharing the machine are theirs (one may be
// empty only because its frame is about to join it). rmdir fails on a cgroup with processes.
void removeLeftovers(const std::string& parent) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(parent, ec)) {
    const std::string leaf = e.path().filename().string();
    if (!e.is_directory(ec) || !absl::StartsWith(leaf, "frame-")) continue;
    std::vector<std::string> parts = absl::StrSplit(leaf, '-');
    int pid = 0;
    if (parts.size() < 4 || !absl::SimpleAtoi(parts[parts.size() - 2], &pid) || pid <= 0) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // its rqd still runs
    ::rmdir(e.path().c_str());
  }
}

}  // namespace

// ---- Cgroups ----

Cgroups Cgroups::open(const CgroupConfig& config) {
  Cgroups c;
  if (!config.enabled) {
    c.description_ = "cgroups turned off (--no-cgroups)";
    return c;
  }
  const std::string& root = config.root;
  auto controllers = readFile(root + "/cgroup.controllers");
  if (controllers.ok() && absl::StrContains(*controllers, "memory")) {
    // v2: the children of rqd's cgroup get memory, cpu and pids.
    std::string parent = root + "/" + config.parent;
    absl::Status s = writeControl(root + "/cgroup.subtree_control", "+memory +cpu +pids");
    if (s.ok()) s = makeDir(parent);
    if (s.ok()) s = writeControl(parent + "/cgroup.subtree_control", "+memory +cpu +pids");
    if (!s.ok()) {
      c.description_ = absl::StrCat("cgroup v2 at ", root, " is not usable: ", s.message());
      return c;
    }
    c.mode_ = CgroupMode::kV2;
    c.parents_ = {parent};
    c.swap_file_ = exists(parent + "/memory.swap.max") ? "/memory.swap.max" : "";
    removeLeftovers(parent);
    c.description_ = parent;
    return c;
  }
  if (exists(root + "/memory/memory.limit_in_bytes") && exists(root + "/cpuacct/cpuacct.usage")) {
    std::vector<std::string> parents = {root + "/memory/" + config.parent,
                                        root + "/cpuacct/" + config.parent};
    for (const auto& p : parents) {
      if (absl::Status s = makeDir(p); !s.ok()) {
        c.description_ = absl::StrCat("cgroup v1 at ", root, " is not usable: ", s.message());
        return c;
      }
    }
    c.mode_ = CgroupMode::kV1;
    c.parents_ = parents;
    c.swap_file_ =
        exists(parents[0] + "/memory.memsw.limit_in_bytes") ? "/memory.memsw.limit_in_bytes" : "";
    for (const auto& p : parents) removeLeftovers(p);
    c.description_ = absl::StrCat(parents[0], ", ", parents[1]);
    return c;
  }
  c.description_ = absl::StrCat(
      "no cgroup v2 memory controller or v1 memory and cpuacct hierarchies under ", root);
  return c;
}

absl::StatusOr<std::unique_ptr<FrameCgroup>> Cgroups::createFrame(const std::string& name,
                                                                  MemoryKb limit_kb) const {
  static std::atomic<int64_t> sequence{0};
  if (mode_ == CgroupMode::kNone) return absl::FailedPreconditionError(description_);
  RETURN_IF_ERROR(checkPathName(name, "cgroup name"));
  // New directories only: an old one would bring its counters (and a late removal of the old
  // frame's could take the new frame's away).
  const std::string leaf = absl::StrCat("frame-", name, "-", selfPid(), "-", ++sequence);
  std::vector<std::string> dirs;
  for (const auto& p : parents_) {
    std::string dir = absl::StrCat(p, "/", leaf);
    if (absl::Status s = makeDir(dir, /*must_be_new=*/true); !s.ok()) {
      for (const auto& d : dirs) ::rmdir(d.c_str());
      return s;
    }
    dirs.push_back(dir);
  }
  auto cg = std::make_unique<FrameCgroup>(mode_, dirs);
  if (limit_kb > 0) {
    const std::string bytes = absl::StrCat(limit_kb * 1024);
    RETURN_IF_ERROR(mode_ == CgroupMode::kV2
                        ? writeControl(dirs[0] + "/memory.max", bytes)
                        : writeControl(dirs[0] + "/memory.limit_in_bytes", bytes));
    // The cap holds only if the frame cannot swap past it (where the kernel accounts swap).
    if (!swap_file_.empty())
      writeControl(dirs[0] + swap_file_, mode_ == CgroupMode::kV2 ? "0" : bytes).IgnoreError();
  }
  return cg;
}

// ---- FrameCgroup ----

// The directories are new (createFrame): their OOM kill count starts at 0.
FrameCgroup::FrameCgroup(CgroupMode mode, std::vector<std::string> dirs)
    : mode_(mode), dirs_(std::move(dirs)) {}

FrameCgroup::~FrameCgroup() {
  for (const auto& d : dirs_)
    if (::rmdir(d.c_str()) != 0 && errno != ENOENT)
      common::logger("rqd")->warn("cannot remove cgroup {}: {}", d, std::strerror(errno));
}

std::vector<std::string> FrameCgroup::procsFiles() const {
  std::vector<std::string> out;
  for (const auto& d : dirs_) out.push_back(d + "/cgroup.procs");
  return out;
}

std::vector<int> FrameCgroup::pids() const {
  std::set<int> pids;
  for (const auto& d : dirs_) {
    auto text = readFile(d + "/cgroup.procs");
    if (!text.ok()) continue;
    for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
      int pid = 0;
      if (absl::SimpleAtoi(line, &pid) && pid > 0) pids.insert(pid);
    }
  }
  return {pids.begin(), pids.end()};
}

bool FrameCgroup::empty() const {
  auto text = readFile(dirs_[0] + "/cgroup.procs");
  return text.ok() && absl::StripAsciiWhitespace(*text).empty();
}

MemoryKb FrameCgroup::memoryCurrent() const {
  return (mode_ == CgroupMode::kV2 ? readNumber(dirs_[0] + "/memory.current")
                                   : readNumber(dirs_[0] + "/memory.usage_in_bytes")) /
         1024;
}

MemoryKb FrameCgroup::memoryPeak() const {
  MemoryKb kernel =
      (mode_ == CgroupMode::kV2 ? readNumber(dirs_[0] + "/memory.peak")
                                : readNumber(dirs_[0] + "/memory.max_usage_in_bytes")) /
      1024;
  return std::max(kernel, memoryCurrent());
}

double FrameCgroup::cpuSeconds() const {
  if (mode_ == CgroupMode::kV2) return readKey(dirs_[0] + "/cpu.stat", "usage_usec") / 1e6;
  return dirs_.size() > 1 ? readNumber(dirs_[1] + "/cpuacct.usage") / 1e9 : 0;
}

int FrameCgroup::oomKills() const {
  const std::string file = mode_ == CgroupMode::kV2 ? "/memory.events" : "/memory.oom_control";
  return static_cast<int>(readKey(dirs_[0] + file, "oom_kill"));
}

}  // namespace cue::rqd
