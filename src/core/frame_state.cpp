// Names of the domain enums and the frame state machine.
//
// Frame transitions (from -> allowed to):
//   WAITING    -> RUNNING (booked), DEPEND (a new depend), EATEN, DEAD (launch refused), SETUP
//   SETUP      -> RUNNING, WAITING
//   DEPEND     -> WAITING (depends satisfied), EATEN, DEAD
//   RUNNING    -> SUCCEEDED, WAITING (retry or lost host), DEAD (out of retries or killed),
//                 EATEN, CHECKPOINT
//   CHECKPOINT -> WAITING, RUNNING, SUCCEEDED, DEAD, EATEN
//   SUCCEEDED  -> WAITING, DEPEND (retried by a user)
//   DEAD       -> WAITING, DEPEND (retried by a user), EATEN
//   EATEN      -> WAITING, DEPEND (retried by a user)
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"

namespace cue::core {
namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<FrameState, 8> kFrameStates{{{FrameState::kWaiting, "WAITING"},
                                             {FrameState::kSetup, "SETUP"},
                                             {FrameState::kRunning, "RUNNING"},
                                             {FrameState::kSucceeded, "SUCCEEDED"},
                                             {FrameState::kDepend, "DEPEND"},
                                             {FrameState::kDead, "DEAD"},
                                             {FrameState::kEaten, "EATEN"},
                                             {FrameState::kCheckpoint, "CHECKPOINT"}}};
constexpr Names<JobState, 5> kJobStates{{{JobState::kPending, "PENDING"},
                                         {JobState::kFinished, "FINISHED"},
                                         {JobState::kStartup, "STARTUP"},
                                         {JobState::kShutdown, "SHUTDOWN"},
                                         {JobState::kPosted, "POSTED"}}};
constexpr Names<LayerType, 4> kLayerTypes{{{LayerType::kPre, "PRE"},
                                           {LayerType::kPost, "POST"},
                                           {LayerType::kRender, "RENDER"},
                                           {LayerType::kUtil, "UTIL"}}};
constexpr Names<HardwareState, 5> kHardwareStates{
    {{HardwareState::kUp, "UP"},
     {HardwareState::kDown, "DOWN"},
     {HardwareState::kRebooting, "REBOOTING"},
     {HardwareState::kRebootWhenIdle, "REBOOT_WHEN_IDLE"},
     {HardwareState::kRepair, "REPAIR"}}};
constexpr Names<LockState, 3> kLockStates{{{LockState::kOpen, "OPEN"},
                                           {LockState::kLocked, "LOCKED"},
                                           {LockState::kNimbyLocked, "NIMBY_LOCKED"}}};
constexpr Names<ThreadMode, 3> kThreadModes{
    {{ThreadMode::kAuto, "AUTO"}, {ThreadMode::kAll, "ALL"}, {ThreadMode::kVariable, "VARIABLE"}}};
constexpr Names<DependType, 12> kDependTypes{{{DependType::kJobOnJob, "JOB_ON_JOB"},
                                              {DependType::kJobOnLayer, "JOB_ON_LAYER"},
                                              {DependType::kJobOnFrame, "JOB_ON_FRAME"},
                                              {DependType::kLayerOnJob, "LAYER_ON_JOB"},
                                              {DependType::kLayerOnLayer, "LAYER_ON_LAYER"},
                                              {DependType::kLayerOnFrame, "LAYER_ON_FRAME"},
                                              {DependType::kFrameOnJob, "FRAME_ON_JOB"},
                                              {DependType::kFrameOnLayer, "FRAME_ON_LAYER"},
                                              {DependType::kFrameOnFrame, "FRAME_ON_FRAME"},
                                              {DependType::kFrameByFrame, "FRAME_BY_FRAME"},
                                              {DependType::kPreviousFrame, "PREVIOUS_FRAME"},
                                              {DependType::kLayerOnSimFrame, "LAYER_ON_SIM_FRAME"}}};

template <typename E, size_t N>
std::string_view nameOf(const Names<E, N>& names, E value) {
  for (const auto& [e, n] : names)
    if (e == value) return n;
  return "UNKNOWN";
}

template <typename E, size_t N>
std::optional<E> valueOf(const Names<E, N>& names, std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const auto& [e, n] : names)
    if (n == upper) return e;
  return std::nullopt;
}

}  // namespace

std::string_view toString(FrameState s) { return nameOf(kFrameStates, s); }
std::string_view toString(JobState s) { return nameOf(kJobStates, s); }
std::string_view toString(LayerType s) { return nameOf(kLayerTypes, s); }
std::string_view toString(HardwareState s) { return nameOf(kHardwareStates, s); }
std::string_view toString(LockState s) { return nameOf(kLockStates, s); }
std::string_view toString(ThreadMode s) { return nameOf(kThreadModes, s); }
std::string_view toString(DependType s) { return nameOf(kDependTypes, s); }
std::optional<FrameState> parseFrameState(std::string_view s) { return valueOf(kFrameStates, s); }
const std::vector<FrameState>& allFrameStates() {
  static const std::vector<FrameState> kAll = [] {
    std::vector<FrameState> all;
    for (const auto& [state, name] : kFrameStates) all.push_back(state);
    return all;
  }();
  return kAll;
}
std::optional<JobState> parseJobState(std::string_view s) { return valueOf(kJobStates, s); }
std::optional<LayerType> parseLayerType(std::string_view s) { return valueOf(kLayerTypes, s); }
std::optional<HardwareState> parseHardwareState(std::string_view s) {
  return valueOf(kHardwareStates, s);
}
std::optional<LockState> parseLockState(std::string_view s) { return valueOf(kLockStates, s); }
std::optional<ThreadMode> parseThreadMode(std::string_view s) { return valueOf(kThreadModes, s); }
std::optional<DependType> parseDependType(std::string_view s) { return valueOf(kDependTypes, s); }

bool isDone(FrameState s) { return s == FrameState::kSucceeded || s == FrameState::kEaten; }

bool canTransition(FrameState from, FrameState to) {
  using F = FrameState;
  switch (from) {
    case F::kWaiting:
      return to == F::kRunning || to == F::kDepend || to == F::kEaten || to == F::kDead ||
             to == F::kSetup;
    case F::kSetup:
      return to == F::kRunning || to == F::kWaiting;
    case F::kDepend:
      return to == F::kWaiting || to == F::kEaten || to == F::kDead;
    case F::kRunning:
      return to == F::kSucceeded || to == F::kWaiting || to == F::kDead || to == F::kEaten ||
             to == F::kCheckpoint;
    case F::kCheckpoint:
      return to == F::kWaiting || to == F::kRunning || to == F::kSucceeded || to == F::kDead ||
             to == F::kEaten;
    case F::kSucceeded:
    case F::kEaten:
      return to == F::kWaiting || to == F::kDepend;
    case F::kDead:
      return to == F::kWaiting || to == F::kDepend || to == F::kEaten;
  }
  return false;
}

}  // namespace cue::core
