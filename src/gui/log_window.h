// cuegui's frame log viewer: one frame's log, read through cuebot from the rqd that holds it
// (LogFollower), followed live while the frame runs. A line above the text says where the
// log is (host:path), its size and whether the frame still runs; a red banner shows when the
// log cannot be read. Search (Ctrl+F, Enter/F3 next, Shift+F3 previous) highlights every
// match and counts them; "Follow" keeps the end in view; the attempt box shows earlier runs'
// logs (as many as the host keeps). Object names for tests: "log", "info", "banner", "attempt", "follow", "search",
// "matches", "findNext", "findPrevious". Owns its LogFollower.
#pragma once

#include <QList>
#include <QMainWindow>
#include <QTextEdit>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace cue::gui {

class LogFollower;

class LogWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit LogWindow(std::unique_ptr<LogFollower> follower, QWidget* parent = nullptr);
  ~LogWindow() override;

  LogFollower* follower() { return follower_.get(); }
  // Matches of the search text in the shown log (at most kMaxMatches are counted).
  int matchCount() const { return matches_; }
  static constexpr int kMaxMatches = 5000;

  // Selects the next (or previous) match after the cursor, wrapping; false when none.
  bool findNext(bool backward = false);

 private:
  void appendText(const QString& text);
  void setEarlierRuns(int count);
  // Marks every match of the search text anew; markMatches those from `from` on, adding to
  // the marks already made (appended text is searched alone).
  void highlightMatches();
  void markMatches(int from);
  void updateInfo();

  std::unique_ptr<LogFollower> follower_;
  QLabel* banner_;
  QLabel* info_;
  QComboBox* attempt_;
  QCheckBox* follow_;
  QLineEdit* search_;
  QLabel* matches_label_;
  QPlainTextEdit* log_;
  int matches_ = 0;
  QList<QTextEdit::ExtraSelection> marks_;
};

}  // namespace cue::gui
