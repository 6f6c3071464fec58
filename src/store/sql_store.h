// Store over SqlConnections. The same code serves SQLite and PostgreSQL: each public
// method runs as one transaction. Changes run on the writer connection, serialised by a
// mutex; reads (get*, find*, counts, the change feed) run on a pool of reader connections
// when the store has one, in read-only transactions that neither wait for the writer nor
// hold it up (API polling never delays booking). Several cuebots share a database through
// their own stores.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sql.h"
#include "store/store.h"

namespace cue::store {

class SqlStore final : public Store {
 public:
  // Takes ownership of an open connection; runs pending migrations and, on a fresh
  // database, seeds OpenCue's defaults.
  // `readers`: more connections to the same database for reads; none: reads share the
  // writer.
  static absl::StatusOr<std::unique_ptr<SqlStore>> create(
      std::unique_ptr<SqlConnection> conn,
      std::vector<std::unique_ptr<SqlConnection>> readers = {});

  absl::StatusOr<std::vector<core::Show>> getShows() override;
  absl::StatusOr<core::Show> findShow(const std::string& name) override;
  absl::StatusOr<core::Show> getShow(const std::string& id) override;
  absl::StatusOr<core::Show> createShow(const std::string& name) override;
  absl::StatusOr<std::vector<core::Facility>> getFacilities() override;
  absl::StatusOr<core::Facility> findFacility(const std::string& name) override;
  absl::StatusOr<std::vector<core::Allocation>> getAllocations() override;
  absl::StatusOr<core::Allocation> findAllocation(const std::string& name) override;
  absl::StatusOr<std::vector<core::Subscription>> getSubscriptions(
      const std::string& show_id) override;
  absl::StatusOr<core::Subscription> createSubscription(const std::string& show_id,
                                                        const std::string& alloc_id, CoreUnits size,
                                                        CoreUnits burst) override;
  absl::Status setSubscriptionSize(const std::string& sub_id, CoreUnits size) override;
  absl::Status setSubscriptionBurst(const std::string& sub_id, CoreUnits burst) override;
  absl::Status deleteSubscription(const std::string& sub_id) override;
  absl::StatusOr<std::vector<core::Group>> getGroups(const std::string& show_id) override;
  absl::StatusOr<core::Group> getRootGroup(const std::string& show_id) override;
  absl::StatusOr<std::vector<core::Department>> getDepartments() override;
  absl::StatusOr<std::vector<core::Service>> getServices() override;
  absl::StatusOr<core::Service> findService(const std::string& name) override;
  absl::StatusOr<std::vector<core::Service>> getServiceOverrides(
      const std::string& show_id) override;
  absl::StatusOr<core::Service> createServiceOverride(const std::string& show_id,
                                                      const core::Service& service) override;
  absl::StatusOr<std::vector<core::Limit>> getLimits() override;
  absl::StatusOr<core::Limit> createLimit(const std::string& name, int32_t max_value) override;
  absl::StatusOr<core::Limit> findLimit(const std::string& name) override;
  absl::StatusOr<core::Limit> getLimit(const std::string& id) override;
  absl::Status setLimitMaxValue(const std::string& id, int32_t max_value) override;
  absl::Status renameLimit(const std::string& id, const std::string& name) override;
  absl::Status deleteLimit(const std::string& id) override;
  absl::Status setShowFlags(const std::string& show_id, std::optional<bool> active,
                            std::optional<bool> booking_enabled,
                            std::optional<bool> dispatch_enabled) override;
  absl::Status setShowDefaultCores(const std::string& show_id, std::optional<CoreUnits> min_cores,
                                   std::optional<CoreUnits> max_cores) override;
  absl::StatusOr<core::Group> createGroup(const std::string& show_id, const std::string& parent_id,
                                          const std::string& name) override;
  absl::Status setGroupCores(const std::string& group_id, std::optional<CoreUnits> min_cores,
                             std::optional<CoreUnits> max_cores) override;
  absl::StatusOr<core::Comment> addComment(const core::Comment& comment) override;
  absl::StatusOr<std::vector<core::Comment>> getComments(const std::string& parent_id) override;
  absl::StatusOr<core::Filter> createFilter(const core::Filter& filter) override;
  absl::StatusOr<std::vector<core::Filter>> getFilters(const std::string& show_id) override;
  absl::StatusOr<core::Matcher> addMatcher(const core::Matcher& matcher) override;
  absl::StatusOr<std::vector<core::Matcher>> getMatchers(const std::string& filter_id) override;
  absl::StatusOr<core::Action> addAction(const core::Action& action) override;
  absl::StatusOr<std::vector<core::Action>> getActions(const std::string& filter_id) override;
  // ---- area filters/services/departments/tasks (sql_store_filter.cpp) ----
  absl::StatusOr<core::Filter> getFilter(const std::string& id) override;
  absl::StatusOr<core::Filter> findFilter(const std::string& show_id,
                                          const std::string& name) override;
  absl::Status updateFilter(const core::Filter& filter) override;
  absl::Status setFilterOrder(const std::string& id, double order) override;
  absl::Status deleteFilter(const std::string& id) override;
  absl::StatusOr<core::Matcher> getMatcher(const std::string& id) override;
  absl::Status updateMatcher(const core::Matcher& matcher) override;
  absl::Status deleteMatcher(const std::string& id) override;
  absl::StatusOr<core::Action> getAction(const std::string& id) override;
  absl::Status updateAction(const core::Action& action) override;
  absl::Status deleteAction(const std::string& id) override;
  absl::Status setJobGroup(const std::string& job_id, const std::string& group_id) override;
  absl::Status setLayerMaxCores(const std::string& layer_id, CoreUnits max_cores) override;
  absl::StatusOr<core::Service> createService(const core::Service& service) override;
  absl::StatusOr<core::Service> getService(const std::string& id) override;
  absl::Status updateService(const core::Service& service) override;
  absl::Status deleteService(const std::string& id) override;
  absl::Status addDepartmentName(const std::string& name) override;
  absl::Status removeDepartmentName(const std::string& name) override;
  absl::StatusOr<std::vector<core::ShowDepartment>> getShowDepartments(
      const std::string& show_id) override;
  absl::StatusOr<core::ShowDepartment> getShowDepartment(const std::string& id) override;
  absl::StatusOr<core::ShowDepartment> ensureShowDepartment(const std::string& show_id,
                                                            const std::string& dept) override;
  absl::Status updateShowDepartment(const core::ShowDepartment& dept) override;
  absl::Status deleteShowDepartment(const std::string& id) override;
  absl::StatusOr<std::vector<core::Task>> getTasks(const std::string& dept_id) override;
  absl::StatusOr<core::Task> getTask(const std::string& id) override;
  absl::StatusOr<core::Task> createTask(const core::Task& task) override;
  absl::Status updateTask(const core::Task& task) override;
  absl::Status deleteTask(const std::string& id) override;
  absl::Status clearTasks(const std::string& dept_id) override;
  absl::StatusOr<core::RenderPartition> createRenderPartition(
      const core::RenderPartition& partition) override;
  absl::StatusOr<core::RenderPartition> getRenderPartition(const std::string& id) override;
  absl::StatusOr<std::vector<core::RenderPartition>> getRenderPartitions(
      const std::string& host_id) override;
  absl::Status updateRenderPartition(const core::RenderPartition& partition) override;
  absl::Status deleteRenderPartition(const std::string& id) override;

  absl::Status createJobs(const std::vector<NewJob>& jobs) override;
  absl::StatusOr<core::Job> getJob(const std::string& id) override;
  absl::StatusOr<core::Job> findJob(const std::string& name) override;
  absl::StatusOr<std::vector<core::Job>> getJobs(const JobSearch& search) override;
  absl::StatusOr<std::vector<core::Layer>> getLayers(const std::string& job_id) override;
  absl::StatusOr<std::vector<core::Layer>> getLayersOfJobs(
      const std::vector<std::string>& job_ids) override;
  absl::StatusOr<core::Layer> getLayer(const std::string& id) override;
  absl::StatusOr<core::Layer> findLayer(const std::string& job_id,
                                        const std::string& name) override;
  absl::StatusOr<std::vector<core::Frame>> getFrames(const FrameSearch& search) override;
  absl::StatusOr<core::Frame> getFrame(const std::string& id) override;
  absl::StatusOr<WaitingByLayer> waitingFrames(
      const std::string& job_id) override;
  absl::StatusOr<std::vector<core::Depend>> getDepends(const std::string& job_id) override;
  absl::StatusOr<core::Depend> getDepend(const std::string& id) override;
  absl::StatusOr<std::vector<core::Depend>> dependsOn(core::DependEntity kind,
                                                      const std::string& id) override;
  absl::StatusOr<std::vector<core::Depend>> dependsOnThis(core::DependEntity kind,
                                                          const std::string& id) override;
  absl::StatusOr<DependChangeResult> satisfyDepend(const std::string& id) override;
  absl::StatusOr<DependChangeResult> unsatisfyDepend(const std::string& id) override;
  absl::StatusOr<DependChangeResult> dropDepends(core::DependEntity kind, const std::string& id,
                                                 core::DependTarget target) override;
  absl::StatusOr<std::map<std::string, core::FrameCounts>> jobFrameCounts(
      const std::vector<std::string>& job_ids) override;
  absl::StatusOr<std::map<std::string, core::FrameCounts>> layerFrameCounts(
      const std::string& job_id) override;
  absl::StatusOr<std::vector<core::FrameAttempt>> getFrameHistory(
      const std::string& frame_id) override;
  absl::Status setJobPaused(const std::string& job_id, bool paused) override;
  absl::Status setJobPriority(const std::string& job_id, int32_t priority) override;
  absl::Status setJobMinMaxCores(const std::string& job_id, std::optional<CoreUnits> min_cores,
                                 std::optional<CoreUnits> max_cores) override;
  absl::Status setLayerTags(const std::string& layer_id,
                            const std::vector<std::string>& tags) override;
  absl::Status setLayerMinCores(const std::string& layer_id, CoreUnits min_cores) override;
  absl::Status setLayerMinMemory(const std::string& layer_id, MemoryKb min_memory) override;
  absl::Status addLayerLimit(const std::string& layer_id, const std::string& limit_id) override;
  absl::Status dropLayerLimit(const std::string& layer_id, const std::string& limit_id) override;
  absl::StatusOr<FrameChangeResult> killJob(const std::string& job_id, EpochSec now) override;
  absl::StatusOr<FrameChangeResult> retryFrames(const std::vector<std::string>& ids,
                                                EpochSec now) override;
  absl::StatusOr<FrameChangeResult> eatFrames(const std::vector<std::string>& ids,
                                              EpochSec now) override;
  absl::StatusOr<FrameChangeResult> killFrames(const std::vector<std::string>& ids) override;

  absl::StatusOr<core::Host> upsertHost(const HostReportData& report) override;
  absl::StatusOr<core::Host> updateHostReport(const HostReportData& report,
                                              const std::vector<ProcUsage>& usage) override;
  absl::StatusOr<std::vector<absl::StatusOr<core::Host>>> updateHostReports(
      const std::vector<HostReportUpdate>& reports) override;
  absl::StatusOr<std::vector<core::Host>> getHosts(const HostSearch& search) override;
  absl::StatusOr<core::Host> findHost(const std::string& name) override;
  absl::StatusOr<core::Host> getHost(const std::string& id) override;
  absl::Status setHostLock(const std::string& host_id, core::LockState lock) override;
  absl::Status setHostState(const std::string& host_id, core::HardwareState state) override;
  absl::Status setHostTags(const std::string& host_id,
                           const std::vector<std::string>& tags) override;
  absl::Status addHostTags(const std::string& host_id,
                           const std::vector<std::string>& tags) override;
  absl::Status removeHostTags(const std::string& host_id,
                              const std::vector<std::string>& tags) override;
  absl::Status setHostThreadMode(const std::string& host_id, core::ThreadMode mode) override;
  absl::StatusOr<std::vector<core::Host>> hostsNotPingedSince(EpochSec before) override;
  absl::StatusOr<std::vector<core::Proc>> markHostDown(const std::string& host_id,
                                                       EpochSec now) override;
  absl::Status touchAllHosts(EpochSec now) override;
  absl::StatusOr<std::vector<core::Proc>> releaseProcs(const std::vector<std::string>& ids,
                                                       EpochSec now) override;
  absl::StatusOr<std::vector<core::Proc>> getProcs(const ProcSearch& search) override;

  absl::StatusOr<std::vector<LayerCandidate>> dispatchCandidates(const core::Host& host,
                                                                 int32_t frames_per_layer) override;
  absl::StatusOr<std::vector<Booking>> book(const std::vector<Booking>& bookings) override;
  absl::Status unbook(const std::string& proc_id, bool fail, int32_t exit_status,
                      EpochSec now) override;
  absl::StatusOr<std::vector<absl::StatusOr<CompletionResult>>> completeFrames(
      const std::vector<FrameCompletion>& batch) override;
  absl::StatusOr<CompletedAndBooked> completeFramesAndBook(
      const std::vector<FrameCompletion>& batch, const std::vector<Booking>& bookings) override;

  // sql_store_settings.cpp, sql_store_owners.cpp
  absl::Status updateJob(const std::string& id, const JobPatch& patch) override;
  absl::Status updateLayer(const std::string& id, const LayerPatch& patch) override;
  absl::Status updateGroup(const std::string& id, const GroupPatch& patch) override;
  absl::Status updateShow(const std::string& id, const ShowPatch& patch) override;
  absl::Status updateHost(const std::string& id, const HostPatch& patch) override;
  absl::Status updateAllocation(const std::string& id, const AllocationPatch& patch) override;
  absl::StatusOr<core::Group> getGroup(const std::string& id) override;
  absl::Status deleteGroup(const std::string& id) override;
  absl::Status deleteShow(const std::string& id) override;
  absl::StatusOr<core::Facility> createFacility(const std::string& name) override;
  absl::Status renameFacility(const std::string& id, const std::string& name) override;
  absl::Status deleteFacility(const std::string& id) override;
  absl::StatusOr<core::Allocation> createAllocation(const std::string& facility_id, const std::string& name, const std::string& tag) override;
  absl::StatusOr<core::Allocation> getAllocation(const std::string& id) override;
  absl::Status deleteAllocation(const std::string& id) override;
  absl::StatusOr<std::string> getSetting(const std::string& name) override;
  absl::Status setSetting(const std::string& name, const std::string& value) override;
  absl::Status deleteHost(const std::string& id) override;
  absl::StatusOr<core::Owner> createOwner(const std::string& show_id, const std::string& name) override;
  absl::StatusOr<core::Owner> getOwner(const std::string& id) override;
  absl::StatusOr<core::Owner> findOwner(const std::string& name) override;
  absl::Status setOwnerShow(const std::string& id, const std::string& show_id) override;
  absl::Status deleteOwner(const std::string& id) override;
  absl::StatusOr<core::Deed> takeOwnership(const std::string& owner_id, const std::string& host_id) override;
  absl::StatusOr<std::vector<core::Deed>> getDeeds(const std::string& owner_id, const std::string& show_id) override;
  absl::StatusOr<core::Deed> getDeed(const std::string& id) override;
  absl::StatusOr<core::Deed> getHostDeed(const std::string& host_id) override;
  absl::Status deleteDeed(const std::string& id) override;
  absl::StatusOr<core::Comment> getComment(const std::string& id) override;
  absl::Status updateComment(const core::Comment& comment) override;
  absl::Status deleteComment(const std::string& id) override;
  absl::StatusOr<DependChangeResult> createDepends( const std::vector<core::Depend>& depends) override;
  absl::StatusOr<std::vector<std::string>> markFramesWaiting( const std::vector<std::string>& ids) override;
  absl::Status markFrameDepend(const std::string& id) override;
  absl::Status setFrameDispatchOrders( const std::vector<std::pair<std::string, int32_t>>& orders) override;
  absl::Status setFrameCheckpointState(const std::string& id, int32_t state) override;
  absl::Status setFrameDisplayOverride(const std::string& frame_id, const FrameDisplayOverride& o) override;
  absl::StatusOr<std::vector<FrameDisplayOverride>> getFrameDisplayOverrides( const std::string& frame_id) override;
  absl::Status setProcRedirect(const std::string& proc_id, const std::string& job_id, const std::string& group_id) override;
  absl::Status setProcUnbooked(const std::string& proc_id) override;

  // several cuebots on one database (sql_store_cluster.cpp)
  absl::StatusOr<Lease> acquireLease(const std::string& name, const std::string& holder, int64_t now_ms, int64_t ttl_ms) override;
  absl::Status releaseLease(const std::string& name, const std::string& holder) override;
  void setBookingFence(const std::string& name, const std::string& holder, int64_t token) override;
  absl::Status publishChanges(const std::string& origin, const std::vector<FarmChange>& changes, EpochSec now) override;
  absl::StatusOr<std::vector<FarmChange>> changesSince(int64_t after, const std::string& exclude_origin, int32_t limit) override;
  absl::StatusOr<int64_t> lastChange() override;
  absl::Status pruneChanges(EpochSec before) override;

 private:
  SqlStore(std::unique_ptr<SqlConnection> writer,
           std::vector<std::unique_ptr<SqlConnection>> readers);

  // `db_->...` in the methods: the connection of the transaction running on this thread
  // (transact's writer or read's reader), else the writer.
  class ConnRef {
   public:
    explicit ConnRef(SqlConnection* writer) : writer_(writer) {}
    SqlConnection* operator->() const { return get(); }
    SqlConnection& operator*() const { return *get(); }
    static SqlConnection*& current() {
      thread_local SqlConnection* c = nullptr;
      return c;
    }

   private:
    SqlConnection* get() const { return current() ? current() : writer_; }
    SqlConnection* writer_;
  };
  // Inside book()'s transaction: FAILED_PRECONDITION unless the fence holds.
  absl::Status checkBookingFence();
  // The bodies of book() and completeFrames(), inside the caller's transaction.
  absl::StatusOr<std::vector<Booking>> bookInTransaction(const std::vector<Booking>& bookings);
  absl::StatusOr<std::vector<absl::StatusOr<CompletionResult>>> completeInTransaction(
      const std::vector<FrameCompletion>& batch);
  class Txn;

  absl::Status migrate();
  absl::Status migrateLocked();
  absl::Status seed();
  // Runs fn inside a transaction; commits if it returns OK, rolls back otherwise.
  // Defined in sql_util.h, which every SqlStore source file includes.
  template <typename Fn>
  auto transact(Fn&& fn) -> decltype(fn());
  // Runs fn in a read-only transaction on a reader (transact when there is none).
  template <typename Fn>
  auto read(Fn&& fn) -> decltype(fn());

  std::mutex mu_;
  std::unique_ptr<SqlConnection> writer_;
  ConnRef db_;
  std::vector<std::unique_ptr<SqlConnection>> readers_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<SqlConnection*> idle_;  // readers not in use
  // setBookingFence's lease; guarded by mu_ (read inside transactions).
  std::string fence_name_, fence_holder_;
  int64_t fence_token_ = 0;
};

}  // namespace cue::store
