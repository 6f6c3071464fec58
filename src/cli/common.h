// What cueadmin, cueman and cuesubmit share: the general flags (-server, -facility,
// -verbose, -force, --json, --help, --completion), connecting, confirmation prompts, error
// lines and value parsers. Every failure is one line on stderr, "<tool>: <what>", and an exit
// code from exit_codes.h.
#pragma once

#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cli/args.h"
#include "cli/exit_codes.h"
#include "client/client.h"

namespace cue::cli {

void addGeneralFlags(ArgParser& parser);

// Handles --help and --completion; returns an exit code when the tool should stop.
std::optional<int> handleInfoFlags(const ArgParser& parser, const Args& args);

absl::StatusOr<client::Client> connectFromArgs(const Args& args);

// Prints "<tool>: <message>" (on one line) and returns the status's exit code.
int fail(const std::string& tool, const absl::Status& status);
int usage(const std::string& tool, const std::string& message);  // exit 2
// A value the user typed that does not parse: exit 2, whatever the status's code.
inline int badValue(const std::string& tool, const absl::Status& status) {
  return usage(tool, std::string(status.message()));
}
std::string oneLine(absl::string_view text);

// The whole life of a tool: parse (exit 2 on a bad flag), --help / --completion, help when
// run bare, refuse stray positionals and more than one of `actions`, connect, then `body`.
int runTool(const char* tool, const ArgParser& parser, const std::vector<std::string>& actions,
            int argc, char** argv,
            const std::function<int(client::Client&, const Args&)>& body);

// Jobs by name: pending ones (what actions work on, as OpenCue's findJob), and with
// `finished` also finished ones (for listings); NOT_FOUND names the first missing job, so a
// command stops before it changes anything.
absl::StatusOr<std::vector<core::JobView>> findJobs(client::Client& c,
                                                    const std::vector<std::string>& names,
                                                    bool finished = false);

// Runs `op` on each item; prints each failure as "<tool>: <name>: <message>" and a last
// "<done>: N of M" line. Exit: 0 all done; 1 some failed; the failure's code if all failed.
template <class T>
int forEach(const std::string& tool, const std::vector<T>& items,
            const std::function<std::string(const T&)>& name,
            const std::function<absl::Status(const T&)>& op, const std::string& done) {
  int first_code = kExitOk;
  size_t ok = 0;
  for (const auto& item : items) {
    auto st = op(item);
    if (st.ok()) {
      ++ok;
      continue;
    }
    std::cerr << tool << ": " << name(item) << ": " << oneLine(st.message()) << "\n";
    if (first_code == kExitOk) first_code = exitCodeFor(st);
  }
  std::cout << done << ": " << ok << " of " << items.size() << "\n";
  if (ok == items.size()) return kExitOk;
  return ok == 0 ? first_code : kExitFailed;
}

// $USER, else the login name of the real uid ("" when neither is known).
std::string currentUser();

// Asks "Please confirm. <question>? [y/n]" on the terminal unless `force`. Without a
// terminal on stdin, refuses (a script must say -force). Returns kExitOk when confirmed.
int confirm(const std::string& tool, const std::string& question, bool force);

// OpenCue's numeric filters: "lt5" (below 5), "gt5" (above 5), "5-10" (inclusive), or "5"
// (5 and above), scaled by `unit` (e.g. GB -> KB). A max of -1 = no upper bound.
absl::StatusOr<std::pair<int64_t, int64_t>> parseRangeFilter(const std::string& text,
                                                             double unit, const char* what);
absl::StatusOr<double> parseNumber(const std::string& text, const char* what);
absl::StatusOr<int> parseInt(const std::string& text, const char* what);
// on/off, yes/no, true/false, enabled/disabled.
absl::StatusOr<bool> parseOnOff(const std::string& text, const char* what);
int64_t nowEpoch();

}  // namespace cue::cli
