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

// Every symbol bound at start-up. The libraries are bound lazily by default: a function's
// first call looks its name up in the symbol tables of every library loaded, so calls made
// for the first time after the start-up pages were dropped (the first status report, the
// first frame) fault those tables back in, about 2.5 MB of them. rqd therefore runs with
// LD_BIND_NOW: when it was not in the environment, main() re-executes rqd once with it
// set, and the re-executed rqd takes it (and its own marker) out of its environment again,
// so that nothing rqd starts inherits it.
enum class BindNowStep {
  kReexec,  // set LD_BIND_NOW and the marker, then execSelf()
  kUnset,   // the re-executed rqd: take LD_BIND_NOW and the marker out again
  kNothing  // LD_BIND_NOW was set by whoever started rqd: leave it
};
inline constexpr char kBindNowMarker[] = "CUE_RQD_BOUND_NOW";
BindNowStep bindNowStep(const char* ld_bind_now, const char* marker);
// Executes rqd's own executable again with `argv`: by its path (/proc/self/exe resolved),
// so that the process keeps its name ("rqd" in ps and pgrep, not "exe"), else through
// /proc/self/exe (a binary deleted or replaced since). Returns only when both fail.
void execSelf(char** argv);
// Does what bindNowStep() says for this process; returns only when it does not exec (or
// the exec failed, when rqd goes on bound lazily).
void bindEverySymbolAtStart(char** argv);

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
