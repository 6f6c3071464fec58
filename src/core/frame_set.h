// Frame sets: OpenCue's frame range text ("1-100x3,200") expanded to frame numbers, chunked
// into dispatchable tasks, and written back as compact text.
//
// The syntax and every result follow cuebot's FrameSet / FrameRange classes (the server is
// what expands a layer's range in OpenCue; pycue's FileSequence orders interleaves differently
// and is not followed). A frame set is a comma-separated list of parts, without spaces:
//
//   N        one frame, possibly negative:                       "5", "-3"
//   A-B      A to B by 1, counting down when B < A:               "1-5", "5-1", "-5--1", "-5-5"
//   A-BxS    every S-th frame from A; S < 0 counts down:          "1-10x3" = 1,4,7,10;
//                                                                 "10-1x-3" = 10,7,4,1
//   A-ByS    the frames of A-B that A-BxS leaves out:             "1-10y3" = 2,3,5,6,8,9
//   A-B:S    interleave: the frames of A-BxS, then those of       "1-10:5" = 1,6, 3,5,7,9,
//            A-Bx(S/2) not yet listed, ... down to A-Bx1              2,4,8,10
//
// Rules, all OpenCue's unless marked Cue:
//   1. S = 0 is refused. S > 1 needs B >= A, S < 0 needs B < A ("10-1x2" is refused: write
//      "10-1x-2").
//   2. S = 1 with B < A yields no frames: "10-1x1", "10-1y1" and "10-1:1" are empty parts.
//      "A-By1" and "A-By-1" are empty too (every frame is on the step).
//   3. Parts are concatenated in order and duplicates are kept: "1-3,2" = 1,2,3,2.
//      chunkFrames() drops them, as cuebot does when it creates a layer's frames.
//   4. Trailing commas are ignored ("1-5," = "1-5", as Java's String.split does); any other
//      empty part is refused.
//   5. Every number (frames and steps) must fit in a signed 32-bit integer.
//   6. (Cue) A text that yields no frames at all is refused, and so is one whose expansion
//      would have more than max_frames entries (duplicates counted). Sizes are computed
//      arithmetically before anything is expanded.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace cue::core {

// The most frame entries one layer's range may expand to unless the caller says otherwise.
// (cuebot's JobSpec caps a whole job at 100,000 frames after chunking; that check belongs to
// the job spec, not here.)
inline constexpr int64_t kDefaultMaxFramesPerLayer = 1'000'000;

// An ordered list of frame numbers parsed from OpenCue frame range text. Immutable after
// parse(); safe to read from several threads at once.
class FrameSet {
 public:
  // An empty set with empty text (so that FrameSet can sit in structs); parse() never
  // returns one.
  FrameSet() = default;

  // Parses OpenCue frame range text (syntax above). Every failure is INVALID_ARGUMENT with a
  // message naming the text and, for syntax errors, the 1-based column:
  //   frame range "1-x": expected a number at column 3
  // A range that would expand past max_frames entries is refused without being expanded.
  static absl::StatusOr<FrameSet> parse(std::string_view text,
                                        int64_t max_frames = kDefaultMaxFramesPerLayer);

  // The frames in OpenCue order, duplicates included.
  const std::vector<int32_t>& frames() const { return frames_; }
  size_t size() const { return frames_.size(); }
  // The i-th frame; i must be < size().
  int32_t operator[](size_t i) const;
  // The text given to parse().
  std::string text() const { return text_; }

 private:
  FrameSet(std::string text, std::vector<int32_t> frames)
      : text_(std::move(text)), frames_(std::move(frames)) {}

  std::string text_;
  std::vector<int32_t> frames_;
};

// One dispatchable task of a layer: the frame it is named after and the frames it renders.
struct FrameChunk {
  int32_t number = 0;           // the first frame of the chunk (the frame's number in OpenCue)
  std::vector<int32_t> frames;  // in set order, never empty

  bool operator==(const FrameChunk&) const = default;
};

// Splits a frame set into a layer's tasks, as cuebot's CueUtil.normalizeFrameRange and
// FrameSet.getChunk do:
//   1. duplicates are dropped, keeping each frame's first position;
//   2. the remaining frames are cut into runs of chunk_size consecutive entries (the last run
//      may be shorter); chunk i starts at entry i * chunk_size.
// chunk_size < 1 is treated as 1. An empty set gives no chunks.
std::vector<FrameChunk> chunkFrames(const FrameSet& set, int32_t chunk_size);

// The same chunks without a vector per chunk (a million-frame layer is a million chunks):
// chunk i is frames[i * chunk_size, min((i + 1) * chunk_size, frames.size())).
struct ChunkedFrames {
  std::vector<int32_t> frames;  // without duplicates, in set order
  size_t chunk_size = 1;

  size_t count() const { return (frames.size() + chunk_size - 1) / chunk_size; }
  int32_t number(size_t i) const { return frames[i * chunk_size]; }  // the chunk's name
  std::span<const int32_t> chunk(size_t i) const {
    const size_t first = i * chunk_size;
    return {frames.data() + first, std::min(frames.size(), first + chunk_size) - first};
  }
};
ChunkedFrames chunkedFrames(const FrameSet& set, int32_t chunk_size);

// Writes frames as compact frame range text, the way cuebot writes #FRAMESPEC#: runs of three
// or more frames with a constant step become "A-B" (step 1) or "A-BxS" (any other step,
// including negative ones: "10-6x-2"); a run of two with step 1 becomes "A-B"; anything else is
// listed singly: {1,2,3,4} -> "1-4", {1,3,5,7,9} -> "1-9x2", {1,3,7} -> "1,3,7".
// For every list (any order, duplicates allowed):
//   FrameSet::parse(toFrameSpec(frames))->frames() == frames.
// Returns "" for an empty list.
std::string toFrameSpec(const std::vector<int32_t>& frames);

// OpenCue's frame name, printf("%04d-%s"): frameName(1, "render") == "0001-render",
// frameName(12345, "comp") == "12345-comp". The sign counts towards the width, so
// frameName(-5, "render") == "-005-render" (cuebot names negative frames this way but then
// fails to dispatch them, as it reads the number back up to the first '-').
std::string frameName(int32_t number, std::string_view layer_name);

}  // namespace cue::core
