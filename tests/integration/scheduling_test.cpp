// Scheduling on a real farm: cuebot and rqds on loopback, driven through the gRPC API.
// Frames print a nanosecond timestamp when they start and when they end, so that how
// many ran at once is read from their logs afterwards, not sampled.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cue_scheduler.grpc.pb.h"
#include "facility.grpc.pb.h"
#include "farm_harness.h"
#include "limit.grpc.pb.h"
#include "show.grpc.pb.h"
#include "subscription.grpc.pb.h"

namespace cue::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kStamped = "date +%s%N; sleep 0.3; date +%s%N";

struct LayerDef {
  std::string name;
  std::string cmd = kStamped;
  std::string range = "1";
  std::string extra{};  // more layer elements, e.g. "<tags>gpu</tags>"
  std::string memory = "256m";
};

// A CJSL 1.15 spec as pyoutline writes it; frames run as uid 1000.
std::string spec(const std::string& show, const std::string& job,
                 const std::vector<LayerDef>& layers, int priority = 1, bool paused = false,
                 int max_retries = 1, const std::string& depends = "") {
  std::string xml = absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>", show, "</show><shot>itest</shot><user>tester</user><uid>1000</uid>",
      "<job name=\"", job, "\"><paused>", paused ? "True" : "False", "</paused><priority>",
      priority, "</priority><maxretries>", max_retries,
      "</maxretries><autoeat>False</autoeat><env/><layers>");
  for (const auto& l : layers)
    absl::StrAppend(&xml, "<layer name=\"", l.name, "\" type=\"Render\"><cmd>", l.cmd,
                    "</cmd><range>", l.range, "</range><chunk>1</chunk><cores>1</cores>",
                    "<memory>", l.memory, "</memory>", l.extra,
                    "<env/><services><service>shell</service></services></layer>");
  absl::StrAppend(&xml, "</layers></job><depends>", depends, "</depends></spec>");
  return xml;
}

std::string fullName(const std::string& show, const std::string& job) {
  return absl::StrCat(show, "-itest-tester_", job);
}

struct Interval {
  int64_t start = 0, end = 0;
  std::string frame;
};

// Start and end stamps of every frame log of jobs whose name starts with `prefix`.
std::vector<Interval> intervals(const fs::path& root, const std::string& prefix) {
  std::vector<Interval> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".rqlog") continue;
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    std::vector<int64_t> stamps;
    for (absl::string_view line : absl::StrSplit(readFile(e.path()), '\n'))
      if (line.size() == 19 && std::all_of(line.begin(), line.end(), ::isdigit))
        stamps.push_back(std::stoll(std::string(line)));
    if (stamps.size() >= 2) out.push_back({stamps.front(), stamps.back(), name});
  }
  return out;
}

// Most intervals that overlap at one instant.
int maxOverlap(const std::vector<Interval>& v) {
  std::vector<std::pair<int64_t, int>> events;
  for (const auto& i : v) {
    events.push_back({i.start, +1});
    events.push_back({i.end, -1});
  }
  std::sort(events.begin(), events.end());  // an end sorts before a start at the same time
  int now = 0, most = 0;
  for (const auto& [t, d] : events) most = std::max(most, now += d);
  return most;
}

class SchedulingTest : public ::testing::Test {
 protected:
  void startFarm(int hosts, int cores_each, std::vector<RqdOptions> extra = {}) {
    farm_.startCuebot();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(farm_.cuebotPort()),
                                   grpc::InsecureChannelCredentials());
    shows_ = show::ShowInterface::NewStub(channel_);
    allocs_ = facility::AllocationInterface::NewStub(channel_);
    limits_ = limit::LimitInterface::NewStub(channel_);
    subs_ = subscription::SubscriptionInterface::NewStub(channel_);
    why_ = ext::SchedulerInterface::NewStub(channel_);
    for (int i = 1; i <= hosts; ++i) {
      RqdOptions o;
      o.name = "host" + std::to_string(i);
      o.cores = cores_each;
      farm_.startRqd(o);
    }
    for (const auto& o : extra) farm_.startRqd(o);
    ASSERT_TRUE(farm_.waitForHosts(hosts + static_cast<int>(extra.size())));
  }

  show::Show createShow(const std::string& name) {
    grpc::ClientContext ctx;
    show::ShowCreateShowRequest req;
    req.set_name(name);
    show::ShowCreateShowResponse resp;
    auto st = shows_->CreateShow(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.show();
  }

  // Subscribes the show to local.general with size and burst in cores.
  void subscribe(const show::Show& show, float size, float burst) {
    grpc::ClientContext actx;
    facility::AllocFindRequest areq;
    areq.set_name("local.general");
    facility::AllocFindResponse aresp;
    ASSERT_TRUE(allocs_->Find(&actx, areq, &aresp).ok());
    grpc::ClientContext ctx;
    show::ShowCreateSubscriptionRequest req;
    *req.mutable_show() = show;
    req.set_allocation_id(aresp.allocation().id());
    req.set_size(size);
    req.set_burst(burst);
    show::ShowCreateSubscriptionResponse resp;
    auto st = shows_->CreateSubscription(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.subscription().burst(), static_cast<int>(burst * 100));
  }

  int running(const std::string& job_name) {
    int n = 0;
    for (const auto& f : farm_.frames(farm_.findJob(job_name).id()))
      if (f.state() == job::RUNNING) ++n;
    return n;
  }

  void expectAllSucceeded(const std::string& job_name) {
    for (const auto& f : farm_.frames(farm_.findJob(job_name).id()))
      EXPECT_EQ(f.state(), job::SUCCEEDED) << f.name();
  }

  ext::WhyNotRunningResponse why(const std::string& job_name, grpc::Status* status = nullptr) {
    grpc::ClientContext ctx;
    ext::WhyNotRunningRequest req;
    req.set_job_name(job_name);
    ext::WhyNotRunningResponse resp;
    auto st = why_->WhyNotRunning(&ctx, req, &resp);
    if (status) *status = st;
    return resp;
  }

  Farm farm_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<show::ShowInterface::Stub> shows_;
  std::unique_ptr<facility::AllocationInterface::Stub> allocs_;
  std::unique_ptr<limit::LimitInterface::Stub> limits_;
  std::unique_ptr<subscription::SubscriptionInterface::Stub> subs_;
  std::unique_ptr<ext::SchedulerInterface::Stub> why_;
};

TEST_F(SchedulingTest, BurstOfOneCoreRunsOneFrameAtATimeOnThreeHosts) {
  startFarm(3, 2);
  show::Show show = createShow("bursty");
  subscribe(show, 0, 1);  // burst: one core
  farm_.launch(spec("bursty", "one", {{"render", kStamped, "1-6"}}));
  const std::string name = fullName("bursty", "one");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60))) << why(name).DebugString();
  expectAllSucceeded(name);
  auto runs = intervals(farm_.logRoot(), name);
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(maxOverlap(runs), 1);  // 6 cores idle, but never two frames at once
}

TEST_F(SchedulingTest, JobMaxCoresAndFolderMaxCoresBind) {
  startFarm(2, 2);
  // a job capped at one core through JobInterface.SetMaxCores
  farm_.launch(spec("testing", "capped", {{"render", kStamped, "1-4"}}, 1, /*paused=*/true));
  const std::string capped = fullName("testing", "capped");
  job::Job job = farm_.findJob(capped);
  {
    grpc::ClientContext ctx;
    job::JobSetMaxCoresRequest req;
    *req.mutable_job() = job;
    req.set_val(1.0f);
    job::JobSetMaxCoresResponse resp;
    ASSERT_TRUE(farm_.jobs().SetMaxCores(&ctx, req, &resp).ok());
    grpc::ClientContext rctx;
    job::JobResumeRequest rreq;
    *rreq.mutable_job() = job;
    job::JobResumeResponse rresp;
    ASSERT_TRUE(farm_.jobs().Resume(&rctx, rreq, &rresp).ok());
  }
  ASSERT_TRUE(farm_.waitForJobFinished(capped, seconds(60))) << why(capped).DebugString();
  EXPECT_EQ(maxOverlap(intervals(farm_.logRoot(), capped)), 1);

  // a show whose root folder is capped at one core through GroupInterface.SetMaxCores
  show::Show show = createShow("foldered");
  subscribe(show, 4, 4);
  auto groups = job::GroupInterface::NewStub(channel_);
  {
    grpc::ClientContext gctx;
    show::ShowGetRootGroupRequest greq;
    *greq.mutable_show() = show;
    show::ShowGetRootGroupResponse gresp;
    ASSERT_TRUE(shows_->GetRootGroup(&gctx, greq, &gresp).ok());
    grpc::ClientContext ctx;
    job::GroupSetMaxCoresRequest req;
    *req.mutable_group() = gresp.group();
    req.set_max_cores(1.0f);
    job::GroupSetMaxCoresResponse resp;
    auto st = groups->SetMaxCores(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  farm_.launch(spec("foldered", "jobaaa", {{"render", kStamped, "1-2"}}));
  farm_.launch(spec("foldered", "jobbbb", {{"render", kStamped, "1-2"}}));
  ASSERT_TRUE(farm_.waitForJobFinished(fullName("foldered", "jobaaa"), seconds(60)));
  ASSERT_TRUE(farm_.waitForJobFinished(fullName("foldered", "jobbbb"), seconds(60)));
  auto runs = intervals(farm_.logRoot(), "foldered-itest-tester_");
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(maxOverlap(runs), 1);  // two jobs, 4 idle cores, one folder of 1 core
}

TEST_F(SchedulingTest, SizeIsHonouredBetweenTwoShows) {
  startFarm(3, 2);  // 6 cores
  show::Show big = createShow("bigshow");
  show::Show small = createShow("smallshow");
  subscribe(big, 4, 6);    // size 4, burst 6
  subscribe(small, 2, 6);  // size 2, burst 6
  // The big show fills the farm alone (it may burst to 6), with a higher priority.
  // frames of 3 s, so that each state lasts long enough to be seen on a loaded machine
  farm_.launch(spec("bigshow", "big", {{"render", "sleep 3", "1-60"}}, 100));
  const std::string big_name = fullName("bigshow", "big");
  ASSERT_TRUE(waitUntil([&] { return running(big_name) == 6; }, seconds(30)));
  // Then the small show arrives: as the big show's frames end, it gets its size (2) and
  // the big show keeps its size (4).
  farm_.launch(spec("smallshow", "small", {{"render", "sleep 3", "1-60"}}, 1));
  const std::string small_name = fullName("smallshow", "small");
  EXPECT_TRUE(waitUntil([&] { return running(big_name) == 4 && running(small_name) == 2; },
                        seconds(30)));
}

TEST_F(SchedulingTest, LimitOfTwoNeverLetsThreeFramesRun) {
  startFarm(3, 2);
  {
    grpc::ClientContext ctx;
    limit::LimitCreateRequest req;
    req.set_name("lic");
    req.set_max_value(2);
    limit::LimitCreateResponse resp;
    ASSERT_TRUE(limits_->Create(&ctx, req, &resp).ok());
  }
  // two jobs share the licence: 8 frames, 6 cores, never more than 2 at once
  const std::string extra = "<limits><limit>lic</limit></limits>";
  farm_.launch(spec("testing", "lica", {{"render", kStamped, "1-4", extra}}));
  farm_.launch(spec("testing", "licb", {{"render", kStamped, "1-4", extra}}));
  ASSERT_TRUE(farm_.waitForJobFinished(fullName("testing", "lica"), seconds(60)));
  ASSERT_TRUE(farm_.waitForJobFinished(fullName("testing", "licb"), seconds(60)));
  auto runs = intervals(farm_.logRoot(), fullName("testing", "lic"));
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(maxOverlap(runs), 2);
}

TEST_F(SchedulingTest, HostnameTagPinsALayerToThatHost) {
  startFarm(3, 2);
  farm_.launch(spec("testing", "pinned", {{"render", kStamped, "1-4", "<tags>host2</tags>"}}));
  const std::string name = fullName("testing", "pinned");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60)));
  expectAllSucceeded(name);
  for (const auto& f : farm_.frames(farm_.findJob(name).id())) {
    EXPECT_NE(farm_.rqdLog("host2").find(f.id()), std::string::npos) << f.name();
    EXPECT_EQ(farm_.rqdLog("host1").find(f.id()), std::string::npos) << f.name();
    EXPECT_EQ(farm_.rqdLog("host3").find(f.id()), std::string::npos) << f.name();
  }
}

TEST_F(SchedulingTest, LockedHostBooksNothingUntilUnlocked) {
  startFarm(2, 2);
  host::Host host1;
  for (const auto& h : farm_.hosts())
    if (h.name() == "host1") host1 = h;
  {
    grpc::ClientContext ctx;
    host::HostLockRequest req;
    *req.mutable_host() = host1;
    host::HostLockResponse resp;
    ASSERT_TRUE(farm_.hostStub().Lock(&ctx, req, &resp).ok());
  }
  farm_.launch(spec("testing", "onlytwo", {{"render", kStamped, "1-4"}}));
  const std::string name = fullName("testing", "onlytwo");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60)));
  for (const auto& f : farm_.frames(farm_.findJob(name).id())) {
    EXPECT_EQ(farm_.rqdLog("host1").find(f.id()), std::string::npos) << f.name();
    EXPECT_NE(farm_.rqdLog("host2").find(f.id()), std::string::npos) << f.name();
  }
  // unlocked, it takes work again
  {
    grpc::ClientContext ctx;
    host::HostUnlockRequest req;
    *req.mutable_host() = host1;
    host::HostUnlockResponse resp;
    ASSERT_TRUE(farm_.hostStub().Unlock(&ctx, req, &resp).ok());
  }
  farm_.launch(spec("testing", "both", {{"render", "sleep 1", "1-4"}}));
  const std::string both = fullName("testing", "both");
  ASSERT_TRUE(farm_.waitForJobFinished(both, seconds(60)));
  int on_host1 = 0;
  for (const auto& f : farm_.frames(farm_.findJob(both).id()))
    if (farm_.rqdLog("host1").find(f.id()) != std::string::npos) ++on_host1;
  EXPECT_GT(on_host1, 0);
}

TEST_F(SchedulingTest, GpuLayerGoesOnlyToTheGpuHost) {
  // a fake nvidia-smi that prints what a real one prints for one 16 GB GPU
  fs::path smi = farm_.dir() / "nvidia-smi";
  std::ofstream(smi) << "#!/bin/sh\necho '0, NVIDIA Fake GPU, 16384, 16000, 550.54.15'\n";
  ::chmod(smi.c_str(), 0755);
  RqdOptions gpu;
  gpu.name = "gpuhost";
  gpu.cores = 2;
  gpu.extra_args = {"--nvidia-smi", smi.string()};
  startFarm(2, 2, {gpu});
  farm_.launch(spec("testing", "gpujob",
                    {{"gpu", kStamped, "1-3", "<gpus>1</gpus>"}, {"cpu", kStamped, "1-6"}}));
  const std::string name = fullName("testing", "gpujob");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60))) << farm_.cuebotLog();
  expectAllSucceeded(name);
  for (const auto& f : farm_.frames(farm_.findJob(name).id())) {
    if (f.layer_name() != "gpu") continue;
    EXPECT_NE(farm_.rqdLog("gpuhost").find(f.id()), std::string::npos) << f.name();
    EXPECT_EQ(farm_.rqdLog("host1").find(f.id()), std::string::npos) << f.name();
    EXPECT_EQ(farm_.rqdLog("host2").find(f.id()), std::string::npos) << f.name();
  }
  // one GPU: the GPU frames ran one at a time
  std::vector<Interval> gpu_runs;
  for (const auto& i : intervals(farm_.logRoot(), name))
    if (i.frame.find("-gpu.rqlog") != std::string::npos) gpu_runs.push_back(i);
  ASSERT_EQ(gpu_runs.size(), 3u);
  EXPECT_EQ(maxOverlap(gpu_runs), 1);
}

TEST_F(SchedulingTest, SlotCappedHostRunsAsManyFramesAsItHasSlots) {
  RqdOptions slotted;
  slotted.name = "slothost";
  slotted.cores = 8;
  slotted.extra_args = {"--slots", "2"};
  startFarm(0, 0, {slotted});
  // CJSL 1.16: each frame takes one slot; 8 idle cores, but 2 slots
  std::string xml = spec("testing", "slotted",
                         {{"render", kStamped, "1-6", "<slots_required>1</slots_required>"}});
  xml.replace(xml.find("cjsl-1.15"), 9, "cjsl-1.16");
  farm_.launch(xml);
  const std::string name = fullName("testing", "slotted");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60))) << farm_.cuebotLog();
  expectAllSucceeded(name);
  auto runs = intervals(farm_.logRoot(), name);
  ASSERT_EQ(runs.size(), 6u);
  EXPECT_EQ(maxOverlap(runs), 2);
}

TEST_F(SchedulingTest, WhyNotRunningExplainsWaitingWork) {
  startFarm(2, 2);
  farm_.launch(spec("testing", "held", {{"render", "true", "1-3"}}, 1, /*paused=*/true));
  farm_.launch(spec("testing", "tagged", {{"render", "true", "1-3", "<tags>nosuchtag</tags>"}}));
  farm_.launch(spec("testing", "huge", {{"render", "true", "1-3", "", "64g"}}));

  auto held = why(fullName("testing", "held"));
  ASSERT_EQ(held.layers_size(), 1);
  EXPECT_EQ(held.layers(0).blocked(), "PAUSED");
  EXPECT_EQ(held.layers(0).waiting_frames(), 3);

  auto tagged = why(fullName("testing", "tagged"));
  ASSERT_EQ(tagged.layers_size(), 1);
  EXPECT_EQ(tagged.layers(0).blocked(), "");
  EXPECT_EQ(tagged.layers(0).hosts_total(), 2);
  EXPECT_EQ(tagged.layers(0).hosts_fit(), 0);
  ASSERT_EQ(tagged.layers(0).host_reasons_size(), 1);
  EXPECT_EQ(tagged.layers(0).host_reasons(0).reason(), "LACK_TAG");
  EXPECT_EQ(tagged.layers(0).host_reasons(0).hosts(), 2);
  EXPECT_EQ(tagged.layers(0).summary(), "0/2 hosts: 2 lack tag");

  auto huge = why(fullName("testing", "huge"));
  ASSERT_EQ(huge.layers_size(), 1);
  ASSERT_EQ(huge.layers(0).host_reasons_size(), 1);
  EXPECT_EQ(huge.layers(0).host_reasons(0).reason(), "TOO_SMALL");

  grpc::Status st;
  why("testing-itest-tester_nosuchjob", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(SchedulingTest, FrameKilledForMemoryIsRetriedWithMoreMemoryWithoutUsingARetry) {
  startFarm(1, 2);
  // the first attempt exits 33 (OpenCue's out-of-memory status), the second succeeds
  fs::path marks = farm_.dir() / "marks";
  fs::create_directories(marks);
  ::chmod(marks.c_str(), 0777);
  const std::string cmd = absl::StrCat("if [ -e ", marks.string(), "/once ]; then true; else touch ",
                                       marks.string(), "/once; exit 33; fi");
  farm_.launch(spec("testing", "oom", {{"render", cmd, "1"}}, 1, false, /*max_retries=*/0));
  const std::string name = fullName("testing", "oom");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60))) << farm_.cuebotLog();
  auto frames = farm_.frames(farm_.findJob(name).id());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].state(), job::SUCCEEDED);
  EXPECT_EQ(frames[0].retry_count(), 0);
  // 256 MB asked, plus OpenCue's 2 GB increase
  EXPECT_EQ(frames[0].reserved_memory(), 256 * 1024 + 2 * 1024 * 1024);
}

TEST_F(SchedulingTest, AFrameKilledByItsCgroupForMemoryIsRetriedWithMoreMemory) {
  RqdOptions big;
  big.name = "cgroup-host";
  big.cores = 2;
  big.extra_args = {"--memory-margin-mb", "0"};
  startFarm(0, 0, {big});
  // rqd says how it tracks frames before it reports; without usable cgroups (not root, a
  // container's read-only cgroupfs) there is nothing to test here.
  const std::string rqd_log = farm_.rqdLog("cgroup-host");
  if (rqd_log.find("tracks frames with cgroup") == std::string::npos) {
    const size_t at = rqd_log.find("tracks frames");
    GTEST_SKIP() << "rqd has no usable cgroups here: "
                 << (at == std::string::npos ? rqd_log : rqd_log.substr(at, 200));
  }
  // The first attempt allocates 300 MB against a 256 MB booking (no margin): the kernel kills
  // it in its cgroup. The retry, with 2 GB more, finds the mark and succeeds.
  fs::path marks = farm_.dir() / "cgmarks";
  fs::create_directories(marks);
  ::chmod(marks.c_str(), 0777);
  const std::string cmd = absl::StrCat(
      "if [ -e ", marks.string(), "/once ]; then true; else touch ", marks.string(),
      "/once; /usr/bin/python3 -c 'x = bytearray(300 * 1024 * 1024)'; fi");  // zero-filled: resident
  LayerDef l{"render", cmd, "1"};
  l.memory = "256m";
  farm_.launch(spec("testing", "cgoom", {l}, 1, false, /*max_retries=*/0));
  const std::string name = fullName("testing", "cgoom");
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60))) << farm_.cuebotLog();
  auto frames = farm_.frames(farm_.findJob(name).id());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].state(), job::SUCCEEDED);
  EXPECT_EQ(frames[0].retry_count(), 0);  // an out-of-memory kill uses no retry
  // Reported with its real peak, from the cgroup (at the 256 MB cap, or just past it): the
  // retry asks at least the booking plus OpenCue's 2 GB increase.
  EXPECT_GE(frames[0].reserved_memory(), 256 * 1024 + 2 * 1024 * 1024);
  EXPECT_NE(farm_.cuebotLog().find("was killed for memory (peak 2"), std::string::npos)
      << farm_.cuebotLog();
}

TEST_F(SchedulingTest, NimbyLocksAWorkstationAndRequeuesItsFrameWithoutUsingARetry) {
  fs::path idle = farm_.dir() / "idle-seconds";
  std::ofstream(idle) << "100000";
  RqdOptions ws;
  ws.name = "workstation";
  ws.cores = 2;
  // Load is left out (--nimby-max-load 0): other tests keep this machine busy.
  ws.extra_args = {"--nimby", "--idle-file", idle.string(), "--nimby-idle", "900",
                   "--nimby-max-load", "0"};
  startFarm(0, 0, {ws});
  fs::path marks = farm_.dir() / "nimbymarks";
  fs::create_directories(marks);
  ::chmod(marks.c_str(), 0777);
  const std::string cmd = absl::StrCat("if [ -e ", marks.string(), "/once ]; then true; else touch ",
                                       marks.string(), "/once; exec sleep 600; fi");
  farm_.launch(spec("testing", "nimby", {{"render", cmd, "1"}}, 1, false, /*max_retries=*/0));
  const std::string name = fullName("testing", "nimby");
  const std::string job_id = farm_.findJob(name).id();
  ASSERT_TRUE(waitUntil([&] { return fs::exists(marks / "once"); }, seconds(30)));
  std::ofstream(idle) << "2";  // the artist is back
  auto lock_state = [&] {
    for (const auto& h : farm_.hosts())
      if (h.name() == "workstation") return h.lock_state();
    return host::OPEN;
  };
  ASSERT_TRUE(waitUntil([&] { return lock_state() == host::NIMBY_LOCKED; }, seconds(30)));
  ASSERT_TRUE(waitUntil([&] { return farm_.frames(job_id)[0].state() == job::WAITING; }, seconds(30)))
      << farm_.cuebotLog();
  EXPECT_EQ(farm_.frames(job_id)[0].retry_count(), 0);
  std::ofstream(idle) << "100000";  // gone home
  ASSERT_TRUE(farm_.waitForJobFinished(name, seconds(60))) << farm_.cuebotLog();
  EXPECT_EQ(lock_state(), host::OPEN);
  auto f = farm_.frames(job_id)[0];
  EXPECT_EQ(f.state(), job::SUCCEEDED);
  EXPECT_EQ(f.retry_count(), 0);
}

}  // namespace
}  // namespace cue::testing
