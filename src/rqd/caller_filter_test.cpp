#include "rqd/caller_filter.h"

#include <gtest/gtest.h>

namespace cue::rqd {
namespace {

TEST(CallerFilter, PeerAddresses) {
  EXPECT_EQ(CallerFilter::peerAddress("ipv4:10.0.0.1:4242"), "10.0.0.1");
  EXPECT_EQ(CallerFilter::peerAddress("ipv6:[::1]:4242"), "::1");
  EXPECT_EQ(CallerFilter::peerAddress("ipv6:[::ffff:10.0.0.7]:1"), "10.0.0.7");
  EXPECT_EQ(CallerFilter::peerAddress("ipv6:%5B::1%5D:4242"), "::1");  // as gRPC 1.51 writes it
  EXPECT_EQ(CallerFilter::peerAddress("unix:/tmp/sock"), "");
}

TEST(CallerFilter, OnlyTheCuebotsAndGivenCallers) {
  int resolutions = 0;
  std::vector<std::string> cuebot_addrs = {"10.0.0.1"};
  CallerFilter f({"cuebot1:8443", "10.9.9.9"}, [&](const std::string& host) {
    ++resolutions;
    return host == "cuebot1" ? cuebot_addrs : std::vector<std::string>{};
  });
  EXPECT_TRUE(f.check("ipv4:10.0.0.1:5000", "LaunchFrame").ok());
  EXPECT_TRUE(f.check("ipv4:10.9.9.9:5000", "LaunchFrame").ok());
  absl::Status s = f.check("ipv4:10.0.0.66:5000", "LaunchFrame");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("LaunchFrame from 10.0.0.66 refused"), absl::string_view::npos) << s;
  EXPECT_NE(s.message().find("cuebot1"), absl::string_view::npos) << s;
  // A knock right after resolving does not resolve again (a flood costs no DNS).
  const int before = resolutions;
  EXPECT_FALSE(f.check("ipv4:10.0.0.67:5000", "KillRunningFrame").ok());
  EXPECT_EQ(resolutions, before);
}

TEST(CallerFilter, BracketedAndBareIpv6Entries) {
  CallerFilter f({"[fd00::1]:8443", "fd00::2"},
                 [](const std::string&) { return std::vector<std::string>{}; });
  EXPECT_TRUE(f.check("ipv6:[fd00::1]:1", "Lock").ok());
  EXPECT_TRUE(f.check("ipv6:[fd00::2]:1", "Lock").ok());
  EXPECT_FALSE(f.check("ipv6:[fd00::3]:1", "Lock").ok());
}

// gRPC resolves "localhost" to ::1 and 127.0.0.1 whatever /etc/hosts says: a cuebot on
// this machine is accepted from either loopback address, and only from loopback.
TEST(CallerFilter, LoopbackOfEitherFamilyIsThisMachine) {
  CallerFilter f({"localhost:8443"}, [](const std::string& host) {
    return host == "localhost" ? std::vector<std::string>{"127.0.0.1"}
                               : std::vector<std::string>{};
  });
  EXPECT_TRUE(f.check("ipv6:%5B::1%5D:4242", "LaunchFrame").ok());
  EXPECT_TRUE(f.check("ipv4:127.0.0.1:4242", "LaunchFrame").ok());
  EXPECT_FALSE(f.check("ipv4:10.0.0.1:4242", "LaunchFrame").ok());
  // A cuebot whose *name* starts with "127." is a name, not a loopback address.
  CallerFilter remote({"10.0.0.5", "127.example.com"},
                      [](const std::string&) { return std::vector<std::string>{}; });
  EXPECT_FALSE(remote.check("ipv6:[::1]:1", "LaunchFrame").ok());
  EXPECT_FALSE(remote.check("ipv4:127.0.0.1:1", "LaunchFrame").ok());
}

}  // namespace
}  // namespace cue::rqd
