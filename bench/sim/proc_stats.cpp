#include "proc_stats.h"

#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace cue::sim {
namespace {

std::string procFile(int pid, const char* name) {
  return (pid > 0 ? "/proc/" + std::to_string(pid) : std::string("/proc/self")) + "/" + name;
}

// Fields `first` and `first + 1` of /proc/PID/stat, in seconds (clock ticks); 0 when
// unreadable.
double statSeconds(int pid, int first) {
  std::ifstream in(procFile(pid, "stat"));
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));  // from field 3, the state
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= first + 1 && rest >> field; ++i)
    if (i >= first) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

double processCpuSeconds(int pid) { return statSeconds(pid, 14); }  // utime + stime

double reapedChildrenCpuSeconds(int pid) { return statSeconds(pid, 16); }  // cutime + cstime

int64_t processPeakRssKb(int pid) {
  std::ifstream in(procFile(pid, "status"));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  return 0;
}

std::vector<double> cpuProbeMs() {
  cpu_set_t all;
  if (sched_getaffinity(0, sizeof all, &all) != 0) return {};
  std::vector<double> out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (!CPU_ISSET(c, &all)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(c, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) continue;  // this thread alone
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t x = 88172645463325252ULL;  // xorshift: work the compiler cannot skip
    for (int i = 0; i < 20'000'000; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
    }
    asm volatile("" : : "r"(x));  // the result is kept: the loop cannot be dropped
    out.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  sched_setaffinity(0, sizeof all, &all);
  return out;
}

}  // namespace cue::sim
