#include "cuebot/report_writer.h"

#include <chrono>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "common/process.h"

namespace cue::cuebot {
namespace {
constexpr std::chrono::seconds kRetryDelay{1};
}  // namespace

ReportWriter::ReportWriter(store::Store& store, size_t max_rows, std::chrono::milliseconds interval)
    : store_(store), max_rows_(max_rows), interval_(interval), thread_([this] {
        common::nameThisThread("report-writer");
        run();
      }) {}

ReportWriter::~ReportWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ReportWriter::add(store::Store::HostReportUpdate update) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::string name = update.report.name;
    pending_.insert_or_assign(std::move(name), std::move(update));
  }
  cv_.notify_one();
}

void ReportWriter::supersede(const std::string& host_name) {
  std::unique_lock<std::mutex> lock(mu_);
  pending_.erase(host_name);
  round_.erase(host_name);
  idle_cv_.wait(lock, [this] { return !writing_; });
}

void ReportWriter::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  ++flushing_;
  cv_.notify_all();
  idle_cv_.wait(lock, [this] { return pending_.empty() && round_.empty() && !writing_; });
  --flushing_;
}

uint64_t ReportWriter::roundsWritten() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rounds_;
}

void ReportWriter::run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(mu_);
  Clock::time_point round_start = Clock::now() - interval_;
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) break;  // stopping, nothing left
    // Reports arriving until the round is due fold into each host's latest.
    cv_.wait_until(lock, round_start + interval_, [this] { return stopping_ || flushing_ > 0; });
    round_start = Clock::now();
    ++rounds_;
    round_.swap(pending_);  // round_ was empty: reports from now on wait for the next round
    while (!round_.empty()) {
      std::vector<store::Store::HostReportUpdate> batch;
      size_t rows = 0;
      while (!round_.empty() && (batch.empty() || rows < max_rows_)) {
        batch.push_back(std::move(round_.extract(round_.begin()).mapped()));
        rows += 1 + batch.back().usage.size();
      }
      writing_ = true;
      lock.unlock();
      auto written = store_.updateHostReports(batch);
      lock.lock();
      writing_ = false;
      // The store is down (a database restarting): the round is dropped, as its hosts'
      // next reports carry newer figures, and the next round waits a while rather than
      // fail as fast as reports come. Dropped, not kept: a writer that stops while the
      // store is down must still end.
      if (!written.ok()) {
        common::logger("cuebot")->warn(
            "{} host reports not written: {} (their hosts' next reports will be)",
            batch.size() + round_.size(), written.status().ToString());
        round_.clear();
      }
      idle_cv_.notify_all();
      if (!written.ok()) cv_.wait_for(lock, kRetryDelay, [this] { return stopping_; });
    }
  }
  writing_ = false;
  idle_cv_.notify_all();
}

}  // namespace cue::cuebot
