// What this machine can spawn at all: a frame command (default /bin/true) started with
// posix_spawn and reaped with waitpid, over and over, by P spawners at once. No cuebot, no
// rqd, no gRPC, no logs, no cgroups: the floor under drain_bench's real-frame figure.
// A measurement, never a test; results go to docs/PERFORMANCE.md.
//
//   build/bench/spawn_floor [SPAWNS] [COMMAND...]    (default: 2000 /bin/true)
//
// For 1, 2 and 4 spawners it prints the spawns per second and the CPU that the spawners
// and their children used per spawn (getrusage of the process and its reaped children).
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

double cpuSeconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    struct rusage ru {};
    ::getrusage(who, &ru);
    total += static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

// Spawns and reaps `count` children one after another; false when one fails.
bool spawnLoop(int count, const std::vector<char*>& argv) {
  for (int i = 0; i < count; ++i) {
    pid_t pid = 0;
    if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int spawns = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::vector<std::string> words;
  for (int i = 2; i < argc; ++i) words.emplace_back(argv[i]);
  if (words.empty()) words.emplace_back("/bin/true");
  if (spawns <= 0 || words[0].empty() || words[0][0] != '/') {
    std::fprintf(stderr, "usage: spawn_floor [SPAWNS > 0] [/ABSOLUTE/COMMAND ARGS...]\n");
    return 2;
  }
  std::vector<char*> child_argv;
  for (std::string& w : words) child_argv.push_back(w.data());
  child_argv.push_back(nullptr);

  std::printf("| spawners | spawns | spawns/s | CPU per spawn (ms) |\n| --- | --- | --- | --- |\n");
  for (int spawners : {1, 2, 4}) {
    const int each = spawns / spawners;
    const double cpu_before = cpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    std::vector<char> ok(static_cast<size_t>(spawners), 0);
    for (int t = 0; t < spawners; ++t) {
      threads.emplace_back([&, t] { ok[static_cast<size_t>(t)] = spawnLoop(each, child_argv); });
    }
    for (std::thread& t : threads) t.join();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (char good : ok) {
      if (!good) {
        std::fprintf(stderr, "spawn_floor: %s failed to spawn or exit\n", words[0].c_str());
        return 1;
      }
    }
    const int total = each * spawners;
    std::printf("| %d | %d | %.0f | %.2f |\n", spawners, total, total / wall,
                (cpuSeconds() - cpu_before) * 1000.0 / total);
  }
  return 0;
}
