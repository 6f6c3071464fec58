// C++ client of cuebot's OpenCue API, shared by the command-line tools (and later the
// GUIs). Wraps the generated stubs with deadlines and absl::Status errors.
// Thread-compatible: one Client per thread, or external locking.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "job.grpc.pb.h"

namespace cue::client {

// "host:port" of the cuebot: the argument if given, else $CUEBOT_HOSTS (first entry,
// comma or space separated, as OpenCue's tools read it) or $CUEBOT_HOSTNAME, else
// localhost; ":8443" is added when no port is given.
std::string resolveCuebot(const std::string& arg);

class Client {
 public:
  explicit Client(const std::string& address, int timeout_ms = 30000);

  absl::StatusOr<std::vector<std::string>> launchSpec(const std::string& xml);
  // Jobs by full name, finished ones included.
  absl::StatusOr<std::vector<job::Job>> getJobsByName(const std::vector<std::string>& names);
  absl::StatusOr<std::vector<job::Frame>> getFrames(const std::string& job_id);

 private:
  std::unique_ptr<job::JobInterface::Stub> jobs_;
  int timeout_ms_;
};

}  // namespace cue::client
