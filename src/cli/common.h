// What cueadmin, cueman and cuesubmit share: the general flags (-server, -facility,
// -verbose, -force, --json, --help, --completion), connecting, confirmation prompts, error
// lines and value parsers. Every failure is one line on stderr, "<tool>: <what>", and an exit
// code from exit_codes.h.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "cli/exit_codes.h"
#include "client/client.h"

namespace cue::cli {

void addGeneralFlags(ArgParser& parser);

// Handles --help and --completion; returns an exit code when the tool should stop.
std::optional<int> handleInfoFlags(const ArgParser& parser, const Args& args);

absl::StatusOr<client::Client> connectFromArgs(const Args& args);

// Prints "<tool>: <message>" and returns the status's exit code.
int fail(const std::string& tool, const absl::Status& status);
int usage(const std::string& tool, const std::string& message);  // exit 2

// Asks "Please confirm. <question>? [y/n]" on the terminal unless `force`. Without a
// terminal on stdin, refuses (a script must say -force). Returns kExitOk when confirmed.
int confirm(const std::string& tool, const std::string& question, bool force);

// OpenCue's numeric filters: "lt5", "gt5", "5-10", or "5" (5 and above), scaled by `unit`
// (e.g. GB -> KB). A max of -1 = no upper bound.
absl::StatusOr<std::pair<int64_t, int64_t>> parseRangeFilter(const std::string& text,
                                                             double unit, const char* what);
absl::StatusOr<double> parseNumber(const std::string& text, const char* what);
absl::StatusOr<int> parseInt(const std::string& text, const char* what);
// on/off, yes/no, true/false, enabled/disabled.
absl::StatusOr<bool> parseOnOff(const std::string& text, const char* what);
int64_t nowEpoch();

}  // namespace cue::cli
