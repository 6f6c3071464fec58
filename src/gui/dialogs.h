// The questions cuegui's windows ask the user, as replaceable functions so that tests answer
// for the user: confirming a destructive action, and asking for a number (priority, cores,
// retries). The defaults are Qt's message box and input dialog.
#pragma once

#include <QString>
#include <functional>
#include <optional>

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

}  // namespace cue::gui
