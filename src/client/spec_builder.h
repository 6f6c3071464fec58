// Building job specs without writing XML: cuesubmit's flags and cuecmd's command files become
// the CJSL document OpenCue's pyoutline would write (the DOCTYPE names CJSL 1.15, pyoutline's
// default; nothing written needs more than 1.12), which any cuebot, Cue's or OpenCue's, takes.
//
// What the values mean (as core/job_spec.h reads them back):
//   - command: a shell command line; rqd runs it with /bin/sh -c, after cuebot replaces the
//     #IFRAME#-style tokens (core/command_tokens.h). It is written verbatim: quote arguments
//     with spaces for the shell, or build the line with shellJoin().
//   - cores: cores per frame, written "%.1f" (or "%.2f" for quarter cores) so the spec's
//     decimal point marks cores, not 1/100 core units. 0 asks for every core of a host.
//   - memory, gpu_memory: "512m", "4g", or a bare number of GIGABYTES; written back as a
//     whole number of "m" or "g" (or fractional "m"), which cuebot reads the same way.
//   - tags: written "a | b" as pyoutline does; limits and services as lists.
//   - depend: on the layer just before, by name: LAYER_ON_LAYER (the whole previous layer
//     finishes first) or FRAME_BY_FRAME (frame N waits on frame N of the previous layer).
// Errors are INVALID_ARGUMENT, one line naming the job or layer and what to change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cue::client {

enum class LayerDepend { kNone, kLayerOnLayer, kFrameByFrame };

struct LayerBuild {
  std::string name;
  std::string command;  // shell command line, see above
  std::string range;    // frame set text, "1-100x2"
  int chunk = 1;        // frames per task, >= 1
  std::optional<double> cores;
  std::string memory;  // empty: the service's
  std::optional<int> gpus;
  std::string gpu_memory;  // empty: none, or 1g when gpus is set (as pyoutline)
  std::vector<std::string> services;  // first existing one wins; empty: "default"
  std::vector<std::string> tags;      // empty: the service's
  std::vector<std::string> limits;
  LayerDepend depend = LayerDepend::kNone;  // on the previous layer
};

struct JobBuild {
  std::string name;
  std::string show;
  std::string shot;
  std::string user;
  std::optional<int> uid;  // never 0
  std::string facility;    // empty: the cuebot's default
  std::optional<int> priority;
  std::optional<int> max_retries;  // 0 or 1: cuebot clamps a spec's to that
  bool paused = false;
  std::string email;
  std::vector<LayerBuild> layers;
};

// The spec XML for `job`, indented for reading. Checks names, ranges, chunk sizes and
// resources first, then reads the result back with core::parseJobSpec, so that what it
// returns is a spec cuebot accepts up to the show, services and limits it looks up.
absl::StatusOr<std::string> buildSpecXml(const JobBuild& job);

// `args` as one /bin/sh command line: each argument single-quoted unless it is made only of
// characters the shell leaves alone (letters, digits, and _ - . / : = , + @ % #, '#' not
// first; no '=' in the first word, which would be an assignment).
std::string shellJoin(const std::vector<std::string>& args);

// cuecmd: a text file of shell commands, one per line, becomes a job of frames that run
// `commands_per_frame` lines each: frame i runs lines (i-1)*k+1 .. i*k of the file counting
// only commands (blank lines and lines starting with '#' are skipped). A frame stops at its
// first failing command and fails with that command's status.
struct CommandFileOptions {
  JobBuild job;               // name, show, shot, user, ...; its layers are ignored
  LayerBuild layer;           // name (default "cuecmd") and resources; command, range,
                              // chunk and depend are set here
  int commands_per_frame = 1;
  // The most bytes of shell script one layer's command may hold. Linux refuses a single
  // exec argument over 128 KiB (rqd runs /bin/sh -c COMMAND), so longer files are spread over
  // several layers: "cuecmd", "cuecmd_2", ..., each taking the next frames, none waiting on
  // another.
  size_t max_script_bytes = 64 * 1024;
};

// Design: the commands travel inside the spec, so no shared storage is needed between the
// submitting machine and the render hosts. Each layer's command is one /bin/sh script,
//   run_line() { /bin/sh -c "$2" || ...exit...; };
//   case #IFRAME# in 1) run_line 1 'cmd1'; run_line 2 'cmd2';; 2) ...;; esac
// cuebot replaces #IFRAME# with the frame's number at dispatch, so each frame runs its own
// arm. Each command runs in its own /bin/sh -c (quoted, so its own quotes, comments and
// separators mean what they meant on its line); the first that fails ends the frame with
// its status and a "cuecmd: line N failed" line in the frame's log. The layer's range is the frames' numbers
// (1-N) with chunk 1. Tokens such as #IFRAME# inside a command are replaced too.
absl::StatusOr<JobBuild> jobFromCommandFile(std::string_view text,
                                            const CommandFileOptions& options);

}  // namespace cue::client
