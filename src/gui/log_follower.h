// The log viewer without its widgets: follows one frame's log through cuebot (the cue.ext
// FrameLogInterface, which reads it from the rqd that holds it, so no shared storage is
// needed). Each refresh reads from where the last one stopped (up to 4 MiB), decodes UTF-8
// across chunk boundaries and appends; once the frame no longer runs and the whole log is
// read, the timer stops. An earlier attempt's log ("<log>.N") is read the same way; how many
// there are is found with the first read of the latest log (and again when a new run starts).
//
// Memory is bounded: only the last `keep_bytes` of a log are kept, and a log already longer
// than that when first read is read from its tail (skippedBytes() says how much was left out).
//
// A frame that has not started has no log yet: that is a note (note()), not a lost
// connection. Refreshing, threading and the connection state are PollingMonitor's.
#pragma once

#include <QString>
#include <QStringDecoder>
#include <cstdint>
#include <string>

#include "client/client.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

struct LogFollowerOptions {
  int refresh_ms = 1000;               // while the frame runs
  int64_t keep_bytes = 8 << 20;        // the most of a log held (its tail)
  int32_t chunk_bytes = 1 << 20;       // bytes per ReadFrameLog call
  int64_t max_bytes_per_refresh = 4 << 20;
};

class LogFollower : public PollingMonitor {
  Q_OBJECT

 public:
  LogFollower(client::Client client, std::string job_name, std::string frame_name,
              LogFollowerOptions options = {}, QObject* parent = nullptr);

  const std::string& jobName() const { return job_name_; }
  const std::string& frameName() const { return frame_name_; }

  // 0 = the latest log, N = the Nth older one. Changing it clears the text and re-reads.
  int attempt() const { return attempt_; }
  void setAttempt(int attempt);

  // What has been read (the tail of the log when it is longer than keep_bytes).
  const QString& text() const { return text_; }
  int64_t offset() const { return offset_; }        // bytes of the log read so far
  int64_t size() const { return size_; }            // the log's size at the last read
  int64_t skippedBytes() const { return skipped_; }  // left out at the start
  const QString& host() const { return host_; }
  const QString& path() const { return path_; }
  // The frame no longer runs and its log has been read to the end: nothing more will come.
  bool finished() const { return finished_; }
  // Why there is no text, when there is none ("no log yet: the frame has not started").
  const QString& note() const { return note_; }
  // Logs of earlier runs the frame's host keeps (attempts 1..N); -1 until known.
  int earlierRuns() const { return earlier_runs_; }
  static constexpr int kMaxEarlierRuns = 20;

 Q_SIGNALS:
  // New text at the end of text().
  void appended(const QString& text);
  // text() was cleared (another attempt, or the log was replaced by a new run).
  void cleared();
  void earlierRunsFound(int count);

 protected:
  void fetch() override;

 private:
  void clear();

  std::string job_name_;
  std::string frame_name_;
  LogFollowerOptions options_;
  int attempt_ = 0;
  int generation_ = 0;  // bumped by clear(): answers for an older generation are dropped
  QString text_;
  QStringDecoder decoder_{QStringDecoder::Utf8};
  int64_t offset_ = 0;
  int64_t size_ = 0;
  int64_t skipped_ = 0;
  QString host_;
  QString path_;
  bool finished_ = false;
  QString note_;
  int earlier_runs_ = -1;
};

}  // namespace cue::gui
