// cuesubmit-gui's cuebot side: shows, services and submissions off the UI thread.
#include "gui/submit_backend.h"

#include <QMetaObject>
#include <QPointer>
#include <algorithm>

namespace cue::gui {
namespace {

QString text(const absl::Status& status) { return QString::fromStdString(std::string(status.message())); }

QStringList sorted(QStringList list) {
  list.sort(Qt::CaseInsensitive);
  return list;
}

}  // namespace

SubmitBackend::SubmitBackend(client::Client client, QObject* parent)
    : QObject(parent), async_(std::make_unique<client::AsyncClient>(std::move(client))) {}

SubmitBackend::~SubmitBackend() { async_.reset(); }

void SubmitBackend::load() {
  async_->post([this](client::Client& c) {
    auto shows = c.getShows();
    auto services = c.getDefaultServices();
    QStringList show_names, service_names;
    QString error;
    if (shows.ok()) {
      for (const auto& s : *shows) show_names << QString::fromStdString(s.show.name);
    } else {
      error = text(shows.status());
    }
    if (services.ok()) {
      for (const auto& s : *services) service_names << QString::fromStdString(s.name);
    } else if (error.isEmpty()) {
      error = text(services.status());
    }
    QMetaObject::invokeMethod(
        this,
        [this, shows_ok = shows.ok(), services_ok = services.ok(), show_names, service_names,
         error] {
          if (services_ok) Q_EMIT servicesLoaded(sorted(service_names));
          if (shows_ok) Q_EMIT showsLoaded(sorted(show_names));
          if (!error.isEmpty()) Q_EMIT loadFailed(error);
        },
        Qt::QueuedConnection);
  });
}

void SubmitBackend::submit(const SubmitJob& job) {
  submitting_ = true;
  async_->post([this, job](client::Client& c) {
    auto names = submitJob(c, job);
    QStringList launched;
    if (names.ok()) {
      for (const auto& n : *names) launched << QString::fromStdString(n);
    }
    QMetaObject::invokeMethod(
        this,
        [this, ok = names.ok(), launched, error = names.ok() ? QString() : text(names.status())] {
          submitting_ = false;
          if (ok) Q_EMIT submitted(launched);
          else Q_EMIT submitFailed(error);
        },
        Qt::QueuedConnection);
  });
}

}  // namespace cue::gui
