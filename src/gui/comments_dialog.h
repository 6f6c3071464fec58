// cuegui's Comments dialog for one job ("Comments..." in Monitor Jobs and Monitor Job
// Details), as OpenCue's CueGUI: the job's comments (subject, user, date; the selected one's
// message below), Add comment... (a subject and a message) and Delete on the selected
// comments (asks first). Refreshes after each action and every 10 s, on a client of its own
// (a CommentsMonitor off the UI thread). Not modal; deleted on close. Object names for tests:
// "comments", "message", "addComment", "deleteComment", "refresh", "status".
#pragma once

#include <QDialog>
#include <QString>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "client/config.h"
#include "gui/dialogs.h"

class QLabel;
class QPlainTextEdit;
class QTableView;

namespace cue::gui {

class CommentsMonitor;

// A new comment's subject and message, or nullopt when cancelled. Default: a dialog with a
// line for the subject and a box for the message.
using AskComment = std::function<std::optional<std::pair<QString, QString>>(QWidget* parent)>;
AskComment defaultAskComment();

class CommentsDialog : public QDialog {
  Q_OBJECT

 public:
  CommentsDialog(const client::CuebotConfig& config, const std::string& job_id,
                 const QString& job_name, QWidget* parent = nullptr);

  CommentsMonitor* monitor() { return monitor_; }
  QTableView* view() { return view_; }
  // Tests answer for the user here.
  void setConfirm(Confirm confirm) { confirm_ = std::move(confirm); }
  void setAskComment(AskComment ask) { ask_comment_ = std::move(ask); }

  void addComment();
  void deleteSelected();

 private:
  void showSelected();

  CommentsMonitor* monitor_;
  QTableView* view_;
  QPlainTextEdit* message_;
  QLabel* status_;
  Confirm confirm_;
  AskComment ask_comment_;
};

// Opens the Comments dialog of job `job_id` over `parent` (not modal, deleted on close) with
// `confirm` for its questions, on a client of its own on `config`'s cuebots.
CommentsDialog* openCommentsDialog(const client::CuebotConfig& config, const std::string& job_id,
                                   const QString& job_name, QWidget* parent, Confirm confirm);

}  // namespace cue::gui
