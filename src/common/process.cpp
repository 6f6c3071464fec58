#include "common/process.h"

#include "absl/synchronization/mutex.h"

namespace cue::common {

void disableAbslDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace cue::common
