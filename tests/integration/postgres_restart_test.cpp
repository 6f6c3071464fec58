// The database restarting under a running farm: cuebot on a PostgreSQL server of the
// test's own (pg_test_cluster.h), stopped as a crash would stop it and started again
// mid-job. The job completes; every frame ran once; nothing acknowledged is lost.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "farm_harness.h"
#include "store/postgres/pg_test_cluster.h"

namespace cue::testing {
namespace {

using std::chrono::seconds;

std::string spec(const std::string& job, int frames) {
  return absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>testing</show><shot>itest</shot><user>tester</user><uid>1000</uid>",
      "<job name=\"", job, "\"><paused>False</paused><priority>1</priority><maxretries>1",
      "</maxretries><autoeat>False</autoeat><env/><layers><layer name=\"main\" type=\"Render\">",
      "<cmd>sleep 0.1; echo ran-#IFRAME#</cmd><range>1-", frames, "</range><chunk>1</chunk>",
      "<memory>256m</memory><env/><services><service>shell</service></services></layer>",
      "</layers></job><depends></depends></spec>");
}

TEST(PostgresRestartTest, JobCompletesWhenTheDatabaseRestartsMidway) {
  auto cluster = store::PgTestCluster::start(/*use_external=*/false);
  if (!cluster.ok()) GTEST_SKIP() << "PostgreSQL is not available here: " << cluster.status();
  auto url = (*cluster)->createDatabase();
  ASSERT_TRUE(url.ok()) << url.status();
  Farm::Options o;
  o.report_interval = 1;
  o.db = *url;
  Farm farm(o);
  farm.startCuebot();
  for (int i = 1; i <= 2; ++i) {
    RqdOptions r{absl::StrCat("rqd-", i)};
    r.cores = 2;
    farm.startRqd(r);
  }
  ASSERT_TRUE(farm.waitForHosts(2));
  auto names = farm.launch(spec("dbrestart", 200));
  ASSERT_EQ(names.size(), 1u);
  const std::string name = names[0];
  auto succeeded = [&] { return farm.findJob(name).job_stats().succeeded_frames(); };
  ASSERT_TRUE(waitUntil([&] { return succeeded() >= 40; }, seconds(120)));
  const int acknowledged = succeeded();

  auto retries = [&] {
    size_t n = 0;
    for (const char* r : {"rqd-1", "rqd-2"}) {
      std::string log = farm.rqdLog(r);
      for (size_t at = log.find("retrying in"); at != std::string::npos;
           at = log.find("retrying in", at + 1))
        ++n;
    }
    return n;
  };
  const size_t retries_before = retries();
  ASSERT_TRUE((*cluster)->stopServer().ok());
  // Frames end while the database is down: their completions are refused and wait on
  // the rqds, which retry them.
  ASSERT_TRUE(waitUntil([&] { return retries() > retries_before; }, seconds(60)));
  // Meanwhile frames end on the rqds and their completions wait there; the API answers
  // UNAVAILABLE rather than hanging or crashing.
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + seconds(10));
  job::JobFindJobRequest req;
  req.set_name(name);
  job::JobFindJobResponse resp;
  auto st = farm.jobs().FindJob(&ctx, req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
  ASSERT_TRUE((*cluster)->startServer().ok());

  ASSERT_TRUE(farm.waitForJobFinished(name, seconds(240))) << farm.cuebotLog();
  EXPECT_GE(succeeded(), acknowledged) << "nothing acknowledged before the restart is lost";
  job::Job j = farm.findJob(name);
  auto frames = farm.frames(j.id());
  ASSERT_EQ(frames.size(), 200u);
  for (const auto& f : frames) {
    EXPECT_EQ(f.state(), job::FrameState::SUCCEEDED) << f.name();
    fs::path log = fs::path(j.log_dir()) / (name + "." + f.name() + ".rqlog");
    EXPECT_TRUE(fs::exists(log)) << log;
    EXPECT_FALSE(fs::exists(log.string() + ".1")) << log << " ran twice";
  }
  for (const auto& h : farm.hosts()) EXPECT_EQ(h.idle_cores(), h.cores()) << h.name();
  EXPECT_TRUE(farm.cuebotRunning()) << "cuebot rode the restart out";
}

}  // namespace
}  // namespace cue::testing
