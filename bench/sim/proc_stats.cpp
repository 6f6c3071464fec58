#include "proc_stats.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace cue::sim {
namespace {

std::string procFile(int pid, const char* name) {
  return (pid > 0 ? "/proc/" + std::to_string(pid) : std::string("/proc/self")) + "/" + name;
}

}  // namespace

double processCpuSeconds(int pid) {
  std::ifstream in(procFile(pid, "stat"));
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int64_t processPeakRssKb(int pid) {
  std::ifstream in(procFile(pid, "status"));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  return 0;
}

}  // namespace cue::sim
