// End-to-end tests: the real cuebot and rqd binaries on loopback, running real frames.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "farm_harness.h"
#include "show.grpc.pb.h"

namespace cue::testing {
namespace {

using std::chrono::seconds;

struct LayerDef {
  std::string name;
  std::string cmd;
  std::string range = "1";
  int chunk = 1;
};

// A CJSL 1.15 spec as pyoutline writes it; frames run as uid 1000 (rqd refuses root).
std::string spec(const std::string& job, const std::vector<LayerDef>& layers,
                 const std::string& depends = "", int max_retries = 1) {
  std::string xml = absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>testing</show><shot>itest</shot><user>tester</user><uid>1000</uid>",
      "<job name=\"", job, "\"><paused>False</paused><priority>1</priority><maxretries>",
      max_retries, "</maxretries><autoeat>False</autoeat><env/><layers>");
  for (const auto& l : layers) {
    absl::StrAppend(&xml, "<layer name=\"", l.name, "\" type=\"Render\"><cmd>", l.cmd,
                    "</cmd><range>", l.range, "</range><chunk>", l.chunk,
                    "</chunk><memory>256m</memory><env/><services><service>shell</service>"
                    "</services></layer>");
  }
  absl::StrAppend(&xml, "</layers></job><depends>", depends, "</depends></spec>");
  return xml;
}

std::string fullName(const std::string& job) { return "testing-itest-tester_" + job; }

// Every frame log of a job directory tree, by file name.
std::map<std::string, std::string> frameLogs(const fs::path& root) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[e.path().filename().string()] = readFile(e.path());
  return out;
}

// Lines of `text` equal to `line`.
int countLines(const std::string& text, const std::string& line) {
  int n = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n'))
    if (l == line) ++n;
  return n;
}

bool pidGone(pid_t pid) {
  if (::kill(pid, 0) != 0) return true;
  // A zombie waiting for a reaper no longer runs.
  std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] == 'Z';
}

void resume(Farm& farm, const std::string& job_name) {
  grpc::ClientContext ctx;
  job::JobResumeRequest req;
  *req.mutable_job() = farm.findJob(job_name);
  job::JobResumeResponse resp;
  ASSERT_TRUE(farm.jobs().Resume(&ctx, req, &resp).ok());
}

TEST(FarmTest, RunsSharedSpecsAndAFrameByFrameJobExactlyOnce) {
  Farm farm;
  farm.startCuebot();
  for (const char* name : {"rqd-a", "rqd-b", "rqd-c"}) farm.startRqd({name});
  ASSERT_TRUE(farm.waitForHosts(3)) << farm.cuebotLog();

  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(CUE_SPEC_DIR))) {
    if (e.path().extension() != ".xml") continue;
    for (const auto& n : farm.launch(readFile(e.path()))) names.push_back(n);
  }
  ASSERT_EQ(names.size(), 2u);
  for (const auto& n : names) resume(farm, n);  // spec_demo is submitted paused

  const std::string big = "big";
  auto launched = farm.launch(spec(
      big,
      {{"render", "echo render-output-#IFRAME#", "1-100"},
       {"comp", "echo comp-output-#IFRAME#", "1-100"}},
      R"(<depend type="FRAME_BY_FRAME" anyframe="False"><depjob>big</depjob>)"
      R"(<deplayer>comp</deplayer><onjob>big</onjob><onlayer>render</onlayer></depend>)"));
  ASSERT_EQ(launched.size(), 1u);
  names.push_back(launched[0]);

  for (const auto& n : names)
    ASSERT_TRUE(farm.waitForJobFinished(n, seconds(180))) << n << "\n" << farm.cuebotLog();

  int frames_seen = 0;
  for (const auto& n : names) {
    job::Job j = farm.findJob(n);
    auto logs = frameLogs(j.log_dir());
    for (const auto& f : farm.frames(j.id())) {
      ++frames_seen;
      EXPECT_EQ(f.state(), job::FrameState::SUCCEEDED) << n << " " << f.name();
      EXPECT_EQ(f.retry_count(), 0) << f.name();
      std::string log_name = n + "." + f.name() + ".rqlog";
      ASSERT_TRUE(logs.contains(log_name)) << log_name;
      // Run once: one log, never rotated.
      EXPECT_FALSE(logs.contains(log_name + ".1")) << log_name << " ran twice";
      if (n == names.back()) {
        std::string expect = absl::StrCat(f.layer_name(), "-output-", f.number());
        EXPECT_EQ(countLines(logs[log_name], expect), 1) << logs[log_name];
      }
    }
  }
  EXPECT_EQ(frames_seen, 200 + 5 + 10 + 1);
}

TEST(FarmTest, FailingFrameIsRetriedThenDead) {
  Farm farm;
  farm.startCuebot();
  farm.startRqd({"rqd-a"});
  ASSERT_TRUE(farm.waitForHosts(1));
  auto names = farm.launch(spec("fails", {{"bad", "echo attempt; id -u; exit 1", "1"}}, "", 1));
  ASSERT_EQ(names.size(), 1u);
  job::Job j;
  ASSERT_TRUE(waitUntil(
      [&] {
        j = farm.findJob(names[0]);
        return j.job_stats().dead_frames() == 1;
      },
      seconds(60)))
      << farm.cuebotLog();
  auto frames = farm.frames(j.id());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].state(), job::FrameState::DEAD);
  EXPECT_EQ(frames[0].exit_status(), 1);
  EXPECT_EQ(frames[0].retry_count(), 2);  // the first run and max_retries (1) retry
  // Each attempt has its own log: the current one and the rotated earlier one.
  auto logs = frameLogs(j.log_dir());
  std::string log_name = names[0] + "." + frames[0].name() + ".rqlog";
  ASSERT_TRUE(logs.contains(log_name));
  ASSERT_TRUE(logs.contains(log_name + ".1"));
  EXPECT_FALSE(logs.contains(log_name + ".2"));
  EXPECT_EQ(countLines(logs[log_name] + "\n" + logs[log_name + ".1"], "attempt"), 2);
  // The frame ran as the spec's uid when rqd runs as root, else as rqd's own user.
  const std::string uid = ::geteuid() == 0 ? "1000" : std::to_string(::geteuid());
  EXPECT_EQ(countLines(logs[log_name], uid), 1) << logs[log_name];
  EXPECT_EQ(j.state(), job::JobState::PENDING);  // a dead frame holds the job open
}

TEST(FarmTest, KillingAJobKillsItsProcessTrees) {
  Farm farm;
  farm.startCuebot();
  farm.startRqd({"rqd-a"});
  ASSERT_TRUE(farm.waitForHosts(1));
  fs::path pids = farm.dir() / "pids";
  fs::create_directories(pids);
  fs::permissions(pids, fs::perms::all);
  // Each frame records its shell and a child that escapes into its own session.
  std::string cmd = absl::StrCat("echo $$ > ", pids.string(), "/#IFRAME#.sh; setsid sleep 600 & echo $! > ",
                                 pids.string(), "/#IFRAME#.child; sleep 600");
  auto names = farm.launch(spec("sleepy", {{"main", cmd, "1-2"}}));
  ASSERT_EQ(names.size(), 1u);
  std::vector<pid_t> all;
  ASSERT_TRUE(waitUntil(
      [&] {
        all.clear();
        for (const char* f : {"1.sh", "1.child", "2.sh", "2.child"}) {
          std::string text = readFile(pids / f);
          if (text.empty() || text.back() != '\n') return false;
          all.push_back(std::stoi(text));
        }
        return true;
      },
      seconds(60)))
      << farm.cuebotLog() << farm.rqdLog("rqd-a");
  for (pid_t p : all) ASSERT_FALSE(pidGone(p));

  grpc::ClientContext ctx;
  job::JobKillRequest req;
  *req.mutable_job() = farm.findJob(names[0]);
  req.set_reason("test kill");
  job::JobKillResponse resp;
  ASSERT_TRUE(farm.jobs().Kill(&ctx, req, &resp).ok());
  EXPECT_EQ(farm.findJob(names[0]).state(), job::JobState::FINISHED);
  EXPECT_TRUE(waitUntil(
      [&] {
        for (pid_t p : all)
          if (!pidGone(p)) return false;
        return true;
      },
      seconds(30)))
      << farm.rqdLog("rqd-a");
}

TEST(FarmTest, FrameOfALostHostRunsAgainElsewhere) {
  Farm::Options o;
  o.host_timeout = 3;
  o.host_check_interval_ms = 200;
  o.report_interval = 1;
  Farm farm(o);
  farm.startCuebot();
  farm.startRqd({"rqd-a"});
  ASSERT_TRUE(farm.waitForHosts(1));
  fs::path marker = farm.dir() / "started";
  auto names = farm.launch(spec(
      "lost", {{"main", absl::StrCat("touch ", marker.string(), ".$CUE_FRAME; sleep 2; echo finished"),
                "1"}}));
  ASSERT_EQ(names.size(), 1u);
  std::string frame_name = "0001-main";
  ASSERT_TRUE(waitUntil([&] { return fs::exists(marker.string() + "." + frame_name); }, seconds(60)))
      << farm.cuebotLog();
  farm.killRqd("rqd-a");
  farm.startRqd({"rqd-b"});
  ASSERT_TRUE(waitUntil(
      [&] {
        for (const auto& h : farm.hosts())
          if (h.name() == "rqd-a" && h.state() == host::HardwareState::DOWN) return true;
        return false;
      },
      seconds(30)))
      << farm.cuebotLog();
  ASSERT_TRUE(farm.waitForJobFinished(names[0], seconds(60))) << farm.cuebotLog();
  job::Job j = farm.findJob(names[0]);
  auto frames = farm.frames(j.id());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].state(), job::FrameState::SUCCEEDED);
  EXPECT_NE(frames[0].last_resource().find("rqd-b"), std::string::npos) << frames[0].last_resource();
}

// An rqd that stops reporting (a network partition, simulated with SIGSTOP) loses its
// host; its frame runs elsewhere. When it comes back still running that frame, cuebot
// no longer owns it there and has it killed.
TEST(FarmTest, ReturningHostIsReconciled) {
  Farm::Options o;
  o.host_timeout = 3;
  o.host_check_interval_ms = 200;
  o.report_interval = 1;
  Farm farm(o);
  farm.startCuebot();
  farm.startRqd({"rqd-a"});
  ASSERT_TRUE(farm.waitForHosts(1));
  fs::path pids = farm.dir() / "pids";
  fs::create_directories(pids);
  fs::permissions(pids, fs::perms::all);
  auto names = farm.launch(spec(
      "partition",
      {{"main", absl::StrCat("echo $$ > ", pids.string(), "/$(hostname)-$CUE_RESOURCE_ID; ",
                             "if [ -e ", pids.string(), "/first ]; then echo second; else touch ",
                             pids.string(), "/first; sleep 600; fi"),
        "1"}}));
  ASSERT_EQ(names.size(), 1u);
  pid_t first = 0;
  ASSERT_TRUE(waitUntil(
      [&] {
        for (const auto& e : fs::directory_iterator(pids)) {
          std::string text = readFile(e.path());
          if (e.path().filename() != "first" && !text.empty() && text.back() == '\n')
            first = std::stoi(text);
        }
        return first != 0;
      },
      seconds(60)));
  farm.signalRqd("rqd-a", SIGSTOP);
  ASSERT_TRUE(waitUntil(
      [&] {
        for (const auto& h : farm.hosts())
          if (h.name() == "rqd-a" && h.state() == host::HardwareState::DOWN) return true;
        return false;
      },
      seconds(30)));
  farm.startRqd({"rqd-b"});
  ASSERT_TRUE(farm.waitForJobFinished(names[0], seconds(60))) << farm.cuebotLog();
  EXPECT_FALSE(pidGone(first));  // still running on the partitioned host
  farm.signalRqd("rqd-a", SIGCONT);
  EXPECT_TRUE(waitUntil([&] { return pidGone(first); }, seconds(30)))
      << farm.cuebotLog() << farm.rqdLog("rqd-a");
  job::Job j = farm.findJob(names[0]);
  auto frames = farm.frames(j.id());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].state(), job::FrameState::SUCCEEDED);  // the rqd-a attempt never counts
  EXPECT_NE(frames[0].last_resource().find("rqd-b"), std::string::npos);
}

TEST(FarmTest, CuebotRestartLosesNoCompletionAndRunsNothingTwice) {
  Farm::Options o;
  o.report_interval = 1;
  Farm farm(o);
  farm.startCuebot();
  const int port = farm.cuebotPort();
  farm.startRqd({"rqd-a"});
  farm.startRqd({"rqd-b"});
  ASSERT_TRUE(farm.waitForHosts(2));
  auto names = farm.launch(spec("restart", {{"main", "sleep 1; echo done-#IFRAME#", "1-24"}}));
  ASSERT_EQ(names.size(), 1u);
  job::Job j;
  ASSERT_TRUE(waitUntil(
      [&] {
        j = farm.findJob(names[0]);
        return j.job_stats().succeeded_frames() >= 5 && j.job_stats().running_frames() > 0;
      },
      seconds(60)));
  const std::string log_dir = j.log_dir();
  const int succeeded = j.job_stats().succeeded_frames();
  farm.killCuebot();
  // The frames that were launched finish while cuebot is down: wait for their output.
  // (A frame booked but not yet launched when cuebot died has no log: cuebot requeues
  // it as an orphan after the restart.)
  ASSERT_TRUE(waitUntil(
      [&] {
        auto logs = frameLogs(log_dir);
        int done = 0;
        for (const auto& [name, text] : logs)
          if (text.find("done-") != std::string::npos) ++done;
        return done == static_cast<int>(logs.size()) && done > succeeded;
      },
      seconds(30)));
  farm.startCuebot(port);
  ASSERT_TRUE(farm.waitForJobFinished(names[0], seconds(120))) << farm.cuebotLog();
  j = farm.findJob(names[0]);
  auto logs = frameLogs(log_dir);
  auto frames = farm.frames(j.id());
  ASSERT_EQ(frames.size(), 24u);
  for (const auto& f : frames) {
    EXPECT_EQ(f.state(), job::FrameState::SUCCEEDED) << f.name();
    std::string log_name = names[0] + "." + f.name() + ".rqlog";
    EXPECT_TRUE(logs.contains(log_name)) << log_name;
    EXPECT_FALSE(logs.contains(log_name + ".1")) << log_name << " ran twice";
  }
}

TEST(FarmTest, CuesubmitWaitsForTheJobAndReportsDeadFrames) {
  Farm farm;
  farm.startCuebot();
  farm.startRqd({"rqd-a"});
  ASSERT_TRUE(farm.waitForHosts(1));
  auto submit = [&](const std::string& name, const std::string& xml) {
    fs::path file = farm.dir() / (name + ".xml");
    std::ofstream(file) << xml;
    Process p("cuesubmit", {CUESUBMIT_BIN, "--cuebot", absl::StrCat("127.0.0.1:", farm.cuebotPort()),
                            "--wait", "--poll", "0.2", file.string()},
              farm.dir() / (name + ".out"));
    int rc = p.wait(seconds(120));
    return std::make_pair(rc, p.log());
  };
  auto [ok_rc, ok_out] = submit("good", spec("good", {{"main", "echo fine", "1-3"}}));
  EXPECT_EQ(ok_rc, 0) << ok_out;
  EXPECT_NE(ok_out.find(fullName("good") + "\n"), std::string::npos) << ok_out;
  EXPECT_NE(ok_out.find("frames: 3/3 done"), std::string::npos) << ok_out;
  // A dead frame blocks its dependant: --wait stops and says so.
  auto [bad_rc, bad_out] = submit(
      "bad", spec("bad", {{"first", "exit 1", "1"}, {"second", "echo never", "1"}},
                  R"(<depend type="LAYER_ON_LAYER" anyframe="False"><depjob>bad</depjob>)"
                  R"(<deplayer>second</deplayer><onjob>bad</onjob><onlayer>first</onlayer></depend>)",
                  0));
  EXPECT_EQ(bad_rc, 1) << bad_out;
  EXPECT_NE(bad_out.find("1 frames died, and 1 frames wait on them"), std::string::npos) << bad_out;
}

TEST(FarmTest, BadInputGetsClearErrors) {
  Farm farm;
  farm.startCuebot();
  {
    grpc::ClientContext ctx;
    job::JobLaunchSpecRequest req;
    req.set_spec("<spec><show>testing</show>");
    job::JobLaunchSpecResponse resp;
    auto st = farm.jobs().LaunchSpec(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("spec line"), std::string::npos) << st.error_message();
  }
  {
    std::string xml = spec("noshow", {{"main", "echo", "1"}});
    xml.replace(xml.find("<show>testing"), 13, "<show>nosuchshow");
    grpc::ClientContext ctx;
    job::JobLaunchSpecRequest req;
    req.set_spec(xml);
    job::JobLaunchSpecResponse resp;
    auto st = farm.jobs().LaunchSpec(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND) << st.error_message();
  }
  {
    auto names = farm.launch(spec("dup", {{"main", "echo", "1"}}));
    ASSERT_EQ(names.size(), 1u);
    grpc::ClientContext ctx;
    job::JobLaunchSpecRequest req;
    req.set_spec(spec("dup", {{"main", "echo", "1"}}));
    job::JobLaunchSpecResponse resp;
    EXPECT_EQ(farm.jobs().LaunchSpec(&ctx, req, &resp).error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  {
    grpc::ClientContext ctx;
    job::JobLaunchSpecRequest req;
    req.set_spec(spec("huge", {{"main", "echo", "1-1000000000"}}));
    job::JobLaunchSpecResponse resp;
    auto st = farm.jobs().LaunchSpec(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("1000000"), std::string::npos) << st.error_message();
  }
  {
    grpc::ClientContext ctx;
    job::JobFindJobRequest req;
    req.set_name("no-such-job");
    job::JobFindJobResponse resp;
    EXPECT_EQ(farm.jobs().FindJob(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    job::JobSetMaxRetriesRequest req;
    req.mutable_job()->set_id("no-such-job-id");
    req.set_max_retries(2);
    job::JobSetMaxRetriesResponse resp;
    auto st = farm.jobs().SetMaxRetries(&ctx, req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_NE(st.error_message().find("no-such-job-id"), std::string::npos) << st.error_message();
  }
}


// ---- several cuebots, crashes ---------------------------------------------------

// What must hold once a job has finished, whatever crashed on the way: every frame
// SUCCEEDED and ran once (one log, never rotated), no proc left booked (every host's
// cores idle), and each subscription of the show counts no cores (the sum of its procs).
void expectRanExactlyOnceAndNothingBooked(Farm& farm, const std::string& name, size_t frames) {
  job::Job j = farm.findJob(name);
  auto logs = frameLogs(j.log_dir());
  auto fs = farm.frames(j.id());
  ASSERT_EQ(fs.size(), frames);
  for (const auto& f : fs) {
    EXPECT_EQ(f.state(), job::FrameState::SUCCEEDED) << f.name();
    std::string log_name = name + "." + f.name() + ".rqlog";
    EXPECT_TRUE(logs.contains(log_name)) << log_name;
    EXPECT_FALSE(logs.contains(log_name + ".1")) << log_name << " ran twice";
    if (logs.contains(log_name)) {
      EXPECT_EQ(countLines(logs[log_name], absl::StrCat("ran-", f.number())), 1) << log_name;
    }
  }
  for (const auto& h : farm.hosts())
    EXPECT_EQ(h.idle_cores(), h.cores()) << h.name() << " still has cores booked";
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(farm.cuebotPort()),
                                     grpc::InsecureChannelCredentials());
  auto shows = show::ShowInterface::NewStub(channel);
  grpc::ClientContext find_ctx;
  show::ShowFindShowRequest find;
  find.set_name("testing");
  show::ShowFindShowResponse found;
  ASSERT_TRUE(shows->FindShow(&find_ctx, find, &found).ok());
  grpc::ClientContext subs_ctx;
  show::ShowGetSubscriptionRequest req;
  *req.mutable_show() = found.show();
  show::ShowGetSubscriptionResponse subs;
  ASSERT_TRUE(shows->GetSubscriptions(&subs_ctx, req, &subs).ok());
  for (const auto& sub : subs.subscriptions().subscriptions())
    EXPECT_EQ(sub.reserved_cores(), 0) << sub.name() << " counts cores no proc holds";
}

int succeeded(Farm& farm, const std::string& name) {
  return farm.findJob(name).job_stats().succeeded_frames();
}

// Two cuebots on one database, four rqds that know both; the booking cuebot is SIGKILLed
// mid-job: the other takes the lease over, the rqds move to it, and every frame still
// runs exactly once.
TEST(FarmTest, SecondCuebotTakesOverWhenTheBookingOneIsKilled) {
  Farm::Options o;
  o.report_interval = 1;
  o.cuebot_args = {"--lease-ms", "2000", "--sync-interval-ms", "100"};
  Farm farm(o);
  farm.startCuebot();
  const int first = farm.cuebotPort();
  ASSERT_TRUE(waitUntil([&] { return absl::StrContains(farm.cuebotLog(), "cuebot books the farm"); },
                        seconds(20)))
      << farm.cuebotLog();
  const int second = farm.startPeerCuebot("cuebot-b");
  ASSERT_NE(second, 0);
  for (int i = 1; i <= 4; ++i) {
    RqdOptions r{absl::StrCat("rqd-", i)};
    r.cores = 2;
    r.cuebot_ports = {first, second};
    farm.startRqd(r);
  }
  ASSERT_TRUE(farm.waitForHosts(4));
  auto names = farm.launch(spec("failover", {{"main", "sleep 0.02; echo ran-#IFRAME#", "1-1000"}}));
  ASSERT_EQ(names.size(), 1u);
  EXPECT_FALSE(absl::StrContains(farm.peerLog("cuebot-b"), "cuebot-b books the farm"))
      << "only one cuebot books";
  ASSERT_TRUE(waitUntil([&] { return succeeded(farm, names[0]) >= 250; }, seconds(120)));
  EXPECT_FALSE(absl::StrContains(farm.peerLog("cuebot-b"), "cuebot-b books the farm"))
      << "only one cuebot books while the first lives";

  const auto killed = std::chrono::steady_clock::now();
  farm.killCuebot();
  farm.useCuebot(second);
  ASSERT_TRUE(waitUntil([&] { return absl::StrContains(farm.peerLog("cuebot-b"), "cuebot-b books the farm"); },
                        seconds(30)))
      << farm.peerLog("cuebot-b");
  const auto took_over = std::chrono::steady_clock::now();
  const int at_takeover = succeeded(farm, names[0]);
  ASSERT_TRUE(waitUntil([&] { return succeeded(farm, names[0]) > at_takeover; }, seconds(60)));
  const auto booking_again = std::chrono::steady_clock::now();
  auto ms = [&](auto t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - killed).count();
  };
  std::cout << "failover: lease taken over " << ms(took_over) << " ms after the kill, frames "
            << "succeeding again after " << ms(booking_again) << " ms\n";
  RecordProperty("takeover_ms", static_cast<int>(ms(took_over)));

  ASSERT_TRUE(farm.waitForJobFinished(names[0], seconds(240))) << farm.peerLog("cuebot-b");
  expectRanExactlyOnceAndNothingBooked(farm, names[0], 1000);
}

// One cuebot SIGKILLed and restarted again and again (each time some frames have ended)
// through a 500-frame job: nothing lost, nothing run twice, nothing left booked.
TEST(FarmTest, CuebotKilledOverAndOverLosesNoFrameAndRunsNoneTwice) {
  Farm::Options o;
  o.report_interval = 1;
  // Each start books once the killed one's lease has run out.
  o.cuebot_args = {"--lease-ms", "2000"};
  Farm farm(o);
  farm.startCuebot();
  const int port = farm.cuebotPort();
  for (int i = 1; i <= 4; ++i) {
    RqdOptions r{absl::StrCat("rqd-", i)};
    r.cores = 2;
    farm.startRqd(r);
  }
  ASSERT_TRUE(farm.waitForHosts(4));
  auto names = farm.launch(spec("crashloop", {{"main", "sleep 0.05; echo ran-#IFRAME#", "1-500"}}));
  ASSERT_EQ(names.size(), 1u);
  int restarts = 0;
  while (restarts < 25) {
    const int before = succeeded(farm, names[0]);
    if (before >= 500) break;
    ASSERT_TRUE(waitUntil([&] { return succeeded(farm, names[0]) >= std::min(500, before + 50); },
                          seconds(120)))
        << farm.cuebotLog();
    if (succeeded(farm, names[0]) >= 500) break;
    farm.killCuebot();
    farm.startCuebot(port);
    ++restarts;
  }
  EXPECT_GE(restarts, 3) << "the job ended before the cuebot was killed a few times";
  ASSERT_TRUE(farm.waitForJobFinished(names[0], seconds(240))) << farm.cuebotLog();
  expectRanExactlyOnceAndNothingBooked(farm, names[0], 500);
}

}  // namespace
}  // namespace cue::testing
