#include "store/sqlite/wal_write_buffer.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

namespace cue::store {
namespace {

constexpr const char* kVfsName = "cue-walbuf";
constexpr int kFrameHeaderSize = 24;             // WAL_FRAME_HDRSIZE
constexpr size_t kMaxBuffered = 4 * 1024 * 1024;  // written out past this
// The unix VFS writes at most 128 KB - 1 bytes a call (it masks the length).
constexpr size_t kMaxWrite = 124 * 1024;

sqlite3_vfs* g_real = nullptr;  // the default VFS this one wraps
sqlite3_vfs g_vfs;
std::atomic<uint64_t> g_wal_writes{0};

// One open file: SQLite's sqlite3_file header, then ours, then the real file's memory.
struct File {
  sqlite3_file base;      // pMethods: kMethods once open
  sqlite3_file* real;     // the default VFS's file, in the memory after this struct
  bool is_wal = false;
  File* wal = nullptr;    // a database file: its connection's open WAL
  File* db = nullptr;     // a WAL file: its database file (our File too)
  std::string buf;        // WAL bytes not written yet, for offsets [buf_at, buf_at + size)
  sqlite3_int64 buf_at = 0;
  sqlite3_int64 end = 0;  // past the last byte this handle appended since the WAL's header
  bool commit_next = false;  // the last write was a commit frame's header

  int flush() {
    if (buf.empty()) return SQLITE_OK;
    int rc = SQLITE_OK;
    for (size_t done = 0; done < buf.size() && rc == SQLITE_OK; done += kMaxWrite) {
      const size_t n = std::min(kMaxWrite, buf.size() - done);
      g_wal_writes.fetch_add(1, std::memory_order_relaxed);
      rc = real->pMethods->xWrite(real, buf.data() + done, static_cast<int>(n),
                                  buf_at + static_cast<sqlite3_int64>(done));
    }
    buf.clear();
    return rc;
  }
  int flushWal() { return wal ? wal->flush() : SQLITE_OK; }
};

File* self(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
size_t fileSize() { return (sizeof(File) + 7) & ~size_t{7}; }

uint32_t bigEndian32(const void* p) {
  const auto* b = static_cast<const unsigned char*>(p);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

// The real file's `method`, after this file's buffered WAL bytes (`what` = kOwn) or its
// connection's (`what` = kConnection, for the wal-index) are written out, or at once
// (kNone).
enum class Flush { kNone, kOwn, kConnection };
template <Flush what, typename Fn, typename... Args>
int pass(sqlite3_file* f, Fn sqlite3_io_methods::*method, Args... args) {
  File* file = self(f);
  int rc = SQLITE_OK;
  if constexpr (what == Flush::kOwn) rc = file->flush();
  if constexpr (what == Flush::kConnection) rc = file->flushWal();
  if (rc != SQLITE_OK) return rc;
  return (file->real->pMethods->*method)(file->real, args...);
}

int xClose(sqlite3_file* f) {
  File* file = self(f);
  int rc = file->flush();
  if (file->db) file->db->wal = nullptr;
  if (file->wal) file->wal->db = nullptr;
  const int closed = file->real->pMethods ? file->real->pMethods->xClose(file->real) : SQLITE_OK;
  file->~File();
  return rc != SQLITE_OK ? rc : closed;
}

int xRead(sqlite3_file* f, void* out, int amt, sqlite3_int64 at) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xRead, out, amt, at);
}

int xWrite(sqlite3_file* f, const void* data, int amt, sqlite3_int64 at) {
  File* file = self(f);
  if (!file->is_wal) return file->real->pMethods->xWrite(file->real, data, amt, at);
  if (at == 0) file->end = 0;  // the WAL's header: SQLite starts the WAL over
  const auto buf_end = file->buf_at + static_cast<sqlite3_int64>(file->buf.size());
  if (at < file->end || (!file->buf.empty() && at != buf_end)) {
    // Not an append to what is buffered: written out in order, and a frame written again
    // (SQLite rewriting a frame or its checksums) goes straight to the file.
    file->commit_next = false;
    if (int rc = file->flush(); rc != SQLITE_OK) return rc;
    if (at < file->end) {
      g_wal_writes.fetch_add(1, std::memory_order_relaxed);
      return file->real->pMethods->xWrite(file->real, data, amt, at);
    }
  }
  if (file->buf.empty()) file->buf_at = at;
  file->buf.append(static_cast<const char*>(data), static_cast<size_t>(amt));
  file->end = at + amt;
  const bool commit_done = file->commit_next;
  // A frame header whose second field (the database's size after a commit) is set heads
  // the transaction's commit frame: its page, the next write, completes the transaction.
  file->commit_next = amt == kFrameHeaderSize && bigEndian32(static_cast<const char*>(data) + 4);
  if (commit_done || file->buf.size() >= kMaxBuffered) return file->flush();
  return SQLITE_OK;
}

int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xTruncate, size);
}
int xSync(sqlite3_file* f, int flags) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xSync, flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xFileSize, size);
}
int xLock(sqlite3_file* f, int level) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xLock, level);
}
int xUnlock(sqlite3_file* f, int level) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xUnlock, level);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
  return pass<Flush::kNone>(f, &sqlite3_io_methods::xCheckReservedLock, out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xFileControl, op, arg);
}
int xSectorSize(sqlite3_file* f) { return pass<Flush::kNone>(f, &sqlite3_io_methods::xSectorSize); }
int xDeviceCharacteristics(sqlite3_file* f) {
  return pass<Flush::kNone>(f, &sqlite3_io_methods::xDeviceCharacteristics);
}
int xFetch(sqlite3_file* f, sqlite3_int64 at, int amt, void** out) {
  return pass<Flush::kOwn>(f, &sqlite3_io_methods::xFetch, at, amt, out);
}
int xUnfetch(sqlite3_file* f, sqlite3_int64 at, void* p) {
  return pass<Flush::kNone>(f, &sqlite3_io_methods::xUnfetch, at, p);
}

// The wal-index (shared memory) is the database file's. Each of its operations first
// writes out its connection's buffered WAL frames.
int xShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return pass<Flush::kConnection>(f, &sqlite3_io_methods::xShmMap, region, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return pass<Flush::kConnection>(f, &sqlite3_io_methods::xShmLock, offset, n, flags);
}
int xShmUnmap(sqlite3_file* f, int delete_flag) {
  return pass<Flush::kConnection>(f, &sqlite3_io_methods::xShmUnmap, delete_flag);
}

// SQLite publishes a commit between two barriers. Its commit frame's write has written
// the frames out already (and could report an error), so nothing is buffered here in
// practice; should a write fail here, where no error can be reported, readers would see
// frames missing from the file: the process stops instead, and at restart SQLite's WAL
// recovery drops the transaction, which no caller was told had committed.
void xShmBarrier(sqlite3_file* f) {
  File* file = self(f);
  if (file->flushWal() != SQLITE_OK) {
    std::fprintf(stderr, "fatal: cannot write the SQLite WAL before publishing a commit\n");
    std::abort();
  }
  file->real->pMethods->xShmBarrier(file->real);
}

const sqlite3_io_methods kMethods = {
    3,           xClose,      xRead,     xWrite,        xTruncate,   xSync,
    xFileSize,   xLock,       xUnlock,   xCheckReservedLock, xFileControl, xSectorSize,
    xDeviceCharacteristics, xShmMap, xShmLock, xShmBarrier, xShmUnmap, xFetch,
    xUnfetch};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = new (f) File;
  file->base.pMethods = nullptr;
  file->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + fileSize());
  const int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK || file->real->pMethods == nullptr ||
      file->real->pMethods->iVersion < 3) {
    // A real file that set its methods is closed even when its open failed (SQLite's
    // rule); without version 3 methods this one cannot stand in for it.
    if (file->real->pMethods) file->real->pMethods->xClose(file->real);
    file->~File();
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  if ((flags & SQLITE_OPEN_WAL) && name) {
    file->is_wal = true;
    sqlite3_file* db = sqlite3_database_file_object(name);
    if (db && db->pMethods == &kMethods) {
      file->db = self(db);
      file->db->wal = file;
    }
  }
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// The rest of the VFS is the default one's.
int xDelete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int xAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int xFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* xDlOpen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void xDlError(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*xDlSym(sqlite3_vfs*, void* lib, const char* sym))(void) {
  return g_real->xDlSym(g_real, lib, sym);
}
void xDlClose(sqlite3_vfs*, void* lib) { g_real->xDlClose(g_real, lib); }
int xRandomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int xSleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int xCurrentTime(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int xGetLastError(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}
int xCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}

}  // namespace

const char* walWriteBufferVfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    std::memset(&g_vfs, 0, sizeof(g_vfs));
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(fileSize()) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = kVfsName;
    g_vfs.xOpen = xOpen;
    g_vfs.xDelete = xDelete;
    g_vfs.xAccess = xAccess;
    g_vfs.xFullPathname = xFullPathname;
    g_vfs.xDlOpen = xDlOpen;
    g_vfs.xDlError = xDlError;
    g_vfs.xDlSym = xDlSym;
    g_vfs.xDlClose = xDlClose;
    g_vfs.xRandomness = xRandomness;
    g_vfs.xSleep = xSleep;
    g_vfs.xCurrentTime = xCurrentTime;
    g_vfs.xGetLastError = xGetLastError;
    g_vfs.xCurrentTimeInt64 = g_real->iVersion >= 2 ? xCurrentTimeInt64 : nullptr;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return kVfsName;
}

uint64_t walWriteBufferWrites() { return g_wal_writes.load(std::memory_order_relaxed); }

}  // namespace cue::store
