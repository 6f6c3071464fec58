// The Depends dialog (depends_dialog.h).
#include "gui/depends_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

#include "gui/depends_model.h"

namespace cue::gui {

namespace {

constexpr const char* kJobOnJob = "JOB_ON_JOB";
constexpr const char* kLayerOnLayer = "LAYER_ON_LAYER";

}  // namespace

DependsDialog::DependsDialog(const client::CuebotConfig& config, const std::string& job_id,
                             const QString& job_name, QWidget* parent)
    : QDialog(parent),
      monitor_(new DependsMonitor(client::Client(config), job_id, 10000, this)),
      job_name_(job_name),
      confirm_(defaultConfirm()),
      choose_(defaultChoose()) {
  setWindowTitle(tr("Depends of %1").arg(job_name));
  auto* layout = new QVBoxLayout(this);
  view_ = new QTableView(this);
  view_->setObjectName(QStringLiteral("depends"));
  view_->setModel(monitor_->model());
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  layout->addWidget(view_, 1);

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  layout->addWidget(status_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  auto button = [&](const char* name, const QString& text, void (DependsDialog::*slot)()) {
    auto* b = buttons->addButton(text, QDialogButtonBox::ActionRole);
    b->setObjectName(QString::fromLatin1(name));
    b->setAutoDefault(false);
    connect(b, &QPushButton::clicked, this, slot);
  };
  button("satisfy", tr("Satisfy..."), &DependsDialog::satisfySelected);
  button("addDepend", tr("Add depend..."), &DependsDialog::addDepend);
  auto* refresh = buttons->addButton(tr("Refresh"), QDialogButtonBox::ActionRole);
  refresh->setObjectName(QStringLiteral("refresh"));
  refresh->setAutoDefault(false);
  connect(refresh, &QPushButton::clicked, monitor_, &DependsMonitor::refresh);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);

  connect(monitor_, &PollingMonitor::actionDone, status_, &QLabel::setText);
  connect(monitor_, &PollingMonitor::actionFailed, this, [this](const QString& message) {
    status_->setText(message);
    showError(this, tr("Depends"), message);
  });
  connect(monitor_, &PollingMonitor::connectionChanged, this,
          [this](bool connected, const QString& message) {
            if (!connected) status_->setText(tr("cuebot does not answer: %1").arg(message));
          });
  resize(900, 300);
  monitor_->start();
}

void DependsDialog::satisfySelected() {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  QStringList names;
  for (const QModelIndex& row : view_->selectionModel()->selectedRows()) {
    const DependRow* r = monitor_->model()->item(row.row());
    if (r == nullptr || !r->depend.active || !seen.insert(r->depend.id).second) continue;
    ids.push_back(r->depend.id);
    const QModelIndex type = row.siblingAtColumn(DependsModel::kType);
    const QModelIndex job = row.siblingAtColumn(DependsModel::kJob);
    names << QStringLiteral("%1 %2 %3")
                 .arg(row.siblingAtColumn(DependsModel::kDirection).data().toString(),
                      type.data().toString(), job.data().toString());
  }
  if (ids.empty()) return;
  if (!confirmItems(confirm_, this, tr("Satisfy depends"),
                    tr("Satisfy %n depend(s)? The frames they hold may run at once.", nullptr,
                       static_cast<int>(ids.size())),
                    names)) {
    return;
  }
  monitor_->satisfy(ids);
}

void DependsDialog::addDepend() {
  using Jobs = absl::StatusOr<std::vector<core::JobView>>;
  monitor_->run<Jobs>(
      [](client::Client& c) { return c.getJobs(client::JobQuery{}); },
      [this](Jobs jobs) {
        if (!jobs.ok()) {
          showError(this, tr("Add depend"),
                    QString::fromStdString(std::string(jobs.status().message())));
          return;
        }
        std::vector<std::pair<QString, std::string>> others;  // name, id
        for (const core::JobView& j : *jobs) {
          if (j.job.id == monitor_->jobId()) continue;
          others.emplace_back(QString::fromStdString(j.job.name), j.job.id);
        }
        std::sort(others.begin(), others.end());
        QStringList names;
        for (const auto& o : others) names << o.first;
        if (names.isEmpty()) {
          showError(this, tr("Add depend"), tr("No other pending job to depend on."));
          return;
        }
        const QString name = choose_(this, tr("Add depend"),
                                     tr("%1 waits on job:").arg(job_name_), names);
        if (name.isEmpty()) return;
        const std::string on_id = others[names.indexOf(name)].second;
        const QString kind =
            choose_(this, tr("Add depend"), tr("Depend type:"),
                    {QString::fromLatin1(kJobOnJob), QString::fromLatin1(kLayerOnLayer)});
        if (kind == QLatin1String(kJobOnJob)) {
          monitor_->addJobOnJob(on_id, name);
        } else if (kind == QLatin1String(kLayerOnLayer)) {
          chooseLayers(on_id, name);
        }
      });
}

void DependsDialog::chooseLayers(const std::string& on_job_id, const QString& on_job_name) {
  struct Layers {
    absl::Status status;
    std::vector<core::LayerView> mine, theirs;
  };
  monitor_->run<Layers>(
      [id = monitor_->jobId(), on_job_id](client::Client& c) {
        Layers l;
        auto mine = c.getLayers(id);
        auto theirs = mine.ok() ? c.getLayers(on_job_id) : mine;
        l.status = theirs.status();
        if (l.status.ok()) {
          l.mine = std::move(*mine);
          l.theirs = std::move(*theirs);
        }
        return l;
      },
      [this, on_job_name](Layers l) {
        if (!l.status.ok()) {
          showError(this, tr("Add depend"),
                    QString::fromStdString(std::string(l.status.message())));
          return;
        }
        auto pick = [this](const std::vector<core::LayerView>& layers, const QString& label) {
          QStringList names;
          for (const auto& v : layers) names << QString::fromStdString(v.layer.name);
          const QString name = names.isEmpty() ? QString() : choose_(this, tr("Add depend"), label, names);
          return name.isEmpty() ? std::string() : layers[names.indexOf(name)].layer.id;
        };
        const std::string layer = pick(l.mine, tr("Layer of %1 that waits:").arg(job_name_));
        if (layer.empty()) return;
        const std::string on_layer = pick(l.theirs, tr("Layer of %1 to wait on:").arg(on_job_name));
        if (on_layer.empty()) return;
        monitor_->addLayerOnLayer(layer, on_layer, tr("layer on layer of %1").arg(on_job_name));
      });
}

DependsDialog* openDependsDialog(const client::CuebotConfig& config, const std::string& job_id,
                                 const QString& job_name, QWidget* parent, Confirm confirm) {
  auto* dialog = new DependsDialog(config, job_id, job_name, parent);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (confirm) dialog->setConfirm(std::move(confirm));
  dialog->show();
  return dialog;
}

}  // namespace cue::gui
