// The why-not-running dialog and the call that opens it (why_dialog.h).
#include "gui/why_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "gui/dialogs.h"
#include "gui/polling_monitor.h"

namespace cue::gui {

WhyDialog::WhyDialog(const core::WhyView& why, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Why is %1 not running?").arg(QString::fromStdString(why.job_name)));
  auto* layout = new QVBoxLayout(this);
  auto* summary = new QLabel(QString::fromStdString(why.summary), this);
  summary->setObjectName(QStringLiteral("summary"));
  summary->setWordWrap(true);
  summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary);

  auto* tree = new QTreeWidget(this);
  tree->setObjectName(QStringLiteral("reasons"));
  tree->setHeaderLabels({tr("Layer / reason"), tr("Waiting"), tr("Depend"), tr("Running"),
                         tr("Hosts"), tr("Why")});
  tree->setRootIsDecorated(true);
  tree->setWordWrap(true);
  for (const core::LayerWhyView& layer : why.layers) {
    auto* item = new QTreeWidgetItem(tree);
    item->setText(0, QString::fromStdString(layer.layer_name));
    item->setText(1, QString::number(layer.waiting_frames));
    item->setText(2, QString::number(layer.depend_frames));
    item->setText(3, QString::number(layer.running_frames));
    item->setText(4, tr("%1 of %2 fit").arg(layer.hosts_fit).arg(layer.hosts_total));
    QString text = QString::fromStdString(layer.summary);
    if (!layer.blocked.empty()) {
      text += QStringLiteral("\n%1: %2").arg(QString::fromStdString(layer.blocked),
                                              QString::fromStdString(layer.blocked_description));
    }
    item->setText(5, text);
    item->setToolTip(5, text);
    for (const core::HostReasonCountView& r : layer.host_reasons) {
      auto* child = new QTreeWidgetItem(item);
      child->setText(0, QString::fromStdString(r.reason));
      child->setText(4, tr("%n host(s)", nullptr, r.hosts));
      child->setText(5, QString::fromStdString(r.description));
      child->setToolTip(5, child->text(5));
    }
  }
  tree->expandAll();
  tree->header()->setSectionResizeMode(5, QHeaderView::Stretch);
  tree->header()->setStretchLastSection(true);
  tree->resizeColumnToContents(0);
  layout->addWidget(tree, 1);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(900, 300);
}

void showWhyNotRunning(PollingMonitor* monitor, QWidget* parent, const std::string& job_name) {
  using Why = absl::StatusOr<core::WhyView>;
  QPointer<QWidget> owner(parent);
  monitor->run<Why>([job_name](client::Client& c) { return c.whyNotRunning(job_name); },
                    [owner](Why why) {
                      if (owner == nullptr) return;
                      if (!why.ok()) {
                        showError(owner, QObject::tr("Why not running"),
                                  QString::fromStdString(std::string(why.status().message())));
                        return;
                      }
                      auto* dialog = new WhyDialog(*why, owner);
                      dialog->setAttribute(Qt::WA_DeleteOnClose);
                      dialog->show();
                    });
}

}  // namespace cue::gui
