#include "core/command_tokens.h"

#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "core/frame_set.h"

namespace cue::core {
namespace {

// Debian's Abseil has its own absl::string_view, distinct from std::string_view.
absl::string_view av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

using ValueFn = std::string (*)(const CommandContext&);

// The frames the task renders: chunk_frames, or just frame_number when it is empty.
std::vector<int32_t> chunkOf(const CommandContext& ctx) {
  if (ctx.chunk_frames.empty()) return {ctx.frame_number};
  return ctx.chunk_frames;
}

// In cuebot's replacement order; kValues below is parallel to this list.
constexpr std::array<CommandToken, 17> kTokens = {{
    {"#ZFRAME#", "Current frame, zero-padded to 4 digits", true},
    {"#IFRAME#", "Current frame (first frame of the chunk)", true},
    {"#FRAME_START#", "First frame of the chunk", true},
    {"#FRAME_END#", "Last frame of the chunk", true},
    {"#FRAME_CHUNK#", "Chunk size of the layer", true},
    {"#LAYER#", "Name of the layer", true},
    {"#JOB#", "Name of the job", true},
    {"#FRAMESPEC#", "Frames of the chunk as range text, e.g. 1-10", true},
    {"#FRAME#", "Name of the frame, e.g. 0001-render", true},
    {"#SHOW#", "Name of the show", false},
    {"#SHOT#", "Name of the shot", false},
    {"#USER#", "User who owns the job", false},
    {"#JOB_ID#", "Id of the job", false},
    {"#LAYER_ID#", "Id of the layer", false},
    {"#FRAME_ID#", "Id of the frame", false},
    {"#RESOURCE_ID#", "Id of the proc running the frame", false},
    {"#LOGFILE#", "Path of the frame's log file", false},
}};

constexpr std::array<ValueFn, kTokens.size()> kValues = {{
    [](const CommandContext& c) { return absl::StrFormat("%04d", c.frame_number); },
    [](const CommandContext& c) { return absl::StrCat(c.frame_number); },
    [](const CommandContext& c) { return absl::StrCat(c.frame_number); },
    [](const CommandContext& c) { return absl::StrCat(chunkOf(c).back()); },
    [](const CommandContext& c) { return absl::StrCat(c.chunk_size); },
    [](const CommandContext& c) { return c.layer; },
    [](const CommandContext& c) { return c.job; },
    [](const CommandContext& c) { return toFrameSpec(chunkOf(c)); },
    [](const CommandContext& c) { return frameName(c.frame_number, c.layer); },
    [](const CommandContext& c) { return c.show; },
    [](const CommandContext& c) { return c.shot; },
    [](const CommandContext& c) { return c.user; },
    [](const CommandContext& c) { return c.job_id; },
    [](const CommandContext& c) { return c.layer_id; },
    [](const CommandContext& c) { return c.frame_id; },
    [](const CommandContext& c) { return c.resource_id; },
    [](const CommandContext& c) { return c.log_file; },
}};

}  // namespace

std::span<const CommandToken> commandTokens() { return kTokens; }

std::string substituteCommandTokens(std::string_view command, const CommandContext& ctx) {
  std::string result(command);
  for (size_t i = 0; i < kTokens.size(); ++i) {
    const CommandToken& token = kTokens[i];
    if (!token.opencue && !ctx.cue_tokens) continue;
    if (!absl::StrContains(result, av(token.token))) continue;
    absl::StrReplaceAll({{av(token.token), kValues[i](ctx)}}, &result);
  }
  return result;
}

std::string substituteWindowsFrameToken(std::string_view command, int32_t frame_number) {
  return absl::StrReplaceAll(av(command), {{"%{frame}", absl::StrCat(frame_number)}});
}

}  // namespace cue::core
