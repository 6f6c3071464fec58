// Draws a subscription's usage as one bar in CueCommander's Subscriptions tab, from the
// model's kItemBarRole (QVariantList{used, size, burst}, core units): the bar spans burst
// (or used, when above it), the used part green up to size and orange beyond it (red past
// burst), with a mark at size in the text colour.
#pragma once

#include <QStyledItemDelegate>

namespace cue::gui {

class SubscriptionBarDelegate : public QStyledItemDelegate {
  Q_OBJECT

 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace cue::gui
