// rqd: the render host daemon. Loads the config (environment, then flags), starts a
// Daemon, and runs until SIGINT/SIGTERM or a Shutdown/Restart RPC. On restart it
// re-executes itself with the same arguments.
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

#include "common/logging.h"
#include "common/process.h"
#include "rqd/config.h"
#include "rqd/daemon.h"
#include "rqd/quiet_grpc.h"
#include "rqd/resident.h"

namespace {

// Makes sure fds 0-2 are open, so no file rqd opens lands on them.
void ensureStdFds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) < 0) ::open("/dev/null", O_RDWR);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // First of all: rqd re-executes itself once to have every symbol bound now (resident.h).
  cue::rqd::bindEverySymbolAtStart(argv);
  // Before anything touches gRPC (quiet_grpc.h).
  const std::string grpc_mode = cue::rqd::installQuietGrpc();
  // Before any thread starts: the program's and its libraries' read-only segments, given
  // back once rqd has started (resident.h).
  cue::rqd::StartupImage startup_image = cue::rqd::StartupImage::capture();
  ensureStdFds();
  cue::common::disableAbslDeadlockDetection();
  // Two malloc arenas, not eight per CPU: each frame has a thread of its own, and every
  // arena a thread touches keeps its freed memory, so rqd's heap would grow with the
  // number of frames it has run. rqd allocates little; two arenas do not contend.
  mallopt(M_ARENA_MAX, 2);
  absl::StatusOr<cue::rqd::LoadedConfig> loaded =
      cue::rqd::loadConfig(argc, argv, cue::rqd::processEnv());
  if (!loaded.ok()) {
    std::cerr << "rqd: " << loaded.status().message()
              << "\nRun with --help for more information.\n";
    return 2;
  }
  if (!loaded->help.empty()) {
    std::cout << loaded->help;
    return 0;
  }
  cue::common::setLogLevel(loaded->config.log_level);
  auto log = cue::common::logger("rqd");
  log->info("rqd runs {}", grpc_mode);

  // Signals are taken synchronously by a thread of their own; every thread started from
  // here on inherits the mask (frames get a clean one, see launcher.cpp). SIGUSR1 wakes
  // that thread when rqd exits for another reason. Nothing here wakes up while rqd idles.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  cue::rqd::ExitAction action = cue::rqd::ExitAction::kNone;
  {
    cue::rqd::Daemon daemon(loaded->config);
    daemon.setStartupImage(std::move(startup_image));
    absl::Status started = daemon.start();
    if (!started.ok()) {
      log->critical("rqd cannot start: {}", started.ToString());
      return 1;
    }
    std::printf("rqd listening on port %d\n", daemon.port());
    std::fflush(stdout);
    std::atomic<bool> exiting{false};
    std::thread signal_thread([&] {
      int sig = 0;
      while (sigwait(&signals, &sig) == 0) {
        if (sig == SIGINT || sig == SIGTERM) {
          log->warn("signal {}: shutting down (running frames are killed)", sig);
          daemon.requestExit(cue::rqd::ExitAction::kShutdown);
          return;
        }
        if (exiting.load()) return;  // SIGUSR1 from below; another sender's is ignored
      }
    });
    action = daemon.waitForExit();
    exiting.store(true);
    pthread_kill(signal_thread.native_handle(), SIGUSR1);
    signal_thread.join();
    daemon.stop();
  }
  if (action == cue::rqd::ExitAction::kRestart) {
    log->warn("restarting rqd");
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    cue::rqd::execSelf(argv);
    log->critical("restart failed: execv: {}", std::strerror(errno));
    return 1;
  }
  log->info("rqd stopped");
  return 0;
}
