#include "rqd/caller_filter.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace cue::rqd {

namespace {

constexpr auto kReresolveEvery = std::chrono::seconds(30);

// "host:port" / "[v6]:port" / "host" -> host.
std::string hostPart(const std::string& entry) {
  if (!entry.empty() && entry.front() == '[') return entry.substr(1, entry.find(']') - 1);
  size_t colons = std::count(entry.begin(), entry.end(), ':');
  if (colons == 1) return entry.substr(0, entry.find(':'));
  return entry;  // a name, an IPv4 address or a bare IPv6 address
}

// Loopback addresses of either family are one caller, this machine: a cuebot named
// "localhost" may reach rqd from ::1 (gRPC resolves localhost to both) even where the
// system resolver knows only 127.0.0.1.
constexpr char kLoopback[] = "loopback";

std::string canonical(const std::string& addr) {
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, addr.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127) return kLoopback;
  if (inet_pton(AF_INET6, addr.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6)) return kLoopback;
  return addr;  // another address, or a name
}

}  // namespace

CallerFilter::Resolver CallerFilter::systemResolver() {
  return [](const std::string& host) {
    std::vector<std::string> out;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
    for (addrinfo* a = res; a; a = a->ai_next) {
      char buf[INET6_ADDRSTRLEN] = {};
      const void* src = a->ai_family == AF_INET
                            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
      if (inet_ntop(a->ai_family, src, buf, sizeof buf)) out.emplace_back(buf);
    }
    freeaddrinfo(res);
    return out;
  };
}

std::string CallerFilter::peerAddress(const std::string& raw) {
  // gRPC 1.51 escapes the brackets of IPv6 peers: "ipv6:%5B::1%5D:4242".
  std::string peer = absl::StrReplaceAll(raw, {{"%5B", "["}, {"%5D", "]"}, {"%25", "%"}});
  std::string addr;
  if (absl::StartsWith(peer, "ipv4:")) {
    addr = peer.substr(5, peer.rfind(':') - 5);
  } else if (absl::StartsWith(peer, "ipv6:[") && peer.find(']') != std::string::npos) {
    addr = peer.substr(6, peer.find(']') - 6);
    if (absl::StartsWith(addr, "::ffff:") && addr.find('.') != std::string::npos)
      addr = addr.substr(7);  // an IPv4 caller on a dual-stack socket
  }
  return addr;
}

CallerFilter::CallerFilter(std::vector<std::string> hosts, Resolver resolver)
    : resolver_(std::move(resolver)) {
  for (const auto& h : hosts) hosts_.push_back(hostPart(h));
  std::lock_guard<std::mutex> lock(mu_);
  resolveLocked();
}

void CallerFilter::resolveLocked() {
  // Addresses are only added: a failed lookup never drops a cuebot that resolved before.
  for (const auto& h : hosts_) {
    allowed_.insert(canonical(h));  // an address given as such
    for (const auto& a : resolver_(h)) allowed_.insert(canonical(a));
  }
  resolved_at_ = std::chrono::steady_clock::now();
}

absl::Status CallerFilter::check(const std::string& peer, const char* method) {
  const std::string addr = peerAddress(peer);
  const std::string key = canonical(addr);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!addr.empty() && allowed_.contains(key)) return absl::OkStatus();
    if (std::chrono::steady_clock::now() - resolved_at_ < kReresolveEvery)
      return refused(addr.empty() ? peer : addr, method);
    resolved_at_ = std::chrono::steady_clock::now();  // one lookup at a time
  }
  // Looked up without the lock: other callers are not held up by DNS.
  std::set<std::string> found;
  for (const auto& h : hosts_)
    for (const auto& a : resolver_(h)) found.insert(canonical(a));
  std::lock_guard<std::mutex> lock(mu_);
  allowed_.insert(found.begin(), found.end());
  if (!addr.empty() && allowed_.contains(key)) return absl::OkStatus();
  return refused(addr.empty() ? peer : addr, method);
}

absl::Status CallerFilter::refused(const std::string& who, const char* method) const {
  return absl::PermissionDeniedError(absl::StrCat(
      method, " from ", who, " refused: this rqd takes commands only from ",
      "its cuebots (", absl::StrJoin(hosts_, ", "), "); see rqd --cuebot and --allow-callers"));
}

}  // namespace cue::rqd
