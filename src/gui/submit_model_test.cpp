// The submission model without a cuebot or widgets: job and layer fields to a JobBuild, the
// command each layer type builds (as OpenCue's CueSubmit), the first task's preview, depends,
// and validation errors that name the layer and the field.
#include "gui/submit_model.h"

#include <QtTest>
#include <algorithm>
#include <string>

namespace cue::gui {
namespace {

SubmitJob job(std::vector<SubmitLayer> layers) {
  SubmitJob j;
  j.user = "artist";
  j.name = "lighting";
  j.show = "testing";
  j.shot = "sh010";
  j.layers = std::move(layers);
  return j;
}

SubmitLayer shell(const std::string& name, const std::string& cmd, const std::string& range) {
  SubmitLayer l;
  l.name = name;
  l.command = cmd;
  l.range = range;
  return l;
}

SubmitLayer blender(const std::string& range, int chunk = 1) {
  SubmitLayer l;
  l.name = "render";
  l.type = SubmitLayerType::kBlender;
  l.scene = "/shots/sh010/light v2.blend";
  l.output_path = "/renders/sh010/frame_####";
  l.output_format = "PNG";
  l.range = range;
  l.chunk = chunk;
  return l;
}

// "layer" index and field of every error, "-1 name" for the job's.
QStringList where(const std::vector<FieldError>& errors) {
  QStringList out;
  for (const auto& e : errors) out << QString::fromStdString(std::to_string(e.layer) + " " + e.field);
  return out;
}

}  // namespace

class SubmitModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void jobFieldsBecomeJobBuild();
  void blenderCommandAsCueSubmit();
  void mayaAndNukeCommands();
  void previewReplacesTokensForFirstTask();
  void validationNamesLayerAndField();
  void dependOnPreviousLayer();
  void layerTypesParseAndList();
  void prefillReplacesFieldsGivenAndLayers();
};

void SubmitModelTest::jobFieldsBecomeJobBuild() {
  SubmitJob j = job({shell("prep", "echo #IFRAME#", "1-10")});
  j.priority = 50;
  j.max_retries = 0;
  j.paused = true;
  SubmitLayer& l = j.layers[0];
  l.chunk = 2;
  l.cores = 4;
  l.memory = "8g";
  l.gpus = 1;
  l.gpu_memory = "2g";
  l.services = splitList(" blender , shell ,");
  l.tags = splitList("general");
  l.limits = splitList("lic_a,lic_b");
  auto build = toJobBuild(j);
  QVERIFY2(build.ok(), std::string(build.status().message()).c_str());
  QCOMPARE(build->name, std::string("lighting"));
  QCOMPARE(build->show, std::string("testing"));
  QCOMPARE(build->shot, std::string("sh010"));
  QCOMPARE(build->user, std::string("artist"));
  QCOMPARE(*build->priority, 50);
  QCOMPARE(*build->max_retries, 0);
  QVERIFY(build->paused);
  QCOMPARE(build->layers.size(), size_t(1));
  const auto& lb = build->layers[0];
  QCOMPARE(lb.command, std::string("echo #IFRAME#"));
  QCOMPARE(lb.range, std::string("1-10"));
  QCOMPARE(lb.chunk, 2);
  QCOMPARE(*lb.cores, 4.0);
  QCOMPARE(lb.memory, std::string("8g"));
  QCOMPARE(*lb.gpus, 1);
  QCOMPARE(lb.gpu_memory, std::string("2g"));
  QCOMPARE(lb.services, (std::vector<std::string>{"blender", "shell"}));
  QCOMPARE(lb.limits, (std::vector<std::string>{"lic_a", "lic_b"}));
  // And the spec builder takes it.
  QVERIFY(client::buildSpecXml(*build).ok());
  // Defaults: no cores, no GPUs asked for.
  j.layers[0] = shell("prep", "true", "1");
  build = toJobBuild(j);
  QVERIFY(build.ok());
  QVERIFY(!build->layers[0].cores.has_value());
  QVERIFY(!build->layers[0].gpus.has_value());
}

void SubmitModelTest::blenderCommandAsCueSubmit() {
  // A plain range renders each task's chunk with -s/-e/-a; the path with a space is quoted.
  auto cmd = layerCommand(blender("1-100", 5));
  QVERIFY(cmd.ok());
  QCOMPARE(*cmd, std::string("blender -b -noaudio '/shots/sh010/light v2.blend' -o "
                             "/renders/sh010/frame_#### -F PNG -s #FRAME_START# -e #FRAME_END# "
                             "-a"));
  // Any other range: one frame per task.
  cmd = layerCommand(blender("1-100x10"));
  QVERIFY(cmd.ok());
  QCOMPARE(*cmd, std::string("blender -b -noaudio '/shots/sh010/light v2.blend' -o "
                             "/renders/sh010/frame_#### -F PNG -f #IFRAME#"));
  // No output or format: the scene's own; another executable.
  SubmitLayer l = blender("7");
  l.output_path.clear();
  l.output_format.clear();
  l.scene = "/s/a.blend";
  l.executable = "/opt/blender-4.2/blender";
  cmd = layerCommand(l);
  QCOMPARE(*cmd, std::string("/opt/blender-4.2/blender -b -noaudio /s/a.blend -f #IFRAME#"));
  // A stepped range with chunks would skip frames: refused on the chunk field.
  auto errors = validateSubmitJob(job({blender("1-100x2", 4)}));
  QCOMPARE(where(errors), QStringList{"0 chunk"});
  // No scene: the scene field, and no command.
  l.scene.clear();
  QVERIFY(!layerCommand(l).ok());
  QCOMPARE(where(validateSubmitJob(job({l}))), QStringList{"0 scene"});
}

void SubmitModelTest::mayaAndNukeCommands() {
  SubmitLayer maya;
  maya.name = "beauty";
  maya.type = SubmitLayerType::kMaya;
  maya.scene = "/s/shot.mb";
  maya.camera = "renderCam";
  QCOMPARE(*layerCommand(maya), std::string("Render -r file -s #FRAME_START# -e #FRAME_END# "
                                            "-cam renderCam /s/shot.mb"));
  maya.camera.clear();
  maya.executable = "Render -renderer arnold";
  QCOMPARE(*layerCommand(maya), std::string("Render -renderer arnold -r file -s #FRAME_START# "
                                            "-e #FRAME_END# /s/shot.mb"));
  SubmitLayer nuke;
  nuke.name = "comp";
  nuke.type = SubmitLayerType::kNuke;
  nuke.scene = "/s/comp.nk";
  nuke.write_nodes = "Write1,Write2";
  QCOMPARE(*layerCommand(nuke), std::string("nuke -F #IFRAME# -X Write1,Write2 -x /s/comp.nk"));
  nuke.chunk = 3;
  nuke.range = "1-10";
  QCOMPARE(where(validateSubmitJob(job({nuke}))), QStringList{"0 chunk"});
}

void SubmitModelTest::previewReplacesTokensForFirstTask() {
  SubmitJob j = job({blender("11-100", 5)});
  QCOMPARE(previewFirstTask(j, j.layers[0]),
           std::string("blender -b -noaudio '/shots/sh010/light v2.blend' -o "
                       "/renders/sh010/frame_#### -F PNG -s 11 -e 15 -a"));
  j.layers[0] = shell("echo", "echo #IFRAME# #ZFRAME# #LAYER#", "3,5");
  QCOMPARE(previewFirstTask(j, j.layers[0]), std::string("echo 3 0003 echo"));
  // A range that does not parse: tokens kept.
  j.layers[0].range = "1-x";
  QCOMPARE(previewFirstTask(j, j.layers[0]), std::string("echo #IFRAME# #ZFRAME# #LAYER#"));
}

void SubmitModelTest::validationNamesLayerAndField() {
  SubmitJob j = job({shell("prep", "true", "1-10"), shell("comp", "", "1-x")});
  j.name = "";
  j.show = "";
  j.max_retries = 3;
  j.layers[1].chunk = 0;
  j.layers[1].cores = 99;
  j.layers[1].memory = "lots";
  j.layers[1].tags = {"x"};
  const auto errors = validateSubmitJob(j);
  QCOMPARE(where(errors), (QStringList{"-1 name", "-1 show", "-1 max retries", "1 command",
                                       "1 range", "1 chunk", "1 cores", "1 memory", "1 tags"}));
  const std::string range_text = errors[4].text(j);
  QVERIFY2(range_text.rfind("layer 2 \"comp\" range: frame range \"1-x\"", 0) == 0,
           range_text.c_str());
  QCOMPARE(errors[0].text(j), std::string("job name: is empty; give the job a name"));
  // toJobBuild refuses with every error, one a line.
  auto build = toJobBuild(j);
  QCOMPARE(build.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(build.status().message());
  QCOMPARE(std::count(message.begin(), message.end(), '\n'), 8L);
  // Two layers with one name (as cuebot conforms them).
  j = job({shell("a-b", "true", "1"), shell("A_B", "true", "1")});
  QCOMPARE(where(validateSubmitJob(j)), QStringList{"1 name"});
  // Root may not own jobs; no layers.
  j = job({});
  j.user = "root";
  QCOMPARE(where(validateSubmitJob(j)), (QStringList{"-1 user", "-1 layers"}));
}

void SubmitModelTest::dependOnPreviousLayer() {
  SubmitJob j = job({shell("sim", "true", "1-5"), shell("render", "true", "1-5"),
                     shell("comp", "true", "1-5")});
  j.layers[0].depend = client::LayerDepend::kFrameByFrame;  // first layer: ignored
  j.layers[1].depend = client::LayerDepend::kFrameByFrame;
  j.layers[2].depend = client::LayerDepend::kLayerOnLayer;
  auto build = toJobBuild(j);
  QVERIFY(build.ok());
  QCOMPARE(build->layers[0].depend, client::LayerDepend::kNone);
  QCOMPARE(build->layers[1].depend, client::LayerDepend::kFrameByFrame);
  QCOMPARE(build->layers[2].depend, client::LayerDepend::kLayerOnLayer);
  auto xml = client::buildSpecXml(*build);
  QVERIFY(xml.ok());
  QVERIFY(xml->find("FRAME_BY_FRAME") != std::string::npos);
  QVERIFY(xml->find("LAYER_ON_LAYER") != std::string::npos);
}

void SubmitModelTest::layerTypesParseAndList() {
  QCOMPARE(*parseLayerType("blender"), SubmitLayerType::kBlender);
  QCOMPARE(*parseLayerType(" MAYA "), SubmitLayerType::kMaya);
  QVERIFY(!parseLayerType("houdini").has_value());
  QCOMPARE(layerTypeName(SubmitLayerType::kNuke), std::string("Nuke"));
  QCOMPARE(defaultExecutable(SubmitLayerType::kBlender), std::string("blender"));
  QVERIFY(std::find(blenderFormats().begin(), blenderFormats().end(), "EXR") !=
          blenderFormats().end());
  const SubmitJob d = defaultSubmitJob();
  QCOMPARE(d.layers.size(), size_t(1));
  QCOMPARE(d.shot, std::string("default"));
}

void SubmitModelTest::prefillReplacesFieldsGivenAndLayers() {
  SubmitJob start = job({shell("prep", "true", "1-10"), shell("comp", "true", "1-10")});
  // Job fields only: the layers stay.
  SubmitPrefill p;
  p.job_name = "sh020_light";
  p.shot = "sh020";
  auto j = applyPrefill(start, p);
  QVERIFY(j.ok());
  QCOMPARE(j->name, std::string("sh020_light"));
  QCOMPARE(j->shot, std::string("sh020"));
  QCOMPARE(j->show, std::string("testing"));
  QCOMPARE(j->layers.size(), size_t(2));
  // A layer flag: one layer of those fields, as the Blender add-on opens the window.
  p.layer_type = "blender";
  p.scene = "/s/a.blend";
  p.output_path = "/r/f_####";
  p.output_format = "PNG";
  p.range = "1-10";
  p.chunk = 5;
  j = applyPrefill(start, p);
  QVERIFY(j.ok());
  QCOMPARE(j->layers.size(), size_t(1));
  QCOMPARE(j->layers[0].name, std::string("render"));
  QCOMPARE(j->layers[0].type, SubmitLayerType::kBlender);
  QCOMPARE(*layerCommand(j->layers[0]),
           std::string("blender -b -noaudio /s/a.blend -o /r/f_#### -F PNG -s #FRAME_START# "
                       "-e #FRAME_END# -a"));
  QVERIFY(validateSubmitJob(*j).empty());
  p.layer_type = "houdini";
  QCOMPARE(applyPrefill(start, p).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace cue::gui

QTEST_GUILESS_MAIN(cue::gui::SubmitModelTest)
#include "submit_model_test.moc"
