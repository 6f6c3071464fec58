#include "client/spec_builder.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include <pugixml.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "core/frame_set.h"
#include "core/job_spec.h"

namespace cue::client {
namespace {

constexpr const char* kDoctype =
    "spec PUBLIC \"SPI Cue  Specification Language\" "
    "\"http://localhost:8080/spcue/dtd/cjsl-1.15.dtd\"";
constexpr double kMaxCoresPerFrame = 24.0;  // a spec's <cores> is clamped to 2400 units

absl::Status invalid(absl::string_view what) { return absl::InvalidArgumentError(what); }

std::string quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

bool nameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-'; }

// cuebot's NAME_REGEX ^[\w.-]{3,}$.
bool validName(absl::string_view s) {
  return s.size() >= 3 && std::all_of(s.begin(), s.end(), nameChar);
}

// A layer or shot name as cuebot conforms it: '-' -> '_', lower case.
std::string conformed(absl::string_view s) {
  std::string out = absl::AsciiStrToLower(std::string(s));
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

absl::Status checkName(absl::string_view kind, absl::string_view name) {
  if (validName(name)) return absl::OkStatus();
  return invalid(absl::StrCat(kind, " name ", quote(name),
                              " is not valid: use at least 3 letters, digits, '_', '.' or '-'"));
}

// "4096m", "4g" or fractional megabytes: what parseSpecMemory reads back to the same KB.
absl::StatusOr<std::string> memoryText(absl::string_view what, const std::string& text) {
  auto kb = core::parseSpecMemory(text);
  if (!kb.ok() || *kb <= 0) {
    return invalid(absl::StrCat(what, " ", quote(text),
                                " is not a size: write e.g. 512m or 4g (a bare number is GB)"));
  }
  constexpr core::MemoryKb kMb = 1024, kGb = 1024 * 1024;
  if (*kb % kGb == 0) return absl::StrCat(*kb / kGb, "g");
  if (*kb % kMb == 0) return absl::StrCat(*kb / kMb, "m");
  std::string mb = absl::StrFormat("%.10f", static_cast<double>(*kb) / kMb);
  mb.erase(mb.find_last_not_of('0') + 1);
  return absl::StrCat(mb, "m");
}

absl::StatusOr<std::string> coresText(absl::string_view layer, double cores) {
  if (!std::isfinite(cores) || cores < 0) {
    return invalid(absl::StrCat("layer ", quote(layer), ": cores ", cores,
                                " is negative; give cores per frame, e.g. 1 or 0.5"));
  }
  if (cores > 0 && cores < 0.1) {
    return invalid(absl::StrCat("layer ", quote(layer), ": cores ", cores,
                                " is below the least a frame can book, 0.1"));
  }
  if (cores > kMaxCoresPerFrame) {
    return invalid(absl::StrCat("layer ", quote(layer), ": cores ", cores,
                                " is above the most a spec can ask per frame, 24"));
  }
  double tenths = cores * 10;
  if (std::abs(tenths - std::round(tenths)) < 1e-9) return absl::StrFormat("%.1f", cores);
  return absl::StrFormat("%.2f", cores);  // 1/100 core is the finest a spec can say
}

absl::Status checkTag(absl::string_view layer, absl::string_view tag) {
  if (validName(tag)) return absl::OkStatus();
  return invalid(absl::StrCat("layer ", quote(layer), ": tag ", quote(tag),
                              " is not valid: use at least 3 letters, digits, '_', '.' or '-'"));
}

void text(pugi::xml_node parent, const char* name, absl::string_view value) {
  parent.append_child(name).text().set(std::string(value).c_str());
}

absl::Status addLayer(pugi::xml_node layers, const LayerBuild& l, std::set<std::string>& names) {
  RETURN_IF_ERROR(checkName("layer", l.name));
  if (!names.insert(conformed(l.name)).second)
    return invalid(absl::StrCat("two layers are named ", quote(l.name), "; rename one"));
  auto where = [&] { return absl::StrCat("layer ", quote(l.name), ": "); };
  if (absl::StripAsciiWhitespace(l.command).empty())
    return invalid(absl::StrCat(where(), "no command; give the shell command its frames run"));
  if (l.range.empty())
    return invalid(absl::StrCat(where(), "no frame range; give one such as 1-100"));
  auto frames = core::FrameSet::parse(l.range);
  if (!frames.ok()) {
    return invalid(absl::StrCat(where(), frames.status().message(),
                                "; write e.g. 1-100, 1-100x2 or 1,5,9"));
  }
  if (l.chunk < 1)
    return invalid(absl::StrCat(where(), "chunk ", l.chunk, " is below 1 frame per task"));
  pugi::xml_node node = layers.append_child("layer");
  node.append_attribute("name").set_value(l.name.c_str());
  node.append_attribute("type").set_value("Render");
  text(node, "cmd", l.command);
  text(node, "range", l.range);
  text(node, "chunk", absl::StrCat(l.chunk));
  if (l.cores) {
    ASSIGN_OR_RETURN(std::string cores, coresText(l.name, *l.cores));
    text(node, "cores", cores);
  }
  if (!l.memory.empty()) {
    ASSIGN_OR_RETURN(std::string memory, memoryText(where() + "memory", l.memory));
    text(node, "memory", memory);
  }
  if (l.gpus && *l.gpus < 0)
    return invalid(absl::StrCat(where(), "gpus ", *l.gpus, " is negative"));
  if ((l.gpus && *l.gpus > 0) || !l.gpu_memory.empty()) {
    // As pyoutline: cuebot wants both, and positive, once either is asked for.
    std::string gpu_memory = "1g";
    if (!l.gpu_memory.empty()) {
      ASSIGN_OR_RETURN(gpu_memory, memoryText(where() + "GPU memory", l.gpu_memory));
    }
    text(node, "gpus", absl::StrCat(l.gpus && *l.gpus > 0 ? *l.gpus : 1));
    text(node, "gpu_memory", gpu_memory);
  }
  if (!l.tags.empty()) {
    for (const auto& t : l.tags) RETURN_IF_ERROR(checkTag(l.name, t));
    text(node, "tags", absl::StrJoin(l.tags, " | "));
  }
  if (!l.limits.empty()) {
    pugi::xml_node limits = node.append_child("limits");
    for (const auto& name : l.limits) {
      if (absl::StripAsciiWhitespace(name).empty())
        return invalid(absl::StrCat(where(), "an empty limit name"));
      text(limits, "limit", name);
    }
  }
  node.append_child("env");
  pugi::xml_node services = node.append_child("services");
  for (const auto& name : l.services) {
    if (absl::StripAsciiWhitespace(name).empty())
      return invalid(absl::StrCat(where(), "an empty service name"));
    text(services, "service", name);
  }
  if (l.services.empty()) text(services, "service", "default");  // as pyoutline
  node.append_child("outputs");
  return absl::OkStatus();
}

void addDepend(pugi::xml_node depends, const std::string& job, const LayerBuild& layer,
               const LayerBuild& on) {
  pugi::xml_node d = depends.append_child("depend");
  d.append_attribute("type").set_value(layer.depend == LayerDepend::kFrameByFrame
                                           ? "FRAME_BY_FRAME"
                                           : "LAYER_ON_LAYER");
  d.append_attribute("anyframe").set_value("False");
  text(d, "depjob", job);
  text(d, "deplayer", layer.name);
  text(d, "onjob", job);
  text(d, "onlayer", on.name);
}

absl::Status checkHeader(const JobBuild& job) {
  RETURN_IF_ERROR(checkName("job", job.name));
  if (job.show.empty()) return invalid("no show; give the show the job belongs to");
  if (!validName(job.show)) return checkName("show", job.show);
  if (job.shot.empty()) return invalid("no shot; give the shot the job belongs to");
  if (!validName(conformed(job.shot))) return checkName("shot", job.shot);
  if (job.user.empty()) return invalid("no user; give the user who owns the job");
  if (job.user == "root")
    return invalid("user \"root\" may not own jobs (cuebot refuses it); submit as another user");
  if (job.uid && *job.uid <= 0)
    return invalid(absl::StrCat("uid ", *job.uid, " is not allowed; frames may not run as root"));
  if (job.max_retries && (*job.max_retries < 0 || *job.max_retries > 1)) {
    // cuebot clamps a spec's <maxretries> to [0, 1] (JobSpec.FRAME_RETRIES_MIN/MAX).
    return invalid(absl::StrCat("max retries ", *job.max_retries,
                                ": a spec may ask for 0 or 1; set more on the launched job"));
  }
  if (job.layers.empty()) return invalid("the job has no layers; give at least one");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> buildSpecXml(const JobBuild& job) {
  RETURN_IF_ERROR(checkHeader(job));
  pugi::xml_document doc;
  doc.append_child(pugi::node_doctype).set_value(kDoctype);
  pugi::xml_node spec = doc.append_child("spec");
  if (!job.facility.empty()) text(spec, "facility", job.facility);
  text(spec, "show", job.show);
  text(spec, "shot", job.shot);
  text(spec, "user", job.user);
  if (!job.email.empty()) text(spec, "email", job.email);
  if (job.uid) text(spec, "uid", absl::StrCat(*job.uid));
  pugi::xml_node j = spec.append_child("job");
  j.append_attribute("name").set_value(job.name.c_str());
  text(j, "paused", job.paused ? "True" : "False");
  if (job.priority) text(j, "priority", absl::StrCat(*job.priority));
  if (job.max_retries) text(j, "maxretries", absl::StrCat(*job.max_retries));
  text(j, "autoeat", "False");
  j.append_child("env");
  pugi::xml_node layers = j.append_child("layers");
  std::set<std::string> names;
  for (const auto& l : job.layers) RETURN_IF_ERROR(addLayer(layers, l, names));
  pugi::xml_node depends = spec.append_child("depends");
  for (size_t i = 0; i < job.layers.size(); ++i) {
    if (job.layers[i].depend == LayerDepend::kNone) continue;
    if (i == 0) {
      return invalid(absl::StrCat("layer ", quote(job.layers[i].name),
                                  " depends on the layer before it, but it is the first layer"));
    }
    addDepend(depends, job.name, job.layers[i], job.layers[i - 1]);
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
  std::string xml = absl::StrCat("<?xml version=\"1.0\"?>\n", out.str());
  // What cuebot will make of it: anything the checks above missed is said here.
  auto parsed = core::parseJobSpec(xml);
  if (!parsed.ok())
    return invalid(absl::StrCat("the job is not valid: ", parsed.status().message()));
  return xml;
}

std::string shellJoin(const std::vector<std::string>& args) {
  std::vector<std::string> words;
  for (const auto& a : args) {
    // '#' starts a comment at the start of a word; "A=b" as the first word is an assignment.
    bool plain = !a.empty() && a[0] != '#' && !(words.empty() && absl::StrContains(a, '=')) &&
                 std::all_of(a.begin(), a.end(), [](char c) {
                   return absl::ascii_isalnum(c) ||
                          absl::string_view("_-./:=,+@%#").find(c) != absl::string_view::npos;
                 });
    if (plain) {
      words.push_back(a);
      continue;
    }
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    words.push_back(q + "'");
  }
  return absl::StrJoin(words, " ");
}

namespace {

struct CommandLine {
  int line;  // 1-based line in the file
  std::string text;
};

std::vector<CommandLine> commandLines(std::string_view text) {
  std::vector<CommandLine> out;
  int n = 0;
  for (absl::string_view raw : absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++n;
    absl::string_view line = absl::StripAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    out.push_back({n, std::string(line)});
  }
  return out;
}

std::string shellQuote(const std::string& s) { return shellJoin({s}); }

// The script's helper: runs one line in its own shell, and ends the frame with its status
// when it fails.
constexpr absl::string_view kRunLine =
    "run_line() { /bin/sh -c \"$2\" || { s=$?; echo \"cuecmd: line $1 failed with exit status "
    "$s\" >&2; exit $s; }; }; ";

// One frame's arm of the case script: "3) run_line 5 'cmd'; run_line 6 'cmd';;".
std::string frameArm(int frame, const std::vector<CommandLine>& cmds, size_t from, size_t to) {
  std::string arm = absl::StrCat(frame, ")");
  for (size_t i = from; i < to; ++i)
    absl::StrAppend(&arm, " run_line ", cmds[i].line, " ", shellQuote(cmds[i].text), ";");
  return arm + ";";
}

}  // namespace

absl::StatusOr<JobBuild> jobFromCommandFile(std::string_view text,
                                            const CommandFileOptions& options) {
  if (options.commands_per_frame < 1) {
    return invalid(absl::StrCat("chunk ", options.commands_per_frame,
                                " is below 1 command per frame"));
  }
  std::vector<CommandLine> cmds = commandLines(text);
  if (cmds.empty()) return invalid("the command file has no commands (one shell command a line)");
  const std::string base = options.layer.name.empty() ? "cuecmd" : options.layer.name;
  const std::string head = absl::StrCat(kRunLine, "case #IFRAME# in ");
  const std::string tail = " *) echo \"cuecmd: no commands for frame #IFRAME#\" >&2; exit 1;; esac";
  const size_t k = static_cast<size_t>(options.commands_per_frame);
  const int frames = static_cast<int>((cmds.size() + k - 1) / k);

  JobBuild job = options.job;
  job.layers.clear();
  std::string script;
  int first = 1;
  auto close = [&](int last) {
    LayerBuild l = options.layer;
    l.name = job.layers.empty() ? base : absl::StrCat(base, "_", job.layers.size() + 1);
    l.command = head + script + tail;
    l.range = first == last ? absl::StrCat(first) : absl::StrCat(first, "-", last);
    l.chunk = 1;
    l.depend = LayerDepend::kNone;
    job.layers.push_back(std::move(l));
    script.clear();
    first = last + 1;
  };
  for (int f = 1; f <= frames; ++f) {
    size_t from = (f - 1) * k, to = std::min(cmds.size(), f * k);
    std::string arm = frameArm(f, cmds, from, to);
    if (head.size() + arm.size() + 1 + tail.size() > options.max_script_bytes) {
      return invalid(absl::StrCat("the commands of frame ", f, " (lines ", cmds[from].line, "-",
                                  cmds[to - 1].line, ") take ", arm.size(),
                                  " bytes, more than one frame may run (",
                                  options.max_script_bytes, "); use a smaller chunk"));
    }
    if (!script.empty() &&
        head.size() + script.size() + 1 + arm.size() + tail.size() > options.max_script_bytes)
      close(f - 1);
    absl::StrAppend(&script, script.empty() ? "" : " ", arm);
  }
  close(frames);
  return job;
}

}  // namespace cue::client
