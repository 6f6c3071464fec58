#include "gui/theme.h"

namespace cue::gui {

QString jobStateName(DisplayState state) {
  switch (state) {
    case DisplayState::kWaiting:
      return QStringLiteral("Waiting");
    case DisplayState::kRunning:
      return QStringLiteral("Running");
    case DisplayState::kDepend:
      return QStringLiteral("Depend");
    case DisplayState::kDead:
      return QStringLiteral("Failing");
    case DisplayState::kPaused:
      return QStringLiteral("Paused");
    case DisplayState::kSucceeded:
      return QStringLiteral("Finished");
    case DisplayState::kEaten:
      return QStringLiteral("Eaten");
  }
  return {};
}

QColor stateColor(DisplayState state) {
  switch (state) {
    case DisplayState::kWaiting:
      return {135, 207, 235};
    case DisplayState::kRunning:
      return {200, 200, 55};
    case DisplayState::kDepend:
      return {160, 32, 240};
    case DisplayState::kDead:
      return {255, 0, 0};
    case DisplayState::kPaused:
      return {110, 110, 160};
    case DisplayState::kSucceeded:
      return {55, 200, 55};
    case DisplayState::kEaten:
      return {150, 0, 0};
  }
  return {};
}

QColor stateTextColor(DisplayState state) {
  switch (state) {
    case DisplayState::kDepend:
    case DisplayState::kDead:
    case DisplayState::kPaused:
    case DisplayState::kEaten:
      return Qt::white;
    default:
      return Qt::black;
  }
}

QColor errorBannerColor() { return {170, 40, 40}; }

QPalette darkPalette() {
  const QColor window(45, 45, 48), base(30, 30, 32), text(220, 220, 220), disabled(120, 120, 120),
      highlight(60, 110, 170);
  QPalette p;
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, QColor(38, 38, 41));
  p.setColor(QPalette::ToolTipBase, window);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::red);
  p.setColor(QPalette::Link, QColor(100, 160, 230));
  p.setColor(QPalette::Highlight, highlight);
  p.setColor(QPalette::HighlightedText, Qt::white);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
    p.setColor(QPalette::Disabled, role, disabled);
  }
  return p;
}

}  // namespace cue::gui
