// What a frame's end does to the frame: the rule applied when its proc reports the exit.
// A pure function; the store persists what it decides and never decides itself.
//
// OpenCue's behaviour, which it follows (FrameCompleteHandler, DispatchSupport):
//   1. A frame settled while it ran (eaten, killed and marked, retried by a user) keeps
//      the state it was given: the end only releases its proc.
//   2. Killed for memory (the caller's judgement, with the memory to retry with): back to
//      WAITING with that memory, no retry counted, while the job is pending.
//   3. Exit 0 and no signal: SUCCEEDED.
//   4. A job no longer pending (killed, finished): DEAD.
//   5. Killed on request (the proc carried a kill reason): WAITING, no retry counted.
//   6. Exit 286 (skip retry) or retries used up: DEAD, or EATEN when the job auto-eats;
//      the retry is counted.
//   7. Otherwise WAITING, one more retry counted.
// WAITING becomes DEPEND in the store when the frame still waits on depends.
//
// Thread-safety: stateless; call from any thread.
#pragma once

#include <cstdint>

#include "core/types.h"

namespace cue::core {

// The frame, its job and its proc as the store holds them, and what the rqd reported.
struct CompletionFacts {
  FrameState frame_state = FrameState::kRunning;
  int32_t retry_count = 0;
  int32_t max_retries = 0;
  bool job_pending = true;
  bool auto_eat = false;
  bool kill_requested = false;  // the proc carried a kill reason
  int32_t exit_status = 0;
  int32_t exit_signal = 0;
  MemoryKb oom_retry_memory = 0;  // > 0: killed for memory, retry with this much
};

struct CompletionOutcome {
  bool settled = false;  // rule 1: the frame keeps frame_state
  FrameState next = FrameState::kWaiting;
  int32_t retry_count = 0;
  MemoryKb reserved_memory = 0;  // > 0: the frame's new reservation; 0: unchanged
};

CompletionOutcome completionOutcome(const CompletionFacts& f);

}  // namespace cue::core
