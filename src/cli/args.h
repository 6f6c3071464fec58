// Command-line parsing with OpenCue's conventions: single-dash long flags ("-lj", "-server
// a b"), each taking a fixed or open number of values (argparse's nargs), positional values
// otherwise. "--name" is accepted for every "-name". The same table gives --help and the bash
// completion script, so neither can fall out of step with the flags.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cue::cli {

struct Flag {
  Flag(std::vector<std::string> names_, int min, int max, std::string metavar_, std::string help_,
       std::string group_, std::vector<std::string> choices_ = {})
      : names(std::move(names_)), min_values(min), max_values(max), metavar(std::move(metavar_)),
        help(std::move(help_)), group(std::move(group_)), choices(std::move(choices_)) {}
  std::vector<std::string> names;  // "-lj", "-laj": the first is the canonical name
  int min_values = 0;
  int max_values = 0;              // kMany: as many as follow
  std::string metavar;             // "JOB ...", shown in --help
  std::string help;
  std::string group;               // heading in --help
  std::vector<std::string> choices;  // allowed values (case-insensitive), when limited
  static constexpr int kMany = 1 << 20;
};

class Args {
 public:
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  // The values given to a flag (empty when none or absent).
  const std::vector<std::string>& values(const std::string& name) const;
  // The first value, or `fallback`.
  std::string value(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend class ArgParser;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

class ArgParser {
 public:
  ArgParser(std::string program, std::string description);
  void add(Flag flag);
  // Errors: an unknown flag, too few values, a value outside the choices; each names the
  // flag and says to see --help.
  absl::StatusOr<Args> parse(int argc, const char* const* argv) const;
  std::string help() const;
  std::string bashCompletion() const;
  const std::string& program() const { return program_; }

 private:
  const Flag* find(const std::string& token) const;
  std::string program_;
  std::string description_;
  std::vector<Flag> flags_;
};

}  // namespace cue::cli
