#include "rqd/frame_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "rqd/fs_user.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

constexpr char kRule[] = "===========================================================\n";

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Makes the directory and opens a fresh log in it.
absl::StatusOr<OpenedLog> openIn(const std::string& dir, const std::string& name,
                                 const LogOwner& owner) {
  // Everything below is done with the frame user's rights when rqd is root.
  std::unique_ptr<ScopedFsUser> as_user;
  if (owner.switch_user) {
    absl::StatusOr<std::unique_ptr<ScopedFsUser>> scope =
        ScopedFsUser::become(owner.uid, owner.gid, owner.groups);
    if (!scope.ok()) return scope.status();
    as_user = std::move(*scope);
  }
  std::string path = absl::StrCat(dir, "/", name);
  // The common case in one call: the directory is there (the job's first frame made it) and
  // no log of this frame is. Otherwise the directory is made, or an earlier log (a retry's)
  // rotated, and the log opened again. O_NOFOLLOW: a symlink where the log goes is not
  // followed (O_EXCL refuses one too; it is rotated away like a log).
  constexpr int kAppend = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
  int fd = ::open(path.c_str(), kAppend | O_CREAT | O_EXCL, 0664);
  if (fd < 0 && (errno == ENOENT || errno == EEXIST)) {
    if (errno == ENOENT) {
      absl::Status made = makeDirs(dir, 0775);
      if (!made.ok()) return made;
    }
    absl::Status rotated = rotateLog(path);
    if (!rotated.ok()) return rotated;
    fd = ::open(path.c_str(), kAppend | O_CREAT | O_TRUNC, 0664);
  }
  if (fd < 0) return errnoStatus(errno, absl::StrCat("open ", path));
  OpenedLog log;
  log.fd = fd;
  log.path = path;
  return log;
}

// Appends "<key, padded with spaces to width><value pieces>\n" (printf's "%-*s%s\n"), as
// plain appends: a header is some fifty rows, and formatting them was a tenth of rqd's
// instructions per frame.
void row(std::string* out, absl::string_view key, std::initializer_list<absl::string_view> value,
         size_t width) {
  out->append(key.data(), key.size());
  if (key.size() < width) out->append(width - key.size(), ' ');
  for (absl::string_view piece : value) out->append(piece.data(), piece.size());
  out->push_back('\n');
}

}  // namespace

absl::Status prepareLogRoot(const std::string& log_root, bool shared) {
  const mode_t mode = shared ? (S_ISVTX | 0777) : 0755;
  struct stat st {};
  const bool existed = ::lstat(log_root.c_str(), &st) == 0;
  if (!existed) {
    if (absl::Status s = makeDirs(log_root, mode); !s.ok()) return s;
  }
  // Opened without following a symlink: a root someone replaced with a link (say to /etc)
  // is refused, never chmod'ed.
  int fd = ::open(log_root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return errnoStatus(errno, absl::StrCat("log root ", log_root,
                                           " (it must be a directory, not a symlink)"));
  }
  absl::Status out;
  if (::fstat(fd, &st) != 0) {
    out = errnoStatus(errno, absl::StrCat("stat ", log_root));
  } else if (st.st_uid != ::geteuid()) {
    out = absl::FailedPreconditionError(
        absl::StrCat("log root ", log_root, " belongs to uid ", st.st_uid, ", not to rqd"));
  } else if (!existed && (st.st_mode & 07777) != mode && ::fchmod(fd, mode) != 0) {
    // Only a root rqd has just made gets its mode: an existing one keeps the admin's.
    out = errnoStatus(errno, absl::StrCat("chmod ", log_root));
  } else if (existed && shared && (st.st_mode & S_IWOTH) == 0) {
    out = absl::FailedPreconditionError(absl::StrFormat(
        "log root %s has mode %04o: frames' users cannot make their job directories in it "
        "(chmod 1777 it, as /tmp)",
        log_root, st.st_mode & 07777));
  }
  ::close(fd);
  return out;
}

std::string logFileName(const FrameSpec& spec) {
  return absl::StrCat(spec.job_name, ".", spec.frame_name, ".rqlog");
}

absl::Status rotateLog(const std::string& path, int max_files) {
  if (!exists(path)) return absl::OkStatus();
  int n = 1;
  while (n < max_files && exists(absl::StrCat(path, ".", n))) ++n;
  std::string target = absl::StrCat(path, ".", n);
  if (::rename(path.c_str(), target.c_str()) != 0) {
    return errnoStatus(errno, absl::StrCat("rotate ", path, " to ", target));
  }
  return absl::OkStatus();
}

absl::StatusOr<OpenedLog> openFrameLog(const FrameSpec& spec, const std::string& log_root,
                                       const LogOwner& owner) {
  const std::string name = logFileName(spec);
  std::string reason = "log_dir is empty";
  if (!spec.log_dir.empty()) {
    absl::StatusOr<OpenedLog> log = openIn(spec.log_dir, name, owner);
    if (log.ok()) return log;
    reason = std::string(log.status().message());
  }
  const std::string job = spec.job_name.empty() ? std::string("unknown-job") : spec.job_name;
  absl::StatusOr<OpenedLog> fallback = openIn(absl::StrCat(log_root, "/", job), name, owner);
  if (fallback.ok() && owner.switch_user) {
    // In the shared, sticky root anyone may make a job's directory first: the frame's logs
    // go only into one its own user owns, not into another user's (or a symlink).
    struct stat st {};
    const std::string dir = absl::StrCat(log_root, "/", job);
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != static_cast<uid_t>(owner.uid)) {
      ::close(fallback->fd);
      fallback = absl::PermissionDeniedError(
          absl::StrCat(dir, " is not a directory of uid ", owner.uid));
    }
  }
  if (!fallback.ok()) {
    return absl::Status(fallback.status().code(),
                        absl::StrCat("cannot write the frame log: ", reason,
                                     "; fallback: ", fallback.status().message()));
  }
  fallback->fallback_reason = reason;
  return fallback;
}

std::string formatCtime(EpochSec t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  localtime_r(&tt, &tm);
  char buf[64];
  strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm);
  return buf;
}

std::string formatHeader(const LogHeader& h, const FrameSpec& s,
                         const std::map<std::string, std::string>& env) {
  constexpr size_t w = 21;
  const std::string start = formatCtime(h.start_time);
  std::string out;
  out.reserve(2048);
  absl::StrAppend(&out, kRule, "RenderQ JobSpec      ", start, "\n\n");
  row(&out, "command", {s.command}, w);
  row(&out, "user", {h.user}, w);
  row(&out, "uid", {absl::StrCat(h.uid)}, w);
  row(&out, "gid", {absl::StrCat(h.gid)}, w);
  row(&out, "logDestination", {h.log_path}, w);
  row(&out, "cwd", {h.cwd}, w);
  row(&out, "renderHost", {h.hostname}, w);
  row(&out, "jobId", {s.job_id}, w);
  row(&out, "jobName", {s.job_name}, w);
  row(&out, "frameId", {s.frame_id}, w);
  row(&out, "frameName", {s.frame_name}, w);
  row(&out, "layerId", {s.layer_id}, w);
  row(&out, "resourceId", {s.resource_id}, w);
  row(&out, "startTime", {start}, w);
  row(&out, "numCores",
      {absl::StrFormat("%.2f", s.num_cores / 100.0), " (", absl::StrCat(s.num_cores),
       " core units)"},
      w);
  row(&out, "numGpus", {absl::StrCat(s.num_gpus)}, w);
  row(&out, "softMemoryLimit", {absl::StrCat(s.soft_memory_limit), " KB"}, w);
  row(&out, "hardMemoryLimit", {absl::StrCat(s.hard_memory_limit), " KB"}, w);
  if (!h.cpus.empty()) row(&out, "cpuList", {absl::StrJoin(h.cpus, ",")}, w);
  for (const auto& [key, value] : env) row(&out, "env", {key, "=", value}, w);
  out.append(kRule);
  return out;
}

std::string formatFooter(const LogFooter& f) {
  constexpr size_t w = 20;
  std::string out;
  out.reserve(1024);
  absl::StrAppend(&out, "\n", kRule, "RenderQ Job Complete\n\n");
  row(&out, "exitStatus", {absl::StrCat(f.exit_status)}, w);
  row(&out, "exitSignal", {absl::StrCat(f.exit_signal)}, w);
  if (!f.kill_message.empty()) row(&out, "killMessage", {f.kill_message}, w);
  row(&out, "startTime", {formatCtime(f.start_time)}, w);
  row(&out, "endTime", {formatCtime(f.end_time)}, w);
  row(&out, "runTime", {absl::StrCat(f.end_time - f.start_time)}, w);
  row(&out, "maxrss", {absl::StrCat(f.usage.max_rss)}, w);
  row(&out, "maxpss", {absl::StrCat(f.usage.max_pss)}, w);
  row(&out, "maxvsize", {absl::StrCat(f.usage.max_vsize)}, w);
  row(&out, "maxUsedGpuMemory", {absl::StrCat(f.usage.max_gpu_mem)}, w);
  row(&out, "utime", {absl::StrFormat("%.2f", f.utime_s)}, w);
  row(&out, "stime", {absl::StrFormat("%.2f", f.stime_s)}, w);
  row(&out, "renderhost", {f.hostname}, w);
  row(&out, "maxrss (KB)", {absl::StrCat(f.usage.max_rss)}, w);
  out.append(kRule);
  return out;
}

bool writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace cue::rqd
