#include "gui/job_details_monitor.h"

#include <utility>
#include <vector>

namespace cue::gui {
namespace {

// One refresh's answer: the layers and either every frame or the frames changed, or the
// first error.
struct Details {
  absl::Status status;
  std::vector<core::LayerView> layers;
  bool full = false;
  std::vector<core::Frame> frames;
  int64_t server_time = 0;
};

// A `since` far ahead: GetUpdatedFrames then answers no frames, only cuebot's clock.
constexpr int64_t kClockOnly = 2'000'000'000;

}  // namespace

JobDetailsMonitor::JobDetailsMonitor(client::Client client, std::string job_id, int refresh_ms,
                                     QObject* parent)
    : PollingMonitor(std::move(client), refresh_ms, parent), job_id_(std::move(job_id)) {}

void JobDetailsMonitor::fetch() {
  const bool full = since_ == 0 || since_full_ >= kFullEvery;
  run<Details>(
      [id = job_id_, full, since = since_ - kOverlapSeconds](client::Client& c) {
        Details d;
        d.full = full;
        auto layers = c.getLayers(id);
        if (!layers.ok()) {
          d.status = layers.status();
          return d;
        }
        d.layers = std::move(*layers);
        // cuebot's clock before the frames are read: what changes after it comes next time.
        auto updates = c.getUpdatedFrames(id, full ? kClockOnly : since);
        if (!updates.ok()) {
          d.status = updates.status();
          return d;
        }
        d.server_time = updates->server_time;
        if (!full) {
          d.frames = std::move(updates->frames);
          return d;
        }
        auto frames = c.getFrames(id);
        if (!frames.ok()) {
          d.status = frames.status();
          return d;
        }
        d.frames = std::move(*frames);
        return d;
      },
      [this](Details d) {
        if (!d.status.ok()) {
          since_ = 0;  // read everything again once cuebot answers
          refreshDone(d.status);
          return;
        }
        layers_.setLayers(std::move(d.layers));
        if (d.full) {
          frames_.setFrames(std::move(d.frames), nowEpochSec());
          since_full_ = 0;
        } else if (frames_.updateFrames(d.frames, nowEpochSec())) {
          ++since_full_;
          ++delta_refreshes_;
        } else {
          since_ = 0;  // a frame not shown: read them all next time, which is now
          refreshDone(absl::OkStatus());
          refresh();
          return;
        }
        since_ = d.server_time;
        refreshDone(absl::OkStatus());
      });
}

void JobDetailsMonitor::runAction(const QString& verb, const QStringList& names, FrameOp op) {
  if (names.isEmpty()) return;
  client::FrameQuery query;
  for (const auto& n : names) query.names.push_back(n.toStdString());
  runOnce(QStringLiteral("%1: %2 frame(s)").arg(verb).arg(names.size()),
          [id = job_id_, query, op](client::Client& c) { return op(c, id, query); });
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

void JobDetailsMonitor::markDoneFrames(const QStringList& names) {
  runAction(QStringLiteral("Mark done"), names,
            [](client::Client& c, const std::string& id, const client::FrameQuery& q) {
              return c.markDoneFrames(id, q);
            });
}

namespace {

client::FrameQuery deadFramesOf(const QStringList& layers) {
  client::FrameQuery q;
  for (const auto& l : layers) q.layers.push_back(l.toStdString());
  q.states = {core::FrameState::kDead};
  return q;
}

}  // namespace

void JobDetailsMonitor::retryDeadLayerFrames(const QStringList& layers) {
  if (layers.isEmpty()) return;
  runOnce(QStringLiteral("Retry dead frames of %1").arg(layers.join(QStringLiteral(", "))),
          [id = job_id_, q = deadFramesOf(layers)](client::Client& c) { return c.retryFrames(id, q); });
}

void JobDetailsMonitor::eatDeadLayerFrames(const QStringList& layers) {
  if (layers.isEmpty()) return;
  runOnce(QStringLiteral("Eat dead frames of %1").arg(layers.join(QStringLiteral(", "))),
          [id = job_id_, q = deadFramesOf(layers)](client::Client& c) { return c.eatFrames(id, q); });
}

void JobDetailsMonitor::reorderLayer(const QString& layer_id, const QString& range,
                                     client::FrameOrder order) {
  runOnce(QStringLiteral("Reorder %1").arg(range),
          [id = layer_id.toStdString(), r = range.toStdString(), order](client::Client& c) {
            return c.reorderLayerFrames(id, r, order);
          });
}

void JobDetailsMonitor::staggerLayer(const QString& layer_id, const QString& range, int increment) {
  runOnce(QStringLiteral("Stagger %1 by %2").arg(range).arg(increment),
          [id = layer_id.toStdString(), r = range.toStdString(), increment](client::Client& c) {
            return c.staggerLayerFrames(id, r, increment);
          });
}

}  // namespace cue::gui
