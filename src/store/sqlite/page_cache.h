// SQLite's own page cache behind a thin layer that spares commits a scan of the whole
// cache.
//
// Why: when a B-tree balance gives a page's new siblings page numbers in ascending order,
// SQLite (3.40) swaps two pages through a temporary number, the page of the locking byte
// (1 GiB / page size + 1: 262,145 for 4 KB pages). The default cache remembers the
// highest page number it ever held, and at every commit it drops the pages past the end
// of the database: when that highest number is further past the end than its hash table
// has buckets, it walks every bucket and every cached page to find them. So every commit
// whose statements split a page walked the writer's whole cache, although the swap had
// left no page past the end: about 0.3 ms per such commit with 9,000 pages cached, and
// proportionally more as the 256 MB cache fills (one commit in five of the churn's).
//
// The layer forwards every call to the default cache and keeps, per cache, the highest
// page number it created or moved a page to (the temporary number aside, counted apart
// while a page holds it). A truncation below which no page can be is answered without
// the walk; any other goes through. It changes no page's content and no result.
#pragma once

#include <cstdint>

namespace cue::store {

// What the layer knows of one cache's page numbers; pure, for the layer and its tests.
class PageKeyBound {
 public:
  explicit PageKeyBound(uint32_t temporary_key) : temporary_key_(temporary_key) {}

  // A page was fetched with the right to create it at `key`.
  void created(uint32_t key) {
    if (key > max_key_) max_key_ = key;
  }
  // A page moved from `from` to `to`.
  void moved(uint32_t from, uint32_t to);
  // Whether a truncation at `limit` (pages numbered `limit` and above go) may find a
  // page; if not, the cache's truncation can be skipped.
  bool mayHoldFrom(uint32_t limit) const { return max_key_ >= limit || at_temporary_ > 0; }
  // The cache was truncated at `limit`.
  void truncated(uint32_t limit);

 private:
  const uint32_t temporary_key_;
  uint32_t max_key_ = 0;       // highest number a page was created or moved at (temporary aside)
  uint32_t at_temporary_ = 0;  // pages moved to the temporary number and not yet away
};

// Installs the layer (once per process). It must run before SQLite initializes, i.e.
// before the process's first connection; false when SQLite was initialized already (by
// code that opened a database before the store did): the default cache then serves as it
// is, which is correct, only slower.
bool installPageCacheLayer();

// Truncations the layer answered without the default cache's walk, since the process
// started (for tests and benchmarks).
uint64_t pageCacheTruncationsSkipped();

}  // namespace cue::store
