// FarmModel against a real SQLite store (a temp file; no sockets, no processes): loading,
// booking through planAndBook, completions, and finished jobs leaving the model.
#include "cuebot/model/farm_model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "cuebot/job_launcher.h"

namespace cue::cuebot {
namespace {

namespace fs = std::filesystem;

class FarmModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / absl::StrCat("model-", std::random_device{}(), ".db");
    auto s = store::openStore(path_.string());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    launcher_ = std::make_unique<JobLauncher>(*store_, clock_, LaunchOptions{"/logs", 1000000});
    store::HostReportData r;
    r.name = "render01";
    r.facility = "local";
    r.cores = 400;
    r.total_memory = r.free_memory = 16 * core::kKbPerGb;
    r.now = 1000;
    auto h = store_->upsertHost(r);
    ASSERT_TRUE(h.ok()) << h.status();
    host_id_ = h->id;
  }
  void TearDown() override {
    launcher_.reset();
    store_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_.string() + ext);
  }

  std::string launch(const std::string& name, const std::string& range) {
    auto jobs = launcher_->launch(absl::StrCat(
        "<spec><facility>local</facility><show>testing</show><shot>sh01</shot><user>artist</user>"
        "<uid>1000</uid><job name=\"", name, "\"><paused>False</paused><layers>"
        "<layer name=\"render\" type=\"Render\"><cmd>r</cmd><range>", range,
        "</range><chunk>1</chunk><memory>1g</memory></layer></layers></job><depends/></spec>"));
    EXPECT_TRUE(jobs.ok()) << jobs.status();
    return jobs.ok() ? jobs->front().id : "";
  }

  std::vector<FarmModel::Launch> book(FarmModel& model) {
    int n = 0;
    auto made = model.planAndBook(
        host_id_, {}, 1000, [&](const std::vector<store::Booking>& b) { return store_->book(b); },
        [&] { return absl::StrCat("proc-", n++, "-", std::random_device{}()); });
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : std::vector<FarmModel::Launch>{};
  }

  void complete(FarmModel& model, const FarmModel::Launch& l) {
    store::FrameCompletion done;
    done.proc_id = l.booking.proc_id;
    done.frame_id = l.booking.frame_id;
    done.host_name = "render01";
    done.max_rss = 512 * 1024;
    done.run_time = 10;
    done.now = 1010;
    ASSERT_TRUE(store_->completeFrame(done).ok());
    model.frameEnded(done.proc_id, done.max_rss, done.run_time, true, false);
    ASSERT_TRUE(model.refreshJob(l.job.id).ok());
  }

  int viewJobs(FarmModel& model) {
    int n = 0;
    model.withView([&](dispatch::FarmView& v) { n = static_cast<int>(v.jobs.size()); });
    return n;
  }

  common::ManualClock clock_;
  fs::path path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<JobLauncher> launcher_;
  std::string host_id_;
};

TEST_F(FarmModelTest, BooksFromMemoryAndRecordsWhatTheStoreMade) {
  std::string job = launch("first", "1-6");
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  auto launches = book(model);
  ASSERT_EQ(launches.size(), 4u);  // 4 cores, 1-core frames
  EXPECT_EQ(launches[0].frame_name, "0001-render");
  EXPECT_EQ(launches[0].host.name, "render01");
  EXPECT_TRUE(book(model).empty());  // the host is full in memory
  store::ProcSearch q;
  q.host_ids = {host_id_};
  EXPECT_EQ(store_->getProcs(q)->size(), 4u);  // and in the store
}

TEST_F(FarmModelTest, FinishedJobsLeaveTheModelAndTheirSlotsAreReused) {
  std::string first = launch("first", "1-2");
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  auto launches = book(model);
  ASSERT_EQ(launches.size(), 2u);
  for (const auto& l : launches) complete(model, l);
  EXPECT_EQ(store_->getJob(first)->state, core::JobState::kFinished);
  auto why = model.explain(first, {}, 1020);
  ASSERT_TRUE(why.ok());
  EXPECT_EQ(why->summary, "job is finished");
  const int slots = viewJobs(model);
  std::string second = launch("second", "1-2");
  ASSERT_TRUE(model.refreshJob(second).ok());
  EXPECT_EQ(viewJobs(model), slots);  // the finished job's slot was reused
  EXPECT_EQ(book(model).size(), 2u);
}

TEST_F(FarmModelTest, LearnsTheMemoryItsFramesUse) {
  std::string job = launch("learn", "1-8");
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  EXPECT_EQ(model.layerMemory(job)["render"], 1 * core::kKbPerGb);  // the spec's request
  auto launches = book(model);
  ASSERT_EQ(launches.size(), 4u);
  for (const auto& l : launches) complete(model, l);  // each peaked at 512 MB
  // p95 of the peaks plus 10%, rounded up to 256 MB
  EXPECT_EQ(model.layerMemory(job)["render"], 768 * 1024);
}

}  // namespace
}  // namespace cue::cuebot
