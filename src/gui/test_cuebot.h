// For cuegui's Qt tests against a real cuebot (CUEBOT_BIN, defined by the test target): start
// it on loopback with its store and logs in a test's temporary directory, stop it.
#pragma once

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace cue::gui {

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
                 dir.filePath("logs")});
  QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
  QTRY_VERIFY_WITH_TIMEOUT(
      QFileInfo(port_file).size() > 0 || process.state() == QProcess::NotRunning, kStartMs);
  QFile f(port_file);
  QVERIFY2(f.open(QIODevice::ReadOnly), "cuebot did not start: see cuebot.log");
  *bound = f.readAll().trimmed().toInt();
}

inline void stopTestCuebot(QProcess& process) {
  if (process.state() == QProcess::NotRunning) return;
  process.terminate();
  if (!process.waitForFinished(10000)) {
    process.kill();
    process.waitForFinished();
  }
}

}  // namespace cue::gui
