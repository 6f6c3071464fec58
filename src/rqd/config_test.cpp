#include "rqd/config.h"

#include <map>

#include "gtest/gtest.h"

namespace cue::rqd {
namespace {

EnvLookup envOf(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<LoadedConfig> load(std::vector<std::string> args,
                                  std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "rqd");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return loadConfig(static_cast<int>(argv.size()), argv.data(), envOf(std::move(env)));
}

TEST(ConfigTest, DefaultsFollowOpenCue) {
  absl::StatusOr<LoadedConfig> c = load({"--hostname", "h1"});
  ASSERT_TRUE(c.ok()) << c.status();
  const RqdConfig& cfg = c->config;
  EXPECT_EQ(cfg.port, 8444);
  EXPECT_EQ(cfg.cuebots, std::vector<std::string>{"localhost:8443"});
  EXPECT_EQ(cfg.address, "");  // cuebot uses the address the reports come from
  EXPECT_EQ(cfg.facility, "local");
  EXPECT_EQ(cfg.tags, std::vector<std::string>{"general"});
  EXPECT_EQ(cfg.log_root, "/tmp/rqd/logs");
  EXPECT_EQ(cfg.spool_dir, "/tmp/rqd/spool/h1");
  EXPECT_FALSE(cfg.spool_sync);
  EXPECT_EQ(cfg.report_interval_s, 10);
  EXPECT_EQ(cfg.sample_interval_s, 5);
  EXPECT_EQ(cfg.cores, 0);
  EXPECT_EQ(cfg.memory_mb, 0);
}

TEST(ConfigTest, EnvironmentThenFlags) {
  absl::StatusOr<LoadedConfig> c =
      load({"--port", "0", "--tags", "gpu,big"}, {{"CUEBOT_HOSTNAME", "cue1 cue2:9000"},
                                                  {"RQD_GRPC_PORT", "9999"},
                                                  {"OVERRIDE_HOSTNAME", "fake-7"},
                                                  {"OVERRIDE_CORES", "16"},
                                                  {"RQD_TAGS", "x"}});
  ASSERT_TRUE(c.ok()) << c.status();
  const RqdConfig& cfg = c->config;
  EXPECT_EQ(cfg.cuebots, (std::vector<std::string>{"cue1:8443", "cue2:9000"}));
  EXPECT_EQ(cfg.port, 0);  // the flag beats RQD_GRPC_PORT
  EXPECT_EQ(cfg.hostname, "fake-7");
  EXPECT_EQ(cfg.cores, 16);
  EXPECT_EQ(cfg.tags, (std::vector<std::string>{"gpu", "big"}));
}

TEST(ConfigTest, GpuDiscoveryFlags) {
  absl::StatusOr<LoadedConfig> c = load({"--hostname", "h"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.nvidia_smi, "nvidia-smi");
  EXPECT_FALSE(c->config.no_gpu);
  c = load({"--hostname", "h", "--nvidia-smi", "/opt/nv/bin/nvidia-smi"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.nvidia_smi, "/opt/nv/bin/nvidia-smi");
  c = load({"--hostname", "h", "--no-gpu"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->config.no_gpu);
  c = load({"--hostname", "h", "--nvidia-smi", ""});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "--nvidia-smi is empty (use --no-gpu)");
  EXPECT_TRUE(load({"--hostname", "h", "--nvidia-smi", "", "--no-gpu"}).ok());
}

TEST(ConfigTest, SpoolSyncFlag) {
  absl::StatusOr<LoadedConfig> c = load({"--hostname", "h", "--spool-sync"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->config.spool_sync);
}

TEST(ConfigTest, CuebotFlagTakesAListAndDefaultPort) {
  absl::StatusOr<LoadedConfig> c =
      load({"--cuebot", "a,b:1234", "--cuebot-port", "7000", "--hostname", "h"},
           {{"CUEBOT_HOSTNAME", "ignored"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.cuebots, (std::vector<std::string>{"a:7000", "b:1234"}));
}

TEST(ConfigTest, RejectsBadValuesNamingThem) {
  absl::StatusOr<LoadedConfig> c = load({"--port", "70000", "--hostname", "h"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("--port"), absl::string_view::npos) << c.status();
  c = load({"--hostname", "h"}, {{"OVERRIDE_CORES", "many"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("OVERRIDE_CORES"), absl::string_view::npos);
  EXPECT_FALSE(load({"--no-such-flag"}).ok());
  EXPECT_FALSE(load({"--report-interval", "0", "--hostname", "h"}).ok());
}

TEST(ConfigTest, FramesAreNiceOnWorkstationsUnlessTold) {
  absl::StatusOr<LoadedConfig> c = load({"--hostname", "h"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.frame_nice, 0);
  c = load({"--hostname", "h", "--nimby"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.frame_nice, 10);  // as OpenCue's RQD on a desktop
  c = load({"--hostname", "h", "--nimby"}, {{"RQD_FRAME_NICE", "0"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.frame_nice, 0);
  c = load({"--hostname", "h", "--frame-nice", "5"}, {{"RQD_FRAME_NICE", "3"}});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config.frame_nice, 5);
  c = load({"--hostname", "h", "--frame-nice", "20"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "--frame-nice 20: not 0-19");
}

TEST(ConfigTest, HelpListsDefaults) {
  absl::StatusOr<LoadedConfig> c = load({"--help"});
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->help.find("--report-interval"), std::string::npos);
  EXPECT_NE(c->help.find("8444"), std::string::npos);
  EXPECT_NE(c->help.find("CUEBOT_HOSTNAME"), std::string::npos);
}

TEST(WithDefaultPortTest, AddsThePortOnlyWhenMissing) {
  EXPECT_EQ(withDefaultPort("cuebot", 8443), "cuebot:8443");
  EXPECT_EQ(withDefaultPort("cuebot:1", 8443), "cuebot:1");
  EXPECT_EQ(withDefaultPort("[::1]", 8443), "[::1]:8443");
  EXPECT_EQ(withDefaultPort("[::1]:5", 8443), "[::1]:5");
}

}  // namespace
}  // namespace cue::rqd
