// The dry run: cuebot's own FarmModel, Dispatcher, Farm and SQLite store in this
// process; reports are function calls and LaunchFrame goes straight to the SimFarm. It
// measures the planner and the store without gRPC or processes.
#include <memory>

#include "common/clock.h"
#include "common/logging.h"
#include "common/status.h"
#include "cuebot/dispatcher.h"
#include "cuebot/farm.h"
#include "cuebot/job_launcher.h"
#include "cuebot/model/farm_model.h"
#include "cuebot/rqd_client.h"
#include "cuebot/service/completion.h"
#include "sim_cuebot.h"
#include "store/store.h"
#include "wire/convert.h"

namespace cue::sim {
namespace {

class DryRqd final : public cuebot::RqdClient {
 public:
  explicit DryRqd(SimFarm& farm) : farm_(farm) {}
  absl::Status launchFrame(const std::string&, const rqd::RunFrame& frame) override {
    return farm_.launch(frame);
  }
  std::vector<absl::Status> launchFrames(std::vector<LaunchCall>& calls) override {
    return launchEach(calls);
  }
  void launchFramesAsync(std::vector<LaunchCall> calls, LaunchDone done) override {
    launchEachThen(calls, done);
  }
  absl::Status killFrame(const std::string&, const std::string& frame_id,
                         const std::string&) override {
    return farm_.kill(frame_id);
  }

 private:
  SimFarm& farm_;
};

class DryCuebot final : public Cuebot {
 public:
  DryCuebot(CuebotOptions options, SimFarm& farm) : options_(std::move(options)), rqd_(farm) {}
  ~DryCuebot() override { quiesce(); }

  absl::Status start() {
    common::setLogLevel(options_.log_level);
    std::filesystem::create_directories(options_.dir);
    auto store = store::openStore(storePath());
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    model_ = std::make_unique<cuebot::FarmModel>(*store_);
    if (auto st = model_->load(); !st.ok()) return st;
    cuebot::DispatcherOptions d;
    d.threads = options_.dispatch_threads;
    dispatcher_ = std::make_unique<cuebot::Dispatcher>(*store_, *model_, rqd_, clock_, d);
    cuebot::LaunchOptions l;
    l.log_root = (options_.dir / "logs").string();
    launcher_ = std::make_unique<cuebot::JobLauncher>(*store_, clock_, l);
    farm_ = std::make_unique<cuebot::Farm>(*store_, *model_, rqd_, *dispatcher_, *launcher_, clock_,
                                           cuebot::FarmOptions{});
    dispatcher_->start();
    farm_->start();
    return absl::OkStatus();
  }

  absl::Status boot(const report::BootReport& r) override {
    return farm_->onBoot(wire::fromProto(r.host(), r.core_info(), "dry", clock_.nowSeconds()));
  }
  absl::Status status(const report::HostReport& r) override {
    return farm_->onStatus(wire::fromProto(r.host(), r.core_info(), "dry", clock_.nowSeconds()),
                           cuebot::toRunningFrames(r));
  }
  absl::Status complete(const report::FrameCompleteReport& r) override {
    ASSIGN_OR_RETURN(auto done, cuebot::toCompletion(r, clock_.nowSeconds()));
    return farm_->onFrameComplete(done);
  }
  std::vector<absl::Status> completeAll(
      const std::vector<report::FrameCompleteReport>& reports) override {
    std::vector<store::FrameCompletion> done;
    for (const auto& r : reports) {
      auto c = cuebot::toCompletion(r, clock_.nowSeconds());
      if (!c.ok()) return Cuebot::completeAll(reports);  // each answered as complete() would
      done.push_back(*std::move(c));
    }
    return farm_->onFrameCompletes(done);
  }
  absl::StatusOr<std::vector<std::string>> launchSpec(const std::string& xml) override {
    auto jobs = farm_->launchSpec(xml);
    if (!jobs.ok()) return jobs.status();
    std::vector<std::string> names;
    for (const auto& j : *jobs) names.push_back(j.name);
    return names;
  }
  absl::Status createShow(const std::string& name, int size, int burst) override {
    auto show = store_->createShow(name);
    if (!show.ok()) return show.status();
    auto alloc = store_->findAllocation("local.general");
    if (!alloc.ok()) return alloc.status();
    auto sub = store_->createSubscription(show->id, alloc->id, size * 100, burst * 100);
    if (!sub.ok()) return sub.status();
    farm_->referenceChanged();
    return absl::OkStatus();
  }
  std::string storePath() const override {
    return options_.db.empty() ? (options_.dir / "cuebot.db").string() : options_.db;
  }
  double cpuSeconds() const override { return processCpuSeconds(0); }
  int64_t peakRssKb() const override { return processPeakRssKb(0); }
  void quiesce() override {
    if (farm_) farm_->stop();
    if (dispatcher_) dispatcher_->stop();
  }

 private:
  CuebotOptions options_;
  DryRqd rqd_;
  common::SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<cuebot::FarmModel> model_;
  std::unique_ptr<cuebot::Dispatcher> dispatcher_;
  std::unique_ptr<cuebot::JobLauncher> launcher_;
  std::unique_ptr<cuebot::Farm> farm_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Cuebot>> startDryCuebot(const CuebotOptions& options,
                                                       SimFarm& farm) {
  auto c = std::make_unique<DryCuebot>(options, farm);
  auto st = c->start();
  if (!st.ok()) return st;
  return std::unique_ptr<Cuebot>(std::move(c));
}

}  // namespace cue::sim
