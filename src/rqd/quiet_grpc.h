// Quiet gRPC for a daemon that mostly waits: gRPC 1.51's own threads wake a render host
// hundreds of times a minute when nothing happens.
//
// - Its timer list (iomgr) keeps one shard per half CPU and wakes to refresh a shard at
//   least every second whether or not a timer is due: 2 x cores wake-ups a second (up to
//   32), about 0.015-0.025 CPU-s a minute on a 2-vCPU VM. installQuietGrpc() puts in a
//   timer list that wakes only when a timer is due: one ordered map, the same contract
//   (a timer's closure runs once, with OK when it fires and CANCELLED when cancelled first).
// - Its default EventEngine starts a timer thread that ticks once a second, and two
//   workers, though 1.51 gives it no work here (TCP, DNS and timers go through iomgr). The
//   engine installed here starts gRPC's own on first use only.
//
// Both rest on gRPC 1.51's internal timer interface (exported by libgrpc, not in its public
// headers), so they are used with that version only: with any other, installQuietGrpc()
// changes nothing and says so. Call it before anything else touches gRPC.
#pragma once

#include <string>

namespace cue::rqd {

// Returns what was installed (for rqd's start-up log).
std::string installQuietGrpc();

}  // namespace cue::rqd
