// The storage conformance suite: completions in batches (completeFrames). A batch must
// leave the store exactly as the same completions one at a time would: every proc
// released once, every depend released once, the job finished once, a completion the
// store does not hold refused alone.
//
// Same fixture and rules as store_conformance.h; a backend test file includes this
// header beside that one, once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/store_conformance.h"

namespace cue::store::conformance {

TEST_P(StoreConformanceTest, BatchOfCompletionsReleasesTheLayersDependOnceAndFinishesTheJob) {
  NewJob nj = testingJob("batch");
  std::string sim = addLayer(nj, "sim", 1, 3);
  std::string render = addLayer(nj, "render", 1, 2);
  nj.depends.push_back(
      makeDepend(DependType::kLayerOnLayer, nj.job.id, render, "", nj.job.id, sim, ""));
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame s1 = frameOf(nj, "sim", 1), s2 = frameOf(nj, "sim", 2),
                    s3 = frameOf(nj, "sim", 3);
  const std::string p1 = run(h, s1, 100), p2 = run(h, s2, 200), p3 = run(h, s3, 100);

  // sim 1 fails (retried), sim 2 and 3 succeed: the depend waits on sim 1.
  auto first = must(store().completeFrames({completion(p1, s1, h, 1, kT0 + 10),
                                            completion(p2, s2, h, 0, kT0 + 10, 30, kKbPerGb),
                                            completion(p3, s3, h, 0, kT0 + 10)}),
                    "completeFrames");
  ASSERT_EQ(first.size(), 3u);
  for (const auto& r : first) ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(first[0]->new_state, FrameState::kWaiting);
  EXPECT_EQ(first[1]->new_state, FrameState::kSucceeded);
  EXPECT_EQ(first[2]->new_state, FrameState::kSucceeded);
  for (const auto& r : first) {
    EXPECT_EQ(r->host_id, h.id);
    EXPECT_EQ(r->job_id, nj.job.id);
    EXPECT_FALSE(r->job_finished);
    EXPECT_TRUE(r->released_job_ids.empty());
  }
  EXPECT_EQ(frame(s1.id).retry_count, 1);
  const core::Frame f2 = frame(s2.id);
  EXPECT_EQ(f2.total_core_time, 60) << "30 s on 2 cores";
  EXPECT_EQ(f2.max_rss, kKbPerGb);
  EXPECT_EQ(f2.last_resource, "render01/2/0");
  EXPECT_EQ(host(h.id).idle_cores, h.cores) << "every proc released";
  for (const auto& f : frames(nj.job.id, "render")) EXPECT_EQ(f.state, FrameState::kDepend);

  // sim 1 succeeds beside a render frame that cannot have run: the depend is released once.
  const std::string p1b = run(h, s1);
  auto second = must(store().completeFrames({completion(p1b, s1, h, 0, kT0 + 20)}),
                     "completeFrames");
  ASSERT_TRUE(second[0].ok()) << second[0].status();
  EXPECT_EQ(second[0]->released_job_ids, std::vector<std::string>{nj.job.id});
  for (const auto& f : frames(nj.job.id, "render")) EXPECT_EQ(f.state, FrameState::kWaiting);

  // Both render frames end in one batch: the job finishes once, with the last of them.
  const core::Frame r1 = frameOf(nj, "render", 1), r2 = frameOf(nj, "render", 2);
  const std::string q1 = run(h, r1), q2 = run(h, r2);
  auto last = must(store().completeFrames({completion(q1, r1, h, 0, kT0 + 30),
                                           completion(q2, r2, h, 0, kT0 + 40)}),
                   "completeFrames");
  ASSERT_TRUE(last[0].ok() && last[1].ok());
  EXPECT_FALSE(last[0]->job_finished);
  EXPECT_TRUE(last[1]->job_finished);
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);
  EXPECT_EQ(job(nj.job.id).stop_time, kT0 + 40);
  EXPECT_EQ(must(store().getFrameHistory(s1.id), "getFrameHistory").size(), 2u);
  expectCountsMatchFrames(nj.job.id);
}

TEST_P(StoreConformanceTest, BatchRefusesOnlyTheCompletionsTheStoreDoesNotHold) {
  NewJob nj = testingJob("mixed");
  addLayer(nj, "a", 1, 3);
  create(nj);
  core::Host h = bootHost("render01");
  const core::Frame f1 = frameOf(nj, "a", 1), f2 = frameOf(nj, "a", 2), f3 = frameOf(nj, "a", 3);
  const std::string p1 = run(h, f1), p2 = run(h, f2), p3 = run(h, f3);
  FrameCompletion negative = completion(p3, f3, h, 1, kT0 + 10);
  negative.oom_retry_memory = -1;

  auto results = must(store().completeFrames({
                          completion(p1, f1, h, 0, kT0 + 10),
                          completion(p1, f1, h, 0, kT0 + 11),        // the same proc again
                          completion("no-such-proc", f2, h, 0, kT0 + 10),
                          completion(p2, f1, h, 0, kT0 + 10),        // proc of another frame
                          negative,
                          completion(p2, f2, h, 1, kT0 + 12),
                      }),
                      "completeFrames");
  ASSERT_EQ(results.size(), 6u);
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  EXPECT_EQ(results[0]->new_state, FrameState::kSucceeded);
  EXPECT_CODE(results[1], kNotFound);
  EXPECT_CODE(results[2], kNotFound);
  EXPECT_CODE(results[3], kNotFound);
  EXPECT_CODE(results[4], kInvalidArgument);
  ASSERT_TRUE(results[5].ok()) << results[5].status();
  EXPECT_EQ(results[5]->new_state, FrameState::kWaiting);

  EXPECT_EQ(frame(f1.id).stop_time, kT0 + 10) << "the first completion counted, not the second";
  EXPECT_EQ(must(store().getFrameHistory(f1.id), "getFrameHistory").size(), 1u);
  EXPECT_EQ(frame(f2.id).retry_count, 1);
  EXPECT_EQ(frame(f3.id).state, FrameState::kRunning) << "the refused completion changed nothing";
  EXPECT_EQ(host(h.id).idle_cores, h.cores - 100) << "only f3's proc still booked";
  expectCountsMatchFrames(nj.job.id);
}

TEST_P(StoreConformanceTest, BatchLargerThanOneStatementCarriesIsWrittenWhole) {
  NewJob nj = testingJob("large");
  addLayer(nj, "a", 1, 300);
  create(nj);
  std::vector<core::Host> hosts;
  for (int n = 0; n < 10; ++n) hosts.push_back(bootHost(absl::StrCat("render", n)));
  std::vector<FrameCompletion> batch;
  std::vector<Booking> bookings;
  for (int n = 1; n <= 300; ++n) {
    const core::Frame f = frameOf(nj, "a", n);
    bookings.push_back(bookingFor(hosts[n % 10], f, 1, 1024));
  }
  ASSERT_EQ(must(store().book(bookings), "book").size(), 300u);
  for (const auto& b : bookings) {
    FrameCompletion c;
    c.proc_id = b.proc_id;
    c.frame_id = b.frame_id;
    c.host_name = "render";
    c.now = kT0 + 5;
    batch.push_back(c);
  }
  auto results = must(store().completeFrames(batch), "completeFrames");
  ASSERT_EQ(results.size(), 300u);
  int finished = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->new_state, FrameState::kSucceeded);
    finished += r->job_finished ? 1 : 0;
  }
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(job(nj.job.id).state, JobState::kFinished);
  for (const auto& h : hosts) EXPECT_EQ(host(h.id).idle_cores, h.cores);
  expectCountsMatchFrames(nj.job.id);
}

TEST_P(StoreConformanceTest, ManyBookingsAtOnceBookWhatFitsAndSkipTheRest) {
  NewJob nj = testingJob("sweep");
  addLayer(nj, "a", 1, 12);
  create(nj);
  core::Host open = bootHost("render01", 400);  // four one-core frames
  core::Host locked = bootHost("render02");
  core::Host down = bootHost("render03");
  must(store().setHostLock(locked.id, core::LockState::kLocked), "setHostLock");
  must(store().setHostState(down.id, core::HardwareState::kDown), "setHostState");
  const core::Frame f1 = frameOf(nj, "a", 1);
  run(open, f1);  // f1 runs already: one core of render01 taken
  std::vector<Booking> sweep = {
      bookingFor(open, frameOf(nj, "a", 2)),
      bookingFor(open, f1),                     // no longer WAITING
      bookingFor(open, frameOf(nj, "a", 3)),
      bookingFor(locked, frameOf(nj, "a", 4)),  // locked host
      bookingFor(down, frameOf(nj, "a", 5)),    // DOWN host
      bookingFor(open, frameOf(nj, "a", 6)),
      bookingFor(open, frameOf(nj, "a", 2)),    // the same frame twice
      bookingFor(open, frameOf(nj, "a", 7)),    // render01 is full by now
      bookingFor(open, frameOf(nj, "a", 8), 0, 64 * kKbPerGb),  // more memory than it has
  };
  auto made = must(store().book(sweep), "book");
  std::vector<std::string> booked;
  for (const auto& b : made) booked.push_back(b.frame_id);
  EXPECT_EQ(booked, (std::vector<std::string>{frameOf(nj, "a", 2).id, frameOf(nj, "a", 3).id,
                                              frameOf(nj, "a", 6).id}));
  for (int n : {2, 3, 6}) {
    const core::Frame f = frame(frameOf(nj, "a", n).id);
    EXPECT_EQ(f.state, FrameState::kRunning) << n;
    EXPECT_EQ(f.last_resource, "render01/1/0") << n;
    EXPECT_EQ(f.start_time, kT0) << n;
  }
  for (int n : {4, 5, 7, 8}) EXPECT_EQ(frame(frameOf(nj, "a", n).id).state, FrameState::kWaiting) << n;
  EXPECT_EQ(host(open.id).idle_cores, 0);
  EXPECT_EQ(host(open.id).idle_memory, open.memory - 4 * kKbPerGb);
  EXPECT_EQ(host(locked.id).idle_cores, locked.cores);
  EXPECT_EQ(host(down.id).idle_cores, down.cores);
  ProcSearch q;
  q.host_ids = {open.id};
  EXPECT_EQ(must(store().getProcs(q), "getProcs").size(), 4u);
  expectCountsMatchFrames(nj.job.id);
}

// The store books only what its rows say: a booking whose job or layer is not its frame's,
// or whose host or frame does not exist, is skipped (alone, and among many), whatever the
// database's own keys would have said.
TEST_P(StoreConformanceTest, ABookingNamingAnotherJobLayerHostOrFrameIsNotBooked) {
  NewJob nj = testingJob("names");
  addLayer(nj, "a", 1, 12);
  addLayer(nj, "b", 1, 1);
  create(nj);
  NewJob other = testingJob("other");
  addLayer(other, "a", 1, 1);
  create(other);
  core::Host h = bootHost("render01", 1600);
  core::Host ghost = h;
  ghost.id = common::newId();
  auto wrong = [&](int n, int how) {
    const core::Frame f = frameOf(nj, "a", n);
    Booking b = bookingFor(how == 2 ? ghost : h, f);
    if (how == 0) b.layer_id = frameOf(nj, "b", 1).layer_id;
    if (how == 1) b.job_id = other.job.id;
    if (how == 3) b.frame_id = common::newId();
    return b;
  };
  for (int how = 0; how < 4; ++how)
    EXPECT_TRUE(must(store().book({wrong(1, how)}), "book").empty()) << how;
  std::vector<Booking> sweep;
  for (int how = 0; how < 4; ++how) sweep.push_back(wrong(2 + how, how));
  for (int n = 6; n <= 12; ++n) sweep.push_back(bookingFor(h, frameOf(nj, "a", n)));
  auto made = must(store().book(sweep), "book");
  ASSERT_EQ(made.size(), 7u);
  for (const auto& b : made) EXPECT_EQ(frame(b.frame_id).state, FrameState::kRunning);
  for (int n = 1; n <= 5; ++n)
    EXPECT_EQ(frame(frameOf(nj, "a", n).id).state, FrameState::kWaiting) << n;
  EXPECT_EQ(host(h.id).idle_cores, 1600 - 700);
  ProcSearch q;
  q.host_ids = {h.id};
  EXPECT_EQ(must(store().getProcs(q), "getProcs").size(), 7u);
  EXPECT_EQ(must(store().getProcs(ProcSearch{}), "getProcs").size(), 7u);  // the ghost host none
  expectCountsMatchFrames(nj.job.id);
  expectCountsMatchFrames(other.job.id);
}

// A completion and the bookings of the cores it frees, in one transaction: each part as its
// own call would do it; a booking refused by the fence fails both, and nothing is written.
TEST_P(StoreConformanceTest, CompletionsAndTheBookingsOfTheCoresTheyFreeAreWrittenTogether) {
  NewJob nj = testingJob("together");
  addLayer(nj, "a", 1, 6);
  create(nj);
  core::Host h = bootHost("render01", 200);  // two one-core frames
  const core::Frame f1 = frameOf(nj, "a", 1), f2 = frameOf(nj, "a", 2);
  const std::string p1 = run(h, f1), p2 = run(h, f2);
  ASSERT_EQ(host(h.id).idle_cores, 0);

  // f1 succeeds, f2 fails (retried: WAITING), an unknown proc is refused alone; f3 and f4
  // take the two cores, f1 (no longer WAITING) is skipped.
  FrameCompletion unknown = completion(common::newId(), f1, h, 0, kT0 + 10);
  auto both =
      must(store().completeFramesAndBook(
               {completion(p1, f1, h, 0, kT0 + 10), completion(p2, f2, h, 1, kT0 + 10), unknown},
               {bookingFor(h, frameOf(nj, "a", 3), 100, kKbPerGb, kT0 + 10), bookingFor(h, f1),
                bookingFor(h, frameOf(nj, "a", 4), 100, kKbPerGb, kT0 + 10)}),
           "completeFramesAndBook");
  ASSERT_EQ(both.completions.size(), 3u);
  ASSERT_TRUE(both.completions[0].ok()) << both.completions[0].status();
  ASSERT_TRUE(both.completions[1].ok()) << both.completions[1].status();
  EXPECT_EQ(both.completions[0]->new_state, FrameState::kSucceeded);
  EXPECT_EQ(both.completions[1]->new_state, FrameState::kWaiting);
  EXPECT_CODE(both.completions[2], kNotFound);
  std::vector<std::string> booked;
  for (const auto& b : both.made) booked.push_back(b.frame_id);
  EXPECT_EQ(booked, (std::vector<std::string>{frameOf(nj, "a", 3).id, frameOf(nj, "a", 4).id}));
  EXPECT_EQ(frame(f1.id).state, FrameState::kSucceeded);
  EXPECT_EQ(frame(f2.id).state, FrameState::kWaiting);
  EXPECT_EQ(frame(frameOf(nj, "a", 3).id).state, FrameState::kRunning);
  EXPECT_EQ(frame(frameOf(nj, "a", 3).id).start_time, kT0 + 10);
  EXPECT_EQ(host(h.id).idle_cores, 0);
  ProcSearch q;
  q.host_ids = {h.id};
  EXPECT_EQ(must(store().getProcs(q), "getProcs").size(), 2u);
  expectCountsMatchFrames(nj.job.id);

  // Another cuebot holds the booking lease: the bookings are refused, and the completion
  // with them is not written. Without bookings the completion needs no lease.
  std::unique_ptr<Store> other = secondStore();
  Lease b = must(other->acquireLease("booking", "cuebot-b", kT0 * 1000, 5000), "acquireLease");
  ASSERT_EQ(b.holder, "cuebot-b");
  store().setBookingFence("booking", "cuebot-a", b.token);
  const std::string p3 = both.made[0].proc_id;
  const core::Frame f3 = frameOf(nj, "a", 3);
  EXPECT_CODE(store().completeFramesAndBook({completion(p3, f3, h, 0, kT0 + 20)},
                                            {bookingFor(h, frameOf(nj, "a", 5))}),
              kFailedPrecondition);
  EXPECT_EQ(frame(f3.id).state, FrameState::kRunning) << "nothing was written";
  EXPECT_EQ(frame(frameOf(nj, "a", 5).id).state, FrameState::kWaiting);
  EXPECT_EQ(host(h.id).idle_cores, 0);
  auto alone = must(store().completeFramesAndBook({completion(p3, f3, h, 0, kT0 + 20)}, {}),
                    "completeFramesAndBook");
  ASSERT_EQ(alone.completions.size(), 1u);
  ASSERT_TRUE(alone.completions[0].ok()) << alone.completions[0].status();
  EXPECT_EQ(alone.completions[0]->new_state, FrameState::kSucceeded);
  EXPECT_TRUE(alone.made.empty());
  EXPECT_EQ(host(h.id).idle_cores, 100);
  store().setBookingFence("", "", 0);
  expectCountsMatchFrames(nj.job.id);
}

// getLayersOfJobs: what getLayers gives for each job, in one read (a spec's jobs added to
// cuebot's model together), eleven jobs so that PostgreSQL takes the ids as an array.
TEST_P(StoreConformanceTest, LayersOfSeveralJobsAreThoseOfEachJob) {
  std::vector<std::string> ids;
  for (int k = 0; k < 11; ++k) {
    NewJob nj = testingJob(absl::StrCat("many", k));
    addLayer(nj, "sim", 1, 1);
    addLayer(nj, "render", 1, 2);
    create(nj);
    ids.push_back(nj.job.id);
  }
  ids.push_back(common::newId());  // no such job: no layers
  auto got = must(store().getLayersOfJobs(ids), "getLayersOfJobs");
  std::map<std::string, std::vector<core::Layer>> by_job;
  for (const auto& l : got) by_job[l.job_id].push_back(l);
  EXPECT_EQ(by_job.size(), 11u);
  for (size_t k = 0; k + 1 < ids.size(); ++k)
    expectSameRecords(must(store().getLayers(ids[k]), "getLayers"), by_job[ids[k]], "layers");
  EXPECT_TRUE(must(store().getLayersOfJobs({}), "getLayersOfJobs").empty());
}

}  // namespace cue::store::conformance
