// Giving back the pages rqd touched only to start. Most of an idle rqd's resident memory
// is not its own: it is the code and read-only data of the shared libraries it links
// (gRPC, protobuf, OpenSSL, the C++ runtime), faulted in while they initialised, plus
// the pages the kernel maps around each fault. Once rqd has started, those clean,
// file-backed pages can be unmapped from rqd (MADV_DONTNEED); they stay in the page
// cache, and the few that rqd's idle loop uses come back on first touch.
//
// Only mappings that are not writable and hold no private (anonymous) pages are dropped:
// for those, the file is the only content, so dropping changes nothing but residency.
// Relocated read-only data (RELRO), heaps and stacks are never touched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cue::rqd {

struct MemoryRange {
  uintptr_t start = 0;
  uintptr_t end = 0;
  size_t rss_kb = 0;  // resident when the smaps text was read
};

// The mappings of a /proc/<pid>/smaps text that may be dropped: file-backed, not
// writable, no Anonymous pages, some Rss. Pure.
std::vector<MemoryRange> droppableRanges(const std::string& smaps);

// Drops those of this process (see the file comment). Returns the kB that were resident
// in them; 0 when /proc/self/smaps cannot be read.
size_t dropStartupPages();

}  // namespace cue::rqd
