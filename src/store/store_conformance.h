// The storage conformance suite: one set of tests every Store backend must pass.
//
// A backend test file (store_sqlite_test.cpp today, a PostgreSQL one in CI) includes
// this header and store_conformance_admin.h (the administrative writes) exactly once and
// instantiates the suite with its StoreBackend:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//                            ::testing::Values(sqliteBackend()), backendName);
//
// Each test gets a fresh, seeded store from StoreBackend::fresh() and may reopen the
// same database with StoreBackend::reopen() to check what survives a restart. The tests
// are deterministic: no sleeps, no ports, no clock reads; every time is an explicit
// epoch second near kT0. Tests run one at a time on one thread.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "common/ids.h"
#include "core/types.h"
#include "store/store.h"

namespace cue::store::conformance {

using core::DependType;
using core::FrameState;
using core::JobState;
using core::kKbPerGb;

// ---- the parameter: how to make stores of one backend ------------------------------

struct StoreBackend {
  std::string name;  // test name suffix: letters and digits only ("Sqlite")
  // Makes a new, empty database (seeded as on first start) and opens a store on it.
  // Returns nullptr (after reporting why with ADD_FAILURE) when that fails.
  std::function<std::unique_ptr<Store>()> fresh;
  // Opens another store on the database the last fresh() made: after the first store was
  // destroyed (a restart), or while it is still open (two cuebots sharing a database).
  // Returns nullptr (after ADD_FAILURE) when that fails.
  std::function<std::unique_ptr<Store>()> reopen;
  // Removes the database the last fresh() made; may be empty.
  std::function<void()> drop;
  // Why this backend cannot run here (its server cannot be started), or "" when it can;
  // may be empty. Tests of an unavailable backend are skipped with that message.
  std::function<std::string()> unavailable;
};

inline void PrintTo(const StoreBackend& b, std::ostream* os) { *os << b.name; }

inline std::string backendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// ---- helpers --------------------------------------------------------------------

inline constexpr core::EpochSec kT0 = 1'700'000'000;  // every test's "now" starts here

// Unwraps a setup step's result. A failed setup step throws, which GoogleTest reports
// as a failure of the test with this message ("book: NOT_FOUND: ...").
template <typename T>
T must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) throw std::runtime_error(std::string(what) + ": " + v.status().ToString());
  return std::move(v).value();
}
inline void must(const absl::Status& st, const char* what) {
  if (!st.ok()) throw std::runtime_error(std::string(what) + ": " + st.ToString());
}

template <typename T>
absl::Status statusOf(const absl::StatusOr<T>& v) {
  return v.status();
}
inline absl::Status statusOf(const absl::Status& st) { return st; }

// EXPECT_CODE(store().findShow("x"), kNotFound): the call failed with that code.
#define EXPECT_CODE(expr, code_name)                                      \
  do {                                                                    \
    ::absl::Status cue_st_ = ::cue::store::conformance::statusOf((expr)); \
    EXPECT_EQ(cue_st_.code(), ::absl::StatusCode::code_name) << cue_st_;  \
  } while (0)

// Every field, for comparing whole records ("as they were" after a reopen).
inline auto fields(const core::Job& j) {
  return std::tie(j.id, j.name, j.show_id, j.show, j.shot, j.user, j.email, j.uid, j.group_id,
                  j.facility, j.department, j.os, j.priority, j.min_cores, j.max_cores, j.min_gpus,
                  j.max_gpus, j.max_retries, j.paused, j.auto_eat, j.state, j.log_dir, j.start_time,
                  j.stop_time, j.env);
}
inline auto fields(const core::Layer& l) {
  return std::tie(l.id, l.job_id, l.name, l.type, l.command, l.range, l.chunk_size,
                  l.dispatch_order, l.min_cores, l.max_cores, l.threadable, l.min_memory,
                  l.min_gpus, l.max_gpus, l.min_gpu_memory, l.tags, l.services, l.limits,
                  l.timeout_min, l.timeout_llu_min, l.env, l.outputs);
}
inline auto fields(const core::Frame& f) {
  return std::tie(f.id, f.job_id, f.layer_id, f.layer_name, f.name, f.number, f.state,
                  f.dispatch_order, f.retry_count, f.exit_status, f.exit_signal, f.depend_count,
                  f.start_time, f.stop_time, f.max_rss, f.used_memory, f.reserved_memory, f.max_pss,
                  f.last_resource, f.total_core_time, f.version, f.max_gpu_memory,
                  f.used_gpu_memory);
}
inline auto fields(const core::Host& h) {
  return std::tie(h.id, h.name, h.alloc_id, h.alloc_name, h.facility, h.state, h.lock_state,
                  h.thread_mode, h.nimby_enabled, h.cores, h.idle_cores, h.memory, h.idle_memory,
                  h.gpus, h.idle_gpus, h.gpu_memory, h.idle_gpu_memory, h.total_memory,
                  h.free_memory, h.total_swap, h.free_swap, h.total_mcp, h.free_mcp, h.load,
                  h.boot_time, h.ping_time, h.os, h.tags, h.rqd_address);
}
inline auto fields(const core::Proc& p) {
  return std::tie(p.id, p.host_id, p.host_name, p.job_id, p.layer_id, p.frame_id, p.show_id,
                  p.reserved_cores, p.reserved_memory, p.reserved_gpus, p.reserved_gpu_memory,
                  p.used_memory, p.max_rss, p.used_pss, p.max_pss, p.booked_time, p.ping_time,
                  p.unbooked, p.log_path, p.used_gpu_memory, p.max_gpu_memory);
}
inline auto fields(const core::Depend& d) {
  return std::tie(d.id, d.type, d.target, d.any_frame, d.active, d.er_job_id, d.er_layer_id,
                  d.er_frame_id, d.on_job_id, d.on_layer_id, d.on_frame_id);
}
inline auto fields(const core::FrameAttempt& a) {
  return std::tie(a.frame_id, a.job_id, a.proc_id, a.host_name, a.cores, a.reserved_memory,
                  a.start_time, a.stop_time, a.exit_status, a.exit_signal, a.max_rss);
}
inline auto fields(const core::Subscription& s) {
  return std::tie(s.id, s.show_id, s.show_name, s.alloc_id, s.alloc_name, s.facility, s.size,
                  s.burst);
}

template <typename T>
void expectSameRecords(const std::vector<T>& want, const std::vector<T>& got, const char* what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(fields(want[k]), fields(got[k])) << what;
}

template <typename T, typename Fn>
std::set<std::string> namesOf(const std::vector<T>& v, Fn name) {
  std::set<std::string> out;
  for (const auto& x : v) out.insert(name(x));
  return out;
}

inline std::set<std::string> frameIdSet(const std::vector<core::Frame>& frames) {
  return namesOf(frames, [](const core::Frame& f) { return f.id; });
}

// A new job in `show`'s root group as cuebot builds it from a spec: fresh ids, no
// layers yet. Named "<show>-<shot>-<user>_<suffix>" as OpenCue names jobs.
inline NewJob newJob(const core::Show& show, const core::Group& root, const std::string& suffix,
                     const std::string& shot = "sh010", const std::string& user = "jdoe",
                     core::EpochSec submitted = kT0) {
  NewJob nj;
  core::Job& j = nj.job;
  j.id = common::newId();
  j.name = show.name + "-" + shot + "-" + user + "_" + suffix;
  j.show_id = show.id;
  j.show = show.name;
  j.shot = shot;
  j.user = user;
  j.email = user + "@example.com";
  j.uid = 1000;
  j.group_id = root.id;
  j.facility = "local";
  j.department = "Lighting";
  j.os = "linux";
  j.priority = 1;
  j.max_retries = 3;
  j.log_dir = "/tmp/logs/" + j.name;
  j.start_time = submitted;
  return nj;
}

// Adds a layer with one WAITING frame per number in [first, last], frames named
// "0001-<layer>" in number order. Returns the new layer's id.
inline std::string addLayer(NewJob& nj, const std::string& name, int first, int last,
                            core::CoreUnits cores = 100, core::MemoryKb memory = kKbPerGb) {
  core::Layer l;
  l.id = common::newId();
  l.job_id = nj.job.id;
  l.name = name;
  l.type = core::LayerType::kRender;
  l.command = "render -f #IFRAME# " + name;
  l.range = absl::StrFormat("%d-%d", first, last);
  l.chunk_size = 1;
  l.dispatch_order = static_cast<int32_t>(nj.layers.size());
  l.min_cores = cores;
  l.min_memory = memory;
  l.tags = {"general"};
  l.services = {"default"};
  for (int n = first; n <= last; ++n) {
    core::Frame f;
    f.id = common::newId();
    f.job_id = nj.job.id;
    f.layer_id = l.id;
    f.layer_name = name;
    f.name = absl::StrFormat("%04d-%s", n, name);
    f.number = n;
    f.state = FrameState::kWaiting;
    f.dispatch_order = n - first;
    nj.frames.push_back(f);
  }
  nj.layers.push_back(std::move(l));
  return nj.layers.back().id;
}

// The frame numbered `number` of layer `layer` (by name) in a NewJob.
inline const core::Frame& frameOf(const NewJob& nj, const std::string& layer, int number) {
  for (const auto& f : nj.frames)
    if (f.layer_name == layer && f.number == number) return f;
  throw std::runtime_error("test bug: no frame " + std::to_string(number) + " in layer " + layer);
}

inline const core::Layer& layerOf(const NewJob& nj, const std::string& name) {
  for (const auto& l : nj.layers)
    if (l.name == name) return l;
  throw std::runtime_error("test bug: no layer " + name);
}

// A depend: `er` (the waiting side) on `on`; empty ids widen a side to its layer or job.
inline core::Depend makeDepend(DependType type, const std::string& er_job,
                               const std::string& er_layer, const std::string& er_frame,
                               const std::string& on_job, const std::string& on_layer,
                               const std::string& on_frame) {
  core::Depend d;
  d.id = common::newId();
  d.type = type;
  d.target = er_job == on_job ? core::DependTarget::kInternal : core::DependTarget::kExternal;
  d.er_job_id = er_job;
  d.er_layer_id = er_layer;
  d.er_frame_id = er_frame;
  d.on_job_id = on_job;
  d.on_layer_id = on_layer;
  d.on_frame_id = on_frame;
  return d;
}

inline HostReportData hostReport(const std::string& name, core::CoreUnits cores,
                                 core::MemoryKb memory, core::EpochSec now,
                                 const std::string& facility = "local") {
  HostReportData r;
  r.name = name;
  r.facility = facility;
  r.rqd_address = name + ":8444";
  r.tags = {"linux"};
  r.cores = cores;
  r.total_memory = memory;
  r.free_memory = memory;
  r.total_swap = 2 * kKbPerGb;
  r.free_swap = 2 * kKbPerGb;
  r.total_mcp = 100 * kKbPerGb;
  r.free_mcp = 90 * kKbPerGb;
  r.load = 10;
  r.boot_time = now - 3600;
  r.os = "linux";
  r.now = now;
  return r;
}

// ---- the fixture ----------------------------------------------------------------

class StoreConformanceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    if (GetParam().unavailable) {
      std::string why = GetParam().unavailable();
      if (!why.empty()) GTEST_SKIP() << GetParam().name << " is not available here: " << why;
    }
    store_ = GetParam().fresh();
    ASSERT_NE(store_, nullptr) << "the backend could not make a fresh store";
  }
  void TearDown() override {
    store_.reset();
    if (GetParam().drop) GetParam().drop();
  }

  Store& store() { return *store_; }

  // Destroys the store and opens the same database again.
  // The kept statistics (jobFrameCounts, layerFrameCounts) equal what the frames say.
  void expectCountsMatchFrames(const std::string& job_id) {
    FrameSearch q;
    q.job_id = job_id;
    auto frames = must(store().getFrames(q), "getFrames");
    core::FrameCounts job;
    std::map<std::string, core::FrameCounts> layers;
    for (const auto& f : frames) {
      for (core::FrameCounts* c : {&job, &layers[f.layer_id]}) {
        ++c->total;
        switch (f.state) {
          case FrameState::kWaiting: ++c->waiting; break;
          case FrameState::kRunning: ++c->running; break;
          case FrameState::kDead: ++c->dead; break;
          case FrameState::kEaten: ++c->eaten; break;
          case FrameState::kDepend: ++c->depend; break;
          case FrameState::kSucceeded: ++c->succeeded; break;
          default: break;
        }
        c->core_seconds += f.total_core_time;
        c->max_rss = std::max(c->max_rss, f.max_rss);
      }
    }
    auto same = [](const core::FrameCounts& a, const core::FrameCounts& b) {
      return a.total == b.total && a.waiting == b.waiting && a.running == b.running &&
             a.dead == b.dead && a.eaten == b.eaten && a.depend == b.depend &&
             a.succeeded == b.succeeded && a.core_seconds == b.core_seconds &&
             a.max_rss == b.max_rss;
    };
    EXPECT_TRUE(same(must(store().jobFrameCounts({job_id}), "jobFrameCounts")[job_id], job))
        << "job statistics differ from its frames";
    auto kept = must(store().layerFrameCounts(job_id), "layerFrameCounts");
    for (const auto& [layer, c] : layers)
      EXPECT_TRUE(same(kept[layer], c)) << "statistics of layer " << layer << " differ";
  }

  void reopenStore() {
    store_.reset();
    store_ = GetParam().reopen();
    ASSERT_NE(store_, nullptr) << "the backend could not reopen its store";
  }

  // A second store on the same database, beside store() (another cuebot).
  std::unique_ptr<Store> secondStore() {
    auto other = GetParam().reopen();
    if (!other) throw std::runtime_error("the backend could not open a second store");
    return other;
  }

  core::Show show(const std::string& name) { return must(store().findShow(name), "findShow"); }
  core::Group rootGroup(const core::Show& s) {
    return must(store().getRootGroup(s.id), "getRootGroup");
  }

  // A job of the seeded show "testing".
  NewJob testingJob(const std::string& suffix, const std::string& shot = "sh010",
                    const std::string& user = "jdoe", core::EpochSec submitted = kT0) {
    core::Show s = show("testing");
    return newJob(s, rootGroup(s), suffix, shot, user, submitted);
  }

  void create(const NewJob& nj) { must(store().createJob(nj), "createJob"); }

  core::Job job(const std::string& id) { return must(store().getJob(id), "getJob"); }
  core::Frame frame(const std::string& id) { return must(store().getFrame(id), "getFrame"); }
  core::Host host(const std::string& id) { return must(store().getHost(id), "getHost"); }

  // Every frame of a job (optionally one layer's), in dispatch order.
  std::vector<core::Frame> frames(const std::string& job_id, const std::string& layer = "") {
    FrameSearch q;
    q.job_id = job_id;
    if (!layer.empty()) q.layers = {layer};
    return must(store().getFrames(q), "getFrames");
  }

  core::Host bootHost(const std::string& name, core::CoreUnits cores = 800,
                      core::MemoryKb memory = 16 * kKbPerGb, core::EpochSec now = kT0,
                      const std::string& facility = "local") {
    return must(store().upsertHost(hostReport(name, cores, memory, now, facility)), "upsertHost");
  }

  // Dispatch candidates for the host as the store sees it now (fresh idle resources).
  std::vector<LayerCandidate> candidates(const std::string& host_id, int32_t per_layer = 10) {
    return must(store().dispatchCandidates(host(host_id), per_layer), "dispatchCandidates");
  }

  static Booking bookingFor(const core::Host& h, const core::Frame& f, core::CoreUnits cores = 100,
                            core::MemoryKb memory = kKbPerGb, core::EpochSec now = kT0) {
    Booking b;
    b.proc_id = common::newId();
    b.host_id = h.id;
    b.frame_id = f.id;
    b.job_id = f.job_id;
    b.layer_id = f.layer_id;
    b.cores = cores;
    b.memory = memory;
    b.now = now;
    b.log_path = "/tmp/logs/" + f.name + ".rqlog";
    return b;
  }

  // Books one frame on a host and returns the proc id; fails the test if not booked.
  std::string run(const core::Host& h, const core::Frame& f, core::CoreUnits cores = 100,
                  core::MemoryKb memory = kKbPerGb, core::EpochSec now = kT0) {
    Booking b = bookingFor(h, f, cores, memory, now);
    auto made = must(store().book({b}), "book");
    if (made.size() != 1) throw std::runtime_error("frame " + f.name + " was not booked");
    return b.proc_id;
  }

  CompletionResult complete(const std::string& proc_id, const core::Frame& f, const core::Host& h,
                            int32_t exit_status, core::EpochSec now, int32_t run_time = 60,
                            core::MemoryKb max_rss = 0) {
    return must(
        store().completeFrame(completion(proc_id, f, h, exit_status, now, run_time, max_rss)),
        "completeFrame");
  }

  static FrameCompletion completion(const std::string& proc_id, const core::Frame& f,
                                    const core::Host& h, int32_t exit_status, core::EpochSec now,
                                    int32_t run_time = 60, core::MemoryKb max_rss = 0) {
    FrameCompletion c;
    c.proc_id = proc_id;
    c.frame_id = f.id;
    c.host_name = h.name;
    c.exit_status = exit_status;
    c.run_time = run_time;
    c.max_rss = max_rss;
    c.now = now;
    return c;
  }

  // Runs a frame to completion on a host: book, then complete with exit_status.
  CompletionResult runToEnd(const core::Host& h, const core::Frame& f, int32_t exit_status,
                            core::EpochSec now) {
    std::string proc = run(h, f, 100, kKbPerGb, now);
    return complete(proc, f, h, exit_status, now + 60);
  }

  std::unique_ptr<Store> store_;
};

// =================================================================================
// Seed data: what OpenCue's seed_data.sql puts in a fresh database.
// =================================================================================

TEST_P(StoreConformanceTest, SeedsShowTestingWithRootGroup) {
  auto shows = must(store().getShows(), "getShows");
  ASSERT_EQ(shows.size(), 1u);
  EXPECT_EQ(shows[0].name, "testing");
  EXPECT_TRUE(shows[0].active);
  EXPECT_TRUE(shows[0].booking_enabled);
  EXPECT_TRUE(shows[0].dispatch_enabled);
  EXPECT_EQ(shows[0].default_min_cores, 100);
  EXPECT_EQ(shows[0].default_max_cores, 200000);

  core::Show testing = show("testing");
  EXPECT_EQ(testing.id, shows[0].id);
  EXPECT_EQ(must(store().getShow(testing.id), "getShow").name, "testing");

  core::Group root = rootGroup(testing);
  EXPECT_EQ(root.name, "testing");
  EXPECT_EQ(root.show_id, testing.id);
  EXPECT_EQ(root.parent_id, "");
  auto groups = must(store().getGroups(testing.id), "getGroups");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].id, root.id);
}

TEST_P(StoreConformanceTest, SeedsFacilitiesLocalAndCloud) {
  auto facilities = must(store().getFacilities(), "getFacilities");
  EXPECT_EQ(namesOf(facilities, [](const core::Facility& f) { return f.name; }),
            (std::set<std::string>{"local", "cloud"}));
  core::Facility local = must(store().findFacility("local"), "findFacility");
  EXPECT_EQ(local.name, "local");
  EXPECT_FALSE(local.id.empty());
  EXPECT_CODE(store().findFacility("mars"), kNotFound);
}

TEST_P(StoreConformanceTest, SeedsFiveAllocationsWithTags) {
  auto allocs = must(store().getAllocations(), "getAllocations");
  std::set<std::tuple<std::string, std::string, std::string>> got;
  for (const auto& a : allocs) got.insert({a.name, a.tag, a.facility});
  std::set<std::tuple<std::string, std::string, std::string>> want{
      {"local.general", "general", "local"},       {"local.desktop", "desktop", "local"},
      {"local.unassigned", "unassigned", "local"}, {"cloud.general", "general", "cloud"},
      {"cloud.unassigned", "unassigned", "cloud"},
  };
  EXPECT_EQ(got, want);

  core::Allocation general = must(store().findAllocation("local.general"), "findAllocation");
  EXPECT_EQ(general.tag, "general");
  EXPECT_EQ(general.facility, "local");
  EXPECT_EQ(general.facility_id, must(store().findFacility("local"), "findFacility").id);
  EXPECT_FALSE(general.billable);
  core::Allocation cloud = must(store().findAllocation("cloud.general"), "findAllocation");
  EXPECT_EQ(cloud.facility_id, must(store().findFacility("cloud"), "findFacility").id);
  EXPECT_NE(cloud.id, general.id);
  EXPECT_CODE(store().findAllocation("local.nothing"), kNotFound);
}

TEST_P(StoreConformanceTest, SeedsTestingSubscriptionsToGeneralDesktopAndCloud) {
  core::Show testing = show("testing");
  auto subs = must(store().getSubscriptions(testing.id), "getSubscriptions");
  EXPECT_EQ(namesOf(subs, [](const core::Subscription& s) { return s.alloc_name; }),
            (std::set<std::string>{"local.general", "local.desktop", "cloud.general"}));
  for (const auto& s : subs) {
    EXPECT_EQ(s.show_id, testing.id);
    EXPECT_EQ(s.show_name, "testing");
    EXPECT_EQ(s.size, 100000);
    EXPECT_EQ(s.burst, 100000);
    EXPECT_EQ(s.facility, s.alloc_name.substr(0, s.alloc_name.find('.')));
    EXPECT_EQ(s.alloc_id, must(store().findAllocation(s.alloc_name), "findAllocation").id);
  }
  // All shows' subscriptions: the same three, as only "testing" exists.
  EXPECT_EQ(must(store().getSubscriptions(""), "getSubscriptions").size(), 3u);
}

TEST_P(StoreConformanceTest, SeedsServicesWithCoresMemoryAndTags) {
  struct Want {
    std::string name;
    bool threadable;
    core::CoreUnits cores;
    core::MemoryKb memory;
    std::vector<std::string> tags;
  };
  const std::vector<Want> want{
      {"default", false, 100, 3355443, {"general", "desktop"}},
      {"prman", false, 100, 3355443, {"general", "desktop"}},
      {"arnold", true, 100, 3355443, {"general", "desktop"}},
      {"shell", false, 100, 3355443, {"general", "util"}},
      {"maya", false, 100, 2097152, {"general", "desktop"}},
      {"houdini", false, 100, 3355443, {"general", "desktop"}},
      {"katana", true, 100, 2097152, {"general", "desktop", "util"}},
      {"nuke", false, 100, 2097152, {"general", "desktop"}},
      {"preprocess", false, 10, 393216, {"util"}},
      {"postprocess", false, 10, 524288, {"util"}},
  };
  auto all = must(store().getServices(), "getServices");
  EXPECT_EQ(all.size(), want.size());
  for (const auto& w : want) {
    SCOPED_TRACE(w.name);
    core::Service s = must(store().findService(w.name), "findService");
    EXPECT_EQ(s.name, w.name);
    EXPECT_EQ(s.threadable, w.threadable);
    EXPECT_EQ(s.min_cores, w.cores);
    EXPECT_EQ(s.min_memory, w.memory);
    EXPECT_EQ(s.tags, w.tags);
    EXPECT_FALSE(s.id.empty());
  }
  EXPECT_CODE(store().findService("blender"), kNotFound);
}

TEST_P(StoreConformanceTest, SeedsDepartments) {
  auto depts = must(store().getDepartments(), "getDepartments");
  EXPECT_EQ(namesOf(depts, [](const core::Department& d) { return d.name; }),
            (std::set<std::string>{"Lighting", "Animation", "Hair", "Cloth", "Layout", "FX",
                                   "Pipeline", "Unknown"}));
}

TEST_P(StoreConformanceTest, SeedsNoLimits) {
  EXPECT_TRUE(must(store().getLimits(), "getLimits").empty());
}

// =================================================================================
// Shows and subscriptions
// =================================================================================

TEST_P(StoreConformanceTest, CreateShowAddsShowWithRootGroup) {
  core::Show made = must(store().createShow("pipe_test2"), "createShow");
  EXPECT_EQ(made.name, "pipe_test2");
  EXPECT_FALSE(made.id.empty());
  EXPECT_TRUE(made.active);
  EXPECT_TRUE(made.booking_enabled);
  EXPECT_TRUE(made.dispatch_enabled);

  EXPECT_EQ(show("pipe_test2").id, made.id);
  EXPECT_EQ(must(store().getShow(made.id), "getShow").name, "pipe_test2");
  EXPECT_EQ(must(store().getShows(), "getShows").size(), 2u);

  core::Group root = rootGroup(made);
  EXPECT_EQ(root.name, "pipe_test2");
  EXPECT_EQ(root.show_id, made.id);
  EXPECT_EQ(root.parent_id, "");
  // A new show subscribes to nothing until an administrator says so.
  EXPECT_TRUE(must(store().getSubscriptions(made.id), "getSubscriptions").empty());
}

TEST_P(StoreConformanceTest, CreateShowWithTakenNameIsAlreadyExists) {
  EXPECT_CODE(store().createShow("testing"), kAlreadyExists);
  must(store().createShow("fresh_show"), "createShow");
  EXPECT_CODE(store().createShow("fresh_show"), kAlreadyExists);
  EXPECT_EQ(must(store().getShows(), "getShows").size(), 2u);
  EXPECT_EQ(must(store().getGroups(show("fresh_show").id), "getGroups").size(), 1u);
}

TEST_P(StoreConformanceTest, CreateShowWithBadNameIsInvalidArgument) {
  for (const std::string bad :
       {"", "has space", "semi;colon", "slash/name", "dash-name", "quote'"}) {
    SCOPED_TRACE(bad);
    EXPECT_CODE(store().createShow(bad), kInvalidArgument);
  }
  EXPECT_EQ(must(store().getShows(), "getShows").size(), 1u);
}

TEST_P(StoreConformanceTest, GetShowAndFindShowOfUnknownShowAreNotFound) {
  EXPECT_CODE(store().findShow("nope"), kNotFound);
  EXPECT_CODE(store().getShow(common::newId()), kNotFound);
  EXPECT_CODE(store().getRootGroup(common::newId()), kNotFound);
}

TEST_P(StoreConformanceTest, CreateSubscriptionLinksShowToAllocation) {
  core::Show s = must(store().createShow("subs"), "createShow");
  core::Allocation alloc = must(store().findAllocation("local.general"), "findAllocation");
  core::Subscription sub =
      must(store().createSubscription(s.id, alloc.id, 1000, 2500), "createSubscription");
  EXPECT_FALSE(sub.id.empty());
  EXPECT_EQ(sub.show_id, s.id);
  EXPECT_EQ(sub.show_name, "subs");
  EXPECT_EQ(sub.alloc_id, alloc.id);
  EXPECT_EQ(sub.alloc_name, "local.general");
  EXPECT_EQ(sub.facility, "local");
  EXPECT_EQ(sub.size, 1000);
  EXPECT_EQ(sub.burst, 2500);

  auto subs = must(store().getSubscriptions(s.id), "getSubscriptions");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(fields(subs[0]), fields(sub));
  EXPECT_EQ(must(store().getSubscriptions(""), "getSubscriptions").size(), 4u);
}

TEST_P(StoreConformanceTest, CreateSubscriptionTwiceIsAlreadyExists) {
  core::Show s = must(store().createShow("subs"), "createShow");
  core::Allocation alloc = must(store().findAllocation("cloud.general"), "findAllocation");
  must(store().createSubscription(s.id, alloc.id, 100, 100), "createSubscription");
  EXPECT_CODE(store().createSubscription(s.id, alloc.id, 200, 200), kAlreadyExists);
  auto subs = must(store().getSubscriptions(s.id), "getSubscriptions");
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].size, 100);
}

TEST_P(StoreConformanceTest, CreateSubscriptionWithBadInputIsRefused) {
  core::Show s = must(store().createShow("subs"), "createShow");
  core::Allocation alloc = must(store().findAllocation("local.desktop"), "findAllocation");
  EXPECT_CODE(store().createSubscription(s.id, alloc.id, -1, 100), kInvalidArgument);
  EXPECT_CODE(store().createSubscription(s.id, alloc.id, 100, -1), kInvalidArgument);
  EXPECT_CODE(store().createSubscription(common::newId(), alloc.id, 100, 100), kNotFound);
  EXPECT_CODE(store().createSubscription(s.id, common::newId(), 100, 100), kNotFound);
  EXPECT_TRUE(must(store().getSubscriptions(s.id), "getSubscriptions").empty());
}

// =================================================================================
// Jobs, layers and frames
// =================================================================================

TEST_P(StoreConformanceTest, CreateJobStoresJobLayersAndFrames) {
  NewJob nj = testingJob("lighting");
  nj.job.priority = 50;
  nj.job.max_retries = 5;
  nj.job.auto_eat = true;
  nj.job.env = {{"SHOT", "sh010"}, {"PATH_EXTRA", "/opt/bin:/usr/bin"}};
  addLayer(nj, "sim", 1, 3, 200, 2 * kKbPerGb);
  std::string render = addLayer(nj, "render", 10, 14);
  nj.layers[1].type = core::LayerType::kUtil;
  nj.layers[1].threadable = true;
  nj.layers[1].max_cores = 400;
  nj.layers[1].min_gpus = 1;
  nj.layers[1].max_gpus = 2;
  nj.layers[1].min_gpu_memory = kKbPerGb;
  nj.layers[1].tags = {"general", "gpu"};
  nj.layers[1].services = {"arnold", "shell"};
  nj.layers[1].limits = {"arnold_lic"};
  nj.layers[1].timeout_min = 120;
  nj.layers[1].timeout_llu_min = 30;
  nj.layers[1].env = {{"ARNOLD_THREADS", "4"}};
  nj.layers[1].outputs = {"/out/render.#.exr", "/out/render.#.json"};
  create(nj);

  core::Job j = job(nj.job.id);
  core::Job want = nj.job;
  want.state = JobState::kPending;
  EXPECT_EQ(fields(j), fields(want));

  auto layers = must(store().getLayers(nj.job.id), "getLayers");
  expectSameRecords(nj.layers, layers, "layers");
  EXPECT_EQ(fields(must(store().getLayer(render), "getLayer")), fields(nj.layers[1]));
  EXPECT_EQ(fields(must(store().findLayer(nj.job.id, "render"), "findLayer")),
            fields(nj.layers[1]));
  EXPECT_CODE(store().findLayer(nj.job.id, "comp"), kNotFound);

  auto fs = frames(nj.job.id);
  ASSERT_EQ(fs.size(), 8u);
  for (size_t k = 0; k < fs.size(); ++k) {
    SCOPED_TRACE(nj.frames[k].name);
    EXPECT_EQ(fs[k].id, nj.frames[k].id);
    EXPECT_EQ(fs[k].name, nj.frames[k].name);
    EXPECT_EQ(fs[k].number, nj.frames[k].number);
    EXPECT_EQ(fs[k].layer_id, nj.frames[k].layer_id);
    EXPECT_EQ(fs[k].layer_name, nj.frames[k].layer_name);
    EXPECT_EQ(fs[k].job_id, nj.job.id);
    EXPECT_EQ(fs[k].state, FrameState::kWaiting);
    EXPECT_EQ(fs[k].retry_count, 0);
    EXPECT_EQ(fs[k].depend_count, 0);
    EXPECT_EQ(fs[k].exit_status, -1);
  }
  EXPECT_EQ(frame(nj.frames[4].id).name, "0011-render");

  auto counts = must(store().jobFrameCounts({nj.job.id}), "jobFrameCounts");
  EXPECT_EQ(counts[nj.job.id].total, 8);
  EXPECT_EQ(counts[nj.job.id].waiting, 8);
  auto by_layer = must(store().layerFrameCounts(nj.job.id), "layerFrameCounts");
  EXPECT_EQ(by_layer[nj.layers[0].id].total, 3);
  EXPECT_EQ(by_layer[nj.layers[1].id].waiting, 5);
}

TEST_P(StoreConformanceTest, UnknownJobLayerAndFrameAreNotFound) {
  EXPECT_CODE(store().getJob(common::newId()), kNotFound);
  EXPECT_CODE(store().findJob("testing-sh010-nobody_nothing"), kNotFound);
  EXPECT_CODE(store().getLayer(common::newId()), kNotFound);
  EXPECT_CODE(store().getFrame(common::newId()), kNotFound);
  EXPECT_CODE(store().setJobPaused(common::newId(), true), kNotFound);
  EXPECT_CODE(store().setJobPriority(common::newId(), 10), kNotFound);
  EXPECT_CODE(store().killJob(common::newId(), kT0), kNotFound);
  EXPECT_CODE(store().getFrames(FrameSearch{}), kInvalidArgument);
  EXPECT_TRUE(must(store().getLayers(common::newId()), "getLayers").empty());
}

TEST_P(StoreConformanceTest, FindJobReturnsThePendingJobOfThatName) {
  NewJob nj = testingJob("comp");
  addLayer(nj, "comp", 1, 2);
  create(nj);
  core::Job found = must(store().findJob(nj.job.name), "findJob");
  EXPECT_EQ(found.id, nj.job.id);
  EXPECT_EQ(found.name, "testing-sh010-jdoe_comp");
  EXPECT_EQ(found.show, "testing");
}

TEST_P(StoreConformanceTest, FindJobIgnoresFinishedJobs) {
  NewJob nj = testingJob("comp");
  addLayer(nj, "comp", 1, 2);
  create(nj);
  must(store().killJob(nj.job.id, kT0 + 10), "killJob");
  EXPECT_CODE(store().findJob(nj.job.name), kNotFound);
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);  // still there by id
}

TEST_P(StoreConformanceTest, SetJobPausedAndPriorityAreStored) {
  NewJob nj = testingJob("pause");
  addLayer(nj, "a", 1, 1);
  create(nj);
  must(store().setJobPaused(nj.job.id, true), "setJobPaused");
  must(store().setJobPriority(nj.job.id, 300), "setJobPriority");
  core::Job j = job(nj.job.id);
  EXPECT_TRUE(j.paused);
  EXPECT_EQ(j.priority, 300);
  must(store().setJobPaused(nj.job.id, false), "setJobPaused");
  EXPECT_FALSE(job(nj.job.id).paused);
}

TEST_P(StoreConformanceTest, SecondPendingJobWithSameNameIsAlreadyExistsAndWritesNothing) {
  NewJob first = testingJob("dup");
  addLayer(first, "a", 1, 3);
  create(first);

  NewJob second = testingJob("dup");  // same name, new ids
  ASSERT_EQ(second.job.name, first.job.name);
  addLayer(second, "a", 1, 5);
  second.depends.push_back(
      makeDepend(DependType::kJobOnJob, second.job.id, "", "", first.job.id, "", ""));
  EXPECT_CODE(store().createJob(second), kAlreadyExists);

  EXPECT_CODE(store().getJob(second.job.id), kNotFound);
  EXPECT_CODE(store().getLayer(second.layers[0].id), kNotFound);
  EXPECT_CODE(store().getFrame(second.frames[0].id), kNotFound);
  EXPECT_TRUE(frames(second.job.id).empty());
  EXPECT_TRUE(must(store().getDepends(second.job.id), "getDepends").empty());
  EXPECT_TRUE(must(store().getDepends(first.job.id), "getDepends").empty());
  auto jobs = must(store().getJobs(JobSearch{}), "getJobs");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, first.job.id);
  EXPECT_EQ(frames(first.job.id).size(), 3u);
  EXPECT_EQ(must(store().findJob(first.job.name), "findJob").id, first.job.id);
}

TEST_P(StoreConformanceTest, NameOfFinishedJobCanBeReused) {
  NewJob first = testingJob("again");
  addLayer(first, "a", 1, 1);
  create(first);
  must(store().killJob(first.job.id, kT0 + 5), "killJob");

  NewJob second = testingJob("again", "sh010", "jdoe", kT0 + 10);
  addLayer(second, "a", 1, 1);
  create(second);
  EXPECT_EQ(must(store().findJob(second.job.name), "findJob").id, second.job.id);
  EXPECT_EQ(job(first.job.id).state, JobState::kFinished);
  EXPECT_EQ(job(second.job.id).state, JobState::kPending);
}

TEST_P(StoreConformanceTest, CreateJobInUnknownShowOrGroupIsNotFoundAndWritesNothing) {
  NewJob nj = testingJob("lost");
  addLayer(nj, "a", 1, 2);
  NewJob no_show = nj;
  no_show.job.show_id = common::newId();
  EXPECT_CODE(store().createJob(no_show), kNotFound);
  NewJob no_group = nj;
  no_group.job.group_id = common::newId();
  EXPECT_CODE(store().createJob(no_group), kNotFound);
  EXPECT_CODE(store().getJob(nj.job.id), kNotFound);
  EXPECT_TRUE(frames(nj.job.id).empty());
  create(nj);  // the same job, well placed, goes in
  EXPECT_EQ(frames(nj.job.id).size(), 2u);
}

TEST_P(StoreConformanceTest, CreateJobsWritesEveryJobBeforeAnyDepend) {
  // The render job is listed first but waits on the prep job listed after it.
  NewJob render = testingJob("render", "sh010", "jdoe", kT0);
  std::string comp = addLayer(render, "comp", 1, 2);
  addLayer(render, "beauty", 1, 2);
  NewJob prep = testingJob("prep", "sh010", "jdoe", kT0 + 1);
  addLayer(prep, "cache", 1, 1);
  render.depends.push_back(
      makeDepend(DependType::kLayerOnJob, render.job.id, comp, "", prep.job.id, "", ""));
  NewJob post = testingJob("post", "sh010", "jdoe", kT0 + 2);
  addLayer(post, "cleanup", 1, 1);
  post.depends.push_back(
      makeDepend(DependType::kJobOnJob, post.job.id, "", "", render.job.id, "", ""));
  must(store().createJobs({render, prep, post}), "createJobs");

  for (const auto& f : frames(render.job.id, "comp")) EXPECT_EQ(f.state, FrameState::kDepend);
  for (const auto& f : frames(render.job.id, "beauty")) EXPECT_EQ(f.state, FrameState::kWaiting);
  EXPECT_EQ(frame(frameOf(post, "cleanup", 1).id).state, FrameState::kDepend);

  core::Host h = bootHost("render01");
  EXPECT_TRUE(runToEnd(h, frameOf(prep, "cache", 1), 0, kT0).job_finished);
  for (const auto& f : frames(render.job.id, "comp")) EXPECT_EQ(f.state, FrameState::kWaiting);
  for (const auto& f : frames(render.job.id)) runToEnd(h, f, 0, kT0 + 100);
  EXPECT_EQ(job(render.job.id).state, JobState::kFinished);
  EXPECT_EQ(frame(frameOf(post, "cleanup", 1).id).state, FrameState::kWaiting);
}

TEST_P(StoreConformanceTest, CreateJobsWritesNothingWhenAnyJobIsRefused) {
  NewJob existing = testingJob("taken");
  addLayer(existing, "a", 1, 1);
  create(existing);

  NewJob fine = testingJob("fine");
  addLayer(fine, "a", 1, 2);
  NewJob dup = testingJob("taken");
  addLayer(dup, "a", 1, 1);
  EXPECT_CODE(store().createJobs({fine, dup}), kAlreadyExists);
  EXPECT_CODE(store().getJob(fine.job.id), kNotFound);
  EXPECT_TRUE(frames(fine.job.id).empty());

  // Two jobs of one name in one call.
  NewJob twin = testingJob("fine");
  addLayer(twin, "a", 1, 1);
  EXPECT_CODE(store().createJobs({fine, twin}), kAlreadyExists);
  EXPECT_CODE(store().getJob(fine.job.id), kNotFound);
  EXPECT_CODE(store().getJob(twin.job.id), kNotFound);
  EXPECT_EQ(must(store().getJobs(JobSearch{}), "getJobs").size(), 1u);
}

TEST_P(StoreConformanceTest, GetJobsSearchesByShowUserShotAndRegex) {
  core::Show other = must(store().createShow("other"), "createShow");
  NewJob a = testingJob("light_v1", "sh010", "alice", kT0);
  NewJob b = testingJob("comp_v1", "sh020", "bob", kT0 + 1);
  NewJob c = testingJob("light_v2", "sh020", "alice", kT0 + 2);
  NewJob d = newJob(other, rootGroup(other), "fx_v1", "sh010", "bob", kT0 + 3);
  for (NewJob* nj : {&a, &b, &c, &d}) {
    addLayer(*nj, "main", 1, 2);
    create(*nj);
  }
  auto ids = [&](const JobSearch& q) {
    std::vector<std::string> out;
    for (const auto& j : must(store().getJobs(q), "getJobs")) out.push_back(j.id);
    return out;
  };
  using V = std::vector<std::string>;
  // Ordered by submission time.
  EXPECT_EQ(ids(JobSearch{}), (V{a.job.id, b.job.id, c.job.id, d.job.id}));

  JobSearch by_show;
  by_show.shows = {"other"};
  EXPECT_EQ(ids(by_show), (V{d.job.id}));
  by_show.shows = {"testing"};
  EXPECT_EQ(ids(by_show), (V{a.job.id, b.job.id, c.job.id}));

  JobSearch by_user;
  by_user.users = {"alice"};
  EXPECT_EQ(ids(by_user), (V{a.job.id, c.job.id}));

  JobSearch by_shot;
  by_shot.shots = {"sh010"};
  EXPECT_EQ(ids(by_shot), (V{a.job.id, d.job.id}));

  JobSearch both;  // lists combine with AND
  both.shots = {"sh020"};
  both.users = {"bob"};
  EXPECT_EQ(ids(both), (V{b.job.id}));

  JobSearch by_regex;
  by_regex.regexes = {"light_v[0-9]+$"};
  EXPECT_EQ(ids(by_regex), (V{a.job.id, c.job.id}));
  by_regex.regexes = {"^other-", "comp"};  // any regex may match
  EXPECT_EQ(ids(by_regex), (V{b.job.id, d.job.id}));

  JobSearch by_id;
  by_id.ids = {c.job.id, a.job.id};
  EXPECT_EQ(ids(by_id), (V{a.job.id, c.job.id}));

  JobSearch by_name;
  by_name.names = {b.job.name};
  EXPECT_EQ(ids(by_name), (V{b.job.id}));

  JobSearch limited;
  limited.limit = 2;
  EXPECT_EQ(ids(limited), (V{a.job.id, b.job.id}));

  JobSearch nobody;
  nobody.users = {"carol"};
  EXPECT_TRUE(ids(nobody).empty());

  JobSearch bad;
  bad.regexes = {"light_v[0-9"};
  EXPECT_CODE(store().getJobs(bad), kInvalidArgument);
}

TEST_P(StoreConformanceTest, GetJobsIncludesFinishedJobsOnlyWhenAsked) {
  NewJob a = testingJob("a", "sh010", "jdoe", kT0);
  NewJob b = testingJob("b", "sh010", "jdoe", kT0 + 1);
  for (NewJob* nj : {&a, &b}) {
    addLayer(*nj, "main", 1, 1);
    create(*nj);
  }
  must(store().killJob(a.job.id, kT0 + 100), "killJob");

  auto pending = must(store().getJobs(JobSearch{}), "getJobs");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, b.job.id);

  JobSearch all;
  all.include_finished = true;
  auto jobs = must(store().getJobs(all), "getJobs");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].id, a.job.id);
  EXPECT_EQ(jobs[0].state, JobState::kFinished);
  EXPECT_EQ(jobs[0].stop_time, kT0 + 100);
  EXPECT_EQ(jobs[1].state, JobState::kPending);
}

TEST_P(StoreConformanceTest, GetFramesFiltersByStateLayerAndNumberRange) {
  NewJob nj = testingJob("frames");
  addLayer(nj, "sim", 1, 4);
  addLayer(nj, "render", 1, 10);
  create(nj);
  core::Host h = bootHost("render01");
  // sim 1 runs, sim 2 succeeds, render 3 is eaten.
  run(h, frameOf(nj, "sim", 1));
  runToEnd(h, frameOf(nj, "sim", 2), 0, kT0);
  must(store().eatFrames({frameOf(nj, "render", 3).id}, kT0), "eatFrames");

  auto search = [&](FrameSearch q) {
    q.job_id = nj.job.id;
    std::vector<std::string> names;
    for (const auto& f : must(store().getFrames(q), "getFrames"))
      names.push_back(f.layer_name + ":" + std::to_string(f.number));
    return names;
  };
  using V = std::vector<std::string>;

  FrameSearch by_layer;
  by_layer.layers = {"sim"};
  EXPECT_EQ(search(by_layer), (V{"sim:1", "sim:2", "sim:3", "sim:4"}));

  FrameSearch by_state;
  by_state.states = {FrameState::kRunning, FrameState::kSucceeded, FrameState::kEaten};
  EXPECT_EQ(search(by_state), (V{"sim:1", "sim:2", "render:3"}));
  by_state.states = {FrameState::kEaten};
  EXPECT_EQ(search(by_state), (V{"render:3"}));

  FrameSearch by_range;
  by_range.number_range = std::make_pair(3, 5);
  EXPECT_EQ(search(by_range), (V{"sim:3", "sim:4", "render:3", "render:4", "render:5"}));

  FrameSearch combined;
  combined.layers = {"render"};
  combined.number_range = std::make_pair(2, 6);
  combined.states = {FrameState::kWaiting};
  EXPECT_EQ(search(combined), (V{"render:2", "render:4", "render:5", "render:6"}));

  FrameSearch by_id;
  by_id.ids = {frameOf(nj, "render", 7).id, frameOf(nj, "sim", 3).id};
  EXPECT_EQ(search(by_id), (V{"sim:3", "render:7"}));
  // ids alone, without the job, are a valid search too.
  FrameSearch ids_only;
  ids_only.ids = {frameOf(nj, "render", 7).id};
  ASSERT_EQ(must(store().getFrames(ids_only), "getFrames").size(), 1u);

  auto counts = must(store().jobFrameCounts({nj.job.id}), "jobFrameCounts");
  const core::FrameCounts& c = counts[nj.job.id];
  EXPECT_EQ(c.total, 14);
  EXPECT_EQ(c.running, 1);
  EXPECT_EQ(c.succeeded, 1);
  EXPECT_EQ(c.eaten, 1);
  EXPECT_EQ(c.waiting, 11);
  expectCountsMatchFrames(nj.job.id);
}

// GetUpdatedFrames' search: the frames changed at or after a time (the database's clock,
// seconds), none of those left as they were submitted.
TEST_P(StoreConformanceTest, GetFramesUpdatedSinceFindsOnlyChangedFrames) {
  NewJob nj = testingJob("updated");
  addLayer(nj, "render", 1, 5);
  create(nj);
  // Stamped by the change itself (a booking) and by the trigger (eatFrames).
  run(bootHost("render01"), frameOf(nj, "render", 1));
  must(store().eatFrames({frameOf(nj, "render", 3).id}, kT0), "eatFrames");
  FrameSearch q;
  q.job_id = nj.job.id;
  q.updated_since = 1;
  auto changed = must(store().getFrames(q), "getFrames");
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(changed[0].number, 1);
  EXPECT_EQ(changed[1].number, 3);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (const auto& f : changed) {
    EXPECT_GE(f.updated_time, now - 60) << f.number << ": the database's clock";
    EXPECT_LE(f.updated_time, now + 60) << f.number;
  }
  q.updated_since = now + 120;
  EXPECT_TRUE(must(store().getFrames(q), "getFrames").empty()) << "nothing changed since";
}

TEST_P(StoreConformanceTest, GetFramesPagesInDispatchOrder) {
  NewJob nj = testingJob("paging");
  addLayer(nj, "a", 1, 4);
  addLayer(nj, "b", 1, 3);
  create(nj);
  auto page = [&](int32_t p, int32_t limit) {
    FrameSearch q;
    q.job_id = nj.job.id;
    q.page = p;
    q.limit = limit;
    std::vector<std::string> names;
    for (const auto& f : must(store().getFrames(q), "getFrames")) names.push_back(f.name);
    return names;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(page(1, 3), (V{"0001-a", "0002-a", "0003-a"}));
  EXPECT_EQ(page(2, 3), (V{"0004-a", "0001-b", "0002-b"}));
  EXPECT_EQ(page(3, 3), (V{"0003-b"}));
  EXPECT_TRUE(page(4, 3).empty());
  EXPECT_EQ(page(1, 0).size(), 7u);  // no limit: everything

  // Reordered (a permutation of 0..n-1, as ReorderFrames leaves a layer): pages follow it.
  auto a = frames(nj.job.id, "a");  // 0001-a .. 0004-a
  must(store().setFrameDispatchOrders(
           {{a[0].id, 3}, {a[1].id, 2}, {a[2].id, 1}, {a[3].id, 0}}),
       "setFrameDispatchOrders");
  EXPECT_EQ(page(1, 3), (V{"0004-a", "0003-a", "0002-a"}));
  EXPECT_EQ(page(2, 2), (V{"0002-a", "0001-a"}));
  EXPECT_EQ(page(2, 3), (V{"0001-a", "0001-b", "0002-b"}));
  // Orders with gaps and ties (not what Cue writes): pages still step through them in order.
  must(store().setFrameDispatchOrders(
           {{a[0].id, 10}, {a[1].id, 10}, {a[2].id, 30}, {a[3].id, 40}}),
       "setFrameDispatchOrders");
  V second = page(2, 2);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0], "0003-a");
  EXPECT_EQ(second[1], "0004-a");
  EXPECT_EQ(page(3, 2), (V{"0001-b", "0002-b"}));
}

// =================================================================================
// Depends
// =================================================================================

TEST_P(StoreConformanceTest, LayerOnLayerDependHoldsFramesUntilEveryFrameOfOtherLayerSucceeds) {
  NewJob nj = testingJob("lol");
  std::string sim = addLayer(nj, "sim", 1, 2);
  std::string render = addLayer(nj, "render", 1, 3);
  nj.depends.push_back(
      makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, ""));
  create(nj);

  for (const auto& f : frames(nj.job.id, "render")) {
    EXPECT_EQ(f.state, FrameState::kDepend) << f.name;
    EXPECT_EQ(f.depend_count, 1) << f.name;
  }
  for (const auto& f : frames(nj.job.id, "sim")) EXPECT_EQ(f.state, FrameState::kWaiting);
  auto deps = must(store().getDepends(nj.job.id), "getDepends");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_TRUE(deps[0].active);
  EXPECT_EQ(deps[0].type, DependType::kLayerOnLayer);

  core::Host h = bootHost("render01");
  // Only the sim layer is offered; its frames are booked as the dispatcher would.
  auto cands = candidates(h.id);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].layer.id, sim);
  ASSERT_EQ(cands[0].waiting.size(), 2u);
  std::vector<Booking> bookings;
  for (const auto& f : cands[0].waiting)
    bookings.push_back(bookingFor(h, f, cands[0].layer.min_cores, cands[0].layer.min_memory));
  ASSERT_EQ(must(store().book(bookings), "book").size(), 2u);
  EXPECT_TRUE(candidates(h.id).empty());

  // sim 1 fails once (retried), then succeeds: render still waits on sim 2.
  core::Frame sim1 = frameOf(nj, "sim", 1), sim2 = frameOf(nj, "sim", 2);
  EXPECT_EQ(complete(bookings[0].proc_id, sim1, h, 1, kT0 + 10).new_state, FrameState::kWaiting);
  for (const auto& f : frames(nj.job.id, "render")) EXPECT_EQ(f.state, FrameState::kDepend);
  EXPECT_EQ(complete(run(h, sim1), sim1, h, 0, kT0 + 20).new_state, FrameState::kSucceeded);
  for (const auto& f : frames(nj.job.id, "render")) {
    EXPECT_EQ(f.state, FrameState::kDepend) << f.name;
    EXPECT_EQ(f.depend_count, 1) << f.name;
  }
  EXPECT_TRUE(candidates(h.id).empty());

  // The last sim frame succeeds: every render frame waits, the depend is over.
  EXPECT_EQ(complete(bookings[1].proc_id, sim2, h, 0, kT0 + 30).new_state, FrameState::kSucceeded);
  for (const auto& f : frames(nj.job.id, "render")) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  deps = must(store().getDepends(nj.job.id), "getDepends");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_FALSE(deps[0].active);
  cands = candidates(h.id);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].layer.id, render);
  EXPECT_EQ(cands[0].waiting.size(), 3u);
}

TEST_P(StoreConformanceTest, FrameOnFrameDependsReleaseOneFrameAtATime) {
  NewJob nj = testingJob("fof");
  addLayer(nj, "sim", 1, 3);
  addLayer(nj, "render", 1, 3);
  for (int n = 1; n <= 3; ++n)
    nj.depends.push_back(makeDepend(DependType::kFrameOnFrame, nj.job.id,
                                    frameOf(nj, "render", n).layer_id, frameOf(nj, "render", n).id,
                                    nj.job.id, frameOf(nj, "sim", n).layer_id,
                                    frameOf(nj, "sim", n).id));
  create(nj);
  auto state = [&](const std::string& layer, int n) {
    return frame(frameOf(nj, layer, n).id).state;
  };
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(state("render", n), FrameState::kDepend);
    EXPECT_EQ(frame(frameOf(nj, "render", n).id).depend_count, 1);
  }

  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(nj, "sim", 1), 0, kT0);
  EXPECT_EQ(state("render", 1), FrameState::kWaiting);
  EXPECT_EQ(state("render", 2), FrameState::kDepend);
  EXPECT_EQ(state("render", 3), FrameState::kDepend);

  runToEnd(h, frameOf(nj, "sim", 3), 0, kT0 + 100);
  EXPECT_EQ(state("render", 2), FrameState::kDepend);
  EXPECT_EQ(state("render", 3), FrameState::kWaiting);

  // A failed attempt of sim 2 releases nothing.
  EXPECT_EQ(runToEnd(h, frameOf(nj, "sim", 2), 1, kT0 + 200).new_state, FrameState::kWaiting);
  EXPECT_EQ(state("render", 2), FrameState::kDepend);
  runToEnd(h, frameOf(nj, "sim", 2), 0, kT0 + 300);
  EXPECT_EQ(state("render", 2), FrameState::kWaiting);
  for (const auto& d : must(store().getDepends(nj.job.id), "getDepends")) EXPECT_FALSE(d.active);
}

TEST_P(StoreConformanceTest, JobOnJobDependIsSatisfiedWhenFirstJobFinishes) {
  NewJob first = testingJob("first", "sh010", "jdoe", kT0);
  addLayer(first, "a", 1, 2);
  create(first);
  NewJob second = testingJob("second", "sh010", "jdoe", kT0 + 1);
  addLayer(second, "a", 1, 2);
  addLayer(second, "b", 1, 1);
  second.depends.push_back(
      makeDepend(DependType::kJobOnJob, second.job.id, "", "", first.job.id, "", ""));
  create(second);
  for (const auto& f : frames(second.job.id)) {
    EXPECT_EQ(f.state, FrameState::kDepend) << f.name;
    EXPECT_EQ(f.depend_count, 1) << f.name;
  }
  // The depend shows up on both jobs.
  EXPECT_EQ(must(store().getDepends(first.job.id), "getDepends").size(), 1u);

  core::Host h = bootHost("render01");
  auto cands = candidates(h.id);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].job.id, first.job.id);

  CompletionResult r1 = runToEnd(h, frameOf(first, "a", 1), 0, kT0);
  EXPECT_FALSE(r1.job_finished);
  for (const auto& f : frames(second.job.id)) EXPECT_EQ(f.state, FrameState::kDepend);

  CompletionResult r2 = runToEnd(h, frameOf(first, "a", 2), 0, kT0 + 100);
  EXPECT_TRUE(r2.job_finished);
  EXPECT_EQ(job(first.job.id).state, JobState::kFinished);
  for (const auto& f : frames(second.job.id)) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  auto deps = must(store().getDepends(second.job.id), "getDepends");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_FALSE(deps[0].active);
}

TEST_P(StoreConformanceTest, JobOnJobDependIsSatisfiedWhenFirstJobIsKilled) {
  NewJob first = testingJob("first", "sh010", "jdoe", kT0);
  addLayer(first, "a", 1, 3);
  create(first);
  NewJob second = testingJob("second", "sh010", "jdoe", kT0 + 1);
  addLayer(second, "a", 1, 2);
  second.depends.push_back(
      makeDepend(DependType::kJobOnJob, second.job.id, "", "", first.job.id, "", ""));
  create(second);
  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(first, "a", 1), 0, kT0);
  for (const auto& f : frames(second.job.id)) EXPECT_EQ(f.state, FrameState::kDepend);

  must(store().killJob(first.job.id, kT0 + 500), "killJob");
  for (const auto& f : frames(second.job.id)) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  EXPECT_FALSE(must(store().getDepends(second.job.id), "getDepends")[0].active);
}

TEST_P(StoreConformanceTest, DependOnFinishedJobIsSatisfiedAtCreation) {
  NewJob first = testingJob("first");
  addLayer(first, "a", 1, 1);
  create(first);
  must(store().killJob(first.job.id, kT0 + 1), "killJob");

  NewJob second = testingJob("second");
  addLayer(second, "a", 1, 2);
  second.depends.push_back(
      makeDepend(DependType::kJobOnJob, second.job.id, "", "", first.job.id, "", ""));
  create(second);
  for (const auto& f : frames(second.job.id)) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }
  auto deps = must(store().getDepends(second.job.id), "getDepends");
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_FALSE(deps[0].active);
}

TEST_P(StoreConformanceTest, FrameHeldByTwoDependsWaitsForBoth) {
  NewJob nj = testingJob("two");
  std::string a = addLayer(nj, "a", 1, 1);
  std::string b = addLayer(nj, "b", 1, 1);
  std::string c = addLayer(nj, "c", 1, 1);
  nj.depends.push_back(makeDepend(DependType::kLayerOnLayer, nj.job.id, c, "", nj.job.id, a, ""));
  nj.depends.push_back(makeDepend(DependType::kLayerOnLayer, nj.job.id, c, "", nj.job.id, b, ""));
  create(nj);
  const std::string c1 = frameOf(nj, "c", 1).id;
  EXPECT_EQ(frame(c1).depend_count, 2);
  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(nj, "a", 1), 0, kT0);
  EXPECT_EQ(frame(c1).state, FrameState::kDepend);
  EXPECT_EQ(frame(c1).depend_count, 1);
  runToEnd(h, frameOf(nj, "b", 1), 0, kT0 + 100);
  EXPECT_EQ(frame(c1).state, FrameState::kWaiting);
  EXPECT_EQ(frame(c1).depend_count, 0);
}

TEST_P(StoreConformanceTest, LayerOnFrameAndFrameOnLayerDependsHoldTheirWaitingSide) {
  NewJob nj = testingJob("mixed");
  std::string a = addLayer(nj, "a", 1, 2);
  std::string b = addLayer(nj, "b", 1, 2);
  std::string c = addLayer(nj, "c", 1, 2);
  // Every frame of b waits on a.1; only c.2 waits on the whole of a.
  nj.depends.push_back(makeDepend(DependType::kLayerOnFrame, nj.job.id, b, "", nj.job.id, a,
                                  frameOf(nj, "a", 1).id));
  nj.depends.push_back(makeDepend(DependType::kFrameOnLayer, nj.job.id, c, frameOf(nj, "c", 2).id,
                                  nj.job.id, a, ""));
  create(nj);
  auto state = [&](const std::string& layer, int n) {
    return frame(frameOf(nj, layer, n).id).state;
  };
  EXPECT_EQ(state("b", 1), FrameState::kDepend);
  EXPECT_EQ(state("b", 2), FrameState::kDepend);
  EXPECT_EQ(state("c", 1), FrameState::kWaiting);
  EXPECT_EQ(state("c", 2), FrameState::kDepend);

  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(nj, "a", 1), 0, kT0);
  EXPECT_EQ(state("b", 1), FrameState::kWaiting);
  EXPECT_EQ(state("b", 2), FrameState::kWaiting);
  EXPECT_EQ(state("c", 2), FrameState::kDepend);
  runToEnd(h, frameOf(nj, "a", 2), 0, kT0 + 100);
  EXPECT_EQ(state("c", 2), FrameState::kWaiting);
}

TEST_P(StoreConformanceTest, JobOnFrameDependIsSatisfiedByThatFrameAlone) {
  NewJob first = testingJob("first", "sh010", "jdoe", kT0);
  addLayer(first, "a", 1, 3);
  create(first);
  NewJob second = testingJob("second", "sh010", "jdoe", kT0 + 1);
  addLayer(second, "a", 1, 2);
  second.depends.push_back(makeDepend(DependType::kJobOnFrame, second.job.id, "", "", first.job.id,
                                      frameOf(first, "a", 2).layer_id, frameOf(first, "a", 2).id));
  create(second);
  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(first, "a", 1), 0, kT0);
  for (const auto& f : frames(second.job.id)) EXPECT_EQ(f.state, FrameState::kDepend);
  runToEnd(h, frameOf(first, "a", 2), 0, kT0 + 100);
  for (const auto& f : frames(second.job.id)) EXPECT_EQ(f.state, FrameState::kWaiting);
  EXPECT_EQ(job(first.job.id).state, JobState::kPending) << "frame 3 is still to run";
}

TEST_P(StoreConformanceTest, RetriedFrameStillHeldByADependGoesBackToDepend) {
  NewJob nj = testingJob("held");
  std::string sim = addLayer(nj, "sim", 1, 1);
  std::string render = addLayer(nj, "render", 1, 2);
  nj.depends.push_back(
      makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, ""));
  create(nj);
  const std::string r1 = frameOf(nj, "render", 1).id;
  must(store().eatFrames({r1}, kT0), "eatFrames");
  EXPECT_EQ(frame(r1).state, FrameState::kEaten);
  must(store().retryFrames({r1}, kT0 + 1), "retryFrames");
  EXPECT_EQ(frame(r1).state, FrameState::kDepend);
  EXPECT_EQ(frame(r1).depend_count, 1);

  core::Host h = bootHost("render01");
  runToEnd(h, frameOf(nj, "sim", 1), 0, kT0 + 10);
  EXPECT_EQ(frame(r1).state, FrameState::kWaiting);
  EXPECT_EQ(frame(r1).depend_count, 0);
}

// =================================================================================
// Hosts
// =================================================================================

TEST_P(StoreConformanceTest, UpsertHostCreatesHostInItsFacilityGeneralAllocation) {
  core::Host h = bootHost("render01", 1600, 32 * kKbPerGb, kT0);
  EXPECT_FALSE(h.id.empty());
  EXPECT_EQ(h.name, "render01");
  EXPECT_EQ(h.alloc_name, "local.general");
  EXPECT_EQ(h.facility, "local");
  EXPECT_EQ(h.state, core::HardwareState::kUp);
  EXPECT_EQ(h.lock_state, core::LockState::kOpen);
  EXPECT_EQ(h.cores, 1600);
  EXPECT_EQ(h.idle_cores, 1600);
  EXPECT_EQ(h.memory, 32 * kKbPerGb);
  EXPECT_EQ(h.idle_memory, 32 * kKbPerGb);
  EXPECT_EQ(h.total_memory, 32 * kKbPerGb);
  EXPECT_EQ(h.ping_time, kT0);
  EXPECT_EQ(h.boot_time, kT0 - 3600);
  EXPECT_EQ(h.rqd_address, "render01:8444");
  EXPECT_EQ(h.os, "linux");
  std::set<std::string> tags(h.tags.begin(), h.tags.end());
  EXPECT_TRUE(tags.contains("general")) << "the allocation's tag";
  EXPECT_TRUE(tags.contains("linux")) << "the tag rqd reported";

  core::Host cloud = bootHost("cloud01", 400, 8 * kKbPerGb, kT0, "cloud");
  EXPECT_EQ(cloud.alloc_name, "cloud.general");
  EXPECT_EQ(cloud.facility, "cloud");
  core::Host stray = bootHost("stray01", 400, 8 * kKbPerGb, kT0, "atlantis");
  EXPECT_EQ(stray.alloc_name, "local.general");

  EXPECT_EQ(fields(must(store().findHost("render01"), "findHost")), fields(h));
  EXPECT_EQ(fields(host(h.id)), fields(h));
  EXPECT_CODE(store().findHost("nohost"), kNotFound);
  EXPECT_CODE(store().getHost(common::newId()), kNotFound);
  EXPECT_CODE(store().upsertHost(hostReport("", 100, kKbPerGb, kT0)), kInvalidArgument);

  HostSearch by_alloc;
  by_alloc.allocs = {"local.general"};
  EXPECT_EQ(must(store().getHosts(by_alloc), "getHosts").size(), 2u);
  HostSearch by_name;
  by_name.names = {"cloud01"};
  auto found = must(store().getHosts(by_name), "getHosts");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, cloud.id);
  EXPECT_EQ(must(store().getHosts(HostSearch{}), "getHosts").size(), 3u);
}

TEST_P(StoreConformanceTest, UpsertHostAgainKeepsIdentityAndRecomputesIdleFromProcs) {
  NewJob nj = testingJob("up");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb, kT0);
  run(h, frameOf(nj, "a", 1), 300, 4 * kKbPerGb);
  must(store().setHostState(h.id, core::HardwareState::kDown), "setHostState");
  must(store().setHostLock(h.id, core::LockState::kLocked), "setHostLock");

  // rqd restarts with more memory and claims to be idle; cuebot's bookings still count.
  HostReportData r = hostReport("render01", 800, 24 * kKbPerGb, kT0 + 50);
  core::Host again = must(store().upsertHost(r), "upsertHost");
  EXPECT_EQ(again.id, h.id);
  EXPECT_EQ(again.state, core::HardwareState::kUp);
  EXPECT_EQ(again.lock_state, core::LockState::kLocked) << "an admin's lock survives a reboot";
  EXPECT_EQ(again.memory, 24 * kKbPerGb);
  EXPECT_EQ(again.idle_cores, 500);
  EXPECT_EQ(again.idle_memory, 20 * kKbPerGb);
  EXPECT_EQ(again.ping_time, kT0 + 50);
  EXPECT_EQ(must(store().getHosts(HostSearch{}), "getHosts").size(), 1u);

  r.nimby_locked = true;
  EXPECT_EQ(must(store().upsertHost(r), "upsertHost").lock_state, core::LockState::kNimbyLocked);
}

TEST_P(StoreConformanceTest, SetHostLockAndStateAreStored) {
  core::Host h = bootHost("render01");
  must(store().setHostLock(h.id, core::LockState::kLocked), "setHostLock");
  must(store().setHostState(h.id, core::HardwareState::kRepair), "setHostState");
  core::Host got = host(h.id);
  EXPECT_EQ(got.lock_state, core::LockState::kLocked);
  EXPECT_EQ(got.state, core::HardwareState::kRepair);
  EXPECT_CODE(store().setHostLock(common::newId(), core::LockState::kOpen), kNotFound);
  EXPECT_CODE(store().setHostState(common::newId(), core::HardwareState::kUp), kNotFound);
  HostSearch by_state;
  by_state.states = {core::HardwareState::kRepair};
  EXPECT_EQ(must(store().getHosts(by_state), "getHosts").size(), 1u);
  by_state.states = {core::HardwareState::kUp};
  EXPECT_TRUE(must(store().getHosts(by_state), "getHosts").empty());
}

// A host's reports (boot or status) bring it UP, except from REPAIR, which only an admin
// clears (OpenCue's rule: a host under repair keeps reporting).
TEST_P(StoreConformanceTest, ReportsBringAHostUpButNotOutOfRepair) {
  core::Host h = bootHost("render01");
  const HostReportData report = hostReport("render01", 800, 16 * kKbPerGb, kT0, "local");
  must(store().setHostState(h.id, core::HardwareState::kRepair), "setHostState");
  must(store().updateHostReport(report, {}), "updateHostReport");
  EXPECT_EQ(host(h.id).state, core::HardwareState::kRepair) << "after a status report";
  must(store().upsertHost(report), "upsertHost");
  EXPECT_EQ(host(h.id).state, core::HardwareState::kRepair) << "after a boot";
  must(store().setHostState(h.id, core::HardwareState::kDown), "setHostState");
  must(store().updateHostReport(report, {}), "updateHostReport");
  EXPECT_EQ(host(h.id).state, core::HardwareState::kUp) << "a DOWN host that reports is UP";
  must(store().setHostState(h.id, core::HardwareState::kRebooting), "setHostState");
  must(store().upsertHost(report), "upsertHost");
  EXPECT_EQ(host(h.id).state, core::HardwareState::kUp) << "a rebooted host that boots is UP";
}

TEST_P(StoreConformanceTest, HostsNotPingedSinceListsOnlyStaleUpHosts) {
  core::Host old_host = bootHost("old", 800, 16 * kKbPerGb, kT0);
  core::Host new_host = bootHost("new", 800, 16 * kKbPerGb, kT0 + 100);
  core::Host down_host = bootHost("down", 800, 16 * kKbPerGb, kT0);
  must(store().setHostState(down_host.id, core::HardwareState::kDown), "setHostState");

  auto names = [&](core::EpochSec before) {
    std::vector<std::string> out;
    for (const auto& h : must(store().hostsNotPingedSince(before), "hostsNotPingedSince"))
      out.push_back(h.name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_TRUE(names(kT0).empty()) << "a ping exactly at `before` is not stale";
  EXPECT_EQ(names(kT0 + 50), (V{"old"}));
  EXPECT_EQ(names(kT0 + 200), (V{"new", "old"}));

  // A report refreshes the ping.
  must(store().updateHostReport(hostReport("old", 800, 16 * kKbPerGb, kT0 + 300), {}),
       "updateHostReport");
  EXPECT_EQ(names(kT0 + 200), (V{"new"}));

  // A restarting cuebot gives every UP host a fresh timeout.
  must(store().touchAllHosts(kT0 + 1000), "touchAllHosts");
  EXPECT_TRUE(names(kT0 + 1000).empty());
  EXPECT_EQ(names(kT0 + 1001), (V{"new", "old"}));
  EXPECT_EQ(host(down_host.id).ping_time, kT0) << "DOWN hosts are not touched";
}

TEST_P(StoreConformanceTest, UpdateHostReportUpdatesProcUsageAndFrameMaxRss) {
  NewJob nj = testingJob("usage");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h, f, 200, 4 * kKbPerGb);

  HostReportData r = hostReport("render01", 800, 16 * kKbPerGb, kT0 + 30);
  r.free_memory = 10 * kKbPerGb;
  r.load = 250;
  ProcUsage u;
  u.proc_id = proc;
  u.frame_id = f.id;
  u.rss = kKbPerGb;
  u.max_rss = 2 * kKbPerGb;
  u.pss = kKbPerGb / 2;
  u.max_pss = kKbPerGb;
  core::Host got = must(store().updateHostReport(r, {u}), "updateHostReport");
  EXPECT_EQ(got.ping_time, kT0 + 30);
  EXPECT_EQ(got.free_memory, 10 * kKbPerGb);
  EXPECT_EQ(got.load, 250);
  EXPECT_EQ(got.idle_cores, 600) << "reports do not undo cuebot's bookings";

  ProcSearch q;
  q.ids = {proc};
  auto procs = must(store().getProcs(q), "getProcs");
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_EQ(procs[0].used_memory, kKbPerGb);
  EXPECT_EQ(procs[0].max_rss, 2 * kKbPerGb);
  EXPECT_EQ(procs[0].used_pss, kKbPerGb / 2);
  EXPECT_EQ(procs[0].max_pss, kKbPerGb);
  EXPECT_EQ(procs[0].ping_time, kT0 + 30);
  EXPECT_EQ(frame(f.id).max_rss, 2 * kKbPerGb);
  EXPECT_EQ(frame(f.id).used_memory, kKbPerGb);

  // A later, smaller peak never lowers the frame's max_rss.
  r.now = kT0 + 60;
  u.rss = kKbPerGb / 4;
  u.max_rss = kKbPerGb;
  must(store().updateHostReport(r, {u}), "updateHostReport");
  EXPECT_EQ(frame(f.id).max_rss, 2 * kKbPerGb);
  EXPECT_EQ(frame(f.id).used_memory, kKbPerGb / 4);

  // Usage of a proc cuebot does not hold is ignored; the report still counts.
  ProcUsage stray;
  stray.proc_id = common::newId();
  stray.frame_id = f.id;
  stray.max_rss = 64 * kKbPerGb;
  r.now = kT0 + 90;
  EXPECT_EQ(must(store().updateHostReport(r, {stray}), "updateHostReport").ping_time, kT0 + 90);
  EXPECT_EQ(frame(f.id).max_rss, 2 * kKbPerGb);

  // The completion's own peak, when higher, is the frame's and the attempt's.
  complete(proc, f, h, 0, kT0 + 120, 120, 3 * kKbPerGb);
  EXPECT_EQ(frame(f.id).max_rss, 3 * kKbPerGb);
  auto hist = must(store().getFrameHistory(f.id), "getFrameHistory");
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(hist[0].max_rss, 3 * kKbPerGb);
}

TEST_P(StoreConformanceTest, UpdateHostReportOfUnknownHostIsNotFound) {
  EXPECT_CODE(store().updateHostReport(hostReport("ghost", 800, kKbPerGb, kT0), {}), kNotFound);
  EXPECT_TRUE(must(store().getHosts(HostSearch{}), "getHosts").empty());
}

TEST_P(StoreConformanceTest, UpdateHostReportsAppliesEachReportOfABatchInOrder) {
  NewJob nj = testingJob("batch");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h1 = bootHost("render01");
  core::Host h2 = bootHost("render02");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h2, f, 100, 2 * kKbPerGb);

  ProcUsage u;
  u.proc_id = proc;
  u.frame_id = f.id;
  u.rss = kKbPerGb;
  u.max_rss = kKbPerGb;
  HostReportData first = hostReport("render02", 800, 16 * kKbPerGb, kT0 + 10);
  HostReportData later = hostReport("render02", 800, 16 * kKbPerGb, kT0 + 20);
  ProcUsage grown = u;
  grown.rss = grown.max_rss = 3 * kKbPerGb;
  HostReportData one = hostReport("render01", 800, 16 * kKbPerGb, kT0 + 15);
  one.load = 150;
  auto got = must(store().updateHostReports({{one, {}},
                                             {hostReport("ghost", 800, kKbPerGb, kT0), {}},
                                             {first, {u}},
                                             {later, {grown}}}),
                  "updateHostReports");
  ASSERT_EQ(got.size(), 4u);
  ASSERT_TRUE(got[0].ok()) << got[0].status();
  EXPECT_EQ(got[0]->id, h1.id);
  EXPECT_EQ(got[0]->load, 150);
  EXPECT_EQ(got[0]->ping_time, kT0 + 15);
  EXPECT_EQ(got[1].status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(got[2].ok() && got[3].ok());
  EXPECT_EQ(got[2]->id, h2.id);
  EXPECT_EQ(got[3]->ping_time, kT0 + 20) << "the host as the whole batch left it";
  EXPECT_EQ(got[3]->idle_cores, 700);
  EXPECT_EQ(frame(f.id).max_rss, 3 * kKbPerGb);
  EXPECT_EQ(frame(f.id).used_memory, 3 * kKbPerGb);
  EXPECT_EQ(host(h1.id).ping_time, kT0 + 15);
  EXPECT_EQ(must(store().getHosts(HostSearch{}), "getHosts").size(), 2u) << "no host made";
  EXPECT_TRUE(must(store().updateHostReports({}), "updateHostReports").empty());
}

TEST_P(StoreConformanceTest, MarkHostDownRequeuesRunningFramesAndFreesHost) {
  NewJob nj = testingJob("down");
  addLayer(nj, "a", 1, 3);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  core::Host other = bootHost("render02", 800, 16 * kKbPerGb);
  std::string p1 = run(h, frameOf(nj, "a", 1), 200, 2 * kKbPerGb);
  std::string p2 = run(h, frameOf(nj, "a", 2), 200, 2 * kKbPerGb);
  std::string p3 = run(other, frameOf(nj, "a", 3), 200, 2 * kKbPerGb);

  auto lost = must(store().markHostDown(h.id, kT0 + 100), "markHostDown");
  EXPECT_EQ(namesOf(lost, [](const core::Proc& p) { return p.id; }),
            (std::set<std::string>{p1, p2}));
  for (const auto& p : lost) {
    EXPECT_EQ(p.host_id, h.id);
    EXPECT_EQ(p.reserved_cores, 200);
  }
  for (int n : {1, 2}) {
    core::Frame f = frame(frameOf(nj, "a", n).id);
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.retry_count, 0) << f.name << ": a lost host is not the frame's fault";
  }
  EXPECT_EQ(frame(frameOf(nj, "a", 3).id).state, FrameState::kRunning);

  core::Host down = host(h.id);
  EXPECT_EQ(down.state, core::HardwareState::kDown);
  EXPECT_EQ(down.idle_cores, 800);
  EXPECT_EQ(down.idle_memory, 16 * kKbPerGb);
  ProcSearch on_host;
  on_host.host_ids = {h.id};
  EXPECT_TRUE(must(store().getProcs(on_host), "getProcs").empty());
  EXPECT_EQ(host(other.id).idle_cores, 600);

  // A late completion from the lost host finds nothing to do.
  EXPECT_CODE(store().completeFrame(completion(p1, frameOf(nj, "a", 1), h, 0, kT0 + 200)),
              kNotFound);
  EXPECT_EQ(frame(frameOf(nj, "a", 1).id).state, FrameState::kWaiting);
  // The requeued frames run elsewhere.
  auto cands = candidates(other.id);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].waiting.size(), 2u);
  EXPECT_CODE(store().markHostDown(common::newId(), kT0), kNotFound);
}

TEST_P(StoreConformanceTest, ReleaseProcsRequeuesTheirFramesWithoutRetry) {
  NewJob nj = testingJob("release");
  nj.job.max_retries = 0;
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  std::string p1 = run(h, frameOf(nj, "a", 1), 300, 2 * kKbPerGb);
  std::string p2 = run(h, frameOf(nj, "a", 2), 100, kKbPerGb);

  auto released = must(store().releaseProcs({p1, common::newId()}, kT0 + 10), "releaseProcs");
  ASSERT_EQ(released.size(), 1u) << "unknown procs are ignored";
  EXPECT_EQ(released[0].id, p1);
  EXPECT_EQ(released[0].reserved_cores, 300);
  core::Frame f1 = frame(frameOf(nj, "a", 1).id);
  EXPECT_EQ(f1.state, FrameState::kWaiting);
  EXPECT_EQ(f1.retry_count, 0);
  EXPECT_EQ(frame(frameOf(nj, "a", 2).id).state, FrameState::kRunning);
  EXPECT_EQ(host(h.id).idle_cores, 700);
  EXPECT_EQ(host(h.id).idle_memory, 15 * kKbPerGb);
  ProcSearch q;
  q.host_ids = {h.id};
  auto left = must(store().getProcs(q), "getProcs");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, p2);
  EXPECT_CODE(store().completeFrame(completion(p1, frameOf(nj, "a", 1), h, 0, kT0 + 20)),
              kNotFound);
  EXPECT_TRUE(must(store().releaseProcs({}, kT0), "releaseProcs").empty());
}

// =================================================================================
// Dispatch candidates and booking
// =================================================================================

TEST_P(StoreConformanceTest, DispatchCandidatesOfferWaitingFramesThatFitTheHost) {
  NewJob nj = testingJob("fit");
  std::string small = addLayer(nj, "small", 1, 5, 100, kKbPerGb);
  addLayer(nj, "wide", 1, 2, 1600, kKbPerGb);        // more cores than the host has
  addLayer(nj, "hungry", 1, 2, 100, 64 * kKbPerGb);  // more memory than the host has
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);

  auto cands = candidates(h.id, 2);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].layer.id, small);
  EXPECT_EQ(cands[0].job.id, nj.job.id);
  ASSERT_EQ(cands[0].waiting.size(), 2u) << "at most frames_per_layer frames";
  EXPECT_EQ(cands[0].waiting[0].number, 1);
  EXPECT_EQ(cands[0].waiting[1].number, 2);
  EXPECT_EQ(cands[0].job_running_cores, 0);
  EXPECT_EQ(cands[0].show_running_cores, 0);
  EXPECT_EQ(cands[0].show_burst, 100000);  // the seeded testing subscription

  run(h, frameOf(nj, "small", 1), 300, 2 * kKbPerGb);
  cands = candidates(h.id, 10);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].waiting.size(), 4u);
  EXPECT_EQ(cands[0].waiting[0].number, 2);
  EXPECT_EQ(cands[0].job_running_cores, 300);
  EXPECT_EQ(cands[0].show_running_cores, 300);

  // A bigger host takes every layer.
  core::Host big = bootHost("big01", 3200, 128 * kKbPerGb);
  EXPECT_EQ(candidates(big.id).size(), 3u);
}

TEST_P(StoreConformanceTest, PausedJobsAreNotDispatchCandidates) {
  NewJob paused = testingJob("paused");
  paused.job.paused = true;
  addLayer(paused, "a", 1, 2);
  create(paused);
  NewJob active = testingJob("active");
  addLayer(active, "a", 1, 2);
  create(active);
  core::Host h = bootHost("render01");

  auto jobIds = [&] {
    std::set<std::string> out;
    for (const auto& c : candidates(h.id)) out.insert(c.job.id);
    return out;
  };
  EXPECT_EQ(jobIds(), (std::set<std::string>{active.job.id}));
  must(store().setJobPaused(active.job.id, true), "setJobPaused");
  EXPECT_TRUE(jobIds().empty());
  must(store().setJobPaused(paused.job.id, false), "setJobPaused");
  EXPECT_EQ(jobIds(), (std::set<std::string>{paused.job.id}));
}

TEST_P(StoreConformanceTest, FinishedJobsAreNotDispatchCandidates) {
  NewJob nj = testingJob("killed");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");
  ASSERT_EQ(candidates(h.id).size(), 1u);
  must(store().killJob(nj.job.id, kT0), "killJob");
  EXPECT_TRUE(candidates(h.id).empty());
}

TEST_P(StoreConformanceTest, ShowsWithoutSubscriptionToHostAllocationAreNotCandidates) {
  core::Show s = must(store().createShow("unsubscribed"), "createShow");
  NewJob nj = newJob(s, rootGroup(s), "a");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host local = bootHost("render01");
  core::Host cloud = bootHost("cloud01", 800, 16 * kKbPerGb, kT0, "cloud");
  EXPECT_TRUE(candidates(local.id).empty());
  EXPECT_TRUE(candidates(cloud.id).empty());

  must(store().createSubscription(s.id, local.alloc_id, 1000, 1000), "createSubscription");
  auto cands = candidates(local.id);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].job.id, nj.job.id);
  EXPECT_TRUE(candidates(cloud.id).empty()) << "subscribed to local.general only";

  // "testing" subscribes to cloud.general, so its jobs do run there.
  NewJob t = testingJob("t");
  addLayer(t, "a", 1, 1);
  create(t);
  cands = candidates(cloud.id);
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].job.id, t.job.id);
}

TEST_P(StoreConformanceTest, BookingMakesProcAndRunsFrame) {
  NewJob nj = testingJob("book");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  const core::Frame& f = frameOf(nj, "a", 1);
  Booking b = bookingFor(h, f, 250, 3 * kKbPerGb, kT0 + 5);
  auto made = must(store().book({b}), "book");
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].proc_id, b.proc_id);

  core::Frame running = frame(f.id);
  EXPECT_EQ(running.state, FrameState::kRunning);
  EXPECT_EQ(running.start_time, kT0 + 5);
  EXPECT_EQ(running.reserved_memory, 3 * kKbPerGb);
  EXPECT_EQ(running.last_resource, h.name + "/2.5/0") << "the current proc, host/cores/gpus";
  EXPECT_GT(running.version, 0) << "a state change bumps the version";

  ProcSearch q;
  q.frame_ids = {f.id};
  auto procs = must(store().getProcs(q), "getProcs");
  ASSERT_EQ(procs.size(), 1u);
  const core::Proc& p = procs[0];
  EXPECT_EQ(p.id, b.proc_id);
  EXPECT_EQ(p.host_id, h.id);
  EXPECT_EQ(p.host_name, "render01");
  EXPECT_EQ(p.job_id, nj.job.id);
  EXPECT_EQ(p.layer_id, f.layer_id);
  EXPECT_EQ(p.show_id, nj.job.show_id);
  EXPECT_EQ(p.reserved_cores, 250);
  EXPECT_EQ(p.reserved_memory, 3 * kKbPerGb);
  EXPECT_EQ(p.booked_time, kT0 + 5);
  EXPECT_FALSE(p.unbooked);
  EXPECT_EQ(p.log_path, b.log_path);
  ProcSearch by_job;
  by_job.job_ids = {nj.job.id};
  EXPECT_EQ(must(store().getProcs(by_job), "getProcs").size(), 1u);

  core::Host after = host(h.id);
  EXPECT_EQ(after.idle_cores, 550);
  EXPECT_EQ(after.idle_memory, 13 * kKbPerGb);
}

TEST_P(StoreConformanceTest, BookingSameFrameTwiceBooksItOnce) {
  NewJob nj = testingJob("twice");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  core::Host h2 = bootHost("render02", 800, 16 * kKbPerGb);
  const core::Frame& f = frameOf(nj, "a", 1);

  // Twice in one call (two dispatchers' plans merged) ...
  Booking b1 = bookingFor(h, f, 200, 2 * kKbPerGb);
  Booking b2 = bookingFor(h, f, 200, 2 * kKbPerGb);
  auto made = must(store().book({b1, b2}), "book");
  ASSERT_EQ(made.size(), 1u);
  EXPECT_EQ(made[0].proc_id, b1.proc_id);
  // ... and again in a later call, on another host.
  EXPECT_TRUE(must(store().book({bookingFor(h2, f, 200, 2 * kKbPerGb)}), "book").empty());

  ProcSearch q;
  q.frame_ids = {f.id};
  auto procs = must(store().getProcs(q), "getProcs");
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_EQ(procs[0].id, b1.proc_id);
  EXPECT_EQ(host(h.id).idle_cores, 600);
  EXPECT_EQ(host(h.id).idle_memory, 14 * kKbPerGb);
  EXPECT_EQ(host(h2.id).idle_cores, 800);
  EXPECT_EQ(host(h2.id).idle_memory, 16 * kKbPerGb);
}

TEST_P(StoreConformanceTest, BookingBeyondIdleCoresOrMemoryIsSkipped) {
  NewJob nj = testingJob("beyond");
  addLayer(nj, "a", 1, 4);
  create(nj);
  core::Host h = bootHost("render01", 400, 8 * kKbPerGb);

  // Too many cores, too much memory: nothing booked.
  EXPECT_TRUE(
      must(store().book({bookingFor(h, frameOf(nj, "a", 1), 500, kKbPerGb)}), "book").empty());
  EXPECT_TRUE(
      must(store().book({bookingFor(h, frameOf(nj, "a", 1), 100, 9 * kKbPerGb)}), "book").empty());
  EXPECT_EQ(frame(frameOf(nj, "a", 1).id).state, FrameState::kWaiting);
  EXPECT_EQ(host(h.id).idle_cores, 400);
  EXPECT_EQ(host(h.id).idle_memory, 8 * kKbPerGb);

  // In one call, the later bookings see what the earlier ones took.
  Booking b1 = bookingFor(h, frameOf(nj, "a", 1), 300, 2 * kKbPerGb);
  Booking b2 = bookingFor(h, frameOf(nj, "a", 2), 200, 2 * kKbPerGb);  // 100 cores left
  Booking b3 = bookingFor(h, frameOf(nj, "a", 3), 100, 7 * kKbPerGb);  // 6 GB left
  Booking b4 = bookingFor(h, frameOf(nj, "a", 4), 100, 6 * kKbPerGb);  // fits exactly
  auto made = must(store().book({b1, b2, b3, b4}), "book");
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(made[0].proc_id, b1.proc_id);
  EXPECT_EQ(made[1].proc_id, b4.proc_id);
  EXPECT_EQ(frame(frameOf(nj, "a", 2).id).state, FrameState::kWaiting);
  EXPECT_EQ(frame(frameOf(nj, "a", 3).id).state, FrameState::kWaiting);
  core::Host full = host(h.id);
  EXPECT_EQ(full.idle_cores, 0);
  EXPECT_EQ(full.idle_memory, 0);
  EXPECT_TRUE(candidates(h.id).empty());
}

TEST_P(StoreConformanceTest, BookingOnLockedOrDownHostIsSkipped) {
  NewJob nj = testingJob("locked");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  must(store().setHostLock(h.id, core::LockState::kLocked), "setHostLock");
  EXPECT_TRUE(must(store().book({bookingFor(h, frameOf(nj, "a", 1))}), "book").empty());
  must(store().setHostLock(h.id, core::LockState::kOpen), "setHostLock");
  must(store().setHostState(h.id, core::HardwareState::kDown), "setHostState");
  EXPECT_TRUE(must(store().book({bookingFor(h, frameOf(nj, "a", 1))}), "book").empty());
  EXPECT_EQ(frame(frameOf(nj, "a", 1).id).state, FrameState::kWaiting);
  EXPECT_EQ(host(h.id).idle_cores, 800);
}

TEST_P(StoreConformanceTest, IdleResourcesGoDownWhenBookedAndComeBackOnCompletion) {
  NewJob nj = testingJob("idle");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  std::string p1 = run(h, frameOf(nj, "a", 1), 200, 2 * kKbPerGb);
  std::string p2 = run(h, frameOf(nj, "a", 2), 300, 3 * kKbPerGb);
  EXPECT_EQ(host(h.id).idle_cores, 300);
  EXPECT_EQ(host(h.id).idle_memory, 11 * kKbPerGb);

  CompletionResult r = complete(p1, frameOf(nj, "a", 1), h, 0, kT0 + 60);
  EXPECT_EQ(r.host_id, h.id);
  EXPECT_EQ(r.job_id, nj.job.id);
  EXPECT_EQ(host(h.id).idle_cores, 500);
  EXPECT_EQ(host(h.id).idle_memory, 13 * kKbPerGb);
  complete(p2, frameOf(nj, "a", 2), h, 1, kT0 + 60);  // a failure frees resources too
  EXPECT_EQ(host(h.id).idle_cores, 800);
  EXPECT_EQ(host(h.id).idle_memory, 16 * kKbPerGb);
  EXPECT_TRUE(must(store().getProcs(ProcSearch{}), "getProcs").empty());
}

TEST_P(StoreConformanceTest, UnbookRequeuesOrFailsTheFrame) {
  NewJob nj = testingJob("unbook");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");
  std::string p1 = run(h, frameOf(nj, "a", 1), 200);
  std::string p2 = run(h, frameOf(nj, "a", 2), 200);

  must(store().unbook(p1, false, 0, kT0 + 1), "unbook");
  core::Frame f1 = frame(frameOf(nj, "a", 1).id);
  EXPECT_EQ(f1.state, FrameState::kWaiting);
  EXPECT_EQ(f1.retry_count, 0);
  must(store().unbook(p2, true, core::kExitFailedLaunch, kT0 + 2), "unbook");
  core::Frame f2 = frame(frameOf(nj, "a", 2).id);
  EXPECT_EQ(f2.state, FrameState::kDead);
  EXPECT_EQ(f2.exit_status, core::kExitFailedLaunch);
  EXPECT_EQ(host(h.id).idle_cores, 800);
  EXPECT_CODE(store().unbook(p1, false, 0, kT0 + 3), kNotFound);
}

// =================================================================================
// Frame completion
// =================================================================================

TEST_P(StoreConformanceTest, FailedFrameRetriesUntilMaxRetriesThenDies) {
  NewJob nj = testingJob("retry");
  nj.job.max_retries = 2;
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);

  std::vector<std::string> procs;
  // max_retries = 2: two retries after the first failure, then DEAD.
  for (int attempt = 1; attempt <= 3; ++attempt) {
    SCOPED_TRACE(attempt);
    core::EpochSec start = kT0 + attempt * 1000;
    procs.push_back(run(h, f, 100, kKbPerGb, start));
    CompletionResult r = complete(procs.back(), f, h, 1, start + 60);
    core::Frame got = frame(f.id);
    EXPECT_EQ(got.retry_count, attempt);
    EXPECT_EQ(got.exit_status, 1);
    EXPECT_EQ(got.stop_time, start + 60);
    EXPECT_FALSE(r.job_finished);
    if (attempt < 3) {
      EXPECT_EQ(r.new_state, FrameState::kWaiting);
      EXPECT_EQ(got.state, FrameState::kWaiting);
    } else {
      EXPECT_EQ(r.new_state, FrameState::kDead);
      EXPECT_EQ(got.state, FrameState::kDead);
    }
  }
  EXPECT_TRUE(candidates(h.id).empty()) << "a DEAD frame is not dispatched";
  EXPECT_EQ(job(nj.job.id).state, JobState::kPending) << "a DEAD frame keeps its job open";
  EXPECT_EQ(must(store().jobFrameCounts({nj.job.id}), "jobFrameCounts")[nj.job.id].dead, 1);
  expectCountsMatchFrames(nj.job.id);

  auto hist = must(store().getFrameHistory(f.id), "getFrameHistory");
  ASSERT_EQ(hist.size(), 3u);
  for (size_t k = 0; k < hist.size(); ++k) {
    SCOPED_TRACE(k);
    core::EpochSec start = kT0 + static_cast<core::EpochSec>(k + 1) * 1000;
    EXPECT_EQ(hist[k].proc_id, procs[k]);
    EXPECT_EQ(hist[k].frame_id, f.id);
    EXPECT_EQ(hist[k].job_id, nj.job.id);
    EXPECT_EQ(hist[k].host_name, "render01");
    EXPECT_EQ(hist[k].cores, 100);
    EXPECT_EQ(hist[k].reserved_memory, kKbPerGb);
    EXPECT_EQ(hist[k].start_time, start);
    EXPECT_EQ(hist[k].stop_time, start + 60);
    EXPECT_EQ(hist[k].exit_status, 1);
  }
}

TEST_P(StoreConformanceTest, SkipRetryExitStatusKillsFrameAtOnce) {
  NewJob nj = testingJob("skip");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  EXPECT_EQ(runToEnd(h, frameOf(nj, "a", 1), core::kExitSkipRetry, kT0).new_state,
            FrameState::kDead);
}

TEST_P(StoreConformanceTest, AutoEatJobEatsFramesThatRunOutOfRetries) {
  NewJob nj = testingJob("autoeat");
  nj.job.auto_eat = true;
  nj.job.max_retries = 0;
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  CompletionResult r = runToEnd(h, frameOf(nj, "a", 1), 1, kT0);
  EXPECT_EQ(r.new_state, FrameState::kEaten);
  EXPECT_TRUE(r.job_finished);
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);
}

TEST_P(StoreConformanceTest, SucceededFramesFinishTheJob) {
  NewJob nj = testingJob("ok");
  addLayer(nj, "a", 1, 2);
  addLayer(nj, "b", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");

  std::string p1 = run(h, frameOf(nj, "a", 1), 200, 2 * kKbPerGb, kT0);
  CompletionResult r1 = complete(p1, frameOf(nj, "a", 1), h, 0, kT0 + 90, 90, kKbPerGb);
  EXPECT_EQ(r1.new_state, FrameState::kSucceeded);
  EXPECT_FALSE(r1.job_finished);
  core::Frame f1 = frame(frameOf(nj, "a", 1).id);
  EXPECT_EQ(f1.state, FrameState::kSucceeded);
  EXPECT_EQ(f1.exit_status, 0);
  EXPECT_EQ(f1.retry_count, 0);
  EXPECT_EQ(f1.start_time, kT0);
  EXPECT_EQ(f1.stop_time, kT0 + 90);
  EXPECT_EQ(f1.max_rss, kKbPerGb);
  EXPECT_EQ(f1.total_core_time, 180) << "90 s on 2 cores";
  EXPECT_EQ(f1.last_resource, "render01/2/0") << "OpenCue's host/cores/gpus";
  EXPECT_EQ(job(nj.job.id).state, JobState::kPending);

  // An eaten frame counts as done.
  auto eaten = must(store().eatFrames({frameOf(nj, "b", 1).id}, kT0 + 100), "eatFrames");
  EXPECT_TRUE(eaten.finished_jobs.empty());
  CompletionResult r2 = runToEnd(h, frameOf(nj, "a", 2), 0, kT0 + 200);
  EXPECT_TRUE(r2.job_finished);
  core::Job j = job(nj.job.id);
  EXPECT_EQ(j.state, JobState::kFinished);
  EXPECT_EQ(j.stop_time, kT0 + 260);
  auto c = must(store().jobFrameCounts({nj.job.id}), "jobFrameCounts")[nj.job.id];
  EXPECT_EQ(c.succeeded, 2);
  EXPECT_EQ(c.eaten, 1);
  EXPECT_GE(c.core_seconds, 180);
  EXPECT_EQ(c.max_rss, kKbPerGb);
  expectCountsMatchFrames(nj.job.id);
}

TEST_P(StoreConformanceTest, SecondCompletionOfSameProcIsNotFoundAndChangesNothing) {
  NewJob nj = testingJob("twice");
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h, f, 200, 2 * kKbPerGb);
  run(h, frameOf(nj, "a", 2), 100, kKbPerGb);  // keeps the job and host busy
  complete(proc, f, h, 1, kT0 + 60);

  core::Frame before = frame(f.id);
  core::Host host_before = host(h.id);
  core::Job job_before = job(nj.job.id);
  EXPECT_CODE(store().completeFrame(completion(proc, f, h, 0, kT0 + 70)), kNotFound);
  EXPECT_EQ(fields(frame(f.id)), fields(before));
  EXPECT_EQ(fields(host(h.id)), fields(host_before));
  EXPECT_EQ(fields(job(nj.job.id)), fields(job_before));
  EXPECT_EQ(must(store().getFrameHistory(f.id), "getFrameHistory").size(), 1u);

  // The right proc with the wrong frame is no completion either.
  ProcSearch q;
  q.frame_ids = {frameOf(nj, "a", 2).id};
  std::string other_proc = must(store().getProcs(q), "getProcs").at(0).id;
  EXPECT_CODE(store().completeFrame(completion(other_proc, f, h, 0, kT0 + 80)), kNotFound);
  EXPECT_EQ(frame(frameOf(nj, "a", 2).id).state, FrameState::kRunning);
  EXPECT_EQ(fields(host(h.id)), fields(host_before));
}

// =================================================================================
// Eat, retry, kill
// =================================================================================

TEST_P(StoreConformanceTest, EatFramesSatisfiesDependsAndCanFinishTheJob) {
  NewJob nj = testingJob("eat");
  std::string sim = addLayer(nj, "sim", 1, 2);
  std::string render = addLayer(nj, "render", 1, 2);
  nj.depends.push_back(
      makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, ""));
  create(nj);
  core::Host h = bootHost("render01");
  std::string running = run(h, frameOf(nj, "sim", 2), 200);

  // Eat a waiting and a running frame: the running one's proc must be killed.
  auto r = must(store().eatFrames({frameOf(nj, "sim", 1).id, frameOf(nj, "sim", 2).id}, kT0 + 10),
                "eatFrames");
  EXPECT_EQ(r.changed, 2);
  ASSERT_EQ(r.procs_to_kill.size(), 1u);
  EXPECT_EQ(r.procs_to_kill[0].id, running);
  EXPECT_TRUE(r.finished_jobs.empty());
  for (const auto& f : frames(nj.job.id, "sim")) EXPECT_EQ(f.state, FrameState::kEaten);
  for (const auto& f : frames(nj.job.id, "render")) {
    EXPECT_EQ(f.state, FrameState::kWaiting) << f.name;
    EXPECT_EQ(f.depend_count, 0) << f.name;
  }

  // The killed process reports in: the frame stays EATEN, the host is freed.
  CompletionResult late = complete(running, frameOf(nj, "sim", 2), h, 1, kT0 + 20);
  EXPECT_EQ(late.new_state, FrameState::kEaten);
  EXPECT_EQ(frame(frameOf(nj, "sim", 2).id).state, FrameState::kEaten);
  EXPECT_EQ(host(h.id).idle_cores, 800);

  r = must(store().eatFrames({frameOf(nj, "render", 1).id, frameOf(nj, "render", 2).id}, kT0 + 30),
           "eatFrames");
  EXPECT_EQ(r.finished_jobs, (std::vector<std::string>{nj.job.id}));
  core::Job j = job(nj.job.id);
  EXPECT_EQ(j.state, JobState::kFinished);
  EXPECT_EQ(j.stop_time, kT0 + 30);
  EXPECT_CODE(store().eatFrames({common::newId()}, kT0), kNotFound);
}

TEST_P(StoreConformanceTest, RetryFramesRequeuesDeadFramesAndReopensFinishedJob) {
  NewJob nj = testingJob("retryme");
  nj.job.max_retries = 0;
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f1 = frameOf(nj, "a", 1);
  const core::Frame& f2 = frameOf(nj, "a", 2);
  EXPECT_EQ(runToEnd(h, f1, 1, kT0).new_state, FrameState::kDead);
  EXPECT_EQ(runToEnd(h, f2, 0, kT0 + 100).new_state, FrameState::kSucceeded);
  EXPECT_EQ(job(nj.job.id).state, JobState::kPending);

  auto r = must(store().retryFrames({f1.id}, kT0 + 200), "retryFrames");
  EXPECT_EQ(r.changed, 1);
  EXPECT_TRUE(r.procs_to_kill.empty());
  EXPECT_EQ(frame(f1.id).state, FrameState::kWaiting);
  EXPECT_TRUE(runToEnd(h, f1, 0, kT0 + 300).job_finished);
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);

  // Retrying a frame of a FINISHED job brings the job back.
  r = must(store().retryFrames({f2.id}, kT0 + 400), "retryFrames");
  EXPECT_EQ(r.changed, 1);
  EXPECT_EQ(frame(f2.id).state, FrameState::kWaiting);
  core::Job j = job(nj.job.id);
  EXPECT_EQ(j.state, JobState::kPending);
  EXPECT_EQ(j.stop_time, 0);
  EXPECT_EQ(must(store().findJob(nj.job.name), "findJob").id, nj.job.id);
  auto cands = candidates(h.id);
  ASSERT_EQ(cands.size(), 1u);
  ASSERT_EQ(cands[0].waiting.size(), 1u);
  EXPECT_EQ(cands[0].waiting[0].id, f2.id);
  EXPECT_CODE(store().retryFrames({common::newId()}, kT0), kNotFound);
}

TEST_P(StoreConformanceTest, RetryFramesOfRunningFrameReturnsItsProcForKilling) {
  NewJob nj = testingJob("retryrun");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h, f);
  auto r = must(store().retryFrames({f.id}, kT0 + 10), "retryFrames");
  ASSERT_EQ(r.procs_to_kill.size(), 1u);
  EXPECT_EQ(r.procs_to_kill[0].id, proc);
  EXPECT_EQ(frame(f.id).state, FrameState::kRunning) << "its completion decides";
  CompletionResult done = complete(proc, f, h, 1, kT0 + 20);
  EXPECT_EQ(done.new_state, FrameState::kWaiting);
  EXPECT_EQ(frame(f.id).retry_count, 0) << "a requested retry is not a failure";
}

TEST_P(StoreConformanceTest, KillJobFinishesJobAndReturnsRunningProcs) {
  NewJob nj = testingJob("kill");
  addLayer(nj, "a", 1, 3);
  create(nj);
  core::Host h = bootHost("render01");
  std::string p1 = run(h, frameOf(nj, "a", 1), 200);
  std::string p2 = run(h, frameOf(nj, "a", 2), 200);

  auto r = must(store().killJob(nj.job.id, kT0 + 100), "killJob");
  EXPECT_EQ(r.finished_jobs, (std::vector<std::string>{nj.job.id}));
  EXPECT_EQ(namesOf(r.procs_to_kill, [](const core::Proc& p) { return p.id; }),
            (std::set<std::string>{p1, p2}));
  for (const auto& p : r.procs_to_kill) EXPECT_EQ(p.host_id, h.id);
  core::Job j = job(nj.job.id);
  EXPECT_EQ(j.state, JobState::kFinished);
  EXPECT_EQ(j.stop_time, kT0 + 100);
  EXPECT_TRUE(must(store().getJobs(JobSearch{}), "getJobs").empty());
  EXPECT_TRUE(candidates(h.id).empty());

  // The killed processes report in: their procs are released.
  ProcSearch q;
  q.job_ids = {nj.job.id};
  for (const auto& p : must(store().getProcs(q), "getProcs")) EXPECT_TRUE(p.unbooked);
  CompletionResult c1 = complete(p1, frameOf(nj, "a", 1), h, 1, kT0 + 110);
  EXPECT_NE(c1.new_state, FrameState::kRunning);
  EXPECT_NE(c1.new_state, FrameState::kWaiting) << "a killed job's frames do not run again";
  EXPECT_FALSE(c1.job_finished);
  complete(p2, frameOf(nj, "a", 2), h, 1, kT0 + 110);
  EXPECT_EQ(host(h.id).idle_cores, 800);
  EXPECT_TRUE(must(store().getProcs(q), "getProcs").empty());
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);
  EXPECT_EQ(job(nj.job.id).stop_time, kT0 + 100);

  // Killing it again changes nothing.
  auto again = must(store().killJob(nj.job.id, kT0 + 200), "killJob");
  EXPECT_TRUE(again.finished_jobs.empty());
  EXPECT_TRUE(again.procs_to_kill.empty());
  EXPECT_EQ(job(nj.job.id).stop_time, kT0 + 100);
}

TEST_P(StoreConformanceTest, KillFramesMarksProcsAndTheirCompletionRequeuesWithoutRetry) {
  NewJob nj = testingJob("killframes");
  nj.job.max_retries = 0;  // a counted failure would kill the frame
  addLayer(nj, "a", 1, 2);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f1 = frameOf(nj, "a", 1);
  std::string proc = run(h, f1, 200);

  // Only running frames have procs to kill.
  auto r = must(store().killFrames({f1.id, frameOf(nj, "a", 2).id}), "killFrames");
  EXPECT_EQ(r.changed, 1);
  ASSERT_EQ(r.procs_to_kill.size(), 1u);
  EXPECT_EQ(r.procs_to_kill[0].id, proc);
  EXPECT_EQ(r.procs_to_kill[0].frame_id, f1.id);
  EXPECT_TRUE(r.finished_jobs.empty());
  EXPECT_EQ(frame(f1.id).state, FrameState::kRunning) << "its completion decides";
  ProcSearch q;
  q.ids = {proc};
  auto procs = must(store().getProcs(q), "getProcs");
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_TRUE(procs[0].unbooked);

  FrameCompletion c = completion(proc, f1, h, 1, kT0 + 30);
  c.exit_signal = 9;
  CompletionResult done = must(store().completeFrame(c), "completeFrame");
  EXPECT_EQ(done.new_state, FrameState::kWaiting);
  core::Frame got = frame(f1.id);
  EXPECT_EQ(got.state, FrameState::kWaiting);
  EXPECT_EQ(got.retry_count, 0);
  EXPECT_EQ(host(h.id).idle_cores, 800);
  EXPECT_EQ(must(store().getFrameHistory(f1.id), "getFrameHistory").size(), 1u);
  EXPECT_TRUE(must(store().killFrames({}), "killFrames").procs_to_kill.empty());
}

// =================================================================================
// Several stores on one database (several cuebots)
// =================================================================================

TEST_P(StoreConformanceTest, TwoStoresOnOneDatabaseSeeEachOthersWrites) {
  std::unique_ptr<Store> other = secondStore();
  NewJob nj = testingJob("shared");
  addLayer(nj, "a", 1, 1);
  create(nj);
  EXPECT_EQ(must(other->findJob(nj.job.name), "findJob").id, nj.job.id);

  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  Booking mine = bookingFor(h, f, 200);
  ASSERT_EQ(must(store().book({mine}), "book").size(), 1u);
  EXPECT_TRUE(must(other->book({bookingFor(h, f, 200)}), "book").empty());
  EXPECT_EQ(must(other->getHost(h.id), "getHost").idle_cores, 600);

  // The other cuebot hears of the completion.
  CompletionResult r =
      must(other->completeFrame(completion(mine.proc_id, f, h, 0, kT0 + 60)), "completeFrame");
  EXPECT_TRUE(r.job_finished);
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);
  EXPECT_EQ(host(h.id).idle_cores, 800);
  EXPECT_CODE(store().completeFrame(completion(mine.proc_id, f, h, 0, kT0 + 61)), kNotFound);
}

TEST_P(StoreConformanceTest, ConcurrentBookingsNeverBookAFrameOrACoreTwice) {
  std::unique_ptr<Store> other = secondStore();
  NewJob nj = testingJob("race");
  addLayer(nj, "a", 1, 8);
  create(nj);
  core::Host h = bootHost("render01", 400, 64 * kKbPerGb);
  Store* stores[2] = {&store(), other.get()};

  // Round 1: eight bookers, four per store, all want frame 1.
  // Round 2: seven bookers want frames 2..8, 100 cores each, with 300 cores left.
  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE(round);
    const int bookers = round == 1 ? 8 : 7;
    std::vector<Booking> plans;
    for (int k = 0; k < bookers; ++k)
      plans.push_back(bookingFor(h, frameOf(nj, "a", round == 1 ? 1 : k + 2), 100));
    std::vector<absl::StatusOr<std::vector<Booking>>> results(bookers);
    std::vector<std::thread> threads;
    for (int k = 0; k < bookers; ++k)
      threads.emplace_back(
          [&, k] { results[k] = stores[k % 2]->book({plans[static_cast<size_t>(k)]}); });
    for (auto& th : threads) th.join();
    size_t made = 0;
    for (const auto& r : results) {
      ASSERT_TRUE(r.ok()) << r.status();
      made += r->size();
    }
    EXPECT_EQ(made, round == 1 ? 1u : 3u);
  }
  EXPECT_EQ(host(h.id).idle_cores, 0);
  EXPECT_EQ(must(store().getProcs(ProcSearch{}), "getProcs").size(), 4u);
  EXPECT_EQ(must(store().jobFrameCounts({nj.job.id}), "jobFrameCounts")[nj.job.id].running, 4);
  expectCountsMatchFrames(nj.job.id);
}

// =================================================================================
// Persistence
// =================================================================================

TEST_P(StoreConformanceTest, EverythingSurvivesReopeningTheStore) {
  core::Show s = must(store().createShow("persist"), "createShow");
  core::Allocation general = must(store().findAllocation("local.general"), "findAllocation");
  must(store().createSubscription(s.id, general.id, 500, 1000), "createSubscription");

  NewJob nj = newJob(s, rootGroup(s), "keep");
  nj.job.env = {{"K", "v"}};
  std::string sim = addLayer(nj, "sim", 1, 3, 200, 2 * kKbPerGb);
  std::string render = addLayer(nj, "render", 1, 2);
  nj.layers[1].env = {{"A", "1"}, {"B", "2"}};
  nj.layers[1].outputs = {"/out/a.#.exr"};
  nj.depends.push_back(
      makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, ""));
  create(nj);
  NewJob killed = testingJob("gone");
  addLayer(killed, "a", 1, 1);
  create(killed);
  must(store().killJob(killed.job.id, kT0 + 5), "killJob");

  core::Host h = bootHost("render01", 800, 16 * kKbPerGb);
  bootHost("render02", 400, 8 * kKbPerGb, kT0 + 1);
  runToEnd(h, frameOf(nj, "sim", 1), 1, kT0 + 10);  // one failed attempt
  runToEnd(h, frameOf(nj, "sim", 1), 0, kT0 + 100);
  std::string running = run(h, frameOf(nj, "sim", 2), 200, 2 * kKbPerGb, kT0 + 200);
  ProcUsage u;
  u.proc_id = running;
  u.frame_id = frameOf(nj, "sim", 2).id;
  u.rss = kKbPerGb;
  u.max_rss = kKbPerGb + 7;
  must(store().updateHostReport(hostReport("render01", 800, 16 * kKbPerGb, kT0 + 230), {u}),
       "updateHostReport");
  must(store().setJobPriority(nj.job.id, 42), "setJobPriority");

  JobSearch all_jobs;
  all_jobs.include_finished = true;
  const auto jobs = must(store().getJobs(all_jobs), "getJobs");
  const auto layers = must(store().getLayers(nj.job.id), "getLayers");
  const auto fs = frames(nj.job.id);
  const auto hosts = must(store().getHosts(HostSearch{}), "getHosts");
  const auto procs = must(store().getProcs(ProcSearch{}), "getProcs");
  const auto depends = must(store().getDepends(nj.job.id), "getDepends");
  const auto history = must(store().getFrameHistory(frameOf(nj, "sim", 1).id), "history");
  const auto subs = must(store().getSubscriptions(""), "getSubscriptions");
  const auto shows = must(store().getShows(), "getShows");
  const auto services = must(store().getServices(), "getServices");
  ASSERT_EQ(jobs.size(), 2u);
  ASSERT_EQ(procs.size(), 1u);
  ASSERT_EQ(history.size(), 2u);

  reopenStore();

  expectSameRecords(jobs, must(store().getJobs(all_jobs), "getJobs"), "jobs");
  expectSameRecords(layers, must(store().getLayers(nj.job.id), "getLayers"), "layers");
  expectSameRecords(fs, frames(nj.job.id), "frames");
  expectSameRecords(hosts, must(store().getHosts(HostSearch{}), "getHosts"), "hosts");
  expectSameRecords(procs, must(store().getProcs(ProcSearch{}), "getProcs"), "procs");
  expectSameRecords(depends, must(store().getDepends(nj.job.id), "getDepends"), "depends");
  expectSameRecords(history, must(store().getFrameHistory(frameOf(nj, "sim", 1).id), "history"),
                    "history");
  expectSameRecords(subs, must(store().getSubscriptions(""), "getSubscriptions"), "subscriptions");
  EXPECT_EQ(must(store().getShows(), "getShows").size(), shows.size()) << "seeded only once";
  EXPECT_EQ(must(store().getServices(), "getServices").size(), services.size());
  EXPECT_EQ(must(store().getAllocations(), "getAllocations").size(), 5u);

  // The reopened store carries on where the old one stopped.
  CompletionResult r = complete(running, frameOf(nj, "sim", 2), h, 0, kT0 + 300);
  EXPECT_EQ(r.new_state, FrameState::kSucceeded);
  EXPECT_EQ(frame(frameOf(nj, "sim", 2).id).max_rss, kKbPerGb + 7);
  EXPECT_EQ(host(h.id).idle_cores, 800);
  EXPECT_CODE(store().createJob(nj), kAlreadyExists);
}

}  // namespace cue::store::conformance

namespace cue::store::conformance {

TEST_P(StoreConformanceTest, LimitsCommentsAndFiltersRoundTrip) {
  core::Limit lic = must(store().createLimit("nuke_lic", 10), "createLimit");
  EXPECT_CODE(store().createLimit("nuke_lic", 3), kAlreadyExists);
  EXPECT_CODE(store().createLimit("bad", -1), kInvalidArgument);
  auto limits = must(store().getLimits(), "getLimits");
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].id, lic.id);
  EXPECT_EQ(limits[0].max_value, 10);

  core::Comment c;
  c.parent_id = "some-job-id";
  c.timestamp = kT0;
  c.user = "wrangler";
  c.subject = "slow";
  c.message = "frames take 3h";
  core::Comment saved = must(store().addComment(c), "addComment");
  EXPECT_FALSE(saved.id.empty());
  auto comments = must(store().getComments("some-job-id"), "getComments");
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].message, "frames take 3h");
  EXPECT_TRUE(must(store().getComments("other"), "getComments").empty());

  core::Show show = must(store().findShow("testing"), "findShow");
  core::Filter f;
  f.show_id = show.id;
  f.name = "pause lighting";
  f.type = core::FilterType::kMatchAll;
  f.order = 2;
  core::Filter fs = must(store().createFilter(f), "createFilter");
  core::Matcher m;
  m.filter_id = fs.id;
  m.subject = core::MatchSubject::kShot;
  m.type = core::MatchType::kBeginsWith;
  m.input = "lgt";
  must(store().addMatcher(m), "addMatcher");
  core::Action a;
  a.filter_id = fs.id;
  a.type = core::ActionType::kSetJobPriority;
  a.value_type = core::ActionValueType::kInteger;
  a.integer_value = 50;
  must(store().addAction(a), "addAction");
  auto filters = must(store().getFilters(show.id), "getFilters");
  ASSERT_EQ(filters.size(), 1u);
  EXPECT_EQ(filters[0].type, core::FilterType::kMatchAll);
  EXPECT_EQ(filters[0].order, 2);
  auto matchers = must(store().getMatchers(fs.id), "getMatchers");
  ASSERT_EQ(matchers.size(), 1u);
  EXPECT_EQ(matchers[0].subject, core::MatchSubject::kShot);
  EXPECT_EQ(matchers[0].input, "lgt");
  auto actions = must(store().getActions(fs.id), "getActions");
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].integer_value, 50);
  m.filter_id = "no-such-filter";
  EXPECT_CODE(store().addMatcher(m), kNotFound);
  f.show_id = "no-such-show";
  EXPECT_CODE(store().createFilter(f), kNotFound);
}

}  // namespace cue::store::conformance
