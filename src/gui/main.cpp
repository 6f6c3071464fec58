// cuegui: Cue's desktop application. The artist view, Monitor Jobs (double-click a job for
// its Monitor Job Details, a frame for its log), and the admin view, CueCommander (hosts,
// allocations, subscriptions, shows, services, limits); each opens the other from its Window
// menu.
//
//   cuegui [--server HOST[:PORT] ...] [--facility F] [--refresh SECONDS]
//          [--user NAME ... | --all-users] [--show SHOW ...] [--finished]
//          [--commander [--tab NAME | --filters SHOW]]
//          [--screenshot FILE.png [--job NAME [--log FRAME | --dialog why|depends|comments]]]
//
// --screenshot saves a window once its first refresh is in, then exits (0 when the cuebot
// answered): Monitor Jobs (sorted by name, the first job selected), CueCommander (at --tab,
// the first host selected with its procs; with --filters SHOW that show's filters editor), or
// with --job that job's Monitor Job Details, with --log FRAME that frame's log window, with
// --dialog the job's why-not-running, depends or comments dialog (exit 3 when the picture
// cannot be taken within 60 s).
// scripts/gui-screenshots.sh uses it under Xvfb for docs/.
//
// Cuebots are found as the command-line tools find them (client/config.h): --server, then
// $CUEBOT_HOSTS, then opencue.yaml, then localhost.
#include <QApplication>
#include <QCommandLineParser>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "client/client.h"
#include "gui/commander_monitor.h"
#include "gui/commander_window.h"
#include "gui/job_details_monitor.h"
#include "gui/job_details_window.h"
#include "gui/job_monitor.h"
#include "gui/jobs_window.h"
#include "gui/log_follower.h"
#include "gui/log_window.h"
#include "gui/theme.h"
#include "gui/comments_dialog.h"
#include "gui/depends_dialog.h"
#include "gui/depends_model.h"
#include "gui/filter_monitor.h"
#include "gui/filters_dialog.h"
#include "gui/why_dialog.h"

namespace {

using cue::gui::Commander;
using cue::gui::CueCommanderWindow;
using cue::gui::JobMonitor;
using cue::gui::MonitorJobsWindow;

std::vector<std::string> toStd(const QStringList& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(v.toStdString());
  return out;
}

void saveAndExit(QWidget* window, const QString& file, bool connected) {
  const bool saved = window->grab().save(file);
  QApplication::exit(saved && connected ? 0 : 1);
}

// Both views, each made when first shown; a window's layout is restored when it is made and
// saved at exit (not while taking screenshots).
class Views {
 public:
  Views(cue::client::CuebotConfig config, cue::gui::JobMonitorOptions jobs,
        cue::gui::CommanderOptions commander, bool keep_layout)
      : config_(std::move(config)),
        jobs_options_(std::move(jobs)),
        commander_options_(commander),
        keep_layout_(keep_layout) {
    if (keep_layout_) {
      QObject::connect(qApp, &QApplication::aboutToQuit, [this] {
        if (jobs_window_) jobs_window_->saveLayout(settings_);
        if (commander_window_) commander_window_->saveLayout(settings_);
      });
    }
  }

  MonitorJobsWindow* jobs() {
    if (!jobs_window_) {
      jobs_monitor_ = std::make_unique<JobMonitor>(cue::client::Client(config_), jobs_options_);
      jobs_window_ = std::make_unique<MonitorJobsWindow>(jobs_monitor_.get());
      // Monitor Job Details, on double-click: its own client, refreshed as the jobs are.
      jobs_window_->setDetailsFactory(
          [config = config_, ms = jobs_options_.refresh_ms](const std::string& id) {
            auto details = std::make_unique<cue::gui::JobDetailsMonitor>(
                cue::client::Client(config), id, ms);
            details->start();
            return details;
          });
      addWindowMenu(jobs_window_.get(), QObject::tr("&CueCommander"),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), [this] { show(commander()); });
      if (keep_layout_) jobs_window_->restoreLayout(settings_);
      jobs_window_->show();
      jobs_monitor_->start();
    }
    return jobs_window_.get();
  }
  JobMonitor* jobMonitor() { return jobs_monitor_.get(); }

  CueCommanderWindow* commander() {
    if (!commander_window_) {
      commander_ = std::make_unique<Commander>(config_, commander_options_);
      commander_window_ = std::make_unique<CueCommanderWindow>(commander_.get());
      addWindowMenu(commander_window_.get(), QObject::tr("&Monitor Jobs"),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J), [this] { show(jobs()); });
      if (keep_layout_) commander_window_->restoreLayout(settings_);
      commander_window_->show();
      commander_->start();
    }
    return commander_window_.get();
  }
  Commander* commanderMonitors() { return commander_.get(); }

 private:
  static void show(QWidget* window) {
    window->show();
    window->raise();
    window->activateWindow();
  }
  static void addWindowMenu(QMainWindow* window, const QString& other, const QKeySequence& keys,
                            std::function<void()> open) {
    QMenu* menu = window->menuBar()->addMenu(QObject::tr("&Window"));
    QAction* a = menu->addAction(other);
    a->setShortcut(keys);
    QObject::connect(a, &QAction::triggered, window, std::move(open));
  }

  cue::client::CuebotConfig config_;
  cue::gui::JobMonitorOptions jobs_options_;
  cue::gui::CommanderOptions commander_options_;
  bool keep_layout_;
  QSettings settings_;  // ~/.config/Cue/cuegui.conf
  std::unique_ptr<JobMonitor> jobs_monitor_;
  std::unique_ptr<MonitorJobsWindow> jobs_window_;
  std::unique_ptr<Commander> commander_;
  std::unique_ptr<CueCommanderWindow> commander_window_;
};

// A depends or comments dialog's picture once its monitor's first refresh is in, its columns
// fitted and its first row selected.
template <typename Dialog>
void saveWhenRefreshed(Dialog* dialog, const QString& file) {
  dialog->resize(1100, 420);
  QObject::connect(dialog->monitor(), &cue::gui::PollingMonitor::refreshed, dialog, [=] {
    dialog->view()->resizeColumnsToContents();
    dialog->view()->selectRow(0);
    QTimer::singleShot(0, dialog, [=] { saveAndExit(dialog, file, dialog->monitor()->connected()); });
  });
}

// CueCommander's picture: the Hosts tab once the first host is selected and its procs are in;
// with `filters`, that show's filters editor (its first filter selected) once the shows are in.
void shootCommander(Views& views, const QString& file, const QString& filters) {
  CueCommanderWindow* window = views.commander();
  if (!filters.isEmpty()) {
    cue::gui::PollingMonitor* shows = views.commanderMonitors()->shows();
    QObject::connect(shows, &cue::gui::PollingMonitor::refreshed, window, [=] {
      if (window->findChild<cue::gui::FiltersDialog*>() != nullptr) return;
      cue::gui::FiltersDialog* dialog = window->openFilters(filters);
      if (dialog == nullptr) return;
      dialog->resize(1000, 560);
      auto selected = std::make_shared<bool>(false);
      QObject::connect(dialog->monitor(), &cue::gui::PollingMonitor::refreshed, dialog, [=] {
        const auto& shown = dialog->monitor()->filters();
        if (!*selected && !shown.empty()) {
          *selected = dialog->selectFilter(QString::fromStdString(shown.front().name));
          if (*selected) return;  // its matchers and actions come with the refresh this asks for
        }
        QTimer::singleShot(0, dialog, [=] { saveAndExit(dialog, file, dialog->monitor()->connected()); });
      });
    });
    return;
  }
  cue::gui::HostMonitor* hosts = views.commanderMonitors()->hosts();
  QObject::connect(hosts, &cue::gui::HostMonitor::refreshed, window, [window, hosts, file] {
    auto* view = window->findChild<QTableView*>(QStringLiteral("hosts"));
    if (view != nullptr && hosts->procHost().isEmpty() && view->model()->rowCount() > 0) {
      view->selectRow(0);  // its procs come with the refresh this asks for
      if (hosts->refreshing()) return;
    }
    QTimer::singleShot(0, window, [window, hosts, file] { saveAndExit(window, file, hosts->connected()); });
  });
}

// Monitor Jobs' picture, or with `job` that job's details (and its frame's log, or its why
// dialog), each once it has what it shows.
void shootJobs(Views& views, const QString& file, const QString& job, const QString& log_frame,
               const QString& dialog_name) {
  MonitorJobsWindow* window = views.jobs();
  JobMonitor* monitor = views.jobMonitor();
  QObject::connect(monitor, &JobMonitor::refreshed, window, [=] {
    auto* view = window->findChild<QTableView*>(QStringLiteral("jobs"));
    if (job.isEmpty()) {
      if (view != nullptr) view->selectRow(0);
      // After the view has taken the model's rows in (queued behind them).
      QTimer::singleShot(0, window, [=] { saveAndExit(window, file, monitor->connected()); });
      return;
    }
    const cue::core::JobView* v = nullptr;
    for (int r = 0; r < monitor->model()->rowCount(); ++r) {
      if (QString::fromStdString(monitor->model()->job(r)->job.name) == job) v = monitor->model()->job(r);
    }
    if (v == nullptr || window->findChild<cue::gui::JobDetailsWindow*>() != nullptr) return;
    cue::gui::JobDetailsWindow* details = window->openDetails(QString::fromStdString(v->job.id));
    if (details == nullptr) return;
    details->resize(1100, 640);
    QObject::connect(details->monitor(), &cue::gui::JobDetailsMonitor::refreshed, details, [=] {
      if (!log_frame.isEmpty()) {
        if (details->findChild<cue::gui::LogWindow*>() != nullptr) return;
        cue::gui::LogWindow* log = details->openLog(log_frame);
        if (log == nullptr) return;
        log->resize(1000, 560);
        QObject::connect(log->follower(), &cue::gui::LogFollower::refreshed, log, [=] {
          if (!log->follower()->text().isEmpty()) {
            saveAndExit(log, file, log->follower()->connected());
          }
        });
      } else if (dialog_name == QStringLiteral("why")) {
        if (details->findChild<QAction*>(QStringLiteral("why")) == nullptr) return;
        details->findChild<QAction*>(QStringLiteral("why"))->trigger();
        auto* poll = new QTimer(details);
        QObject::connect(poll, &QTimer::timeout, details, [=] {
          if (auto* dialog = details->findChild<cue::gui::WhyDialog*>()) {
            poll->stop();
            saveAndExit(dialog, file, true);
          }
        });
        poll->start(50);
      } else if (dialog_name == QStringLiteral("depends")) {
        if (details->findChild<cue::gui::DependsDialog*>() != nullptr) return;
        details->findChild<QAction*>(QStringLiteral("viewDepends"))->trigger();
        auto* dialog = details->findChild<cue::gui::DependsDialog*>();
        if (dialog != nullptr) saveWhenRefreshed(dialog, file);
      } else if (dialog_name == QStringLiteral("comments")) {
        if (details->findChild<cue::gui::CommentsDialog*>() != nullptr) return;
        details->findChild<QAction*>(QStringLiteral("comments"))->trigger();
        auto* dialog = details->findChild<cue::gui::CommentsDialog*>();
        if (dialog != nullptr) saveWhenRefreshed(dialog, file);
      } else {
        QTimer::singleShot(0, details, [=] { saveAndExit(details, file, details->monitor()->connected()); });
      }
    });
  });
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
                     "frames, a frame for its log), or with --commander the admin view, "
                     "CueCommander; each opens the other from its Window menu."));
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
  const QCommandLineOption commander(
      QStringLiteral("commander"),
      QStringLiteral("open CueCommander, the admin view (hosts, allocations, subscriptions, "
                     "shows, services, limits, Monitor Cue), instead of Monitor Jobs"));
  const QCommandLineOption tab(QStringLiteral("tab"),
                               QStringLiteral("CueCommander's tab to show first: hosts, "
                                              "allocations, subscriptions, shows, services, "
                                              "limits, monitorcue"),
                               QStringLiteral("NAME"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QStringLiteral("save the window to this PNG after the first refresh, then exit"),
      QStringLiteral("FILE"));
  const QCommandLineOption job(QStringLiteral("job"),
                               QStringLiteral("with --screenshot: that job's details instead"),
                               QStringLiteral("NAME"));
  const QCommandLineOption log(QStringLiteral("log"),
                               QStringLiteral("with --job: that frame's log (\"0001-render\")"),
                               QStringLiteral("FRAME"));
  const QCommandLineOption dialog(
      QStringLiteral("dialog"),
      QStringLiteral("with --job: that job's why (not running), depends or comments dialog"),
      QStringLiteral("NAME"));
  const QCommandLineOption filters(QStringLiteral("filters"),
                                   QStringLiteral("with --commander: that show's filters editor"),
                                   QStringLiteral("SHOW"));
  parser.addOptions({server, facility, refresh, user, all_users, show, finished, commander, tab,
                     screenshot, job, log, dialog, filters});
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

  cue::gui::JobMonitorOptions jobs_options;
  jobs_options.refresh_ms = static_cast<int>(seconds * 1000);
  jobs_options.query.shows = toStd(parser.values(show));
  jobs_options.query.include_finished = parser.isSet(finished);
  if (parser.isSet(user)) {
    jobs_options.query.users = toStd(parser.values(user));
  } else if (!parser.isSet(all_users)) {
    const char* login = std::getenv("USER");
    if (login != nullptr && *login != '\0') jobs_options.query.users = {login};
  }
  // CueCommander: hosts every --refresh seconds (default 20), the other tabs every 30 s or
  // --refresh, whichever is longer.
  cue::gui::CommanderOptions commander_options;
  if (parser.isSet(refresh)) {
    commander_options.hosts_refresh_ms = static_cast<int>(seconds * 1000);
    commander_options.farm_refresh_ms =
        std::max(commander_options.farm_refresh_ms, commander_options.hosts_refresh_ms);
  }

  const QString file = parser.value(screenshot);
  if (!file.isEmpty()) {
    // A picture that cannot be taken (no such job or frame, no answer) ends the run, failed.
    QTimer::singleShot(60000, &app, [] {
      std::fprintf(stderr, "cuegui: the screenshot was not taken within 60 s\n");
      QApplication::exit(3);
    });
  }
  Views views(client->config(), jobs_options, commander_options, file.isEmpty());
  if (parser.isSet(commander)) {
    CueCommanderWindow* window = views.commander();
    if (parser.isSet(tab)) {
      auto* tabs = window->findChild<QTabWidget*>(QStringLiteral("tabs"));
      for (int i = 0; tabs != nullptr && i < tabs->count(); ++i) {
        // "monitorcue" names "Monitor Cue": spaces do not count.
        const QString want = parser.value(tab).remove(QLatin1Char(' '));
        if (tabs->tabText(i).remove(QLatin1Char(' ')).compare(want, Qt::CaseInsensitive) == 0) {
          tabs->setCurrentIndex(i);
        }
      }
    }
    if (!file.isEmpty()) shootCommander(views, file, parser.value(filters));
  } else if (!file.isEmpty()) {
    shootJobs(views, file, parser.value(job), parser.value(log), parser.value(dialog));
  } else {
    views.jobs();
  }
  return QApplication::exec();
}
