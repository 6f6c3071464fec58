// cuegui: Cue's desktop application. The artist view's Monitor Jobs and Job Details, and
// with --commander the admin view, CueCommander (hosts, allocations, subscriptions, shows,
// services, limits).
//
//   cuegui [--server HOST[:PORT] ...] [--facility F] [--refresh SECONDS]
//          [--user NAME ... | --all-users] [--show SHOW ...] [--finished]
//          [--commander] [--screenshot FILE.png]
//
// --screenshot saves the window once the first refresh is in (and the jobs sorted by name,
// the first selected), then exits: 0 when the cuebot answered. scripts/gui-screenshots.sh
// uses it under Xvfb for docs/.
//
// Cuebots are found as the command-line tools find them (client/config.h): --server, then
// $CUEBOT_HOSTS, then opencue.yaml, then localhost.
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>
#include <QStyleFactory>
#include <QTableView>
#include <QTimer>
#include <algorithm>
#include <cstdlib>
#include <optional>

#include "client/client.h"
#include "gui/commander_monitor.h"
#include "gui/commander_window.h"
#include "gui/job_details_monitor.h"
#include "gui/job_monitor.h"
#include "gui/jobs_window.h"
#include "gui/theme.h"

namespace {

std::vector<std::string> toStd(const QStringList& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(v.toStdString());
  return out;
}

// CueCommander instead of Monitor Jobs: hosts refresh every `refresh_s` seconds (default
// 20), the other tabs every 30 s or `refresh_s`, whichever is longer. With a screenshot
// file, the Hosts tab is saved once the first host is selected and its procs are in.
int runCommander(const cue::client::CuebotConfig& config, std::optional<double> refresh_s,
                 const QString& screenshot) {
  cue::gui::CommanderOptions options;
  if (refresh_s) {
    options.hosts_refresh_ms = static_cast<int>(*refresh_s * 1000);
    options.farm_refresh_ms = std::max(options.farm_refresh_ms, options.hosts_refresh_ms);
  }
  cue::gui::Commander commander(config, options);
  cue::gui::CueCommanderWindow window(&commander);
  QSettings settings;  // ~/.config/Cue/cuegui.conf
  if (screenshot.isEmpty()) {
    window.restoreLayout(settings);
    QObject::connect(qApp, &QApplication::aboutToQuit, &window,
                     [&] { window.saveLayout(settings); });
  }
  window.show();
  cue::gui::HostMonitor* hosts = commander.hosts();
  if (!screenshot.isEmpty()) {
    QObject::connect(hosts, &cue::gui::HostMonitor::refreshed, &window, [&, screenshot] {
      auto* view = window.findChild<QTableView*>(QStringLiteral("hosts"));
      if (view != nullptr && hosts->procHost().isEmpty() && view->model()->rowCount() > 0) {
        view->selectRow(0);  // its procs come with the refresh this asks for
        if (hosts->refreshing()) return;
      }
      QTimer::singleShot(0, &window, [&, screenshot] {
        const bool saved = window.grab().save(screenshot);
        QApplication::exit(saved && hosts->connected() ? 0 : 1);
      });
    });
  }
  commander.start();
  return QApplication::exec();
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("cuegui"));
  QApplication::setOrganizationName(QStringLiteral("Cue"));
  QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QApplication::setPalette(cue::gui::darkPalette());

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Cue's render farm GUI: Monitor Jobs (double-click a job for its layers and "
                     "frames), or with --commander the admin view, CueCommander."));
  parser.addHelpOption();
  const QCommandLineOption server(
      {QStringLiteral("server"), QStringLiteral("cuebot")},
      QStringLiteral("cuebot address; may repeat (default $CUEBOT_HOSTS, opencue.yaml, "
                     "localhost)"),
      QStringLiteral("HOST[:PORT]"));
  const QCommandLineOption facility(QStringLiteral("facility"),
                                    QStringLiteral("whose cuebots to use (opencue.yaml)"),
                                    QStringLiteral("CODE"));
  const QCommandLineOption refresh(QStringLiteral("refresh"),
                                   QStringLiteral("seconds between refreshes (default 10; "
                                                  "CueCommander's hosts 20)"),
                                   QStringLiteral("SECONDS"), QStringLiteral("10"));
  const QCommandLineOption user(QStringLiteral("user"),
                                QStringLiteral("show this user's jobs; may repeat "
                                               "(default $USER)"),
                                QStringLiteral("NAME"));
  const QCommandLineOption all_users(QStringLiteral("all-users"),
                                     QStringLiteral("show every user's jobs"));
  const QCommandLineOption show(QStringLiteral("show"),
                                QStringLiteral("only this show's jobs; may repeat"),
                                QStringLiteral("SHOW"));
  const QCommandLineOption finished(QStringLiteral("finished"),
                                    QStringLiteral("include finished jobs"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("save the window to this PNG after the first refresh, then exit"),
      QStringLiteral("FILE"));
  const QCommandLineOption commander(
      QStringLiteral("commander"),
      QStringLiteral("open CueCommander, the admin view (hosts, allocations, subscriptions, "
                     "shows, services, limits), instead of Monitor Jobs"));
  parser.addOptions(
      {server, facility, refresh, user, all_users, show, finished, commander, screenshot});
  parser.process(app);

  bool ok = false;
  const double seconds = parser.value(refresh).toDouble(&ok);
  if (!ok || seconds < 1) parser.showHelp(2);

  cue::client::ClientOptions options;
  options.servers = toStd(parser.values(server));
  options.facility = parser.value(facility).toStdString();
  auto client = cue::client::connect(options);
  if (!client.ok()) {
    QMessageBox::critical(nullptr, QStringLiteral("cuegui"),
                          QString::fromStdString(std::string(client.status().message())));
    return 4;
  }
  if (parser.isSet(commander)) {
    return runCommander(client->config(),
                        parser.isSet(refresh) ? std::optional<double>(seconds) : std::nullopt,
                        parser.value(screenshot));
  }

  cue::gui::JobMonitorOptions monitor_options;
  monitor_options.refresh_ms = static_cast<int>(seconds * 1000);
  monitor_options.query.shows = toStd(parser.values(show));
  monitor_options.query.include_finished = parser.isSet(finished);
  if (parser.isSet(user)) {
    monitor_options.query.users = toStd(parser.values(user));
  } else if (!parser.isSet(all_users)) {
    const char* login = std::getenv("USER");
    if (login != nullptr && *login != '\0') monitor_options.query.users = {login};
  }

  const cue::client::CuebotConfig config = client->config();
  cue::gui::JobMonitor monitor(std::move(*client), monitor_options);
  cue::gui::MonitorJobsWindow window(&monitor);
  // Monitor Job Details, on double-click: its own client, refreshed as the jobs are.
  window.setDetailsFactory([config, ms = monitor_options.refresh_ms](const std::string& id) {
    auto details =
        std::make_unique<cue::gui::JobDetailsMonitor>(cue::client::Client(config), id, ms);
    details->start();
    return details;
  });
  QSettings settings;  // ~/.config/Cue/cuegui.conf
  if (!parser.isSet(screenshot)) {
    window.restoreLayout(settings);
    QObject::connect(&app, &QApplication::aboutToQuit, &window,
                     [&] { window.saveLayout(settings); });
  }
  window.show();
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    QObject::connect(&monitor, &cue::gui::JobMonitor::refreshed, &window, [&, file] {
      if (auto* view = window.findChild<QTableView*>(QStringLiteral("jobs"))) view->selectRow(0);
      // After the view has taken the model's rows in (queued behind them).
      QTimer::singleShot(0, &window, [&, file] {
        const bool saved = window.grab().save(file);
        QApplication::exit(saved && monitor.connected() ? 0 : 1);
      });
    });
  }
  monitor.start();
  return QApplication::exec();
}
