#include "core/frame_set.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <limits>
#include <unordered_set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status.h"

namespace cue::core {
namespace {

// The text as it appears inside quotes in an error message. (Debian's Abseil has its own
// absl::string_view, distinct from std::string_view.)
std::string quoted(std::string_view text) {
  return absl::CHexEscape(absl::string_view(text.data(), text.size()));
}

enum class PartKind { kStep, kInverseStep, kInterleave };

// One comma-separated part with its numbers range-checked and its step validated. A single
// frame N is stored as N-Nx1, a plain range A-B as A-Bx1 or A-Bx-1. int64 so that spans and
// offsets never overflow.
struct Part {
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;  // never 0
  PartKind kind = PartKind::kStep;
};

// Offsets from `start` a part walks through, in the direction of its step: 0..span.
// Negative when the part counts against its step (only possible with step 1 and end < start,
// which OpenCue turns into an empty part).
int64_t partSpan(const Part& part) {
  return part.step > 0 ? part.end - part.start : part.start - part.end;
}

// How many frames expandPart() appends for `part`, computed without expanding it.
int64_t partSize(const Part& part) {
  const int64_t span = partSpan(part);
  if (span < 0) return 0;
  const int64_t on_step = span / std::abs(part.step) + 1;
  switch (part.kind) {
    case PartKind::kStep:
      return on_step;
    case PartKind::kInverseStep:
      return span + 1 - on_step;
    case PartKind::kInterleave:
      return span + 1;  // the last pass, step 1, lists every frame once
  }
  return 0;
}

// Appends the frames at offsets 0, s, 2s, ... <= span that are not yet `listed`, marking them.
void appendPass(const Part& part, int64_t s, std::vector<bool>& listed, std::vector<int32_t>& out) {
  const int64_t direction = part.step > 0 ? 1 : -1;
  for (int64_t offset = 0; offset < static_cast<int64_t>(listed.size()); offset += s) {
    if (listed[offset]) continue;
    listed[offset] = true;
    out.push_back(static_cast<int32_t>(part.start + direction * offset));
  }
}

// Appends the frames of `part` to `out` in OpenCue order; exactly partSize(part) of them.
void expandPart(const Part& part, std::vector<int32_t>& out) {
  const int64_t span = partSpan(part);
  if (span < 0) return;
  const int64_t direction = part.step > 0 ? 1 : -1;
  const int64_t stride = std::abs(part.step);
  switch (part.kind) {
    case PartKind::kStep:
      for (int64_t offset = 0; offset <= span; offset += stride) {
        out.push_back(static_cast<int32_t>(part.start + direction * offset));
      }
      return;
    case PartKind::kInverseStep:
      // Walk the gaps between step frames only, so "1-2000000000y1,5" costs nothing.
      if (stride == 1) return;
      for (int64_t base = 0; base <= span; base += stride) {
        for (int64_t offset = base + 1; offset < base + stride && offset <= span; ++offset) {
          out.push_back(static_cast<int32_t>(part.start + direction * offset));
        }
      }
      return;
    case PartKind::kInterleave: {
      // Passes with step S, S/2, S/4, ... 1 (truncating, as Java's `step /= 2`).
      std::vector<bool> listed(static_cast<size_t>(span) + 1, false);
      for (int64_t s = stride; s > 0; s /= 2) appendPass(part, s, listed, out);
      return;
    }
  }
}

// Reads frame range text into parts. Every error names the text and a 1-based column.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // The parts of the whole text; trailing commas are ignored. Fails on an empty text.
  absl::StatusOr<std::vector<Part>> parseParts() {
    const size_t last = text_.find_last_not_of(',');
    if (text_.empty()) return absl::InvalidArgumentError("frame range \"\" is empty");
    if (last == std::string_view::npos) return errorAt(0, "expected a number");
    end_ = last + 1;
    std::vector<Part> parts;
    while (true) {
      ASSIGN_OR_RETURN(Part part, parsePart());
      parts.push_back(part);
      if (pos_ == end_) return parts;
      ++pos_;  // the ',' that atPartEnd() stopped on
    }
  }

 private:
  // part := number [ '-' number [ ('x' | 'y' | ':') number ] ]
  absl::StatusOr<Part> parsePart() {
    Part part;
    ASSIGN_OR_RETURN(part.start, parseNumber());
    part.end = part.start;
    if (atPartEnd()) return part;
    if (text_[pos_] != '-') return errorAt(pos_, "expected '-' or ','");
    ++pos_;
    ASSIGN_OR_RETURN(part.end, parseNumber());
    part.step = part.end >= part.start ? 1 : -1;
    if (atPartEnd()) return part;
    const char separator = text_[pos_];
    if (separator == 'x') {
      part.kind = PartKind::kStep;
    } else if (separator == 'y') {
      part.kind = PartKind::kInverseStep;
    } else if (separator == ':') {
      part.kind = PartKind::kInterleave;
    } else {
      return errorAt(pos_, "expected 'x', 'y', ':' or ','");
    }
    const size_t step_pos = ++pos_;
    ASSIGN_OR_RETURN(part.step, parseNumber());
    RETURN_IF_ERROR(checkStep(part, step_pos));
    if (!atPartEnd()) return errorAt(pos_, "expected ','");
    return part;
  }

  // number := ['-'] digit+, within int32.
  absl::StatusOr<int64_t> parseNumber() {
    const size_t begin = pos_;
    const bool negative = pos_ < end_ && text_[pos_] == '-';
    if (negative) ++pos_;
    const size_t digits = pos_;
    constexpr int64_t kLimit = int64_t{std::numeric_limits<int32_t>::max()} + 1;
    int64_t magnitude = 0;
    for (; pos_ < end_ && text_[pos_] >= '0' && text_[pos_] <= '9'; ++pos_) {
      magnitude = std::min(magnitude * 10 + (text_[pos_] - '0'), kLimit + 1);
    }
    if (pos_ == digits) return errorAt(pos_, "expected a number");
    if (magnitude > (negative ? kLimit : kLimit - 1)) {
      return errorAt(begin, absl::StrCat("number ", std::string(text_.substr(begin, pos_ - begin)),
                                         " does not fit in 32 bits"));
    }
    return negative ? -magnitude : magnitude;
  }

  // OpenCue's rules for x, y and ':' steps; `step_pos` is where the step was written.
  absl::Status checkStep(const Part& part, size_t step_pos) const {
    if (part.step == 0) return errorAt(step_pos, "step must not be zero");
    if (part.step > 1 && part.end < part.start) {
      return errorAt(step_pos, absl::StrFormat("positive step %d with end frame %d below start "
                                               "frame %d",
                                               part.step, part.end, part.start));
    }
    if (part.step < 0 && part.end >= part.start) {
      return errorAt(step_pos, absl::StrFormat("negative step %d with end frame %d not below "
                                               "start frame %d",
                                               part.step, part.end, part.start));
    }
    return absl::OkStatus();
  }

  bool atPartEnd() const { return pos_ == end_ || text_[pos_] == ','; }

  absl::Status errorAt(size_t pos, std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrFormat("frame range \"%s\": %s at column %d", quoted(text_), what, pos + 1));
  }

  std::string_view text_;
  size_t end_ = 0;  // text_ without its trailing commas
  size_t pos_ = 0;
};

// The number of frames `parts` expand to; fails when that is 0 or more than max_frames.
absl::StatusOr<int64_t> countFrames(std::string_view text, const std::vector<Part>& parts,
                                    int64_t max_frames) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  for (const Part& part : parts) {
    const int64_t size = partSize(part);
    total = size > kMax - total ? kMax : total + size;
  }
  if (total == 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("frame range \"%s\" has no frames", quoted(text)));
  }
  if (total > max_frames) {
    return absl::InvalidArgumentError(
        absl::StrFormat("frame range \"%s\" has %d frames, more than the limit of %d", quoted(text),
                        total, max_frames));
  }
  return total;
}

// True when no frame appears twice, checked cheaply for the usual strictly monotonic lists.
bool isStrictlyMonotonic(const std::vector<int32_t>& frames) {
  bool up = true;
  bool down = true;
  for (size_t i = 1; i < frames.size(); ++i) {
    up = up && frames[i - 1] < frames[i];
    down = down && frames[i - 1] > frames[i];
  }
  return up || down;
}

// `frames` without repeats, each frame at its first position (Java's LinkedHashSet).
std::vector<int32_t> uniqueInOrder(const std::vector<int32_t>& frames) {
  if (isStrictlyMonotonic(frames)) return frames;
  std::unordered_set<int32_t> seen;
  seen.reserve(frames.size());
  std::vector<int32_t> unique;
  unique.reserve(frames.size());
  for (int32_t frame : frames) {
    if (seen.insert(frame).second) unique.push_back(frame);
  }
  return unique;
}

// The last index of the constant, non-zero step run that starts at `first`.
size_t runEnd(const std::vector<int32_t>& frames, size_t first) {
  if (first + 1 >= frames.size()) return first;
  const int64_t step = int64_t{frames[first + 1]} - frames[first];
  if (step == 0) return first;
  size_t last = first + 1;
  while (last + 1 < frames.size() && int64_t{frames[last + 1]} - frames[last] == step) ++last;
  return last;
}

}  // namespace

absl::StatusOr<FrameSet> FrameSet::parse(std::string_view text, int64_t max_frames) {
  ASSIGN_OR_RETURN(std::vector<Part> parts, Parser(text).parseParts());
  ASSIGN_OR_RETURN(int64_t total, countFrames(text, parts, max_frames));
  std::vector<int32_t> frames;
  frames.reserve(static_cast<size_t>(total));
  for (const Part& part : parts) expandPart(part, frames);
  assert(static_cast<int64_t>(frames.size()) == total);
  return FrameSet(std::string(text), std::move(frames));
}

int32_t FrameSet::operator[](size_t i) const {
  assert(i < frames_.size());
  return frames_[i];
}

ChunkedFrames chunkedFrames(const FrameSet& set, int32_t chunk_size) {
  return ChunkedFrames{uniqueInOrder(set.frames()), static_cast<size_t>(std::max(chunk_size, 1))};
}

std::vector<FrameChunk> chunkFrames(const FrameSet& set, int32_t chunk_size) {
  const ChunkedFrames chunked = chunkedFrames(set, chunk_size);
  std::vector<FrameChunk> chunks;
  chunks.reserve(chunked.count());
  for (size_t i = 0; i < chunked.count(); ++i) {
    const auto frames = chunked.chunk(i);
    chunks.push_back(FrameChunk{chunked.number(i), {frames.begin(), frames.end()}});
  }
  return chunks;
}

std::string toFrameSpec(const std::vector<int32_t>& frames) {
  std::vector<std::string> parts;
  size_t first = 0;
  while (first < frames.size()) {
    const size_t last = runEnd(frames, first);
    const int64_t step = last > first ? int64_t{frames[first + 1]} - frames[first] : 0;
    if (last == first || (last == first + 1 && step != 1)) {
      // A single frame, or a pair that reads better as two frames ("1,5" not "1-5x4"); the
      // second frame of a pair may start the next run.
      parts.push_back(absl::StrCat(frames[first]));
      ++first;
    } else if (step == 1) {
      parts.push_back(absl::StrCat(frames[first], "-", frames[last]));
      first = last + 1;
    } else {
      parts.push_back(absl::StrCat(frames[first], "-", frames[last], "x", step));
      first = last + 1;
    }
  }
  return absl::StrJoin(parts, ",");
}

std::string frameName(int32_t number, std::string_view layer_name) {
  return absl::StrCat(absl::Dec(number, absl::kZeroPad4), "-",
                      absl::string_view(layer_name.data(), layer_name.size()));
}

}  // namespace cue::core
