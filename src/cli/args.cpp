#include "cli/args.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cue::cli {

namespace {

// "-5", "-1.5" and "-" are values, not flags.
bool looksLikeFlag(const std::string& s) {
  if (s.size() < 2 || s[0] != '-') return false;
  char c = s[1] == '-' && s.size() > 2 ? s[2] : s[1];
  return !(std::isdigit(static_cast<unsigned char>(c)) || c == '.');
}

}  // namespace

const std::vector<std::string>& Args::values(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = values_.find(name);
  return it == values_.end() ? kNone : it->second;
}

std::string Args::value(const std::string& name, const std::string& fallback) const {
  const auto& v = values(name);
  return v.empty() ? fallback : v.front();
}

ArgParser::ArgParser(std::string program, std::string description)
    : program_(std::move(program)), description_(std::move(description)) {}

void ArgParser::add(Flag flag) { flags_.push_back(std::move(flag)); }

const Flag* ArgParser::find(const std::string& token) const {
  std::string name = token.rfind("--", 0) == 0 ? token.substr(1) : token;
  for (const auto& f : flags_)
    if (std::find(f.names.begin(), f.names.end(), name) != f.names.end()) return &f;
  return nullptr;
}

absl::StatusOr<Args> ArgParser::parse(int argc, const char* const* argv) const {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string token = argv[i];
    if (!looksLikeFlag(token)) {
      args.positionals_.push_back(token);
      continue;
    }
    std::string inline_value;
    bool has_inline = false;
    if (auto eq = token.find('='); eq != std::string::npos && token.rfind("--", 0) == 0) {
      inline_value = token.substr(eq + 1);
      token = token.substr(0, eq);
      has_inline = true;
    }
    const Flag* flag = find(token);
    if (!flag)
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", token, "; see ", program_, " --help"));
    if (has_inline && flag->max_values == 0)
      return absl::InvalidArgumentError(
          absl::StrCat(flag->names.front(), " takes no value; see ", program_, " --help"));
    auto& vals = args.values_[flag->names.front()];
    vals.clear();  // a repeated flag takes its last values, as argparse does
    if (has_inline) vals.push_back(inline_value);
    while (static_cast<int>(vals.size()) < flag->max_values && i + 1 < argc &&
           !looksLikeFlag(argv[i + 1]))
      vals.push_back(argv[++i]);
    if (static_cast<int>(vals.size()) < flag->min_values)
      return absl::InvalidArgumentError(absl::StrCat(
          flag->names.front(), " needs ", flag->metavar.empty() ? "a value" : flag->metavar,
          "; see ", program_, " --help"));
    if (!flag->choices.empty()) {
      for (const auto& v : vals) {
        bool ok = std::any_of(flag->choices.begin(), flag->choices.end(),
                              [&](const std::string& c) { return absl::EqualsIgnoreCase(c, v); });
        if (!ok)
          return absl::InvalidArgumentError(absl::StrCat(flag->names.front(), " ", v,
                                                         ": expected one of ",
                                                         absl::StrJoin(flag->choices, ", ")));
      }
    }
  }
  return args;
}

std::string ArgParser::help() const {
  std::string out = absl::StrCat("usage: ", program_, " [options]\n\n", description_, "\n");
  std::string group = "\x01";
  for (const auto& f : flags_) {
    if (f.group != group) {
      group = f.group;
      absl::StrAppend(&out, "\n", group.empty() ? "Options" : group, ":\n");
    }
    std::string left = absl::StrCat("  ", absl::StrJoin(f.names, ", "));
    if (!f.metavar.empty()) absl::StrAppend(&left, " ", f.metavar);
    std::string help = f.help;
    if (!f.choices.empty()) absl::StrAppend(&help, " (", absl::StrJoin(f.choices, ", "), ")");
    if (left.size() < 34) {
      absl::StrAppend(&out, left, std::string(34 - left.size(), ' '), help, "\n");
    } else {
      absl::StrAppend(&out, left, "\n", std::string(34, ' '), help, "\n");
    }
  }
  return out;
}

std::string ArgParser::bashCompletion() const {
  std::vector<std::string> names;
  std::string choice_cases;
  for (const auto& f : flags_) {
    for (const auto& n : f.names) names.push_back(n);
    if (!f.choices.empty())
      absl::StrAppend(&choice_cases, "    ", absl::StrJoin(f.names, "|"), ") COMPREPLY=($(compgen -W \"",
                      absl::StrJoin(f.choices, " "), "\" -- \"$cur\")); return;;\n");
  }
  std::string fn = absl::StrCat("_", program_, "_complete");
  std::replace(fn.begin(), fn.end(), '-', '_');
  return absl::StrCat(
      "# bash completion for ", program_, " (", program_, " --completion bash)\n", fn, "() {\n",
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n",
      "  case \"$prev\" in\n", choice_cases, "  esac\n",
      "  if [[ \"$cur\" == -* ]]; then\n    COMPREPLY=($(compgen -W \"", absl::StrJoin(names, " "),
      "\" -- \"$cur\"))\n  else\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n  fi\n}\n",
      "complete -F ", fn, " ", program_, "\n");
}

}  // namespace cue::cli
