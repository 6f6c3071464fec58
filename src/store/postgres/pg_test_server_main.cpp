// cue_pg_test_server: one throw-away PostgreSQL server for a whole ctest run (a ctest
// fixture), so that every integration test can also run against PostgreSQL.
//
//   cue_pg_test_server start FILE   starts a server, writes its admin URL to FILE
//                                   (or "unavailable: <why>" when it cannot start one;
//                                   tests then skip, saying so) and exits, leaving it up;
//   cue_pg_test_server stop FILE    stops the server FILE names and removes its data.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "store/postgres/pg_test_cluster.h"

int main(int argc, char** argv) {
  using cue::store::PgTestCluster;
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::cerr << "usage: cue_pg_test_server start|stop FILE\n";
    return 2;
  }
  const std::string file = argv[2];
  if (std::string(argv[1]) == "start") {
    auto cluster = PgTestCluster::start();
    std::ofstream out(file, std::ios::trunc);
    if (!cluster.ok()) {
      out << "unavailable: " << cluster.status().message() << "\n";
      std::cout << "PostgreSQL tests will be skipped: " << cluster.status().message() << "\n";
      return 0;
    }
    (*cluster)->keepRunning();
    out << (*cluster)->adminUrl() << "\n" << (*cluster)->dir() << "\n";
    std::cout << "PostgreSQL test server at " << (*cluster)->adminUrl() << " in "
              << (*cluster)->dir() << "\n";
    return 0;
  }
  std::ifstream in(file);
  std::string url, dir;
  std::getline(in, url);
  std::getline(in, dir);
  std::remove(file.c_str());
  if (dir.empty()) return 0;  // none was started
  auto st = PgTestCluster::stopAndRemove(dir);
  if (!st.ok()) std::cerr << st << "\n";
  return st.ok() ? 0 : 1;
}
