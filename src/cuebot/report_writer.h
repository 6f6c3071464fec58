// Status reports answered from memory (FarmModel::reportedInMemory: nothing in them
// changes what the scheduler reads) reach the store here, behind the reply: the latest
// report of each host, written by a thread of its own in batches of one transaction each
// (Store::updateHostReports), as fast as the store takes them. A host's reports that
// arrive while a batch is being written are folded into its latest, so that the store's
// work follows the number of hosts, not the rate of their reports.
//
// What trails the reply is resource figures only (host load, free memory, ping time;
// procs' memory in use and peaks): a frame's peaks also come with its completion, and a
// restarted cuebot gives every host a fresh ping. Reports that change a host's state take
// the store's path first (Farm::onStatus).
#pragma once

#include <condition_variable>
#include <cstddef>
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
  explicit ReportWriter(store::Store& store, size_t max_rows = 256);
  ~ReportWriter();  // writes what is pending, then stops
  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  // Queues a host's report; it replaces the host's report still waiting, if any.
  void add(store::Store::HostReportUpdate update);
  // A newer report of the host is about to be written through the store's path: its
  // waiting report is dropped, and a batch being written is waited for, so that nothing
  // older lands after it.
  void supersede(const std::string& host_name);
  // Returns once every report added before the call is in the store (or failed).
  void flush();

 private:
  void run();

  store::Store& store_;
  const size_t max_rows_;
  mutable std::mutex mu_;
  std::condition_variable cv_;       // work for the writer, or stopping
  std::condition_variable idle_cv_;  // a batch written
  std::map<std::string, store::Store::HostReportUpdate> pending_;  // by host name
  bool writing_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cue::cuebot
