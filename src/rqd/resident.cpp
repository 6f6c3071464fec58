#include "rqd/resident.h"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace cue::rqd {
namespace {

int addReadOnlySegments(struct dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::vector<MemoryRange>*>(data);
  // The vDSO is the kernel's, not a file's.
  if (info->dlpi_name != nullptr && std::strstr(info->dlpi_name, "vdso") != nullptr) return 0;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0 || ph.p_memsz == 0) continue;
    // Whole pages inside the segment only: a page shared with a neighbour is left alone.
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    const uintptr_t first = (start + page - 1) & ~(page - 1);
    const uintptr_t last = (start + ph.p_memsz) & ~(page - 1);
    if (last > first) out->push_back({first, last});
  }
  return 0;
}

}  // namespace

BindNowStep bindNowStep(const char* ld_bind_now, const char* marker) {
  if (marker != nullptr) return BindNowStep::kUnset;
  if (ld_bind_now != nullptr && ld_bind_now[0] != '\0') return BindNowStep::kNothing;
  return BindNowStep::kReexec;
}

void execSelf(char** argv) {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n > 0 && n < static_cast<ssize_t>(sizeof(buf)) - 1) {
    buf[n] = '\0';
    ::execv(buf, argv);
  }
  ::execv("/proc/self/exe", argv);
}

void bindEverySymbolAtStart(char** argv) {
  switch (bindNowStep(std::getenv("LD_BIND_NOW"), std::getenv(kBindNowMarker))) {
    case BindNowStep::kNothing:
      return;
    case BindNowStep::kUnset:
      ::unsetenv("LD_BIND_NOW");
      ::unsetenv(kBindNowMarker);
      return;
    case BindNowStep::kReexec:
      ::setenv("LD_BIND_NOW", "1", 1);
      ::setenv(kBindNowMarker, "1", 1);
      execSelf(argv);
      ::unsetenv("LD_BIND_NOW");  // no /proc: go on, bound lazily
      ::unsetenv(kBindNowMarker);
      return;
  }
}

StartupImage StartupImage::capture() {
  StartupImage image;
  ::dl_iterate_phdr(addReadOnlySegments, &image.ranges_);
  return image;
}

size_t StartupImage::drop() const {
  size_t kb = 0;
  for (const MemoryRange& r : ranges_) {
    if (::madvise(reinterpret_cast<void*>(r.start), r.end - r.start, MADV_DONTNEED) == 0)
      kb += (r.end - r.start) / 1024;
  }
  return kb;
}

}  // namespace cue::rqd
