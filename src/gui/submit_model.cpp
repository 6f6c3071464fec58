// cuesubmit-gui's submission model: commands per layer type, field checks, JobBuild, submit.
#include "gui/submit_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/client.h"
#include "core/command_tokens.h"
#include "core/frame_set.h"
#include "core/job_spec.h"

namespace cue::gui {
namespace {

constexpr double kMaxCoresPerFrame = 24.0;  // as client::buildSpecXml

bool nameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-'; }

// cuebot's names: at least 3 of letters, digits, '_', '.', '-'.
bool validName(std::string_view s) {
  return s.size() >= 3 && std::all_of(s.begin(), s.end(), nameChar);
}

std::string conformed(std::string_view s) {
  std::string out = absl::AsciiStrToLower(std::string(s));
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// Debian's Abseil has its own string_view.
absl::string_view av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool blank(std::string_view s) { return absl::StripAsciiWhitespace(av(s)).empty(); }

std::string stripped(std::string_view s) { return std::string(absl::StripAsciiWhitespace(av(s))); }

// "A-B" with step 1 and A <= B: Blender renders it with -s/-e/-a, any chunk.
bool plainRange(const std::string& range) {
  static const std::regex kPlain(R"(^\s*(-?\d+)-(-?\d+)\s*$)");
  std::smatch m;
  if (!std::regex_match(range, m, kPlain)) return false;
  return std::atoll(m[1].str().c_str()) <= std::atoll(m[2].str().c_str());
}

std::string executableOf(const SubmitLayer& layer) {
  return blank(layer.executable) ? defaultExecutable(layer.type) : stripped(layer.executable);
}

// The executable may carry its own arguments ("blender --factory-startup"): split on spaces,
// then quote the rest for the shell.
std::vector<std::string> argvStart(const SubmitLayer& layer) {
  return absl::StrSplit(executableOf(layer), ' ', absl::SkipEmpty());
}

// "#FRAME_START#": cuebot replaces it before the shell reads the line, so it stays unquoted.
bool isToken(const std::string& arg) {
  return arg.size() > 2 && arg.front() == '#' && arg.back() == '#' &&
         std::all_of(arg.begin() + 1, arg.end() - 1,
                     [](char c) { return absl::ascii_isupper(c) || c == '_'; });
}

std::string joinCommand(const std::vector<std::string>& head, const std::vector<std::string>& args) {
  std::string out = absl::StrJoin(head, " ");
  for (const auto& arg : args) absl::StrAppend(&out, " ", isToken(arg) ? arg : client::shellJoin({arg}));
  return out;
}

std::string layerLabel(const SubmitJob& job, int index) {
  std::string label = absl::StrCat("layer ", index + 1);
  if (index >= 0 && index < static_cast<int>(job.layers.size()) &&
      !job.layers[index].name.empty()) {
    absl::StrAppend(&label, " \"", job.layers[index].name, "\"");
  }
  return label;
}

void checkLayer(const SubmitJob& job, int index, std::set<std::string>& names,
                std::vector<FieldError>& errors) {
  const SubmitLayer& l = job.layers[index];
  auto fail = [&](std::string field, std::string message) {
    errors.push_back({index, std::move(field), std::move(message)});
  };
  if (!validName(l.name)) {
    fail("name", l.name.empty() ? "is empty; give the layer a name such as render"
                                : "use at least 3 letters, digits, '_', '.' or '-'");
  } else if (!names.insert(conformed(l.name)).second) {
    fail("name", "another layer has this name; rename one");
  }
  switch (l.type) {
    case SubmitLayerType::kShell:
      if (blank(l.command)) fail("command", "is empty; give the shell command its frames run");
      break;
    case SubmitLayerType::kBlender:
    case SubmitLayerType::kMaya:
    case SubmitLayerType::kNuke:
      if (blank(l.scene)) {
        fail("scene", l.type == SubmitLayerType::kNuke ? "is empty; give the Nuke script"
                                                       : "is empty; give the scene file");
      }
      break;
  }
  if (l.type == SubmitLayerType::kBlender && !l.output_format.empty() &&
      !std::all_of(l.output_format.begin(), l.output_format.end(),
                   [](char c) { return absl::ascii_isalnum(c) || c == '_'; })) {
    fail("output format", "is not a Blender format such as PNG or EXR");
  }
  const bool chunk_one_frame =
      l.type == SubmitLayerType::kNuke ||
      (l.type == SubmitLayerType::kBlender && !plainRange(l.range));
  if (blank(l.range)) {
    fail("range", "is empty; give frames such as 1-100");
  } else if (auto frames = core::FrameSet::parse(l.range); !frames.ok()) {
    fail("range", absl::StrCat(frames.status().message(), "; write e.g. 1-100, 1-100x2 or 1,5,9"));
  }
  if (l.chunk < 1) {
    fail("chunk", "is below 1 frame per task");
  } else if (l.chunk > 1 && chunk_one_frame) {
    fail("chunk", l.type == SubmitLayerType::kNuke
                      ? "must be 1: a Nuke task renders one frame (-F #IFRAME#)"
                      : "must be 1 unless the range is a plain A-B (Blender renders one "
                        "frame per task otherwise)");
  }
  if (l.cores) {
    const double c = *l.cores;
    if (!std::isfinite(c) || c < 0) fail("cores", "is negative; give cores per frame, e.g. 1");
    else if (c > 0 && c < 0.1) fail("cores", "is below the least a frame can book, 0.1");
    else if (c > kMaxCoresPerFrame) fail("cores", "is above the most a frame can ask, 24");
  }
  auto checkSize = [&](const std::string& field, const std::string& text) {
    if (text.empty()) return;
    auto kb = core::parseSpecMemory(text);
    if (!kb.ok() || *kb <= 0) fail(field, "is not a size: write e.g. 512m or 4g (a bare number is GB)");
  };
  checkSize("memory", l.memory);
  if (l.gpus < 0) fail("GPUs", "is negative");
  checkSize("GPU memory", l.gpu_memory);
  for (const auto& tag : l.tags) {
    if (!validName(tag)) {
      fail("tags", absl::StrCat("\"", tag, "\" is not a tag: use at least 3 letters, digits, '_', '.' or '-'"));
      break;
    }
  }
  for (const auto& s : l.services) {
    if (blank(s)) { fail("services", "has an empty name"); break; }
  }
  for (const auto& s : l.limits) {
    if (blank(s)) { fail("limits", "has an empty name"); break; }
  }
}

}  // namespace

std::string layerTypeName(SubmitLayerType type) {
  switch (type) {
    case SubmitLayerType::kShell: return "Shell";
    case SubmitLayerType::kBlender: return "Blender";
    case SubmitLayerType::kMaya: return "Maya";
    case SubmitLayerType::kNuke: return "Nuke";
  }
  return "Shell";
}

std::optional<SubmitLayerType> parseLayerType(std::string_view text) {
  const std::string t = absl::AsciiStrToLower(stripped(text));
  for (auto type : {SubmitLayerType::kShell, SubmitLayerType::kBlender, SubmitLayerType::kMaya,
                    SubmitLayerType::kNuke}) {
    if (t == absl::AsciiStrToLower(layerTypeName(type))) return type;
  }
  return std::nullopt;
}

std::string defaultExecutable(SubmitLayerType type) {
  switch (type) {
    case SubmitLayerType::kShell: return "";
    case SubmitLayerType::kBlender: return "blender";
    case SubmitLayerType::kMaya: return "Render";
    case SubmitLayerType::kNuke: return "nuke";
  }
  return "";
}

const std::vector<std::string>& blenderFormats() {
  static const std::vector<std::string> kFormats = {
      "",     "PNG",  "EXR",    "MULTILAYER", "JPEG",   "TIFF",   "DPX",    "CINEON", "HDR",
      "TGA",  "RAWTGA", "BMP",  "IRIS",       "IRIZ",   "JP2",    "AVIJPEG", "AVIRAW", "MPEG"};
  return kFormats;
}

SubmitJob defaultSubmitJob() {
  SubmitJob job;
  if (const char* user = std::getenv("USER"); user != nullptr) job.user = user;
  job.shot = "default";
  SubmitLayer layer;
  layer.name = "render";
  job.layers.push_back(layer);
  return job;
}

std::string FieldError::text(const SubmitJob& job) const {
  if (layer < 0) return absl::StrCat("job ", field, ": ", message);
  return absl::StrCat(layerLabel(job, layer), " ", field, ": ", message);
}

std::vector<FieldError> validateSubmitJob(const SubmitJob& job) {
  std::vector<FieldError> errors;
  auto fail = [&](std::string field, std::string message) {
    errors.push_back({-1, std::move(field), std::move(message)});
  };
  if (!validName(job.name)) {
    fail("name", job.name.empty() ? "is empty; give the job a name"
                                  : "use at least 3 letters, digits, '_', '.' or '-'");
  }
  if (blank(job.show)) fail("show", "is empty; pick the show the job belongs to");
  else if (!validName(job.show)) fail("show", "use at least 3 letters, digits, '_', '.' or '-'");
  if (blank(job.shot)) fail("shot", "is empty; give the shot the job belongs to");
  if (blank(job.user)) fail("user", "is empty; give the user who owns the job");
  else if (job.user == "root") fail("user", "root may not own jobs (cuebot refuses it)");
  if (job.max_retries < 0 || job.max_retries > 1) fail("max retries", "must be 0 or 1");
  if (job.layers.empty()) fail("layers", "the job has no layers; add one");
  std::set<std::string> names;
  for (int i = 0; i < static_cast<int>(job.layers.size()); ++i) checkLayer(job, i, names, errors);
  return errors;
}

absl::StatusOr<std::string> layerCommand(const SubmitLayer& l) {
  auto missing = [&](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("layer \"", l.name, "\": no ", av(what)));
  };
  switch (l.type) {
    case SubmitLayerType::kShell:
      if (blank(l.command)) return missing("command");
      return stripped(l.command);
    case SubmitLayerType::kBlender: {
      if (blank(l.scene)) return missing("scene file");
      std::vector<std::string> args = {"-b", "-noaudio", stripped(l.scene)};
      if (!blank(l.output_path)) args.insert(args.end(), {"-o", stripped(l.output_path)});
      if (!blank(l.output_format)) args.insert(args.end(), {"-F", stripped(l.output_format)});
      if (plainRange(l.range)) {
        args.insert(args.end(), {"-s", "#FRAME_START#", "-e", "#FRAME_END#", "-a"});
      } else {
        args.insert(args.end(), {"-f", "#IFRAME#"});
      }
      return joinCommand(argvStart(l), args);
    }
    case SubmitLayerType::kMaya: {
      if (blank(l.scene)) return missing("scene file");
      std::vector<std::string> args = {"-r", "file", "-s", "#FRAME_START#", "-e", "#FRAME_END#"};
      if (!blank(l.camera)) args.insert(args.end(), {"-cam", stripped(l.camera)});
      args.push_back(stripped(l.scene));
      return joinCommand(argvStart(l), args);
    }
    case SubmitLayerType::kNuke: {
      if (blank(l.scene)) return missing("Nuke script");
      std::vector<std::string> args = {"-F", "#IFRAME#"};
      if (!blank(l.write_nodes)) args.insert(args.end(), {"-X", stripped(l.write_nodes)});
      args.insert(args.end(), {"-x", stripped(l.scene)});
      return joinCommand(argvStart(l), args);
    }
  }
  return missing("layer type");
}

std::string previewFirstTask(const SubmitJob& job, const SubmitLayer& layer) {
  auto command = layerCommand(layer);
  if (!command.ok()) return std::string(command.status().message());
  auto frames = core::FrameSet::parse(layer.range);
  if (!frames.ok()) return *command;
  const auto chunks = core::chunkFrames(*frames, std::max(1, layer.chunk));
  if (chunks.empty()) return *command;
  core::CommandContext ctx;
  ctx.job = absl::StrCat(job.show, "-", job.shot, "-", job.user, "_", job.name);
  ctx.layer = layer.name;
  ctx.frame_number = chunks.front().number;
  ctx.chunk_frames = chunks.front().frames;
  ctx.chunk_size = std::max(1, layer.chunk);
  return core::substituteCommandTokens(*command, ctx);
}

absl::StatusOr<client::JobBuild> toJobBuild(const SubmitJob& job) {
  const auto errors = validateSubmitJob(job);
  if (!errors.empty()) {
    std::vector<std::string> lines;
    for (const auto& e : errors) lines.push_back(e.text(job));
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  client::JobBuild build;
  build.name = job.name;
  build.show = stripped(job.show);
  build.shot = stripped(job.shot);
  build.user = stripped(job.user);
  build.facility = job.facility;
  build.priority = job.priority;
  build.max_retries = job.max_retries;
  build.paused = job.paused;
  for (size_t i = 0; i < job.layers.size(); ++i) {
    const SubmitLayer& l = job.layers[i];
    client::LayerBuild lb;
    lb.name = l.name;
    auto command = layerCommand(l);
    if (!command.ok()) return command.status();
    lb.command = *command;
    lb.range = stripped(l.range);
    lb.chunk = l.chunk;
    lb.cores = l.cores;
    lb.memory = stripped(l.memory);
    if (l.gpus > 0) lb.gpus = l.gpus;
    lb.gpu_memory = stripped(l.gpu_memory);
    lb.services = l.services;
    lb.tags = l.tags;
    lb.limits = l.limits;
    lb.depend = i == 0 ? client::LayerDepend::kNone : l.depend;
    build.layers.push_back(std::move(lb));
  }
  return build;
}

absl::StatusOr<std::vector<std::string>> submitJob(client::Client& client, const SubmitJob& job) {
  auto build = toJobBuild(job);
  if (!build.ok()) return build.status();
  auto xml = client::buildSpecXml(*build);
  if (!xml.ok()) return xml.status();
  return client.launchSpec(*xml);
}

absl::StatusOr<SubmitJob> applyPrefill(SubmitJob job, const SubmitPrefill& p) {
  auto set = [](const std::optional<std::string>& from, std::string& to) {
    if (from) to = *from;
  };
  set(p.job_name, job.name);
  set(p.show, job.show);
  set(p.shot, job.shot);
  set(p.user, job.user);
  if (!(p.layer_type || p.layer_name || p.command || p.scene || p.output_path ||
        p.output_format || p.range || p.chunk)) {
    return job;
  }
  SubmitLayer layer;
  layer.name = "render";
  if (p.layer_type) {
    auto type = parseLayerType(*p.layer_type);
    if (!type) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layer type \"", *p.layer_type, "\" is not one of shell, blender, maya, nuke"));
    }
    layer.type = *type;
  }
  set(p.layer_name, layer.name);
  set(p.command, layer.command);
  set(p.scene, layer.scene);
  set(p.output_path, layer.output_path);
  set(p.output_format, layer.output_format);
  set(p.range, layer.range);
  if (p.chunk) layer.chunk = *p.chunk;
  job.layers = {layer};
  return job;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(av(text), ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

}  // namespace cue::gui
