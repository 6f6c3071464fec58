#include "store/sqlite/page_cache.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <new>

namespace cue::store {

void PageKeyBound::moved(uint32_t from, uint32_t to) {
  if (from == temporary_key_ && at_temporary_ > 0) --at_temporary_;
  if (to == temporary_key_)
    ++at_temporary_;
  else
    created(to);
}

void PageKeyBound::truncated(uint32_t limit) {
  max_key_ = limit > 0 ? limit - 1 : 0;
  if (limit <= temporary_key_) at_temporary_ = 0;
}

namespace {

// SQLite's PENDING_BYTE: the locking byte's offset, 1 GiB unless a test build moved it.
constexpr uint32_t kPendingByte = 0x40000000;

sqlite3_pcache_methods2 g_default;  // SQLite's own cache, which the layer forwards to
std::atomic<uint64_t> g_skipped{0};

// One cache: the default one's handle and what the layer knows of its page numbers. A
// cache serves one connection, which SQLite never uses from two threads at once.
struct LayeredCache {
  sqlite3_pcache* inner;
  PageKeyBound bound;
};

LayeredCache* layered(sqlite3_pcache* p) { return reinterpret_cast<LayeredCache*>(p); }

int xInit(void*) { return g_default.xInit(g_default.pArg); }
void xShutdown(void*) {
  if (g_default.xShutdown) g_default.xShutdown(g_default.pArg);
}

sqlite3_pcache* xCreate(int page_size, int extra, int purgeable) {
  sqlite3_pcache* inner = g_default.xCreate(page_size, extra, purgeable);
  if (inner == nullptr) return nullptr;
  void* memory = sqlite3_malloc(sizeof(LayeredCache));
  if (memory == nullptr) {
    g_default.xDestroy(inner);
    return nullptr;
  }
  const uint32_t temporary =
      page_size > 0 ? kPendingByte / static_cast<uint32_t>(page_size) + 1 : 0;
  return reinterpret_cast<sqlite3_pcache*>(new (memory)
                                               LayeredCache{inner, PageKeyBound(temporary)});
}

void xCachesize(sqlite3_pcache* p, int pages) { g_default.xCachesize(layered(p)->inner, pages); }
int xPagecount(sqlite3_pcache* p) { return g_default.xPagecount(layered(p)->inner); }

sqlite3_pcache_page* xFetch(sqlite3_pcache* p, unsigned key, int create) {
  LayeredCache* c = layered(p);
  sqlite3_pcache_page* page = g_default.xFetch(c->inner, key, create);
  if (page != nullptr && create != 0) c->bound.created(key);
  return page;
}

void xUnpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard) {
  g_default.xUnpin(layered(p)->inner, page, discard);
}

void xRekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned from, unsigned to) {
  LayeredCache* c = layered(p);
  g_default.xRekey(c->inner, page, from, to);
  c->bound.moved(from, to);
}

void xTruncate(sqlite3_pcache* p, unsigned limit) {
  LayeredCache* c = layered(p);
  if (!c->bound.mayHoldFrom(limit)) {
    g_skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  g_default.xTruncate(c->inner, limit);
  c->bound.truncated(limit);
}

void xDestroy(sqlite3_pcache* p) {
  LayeredCache* c = layered(p);
  g_default.xDestroy(c->inner);
  c->~LayeredCache();
  sqlite3_free(c);
}

void xShrink(sqlite3_pcache* p) { g_default.xShrink(layered(p)->inner); }

}  // namespace

bool installPageCacheLayer() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] {
    sqlite3_pcache_methods2 current{};
    // The default cache's methods (SQLite fills them in when none is configured yet).
    if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &current) != SQLITE_OK ||
        current.xFetch == nullptr)
      return;
    g_default = current;
    sqlite3_pcache_methods2 layer{};
    layer.iVersion = current.iVersion;
    layer.pArg = nullptr;
    layer.xInit = xInit;
    layer.xShutdown = xShutdown;
    layer.xCreate = xCreate;
    layer.xCachesize = xCachesize;
    layer.xPagecount = xPagecount;
    layer.xFetch = xFetch;
    layer.xUnpin = xUnpin;
    layer.xRekey = xRekey;
    layer.xTruncate = xTruncate;
    layer.xDestroy = xDestroy;
    layer.xShrink = current.xShrink != nullptr ? xShrink : nullptr;
    // SQLITE_MISUSE once SQLite is initialized: the default cache stays.
    installed = sqlite3_config(SQLITE_CONFIG_PCACHE2, &layer) == SQLITE_OK;
  });
  return installed;
}

uint64_t pageCacheTruncationsSkipped() { return g_skipped.load(std::memory_order_relaxed); }

}  // namespace cue::store
