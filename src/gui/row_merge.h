// How cuegui's table models take a refresh: the whole new list, merged into the rows shown by
// id, so that selections, persistent indexes and the scroll position survive. Rows whose id is
// gone are removed (in contiguous runs, from the end), rows still there take their new value
// in place, new ids are appended in the order they came. Only rows that changed (per `same`)
// are reported changed, in runs, so a refresh of 100,000 frames of which ten moved costs the
// views and proxies ten rows, not 100,000. When the ids come in the order already shown (the
// usual refresh) the id index is kept as it is.
//
// A model passes its protected row signals in as the three hooks (MergingTableModel makes
// them). UI thread only.
#pragma once

#include <QAbstractTableModel>
#include <QModelIndex>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cue::gui {

struct RowHooks {
  // Called around the change of `rows`: the callable given does it.
  std::function<void(int first, int last, const std::function<void()>& erase)> remove;
  std::function<void(int first, int last, const std::function<void()>& append)> insert;
  std::function<void(int first, int last)> changed;
};

// Rows that changed, merged into runs when fewer than this many unchanged rows separate them
// (one signal for a run is cheaper than many for its pieces).
constexpr int kChangedRunGap = 32;

// Reports `rows` (ascending) changed through `hooks`, in runs of rows fewer than
// kChangedRunGap apart.
inline void signalChangedRows(const std::vector<int>& rows, const RowHooks& hooks) {
  for (size_t k = 0; k < rows.size();) {
    size_t end = k;
    while (end + 1 < rows.size() && rows[end + 1] - rows[end] <= kChangedRunGap) ++end;
    hooks.changed(rows[k], rows[end]);
    k = end + 1;
  }
}

// `id(row)` returns the row's id (a const reference); `same(old, new)` is true when nothing
// the model shows differs.
template <class T, class Id, class Same>
void mergeRows(std::vector<T>& rows, std::vector<T> incoming, Id id, Same same,
               std::unordered_map<std::string, int>& row_of, const RowHooks& hooks) {
  std::vector<int> changed;  // rows (after removals) whose value changed
  auto take = [&](int row, T& value) {
    if (!same(rows[row], value)) changed.push_back(row);
    rows[row] = std::move(value);
  };

  if (rows.empty()) {  // the first fill: taken whole (no per-row moves), repeated ids dropped
    std::vector<bool> repeated(incoming.size(), false);
    bool any = false;
    row_of.clear();
    row_of.reserve(incoming.size());
    int next = 0;
    for (size_t i = 0; i < incoming.size(); ++i) {
      repeated[i] = !row_of.emplace(id(incoming[i]), next).second;
      if (repeated[i]) {
        any = true;
      } else {
        ++next;
      }
    }
    if (any) {  // rare: keep the first of each id
      std::vector<T> kept;
      kept.reserve(static_cast<size_t>(next));
      for (size_t i = 0; i < incoming.size(); ++i) {
        if (!repeated[i]) kept.push_back(std::move(incoming[i]));
      }
      incoming = std::move(kept);
    }
    if (incoming.empty()) return;
    const int last = static_cast<int>(incoming.size()) - 1;
    hooks.insert(0, last, [&] { rows = std::move(incoming); });
    return;
  }

  bool in_order = rows.size() == incoming.size();
  for (size_t i = 0; in_order && i < rows.size(); ++i) in_order = id(rows[i]) == id(incoming[i]);
  if (in_order) {
    for (size_t i = 0; i < rows.size(); ++i) take(static_cast<int>(i), incoming[i]);
  } else {
    std::unordered_map<std::string, size_t> at;
    at.reserve(incoming.size());
    std::vector<bool> used(incoming.size(), false);
    for (size_t i = 0; i < incoming.size(); ++i) {
      if (!at.emplace(id(incoming[i]), i).second) used[i] = true;  // a repeated id: shown once
    }
    for (int last = static_cast<int>(rows.size()) - 1; last >= 0;) {
      if (at.count(id(rows[last]))) {
        --last;
        continue;
      }
      int first = last;
      while (first > 0 && !at.count(id(rows[first - 1]))) --first;
      hooks.remove(first, last, [&] { rows.erase(rows.begin() + first, rows.begin() + last + 1); });
      last = first - 1;
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      const size_t i = at.at(id(rows[r]));
      take(static_cast<int>(r), incoming[i]);
      used[i] = true;
    }
    std::vector<size_t> fresh;
    for (size_t i = 0; i < incoming.size(); ++i) {
      if (!used[i]) fresh.push_back(i);
    }
    if (!fresh.empty()) {
      const int first = static_cast<int>(rows.size());
      hooks.insert(first, first + static_cast<int>(fresh.size()) - 1, [&] {
        rows.reserve(rows.size() + fresh.size());
        for (size_t i : fresh) rows.push_back(std::move(incoming[i]));
      });
    }
    row_of.clear();
    row_of.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) row_of[id(rows[i])] = static_cast<int>(i);
  }
  signalChangedRows(changed, hooks);
}

// A table model whose refreshes go through mergeRows: rowHooks() are its row signals.
class MergingTableModel : public QAbstractTableModel {
 protected:
  using QAbstractTableModel::QAbstractTableModel;

  RowHooks rowHooks() {
    return {[this](int first, int last, const std::function<void()>& erase) {
              beginRemoveRows({}, first, last);
              erase();
              endRemoveRows();
            },
            [this](int first, int last, const std::function<void()>& append) {
              beginInsertRows({}, first, last);
              append();
              endInsertRows();
            },
            [this](int first, int last) {
              Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1));
            }};
  }
};

}  // namespace cue::gui
