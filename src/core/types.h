// Cue's domain model: plain value types for everything the farm knows about.
//
// Units follow OpenCue so that numbers cross the wire unchanged:
//   - cores are "core units", hundredths of a core (100 = one core, 350 = 3.5 cores);
//   - memory is in KB (1 GB = 1048576);
//   - times are seconds since the Unix epoch (0 = never).
// Ids are UUID strings (see common/ids.h). These types hold no behaviour beyond
// small derived helpers; no I/O, no protobuf. Not thread-safe: copy them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cue::core {

using CoreUnits = int32_t;  // hundredths of a core
using MemoryKb = int64_t;   // kilobytes
using EpochSec = int64_t;   // seconds since the epoch, 0 = never

inline constexpr CoreUnits kCoreUnitsPerCore = 100;
inline constexpr MemoryKb kKbPerMb = 1024;
inline constexpr MemoryKb kKbPerGb = 1024 * 1024;

// ---- states, numbered as on OpenCue's wire ----------------------------------

enum class FrameState {
  kWaiting = 0,
  kSetup = 1,
  kRunning = 2,
  kSucceeded = 3,
  kDepend = 4,
  kDead = 5,
  kEaten = 6,
  kCheckpoint = 7,
};
enum class JobState { kPending = 0, kFinished = 1, kStartup = 2, kShutdown = 3, kPosted = 4 };
enum class LayerType { kPre = 0, kPost = 1, kRender = 2, kUtil = 3 };
enum class HardwareState { kUp = 0, kDown = 1, kRebooting = 2, kRebootWhenIdle = 3, kRepair = 4 };
enum class LockState { kOpen = 0, kLocked = 1, kNimbyLocked = 2 };
enum class ThreadMode { kAuto = 0, kAll = 1, kVariable = 2 };
enum class DependType {
  kJobOnJob = 0,
  kJobOnLayer = 1,
  kJobOnFrame = 2,
  kLayerOnJob = 3,
  kLayerOnLayer = 4,
  kLayerOnFrame = 5,
  kFrameOnJob = 6,
  kFrameOnLayer = 7,
  kFrameOnFrame = 8,
  kFrameByFrame = 9,
  kPreviousFrame = 10,
  kLayerOnSimFrame = 11,
};
enum class DependTarget { kInternal = 0, kExternal = 1, kAnyTarget = 2 };
enum class FilterType { kMatchAny = 0, kMatchAll = 1 };
enum class MatchSubject {
  kJobName = 0, kShow = 1, kShot = 2, kUser = 3, kServiceName = 4, kPriority = 5,
  kFacility = 6, kLayerName = 7,
};
enum class MatchType {
  kContains = 0, kDoesNotContain = 1, kIs = 2, kIsNot = 3, kRegex = 4, kBeginsWith = 5,
  kEndsWith = 6,
};
enum class ActionType {
  kMoveJobToGroup = 0, kPauseJob = 1, kSetJobMinCores = 2, kSetJobMaxCores = 3,
  kStopProcessing = 4, kSetJobPriority = 5, kSetAllRenderLayerTags = 6,
  kSetAllRenderLayerMemory = 7, kSetAllRenderLayerCores = 8, kSetMemoryOptimizer = 9,
  kSetAllRenderLayerMinCores = 10, kSetAllRenderLayerMaxCores = 11, kSetAllUtilLayerTags = 12,
  kSetAllUtilLayerMemory = 13, kSetAllUtilLayerMinCores = 14, kSetAllUtilLayerMaxCores = 15,
  kSetAllPreLayerTags = 16, kSetAllPreLayerMemory = 17, kSetAllPreLayerMinCores = 18,
  kSetAllPreLayerMaxCores = 19,
};
enum class ActionValueType { kGroup = 0, kString = 1, kInteger = 2, kFloat = 3, kBoolean = 4, kNone = 5 };

// OpenCue's exit status conventions (job.FrameExitStatus).
inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailedLaunch = 256;
inline constexpr int kExitSkipRetry = 286;
// Cue's rqd: killed for running past the layer's timeout, killed as hung (no progress for
// the layer's timeout_llu), and stopped by NIMBY (requeued without using a retry).
inline constexpr int kExitTimeout = 304;
inline constexpr int kExitHung = 305;
inline constexpr int kExitNimby = 306;

// OpenCue's upper-case names ("WAITING", "LAYER_ON_LAYER", ...) and back. The parse
// functions accept any case and return nullopt for an unknown name.
std::string_view toString(FrameState s);
std::string_view toString(JobState s);
std::string_view toString(LayerType s);
std::string_view toString(HardwareState s);
std::string_view toString(LockState s);
std::string_view toString(ThreadMode s);
std::string_view toString(DependType s);
std::optional<FrameState> parseFrameState(std::string_view s);
// Every frame state, in the enum's order.
const std::vector<FrameState>& allFrameStates();
std::optional<JobState> parseJobState(std::string_view s);
std::optional<LayerType> parseLayerType(std::string_view s);
std::optional<HardwareState> parseHardwareState(std::string_view s);
std::optional<LockState> parseLockState(std::string_view s);
std::optional<ThreadMode> parseThreadMode(std::string_view s);
std::optional<DependType> parseDependType(std::string_view s);

// Legal frame transitions (see frame_state.cpp for the table). Anything else is a bug
// in the caller or a stale request and must be refused.
bool canTransition(FrameState from, FrameState to);
// True for SUCCEEDED and EATEN: the frame no longer holds its job open.
bool isDone(FrameState s);

// ---- entities -----------------------------------------------------------------

struct Facility {
  std::string id;
  std::string name;
};

struct Department {
  std::string id;
  std::string name;
};

struct Show {
  std::string id;
  std::string name;
  bool active = true;
  bool booking_enabled = true;
  bool dispatch_enabled = true;
  CoreUnits default_min_cores = 100;
  CoreUnits default_max_cores = 20000;
  std::string comment_email;
  int32_t default_min_gpus = 0;
  int32_t default_max_gpus = 100;
  bool scheduler_managed = false;  // an external scheduler keeps the booking accounting
};

// A pool of hosts, named "<facility>.<name>" (e.g. "local.general"), selected by tag.
struct Allocation {
  std::string id;
  std::string name;  // full name, "local.general"
  std::string facility_id;
  std::string facility;  // facility name
  std::string tag;
  bool billable = false;
};

// A show's share of an allocation: `size` cores guaranteed, up to `burst` cores in all.
struct Subscription {
  std::string id;
  std::string show_id;
  std::string show_name;
  std::string alloc_id;
  std::string alloc_name;
  std::string facility;
  CoreUnits size = 0;
  CoreUnits burst = 0;
};

// A job folder (OpenCue "group"). Each show has a root group named after the show.
struct Group {
  std::string id;
  std::string name;
  std::string show_id;
  std::string parent_id;  // empty for a show's root group
  std::string department;
  int32_t default_job_priority = -1;   // -1 = not set
  CoreUnits default_job_min_cores = -1;
  CoreUnits default_job_max_cores = -1;
  CoreUnits min_cores = 0;
  CoreUnits max_cores = -1;  // -1 = unlimited
  int32_t default_job_min_gpus = -1;  // -1 = not set
  int32_t default_job_max_gpus = -1;
  int32_t min_gpus = 0;
  int32_t max_gpus = -1;  // -1 = unlimited
};

struct Job {
  std::string id;
  std::string name;  // full OpenCue name: "<show>-<shot>-<user>_<job>"
  std::string show_id;
  std::string show;
  std::string shot;
  std::string user;
  std::string email;
  int32_t uid = -1;  // -1 = unknown: rqd runs the frame as itself
  std::string group_id;
  std::string facility;
  std::string department;
  std::string os;
  int32_t priority = 1;
  CoreUnits min_cores = 100;
  CoreUnits max_cores = 20000;
  int32_t min_gpus = 0;
  int32_t max_gpus = 100;
  int32_t max_retries = 3;
  bool paused = false;
  bool auto_eat = false;
  JobState state = JobState::kPending;
  std::string log_dir;
  EpochSec start_time = 0;  // submission time
  EpochSec stop_time = 0;
  std::map<std::string, std::string> env;
  std::string group_name;  // name of the group holding the job (read-only)
};

struct Layer {
  std::string id;
  std::string job_id;
  std::string name;
  LayerType type = LayerType::kRender;
  std::string command;
  std::string range;  // frame set text, "1-100x2"
  int32_t chunk_size = 1;
  int32_t dispatch_order = 0;  // position in the job
  CoreUnits min_cores = 100;
  CoreUnits max_cores = 0;  // 0 = no maximum
  bool threadable = false;
  MemoryKb min_memory = 4 * kKbPerGb;
  int32_t min_gpus = 0;
  int32_t max_gpus = 0;
  MemoryKb min_gpu_memory = 0;
  std::vector<std::string> tags;
  std::vector<std::string> services;
  std::vector<std::string> limits;
  int32_t timeout_min = 0;      // minutes, 0 = none
  int32_t timeout_llu_min = 0;  // minutes without log update, 0 = none
  std::map<std::string, std::string> env;
  std::vector<std::string> outputs;
  int32_t slots_required = 0;  // slots one frame takes on a slot-capped host (CJSL 1.16)
  bool memory_optimizer = false;
  EpochSec start_after = 0;  // frames wait until then; 0 = no hold
  std::string start_after_reason;
};

struct Frame {
  std::string id;
  std::string job_id;
  std::string layer_id;
  std::string layer_name;
  std::string name;  // "0001-render"
  int32_t number = 0;
  FrameState state = FrameState::kWaiting;
  int32_t dispatch_order = 0;  // order within the layer
  int32_t retry_count = 0;     // failed attempts so far
  int32_t exit_status = -1;
  int32_t exit_signal = 0;
  int32_t depend_count = 0;  // active depends holding the frame
  EpochSec start_time = 0;
  EpochSec stop_time = 0;
  MemoryKb max_rss = 0;
  MemoryKb used_memory = 0;
  MemoryKb reserved_memory = 0;
  MemoryKb max_pss = 0;
  MemoryKb max_gpu_memory = 0;   // highest GPU memory use rqd reported, like max_rss
  MemoryKb used_gpu_memory = 0;  // GPU memory in use at the last report
  std::string last_resource;  // "host/cores/gpus" of the last run
  int32_t total_core_time = 0;  // core-seconds over every attempt
  int32_t version = 0;          // bumped on every state change (optimistic locking)
  int32_t checkpoint_state = 0;  // OpenCue's CheckpointState (0 = DISABLED)
  EpochSec updated_time = 0;     // last change of the frame row (GUI deltas)
};

struct Host {
  std::string id;
  std::string name;
  std::string alloc_id;
  std::string alloc_name;
  std::string facility;
  HardwareState state = HardwareState::kUp;
  LockState lock_state = LockState::kOpen;
  ThreadMode thread_mode = ThreadMode::kAuto;
  bool nimby_enabled = false;
  CoreUnits cores = 0;
  CoreUnits idle_cores = 0;
  MemoryKb memory = 0;  // bookable memory
  MemoryKb idle_memory = 0;
  int32_t gpus = 0;
  int32_t idle_gpus = 0;
  MemoryKb gpu_memory = 0;
  MemoryKb idle_gpu_memory = 0;
  MemoryKb total_memory = 0;
  MemoryKb free_memory = 0;
  MemoryKb total_swap = 0;
  MemoryKb free_swap = 0;
  MemoryKb total_mcp = 0;  // scratch space
  MemoryKb free_mcp = 0;
  int32_t load = 0;  // load average * 100
  EpochSec boot_time = 0;
  EpochSec ping_time = 0;
  std::string os;
  std::vector<std::string> tags;
  std::string rqd_address;  // "host:port" where its rqd listens
  int32_t slots = 0;         // concurrent frame slots (rqd --slots), 0 = no cap
};

// Resources of one host reserved for one running frame.
struct Proc {
  std::string id;  // OpenCue's resource_id
  std::string host_id;
  std::string host_name;
  std::string job_id;
  std::string layer_id;
  std::string frame_id;
  std::string show_id;
  CoreUnits reserved_cores = 0;
  MemoryKb reserved_memory = 0;
  int32_t reserved_gpus = 0;
  MemoryKb reserved_gpu_memory = 0;
  MemoryKb used_memory = 0;
  MemoryKb max_rss = 0;
  MemoryKb used_pss = 0;
  MemoryKb max_pss = 0;
  MemoryKb used_gpu_memory = 0;  // GPU memory the frame uses now (last report)
  MemoryKb max_gpu_memory = 0;   // highest GPU memory use reported on this proc
  EpochSec booked_time = 0;
  EpochSec ping_time = 0;
  bool unbooked = false;
  std::string log_path;
  std::string redirect_job_id;    // where the host should book next (OpenCue's redirect)
  std::string redirect_group_id;
};

struct Owner {
  std::string id;
  std::string name;
  std::string show_id;
};

struct Deed {
  std::string id;
  std::string owner_id;
  std::string host_id;
};

// Default resources for a kind of work ("shell", "prman", ...). A ServiceOverride is
// the same record scoped to one show.
struct Service {
  std::string id;
  std::string name;
  bool threadable = false;
  CoreUnits min_cores = 100;
  CoreUnits max_cores = 0;
  MemoryKb min_memory = 3355443;  // OpenCue's default, 3.2 GB
  int32_t min_gpus = 0;
  int32_t max_gpus = 0;
  MemoryKb min_gpu_memory = 0;
  std::vector<std::string> tags;
  int32_t timeout_min = 0;
  int32_t timeout_llu_min = 0;
  MemoryKb min_memory_increase = 2 * kKbPerGb;
};

struct ServiceOverride {
  std::string show_id;
  Service service;
};

// A licence counter: at most max_value frames of layers naming it run at once.
struct Limit {
  std::string id;
  std::string name;
  int32_t max_value = 0;
};

struct Depend {
  std::string id;
  DependType type = DependType::kJobOnJob;
  DependTarget target = DependTarget::kInternal;
  bool any_frame = false;
  bool active = true;
  std::string er_job_id, er_layer_id, er_frame_id;  // the waiting side
  std::string on_job_id, on_layer_id, on_frame_id;  // what it waits on
};

struct Filter {
  std::string id;
  std::string show_id;
  std::string name;
  FilterType type = FilterType::kMatchAny;
  float order = 0;
  bool enabled = true;
};

struct Matcher {
  std::string id;
  std::string filter_id;
  MatchSubject subject = MatchSubject::kJobName;
  MatchType type = MatchType::kContains;
  std::string input;
};

struct Action {
  std::string id;
  std::string filter_id;
  ActionType type = ActionType::kPauseJob;
  ActionValueType value_type = ActionValueType::kNone;
  std::string group_value;
  std::string string_value;
  int64_t integer_value = 0;
  float float_value = 0;
  bool boolean_value = false;
};

struct Comment {
  std::string id;
  std::string parent_id;  // a job or a host
  EpochSec timestamp = 0;
  std::string user;
  std::string subject;
  std::string message;
};

// One attempt at running a frame, kept for history ("frame_history").
struct FrameAttempt {
  std::string frame_id;
  std::string job_id;
  std::string proc_id;
  std::string host_name;
  CoreUnits cores = 0;
  MemoryKb reserved_memory = 0;
  EpochSec start_time = 0;
  EpochSec stop_time = 0;
  int32_t exit_status = -1;
  int32_t exit_signal = 0;
  MemoryKb max_rss = 0;
};

// ---- departments, tasks, render partitions (area: filters/services/departments) ----

// A show's department (OpenCue's "point"): one name of the farm-wide list (Department)
// as one show uses it, with its production-tracker ("TI managed") settings.
struct ShowDepartment {
  std::string id;
  std::string show_id;
  std::string show;      // show name
  std::string dept_id;   // id in the farm-wide list
  std::string dept;      // department name
  std::string ti_task;   // production tracker task the tasks are synced from
  CoreUnits managed_cores = 0;  // shared among the tasks when managed
  bool ti_managed = false;
};

// A department's core guarantee for one shot. min_cores includes adjust_cores.
struct Task {
  std::string id;
  std::string dept_id;  // ShowDepartment id
  std::string dept;     // department name
  std::string shot;
  CoreUnits min_cores = 0;
  CoreUnits adjust_cores = 0;  // manual adjustment on top of the synced value
};

enum class RenderPartitionType { kJob = 0, kLayer = 1, kFrame = 2 };

// Part of a host reserved for one job, layer or frame (OpenCue's local booking). Cue
// stores them; its planner does not book on them yet.
struct RenderPartition {
  std::string id;
  std::string host_id;
  std::string job_id;
  std::string layer_id;  // empty for a job partition
  std::string frame_id;  // empty unless a frame partition
  RenderPartitionType type = RenderPartitionType::kJob;
  CoreUnits max_cores = 0;
  MemoryKb max_memory = 0;
  int32_t max_gpus = 0;
  MemoryKb max_gpu_memory = 0;
  int32_t threads = 1;
};

// Frame counts of a job or layer, by state.
struct FrameCounts {
  int32_t total = 0, waiting = 0, running = 0, dead = 0, eaten = 0, depend = 0, succeeded = 0,
          setup = 0, checkpoint = 0;
  int64_t core_seconds = 0;  // spent by every run of the frames
  MemoryKb max_rss = 0;      // highest RSS of any frame
  CoreUnits reserved_cores = 0;  // booked by its running frames now
  int32_t reserved_gpus = 0;
  int32_t pending() const { return waiting + depend; }
  bool operator==(const FrameCounts&) const = default;
};

}  // namespace cue::core
