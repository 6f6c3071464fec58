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

ReportWriter::ReportWriter(store::Store& store, size_t max_rows)
    : store_(store), max_rows_(max_rows), thread_([this] {
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
  idle_cv_.wait(lock, [this] { return !writing_; });
}

void ReportWriter::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return pending_.empty() && !writing_; });
}

void ReportWriter::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) break;  // stopping, nothing left
    std::vector<store::Store::HostReportUpdate> batch;
    size_t rows = 0;
    while (!pending_.empty() && (batch.empty() || rows < max_rows_)) {
      batch.push_back(std::move(pending_.extract(pending_.begin()).mapped()));
      rows += 1 + batch.back().usage.size();
    }
    writing_ = true;
    lock.unlock();
    auto written = store_.updateHostReports(batch);
    if (!written.ok())
      common::logger("cuebot")->warn("{} host reports not written: {} (their hosts' next "
                                     "reports will be)",
                                     batch.size(), written.status().ToString());
    lock.lock();
    writing_ = false;
    idle_cv_.notify_all();
    // The store is down (a database restarting): the next reports wait a while rather
    // than fail as fast as they come.
    if (!written.ok()) cv_.wait_for(lock, kRetryDelay, [this] { return stopping_; });
  }
  writing_ = false;
  idle_cv_.notify_all();
}

}  // namespace cue::cuebot
