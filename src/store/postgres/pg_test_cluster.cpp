#include "store/postgres/pg_test_cluster.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "store/postgres/pg_connection.h"

namespace cue::store {
namespace {

namespace fs = std::filesystem;

// Debian's versioned server directory (newest), CUE_PG_BIN, or PATH.
std::string findBinDir() {
  if (const char* env = std::getenv("CUE_PG_BIN"); env && *env) return env;
  std::error_code ec;
  std::string best;
  int best_version = -1;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(e.path().filename().c_str());
    if (version > best_version && fs::exists(e.path() / "bin" / "initdb")) {
      best_version = version;
      best = (e.path() / "bin").string();
    }
  }
  if (!best.empty()) return best;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty() && fs::exists(fs::path(dir) / "initdb")) return dir;
  }
  return "";
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgTestCluster>> PgTestCluster::start(bool use_external) {
  std::unique_ptr<PgTestCluster> c(new PgTestCluster());
  std::string external;
  const char* url = use_external ? std::getenv("CUE_TEST_POSTGRES_URL") : nullptr;
  const char* file = use_external ? std::getenv("CUE_TEST_POSTGRES_URL_FILE") : nullptr;
  if (url && *url) external = url;
  if (external.empty() && file && *file) {
    std::string text = readFile(file);
    text = text.substr(0, text.find('\n'));  // the URL; the server's directory follows
    if (text.empty() || absl::StartsWith(text, "unavailable"))
      return absl::FailedPreconditionError(
          text.empty() ? absl::StrCat(file, " does not name a server") : text);
    external = text;
  }
  if (!external.empty()) {
    c->external_url_ = external;
    RETURN_IF_ERROR(PgConnection::open(external).status());
    return c;
  }
  c->bin_dir_ = findBinDir();
  if (c->bin_dir_.empty())
    return absl::FailedPreconditionError(
        "PostgreSQL's initdb was not found (install Debian's postgresql, or set CUE_PG_BIN)");
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) pw = ::getpwnam("nobody");
    if (pw == nullptr) return absl::FailedPreconditionError("no postgres or nobody user to run as");
    c->uid_ = pw->pw_uid;
    c->gid_ = pw->pw_gid;
  } else {
    c->uid_ = ::geteuid();
    c->gid_ = ::getegid();
  }
  std::string templ = (fs::temp_directory_path() / "cue_pg_XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  c->dir_ = templ;  // mkdtemp makes it 0700
  if (::chown(c->dir_.c_str(), c->uid_, c->gid_) != 0)
    return absl::InternalError(absl::StrCat("cannot give ", c->dir_, " to the server's user"));
  RETURN_IF_ERROR(c->runTool("initdb", {"-D", c->dir_ + "/data", "-U", "cue", "-A", "trust",
                                        "-E", "UTF8", "--locale=C", "--no-sync",
                                        "--no-instructions"}));
  // The socket's name (.s.PGSQL.5432) is private to the directory: no port to pick.
  c->port_ = 5432;
  RETURN_IF_ERROR(c->startServer());
  return c;
}

PgTestCluster::~PgTestCluster() {
  if (!external_url_.empty() || keep_) return;
  if (running_) (void)runTool("pg_ctl", {"-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

absl::Status PgTestCluster::runTool(const std::string& tool, const std::vector<std::string>& args) {
  std::string path = bin_dir_ + "/" + tool;
  std::string log = dir_ + "/" + tool + ".out";
  std::vector<std::string> argv_s{path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    ::setsid();  // the server outlives no terminal signal meant for the test
    // Privileges dropped first: the output file is opened in the server user's directory
    // with that user's rights, never by root (a link planted there leads nowhere).
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0))
      ::_exit(126);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(tool, " failed (status ", status, "): ", readFile(log)));
}

std::string PgTestCluster::adminUrl() const {
  if (!external_url_.empty()) return external_url_;
  // The server's Unix socket, in its private directory (host: the directory, URL-encoded).
  std::string host;
  for (char c : dir_) host += c == '/' ? std::string("%2F") : std::string(1, c);
  return absl::StrCat("postgresql://cue@", host, ":", port_, "/postgres");
}

absl::Status PgTestCluster::startServer() {
  if (!external_url_.empty()) return absl::FailedPreconditionError("an external server is not ours to start");
  // No TCP: the server listens only on a Unix socket in its directory (mode 0700), so that
  // no other local user reaches its trust-authenticated superuser. fsync off: a test
  // server need not survive the machine; it must survive its own processes being killed,
  // which synchronous commits (on) still give.
  std::string opts = absl::StrCat("-p ", port_, " -c listen_addresses= -k ", dir_,
                                  " -c fsync=off -c full_page_writes=off -c max_connections=200");
  auto st = runTool("pg_ctl", {"-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "60",
                               "-o", opts, "start"});
  if (!st.ok())
    return absl::UnavailableError(absl::StrCat(st.message(), readFile(dir_ + "/server.log")));
  running_ = true;
  return absl::OkStatus();
}

absl::Status PgTestCluster::stopServer() {
  if (!external_url_.empty()) return absl::FailedPreconditionError("an external server is not ours to stop");
  RETURN_IF_ERROR(runTool("pg_ctl", {"-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}));
  running_ = false;
  return absl::OkStatus();
}

absl::Status PgTestCluster::stopAndRemove(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return absl::NotFoundError(absl::StrCat(dir, " does not exist"));
  PgTestCluster c;
  c.bin_dir_ = findBinDir();
  c.dir_ = dir;
  c.uid_ = st.st_uid;
  c.gid_ = st.st_gid;
  absl::Status stopped;
  if (fs::exists(fs::path(dir) / "data" / "postmaster.pid"))
    stopped = c.runTool("pg_ctl", {"-D", dir + "/data", "-m", "immediate", "-w", "stop"});
  return stopped;  // ~PgTestCluster removes the directory
}

absl::StatusOr<std::string> PgTestCluster::createDatabase() {
  static std::atomic<int> next{0};
  std::string name = absl::StrCat("cue_test_", ::getpid(), "_", next++);
  ASSIGN_OR_RETURN(auto admin, PgConnection::open(adminUrl()));
  RETURN_IF_ERROR(admin->execScript(absl::StrCat("CREATE DATABASE ", name)));
  std::string url = adminUrl();
  return url.substr(0, url.rfind('/') + 1) + name;
}

absl::Status PgTestCluster::dropDatabase(const std::string& url) {
  std::string name = url.substr(url.rfind('/') + 1);
  ASSIGN_OR_RETURN(auto admin, PgConnection::open(adminUrl()));
  return admin->execScript(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
}

PgTestCluster* sharedPgTestCluster(std::string* why) {
  static std::mutex mu;
  static std::unique_ptr<PgTestCluster> cluster;
  static std::string error;
  std::lock_guard<std::mutex> lock(mu);
  if (!cluster && error.empty()) {
    auto c = PgTestCluster::start();
    if (c.ok())
      cluster = std::move(c).value();
    else
      error = std::string(c.status().message());
  }
  if (!cluster && why) *why = error;
  return cluster.get();
}

}  // namespace cue::store
