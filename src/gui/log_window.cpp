// The frame log window (log_window.h): text, search and its highlights, attempts, info line.
#include "gui/log_window.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextDocument>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/log_follower.h"
#include "gui/dialogs.h"
#include "gui/theme.h"

namespace cue::gui {

namespace {

QString formatBytes(int64_t bytes) {
  if (bytes < 1024) return QStringLiteral("%1 B").arg(bytes);
  if (bytes < 1024 * 1024) return QStringLiteral("%1 KiB").arg(bytes / 1024.0, 0, 'f', 1);
  return QStringLiteral("%1 MiB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

}  // namespace

LogWindow::LogWindow(std::unique_ptr<LogFollower> follower, QWidget* parent)
    : QMainWindow(parent), follower_(std::move(follower)) {
  setWindowTitle(tr("Log - %1 %2")
                     .arg(QString::fromStdString(follower_->jobName()),
                          QString::fromStdString(follower_->frameName())));
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 6);

  banner_ = makeErrorBanner(central);
  layout->addWidget(banner_);

  auto* bar = new QHBoxLayout;
  attempt_ = new QComboBox(central);
  attempt_->setObjectName(QStringLiteral("attempt"));
  attempt_->addItem(tr("Latest run"));
  follow_ = new QCheckBox(tr("Follow"), central);
  follow_->setObjectName(QStringLiteral("follow"));
  follow_->setChecked(true);
  search_ = new QLineEdit(central);
  search_->setObjectName(QStringLiteral("search"));
  search_->setPlaceholderText(tr("Search the log (Ctrl+F)"));
  search_->setClearButtonEnabled(true);
  auto* prev = new QPushButton(tr("Previous"), central);
  prev->setObjectName(QStringLiteral("findPrevious"));
  auto* next = new QPushButton(tr("Next"), central);
  next->setObjectName(QStringLiteral("findNext"));
  matches_label_ = new QLabel(central);
  matches_label_->setObjectName(QStringLiteral("matches"));
  bar->addWidget(attempt_);
  bar->addWidget(follow_);
  bar->addSpacing(12);
  bar->addWidget(search_, 1);
  bar->addWidget(prev);
  bar->addWidget(next);
  bar->addWidget(matches_label_);
  layout->addLayout(bar);

  info_ = new QLabel(central);
  info_->setObjectName(QStringLiteral("info"));
  info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(info_);

  log_ = new QPlainTextEdit(central);
  log_->setObjectName(QStringLiteral("log"));
  log_->setReadOnly(true);
  log_->setLineWrapMode(QPlainTextEdit::NoWrap);
  log_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  log_->setMaximumBlockCount(200000);  // lines; the follower also keeps only a log's tail
  log_->setUndoRedoEnabled(false);
  layout->addWidget(log_, 1);
  setCentralWidget(central);
  resize(1000, 700);

  auto* find = new QAction(tr("Find"), this);
  find->setShortcut(QKeySequence::Find);
  auto* find_next = new QAction(tr("Find next"), this);
  find_next->setShortcut(QKeySequence::FindNext);
  auto* find_prev = new QAction(tr("Find previous"), this);
  find_prev->setShortcut(QKeySequence::FindPrevious);
  addActions({find, find_next, find_prev});
  connect(find, &QAction::triggered, this, [this] {
    search_->setFocus();
    search_->selectAll();
  });
  connect(find_next, &QAction::triggered, this, [this] { findNext(false); });
  connect(find_prev, &QAction::triggered, this, [this] { findNext(true); });
  connect(next, &QPushButton::clicked, this, [this] { findNext(false); });
  connect(prev, &QPushButton::clicked, this, [this] { findNext(true); });
  connect(search_, &QLineEdit::returnPressed, this, [this] { findNext(false); });
  connect(search_, &QLineEdit::textChanged, this, [this] {
    highlightMatches();
    log_->moveCursor(QTextCursor::Start);
    if (!search_->text().isEmpty()) findNext(false);
  });
  connect(attempt_, &QComboBox::currentIndexChanged, this,
          [this](int index) { follower_->setAttempt(index); });
  connect(follow_, &QCheckBox::toggled, this, [this](bool on) {
    if (on) log_->verticalScrollBar()->setValue(log_->verticalScrollBar()->maximum());
  });

  connect(follower_.get(), &LogFollower::appended, this, &LogWindow::appendText);
  connect(follower_.get(), &LogFollower::cleared, this, [this] {
    log_->clear();
    highlightMatches();
  });
  connect(follower_.get(), &LogFollower::refreshed, this, &LogWindow::updateInfo);
  connect(follower_.get(), &LogFollower::earlierRunsFound, this, &LogWindow::setEarlierRuns);
  connect(follower_.get(), &LogFollower::connectionChanged, this,
          [this](bool connected, const QString& message) {
            banner_->setText(tr("The log cannot be read: %1\nRetrying every %2 s.")
                                 .arg(message)
                                 .arg(follower_->refreshInterval() / 1000.0));
            banner_->setVisible(!connected);
          });
  updateInfo();
}

LogWindow::~LogWindow() { follower_.reset(); }

void LogWindow::appendText(const QString& text) {
  QScrollBar* bar = log_->verticalScrollBar();
  const int kept = bar->value();
  QTextCursor end(log_->document());
  end.movePosition(QTextCursor::End);
  // A match may span the old end and the new text: search again from a needle before it.
  const int from = std::max(0, static_cast<int>(end.position() - search_->text().size()));
  const bool trims = log_->document()->blockCount() >= log_->maximumBlockCount();
  end.insertText(text);
  if (follow_->isChecked()) {
    bar->setValue(bar->maximum());
  } else {
    bar->setValue(kept);
  }
  if (search_->text().isEmpty()) return;
  if (trims) {
    highlightMatches();  // lines left the top: positions moved
  } else {
    markMatches(from);
  }
}

void LogWindow::setEarlierRuns(int count) {
  while (attempt_->count() - 1 < count) {
    attempt_->addItem(tr("%n run(s) before", nullptr, attempt_->count()));
  }
  while (attempt_->count() - 1 > count) attempt_->removeItem(attempt_->count() - 1);
}

void LogWindow::highlightMatches() {
  marks_.clear();
  matches_ = 0;
  markMatches(0);
}

void LogWindow::markMatches(int from) {
  const QString needle = search_->text();
  if (!needle.isEmpty()) {
    QTextCharFormat format;
    format.setBackground(stateColor(DisplayState::kDepend));
    format.setForeground(Qt::black);
    QTextCursor at(log_->document());
    at.setPosition(from);
    // Skip a match already marked (one that may end past `from`).
    const int last_marked = marks_.isEmpty() ? -1 : marks_.back().cursor.selectionStart();
    while (matches_ < kMaxMatches) {
      at = log_->document()->find(needle, at);
      if (at.isNull()) break;
      if (at.selectionStart() <= last_marked) continue;
      marks_.append({at, format});
      ++matches_;
    }
  }
  log_->setExtraSelections(marks_);
  matches_label_->setText(needle.isEmpty() ? QString()
                          : matches_ >= kMaxMatches
                              ? tr("%1+ matches").arg(kMaxMatches)
                              : tr("%n match(es)", nullptr, matches_));
}

bool LogWindow::findNext(bool backward) {
  const QString needle = search_->text();
  if (needle.isEmpty()) return false;
  const QTextDocument::FindFlags flags =
      backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
  if (log_->find(needle, flags)) {
    follow_->setChecked(false);  // the user is reading: stop jumping to the end
    return true;
  }
  // Wrap around.
  const QTextCursor kept = log_->textCursor();
  log_->moveCursor(backward ? QTextCursor::End : QTextCursor::Start);
  if (log_->find(needle, flags)) {
    follow_->setChecked(false);
    return true;
  }
  log_->setTextCursor(kept);
  return false;
}

void LogWindow::updateInfo() {
  const LogFollower& f = *follower_;
  QString text;
  if (!f.note().isEmpty()) {
    text = f.note();
  } else if (!f.host().isEmpty()) {
    text = tr("%1:%2 - %3").arg(f.host(), f.path(), formatBytes(f.size()));
    if (f.skippedBytes() > 0) text += tr(" (first %1 not shown)").arg(formatBytes(f.skippedBytes()));
    text += f.finished() ? tr(" - finished") : tr(" - running, following");
  } else {
    text = tr("Reading...");
  }
  info_->setText(text);
}

}  // namespace cue::gui
