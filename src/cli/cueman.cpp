// cueman: job management with OpenCue's flags (frames, layers, procs, job info; pause,
// resume, terminate; eat, kill, retry, mark done, stagger, reorder frames; retries and
// auto-eat), plus -why (the planner's reasons a job is not running) and -log (print or
// follow a frame's log). Listings print OpenCue's tables, or JSON with -json. See --help.

#include <chrono>
#include <iostream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/common.h"
#include "cli/output.h"
#include "common/status.h"

namespace cue::cli {
namespace {

constexpr const char* kTool = "cueman";
constexpr int kDefaultPageSize = 1000;  // OpenCue's page size
constexpr double kKbPerGb = 1024.0 * 1024.0;
constexpr double kSecondsPerHour = 3600.0;

ArgParser makeParser() {
  ArgParser p(kTool, "Cue job management: frames, layers, procs; job and frame actions; why a job\n"
                     "waits; frame logs. OpenCue's cueman flags; exit codes: 0 ok, 2 usage, 3 not\n"
                     "found, 4 no cuebot, 5 refused by cuebot.");
  addGeneralFlags(p);
  std::string g = "Query Options";
  p.add({{"-lf"}, 1, 1, "JOB", "list frames; see the frame query options", g});
  p.add({{"-lp", "-lap"}, 1, 1, "JOB", "list the job's running procs (-memory, -duration)", g});
  p.add({{"-ll"}, 1, 1, "JOB", "list layers", g});
  p.add({{"-info"}, 1, 1, "JOB", "show a job's details", g});
  p.add({{"-why"}, 1, 1, "JOB", "why the job's waiting frames are not running, layer by layer", g});
  p.add({{"-log"}, 2, 2, "JOB FRAME",
         "print a frame's log, read through cuebot from its host (FRAME: 0001-layer, or N with -layer)", g});
  p.add({{"-f", "-follow"}, 0, 0, "", "with -log: follow the log while the frame runs", g});
  g = "Frame Query Options";
  p.add({{"-state"}, 1, Flag::kMany, "STATE ...", "frames in these states", g,
         {"WAITING", "RUNNING", "SUCCEEDED", "DEAD", "EATEN", "DEPEND", "SETUP", "CHECKPOINT"}});
  p.add({{"-range"}, 1, 1, "RANGE", "frame numbers N or N-M", g});
  p.add({{"-layer"}, 1, Flag::kMany, "LAYER ...", "frames of these layers", g});
  p.add({{"-page"}, 1, 1, "N", "page N of the listing (pages of -limit frames)", g});
  p.add({{"-limit"}, 1, 1, "N", "frames per page (default 1000)", g});
  p.add({{"-duration"}, 1, 1, "HOURS", "run time: ltN, gtN, N-M, or N (and above) hours", g});
  p.add({{"-memory"}, 1, 1, "GB", "peak memory: ltN, gtN, N-M, or N (and above) GB", g});
  g = "Job Options";
  p.add({{"-pause"}, 1, Flag::kMany, "JOB ...", "pause jobs", g});
  p.add({{"-resume"}, 1, Flag::kMany, "JOB ...", "resume jobs", g});
  p.add({{"-term"}, 1, Flag::kMany, "JOB ...", "terminate (kill) jobs", g});
  p.add({{"-eat"}, 1, 1, "JOB", "eat the selected frames (frame query options)", g});
  p.add({{"-kill"}, 1, 1, "JOB", "kill the selected running frames", g});
  p.add({{"-retry"}, 1, 1, "JOB", "retry the selected frames", g});
  p.add({{"-done"}, 1, 1, "JOB", "mark the selected frames done, releasing what waits on them", g});
  p.add({{"-stagger"}, 3, 3, "JOB RANGE INCREMENT", "stagger frames by an increment (-layer)", g});
  p.add({{"-reorder"}, 3, 3, "JOB RANGE POSITION", "move frames FIRST, LAST or REVERSE (-layer)", g});
  p.add({{"-retries"}, 2, 2, "JOB COUNT", "set the job's maximum retries per frame", g});
  p.add({{"-autoeaton"}, 1, Flag::kMany, "JOB ...", "eat dead frames automatically (and now)", g});
  p.add({{"-autoeatoff"}, 1, Flag::kMany, "JOB ...", "stop eating dead frames automatically", g});
  return p;
}

// "a,b c" -> {a, b, c}: OpenCue's cueman also takes comma-separated job names.
std::vector<std::string> names(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values)
    for (auto part : absl::StrSplit(v, ',', absl::SkipWhitespace()))
      out.push_back(std::string(absl::StripAsciiWhitespace(part)));
  return out;
}

class Man {
 public:
  Man(client::Client& c, const Args& args)
      : c_(c), args_(args), json_(args.has("-json")), force_(args.has("-force")) {}
  int run();

 private:
  // A pending job; with `finished`, a finished one too (listings, logs).
  absl::StatusOr<core::JobView> job(const std::string& name, bool finished = false);
  absl::StatusOr<client::FrameQuery> frameQuery(bool listing);
  int frameAction(const char* flag);
  int layerAction(const char* flag);
  int log();

  client::Client& c_;
  const Args& args_;
  bool json_, force_;
};

absl::StatusOr<core::JobView> Man::job(const std::string& name, bool finished) {
  auto js = findJobs(c_, {name}, finished);
  if (!js.ok()) return js.status();
  return js->front();
}

absl::StatusOr<client::FrameQuery> Man::frameQuery(bool listing) {
  client::FrameQuery q;
  q.layers = args_.values("-layer");
  for (const auto& s : args_.values("-state")) {
    auto st = core::parseFrameState(absl::AsciiStrToUpper(s));
    if (!st) return absl::InvalidArgumentError(absl::StrCat("-state ", s, ": unknown frame state"));
    q.states.push_back(*st);
  }
  if (args_.has("-range")) {
    std::string r = args_.value("-range");
    std::vector<std::string> parts = absl::StrSplit(r, absl::MaxSplits('-', 1));
    int lo = 0, hi = 0;
    bool ok = absl::SimpleAtoi(parts[0], &lo) && lo >= 0;
    if (parts.size() == 2) ok = ok && absl::SimpleAtoi(parts[1], &hi) && hi >= lo;
    if (!ok)
      return absl::InvalidArgumentError(absl::StrCat("-range \"", r, "\": expected N or N-M with N <= M"));
    q.range = r;
  }
  // The server takes "lo-hi" or "n" (n and above), in GB and hours.
  for (const char* flag : {"-memory", "-duration"}) {
    if (!args_.has(flag)) continue;
    auto r = parseRangeFilter(args_.value(flag), 1000.0, flag);  // thousandths keep decimals
    if (!r.ok()) return r.status();
    auto text = [](int64_t v) { return absl::StrCat(v / 1000.0); };
    std::string range = r->second < 0 ? text(r->first) : absl::StrCat(text(r->first), "-", text(r->second));
    (std::string(flag) == "-memory" ? q.memory : q.duration) = range;
  }
  if (listing) {
    q.limit = kDefaultPageSize;
    if (args_.has("-limit")) {
      auto n = parseInt(args_.value("-limit"), "-limit");
      if (!n.ok()) return n.status();
      if (*n < 1) return absl::InvalidArgumentError("-limit must be at least 1");
      q.limit = *n;
    }
    if (args_.has("-page")) {
      auto n = parseInt(args_.value("-page"), "-page");
      if (!n.ok()) return n.status();
      if (*n < 1) return absl::InvalidArgumentError("-page must be at least 1");
      q.page = *n;
    }
  }
  return q;
}

int Man::frameAction(const char* flag) {
  auto q = frameQuery(false);
  if (!q.ok()) return badValue(kTool, q.status());
  auto j = job(args_.value(flag));
  if (!j.ok()) return fail(kTool, j.status());
  std::string f = flag;
  const std::string verb = f == "-eat" ? "Eat" : f == "-kill" ? "Kill" : f == "-retry" ? "Retry" : "Mark done";
  if (int rc = confirm(kTool, absl::StrCat(verb, " specified frames on job ", j->job.name), force_)) return rc;
  absl::Status st;
  const std::string& id = j->job.id;
  if (f == "-eat") st = c_.eatFrames(id, *q);
  else if (f == "-kill") st = c_.killFrames(id, *q, absl::StrCat("cueman -kill by ", currentUser()));
  else if (f == "-retry") st = c_.retryFrames(id, *q);
  else st = c_.markDoneFrames(id, *q);
  if (!st.ok()) return fail(kTool, st);
  std::cout << verb << ": frames of " << j->job.name << "\n";
  return kExitOk;
}

int Man::layerAction(const char* flag) {
  const auto& v = args_.values(flag);
  bool stagger = std::string(flag) == "-stagger";
  int increment = 0;
  client::FrameOrder order = client::FrameOrder::kFirst;
  if (stagger) {
    auto n = parseInt(v[2], "increment");
    if (!n.ok() || *n < 1) return usage(kTool, "-stagger: the increment must be a positive whole number");
    increment = *n;
  } else {
    std::string pos = absl::AsciiStrToUpper(v[2]);
    if (pos == "FIRST") order = client::FrameOrder::kFirst;
    else if (pos == "LAST") order = client::FrameOrder::kLast;
    else if (pos == "REVERSE") order = client::FrameOrder::kReverse;
    else return usage(kTool, "-reorder: the position must be FIRST, LAST or REVERSE");
  }
  auto j = job(v[0]);
  if (!j.ok()) return fail(kTool, j.status());
  // Layers named by -layer: all must exist before anything moves.
  std::vector<core::LayerView> layers;
  if (args_.has("-layer")) {
    auto all = c_.getLayers(j->job.id);
    if (!all.ok()) return fail(kTool, all.status());
    for (const auto& name : args_.values("-layer")) {
      auto it = std::find_if(all->begin(), all->end(), [&](const auto& l) { return l.layer.name == name; });
      if (it == all->end())
        return fail(kTool, absl::NotFoundError(absl::StrCat("job ", j->job.name, " has no layer ", name)));
      layers.push_back(*it);
    }
  }
  if (int rc = confirm(kTool, absl::StrCat(stagger ? "Stagger " : "Reorder ", j->job.name, " (", v[1],
                                           ") ", stagger ? "by " : "to ", v[2]), force_)) return rc;
  absl::Status st;
  if (layers.empty()) {
    st = stagger ? c_.staggerFrames(j->job.id, v[1], increment) : c_.reorderFrames(j->job.id, v[1], order);
  }
  for (const auto& l : layers) {
    st = stagger ? c_.staggerLayerFrames(l.layer.id, v[1], increment)
                 : c_.reorderLayerFrames(l.layer.id, v[1], order);
    if (!st.ok()) break;
  }
  if (!st.ok()) return fail(kTool, st);
  std::cout << (stagger ? "Staggered" : "Reordered") << " frames of " << j->job.name << "\n";
  return kExitOk;
}

int Man::log() {
  const auto& v = args_.values("-log");
  auto j = job(v[0], true);
  if (!j.ok()) return fail(kTool, j.status());
  // FRAME: "0001-render", or a number with -layer.
  client::FrameQuery q;
  int number = 0;
  if (absl::SimpleAtoi(v[1], &number)) {
    q.range = v[1];
    q.layers = args_.values("-layer");
  } else {
    q.names = {v[1]};
  }
  auto frames = c_.getFrames(j->job.id, q);
  if (!frames.ok()) return fail(kTool, frames.status());
  if (frames->empty())
    return fail(kTool, absl::NotFoundError(absl::StrCat("job ", j->job.name, " has no frame ", v[1])));
  if (frames->size() > 1)
    return usage(kTool, absl::StrCat("frame ", v[1], " is in ", frames->size(),
                                     " layers; name it as NNNN-layer or add -layer"));
  const std::string frame = frames->front().name;
  // Through cuebot, from the rqd that holds the log: no shared storage needed. Following:
  // ask again from the last offset until the frame is done and the log is drained.
  const bool follow = args_.has("-f");
  int64_t offset = 0;
  while (true) {
    auto chunk = c_.readFrameLog(j->job.name, frame, offset);
    if (!chunk.ok()) return fail(kTool, chunk.status());
    std::cout.write(chunk->data.data(), static_cast<std::streamsize>(chunk->data.size()));
    std::cout.flush();
    offset = chunk->next_offset;
    if (!chunk->data.empty()) continue;  // more may be there already
    if (!follow || chunk->frame_done) return kExitOk;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

int Man::run() {
  if (args_.has("-lf")) {
    auto q = frameQuery(true);
    if (!q.ok()) return badValue(kTool, q.status());
    auto j = job(args_.value("-lf"), true);
    if (!j.ok()) return fail(kTool, j.status());
    auto frames = c_.getFrames(j->job.id, *q);
    if (!frames.ok()) return fail(kTool, frames.status());
    printFrames(std::cout, *frames, json_, nowEpoch());
    if (static_cast<int>(frames->size()) == q->limit && !json_)
      std::cerr << "Warning: only showing the first " << q->limit
                << " matches; use -page, -limit or the frame query options for the rest\n";
    return kExitOk;
  }
  if (args_.has("-lp")) {
    client::ProcQuery q;
    for (const char* flag : {"-memory", "-duration"}) {
      if (!args_.has(flag)) continue;
      bool mem = std::string(flag) == "-memory";
      auto r = parseRangeFilter(args_.value(flag), mem ? kKbPerGb : kSecondsPerHour, flag);
      if (!r.ok()) return badValue(kTool, r.status());
      (mem ? q.memory_kb : q.duration_s) = *r;
    }
    auto j = job(args_.value("-lp"), true);
    if (!j.ok()) return fail(kTool, j.status());
    q.jobs = {j->job.name};
    auto procs = c_.getProcs(q);
    if (!procs.ok()) return fail(kTool, procs.status());
    printProcs(std::cout, *procs, json_, nowEpoch());
    return kExitOk;
  }
  if (args_.has("-ll") || args_.has("-info")) {
    bool info = args_.has("-info");
    auto j = job(args_.value(info ? "-info" : "-ll"), true);
    if (!j.ok()) return fail(kTool, j.status());
    auto layers = c_.getLayers(j->job.id);
    if (!layers.ok()) return fail(kTool, layers.status());
    if (info) printJobInfo(std::cout, *j, *layers, json_);
    else printLayers(std::cout, *j, *layers, json_);
    return kExitOk;
  }
  if (args_.has("-why")) {
    auto why = c_.whyNotRunning(args_.value("-why"));
    if (!why.ok()) return fail(kTool, why.status());
    printWhy(std::cout, *why, json_);
    return kExitOk;
  }
  if (args_.has("-log")) return log();
  for (const char* flag : {"-pause", "-resume", "-term", "-autoeaton", "-autoeatoff"}) {
    if (!args_.has(flag)) continue;
    auto js = findJobs(c_, names(args_.values(flag)));
    if (!js.ok()) return fail(kTool, js.status());
    const std::string f = flag;
    if (f == "-term")
      if (int rc = confirm(kTool, absl::StrCat("Terminate ", js->size(), " job(s)"), force_)) return rc;
    auto op = [&](const core::JobView& j) -> absl::Status {
      const std::string& id = j.job.id;
      if (f == "-pause") {
        if (j.job.paused) {
          std::cout << "Job: " << j.job.name << " is already paused\n";
          return absl::OkStatus();
        }
        std::cout << "Pausing Job: " << j.job.name << "\n";
        return c_.pauseJob(id);
      }
      if (f == "-resume") {
        std::cout << "Resuming Job: " << j.job.name << "\n";
        return c_.resumeJob(id);
      }
      if (f == "-term") {
        std::cout << "Terminating Job: " << j.job.name << "\n";
        return c_.killJob(id, absl::StrCat("cueman -term by ", currentUser()));
      }
      bool on = f == "-autoeaton";
      std::cout << (on ? "Enabling" : "Disabling") << " auto-eat for job: " << j.job.name << "\n";
      RETURN_IF_ERROR(c_.setJobAutoEat(id, on));
      if (!on) return absl::OkStatus();
      client::FrameQuery dead;
      dead.states = {core::FrameState::kDead};
      return c_.eatFrames(id, dead);
    };
    return forEach<core::JobView>(kTool, *js, [](const core::JobView& j) { return j.job.name; },
                                  op, f.substr(1));
  }
  for (const char* flag : {"-eat", "-kill", "-retry", "-done"})
    if (args_.has(flag)) return frameAction(flag);
  if (args_.has("-stagger")) return layerAction("-stagger");
  if (args_.has("-reorder")) return layerAction("-reorder");
  if (args_.has("-retries")) {
    const auto& v = args_.values("-retries");
    auto j = job(v[0]);
    if (!j.ok()) return fail(kTool, j.status());
    auto n = parseInt(v[1], "retries");
    if (!n.ok() || *n < 0) return usage(kTool, "-retries: COUNT must be a whole number >= 0");
    if (int rc = confirm(kTool, absl::StrCat("Set retries on ", j->job.name, " to ", *n), force_)) return rc;
    if (auto st = c_.setJobMaxRetries(j->job.id, *n); !st.ok()) return fail(kTool, st);
    std::cout << "Set maximum retries to " << *n << " for job: " << j->job.name << "\n";
    return kExitOk;
  }
  return usage(kTool, "no command given; see cueman --help");
}

}  // namespace
}  // namespace cue::cli

int main(int argc, char** argv) {
  using namespace cue::cli;
  static const std::vector<std::string> kActions = {
      "-lf", "-lp", "-ll", "-info", "-why", "-log", "-pause", "-resume", "-term", "-eat",
      "-kill", "-retry", "-done", "-stagger", "-reorder", "-retries", "-autoeaton",
      "-autoeatoff"};
  return runTool(kTool, makeParser(), kActions, argc, argv,
                 [](cue::client::Client& c, const Args& args) { return Man(c, args).run(); });
}
