#include "rqd/resident.h"

#include <sys/mman.h>


#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

struct Mapping {
  MemoryRange range;
  bool droppable = false;  // file-backed and not writable
  size_t rss_kb = 0;
  size_t anonymous_kb = 0;
};

// "Rss:                 123 kB" -> 123.
size_t kbValue(absl::string_view rest) {
  rest = absl::StripAsciiWhitespace(rest);
  absl::ConsumeSuffix(&rest, " kB");
  size_t v = 0;
  return absl::SimpleAtoi(rest, &v) ? v : 0;
}

// A mapping's header line: "start-end perms offset dev inode [path]".
bool parseHeader(absl::string_view line, Mapping* m) {
  std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
  if (f.size() < 5) return false;
  std::vector<absl::string_view> range = absl::StrSplit(f[0], '-');
  uint64_t start = 0, end = 0;
  if (range.size() != 2 || !absl::SimpleHexAtoi(range[0], &start) ||
      !absl::SimpleHexAtoi(range[1], &end)) {
    return false;
  }
  *m = Mapping{};
  m->range = {static_cast<uintptr_t>(start), static_cast<uintptr_t>(end)};
  const absl::string_view perms = f[1];
  const bool file_backed = f.size() >= 6 && absl::StartsWith(f[5], "/");
  m->droppable = file_backed && perms.size() >= 4 && perms[1] != 'w' && perms[3] == 'p';
  return true;
}

}  // namespace

std::vector<MemoryRange> droppableRanges(const std::string& smaps) {
  std::vector<MemoryRange> out;
  Mapping current;
  bool have = false;
  auto flush = [&] {
    if (have && current.droppable && current.anonymous_kb == 0 && current.rss_kb > 0) {
      current.range.rss_kb = current.rss_kb;
      out.push_back(current.range);
    }
  };
  for (absl::string_view line : absl::StrSplit(smaps, '\n')) {
    if (line.empty()) continue;
    Mapping next;
    // Field lines start with a capitalised key ("Rss:"); headers with a hex address.
    if (!(line[0] >= 'A' && line[0] <= 'Z') && parseHeader(line, &next)) {
      flush();
      current = next;
      have = true;
    } else if (absl::ConsumePrefix(&line, "Rss:")) {
      current.rss_kb = kbValue(line);
    } else if (absl::ConsumePrefix(&line, "Anonymous:")) {
      current.anonymous_kb = kbValue(line);
    }
  }
  flush();
  return out;
}

size_t dropStartupPages() {
  absl::StatusOr<std::string> smaps = readFile("/proc/self/smaps");
  if (!smaps.ok()) return 0;
  size_t dropped_kb = 0;
  for (const MemoryRange& r : droppableRanges(*smaps)) {
    if (::madvise(reinterpret_cast<void*>(r.start), r.end - r.start, MADV_DONTNEED) == 0)
      dropped_kb += r.rss_kb;
  }
  return dropped_kb;
}

}  // namespace cue::rqd
