// CJSL job spec parsing. The rules are listed in job_spec.h; this file applies them in the order
// cuebot's JobSpec does: the <spec> header, then each <job> and its layers, then the depends.
#include "core/job_spec.h"

#include "core/spec_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <set>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "pugixml.hpp"

namespace cue::core {
namespace {

using namespace spec_text;  // NOLINT: the parser's own text rules

// ---- depend types ----------------------------------------------------------------------------

// Which names a depend type uses (DependManagerService.createDepend(BuildableDependency)).
struct DependNeeds {
  bool dep_layer = false, dep_frame = false, on_layer = false, on_frame = false;
};

DependNeeds dependNeeds(DependType type) {
  switch (type) {
    case DependType::kJobOnJob:
      return {};
    case DependType::kJobOnLayer:
      return {.on_layer = true};
    case DependType::kJobOnFrame:
      return {.on_frame = true};
    case DependType::kLayerOnJob:
      return {.dep_layer = true};
    case DependType::kLayerOnLayer:
      return {.dep_layer = true, .on_layer = true};
    // cuebot looks the frame up by <onlayer> here (a bug that makes the type unusable from a
    // spec); Cue reads <onframe>.
    case DependType::kLayerOnFrame:
      return {.dep_layer = true, .on_frame = true};
    case DependType::kFrameOnJob:
      return {.dep_frame = true};
    case DependType::kFrameOnLayer:
      return {.dep_frame = true, .on_layer = true};
    case DependType::kFrameOnFrame:
      return {.dep_frame = true, .on_frame = true};
    case DependType::kFrameByFrame:
      return {.dep_layer = true, .on_layer = true};
    case DependType::kPreviousFrame:
      return {.dep_layer = true, .on_layer = true};
    case DependType::kLayerOnSimFrame:
      return {.dep_layer = true, .on_frame = true};
  }
  return {};
}

// ---- positions -------------------------------------------------------------------------------

// Maps byte offsets in the XML text to 1-based lines and columns.
class LineIndex {
 public:
  explicit LineIndex(absl::string_view text) {
    starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  int line(ptrdiff_t offset) const {
    if (offset < 0) return 0;
    auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<size_t>(offset));
    return static_cast<int>(it - starts_.begin());
  }
  int column(ptrdiff_t offset) const {
    int l = line(offset);
    return l == 0 ? 0 : static_cast<int>(offset - starts_[l - 1]) + 1;
  }

 private:
  std::vector<size_t> starts_;
};

// ---- XML access ------------------------------------------------------------------------------

// The element's text: its text and CDATA children joined, trimmed.
std::string textOf(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string attributeOf(const pugi::xml_node& node, const char* name) {
  return std::string(absl::StripAsciiWhitespace(node.attribute(name).value()));
}

// "<layer name="comp">", "<depend type="JOB_ON_JOB">", "<spec>".
std::string describe(const pugi::xml_node& node) {
  for (const char* key : {"name", "type"}) {
    if (pugi::xml_attribute attr = node.attribute(key)) {
      return absl::StrCat("<", node.name(), " ", key, "=\"", attr.value(), "\">");
    }
  }
  return absl::StrCat("<", node.name(), ">");
}

// The children of every element of `node` named `list`, e.g. all <service>s of all <services>.
std::vector<pugi::xml_node> listItems(const pugi::xml_node& node, const char* list) {
  std::vector<pugi::xml_node> items;
  for (pugi::xml_node l : node.children(list)) {
    for (pugi::xml_node item : l.children()) {
      if (item.type() == pugi::node_element) items.push_back(item);
    }
  }
  return items;
}

void addUnique(std::vector<std::string>& list, std::string value) {
  if (value.empty() || std::find(list.begin(), list.end(), value) != list.end()) return;
  list.push_back(std::move(value));
}

// ---- the parser ------------------------------------------------------------------------------

// Reads one document. Each read* method fills its output or returns the first error, already
// located ("spec line N: ...").
class SpecParser {
 public:
  SpecParser(absl::string_view xml, const SpecOptions& options)
      : xml_(xml), options_(options), lines_(xml) {}

  absl::StatusOr<JobSpec> parse() {
    JobSpec spec;
    RETURN_IF_ERROR(load());
    RETURN_IF_ERROR(readDtdVersion(spec));
    pugi::xml_node root = doc_.document_element();
    if (absl::string_view(root.name()) != "spec") {
      return error(root, "is the root element; expected <spec>");
    }
    RETURN_IF_ERROR(checkChildren(
        root, {"facility", "dept", "show", "shot", "user", "email", "uid", "job", "depends"}));
    RETURN_IF_ERROR(readHeader(root, spec));
    for (pugi::xml_node node : root.children("job")) RETURN_IF_ERROR(readJob(node, spec));
    for (pugi::xml_node list : root.children("depends")) {
      RETURN_IF_ERROR(checkChildren(list, {"depend"}));
      for (pugi::xml_node node : list.children("depend")) RETURN_IF_ERROR(readDepend(node, spec));
    }
    return spec;
  }

 private:
  using Allowed = std::initializer_list<absl::string_view>;

  int lineOf(const pugi::xml_node& node) const { return lines_.line(node.offset_debug()); }

  // "spec line N: <node> <message>".
  absl::Status error(const pugi::xml_node& node, absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat("spec line ", lineOf(node), ": ", describe(node), " ", message));
  }

  // "spec line N: <owner> <field>text</field>: <cause>", N being the field's line.
  absl::Status fieldError(const pugi::xml_node& owner, const pugi::xml_node& field,
                          const absl::Status& cause) const {
    std::string text = textOf(field);
    if (text.size() > kMaxQuotedValue) text = absl::StrCat(text.substr(0, kMaxQuotedValue), "...");
    return absl::InvalidArgumentError(absl::StrCat("spec line ", lineOf(field), ": ",
                                                   describe(owner), " <", field.name(), ">", text,
                                                   "</", field.name(), ">: ", cause.message()));
  }

  absl::Status checkChildren(const pugi::xml_node& node, Allowed allowed) const {
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      if (std::find(allowed.begin(), allowed.end(), child.name()) == allowed.end()) {
        return absl::InvalidArgumentError(absl::StrCat("spec line ", lineOf(child),
                                                       ": unknown element <", child.name(), "> in ",
                                                       describe(node)));
      }
    }
    return absl::OkStatus();
  }

  // Reads the first <name> child of `owner` through `parse` when it is present.
  template <typename T, typename Parse>
  absl::Status readOptional(const pugi::xml_node& owner, const char* name, Parse parse,
                            std::optional<T>& out) const {
    pugi::xml_node field = owner.child(name);
    if (!field) return absl::OkStatus();
    absl::StatusOr<T> value = parse(textOf(field));
    if (!value.ok()) return fieldError(owner, field, value.status());
    out = *std::move(value);
    return absl::OkStatus();
  }

  // Like readOptional, but keeps `out` (its default) when the child is absent.
  template <typename T, typename Parse>
  absl::Status readValue(const pugi::xml_node& owner, const char* name, Parse parse, T& out) const {
    std::optional<T> value;
    RETURN_IF_ERROR(readOptional(owner, name, parse, value));
    if (value) out = *std::move(value);
    return absl::OkStatus();
  }

  // The trimmed text of a child that must be present and non-empty.
  absl::StatusOr<std::string> requiredText(const pugi::xml_node& owner, const char* name) const {
    pugi::xml_node field = owner.child(name);
    if (!field) return error(owner, absl::StrCat("has no <", name, ">"));
    std::string text = textOf(field);
    if (text.empty()) return error(owner, absl::StrCat("has an empty <", name, ">"));
    return text;
  }

  absl::Status load() {
    pugi::xml_parse_result result = doc_.load_buffer(
        xml_.data(), xml_.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
    if (result) return absl::OkStatus();
    int line = std::max(1, lines_.line(result.offset));
    return absl::InvalidArgumentError(absl::StrCat("spec line ", line, ": malformed XML at column ",
                                                   std::max(1, lines_.column(result.offset)), ": ",
                                                   result.description()));
  }

  // The version in the DOCTYPE's "cjsl-1.N.dtd"; none when there is no DOCTYPE.
  absl::Status readDtdVersion(JobSpec& spec) const {
    pugi::xml_node doctype;
    for (pugi::xml_node node : doc_.children()) {
      if (node.type() == pugi::node_doctype) doctype = node;
    }
    if (!doctype) return absl::OkStatus();
    absl::string_view text = doctype.value();
    size_t start = text.find("cjsl-");
    size_t end = start == absl::string_view::npos ? start : text.find(".dtd", start);
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec line ", lineOf(doctype), ": <!DOCTYPE> ", why));
    };
    if (end == absl::string_view::npos) return bad("names no CJSL DTD (\"cjsl-1.N.dtd\")");
    absl::string_view version = text.substr(start + 5, end - start - 5);
    int minor = 0;
    if (!absl::ConsumePrefix(&version, "1.") || !absl::SimpleAtoi(version, &minor) ||
        minor < kMinDtdMinor || minor > kMaxDtdMinor) {
      return bad(absl::StrCat("names CJSL version ",
                              quoted(text.substr(start + 5, end - start - 5)), "; Cue reads 1.",
                              kMinDtdMinor, " to 1.", kMaxDtdMinor));
    }
    spec.dtd_version = absl::StrCat("1.", minor);
    return absl::OkStatus();
  }

  absl::Status readHeader(const pugi::xml_node& root, JobSpec& spec) const {
    spec.facility = absl::AsciiStrToLower(textOf(root.child("facility")));
    spec.dept = textOf(root.child("dept"));
    ASSIGN_OR_RETURN(spec.show, requiredText(root, "show"));
    ASSIGN_OR_RETURN(std::string shot, requiredText(root, "shot"));
    absl::StatusOr<std::string> conformed = conformName("shot", shot);
    if (!conformed.ok()) return fieldError(root, root.child("shot"), conformed.status());
    spec.shot = *std::move(conformed);
    ASSIGN_OR_RETURN(spec.user, requiredText(root, "user"));
    spec.email = textOf(root.child("email"));
    RETURN_IF_ERROR(readOptional(root, "uid", parseCount, spec.uid));
    if (spec.user == "root" || spec.uid == 0) {
      return error(root, "asks to run as root (user \"root\" or uid 0), which OpenCue refuses");
    }
    return absl::OkStatus();
  }

  absl::Status readEnv(const pugi::xml_node& owner, std::map<std::string, std::string>& env) const {
    for (pugi::xml_node list : owner.children("env")) {
      RETURN_IF_ERROR(checkChildren(list, {"key"}));
      for (pugi::xml_node key : list.children("key")) {
        std::string name = attributeOf(key, "name");
        if (!name.empty()) env[name] = textOf(key);
      }
    }
    return absl::OkStatus();
  }

  // ---- jobs ----

  absl::Status readJob(const pugi::xml_node& node, JobSpec& spec) const {
    JobSpecJob job;
    job.line = lineOf(node);
    job.name = attributeOf(node, "name");
    if (job.name.empty()) return error(node, "has no name attribute");
    RETURN_IF_ERROR(
        checkChildren(node, {"paused", "priority", "maxretries", "maxcores", "mincores", "maxgpus",
                             "mingpus", "autoeat", "localbook", "os", "dept", "env", "layers"}));
    absl::StatusOr<std::string> full = conformJobName(spec, job.name);
    if (!full.ok()) return error(node, absl::StrCat("has a bad name: ", full.status().message()));
    for (const JobSpecJob& other : spec.jobs) {
      if (fullJobName(spec, other) == *full) {
        return error(node, absl::StrCat("has the same full name ", quoted(*full),
                                        " as the job at line ", other.line));
      }
    }
    RETURN_IF_ERROR(readJobSettings(node, job));
    RETURN_IF_ERROR(readLocalBook(node, job));
    RETURN_IF_ERROR(readEnv(node, job.env));
    RETURN_IF_ERROR(readLayers(node, job));
    if (job.post_job) job.post_job->env = job.env;
    spec.jobs.push_back(std::move(job));
    return absl::OkStatus();
  }

  absl::Status readJobSettings(const pugi::xml_node& node, JobSpecJob& job) const {
    RETURN_IF_ERROR(readValue(node, "paused", parseBool, job.paused));
    RETURN_IF_ERROR(readValue(node, "autoeat", parseBool, job.auto_eat));
    RETURN_IF_ERROR(readValue(node, "priority", parseInt, job.priority));
    RETURN_IF_ERROR(readValue(node, "maxretries", parseInt, job.max_retries));
    job.max_retries = std::clamp(job.max_retries, kSpecMaxRetriesMin, kSpecMaxRetriesMax);
    RETURN_IF_ERROR(readOptional(node, "maxcores", parseWholeCores, job.max_cores));
    RETURN_IF_ERROR(readOptional(node, "mincores", parseWholeCores, job.min_cores));
    RETURN_IF_ERROR(readOptional(node, "maxgpus", parseCount, job.max_gpus));
    RETURN_IF_ERROR(readOptional(node, "mingpus", parseCount, job.min_gpus));
    RETURN_IF_ERROR(readValue(node, "os", parseText, job.os));
    RETURN_IF_ERROR(readValue(node, "dept", parseText, job.dept));
    return absl::OkStatus();
  }

  // Reads one optional numeric attribute of <localbook>.
  template <typename T>
  absl::Status readAttribute(const pugi::xml_node& node, const char* name,
                             std::optional<T>& out) const {
    pugi::xml_attribute attr = node.attribute(name);
    if (!attr) return absl::OkStatus();
    T value{};
    if (!absl::SimpleAtoi(attributeOf(node, name), &value) || value < 0) {
      return error(node, absl::StrCat("has a bad ", name, "=\"", attr.value(),
                                      "\": expected a whole number >= 0"));
    }
    out = value;
    return absl::OkStatus();
  }

  absl::Status readLocalBook(const pugi::xml_node& job_node, JobSpecJob& job) const {
    pugi::xml_node node = job_node.child("localbook");
    if (!node) return absl::OkStatus();
    LocalBookSpec book;
    book.host = attributeOf(node, "host");
    if (book.host.empty()) return error(node, "has no host attribute");
    RETURN_IF_ERROR(readAttribute(node, "cores", book.cores));
    RETURN_IF_ERROR(readAttribute(node, "memory", book.memory));
    RETURN_IF_ERROR(readAttribute(node, "threads", book.threads));
    RETURN_IF_ERROR(readAttribute(node, "gpus", book.gpus));
    RETURN_IF_ERROR(readAttribute(node, "gpu", book.gpu_memory));
    RETURN_IF_ERROR(readAttribute(node, "gpu_memory", book.gpu_memory));
    job.local_book = std::move(book);
    return absl::OkStatus();
  }

  // ---- layers ----

  absl::Status readLayers(const pugi::xml_node& node, JobSpecJob& job) const {
    if (!node.child("layers")) return error(node, "has no <layers>");
    std::set<std::string> names;
    int32_t dispatch_order = 0;
    for (pugi::xml_node list : node.children("layers")) {
      RETURN_IF_ERROR(checkChildren(list, {"layer"}));
      for (pugi::xml_node layer_node : list.children("layer")) {
        LayerSpec layer;
        layer.dispatch_order = ++dispatch_order;
        RETURN_IF_ERROR(readLayer(layer_node, layer));
        if (!names.insert(layer.name).second) {
          return error(layer_node, absl::StrCat("repeats layer name ", quoted(layer.name),
                                                " in job ", quoted(job.name)));
        }
        if (layer.type == LayerType::kPost) {
          if (!job.post_job) job.post_job.emplace();
          job.post_job->layers.push_back(std::move(layer));
        } else {
          job.layers.push_back(std::move(layer));
        }
      }
    }
    if (job.layers.empty()) return error(node, "has no layers other than Post layers");
    if (static_cast<int64_t>(job.layers.size()) > options_.max_layers_per_job) {
      return error(node, absl::StrCat("has ", job.layers.size(), " layers; the most allowed is ",
                                      options_.max_layers_per_job));
    }
    return absl::OkStatus();
  }

  absl::Status readLayer(const pugi::xml_node& node, LayerSpec& layer) const {
    layer.line = lineOf(node);
    RETURN_IF_ERROR(readLayerIdentity(node, layer));
    RETURN_IF_ERROR(checkChildren(
        node,
        {"cmd", "range", "chunk", "slots_required", "cores", "threadable", "memory", "gpus", "gpu",
         "gpu_memory", "timeout", "timeout_llu", "tags", "limits", "env", "services", "outputs"}));
    ASSIGN_OR_RETURN(layer.command, requiredText(node, "cmd"));
    RETURN_IF_ERROR(readRange(node, layer));
    RETURN_IF_ERROR(readLayerResources(node, layer));
    RETURN_IF_ERROR(readLayerLists(node, layer));
    return readEnv(node, layer.env);
  }

  absl::Status readLayerIdentity(const pugi::xml_node& node, LayerSpec& layer) const {
    std::string name = attributeOf(node, "name");
    if (name.empty()) return error(node, "has no name attribute");
    absl::StatusOr<std::string> conformed = conformName("layer", name);
    if (!conformed.ok())
      return error(node, absl::StrCat("has a bad name: ", conformed.status().message()));
    layer.name = *std::move(conformed);
    std::string type = attributeOf(node, "type");
    if (type.empty()) return error(node, "has no type attribute");
    std::optional<LayerType> parsed = parseLayerType(type);
    if (!parsed) {
      return error(node, absl::StrCat("has an unknown type ", quoted(type),
                                      "; expected Render, Util, Pre or Post"));
    }
    layer.type = *parsed;
    return absl::OkStatus();
  }

  absl::Status readRange(const pugi::xml_node& node, LayerSpec& layer) const {
    ASSIGN_OR_RETURN(layer.range, requiredText(node, "range"));
    absl::StatusOr<FrameSet> frames = FrameSet::parse(layer.range, options_.max_frames_per_layer);
    if (!frames.ok()) return fieldError(node, node.child("range"), frames.status());
    layer.frame_count = static_cast<int64_t>(frames->size());
    if (!node.child("chunk")) return error(node, "has no <chunk>");
    return readValue(node, "chunk", parseChunk, layer.chunk_size);
  }

  absl::Status readLayerResources(const pugi::xml_node& node, LayerSpec& layer) const {
    RETURN_IF_ERROR(readOptional(node, "cores", parseSpecCores, layer.min_cores));
    RETURN_IF_ERROR(readOptional(node, "threadable", parseBool, layer.threadable));
    if (layer.min_cores && *layer.min_cores > 0 && *layer.min_cores < kCoreUnitsPerCore) {
      layer.threadable = false;  // cuebot: a layer needs a whole core to thread
    }
    RETURN_IF_ERROR(readOptional(node, "memory", parseSpecMemory, layer.min_memory));
    RETURN_IF_ERROR(readOptional(node, "gpus", parseCount, layer.min_gpus));
    RETURN_IF_ERROR(readOptional(node, "gpu", parseSpecMemory, layer.min_gpu_memory));
    RETURN_IF_ERROR(readOptional(node, "gpu_memory", parseSpecMemory, layer.min_gpu_memory));
    RETURN_IF_ERROR(readOptional(node, "timeout", parseCount, layer.timeout_min));
    RETURN_IF_ERROR(readOptional(node, "timeout_llu", parseCount, layer.timeout_llu_min));
    return readOptional(node, "slots_required", parseCount, layer.slots_required);
  }

  absl::Status readLayerLists(const pugi::xml_node& node, LayerSpec& layer) const {
    RETURN_IF_ERROR(readTags(node, layer));
    for (const auto& [list, item, out] : {std::tuple{"services", "service", &layer.services},
                                          std::tuple{"limits", "limit", &layer.limits},
                                          std::tuple{"outputs", "output", &layer.outputs}}) {
      for (pugi::xml_node l : node.children(list)) RETURN_IF_ERROR(checkChildren(l, {item}));
      for (pugi::xml_node entry : listItems(node, list)) addUnique(*out, textOf(entry));
    }
    return absl::OkStatus();
  }

  absl::Status readTags(const pugi::xml_node& node, LayerSpec& layer) const {
    pugi::xml_node field = node.child("tags");
    if (!field) return absl::OkStatus();
    std::string text = textOf(field);
    text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    for (absl::string_view tag : absl::StrSplit(text, '|', absl::SkipEmpty())) {
      if (!matchesNamePattern(tag)) {
        return fieldError(
            node, field,
            absl::InvalidArgumentError(absl::StrCat(
                "tag ", quoted(tag), " must be at least 3 letters, digits, '_', '-' or '.'")));
      }
      addUnique(layer.tags, std::string(tag));
    }
    return absl::OkStatus();
  }

  // ---- depends ----

  absl::Status readDepend(const pugi::xml_node& node, JobSpec& spec) const {
    DependSpec depend;
    depend.line = lineOf(node);
    RETURN_IF_ERROR(
        checkChildren(node, {"depjob", "deplayer", "depframe", "onjob", "onlayer", "onframe"}));
    std::string type = attributeOf(node, "type");
    if (type.empty()) return error(node, "has no type attribute");
    std::optional<DependType> parsed = parseDependType(type);
    if (!parsed) return error(node, absl::StrCat("has an unknown type ", quoted(type)));
    depend.type = *parsed;
    if (depend.type == DependType::kLayerOnLayer) {
      absl::StatusOr<bool> any = parseBool(attributeOf(node, "anyframe"));
      if (!any.ok())
        return error(node, absl::StrCat("has a bad anyframe: ", any.status().message()));
      depend.any_frame = *any;
    }
    RETURN_IF_ERROR(readDependJobs(node, spec, depend));
    RETURN_IF_ERROR(readDependNames(node, depend));
    RETURN_IF_ERROR(checkDependTargets(node, spec, depend));
    spec.depends.push_back(std::move(depend));
    return absl::OkStatus();
  }

  absl::Status readDependJob(const pugi::xml_node& node, const JobSpec& spec, const char* name,
                             std::string& full, int& index) const {
    ASSIGN_OR_RETURN(std::string text, requiredText(node, name));
    absl::StatusOr<std::string> conformed = conformJobName(spec, text);
    if (!conformed.ok()) return fieldError(node, node.child(name), conformed.status());
    full = *std::move(conformed);
    for (size_t i = 0; i < spec.jobs.size(); ++i) {
      if (fullJobName(spec, spec.jobs[i]) == full) index = static_cast<int>(i);
    }
    return absl::OkStatus();
  }

  absl::Status readDependJobs(const pugi::xml_node& node, const JobSpec& spec,
                              DependSpec& depend) const {
    RETURN_IF_ERROR(readDependJob(node, spec, "depjob", depend.dep_job, depend.dep_job_index));
    return readDependJob(node, spec, "onjob", depend.on_job, depend.on_job_index);
  }

  // Conforms every name present, then requires the ones the type uses.
  absl::Status readDependNames(const pugi::xml_node& node, DependSpec& depend) const {
    auto layer = [](absl::string_view text) { return conformName("layer", text); };
    auto frame = [](absl::string_view text) -> absl::StatusOr<std::string> {
      ASSIGN_OR_RETURN(FrameName name, parseFrameName(text));
      return formatFrameName(name);
    };
    RETURN_IF_ERROR(readValue(node, "deplayer", layer, depend.dep_layer));
    RETURN_IF_ERROR(readValue(node, "onlayer", layer, depend.on_layer));
    RETURN_IF_ERROR(readValue(node, "depframe", frame, depend.dep_frame));
    RETURN_IF_ERROR(readValue(node, "onframe", frame, depend.on_frame));
    DependNeeds needs = dependNeeds(depend.type);
    for (const auto& [needed, value, name] :
         {std::tuple{needs.dep_layer, &depend.dep_layer, "deplayer"},
          std::tuple{needs.dep_frame, &depend.dep_frame, "depframe"},
          std::tuple{needs.on_layer, &depend.on_layer, "onlayer"},
          std::tuple{needs.on_frame, &depend.on_frame, "onframe"}}) {
      if (needed && value->empty()) return error(node, absl::StrCat("has no <", name, ">"));
    }
    if (needs.dep_frame && needs.on_frame && depend.dep_job == depend.on_job &&
        depend.dep_frame == depend.on_frame) {
      return error(node, absl::StrCat("makes frame ", depend.dep_frame, " depend on itself"));
    }
    return absl::OkStatus();
  }

  absl::Status checkDependTargets(const pugi::xml_node& node, const JobSpec& spec,
                                  const DependSpec& depend) const {
    DependNeeds needs = dependNeeds(depend.type);
    if (needs.dep_layer)
      RETURN_IF_ERROR(checkLayer(node, spec, depend.dep_job_index, "deplayer", depend.dep_layer));
    if (needs.on_layer)
      RETURN_IF_ERROR(checkLayer(node, spec, depend.on_job_index, "onlayer", depend.on_layer));
    if (needs.dep_frame)
      RETURN_IF_ERROR(checkFrame(node, spec, depend.dep_job_index, "depframe", depend.dep_frame));
    if (needs.on_frame)
      RETURN_IF_ERROR(checkFrame(node, spec, depend.on_job_index, "onframe", depend.on_frame));
    return absl::OkStatus();
  }

  // The layer `name` of spec job `index`, or an error naming `field`. Jobs outside the spec
  // (index -1) are the server's to check.
  absl::StatusOr<const LayerSpec*> findLayer(const pugi::xml_node& node, const JobSpec& spec,
                                             int index, const char* field,
                                             absl::string_view name) const {
    if (index < 0) return static_cast<const LayerSpec*>(nullptr);
    const JobSpecJob& job = spec.jobs[index];
    for (const LayerSpec& layer : job.layers) {
      if (layer.name == name) return &layer;
    }
    auto fail = [&](absl::string_view why) {
      return fieldError(node, node.child(field), absl::InvalidArgumentError(why));
    };
    if (job.post_job) {
      for (const LayerSpec& layer : job.post_job->layers) {
        if (layer.name == name) {
          return fail(absl::StrCat("layer ", quoted(name), " of job ", quoted(job.name),
                                   " is a Post layer, which runs in a separate post job"));
        }
      }
    }
    return fail(absl::StrCat("job ", quoted(job.name), " has no layer ", quoted(name)));
  }

  absl::Status checkLayer(const pugi::xml_node& node, const JobSpec& spec, int index,
                          const char* field, absl::string_view name) const {
    return findLayer(node, spec, index, field, name).status();
  }

  // A frame exists when it starts a chunk of its layer (cuebot creates only those frames).
  absl::Status checkFrame(const pugi::xml_node& node, const JobSpec& spec, int index,
                          const char* field, absl::string_view text) const {
    ASSIGN_OR_RETURN(FrameName name, parseFrameName(text));
    ASSIGN_OR_RETURN(const LayerSpec* layer, findLayer(node, spec, index, field, name.layer));
    if (layer == nullptr || chunkStarts(*layer).count(name.number)) return absl::OkStatus();
    return fieldError(node, node.child(field),
                      absl::InvalidArgumentError(absl::StrCat(
                          "layer ", quoted(layer->name), " (range ", quoted(layer->range),
                          ", chunk ", layer->chunk_size, ") has no frame ", name.number)));
  }

  // The frames cuebot creates for `layer`, computed once per layer. Layers are not moved once
  // the depends are read, so their addresses are stable keys.
  const std::unordered_set<int32_t>& chunkStarts(const LayerSpec& layer) const {
    auto [it, inserted] = chunk_starts_.try_emplace(&layer);
    if (inserted) {
      absl::StatusOr<FrameSet> frames = FrameSet::parse(layer.range, options_.max_frames_per_layer);
      if (frames.ok()) {
        for (const FrameChunk& chunk : chunkFrames(*frames, layer.chunk_size)) {
          it->second.insert(chunk.number);
        }
      }
    }
    return it->second;
  }

  absl::string_view xml_;
  SpecOptions options_;
  LineIndex lines_;
  pugi::xml_document doc_;
  mutable std::map<const LayerSpec*, std::unordered_set<int32_t>> chunk_starts_;
};

}  // namespace

absl::StatusOr<MemoryKb> parseSpecMemory(std::string_view text) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(toAbsl(text)));
  absl::string_view number = lower;
  MemoryKb scale = kKbPerGb;
  if (absl::ConsumeSuffix(&number, "mb") || absl::ConsumeSuffix(&number, "m")) {
    scale = kKbPerMb;
  } else if (absl::ConsumeSuffix(&number, "gb") || absl::ConsumeSuffix(&number, "g")) {
    scale = kKbPerGb;
  }
  std::optional<double> value = parseDecimal(number);
  if (!value || *value < 0) {
    return absl::InvalidArgumentError(
        "expected a size such as \"512m\", \"4g\" or \"4\" (a bare number is gigabytes)");
  }
  double kb = *value * static_cast<double>(scale);
  if (kb > kMaxMemoryKb) return absl::InvalidArgumentError("size is too large");
  return static_cast<MemoryKb>(kb);
}

absl::StatusOr<CoreUnits> parseSpecCores(std::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(toAbsl(text));
  CoreUnits units = 0;
  if (absl::StrContains(trimmed, '.')) {
    std::optional<double> cores = parseDecimal(trimmed);
    if (!cores || std::abs(*cores) > kMaxCores) {
      return absl::InvalidArgumentError(
          "expected cores such as \"1.0\" or \"0.5\", or core units such as \"100\"");
    }
    units = static_cast<CoreUnits>(*cores * 100 + (*cores < 0 ? -0.5 : 0.5));
  } else if (!absl::SimpleAtoi(trimmed, &units) ||
             std::abs(static_cast<double>(units)) > kMaxCores * kCoreUnitsPerCore) {
    return absl::InvalidArgumentError(
        "expected cores such as \"1.0\" or \"0.5\", or core units such as \"100\"");
  }
  if (units > 0 && units < kSpecCoreUnitsMin) return kSpecCoreUnitsDefault;
  return std::min(units, kSpecCoreUnitsMax);
}

absl::StatusOr<JobSpec> parseJobSpec(std::string_view xml, const SpecOptions& options) {
  return SpecParser(toAbsl(xml), options).parse();
}

std::string fullJobName(const JobSpec& spec, const JobSpecJob& job) {
  std::string prefix = jobNamePrefix(spec.show, spec.shot, spec.user);
  return joinJobName(prefix, jobNameSuffix(prefix, job.name));
}

std::string fullPostJobName(const JobSpec& spec, const JobSpecJob& job, int64_t launch_millis) {
  std::string name = absl::StrCat(fullJobName(spec, job), "_post_job_", launch_millis);
  size_t at = spec.user.empty() ? std::string::npos : name.find(spec.user);
  if (at != std::string::npos) name.replace(at, spec.user.size(), std::string(kPostJobUser));
  return name;
}

}  // namespace cue::core
