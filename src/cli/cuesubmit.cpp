// cuesubmit: submits jobs to cuebot and prints the launched jobs' names, one a line.
//
//   cuesubmit [options] SPEC.xml|-       a job spec (CJSL XML, as pyoutline writes it)
//   cuesubmit [options] -name N -show S -layer L -cmd CMD -range R [-layer ...]
//   cuesubmit [options] -cuecmd FILE [-chunk K]   OpenCue's cuecmd: one shell command a line
//
// Layer flags apply to the latest -layer: argv is cut at each -layer and every piece is read
// with the same flag table, so job and general flags may come anywhere. -pretend prints the
// spec instead of sending it. -wait follows the jobs: a live bar on a terminal (one line per
// change otherwise), then a summary; exit 1 when frames died. Stdout carries only data; every
// message goes to stderr as one line, with an exit code from exit_codes.h.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cli/args.h"
#include "cli/common.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "client/client.h"
#include "client/spec_builder.h"
#include "common/status.h"
#include "core/job_spec.h"

namespace {

using cue::cli::ArgParser;
using cue::cli::Args;
using cue::cli::Flag;
using cue::client::JobBuild;
using cue::client::LayerBuild;
using cue::client::LayerDepend;

constexpr const char* kTool = "cuesubmit";

// Flags that describe a layer; the rest describe the job or the run.
const std::set<std::string> kLayerFlags = {"-cmd",   "-range", "-chunk",   "-cores",
                                           "-memory", "-gpus", "-gpu-memory", "-service",
                                           "-tags",  "-limits", "-depend"};
const std::set<std::string> kJobFlags = {"-name", "-show",       "-shot",  "-user",
                                         "-priority", "-max-retries", "-pause", "-email"};

ArgParser makeParser() {
  ArgParser p(kTool,
              "Submits jobs to cuebot and prints the launched jobs' names on stdout.\n"
              "  cuesubmit [options] SPEC.xml|-     submit a job spec file (CJSL XML), or stdin\n"
              "  cuesubmit [options] -name N -show S -layer L -cmd CMD -range R [-layer ...]\n"
              "                                     build the job from flags; layer flags apply\n"
              "                                     to the latest -layer\n"
              "  cuesubmit [options] -cuecmd FILE [-chunk K]\n"
              "                                     a job of shell frames, K lines of FILE each\n"
              "Every flag may be written with one dash or two (-wait, --wait).\n"
              "Exit codes: 0 ok, 1 frames died (-wait), 2 bad usage or input, 3 not found,\n"
              "4 no cuebot answered, 5 refused by cuebot.");
  std::string g = "General Options";
  p.add({{"-server", "-cuebot"}, 1, Flag::kMany, "HOST[:PORT] ...",
         "cuebot address(es); default $CUEBOT_HOSTS, then opencue.yaml, then localhost", g});
  p.add({{"-facility"}, 1, 1, "CODE",
         "facility: whose cuebots to use (opencue.yaml), and the job's facility", g});
  p.add({{"-verbose", "-v"}, 0, 0, "", "say which cuebot is used", g});
  p.add({{"-h", "-help"}, 0, 0, "", "show this help", g});
  p.add({{"-completion"}, 1, 1, "SHELL", "print a completion script", g, {"bash"}});
  g = "Submitting";
  p.add({{"-pretend"}, 0, 0, "", "print the spec XML that would be sent; send nothing", g});
  p.add({{"-wait"}, 0, 0, "",
         "follow the jobs until every frame is done or stuck, then summarize; exit 1 if "
         "frames died", g});
  p.add({{"-poll"}, 1, 1, "SECONDS", "seconds between progress updates with -wait (1)", g});
  g = "Job (built from flags or -cuecmd)";
  p.add({{"-name"}, 1, 1, "NAME", "job name (-cuecmd: default the file's name)", g});
  p.add({{"-show"}, 1, 1, "SHOW", "show the job belongs to (default $SHOW)", g});
  p.add({{"-shot"}, 1, 1, "SHOT", "shot (default $SHOT, else \"default\")", g});
  p.add({{"-user"}, 1, 1, "USER", "owner; frames run as this user (default $USER)", g});
  p.add({{"-priority"}, 1, 1, "N", "job priority", g});
  p.add({{"-max-retries"}, 1, 1, "N", "retries of a failing frame: 0 or 1 (cuebot's spec limit)",
         g});
  p.add({{"-pause", "-paused"}, 0, 0, "", "launch the job paused", g});
  p.add({{"-email"}, 1, 1, "ADDRESS", "mail address for the job's notices", g});
  g = "Layers (each flag applies to the latest -layer)";
  p.add({{"-layer"}, 1, 1, "NAME", "start a layer (-cuecmd: name its layer, default cuecmd)", g});
  p.add({{"-cmd"}, 1, 1, "COMMAND",
         "shell command line of its frames; tokens such as #IFRAME# are replaced per frame", g});
  p.add({{"--"}, 0, 0, "COMMAND [ARG ...]",
         "last: the latest layer's command as separate arguments, quoted for the shell", g});
  p.add({{"-range"}, 1, 1, "FRAMES", "frame range, e.g. 1-100, 1-100x5, 1,3,5", g});
  p.add({{"-chunk"}, 1, 1, "N",
         "frames per task (-cuecmd: commands per frame); default 1", g});
  p.add({{"-cores"}, 1, 1, "N", "cores per frame, e.g. 2 or 0.5; 0 = a whole host", g});
  p.add({{"-memory"}, 1, 1, "SIZE", "memory per frame: 512m, 4g (a bare number is GB)", g});
  p.add({{"-gpus"}, 1, 1, "N", "GPUs per frame", g});
  p.add({{"-gpu-memory"}, 1, 1, "SIZE", "GPU memory per frame: 512m, 4g (default 1g with -gpus)",
         g});
  p.add({{"-service"}, 1, Flag::kMany, "NAME[,NAME]",
         "service(s); the first the farm has gives the defaults (default: default)", g});
  p.add({{"-tags"}, 1, Flag::kMany, "TAG[,TAG]", "host tags the frames may run on", g});
  p.add({{"-limits"}, 1, Flag::kMany, "LIMIT[,LIMIT]", "limits the frames count against", g});
  p.add({{"-depend"}, 1, 1, "KIND",
         "wait on the layer before: layer = all of it, frame = frame N on its frame N", g,
         {"layer", "frame", "none"}});
  g = "cuecmd";
  p.add({{"-cuecmd"}, 1, 1, "FILE|-",
         "a job from a file of shell commands, one a line ('#' comments); -chunk K runs K "
         "per frame, stopping at the first that fails", g});
  return p;
}

using cue::cli::oneLine;

int usageError(const std::string& message) { return cue::cli::usage(kTool, oneLine(message)); }

// "cuesubmit: <what><message>", exit code from the status.
int failWith(const std::string& what, const absl::Status& status) {
  std::cerr << kTool << ": " << what << oneLine(status.message()) << "\n";
  return cue::cli::exitCodeFor(status);
}

// ---- argv ----

// argv cut at each -layer: pieces[0] holds what comes before the first -layer, then one piece
// per layer. Job and general flags may sit in any piece; the last one given wins.
struct Parsed {
  std::vector<Args> pieces;
  std::vector<std::string> positionals;
  std::vector<std::string> servers;
  std::vector<std::string> command_argv;  // after "--": the latest layer's command

  const Args* with(const std::string& flag) const {
    for (auto it = pieces.rbegin(); it != pieces.rend(); ++it)
      if (it->has(flag)) return &*it;
    return nullptr;
  }
  bool has(const std::string& flag) const { return with(flag) != nullptr; }
  std::string value(const std::string& flag, const std::string& fallback = "") const {
    const Args* a = with(flag);
    return a ? a->value(flag, fallback) : fallback;
  }
};

bool isLayerToken(const std::string& t) {
  return t == "-layer" || t == "--layer" || t.rfind("--layer=", 0) == 0;
}

absl::StatusOr<Parsed> parseArgv(const ArgParser& parser, int argc, char** argv) {
  Parsed p;
  std::vector<std::vector<std::string>> pieces(1);
  for (int i = 1; i < argc; ++i) {
    std::string t = argv[i];
    if (t == "--") {
      p.command_argv.assign(argv + i + 1, argv + argc);
      if (p.command_argv.empty())
        return absl::InvalidArgumentError("-- needs the command after it");
      break;
    }
    if (isLayerToken(t)) pieces.emplace_back();
    pieces.back().push_back(t);
  }
  for (const auto& piece : pieces) {
    std::vector<const char*> args = {kTool};
    for (const auto& s : piece) args.push_back(s.c_str());
    ASSIGN_OR_RETURN(Args parsed, parser.parse(static_cast<int>(args.size()), args.data()));
    p.positionals.insert(p.positionals.end(), parsed.positionals().begin(),
                         parsed.positionals().end());
    p.pieces.push_back(std::move(parsed));
  }
  if (const Args* a = p.with("-server")) p.servers = a->values("-server");
  // "-server HOST SPEC.xml": -server takes every value that follows; a spec file (a file
  // that exists, "-", or a name ending in .xml) is none.
  if (p.positionals.empty() && !p.servers.empty() &&
      (p.servers.back() == "-" || absl::EndsWith(p.servers.back(), ".xml") ||
       std::filesystem::is_regular_file(p.servers.back()))) {
    p.positionals.push_back(p.servers.back());
    p.servers.pop_back();
  }
  return p;
}

std::vector<std::string> splitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values)
    for (absl::string_view s : absl::StrSplit(v, absl::ByAnyChar(",| "), absl::SkipEmpty()))
      out.emplace_back(s);
  return out;
}

absl::StatusOr<std::string> readInput(const std::string& path) {
  std::stringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    }
    buf << in.rdbuf();
  }
  return buf.str();
}

// ---- building the job ----

absl::Status applyLayerFlags(const Args& a, LayerBuild& l) {
  if (a.has("-cmd")) l.command = a.value("-cmd");
  if (a.has("-range")) l.range = a.value("-range");
  if (a.has("-chunk")) {
    ASSIGN_OR_RETURN(l.chunk, cue::cli::parseInt(a.value("-chunk"), "-chunk"));
  }
  if (a.has("-cores")) {
    ASSIGN_OR_RETURN(l.cores, cue::cli::parseNumber(a.value("-cores"), "-cores"));
  }
  if (a.has("-memory")) l.memory = a.value("-memory");
  if (a.has("-gpus")) {
    ASSIGN_OR_RETURN(l.gpus, cue::cli::parseInt(a.value("-gpus"), "-gpus"));
  }
  if (a.has("-gpu-memory")) l.gpu_memory = a.value("-gpu-memory");
  if (a.has("-service")) l.services = splitList(a.values("-service"));
  if (a.has("-tags")) l.tags = splitList(a.values("-tags"));
  if (a.has("-limits")) l.limits = splitList(a.values("-limits"));
  if (a.has("-depend")) {
    std::string d = absl::AsciiStrToLower(a.value("-depend"));
    l.depend = d == "layer"   ? LayerDepend::kLayerOnLayer
               : d == "frame" ? LayerDepend::kFrameByFrame
                              : LayerDepend::kNone;
  }
  return absl::OkStatus();
}

std::string firstLayerFlag(const Args& a) {
  for (const auto& f : kLayerFlags)
    if (a.has(f)) return f;
  return "";
}

std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

absl::Status fillHeader(const Parsed& p, JobBuild& job) {
  auto bad = [](const std::string& m) { return absl::InvalidArgumentError(m); };
  if (p.has("-name")) job.name = p.value("-name");
  job.show = p.value("-show", envOr("SHOW", ""));
  if (job.show.empty()) return bad("no show: give -show SHOW (or set $SHOW)");
  job.shot = p.value("-shot", envOr("SHOT", "default"));
  const std::string login = cue::cli::currentUser();
  job.user = p.value("-user", login);
  if (job.user.empty()) return bad("no user: give -user NAME");
  if (job.user == "root") {
    return bad("the job would belong to root, which cuebot refuses: give -user NAME, the user "
               "the frames should run as");
  }
  // The submitter's uid goes with its own name, as pyoutline sends it; for another user the
  // render host looks the name up.
  if (job.user == login && getuid() > 0) job.uid = static_cast<int>(getuid());
  job.facility = p.value("-facility");
  if (p.has("-priority")) {
    ASSIGN_OR_RETURN(job.priority, cue::cli::parseInt(p.value("-priority"), "-priority"));
  }
  if (p.has("-max-retries")) {
    ASSIGN_OR_RETURN(job.max_retries, cue::cli::parseInt(p.value("-max-retries"), "-max-retries"));
  }
  job.paused = p.has("-pause");
  job.email = p.value("-email");
  return absl::OkStatus();
}

absl::StatusOr<JobBuild> jobFromFlags(const Parsed& p) {
  JobBuild job;
  RETURN_IF_ERROR(fillHeader(p, job));
  if (job.name.empty()) return absl::InvalidArgumentError("no job name: give -name NAME");
  if (std::string f = firstLayerFlag(p.pieces[0]); !f.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(f, " comes before any -layer: start each layer with -layer NAME"));
  }
  for (size_t i = 1; i < p.pieces.size(); ++i) {
    LayerBuild l;
    l.name = p.pieces[i].value("-layer");
    RETURN_IF_ERROR(applyLayerFlags(p.pieces[i], l));
    job.layers.push_back(std::move(l));
  }
  if (job.layers.empty()) return absl::InvalidArgumentError("no layers: give -layer NAME -cmd ...");
  if (!p.command_argv.empty()) {
    LayerBuild& last = job.layers.back();
    if (!last.command.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layer ", last.name, " has both -cmd and a command after --: give one"));
    }
    last.command = cue::client::shellJoin(p.command_argv);
  }
  return job;
}

absl::StatusOr<JobBuild> jobFromCuecmd(const Parsed& p) {
  auto bad = [](const std::string& m) { return absl::InvalidArgumentError(m); };
  if (p.pieces.size() > 2) return bad("-cuecmd makes one layer: give -layer at most once");
  if (!p.command_argv.empty()) return bad("-cuecmd takes its commands from the file, not after --");
  cue::client::CommandFileOptions options;
  for (const auto& piece : p.pieces) {
    for (const char* f : {"-cmd", "-range", "-depend"}) {
      if (piece.has(f))
        return bad(absl::StrCat(f, " does not go with -cuecmd: the frames are the file's lines"));
    }
    if (piece.has("-chunk")) {
      ASSIGN_OR_RETURN(options.commands_per_frame,
                       cue::cli::parseInt(piece.value("-chunk"), "-chunk"));
    }
    RETURN_IF_ERROR(applyLayerFlags(piece, options.layer));
    if (piece.has("-layer")) options.layer.name = piece.value("-layer");
  }
  const std::string path = p.value("-cuecmd");
  RETURN_IF_ERROR(fillHeader(p, options.job));
  if (options.job.name.empty() && path != "-") {
    // The file's name, as a job name: "renders.txt" -> "renders".
    std::string stem = std::filesystem::path(path).stem().string();
    for (char& c : stem)
      if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != '-') c = '_';
    options.job.name = stem;
  }
  if (options.job.name.size() < 3) {
    return bad(absl::StrCat("no usable job name from ", path == "-" ? "stdin" : path,
                            ": give -name NAME"));
  }
  ASSIGN_OR_RETURN(std::string text, readInput(path));
  return cue::client::jobFromCommandFile(text, options);
}

// The spec to send, from a file or built from flags. Errors are the user's (exit 2).
absl::StatusOr<std::string> specToSend(const Parsed& p) {
  bool building = p.pieces.size() > 1 || p.has("-cuecmd") || !p.command_argv.empty() ||
                  !firstLayerFlag(p.pieces[0]).empty() ||
                  std::any_of(kJobFlags.begin(), kJobFlags.end(),
                              [&](const std::string& f) { return p.has(f); });
  if (!p.positionals.empty()) {
    if (p.positionals.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "one spec file at a time, got ", p.positionals.size(), " (", p.positionals[0], ", ",
          p.positionals[1], ")"));
    }
    if (building) {
      return absl::InvalidArgumentError(
          "give a spec file or build the job from flags, not both");
    }
    ASSIGN_OR_RETURN(std::string xml, readInput(p.positionals[0]));
    if (p.has("-pretend")) {  // nothing goes to cuebot: check it here
      auto spec = cue::core::parseJobSpec(xml);
      if (!spec.ok()) return spec.status();
    }
    return xml;
  }
  if (!building) {
    return absl::InvalidArgumentError(
        "nothing to submit: give a spec file (- for stdin), -layer ... or -cuecmd FILE; "
        "see cuesubmit --help");
  }
  ASSIGN_OR_RETURN(JobBuild job, p.has("-cuecmd") ? jobFromCuecmd(p) : jobFromFlags(p));
  return cue::client::buildSpecXml(job);
}

// ---- following the jobs ----

struct Progress {
  cue::core::FrameCounts c;
  bool finished = true;
  int running() const { return c.running + c.setup + c.checkpoint; }
  int done() const { return c.succeeded + c.eaten; }
};

Progress progress(const std::vector<cue::core::JobView>& jobs) {
  Progress p;
  for (const auto& j : jobs) {
    const auto& s = j.counts;
    p.c.total += s.total;
    p.c.succeeded += s.succeeded;
    p.c.running += s.running;
    p.c.setup += s.setup;
    p.c.checkpoint += s.checkpoint;
    p.c.waiting += s.waiting;
    p.c.depend += s.depend;
    p.c.dead += s.dead;
    p.c.eaten += s.eaten;
    p.c.max_rss = std::max(p.c.max_rss, s.max_rss);
    if (j.job.state != cue::core::JobState::kFinished) p.finished = false;
  }
  return p;
}

std::string progressLine(const Progress& p) {
  return absl::StrCat("frames: ", p.done(), "/", p.c.total, " done, ", p.running(), " running, ",
                      p.c.waiting + p.c.depend, " waiting, ", p.c.dead, " dead");
}

std::string bar(const Progress& p, int width = 30) {
  int filled = p.c.total > 0 ? p.done() * width / p.c.total : 0;
  int failed = p.c.total > 0 ? std::max(p.c.dead > 0 ? 1 : 0, p.c.dead * width / p.c.total) : 0;
  failed = std::min(failed, width - filled);
  return absl::StrCat("[", std::string(filled, '#'), std::string(failed, '!'),
                      std::string(width - filled - failed, '.'), "] ");
}

// Follows `names` until every frame is done, or nothing can move (frames left in DEPEND
// wait on dead frames, and will not move without a retry or an eat). Returns the exit code.
int follow(cue::client::Client& client, const std::vector<std::string>& names, double poll,
           std::chrono::steady_clock::time_point start) {
  const bool tty = isatty(STDERR_FILENO);
  Progress p;
  std::string last;
  bool lost = false;
  while (true) {
    auto jobs = client.getJobsByName(names);
    if (!jobs.ok()) {
      if (!lost)
        std::cerr << (tty ? "\n" : "") << kTool << ": lost cuebot at " << client.address() << ": "
                  << oneLine(jobs.status().message()) << " (retrying)\n";
      lost = true;
    } else if (jobs->empty()) {
      std::cerr << (tty ? "\n" : "") << kTool
                << ": the jobs are no longer on cuebot (removed?); nothing to follow\n";
      return cue::cli::kExitNotFound;
    } else {
      lost = false;
      p = progress(*jobs);
      std::string line = progressLine(p);
      if (tty) {
        std::cerr << "\r" << bar(p) << line << "\x1b[K" << std::flush;
      } else if (line != last) {
        std::cerr << line << "\n";
      }
      last = line;
      if (p.finished || (p.c.total > 0 && p.running() == 0 && p.c.waiting == 0 &&
                         (p.c.depend == 0 || p.c.dead > 0)))
        break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(poll * 1000)));
  }
  if (tty) std::cerr << "\n";
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << kTool << ": " << p.c.succeeded << " succeeded, " << p.c.dead << " dead, "
            << p.c.eaten << " eaten of " << p.c.total << " frames; wall time "
            << (wall < 60 ? absl::StrFormat("%.1f s", wall)
                          : cue::cli::formatDuration(static_cast<int64_t>(wall)))
            << ", max RSS "
            << (p.c.max_rss > 0 ? cue::cli::formatMem(p.c.max_rss) : "n/a") << "\n";
  if (p.c.dead > 0) {
    std::cerr << kTool << ": " << p.c.dead << " frames died"
              << (p.c.depend > 0 ? ", and " + std::to_string(p.c.depend) + " frames wait on them"
                                 : "")
              << "; see their logs, then retry or eat them\n";
    return cue::cli::kExitFailed;
  }
  if (p.done() < p.c.total) {
    std::cerr << kTool << ": " << p.c.total - p.done()
              << " frames did not finish (was the job killed?)\n";
    return cue::cli::kExitFailed;
  }
  return cue::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const ArgParser parser = makeParser();
  auto parsed = parseArgv(parser, argc, argv);
  if (!parsed.ok()) return cue::cli::usage(kTool, std::string(parsed.status().message()));
  const Parsed& p = *parsed;
  if (p.has("-h")) {
    std::cout << parser.help();
    return cue::cli::kExitOk;
  }
  if (p.has("-completion")) {
    std::cout << parser.bashCompletion();
    return cue::cli::kExitOk;
  }
  double poll = 1.0;
  if (p.has("-poll")) {
    auto v = cue::cli::parseNumber(p.value("-poll"), "-poll");
    if (!v.ok() || *v <= 0 || *v > 3600)
      return usageError("-poll needs a number of seconds above 0, at most 3600");
    poll = *v;
  }
  auto xml = specToSend(p);
  if (!xml.ok()) return usageError(std::string(xml.status().message()));
  if (p.has("-pretend")) {
    std::cout << *xml << (absl::EndsWith(*xml, "\n") ? "" : "\n");
    return cue::cli::kExitOk;
  }

  cue::client::ClientOptions options;
  options.servers = p.servers;
  options.facility = p.value("-facility");
  auto client = cue::client::connect(options);
  if (!client.ok()) return failWith("", client.status());
  if (p.has("-verbose"))
    std::cerr << "cuebot: " << client->address() << " (from " << client->config().source << ")\n";
  const auto start = std::chrono::steady_clock::now();
  auto names = client->launchSpec(*xml);
  if (!names.ok()) {
    if (names.status().code() == absl::StatusCode::kUnavailable ||
        names.status().code() == absl::StatusCode::kDeadlineExceeded)
      return failWith("", names.status());
    std::string hint;
    if (names.status().code() == absl::StatusCode::kAlreadyExists)
      hint = "; name the job differently, or kill the pending one";
    else if (names.status().code() == absl::StatusCode::kNotFound)
      hint = "; fix the name, or create it first (cueadmin)";
    std::cerr << kTool << ": cuebot at " << client->address()
              << " refused the job: " << oneLine(names.status().message()) << hint << "\n";
    return cue::cli::exitCodeFor(names.status());
  }
  for (const auto& n : *names) std::cout << n << "\n";
  std::cout.flush();
  if (!p.has("-wait")) return cue::cli::kExitOk;
  return follow(*client, *names, poll, start);
}
