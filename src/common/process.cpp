#include "common/process.h"

#include <pthread.h>

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

}  // namespace cue::common
