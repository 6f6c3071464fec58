#include "cuebot/job_launcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace cue::cuebot {
namespace {

namespace fs = std::filesystem;

class JobLauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / absl::StrCat("launcher-", std::random_device{}(), ".db");
    auto s = store::openStore(path_.string());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    launcher_ = std::make_unique<JobLauncher>(*store_, clock_, LaunchOptions{"/logs", 1000000});
  }
  void TearDown() override {
    launcher_.reset();
    store_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_.string() + ext);
  }

  static std::string spec(const std::string& show, const std::string& layers,
                          const std::string& depends = "") {
    return absl::StrCat("<spec><facility>local</facility><show>", show,
                        "</show><shot>sh01</shot><user>artist</user><uid>1000</uid>"
                        "<job name=\"comp\"><paused>False</paused><layers>",
                        layers, "</layers></job><depends>", depends, "</depends></spec>");
  }

  common::ManualClock clock_;
  fs::path path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<JobLauncher> launcher_;
};

TEST_F(JobLauncherTest, ShowServiceOverrideWinsOverTheServiceAndLayerValuesWinOverBoth) {
  auto show = store_->findShow("testing");
  ASSERT_TRUE(show.ok());
  core::Service shell = *store_->findService("shell");
  shell.min_memory = 8 * core::kKbPerGb;  // the show's shell frames need 8 GB
  shell.min_cores = 200;
  ASSERT_TRUE(store_->createServiceOverride(show->id, shell).ok());
  EXPECT_EQ(store_->createServiceOverride(show->id, shell).status().code(),
            absl::StatusCode::kAlreadyExists);
  auto jobs = launcher_->launch(
      spec("testing",
           R"(<layer name="plain" type="Render"><cmd>r</cmd><range>1</range><chunk>1</chunk>)"
           R"(<services><service>shell</service></services></layer>)"
           R"(<layer name="explicit" type="Render"><cmd>r</cmd><range>1</range><chunk>1</chunk>)"
           R"(<memory>2g</memory><services><service>shell</service></services></layer>)"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  auto layers = *store_->getLayers(jobs->front().id);
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0].min_memory, 8 * core::kKbPerGb);  // the override
  EXPECT_EQ(layers[0].min_cores, 200);
  EXPECT_EQ(layers[1].min_memory, 2 * core::kKbPerGb);  // the spec's own value
  EXPECT_EQ(layers[1].min_cores, 200);
}

TEST_F(JobLauncherTest, JobsWithoutCoresInTheSpecTakeTheShowsDefaults) {
  auto show = store_->findShow("testing");
  ASSERT_TRUE(show.ok());
  ASSERT_TRUE(store_->setShowDefaultCores(show->id, 200, 1200).ok());
  auto jobs = launcher_->launch(
      spec("testing", R"(<layer name="render" type="Render"><cmd>r</cmd><range>1</range>)"
                      R"(<chunk>1</chunk></layer>)"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_EQ(jobs->front().min_cores, 200);
  EXPECT_EQ(jobs->front().max_cores, 1200);
}

TEST_F(JobLauncherTest, AppliesServiceDefaultsAndChunks) {
  auto jobs = launcher_->launch(
      spec("testing",
           R"(<layer name="render" type="Render"><cmd>r</cmd><range>1-10</range><chunk>3</chunk>)"
           R"(<services><service>prman</service></services></layer>)"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->size(), 1u);
  const core::Job& j = jobs->front();
  EXPECT_EQ(j.name, "testing-sh01-artist_comp");
  EXPECT_EQ(j.uid, 1000);
  EXPECT_EQ(j.log_dir, absl::StrCat("/logs/testing/sh01/logs/", j.name, "--", j.id));
  auto layers = store_->getLayers(j.id);
  ASSERT_TRUE(layers.ok());
  ASSERT_EQ(layers->size(), 1u);
  EXPECT_EQ((*layers)[0].min_cores, 100);       // prman's default
  EXPECT_EQ((*layers)[0].min_memory, 3355443);  // prman's default, 3.2 GB
  EXPECT_EQ((*layers)[0].tags, (std::vector<std::string>{"general", "desktop"}));
  store::FrameSearch q;
  q.job_id = j.id;
  auto frames = store_->getFrames(q);
  ASSERT_TRUE(frames.ok());
  std::vector<std::string> names;
  for (const auto& f : *frames) names.push_back(f.name);
  // 1-10 in chunks of 3: frames 1, 4, 7, 10.
  EXPECT_EQ(names,
            (std::vector<std::string>{"0001-render", "0004-render", "0007-render", "0010-render"}));
}

TEST_F(JobLauncherTest, FrameByFrameWithChunksWaitsOnEveryCoveredFrame) {
  auto parsed = core::parseJobSpec(spec(
      "testing",
      R"(<layer name="render" type="Render"><cmd>r</cmd><range>1-4</range><chunk>1</chunk></layer>)"
      R"(<layer name="encode" type="Render"><cmd>e</cmd><range>1-4</range><chunk>2</chunk></layer>)",
      R"(<depend type="FRAME_BY_FRAME"><depjob>comp</depjob><deplayer>encode</deplayer>)"
      R"(<onjob>comp</onjob><onlayer>render</onlayer></depend>)"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto built = launcher_->build(*parsed);
  ASSERT_TRUE(built.ok()) << built.status();
  const auto& nj = built->front();
  // encode frames 1 (covers 1,2) and 3 (covers 3,4): two FRAME_ON_FRAME depends each.
  ASSERT_EQ(nj.depends.size(), 4u);
  std::map<std::string, std::string> name_of;
  for (const auto& f : nj.frames) name_of[f.id] = f.name;
  std::set<std::pair<std::string, std::string>> edges;
  for (const auto& d : nj.depends) {
    EXPECT_EQ(d.type, core::DependType::kFrameOnFrame);
    edges.emplace(name_of[d.er_frame_id], name_of[d.on_frame_id]);
  }
  EXPECT_EQ(edges, (std::set<std::pair<std::string, std::string>>{{"0001-encode", "0001-render"},
                                                                  {"0001-encode", "0002-render"},
                                                                  {"0003-encode", "0003-render"},
                                                                  {"0003-encode", "0004-render"}}));
}

TEST_F(JobLauncherTest, UnknownShowIsNotFoundAndWritesNothing) {
  auto jobs = launcher_->launch(spec(
      "nosuchshow",
      R"(<layer name="render" type="Render"><cmd>r</cmd><range>1</range><chunk>1</chunk></layer>)"));
  EXPECT_EQ(jobs.status().code(), absl::StatusCode::kNotFound) << jobs.status();
  EXPECT_NE(jobs.status().message().find("nosuchshow"), std::string::npos);
  auto all = store_->getJobs({});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_F(JobLauncherTest, DependOnAJobNotOnTheFarmIsNotFound) {
  auto jobs = launcher_->launch(spec(
      "testing",
      R"(<layer name="render" type="Render"><cmd>r</cmd><range>1</range><chunk>1</chunk></layer>)",
      R"(<depend type="JOB_ON_JOB"><depjob>comp</depjob><onjob>testing-sh01-artist_gone</onjob></depend>)"));
  EXPECT_EQ(jobs.status().code(), absl::StatusCode::kNotFound) << jobs.status();
}

TEST_F(JobLauncherTest, PostLayersBecomeAPostJobWaitingOnTheJob) {
  auto jobs = launcher_->launch(spec(
      "testing",
      R"(<layer name="render" type="Render"><cmd>r</cmd><range>1-2</range><chunk>1</chunk></layer>)"
      R"(<layer name="cleanup" type="Post"><cmd>c</cmd><range>1</range><chunk>1</chunk></layer>)"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->size(), 2u);
  const core::Job& post = (*jobs)[1];
  EXPECT_EQ(post.user, "monitor");
  EXPECT_EQ(post.env.at("CUE_PARENT_JOB_ID"), (*jobs)[0].id);
  store::FrameSearch q;
  q.job_id = post.id;
  auto frames = store_->getFrames(q);
  ASSERT_TRUE(frames.ok());
  ASSERT_EQ(frames->size(), 1u);
  EXPECT_EQ((*frames)[0].state, core::FrameState::kDepend);
}

// The job a launch returns is the job as the store holds it, every field a read gives
// (Farm::launchSpec answers with it without reading it back when no filter changed it).
TEST_F(JobLauncherTest, LaunchedJobIsTheJobTheStoreHolds) {
  auto jobs = launcher_->launchJobs(spec(
      "testing",
      R"(<layer name="render" type="Render"><cmd>r</cmd><range>1-3</range><chunk>1</chunk></layer>)"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->size(), 1u);
  const core::Job& mine = jobs->front().job;
  auto stored = store_->getJob(mine.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  const core::Job& s = *stored;
  EXPECT_EQ(mine.name, s.name);
  EXPECT_EQ(mine.show_id, s.show_id);
  EXPECT_EQ(mine.show, s.show);
  EXPECT_EQ(mine.shot, s.shot);
  EXPECT_EQ(mine.user, s.user);
  EXPECT_EQ(mine.email, s.email);
  EXPECT_EQ(mine.uid, s.uid);
  EXPECT_EQ(mine.group_id, s.group_id);
  EXPECT_EQ(mine.group_name, s.group_name);
  EXPECT_FALSE(s.group_name.empty());
  EXPECT_EQ(mine.facility, s.facility);
  EXPECT_EQ(mine.department, s.department);
  EXPECT_EQ(mine.os, s.os);
  EXPECT_EQ(mine.priority, s.priority);
  EXPECT_EQ(mine.min_cores, s.min_cores);
  EXPECT_EQ(mine.max_cores, s.max_cores);
  EXPECT_EQ(mine.min_gpus, s.min_gpus);
  EXPECT_EQ(mine.max_gpus, s.max_gpus);
  EXPECT_EQ(mine.max_retries, s.max_retries);
  EXPECT_EQ(mine.paused, s.paused);
  EXPECT_EQ(mine.auto_eat, s.auto_eat);
  EXPECT_EQ(mine.state, s.state);
  EXPECT_EQ(mine.log_dir, s.log_dir);
  EXPECT_EQ(mine.start_time, s.start_time);
  EXPECT_EQ(mine.stop_time, s.stop_time);
  EXPECT_EQ(mine.env, s.env);
}

// The frames a launch hands the farm model (launchJobs) are the store's waiting frames, the
// same ids in the same order; a job whose frames a depend may hold gets none.
TEST_F(JobLauncherTest, LaunchedWaitingFramesAreWhatTheStoreHolds) {
  auto jobs = launcher_->launchJobs(spec(
      "testing",
      R"(<layer name="render" type="Render"><cmd>r</cmd><range>1-3</range><chunk>1</chunk></layer>)"
      R"(<layer name="encode" type="Render"><cmd>e</cmd><range>1-4</range><chunk>2</chunk></layer>)"));
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->size(), 1u);
  ASSERT_TRUE(jobs->front().waiting.has_value());
  const auto& launched = *jobs->front().waiting;
  auto stored = store_->waitingFrames(jobs->front().job.id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(launched.size(), 2u);
  ASSERT_EQ(launched.size(), stored->size());
  for (const auto& [layer, frames] : *stored) {
    SCOPED_TRACE(layer);
    ASSERT_TRUE(launched.contains(layer));
    const auto& mine = launched.at(layer);
    ASSERT_EQ(mine.size(), frames.size());
    for (size_t k = 0; k < frames.size(); ++k) {
      EXPECT_EQ(mine[k].id, frames[k].id);
      EXPECT_EQ(mine[k].number, frames[k].number);
      EXPECT_EQ(mine[k].reserved_memory, frames[k].reserved_memory);
      EXPECT_EQ(mine[k].dispatch_order, frames[k].dispatch_order);
    }
  }

  auto held = launcher_->launchJobs(absl::StrReplaceAll(
      spec(
          "testing",
          R"(<layer name="render" type="Render"><cmd>r</cmd><range>1-4</range><chunk>1</chunk></layer>)"
          R"(<layer name="encode" type="Render"><cmd>e</cmd><range>1-4</range><chunk>2</chunk></layer>)",
          R"(<depend type="FRAME_BY_FRAME"><depjob>comp</depjob><deplayer>encode</deplayer>)"
          R"(<onjob>comp</onjob><onlayer>render</onlayer></depend>)"),
      {{"\"comp\"", "\"comp2\""},
       {"<depjob>comp<", "<depjob>comp2<"},
       {"<onjob>comp<", "<onjob>comp2<"}}));
  ASSERT_TRUE(held.ok()) << held.status();
  ASSERT_EQ(held->size(), 1u);
  EXPECT_FALSE(held->front().waiting.has_value());
}

}  // namespace
}  // namespace cue::cuebot
