// The storage conformance suite, part six: what rqd reports a running frame uses beyond
// RSS (GPU memory), kept on the proc and its frame. Same fixture and rules as
// store_conformance.h (whose UpdateHostReportUpdatesProcUsageAndFrameMaxRss covers RSS).
#pragma once

#include <stdexcept>
#include <string>

#include "store/store_conformance.h"

namespace cue::store::conformance {

TEST_P(StoreConformanceTest, GpuMemoryOfARunningFrameIsStoredAndItsPeakKeptLikeMaxRss) {
  NewJob nj = testingJob("gpumem");
  addLayer(nj, "a", 1, 1);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame& f = frameOf(nj, "a", 1);
  std::string proc = run(h, f, 200, 4 * kKbPerGb);
  auto procOf = [&](const std::string& id) {
    ProcSearch q;
    q.ids = {id};
    auto procs = must(store().getProcs(q), "getProcs");
    if (procs.size() != 1) throw std::runtime_error("no proc " + id);
    return procs[0];
  };

  // Memory and GPU memory rise and fall together here, so every GPU figure below is
  // what max_rss / used_memory show in the same place.
  HostReportData r = hostReport("render01", 800, 16 * kKbPerGb, kT0 + 30);
  ProcUsage u;
  u.proc_id = proc;
  u.frame_id = f.id;
  u.rss = u.gpu_memory = kKbPerGb;
  u.max_rss = u.max_gpu_memory = 2 * kKbPerGb;
  must(store().updateHostReport(r, {u}), "updateHostReport");
  core::Proc p = procOf(proc);
  EXPECT_EQ(p.used_gpu_memory, kKbPerGb);
  EXPECT_EQ(p.max_gpu_memory, 2 * kKbPerGb);
  core::Frame got = frame(f.id);
  EXPECT_EQ(got.used_gpu_memory, kKbPerGb);
  EXPECT_EQ(got.max_gpu_memory, 2 * kKbPerGb);

  // A later, smaller sample lowers the use now, never the peak (of proc or frame).
  r.now = kT0 + 60;
  u.rss = u.gpu_memory = kKbPerGb / 2;
  u.max_rss = u.max_gpu_memory = kKbPerGb;
  must(store().updateHostReport(r, {u}), "updateHostReport");
  p = procOf(proc);
  EXPECT_EQ(p.used_gpu_memory, kKbPerGb / 2);
  EXPECT_EQ(p.max_gpu_memory, 2 * kKbPerGb);
  got = frame(f.id);
  EXPECT_EQ(got.used_gpu_memory, kKbPerGb / 2);
  EXPECT_EQ(got.max_gpu_memory, 2 * kKbPerGb);

  // Usage of a proc cuebot does not hold is ignored.
  ProcUsage stray;
  stray.proc_id = common::newId();
  stray.frame_id = f.id;
  stray.gpu_memory = stray.max_gpu_memory = 64 * kKbPerGb;
  must(store().updateHostReport(r, {stray}), "updateHostReport");
  EXPECT_EQ(frame(f.id).max_gpu_memory, 2 * kKbPerGb);
  EXPECT_EQ(frame(f.id).used_gpu_memory, kKbPerGb / 2);

  // The completion's own peak, when higher, is the frame's final one. The run failed:
  // the frame is retried.
  FrameCompletion c = completion(proc, f, h, 1, kT0 + 90, 90, 3 * kKbPerGb);
  c.max_gpu_memory = 3 * kKbPerGb;
  EXPECT_EQ(must(store().completeFrame(c), "completeFrame").new_state, FrameState::kWaiting);
  got = frame(f.id);
  EXPECT_EQ(got.retry_count, 1);
  EXPECT_EQ(got.max_rss, 3 * kKbPerGb);
  EXPECT_EQ(got.max_gpu_memory, 3 * kKbPerGb);

  // The retry: the new proc starts from 0; the frame keeps its peak exactly as it keeps
  // max_rss (cleared on a retry only if max_rss is).
  std::string proc2 = run(h, f, 200, 4 * kKbPerGb, kT0 + 100);
  EXPECT_EQ(procOf(proc2).max_gpu_memory, 0);
  EXPECT_EQ(procOf(proc2).used_gpu_memory, 0);
  r.now = kT0 + 130;
  u.proc_id = proc2;
  u.rss = u.gpu_memory = kKbPerGb / 4;
  u.max_rss = u.max_gpu_memory = kKbPerGb / 4;
  must(store().updateHostReport(r, {u}), "updateHostReport");
  EXPECT_EQ(procOf(proc2).max_gpu_memory, kKbPerGb / 4);
  got = frame(f.id);
  EXPECT_EQ(got.max_gpu_memory, got.max_rss) << "the GPU peak follows max_rss's rule on retry";
  EXPECT_EQ(got.max_gpu_memory, 3 * kKbPerGb);
  EXPECT_EQ(got.used_gpu_memory, kKbPerGb / 4);

  // A completion without a GPU figure (an rqd that does not measure GPUs) lowers nothing,
  // and the figures survive a restart.
  complete(proc2, f, h, 0, kT0 + 160, 60);
  reopenStore();
  got = frame(f.id);
  EXPECT_EQ(got.state, FrameState::kSucceeded);
  EXPECT_EQ(got.max_gpu_memory, 3 * kKbPerGb);
  EXPECT_EQ(got.used_gpu_memory, kKbPerGb / 4);
}

}  // namespace cue::store::conformance
