// The depends and comments tables and their monitors (depends_model.h).
#include "gui/depends_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace cue::gui {

namespace {

QString text(const std::string& s) { return QString::fromStdString(s); }

// "render" or "render/0001-render": a side's layer and frame as one word.
QString side(const std::string& layer, const std::string& frame) {
  if (!frame.empty()) return text(frame);
  return text(layer);
}

}  // namespace

DependsModel::DependsModel(QObject* parent)
    : KeyedTableModel<DependRow>(
          {{"Direction", "Whether this job waits on the depend or the depend waits on it", false},
           {"Type", "The depend's type, as OpenCue names it", false},
           {"Here", "This job's layer or frame in the depend (empty: the whole job)", false},
           {"Job", "The other side's job", false},
           {"Layer", "The other side's layer (empty: the whole job)", false},
           {"Frame", "The other side's frame (empty: a whole layer or job)", false},
           {"State", "Active: still holding frames; satisfied: released", false}},
          parent) {}

void DependsModel::setDepends(std::vector<core::DependView> waits_on,
                              std::vector<core::DependView> waited_by) {
  std::vector<DependRow> rows;
  rows.reserve(waits_on.size() + waited_by.size());
  for (auto& d : waits_on) rows.push_back({true, std::move(d)});
  for (auto& d : waited_by) rows.push_back({false, std::move(d)});
  setItems(std::move(rows), 0);
}

std::string DependsModel::dependId(int row) const {
  const DependRow* r = item(row);
  return r == nullptr ? std::string() : r->depend.id;
}

std::string DependsModel::key(const DependRow& r) const {
  return (r.waits_on ? "on:" : "by:") + r.depend.id;
}

QVariant DependsModel::display(const DependRow& r, int column) const {
  const core::DependView& d = r.depend;
  switch (column) {
    case kDirection:
      return r.waits_on ? tr("Waits on") : tr("Waited on by");
    case kType:
      return QString::fromLatin1(core::toString(d.type).data(),
                                 static_cast<int>(core::toString(d.type).size()));
    case kHere:
      return r.waits_on ? side(d.er_layer, d.er_frame) : side(d.on_layer, d.on_frame);
    case kJob:
      return text(r.waits_on ? d.on_job : d.er_job);
    case kLayer:
      return text(r.waits_on ? d.on_layer : d.er_layer);
    case kFrame:
      return text(r.waits_on ? d.on_frame : d.er_frame);
    case kState:
      return d.active ? tr("Active") : tr("Satisfied");
    default:
      return {};
  }
}

QVariant DependsModel::extra(const DependRow& r, int, int role) const {
  if (role == Qt::ForegroundRole && !r.depend.active) return QBrush(QColor(Qt::gray));
  return {};
}

CommentsModel::CommentsModel(QObject* parent)
    : KeyedTableModel<core::Comment>({{"Subject", "The comment's one-line summary", false},
                                      {"User", "Who wrote it", false},
                                      {"Date", "When it was written", false},
                                      {"Message", "The comment's text", false}},
                                     parent) {}

QVariant CommentsModel::display(const core::Comment& c, int column) const {
  switch (column) {
    case kSubject:
      return text(c.subject);
    case kUser:
      return text(c.user);
    case kTime:
      return QDateTime::fromSecsSinceEpoch(c.timestamp).toString(QStringLiteral("yyyy-MM-dd hh:mm"));
    case kMessage:
      return text(c.message);
    default:
      return {};
  }
}

QVariant CommentsModel::sortValue(const core::Comment& c, int column) const {
  if (column == kTime) return static_cast<qlonglong>(c.timestamp);
  return {};
}

DependsMonitor::DependsMonitor(client::Client client, std::string job_id, int refresh_ms,
                               QObject* parent)
    : JobItemsMonitor(std::move(client), std::move(job_id), refresh_ms, parent) {}

void DependsMonitor::fetch() {
  struct Depends {
    absl::Status status;
    std::vector<core::DependView> waits_on, waited_by;
  };
  run<Depends>(
      [id = job_id_](client::Client& c) {
        Depends d;
        auto on = c.getWhatThisDependsOn(id);
        if (!on.ok()) {
          d.status = on.status();
          return d;
        }
        auto by = c.getWhatDependsOnThis(id);
        if (!by.ok()) {
          d.status = by.status();
          return d;
        }
        d.waits_on = std::move(*on);
        d.waited_by = std::move(*by);
        return d;
      },
      [this](Depends d) {
        if (d.status.ok()) model_.setDepends(std::move(d.waits_on), std::move(d.waited_by));
        refreshDone(d.status);
      });
}

void DependsMonitor::satisfy(const std::vector<std::string>& depend_ids) {
  if (depend_ids.empty()) return;
  runOnce(QStringLiteral("Satisfy %1 depend(s)").arg(depend_ids.size()),
          [depend_ids](client::Client& c) {
            for (const auto& id : depend_ids) {
              auto st = c.satisfyDepend(id);
              if (!st.ok()) return st;
            }
            return absl::OkStatus();
          });
}

void DependsMonitor::addJobOnJob(const std::string& on_job_id, const QString& on_job_name) {
  runOnce(QStringLiteral("Depend on job %1").arg(on_job_name),
          [id = job_id_, on_job_id](client::Client& c) {
            return c.createJobOnJobDepend(id, on_job_id).status();
          });
}

void DependsMonitor::addLayerOnLayer(const std::string& layer_id, const std::string& on_layer_id,
                                     const QString& what) {
  runOnce(QStringLiteral("Depend %1").arg(what), [layer_id, on_layer_id](client::Client& c) {
    return c.createLayerOnLayerDepend(layer_id, on_layer_id).status();
  });
}

CommentsMonitor::CommentsMonitor(client::Client client, std::string job_id, int refresh_ms,
                                 QObject* parent)
    : JobItemsMonitor(std::move(client), std::move(job_id), refresh_ms, parent) {}

void CommentsMonitor::fetch() {
  using Comments = absl::StatusOr<std::vector<core::Comment>>;
  run<Comments>([id = job_id_](client::Client& c) { return c.getJobComments(id); },
                [this](Comments comments) {
                  if (comments.ok()) model_.setComments(std::move(*comments));
                  refreshDone(comments.status());
                });
}

void CommentsMonitor::add(const QString& subject, const QString& message) {
  runOnce(QStringLiteral("Add comment"),
          [id = job_id_, s = subject.toStdString(), m = message.toStdString()](client::Client& c) {
            return c.addJobComment(id, s, m);
          });
}

void CommentsMonitor::remove(const std::vector<std::string>& comment_ids) {
  if (comment_ids.empty()) return;
  runOnce(QStringLiteral("Delete %1 comment(s)").arg(comment_ids.size()),
          [comment_ids](client::Client& c) {
            for (const auto& id : comment_ids) {
              auto st = c.deleteComment(id);
              if (!st.ok()) return st;
            }
            return absl::OkStatus();
          });
}

}  // namespace cue::gui
