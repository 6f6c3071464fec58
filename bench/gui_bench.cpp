// cuegui's two big views against a real cuebot: Monitor Jobs with 10,000 jobs and Monitor Job
// Details with one 100,000-frame job (issue 12's benchmark). Measurement only, never a test.
//
//   gui_bench [--jobs N] [--frames N] [--refreshes N] [--json FILE]
//   (QT_QPA_PLATFORM=offscreen, or under Xvfb)
//
// Starts cuebot (SQLite, temp dir, loopback), submits N one-frame jobs (500 per spec) and one
// job of --frames frames, all paused so nothing dispatches, then for each view: builds the
// window, starts its monitor and measures the time to the first refresh's rows (RPC + model
// on the worker and UI threads) and to the first full render (grab of the window); then runs
// --refreshes more refreshes and measures each. Meanwhile a 1 ms heartbeat timer on the UI
// thread records its longest gap: how long the UI thread was blocked at worst. Memory: the
// process's RSS after each view, and its peak.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "client/client.h"
#include "client/spec_builder.h"
#include "gui/job_details_monitor.h"
#include "gui/job_details_window.h"
#include "gui/job_monitor.h"
#include "gui/jobs_window.h"

namespace {

using cue::client::Client;

// Longest time the UI thread went without running a 1 ms timer, since reset().
class Heartbeat {
 public:
  Heartbeat() {
    timer_.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      max_gap_ms_ = std::max(max_gap_ms_, clock_.nsecsElapsed() / 1e6);
      clock_.restart();
    });
    clock_.start();
    timer_.start(1);
  }
  void reset() {
    clock_.restart();
    max_gap_ms_ = 0;
  }
  double maxGapMs() const { return max_gap_ms_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  double max_gap_ms_ = 0;
};

double rssMb(const char* field) {  // "VmRSS:" or "VmHWM:"
  QFile f(QStringLiteral("/proc/self/status"));
  if (!f.open(QIODevice::ReadOnly)) return 0;
  for (const QByteArray& line : f.readAll().split('\n')) {
    if (line.startsWith(field)) return line.mid(6).trimmed().split(' ').front().toDouble() / 1024;
  }
  return 0;
}

// Waits on the event loop until `done` or `seconds` pass; false on timeout.
template <class F>
bool waitFor(F done, double seconds) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > seconds * 1000) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
  }
  return true;
}

int startCuebot(QProcess& cuebot, const QTemporaryDir& dir) {
  const QString port_file = dir.filePath(QStringLiteral("port"));
  cuebot.setProcessChannelMode(QProcess::MergedChannels);
  cuebot.setStandardOutputFile(dir.filePath(QStringLiteral("cuebot.log")));
  cuebot.start(QString::fromUtf8(CUEBOT_BIN),
               {"--port", "0", "--bind", "127.0.0.1", "--db", dir.filePath("cue.db"),
                "--port-file", port_file, "--log-root", dir.filePath("logs")});
  if (!cuebot.waitForStarted() ||
      !waitFor([&] { return QFileInfo(port_file).size() > 0; }, 30)) {
    return 0;
  }
  QFile f(port_file);
  f.open(QIODevice::ReadOnly);
  return f.readAll().trimmed().toInt();
}

// A spec of `count` one-frame paused jobs bench_<first>..., built from one spec_builder job.
std::string manyJobsSpec(int first, int count) {
  cue::client::JobBuild job;
  job.name = "bench_00000";
  job.show = "testing";
  job.shot = "gui";
  job.user = "bench";
  job.paused = true;
  cue::client::LayerBuild layer;
  layer.name = "render";
  layer.command = "/bin/true";
  layer.range = "1";
  job.layers = {layer};
  std::string xml = *cue::client::buildSpecXml(job);
  const size_t begin = xml.find("<job ");
  const size_t end = xml.find("</job>") + 6;
  const std::string block = xml.substr(begin, end - begin);
  std::string jobs;
  for (int i = 0; i < count; ++i) {
    std::string b = block;
    b.replace(b.find("bench_00000"), 11, absl::StrFormat("bench_%05d", first + i));
    jobs += b;
  }
  return xml.substr(0, begin) + jobs + xml.substr(end);
}

struct ViewFigures {
  double first_rows_ms = 0;    // start -> the first refresh's rows in the model
  double first_render_ms = 0;  // then the window drawn once
  std::vector<double> refresh_ms;
  double max_ui_gap_ms = 0;          // over the first load and the refreshes
  double max_refresh_ui_gap_ms = 0;  // over the refreshes after the first
  double rss_mb = 0;
};

// Times one view: `start` starts its monitor; `refreshes()` counts refreshes done.
template <class Monitor>
ViewFigures measure(QWidget& window, Monitor& monitor, int rows_expected,
                    const std::function<int()>& rows, int refreshes, Heartbeat& beat) {
  ViewFigures out;
  window.resize(1400, 900);
  window.show();
  QElapsedTimer t;
  beat.reset();
  t.start();
  monitor.start();
  if (!waitFor([&] { return monitor.refreshCount() > 0; }, 600) || rows() < rows_expected) {
    std::fprintf(stderr, "gui_bench: the view did not fill (%d of %d rows): %s\n", rows(),
                 rows_expected, monitor.lastError().toStdString().c_str());
    std::exit(1);
  }
  out.first_rows_ms = t.nsecsElapsed() / 1e6;
  window.grab();  // the first full render, as the user sees it
  out.first_render_ms = t.nsecsElapsed() / 1e6;
  const double first_gap = beat.maxGapMs();
  beat.reset();
  for (int i = 0; i < refreshes; ++i) {
    const int before = monitor.refreshCount();
    QElapsedTimer r;
    r.start();
    monitor.refresh();
    if (!waitFor([&] { return monitor.refreshCount() > before; }, 600)) {
      std::fprintf(stderr, "gui_bench: a refresh did not end within 600 s\n");
      std::exit(1);
    }
    window.repaint();
    out.refresh_ms.push_back(r.nsecsElapsed() / 1e6);
  }
  out.max_refresh_ui_gap_ms = beat.maxGapMs();
  out.max_ui_gap_ms = std::max(first_gap, out.max_refresh_ui_gap_ms);
  out.rss_mb = rssMb("VmRSS:");
  return out;
}

std::string json(const ViewFigures& v) {
  std::string refreshes;
  for (double ms : v.refresh_ms) refreshes += absl::StrFormat("%s%.1f", refreshes.empty() ? "" : ",", ms);
  return absl::StrFormat(
      R"({"first_rows_ms":%.1f,"first_render_ms":%.1f,"refresh_ms":[%s],"max_ui_thread_gap_ms":%.1f,"max_ui_thread_gap_refreshing_ms":%.1f,"rss_mb":%.1f})",
      v.first_rows_ms, v.first_render_ms, refreshes, v.max_ui_gap_ms, v.max_refresh_ui_gap_ms,
      v.rss_mb);
}

void print(const char* name, const ViewFigures& v) {
  std::vector<double> r = v.refresh_ms;
  std::sort(r.begin(), r.end());
  std::printf("| %s | %.0f ms | %.0f ms | %.0f ms | %.1f ms | %.1f ms | %.0f MB |\n", name,
              v.first_rows_ms, v.first_render_ms, r.empty() ? 0.0 : r[r.size() / 2],
              v.max_ui_gap_ms, v.max_refresh_ui_gap_ms, v.rss_mb);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QCommandLineParser parser;
  parser.addHelpOption();
  const QCommandLineOption jobs_opt("jobs", "jobs in Monitor Jobs", "N", "10000");
  const QCommandLineOption frames_opt("frames", "frames of the job in Monitor Job Details", "N",
                                      "100000");
  const QCommandLineOption refreshes_opt("refreshes", "refreshes timed after the first", "N", "5");
  const QCommandLineOption json_opt("json", "also write the figures here as JSON", "FILE");
  parser.addOptions({jobs_opt, frames_opt, refreshes_opt, json_opt});
  parser.process(app);
  const int n_jobs = parser.value(jobs_opt).toInt();
  const int n_frames = parser.value(frames_opt).toInt();
  const int refreshes = parser.value(refreshes_opt).toInt();

  QTemporaryDir dir;
  QProcess cuebot;
  const int port = startCuebot(cuebot, dir);
  if (port == 0) {
    std::fprintf(stderr, "gui_bench: cuebot did not start (see %s)\n",
                 dir.filePath("cuebot.log").toStdString().c_str());
    return 1;
  }
  cue::client::CuebotConfig config;
  config.hosts = {"127.0.0.1:" + std::to_string(port)};
  config.timeout_ms = 600000;
  Client client(config);

  QElapsedTimer submit;
  submit.start();
  for (int first = 0; first < n_jobs; first += 500) {
    auto names = client.launchSpec(manyJobsSpec(first, std::min(500, n_jobs - first)));
    if (!names.ok()) {
      std::fprintf(stderr, "gui_bench: %s\n", std::string(names.status().message()).c_str());
      return 1;
    }
  }
  cue::client::JobBuild big;
  big.name = "bench_big";
  big.show = "testing";
  big.shot = "gui";
  big.user = "bench";
  big.paused = true;
  cue::client::LayerBuild layer;
  layer.name = "render";
  layer.command = "/bin/true";
  layer.range = absl::StrFormat("1-%d", n_frames);
  big.layers = {layer};
  auto big_names = client.launchSpec(*cue::client::buildSpecXml(big));
  auto big_view = big_names.ok() ? client.getJobsByName(*big_names) : big_names.status();
  if (!big_view.ok() || big_view->empty()) {
    std::fprintf(stderr, "gui_bench: the big job was not launched\n");
    return 1;
  }
  std::fprintf(stderr, "gui_bench: %d jobs and one of %d frames submitted in %.1f s\n", n_jobs,
               n_frames, submit.elapsed() / 1000.0);

  // The RPCs alone (what the worker thread waits for), for comparison.
  QElapsedTimer rpc;
  rpc.start();
  auto all_jobs = client.getJobs({});
  const double get_jobs_ms = rpc.nsecsElapsed() / 1e6;
  rpc.restart();
  auto all_layers = client.getLayers(big_view->front().job.id);
  auto all_frames = client.getFrames(big_view->front().job.id);
  const double get_frames_ms = rpc.nsecsElapsed() / 1e6;
  if (!all_jobs.ok() || !all_frames.ok() || !all_layers.ok()) return 1;
  std::fprintf(stderr, "gui_bench: GetJobs (%zu jobs) %.0f ms; GetLayers + GetFrames (%zu frames) %.0f ms\n",
               all_jobs->size(), get_jobs_ms, all_frames->size(), get_frames_ms);
  all_jobs->clear();
  all_frames->clear();

  Heartbeat beat;
  const double rss_before = rssMb("VmRSS:");

  cue::gui::JobMonitorOptions options;
  options.refresh_ms = 3600 * 1000;  // refreshed by hand here
  cue::gui::JobMonitor jobs(Client(config), options);
  ViewFigures jobs_fig;
  {
    cue::gui::MonitorJobsWindow window(&jobs);
    jobs_fig = measure(window, jobs, n_jobs + 1, [&] { return jobs.model()->rowCount(); },
                       refreshes, beat);
  }

  ViewFigures frames_fig;
  {
    auto details = std::make_unique<cue::gui::JobDetailsMonitor>(Client(config),
                                                                 big_view->front().job.id, 3600 * 1000);
    cue::gui::JobDetailsMonitor* m = details.get();
    cue::gui::JobDetailsWindow window(std::move(details), QStringLiteral("bench_big"));
    frames_fig = measure(window, *m, n_frames, [&] { return m->frames()->rowCount(); }, refreshes,
                         beat);
  }

  std::printf("| view | first rows | first render | refresh (median) | longest UI-thread gap | "
              "longest gap, refreshes only | RSS |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  print(absl::StrFormat("Monitor Jobs, %d jobs", n_jobs + 1).c_str(), jobs_fig);
  print(absl::StrFormat("Job Details, %d frames", n_frames).c_str(), frames_fig);
  std::printf("RSS before the views %.0f MB, peak %.0f MB\n", rss_before, rssMb("VmHWM:"));
  if (parser.isSet(json_opt)) {
    QFile out(parser.value(json_opt));
    if (out.open(QIODevice::WriteOnly)) {
      out.write(QByteArray::fromStdString(absl::StrFormat(
          R"({"jobs":%d,"frames":%d,"monitor_jobs":%s,"job_details":%s,"peak_rss_mb":%.1f})"
          "\n",
          n_jobs + 1, n_frames, json(jobs_fig), json(frames_fig), rssMb("VmHWM:"))));
    }
  }
  cuebot.terminate();
  cuebot.waitForFinished(10000);
  return 0;
}
