// The default questions and the non-modal error box (dialogs.h).
#include "gui/dialogs.h"

#include "gui/theme.h"

#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>

namespace cue::gui {

Confirm defaultConfirm() {
  return [](QWidget* parent, const QString& title, const QString& text) {
    return QMessageBox::question(parent, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                                 QMessageBox::Cancel) == QMessageBox::Yes;
  };
}

AskNumber defaultAskNumber() {
  return [](QWidget* parent, const NumberQuestion& q) -> std::optional<double> {
    bool ok = false;
    double value = 0;
    if (q.decimals == 0) {
      value = QInputDialog::getInt(parent, q.title, q.label, static_cast<int>(q.value),
                                   static_cast<int>(q.min), static_cast<int>(q.max), 1, &ok);
    } else {
      value = QInputDialog::getDouble(parent, q.title, q.label, q.value, q.min, q.max,
                                      q.decimals, &ok);
    }
    if (!ok) return std::nullopt;
    return value;
  };
}

void showError(QWidget* parent, const QString& title, const QString& text) {
  auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, parent);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

QLabel* makeErrorBanner(QWidget* parent) {
  auto* banner = new QLabel(parent);
  banner->setObjectName(QStringLiteral("banner"));
  banner->setWordWrap(true);
  banner->setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; padding: 6px; "
                                       "font-weight: bold; }")
                            .arg(errorBannerColor().name()));
  banner->hide();
  return banner;
}

bool confirmItems(const Confirm& confirm, QWidget* parent, const QString& title,
                  const QString& question, const QStringList& names) {
  return !names.isEmpty() &&
         confirm(parent, title, question + QStringLiteral("\n\n") + names.join(QLatin1Char('\n')));
}

Choose defaultChoose() {
  return [](QWidget* parent, const QString& title, const QString& label, const QStringList& items) {
    bool ok = false;
    QString item = QInputDialog::getItem(parent, title, label, items, 0, false, &ok);
    return ok ? item : QString();
  };
}

AskText defaultAskText() {
  return [](QWidget* parent, const QString& title, const QString& label) {
    bool ok = false;
    QString text = QInputDialog::getText(parent, title, label, QLineEdit::Normal, {}, &ok);
    return ok ? text.trimmed() : QString();
  };
}

}  // namespace cue::gui
