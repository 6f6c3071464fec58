// Starting a frame's shell: who it runs as, and the fork/exec itself.
//
// The child, in order: becomes leader of a new session and process group (setsid); joins
// the frame's cgroup (SpawnSpec::cgroup_fds); resets
// signal dispositions and mask; pins itself to the reserved CPUs (sched_setaffinity);
// points stdin at /dev/null and stdout + stderr at the log; closes every other fd; drops to
// the job user (setgroups, setgid, setuid) when rqd is root; asks for SIGKILL when the
// forking thread dies (PR_SET_PDEATHSIG, set after the credential change, which clears it)
// and exits if that thread is already gone; changes to the cwd; execs /bin/sh -c command.
// A failure before exec comes back to the parent through a close-on-exec pipe, so the
// caller can tell "could not launch" from "the command failed".
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rqd/frame_types.h"

namespace cue::rqd {

// The account a frame runs as.
struct FrameUser {
  std::string name;
  int uid = -1;
  int gid = -1;
  std::vector<gid_t> groups;  // supplementary groups (no group 0)
  std::string home = "/tmp";
  bool switch_user = false;  // true when rqd is root and must drop to uid/gid
};

inline constexpr int kNobodyId = 65534;

// Resolves the user for `spec`:
//   - uid 0 is refused (INVALID_ARGUMENT "refusing to run frame <name> as root (uid 0)");
//   - rqd not root (`as_root` false): rqd's own user, whatever uid the frame asks for;
//   - rqd root: spec.uid when > 0, else the uid of spec.user_name when it exists and is not
//     root, else nobody (65534); gid is spec.gid when > 0, else the user's primary group,
//     never group 0 (nobody's group instead).
// Thread-safe (uses the _r passwd functions).
absl::StatusOr<FrameUser> resolveFrameUser(const FrameSpec& spec, bool as_root);

// What spawnFrame needs. Prepare everything here: the child may only make system calls.
struct SpawnSpec {
  std::string command;  // run as /bin/sh -c command
  std::map<std::string, std::string> env;
  std::string cwd = "/tmp";
  int output_fd = -1;  // the log: the child's stdout and stderr
  FrameUser user;
  std::vector<int> cpus;  // empty = no pinning
  // Open cgroup.procs files (the caller's, close-on-exec): the child joins each first.
  std::vector<int> cgroup_fds;
  // Added to the child's niceness (rqd's own); 0 = the same as rqd.
  int nice = 0;
};

// A frame command that /bin/sh would only split at spaces and look up on PATH, run
// without the shell: one program started instead of two (each probing the CPU and its
// libraries at start-up). Returns nullopt when the shell must run it: a character with a
// meaning to the shell anywhere (quotes, $, `, \, globs, redirections, ;, &, |, (), {}, ~,
// #, !, tabs, newlines), an assignment, a shell keyword or builtin as the first word, or a
// first word without a slash that is no executable file in the absolute directories of
// `path_env` before any relative entry. A first word with a slash is taken as it is
// (relative to the frame's working directory).
struct DirectCommand {
  std::string path;               // what to execve
  std::vector<std::string> argv;  // argv[0] as written
};
std::optional<DirectCommand> directCommand(const std::string& command,
                                           const std::string& path_env);

// Forks and execs the frame's command (directly when directCommand() allows it, else, and
// when that exec fails, through /bin/sh -c, which behaves the same for such a command:
// PWD is exported as the shell would); returns its pid. Call it from the thread that waits
// for the frame for as long as it runs (PR_SET_PDEATHSIG fires when that thread exits).
// INTERNAL when fork fails or the child fails before exec (the message names the step
// and errno, e.g. "setuid(1000): Operation not permitted"); the child is reaped then.
absl::StatusOr<pid_t> spawnFrame(const SpawnSpec& spec);

}  // namespace cue::rqd
