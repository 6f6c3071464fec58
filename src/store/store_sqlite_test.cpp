// Runs the storage conformance suite (store_conformance.h) against SQLite: each test
// gets its own database file in the system temporary directory, removed afterwards.
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "common/ids.h"
#include "store/store.h"
#include "store/store_conformance.h"
#include "store/store_conformance_admin.h"
#include "store/store_conformance_depend.h"
#include "store/store_conformance_filter.h"
#include "store/store_conformance_settings.h"

namespace cue::store::conformance {
namespace {

namespace fs = std::filesystem;

// The database file and SQLite's companions (write-ahead log, shared memory, journal).
void removeDatabase(const fs::path& db) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    fs::remove(fs::path(db.string() + suffix), ignored);
}

std::unique_ptr<Store> openOrFail(const std::string& url) {
  auto store = openStore(url);
  if (!store.ok()) {
    ADD_FAILURE() << "openStore(" << url << "): " << store.status();
    return nullptr;
  }
  return std::move(store).value();
}

StoreBackend sqliteBackend() {
  // The file of the current test; tests run one at a time.
  auto path = std::make_shared<fs::path>();
  StoreBackend b;
  b.name = "Sqlite";
  b.fresh = [path]() {
    *path = fs::temp_directory_path() / ("cue_store_test_" + common::newId() + ".db");
    return openOrFail(path->string());
  };
  b.reopen = [path]() { return openOrFail("sqlite:" + path->string()); };
  b.drop = [path]() {
    if (!path->empty()) removeDatabase(*path);
    path->clear();
  };
  return b;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest, ::testing::Values(sqliteBackend()),
                         backendName);

// ---- SQLite-only: opening by URL ------------------------------------------------

TEST(SqliteOpenStoreTest, RefusesEmptyPathAndPostgresUrls) {
  EXPECT_EQ(openStore("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(openStore("sqlite:").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(openStore("postgresql://localhost/cue").status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(SqliteOpenStoreTest, UnwritableDirectoryIsUnavailable) {
  fs::path dir = fs::temp_directory_path() / ("cue_store_missing_" + common::newId());
  EXPECT_EQ(openStore((dir / "sub" / "cue.db").string()).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace cue::store::conformance
