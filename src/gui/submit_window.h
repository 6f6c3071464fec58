// cuesubmit-gui's window: the job's fields at the top, its layers (add, remove, move) beside
// the selected layer's editor, whose fields follow the layer type, the preview of every
// layer's command (and optionally the spec XML), and Submit with its outcome in the window.
//
// Widgets carry object names for tests and plug-ins: user, jobName, show, shot, priority,
// maxRetries, paused; layers, addLayer, removeLayer, moveUp, moveDown; layerName, layerType,
// command, executable, scene, outputPath, outputFormat, camera, writeNodes, range, chunk,
// cores, memory, gpus, gpuMemory, services, tags, limits, depend; preview, showXml, submit,
// status.
//
// Lives on the UI thread; the backend makes every RPC off it.
#pragma once

#include <QWidget>

#include "gui/submit_model.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSpinBox;

namespace cue::gui {

class SubmitBackend;

class SubmitWindow : public QWidget {
  Q_OBJECT

 public:
  // `settings` (may be null) gives the fields last used and keeps them after a submission.
  SubmitWindow(SubmitBackend* backend, QSettings* settings, QWidget* parent = nullptr);

  // Replaces every field with `job`'s (prefills from flags or a plug-in).
  void setJob(const SubmitJob& job);
  // The job as the fields hold it now.
  SubmitJob job() const;
  // The last state written by submit(): "", "submitting", "submitted" or "failed".
  const QString& submitState() const { return submit_state_; }

  static void saveJob(QSettings& settings, const SubmitJob& job);
  // The job last saved, or `fallback` when none was.
  static SubmitJob loadJob(QSettings& settings, const SubmitJob& fallback);

 public Q_SLOTS:
  // Checks the fields, then submits; the outcome shows in the status line.
  void submit();

 Q_SIGNALS:
  void showsReady();

 private:
  void buildUi();
  void connectEditors();
  void loadLayerEditor();
  void layerEdited();
  void selectLayer(int row);
  void refreshLayerList();
  void updateTypeRows();
  void updatePreview();
  void setStatus(const QString& text, bool error);
  void addLayer();
  void removeLayer();
  void moveLayer(int delta);
  void setShows(const QStringList& shows);
  void setServices(const QStringList& services);

  SubmitBackend* backend_;
  QSettings* settings_;
  std::vector<SubmitLayer> layers_;
  std::string facility_;  // no widget: from --facility
  int current_ = -1;
  bool loading_ = false;
  QString submit_state_;

  QLineEdit* user_ = nullptr;
  QLineEdit* job_name_ = nullptr;
  QComboBox* show_ = nullptr;
  QLineEdit* shot_ = nullptr;
  QSpinBox* priority_ = nullptr;
  QSpinBox* max_retries_ = nullptr;
  QCheckBox* paused_ = nullptr;
  QListWidget* layer_list_ = nullptr;
  QFormLayout* editor_ = nullptr;
  QLineEdit* layer_name_ = nullptr;
  QComboBox* layer_type_ = nullptr;
  QPlainTextEdit* command_ = nullptr;
  QLineEdit* executable_ = nullptr;
  QLineEdit* scene_ = nullptr;
  QLineEdit* output_path_ = nullptr;
  QComboBox* output_format_ = nullptr;
  QLineEdit* camera_ = nullptr;
  QLineEdit* write_nodes_ = nullptr;
  QLineEdit* range_ = nullptr;
  QSpinBox* chunk_ = nullptr;
  QDoubleSpinBox* cores_ = nullptr;
  QLineEdit* memory_ = nullptr;
  QSpinBox* gpus_ = nullptr;
  QLineEdit* gpu_memory_ = nullptr;
  QComboBox* services_ = nullptr;
  QLineEdit* tags_ = nullptr;
  QLineEdit* limits_ = nullptr;
  QComboBox* depend_ = nullptr;
  QPlainTextEdit* preview_ = nullptr;
  QCheckBox* show_xml_ = nullptr;
  QPushButton* submit_button_ = nullptr;
  QLabel* status_ = nullptr;
};

}  // namespace cue::gui
