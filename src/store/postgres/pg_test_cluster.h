// A throw-away PostgreSQL server for tests: initdb in a private temporary directory,
// started by pg_ctl as an unprivileged user (initdb refuses root; as root the server runs
// as "postgres", or "nobody"), listening only on a Unix socket in that directory; removed
// when the object is destroyed.
//
// CUE_TEST_POSTGRES_URL, when set, names an existing server to use instead (a URL to its
// "postgres" database as a user allowed to create databases); stopServer()/startServer()
// are then refused. CUE_TEST_POSTGRES_URL_FILE names a file holding that URL, as
// `cue_pg_test_server start` writes it for a whole ctest run, or "unavailable: <why>"
// when it could not start one. CUE_PG_BIN names the directory of initdb and pg_ctl when
// they are not in /usr/lib/postgresql/<version>/bin (Debian's place) or on PATH.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cue::store {

class PgTestCluster {
 public:
  // Starts a server (or attaches to CUE_TEST_POSTGRES_URL's). The error says why not:
  // FAILED_PRECONDITION when PostgreSQL is not installed.
  // With use_external false, always a server of its own (tests that stop it).
  static absl::StatusOr<std::unique_ptr<PgTestCluster>> start(bool use_external = true);
  ~PgTestCluster();
  PgTestCluster(const PgTestCluster&) = delete;
  PgTestCluster& operator=(const PgTestCluster&) = delete;

  // Makes a new empty database and returns a URL to it.
  absl::StatusOr<std::string> createDatabase();
  // Drops a database createDatabase made, closing its sessions.
  absl::Status dropDatabase(const std::string& url);

  // Stops the server as a crash would (immediate shutdown), and starts it again on the same
  // socket and data: for tests of a database restarting under load.
  absl::Status stopServer();
  absl::Status startServer();

  std::string dir() const { return dir_; }
  // A URL to the server's "postgres" database (to create databases).
  std::string adminUrl() const;
  // Leaves the server running and its directory in place when this object is destroyed
  // (cue_pg_test_server start); stopAndRemove(dir) ends it later.
  void keepRunning() { keep_ = true; }
  static absl::Status stopAndRemove(const std::string& dir);

 private:
  PgTestCluster() = default;
  absl::Status runTool(const std::string& tool, const std::vector<std::string>& args);

  std::string external_url_;  // CUE_TEST_POSTGRES_URL, or empty
  std::string bin_dir_, dir_;
  int port_ = 0;
  unsigned uid_ = 0, gid_ = 0;  // the server's user
  bool running_ = false;
  bool keep_ = false;
};

// One cluster per test process, started on first use; nullptr (with `why` set) when it
// cannot be started, so that tests skip with a visible message.
PgTestCluster* sharedPgTestCluster(std::string* why);

}  // namespace cue::store
