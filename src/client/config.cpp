#include "client/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace cue::client {

namespace {

std::string unquote(absl::string_view v) {
  std::string s(absl::StripAsciiWhitespace(v));
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

// Drops a comment: '#' at the start or after whitespace, outside quotes.
std::string stripComment(const std::string& line) {
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(0, i);
    }
  }
  return line;
}

std::vector<std::string> flowList(absl::string_view v) {
  std::vector<std::string> out;
  v = absl::StripAsciiWhitespace(v);
  v.remove_prefix(1);
  v.remove_suffix(1);
  for (auto part : absl::StrSplit(v, ',', absl::SkipWhitespace())) out.push_back(unquote(part));
  return out;
}

std::vector<std::string> splitHosts(const std::string& text) {
  return absl::StrSplit(text, absl::ByAnyChar(", "), absl::SkipEmpty());
}

std::string withPort(const std::string& host, int port) {
  // "[::1]:8443", "host:8443" have a port; a bare IPv6 address gets brackets.
  if (!host.empty() && host.front() == '[') {
    return host.find("]:") != std::string::npos ? host : absl::StrCat(host, ":", port);
  }
  size_t colons = std::count(host.begin(), host.end(), ':');
  if (colons == 1) return host;
  if (colons > 1) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

}  // namespace

absl::StatusOr<OpenCueYaml> parseOpenCueYaml(const std::string& text) {
  OpenCueYaml out;
  std::istringstream in(text);
  std::string raw;
  int lineno = 0;
  // Position inside cuebot.facility: the facility whose block list is being read.
  bool in_facilities = false;
  int facilities_indent = -1;
  std::string facility;
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("opencue.yaml line ", lineno, ": ", what));
  };
  while (std::getline(in, raw)) {
    ++lineno;
    std::string line = stripComment(raw);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    if (line.find('\t') < line.find_first_not_of(" \t")) return error("tabs are not allowed in indentation");
    int indent = static_cast<int>(line.find_first_not_of(' '));
    absl::string_view body = absl::StripAsciiWhitespace(line);
    if (in_facilities && indent <= facilities_indent) in_facilities = false;
    if (absl::ConsumePrefix(&body, "- ") || body == "-") {
      if (!in_facilities || facility.empty()) continue;  // a list under another key
      out.facilities[facility].push_back(unquote(body));
      continue;
    }
    size_t colon = body.find(':');
    if (colon == absl::string_view::npos) return error(absl::StrCat("expected \"key: value\", got \"", body, "\""));
    std::string key = unquote(body.substr(0, colon));
    absl::string_view value = absl::StripAsciiWhitespace(body.substr(colon + 1));
    if (in_facilities) {
      facility = key;
      auto& hosts = out.facilities[facility];
      if (!value.empty()) {
        if (value.front() == '[') {
          hosts = flowList(value);
        } else {
          hosts = {unquote(value)};
        }
      }
      continue;
    }
    if (indent > 0) continue;  // nested under a key we do not read
    if (key == "cuebot.facility") {
      in_facilities = true;
      facilities_indent = indent;
      facility.clear();
    } else if (key == "cuebot.facility_default") {
      out.facility_default = unquote(value);
    } else if (key == "cuebot.grpc_port") {
      if (!absl::SimpleAtoi(unquote(value), &out.grpc_port) || out.grpc_port <= 0 || out.grpc_port > 65535)
        return error(absl::StrCat("cuebot.grpc_port \"", value, "\" is not a port number"));
    } else if (key == "cuebot.timeout") {
      if (!absl::SimpleAtoi(unquote(value), &out.timeout_ms) || out.timeout_ms <= 0)
        return error(absl::StrCat("cuebot.timeout \"", value, "\" is not a positive number of ms"));
    }
  }
  return out;
}

Env Env::system() {
  Env env;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  env.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream f(path);
    if (!f) return std::nullopt;
    std::stringstream buf;
    buf << f.rdbuf();
    return buf.str();
  };
  return env;
}

absl::StatusOr<CuebotConfig> resolveCuebots(const ClientOptions& options, const Env& env) {
  // The config file, when there is one: it also gives the port and the timeout. When the
  // hosts come from -server or CUEBOT_HOSTS, a config file that cannot be used is ignored.
  const bool hosts_given = !options.servers.empty() || env.getenv("CUEBOT_HOSTS").has_value();
  OpenCueYaml yaml;
  std::string config_path;
  bool have_config = false;
  auto load = [&](const std::string& path, const std::string& text) -> absl::Status {
    auto parsed = parseOpenCueYaml(text);
    if (!parsed.ok())
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
    yaml = *parsed;
    have_config = true;
    return absl::OkStatus();
  };
  absl::Status config_status;
  if (auto explicit_path = env.getenv("OPENCUE_CONFIG_FILE")) {
    config_path = *explicit_path;
    if (auto text = env.read_file(config_path)) {
      config_status = load(config_path, *text);
    } else {
      config_status = absl::InvalidArgumentError(absl::StrCat(
          "OPENCUE_CONFIG_FILE names ", config_path, ", which cannot be read"));
    }
  } else if (auto home = env.getenv("HOME")) {
    config_path = absl::StrCat(*home, "/.config/opencue/opencue.yaml");
    if (auto text = env.read_file(config_path)) config_status = load(config_path, *text);
  }
  if (!config_status.ok()) {
    if (!hosts_given) return config_status;
    yaml = OpenCueYaml{};
  }

  CuebotConfig out;
  out.timeout_ms = options.timeout_ms > 0 ? options.timeout_ms : yaml.timeout_ms;
  std::vector<std::string> hosts;
  if (!options.servers.empty()) {
    for (const auto& s : options.servers)
      for (auto& h : splitHosts(s)) hosts.push_back(h);
    out.source = "-server";
  } else if (auto env_hosts = env.getenv("CUEBOT_HOSTS")) {
    hosts = splitHosts(*env_hosts);
    out.source = "CUEBOT_HOSTS";
  } else {
    std::string facility = options.facility;
    std::string from = "-facility";
    if (facility.empty()) {
      if (auto f = env.getenv("CUEBOT_FACILITY")) {
        facility = *f;
        from = "CUEBOT_FACILITY";
      } else {
        facility = yaml.facility_default;
        from = "cuebot.facility_default";
      }
    }
    if (!facility.empty() && have_config) {
      auto it = yaml.facilities.find(facility);
      if (it == yaml.facilities.end() || it->second.empty()) {
        std::vector<std::string> known;
        for (const auto& [name, list] : yaml.facilities) known.push_back(name);
        return absl::NotFoundError(absl::StrCat(
            "facility \"", facility, "\" (from ", from, ") has no cuebot hosts in ", config_path,
            known.empty() ? "" : absl::StrCat("; known facilities: ", absl::StrJoin(known, ", "))));
      }
      hosts = it->second;
      out.facility = facility;
      out.source = absl::StrCat(config_path, " facility ", facility);
    } else {
      hosts = {"localhost"};
      out.facility = facility;
      out.source = "default";
    }
  }
  if (hosts.empty())
    return absl::InvalidArgumentError(absl::StrCat("no cuebot hosts given (", out.source, ")"));
  if (out.facility.empty()) {
    if (!options.facility.empty()) out.facility = options.facility;
    else if (auto f = env.getenv("CUEBOT_FACILITY")) out.facility = *f;
  }
  for (const auto& h : hosts) out.hosts.push_back(withPort(h, yaml.grpc_port));
  return out;
}

}  // namespace cue::client
