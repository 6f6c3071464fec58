// cuesubmit-gui's cuebot side: loads the shows and the default services, and submits jobs,
// every RPC on an AsyncClient worker thread, the answers handed back to this object's thread
// as signals. Lives on the UI thread; destruction waits for the calls already queued.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

#include "client/client.h"
#include "gui/submit_model.h"

namespace cue::gui {

class SubmitBackend : public QObject {
  Q_OBJECT

 public:
  explicit SubmitBackend(client::Client client, QObject* parent = nullptr);
  ~SubmitBackend() override;

  // Asks for the shows and the default services: showsLoaded / servicesLoaded, or loadFailed.
  void load();
  // Validates, builds and launches `job`: submitted with the jobs' names, or submitFailed.
  void submit(const SubmitJob& job);
  bool submitting() const { return submitting_; }

 Q_SIGNALS:
  void showsLoaded(const QStringList& shows);
  void servicesLoaded(const QStringList& services);
  void loadFailed(const QString& message);
  void submitted(const QStringList& job_names);
  void submitFailed(const QString& message);

 private:
  bool submitting_ = false;
  std::unique_ptr<client::AsyncClient> async_;  // last member: joined first
};

}  // namespace cue::gui
