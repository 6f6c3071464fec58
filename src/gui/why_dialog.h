// "Why is this job not running?": the planner's answer (core::WhyView, the cue.ext scheduler
// service's), shown as the job's summary above a tree of its layers, each with its waiting,
// depend and running frames and its summary, and under it the reasons hosts were turned down
// with how many hosts each. Object names for tests: "summary", "reasons".
#pragma once

#include <QDialog>
#include <string>

#include "core/views.h"

namespace cue::gui {

class PollingMonitor;

class WhyDialog : public QDialog {
  Q_OBJECT

 public:
  explicit WhyDialog(const core::WhyView& why, QWidget* parent = nullptr);
};

// Asks cuebot (on `monitor`'s worker thread) why `job_name` is not running, then opens a
// WhyDialog over `parent` (not modal; deleted on close), or says why it could not ask.
void showWhyNotRunning(PollingMonitor* monitor, QWidget* parent, const std::string& job_name);

}  // namespace cue::gui
