#include "farm_harness.h"

#include <algorithm>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "absl/strings/str_join.h"

#include "store/postgres/pg_test_cluster.h"

namespace cue::testing {

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("cue-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
  fs::permissions(path_, fs::perms::all);  // frames may run as another uid
}

TempDir::~TempDir() {
  if (std::getenv("CUE_KEEP_TEST_DIRS")) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Process::Process(const std::string& name, std::vector<std::string> argv, const fs::path& log)
    : name_(name), log_(log) {
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that died
    if (::getppid() == 1) _exit(127);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    _exit(127);
  }
}

Process::~Process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

void Process::signal(int sig) { ::kill(pid_, sig); }

bool Process::running() {
  if (status_ != -1) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return r == 0;
}

int Process::wait(std::chrono::milliseconds timeout) {
  waitUntil([&] { return !running(); }, timeout);
  return status_;
}

std::string Process::log() const { return readFile(log_); }

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Farm::Farm() : Farm(Options{}) {}
namespace {

// CUE_TEST_POSTGRES_URL_FILE (ctest's PostgreSQL fixture) runs every farm of the test on
// PostgreSQL instead of a SQLite file; when that server could not be started the tests are
// skipped, saying why.
bool onPostgres() {
  const char* file = std::getenv("CUE_TEST_POSTGRES_URL_FILE");
  return file && *file;
}

class PostgresAvailable : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!onPostgres()) return;
    std::string why;
    if (store::sharedPgTestCluster(&why) == nullptr)
      GTEST_SKIP() << "PostgreSQL is not available here, tests on it are skipped: " << why;
  }
};
[[maybe_unused]] const auto* const kPostgresAvailable =
    ::testing::AddGlobalTestEnvironment(new PostgresAvailable());

}  // namespace

Farm::Farm(Options options) : options_(options) {
  db_ = (dir() / "cuebot.db").string();
  if (!options_.db.empty()) {
    db_ = options_.db;
  } else if (onPostgres()) {
    auto url = store::sharedPgTestCluster(nullptr)->createDatabase();
    if (!url.ok()) throw std::runtime_error("cannot create a PostgreSQL database: " +
                                            std::string(url.status().message()));
    db_ = *url;
  }
  // Frames (uid 1000 when the tests run as root) create their job's log directories with
  // their own rights: the log root is open to them, sticky, as a show's log area is.
  fs::create_directories(logRoot());
  fs::permissions(logRoot(), fs::perms::all | fs::perms::sticky_bit);
}

Farm::~Farm() {
  for (auto& [name, p] : rqds_) p->signal(SIGTERM);
  for (auto& [name, p] : rqds_) p->wait(std::chrono::seconds(5));
  if (cuebot_) {
    cuebot_->signal(SIGTERM);
    cuebot_->wait(std::chrono::seconds(5));
  }
  for (auto& [name, p] : peers_) p->signal(SIGTERM);
  for (auto& [name, p] : peers_) p->wait(std::chrono::seconds(5));
  if (::testing::Test::HasFailure() && cuebot_) {
    std::cerr << "---- cuebot log ----\n" << cuebot_->log().substr(0, 20000) << "\n";
  }
}

std::unique_ptr<Process> Farm::spawnCuebot(const std::string& name, int port, int* bound) {
  fs::path port_file = dir() / (name + ".port");
  fs::remove(port_file);
  ++cuebot_starts_;
  std::vector<std::string> argv{CUEBOT_BIN, "--port", std::to_string(port), "--bind", "127.0.0.1",
                                "--db", db_, "--log-root",
                                logRoot().string(), "--port-file", port_file.string(),
                                "--host-timeout", std::to_string(options_.host_timeout),
                                "--host-check-interval-ms",
                                std::to_string(options_.host_check_interval_ms),
                                "--sweep-interval-ms", "500", "--orphan-grace", "5",
                                "--cuebot-id", name, "--log-level", "debug"};
  argv.insert(argv.end(), options_.cuebot_args.begin(), options_.cuebot_args.end());
  auto p = std::make_unique<Process>(
      name, argv, dir() / (name + "." + std::to_string(cuebot_starts_) + ".log"));
  if (!waitUntil([&] { return fs::exists(port_file); }, std::chrono::seconds(20))) {
    ADD_FAILURE() << name << " did not start: " << p->log();
    *bound = 0;
    return p;
  }
  *bound = std::stoi(readFile(port_file));
  return p;
}

void Farm::startCuebot(int port) {
  cuebot_ = spawnCuebot("cuebot", port, &port_);
  if (port_ != 0) connect();
}

int Farm::startPeerCuebot(const std::string& name) {
  int port = 0;
  peers_[name] = spawnCuebot(name, 0, &port);
  return port;
}

void Farm::killPeerCuebot(const std::string& name) {
  peers_[name]->signal(SIGKILL);
  peers_[name]->wait(std::chrono::seconds(10));
}

std::string Farm::peerLog(const std::string& name) const {
  auto it = peers_.find(name);
  return it == peers_.end() ? "" : it->second->log();
}

void Farm::useCuebot(int port) {
  port_ = port;
  connect();
}

void Farm::connect() {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                     grpc::InsecureChannelCredentials());
  jobs_ = job::JobInterface::NewStub(channel);
  frame_stub_ = job::FrameInterface::NewStub(channel);
  hosts_ = host::HostInterface::NewStub(channel);
}

void Farm::killCuebot() {
  cuebot_->signal(SIGKILL);
  cuebot_->wait(std::chrono::seconds(10));
}

void Farm::startRqd(const RqdOptions& o) {
  fs::path spool = dir() / ("spool-" + o.name);
  fs::create_directories(spool);
  std::vector<int> ports = o.cuebot_ports;
  if (ports.empty()) ports.push_back(port_);
  std::vector<std::string> targets;
  for (int p : ports) targets.push_back("127.0.0.1:" + std::to_string(p));
  std::vector<std::string> argv{RQD_BIN, "--cuebot", absl::StrJoin(targets, ","),
                                "--port", "0", "--hostname", o.name, "--address", "127.0.0.1",
                                "--log-root", logRoot().string(), "--tags", o.tags, "--cores",
                                std::to_string(o.cores), "--memory-mb",
                                std::to_string(o.memory_mb), "--report-interval",
                                std::to_string(options_.report_interval), "--spool-dir",
                                spool.string(), "--retry-max", "2", "--sample-interval", "1",
                                // several rqds share this machine: its load is not theirs
                                "--no-load"};
  argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());
  if (std::find(o.extra_args.begin(), o.extra_args.end(), "--nvidia-smi") == o.extra_args.end())
    argv.push_back("--no-gpu");
  rqds_[o.name] =
      std::make_unique<Process>("rqd-" + o.name, argv, dir() / ("rqd-" + o.name + ".log"));
}

void Farm::killRqd(const std::string& name) {
  rqds_[name]->signal(SIGKILL);
  rqds_[name]->wait(std::chrono::seconds(10));
}

void Farm::signalRqd(const std::string& name, int sig) { rqds_[name]->signal(sig); }

std::string Farm::rqdLog(const std::string& name) const {
  auto it = rqds_.find(name);
  return it == rqds_.end() ? "" : it->second->log();
}

pid_t Farm::rqdPid(const std::string& name) const {
  auto it = rqds_.find(name);
  return it == rqds_.end() ? -1 : it->second->pid();
}

std::vector<host::Host> Farm::hosts() {
  grpc::ClientContext ctx;
  host::HostGetHostsRequest req;
  host::HostGetHostsResponse resp;
  if (!hosts_->GetHosts(&ctx, req, &resp).ok()) return {};
  return {resp.hosts().hosts().begin(), resp.hosts().hosts().end()};
}

bool Farm::waitForHosts(int n, std::chrono::milliseconds timeout) {
  return waitUntil(
      [&] {
        int up = 0;
        for (const auto& h : hosts())
          if (h.state() == host::HardwareState::UP) ++up;
        return up >= n;
      },
      timeout);
}

std::vector<std::string> Farm::launch(const std::string& xml) {
  grpc::ClientContext ctx;
  job::JobLaunchSpecRequest req;
  req.set_spec(xml);
  job::JobLaunchSpecResponse resp;
  auto st = jobs_->LaunchSpec(&ctx, req, &resp);
  EXPECT_TRUE(st.ok()) << st.error_message();
  return {resp.names().begin(), resp.names().end()};
}

job::Job Farm::findJob(const std::string& name) {
  grpc::ClientContext ctx;
  job::JobGetJobsRequest req;
  req.mutable_r()->add_jobs(name);
  req.mutable_r()->set_include_finished(true);
  job::JobGetJobsResponse resp;
  auto st = jobs_->GetJobs(&ctx, req, &resp);
  if (!st.ok() || resp.jobs().jobs_size() == 0) return job::Job();
  return resp.jobs().jobs(resp.jobs().jobs_size() - 1);
}

std::vector<job::Frame> Farm::frames(const std::string& job_id) {
  grpc::ClientContext ctx;
  job::JobGetFramesRequest req;
  req.mutable_job()->set_id(job_id);
  job::JobGetFramesResponse resp;
  if (!jobs_->GetFrames(&ctx, req, &resp).ok()) return {};
  return {resp.frames().frames().begin(), resp.frames().frames().end()};
}

bool Farm::waitForJobFinished(const std::string& name, std::chrono::milliseconds timeout) {
  return waitUntil([&] { return findJob(name).state() == job::JobState::FINISHED; }, timeout);
}

}  // namespace cue::testing
