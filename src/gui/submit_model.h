// cuesubmit-gui's submission model, without widgets or Qt: what a person (or a DCC plug-in)
// fills in to submit a job, as OpenCue's CueSubmit asks for it, turned into a
// client::JobBuild, checked field by field, previewed and submitted.
//
// Layer types and the command each builds (executables default to OpenCue CueSubmit's,
// arguments quoted for /bin/sh with client::shellJoin):
//   Shell    the command as typed
//   Blender  blender -b -noaudio SCENE [-o OUTPUT] [-F FORMAT] then, as CueSubmit:
//              a plain range "A-B" (step 1):  -s #FRAME_START# -e #FRAME_END# -a
//              any other range:               -f #IFRAME#   (chunk must then be 1)
//   Maya     Render -r file -s #FRAME_START# -e #FRAME_END# [-cam CAMERA] SCENE
//   Nuke     nuke -F #IFRAME# [-X WRITE_NODES] -x SCRIPT   (chunk must be 1)
// Depends are on the layer just before (none, layer on layer, frame by frame); the first
// layer's depend is ignored, as CueSubmit does.
//
// Plain values and free functions: thread-compatible, copy freely.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "client/spec_builder.h"

namespace cue::client {
class Client;
}

namespace cue::gui {

enum class SubmitLayerType { kShell, kBlender, kMaya, kNuke };

// "Shell", "Blender", "Maya", "Nuke"; parsing ignores case.
std::string layerTypeName(SubmitLayerType type);
std::optional<SubmitLayerType> parseLayerType(std::string_view text);
// The executable a type's command starts with by default: "blender", "Render", "nuke"; "" for
// Shell.
std::string defaultExecutable(SubmitLayerType type);
// Blender's -F values CueSubmit offers ("" = the scene's own format first).
const std::vector<std::string>& blenderFormats();

struct SubmitLayer {
  std::string name;
  SubmitLayerType type = SubmitLayerType::kShell;
  // Shell: the command line, run by /bin/sh -c.
  std::string command;
  // Blender, Maya, Nuke: the program to run; empty = defaultExecutable(type).
  std::string executable;
  std::string scene;          // .blend file, Maya scene, Nuke script
  std::string output_path;    // Blender: -o, e.g. /renders/shot/frame_####
  std::string output_format;  // Blender: -F, e.g. PNG, EXR; empty = the scene's
  std::string camera;         // Maya: -cam; empty = the scene's renderable cameras
  std::string write_nodes;    // Nuke: -X, comma-separated; empty = every write node

  std::string range = "1";  // frame set text: 1-100, 1-100x2, 1,5,9
  int chunk = 1;            // frames per task
  std::optional<double> cores;   // per frame; unset = the service's; 0 = a whole host
  std::string memory;            // 512m, 4g; empty = the service's
  int gpus = 0;                  // 0 = none
  std::string gpu_memory;        // empty = 1g when gpus > 0
  std::vector<std::string> services;
  std::vector<std::string> tags;
  std::vector<std::string> limits;
  client::LayerDepend depend = client::LayerDepend::kNone;  // on the layer before
};

struct SubmitJob {
  std::string user;  // default: $USER (defaultSubmitJob)
  std::string name;
  std::string show;
  std::string shot;
  int priority = 1;     // CueSubmit's default
  int max_retries = 1;  // cuebot clamps a spec's to 0 or 1
  bool paused = false;
  std::string facility;  // empty: the cuebot's default
  std::vector<SubmitLayer> layers;
};

// A job with user $USER, shot "default", and one Shell layer "render" of frame 1.
SubmitJob defaultSubmitJob();

// One problem with one field. layer is the index of the layer, -1 for a job field.
// field names the field as the window labels it: "name", "show", "shot", "user",
// "max retries", "layers", and for a layer "name", "command", "scene", "output path",
// "output format", "executable", "range", "chunk", "cores", "memory", "GPU memory", "tags",
// "services", "limits".
struct FieldError {
  int layer = -1;
  std::string field;
  std::string message;
  // "job name: ..." or "layer 2 "comp" range: ...".
  std::string text(const SubmitJob& job) const;
};

// Every problem found, in field order; empty when the job can be built. Checks what cuebot
// would refuse (names, ranges, chunk, resources) and what a layer type needs (a scene, ...).
std::vector<FieldError> validateSubmitJob(const SubmitJob& job);

// The layer's command line with its #TOKENS# as cuebot receives them; an error names the
// missing field ("layer "x": no scene file").
absl::StatusOr<std::string> layerCommand(const SubmitLayer& layer);

// What the first task of `layer` in `job` will run: layerCommand() with its tokens replaced
// for the first chunk of its range (#IFRAME# = the first frame number; #FRAME_END# the
// chunk's last). Falls back to the command with its tokens kept when the range is not valid.
std::string previewFirstTask(const SubmitJob& job, const SubmitLayer& layer);

// The JobBuild for buildSpecXml, or INVALID_ARGUMENT listing every FieldError, one a line.
absl::StatusOr<client::JobBuild> toJobBuild(const SubmitJob& job);

// Validates, builds the spec and launches it through `client`: the launched jobs' names.
absl::StatusOr<std::vector<std::string>> submitJob(client::Client& client, const SubmitJob& job);

// What a DCC plug-in (or cuesubmit-gui's flags) fills in; unset fields keep the job's.
struct SubmitPrefill {
  std::optional<std::string> job_name, show, shot, user;
  // Any of these replaces the job's layers with one layer (named "render" by default).
  std::optional<std::string> layer_type, layer_name, command, scene, output_path,
      output_format, range;
  std::optional<int> chunk;
};

// `job` with `prefill` applied; INVALID_ARGUMENT for an unknown layer type.
absl::StatusOr<SubmitJob> applyPrefill(SubmitJob job, const SubmitPrefill& prefill);

// "a, b ,c" -> {"a", "b", "c"}: the comma lists of services, tags and limits.
std::vector<std::string> splitList(std::string_view text);

}  // namespace cue::gui
