// rqd_test's main. Besides running the tests, the binary doubles as a helper process that
// frames in tests can run: `rqd_test --memhog=MB` allocates and touches MB megabytes,
// prints "memhog ready", then sleeps until killed.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace {

[[noreturn]] void memhog(long mb) {
  std::vector<char> block(static_cast<size_t>(mb) * 1024 * 1024);
  for (size_t i = 0; i < block.size(); i += 4096) block[i] = 1;
  std::printf("memhog ready\n");
  std::fflush(stdout);
  while (true) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strncmp(argv[1], "--memhog=", 9) == 0) memhog(std::atol(argv[1] + 9));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
