#include "rqd/resident.h"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

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
