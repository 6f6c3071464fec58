// Command tokens: the #TOKEN# placeholders replaced in a frame's command when it is dispatched.
//
// OpenCue's set is exactly the nine tokens cuebot replaces in
// DispatchSupportService.prepareRqdRunFrame (the Rust scheduler's
// dispatcher/actor.rs prepare_rqd_run_frame replaces the same nine, in the same order):
//   #ZFRAME#       the frame number, printf "%04d": "0001", "-005"
//   #IFRAME#       the frame number (the chunk's first frame)
//   #FRAME_START#  the chunk's first frame (same as #IFRAME#)
//   #FRAME_END#    the chunk's last frame, in chunk order
//   #FRAME_CHUNK#  the layer's chunk size (not the number of frames in this chunk)
//   #LAYER#        the layer name
//   #JOB#          the full job name
//   #FRAMESPEC#    the chunk's frames as compact range text (toFrameSpec): "1-10", "1-9x2"
//   #FRAME#        the frame name, "0001-render"
// cuesubmit lists the same tokens in its tooltips (cuesubmit/Constants.py COMMAND_TOKENS).
// Tokens mentioned only in OpenCue's docs (#FRAME_STEP#, #IFRAME_END#, #OFRAME#) are not
// replaced by any OpenCue code and are not replaced here. pyoutline's %{FRAME}, %{ZFRAME} and
// %{RANGE} are replaced by pyoutline's own wrapper on the host, not at dispatch.
//
// Cue extensions, replaced only when CommandContext::cue_tokens is set, mirror environment
// variables cuebot already sets for every frame (CUE_SHOW, CUE_JOB_ID, ...):
//   #SHOW# #SHOT# #USER# #JOB_ID# #LAYER_ID# #FRAME_ID# #RESOURCE_ID# #LOGFILE#
// They are off by default so that a command means the same to Cue as to OpenCue.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cue::core {

// What cuebot knows about one frame when it dispatches it. Plain value; copy freely.
struct CommandContext {
  std::string job;          // full job name: #JOB#
  std::string job_id;       // #JOB_ID# (Cue)
  std::string layer;        // layer name: #LAYER#, and the layer half of #FRAME#
  std::string layer_id;     // #LAYER_ID# (Cue)
  std::string frame_id;     // #FRAME_ID# (Cue)
  std::string show;         // #SHOW# (Cue)
  std::string shot;         // #SHOT# (Cue)
  std::string user;         // #USER# (Cue): the job's owner
  std::string log_file;     // #LOGFILE# (Cue): the frame's log file path
  std::string resource_id;  // #RESOURCE_ID# (Cue): the proc's id
  // The frame being dispatched, the first frame of its chunk: #IFRAME#, #ZFRAME#,
  // #FRAME_START# and the number half of #FRAME#.
  int32_t frame_number = 0;
  // The frames this task renders, in order (FrameChunk::frames). Empty means just
  // frame_number. Gives #FRAME_END# (the last entry) and #FRAMESPEC#.
  std::vector<int32_t> chunk_frames;
  int32_t chunk_size = 1;   // the layer's chunk size: #FRAME_CHUNK#
  bool cue_tokens = false;  // also replace the Cue extension tokens
};

// One token, for help texts (cuesubmit's tooltip, cueman).
struct CommandToken {
  std::string_view token;        // "#IFRAME#"
  std::string_view description;  // "Current frame"
  bool opencue;                  // false for a Cue extension
};

// Every token substituteCommandTokens() knows, OpenCue's first, in the order they are replaced.
std::span<const CommandToken> commandTokens();

// Returns `command` with each known token replaced by its value from `ctx`. Unknown tokens
// ("#FOO#", or the Cue extensions while ctx.cue_tokens is false) are left as they are.
// As in cuebot, each token is replaced everywhere in turn, in the order of commandTokens(), so
// commands whose tokens overlap ("#JOB#LAYER#") come out exactly as OpenCue's do. Unlike
// cuebot (Java's replaceAll), '$' and '\' in values are copied literally.
std::string substituteCommandTokens(std::string_view command, const CommandContext& ctx);

// RQD on Windows (rqd/rqcore.py runWindows) replaces "%{frame}" with CUE_IFRAME just before it
// launches the command; Cue's RQD calls this there. Nothing else is replaced.
std::string substituteWindowsFrameToken(std::string_view command, int32_t frame_number);

}  // namespace cue::core
