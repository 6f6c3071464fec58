// The Dispatcher and Farm against a real SQLite store (a temp file) and an rqd that is a
// function call (no sockets, no processes): a kill asked while a frame's LaunchFrame is on
// its way reaches the rqd after the launch, not before it, where it would find nothing.
#include "cuebot/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "cuebot/cluster.h"
#include "cuebot/farm.h"
#include "cuebot/job_launcher.h"

namespace cue::cuebot {
namespace {

namespace fs = std::filesystem;

// An rqd whose LaunchFrame waits until the test lets it answer; records what it was sent.
class GatedRqd final : public RqdClient {
 public:
  absl::Status launchFrame(const std::string&, const rqd::RunFrame& frame) override {
    std::unique_lock<std::mutex> lock(mu_);
    events_.push_back("launch " + frame.frame_id());
    cv_.notify_all();
    cv_.wait(lock, [this] { return open_; });
    events_.push_back("launched " + frame.frame_id());
    return answer_;
  }
  std::vector<absl::Status> launchFrames(std::vector<LaunchCall>& calls) override {
    return launchEach(calls);
  }
  void launchFramesAsync(std::vector<LaunchCall> calls, LaunchDone done) override {
    launchEachThen(calls, done);
  }
  // What LaunchFrame answers from now on (OK by default).
  void answerWith(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    answer_ = std::move(status);
  }
  absl::Status killFrame(const std::string&, const std::string& frame_id,
                         const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back("kill " + frame_id + ": " + message);
    return absl::OkStatus();
  }
  void waitForLaunch() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !events_.empty(); });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  absl::Status answer_;
  std::vector<std::string> events_;
};

// An rqd at `hung` that never answers LaunchFrame (until release()); every other answers
// at once. Counts the frames sent to each address.
class HangingRqd final : public RqdClient {
 public:
  explicit HangingRqd(std::string hung) : hung_(std::move(hung)) {}
  std::vector<absl::Status> launchFrames(std::vector<LaunchCall>& calls) override {
    return launchEach(calls);
  }
  absl::Status launchFrame(const std::string& address, const rqd::RunFrame&) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++sent_[address];
    cv_.notify_all();
    cv_.wait(lock, [&] { return address != hung_ || released_; });
    return absl::OkStatus();
  }
  void launchFramesAsync(std::vector<LaunchCall> calls, LaunchDone done) override {
    std::unique_lock<std::mutex> lock(mu_);
    for (const auto& c : calls) ++sent_[c.address];
    cv_.notify_all();
    if (!calls.empty() && calls.front().address == hung_ && !released_) {
      held_.push_back([n = calls.size(), done] { done(std::vector<absl::Status>(n)); });
      return;
    }
    lock.unlock();
    done(std::vector<absl::Status>(calls.size()));
  }
  absl::Status killFrame(const std::string& address, const std::string& frame_id,
                         const std::string& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    kills_.push_back(address + " " + frame_id + ": " + message);
    cv_.notify_all();
    return absl::OkStatus();
  }
  // Waits (at most 10 s) until a kill was sent; the kills sent.
  std::vector<std::string> waitForKill() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return !kills_.empty(); });
    return kills_;
  }
  std::vector<std::string> kills() {
    std::lock_guard<std::mutex> lock(mu_);
    return kills_;
  }
  // Waits (at most 10 s) until `address` was sent a frame.
  bool waitForLaunchOn(const std::string& address) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return sent_[address] > 0; });
  }
  void release() {
    std::vector<std::function<void()>> held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
      held.swap(held_);
    }
    cv_.notify_all();
    for (auto& answer : held) answer();
  }

 private:
  const std::string hung_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> sent_;
  std::vector<std::function<void()>> held_;
  std::vector<std::string> kills_;
  bool released_ = false;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / absl::StrCat("dispatch-", std::random_device{}(), ".db");
    auto s = store::openStore(path_.string());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    model_ = std::make_unique<FarmModel>(*store_);
    dispatcher_ = std::make_unique<Dispatcher>(*store_, *model_, rqd_, clock_, DispatcherOptions{});
    launcher_ = std::make_unique<JobLauncher>(*store_, clock_, LaunchOptions{"/logs", 1000000});
    farm_ = std::make_unique<Farm>(*store_, *model_, rqd_, *dispatcher_, *launcher_, clock_,
                                   FarmOptions{});
    ASSERT_TRUE(model_->load().ok());
    ASSERT_TRUE(farm_->onBoot(hostReport()).ok());
    auto host = store_->findHost("render01");
    ASSERT_TRUE(host.ok()) << host.status();
    host_id_ = host->id;
  }
  void TearDown() override {
    rqd_.open();
    farm_.reset();
    dispatcher_.reset();
    launcher_.reset();
    model_.reset();
    store_.reset();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(path_.string() + ext);
  }

  // A job of one layer of 1-core frames (`range`), launched through the Farm.
  absl::StatusOr<std::vector<core::Job>> launchOneFrame(const std::string& name,
                                                        const std::string& range = "1") {
    return farm_->launchSpec(absl::StrCat(
        "<spec><facility>local</facility><show>testing</show><shot>sh01</shot><user>artist</user>"
        "<uid>1000</uid><job name=\"", name, "\"><paused>False</paused><layers>"
        "<layer name=\"render\" type=\"Render\"><cmd>r</cmd><range>", range,
        "</range><chunk>1</chunk><memory>1g</memory></layer></layers></job><depends/></spec>"));
  }

  // The one frame of a job, as the store holds it now.
  core::Frame onlyFrame(const std::string& job_id) {
    store::FrameSearch q;
    q.job_id = job_id;
    auto frames = store_->getFrames(q);
    EXPECT_TRUE(frames.ok() && frames->size() == 1u);
    return frames.ok() && !frames->empty() ? frames->front() : core::Frame{};
  }
  size_t procCount() {
    auto procs = store_->getProcs({});
    return procs.ok() ? procs->size() : 0;
  }
  // What render01 (4 cores, 16 GB) reports now.
  store::HostReportData hostReport() const {
    store::HostReportData r;
    r.name = "render01";
    r.facility = "local";
    r.rqd_address = "render01:8444";
    r.cores = 400;
    r.total_memory = r.free_memory = 16 * core::kKbPerGb;
    r.now = clock_.nowSeconds();
    return r;
  }
  // A status report of render01 (Cue's rqd: it lists frames whose completion is pending),
  // running `frames`.
  absl::Status report(const std::vector<RunningFrameReport>& frames) {
    store::HostReportData r = hostReport();
    r.lists_pending_completions = true;
    return farm_->onStatus(r, frames);
  }

  fs::path path_;
  common::ManualClock clock_;
  GatedRqd rqd_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<FarmModel> model_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<JobLauncher> launcher_;
  std::unique_ptr<Farm> farm_;
  std::string host_id_;
};

TEST_F(DispatcherTest, KillAskedDuringALaunchIsSentOnceTheLaunchIsAnswered) {
  auto jobs = launchOneFrame("race");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  int launched = -1;
  std::thread visit([&] { launched = dispatcher_->visit({host_id_}); });
  rqd_.waitForLaunch();  // booked (RUNNING in the store), LaunchFrame not yet answered
  store::FrameSearch q;
  q.job_id = jobs->front().id;
  auto frames = store_->getFrames(q);
  ASSERT_TRUE(frames.ok() && frames->size() == 1u);
  const std::string frame_id = frames->front().id;
  EXPECT_EQ(frames->front().state, core::FrameState::kRunning);
  EXPECT_EQ(dispatcher_->launching(), 1u);

  ASSERT_TRUE(farm_->killFrames({frame_id}, "wrangler said so").ok());
  EXPECT_EQ(rqd_.events(), std::vector<std::string>{"launch " + frame_id})
      << "a kill sent now would reach the rqd before the frame";

  rqd_.open();
  visit.join();
  EXPECT_EQ(launched, 1);
  EXPECT_EQ(rqd_.events(),
            (std::vector<std::string>{"launch " + frame_id, "launched " + frame_id,
                                      "kill " + frame_id + ": wrangler said so"}));
  EXPECT_EQ(dispatcher_->launching(), 0u);
}

TEST_F(DispatcherTest, KillOfAFrameNotLaunchingGoesStraightToTheRqd) {
  rqd_.open();
  auto jobs = launchOneFrame("plain");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(dispatcher_->visit({host_id_}), 1);
  EXPECT_EQ(dispatcher_->launching(), 0u);
  ASSERT_TRUE(farm_->killJob(jobs->front().id, "done with it").ok());
  auto events = rqd_.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].substr(0, 5), "kill ");
  EXPECT_NE(events[2].find("done with it"), std::string::npos);
}

// A LaunchFrame that ran out of time may still have started the frame: requeued, it could run
// on two hosts at once (OpenCue #2438). It stays booked, and the host's next report, which
// lists it, settles it.
TEST_F(DispatcherTest, UnansweredLaunchStaysBookedAndTheHostsReportSettlesIt) {
  rqd_.open();
  rqd_.answerWith(absl::DeadlineExceededError("rqd took too long"));
  auto jobs = launchOneFrame("slow");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_EQ(dispatcher_->visit({host_id_}), 0);
  core::Frame f = onlyFrame(jobs->front().id);
  EXPECT_EQ(f.state, core::FrameState::kRunning) << "requeued: it could run twice";
  ASSERT_EQ(procCount(), 1u);
  EXPECT_EQ(dispatcher_->uncertainLaunches().size(), 1u);
  dispatcher_->visit({host_id_});
  EXPECT_EQ(rqd_.events().size(), 2u) << "launched again";

  auto procs = store_->getProcs({});
  ASSERT_TRUE(procs.ok() && procs->size() == 1u);
  ASSERT_TRUE(report({{procs->front().id, f.id}}).ok());
  EXPECT_EQ(dispatcher_->uncertainLaunches().size(), 0u);
  EXPECT_EQ(procCount(), 1u);
  EXPECT_EQ(onlyFrame(jobs->front().id).state, core::FrameState::kRunning);
}

// ... and when the launch never arrived, two reports that leave it out once a late launch
// would have arrived give the frame back to the queue (not 60 s of idle cores).
TEST_F(DispatcherTest, UnansweredLaunchThatNeverArrivedIsRequeuedAfterTwoReports) {
  rqd_.open();
  rqd_.answerWith(absl::DeadlineExceededError("rqd took too long"));
  auto jobs = launchOneFrame("lost");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  EXPECT_EQ(dispatcher_->visit({host_id_}), 0);
  ASSERT_TRUE(report({}).ok());  // the launch may still be on its way
  EXPECT_EQ(procCount(), 1u);
  clock_.advanceMillis(13'000);
  ASSERT_TRUE(report({}).ok());
  EXPECT_EQ(procCount(), 1u) << "one report may have been written before the launch arrived";
  ASSERT_TRUE(report({}).ok());
  EXPECT_EQ(dispatcher_->uncertainLaunches().size(), 0u);
  EXPECT_EQ(procCount(), 0u);
  EXPECT_EQ(onlyFrame(jobs->front().id).state, core::FrameState::kWaiting);
}

// A cuebot that died may have booked a proc and never sent its LaunchFrame. The cuebot
// that books next cannot know: it takes every proc it finds as an uncertain launch, so
// that two reports leaving the proc out past the launch deadline requeue its frame, even
// when the proc was booked in the very second the new cuebot started (not 60 s later,
// by orphan_grace_sec).
TEST_F(DispatcherTest, ProcBookedByACuebotThatDiedIsRequeuedOnceTwoReportsLeaveItOut) {
  rqd_.open();
  auto jobs = launchOneFrame("inherited");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(dispatcher_->visit({host_id_}), 1);  // booked; say the rqd never got it

  // The next cuebot over the same store, started the same second.
  FarmModel model(*store_);
  ASSERT_TRUE(model.load().ok());
  Dispatcher dispatcher(*store_, model, rqd_, clock_, DispatcherOptions{});
  Farm farm(*store_, model, rqd_, dispatcher, *launcher_, clock_, FarmOptions{});
  ClusterOptions copts;
  copts.id = "next";
  Cluster cluster(*store_, model, dispatcher, clock_, copts);
  farm.setCluster(&cluster);
  cluster.tick();
  ASSERT_TRUE(cluster.leader());
  EXPECT_EQ(dispatcher.uncertainLaunches().size(), 1u);

  store::HostReportData r = hostReport();
  r.lists_pending_completions = true;
  ASSERT_TRUE(farm.onStatus(r, {}).ok());  // the dead cuebot's launch may be on its way
  EXPECT_EQ(procCount(), 1u);
  clock_.advanceMillis(13'000);
  r.now = clock_.nowSeconds();
  ASSERT_TRUE(farm.onStatus(r, {}).ok());
  EXPECT_EQ(procCount(), 1u) << "one report may have been written before the launch arrived";
  ASSERT_TRUE(farm.onStatus(r, {}).ok());
  EXPECT_EQ(procCount(), 0u);
  EXPECT_EQ(dispatcher.uncertainLaunches().size(), 0u);
  EXPECT_EQ(onlyFrame(jobs->front().id).state, core::FrameState::kWaiting);
  cluster.stop();
}

// A visit tells its worker which hosts to queue again: only a host that took as many frames
// as one visit books (max_bookings_per_visit) may take more at once; one that took fewer is
// full or has nothing more that fits, and visiting it again would only plan it for nothing.
TEST_F(DispatcherTest, VisitQueuesAgainOnlyHostsThatTookTheMostOneVisitBooks) {
  rqd_.open();
  DispatcherOptions options;
  options.max_bookings_per_visit = 3;
  Dispatcher dispatcher(*store_, *model_, rqd_, clock_, options);
  auto jobs = launchOneFrame("five", "1-5");  // render01 has 4 cores: 4 of 5 fit
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  std::set<std::string> again;
  EXPECT_EQ(dispatcher.visit({host_id_}, &again), 3);
  EXPECT_EQ(again, std::set<std::string>{host_id_});
  again.clear();
  EXPECT_EQ(dispatcher.visit({host_id_}, &again), 1);
  EXPECT_TRUE(again.empty()) << "the host is full";
  EXPECT_EQ(procCount(), 4u);
}

// A frame's end books its freed core in the completion's own write; its host needs no visit
// for it, unless it took the most frames one plan gives (it may take more).
TEST_F(DispatcherTest, AFramesEndBooksItsFreedCoreAndSaysWhetherTheHostMayTakeMore) {
  rqd_.open();
  auto jobs = launchOneFrame("ends", "1-6");  // render01 has 4 cores
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  for (int max : {100, 1}) {
    DispatcherOptions options;
    options.max_bookings_per_visit = max;
    Dispatcher dispatcher(*store_, *model_, rqd_, clock_, options);
    if (max == 100) {
      ASSERT_EQ(dispatcher.visit({host_id_}), 4);
    }
    auto procs = store_->getProcs({});
    ASSERT_TRUE(procs.ok() && !procs->empty());
    Dispatcher::FrameEnd end;
    end.done.proc_id = procs->front().id;
    end.done.frame_id = procs->front().frame_id;
    end.done.host_name = "render01";
    end.done.now = clock_.nowSeconds();
    auto results = dispatcher.completeAndBook({end});
    ASSERT_EQ(results.size(), 1u);
    ASSERT_TRUE(results[0].result.ok()) << results[0].result.status();
    EXPECT_EQ(results[0].result->new_state, core::FrameState::kSucceeded);
    EXPECT_EQ(results[0].host_planned, max == 100) << max;
    EXPECT_EQ(procCount(), 4u) << "the freed core took the next frame";
    EXPECT_EQ(dispatcher.stats().booked, max == 100 ? 5 : 1);
  }
}

// A plan bigger than one sweep books is booked by the sweeps that follow; the next sweep
// books while the first one's launches are still on their way, not after their answers.
TEST_F(DispatcherTest, TheNextSweepBooksWhileTheLastOnesLaunchesAreOnTheirWay) {
  DispatcherOptions options;
  options.threads = 1;
  options.max_bookings_per_sweep = 1;
  options.sweep_interval_ms = 3'600'000;  // only the sweeps asked for
  Dispatcher dispatcher(*store_, *model_, rqd_, clock_, options);
  auto jobs = launchOneFrame("two", "1-2");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  dispatcher.start();
  dispatcher.kickAll();
  rqd_.waitForLaunch();  // the first sweep's frame, held unanswered
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (procCount() < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polled with a deadline
  EXPECT_EQ(procCount(), 2u) << "the second frame waited for the first one's answer";
  EXPECT_EQ(rqd_.events().size(), 1u) << "one sweep's launches on their way at a time";
  rqd_.open();
  dispatcher.stop();
  auto events = rqd_.events();
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const std::string& e) { return e.starts_with("launched "); }),
            2);
}

// A worker does not wait for LaunchFrame's answer: a host whose rqd does not answer (up to
// the 10 s deadline) holds up no other host's launch, even with a single worker.
TEST_F(DispatcherTest, AnRqdThatDoesNotAnswerHoldsUpNoOtherHost) {
  store::HostReportData second = hostReport();
  second.name = "render02";
  second.rqd_address = "render02:8444";
  ASSERT_TRUE(farm_->onBoot(second).ok());
  auto render02 = store_->findHost("render02");
  ASSERT_TRUE(render02.ok()) << render02.status();
  HangingRqd rqd("render01:8444");
  DispatcherOptions options;
  options.threads = 1;
  options.sweep_interval_ms = 3'600'000;  // no sweep books render02 meanwhile
  auto dispatcher = std::make_unique<Dispatcher>(*store_, *model_, rqd, clock_, options);
  dispatcher->start();
  ASSERT_TRUE(launchOneFrame("first").ok());
  dispatcher->kickHost(host_id_);
  ASSERT_TRUE(rqd.waitForLaunchOn("render01:8444"));
  ASSERT_TRUE(launchOneFrame("second").ok());
  dispatcher->kickHost(render02->id);
  EXPECT_TRUE(rqd.waitForLaunchOn("render02:8444"))
      << "render02 waited for render01's answer";
  rqd.release();
  dispatcher.reset();  // settles render01's launch once answered
  EXPECT_EQ(procCount(), 2u);
}

// A worker's launches are answered on gRPC's thread, which settles them itself when all
// were taken; a kill asked while they were on their way still reaches the rqd, after the
// launch.
TEST_F(DispatcherTest, KillAskedDuringAWorkersLaunchIsSentOnceTheLaunchIsAnswered) {
  HangingRqd rqd("render01:8444");
  DispatcherOptions options;
  options.threads = 1;
  options.sweep_interval_ms = 3'600'000;
  auto dispatcher = std::make_unique<Dispatcher>(*store_, *model_, rqd, clock_, options);
  Farm farm(*store_, *model_, rqd, *dispatcher, *launcher_, clock_, FarmOptions{});
  dispatcher->start();
  auto jobs = launchOneFrame("held");
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  dispatcher->kickHost(host_id_);
  ASSERT_TRUE(rqd.waitForLaunchOn("render01:8444"));
  const std::string frame_id = onlyFrame(jobs->front().id).id;
  ASSERT_TRUE(farm.killFrames({frame_id}, "wrangler said so").ok());
  EXPECT_TRUE(rqd.kills().empty()) << "a kill sent now would reach the rqd before the frame";
  rqd.release();
  EXPECT_EQ(rqd.waitForKill(),
            std::vector<std::string>{"render01:8444 " + frame_id + ": wrangler said so"});
  dispatcher.reset();
  EXPECT_EQ(rqd.kills().size(), 1u);
}

}  // namespace
}  // namespace cue::cuebot
