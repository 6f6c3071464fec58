// The Comments dialog (comments_dialog.h).
#include "gui/comments_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <set>

#include "gui/depends_model.h"

namespace cue::gui {

AskComment defaultAskComment() {
  return [](QWidget* parent) -> std::optional<std::pair<QString, QString>> {
    QDialog dialog(parent);
    dialog.setWindowTitle(QObject::tr("Add comment"));
    auto* form = new QFormLayout(&dialog);
    auto* subject = new QLineEdit(&dialog);
    auto* message = new QPlainTextEdit(&dialog);
    form->addRow(QObject::tr("Subject:"), subject);
    form->addRow(QObject::tr("Message:"), message);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    dialog.resize(500, 300);
    if (dialog.exec() != QDialog::Accepted) return std::nullopt;
    return std::make_pair(subject->text().trimmed(), message->toPlainText());
  };
}

CommentsDialog::CommentsDialog(const client::CuebotConfig& config, const std::string& job_id,
                               const QString& job_name, QWidget* parent)
    : QDialog(parent),
      monitor_(new CommentsMonitor(client::Client(config), job_id, 10000, this)),
      confirm_(defaultConfirm()),
      ask_comment_(defaultAskComment()) {
  setWindowTitle(tr("Comments on %1").arg(job_name));
  auto* layout = new QVBoxLayout(this);
  auto* split = new QSplitter(Qt::Vertical, this);
  view_ = new QTableView(split);
  view_->setObjectName(QStringLiteral("comments"));
  view_->setModel(monitor_->model());
  view_->setColumnHidden(CommentsModel::kMessage, true);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->hide();
  view_->horizontalHeader()->setStretchLastSection(true);
  message_ = new QPlainTextEdit(split);
  message_->setObjectName(QStringLiteral("message"));
  message_->setReadOnly(true);
  layout->addWidget(split, 1);
  connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &CommentsDialog::showSelected);
  connect(monitor_->model(), &QAbstractItemModel::dataChanged, this, &CommentsDialog::showSelected);

  status_ = new QLabel(this);
  status_->setObjectName(QStringLiteral("status"));
  layout->addWidget(status_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  auto button = [&](const char* name, const QString& text, auto slot) {
    auto* b = buttons->addButton(text, QDialogButtonBox::ActionRole);
    b->setObjectName(QString::fromLatin1(name));
    b->setAutoDefault(false);
    connect(b, &QPushButton::clicked, this, slot);
  };
  button("addComment", tr("Add comment..."), [this] { addComment(); });
  button("deleteComment", tr("Delete..."), [this] { deleteSelected(); });
  button("refresh", tr("Refresh"), [this] { monitor_->refresh(); });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);

  connect(monitor_, &PollingMonitor::actionDone, status_, &QLabel::setText);
  connect(monitor_, &PollingMonitor::actionFailed, this, [this](const QString& message) {
    status_->setText(message);
    showError(this, tr("Comments"), message);
  });
  connect(monitor_, &PollingMonitor::connectionChanged, this,
          [this](bool connected, const QString& message) {
            if (!connected) status_->setText(tr("cuebot does not answer: %1").arg(message));
          });
  resize(700, 450);
  monitor_->start();
}

void CommentsDialog::showSelected() {
  const QModelIndexList rows = view_->selectionModel()->selectedRows();
  const core::Comment* c =
      rows.size() == 1 ? monitor_->model()->item(rows.front().row()) : nullptr;
  const QString text = c == nullptr ? QString() : QString::fromStdString(c->message);
  if (message_->toPlainText() != text) message_->setPlainText(text);
}

void CommentsDialog::addComment() {
  auto comment = ask_comment_(this);
  if (!comment) return;
  if (comment->first.isEmpty() && comment->second.trimmed().isEmpty()) return;
  monitor_->add(comment->first, comment->second);
}

void CommentsDialog::deleteSelected() {
  std::vector<std::string> ids;
  QStringList names;
  for (const QModelIndex& row : view_->selectionModel()->selectedRows()) {
    const core::Comment* c = monitor_->model()->item(row.row());
    if (c == nullptr) continue;
    ids.push_back(c->id);
    names << QStringLiteral("%1 (%2)").arg(QString::fromStdString(c->subject),
                                           QString::fromStdString(c->user));
  }
  if (ids.empty()) return;
  if (!confirmItems(confirm_, this, tr("Delete comments"),
                    tr("Delete %n comment(s)?", nullptr, static_cast<int>(ids.size())), names)) {
    return;
  }
  monitor_->remove(ids);
}

CommentsDialog* openCommentsDialog(const client::CuebotConfig& config, const std::string& job_id,
                                   const QString& job_name, QWidget* parent, Confirm confirm) {
  auto* dialog = new CommentsDialog(config, job_id, job_name, parent);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (confirm) dialog->setConfirm(std::move(confirm));
  dialog->show();
  return dialog;
}

}  // namespace cue::gui
