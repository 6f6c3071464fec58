// cuesubmit-gui: Cue's job submission window, OpenCue CueSubmit's counterpart.
//
//   cuesubmit-gui [--server HOST[:PORT] ...] [--facility F] [--screenshot FILE.png]
//                 [--job-name N] [--show S] [--shot S] [--user U]
//                 [--layer-type shell|blender|maya|nuke] [--layer-name L] [--command CMD]
//                 [--scene FILE] [--output PATH] [--format FMT] [--range R] [--chunk N]
//
// The fields start as last submitted or left (QSettings, ~/.config/Cue/cuesubmit-gui.conf); the
// prefill flags, for DCC plug-ins such as the Blender add-on, then replace the job fields
// given and, when any layer flag is given, the layers with that one layer.
// --screenshot saves the window once the shows are loaded, then exits (0 when the cuebot
// answered); nothing is read from or written to the settings then.
#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QSettings>
#include <QStyleFactory>
#include <QTimer>

#include "client/client.h"
#include "gui/submit_backend.h"
#include "gui/submit_window.h"
#include "gui/theme.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("cuesubmit-gui"));
  QApplication::setOrganizationName(QStringLiteral("Cue"));
  QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QApplication::setPalette(cue::gui::darkPalette());

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("Cue Submit: build a job of Shell, Blender, Maya or Nuke layers and submit "
                     "it to cuebot."));
  parser.addHelpOption();
  auto opt = [](const char* name, const char* help, const char* value = nullptr) {
    return value == nullptr ? QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help))
                            : QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help),
                                                 QString::fromLatin1(value));
  };
  const QCommandLineOption server(
      {QStringLiteral("server"), QStringLiteral("cuebot")},
      QStringLiteral("cuebot address; may repeat (default $CUEBOT_HOSTS, opencue.yaml, localhost)"),
      QStringLiteral("HOST[:PORT]"));
  const auto facility = opt("facility", "whose cuebots to use (opencue.yaml), and the job's", "CODE");
  const auto screenshot =
      opt("screenshot", "save the window to this PNG once the shows are loaded, then exit", "FILE");
  const auto job_name = opt("job-name", "prefill: job name", "NAME");
  const auto show = opt("show", "prefill: show", "SHOW");
  const auto shot = opt("shot", "prefill: shot", "SHOT");
  const auto user = opt("user", "prefill: user (default $USER)", "USER");
  const auto layer_type = opt("layer-type", "prefill one layer: shell, blender, maya or nuke", "TYPE");
  const auto layer_name = opt("layer-name", "prefill: the layer's name (default render)", "NAME");
  const auto command = opt("command", "prefill: the Shell layer's command", "CMD");
  const auto scene = opt("scene", "prefill: the layer's scene file (.blend, .mb, .nk)", "FILE");
  const auto output = opt("output", "prefill: Blender output path (-o)", "PATH");
  const auto format = opt("format", "prefill: Blender output format (-F), e.g. PNG", "FMT");
  const auto range = opt("range", "prefill: frame range, e.g. 1-100", "FRAMES");
  const auto chunk = opt("chunk", "prefill: frames per task", "N");
  parser.addOptions({server, facility, screenshot, job_name, show, shot, user, layer_type,
                     layer_name, command, scene, output, format, range, chunk});
  parser.process(app);

  cue::client::ClientOptions options;
  for (const auto& s : parser.values(server)) options.servers.push_back(s.toStdString());
  options.facility = parser.value(facility).toStdString();
  auto client = cue::client::connect(options);
  if (!client.ok()) {
    QMessageBox::critical(nullptr, QStringLiteral("cuesubmit-gui"),
                          QString::fromStdString(std::string(client.status().message())));
    return 4;
  }

  const bool shooting = parser.isSet(screenshot);
  QSettings settings;
  cue::gui::SubmitBackend backend(std::move(*client));
  cue::gui::SubmitWindow window(&backend, shooting ? nullptr : &settings);

  // Prefill: job fields given, and one layer when any layer flag is.
  cue::gui::SubmitPrefill prefill;
  auto flag = [&](const QCommandLineOption& o, std::optional<std::string>& field) {
    if (parser.isSet(o)) field = parser.value(o).toStdString();
  };
  flag(job_name, prefill.job_name);
  flag(show, prefill.show);
  flag(shot, prefill.shot);
  flag(user, prefill.user);
  flag(layer_type, prefill.layer_type);
  flag(layer_name, prefill.layer_name);
  flag(command, prefill.command);
  flag(scene, prefill.scene);
  flag(output, prefill.output_path);
  flag(format, prefill.output_format);
  flag(range, prefill.range);
  if (parser.isSet(chunk)) prefill.chunk = parser.value(chunk).toInt();
  auto job = cue::gui::applyPrefill(window.job(), prefill);
  if (!job.ok()) {
    fprintf(stderr, "cuesubmit-gui: %s\n", std::string(job.status().message()).c_str());
    return 2;
  }
  job->facility = options.facility;
  window.setJob(*job);
  window.show();
  if (!shooting) {
    // Kept on quit too, so that a half-filled job is there next time.
    QObject::connect(&app, &QApplication::aboutToQuit, &window,
                     [&] { cue::gui::SubmitWindow::saveJob(settings, window.job()); });
  }

  if (shooting) {
    const QString file = parser.value(screenshot);
    bool answered = false;
    QObject::connect(&window, &cue::gui::SubmitWindow::showsReady, &window, [&] { answered = true; });
    auto shoot = [&, file] {
      QTimer::singleShot(0, &window, [&, file] {
        const bool saved = window.grab().save(file);
        QApplication::exit(saved && answered ? 0 : 1);
      });
    };
    QObject::connect(&window, &cue::gui::SubmitWindow::showsReady, &window, shoot);
    QObject::connect(&backend, &cue::gui::SubmitBackend::loadFailed, &window, shoot);
  }
  backend.load();
  return QApplication::exec();
}
