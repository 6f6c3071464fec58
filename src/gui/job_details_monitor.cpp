#include "gui/job_details_monitor.h"

#include <QMetaObject>
#include <chrono>
#include <utility>
#include <vector>

namespace cue::gui {

namespace {

int64_t nowEpochSec() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

QString message(const absl::Status& status) {
  return QString::fromStdString(std::string(status.message()));
}

// One refresh's answer: both lists, or the first error.
struct Details {
  absl::Status status;
  std::vector<core::LayerView> layers;
  std::vector<core::Frame> frames;
};

}  // namespace

JobDetailsMonitor::JobDetailsMonitor(client::Client client, std::string job_id, int refresh_ms,
                                     QObject* parent)
    : QObject(parent),
      job_id_(std::move(job_id)),
      refresh_ms_(refresh_ms),
      async_(std::make_unique<client::AsyncClient>(std::move(client))) {
  connect(&timer_, &QTimer::timeout, this, &JobDetailsMonitor::refresh);
}

JobDetailsMonitor::~JobDetailsMonitor() {
  timer_.stop();
  async_.reset();
}

template <class R>
void JobDetailsMonitor::run(std::function<R(client::Client&)> work, std::function<void(R)> done) {
  async_->post([this, work = std::move(work), done = std::move(done)](client::Client& c) {
    auto result = std::make_shared<R>(work(c));
    QMetaObject::invokeMethod(
        this, [result, done] { done(std::move(*result)); }, Qt::QueuedConnection);
  });
}

void JobDetailsMonitor::start() {
  timer_.start(refresh_ms_);
  refresh();
}

void JobDetailsMonitor::setRefreshInterval(int ms) {
  refresh_ms_ = ms;
  if (timer_.isActive()) timer_.start(ms);
}

void JobDetailsMonitor::refresh() {
  if (refreshing_) {
    refresh_again_ = true;
    return;
  }
  refreshing_ = true;
  run<Details>(
      [id = job_id_](client::Client& c) {
        Details d;
        auto layers = c.getLayers(id);
        if (!layers.ok()) {
          d.status = layers.status();
          return d;
        }
        auto frames = c.getFrames(id);
        if (!frames.ok()) {
          d.status = frames.status();
          return d;
        }
        d.layers = std::move(*layers);
        d.frames = std::move(*frames);
        return d;
      },
      [this](Details d) {
        refreshing_ = false;
        if (d.status.ok()) {
          layers_.setLayers(std::move(d.layers));
          frames_.setFrames(std::move(d.frames), nowEpochSec());
          setConnected(true, {});
        } else {
          setConnected(false, message(d.status));
        }
        ++refresh_count_;
        Q_EMIT refreshed();
        if (refresh_again_) {
          refresh_again_ = false;
          refresh();
        }
      });
}

void JobDetailsMonitor::setConnected(bool connected, const QString& error) {
  if (connected == connected_ && error == last_error_) return;
  connected_ = connected;
  last_error_ = error;
  Q_EMIT connectionChanged(connected, error);
}

void JobDetailsMonitor::runAction(const QString& verb, const QStringList& names, FrameOp op) {
  if (names.isEmpty()) return;
  client::FrameQuery query;
  for (const auto& n : names) query.names.push_back(n.toStdString());
  run<absl::Status>([id = job_id_, query, op](client::Client& c) { return op(c, id, query); },
                    [this, verb, count = names.size()](absl::Status st) {
                      if (st.ok()) {
                        Q_EMIT actionDone(QStringLiteral("%1: %2 frame(s)").arg(verb).arg(count));
                      } else {
                        Q_EMIT actionFailed(QStringLiteral("%1 failed for %2 frame(s): %3")
                                                .arg(verb)
                                                .arg(count)
                                                .arg(message(st)));
                      }
                      refresh();
                    });
}

void JobDetailsMonitor::retryFrames(const QStringList& names) {
  runAction(QStringLiteral("Retry"), names,
            [](client::Client& c, const std::string& id, const client::FrameQuery& q) {
              return c.retryFrames(id, q);
            });
}

void JobDetailsMonitor::killFrames(const QStringList& names, const QString& reason) {
  std::string why = reason.toStdString();
  runAction(QStringLiteral("Kill"), names,
            [why](client::Client& c, const std::string& id, const client::FrameQuery& q) {
              return c.killFrames(id, q, why);
            });
}

void JobDetailsMonitor::eatFrames(const QStringList& names) {
  runAction(QStringLiteral("Eat"), names,
            [](client::Client& c, const std::string& id, const client::FrameQuery& q) {
              return c.eatFrames(id, q);
            });
}

}  // namespace cue::gui
