// Draws a job's frames as one bar in the Progress column, as CueGUI does: succeeded, running,
// dead, waiting and depend frames side by side in their state colours (theme.h), from the
// model's JobsModel::kCountsRole.
#pragma once

#include <QStyledItemDelegate>

namespace cue::gui {

class ProgressDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace cue::gui
