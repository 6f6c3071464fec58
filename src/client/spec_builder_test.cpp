#include "client/spec_builder.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/command_tokens.h"
#include "core/job_spec.h"

namespace cue::client {
namespace {

namespace fs = std::filesystem;

JobBuild twoLayers() {
  JobBuild job;
  job.name = "flags_job";
  job.show = "testing";
  job.shot = "Shot-01";
  job.user = "tester";
  job.uid = 1000;
  job.facility = "local";
  job.priority = 7;
  job.max_retries = 1;
  job.paused = true;
  job.email = "tester@example.com";
  LayerBuild render;
  render.name = "render";
  render.command = "echo render #IFRAME#";
  render.range = "1-10";
  render.chunk = 2;
  render.cores = 2;
  render.memory = "4g";
  render.gpus = 2;
  render.gpu_memory = "512m";
  render.services = {"shell", "prman"};
  render.tags = {"general", "desktop"};
  render.limits = {"nuke_lic"};
  LayerBuild comp;
  comp.name = "comp";
  comp.command = "echo comp";
  comp.range = "1-10";
  comp.cores = 0.25;
  comp.memory = "1.5g";
  comp.depend = LayerDepend::kFrameByFrame;
  job.layers = {render, comp};
  return job;
}

core::JobSpec parse(const std::string& xml) {
  auto spec = core::parseJobSpec(xml);
  EXPECT_TRUE(spec.ok()) << spec.status() << "\n" << xml;
  return spec.ok() ? *spec : core::JobSpec{};
}

TEST(SpecBuilder, WritesWhatTheParserReadsBack) {
  auto xml = buildSpecXml(twoLayers());
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_NE(xml->find("cjsl-1.15.dtd"), std::string::npos);
  core::JobSpec spec = parse(*xml);
  EXPECT_EQ(spec.facility, "local");
  EXPECT_EQ(spec.show, "testing");
  EXPECT_EQ(spec.shot, "shot_01");
  EXPECT_EQ(spec.user, "tester");
  EXPECT_EQ(spec.email, "tester@example.com");
  EXPECT_EQ(spec.uid, 1000);
  ASSERT_EQ(spec.jobs.size(), 1u);
  const auto& job = spec.jobs[0];
  EXPECT_EQ(core::fullJobName(spec, job), "testing-shot_01-tester_flags_job");
  EXPECT_TRUE(job.paused);
  EXPECT_EQ(job.priority, 7);
  EXPECT_EQ(job.max_retries, 1);
  ASSERT_EQ(job.layers.size(), 2u);
  const auto& r = job.layers[0];
  EXPECT_EQ(r.name, "render");
  EXPECT_EQ(r.command, "echo render #IFRAME#");
  EXPECT_EQ(r.range, "1-10");
  EXPECT_EQ(r.chunk_size, 2);
  EXPECT_EQ(r.min_cores, 200);  // 2 cores, not 2/100 of one
  EXPECT_EQ(r.min_memory, 4 * 1024 * 1024);
  EXPECT_EQ(r.min_gpus, 2);
  EXPECT_EQ(r.min_gpu_memory, 512 * 1024);
  EXPECT_EQ(r.services, (std::vector<std::string>{"shell", "prman"}));
  EXPECT_EQ(r.tags, (std::vector<std::string>{"general", "desktop"}));
  EXPECT_EQ(r.limits, (std::vector<std::string>{"nuke_lic"}));
  const auto& c = job.layers[1];
  EXPECT_EQ(c.chunk_size, 1);
  EXPECT_EQ(c.min_cores, 25);
  EXPECT_EQ(c.threadable, false);
  EXPECT_EQ(c.min_memory, 1536 * 1024);
  EXPECT_FALSE(c.min_gpus);
  EXPECT_EQ(c.services, (std::vector<std::string>{"default"}));
  ASSERT_EQ(spec.depends.size(), 1u);
  const auto& d = spec.depends[0];
  EXPECT_EQ(d.type, core::DependType::kFrameByFrame);
  EXPECT_EQ(d.dep_layer, "comp");
  EXPECT_EQ(d.on_layer, "render");
  EXPECT_EQ(d.dep_job_index, 0);
  EXPECT_EQ(d.on_job_index, 0);
}

TEST(SpecBuilder, LayerOnLayerAndDefaults) {
  JobBuild job = twoLayers();
  job.layers[1].depend = LayerDepend::kLayerOnLayer;
  job.uid.reset();
  job.priority.reset();
  job.max_retries.reset();
  job.facility.clear();
  job.layers[0].gpus.reset();
  job.layers[0].gpu_memory.clear();
  job.layers[1].cores = 0;  // a whole host
  auto xml = buildSpecXml(job);
  ASSERT_TRUE(xml.ok()) << xml.status();
  core::JobSpec spec = parse(*xml);
  EXPECT_FALSE(spec.uid);
  EXPECT_EQ(spec.facility, "");
  EXPECT_EQ(spec.jobs[0].priority, core::kSpecDefaultPriority);
  EXPECT_FALSE(spec.jobs[0].layers[0].min_gpus);
  EXPECT_FALSE(spec.jobs[0].layers[0].min_gpu_memory);
  EXPECT_EQ(spec.jobs[0].layers[1].min_cores, 0);
  ASSERT_EQ(spec.depends.size(), 1u);
  EXPECT_EQ(spec.depends[0].type, core::DependType::kLayerOnLayer);
  EXPECT_FALSE(spec.depends[0].any_frame);
}

TEST(SpecBuilder, GpusAloneGetGpuMemoryAsPyoutlineDoes) {
  JobBuild job = twoLayers();
  job.layers[0].gpu_memory.clear();
  job.layers[1].gpu_memory = "2g";
  auto xml = buildSpecXml(job);
  ASSERT_TRUE(xml.ok()) << xml.status();
  core::JobSpec spec = parse(*xml);
  EXPECT_EQ(spec.jobs[0].layers[0].min_gpu_memory, 1024 * 1024);
  EXPECT_EQ(spec.jobs[0].layers[1].min_gpus, 1);
  EXPECT_EQ(spec.jobs[0].layers[1].min_gpu_memory, 2 * 1024 * 1024);
}

TEST(SpecBuilder, CommandsKeepQuotesSpacesAndMarkup) {
  JobBuild job = twoLayers();
  job.layers[0].command = R"(printf '%s|' "a  b" 'c d' && echo "<x> & y" > /dev/null)";
  auto xml = buildSpecXml(job);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(parse(*xml).jobs[0].layers[0].command, job.layers[0].command);
}

TEST(SpecBuilder, MemoryIsWrittenAsCuebotReadsIt) {
  JobBuild job = twoLayers();
  for (auto [in, kb] : std::vector<std::pair<std::string, int64_t>>{
           {"512m", 512 * 1024}, {"512MB", 512 * 1024}, {"2", 2 * 1024 * 1024},
           {"0.5m", 512}, {"1.25g", 1280 * 1024}, {"2048m", 2 * 1024 * 1024}}) {
    job.layers[0].memory = in;
    auto xml = buildSpecXml(job);
    ASSERT_TRUE(xml.ok()) << in << ": " << xml.status();
    EXPECT_EQ(parse(*xml).jobs[0].layers[0].min_memory, kb) << in;
  }
}

void expectError(const JobBuild& job, const std::string& part) {
  auto xml = buildSpecXml(job);
  ASSERT_FALSE(xml.ok()) << "expected an error with \"" << part << "\"";
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(xml.status().message().find(part), std::string::npos) << xml.status();
  EXPECT_EQ(xml.status().message().find('\n'), std::string::npos) << xml.status();
}

TEST(SpecBuilder, RefusesBadInputWithClearErrors) {
  auto with = [](auto change) {
    JobBuild job = twoLayers();
    change(job);
    return job;
  };
  expectError(with([](JobBuild& j) { j.name = ""; }), "job name \"\"");
  expectError(with([](JobBuild& j) { j.name = "a b"; }), "job name \"a b\"");
  expectError(with([](JobBuild& j) { j.show = ""; }), "no show");
  expectError(with([](JobBuild& j) { j.user = "root"; }), "root");
  expectError(with([](JobBuild& j) { j.uid = 0; }), "uid 0");
  expectError(with([](JobBuild& j) { j.max_retries = 3; }), "max retries 3");
  expectError(with([](JobBuild& j) { j.layers.clear(); }), "no layers");
  expectError(with([](JobBuild& j) { j.layers[0].command = "  "; }),
              "layer \"render\": no command");
  expectError(with([](JobBuild& j) { j.layers[0].range = "1-x"; }),
              "layer \"render\": frame range \"1-x\"");
  expectError(with([](JobBuild& j) { j.layers[0].range = ""; }), "no frame range");
  expectError(with([](JobBuild& j) { j.layers[0].chunk = 0; }), "chunk 0");
  expectError(with([](JobBuild& j) { j.layers[0].cores = -1; }), "cores -1 is negative");
  expectError(with([](JobBuild& j) { j.layers[0].cores = 0.05; }), "least");
  expectError(with([](JobBuild& j) { j.layers[0].cores = 32; }), "most");
  expectError(with([](JobBuild& j) { j.layers[0].memory = "lots"; }), "memory \"lots\"");
  expectError(with([](JobBuild& j) { j.layers[0].memory = "0"; }), "memory \"0\"");
  expectError(with([](JobBuild& j) { j.layers[0].gpus = -1; }), "gpus -1");
  expectError(with([](JobBuild& j) { j.layers[0].tags = {"a b"}; }), "tag \"a b\"");
  expectError(with([](JobBuild& j) { j.layers[0].name = "x"; }), "layer name \"x\"");
  expectError(with([](JobBuild& j) { j.layers[1].name = "Render"; }), "two layers");
  expectError(with([](JobBuild& j) {
                j.layers[0].name = "a-b";
                j.layers[1].name = "a_b";
              }),
              "two layers");
  expectError(with([](JobBuild& j) { j.layers[0].depend = LayerDepend::kLayerOnLayer; }),
              "first layer");
}

// Runs `command` as rqd does (/bin/sh -c), after cuebot's token replacement for `frame`.
int runFrame(const std::string& command, int frame) {
  core::CommandContext ctx;
  ctx.frame_number = frame;
  int status = std::system(core::substituteCommandTokens(command, ctx).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SpecBuilder, ShellJoinQuotesForTheShell) {
  EXPECT_EQ(shellJoin({"render", "-f", "#IFRAME#", "a=b"}), "render -f '#IFRAME#' a=b");
  EXPECT_EQ(shellJoin({"it's", "", "a b"}), R"('it'\''s' '' 'a b')");
  EXPECT_EQ(shellJoin({"A=1", "B=2"}), "'A=1' B=2");
  fs::path dir = fs::temp_directory_path() / ("spec_builder_test_" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path out = dir / "args";
  std::string cmd = shellJoin({"printf", "%s|", "a  b", "it's", "$HOME", "*", "#IFRAME#"}) +
                    " > " + shellJoin({out.string()});
  EXPECT_EQ(runFrame(cmd, 5), 0);
  EXPECT_EQ(readFile(out), "a  b|it's|$HOME|*|5|");
  fs::remove_all(dir);
}

class CommandFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cuecmd_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    log_ = (dir_ / "ran").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  CommandFileOptions options(int per_frame) {
    CommandFileOptions o;
    o.job = twoLayers();
    o.job.name = "cuecmd_job";
    o.layer.cores = 1;
    o.layer.memory = "256m";
    o.commands_per_frame = per_frame;
    return o;
  }
  std::string append(const std::string& what) {
    return "echo " + what + " >> '" + log_ + "'";
  }
  fs::path dir_;
  std::string log_;
};

TEST_F(CommandFileTest, FiveCommandsChunkTwoMakeThreeFramesThatRunThemAll) {
  std::string text = "# a comment\n" + append("one") + "\n\n" + append("'two  2'") + "\r\n" +
                     append("three") + "\n   # indented comment\n" + append("\"four; 4\"") +
                     " # trailing comment\n" + append("five") + "\n";
  auto job = jobFromCommandFile(text, options(2));
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_EQ(job->layers.size(), 1u);
  const LayerBuild& l = job->layers[0];
  EXPECT_EQ(l.name, "cuecmd");
  EXPECT_EQ(l.range, "1-3");
  EXPECT_EQ(l.chunk, 1);
  EXPECT_EQ(l.cores, 1);
  auto xml = buildSpecXml(*job);
  ASSERT_TRUE(xml.ok()) << xml.status();
  core::JobSpec spec = parse(*xml);
  ASSERT_EQ(spec.jobs[0].layers.size(), 1u);
  const std::string& command = spec.jobs[0].layers[0].command;
  EXPECT_EQ(command, l.command);
  EXPECT_EQ(runFrame(command, 2), 0);
  EXPECT_EQ(readFile(log_), "three\nfour; 4\n");
  EXPECT_EQ(runFrame(command, 1), 0);
  EXPECT_EQ(runFrame(command, 3), 0);
  EXPECT_EQ(readFile(log_), "three\nfour; 4\none\ntwo  2\nfive\n");
  EXPECT_EQ(runFrame(command, 4), 1);  // no such frame
}

TEST_F(CommandFileTest, AFrameStopsAtItsFirstFailingCommand) {
  std::string text = append("a") + "\nexit 3\n" + append("never") + "\n";
  auto job = jobFromCommandFile(text, options(3));
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->layers[0].range, "1");
  EXPECT_EQ(runFrame(job->layers[0].command, 1), 3);
  EXPECT_EQ(readFile(log_), "a\n");
}

TEST_F(CommandFileTest, LongFilesSpreadOverLayers) {
  std::string text;
  for (int i = 1; i <= 40; ++i) text += append(std::to_string(i)) + "\n";
  CommandFileOptions o = options(3);  // 14 frames
  o.layer.name = "cmds";
  o.max_script_bytes = 1200;
  auto job = jobFromCommandFile(text, o);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_GT(job->layers.size(), 2u);
  EXPECT_EQ(job->layers[0].name, "cmds");
  EXPECT_EQ(job->layers[1].name, "cmds_2");
  auto xml = buildSpecXml(*job);
  ASSERT_TRUE(xml.ok()) << xml.status();
  int next = 1;
  for (const auto& layer : job->layers) {
    EXPECT_LE(layer.command.size(), o.max_script_bytes);
    auto frames = core::FrameSet::parse(layer.range);
    ASSERT_TRUE(frames.ok()) << layer.range;
    for (int f : frames->frames()) {
      EXPECT_EQ(f, next++);
      EXPECT_EQ(runFrame(layer.command, f), 0) << layer.name << " frame " << f;
    }
  }
  EXPECT_EQ(next, 15);
  std::string want;
  for (int i = 1; i <= 40; ++i) want += std::to_string(i) + "\n";
  EXPECT_EQ(readFile(log_), want);
}

TEST_F(CommandFileTest, RefusesEmptyFilesAndBadChunks) {
  auto empty = jobFromCommandFile("\n# only a comment\n  \n", options(1));
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no commands"), std::string::npos);
  auto chunk = jobFromCommandFile("true\n", options(0));
  ASSERT_FALSE(chunk.ok());
  EXPECT_NE(chunk.status().message().find("chunk 0"), std::string::npos);
  CommandFileOptions o = options(1);
  o.max_script_bytes = 100;
  auto big = jobFromCommandFile(std::string(200, 'x') + "\n", o);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("smaller chunk"), std::string::npos) << big.status();
}

}  // namespace
}  // namespace cue::client
