// cuesubmit-gui's window: job fields, layer list and editor, preview, submission status.
#include "gui/submit_window.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

#include "absl/strings/str_join.h"
#include "gui/submit_backend.h"
#include "gui/theme.h"

namespace cue::gui {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string s(const QString& q) { return q.trimmed().toStdString(); }
QString joined(const std::vector<std::string>& list) { return q(absl::StrJoin(list, ", ")); }

const SubmitLayerType kTypes[] = {SubmitLayerType::kShell, SubmitLayerType::kBlender,
                                  SubmitLayerType::kMaya, SubmitLayerType::kNuke};

// The depend combo's entries, in LayerDepend order.
const char* const kDependNames[] = {"None", "Layer on layer (previous layer all done)",
                                    "Frame by frame (same frame of previous layer)"};

// The editor's row of the scene file (a layout: the line edit and its browse button).
constexpr int kSceneRow = 4;

template <class W>
W* named(W* widget, const char* name) {
  widget->setObjectName(QString::fromLatin1(name));
  return widget;
}

QLineEdit* lineEdit(const char* name, const QString& placeholder = {}) {
  auto* e = named(new QLineEdit, name);
  e->setPlaceholderText(placeholder);
  return e;
}

}  // namespace

SubmitWindow::SubmitWindow(SubmitBackend* backend, QSettings* settings, QWidget* parent)
    : QWidget(parent), backend_(backend), settings_(settings) {
  setWindowTitle(QStringLiteral("Cue Submit"));
  buildUi();
  SubmitJob start = defaultSubmitJob();
  if (settings_ != nullptr) start = loadJob(*settings_, start);
  setJob(start);
  connectEditors();
  connect(backend_, &SubmitBackend::showsLoaded, this, &SubmitWindow::setShows);
  connect(backend_, &SubmitBackend::servicesLoaded, this, &SubmitWindow::setServices);
  connect(backend_, &SubmitBackend::loadFailed, this, [this](const QString& message) {
    setStatus(QStringLiteral("cuebot did not answer: %1").arg(message), true);
  });
  connect(backend_, &SubmitBackend::submitted, this, [this](const QStringList& names) {
    submit_state_ = QStringLiteral("submitted");
    submit_button_->setEnabled(true);
    setStatus(QStringLiteral("Submitted: %1").arg(names.join(QStringLiteral(", "))), false);
    if (settings_ != nullptr) saveJob(*settings_, job());
  });
  connect(backend_, &SubmitBackend::submitFailed, this, [this](const QString& message) {
    submit_state_ = QStringLiteral("failed");
    submit_button_->setEnabled(true);
    setStatus(QStringLiteral("Not submitted: %1").arg(message), true);
  });
}

void SubmitWindow::buildUi() {
  // ---- job ----
  auto* job_box = new QGroupBox(QStringLiteral("Job"));
  auto* job_form = new QFormLayout(job_box);
  job_name_ = lineEdit("jobName", QStringLiteral("e.g. lighting_v001"));
  user_ = lineEdit("user");
  show_ = named(new QComboBox, "show");
  show_->setEditable(true);
  show_->setInsertPolicy(QComboBox::NoInsert);
  shot_ = lineEdit("shot");
  priority_ = named(new QSpinBox, "priority");
  priority_->setRange(0, 1000000);
  max_retries_ = named(new QSpinBox, "maxRetries");
  max_retries_->setRange(0, 1);
  max_retries_->setToolTip(QStringLiteral("retries of a failing frame (a spec allows 0 or 1)"));
  paused_ = named(new QCheckBox(QStringLiteral("launch paused")), "paused");
  auto* row1 = new QHBoxLayout;
  row1->addWidget(new QLabel(QStringLiteral("Show")));
  row1->addWidget(show_, 1);
  row1->addWidget(new QLabel(QStringLiteral("Shot")));
  row1->addWidget(shot_, 1);
  row1->addWidget(new QLabel(QStringLiteral("User")));
  row1->addWidget(user_, 1);
  auto* row2 = new QHBoxLayout;
  row2->addWidget(new QLabel(QStringLiteral("Priority")));
  row2->addWidget(priority_);
  row2->addWidget(new QLabel(QStringLiteral("Max retries")));
  row2->addWidget(max_retries_);
  row2->addWidget(paused_);
  row2->addStretch(1);
  job_form->addRow(QStringLiteral("Job name"), job_name_);
  job_form->addRow(row1);
  job_form->addRow(row2);

  // ---- layers ----
  auto* list_box = new QGroupBox(QStringLiteral("Layers"));
  auto* list_layout = new QVBoxLayout(list_box);
  layer_list_ = named(new QListWidget, "layers");
  list_layout->addWidget(layer_list_, 1);
  auto* buttons = new QHBoxLayout;
  auto button = [&](const char* name, const QString& text, auto fn) {
    auto* b = named(new QPushButton(text), name);
    connect(b, &QPushButton::clicked, this, fn);
    buttons->addWidget(b);
  };
  button("addLayer", QStringLiteral("Add"), [this] { addLayer(); });
  button("removeLayer", QStringLiteral("Remove"), [this] { removeLayer(); });
  button("moveUp", QStringLiteral("Up"), [this] { moveLayer(-1); });
  button("moveDown", QStringLiteral("Down"), [this] { moveLayer(1); });
  list_layout->addLayout(buttons);

  auto* editor_box = new QGroupBox(QStringLiteral("Layer"));
  editor_ = new QFormLayout(editor_box);
  layer_name_ = lineEdit("layerName");
  layer_type_ = named(new QComboBox, "layerType");
  for (auto t : kTypes) layer_type_->addItem(q(layerTypeName(t)));
  command_ = named(new QPlainTextEdit, "command");
  command_->setPlaceholderText(QStringLiteral("shell command; #IFRAME# is the frame number"));
  command_->setMaximumHeight(70);
  executable_ = lineEdit("executable");
  scene_ = lineEdit("scene");
  auto* browse = named(new QPushButton(QStringLiteral("…")), "browseScene");
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, QStringLiteral("Scene file"),
                                                      scene_->text());
    if (!file.isEmpty()) scene_->setText(file);
  });
  auto* scene_row = new QHBoxLayout;
  scene_row->addWidget(scene_, 1);
  scene_row->addWidget(browse);
  output_path_ = lineEdit("outputPath", QStringLiteral("e.g. /renders/shot/frame_####"));
  output_format_ = named(new QComboBox, "outputFormat");
  output_format_->setEditable(true);
  for (const auto& f : blenderFormats()) output_format_->addItem(q(f));
  camera_ = lineEdit("camera", QStringLiteral("the scene's renderable cameras"));
  write_nodes_ = lineEdit("writeNodes", QStringLiteral("every write node; or Write1,Write2"));
  range_ = lineEdit("range", QStringLiteral("1-100, 1-100x2, 1,5,9"));
  chunk_ = named(new QSpinBox, "chunk");
  chunk_->setRange(1, 100000);
  cores_ = named(new QDoubleSpinBox, "cores");
  cores_->setRange(-1, 24);
  cores_->setDecimals(2);
  cores_->setSpecialValueText(QStringLiteral("service default"));
  cores_->setToolTip(QStringLiteral("cores per frame; 0 = a whole host"));
  memory_ = lineEdit("memory", QStringLiteral("service default, e.g. 4g"));
  gpus_ = named(new QSpinBox, "gpus");
  gpus_->setRange(0, 64);
  gpu_memory_ = lineEdit("gpuMemory", QStringLiteral("1g with GPUs"));
  services_ = named(new QComboBox, "services");
  services_->setEditable(true);
  services_->setInsertPolicy(QComboBox::NoInsert);
  services_->setToolTip(QStringLiteral("service(s), comma-separated; the first the farm has "
                                       "gives the defaults"));
  tags_ = lineEdit("tags", QStringLiteral("the service's; or tag1, tag2"));
  limits_ = lineEdit("limits", QStringLiteral("none; or limit1, limit2"));
  depend_ = named(new QComboBox, "depend");
  for (const char* d : kDependNames) depend_->addItem(QString::fromLatin1(d));
  editor_->addRow(QStringLiteral("Name"), layer_name_);
  editor_->addRow(QStringLiteral("Type"), layer_type_);
  editor_->addRow(QStringLiteral("Command"), command_);
  editor_->addRow(QStringLiteral("Render command"), executable_);
  editor_->addRow(QStringLiteral("Scene file"), scene_row);
  editor_->addRow(QStringLiteral("Output path"), output_path_);
  editor_->addRow(QStringLiteral("Output format"), output_format_);
  editor_->addRow(QStringLiteral("Camera"), camera_);
  editor_->addRow(QStringLiteral("Write nodes"), write_nodes_);
  editor_->addRow(QStringLiteral("Frame range"), range_);
  editor_->addRow(QStringLiteral("Chunk"), chunk_);
  editor_->addRow(QStringLiteral("Cores"), cores_);
  editor_->addRow(QStringLiteral("Memory"), memory_);
  editor_->addRow(QStringLiteral("GPUs"), gpus_);
  editor_->addRow(QStringLiteral("GPU memory"), gpu_memory_);
  editor_->addRow(QStringLiteral("Services"), services_);
  editor_->addRow(QStringLiteral("Tags"), tags_);
  editor_->addRow(QStringLiteral("Limits"), limits_);
  editor_->addRow(QStringLiteral("Depend"), depend_);

  auto* middle = new QSplitter(Qt::Horizontal);
  middle->addWidget(list_box);
  middle->addWidget(editor_box);
  middle->setStretchFactor(1, 2);

  // ---- preview, status, submit ----
  auto* preview_box = new QGroupBox(QStringLiteral("Preview (#IFRAME# and the other tokens "
                                                   "shown for each layer's first task)"));
  auto* preview_layout = new QVBoxLayout(preview_box);
  preview_ = named(new QPlainTextEdit, "preview");
  preview_->setReadOnly(true);
  preview_->setLineWrapMode(QPlainTextEdit::NoWrap);
  preview_layout->addWidget(preview_);
  show_xml_ = named(new QCheckBox(QStringLiteral("show the job spec XML")), "showXml");
  preview_layout->addWidget(show_xml_);

  status_ = named(new QLabel, "status");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  submit_button_ = named(new QPushButton(QStringLiteral("Submit")), "submit");
  submit_button_->setDefault(true);
  connect(submit_button_, &QPushButton::clicked, this, &SubmitWindow::submit);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(status_, 1);
  bottom->addWidget(submit_button_);

  auto* vertical = new QSplitter(Qt::Vertical);
  vertical->addWidget(middle);
  vertical->addWidget(preview_box);
  vertical->setStretchFactor(0, 3);
  vertical->setStretchFactor(1, 1);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(job_box);
  layout->addWidget(vertical, 1);
  layout->addLayout(bottom);
  resize(900, 780);
}

void SubmitWindow::connectEditors() {
  auto edited = [this] { layerEdited(); };
  auto job_edited = [this] { updatePreview(); };
  for (QLineEdit* e : {layer_name_, executable_, scene_, output_path_, camera_, write_nodes_,
                       range_, memory_, gpu_memory_, tags_, limits_}) {
    connect(e, &QLineEdit::textChanged, this, edited);
  }
  connect(command_, &QPlainTextEdit::textChanged, this, edited);
  for (QComboBox* c : {layer_type_, depend_})
    connect(c, &QComboBox::currentIndexChanged, this, edited);
  for (QComboBox* c : {output_format_, services_})
    connect(c, &QComboBox::currentTextChanged, this, edited);
  connect(chunk_, &QSpinBox::valueChanged, this, edited);
  connect(gpus_, &QSpinBox::valueChanged, this, edited);
  connect(cores_, &QDoubleSpinBox::valueChanged, this, edited);
  for (QLineEdit* e : {user_, job_name_, shot_}) connect(e, &QLineEdit::textChanged, this, job_edited);
  connect(show_, &QComboBox::currentTextChanged, this, job_edited);
  connect(show_xml_, &QCheckBox::toggled, this, job_edited);
  connect(layer_list_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (loading_) return;
    current_ = row;
    loadLayerEditor();
  });
}

void SubmitWindow::setJob(const SubmitJob& job) {
  loading_ = true;
  user_->setText(q(job.user));
  job_name_->setText(q(job.name));
  show_->setCurrentText(q(job.show));
  shot_->setText(q(job.shot));
  priority_->setValue(job.priority);
  max_retries_->setValue(job.max_retries);
  paused_->setChecked(job.paused);
  layers_ = job.layers;
  facility_ = job.facility;
  loading_ = false;
  refreshLayerList();
  selectLayer(layers_.empty() ? -1 : 0);
}

SubmitJob SubmitWindow::job() const {
  SubmitJob j;
  j.user = s(user_->text());
  j.name = s(job_name_->text());
  j.show = s(show_->currentText());
  j.shot = s(shot_->text());
  j.priority = priority_->value();
  j.max_retries = max_retries_->value();
  j.paused = paused_->isChecked();
  j.layers = layers_;
  j.facility = facility_;
  return j;
}

void SubmitWindow::selectLayer(int row) {
  loading_ = true;
  layer_list_->setCurrentRow(row);
  loading_ = false;
  current_ = row;
  loadLayerEditor();
}

void SubmitWindow::refreshLayerList() {
  loading_ = true;
  while (layer_list_->count() > static_cast<int>(layers_.size())) delete layer_list_->takeItem(0);
  while (layer_list_->count() < static_cast<int>(layers_.size())) layer_list_->addItem(QString());
  for (int i = 0; i < static_cast<int>(layers_.size()); ++i) {
    const auto& l = layers_[i];
    layer_list_->item(i)->setText(QStringLiteral("%1. %2 (%3)")
                                      .arg(i + 1)
                                      .arg(q(l.name), q(layerTypeName(l.type))));
  }
  loading_ = false;
}

void SubmitWindow::loadLayerEditor() {
  const bool has = current_ >= 0 && current_ < static_cast<int>(layers_.size());
  for (int r = 0; r < editor_->rowCount(); ++r) {
    if (auto* item = editor_->itemAt(r, QFormLayout::FieldRole)) {
      if (item->widget()) item->widget()->setEnabled(has);
    }
  }
  if (!has) {
    updatePreview();
    return;
  }
  const SubmitLayer& l = layers_[current_];
  loading_ = true;
  layer_name_->setText(q(l.name));
  layer_type_->setCurrentIndex(static_cast<int>(l.type));
  command_->setPlainText(q(l.command));
  executable_->setText(q(l.executable));
  executable_->setPlaceholderText(q(defaultExecutable(l.type)));
  scene_->setText(q(l.scene));
  output_path_->setText(q(l.output_path));
  output_format_->setCurrentText(q(l.output_format));
  camera_->setText(q(l.camera));
  write_nodes_->setText(q(l.write_nodes));
  range_->setText(q(l.range));
  chunk_->setValue(l.chunk);
  cores_->setValue(l.cores ? *l.cores : -1);
  memory_->setText(q(l.memory));
  gpus_->setValue(l.gpus);
  gpu_memory_->setText(q(l.gpu_memory));
  services_->setCurrentText(joined(l.services));
  tags_->setText(joined(l.tags));
  limits_->setText(joined(l.limits));
  depend_->setCurrentIndex(static_cast<int>(l.depend));
  depend_->setEnabled(current_ > 0);
  loading_ = false;
  updateTypeRows();
  updatePreview();
}

void SubmitWindow::layerEdited() {
  if (loading_ || current_ < 0 || current_ >= static_cast<int>(layers_.size())) return;
  SubmitLayer& l = layers_[current_];
  const SubmitLayerType old_type = l.type;
  l.name = s(layer_name_->text());
  l.type = kTypes[std::max(0, layer_type_->currentIndex())];
  l.command = command_->toPlainText().toStdString();
  l.executable = s(executable_->text());
  l.scene = s(scene_->text());
  l.output_path = s(output_path_->text());
  l.output_format = s(output_format_->currentText());
  l.camera = s(camera_->text());
  l.write_nodes = s(write_nodes_->text());
  l.range = s(range_->text());
  l.chunk = chunk_->value();
  if (cores_->value() < 0) l.cores.reset();
  else l.cores = cores_->value();
  l.memory = s(memory_->text());
  l.gpus = gpus_->value();
  l.gpu_memory = s(gpu_memory_->text());
  l.services = splitList(s(services_->currentText()));
  l.tags = splitList(s(tags_->text()));
  l.limits = splitList(s(limits_->text()));
  l.depend = static_cast<client::LayerDepend>(std::max(0, depend_->currentIndex()));
  refreshLayerList();
  if (l.type != old_type) {
    executable_->setPlaceholderText(q(defaultExecutable(l.type)));
    updateTypeRows();
  }
  updatePreview();
}

void SubmitWindow::updateTypeRows() {
  const SubmitLayerType t =
      current_ >= 0 && current_ < static_cast<int>(layers_.size()) ? layers_[current_].type
                                                                   : SubmitLayerType::kShell;
  const bool dcc = t != SubmitLayerType::kShell;
  editor_->setRowVisible(command_, !dcc);
  editor_->setRowVisible(executable_, dcc);
  editor_->setRowVisible(kSceneRow, dcc);
  editor_->setRowVisible(output_path_, t == SubmitLayerType::kBlender);
  editor_->setRowVisible(output_format_, t == SubmitLayerType::kBlender);
  editor_->setRowVisible(camera_, t == SubmitLayerType::kMaya);
  editor_->setRowVisible(write_nodes_, t == SubmitLayerType::kNuke);
  const char* scene_label = t == SubmitLayerType::kNuke ? "Nuke script" : "Scene file";
  if (auto* label = editor_->itemAt(kSceneRow, QFormLayout::LabelRole)) {
    if (auto* w = qobject_cast<QLabel*>(label->widget())) w->setText(QString::fromLatin1(scene_label));
  }
}

void SubmitWindow::updatePreview() {
  const SubmitJob j = job();
  QStringList lines;
  for (size_t i = 0; i < j.layers.size(); ++i) {
    const SubmitLayer& l = j.layers[i];
    lines << QStringLiteral("# %1 (%2), frames %3, chunk %4")
                 .arg(q(l.name), q(layerTypeName(l.type)), q(l.range))
                 .arg(l.chunk);
    lines << q(previewFirstTask(j, l));
  }
  const auto errors = validateSubmitJob(j);
  if (!errors.empty()) {
    lines << QString() << QStringLiteral("# To fix before submitting:");
    for (const auto& e : errors) lines << q("#   " + e.text(j));
  } else if (show_xml_->isChecked()) {
    auto build = toJobBuild(j);
    auto xml = build.ok() ? client::buildSpecXml(*build) : absl::StatusOr<std::string>(build.status());
    lines << QString() << (xml.ok() ? q(*xml) : q(std::string(xml.status().message())));
  }
  preview_->setPlainText(lines.join(QLatin1Char('\n')));
}

void SubmitWindow::setStatus(const QString& text, bool error) {
  status_->setText(text);
  QPalette p = status_->palette();
  p.setColor(QPalette::WindowText,
             error ? errorBannerColor().lighter(150) : stateColor(DisplayState::kSucceeded));
  status_->setPalette(p);
}

void SubmitWindow::submit() {
  if (backend_->submitting()) return;
  const SubmitJob j = job();
  const auto errors = validateSubmitJob(j);
  if (!errors.empty()) {
    submit_state_ = QStringLiteral("failed");
    QStringList lines;
    for (const auto& e : errors) lines << q(e.text(j));
    setStatus(QStringLiteral("Not submitted:\n%1").arg(lines.join(QLatin1Char('\n'))), true);
    if (errors.front().layer >= 0 && errors.front().layer != current_) {
      selectLayer(errors.front().layer);
    }
    return;
  }
  submit_state_ = QStringLiteral("submitting");
  submit_button_->setEnabled(false);
  setStatus(QStringLiteral("Submitting %1 …").arg(q(j.name)), false);
  backend_->submit(j);
}

void SubmitWindow::addLayer() {
  SubmitLayer l;
  if (current_ >= 0 && current_ < static_cast<int>(layers_.size())) {
    // A new layer starts as a copy of the selected one's type, range and resources.
    const SubmitLayer& from = layers_[current_];
    l = from;
    l.command.clear();
    l.depend = client::LayerDepend::kNone;
  }
  std::set<std::string> names;
  for (const auto& x : layers_) names.insert(x.name);
  int n = static_cast<int>(layers_.size()) + 1;
  do {
    l.name = "layer" + std::to_string(n++);
  } while (names.count(l.name) != 0);
  layers_.push_back(l);
  refreshLayerList();
  selectLayer(static_cast<int>(layers_.size()) - 1);
}

void SubmitWindow::removeLayer() {
  if (current_ < 0 || current_ >= static_cast<int>(layers_.size())) return;
  layers_.erase(layers_.begin() + current_);
  refreshLayerList();
  selectLayer(std::min(current_, static_cast<int>(layers_.size()) - 1));
}

void SubmitWindow::moveLayer(int delta) {
  const int to = current_ + delta;
  if (current_ < 0 || to < 0 || to >= static_cast<int>(layers_.size())) return;
  std::swap(layers_[current_], layers_[to]);
  refreshLayerList();
  selectLayer(to);
}

void SubmitWindow::setShows(const QStringList& shows) {
  const QString current = show_->currentText();
  show_->blockSignals(true);
  show_->clear();
  show_->addItems(shows);
  show_->blockSignals(false);
  show_->setCurrentText(current.isEmpty() && !shows.isEmpty() ? shows.front() : current);
  updatePreview();
  Q_EMIT showsReady();
}

void SubmitWindow::setServices(const QStringList& services) {
  loading_ = true;
  const QString current = services_->currentText();
  services_->clear();
  services_->addItems(services);
  services_->setCurrentText(current);
  loading_ = false;
}

void SubmitWindow::saveJob(QSettings& st, const SubmitJob& job) {
  st.beginGroup(QStringLiteral("submit"));
  st.setValue("user", q(job.user));
  st.setValue("name", q(job.name));
  st.setValue("show", q(job.show));
  st.setValue("shot", q(job.shot));
  st.setValue("priority", job.priority);
  st.setValue("maxRetries", job.max_retries);
  st.setValue("paused", job.paused);
  st.beginWriteArray("layers", static_cast<int>(job.layers.size()));
  for (int i = 0; i < static_cast<int>(job.layers.size()); ++i) {
    const SubmitLayer& l = job.layers[i];
    st.setArrayIndex(i);
    st.setValue("name", q(l.name));
    st.setValue("type", q(layerTypeName(l.type)));
    st.setValue("command", q(l.command));
    st.setValue("executable", q(l.executable));
    st.setValue("scene", q(l.scene));
    st.setValue("outputPath", q(l.output_path));
    st.setValue("outputFormat", q(l.output_format));
    st.setValue("camera", q(l.camera));
    st.setValue("writeNodes", q(l.write_nodes));
    st.setValue("range", q(l.range));
    st.setValue("chunk", l.chunk);
    st.setValue("cores", l.cores ? *l.cores : -1.0);
    st.setValue("memory", q(l.memory));
    st.setValue("gpus", l.gpus);
    st.setValue("gpuMemory", q(l.gpu_memory));
    st.setValue("services", joined(l.services));
    st.setValue("tags", joined(l.tags));
    st.setValue("limits", joined(l.limits));
    st.setValue("depend", static_cast<int>(l.depend));
  }
  st.endArray();
  st.endGroup();
}

SubmitJob SubmitWindow::loadJob(QSettings& st, const SubmitJob& fallback) {
  st.beginGroup(QStringLiteral("submit"));
  if (!st.contains("name")) {
    st.endGroup();
    return fallback;
  }
  auto str = [&](const char* key, const std::string& def) {
    return st.value(key, q(def)).toString().toStdString();
  };
  SubmitJob j = fallback;
  j.user = str("user", fallback.user);
  j.name = str("name", fallback.name);
  j.show = str("show", fallback.show);
  j.shot = str("shot", fallback.shot);
  j.priority = st.value("priority", fallback.priority).toInt();
  j.max_retries = st.value("maxRetries", fallback.max_retries).toInt();
  j.paused = st.value("paused", false).toBool();
  const int n = st.beginReadArray("layers");
  if (n > 0) j.layers.clear();
  for (int i = 0; i < n; ++i) {
    st.setArrayIndex(i);
    SubmitLayer l;
    l.name = str("name", "");
    l.type = parseLayerType(str("type", "Shell")).value_or(SubmitLayerType::kShell);
    l.command = str("command", "");
    l.executable = str("executable", "");
    l.scene = str("scene", "");
    l.output_path = str("outputPath", "");
    l.output_format = str("outputFormat", "");
    l.camera = str("camera", "");
    l.write_nodes = str("writeNodes", "");
    l.range = str("range", "1");
    l.chunk = st.value("chunk", 1).toInt();
    const double cores = st.value("cores", -1.0).toDouble();
    if (cores >= 0) l.cores = cores;
    l.memory = str("memory", "");
    l.gpus = st.value("gpus", 0).toInt();
    l.gpu_memory = str("gpuMemory", "");
    l.services = splitList(str("services", ""));
    l.tags = splitList(str("tags", ""));
    l.limits = splitList(str("limits", ""));
    l.depend = static_cast<client::LayerDepend>(std::clamp(st.value("depend", 0).toInt(), 0, 2));
    j.layers.push_back(l);
  }
  st.endArray();
  st.endGroup();
  return j;
}

}  // namespace cue::gui
