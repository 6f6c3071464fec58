// The questions cuegui's windows ask the user, as replaceable functions so that tests answer
// for the user: confirming a destructive action, asking for a number (priority, cores,
// retries), for one of a list (an allocation), for a line of text (tags). The defaults are
// Qt's message box and input dialogs.
#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

class QLabel;
class QWidget;

namespace cue::gui {

// True goes ahead. Default: a Yes/Cancel message box, Cancel the default button.
using Confirm = std::function<bool(QWidget* parent, const QString& title, const QString& text)>;
Confirm defaultConfirm();

struct NumberQuestion {
  QString title;
  QString label;
  double value = 0;  // shown first
  double min = 0;
  double max = 0;
  int decimals = 0;  // 0: whole numbers
};
// The number entered, or nullopt when cancelled. Default: QInputDialog.
using AskNumber = std::function<std::optional<double>(QWidget* parent, const NumberQuestion&)>;
AskNumber defaultAskNumber();

// Shows an error without blocking: a warning box over `parent`, not modal (the event loop, the
// refreshes and tests go on), deleted when closed.
void showError(QWidget* parent, const QString& title, const QString& text);

// The red banner a window shows above its contents while the cuebot (or a log) cannot be
// reached: object name "banner", word-wrapped, hidden until shown.
QLabel* makeErrorBanner(QWidget* parent);

// Asks `confirm` about the items `names`: the question, a blank line, one name a line. False
// when there are none.
bool confirmItems(const Confirm& confirm, QWidget* parent, const QString& title,
                  const QString& question, const QStringList& names);

// One of `items`, or an empty string when cancelled. Default: QInputDialog::getItem.
using Choose = std::function<QString(QWidget* parent, const QString& title, const QString& label,
                                     const QStringList& items)>;
Choose defaultChoose();

// A line of text, trimmed, or an empty string when cancelled. Default: QInputDialog::getText.
using AskText = std::function<QString(QWidget* parent, const QString& title, const QString& label)>;
AskText defaultAskText();

}  // namespace cue::gui
