// Depends on a real farm: cuebot and two rqds on loopback, driven through the gRPC API.
//
// Every case launches one spec of two jobs: "onjob" (layer sim, frames 1-3), launched
// paused, and "waiter" (layers comp 1-3 and free 1), which depends on it. While onjob is
// paused the frames the depend holds stay in DEPEND and the others run; once onjob is
// resumed and both jobs are finished, the frames' logs (a nanosecond stamp at start and
// end) show that every held frame started after what it waited on had ended.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "depend.grpc.pb.h"
#include "farm_harness.h"

namespace cue::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kStamped = "date +%s%N; sleep 0.1; date +%s%N";
constexpr const char* kOnJob = "testing-itest-tester_onjob";
constexpr const char* kWaiter = "testing-itest-tester_waiter";

std::string layerXml(const std::string& name, const std::string& range) {
  return absl::StrCat("<layer name=\"", name, "\" type=\"Render\"><cmd>", kStamped, "</cmd><range>",
                      range, "</range><chunk>1</chunk><cores>1</cores><memory>256m</memory>",
                      "<env/><services><service>shell</service></services></layer>");
}

std::string jobXml(const std::string& name, bool paused, const std::string& layers) {
  return absl::StrCat("<job name=\"", name, "\"><paused>", paused ? "True" : "False",
                      "</paused><priority>1</priority><maxretries>1</maxretries>",
                      "<autoeat>False</autoeat><env/><layers>", layers, "</layers></job>");
}

// The two jobs and one <depend> per entry of `depends`.
std::string spec(const std::vector<std::string>& depends, bool waiter_paused = false) {
  std::string xml = absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>testing</show><shot>itest</shot><user>tester</user><uid>1000</uid>",
      jobXml("onjob", true, layerXml("sim", "1-3")),
      jobXml("waiter", waiter_paused, layerXml("comp", "1-3") + layerXml("free", "1")),
      "<depends>");
  for (const auto& d : depends) absl::StrAppend(&xml, d);
  return absl::StrCat(xml, "</depends></spec>");
}

// A <depend> of waiter on onjob; empty names are left out.
std::string dependXml(const std::string& type, const std::string& dep_layer,
                      const std::string& dep_frame, const std::string& on_layer,
                      const std::string& on_frame, bool any_frame = false,
                      const std::string& dep_job = "waiter", const std::string& on_job = "onjob") {
  std::string xml = absl::StrCat("<depend type=\"", type, "\"");
  if (type == "LAYER_ON_LAYER")
    absl::StrAppend(&xml, " anyframe=\"", any_frame ? "True" : "False", "\"");
  absl::StrAppend(&xml, "><depjob>", dep_job, "</depjob>");
  if (!dep_layer.empty()) absl::StrAppend(&xml, "<deplayer>", dep_layer, "</deplayer>");
  if (!dep_frame.empty()) absl::StrAppend(&xml, "<depframe>", dep_frame, "</depframe>");
  absl::StrAppend(&xml, "<onjob>", on_job, "</onjob>");
  if (!on_layer.empty()) absl::StrAppend(&xml, "<onlayer>", on_layer, "</onlayer>");
  if (!on_frame.empty()) absl::StrAppend(&xml, "<onframe>", on_frame, "</onframe>");
  return absl::StrCat(xml, "</depend>");
}

struct Interval {
  int64_t start = 0, end = 0;
};

// Start and end stamps of the frames of `job`, by frame name ("0002-comp").
std::map<std::string, Interval> intervals(const fs::path& root, const std::string& job) {
  std::map<std::string, Interval> out;
  const std::string prefix = job + ".", suffix = ".rqlog";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || name.rfind(prefix, 0) != 0 || !name.ends_with(suffix)) continue;
    std::vector<int64_t> stamps;
    for (absl::string_view line : absl::StrSplit(readFile(e.path()), '\n'))
      if (line.size() == 19 && std::all_of(line.begin(), line.end(), ::isdigit))
        stamps.push_back(std::stoll(std::string(line)));
    if (stamps.size() >= 2)
      out[name.substr(prefix.size(), name.size() - prefix.size() - suffix.size())] = {
          stamps.front(), stamps.back()};
  }
  return out;
}

// ---- the cases ----------------------------------------------------------------------

const std::vector<std::string> kAllSim = {"0001-sim", "0002-sim", "0003-sim"};
const std::vector<std::string> kAllWaiter = {"0001-comp", "0002-comp", "0003-comp", "0001-free"};
const std::vector<std::string> kAllComp = {"0001-comp", "0002-comp", "0003-comp"};

struct DependCase {
  std::string name;
  std::string depend;  // the <depend> element
  // Each held frame of waiter and the onjob frames it waits on; waiter's other frames run
  // while onjob is paused.
  std::map<std::string, std::vector<std::string>> waits;
  bool any = false;  // a held frame waits for the first of its frames, not all of them
};

// How gtest prints a case (its name, not its bytes).
void PrintTo(const DependCase& c, std::ostream* os) { *os << c.name; }

std::map<std::string, std::vector<std::string>> each(const std::vector<std::string>& held,
                                                     const std::vector<std::string>& on) {
  std::map<std::string, std::vector<std::string>> m;
  for (const auto& h : held) m[h] = on;
  return m;
}

std::vector<DependCase> cases() {
  return {
      {"JobOnJob", dependXml("JOB_ON_JOB", "", "", "", ""), each(kAllWaiter, kAllSim)},
      {"JobOnLayer", dependXml("JOB_ON_LAYER", "", "", "sim", ""), each(kAllWaiter, kAllSim)},
      {"JobOnFrame", dependXml("JOB_ON_FRAME", "", "", "", "0002-sim"),
       each(kAllWaiter, {"0002-sim"})},
      {"LayerOnJob", dependXml("LAYER_ON_JOB", "comp", "", "", ""), each(kAllComp, kAllSim)},
      {"LayerOnLayer", dependXml("LAYER_ON_LAYER", "comp", "", "sim", ""), each(kAllComp, kAllSim)},
      {"LayerOnFrame", dependXml("LAYER_ON_FRAME", "comp", "", "", "0002-sim"),
       each(kAllComp, {"0002-sim"})},
      {"FrameOnJob", dependXml("FRAME_ON_JOB", "", "0002-comp", "", ""),
       each({"0002-comp"}, kAllSim)},
      {"FrameOnLayer", dependXml("FRAME_ON_LAYER", "", "0002-comp", "sim", ""),
       each({"0002-comp"}, kAllSim)},
      {"FrameOnFrame", dependXml("FRAME_ON_FRAME", "", "0002-comp", "", "0003-sim"),
       each({"0002-comp"}, {"0003-sim"})},
      {"FrameByFrame",
       dependXml("FRAME_BY_FRAME", "comp", "", "sim", ""),
       {{"0001-comp", {"0001-sim"}}, {"0002-comp", {"0002-sim"}}, {"0003-comp", {"0003-sim"}}}},
      // Frame 1 has no previous frame: it runs.
      {"PreviousFrame",
       dependXml("PREVIOUS_FRAME", "comp", "", "sim", ""),
       {{"0002-comp", {"0001-sim"}}, {"0003-comp", {"0002-sim"}}}},
      {"LayerOnSimFrame", dependXml("LAYER_ON_SIM_FRAME", "comp", "", "", "0003-sim"),
       each(kAllComp, {"0003-sim"})},
      {"LayerOnLayerAnyFrame", dependXml("LAYER_ON_LAYER", "comp", "", "sim", "", true),
       each(kAllComp, kAllSim), /*any=*/true},
  };
}

class DependTest : public ::testing::Test {
 protected:
  void startFarm() {
    farm_.startCuebot();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(farm_.cuebotPort()),
                                   grpc::InsecureChannelCredentials());
    depends_ = depend::DependInterface::NewStub(channel_);
    layers_ = job::LayerInterface::NewStub(channel_);
    for (const char* name : {"host1", "host2"}) {
      RqdOptions o;
      o.name = name;
      o.cores = 4;
      farm_.startRqd(o);
    }
    ASSERT_TRUE(farm_.waitForHosts(2));
  }

  std::map<std::string, job::FrameState> states(const std::string& job) {
    std::map<std::string, job::FrameState> out;
    for (const auto& f : farm_.frames(farm_.findJob(job).id())) out[f.name()] = f.state();
    return out;
  }

  // Waits until every frame of `job` named in `names` is SUCCEEDED.
  bool waitSucceeded(const std::string& job, const std::vector<std::string>& names) {
    return waitUntil(
        [&] {
          auto s = states(job);
          return std::all_of(names.begin(), names.end(),
                             [&](const std::string& n) { return s[n] == job::SUCCEEDED; });
        },
        seconds(30));
  }

  void setPaused(const std::string& job, bool paused) {
    grpc::ClientContext ctx;
    grpc::Status st;
    if (paused) {
      job::JobPauseRequest req;
      *req.mutable_job() = farm_.findJob(job);
      job::JobPauseResponse resp;
      st = farm_.jobs().Pause(&ctx, req, &resp);
    } else {
      job::JobResumeRequest req;
      *req.mutable_job() = farm_.findJob(job);
      job::JobResumeResponse resp;
      st = farm_.jobs().Resume(&ctx, req, &resp);
    }
    ASSERT_TRUE(st.ok()) << st.error_message();
  }

  job::Layer layer(const std::string& job, const std::string& name) {
    grpc::ClientContext ctx;
    job::JobGetLayersRequest req;
    *req.mutable_job() = farm_.findJob(job);
    job::JobGetLayersResponse resp;
    EXPECT_TRUE(farm_.jobs().GetLayers(&ctx, req, &resp).ok());
    for (const auto& l : resp.layers().layers())
      if (l.name() == name) return l;
    ADD_FAILURE() << "no layer " << name << " in " << job;
    return job::Layer();
  }

  std::vector<depend::Depend> whatThisLayerDependsOn(const job::Layer& l) {
    grpc::ClientContext ctx;
    job::LayerGetWhatThisDependsOnRequest req;
    *req.mutable_layer() = l;
    job::LayerGetWhatThisDependsOnResponse resp;
    auto st = layers_->GetWhatThisDependsOn(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {resp.depends().depends().begin(), resp.depends().depends().end()};
  }

  std::vector<depend::Depend> whatDependsOnLayer(const job::Layer& l) {
    grpc::ClientContext ctx;
    job::LayerGetWhatDependsOnThisRequest req;
    *req.mutable_layer() = l;
    job::LayerGetWhatDependsOnThisResponse resp;
    auto st = layers_->GetWhatDependsOnThis(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return {resp.depends().depends().begin(), resp.depends().depends().end()};
  }

  depend::Depend getDepend(const std::string& id) {
    grpc::ClientContext ctx;
    depend::DependGetDependRequest req;
    req.set_id(id);
    depend::DependGetDependResponse resp;
    auto st = depends_->GetDepend(&ctx, req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.depend();
  }

  grpc::Status satisfy(const std::string& id, bool undo = false) {
    grpc::ClientContext ctx;
    if (undo) {
      depend::DependUnsatisfyRequest req;
      req.mutable_depend()->set_id(id);
      depend::DependUnsatisfyResponse resp;
      return depends_->Unsatisfy(&ctx, req, &resp);
    }
    depend::DependSatisfyRequest req;
    req.mutable_depend()->set_id(id);
    depend::DependSatisfyResponse resp;
    return depends_->Satisfy(&ctx, req, &resp);
  }

  Farm farm_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<depend::DependInterface::Stub> depends_;
  std::unique_ptr<job::LayerInterface::Stub> layers_;
};

class DependTypeTest : public DependTest, public ::testing::WithParamInterface<DependCase> {};

TEST_P(DependTypeTest, HeldFramesRunOnlyAfterWhatTheyWaitOn) {
  const DependCase& c = GetParam();
  startFarm();
  farm_.launch(spec({c.depend}));

  // onjob paused: the frames that are not held run, the held ones stay in DEPEND.
  std::vector<std::string> free;
  for (const auto& f : kAllWaiter)
    if (!c.waits.contains(f)) free.push_back(f);
  ASSERT_TRUE(waitSucceeded(kWaiter, free)) << farm_.cuebotLog();
  auto s = states(kWaiter);
  for (const auto& [held, on] : c.waits) EXPECT_EQ(s[held], job::DEPEND) << held;
  for (const auto& [name, state] : states(kOnJob)) EXPECT_EQ(state, job::WAITING) << name;

  setPaused(kOnJob, false);
  ASSERT_TRUE(farm_.waitForJobFinished(kOnJob, seconds(60))) << farm_.cuebotLog();
  ASSERT_TRUE(farm_.waitForJobFinished(kWaiter, seconds(60))) << farm_.cuebotLog();
  for (const auto& [name, state] : states(kWaiter)) EXPECT_EQ(state, job::SUCCEEDED) << name;

  auto sim = intervals(farm_.logRoot(), kOnJob);
  auto waiter = intervals(farm_.logRoot(), kWaiter);
  ASSERT_EQ(sim.size(), 3u);
  ASSERT_EQ(waiter.size(), 4u);
  for (const auto& [held, on] : c.waits) {
    ASSERT_TRUE(waiter.contains(held)) << held;
    int64_t first_end = INT64_MAX, last_end = 0;
    for (const auto& f : on) {
      ASSERT_TRUE(sim.contains(f)) << f;
      first_end = std::min(first_end, sim[f].end);
      last_end = std::max(last_end, sim[f].end);
    }
    EXPECT_GT(waiter[held].start, c.any ? first_end : last_end)
        << held << " started before what it waited on ended";
  }
}

INSTANTIATE_TEST_SUITE_P(Types, DependTypeTest, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

// ---- depends by hand ------------------------------------------------------------------

TEST_F(DependTest, SatisfyReleasesHeldFramesWhileTheOtherJobStaysPaused) {
  startFarm();
  farm_.launch(spec({dependXml("LAYER_ON_LAYER", "comp", "", "sim", "")}));
  ASSERT_TRUE(waitSucceeded(kWaiter, {"0001-free"}));

  auto deps = whatThisLayerDependsOn(layer(kWaiter, "comp"));
  ASSERT_EQ(deps.size(), 1u);
  const depend::Depend d = deps[0];
  EXPECT_EQ(d.type(), depend::LAYER_ON_LAYER);
  EXPECT_EQ(d.target(), depend::EXTERNAL);
  EXPECT_TRUE(d.active());
  EXPECT_EQ(d.depend_er_job(), kWaiter);
  EXPECT_EQ(d.depend_er_layer(), "comp");
  EXPECT_EQ(d.depend_on_job(), kOnJob);
  EXPECT_EQ(d.depend_on_layer(), "sim");
  EXPECT_TRUE(d.depend_on_frame().empty());
  auto on_sim = whatDependsOnLayer(layer(kOnJob, "sim"));
  ASSERT_EQ(on_sim.size(), 1u);
  EXPECT_EQ(on_sim[0].id(), d.id());

  auto st = satisfy(d.id());
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(waitSucceeded(kWaiter, kAllComp));
  EXPECT_TRUE(farm_.waitForJobFinished(kWaiter, seconds(30)));
  for (const auto& [name, state] : states(kOnJob)) EXPECT_EQ(state, job::WAITING) << name;
  EXPECT_FALSE(getDepend(d.id()).active());
  EXPECT_TRUE(whatDependsOnLayer(layer(kOnJob, "sim")).empty()) << "only active depends are listed";
}

TEST_F(DependTest, UnsatisfyHoldsFramesAgainUntilTheOtherSideIsDone) {
  startFarm();
  // Both jobs paused: satisfying and unsatisfying happen before anything can run.
  farm_.launch(spec({dependXml("LAYER_ON_LAYER", "comp", "", "sim", "")}, /*waiter_paused=*/true));
  auto deps = whatThisLayerDependsOn(layer(kWaiter, "comp"));
  ASSERT_EQ(deps.size(), 1u);
  const std::string id = deps[0].id();

  ASSERT_TRUE(satisfy(id).ok());
  for (const auto& f : kAllComp) EXPECT_EQ(states(kWaiter)[f], job::WAITING) << f;
  auto st = satisfy(id, /*undo=*/true);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(getDepend(id).active());
  for (const auto& f : kAllComp) EXPECT_EQ(states(kWaiter)[f], job::DEPEND) << f;

  setPaused(kWaiter, false);
  ASSERT_TRUE(waitSucceeded(kWaiter, {"0001-free"}));
  for (const auto& f : kAllComp) EXPECT_EQ(states(kWaiter)[f], job::DEPEND) << f;

  setPaused(kOnJob, false);
  ASSERT_TRUE(farm_.waitForJobFinished(kWaiter, seconds(60))) << farm_.cuebotLog();
  auto sim = intervals(farm_.logRoot(), kOnJob);
  auto waiter = intervals(farm_.logRoot(), kWaiter);
  ASSERT_EQ(sim.size(), 3u);
  int64_t last_sim = 0;
  for (const auto& [n, i] : sim) last_sim = std::max(last_sim, i.end);
  for (const auto& f : kAllComp) EXPECT_GT(waiter[f].start, last_sim) << f;
}

TEST_F(DependTest, DropDependsByTargetThroughJobLayerAndFrame) {
  startFarm();
  // free waits on comp (internal), comp waits on sim (external), 0003-comp on 0003-sim too.
  farm_.launch(spec({dependXml("LAYER_ON_LAYER", "comp", "", "sim", ""),
                     dependXml("LAYER_ON_LAYER", "free", "", "comp", "", false, "waiter", "waiter"),
                     dependXml("FRAME_ON_FRAME", "", "0003-comp", "", "0003-sim")}));
  ASSERT_TRUE(waitUntil([&] { return states(kWaiter).size() == 4; }, seconds(10)));
  for (const auto& [name, state] : states(kWaiter)) EXPECT_EQ(state, job::DEPEND) << name;

  // Job, internal only: free runs, comp stays held.
  {
    grpc::ClientContext ctx;
    job::JobDropDependsRequest req;
    *req.mutable_job() = farm_.findJob(kWaiter);
    req.set_target(depend::INTERNAL);
    job::JobDropDependsResponse resp;
    auto st = farm_.jobs().DropDepends(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_TRUE(waitSucceeded(kWaiter, {"0001-free"}));
  for (const auto& f : kAllComp) EXPECT_EQ(states(kWaiter)[f], job::DEPEND) << f;

  // Layer comp, any target: the layer's own depend and its frames' (0003-comp's) go.
  {
    grpc::ClientContext ctx;
    job::LayerDropDependsRequest req;
    req.mutable_layer()->set_id(layer(kWaiter, "comp").id());
    req.set_target(depend::ANY_TARGET);
    job::LayerDropDependsResponse resp;
    auto st = layers_->DropDepends(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  ASSERT_TRUE(waitSucceeded(kWaiter, kAllComp));
  EXPECT_TRUE(farm_.waitForJobFinished(kWaiter, seconds(30)));
  for (const auto& [name, state] : states(kOnJob)) EXPECT_EQ(state, job::WAITING) << name;
}

TEST_F(DependTest, FrameDropDependsReleasesOnlyThatFrame) {
  startFarm();
  farm_.launch(spec({dependXml("FRAME_BY_FRAME", "comp", "", "sim", "")}));
  ASSERT_TRUE(waitSucceeded(kWaiter, {"0001-free"}));
  std::string comp2;
  for (const auto& f : farm_.frames(farm_.findJob(kWaiter).id()))
    if (f.name() == "0002-comp") comp2 = f.id();
  {
    grpc::ClientContext ctx;
    job::FrameGetWhatThisDependsOnRequest req;
    req.mutable_frame()->set_id(comp2);
    job::FrameGetWhatThisDependsOnResponse resp;
    ASSERT_TRUE(farm_.frameStub().GetWhatThisDependsOn(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.depends().depends_size(), 1);
    EXPECT_EQ(resp.depends().depends(0).depend_on_frame(), "0002-sim");
  }
  grpc::ClientContext ctx;
  job::FrameDropDependsRequest req;
  req.mutable_frame()->set_id(comp2);
  req.set_target(depend::ANY_TARGET);
  job::FrameDropDependsResponse resp;
  ASSERT_TRUE(farm_.frameStub().DropDepends(&ctx, req, &resp).ok());
  ASSERT_TRUE(waitSucceeded(kWaiter, {"0002-comp"}));
  auto s = states(kWaiter);
  EXPECT_EQ(s["0001-comp"], job::DEPEND);
  EXPECT_EQ(s["0003-comp"], job::DEPEND);
}

TEST_F(DependTest, UnknownIdsAreNotFound) {
  startFarm();
  const std::string nobody = "00000000-0000-0000-0000-000000000000";
  {
    grpc::ClientContext ctx;
    depend::DependGetDependRequest req;
    req.set_id(nobody);
    depend::DependGetDependResponse resp;
    EXPECT_EQ(depends_->GetDepend(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(satisfy(nobody).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(satisfy(nobody, true).error_code(), grpc::StatusCode::NOT_FOUND);
  {
    grpc::ClientContext ctx;
    job::JobGetWhatDependsOnThisRequest req;
    req.mutable_job()->set_id(nobody);
    job::JobGetWhatDependsOnThisResponse resp;
    EXPECT_EQ(farm_.jobs().GetWhatDependsOnThis(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    job::JobGetDependsRequest req;
    req.mutable_job()->set_id(nobody);
    job::JobGetDependsResponse resp;
    EXPECT_EQ(farm_.jobs().GetDepends(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    job::LayerDropDependsRequest req;
    req.mutable_layer()->set_id(nobody);
    job::LayerDropDependsResponse resp;
    EXPECT_EQ(layers_->DropDepends(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    job::FrameGetWhatDependsOnThisRequest req;
    req.mutable_frame()->set_id(nobody);
    job::FrameGetWhatDependsOnThisResponse resp;
    EXPECT_EQ(farm_.frameStub().GetWhatDependsOnThis(&ctx, req, &resp).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
}

}  // namespace
}  // namespace cue::testing
