// cuesubmit: submits a job spec (CJSL XML, as OpenCue's pyoutline writes it) to cuebot
// and prints the launched jobs' names. With --wait, shows a live progress line until
// every frame has succeeded, been eaten or died; exits 1 if any frame died.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "client/client.h"

namespace {

struct Progress {
  int total = 0, succeeded = 0, running = 0, waiting = 0, depend = 0, dead = 0, eaten = 0;
  bool finished = true;
};

Progress progress(const std::vector<job::Job>& jobs) {
  Progress p;
  for (const auto& j : jobs) {
    const auto& s = j.job_stats();
    p.total += s.total_frames();
    p.succeeded += s.succeeded_frames();
    p.running += s.running_frames();
    p.waiting += s.waiting_frames();
    p.depend += s.depend_frames();
    p.dead += s.dead_frames();
    p.eaten += s.eaten_frames();
    if (j.state() != job::JobState::FINISHED) p.finished = false;
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cuebot, spec_path;
  bool wait = false;
  double poll = 1.0;
  CLI::App app{"cuesubmit: submit an OpenCue job spec (XML) to cuebot"};
  app.add_option("spec", spec_path, "job spec XML file ('-' for standard input)")->required();
  app.add_option("--cuebot", cuebot,
                 "cuebot HOST[:PORT] (default $CUEBOT_HOSTS, $CUEBOT_HOSTNAME, localhost:8443)");
  app.add_flag("--wait", wait, "show progress until the jobs are done; exit 1 if frames died");
  app.add_option("--poll", poll, "seconds between progress updates with --wait")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::stringstream buf;
  if (spec_path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(spec_path);
    if (!in) {
      std::cerr << "cuesubmit: cannot read " << spec_path << "\n";
      return 2;
    }
    buf << in.rdbuf();
  }
  std::string address = cue::client::resolveCuebot(cuebot);
  cue::client::Client client(address);
  auto names = client.launchSpec(buf.str());
  if (!names.ok()) {
    std::cerr << "cuesubmit: " << address << " refused " << spec_path << ": "
              << names.status().message() << "\n";
    return 2;
  }
  for (const auto& n : *names) std::cout << n << "\n";
  std::cout.flush();
  if (!wait) return 0;

  const bool tty = isatty(STDERR_FILENO);
  Progress p;
  while (true) {
    auto jobs = client.getJobsByName(*names);
    if (!jobs.ok()) {
      std::cerr << "\ncuesubmit: lost cuebot at " << address << ": " << jobs.status().message()
                << " (retrying)\n";
    } else {
      p = progress(*jobs);
      int done = p.succeeded + p.eaten;
      std::cerr << (tty ? "\r" : "") << "frames: " << done << "/" << p.total << " done, "
                << p.running << " running, " << (p.waiting + p.depend) << " waiting, " << p.dead
                << " dead" << (tty ? "   " : "\n");
      // Done when finished, or when nothing runs or waits: frames left in DEPEND then
      // wait on dead frames and will not move without a retry or an eat.
      if (p.finished || (p.total > 0 && p.running == 0 && p.waiting == 0 &&
                         (p.depend == 0 || p.dead > 0)))
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(poll * 1000)));
  }
  if (tty) std::cerr << "\n";
  if (p.dead > 0)
    std::cerr << "cuesubmit: " << p.dead << " frames died"
              << (p.depend > 0 ? ", and " + std::to_string(p.depend) + " frames wait on them" : "")
              << "; see their logs, then retry or eat them\n";
  return p.dead > 0 ? 1 : 0;
}
