#include "common/ids.h"

#include <chrono>
#include <random>

namespace cue::common {

std::string uuid7Text(uint64_t ms, uint16_t rand_a, uint64_t rand_b) {
  const uint64_t hi = ((ms & 0xFFFFFFFFFFFFULL) << 16) | 0x7000ULL | (rand_a & 0x0FFFULL);
  const uint64_t lo = (rand_b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant
  // By hand: snprintf was 2% of the CPU of a million-frame submission.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t at = 0;
  auto put = [&](uint64_t bits, int digits) {
    for (int d = digits - 1; d >= 0; --d) out[at++] = kHex[(bits >> (4 * d)) & 0xF];
  };
  put(hi >> 32, 8);
  ++at;
  put(hi >> 16, 4);
  ++at;
  put(hi, 4);
  ++at;
  put(lo >> 48, 4);
  ++at;
  put(lo, 12);
  return out;
}

std::string newId() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32)};
  // Within one millisecond the 74 random bits (rand_a, rand_b) count up from a random
  // start whose top bit is clear, so a thread never runs out of them within a millisecond.
  thread_local uint64_t last_ms = 0;
  thread_local uint16_t rand_a = 0;
  thread_local uint64_t rand_b = 0;
  const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  if (ms > last_ms) {
    last_ms = ms;
    rand_a = static_cast<uint16_t>(rng() & 0x07FF);
    rand_b = rng() & 0x3FFFFFFFFFFFFFFFULL;
  } else if (++rand_b > 0x3FFFFFFFFFFFFFFFULL) {  // the clock stood still or went back
    rand_b = 0;
    ++rand_a;
  }
  return uuid7Text(last_ms, rand_a, rand_b);
}

}  // namespace cue::common
