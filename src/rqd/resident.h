// Giving back the pages rqd touched only to start. Most of an idle rqd's resident memory
// is not its own: it is the code and read-only data of the shared libraries it links
// (gRPC, protobuf, OpenSSL, the C++ runtime), faulted in while they initialised, plus the
// pages the kernel maps around each fault. Once rqd has started, those clean, file-backed
// pages are dropped from rqd's page tables (MADV_DONTNEED); the mappings stay, the pages
// stay in the page cache, and the few that rqd's idle loop uses come back on first touch.
//
// Only the read-only PT_LOAD segments of the program and of the libraries loaded with it
// are dropped, as recorded by StartupImage::capture() before any thread starts: those
// objects stay mapped until the process exits (a library loaded with the program cannot
// be unloaded), so a range can never have been reused for other memory by the time it is
// dropped. Writable segments, and RELRO (which lies in writable segments), are never
// touched: their pages may hold what was written to them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cue::rqd {

struct MemoryRange {
  uintptr_t start = 0;  // page-aligned
  uintptr_t end = 0;    // page-aligned, exclusive
};

class StartupImage {
 public:
  // The read-only segments of every object loaded now, whole pages only. Call it first
  // thing in main(), before any thread starts or anything is loaded with dlopen().
  static StartupImage capture();

  // Drops those pages (see the file comment). Returns the KB of the ranges advised.
  size_t drop() const;

  const std::vector<MemoryRange>& ranges() const { return ranges_; }

 private:
  std::vector<MemoryRange> ranges_;
};

}  // namespace cue::rqd
