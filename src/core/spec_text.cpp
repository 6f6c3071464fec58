#include "core/spec_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "core/types.h"

namespace cue::core::spec_text {


// This Abseil's string_view is its own type, not std::string_view.
absl::string_view toAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// ---- plain text helpers ----------------------------------------------------------------------

std::string quoted(absl::string_view text) {
  if (text.size() <= kMaxQuotedValue) return absl::StrCat("\"", text, "\"");
  return absl::StrCat("\"", text.substr(0, kMaxQuotedValue), "...\"");
}

// cuebot's NAME_REGEX ^[\w.-]{3,}$ with Java's ASCII \w.
bool matchesNamePattern(absl::string_view s) {
  if (s.size() < 3) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// Optional sign, digits, optional fraction; at least one digit. No exponent, no spaces.
std::optional<double> parseDecimal(absl::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    std::optional<double> rest = parseDecimal(s.substr(1));
    if (!rest || s.size() < 2 || s[1] == '+' || s[1] == '-') return std::nullopt;
    return s[0] == '-' ? -*rest : *rest;
  }
  size_t digits = std::count_if(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
  size_t dots = std::count(s.begin(), s.end(), '.');
  if (digits == 0 || dots > 1 || digits + dots != s.size()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

absl::StatusOr<bool> parseBool(absl::string_view text) {
  static const std::set<std::string, std::less<>> kTrue = {"true", "yes", "1", "on"};
  static const std::set<std::string, std::less<>> kFalse = {"false", "no", "0", "off", ""};
  std::string lower = absl::AsciiStrToLower(text);
  if (kTrue.count(lower)) return true;
  if (kFalse.count(lower)) return false;
  return absl::InvalidArgumentError("expected True or False");
}

absl::StatusOr<int32_t> parseInt(absl::string_view text) {
  int32_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) return absl::InvalidArgumentError("expected an integer");
  return value;
}

absl::StatusOr<int32_t> parseCount(absl::string_view text) {
  int32_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 0) {
    return absl::InvalidArgumentError("expected a whole number >= 0");
  }
  return value;
}

absl::StatusOr<int32_t> parseChunk(absl::string_view text) {
  int32_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 1) {
    return absl::InvalidArgumentError("expected a whole number >= 1");
  }
  return value;
}

// <maxcores>/<mincores>: cores rounded to a whole core, as units (Convert.coresToWholeCoreUnits).
absl::StatusOr<CoreUnits> parseWholeCores(absl::string_view text) {
  std::optional<double> cores = parseDecimal(text);
  if (!cores || *cores < 0 || *cores > kMaxCores) {
    return absl::InvalidArgumentError("expected a number of cores >= 0, such as \"4\"");
  }
  return static_cast<CoreUnits>(std::floor(*cores + 0.5)) * kCoreUnitsPerCore;
}

absl::StatusOr<std::string> parseText(absl::string_view text) { return std::string(text); }

// ---- names -----------------------------------------------------------------------------------

// cuebot's conformName for layers and shots: length, '-' -> '_', lower case, pattern.
absl::StatusOr<std::string> conformName(absl::string_view kind, absl::string_view name) {
  if (name.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(kind, " name ", quoted(name), " must be at least 3 characters"));
  }
  std::string conformed = absl::AsciiStrToLower(name);
  std::replace(conformed.begin(), conformed.end(), '-', '_');
  if (!matchesNamePattern(conformed)) {
    return absl::InvalidArgumentError(absl::StrCat(
        kind, " name ", quoted(name), " may hold only letters, digits, '_', '-' and '.'"));
  }
  return conformed;
}

std::string jobNamePrefix(absl::string_view show, absl::string_view shot, absl::string_view user) {
  return absl::StrCat(show, "-", shot, "-", user, "_");
}

// Steps 1 and 2 of fullJobName(): the suffix cuebot checks against NAME_REGEX.
std::string jobNameSuffix(absl::string_view prefix, absl::string_view name) {
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size() - 1);
  std::string lower = absl::AsciiStrToLower(name);
  std::string suffix;
  for (char c : lower) {
    if (c == '_' && !suffix.empty() && suffix.back() == '_') continue;
    suffix.push_back(c);
  }
  std::replace(suffix.begin(), suffix.end(), '-', '_');
  return suffix;
}

// Steps 3 and 4 of fullJobName().
std::string joinJobName(absl::string_view prefix, absl::string_view suffix) {
  while (!suffix.empty() && suffix.front() == '_') suffix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '_') prefix.remove_suffix(1);
  return absl::AsciiStrToLower(absl::StrCat(prefix, "_", suffix));
}

absl::StatusOr<std::string> conformJobName(const JobSpec& spec, absl::string_view name) {
  std::string prefix = jobNamePrefix(spec.show, spec.shot, spec.user);
  std::string suffix = jobNameSuffix(prefix, name);
  if (!matchesNamePattern(suffix)) {
    return absl::InvalidArgumentError(
        absl::StrCat("job name ", quoted(name), " (suffix ", quoted(suffix),
                     ") must be at least 3 letters, digits, '_', '-' or '.'"));
  }
  return joinJobName(prefix, suffix);
}

// A frame name in a depend, cuebot's ^(\d{4,6})-(\w+)$, rewritten as "%04d-<layer>".

absl::StatusOr<FrameName> parseFrameName(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("frame name ", quoted(text),
                     " must be 4 to 6 digits, '-' and a layer name: \"0001-comp\""));
  };
  size_t dash = text.find('-');
  if (dash == absl::string_view::npos || dash < 4 || dash > 6) return bad();
  absl::string_view digits = text.substr(0, dash), layer = text.substr(dash + 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return absl::ascii_isdigit(c); }) ||
      layer.empty() || !std::all_of(layer.begin(), layer.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
      })) {
    return bad();
  }
  FrameName name;
  if (!absl::SimpleAtoi(digits, &name.number)) return bad();
  ASSIGN_OR_RETURN(name.layer, conformName("layer", layer));
  return name;
}

std::string formatFrameName(const FrameName& name) { return frameName(name.number, name.layer); }

}  // namespace cue::core::spec_text
