#include "gui/polling_monitor.h"

#include <chrono>
#include <string>
#include <utility>

namespace cue::gui {

PollingMonitor::PollingMonitor(client::Client client, int refresh_ms, QObject* parent)
    : QObject(parent),
      config_(client.config()),
      refresh_ms_(refresh_ms),
      async_(std::make_unique<client::AsyncClient>(std::move(client))) {
  connect(&timer_, &QTimer::timeout, this, &PollingMonitor::refresh);
}

PollingMonitor::~PollingMonitor() {
  timer_.stop();
  // Waits for the call in flight only (closing a window must not wait for a queue of calls
  // to a slow cuebot); its result, posted to this object, is dropped with it.
  async_->dropQueued();
  async_.reset();
}

void PollingMonitor::start() {
  timer_.start(refresh_ms_);
  refresh();
}

void PollingMonitor::setRefreshInterval(int ms) {
  refresh_ms_ = ms;
  if (timer_.isActive()) timer_.start(ms);
}

void PollingMonitor::refresh() {
  if (refreshing_) {
    refresh_again_ = true;
    return;
  }
  refreshing_ = true;
  fetch();
}

void PollingMonitor::refreshDone(const absl::Status& status) {
  refreshing_ = false;
  setConnected(status.ok(), status.ok() ? QString() : message(status));
  ++refresh_count_;
  Q_EMIT refreshed();
  if (refresh_again_) {
    refresh_again_ = false;
    refresh();
  }
}

void PollingMonitor::setConnected(bool connected, const QString& error) {
  if (connected == connected_ && error == last_error_) return;
  connected_ = connected;
  last_error_ = error;
  Q_EMIT connectionChanged(connected, error);
}

void PollingMonitor::runOnce(const QString& verb,
                                std::function<absl::Status(client::Client&)> op) {
  run<absl::Status>(std::move(op), [this, verb](absl::Status st) {
    if (st.ok()) {
      Q_EMIT actionDone(verb);
    } else {
      Q_EMIT actionFailed(QStringLiteral("%1 failed: %2").arg(verb, message(st)));
    }
    refresh();
  });
}

int64_t PollingMonitor::nowEpochSec() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

QString PollingMonitor::message(const absl::Status& status) {
  return QString::fromStdString(std::string(status.message()));
}

void ActionMonitor::runAction(const QString& verb, const QString& what, const QStringList& ids,
                              const std::vector<std::string>& names, Op op) {
  if (ids.isEmpty()) return;
  std::vector<std::string> keys;
  for (const auto& id : ids) keys.push_back(id.toStdString());
  using Failures = std::vector<std::string>;
  run<Failures>(
      [keys, names, op](client::Client& c) {
        Failures failures;
        for (size_t i = 0; i < keys.size(); ++i) {
          absl::Status st = op(c, keys[i]);
          if (!st.ok()) failures.push_back(names[i] + ": " + std::string(st.message()));
        }
        return failures;
      },
      [this, verb, what, count = ids.size()](Failures failures) {
        if (failures.empty()) {
          Q_EMIT actionDone(QStringLiteral("%1: %2 %3(s)").arg(verb).arg(count).arg(what));
        } else {
          QStringList lines;
          for (const auto& f : failures) lines << QString::fromStdString(f);
          Q_EMIT actionFailed(QStringLiteral("%1 failed for %2 of %3 %4(s): %5")
                                  .arg(verb)
                                  .arg(failures.size())
                                  .arg(count)
                                  .arg(what, lines.join(QStringLiteral("; "))));
        }
        refresh();
      });
}

}  // namespace cue::gui
