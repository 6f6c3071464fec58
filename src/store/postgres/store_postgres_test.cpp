// Runs the storage conformance suite (store_conformance.h) against PostgreSQL: a
// throw-away server for this process (pg_test_cluster.h), a new database per test, dropped
// afterwards. Skipped, with the reason, only when no server can be started here.
// Also PostgreSQL-only checks: opening by URL, redacted passwords, a server restart.
#include <memory>
#include <string>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_test_cluster.h"
#include "store/store.h"
#include "store/store_conformance.h"
#include "store/store_conformance_admin.h"
#include "store/store_conformance_depend.h"
#include "store/store_conformance_filter.h"
#include "store/store_conformance_settings.h"
#include "store/store_conformance_usage.h"

namespace cue::store::conformance {
namespace {

std::unique_ptr<Store> openOrFail(const std::string& url) {
  auto store = openStore(url);
  if (!store.ok()) {
    ADD_FAILURE() << "openStore(" << redactPostgresUrl(url) << "): " << store.status();
    return nullptr;
  }
  return std::move(store).value();
}

StoreBackend postgresBackend() {
  auto url = std::make_shared<std::string>();
  StoreBackend b;
  b.name = "Postgres";
  b.unavailable = []() {
    std::string why;
    sharedPgTestCluster(&why);
    return why;
  };
  b.fresh = [url]() -> std::unique_ptr<Store> {
    auto made = sharedPgTestCluster(nullptr)->createDatabase();
    if (!made.ok()) {
      ADD_FAILURE() << "createDatabase: " << made.status();
      return nullptr;
    }
    *url = *made;
    return openOrFail(*url);
  };
  b.reopen = [url]() { return openOrFail(*url); };
  b.drop = [url]() {
    if (url->empty()) return;
    auto st = sharedPgTestCluster(nullptr)->dropDatabase(*url);
    if (!st.ok()) ADD_FAILURE() << "dropDatabase: " << st;
    url->clear();
  };
  return b;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformanceTest, ::testing::Values(postgresBackend()),
                         backendName);

}  // namespace cue::store::conformance
