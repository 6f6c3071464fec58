#include "rqd/fs_user.h"

#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace cue::rqd {
namespace {

// The thread's current fsuid/fsgid: setfs*id with an invalid id changes nothing and
// returns the current one.
uid_t currentFsUid() { return static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))); }
gid_t currentFsGid() { return static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))); }

// Raw system call: glibc's setgroups() would change the groups of every thread.
bool setThreadGroups(const std::vector<gid_t>& groups) {
  return ::syscall(SYS_setgroups, groups.size(), groups.data()) == 0;
}

// rqd's own identity, which a thread returns to. rqd never calls set*id() (see the header),
// so it is read once, not on every switch: a switch then costs five system calls each way.
struct OwnIdentity {
  uid_t euid;
  gid_t egid;
  std::vector<gid_t> groups;
};

const OwnIdentity& ownIdentity() {
  static const OwnIdentity id = [] {
    OwnIdentity out{::geteuid(), ::getegid(), {}};
    int n = ::getgroups(0, nullptr);
    out.groups.resize(static_cast<size_t>(n < 0 ? 0 : n));
    if (n > 0 && ::getgroups(n, out.groups.data()) < 0) out.groups.clear();
    return out;
  }();
  return id;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ScopedFsUser>> ScopedFsUser::become(
    int uid, int gid, const std::vector<gid_t>& groups) {
  if (uid <= 0 || gid <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("will not create files as uid ", uid, " gid ", gid));
  }
  const OwnIdentity& own = ownIdentity();
  if (own.euid != 0) {
    return absl::FailedPreconditionError("rqd is not root: it cannot act as another user");
  }
  // A thread's file-system identity is rqd's own (its effective ids) whenever no scope is
  // active: each scope restores it, or rqd stops.
  std::unique_ptr<ScopedFsUser> scope(new ScopedFsUser(own.euid, own.egid, own.groups));
  // Groups, then fsgid, then fsuid; restored in the reverse order. (setgroups needs
  // CAP_SETGID, which is not a file-system capability: a non-zero fsuid does not drop it.)
  if (!setThreadGroups(groups)) {
    return absl::InternalError(absl::StrCat("setgroups for uid ", uid, ": ", std::strerror(errno)));
  }
  ::setfsgid(static_cast<gid_t>(gid));
  ::setfsuid(static_cast<uid_t>(uid));
  if (currentFsGid() != static_cast<gid_t>(gid) || currentFsUid() != static_cast<uid_t>(uid)) {
    return absl::InternalError(absl::StrCat("could not switch file-system identity to uid ", uid,
                                            " gid ", gid));  // the destructor restores
  }
  return scope;
}

ScopedFsUser::~ScopedFsUser() { restore(); }

void ScopedFsUser::restore() const {
  // The saved ids are rqd's effective ids, which the kernel always lets a thread set its
  // file-system ids back to (setfsuid(2)): no reading back, unlike the switch away.
  ::setfsuid(saved_uid_);
  ::setfsgid(saved_gid_);
  if (!setThreadGroups(saved_groups_)) {
    // A thread left with a frame user's identity would create rqd's own files as that
    // user: stop rather than go on wrongly.
    common::logger("rqd")->critical("cannot restore rqd's file-system identity; exiting");
    std::abort();
  }
}

}  // namespace cue::rqd
