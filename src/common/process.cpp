#include "common/process.h"

#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
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

void useHugePageHeap(char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  if (::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 0) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // not re-executed: frames and tools it starts get no trace
}

}  // namespace cue::common
