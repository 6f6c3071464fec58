#include "rqd/gpu_probe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/logging.h"
#include "common/status.h"
#include "rqd/sys_util.h"

extern char** environ;

namespace cue::rqd {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kFields = 5;  // index, name, memory.total, memory.free, driver_version

absl::Status lineError(size_t line_no, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("nvidia-smi output line ", line_no, ": ", what));
}

// Whole MiB -> KB. "[N/A]" and "[Not Supported]" (nvidia-smi's words for a value it
// cannot read) are 0; a trailing "MiB" is allowed.
absl::StatusOr<MemoryKb> parseMib(size_t line_no, absl::string_view field, absl::string_view text) {
  if (absl::StartsWith(text, "[") || text == "N/A") return 0;
  absl::string_view number = text;
  if (absl::ConsumeSuffix(&number, "MiB")) number = absl::StripTrailingAsciiWhitespace(number);
  int64_t mib = 0;
  if (!absl::SimpleAtoi(number, &mib) || mib < 0) {
    return lineError(line_no, absl::StrCat(field, " \"", text, "\" is not a whole number of MiB"));
  }
  return mib * core::kKbPerMb;
}

// Finds `program`: as is when it has a '/', else the first executable regular file of
// that name in `search_path`. NOT_FOUND otherwise.
absl::StatusOr<std::string> findProgram(const std::string& program,
                                        const std::string& search_path) {
  auto executable = [](const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
  };
  if (program.empty()) return absl::NotFoundError("no program given");
  if (program.find('/') != std::string::npos) {
    if (executable(program)) return program;
    return absl::NotFoundError(absl::StrCat(program, ": no such executable file"));
  }
  for (absl::string_view dir : absl::StrSplit(search_path, ':', absl::SkipEmpty())) {
    std::string path = absl::StrCat(dir, "/", program);
    if (executable(path)) return path;
  }
  return absl::NotFoundError(absl::StrCat(program, ": not found on the search path"));
}

// What one run gave.
struct RunResult {
  std::string out;  // stdout, at most max_output bytes
  int wait_status = 0;
};

// SIGKILL to the child's process group, then reap it: waits up to `grace`, then leaves the
// reaping to a detached thread (a process stuck in the kernel dies only when it returns).
void killAndReap(pid_t pid, std::chrono::milliseconds grace) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case setpgid did not happen
  auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::thread([pid] {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }).detach();
}

// Runs argv[0] (a path) with `argv`, no shell, reading stdout until EOF and waiting for
// the exit, all within `timeout`. DEADLINE_EXCEEDED (child killed) or INTERNAL.
absl::StatusOr<RunResult> runWithTimeout(const std::vector<std::string>& argv,
                                         std::chrono::milliseconds timeout, size_t max_output) {
  const auto deadline = Clock::now() + timeout;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errnoStatus(errno, "pipe");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);  // dup2 clears close-on-exec
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills its children too
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;  // rqd ignores SIGPIPE; ignored signals survive exec
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (err != 0) {
    ::close(fds[0]);
    return errnoStatus(err, absl::StrCat("cannot start ", argv[0]));
  }

  RunResult result;
  bool eof = false;
  while (!eof) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = ::read(fds[0], buf, sizeof(buf));
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) {
      eof = true;
      break;
    }
    size_t room = max_output - std::min(max_output, result.out.size());
    result.out.append(buf, std::min(room, static_cast<size_t>(got)));
  }
  ::close(fds[0]);

  bool exited = false;
  if (eof) {
    // Output is done; the exit normally follows at once. Poll for it until the deadline.
    auto pause = std::chrono::microseconds(200);
    while (true) {
      pid_t r = ::waitpid(pid, &result.wait_status, WNOHANG);
      if (r == pid) {
        exited = true;
        break;
      }
      if (r < 0 && errno != EINTR) {
        return errnoStatus(errno, absl::StrCat("waitpid for ", argv[0]));
      }
      if (Clock::now() >= deadline) break;
      std::this_thread::sleep_for(pause);
      pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(10));
    }
  }
  if (!exited) {
    killAndReap(pid, std::chrono::milliseconds(500));
    return absl::DeadlineExceededError(
        absl::StrCat(argv[0], " did not finish within ", timeout.count(), " ms; killed"));
  }
  return result;
}

std::string firstLine(absl::string_view text) {
  absl::string_view line = text.substr(0, text.find('\n'));
  return std::string(absl::StripAsciiWhitespace(line));
}

// One line for the log describing what a run found.
std::string describe(const GpuInfo& gpus) {
  if (gpus.count == 0) return "nvidia-smi lists no GPUs";
  std::vector<std::string> models;
  for (const GpuDevice& d : gpus.devices) {
    models.push_back(
        absl::StrCat(d.index, ": ", d.model, " (", d.total_mem / core::kKbPerMb, " MiB)"));
  }
  return absl::StrCat(gpus.count, " GPU(s), driver ", gpus.driver_version, ": ",
                      absl::StrJoin(models, ", "));
}

}  // namespace

absl::StatusOr<GpuInfo> parseNvidiaSmiCsv(absl::string_view text) {
  GpuInfo info;
  size_t line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripAsciiWhitespace(raw);  // also a trailing '\r'
    if (line.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    if (fields.size() < kFields) {
      return lineError(line_no, absl::StrCat("expected ", kFields,
                                             " comma-separated fields (index, name, "
                                             "memory.total, memory.free, driver_version), got ",
                                             fields.size(), ": \"", line, "\""));
    }
    for (absl::string_view& f : fields) f = absl::StripAsciiWhitespace(f);
    const size_t n = fields.size();
    GpuDevice d;
    if (!absl::SimpleAtoi(fields[0], &d.index) || d.index < 0) {
      return lineError(line_no, absl::StrCat("index \"", fields[0], "\" is not a GPU number"));
    }
    // The name is everything between the index and the last three fields.
    std::vector<absl::string_view> name(fields.begin() + 1, fields.end() - 3);
    d.model = absl::StrJoin(name, ", ");
    ASSIGN_OR_RETURN(d.total_mem, parseMib(line_no, "memory.total", fields[n - 3]));
    ASSIGN_OR_RETURN(d.free_mem, parseMib(line_no, "memory.free", fields[n - 2]));
    absl::string_view driver = fields[n - 1];
    if (driver.empty()) return lineError(line_no, "driver_version is empty");
    for (const GpuDevice& seen : info.devices) {
      if (seen.index == d.index) {
        return lineError(line_no, absl::StrCat("GPU index ", d.index, " listed twice"));
      }
    }
    if (info.driver_version.empty()) info.driver_version = std::string(driver);
    info.total_mem += d.total_mem;
    info.free_mem += d.free_mem;
    info.devices.push_back(std::move(d));
  }
  info.count = static_cast<int32_t>(info.devices.size());
  return info;
}

absl::StatusOr<std::vector<GpuUse>> parseNvidiaSmiUseCsv(absl::string_view text) {
  std::vector<GpuUse> out;
  size_t line_no = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty()) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ',');
    if (fields.size() != 3) {
      return lineError(line_no, absl::StrCat("expected 3 comma-separated fields (index, "
                                             "utilization.gpu, memory.used), got ",
                                             fields.size(), ": \"", line, "\""));
    }
    for (absl::string_view& f : fields) f = absl::StripAsciiWhitespace(f);
    GpuUse u;
    if (!absl::SimpleAtoi(fields[0], &u.index) || u.index < 0) {
      return lineError(line_no, absl::StrCat("index \"", fields[0], "\" is not a GPU number"));
    }
    absl::string_view pct = fields[1];
    if (!absl::StartsWith(pct, "[")) {
      if (absl::ConsumeSuffix(&pct, "%")) pct = absl::StripTrailingAsciiWhitespace(pct);
      if (!absl::SimpleAtoi(pct, &u.utilization) || u.utilization < 0 || u.utilization > 100) {
        return lineError(line_no, absl::StrCat("utilization.gpu \"", fields[1],
                                               "\" is not a percentage"));
      }
    }
    ASSIGN_OR_RETURN(u.used_mem, parseMib(line_no, "memory.used", fields[2]));
    out.push_back(u);
  }
  return out;
}

NvidiaSmiProbe::NvidiaSmiProbe(NvidiaSmiOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::string> NvidiaSmiProbe::run(const char* query) const {
  std::string search_path;
  if (options_.search_path) {
    search_path = *options_.search_path;
  } else if (const char* env = std::getenv("PATH"); env != nullptr) {
    search_path = env;
  }
  ASSIGN_OR_RETURN(std::string path, findProgram(options_.program, search_path));
  ASSIGN_OR_RETURN(RunResult run, runWithTimeout({path, query, kNvidiaSmiFormat},
                                                 options_.timeout, options_.max_output));
  if (WIFSIGNALED(run.wait_status)) {
    return absl::UnavailableError(
        absl::StrCat(path, " was killed by signal ", WTERMSIG(run.wait_status)));
  }
  int code = WIFEXITED(run.wait_status) ? WEXITSTATUS(run.wait_status) : -1;
  if (code != 0) {
    std::string said = firstLine(run.out);
    return absl::UnavailableError(
        absl::StrCat(path, " exited with code ", code, said.empty() ? "" : ": ", said));
  }
  return std::move(run.out);
}

absl::StatusOr<GpuInfo> NvidiaSmiProbe::query() const {
  ASSIGN_OR_RETURN(std::string out, run(kNvidiaSmiQuery));
  return parseNvidiaSmiCsv(out);
}

absl::StatusOr<std::vector<GpuUse>> NvidiaSmiProbe::queryUse() const {
  ASSIGN_OR_RETURN(std::string out, run(kNvidiaSmiUseQuery));
  return parseNvidiaSmiUseCsv(out);
}

std::vector<GpuUse> NvidiaSmiProbe::use() {
  std::lock_guard<std::mutex> lock(use_mu_);
  // After a failure (a hung driver makes every run wait its timeout) nvidia-smi is not run
  // again for `refresh`: the sampler is not held up at every sample.
  if (last_use_failure_at_ && Clock::now() - *last_use_failure_at_ < options_.refresh) return {};
  absl::StatusOr<std::vector<GpuUse>> got = queryUse();
  if (got.ok()) last_use_failure_at_.reset();
  else last_use_failure_at_ = Clock::now();
  std::string failure = got.ok() ? "" : std::string(got.status().message());
  if (!failure.empty() && failure != last_use_failure_)
    common::logger("rqd")->warn("cannot read GPU use: {}", failure);
  last_use_failure_ = std::move(failure);
  return got.ok() ? *std::move(got) : std::vector<GpuUse>{};
}

GpuInfo NvidiaSmiProbe::probe() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  if (last_run_ && now - *last_run_ < options_.refresh) return last_;
  absl::StatusOr<GpuInfo> gpus = query();
  last_run_ = Clock::now();
  last_ = gpus.ok() ? *std::move(gpus) : GpuInfo{};

  auto log = common::logger("rqd");
  std::string outcome;
  if (gpus.ok()) {
    outcome = describe(last_);
    if (outcome != last_outcome_) log->info("GPUs: {}", outcome);
  } else if (absl::IsNotFound(gpus.status())) {
    outcome = std::string(gpus.status().message());
    if (outcome != last_outcome_) log->info("no GPU discovery ({}): reporting no GPUs", outcome);
  } else {
    outcome = std::string(gpus.status().message());
    if (outcome != last_outcome_) log->warn("GPU discovery failed, reporting no GPUs: {}", outcome);
  }
  last_outcome_ = std::move(outcome);
  return last_;
}

}  // namespace cue::rqd
