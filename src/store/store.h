// The Store: everything cuebot persists, behind one interface.
//
// Implementations: SqlStore over a SqlConnection (sql_store.h), with SQLite
// (sqlite/, the embedded default) and PostgreSQL (postgres/) behind it. Every method is
// one transaction: it either happens whole or not at all, and batch methods (booking
// many frames, a host report touching many procs) are one transaction each, not one per
// item. Methods that change frame state check the state they expect in the same
// statement (compare-and-set), so two cuebots sharing a database can never book one
// frame or one core twice.
//
// Errors: NOT_FOUND for a missing entity, ALREADY_EXISTS for a duplicate,
// INVALID_ARGUMENT for bad input, FAILED_PRECONDITION when the entity's state forbids
// the call, INTERNAL for a database failure (its message names the statement).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/depend_rules.h"
#include "core/queries.h"
#include "core/types.h"
#include "store/patches.h"

namespace cue::store {

using core::CoreUnits;
using core::EpochSec;
using core::MemoryKb;

// A new job as cuebot built it from a spec: layers and frames already expanded, each
// frame in WAITING; depends name ids inside this job or of jobs already in the store.
// createJob computes depend counts and moves blocked frames to DEPEND. Frames belong to
// `job`: their job_id is not read (JobLauncher leaves it empty).
struct NewJob {
  core::Job job;
  std::vector<core::Layer> layers;
  std::vector<core::Frame> frames;
  std::vector<core::Depend> depends;
};

// Searches and reports as OpenCue's messages carry them (core/queries.h).
using core::FrameSearch;
using core::HostReportData;
using core::HostSearch;
using core::JobSearch;
using core::ProcSearch;
using core::ProcUsage;

// The dispatcher's booking of one frame on one host, to be made durable.
// A WAITING frame as the dispatcher's model keeps it (see waitingFrames).
struct WaitingFrame {
  std::string id;
  int32_t number = 0;
  MemoryKb reserved_memory = 0;
  int32_t dispatch_order = 0;
};
// A job's waiting frames by layer id, each layer's in dispatch order.
using WaitingByLayer = std::map<std::string, std::vector<WaitingFrame>>;

struct Booking {
  std::string proc_id;  // chosen by the caller (a new id)
  std::string host_id;
  std::string frame_id;
  std::string job_id;
  std::string layer_id;
  CoreUnits cores = 0;
  MemoryKb memory = 0;
  int32_t gpus = 0;
  MemoryKb gpu_memory = 0;
  EpochSec now = 0;
  std::string log_path;
};

struct FrameCompletion {
  std::string proc_id;  // OpenCue's resource_id
  std::string frame_id;
  std::string host_name;
  int32_t exit_status = 0;
  int32_t exit_signal = 0;
  int32_t run_time = 0;  // seconds
  MemoryKb max_rss = 0;
  MemoryKb max_pss = 0;
  MemoryKb max_gpu_memory = 0;  // the run's GPU memory peak (0: no GPU or not measured)
  EpochSec now = 0;
  MemoryKb oom_retry_memory = 0;  // > 0: the frame was killed for memory: it goes back to
                                  // WAITING (DEPEND if held) without counting a retry, and its
                                  // reserved_memory becomes this value
};

struct CompletionResult {
  core::FrameState new_state = core::FrameState::kWaiting;
  std::string job_id;
  std::string host_id;
  bool job_finished = false;
  // Jobs whose frames this completion released from depends (it satisfied depends).
  std::vector<std::string> released_job_ids;
};

// What completeFramesAndBook did: each completion's result, in order, and the bookings
// that were made.
struct CompletedAndBooked {
  std::vector<absl::StatusOr<CompletionResult>> completions;
  std::vector<Booking> made;
};

// What a change of many frames did: procs whose processes must now be killed on their
// hosts, and jobs that became FINISHED.
struct FrameChangeResult {
  std::vector<core::Proc> procs_to_kill;
  std::vector<std::string> finished_jobs;
  int32_t changed = 0;
};

// What a change of depends did, for the caller to refresh its model: the depends whose
// active flag flipped and the jobs whose frames' depend counts or states changed (the
// waiting side's jobs), each id once.
struct DependChangeResult {
  std::vector<std::string> depends;
  std::vector<std::string> job_ids;
};

// Everything the dispatcher needs to consider one layer: its job, its requirements and
// its first waiting frames in dispatch order.
struct LayerCandidate {
  core::Job job;
  core::Layer layer;
  std::vector<core::Frame> waiting;  // at most the requested number, in dispatch order
  CoreUnits job_running_cores = 0;   // cores booked by the job now
  CoreUnits show_running_cores = 0;  // cores the show has booked in the host's allocation
  CoreUnits show_burst = 0;          // the show's subscription burst in that allocation
};

// ---- several cuebots on one database ----

// A named lease held by one cuebot at a time (the booking leadership). A new holder gets
// a larger token; a store fenced with the token it was given when taking the lease
// (setBookingFence) books nothing once another holder has taken it.
struct Lease {
  std::string holder;     // "" when never held
  int64_t token = 0;      // increases at every change of holder
  int64_t expires_ms = 0; // epoch milliseconds (the holders' clocks)
};

// What one cuebot changed, for the others' farm models: "job", "host" (ref = id),
// "dependents", "reference" (ref empty). seq orders them; origin names the cuebot.
struct FarmChange {
  int64_t seq = 0;
  std::string origin;
  std::string kind;
  std::string ref;
};

class ClusterStore {
 public:
  virtual ~ClusterStore() = default;
  // Takes the lease `name` for `holder` when it is free, expired at now_ms, or already
  // the holder's (renewed to now_ms + ttl_ms). Returns the lease as it is afterwards:
  // holder == `holder` when it is held.
  virtual absl::StatusOr<Lease> acquireLease(const std::string& name, const std::string& holder,
                                             int64_t now_ms, int64_t ttl_ms) = 0;
  // Gives the lease up at once (a clean shutdown) when `holder` holds it.
  virtual absl::Status releaseLease(const std::string& name, const std::string& holder) = 0;
  // From now on book() through this store books only while `holder` holds lease `name`
  // with `token`; otherwise it fails with FAILED_PRECONDITION and books nothing. An
  // empty holder lifts the fence (one cuebot alone; the default).
  virtual void setBookingFence(const std::string& name, const std::string& holder,
                               int64_t token) = 0;
  // Appends changes (one transaction).
  virtual absl::Status publishChanges(const std::string& origin,
                                      const std::vector<FarmChange>& changes, EpochSec now) = 0;
  // Changes with seq > after, not from `exclude_origin`, oldest first, at most `limit`.
  virtual absl::StatusOr<std::vector<FarmChange>> changesSince(int64_t after,
                                                               const std::string& exclude_origin,
                                                               int32_t limit) = 0;
  // The largest seq published so far (0 when none).
  virtual absl::StatusOr<int64_t> lastChange() = 0;
  // Forgets changes published before `before`.
  virtual absl::Status pruneChanges(EpochSec before) = 0;
};

class Store : public ClusterStore {
 public:
  virtual ~Store() = default;

  // ---- reference data, seeded on a fresh store ----
  virtual absl::StatusOr<std::vector<core::Show>> getShows() = 0;
  virtual absl::StatusOr<core::Show> findShow(const std::string& name) = 0;
  virtual absl::StatusOr<core::Show> getShow(const std::string& id) = 0;
  // Creates the show with its root group. ALREADY_EXISTS if the name is taken.
  virtual absl::StatusOr<core::Show> createShow(const std::string& name) = 0;
  // Sets the flags that are given, leaves the others. NOT_FOUND for an unknown show (also
  // when no flag is given).
  virtual absl::Status setShowFlags(const std::string& show_id, std::optional<bool> active,
                                    std::optional<bool> booking_enabled,
                                    std::optional<bool> dispatch_enabled) = 0;
  // The default min/max cores of the show's new jobs, in core units; each only when given.
  // INVALID_ARGUMENT for a negative value or, both given, min above max; NOT_FOUND for an
  // unknown show.
  virtual absl::Status setShowDefaultCores(const std::string& show_id,
                                           std::optional<CoreUnits> min_cores,
                                           std::optional<CoreUnits> max_cores) = 0;
  virtual absl::StatusOr<std::vector<core::Facility>> getFacilities() = 0;
  virtual absl::StatusOr<core::Facility> findFacility(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<core::Allocation>> getAllocations() = 0;
  virtual absl::StatusOr<core::Allocation> findAllocation(const std::string& name) = 0;
  // Subscriptions of one show, or of every show when show_id is empty.
  virtual absl::StatusOr<std::vector<core::Subscription>> getSubscriptions(
      const std::string& show_id) = 0;
  virtual absl::StatusOr<core::Subscription> createSubscription(const std::string& show_id,
                                                                const std::string& alloc_id,
                                                                CoreUnits size,
                                                                CoreUnits burst) = 0;
  // A subscription's guaranteed cores / its cap, in core units. INVALID_ARGUMENT when
  // negative; NOT_FOUND for an unknown subscription. Size and burst are independent: a
  // size above the burst is stored as given.
  virtual absl::Status setSubscriptionSize(const std::string& sub_id, CoreUnits size) = 0;
  virtual absl::Status setSubscriptionBurst(const std::string& sub_id, CoreUnits burst) = 0;
  // NOT_FOUND for an unknown subscription. Running frames keep their procs; the show
  // simply books no more in that allocation.
  virtual absl::Status deleteSubscription(const std::string& sub_id) = 0;
  virtual absl::StatusOr<std::vector<core::Group>> getGroups(const std::string& show_id) = 0;
  virtual absl::StatusOr<core::Group> getRootGroup(const std::string& show_id) = 0;
  // Creates a group (folder) under parent_id, or under the show's root group when
  // parent_id is empty; department "Unknown", no defaults, no caps. INVALID_ARGUMENT for
  // an empty name or a parent of another show; NOT_FOUND for an unknown show or parent;
  // ALREADY_EXISTS when the parent already has a group of that name.
  virtual absl::StatusOr<core::Group> createGroup(const std::string& show_id,
                                                  const std::string& parent_id,
                                                  const std::string& name) = 0;
  // The group's core floor and cap, in core units; each only when given. max_cores -1 =
  // unlimited. INVALID_ARGUMENT for a negative min, a max below -1, or, both given and
  // the max not unlimited, min above max; NOT_FOUND for an unknown group.
  virtual absl::Status setGroupCores(const std::string& group_id,
                                     std::optional<CoreUnits> min_cores,
                                     std::optional<CoreUnits> max_cores) = 0;
  virtual absl::StatusOr<std::vector<core::Department>> getDepartments() = 0;
  virtual absl::StatusOr<std::vector<core::Service>> getServices() = 0;
  virtual absl::StatusOr<core::Service> findService(const std::string& name) = 0;
  // A show's overrides of services (OpenCue's ServiceOverride): the same records, scoped
  // to the show; they win over the facility-wide service of the same name.
  virtual absl::StatusOr<std::vector<core::Service>> getServiceOverrides(
      const std::string& show_id) = 0;
  // ALREADY_EXISTS if the show overrides that service already; NOT_FOUND for an unknown
  // show; INVALID_ARGUMENT for an empty name.
  virtual absl::StatusOr<core::Service> createServiceOverride(const std::string& show_id,
                                                              const core::Service& service) = 0;
  virtual absl::StatusOr<std::vector<core::Limit>> getLimits() = 0;
  // ALREADY_EXISTS if the name is taken; INVALID_ARGUMENT for a negative maximum.
  virtual absl::StatusOr<core::Limit> createLimit(const std::string& name, int32_t max_value) = 0;
  // By name / by id. NOT_FOUND when there is none.
  virtual absl::StatusOr<core::Limit> findLimit(const std::string& name) = 0;
  virtual absl::StatusOr<core::Limit> getLimit(const std::string& id) = 0;
  // INVALID_ARGUMENT for a negative maximum; NOT_FOUND for an unknown limit.
  virtual absl::Status setLimitMaxValue(const std::string& id, int32_t max_value) = 0;
  // Renames the limit and, in the same transaction, every layer's mention of it (layers
  // name their limits). INVALID_ARGUMENT for an empty name, one holding '|' (the list
  // separator) or one with surrounding blanks; ALREADY_EXISTS if another limit has the
  // name; NOT_FOUND for an unknown limit. Renaming to its own name is a no-op.
  virtual absl::Status renameLimit(const std::string& id, const std::string& name) = 0;
  // Deletes the limit and removes its name from every layer that named it. NOT_FOUND for
  // an unknown limit.
  virtual absl::Status deleteLimit(const std::string& id) = 0;

  // ---- comments on jobs and hosts ----
  // Stores a comment (id assigned when empty) and returns it.
  virtual absl::StatusOr<core::Comment> addComment(const core::Comment& comment) = 0;
  virtual absl::StatusOr<std::vector<core::Comment>> getComments(const std::string& parent_id) = 0;

  // ---- filters: matchers and actions applied to new jobs of a show ----
  virtual absl::StatusOr<core::Filter> createFilter(const core::Filter& filter) = 0;
  virtual absl::StatusOr<std::vector<core::Filter>> getFilters(const std::string& show_id) = 0;
  virtual absl::StatusOr<core::Matcher> addMatcher(const core::Matcher& matcher) = 0;
  virtual absl::StatusOr<std::vector<core::Matcher>> getMatchers(const std::string& filter_id) = 0;
  virtual absl::StatusOr<core::Action> addAction(const core::Action& action) = 0;
  virtual absl::StatusOr<std::vector<core::Action>> getActions(const std::string& filter_id) = 0;

  // ---- area filters/services/departments/tasks (helper hfilter) ----
  // Filters. NOT_FOUND for an unknown filter (or show, for findFilter).
  virtual absl::StatusOr<core::Filter> getFilter(const std::string& id) = 0;
  virtual absl::StatusOr<core::Filter> findFilter(const std::string& show_id,
                                                  const std::string& name) = 0;
  // Saves name, type and enabled (not the order). INVALID_ARGUMENT for an empty name.
  virtual absl::Status updateFilter(const core::Filter& filter) = 0;
  // Sets the filter's order, then renumbers the show's filters 1, 2, 3... in order
  // (ties keep their name order), as OpenCue's reorder_filters.
  virtual absl::Status setFilterOrder(const std::string& id, double order) = 0;
  // Deletes the filter with its matchers and actions, then renumbers the show's filters.
  virtual absl::Status deleteFilter(const std::string& id) = 0;
  // Matchers and actions by id; update saves every field but id and filter_id.
  // Lists (getMatchers / getActions) come in creation order.
  virtual absl::StatusOr<core::Matcher> getMatcher(const std::string& id) = 0;
  virtual absl::Status updateMatcher(const core::Matcher& matcher) = 0;
  virtual absl::Status deleteMatcher(const std::string& id) = 0;
  virtual absl::StatusOr<core::Action> getAction(const std::string& id) = 0;
  virtual absl::Status updateAction(const core::Action& action) = 0;
  virtual absl::Status deleteAction(const std::string& id) = 0;
  // Moves a job into a group of its show. INVALID_ARGUMENT for a group of another show;
  // NOT_FOUND for an unknown job or group.
  virtual absl::Status setJobGroup(const std::string& job_id, const std::string& group_id) = 0;
  // Cap on the core units one frame of the layer books; 0 = no cap. INVALID_ARGUMENT when
  // negative; NOT_FOUND for an unknown layer.
  virtual absl::Status setLayerMaxCores(const std::string& layer_id, CoreUnits max_cores) = 0;

  // Facility-wide services (and show overrides, by id). createService: ALREADY_EXISTS
  // for a taken name, INVALID_ARGUMENT for an empty one. getService / updateService /
  // deleteService take the id of a service or of an override; updateService keeps the
  // record's show. NOT_FOUND for an unknown id.
  virtual absl::StatusOr<core::Service> createService(const core::Service& service) = 0;
  virtual absl::StatusOr<core::Service> getService(const std::string& id) = 0;
  virtual absl::Status updateService(const core::Service& service) = 0;
  virtual absl::Status deleteService(const std::string& id) = 0;

  // The farm-wide list of department names. ALREADY_EXISTS for a taken name,
  // INVALID_ARGUMENT for an empty one; removing: NOT_FOUND for an unknown name,
  // FAILED_PRECONDITION while a show's department uses it.
  virtual absl::Status addDepartmentName(const std::string& name) = 0;
  virtual absl::Status removeDepartmentName(const std::string& name) = 0;
  // A show's departments. ensureShowDepartment returns the show's department of that
  // name, creating it when the name is in the farm-wide list (NOT_FOUND for an unknown
  // show or department name).
  virtual absl::StatusOr<std::vector<core::ShowDepartment>> getShowDepartments(
      const std::string& show_id) = 0;
  virtual absl::StatusOr<core::ShowDepartment> getShowDepartment(const std::string& id) = 0;
  virtual absl::StatusOr<core::ShowDepartment> ensureShowDepartment(const std::string& show_id,
                                                                    const std::string& dept) = 0;
  // Saves ti_task, managed_cores and ti_managed. Deleting also deletes its tasks.
  virtual absl::Status updateShowDepartment(const core::ShowDepartment& dept) = 0;
  virtual absl::Status deleteShowDepartment(const std::string& id) = 0;
  // Tasks of a show's department, ordered by shot. createTask: ALREADY_EXISTS when the
  // department has a task for the shot; INVALID_ARGUMENT for an empty shot or negative
  // cores. updateTask saves min_cores and adjust_cores.
  virtual absl::StatusOr<std::vector<core::Task>> getTasks(const std::string& dept_id) = 0;
  virtual absl::StatusOr<core::Task> getTask(const std::string& id) = 0;
  virtual absl::StatusOr<core::Task> createTask(const core::Task& task) = 0;
  virtual absl::Status updateTask(const core::Task& task) = 0;
  virtual absl::Status deleteTask(const std::string& id) = 0;
  // Deletes every task of the department (NOT_FOUND for an unknown department).
  virtual absl::Status clearTasks(const std::string& dept_id) = 0;

  // Render partitions (stored only: the planner does not book on them yet).
  // createRenderPartition: NOT_FOUND for an unknown host, job, layer or frame.
  virtual absl::StatusOr<core::RenderPartition> createRenderPartition(
      const core::RenderPartition& partition) = 0;
  virtual absl::StatusOr<core::RenderPartition> getRenderPartition(const std::string& id) = 0;
  // Partitions on a host, or of every host when host_id is empty.
  virtual absl::StatusOr<std::vector<core::RenderPartition>> getRenderPartitions(
      const std::string& host_id) = 0;
  // Saves the max_* fields.
  virtual absl::Status updateRenderPartition(const core::RenderPartition& partition) = 0;
  virtual absl::Status deleteRenderPartition(const std::string& id) = 0;
  // ---- end of area filters/services/departments/tasks ----

  // ---- jobs, layers, frames ----
  // ALREADY_EXISTS when a PENDING job of the same name exists.
  absl::Status createJob(const NewJob& job) { return createJobs({job}); }
  // Creates several jobs in one transaction (a spec with several jobs, or a job and its
  // post job): every job, layer and frame first, then every depend, so depends between
  // the new jobs see all their frames. Nothing is written if any job is refused.
  virtual absl::Status createJobs(const std::vector<NewJob>& jobs) = 0;
  virtual absl::StatusOr<core::Job> getJob(const std::string& id) = 0;
  // The PENDING job of that name (OpenCue's findJob).
  virtual absl::StatusOr<core::Job> findJob(const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<core::Job>> getJobs(const JobSearch& search) = 0;
  virtual absl::StatusOr<std::vector<core::Layer>> getLayers(const std::string& job_id) = 0;
  // The layers of several jobs (one read), by job and in dispatch order within each.
  virtual absl::StatusOr<std::vector<core::Layer>> getLayersOfJobs(
      const std::vector<std::string>& job_ids) = 0;
  virtual absl::StatusOr<core::Layer> getLayer(const std::string& id) = 0;
  virtual absl::StatusOr<core::Layer> findLayer(const std::string& job_id,
                                                const std::string& name) = 0;
  virtual absl::StatusOr<std::vector<core::Frame>> getFrames(const FrameSearch& search) = 0;
  virtual absl::StatusOr<core::Frame> getFrame(const std::string& id) = 0;
  // The job's WAITING frames by layer id, each layer's in dispatch order, with only what
  // the dispatcher's model keeps of them: a 1,000,000-frame job is read without building
  // each frame whole, and a job with few frames left waiting reads only those.
  virtual absl::StatusOr<WaitingByLayer> waitingFrames(
      const std::string& job_id) = 0;
  // Every depend the job takes part in, on either side, active or satisfied.
  virtual absl::StatusOr<std::vector<core::Depend>> getDepends(const std::string& job_id) = 0;

  // ---- depends (rules in core/depend_rules.h) ----
  // NOT_FOUND for an unknown depend.
  virtual absl::StatusOr<core::Depend> getDepend(const std::string& id) = 0;
  // The depends, active or satisfied, that the job / layer / frame `id` waits on
  // (core::isDependOfWaiter), ordered by id. NOT_FOUND for an unknown entity.
  virtual absl::StatusOr<std::vector<core::Depend>> dependsOn(core::DependEntity kind,
                                                              const std::string& id) = 0;
  // The depends, active or satisfied, that wait on the job / layer / frame `id`
  // (core::isDependOnTarget), ordered by id. NOT_FOUND for an unknown entity.
  virtual absl::StatusOr<std::vector<core::Depend>> dependsOnThis(core::DependEntity kind,
                                                                  const std::string& id) = 0;
  // Satisfies the depend now, whatever its depend-on side: it becomes inactive, the
  // depend count of every frame on its waiting side drops by one, and frames in DEPEND
  // whose count reaches 0 become WAITING. A satisfied depend is left as it is (empty
  // result). NOT_FOUND for an unknown depend.
  virtual absl::StatusOr<DependChangeResult> satisfyDepend(const std::string& id) = 0;
  // Makes a satisfied depend active again: the depend count of every frame on its
  // waiting side rises by one and WAITING frames go back to DEPEND (running and finished
  // frames keep their state). It stays active until its depend-on side completes again
  // (a later done frame or the job ending) or it is satisfied by hand. An active depend
  // is left as it is (empty result). NOT_FOUND for an unknown depend.
  virtual absl::StatusOr<DependChangeResult> unsatisfyDepend(const std::string& id) = 0;
  // Satisfies every active depend that the job / layer / frame `id` waits on (as
  // dependsOn) whose target matches (core::matchesTarget), as satisfyDepend does.
  // NOT_FOUND for an unknown entity.
  virtual absl::StatusOr<DependChangeResult> dropDepends(core::DependEntity kind,
                                                         const std::string& id,
                                                         core::DependTarget target) = 0;

  // Frame counts by state, keyed by job id / layer id.
  virtual absl::StatusOr<std::map<std::string, core::FrameCounts>> jobFrameCounts(
      const std::vector<std::string>& job_ids) = 0;
  virtual absl::StatusOr<std::map<std::string, core::FrameCounts>> layerFrameCounts(
      const std::string& job_id) = 0;
  virtual absl::StatusOr<std::vector<core::FrameAttempt>> getFrameHistory(
      const std::string& frame_id) = 0;

  virtual absl::Status setJobPaused(const std::string& job_id, bool paused) = 0;
  virtual absl::Status setJobPriority(const std::string& job_id, int32_t priority) = 0;
  // The job's core floor and cap, in core units; each only when given. INVALID_ARGUMENT
  // for a negative value or, both given, min above max; NOT_FOUND for an unknown job.
  virtual absl::Status setJobMinMaxCores(const std::string& job_id,
                                         std::optional<CoreUnits> min_cores,
                                         std::optional<CoreUnits> max_cores) = 0;
  // Replaces the layer's tags. INVALID_ARGUMENT for an empty tag, one holding '|' or one
  // with surrounding blanks (tags are stored joined with " | "); NOT_FOUND for an unknown
  // layer.
  virtual absl::Status setLayerTags(const std::string& layer_id,
                                    const std::vector<std::string>& tags) = 0;
  // Core units a frame of the layer books. Any value: 0 or less sizes frames by the host
  // (0 = the whole host, -N = all but N units), as in OpenCue. NOT_FOUND for an unknown
  // layer.
  virtual absl::Status setLayerMinCores(const std::string& layer_id, CoreUnits min_cores) = 0;
  // KB a frame of the layer reserves. INVALID_ARGUMENT when negative; NOT_FOUND for an
  // unknown layer.
  virtual absl::Status setLayerMinMemory(const std::string& layer_id, MemoryKb min_memory) = 0;
  // Adds / removes the limit's name in the layer's list of limits. Adding a limit the
  // layer already names, or dropping one it does not, is a no-op. NOT_FOUND for an
  // unknown layer or limit.
  virtual absl::Status addLayerLimit(const std::string& layer_id, const std::string& limit_id) = 0;
  virtual absl::Status dropLayerLimit(const std::string& layer_id, const std::string& limit_id) = 0;
  // Marks the job FINISHED; returns its running procs (to kill) and satisfies depends on it.
  virtual absl::StatusOr<FrameChangeResult> killJob(const std::string& job_id, EpochSec now) = 0;
  // Retry: DEAD/SUCCEEDED/EATEN/WAITING frames go back to WAITING (DEPEND if still held);
  // RUNNING frames are returned for killing and come back through their completion.
  virtual absl::StatusOr<FrameChangeResult> retryFrames(const std::vector<std::string>& ids,
                                                        EpochSec now) = 0;
  // Eat: frames become EATEN (running ones are also returned for killing).
  virtual absl::StatusOr<FrameChangeResult> eatFrames(const std::vector<std::string>& ids,
                                                      EpochSec now) = 0;
  // Kill: returns the procs of the running frames among ids; their completion decides.
  virtual absl::StatusOr<FrameChangeResult> killFrames(const std::vector<std::string>& ids) = 0;

  // ---- hosts and procs ----
  // Creates the host on first boot (allocation "<facility>.general" or the facility's
  // first), marks it UP (core::stateOnReport: one in REPAIR stays so), refreshes its
  // resources. Idle cores are recomputed from the procs cuebot holds on it, not taken
  // from rqd.
  virtual absl::StatusOr<core::Host> upsertHost(const HostReportData& report) = 0;
  // A status report: resources, ping time, state (as upsertHost) and per-proc usage, in
  // one transaction. A proc and its frame take the use now (RSS and GPU memory; PSS on
  // the proc); their peaks (max_rss, max_pss, max_gpu_memory) only ever rise, and a frame
  // keeps them across its attempts. Usage of a proc cuebot does not hold on that host is
  // ignored. NOT_FOUND if the host never booted.
  virtual absl::StatusOr<core::Host> updateHostReport(const HostReportData& report,
                                                      const std::vector<ProcUsage>& usage) = 0;
  // Several status reports, each as updateHostReport, in one transaction (group commit of
  // the reports that reach cuebot together): one result per report, in order, NOT_FOUND
  // for a host that never booted. An error of the store itself fails the whole call and
  // changes nothing.
  struct HostReportUpdate {
    HostReportData report;
    std::vector<ProcUsage> usage;
  };
  virtual absl::StatusOr<std::vector<absl::StatusOr<core::Host>>> updateHostReports(
      const std::vector<HostReportUpdate>& reports) = 0;
  virtual absl::StatusOr<std::vector<core::Host>> getHosts(const HostSearch& search) = 0;
  virtual absl::StatusOr<core::Host> findHost(const std::string& name) = 0;
  virtual absl::StatusOr<core::Host> getHost(const std::string& id) = 0;
  virtual absl::Status setHostLock(const std::string& host_id, core::LockState lock) = 0;
  virtual absl::Status setHostState(const std::string& host_id, core::HardwareState state) = 0;
  // Replaces the host's tags. INVALID_ARGUMENT for an empty tag, one holding '|' or one
  // with surrounding blanks; NOT_FOUND for an unknown host. Note: upsertHost (an rqd boot) resets
  // the tags to what the rqd reports plus the allocation's tag.
  virtual absl::Status setHostTags(const std::string& host_id,
                                   const std::vector<std::string>& tags) = 0;
  // NOT_FOUND for an unknown host.
  // Manual tags (OpenCue's MANUAL): added to the host's tags and kept across rqd restarts.
  // NOT_FOUND for an unknown host; INVALID_ARGUMENT for an empty or malformed tag.
  virtual absl::Status addHostTags(const std::string& host_id,
                                   const std::vector<std::string>& tags) = 0;
  // Removes tags (manual or hardware; a hardware tag comes back when the rqd reports it
  // again; the allocation's tag is never removed). NOT_FOUND for an unknown host.
  virtual absl::Status removeHostTags(const std::string& host_id,
                                      const std::vector<std::string>& tags) = 0;
  virtual absl::Status setHostThreadMode(const std::string& host_id, core::ThreadMode mode) = 0;
  // UP hosts whose last ping is older than `before`.
  virtual absl::StatusOr<std::vector<core::Host>> hostsNotPingedSince(EpochSec before) = 0;
  // Host DOWN: its procs are released and their frames go back to WAITING (no retry
  // counted). Returns the frames' procs as they were.
  virtual absl::StatusOr<std::vector<core::Proc>> markHostDown(const std::string& host_id,
                                                               EpochSec now) = 0;
  // Releases procs whose frames are no longer running on their host (the rqd restarted
  // or never got them): frames back to WAITING without a retry counted.
  virtual absl::StatusOr<std::vector<core::Proc>> releaseProcs(const std::vector<std::string>& ids,
                                                               EpochSec now) = 0;
  // Resets every UP host's ping time (a restarting cuebot gives hosts a fresh timeout).
  virtual absl::Status touchAllHosts(EpochSec now) = 0;
  virtual absl::StatusOr<std::vector<core::Proc>> getProcs(const ProcSearch& search) = 0;

  // ---- dispatch ----
  // Layers that could run on `host`: jobs PENDING and not paused, of shows subscribed to
  // the host's allocation, layers with WAITING frames, fitting the host's free cores and
  // memory. At most frames_per_layer waiting frames each. Tag matching is the
  // dispatcher's, not the store's. cuebot no longer dispatches from this (it plans from
  // its farm model); the conformance suite still uses it to see what the store holds as
  // dispatchable, until those tests read the model instead.
  virtual absl::StatusOr<std::vector<LayerCandidate>> dispatchCandidates(
      const core::Host& host, int32_t frames_per_layer) = 0;
  // Makes bookings durable in one transaction. A booking whose frame is no longer
  // WAITING, or whose host lacks the resources now, is skipped; the returned list holds
  // the bookings that were made.
  virtual absl::StatusOr<std::vector<Booking>> book(const std::vector<Booking>& bookings) = 0;
  // Undoes a booking whose launch failed: proc released; frame back to WAITING, or DEAD
  // with exit status `exit_status` when `fail` (a launch the host refused for good).
  virtual absl::Status unbook(const std::string& proc_id, bool fail, int32_t exit_status,
                              EpochSec now) = 0;
  // A frame ended on its host. NOT_FOUND when cuebot holds no such proc for that frame
  // (already handled, or the host was given up on): the caller acknowledges and moves on.
  // With done.oom_retry_memory > 0 (the caller judged the frame killed for memory) a
  // RUNNING frame of a PENDING job goes back to WAITING (DEPEND if held) with its retry
  // count unchanged and reserved_memory set to that value; its history row is written
  // as for any attempt. INVALID_ARGUMENT for a negative oom_retry_memory.
  absl::StatusOr<CompletionResult> completeFrame(const FrameCompletion& done) {
    auto results = completeFrames({done});
    if (!results.ok()) return results.status();
    return std::move(results->front());
  }
  // Several completions in one transaction, each handled as completeFrame would have
  // handled it alone, in order (a proc's second completion finds it handled: NOT_FOUND);
  // cuebot commits the completions that arrive together this way. The outer status fails
  // the whole batch (nothing written); each entry is its own completion's result.
  virtual absl::StatusOr<std::vector<absl::StatusOr<CompletionResult>>> completeFrames(
      const std::vector<FrameCompletion>& batch) = 0;
  // completeFrames(batch), then book(bookings), in one transaction: the cores the
  // completions free are booked again without a transaction of their own (cuebot books a
  // freed host's next frames with the completion that freed it). Each part is handled as
  // its own call would handle it; an error of either fails both and writes nothing (the
  // booking fence's among them: the caller then writes the completions alone). Without
  // bookings it is completeFrames alone: no fence is checked.
  virtual absl::StatusOr<CompletedAndBooked> completeFramesAndBook(
      const std::vector<FrameCompletion>& batch, const std::vector<Booking>& bookings) = 0;

  // ---- settings, owners, facilities, comments (the rest of OpenCue's API) ----
  // Each patch: NOT_FOUND for an unknown id; INVALID_ARGUMENT for an empty name; ALREADY_EXISTS
  // for a name taken by a sibling. updateGroup with parent_id: the parent must be of the same
  // show (INVALID_ARGUMENT) and not the group itself or below it (the caller checks cycles).
  virtual absl::Status updateJob(const std::string& id, const JobPatch& patch) = 0;
  virtual absl::Status updateLayer(const std::string& id, const LayerPatch& patch) = 0;
  virtual absl::Status updateGroup(const std::string& id, const GroupPatch& patch) = 0;
  virtual absl::Status updateShow(const std::string& id, const ShowPatch& patch) = 0;
  virtual absl::Status updateHost(const std::string& id, const HostPatch& patch) = 0;
  virtual absl::Status updateAllocation(const std::string& id, const AllocationPatch& patch) = 0;
  virtual absl::StatusOr<core::Group> getGroup(const std::string& id) = 0;
  // FAILED_PRECONDITION for a show's root group, or one holding groups or pending jobs.
  virtual absl::Status deleteGroup(const std::string& id) = 0;
  // FAILED_PRECONDITION when any job was ever launched in the show; otherwise removes the
  // show with its groups, subscriptions, filters, overrides, departments and owners.
  virtual absl::Status deleteShow(const std::string& id) = 0;
  virtual absl::StatusOr<core::Facility> createFacility(const std::string& name) = 0;
  virtual absl::Status renameFacility(const std::string& id, const std::string& name) = 0;
  // FAILED_PRECONDITION while it has allocations.
  virtual absl::Status deleteFacility(const std::string& id) = 0;
  // The allocation "<facility>.<name>". INVALID_ARGUMENT for an empty name or tag or a name
  // holding '.'.
  virtual absl::StatusOr<core::Allocation> createAllocation(const std::string& facility_id,
                                                            const std::string& name,
                                                            const std::string& tag) = 0;
  virtual absl::StatusOr<core::Allocation> getAllocation(const std::string& id) = 0;
  // FAILED_PRECONDITION while it holds hosts or subscriptions, or is the farm's default.
  virtual absl::Status deleteAllocation(const std::string& id) = 0;
  // Farm-wide settings ("default_allocation"); NOT_FOUND when unset.
  virtual absl::StatusOr<std::string> getSetting(const std::string& name) = 0;
  virtual absl::Status setSetting(const std::string& name, const std::string& value) = 0;
  // FAILED_PRECONDITION while the host runs frames; removes its deeds, partitions, comments.
  virtual absl::Status deleteHost(const std::string& id) = 0;

  // Owners (of desktops lent to the farm) and deeds (host ownership).
  virtual absl::StatusOr<core::Owner> createOwner(const std::string& show_id,
                                                  const std::string& name) = 0;
  virtual absl::StatusOr<core::Owner> getOwner(const std::string& id) = 0;
  virtual absl::StatusOr<core::Owner> findOwner(const std::string& name) = 0;
  virtual absl::Status setOwnerShow(const std::string& id, const std::string& show_id) = 0;
  // Deletes the owner and its deeds.
  virtual absl::Status deleteOwner(const std::string& id) = 0;
  // The host now belongs to the owner (replacing any other owner's deed).
  virtual absl::StatusOr<core::Deed> takeOwnership(const std::string& owner_id,
                                                   const std::string& host_id) = 0;
  // Deeds of an owner (owner_id) or of the owners of a show (show_id); one of them given.
  virtual absl::StatusOr<std::vector<core::Deed>> getDeeds(const std::string& owner_id,
                                                           const std::string& show_id) = 0;
  virtual absl::StatusOr<core::Deed> getDeed(const std::string& id) = 0;
  virtual absl::StatusOr<core::Deed> getHostDeed(const std::string& host_id) = 0;
  virtual absl::Status deleteDeed(const std::string& id) = 0;

  virtual absl::StatusOr<core::Comment> getComment(const std::string& id) = 0;
  // Saves subject and message.
  virtual absl::Status updateComment(const core::Comment& comment) = 0;
  virtual absl::Status deleteComment(const std::string& id) = 0;

  // ---- frame and depend operations decided by the application ----
  // Creates depends (each as at launch: satisfied at once when the rules say so, else it
  // holds its waiting side). Returns the jobs whose frames changed.
  virtual absl::StatusOr<DependChangeResult> createDepends(
      const std::vector<core::Depend>& depends) = 0;
  // Frames in DEPEND become WAITING with no depend count (OpenCue's markAsWaiting: their
  // depends are ignored). Others are left. Returns the ids changed.
  virtual absl::StatusOr<std::vector<std::string>> markFramesWaiting(
      const std::vector<std::string>& ids) = 0;
  // A WAITING frame's depend count is recounted from the active depends holding it and it
  // goes back to DEPEND when any does (OpenCue's markAsDepend).
  virtual absl::Status markFrameDepend(const std::string& id) = 0;
  // New dispatch orders (frame id, order), all in one transaction.
  virtual absl::Status setFrameDispatchOrders(
      const std::vector<std::pair<std::string, int32_t>>& orders) = 0;
  virtual absl::Status setFrameCheckpointState(const std::string& id, int32_t state) = 0;
  virtual absl::Status setFrameDisplayOverride(const std::string& frame_id,
                                               const FrameDisplayOverride& o) = 0;
  virtual absl::StatusOr<std::vector<FrameDisplayOverride>> getFrameDisplayOverrides(
      const std::string& frame_id) = 0;
  // Where a proc's host should book next once its frame ends (OpenCue's redirect); empty
  // ids clear it. NOT_FOUND for an unknown proc.
  virtual absl::Status setProcRedirect(const std::string& proc_id, const std::string& job_id,
                                       const std::string& group_id) = 0;
  // The proc is given back when its frame ends (OpenCue's unbook).
  virtual absl::Status setProcUnbooked(const std::string& proc_id) = 0;
};

// Opens a store from a URL: "sqlite:PATH", a plain path (SQLite), or a libpq URI
// "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB" (the database must exist). Creates and
// seeds a fresh store, migrates an old one. UNAVAILABLE when the database cannot be reached.
absl::StatusOr<std::unique_ptr<Store>> openStore(const std::string& url);

// The store URL with any password replaced by "***", for messages and logs.
std::string redactStoreUrl(absl::string_view url);

}  // namespace cue::store
