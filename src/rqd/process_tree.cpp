#include "rqd/process_tree.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "rqd/sys_util.h"

namespace cue::rqd {

ProcessTable scanProcesses(const std::string& proc_root) {
  ProcessTable table;
  absl::StatusOr<std::vector<std::string>> names = listDir(proc_root);
  if (!names.ok()) return table;
  for (const std::string& name : *names) {
    int pid = 0;
    if (!absl::SimpleAtoi(name, &pid) || pid <= 0) continue;
    absl::StatusOr<std::string> text = readSmallFile(absl::StrCat(proc_root, "/", name, "/stat"));
    if (!text.ok()) continue;
    absl::StatusOr<ProcStat> st = parseProcStat(*text);
    if (st.ok()) table.emplace(pid, std::move(*st));
  }
  return table;
}

std::vector<int> frameProcesses(const ProcessTable& table, ProcKey root,
                                const std::set<ProcKey>& known) {
  const int self = static_cast<int>(::getpid());
  const int root_pid = root.pid;
  auto root_it = table.find(root_pid);
  const bool recycled =
      root_it != table.end() && root.starttime != 0 && root_it->second.starttime != root.starttime;
  const bool match_session = root_pid > 1 && !recycled;
  std::set<int> members;
  std::unordered_map<int, std::vector<int>> children;
  for (const auto& [pid, st] : table) {
    children[st.ppid].push_back(pid);
    if (match_session && (pid == root_pid || st.session == root_pid || st.pgrp == root_pid)) {
      members.insert(pid);
    }
  }
  for (const ProcKey& k : known) {
    auto it = table.find(k.pid);
    if (it != table.end() && it->second.starttime == k.starttime) members.insert(k.pid);
  }
  std::deque<int> todo(members.begin(), members.end());
  while (!todo.empty()) {
    int pid = todo.front();
    todo.pop_front();
    auto it = children.find(pid);
    if (it == children.end()) continue;
    for (int child : it->second) {
      if (members.insert(child).second) todo.push_back(child);
    }
  }
  std::vector<int> out;
  for (int pid : members) {
    if (pid > 1 && pid != self) out.push_back(pid);
  }
  return out;
}

PssReader smapsPssReader(const std::string& proc_root) {
  return [proc_root](int pid) -> std::optional<int64_t> {
    absl::StatusOr<std::string> text =
        readSmallFile(absl::StrCat(proc_root, "/", pid, "/smaps_rollup"));
    if (!text.ok()) return std::nullopt;
    absl::StatusOr<int64_t> kb = parsePssKb(*text);
    if (!kb.ok()) return std::nullopt;
    return *kb;
  };
}

int64_t ioBytes(const std::string& proc_root, const std::vector<int>& pids) {
  int64_t total = 0;
  for (int pid : pids) {
    absl::StatusOr<std::string> text = readSmallFile(absl::StrCat(proc_root, "/", pid, "/io"));
    if (!text.ok()) continue;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      if (!absl::ConsumePrefix(&line, "rchar:") && !absl::ConsumePrefix(&line, "wchar:")) continue;
      int64_t n = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n)) total += n;
    }
  }
  return total;
}

TreeUsage sumUsage(const ProcessTable& table, const std::vector<int>& pids, const PssReader& pss) {
  static const int64_t page_kb = std::max<int64_t>(1, ::sysconf(_SC_PAGESIZE) / 1024);
  static const double ticks = std::max<double>(1, static_cast<double>(::sysconf(_SC_CLK_TCK)));
  TreeUsage u;
  for (int pid : pids) {
    auto it = table.find(pid);
    if (it == table.end()) continue;
    const ProcStat& st = it->second;
    MemoryKb rss = st.rss_pages * page_kb;
    u.rss += rss;
    u.vsize += static_cast<MemoryKb>(st.vsize_bytes / 1024);
    u.cpu_seconds += static_cast<double>(st.utime + st.stime + st.cutime + st.cstime) / ticks;
    std::optional<int64_t> p = (pss && st.state != 'Z') ? pss(pid) : std::nullopt;
    u.pss += p.has_value() ? *p : rss;
    ++u.num_processes;
  }
  return u;
}

int signalProcesses(const std::vector<int>& pids, int sig) {
  int n = 0;
  const int self = static_cast<int>(::getpid());
  for (int pid : pids) {
    if (pid <= 1 || pid == self) continue;
    if (::kill(pid, sig) == 0) ++n;
  }
  return n;
}

bool processGone(const std::string& proc_root, int pid) {
  absl::StatusOr<std::string> text = readSmallFile(absl::StrCat(proc_root, "/", pid, "/stat"));
  if (!text.ok()) return true;
  absl::StatusOr<ProcStat> st = parseProcStat(*text);
  return !st.ok() || st->state == 'Z' || st->state == 'X';
}

}  // namespace cue::rqd
