// For cuegui's Qt tests against a real cuebot (CUEBOT_BIN, defined by the test target): start
// it on loopback with its store and logs in a test's temporary directory, stop it; and, for
// tests that run frames, a real rqd (RQD_BIN) reporting to it.
#pragma once

#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <string>

#include "client/client.h"
#include "client/spec_builder.h"

namespace cue::gui {

// The client configuration of a test cuebot listening on loopback `port`.
inline client::CuebotConfig testConfig(int port) {
  client::CuebotConfig config;
  config.hosts = {"127.0.0.1:" + std::to_string(port)};
  config.timeout_ms = 5000;
  return config;
}

// A job of one layer, "render", running `command` over `range`, in show testing, shot gui,
// for user guitest (whose jobs the tests' Monitor Jobs shows).
inline client::JobBuild testJob(const std::string& name, const std::string& range,
                                const std::string& command = "/bin/true") {
  client::JobBuild job;
  job.name = name;
  job.show = "testing";
  job.shot = "gui";
  job.user = "guitest";
  client::LayerBuild render;
  render.name = "render";
  render.command = command;
  render.range = range;
  job.layers = {render};
  return job;
}

// Launches `job` (one job) through `client` and reads it back.
inline absl::StatusOr<core::JobView> launchTestJob(client::Client& client,
                                                   const client::JobBuild& job) {
  auto xml = client::buildSpecXml(job);
  if (!xml.ok()) return xml.status();
  auto names = client.launchSpec(*xml);
  if (!names.ok()) return names.status();
  auto views = client.getJobsByName(*names);
  if (!views.ok()) return views.status();
  if (views->size() != 1) return absl::InternalError("launched job not found once");
  return views->front();
}

// The frame log root startTestCuebot gives cuebot (and startTestRqd gives rqd): frames may
// run as another user, so it and `dir` are opened to every user (sticky, as /tmp).
inline QString testLogRoot(const QTemporaryDir& dir) { return dir.filePath(QStringLiteral("logs")); }

// Starts cuebot in `process` on `port` (0: one the kernel picks) with `dir`'s store (kept
// across restarts) and sets *bound to the port it listens on (left 0 when it did not start:
// the test has failed).
inline void startTestCuebot(QProcess& process, const QTemporaryDir& dir, int port, int* bound) {
  constexpr int kStartMs = 20000;
  *bound = 0;
  const QString port_file = dir.filePath(QStringLiteral("port"));
  QFile::remove(port_file);
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.setStandardOutputFile(dir.filePath(QStringLiteral("cuebot.log")), QIODevice::Append);
  process.start(QString::fromUtf8(CUEBOT_BIN),
                {"--port", QString::number(port), "--bind", "127.0.0.1", "--db",
                 dir.filePath("cue.db"), "--port-file", port_file, "--log-root",
                 testLogRoot(dir)});
  QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
  QTRY_VERIFY_WITH_TIMEOUT(
      QFileInfo(port_file).size() > 0 || process.state() == QProcess::NotRunning, kStartMs);
  QFile f(port_file);
  QVERIFY2(f.open(QIODevice::ReadOnly), "cuebot did not start: see cuebot.log");
  *bound = f.readAll().trimmed().toInt();
}

#ifdef RQD_BIN
// Starts an rqd named `name` with `cores` cores (no cgroups, no GPUs, no load of its own)
// reporting to the cuebot on `cuebot_port`; its log is `dir`/rqd-NAME.log.
inline void startTestRqd(QProcess& process, const QTemporaryDir& dir, int cuebot_port,
                         const QString& name, int cores = 2) {
  const QString spool = dir.filePath(QStringLiteral("spool-") + name);
  QDir().mkpath(spool);
  QDir().mkpath(testLogRoot(dir));
  const auto open = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                    QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                    QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
  QFile::setPermissions(dir.path(), open);
  QFile::setPermissions(testLogRoot(dir), open);
  QVERIFY(::chmod(testLogRoot(dir).toLocal8Bit().constData(), 01777) == 0);
  process.setProcessChannelMode(QProcess::MergedChannels);
  process.setStandardOutputFile(dir.filePath(QStringLiteral("rqd-%1.log").arg(name)),
                                QIODevice::Append);
  process.start(QString::fromUtf8(RQD_BIN),
                {"--cuebot", QStringLiteral("127.0.0.1:%1").arg(cuebot_port), "--port", "0",
                 "--hostname", name, "--address", "127.0.0.1", "--log-root", testLogRoot(dir),
                 "--cores", QString::number(cores), "--memory-mb", "8192", "--spool-dir", spool,
                 "--report-interval", "1", "--sample-interval", "1", "--retry-max", "2",
                 "--no-load", "--no-gpu", "--no-cgroups"});
  QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
}
#endif

inline void stopTestCuebot(QProcess& process) {
  if (process.state() == QProcess::NotRunning) return;
  process.terminate();
  if (!process.waitForFinished(10000)) {
    process.kill();
    process.waitForFinished();
  }
}

}  // namespace cue::gui
