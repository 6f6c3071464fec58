// Status reports answered from memory (FarmModel::reportedInMemory: nothing in them
// changes what the scheduler reads) reach the store here, behind the reply: the latest
// report of each host, written by a thread of its own in batches of one transaction each
// (Store::updateHostReports), in rounds at most one `interval` apart (start to start): a
// round writes every host that reported since the last, once, with its latest report. So
// the store's work follows the number of hosts, not the rate of their reports (rqds nudge
// a report at every frame start and end; a burst of short frames makes many a second).
//
// What trails the reply is resource figures only (host load, free memory, ping time;
// procs' memory in use and peaks): a frame's peaks also come with its completion, and a
// restarted cuebot gives every host a fresh ping. Reports that change a host's state take
// the store's path first (Farm::onStatus).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace cue::cuebot {

class ReportWriter {
 public:
  // A transaction takes reports until they hold `max_rows` rows (a host and each of its
  // running frames are one each; one report at least), so that the store's writer is
  // held from bookings and completions for a few milliseconds at most.
  // Rounds start at most every `interval`: figures trail the reports by that much at most
  // (plus the round's writing), far within a host's timeout (minutes).
  static constexpr std::chrono::milliseconds kDefaultInterval{500};
  static constexpr size_t kDefaultMaxRows = 256;
  explicit ReportWriter(store::Store& store, size_t max_rows = kDefaultMaxRows,
                        std::chrono::milliseconds interval = kDefaultInterval);
  ~ReportWriter();  // writes what is pending, then stops
  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  // Queues a host's report; it replaces the host's report still waiting, if any.
  void add(store::Store::HostReportUpdate update);
  // A newer report of the host is about to be written through the store's path: its
  // waiting report is dropped, and a batch being written is waited for, so that nothing
  // older lands after it.
  void supersede(const std::string& host_name);
  // Returns once every report added before the call is in the store (or failed), writing
  // them without waiting for the next round.
  void flush();
  // Rounds written so far (one or more batches each).
  uint64_t roundsWritten() const;

 private:
  void run();

  store::Store& store_;
  const size_t max_rows_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // work for the writer, a flush, or stopping
  std::condition_variable idle_cv_;  // a batch written
  // By host name: reports for the next round, and those of the round being written.
  std::map<std::string, store::Store::HostReportUpdate> pending_;
  std::map<std::string, store::Store::HostReportUpdate> round_;
  bool writing_ = false;
  bool stopping_ = false;
  int flushing_ = 0;  // callers in flush(): the next round starts now
  uint64_t rounds_ = 0;
  std::thread thread_;
};

}  // namespace cue::cuebot
