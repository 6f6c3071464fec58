// Who may command this rqd: launch, kill, lock, NIMBY, shut down, restart, reboot, read
// logs. Only the cuebots it reports to (their names resolved to addresses) and the
// addresses given with --allow-callers; anything else is PERMISSION_DENIED, so reaching
// rqd's port is not enough to run commands as the farm's users. Addresses are resolved at
// start and again (at most every 30 s) when an unknown caller knocks, so a cuebot that
// moves is followed (addresses are added, never dropped, until rqd restarts). TLS comes
// with the security issue. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace cue::rqd {

class CallerFilter {
 public:
  // Host name -> its addresses (text, as inet_ntop writes them).
  using Resolver = std::function<std::vector<std::string>(const std::string& host)>;

  // `hosts`: "host[:port]" entries (cuebots) and bare addresses or names (extra callers).
  CallerFilter(std::vector<std::string> hosts, Resolver resolver = systemResolver());

  // OK when `peer` (gRPC's "ipv4:10.0.0.1:4242" / "ipv6:[::1]:4242") is allowed.
  absl::Status check(const std::string& peer, const char* method);

  static Resolver systemResolver();
  // "ipv4:10.0.0.1:4242" -> "10.0.0.1"; "ipv6:[::ffff:10.0.0.1]:1" (or gRPC's escaped
  // "ipv6:%5B...%5D:1") -> "10.0.0.1"; "" if unknown.
  static std::string peerAddress(const std::string& peer);

 private:
  void resolveLocked();
  absl::Status refused(const std::string& who, const char* method) const;

  std::vector<std::string> hosts_;  // host part of each entry (const after construction)
  Resolver resolver_;
  std::mutex mu_;
  std::set<std::string> allowed_;
  std::chrono::steady_clock::time_point resolved_at_{};
};

}  // namespace cue::rqd
