#include "cli/common.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

namespace cue::cli {

void addGeneralFlags(ArgParser& p) {
  const std::string g = "General Options";
  p.add({{"-server"}, 1, Flag::kMany, "HOSTNAME ...",
         "cuebot address(es), host[:port]; default $CUEBOT_HOSTS, then opencue.yaml", g});
  p.add({{"-facility"}, 1, 1, "CODE", "facility whose cuebots to use (opencue.yaml)", g});
  p.add({{"-verbose", "-v"}, 0, 0, "", "say which cuebot answered, and more", g});
  p.add({{"-force"}, 0, 0, "", "do not ask for confirmation", g});
  p.add({{"-json", "--json"}, 0, 0, "", "print listings as JSON (docs/CLI.md)", g});
  p.add({{"-h", "-help", "--help"}, 0, 0, "", "show this help", g});
  p.add({{"-completion", "--completion"}, 1, 1, "SHELL", "print a completion script", g,
         {"bash"}});
}

std::optional<int> handleInfoFlags(const ArgParser& parser, const Args& args) {
  if (args.has("-h")) {
    std::cout << parser.help();
    return kExitOk;
  }
  if (args.has("-completion")) {
    std::cout << parser.bashCompletion();
    return kExitOk;
  }
  return std::nullopt;
}

absl::StatusOr<client::Client> connectFromArgs(const Args& args) {
  client::ClientOptions options;
  options.servers = args.values("-server");
  options.facility = args.value("-facility");
  auto c = client::connect(options);
  if (c.ok() && args.has("-verbose"))
    std::cerr << "cuebot: " << c->address() << " (from " << c->config().source << ")\n";
  return c;
}

std::string oneLine(absl::string_view text) {
  std::string s(text);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

int fail(const std::string& tool, const absl::Status& status) {
  std::cerr << tool << ": " << oneLine(status.message()) << "\n";
  return exitCodeFor(status);
}

int usage(const std::string& tool, const std::string& message) {
  std::cerr << tool << ": " << oneLine(message) << "\n";
  return kExitUsage;
}

int runTool(const char* tool, const ArgParser& parser, const std::vector<std::string>& actions,
            int argc, char** argv,
            const std::function<int(client::Client&, const Args&)>& body) {
  auto args = parser.parse(argc, argv);
  if (!args.ok()) return usage(tool, std::string(args.status().message()));
  if (auto rc = handleInfoFlags(parser, *args)) return *rc;
  if (argc == 1) {
    std::cout << parser.help();
    return kExitOk;
  }
  if (!args->positionals().empty())
    return usage(tool, absl::StrCat("unexpected \"", args->positionals().front(), "\"; see ",
                                    tool, " --help"));
  std::vector<std::string> given;
  for (const auto& a : actions)
    if (args->has(a)) given.push_back(a);
  if (given.size() > 1)
    return usage(tool, absl::StrCat("one command at a time: ", absl::StrJoin(given, " and "),
                                    " were both given"));
  auto client = connectFromArgs(*args);
  if (!client.ok()) return fail(tool, client.status());
  return body(*client, *args);
}

absl::StatusOr<std::vector<core::JobView>> findJobs(client::Client& c,
                                                    const std::vector<std::string>& names,
                                                    bool finished) {
  std::vector<core::JobView> out;
  for (const auto& n : names) {
    auto j = c.findJob(n);
    if (!j.ok() && j.status().code() == absl::StatusCode::kNotFound && !finished)
      return absl::NotFoundError(absl::StrCat("no pending job ", n));
    if (!j.ok() && j.status().code() == absl::StatusCode::kNotFound) {
      auto all = c.getJobsByName({n});
      if (!all.ok()) return all.status();
      if (all->empty()) return absl::NotFoundError(absl::StrCat("job ", n, " does not exist"));
      j = all->back();
    }
    if (!j.ok()) return j.status();
    out.push_back(std::move(*j));
  }
  return out;
}

std::string currentUser() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = getpwuid(getuid())) return pw->pw_name;
  return "";
}

int confirm(const std::string& tool, const std::string& question, bool force) {
  if (force) return kExitOk;
  if (!isatty(STDIN_FILENO))
    return usage(tool, absl::StrCat(question, ": needs confirmation, and there is no terminal "
                                    "to ask on; add -force to do it"));
  std::cerr << "Please confirm. " << question << "? [y/n] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return usage(tool, "not confirmed");
  answer = absl::AsciiStrToLower(absl::StripAsciiWhitespace(answer));
  if (answer == "y" || answer == "yes") return kExitOk;
  std::cerr << tool << ": not done\n";
  return kExitUsage;
}

absl::StatusOr<double> parseNumber(const std::string& text, const char* what) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v))
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", text, "\" is not a number"));
  return v;
}

absl::StatusOr<int> parseInt(const std::string& text, const char* what) {
  int v = 0;
  if (!absl::SimpleAtoi(text, &v))
    return absl::InvalidArgumentError(absl::StrCat(what, " \"", text, "\" is not a whole number"));
  return v;
}

absl::StatusOr<bool> parseOnOff(const std::string& text, const char* what) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "on" || t == "yes" || t == "true" || t == "enabled") return true;
  if (t == "off" || t == "no" || t == "false" || t == "disabled") return false;
  return absl::InvalidArgumentError(absl::StrCat(what, " \"", text, "\": expected ON or OFF"));
}

absl::StatusOr<std::pair<int64_t, int64_t>> parseRangeFilter(const std::string& text, double unit,
                                                             const char* what) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " \"", text, "\": expected ltN, gtN, N-M or N (N and above), N >= 0"));
  };
  auto num = [&](const std::string& s) -> std::optional<int64_t> {
    double v = 0;
    if (!absl::SimpleAtod(s, &v) || !std::isfinite(v) || v < 0 || v * unit > 9e18) return std::nullopt;
    return static_cast<int64_t>(v * unit);
  };
  std::string t = absl::AsciiStrToLower(text);
  if (absl::StartsWith(t, "lt")) {
    auto v = num(t.substr(2));
    if (!v || *v == 0) return bad();
    return std::make_pair(int64_t{0}, *v - 1);
  }
  if (absl::StartsWith(t, "gt")) {
    auto v = num(t.substr(2));
    if (!v) return bad();
    return std::make_pair(*v + 1, int64_t{-1});
  }
  if (auto dash = t.find('-'); dash != std::string::npos) {
    auto lo = num(t.substr(0, dash)), hi = num(t.substr(dash + 1));
    if (!lo || !hi) return bad();
    if (*lo > *hi)
      return absl::InvalidArgumentError(absl::StrCat(what, " \"", text, "\": the minimum is above the maximum"));
    return std::make_pair(*lo, *hi);
  }
  auto v = num(t);
  if (!v) return bad();
  return std::make_pair(*v, int64_t{-1});
}

int64_t nowEpoch() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace cue::cli
