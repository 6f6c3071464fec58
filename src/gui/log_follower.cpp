// The frame log follower (log_follower.h): reads on the worker thread, appends on the UI thread.
#include "gui/log_follower.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"

namespace cue::gui {
namespace {

// One refresh's reads, on the worker thread.
struct Read {
  absl::Status status;
  std::string data;
  int64_t next_offset = 0;
  int64_t size = 0;
  int64_t skipped = 0;     // the start of the log left out (first read of a long log)
  bool replaced = false;   // the log is shorter than what was read: a new run's log
  bool done = false;
  std::string host, path;
  int earlier_runs = -1;  // counted when asked
};

// Reads the log from `from` on: up to max_bytes_per_refresh, or to its end.
Read readFrom(client::Client& c, const std::string& job, const std::string& frame, int attempt,
              int64_t from, const LogFollowerOptions& opt) {
  Read r;
  int64_t offset = from;
  bool first = true;
  while (true) {
    auto chunk = c.readFrameLog(job, frame, offset, opt.chunk_bytes, attempt);
    if (!chunk.ok()) {
      r.status = chunk.status();
      return r;
    }
    r.size = chunk->size;
    r.host = chunk->host;
    r.path = chunk->path;
    r.done = chunk->frame_done;
    if (first) {
      first = false;
      int64_t start = offset;
      if (chunk->size < offset) {  // a new run began a new log: read it from the start
        r.replaced = true;
        start = 0;
      }
      if (start == 0 && chunk->size > opt.keep_bytes) start = r.skipped = chunk->size - opt.keep_bytes;
      if (start != offset) {
        offset = start;
        continue;
      }
    }
    std::string_view data = chunk->data;
    if (r.skipped > 0 && offset == r.skipped && r.data.empty()) {
      // Start the kept tail at a line.
      const size_t nl = data.find('\n');
      if (nl != std::string_view::npos) data.remove_prefix(nl + 1);
    }
    r.data.append(data);
    offset = chunk->next_offset;
    r.next_offset = offset;
    if (chunk->data.empty() || offset >= chunk->size ||
        static_cast<int64_t>(r.data.size()) >= opt.max_bytes_per_refresh) {
      return r;
    }
  }
}

}  // namespace

LogFollower::LogFollower(client::Client client, std::string job_name, std::string frame_name,
                         LogFollowerOptions options, QObject* parent)
    : PollingMonitor(std::move(client), options.refresh_ms, parent),
      job_name_(std::move(job_name)),
      frame_name_(std::move(frame_name)),
      options_(options) {}

void LogFollower::setAttempt(int attempt) {
  attempt_ = std::max(attempt, 0);
  clear();
  if (!running()) start();
  else refresh();
}

void LogFollower::clear() {
  ++generation_;
  text_.clear();
  decoder_.resetState();
  offset_ = size_ = skipped_ = 0;
  finished_ = false;
  note_.clear();
  Q_EMIT cleared();
}

void LogFollower::fetch() {
  const int generation = generation_;
  run<Read>(
      [job = job_name_, frame = frame_name_, attempt = attempt_, from = offset_,
       count_runs = attempt_ == 0 && offset_ == 0, opt = options_](client::Client& c) {
        Read r = readFrom(c, job, frame, attempt, from, opt);
        if (r.status.ok() && attempt == 0 && (count_runs || r.replaced)) {
          // Earlier runs' logs: "<log>.1", "<log>.2", ... until one is missing.
          r.earlier_runs = 0;
          while (r.earlier_runs < kMaxEarlierRuns &&
                 c.readFrameLog(job, frame, 0, 1, r.earlier_runs + 1).ok()) {
            ++r.earlier_runs;
          }
        }
        return r;
      },
      [this, generation](Read r) {
        if (generation != generation_) {  // another attempt was chosen meanwhile
          refreshDone(absl::OkStatus());
          return;
        }
        if (absl::IsNotFound(r.status)) {
          // No log (yet): the frame has not started, or that attempt never ran.
          note_ = message(r.status);
          refreshDone(absl::OkStatus());
          return;
        }
        if (!r.status.ok()) {
          refreshDone(r.status);
          return;
        }
        if (r.replaced) clear();
        if (r.earlier_runs >= 0 && r.earlier_runs != earlier_runs_) {
          earlier_runs_ = r.earlier_runs;
          Q_EMIT earlierRunsFound(earlier_runs_);
        }
        note_.clear();
        host_ = QString::fromStdString(r.host);
        path_ = QString::fromStdString(r.path);
        size_ = r.size;
        if (r.skipped > 0) skipped_ = r.skipped;
        offset_ = std::max(offset_, r.next_offset);
        if (!r.data.empty()) {
          QString added = decoder_.decode(QByteArrayView(r.data.data(), static_cast<qsizetype>(r.data.size())));
          text_ += added;
          if (text_.size() > options_.keep_bytes) {
            qsizetype cut = text_.size() - options_.keep_bytes;
            if (text_.at(cut).isLowSurrogate()) ++cut;  // never half a character
            text_.remove(0, cut);
          }
          Q_EMIT appended(added);
        }
        finished_ = r.done && offset_ >= size_;
        if (finished_) stop();
        const bool more = offset_ < size_;
        refreshDone(absl::OkStatus());
        if (more) refresh();  // the rest of a long log now, not at the next tick
      });
}

}  // namespace cue::gui
