#include "gui/progress_delegate.h"

#include <QPainter>
#include <algorithm>
#include <cstdint>
#include <utility>

#include "gui/jobs_model.h"
#include "gui/theme.h"

namespace cue::gui {

void ProgressDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
  QStyledItemDelegate::paint(painter, option, index);  // background and selection
  const QVariantList c = index.data(JobsModel::kCountsRole).toList();
  if (c.size() < 7) return;
  const int total = c[6].toInt();
  const QRect bar = option.rect.adjusted(2, 3, -2, -3);
  painter->save();
  painter->setPen(Qt::NoPen);
  painter->fillRect(bar, option.palette.color(QPalette::Base).lighter(130));
  if (total > 0 && bar.width() > 0) {
    const std::pair<int, DisplayState> parts[] = {
        {c[0].toInt(), DisplayState::kSucceeded}, {c[1].toInt(), DisplayState::kRunning},
        {c[2].toInt(), DisplayState::kDead},      {c[3].toInt(), DisplayState::kWaiting},
        {c[4].toInt(), DisplayState::kDepend},    {c[5].toInt(), DisplayState::kEaten}};
    int done = 0;  // frames drawn so far; edges computed from it so the parts never drift
    for (const auto& [frames, state] : parts) {
      if (frames <= 0) continue;
      const int x0 = bar.left() + static_cast<int>(int64_t{bar.width()} * done / total);
      done += frames;
      const int x1 = bar.left() + static_cast<int>(int64_t{bar.width()} * done / total);
      painter->fillRect(QRect(x0, bar.top(), x1 - x0, bar.height()), stateColor(state));
    }
  }
  painter->restore();
}

QSize ProgressDelegate::sizeHint(const QStyleOptionViewItem& option,
                                 const QModelIndex& index) const {
  QSize s = QStyledItemDelegate::sizeHint(option, index);
  return {std::max(s.width(), 120), s.height()};
}

}  // namespace cue::gui
