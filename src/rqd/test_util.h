// Helpers shared by rqd's tests: temp dirs, polling waits with a deadline, frame specs, a
// listener that collects completions. Test-only.
#pragma once

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rqd/frame_types.h"
#include "rqd/launcher.h"
#include "rqd/rqd_core.h"
#include "rqd/sys_util.h"

namespace cue::rqd::testing {

// The uid frames in tests ask for: nobody when rqd (the test) is root, else our own.
inline int testUid() { return ::geteuid() == 0 ? kNobodyId : static_cast<int>(::geteuid()); }

// A directory removed with everything in it when the object dies. Mode 0755 and owned by
// the frames' user (testUid()), as a show's directories belong to its artists: frames
// running as another user (rqd as root runs them as nobody) can read what tests put there
// and create their logs in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rqd_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
    ::chmod(path_.c_str(), 0755);
    if (::geteuid() == 0) (void)::chown(path_.c_str(), testUid(), testUid());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `pred` every few milliseconds until it holds or `timeout` passes.
inline bool waitFor(const std::function<bool()>& pred,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The file's text, "" when unreadable.
inline std::string slurp(const std::string& path) {
  absl::StatusOr<std::string> text = readFile(path);
  return text.ok() ? *text : std::string();
}

// This test binary's path (frames run it as a helper: see test_main.cpp).
inline std::string selfExe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// The test binary, copied where a frame's user can run it: frames run as nobody when
// the tests run as root, and the build tree may sit under a directory (such as /root)
// that nobody cannot enter. Removed when the tests exit.
inline std::string helperExe() {
  // Never destroyed, so the exit handler can still read it.
  static const std::string* path = new std::string([] {
    namespace fs = std::filesystem;
    fs::path dst = fs::temp_directory_path() / absl::StrCat("rqd_test_helper.", ::getpid());
    fs::copy_file(selfExe(), dst, fs::copy_options::overwrite_existing);
    fs::permissions(dst, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(helperExe(), ec);
    });
    return dst.string();
  }());
  return *path;
}

inline FrameSpec makeSpec(const std::string& id, const std::string& command,
                          const std::string& log_dir) {
  FrameSpec s;
  s.frame_id = id;
  s.resource_id = "proc-" + id;
  s.job_id = "job-id-1";
  s.job_name = "testshow-shot01-alice_render";
  s.frame_name = "0001-render";
  s.layer_id = "layer-id-1";
  s.command = command;
  s.user_name = "alice";
  s.log_dir = log_dir;
  s.show = "testshow";
  s.shot = "shot01";
  s.uid = testUid();
  s.gid = -1;
  s.num_cores = 100;
  s.soft_memory_limit = 1048576;
  s.start_time = 1700000000000;
  return s;
}

// Collects what RqdCore reports.
class CollectingListener : public CoreListener {
 public:
  void onHostChanged() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++changes_;
  }
  void onFramesChanged() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++frame_changes_;
  }
  void onFrameCompleted(const FrameCompletion& c) override {
    std::lock_guard<std::mutex> lock(mu_);
    completions_.push_back(c);
  }
  void onExitRequested(ExitAction action) override {
    std::lock_guard<std::mutex> lock(mu_);
    exit_ = action;
  }
  // Waits for the completion of `frame_id`; false on timeout.
  bool waitCompletion(const std::string& frame_id, FrameCompletion* out,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return waitFor(
        [&] {
          std::lock_guard<std::mutex> lock(mu_);
          for (const FrameCompletion& c : completions_) {
            if (c.spec.frame_id == frame_id) {
              *out = c;
              return true;
            }
          }
          return false;
        },
        timeout);
  }
  ExitAction exitAction() {
    std::lock_guard<std::mutex> lock(mu_);
    return exit_;
  }
  int frameChanges() {
    std::lock_guard<std::mutex> lock(mu_);
    return frame_changes_;
  }
  int changes() {
    std::lock_guard<std::mutex> lock(mu_);
    return changes_;
  }

 private:
  std::mutex mu_;
  std::vector<FrameCompletion> completions_;
  ExitAction exit_ = ExitAction::kNone;
  int changes_ = 0;
  int frame_changes_ = 0;
};

}  // namespace cue::rqd::testing
