// The client library against a real cuebot on loopback: Cue's own types back, failover to
// the next cuebot when one is down, UNAVAILABLE naming every address tried, AsyncClient.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "client/spec_builder.h"
#include "farm_harness.h"
#include "limit.grpc.pb.h"

namespace cue::testing {
namespace {

// A loopback address whose connections are refused: a port bound but not listening, held
// for the test's life so that no other process can take it.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    address_ = absl::StrCat("127.0.0.1:", ntohs(a.sin_port));
  }
  ~RefusingPort() { close(fd_); }
  const std::string& address() const { return address_; }

 private:
  int fd_;
  std::string address_;
};

client::CuebotConfig config(std::vector<std::string> hosts) {
  client::CuebotConfig c;
  c.hosts = std::move(hosts);
  c.timeout_ms = 10000;
  return c;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { farm_.startCuebot(); }
  std::string live() const { return absl::StrCat("127.0.0.1:", farm_.cuebotPort()); }
  Farm farm_;
};

TEST_F(ClientTest, ReturnsCueTypesAndFailsOverToTheNextCuebot) {
  RefusingPort dead;
  client::Client c(config({dead.address(), live()}));
  auto shows = c.getShows();
  ASSERT_TRUE(shows.ok()) << shows.status();
  ASSERT_FALSE(shows->empty());
  EXPECT_EQ(shows->front().show.name, "testing");
  EXPECT_EQ(c.address(), live());  // the one that answered is tried first from now on

  auto show = c.findShow("nosuchshow");
  EXPECT_EQ(show.status().code(), absl::StatusCode::kNotFound);

  auto allocs = c.getAllocations();
  ASSERT_TRUE(allocs.ok()) << allocs.status();
  bool general = false;
  for (const auto& a : *allocs) general |= a.alloc.name == "local.general";
  EXPECT_TRUE(general);
}

TEST_F(ClientTest, LimitsAndProcActionsAnswerAsOpenCuesDo) {
  // A limit made through OpenCue's LimitInterface shows in getLimits, nothing running on it.
  auto stub = limit::LimitInterface::NewStub(
      grpc::CreateChannel(live(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  limit::LimitCreateRequest req;
  req.set_name("nuke_lic");
  req.set_max_value(4);
  limit::LimitCreateResponse resp;
  ASSERT_TRUE(stub->Create(&ctx, req, &resp).ok());

  client::Client c(config({live()}));
  auto limits = c.getLimits();
  ASSERT_TRUE(limits.ok()) << limits.status();
  ASSERT_EQ(limits->size(), 1u);
  EXPECT_EQ(limits->front().limit.name, "nuke_lic");
  EXPECT_EQ(limits->front().limit.id, resp.limit().id());
  EXPECT_EQ(limits->front().limit.max_value, 4);
  EXPECT_EQ(limits->front().running, 0);

  EXPECT_EQ(c.killProc("nosuchproc").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(c.unbookProc("nosuchproc", true).code(), absl::StatusCode::kNotFound);
}

// Depends and comments as the GUI's dialogs use them: JOB_ON_JOB and LAYER_ON_LAYER made,
// seen from both sides with the names of their sides, satisfied; a comment added, read back,
// deleted.
TEST_F(ClientTest, DependsAndCommentsRoundTrip) {
  client::Client c(config({live()}));
  auto launch = [&](const std::string& name) {
    client::JobBuild job;
    job.name = name;
    job.show = "testing";
    job.shot = "client";
    job.user = "clienttest";
    client::LayerBuild render;
    render.name = "render";
    render.command = "/bin/true";
    render.range = "1-2";
    job.layers = {render};
    auto xml = client::buildSpecXml(job);
    EXPECT_TRUE(xml.ok()) << xml.status();
    auto names = c.launchSpec(*xml);
    EXPECT_TRUE(names.ok()) << names.status();
    auto views = c.getJobsByName(*names);
    EXPECT_TRUE(views.ok() && views->size() == 1);
    return views->front().job;
  };
  const core::Job first = launch("first");
  const core::Job second = launch("second");

  auto made = c.createJobOnJobDepend(second.id, first.id);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->type, core::DependType::kJobOnJob);
  auto on = c.getWhatThisDependsOn(second.id);
  ASSERT_TRUE(on.ok()) << on.status();
  ASSERT_EQ(on->size(), 1u);
  EXPECT_EQ(on->front().id, made->id);
  EXPECT_EQ(on->front().er_job, second.name);
  EXPECT_EQ(on->front().on_job, first.name);
  EXPECT_TRUE(on->front().active);
  auto by = c.getWhatDependsOnThis(first.id);
  ASSERT_TRUE(by.ok()) << by.status();
  ASSERT_EQ(by->size(), 1u);
  EXPECT_EQ(by->front().id, made->id);

  auto first_layers = c.getLayers(first.id);
  auto second_layers = c.getLayers(second.id);
  ASSERT_TRUE(first_layers.ok() && second_layers.ok());
  auto layer = c.createLayerOnLayerDepend(second_layers->front().layer.id,
                                          first_layers->front().layer.id);
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_EQ(layer->type, core::DependType::kLayerOnLayer);
  EXPECT_EQ(layer->er_layer, "render");
  EXPECT_EQ(layer->on_layer, "render");

  ASSERT_TRUE(c.satisfyDepend(made->id).ok());
  ASSERT_TRUE(c.satisfyDepend(layer->id).ok());
  on = c.getWhatThisDependsOn(second.id);
  ASSERT_TRUE(on.ok());
  for (const auto& d : *on) EXPECT_FALSE(d.active) << d.id;
  EXPECT_FALSE(c.satisfyDepend("nosuchdepend").ok());

  ASSERT_TRUE(c.addJobComment(first.id, "Key light", "Too hot.").ok());
  auto comments = c.getJobComments(first.id);
  ASSERT_TRUE(comments.ok()) << comments.status();
  ASSERT_EQ(comments->size(), 1u);
  EXPECT_EQ(comments->front().subject, "Key light");
  EXPECT_EQ(comments->front().message, "Too hot.");
  EXPECT_GT(comments->front().timestamp, 0);
  ASSERT_TRUE(c.deleteComment(comments->front().id).ok());
  comments = c.getJobComments(first.id);
  ASSERT_TRUE(comments.ok());
  EXPECT_TRUE(comments->empty());
}

TEST_F(ClientTest, NoCuebotAnsweringNamesEveryAddressTried) {
  RefusingPort dead_a, dead_b;
  const std::string& a = dead_a.address();
  const std::string& b = dead_b.address();
  client::Client c(config({a, b}));
  auto shows = c.getShows();
  ASSERT_EQ(shows.status().code(), absl::StatusCode::kUnavailable);
  std::string msg(shows.status().message());
  EXPECT_NE(msg.find(a), std::string::npos) << msg;
  EXPECT_NE(msg.find(b), std::string::npos) << msg;
  EXPECT_NE(msg.find("CUEBOT_HOSTS"), std::string::npos) << msg;
}

TEST_F(ClientTest, AsyncClientRunsCallsOffTheCallersThread) {
  client::AsyncClient async(client::Client(config({live()})));
  const auto caller = std::this_thread::get_id();
  auto shows = async.submit([&](client::Client& c) {
    EXPECT_NE(std::this_thread::get_id(), caller);
    return c.getShows();
  });
  auto created = async.submit([](client::Client& c) { return c.createShow("asyncshow"); });
  auto found = async.submit([](client::Client& c) { return c.findShow("asyncshow"); });
  ASSERT_TRUE(shows.get().ok());
  ASSERT_TRUE(created.get().ok());
  auto f = found.get();  // calls run in submission order: the show exists by now
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->show.name, "asyncshow");
}

}  // namespace
}  // namespace cue::testing
