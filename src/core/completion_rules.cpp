#include "core/completion_rules.h"

namespace cue::core {

CompletionOutcome completionOutcome(const CompletionFacts& f) {
  CompletionOutcome out;
  out.retry_count = f.retry_count;
  if (f.frame_state != FrameState::kRunning) {
    out.settled = true;
    out.next = f.frame_state;
    return out;
  }
  if (f.oom_retry_memory > 0 && f.job_pending) {
    out.next = FrameState::kWaiting;
    out.reserved_memory = f.oom_retry_memory;
  } else if (f.exit_status == 0 && f.exit_signal == 0) {
    out.next = FrameState::kSucceeded;
  } else if (!f.job_pending) {
    out.next = FrameState::kDead;
  } else if (f.kill_requested) {
    out.next = FrameState::kWaiting;
  } else if (f.exit_status == kExitSkipRetry || f.retry_count + 1 > f.max_retries) {
    out.retry_count = f.retry_count + 1;
    out.next = f.auto_eat ? FrameState::kEaten : FrameState::kDead;
  } else {
    out.retry_count = f.retry_count + 1;
    out.next = FrameState::kWaiting;
  }
  return out;
}

}  // namespace cue::core
