#include "rqd/proc_parse.h"

#include <array>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace cue::rqd {
namespace {

// Splits "key<sep>value" at the first `sep`, trimming both sides. False without `sep`.
bool splitKeyValue(absl::string_view line, char sep, absl::string_view* key,
                   absl::string_view* value) {
  size_t at = line.find(sep);
  if (at == absl::string_view::npos) return false;
  *key = absl::StripAsciiWhitespace(line.substr(0, at));
  *value = absl::StripAsciiWhitespace(line.substr(at + 1));
  return true;
}

// The leading integer of a meminfo value such as "16384256 kB".
bool leadingInt(absl::string_view value, int64_t* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, ' ', absl::SkipEmpty());
  return !parts.empty() && absl::SimpleAtoi(parts[0], out);
}

// Accumulates one /proc/cpuinfo block into `cpus`.
struct CpuInfoBlock {
  int processor = -1;
  int socket = 0;
  int core = -1;
  int siblings = 0;
  int cpu_cores = 0;
};

}  // namespace

absl::StatusOr<CpuTopology> parseCpuInfo(absl::string_view text) {
  CpuTopology topo;
  std::vector<CpuInfoBlock> blocks;
  CpuInfoBlock current;
  bool in_block = false;
  int line_no = 0;
  auto flush = [&]() {
    if (in_block && current.processor >= 0) blocks.push_back(current);
    current = CpuInfoBlock();
    in_block = false;
  };
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view key, value;
    if (absl::StripAsciiWhitespace(line).empty()) {
      flush();
      continue;
    }
    if (!splitKeyValue(line, ':', &key, &value)) continue;
    int* target = nullptr;
    if (key == "processor") {
      if (in_block && current.processor >= 0) flush();
      target = &current.processor;
    } else if (key == "physical id") {
      target = &current.socket;
    } else if (key == "core id") {
      target = &current.core;
    } else if (key == "siblings") {
      target = &current.siblings;
    } else if (key == "cpu cores") {
      target = &current.cpu_cores;
    }
    if (target == nullptr) continue;
    in_block = true;
    if (!absl::SimpleAtoi(value, target)) {
      return absl::InvalidArgumentError(absl::StrCat("cpuinfo line ", line_no, ": \"", key,
                                                     "\" is not a number: \"", value, "\""));
    }
  }
  flush();
  if (blocks.empty()) return absl::InvalidArgumentError("cpuinfo: no \"processor\" line");

  std::set<int> sockets;
  std::set<std::pair<int, int>> cores;
  int multiplier = 1;
  for (const CpuInfoBlock& b : blocks) {
    LogicalCpu cpu;
    cpu.processor = b.processor;
    cpu.socket = b.socket;
    cpu.core = b.core >= 0 ? b.core : b.processor;
    topo.cpus.push_back(cpu);
    sockets.insert(cpu.socket);
    cores.insert({cpu.socket, cpu.core});
    if (b.siblings > 0 && b.cpu_cores > 0) multiplier = std::max(1, b.siblings / b.cpu_cores);
  }
  topo.sockets = static_cast<int>(sockets.size());
  topo.physical_cores = static_cast<int>(cores.size());
  // Trust the core ids over siblings/cpu cores when they disagree (VMs often lie).
  int by_ids = std::max<int>(1, static_cast<int>(topo.cpus.size()) / topo.physical_cores);
  topo.hyperthreading_multiplier = std::min(multiplier, by_ids);
  return topo;
}

absl::StatusOr<MemInfo> parseMemInfo(absl::string_view text) {
  MemInfo mem;
  bool have_total = false;
  std::map<absl::string_view, int64_t*> fields = {
      {"MemTotal", &mem.total_kb},         {"MemFree", &mem.free_kb},
      {"MemAvailable", &mem.available_kb}, {"Cached", &mem.cached_kb},
      {"Buffers", &mem.buffers_kb},        {"SwapTotal", &mem.swap_total_kb},
      {"SwapFree", &mem.swap_free_kb},
  };
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    absl::string_view key, value;
    if (!splitKeyValue(line, ':', &key, &value)) continue;
    auto it = fields.find(key);
    if (it == fields.end()) continue;
    if (!leadingInt(value, it->second)) {
      return absl::InvalidArgumentError(absl::StrCat("meminfo line ", line_no, ": \"", key,
                                                     "\" is not a number: \"", value, "\""));
    }
    if (key == "MemTotal") have_total = true;
  }
  if (!have_total) return absl::InvalidArgumentError("meminfo: no MemTotal line");
  return mem;
}

absl::StatusOr<double> parseLoadAvg(absl::string_view text) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ' ', absl::SkipEmpty());
  double load = 0;
  if (parts.empty() || !absl::SimpleAtod(parts[0], &load)) {
    return absl::InvalidArgumentError(
        absl::StrCat("loadavg: expected a number at column 1 of \"", text, "\""));
  }
  return load;
}

absl::StatusOr<int64_t> parseBootTime(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, "btime ")) continue;
    int64_t btime = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &btime)) {
      return absl::InvalidArgumentError(absl::StrCat("stat: bad btime \"", line, "\""));
    }
    return btime;
  }
  return absl::InvalidArgumentError("stat: no btime line");
}

std::string parseOsRelease(absl::string_view text) {
  std::map<std::string, std::string> values;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view key, value;
    if (!splitKeyValue(line, '=', &key, &value)) continue;
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    values[std::string(key)] = std::string(value);
  }
  if (!values["PRETTY_NAME"].empty()) return values["PRETTY_NAME"];
  if (!values["ID"].empty()) {
    return values["VERSION_ID"].empty() ? values["ID"]
                                        : absl::StrCat(values["ID"], " ", values["VERSION_ID"]);
  }
  return "Linux";
}

absl::StatusOr<ProcStat> parseProcStat(absl::string_view text) {
  ProcStat st;
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == absl::string_view::npos || close == absl::string_view::npos || close < open) {
    return absl::InvalidArgumentError("stat: no \"(comm)\" field");
  }
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text.substr(0, open)), &st.pid)) {
    return absl::InvalidArgumentError("stat: bad pid");
  }
  st.comm = std::string(text.substr(open + 1, close - open - 1));
  // Fields after the command, numbered as in proc(5) starting at 3 (state); only as many as
  // are read (a line has 52), without a vector: rqd reads one per frame and one per
  // process of the host at every sample.
  constexpr size_t kNeeded = 22;  // up to field 24 (rss)
  std::array<absl::string_view, kNeeded> f;
  size_t found = 0;
  const absl::string_view rest = text.substr(close + 1);
  for (size_t i = 0; found < kNeeded;) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\n')) ++i;
    if (i == rest.size()) break;
    const size_t start = i;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\n') ++i;
    f[found++] = rest.substr(start, i - start);
  }
  if (found < kNeeded) {
    return absl::InvalidArgumentError(
        absl::StrCat("stat: ", found, " fields after comm, need ", kNeeded));
  }
  auto field = [&](int n) { return f[n - 3]; };
  st.state = field(3).empty() ? '?' : field(3)[0];
  bool ok = absl::SimpleAtoi(field(4), &st.ppid) && absl::SimpleAtoi(field(5), &st.pgrp) &&
            absl::SimpleAtoi(field(6), &st.session) && absl::SimpleAtoi(field(14), &st.utime) &&
            absl::SimpleAtoi(field(15), &st.stime) && absl::SimpleAtoi(field(16), &st.cutime) &&
            absl::SimpleAtoi(field(17), &st.cstime) && absl::SimpleAtoi(field(22), &st.starttime) &&
            absl::SimpleAtoi(field(23), &st.vsize_bytes) &&
            absl::SimpleAtoi(field(24), &st.rss_pages);
  if (!ok) return absl::InvalidArgumentError("stat: a numeric field is not a number");
  return st;
}

absl::StatusOr<int64_t> parsePssKb(absl::string_view text) {
  int64_t total = 0;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, "Pss:")) continue;
    int64_t kb = 0;
    if (!leadingInt(absl::StripAsciiWhitespace(line), &kb)) {
      return absl::InvalidArgumentError(absl::StrCat("smaps: bad Pss line \"", line, "\""));
    }
    total += kb;
    found = true;
  }
  if (!found) return absl::NotFoundError("smaps: no Pss line");
  return total;
}

absl::StatusOr<std::vector<int>> parseCpuList(absl::string_view text) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(absl::StripAsciiWhitespace(text), ',',
                                               absl::SkipEmpty())) {
    std::vector<absl::string_view> ends = absl::StrSplit(part, absl::MaxSplits('-', 1));
    int first = 0, last = 0;
    if (!absl::SimpleAtoi(ends[0], &first) ||
        !absl::SimpleAtoi(ends.size() == 2 ? ends[1] : ends[0], &last) || first < 0 ||
        last < first || last - first > 65536) {
      return absl::InvalidArgumentError(absl::StrCat("bad CPU list part \"", part, "\""));
    }
    for (int c = first; c <= last; ++c) out.push_back(c);
  }
  return out;
}

absl::Status applyNumaNodes(const std::map<int, std::string>& node_cpulists,
                            CpuTopology* topology) {
  std::map<int, int> node_of;
  for (const auto& [node, list] : node_cpulists) {
    absl::StatusOr<std::vector<int>> cpus = parseCpuList(list);
    if (!cpus.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("NUMA node ", node, ": ", cpus.status().message()));
    }
    for (int c : *cpus) node_of[c] = node;
  }
  for (LogicalCpu& cpu : topology->cpus) {
    auto it = node_of.find(cpu.processor);
    if (it != node_of.end()) cpu.node = it->second;
  }
  return absl::OkStatus();
}

}  // namespace cue::rqd
