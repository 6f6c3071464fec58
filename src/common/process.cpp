#include "common/process.h"

#include <pthread.h>
#include <sys/mman.h>

#include <cstdint>
#include <string>

#include "absl/synchronization/mutex.h"

namespace cue::common {

void disableAbslDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

void nameThisThread(const char* name) {
  const std::string cut = std::string(name).substr(0, 15);  // the kernel keeps 15 + NUL
  ::pthread_setname_np(::pthread_self(), cut.c_str());
}

void adviseHugePages(void* data, size_t bytes) {
  constexpr uintptr_t kHuge = 2 * 1024 * 1024;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace cue::common
