#include "client/config.h"

#include <map>

#include <gtest/gtest.h>

namespace cue::client {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::string> files;
  Env env() const {
    Env e;
    e.getenv = [this](const std::string& k) -> std::optional<std::string> {
      auto it = vars.find(k);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.read_file = [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      if (it == files.end()) return std::nullopt;
      return it->second;
    };
    return e;
  }
};

ClientOptions opts(std::vector<std::string> servers, std::string facility = "", int timeout_ms = 0) {
  ClientOptions o;
  o.servers = std::move(servers);
  o.facility = std::move(facility);
  o.timeout_ms = timeout_ms;
  return o;
}

constexpr const char* kYaml = R"(# pycue config
logger.level: WARNING
cuebot.grpc_port: 9443
cuebot.timeout: 2500
cuebot.facility_default: local
cuebot.facility:
    local:
        - localhost:8443
    cloud:
        - cuebot1.example.com
        - "cuebot2.example.com:7000"   # comment after a value
    dev: [a.example.com, b.example.com:1]
cuebot.external_facility:
 - external
)";

TEST(OpenCueYaml, ReadsFacilitiesPortAndTimeout) {
  auto y = parseOpenCueYaml(kYaml);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(y->facility_default, "local");
  EXPECT_EQ(y->grpc_port, 9443);
  EXPECT_EQ(y->timeout_ms, 2500);
  EXPECT_EQ(y->facilities.at("local"), std::vector<std::string>{"localhost:8443"});
  EXPECT_EQ(y->facilities.at("cloud"),
            (std::vector<std::string>{"cuebot1.example.com", "cuebot2.example.com:7000"}));
  EXPECT_EQ(y->facilities.at("dev"), (std::vector<std::string>{"a.example.com", "b.example.com:1"}));
  EXPECT_EQ(y->facilities.count("external"), 0u);
}

TEST(OpenCueYaml, ErrorsNameTheLine) {
  auto y = parseOpenCueYaml("cuebot.timeout: 10\ncuebot.grpc_port: lots\n");
  ASSERT_FALSE(y.ok());
  EXPECT_NE(std::string(y.status().message()).find("line 2"), std::string::npos) << y.status();
  EXPECT_FALSE(parseOpenCueYaml("just words\n").ok());
}

TEST(ResolveCuebots, ServerFlagBeatsEnvironmentAndAddsPort) {
  FakeEnv f;
  f.vars["CUEBOT_HOSTS"] = "envhost:1234";
  auto c = resolveCuebots(opts({"a,b:9000", "c"}), f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, (std::vector<std::string>{"a:8443", "b:9000", "c:8443"}));
  EXPECT_EQ(c->source, "-server");
}

TEST(ResolveCuebots, CuebotHostsEnvironment) {
  FakeEnv f;
  f.vars["CUEBOT_HOSTS"] = "one, two:99";
  auto c = resolveCuebots({}, f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, (std::vector<std::string>{"one:8443", "two:99"}));
}

TEST(ResolveCuebots, FacilityFromFlagEnvironmentOrDefault) {
  FakeEnv f;
  f.vars["HOME"] = "/home/u";
  f.files["/home/u/.config/opencue/opencue.yaml"] = kYaml;
  auto c = resolveCuebots({}, f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, std::vector<std::string>{"localhost:8443"});
  EXPECT_EQ(c->facility, "local");
  EXPECT_EQ(c->timeout_ms, 2500);

  f.vars["CUEBOT_FACILITY"] = "cloud";
  c = resolveCuebots({}, f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, (std::vector<std::string>{"cuebot1.example.com:9443", "cuebot2.example.com:7000"}));

  c = resolveCuebots(opts({}, "dev"), f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, (std::vector<std::string>{"a.example.com:9443", "b.example.com:1"}));

  c = resolveCuebots(opts({}, "mars"), f.env());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(c.status().message()).find("known facilities: cloud, dev, local"),
            std::string::npos) << c.status();
}

TEST(ResolveCuebots, ExplicitConfigFileMustExist) {
  FakeEnv f;
  f.vars["OPENCUE_CONFIG_FILE"] = "/etc/missing.yaml";
  auto c = resolveCuebots({}, f.env());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("/etc/missing.yaml"), std::string::npos);
  f.files["/etc/missing.yaml"] = "cuebot.facility_default: dev\ncuebot.facility:\n  dev:\n    - d:1\n";
  c = resolveCuebots({}, f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, std::vector<std::string>{"d:1"});
}

TEST(ResolveCuebots, ABrokenConfigFileDoesNotStopExplicitHosts) {
  FakeEnv f;
  f.vars["HOME"] = "/home/u";
  f.files["/home/u/.config/opencue/opencue.yaml"] = "cuebot.grpc_port: many\n";
  EXPECT_FALSE(resolveCuebots({}, f.env()).ok());
  auto c = resolveCuebots(opts({"a:1"}), f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, std::vector<std::string>{"a:1"});
  f.vars["CUEBOT_HOSTS"] = "b";
  c = resolveCuebots({}, f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, std::vector<std::string>{"b:8443"});
}

TEST(ResolveCuebots, NothingConfiguredMeansLocalhost) {
  FakeEnv f;
  auto c = resolveCuebots(opts({}, "", 500), f.env());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->hosts, std::vector<std::string>{"localhost:8443"});
  EXPECT_EQ(c->timeout_ms, 500);
  c = resolveCuebots(opts({"::1"}), f.env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->hosts, std::vector<std::string>{"[::1]:8443"});
}

}  // namespace
}  // namespace cue::client
