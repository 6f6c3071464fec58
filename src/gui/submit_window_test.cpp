// cuesubmit-gui's window against a real cuebot on loopback (offscreen platform): the shows
// and services come from cuebot; a job filled in through the widgets (three layers: Shell,
// Blender, Shell; frame-by-frame and layer-on-layer depends) is launched and read back through
// the client with its layers, frame counts, cores, commands and depends; a bad range shows an
// error naming the layer and field and submits nothing; layers move and are removed; the
// fields round-trip through QSettings. Waits poll with a deadline.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <string>

#include "client/client.h"
#include "gui/submit_backend.h"
#include "gui/submit_window.h"
#include "gui/test_cuebot.h"

namespace cue::gui {

constexpr int kDeadlineMs = 20000;

class SubmitWindowTest : public QObject {
  Q_OBJECT

 public:
  ~SubmitWindowTest() override { stopTestCuebot(cuebot_); }

 private Q_SLOTS:
  void initTestCase();
  void showsAndServicesComeFromCuebot();
  void submitsLayersWithDependsAndResources();
  void badRangeShowsErrorAndSubmitsNothing();
  void layersMoveAndRemove();
  void fieldsRoundTripThroughSettings();
  void cleanupTestCase();

 private:
  template <class T>
  T* child(const char* name) {
    T* w = window_->findChild<T*>(QString::fromLatin1(name));
    if (w == nullptr) qFatal("no widget %s", name);
    return w;
  }
  void click(const char* name) { child<QPushButton>(name)->click(); }
  void text(const char* name, const QString& value) { child<QLineEdit>(name)->setText(value); }
  std::vector<core::JobView> jobsOf(const std::string& user);

  QTemporaryDir dir_;
  QProcess cuebot_;
  int port_ = 0;
  std::unique_ptr<client::Client> client_;  // the test's own: reads back
  std::unique_ptr<SubmitBackend> backend_;
  std::unique_ptr<SubmitWindow> window_;  // after backend_: destroyed first
};

void SubmitWindowTest::initTestCase() {
  QVERIFY(dir_.isValid());
  startTestCuebot(cuebot_, dir_, 0, &port_);
  QVERIFY(port_ > 0);
  const client::CuebotConfig config = testConfig(port_);
  client_ = std::make_unique<client::Client>(config);
  backend_ = std::make_unique<SubmitBackend>(client::Client(config));
  window_ = std::make_unique<SubmitWindow>(backend_.get(), nullptr);
  window_->show();
}

void SubmitWindowTest::showsAndServicesComeFromCuebot() {
  QSignalSpy ready(window_.get(), &SubmitWindow::showsReady);
  backend_->load();
  QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, kDeadlineMs);
  auto* show = child<QComboBox>("show");
  QVERIFY(show->findText(QStringLiteral("testing")) >= 0);
  // With no show remembered, the first one is picked.
  QVERIFY(!show->currentText().isEmpty());
  QTRY_VERIFY_WITH_TIMEOUT(child<QComboBox>("services")->count() > 0, kDeadlineMs);
  QVERIFY(child<QComboBox>("services")->findText(QStringLiteral("default")) >= 0);
}

std::vector<core::JobView> SubmitWindowTest::jobsOf(const std::string& user) {
  client::JobQuery q;
  q.users = {user};
  q.include_finished = true;
  auto jobs = client_->getJobs(q);
  return jobs.ok() ? *jobs : std::vector<core::JobView>{};
}

void SubmitWindowTest::submitsLayersWithDependsAndResources() {
  text("jobName", QStringLiteral("guisubmit"));
  child<QComboBox>("show")->setCurrentText(QStringLiteral("testing"));
  text("shot", QStringLiteral("sh010"));
  text("user", QStringLiteral("submittest"));
  // Layer 1: Shell.
  text("layerName", QStringLiteral("prep"));
  child<QComboBox>("layerType")->setCurrentText(QStringLiteral("Shell"));
  child<QPlainTextEdit>("command")->setPlainText(QStringLiteral("/bin/echo #IFRAME#"));
  text("range", QStringLiteral("1-4"));
  child<QDoubleSpinBox>("cores")->setValue(2);
  // Layer 2: Blender, two frames a task, frame by frame on prep.
  click("addLayer");
  QCOMPARE(child<QListWidget>("layers")->currentRow(), 1);
  text("layerName", QStringLiteral("render"));
  child<QComboBox>("layerType")->setCurrentText(QStringLiteral("Blender"));
  QVERIFY(child<QLineEdit>("scene")->isVisibleTo(window_.get()));
  QVERIFY(!child<QPlainTextEdit>("command")->isVisibleTo(window_.get()));
  text("scene", QStringLiteral("/shots/sh010/light.blend"));
  text("outputPath", QStringLiteral("/renders/sh010/f_####"));
  child<QComboBox>("outputFormat")->setCurrentText(QStringLiteral("PNG"));
  text("range", QStringLiteral("1-4"));
  child<QSpinBox>("chunk")->setValue(2);
  child<QDoubleSpinBox>("cores")->setValue(1);
  text("memory", QStringLiteral("2g"));
  child<QComboBox>("depend")->setCurrentIndex(2);  // frame by frame
  // Layer 3: Shell, layer on layer.
  click("addLayer");
  text("layerName", QStringLiteral("comp"));
  child<QComboBox>("layerType")->setCurrentText(QStringLiteral("Shell"));
  child<QPlainTextEdit>("command")->setPlainText(QStringLiteral("/bin/true"));
  text("range", QStringLiteral("1-2"));
  child<QSpinBox>("chunk")->setValue(1);
  child<QComboBox>("depend")->setCurrentIndex(1);  // layer on layer

  // The preview shows each layer's first task.
  const QString preview = child<QPlainTextEdit>("preview")->toPlainText();
  QVERIFY2(preview.contains(QStringLiteral("/bin/echo 1")), qPrintable(preview));
  QVERIFY2(preview.contains(QStringLiteral("blender -b -noaudio /shots/sh010/light.blend -o "
                                           "/renders/sh010/f_#### -F PNG -s 1 -e 2 -a")),
           qPrintable(preview));

  click("submit");
  QTRY_COMPARE_WITH_TIMEOUT(window_->submitState(), QStringLiteral("submitted"), kDeadlineMs);
  const QString status = child<QLabel>("status")->text();
  QVERIFY2(status.contains(QStringLiteral("testing-sh010-submittest_guisubmit")),
           qPrintable(status));

  const auto jobs = jobsOf("submittest");
  QCOMPARE(jobs.size(), size_t(1));
  QCOMPARE(jobs[0].job.name, std::string("testing-sh010-submittest_guisubmit"));
  auto layers = client_->getLayers(jobs[0].job.id);
  QVERIFY(layers.ok());
  QCOMPARE(layers->size(), size_t(3));
  std::sort(layers->begin(), layers->end(),
            [](const auto& a, const auto& b) { return a.layer.dispatch_order < b.layer.dispatch_order; });
  const auto& prep = (*layers)[0];
  const auto& render = (*layers)[1];
  const auto& comp = (*layers)[2];
  QCOMPARE(prep.layer.name, std::string("prep"));
  QCOMPARE(render.layer.name, std::string("render"));
  QCOMPARE(comp.layer.name, std::string("comp"));
  QCOMPARE(prep.counts.total, 4);
  QCOMPARE(render.counts.total, 2);  // 1-4 in chunks of 2
  QCOMPARE(comp.counts.total, 2);
  QCOMPARE(prep.layer.min_cores, core::CoreUnits(200));
  QCOMPARE(render.layer.min_cores, core::CoreUnits(100));
  QCOMPARE(render.layer.min_memory, core::MemoryKb(2 * 1024 * 1024));
  QCOMPARE(render.layer.chunk_size, 2);
  QCOMPARE(render.layer.command,
           std::string("blender -b -noaudio /shots/sh010/light.blend -o /renders/sh010/f_#### "
                       "-F PNG -s #FRAME_START# -e #FRAME_END# -a"));
  // No rqd runs prep: render's frames wait on its frames, comp on the whole of render.
  QCOMPARE(prep.counts.depend, 0);
  QCOMPARE(render.counts.depend, 2);
  QCOMPARE(comp.counts.depend, 2);
}

void SubmitWindowTest::badRangeShowsErrorAndSubmitsNothing() {
  const size_t before = jobsOf("submittest").size();
  text("jobName", QStringLiteral("guisubmit_bad"));
  child<QListWidget>("layers")->setCurrentRow(0);
  QCOMPARE(child<QLineEdit>("layerName")->text(), QStringLiteral("prep"));
  child<QListWidget>("layers")->setCurrentRow(2);
  text("range", QStringLiteral("1-x"));
  child<QListWidget>("layers")->setCurrentRow(0);
  click("submit");
  QCOMPARE(window_->submitState(), QStringLiteral("failed"));
  const QString status = child<QLabel>("status")->text();
  QVERIFY2(status.contains(QStringLiteral("layer 3 \"comp\" range:")), qPrintable(status));
  // The window shows the layer at fault.
  QCOMPARE(child<QListWidget>("layers")->currentRow(), 2);
  QVERIFY(child<QPlainTextEdit>("preview")->toPlainText().contains(QStringLiteral("To fix")));
  // Nothing reached cuebot: no job of that name, no new job for the user.
  auto named = client_->getJobsByName({"testing-sh010-submittest_guisubmit_bad"});
  QVERIFY(named.ok());
  QVERIFY(named->empty());
  QCOMPARE(jobsOf("submittest").size(), before);
  text("range", QStringLiteral("1-2"));
}

void SubmitWindowTest::layersMoveAndRemove() {
  auto* list = child<QListWidget>("layers");
  list->setCurrentRow(2);
  click("moveUp");
  QCOMPARE(list->currentRow(), 1);
  QCOMPARE(window_->job().layers[1].name, std::string("comp"));
  QVERIFY(list->item(1)->text().contains(QStringLiteral("comp")));
  click("moveDown");
  QCOMPARE(window_->job().layers[2].name, std::string("comp"));
  click("removeLayer");
  QCOMPARE(list->count(), 2);
  QCOMPARE(window_->job().layers.size(), size_t(2));
  QCOMPARE(list->currentRow(), 1);
  QCOMPARE(child<QLineEdit>("layerName")->text(), QStringLiteral("render"));
}

void SubmitWindowTest::fieldsRoundTripThroughSettings() {
  QSettings settings(dir_.filePath(QStringLiteral("submit.ini")), QSettings::IniFormat);
  const SubmitJob job = window_->job();
  SubmitWindow::saveJob(settings, job);
  const SubmitJob back = SubmitWindow::loadJob(settings, defaultSubmitJob());
  QCOMPARE(back.name, job.name);
  QCOMPARE(back.show, std::string("testing"));
  QCOMPARE(back.layers.size(), job.layers.size());
  QCOMPARE(back.layers[1].type, SubmitLayerType::kBlender);
  QCOMPARE(back.layers[1].scene, job.layers[1].scene);
  QCOMPARE(back.layers[1].chunk, 2);
  QCOMPARE(*back.layers[1].cores, 1.0);
  QVERIFY(!back.layers[1].services.empty() || job.layers[1].services.empty());
  QCOMPARE(back.layers[1].depend, client::LayerDepend::kFrameByFrame);
  // A window started on those settings shows them.
  SubmitWindow second(backend_.get(), &settings);
  QCOMPARE(second.job().name, job.name);
  QCOMPARE(second.job().layers.size(), job.layers.size());
  // The facility has no widget and is kept as given.
  SubmitJob with_facility = job;
  with_facility.facility = "local";
  second.setJob(with_facility);
  QCOMPARE(second.job().facility, std::string("local"));
}

void SubmitWindowTest::cleanupTestCase() {
  window_.reset();
  backend_.reset();
  stopTestCuebot(cuebot_);
}

}  // namespace cue::gui

QTEST_MAIN(cue::gui::SubmitWindowTest)
#include "submit_window_test.moc"
