// rqd_test's main. Besides running the tests, the binary doubles as a helper process:
//   rqd_test --memhog=MB     allocates and touches MB megabytes, prints "memhog ready",
//                            then sleeps until killed (frames run it);
//   rqd_test --spawn-frame   launches a frame shell ("sleep 1000; true") the way rqd does,
//                            prints its pid, then sleeps until killed (plays a crashing rqd).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "rqd/launcher.h"
#include "rqd/quiet_grpc.h"

namespace {

[[noreturn]] void memhog(long mb) {
  std::vector<char> block(static_cast<size_t>(mb) * 1024 * 1024);
  for (size_t i = 0; i < block.size(); i += 4096) block[i] = 1;
  std::printf("memhog ready\n");
  std::fflush(stdout);
  while (true) ::pause();
}

[[noreturn]] void spawnFrameAndWait() {
  cue::rqd::SpawnSpec spec;
  spec.command = "sleep 1000; true";
  spec.output_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  absl::StatusOr<cue::rqd::FrameUser> user =
      cue::rqd::resolveFrameUser(cue::rqd::FrameSpec{}, /*as_root=*/false);
  if (!user.ok()) ::_exit(2);
  spec.user = *user;
  absl::StatusOr<pid_t> pid = cue::rqd::spawnFrame(spec);
  if (!pid.ok()) ::_exit(3);
  std::printf("%d\n", static_cast<int>(*pid));
  std::fflush(stdout);
  while (true) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strncmp(argv[1], "--memhog=", 9) == 0) memhog(std::atol(argv[1] + 9));
  if (argc == 2 && std::strcmp(argv[1], "--spawn-frame") == 0) spawnFrameAndWait();
  // The rqd's gRPC runs every test here, as in rqd (quiet_grpc.h).
  cue::rqd::installQuietGrpc();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
