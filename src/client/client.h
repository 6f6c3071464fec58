// C++ client of cuebot's OpenCue API, shared by the command-line tools and the GUIs.
// Returns Cue's own types (core/types.h, core/views.h), never protobuf messages; errors
// are absl::Status with the server's message, or a message saying which cuebots were tried
// when none answered (UNAVAILABLE). Cuebots are tried in order: when one is down, the next
// one that accepts a connection takes the call; a call sent to a cuebot is never repeated on
// another (its outcome, even UNAVAILABLE or a timeout, is that cuebot's).
//
// Client is thread-compatible: use one per thread, or AsyncClient, which runs every call
// on its own thread and hands back futures (for GUIs, off their UI thread).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "client/config.h"
#include "core/types.h"
#include "core/views.h"

namespace grpc {
class Channel;
class ClientContext;
class Status;
}  // namespace grpc

namespace cue::client {

// Jobs: the lists that are set must all match; entries of a list are alternatives.
struct JobQuery {
  std::vector<std::string> names;    // exact names
  std::vector<std::string> substrs;  // substrings of the name
  std::vector<std::string> regexes;
  std::vector<std::string> shows;
  std::vector<std::string> users;
  bool include_finished = false;
};

// Frames of one job, as OpenCue's FrameSearchCriteria.
struct FrameQuery {
  std::vector<std::string> names;  // frame names, "0001-render"
  std::vector<std::string> layers;
  std::vector<core::FrameState> states;
  std::string range;     // "N" or "N-M"
  std::string memory;    // peak RSS in GB: "lo-hi", or "n" for n and above
  std::string duration;  // run time in hours: "lo-hi", or "n" for n and above
  int page = 0;          // 1-based; 0 = the first
  int limit = 0;         // frames per page; 0 = the server's default
};

struct HostQuery {
  std::vector<std::string> names;
  std::vector<std::string> substrs;
  std::vector<std::string> allocs;
  std::vector<core::HardwareState> states;
};

// Procs; memory in KB and durations in seconds, inclusive; -1 = no bound.
struct ProcQuery {
  std::vector<std::string> shows, hosts, allocs, jobs;
  std::optional<std::pair<int64_t, int64_t>> memory_kb;
  std::optional<std::pair<int64_t, int64_t>> duration_s;
  int limit = 0;  // 0 = no cap
};

enum class FrameOrder { kFirst = 0, kLast = 1, kReverse = 2 };

class Client {
 public:
  explicit Client(CuebotConfig config);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // The cuebot that answered last (or that will be tried first).
  const std::string& address() const;
  const CuebotConfig& config() const { return config_; }

  // ---- jobs, layers, frames ----
  absl::StatusOr<std::vector<std::string>> launchSpec(const std::string& xml);
  absl::StatusOr<core::JobView> findJob(const std::string& name);  // pending jobs
  // By exact name, finished jobs included; missing names are left out.
  absl::StatusOr<std::vector<core::JobView>> getJobsByName(const std::vector<std::string>& names);
  absl::StatusOr<std::vector<core::JobView>> getJobs(const JobQuery& query);
  absl::StatusOr<std::vector<core::LayerView>> getLayers(const std::string& job_id);
  absl::StatusOr<std::vector<core::Frame>> getFrames(const std::string& job_id,
                                                     const FrameQuery& query = {});
  // The job's frames changed since `since` (cuebot's epoch seconds, as a previous answer's
  // server_time; an overlap of a few seconds is safe: a frame may come twice, never not at all).
  absl::StatusOr<core::FrameUpdates> getUpdatedFrames(const std::string& job_id, int64_t since);
  absl::Status pauseJob(const std::string& job_id);
  absl::Status resumeJob(const std::string& job_id);
  absl::Status killJob(const std::string& job_id, const std::string& reason);
  absl::Status retryFrames(const std::string& job_id, const FrameQuery& query);
  absl::Status eatFrames(const std::string& job_id, const FrameQuery& query);
  absl::Status killFrames(const std::string& job_id, const FrameQuery& query,
                          const std::string& reason);
  absl::Status markDoneFrames(const std::string& job_id, const FrameQuery& query);
  absl::Status staggerFrames(const std::string& job_id, const std::string& range, int increment);
  absl::Status reorderFrames(const std::string& job_id, const std::string& range, FrameOrder order);
  absl::Status staggerLayerFrames(const std::string& layer_id, const std::string& range,
                                  int increment);
  absl::Status reorderLayerFrames(const std::string& layer_id, const std::string& range,
                                  FrameOrder order);
  absl::Status setJobMinCores(const std::string& job_id, double cores);
  absl::Status setJobMaxCores(const std::string& job_id, double cores);
  absl::Status setJobPriority(const std::string& job_id, int priority);
  absl::Status setJobMaxRetries(const std::string& job_id, int retries);
  absl::Status setJobAutoEat(const std::string& job_id, bool on);
  // Satisfies every active depend the job waits on; returns how many.
  absl::StatusOr<int> dropJobDepends(const std::string& job_id);
  // Depends the job waits on (its layers' and frames' too), and those waiting on it.
  absl::StatusOr<std::vector<core::DependView>> getWhatThisDependsOn(const std::string& job_id);
  absl::StatusOr<std::vector<core::DependView>> getWhatDependsOnThis(const std::string& job_id);
  // JOB_ON_JOB: `job_id` waits for `on_job_id`; LAYER_ON_LAYER likewise between layers.
  absl::StatusOr<core::DependView> createJobOnJobDepend(const std::string& job_id,
                                                       const std::string& on_job_id);
  absl::StatusOr<core::DependView> createLayerOnLayerDepend(const std::string& layer_id,
                                                           const std::string& on_layer_id);
  absl::Status satisfyDepend(const std::string& depend_id);
  // A job's comments, in the order cuebot lists them; addJobComment signs with $USER.
  absl::StatusOr<std::vector<core::Comment>> getJobComments(const std::string& job_id);
  absl::Status addJobComment(const std::string& job_id, const std::string& subject,
                             const std::string& message);
  absl::Status deleteComment(const std::string& comment_id);
  absl::StatusOr<core::WhyView> whyNotRunning(const std::string& job_name);
  // Up to `max_bytes` (0 = 1 MiB) of a frame's log from `offset`, read by cuebot from the
  // frame's rqd (no shared storage needed). attempt 0 = the latest log, N = the Nth older.
  absl::StatusOr<core::FrameLogChunk> readFrameLog(const std::string& job_name,
                                                   const std::string& frame_name, int64_t offset,
                                                   int32_t max_bytes = 0, int32_t attempt = 0);

  // ---- shows, subscriptions, services ----
  absl::StatusOr<std::vector<core::ShowView>> getShows();
  absl::StatusOr<core::ShowView> findShow(const std::string& name);
  absl::StatusOr<core::ShowView> createShow(const std::string& name);
  absl::Status deleteShow(const std::string& show_id);
  absl::Status setShowActive(const std::string& show_id, bool active);
  absl::Status enableDispatching(const std::string& show_id, bool on);
  absl::Status enableBooking(const std::string& show_id, bool on);
  absl::Status setDefaultMinCores(const std::string& show_id, double cores);
  absl::Status setDefaultMaxCores(const std::string& show_id, double cores);
  absl::Status archiveShow(const std::string& show_id, const std::string& target_show);
  absl::StatusOr<std::vector<core::SubscriptionView>> getShowSubscriptions(const std::string& show_id);
  absl::StatusOr<core::SubscriptionView> createSubscription(const std::string& show_id,
                                                            const std::string& alloc_id,
                                                            double size_cores, double burst_cores);
  absl::StatusOr<core::SubscriptionView> findSubscription(const std::string& name);  // "alloc.show"
  absl::Status setSubscriptionSize(const std::string& sub_id, core::CoreUnits size);
  absl::Status setSubscriptionBurst(const std::string& sub_id, core::CoreUnits burst);
  absl::Status deleteSubscription(const std::string& sub_id);
  absl::StatusOr<std::vector<core::Service>> getDefaultServices();
  absl::StatusOr<std::vector<core::Service>> getServiceOverrides(const std::string& show_id);

  // ---- groups: each show's tree of job folders under its root group ----
  // Every group of the show, its root group (parent_id empty) included; show_id is set.
  absl::StatusOr<std::vector<core::Group>> getShowGroups(const std::string& show_id);
  absl::StatusOr<core::Group> getRootGroup(const std::string& show_id);
  // The pending jobs in the group itself (not those of its subgroups).
  absl::StatusOr<std::vector<core::JobView>> getGroupJobs(const std::string& group_id);
  absl::Status setGroupMinCores(const std::string& group_id, double cores);
  absl::Status setGroupMaxCores(const std::string& group_id, double cores);  // < 0: no cap
  absl::Status setGroupDefaultJobPriority(const std::string& group_id, int priority);  // -1: unset

  // ---- allocations, hosts, procs ----
  absl::StatusOr<std::vector<core::AllocationView>> getAllocations();
  absl::StatusOr<core::AllocationView> findAllocation(const std::string& name);
  absl::StatusOr<core::AllocationView> createAllocation(const std::string& facility,
                                                        const std::string& name,
                                                        const std::string& tag);
  absl::Status deleteAllocation(const std::string& alloc_id);
  absl::Status renameAllocation(const std::string& alloc_id, const std::string& new_name);
  absl::Status setAllocationTag(const std::string& alloc_id, const std::string& tag);
  absl::StatusOr<std::vector<core::Host>> getAllocationHosts(const std::string& alloc_id);
  absl::Status reparentHosts(const std::string& alloc_id, const std::vector<std::string>& host_ids);
  absl::StatusOr<std::vector<core::SubscriptionView>> getAllocationSubscriptions(
      const std::string& alloc_id);
  absl::StatusOr<std::vector<core::Host>> getHosts(const HostQuery& query);
  absl::Status lockHost(const std::string& host_id);
  absl::Status unlockHost(const std::string& host_id);
  absl::Status deleteHost(const std::string& host_id);
  absl::Status rebootHostWhenIdle(const std::string& host_id);
  absl::Status setHardwareState(const std::string& host_id, core::HardwareState state);
  absl::Status setHostAllocation(const std::string& host_id, const std::string& alloc_id);
  absl::Status setThreadMode(const std::string& host_id, core::ThreadMode mode);
  absl::Status addHostTags(const std::string& host_id, const std::vector<std::string>& tags);
  absl::Status removeHostTags(const std::string& host_id, const std::vector<std::string>& tags);
  absl::StatusOr<std::vector<core::ProcView>> getProcs(const ProcQuery& query);
  // Kills the frame running on proc `proc_id` (NOT_FOUND once the proc is gone).
  absl::Status killProc(const std::string& proc_id);
  // Unbooks the proc: it leaves its job when its frame ends, or now with `kill`.
  absl::Status unbookProc(const std::string& proc_id, bool kill);

  // ---- limits ----
  absl::StatusOr<std::vector<core::LimitView>> getLimits();

  // ---- filters (a show's rules applied to jobs at launch) ----
  absl::StatusOr<std::vector<core::Filter>> getFilters(const std::string& show_id);
  absl::StatusOr<core::Filter> createFilter(const std::string& show_id, const std::string& name);
  absl::Status deleteFilter(const std::string& filter_id);
  absl::Status setFilterEnabled(const std::string& filter_id, bool enabled);
  absl::Status setFilterType(const std::string& filter_id, core::FilterType type);
  absl::StatusOr<std::vector<core::Matcher>> getMatchers(const std::string& filter_id);
  // `matcher`'s subject, type and input; its ids are ignored.
  absl::StatusOr<core::Matcher> createMatcher(const std::string& filter_id,
                                              const core::Matcher& matcher);
  absl::Status deleteMatcher(const std::string& matcher_id);
  absl::StatusOr<std::vector<core::Action>> getActions(const std::string& filter_id);
  // `action`'s type and value (value_type says which field); its ids are ignored.
  absl::StatusOr<core::Action> createAction(const std::string& filter_id,
                                            const core::Action& action);
  absl::Status deleteAction(const std::string& action_id);

  // Runs `rpc` on a fresh context against each cuebot in turn until one answers (any
  // status but UNAVAILABLE). For the typed methods above; public for the odd call a tool
  // needs that has no method yet.
  absl::Status call(const std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&,
                                                     grpc::ClientContext*)>& rpc);

 private:
  struct Endpoint;
  CuebotConfig config_;
  std::vector<Endpoint> endpoints_;
  size_t current_ = 0;
};

// Connects with the options the tools take (-server, -facility) and the environment.
absl::StatusOr<Client> connect(const ClientOptions& options);

// Runs calls on one worker thread, in submission order, each on the wrapped Client:
//   auto jobs = async.submit([](Client& c) { return c.getJobs(q); });  // std::future
// or with a callback, run on the worker thread:
//   async.post([](Client& c) { ... }).
// Destruction finishes the queued calls first.
class AsyncClient {
 public:
  explicit AsyncClient(Client client);
  ~AsyncClient();

  template <class F>
  auto submit(F&& f) -> std::future<std::invoke_result_t<F, Client&>> {
    using R = std::invoke_result_t<F, Client&>;
    auto task = std::make_shared<std::packaged_task<R(Client&)>>(std::forward<F>(f));
    auto fut = task->get_future();
    post([task](Client& c) { (*task)(c); });
    return fut;
  }
  void post(std::function<void(Client&)> work);
  // Forgets the calls not started yet (their futures report a broken promise); the one
  // running finishes. For owners that go away: destruction then waits for one call at most.
  void dropQueued();

 private:
  void run();
  Client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void(Client&)>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace cue::client
