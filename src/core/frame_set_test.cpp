#include "core/frame_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace cue::core {

// Readable failure output for chunk comparisons (found by gtest through ADL).
void PrintTo(const FrameChunk& chunk, std::ostream* os) {
  *os << "{" << chunk.number << ": " << toFrameSpec(chunk.frames) << "}";
}

namespace {

using Frames = std::vector<int32_t>;

// The frames of `text`, or a test failure naming the error.
Frames framesOf(std::string_view text) {
  absl::StatusOr<FrameSet> set = FrameSet::parse(text);
  EXPECT_TRUE(set.ok()) << text << ": " << set.status();
  return set.ok() ? set->frames() : Frames{};
}

// The message parse() refuses `text` with (INVALID_ARGUMENT expected), or "" if it parses.
std::string errorOf(std::string_view text, int64_t max_frames = kDefaultMaxFramesPerLayer) {
  absl::StatusOr<FrameSet> set = FrameSet::parse(text, max_frames);
  if (set.ok()) return "";
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(set.status().message());
}

Frames inclusive(int32_t first, int32_t last, int32_t step) {
  Frames out;
  for (int32_t f = first; step > 0 ? f <= last : f >= last; f += step) out.push_back(f);
  return out;
}

// ---- a deliberately naive model of cuebot's FrameSet, for the property tests -----------------
// OpenCue's own regular expressions, Java's String.split(",") and Java's list building, with
// none of parse()'s arithmetic. nullopt where cuebot throws, and where Cue adds a refusal
// (no frames, more than max_frames).

std::optional<int64_t> javaInt(const std::string& digits) {
  if (digits.size() > 12) return std::nullopt;  // generators here never write such numbers
  const int64_t v = std::stoll(digits);
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return v;
}

Frames javaIntRange(int64_t start, int64_t end, int64_t step) {
  const int64_t lo = step < 0 ? end : start;
  const int64_t hi = step < 0 ? start : end;
  Frames out;
  for (int64_t n = lo; n <= hi; ++n) {
    if ((n - start) % std::abs(step) == 0) out.push_back(static_cast<int32_t>(n));
  }
  if (step < 0) std::reverse(out.begin(), out.end());
  return out;
}

bool javaStepSignOk(int64_t start, int64_t end, int64_t step) {
  if (step > 1 && end < start) return false;
  if (step == 0) return false;
  if (step < 0 && end >= start) return false;
  return true;
}

std::optional<Frames> naivePart(const std::string& part) {
  static const std::regex kSingle("(-?)\\d+");
  static const std::regex kSimple("((-?)\\d+)-((-?)\\d+)");
  static const std::regex kStep("((-?)\\d+)-((-?)\\d+)([xy])((-?)\\d+)");
  static const std::regex kInterleave("((-?)\\d+)-((-?)\\d+):((-?)\\d+)");
  std::smatch m;
  if (std::regex_match(part, kSingle)) {
    auto v = javaInt(part);
    if (!v) return std::nullopt;
    return Frames{static_cast<int32_t>(*v)};
  }
  if (std::regex_match(part, m, kSimple)) {
    auto a = javaInt(m[1]), b = javaInt(m[3]);
    if (!a || !b) return std::nullopt;
    return javaIntRange(*a, *b, *b >= *a ? 1 : -1);
  }
  const bool step = std::regex_match(part, m, kStep);
  if (!step && !std::regex_match(part, m, kInterleave)) return std::nullopt;
  auto a = javaInt(m[1]), b = javaInt(m[3]), s = javaInt(m[step ? 6 : 5]);
  if (!a || !b || !s || !javaStepSignOk(*a, *b, *s)) return std::nullopt;
  if (step && m[5] == "x") return javaIntRange(*a, *b, *s);
  if (step) {
    Frames stepped = javaIntRange(*a, *b, *s), out;
    for (int32_t f : javaIntRange(*a, *b, *s < 0 ? -1 : 1)) {
      if (std::find(stepped.begin(), stepped.end(), f) == stepped.end()) out.push_back(f);
    }
    return out;
  }
  Frames out;
  std::set<int32_t> seen;
  for (int64_t p = *s; p != 0; p /= 2) {
    for (int32_t f : javaIntRange(*a, *b, p)) {
      if (seen.insert(f).second) out.push_back(f);
    }
  }
  return out;
}

std::optional<Frames> naiveParse(const std::string& text, size_t max_frames) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(',', begin);
    parts.push_back(text.substr(begin, comma == std::string::npos ? comma : comma - begin));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  while (parts.size() > 1 && parts.back().empty()) parts.pop_back();  // Java's split
  Frames all;
  for (const std::string& part : parts) {
    std::optional<Frames> frames = naivePart(part);
    if (!frames) return std::nullopt;
    all.insert(all.end(), frames->begin(), frames->end());
    if (all.size() > max_frames) return std::nullopt;
  }
  if (all.empty()) return std::nullopt;
  return all;
}

// ---- syntax ---------------------------------------------------------------------------------

TEST(FrameSetTest, ParsesSingleFrames) {
  EXPECT_EQ(framesOf("5"), Frames({5}));
  EXPECT_EQ(framesOf("-3"), Frames({-3}));
  EXPECT_EQ(framesOf("0"), Frames({0}));
  EXPECT_EQ(framesOf("-0"), Frames({0}));
  EXPECT_EQ(framesOf("007"), Frames({7}));
  EXPECT_EQ(framesOf("4927"), Frames({4927}));
}

TEST(FrameSetTest, ParsesRangesInBothDirections) {
  EXPECT_EQ(framesOf("1-7"), Frames({1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(framesOf("1-100"), inclusive(1, 100, 1));
  EXPECT_EQ(framesOf("6-2"), Frames({6, 5, 4, 3, 2}));
  EXPECT_EQ(framesOf("10-1"), Frames({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(framesOf("-10--1"), Frames({-10, -9, -8, -7, -6, -5, -4, -3, -2, -1}));
  EXPECT_EQ(framesOf("-5-5"), Frames({-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(framesOf("-2--6"), Frames({-2, -3, -4, -5, -6}));
  EXPECT_EQ(framesOf("3--2"), Frames({3, 2, 1, 0, -1, -2}));
  EXPECT_EQ(framesOf("5-5"), Frames({5}));
}

TEST(FrameSetTest, ParsesSteppedRanges) {
  EXPECT_EQ(framesOf("1-8x2"), Frames({1, 3, 5, 7}));
  EXPECT_EQ(framesOf("1-10x3"), Frames({1, 4, 7, 10}));
  EXPECT_EQ(framesOf("1-20x3"), Frames({1, 4, 7, 10, 13, 16, 19}));
  EXPECT_EQ(framesOf("1-100x3"), inclusive(1, 100, 3));
  EXPECT_EQ(framesOf("1-100x3").size(), 34u);
  EXPECT_EQ(framesOf("-10-10x5"), Frames({-10, -5, 0, 5, 10}));
  EXPECT_EQ(framesOf("1-10x1"), inclusive(1, 10, 1));
  EXPECT_EQ(framesOf("1-10x20"), Frames({1}));
  EXPECT_EQ(framesOf("5-5x2"), Frames({5}));
}

TEST(FrameSetTest, ParsesNegativeStepsCountingDown) {
  EXPECT_EQ(framesOf("8-1x-2"), Frames({8, 6, 4, 2}));
  EXPECT_EQ(framesOf("10-1x-2"), Frames({10, 8, 6, 4, 2}));
  EXPECT_EQ(framesOf("10-1x-1"), inclusive(10, 1, -1));
  EXPECT_EQ(framesOf("76-70x-3"), Frames({76, 73, 70}));
  EXPECT_EQ(framesOf("-1--10x-4"), Frames({-1, -5, -9}));
}

TEST(FrameSetTest, ParsesInverseSteps) {
  EXPECT_EQ(framesOf("1-10y3"), Frames({2, 3, 5, 6, 8, 9}));
  EXPECT_EQ(framesOf("1-8y2"), Frames({2, 4, 6, 8}));
  EXPECT_EQ(framesOf("5-12y3"), Frames({6, 7, 9, 10, 12}));
  EXPECT_EQ(framesOf("1-100y3").size(), 66u);
  EXPECT_EQ(framesOf("8-1y-2"), Frames({7, 5, 3, 1}));
  EXPECT_EQ(framesOf("1-3y10"), Frames({2, 3}));
}

TEST(FrameSetTest, ParsesInterleavesInOpenCueOrder) {
  // x5: 1,6; x2: 3,5,7,9 (1 already listed); x1: the rest.
  EXPECT_EQ(framesOf("1-10:5"), Frames({1, 6, 3, 5, 7, 9, 2, 4, 8, 10}));
  EXPECT_EQ(framesOf("10-1:-5"), Frames({10, 5, 8, 6, 4, 2, 9, 7, 3, 1}));
  EXPECT_EQ(framesOf("1-7:5"), Frames({1, 6, 3, 5, 7, 2, 4}));
  EXPECT_EQ(framesOf("1-10:1"), inclusive(1, 10, 1));
  // "1-100:4": x4 (1,5,..97), then x2 adds 3,7,..99, then x1 adds the even frames.
  Frames expected = inclusive(1, 97, 4);
  for (int32_t f : inclusive(3, 99, 4)) expected.push_back(f);
  for (int32_t f : inclusive(2, 100, 2)) expected.push_back(f);
  EXPECT_EQ(framesOf("1-100:4"), expected);
  // Steps halve with truncation: 7, 3, 1.
  EXPECT_EQ(framesOf("0-14:7"), Frames({0, 7, 14, 3, 6, 9, 12, 1, 2, 4, 5, 8, 10, 11, 13}));
}

TEST(FrameSetTest, ParsesCommaListsKeepingDuplicates) {
  EXPECT_EQ(framesOf("1-5,10,20-30x2"), Frames({1, 2, 3, 4, 5, 10, 20, 22, 24, 26, 28, 30}));
  EXPECT_EQ(framesOf("1-3,2"), Frames({1, 2, 3, 2}));
  // cuebot's FrameSetTests.shouldSplitListAndMaintainOrder.
  EXPECT_EQ(
      framesOf("57,1-3,4-2,12-15x2,76-70x-3,5-12y3,1-7:5"),
      Frames({57, 1, 2, 3, 4, 3, 2, 12, 14, 76, 73, 70, 6, 7, 9, 10, 12, 1, 6, 3, 5, 7, 2, 4}));
}

TEST(FrameSetTest, FollowsOpenCueQuirks) {
  // Step 1 against the direction of the range gives an empty part, not an error.
  EXPECT_EQ(framesOf("1-3,10-1x1"), Frames({1, 2, 3}));
  EXPECT_EQ(framesOf("1-3,10-1y1,10-1:1"), Frames({1, 2, 3}));
  // y1 leaves nothing out... of nothing.
  EXPECT_EQ(framesOf("1-10y1,5"), Frames({5}));
  // Java's split drops trailing empty parts.
  EXPECT_EQ(framesOf("1-3,"), Frames({1, 2, 3}));
  EXPECT_EQ(framesOf("1-3,,,"), Frames({1, 2, 3}));
}

TEST(FrameSetTest, HandlesInt32Extremes) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  EXPECT_EQ(framesOf("2147483647"), Frames({kMax}));
  EXPECT_EQ(framesOf("-2147483648"), Frames({kMin}));
  EXPECT_EQ(framesOf("2147483645-2147483647"), Frames({kMax - 2, kMax - 1, kMax}));
  EXPECT_EQ(framesOf("-2147483646--2147483648"), Frames({kMin + 2, kMin + 1, kMin}));
  EXPECT_EQ(framesOf("-2147483648-2147483647x2147483647"), Frames({kMin, -1, kMax - 1}));
  EXPECT_EQ(framesOf("2147483647--2147483648x-2147483648"), Frames({kMax, -1}));
  EXPECT_EQ(framesOf("1-10x2147483647"), Frames({1}));
  // Steps 2^31-1, 2^30-1, ... 7, 3, 1.
  EXPECT_EQ(framesOf("1-10:2147483647"), Frames({1, 8, 4, 7, 10, 2, 3, 5, 6, 9}));
  // The y walk skips the gaps, so a huge all-on-step part costs nothing.
  EXPECT_EQ(framesOf("-2147483648-2147483647y1,7"), Frames({7}));
}

TEST(FrameSetTest, KeepsTextAndIndexes) {
  absl::StatusOr<FrameSet> set = FrameSet::parse("1-7");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->text(), "1-7");
  EXPECT_EQ(set->size(), 7u);
  EXPECT_EQ((*set)[4], 5);
  FrameSet empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.text(), "");
}

// ---- errors ---------------------------------------------------------------------------------

TEST(FrameSetTest, RejectsEmptyTextAndGarbage) {
  EXPECT_EQ(errorOf(""), "frame range \"\" is empty");
  EXPECT_EQ(errorOf(","), "frame range \",\": expected a number at column 1");
  EXPECT_EQ(errorOf("a"), "frame range \"a\": expected a number at column 1");
  EXPECT_EQ(errorOf("a-b"), "frame range \"a-b\": expected a number at column 1");
  EXPECT_EQ(errorOf("1-x"), "frame range \"1-x\": expected a number at column 3");
  EXPECT_EQ(errorOf("1-"), "frame range \"1-\": expected a number at column 3");
  EXPECT_EQ(errorOf("-"), "frame range \"-\": expected a number at column 2");
  EXPECT_EQ(errorOf("--5"), "frame range \"--5\": expected a number at column 2");
  EXPECT_EQ(errorOf("1-5xc"), "frame range \"1-5xc\": expected a number at column 5");
  EXPECT_EQ(errorOf("1-5:c"), "frame range \"1-5:c\": expected a number at column 5");
  EXPECT_EQ(errorOf("1,,2"), "frame range \"1,,2\": expected a number at column 3");
  EXPECT_EQ(errorOf(",1"), "frame range \",1\": expected a number at column 1");
  EXPECT_EQ(errorOf(" 1"), "frame range \" 1\": expected a number at column 1");
  EXPECT_EQ(errorOf("1 "), "frame range \"1 \": expected '-' or ',' at column 2");
  EXPECT_EQ(errorOf("+1"), "frame range \"+1\": expected a number at column 1");
  EXPECT_EQ(errorOf("1x10-20"), "frame range \"1x10-20\": expected '-' or ',' at column 2");
  EXPECT_EQ(errorOf("1:10-20"), "frame range \"1:10-20\": expected '-' or ',' at column 2");
  EXPECT_EQ(errorOf("1-10-20"),
            "frame range \"1-10-20\": expected 'x', 'y', ':' or ',' at column 5");
  EXPECT_EQ(errorOf("1-5z"), "frame range \"1-5z\": expected 'x', 'y', ':' or ',' at column 4");
  EXPECT_EQ(errorOf("1-5x3-2"), "frame range \"1-5x3-2\": expected ',' at column 6");
  EXPECT_EQ(errorOf("1-5x2y2"), "frame range \"1-5x2y2\": expected ',' at column 6");
  EXPECT_EQ(errorOf("\"1\""), "frame range \"\\\"1\\\"\": expected a number at column 1");
}

TEST(FrameSetTest, RejectsBadSteps) {
  EXPECT_EQ(errorOf("1-10x0"), "frame range \"1-10x0\": step must not be zero at column 6");
  EXPECT_EQ(errorOf("1-10y0"), "frame range \"1-10y0\": step must not be zero at column 6");
  EXPECT_EQ(errorOf("1-10:0"), "frame range \"1-10:0\": step must not be zero at column 6");
  EXPECT_EQ(errorOf("1-10x-1"),
            "frame range \"1-10x-1\": negative step -1 with end frame 10 not below start frame 1 "
            "at column 6");
  EXPECT_EQ(errorOf("1-8x-2"),
            "frame range \"1-8x-2\": negative step -2 with end frame 8 not below start frame 1 "
            "at column 5");
  EXPECT_EQ(errorOf("5-5x-1"),
            "frame range \"5-5x-1\": negative step -1 with end frame 5 not below start frame 5 "
            "at column 5");
  EXPECT_EQ(errorOf("1-10:-5"),
            "frame range \"1-10:-5\": negative step -5 with end frame 10 not below start frame 1 "
            "at column 6");
  // OpenCue refuses a positive step on a range that counts down; "10-1x-2" is the spelling.
  EXPECT_EQ(errorOf("10-1x2"),
            "frame range \"10-1x2\": positive step 2 with end frame 1 below start frame 10 at "
            "column 6");
  EXPECT_EQ(errorOf("1-3,10-1y2"),
            "frame range \"1-3,10-1y2\": positive step 2 with end frame 1 below start frame 10 "
            "at column 10");
}

TEST(FrameSetTest, RejectsNumbersOutsideInt32) {
  EXPECT_EQ(errorOf("2147483648"),
            "frame range \"2147483648\": number 2147483648 does not fit in 32 bits at column 1");
  EXPECT_EQ(errorOf("-2147483649"),
            "frame range \"-2147483649\": number -2147483649 does not fit in 32 bits at column 1");
  EXPECT_EQ(errorOf("1-99999999999999999999999"),
            "frame range \"1-99999999999999999999999\": number 99999999999999999999999 does not "
            "fit in 32 bits at column 3");
  EXPECT_EQ(errorOf("1-10x3000000000"),
            "frame range \"1-10x3000000000\": number 3000000000 does not fit in 32 bits at "
            "column 6");
  EXPECT_EQ(errorOf("1-10:-3000000000"),
            "frame range \"1-10:-3000000000\": number -3000000000 does not fit in 32 bits at "
            "column 6");
}

TEST(FrameSetTest, RejectsRangesWithNoFrames) {
  EXPECT_EQ(errorOf("10-1x1"), "frame range \"10-1x1\" has no frames");
  EXPECT_EQ(errorOf("1-10y1"), "frame range \"1-10y1\" has no frames");
  EXPECT_EQ(errorOf("10-1:1,10-1y1"), "frame range \"10-1:1,10-1y1\" has no frames");
}

TEST(FrameSetTest, RejectsRangesOverTheLimitWithoutExpanding) {
  // Each of these would need gigabytes if expanded; they come back at once.
  EXPECT_EQ(errorOf("1-1000000000"),
            "frame range \"1-1000000000\" has 1000000000 frames, more than the limit of 1000000");
  EXPECT_EQ(errorOf("-2147483648-2147483647"),
            "frame range \"-2147483648-2147483647\" has 4294967296 frames, more than the limit "
            "of 1000000");
  EXPECT_EQ(errorOf("1-2000000000y2"),
            "frame range \"1-2000000000y2\" has 1000000000 frames, more than the limit of "
            "1000000");
  EXPECT_EQ(errorOf("1-2000000000:1000"),
            "frame range \"1-2000000000:1000\" has 2000000000 frames, more than the limit of "
            "1000000");
  EXPECT_EQ(errorOf("1-10", 9), "frame range \"1-10\" has 10 frames, more than the limit of 9");
  EXPECT_EQ(errorOf("1-5,1-5", 9),
            "frame range \"1-5,1-5\" has 10 frames, more than the limit of 9");  // repeats count
  EXPECT_EQ(errorOf("1-10", 10), "");
  EXPECT_EQ(errorOf("1-1000000"), "");
  EXPECT_EQ(errorOf("1-1000001"),
            "frame range \"1-1000001\" has 1000001 frames, more than the limit of 1000000");
}

// ---- property tests ---------------------------------------------------------------------------

// Random text built from valid-looking parts, then sometimes mutated into garbage.
std::string randomRangeText(std::mt19937& rng) {
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::string text;
  const int parts = pick(1, 4);
  for (int i = 0; i < parts; ++i) {
    if (i > 0) text += ',';
    const int start = pick(-30, 60);
    text += std::to_string(start);
    const int kind = pick(0, 4);  // single, range, x, y, interleave
    if (kind == 0) continue;
    const int end = pick(-30, 60);
    text += "-" + std::to_string(end);
    if (kind == 1) continue;
    text += kind == 2 ? "x" : kind == 3 ? "y" : ":";
    // Mostly a step that agrees with the direction (valid), sometimes one that does not or 0.
    const int roll = pick(0, 19);
    const bool up = roll < 17 ? end >= start : pick(0, 1) == 1;
    const int step = roll == 19 ? 0 : up ? pick(1, 9) : -pick(1, 7);
    text += std::to_string(step);
  }
  if (pick(0, 9) == 0) text += ',';
  static const std::string kNoise = "-xy:, a0";
  for (int mutations = pick(0, 2) == 0 ? pick(1, 2) : 0; mutations > 0; --mutations) {
    const size_t at = std::uniform_int_distribution<size_t>(0, text.size())(rng);
    const char c = kNoise[pick(0, static_cast<int>(kNoise.size()) - 1)];
    const int op = pick(0, 2);
    if (op == 0 || at == text.size()) {
      text.insert(at, 1, c);
    } else if (op == 1) {
      text.erase(at, 1);
    } else {
      text[at] = c;
    }
  }
  return text;
}

TEST(FrameSetTest, MatchesNaiveExpansionOnRandomText) {
  std::mt19937 rng(20240611);
  constexpr int64_t kLimit = 500;
  int parsed = 0;
  int refused = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string text = randomRangeText(rng);
    const std::optional<Frames> expected = naiveParse(text, kLimit);
    absl::StatusOr<FrameSet> got = FrameSet::parse(text, kLimit);
    ASSERT_EQ(got.ok(), expected.has_value()) << '"' << text << "\": " << got.status();
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
      ++refused;
      continue;
    }
    ++parsed;
    ASSERT_EQ(got->frames(), *expected) << '"' << text << '"';
  }
  // Both sides are exercised: mostly valid text, and plenty of refusals.
  EXPECT_GT(parsed, 2000);
  EXPECT_GT(refused, 1000);
}

TEST(FrameSetTest, FrameSpecRoundTripsRandomLists) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    Frames frames;
    if (i % 2 == 0) {
      // Sorted and unique, from sparse to dense, with stepped stretches.
      const double density = std::uniform_real_distribution<double>(0.05, 1.0)(rng);
      const int step = std::uniform_int_distribution<int>(1, 4)(rng);
      for (int32_t f = -60; f <= 140; f += step) {
        if (std::bernoulli_distribution(density)(rng)) frames.push_back(f);
      }
    } else {
      // Any order, repeats allowed.
      const int n = std::uniform_int_distribution<int>(0, 30)(rng);
      for (int k = 0; k < n; ++k)
        frames.push_back(std::uniform_int_distribution<int>(-20, 20)(rng));
    }
    const std::string spec = toFrameSpec(frames);
    if (frames.empty()) {
      EXPECT_EQ(spec, "");
      continue;
    }
    absl::StatusOr<FrameSet> back = FrameSet::parse(spec);
    ASSERT_TRUE(back.ok()) << spec << ": " << back.status();
    ASSERT_EQ(back->frames(), frames) << spec;
  }
}

TEST(FrameSetTest, ChunksCoverTheUniqueFramesInOrder) {
  std::mt19937 rng(11);
  for (int i = 0; i < 1000; ++i) {
    absl::StatusOr<FrameSet> set = FrameSet::parse(randomRangeText(rng));
    if (!set.ok()) continue;
    const int32_t chunk = std::uniform_int_distribution<int32_t>(1, 7)(rng);
    Frames unique, joined;
    std::set<int32_t> seen;
    for (int32_t f : set->frames()) {
      if (seen.insert(f).second) unique.push_back(f);
    }
    const std::vector<FrameChunk> chunks = chunkFrames(*set, chunk);
    for (size_t c = 0; c < chunks.size(); ++c) {
      ASSERT_FALSE(chunks[c].frames.empty());
      EXPECT_EQ(chunks[c].number, chunks[c].frames.front());
      EXPECT_EQ(chunks[c].number, unique[c * chunk]);
      if (c + 1 < chunks.size()) {
        EXPECT_EQ(chunks[c].frames.size(), static_cast<size_t>(chunk));
      }
      joined.insert(joined.end(), chunks[c].frames.begin(), chunks[c].frames.end());
    }
    EXPECT_EQ(joined, unique);
  }
}

// ---- chunks, frame specs, names ---------------------------------------------------------------

FrameSet parsed(std::string_view text) {
  absl::StatusOr<FrameSet> set = FrameSet::parse(text);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : FrameSet();
}

TEST(FrameSetTest, ChunksConsecutiveEntries) {
  EXPECT_EQ(chunkFrames(parsed("1-10"), 3),
            std::vector<FrameChunk>({{1, {1, 2, 3}}, {4, {4, 5, 6}}, {7, {7, 8, 9}}, {10, {10}}}));
  EXPECT_EQ(chunkFrames(parsed("1-10x2"), 2),
            std::vector<FrameChunk>({{1, {1, 3}}, {5, {5, 7}}, {9, {9}}}));
  EXPECT_EQ(chunkFrames(parsed("1-10:5"), 4),
            std::vector<FrameChunk>({{1, {1, 6, 3, 5}}, {7, {7, 9, 2, 4}}, {8, {8, 10}}}));
  EXPECT_EQ(chunkFrames(parsed("55-60"), 10),
            std::vector<FrameChunk>({{55, {55, 56, 57, 58, 59, 60}}}));
  EXPECT_EQ(chunkFrames(parsed("3"), 1000000), std::vector<FrameChunk>({{3, {3}}}));
  EXPECT_TRUE(chunkFrames(FrameSet(), 5).empty());
}

TEST(FrameSetTest, ChunkSizeBelowOneMeansOne) {
  const std::vector<FrameChunk> ones({{1, {1}}, {2, {2}}, {3, {3}}});
  EXPECT_EQ(chunkFrames(parsed("1-3"), 1), ones);
  EXPECT_EQ(chunkFrames(parsed("1-3"), 0), ones);
  EXPECT_EQ(chunkFrames(parsed("1-3"), -5), ones);
}

TEST(FrameSetTest, ChunksDropRepeatedFrames) {
  EXPECT_EQ(chunkFrames(parsed("1-5,3-7"), 3),
            std::vector<FrameChunk>({{1, {1, 2, 3}}, {4, {4, 5, 6}}, {7, {7}}}));
  EXPECT_EQ(chunkFrames(parsed("5,1-3,2,5"), 1),
            std::vector<FrameChunk>({{5, {5}}, {1, {1}}, {2, {2}}, {3, {3}}}));
}

// The chunk specs cuebot's FrameSetTests expect from FrameSet.getChunk.
std::string chunkSpec(std::string_view text, size_t first, size_t count) {
  const FrameSet set = parsed(text);
  const Frames& all = set.frames();
  const size_t last = std::min(all.size(), first + count);
  return toFrameSpec(Frames(all.begin() + first, all.begin() + last));
}

TEST(FrameSetTest, WritesFrameSpecsLikeOpenCue) {
  EXPECT_EQ(chunkSpec("1-10x2,11-100x20,103-108", 5, 5), "11-91x20");
  EXPECT_EQ(chunkSpec("1-10x2,11-100x20,103-108", 2, 5), "5-11x2,31");
  EXPECT_EQ(chunkSpec("1-100x3", 9, 3), "28-34x3");
  EXPECT_EQ(chunkSpec("1-100", 9, 3), "10-12");
  EXPECT_EQ(chunkSpec("55-60", 0, 10), "55-60");
  // cuebot writes "91,103,104" here: it stops grouping after a lone pair. Same frames.
  EXPECT_EQ(chunkSpec("1-10x2,11-100x20,103-108", 9, 3), "91,103-104");

  EXPECT_EQ(toFrameSpec({}), "");
  EXPECT_EQ(toFrameSpec({7}), "7");
  EXPECT_EQ(toFrameSpec({1, 2}), "1-2");
  EXPECT_EQ(toFrameSpec({1, 3}), "1,3");
  EXPECT_EQ(toFrameSpec({1, 3, 7}), "1,3,7");
  EXPECT_EQ(toFrameSpec({1, 2, 3, 4}), "1-4");
  EXPECT_EQ(toFrameSpec({1, 3, 5, 7, 9}), "1-9x2");
  EXPECT_EQ(toFrameSpec({10, 9, 8}), "10-8x-1");
  EXPECT_EQ(toFrameSpec({10, 8, 6}), "10-6x-2");
  EXPECT_EQ(toFrameSpec({10, 9}), "10,9");
  EXPECT_EQ(toFrameSpec({5, 5, 5}), "5,5,5");
  EXPECT_EQ(toFrameSpec({-3, -2, -1, 0}), "-3-0");
  EXPECT_EQ(toFrameSpec({1, 5, 6, 7}), "1,5-7");
  EXPECT_EQ(toFrameSpec(inclusive(1, 100, 3)), "1-100x3");
  EXPECT_EQ(toFrameSpec({-2147483648, 2147483647}), "-2147483648,2147483647");
  EXPECT_EQ(toFrameSpec({-2147483648, -1, 2147483646}), "-2147483648-2147483646x2147483647");
}

TEST(FrameSetTest, NamesFramesLikeOpenCue) {
  EXPECT_EQ(frameName(1, "render"), "0001-render");
  EXPECT_EQ(frameName(0, "render"), "0000-render");
  EXPECT_EQ(frameName(1001, "comp"), "1001-comp");
  EXPECT_EQ(frameName(12345, "comp"), "12345-comp");
  EXPECT_EQ(frameName(-5, "render"), "-005-render");
  EXPECT_EQ(frameName(-12345, "render"), "-12345-render");
}

}  // namespace
}  // namespace cue::core
