// How cuegui looks, in one place: the states shown for jobs (and, later, layers and frames),
// their names and colours, and the dark palette applied over Qt's Fusion style. Colours are
// OpenCue CueGUI's (cuegui/Constants.py), so the two read the same at a glance.
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace cue::gui {

// What a row is doing, as a person scans for it. For a job: the first that holds of
// finished, paused, dead frames (failing), running frames, only depend frames left, waiting.
enum class DisplayState { kWaiting, kRunning, kDepend, kDead, kPaused, kSucceeded, kEaten };

// "Waiting", "Running", "Depend", "Failing", "Paused", "Finished", "Eaten": a job's words.
QString jobStateName(DisplayState state);
QColor stateColor(DisplayState state);
// Text drawn over stateColor(state): dark on the light colours, light on the dark ones.
QColor stateTextColor(DisplayState state);

// The colour of the banner shown while the cuebot does not answer.
QColor errorBannerColor();

// Fusion's roles in dark greys, as OpenCue's dark theme; the caller sets the Fusion style.
QPalette darkPalette();

}  // namespace cue::gui
