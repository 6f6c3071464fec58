// Text rules of the CJSL parser (job_spec.cpp): value parsing with OpenCue's spellings,
// and the names cuebot conforms (layers, shots, jobs, frames in depends). Internal to
// core; pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/job_spec.h"

namespace cue::core::spec_text {

// CJSL versions OpenCue has shipped DTDs for.
inline constexpr int kMinDtdMinor = 5;
inline constexpr int kMaxDtdMinor = 16;

// Larger magnitudes are refused rather than overflowing.
inline constexpr double kMaxCores = 1e6;
inline constexpr double kMaxMemoryKb = 1e15;

// Values longer than this are shortened in error messages.
inline constexpr size_t kMaxQuotedValue = 40;

// This Abseil's string_view is its own type, not std::string_view.
absl::string_view toAbsl(std::string_view s);

std::string quoted(absl::string_view text);

// cuebot's NAME_REGEX ^[\w.-]{3,}$ with Java's ASCII \w.
bool matchesNamePattern(absl::string_view s);

// Optional sign, digits, optional fraction; at least one digit. No exponent, no spaces.
std::optional<double> parseDecimal(absl::string_view s);

absl::StatusOr<bool> parseBool(absl::string_view text);

absl::StatusOr<int32_t> parseInt(absl::string_view text);

absl::StatusOr<int32_t> parseCount(absl::string_view text);

absl::StatusOr<int32_t> parseChunk(absl::string_view text);

// <maxcores>/<mincores>: cores rounded to a whole core, as units (Convert.coresToWholeCoreUnits).
absl::StatusOr<CoreUnits> parseWholeCores(absl::string_view text);

absl::StatusOr<std::string> parseText(absl::string_view text);

// cuebot's conformName for layers and shots: length, '-' -> '_', lower case, pattern.
absl::StatusOr<std::string> conformName(absl::string_view kind, absl::string_view name);

std::string jobNamePrefix(absl::string_view show, absl::string_view shot, absl::string_view user);

// Steps 1 and 2 of fullJobName(): the suffix cuebot checks against NAME_REGEX.
std::string jobNameSuffix(absl::string_view prefix, absl::string_view name);

// Steps 3 and 4 of fullJobName().
std::string joinJobName(absl::string_view prefix, absl::string_view suffix);

absl::StatusOr<std::string> conformJobName(const JobSpec& spec, absl::string_view name);

// A frame name in a depend, cuebot's ^(\d{4,6})-(\w+)$, rewritten as "%04d-<layer>".
struct FrameName {
  int32_t number = 0;
  std::string layer;  // conformed
};

absl::StatusOr<FrameName> parseFrameName(absl::string_view text);

std::string formatFrameName(const FrameName& name);

}  // namespace cue::core::spec_text
