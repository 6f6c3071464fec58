// Job spec XML: OpenCue's CJSL, the document cuebot's LaunchSpec takes and pyoutline writes.
//
// parseJobSpec() turns the XML into plain structs, reproducing how cuebot's JobSpec reads each
// value, and refuses what cuebot would refuse at launch. It does not look anything up: shows,
// services, limits, groups and jobs already on the farm are the server's to resolve.
//
// Versions: every CJSL DTD from 1.5 to 1.16 (the union of their elements is accepted whatever
// version the DOCTYPE names; a spec without DOCTYPE is read as the newest). The DTD is not
// fetched. An element no DTD knows is refused, as cuebot's validating parser does.
//
// How values are read (OpenCue's rules unless marked Cue):
//   - Booleans: "true", "yes", "1", "on" are true, in any case. "false", "no", "0", "off" and ""
//     are false. (Cue) Anything else is an error; cuebot reads it as false.
//   - <cores>: text with a '.' is cores ("1.0" = 100 units, rounded half away from zero); text
//     without one is core units ("25" = 0.25 core, "100" = 1 core: pyoutline always writes
//     "%0.1f"). Then 0 < units < 10 becomes 100 and units > 2400 becomes 2400. A value <= 0
//     asks for a whole idle host less that much: 0 = every core, "-2.0" = all but two
//     (cuebot's DispatchHost.handleNegativeCoresRequirement; the dispatcher applies it). When
//     0 < units < 100 the layer is not threadable, whatever <threadable> says.
//   - <memory>, <gpu_memory> (and the deprecated <gpu>): "512m"/"512mb" are megabytes
//     (fractions allowed, truncated to KB), "4g"/"4gb" gigabytes, and a bare number is
//     GIGABYTES ("4096" = 4 TB), case-insensitive. (Cue) "1.5g" and "1.5" are accepted (cuebot
//     accepts fractions only with m); negative values are refused. Stored in KB, unclamped:
//     cuebot then raises memory below dispatcher.memory.mem_reserved_min (256 MB) to it, and
//     replaces gpu memory outside [mem_gpu_reserved_min, mem_gpu_reserved_max] (0, 100 GB)
//     with the minimum; that is the server's job (kOpenCue* constants below).
//   - <maxcores> (and Cue's <mincores>): whole cores, stored as units rounded to a whole core.
//   - <maxretries>: clamped to [0, 1]; 1 when absent (cuebot's FRAME_RETRIES_MIN/MAX/DEFAULT).
//   - <timeout>, <timeout_llu>: minutes.
//   - <tags>: "a | b"; spaces dropped, split on '|', empty pieces skipped, duplicates dropped.
//   - <services>, <limits>, <outputs>: trimmed, empty and duplicate entries dropped, order kept.
//     An output's name attribute is ignored, as cuebot does.
//   - <env>: <key name="K">V</key>; keys without a name are skipped; a later key wins. (Cue)
//     Several <env> elements are merged; cuebot reads only the first.
//   - Text is trimmed of surrounding white space.
//
// Names (cuebot's NAME_REGEX ^[\w.-]{3,}$, ASCII):
//   - Layer and shot names: at least 3 characters; '-' becomes '_', upper case becomes lower;
//     then only letters, digits, '_' and '.' may remain. Layer names must be unique in a job
//     after this.
//   - Job names: see fullJobName(). Show and user are not checked here (the server looks the
//     show up), except that user "root" and uid 0 are refused.
//   - Tags: letters, digits, '_', '.', '-', at least 3 characters, case kept.
//   - Frame names in depends: "NNNN-layer" with 4 to 6 digits, written back as "%04d-<layer>".
//
// Errors: every failure is INVALID_ARGUMENT whose message starts "spec line N: " and names the
// element, e.g.
//   spec line 12: <layer name="comp"> has no <cmd>
//   spec line 3: malformed XML at column 7: Start-end tags mismatch
// Thread-safety: the functions are pure and may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/frame_set.h"
#include "core/types.h"

namespace cue::core {

// ---- OpenCue's constants, as parseJobSpec() applies them or leaves them to the server ----

// <cores> clamps (cuebot Dispatcher.CORE_POINTS_RESERVED_*), applied by parseJobSpec().
inline constexpr CoreUnits kSpecCoreUnitsMin = 10;
inline constexpr CoreUnits kSpecCoreUnitsDefault = 100;  // replaces 0 < units < kSpecCoreUnitsMin
inline constexpr CoreUnits kSpecCoreUnitsMax = 2400;
// Job defaults cuebot gives a spec job (JobSpec.FRAME_RETRIES_*, JobDetail).
inline constexpr int32_t kSpecDefaultPriority = 1;
inline constexpr int32_t kSpecDefaultMaxRetries = 1;
inline constexpr int32_t kSpecMaxRetriesMin = 0;
inline constexpr int32_t kSpecMaxRetriesMax = 1;
inline constexpr CoreUnits kSpecJobDefaultMinCores = 100;
inline constexpr CoreUnits kSpecJobDefaultMaxCores = 20000;
// The layer limit per job (JobSpec.MAX_LAYERS). cuebot also caps a whole spec at 100,000
// frames after chunking (MAX_FRAMES); Cue caps each layer instead (SpecOptions).
inline constexpr int32_t kSpecMaxLayersPerJob = 2000;
// Memory clamps cuebot applies from opencue.properties defaults; left to the server.
inline constexpr MemoryKb kOpenCueMemReservedMin = 262144;    // 256 MB
inline constexpr MemoryKb kOpenCueMemReservedMax = 52428800;  // 50 GB (cuebot never applies it)
inline constexpr MemoryKb kOpenCueGpuMemReservedMin = 0;
inline constexpr MemoryKb kOpenCueGpuMemReservedMax = 104857600;  // 100 GB
// The post job cuebot makes from a job's Post layers (JobSpec.initPostJob).
inline constexpr std::string_view kPostJobUser = "monitor";
inline constexpr CoreUnits kPostJobMaxCores = 500;
inline constexpr int32_t kPostJobMaxRetries = 2;

// <localbook>: book the job on one named host (cuebot's LocalHostAssignment). Values are the
// attributes as cuebot reads them; absent attributes are nullopt.
struct LocalBookSpec {
  std::string host;
  std::optional<int32_t> cores;        // whole cores (cuebot books cores * 100 units)
  std::optional<int64_t> memory;       // KB
  std::optional<int32_t> threads;      // threads per frame
  std::optional<int32_t> gpus;         // whole GPUs ("gpus" attribute)
  std::optional<MemoryKb> gpu_memory;  // KB ("gpu_memory", or the deprecated "gpu")
};

// One <layer>. Resource fields are nullopt where the spec did not say them: the layer's service
// (the first of `services` that exists, else "default") supplies them on the server.
struct LayerSpec {
  std::string name;                     // conformed: lower case, '-' -> '_' (see file comment)
  LayerType type = LayerType::kRender;  // <layer type>, any case: Render, Util, Pre, Post
  std::string command;                  // <cmd>, never empty
  std::string range;                    // <range>, valid FrameSet text
  int32_t chunk_size = 1;               // <chunk>, >= 1
  int32_t dispatch_order = 0;  // 1-based position among the job's <layer>s, Post ones included
  std::optional<CoreUnits> min_cores;      // <cores>, see file comment; <= 0: whole host less N
  std::optional<CoreUnits> max_cores;      // no CJSL element sets it; always nullopt
  std::optional<bool> threadable;          // <threadable>, or false when 0 < min_cores < 100
  std::optional<MemoryKb> min_memory;      // <memory>, KB, unclamped
  std::optional<int32_t> min_gpus;         // <gpus>
  std::optional<int32_t> max_gpus;         // no CJSL element sets it; always nullopt
  std::optional<MemoryKb> min_gpu_memory;  // <gpu_memory> or deprecated <gpu>, KB, unclamped
  std::optional<int32_t> timeout_min;      // <timeout>, minutes
  std::optional<int32_t> timeout_llu_min;  // <timeout_llu>, minutes without a log update
  std::optional<int32_t> slots_required;   // <slots_required> (CJSL 1.16)
  std::vector<std::string> tags;           // <tags>; empty = the service's tags
  std::vector<std::string> services;       // <services>; empty = cuebot adds "default"
  std::vector<std::string> limits;         // <limits>, limit names
  std::vector<std::string> outputs;        // <outputs>, paths
  std::map<std::string, std::string> env;
  int64_t frame_count = 0;  // frames the range expands to, duplicates counted, before chunking
  int line = 0;             // line of the <layer> element
};

// The job cuebot launches beside a job that has Post layers: it is POSTED and runs when the
// parent finishes. Everything but the layers is fixed by cuebot (JobSpec.initPostJob): the
// same show, shot, uid, os, dept and facility as the parent; user kPostJobUser and no email;
// not paused; max cores kPostJobMaxCores; max retries kPostJobMaxRetries; the parent's env,
// to which the server adds CUE_PARENT_JOB_ID and CUE_PARENT_JOB. Name: fullPostJobName().
struct PostJobSpec {
  std::map<std::string, std::string> env;  // the parent job's <env>
  std::vector<LayerSpec> layers;           // the parent's Post layers, in spec order
};

// One <job>.
struct JobSpecJob {
  std::string name;  // <job name> as written; fullJobName() gives OpenCue's full name
  std::string dept;  // <dept> inside <job> (cuebot reads it there though no DTD lists it)
  bool paused = false;
  int32_t priority = kSpecDefaultPriority;
  int32_t max_retries = kSpecDefaultMaxRetries;  // clamped to [0, 1] as cuebot does
  std::optional<CoreUnits> min_cores;            // (Cue) <mincores>, whole cores; cuebot: 100 units
  std::optional<CoreUnits> max_cores;  // <maxcores>, whole cores; cuebot default 20000 units
  std::optional<int32_t> min_gpus;     // (Cue) <mingpus>
  std::optional<int32_t> max_gpus;     // <maxgpus>
  bool auto_eat = false;
  std::string os;  // <os>; empty = any
  std::optional<LocalBookSpec> local_book;
  std::map<std::string, std::string> env;
  std::vector<LayerSpec> layers;        // every non-Post layer, in spec order; never empty
  std::optional<PostJobSpec> post_job;  // set when the job has Post layers
  int line = 0;                         // line of the <job> element
};

// One <depend>. Names are as OpenCue stores them: jobs are full names (fullJobName rules),
// layers conformed, frames "%04d-<layer>". A job named here that is not in this spec (index -1)
// is legitimate: cuebot looks it up among the jobs on the farm, and so must the server.
// Layers and frames of jobs in this spec are checked here.
struct DependSpec {
  DependType type = DependType::kJobOnJob;
  bool any_frame = false;  // "anyframe" attribute; only LAYER_ON_LAYER keeps it, as cuebot does
  std::string dep_job, dep_layer, dep_frame;  // the waiting side
  std::string on_job, on_layer, on_frame;     // what it waits on
  int dep_job_index = -1;  // index into JobSpec::jobs, or -1 when the job is not in this spec
  int on_job_index = -1;
  int line = 0;  // line of the <depend> element
};

struct JobSpec {
  std::string facility;  // lower-cased; empty = the server's default
  std::string dept;      // <spec><dept>: in the DTDs, but cuebot ignores it (see JobSpecJob)
  std::string show;      // as written; the server checks that it exists
  std::string shot;      // conformed like a layer name
  std::string user;
  std::string email;
  std::optional<int32_t> uid;  // never 0
  std::vector<JobSpecJob> jobs;
  std::vector<DependSpec> depends;
  std::string dtd_version;  // "1.15" from the DOCTYPE; empty when there is none
};

struct SpecOptions {
  // The most frames one layer's range may expand to (duplicates counted). Default 1,000,000.
  int64_t max_frames_per_layer = kDefaultMaxFramesPerLayer;
  // The most non-Post layers one job may have. Default 2000, cuebot's MAX_LAYERS.
  int32_t max_layers_per_job = kSpecMaxLayersPerJob;
};

// Parses a CJSL document. Errors: INVALID_ARGUMENT, "spec line N: ..." (see file comment),
// for malformed XML, a missing <show>/<shot>/<user>, a root user, a bad name, a missing or bad
// value, a layer without <cmd>, a duplicate layer or job, a bad or too large <range>, a job
// without layers, and a depend whose type lacks a field it needs or that names a layer or
// frame missing from a job of this spec. An unknown show, service or limit is not an error.
absl::StatusOr<JobSpec> parseJobSpec(std::string_view xml, const SpecOptions& options = {});

// OpenCue's full job name (cuebot JobSpec.conformJobName):
//   1. prefix = "<show>-<shot>-<user>_" (shot conformed); if the name starts with it (case
//      kept), the name loses the prefix but keeps its '_';
//   2. the rest is lower-cased, runs of '_' become one '_', then '-' becomes '_';
//   3. leading '_' are dropped from the rest and trailing '_' from the prefix;
//   4. the result is lower(prefix + "_" + rest).
// "testing", "shot01", "tester", "spec_demo" -> "testing-shot01-tester_spec_demo".
// parseJobSpec() has checked that every job's rest matches ^[\w.-]{3,}$ before step 3.
std::string fullJobName(const JobSpec& spec, const JobSpecJob& job);

// The post job's full name as cuebot makes it: fullJobName() + "_post_job_" + launch_millis,
// then the first occurrence of spec.user replaced by kPostJobUser. launch_millis is the
// launch time in milliseconds since the epoch (cuebot's System.currentTimeMillis()).
std::string fullPostJobName(const JobSpec& spec, const JobSpecJob& job, int64_t launch_millis);

// Value readers, exposed for tools that take the same text (see file comment for the rules).
// Errors are INVALID_ARGUMENT without a location.
absl::StatusOr<MemoryKb> parseSpecMemory(std::string_view text);
absl::StatusOr<CoreUnits> parseSpecCores(std::string_view text);

}  // namespace cue::core
