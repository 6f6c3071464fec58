// FarmModel against a real SQLite store (a temp file; no sockets, no processes): loading,
// booking through planAndBook, completions, and finished jobs leaving the model.
#include "cuebot/model/farm_model.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "cuebot/job_launcher.h"
#include "cuebot/report_writer.h"

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
        "<uid>1000</uid><job name=\"",
        name,
        "\"><paused>False</paused><layers>"
        "<layer name=\"render\" type=\"Render\"><cmd>r</cmd><range>",
        range,
        "</range><chunk>1</chunk><memory>1g</memory></layer></layers></job><depends/></spec>"));
    EXPECT_TRUE(jobs.ok()) << jobs.status();
    return jobs.ok() ? jobs->front().id : "";
  }

  // A new job of three frames, as JobLauncher::launchJobs hands it over (frames as built).
  absl::StatusOr<std::vector<LaunchedJob>> launchBuilt(const std::string& name) {
    return launcher_->launchJobs(absl::StrCat(
        "<spec><facility>local</facility><show>testing</show><shot>sh01</shot><user>artist</user>"
        "<uid>1000</uid><job name=\"",
        name,
        "\"><paused>False</paused><layers>"
        "<layer name=\"render\" type=\"Render\"><cmd>r</cmd><range>1-3</range><chunk>1</chunk>"
        "<memory>1g</memory></layer></layers></job><depends/></spec>"));
  }

  std::vector<FarmModel::Launch> book(FarmModel& model) {
    int n = 0;
    auto made = model.planAndBook(
        {host_id_}, {}, 1000, [&](const std::vector<store::Booking>& b) { return store_->book(b); },
        [&] { return absl::StrCat("proc-", n++, "-", std::random_device{}()); });
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : std::vector<FarmModel::Launch>{};
  }

  // A new job of `range` frames, the model loaded, and what it books on render01.
  std::vector<FarmModel::Launch> launchAndBook(FarmModel& model, const std::string& name,
                                               const std::string& range) {
    launch(name, range);
    EXPECT_TRUE(model.load().ok());
    return book(model);
  }

  // The launched frame's end: succeeded after 10 s at 512 MB.
  static store::FrameCompletion completionOf(const FarmModel::Launch& l) {
    store::FrameCompletion done;
    done.proc_id = l.booking.proc_id;
    done.frame_id = l.booking.frame_id;
    done.host_name = "render01";
    done.max_rss = 512 * 1024;
    done.run_time = 10;
    done.now = 1010;
    return done;
  }

  void complete(FarmModel& model, const FarmModel::Launch& l) {
    const store::FrameCompletion done = completionOf(l);
    ASSERT_TRUE(store_->completeFrame(done).ok());
    model.frameEnded(done.proc_id, done.max_rss, done.run_time, true, false);
    ASSERT_TRUE(model.refreshJob(l.job->id).ok());
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
  EXPECT_EQ(launches[0].host->name, "render01");
  EXPECT_TRUE(book(model).empty());  // the host is full in memory
  store::ProcSearch q;
  q.host_ids = {host_id_};
  EXPECT_EQ(store_->getProcs(q)->size(), 4u);  // and in the store
}

// A new job's frames given as built (addNewJobs) book as those read back from the store do.
TEST_F(FarmModelTest, ANewJobsFramesAsBuiltBookInDispatchOrder) {
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  auto jobs = launchBuilt("built");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_TRUE(jobs->front().waiting.has_value());
  std::vector<std::string> order;
  for (const auto& [layer, frames] : *jobs->front().waiting)
    for (const auto& f : frames) order.push_back(f.id);
  model.addNewJobs({{jobs->front().job.id, std::move(*jobs->front().waiting)}});
  auto made = book(model);
  ASSERT_EQ(made.size(), 3u);
  for (size_t k = 0; k < made.size(); ++k) EXPECT_EQ(made[k].booking.frame_id, order[k]) << k;
}

// A submission never waits for a sweep that holds the model: its jobs are handed over
// and added by the model's next taker before that one reads anything.
TEST_F(FarmModelTest, NewJobsHandedOverWhileTheModelIsHeldAreAddedByItsNextTaker) {
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  auto jobs = launchBuilt("held");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  std::vector<FarmModel::AddedJob> added;
  added.push_back({jobs->front().job.id, std::move(*jobs->front().waiting)});
  std::promise<void> returned;
  auto submitted = returned.get_future();
  std::thread submitter;
  model.withView([&](dispatch::FarmView& v) {
    submitter = std::thread([&] {
      model.addNewJobs(std::move(added));
      returned.set_value();
    });
    // A submitter that waited for the model would still be waiting here.
    EXPECT_EQ(submitted.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    EXPECT_TRUE(v.jobs.empty());  // nothing changed under the holder's feet
  });
  submitter.join();
  EXPECT_EQ(book(model).size(), 3u);  // the next taker added the job first
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

TEST_F(FarmModelTest, AReportThatChangesNoStateIsAnsweredFromMemory) {
  FarmModel model(*store_);
  auto launches = launchAndBook(model, "mem", "1-2");
  ASSERT_EQ(launches.size(), 2u);
  store::HostReportData r;
  r.name = "render01";
  r.load = 175;
  r.free_memory = 3 * core::kKbPerGb;
  r.now = 1030;
  auto got = model.reportedInMemory(r);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->host.id, host_id_);
  EXPECT_EQ(got->host.load, 175);
  EXPECT_EQ(got->host.ping_time, 1030);
  EXPECT_EQ(got->host.idle_cores, 200) << "4 cores, 2 booked";
  ASSERT_EQ(got->procs.size(), 2u);
  std::set<std::string> frames{got->procs[0].frame_id, got->procs[1].frame_id};
  EXPECT_EQ(frames,
            (std::set<std::string>{launches[0].booking.frame_id, launches[1].booking.frame_id}));
  EXPECT_EQ(got->procs[0].booked_time, 1000);
  EXPECT_EQ(got->procs[0].job_id, launches[0].job->id);
  EXPECT_EQ(store_->getHost(host_id_)->load, 0) << "the store is written by the caller";

  // What changes state goes to the store: a NIMBY lock, a new rqd address, an unknown host.
  store::HostReportData nimby = r;
  nimby.nimby_locked = true;
  EXPECT_FALSE(model.reportedInMemory(nimby).has_value());
  store::HostReportData moved = r;
  moved.rqd_address = "10.0.0.9:8444";
  EXPECT_FALSE(model.reportedInMemory(moved).has_value());
  store::HostReportData stranger = r;
  stranger.name = "render99";
  EXPECT_FALSE(model.reportedInMemory(stranger).has_value());
  // A host marked DOWN is brought UP by the store's path.
  ASSERT_TRUE(store_->setHostState(host_id_, core::HardwareState::kDown).ok());
  ASSERT_TRUE(model.refreshHost(host_id_).ok());
  EXPECT_FALSE(model.reportedInMemory(r).has_value());
}

TEST_F(FarmModelTest, ADeletedHostLeavesTheModel) {
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  store::HostReportData r;
  r.name = "render01";
  EXPECT_TRUE(model.reportedInMemory(r).has_value());
  ASSERT_TRUE(store_->deleteHost(host_id_).ok());
  ASSERT_TRUE(model.refreshHost(host_id_).ok());
  EXPECT_FALSE(model.reportedInMemory(r).has_value());
  launch("nowhere", "1");
  EXPECT_TRUE(book(model).empty()) << "nothing is booked on a deleted host";
}

TEST_F(FarmModelTest, TheReportWriterWritesEachHostsLatestReport) {
  FarmModel model(*store_);
  auto launches = launchAndBook(model, "usage", "1");
  ASSERT_EQ(launches.size(), 1u);
  ReportWriter writer(*store_);
  auto report = [&](int32_t load, core::MemoryKb rss, core::EpochSec now) {
    store::Store::HostReportUpdate u;
    u.report.name = "render01";
    u.report.load = load;
    u.report.now = now;
    store::ProcUsage p;
    p.proc_id = launches[0].booking.proc_id;
    p.frame_id = launches[0].booking.frame_id;
    p.rss = p.max_rss = rss;
    u.usage = {p};
    return u;
  };
  writer.add(report(100, core::kKbPerGb, 1010));
  writer.add(report(250, 2 * core::kKbPerGb, 1020));
  writer.flush();
  EXPECT_EQ(store_->getHost(host_id_)->load, 250);
  EXPECT_EQ(store_->getHost(host_id_)->ping_time, 1020);
  auto frame = store_->getFrame(launches[0].booking.frame_id);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->max_rss, 2 * core::kKbPerGb);
  EXPECT_EQ(frame->used_memory, 2 * core::kKbPerGb);

  // A newer report written through the store's path is never overwritten by an older one.
  writer.add(report(300, 2 * core::kKbPerGb, 1030));
  writer.supersede("render01");
  ASSERT_TRUE(store_->updateHostReport(report(400, 2 * core::kKbPerGb, 1040).report, {}).ok());
  writer.flush();
  EXPECT_EQ(store_->getHost(host_id_)->load, 400);
  EXPECT_EQ(store_->getHost(host_id_)->ping_time, 1040);
}

// A host's reports that come faster than rounds are written once per round, its latest:
// a burst of fifty is one write.
TEST_F(FarmModelTest, TheReportWriterWritesABurstOfReportsInOneRound) {
  ReportWriter writer(*store_, 256, std::chrono::hours(1));
  auto report = [](int32_t load, core::EpochSec now) {
    store::Store::HostReportUpdate u;
    u.report.name = "render01";
    u.report.load = load;
    u.report.now = now;
    return u;
  };
  writer.add(report(100, 1010));
  writer.flush();  // the first round is due at once
  EXPECT_EQ(store_->getHost(host_id_)->load, 100);
  for (int k = 0; k < 50; ++k) writer.add(report(200 + k, 1020 + k));
  // The next round is an hour away: the burst waits (a writer without rounds takes a
  // report within milliseconds of its arrival).
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (writer.roundsWritten() == 1 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(writer.roundsWritten(), 1u);
  writer.flush();  // a flush starts the round now
  EXPECT_EQ(store_->getHost(host_id_)->load, 249);
  EXPECT_EQ(store_->getHost(host_id_)->ping_time, 1069);
  EXPECT_EQ(writer.roundsWritten(), 2u);
}

TEST_F(FarmModelTest, TheReportWriterWritesWhatIsPendingWhenItStops) {
  {
    ReportWriter writer(*store_);
    store::Store::HostReportUpdate u;
    u.report.name = "render01";
    u.report.load = 321;
    u.report.now = 1050;
    writer.add(u);
  }
  EXPECT_EQ(store_->getHost(host_id_)->load, 321);
}

// A round the store refuses (a database restarting) is dropped, not tried again: a writer
// stopping meanwhile still ends. The store here refuses because its host table went away
// under it (renamed by another connection).
TEST_F(FarmModelTest, TheReportWriterEndsWhileTheStoreRefusesItsRounds) {
  auto writer = std::make_unique<ReportWriter>(*store_, 256, std::chrono::milliseconds(0));
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.string().c_str(), &other), SQLITE_OK);
  sqlite3_busy_timeout(other, 10000);
  ASSERT_EQ(sqlite3_exec(other, "ALTER TABLE host RENAME TO host_away", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(other);
  store::Store::HostReportUpdate u;
  u.report.name = "render01";
  u.report.load = 777;
  u.report.now = 1060;
  writer->add(u);  // its round is due at once, and refused
  auto stopped = std::async(std::launch::async, [&] { writer.reset(); });
  const bool ended = stopped.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  // The store comes back; the writer, stuck or not, can then end, and the test with it.
  EXPECT_EQ(sqlite3_exec(other, "ALTER TABLE host_away RENAME TO host", nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(other);
  sqlite3_close(other);
  stopped.wait();
  EXPECT_TRUE(ended) << "the writer kept trying a refused round and never stopped";
  EXPECT_NE(store_->getHost(host_id_)->load, 777) << "a refused round was written after all";
}

// A frame's end and the next frames of the cores it frees, in one write: the plan sees the
// freed core, the store completes and books together, the model records both. A write that
// fails changes nothing: the model holds the proc again, as the store does.
TEST_F(FarmModelTest, AFramesEndBooksItsCoresAgainInOneWriteOrPutsTheProcBack) {
  FarmModel model(*store_);
  auto first = launchAndBook(model, "ends", "1-6");
  ASSERT_EQ(first.size(), 4u);  // render01 full
  const FarmModel::Launch& l = first.front();
  const store::FrameCompletion done = completionOf(l);
  int n = 0;
  auto newId = [&] { return absl::StrCat("next-", n++); };
  const std::vector<FarmModel::Ended> ended = {{done.proc_id, done.max_rss, done.run_time, false}};

  // The write fails: nothing written, the proc back in the model.
  int writes = 0;
  auto failed = model.endAndBook(
      ended, {}, 1010,
      [&](const std::vector<store::Booking>& b) -> absl::StatusOr<store::CompletedAndBooked> {
        ++writes;
        EXPECT_EQ(b.size(), 1u) << "the freed core planned";
        return absl::UnavailableError("database gone");
      },
      newId);
  EXPECT_TRUE(absl::IsUnavailable(failed.status())) << failed.status();
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(model.procMemory(done.proc_id), l.booking.memory) << "the proc is the model's again";
  EXPECT_EQ(book(model).size(), 0u) << "render01 is still full";

  // The write succeeds: completed and booked together.
  auto both = model.endAndBook(
      ended, {}, 1010,
      [&](const std::vector<store::Booking>& b) {
        return store_->completeFramesAndBook({done}, b);
      },
      newId);
  ASSERT_TRUE(both.ok()) << both.status();
  ASSERT_EQ(both->completions.size(), 1u);
  ASSERT_TRUE(both->completions[0].ok()) << both->completions[0].status();
  EXPECT_EQ(both->completions[0]->new_state, core::FrameState::kSucceeded);
  ASSERT_EQ(both->launches.size(), 1u);
  const store::Booking& next = both->launches[0].booking;
  EXPECT_EQ(next.host_id, host_id_);
  EXPECT_EQ(both->launches[0].frame_name, "0005-render");
  EXPECT_EQ(both->planned, std::set<std::string>{host_id_});
  EXPECT_FALSE(model.procMemory(done.proc_id).has_value());
  EXPECT_EQ(model.procMemory(next.proc_id), next.memory);
  auto f = store_->getFrame(next.frame_id);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->state, core::FrameState::kRunning);
  auto h = store_->getHost(host_id_);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->idle_cores, 0);
  EXPECT_EQ(book(model).size(), 0u) << "the model agrees: render01 is full";
}

}  // namespace
}  // namespace cue::cuebot
