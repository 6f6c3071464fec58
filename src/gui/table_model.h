// The base of CueCommander's tables (hosts, procs, allocations, subscriptions, shows,
// services, limits): a QAbstractTableModel over a vector of Cue values (core/types.h,
// core/views.h) that each refresh hands the whole new list, merged by id as JobsModel does
// (row_merge.h): rows of items still there change in place, rows of items gone are removed and
// new items are appended, so selections, persistent indexes and the scroll position survive
// refreshes.
//
// A subclass names its columns and says how an item shows in each (display, sortValue and,
// for colours or bars, extra). Not thread-safe: UI thread.
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <QVariant>
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/types.h"
#include "gui/row_merge.h"

namespace cue::gui {

// Roles every CueCommander table answers.
enum TableRole {
  kItemIdRole = Qt::UserRole + 1,  // QString: the row's id (host id, subscription id, ...)
  kItemSortRole,                   // the column's value for sorting (numbers as numbers)
  kItemBarRole,                    // QVariantList: a bar's values (subscriptions: used, size,
                                   // burst in core units)
};

// Core units (hundredths) as cores: "4", "3.5", "0.25".
inline QString formatCoresShort(core::CoreUnits units) {
  if (units % core::kCoreUnitsPerCore == 0) return QString::number(units / core::kCoreUnitsPerCore);
  QString text = QString::number(static_cast<double>(units) / core::kCoreUnitsPerCore, 'f', 2);
  while (text.endsWith(QLatin1Char('0'))) text.chop(1);
  return text;
}

template <class T>
class KeyedTableModel : public MergingTableModel {
 public:
  struct ColumnInfo {
    const char* title;
    const char* tip;
    bool numeric;  // right-aligned
  };

  explicit KeyedTableModel(std::vector<ColumnInfo> columns, QObject* parent = nullptr)
      : MergingTableModel(parent), columns_(std::move(columns)) {}

  int rowCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : static_cast<int>(items_.size());
  }
  int columnCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() ? 0 : static_cast<int>(columns_.size());
  }

  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
    if (role == Qt::DisplayRole) return QString::fromLatin1(columns_[section].title);
    if (role == Qt::ToolTipRole) return QString::fromLatin1(columns_[section].tip);
    return {};
  }

  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override {
    const T* v = index.isValid() ? item(index.row()) : nullptr;
    if (v == nullptr || index.column() >= columnCount()) return {};
    const int column = index.column();
    switch (role) {
      case Qt::DisplayRole:
      case Qt::ToolTipRole:
        return display(*v, column);
      case kItemSortRole: {
        QVariant s = sortValue(*v, column);
        return s.isValid() ? s : display(*v, column);
      }
      case kItemIdRole:
        return QString::fromStdString(key(*v));
      case Qt::TextAlignmentRole:
        if (!columns_[column].numeric) return {};
        return (Qt::AlignRight | Qt::AlignVCenter).toInt();
      default:
        return extra(*v, column, role);
    }
  }

  // Merges `items` by id (see above); `now` (epoch seconds) dates the age columns.
  void setItems(std::vector<T> items, int64_t now) {
    now_ = now;
    // Farm tables are small and their ages move: every row is reported changed.
    mergeRows(
        items_, std::move(items), [this](const T& item) { return key(item); },
        [](const T&, const T&) { return false; }, row_of_, hooks_);
  }

  // The item in `row`, or nullptr; the row of the item with id `id`, or -1.
  const T* item(int row) const {
    if (row < 0 || row >= static_cast<int>(items_.size())) return nullptr;
    return &items_[row];
  }
  int rowOf(const std::string& id) const {
    auto it = row_of_.find(id);
    return it == row_of_.end() ? -1 : it->second;
  }
  const std::vector<T>& items() const { return items_; }

 protected:
  virtual std::string key(const T& item) const = 0;
  virtual QVariant display(const T& item, int column) const = 0;
  // Invalid: sort by the displayed value.
  virtual QVariant sortValue(const T&, int) const { return {}; }
  // Any other role (colours, bars).
  virtual QVariant extra(const T&, int, int) const { return {}; }
  int64_t now() const { return now_; }

 private:
  std::vector<ColumnInfo> columns_;
  std::vector<T> items_;
  std::unordered_map<std::string, int> row_of_;
  int64_t now_ = 0;
  RowHooks hooks_ = rowHooks();
};

}  // namespace cue::gui
