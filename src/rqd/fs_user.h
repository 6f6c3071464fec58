// File-system accesses made as a frame's user. rqd runs as root on render hosts, yet what
// it creates for a frame (log directories, the log file, its rotated copies) must be made
// with the rights of the user the frame runs as, never by root on the user's behalf: a
// LaunchFrame then cannot make rqd create or replace anything that user could not.
//
// ScopedFsUser switches the calling thread's file-system identity (Linux fsuid, fsgid and
// supplementary groups, which are per thread when set by raw system calls) to the user's,
// and restores rqd's own when it goes out of scope. While it is active, root's
// file-system capabilities (DAC override, chown, ...) are dropped by the kernel for this
// thread. Other threads keep rqd's identity. rqd must never call glibc's set*id()
// functions: they change every thread's credentials, and would overwrite a thread's
// temporary identity.
#pragma once

#include <sys/types.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"

namespace cue::rqd {

class ScopedFsUser {
 public:
  // Becomes uid:gid with `groups` for file-system accesses on this thread. uid 0 and
  // gid 0 are refused; so is any change when rqd is not root (the caller then skips the
  // switch).
  static absl::StatusOr<std::unique_ptr<ScopedFsUser>> become(int uid, int gid,
                                                               const std::vector<gid_t>& groups);
  ~ScopedFsUser();

  ScopedFsUser(const ScopedFsUser&) = delete;
  ScopedFsUser& operator=(const ScopedFsUser&) = delete;

 private:
  ScopedFsUser(uid_t uid, gid_t gid, std::vector<gid_t> groups)
      : saved_uid_(uid), saved_gid_(gid), saved_groups_(std::move(groups)) {}
  void restore() const;

  uid_t saved_uid_;
  gid_t saved_gid_;
  std::vector<gid_t> saved_groups_;
};

}  // namespace cue::rqd
