// The subscription usage bar.
#include "gui/subscription_delegate.h"

#include <QPainter>
#include <algorithm>
#include <cstdint>

#include "gui/table_model.h"

namespace cue::gui {

void SubscriptionBarDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                    const QModelIndex& index) const {
  QStyledItemDelegate::paint(painter, option, index);  // background and selection
  const QVariantList v = index.data(kItemBarRole).toList();
  if (v.size() < 3) return;
  const int64_t used = v[0].toLongLong(), size = v[1].toLongLong(), burst = v[2].toLongLong();
  const int64_t span = std::max({used, size, burst, int64_t{1}});
  const QRect bar = option.rect.adjusted(2, 3, -2, -3);
  if (bar.width() <= 0) return;
  auto x = [&](int64_t units) {
    return bar.left() + static_cast<int>(int64_t{bar.width()} * units / span);
  };
  painter->save();
  painter->setPen(Qt::NoPen);
  painter->fillRect(bar, option.palette.color(QPalette::Base).lighter(130));
  const QColor within(55, 200, 55), over(230, 150, 40), past(220, 40, 40);
  painter->fillRect(
      QRect(bar.left(), bar.top(), x(std::min(used, size)) - bar.left(), bar.height()), within);
  if (used > size) {
    painter->fillRect(
        QRect(x(size), bar.top(), x(std::min(used, std::max(burst, size))) - x(size), bar.height()),
        over);
  }
  if (used > burst && burst >= size) {
    painter->fillRect(QRect(x(burst), bar.top(), x(used) - x(burst), bar.height()), past);
  }
  painter->setPen(QPen(option.palette.color(QPalette::Text), 2));
  painter->drawLine(x(size), bar.top() - 1, x(size), bar.bottom() + 1);
  painter->restore();
}

QSize SubscriptionBarDelegate::sizeHint(const QStyleOptionViewItem& option,
                                        const QModelIndex& index) const {
  QSize s = QStyledItemDelegate::sizeHint(option, index);
  return {std::max(s.width(), 140), s.height()};
}

}  // namespace cue::gui
