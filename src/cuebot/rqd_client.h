// cuebot's side of the RQD protocol: LaunchFrame and KillRunningFrame on a host's rqd, and
// Cue's extensions: several frames of a host in one call (cue.ext.RqdLaunchInterface) and
// frame-log reads (cue.ext.RqdLogInterface). Channels are cached per address. Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cue_launch.grpc.pb.h"
#include "cue_log.grpc.pb.h"
#include "rqd.grpc.pb.h"

namespace cue::cuebot {

class RqdClient {
 public:
  explicit RqdClient(int timeout_ms = 10000) : timeout_ms_(timeout_ms) {}
  // Waits for the launches still on their way (launchFramesAsync) to be answered.
  virtual ~RqdClient();

  // The rqd's answer as a Status: OK, or its code and message (UNAVAILABLE when it
  // cannot be reached).
  virtual absl::Status launchFrame(const std::string& address, const rqd::RunFrame& frame);
  // One frame to launch, for launchFrames.
  struct LaunchCall {
    std::string address;
    rqd::RunFrame frame;
    // The host it is for (one rqd serves one host; the farm simulator serves many hosts
    // on one address). Frames for one address and host travel in one request.
    std::string host;
  };
  // Several launches, each answered as launchFrame would be: one answer per call, in order.
  // The frames for one host go in one cue.ext LaunchFrames request (up to kMaxBatchFrames
  // of them, kMaxBatchBytes in all); a frame alone, and every frame for an rqd that does
  // not serve LaunchFrames (OpenCue's RQD: UNIMPLEMENTED, remembered per address), in a
  // LaunchFrame of its own. Up to kLaunchWindow requests are on their way at once (gRPC
  // multiplexes them on each rqd's channel) instead of one round trip after another.
  // Takes the frames out of `calls`.
  static constexpr size_t kLaunchWindow = 64;
  static constexpr size_t kMaxBatchFrames = 64;
  static constexpr size_t kMaxBatchBytes = 1 << 20;
  virtual std::vector<absl::Status> launchFrames(std::vector<LaunchCall>& calls);
  // The same launches, all on their way at once, without waiting: `done` gets one answer
  // per call, in order, once every call is answered, on a gRPC thread (it must not block:
  // hand the answers to a thread of your own). Test doubles answer through launchFrames on
  // the calling thread (launchEachThen).
  using LaunchDone = std::function<void(std::vector<absl::Status>)>;
  virtual void launchFramesAsync(std::vector<LaunchCall> calls, LaunchDone done);
  virtual absl::Status killFrame(const std::string& address, const std::string& frame_id,
                                 const std::string& message);
  // Asks the rqd to reboot its host now / once it runs nothing (an rqd may refuse: Cue's
  // rqd answers FAILED_PRECONDITION unless the site enables reboots).
  virtual absl::Status rebootNow(const std::string& address);
  virtual absl::Status rebootIdle(const std::string& address);
  // Whether launches to `address` go one LaunchFrame per frame (its rqd answered
  // LaunchFrames with UNIMPLEMENTED).
  bool launchesOneByOne(const std::string& address);
  // Bytes of a frame log held by the rqd.
  virtual absl::Status readLog(const std::string& address, const ext::RqdReadLogRequest& req,
                               ext::RqdReadLogResponse* resp);

 protected:
  // launchFrames through launchFrame, one after another: for test doubles, which
  // override launchFrame.
  std::vector<absl::Status> launchEach(std::vector<LaunchCall>& calls);
  // launchFramesAsync for test doubles: launchFrames, then `done`, on the calling thread.
  void launchEachThen(std::vector<LaunchCall>& calls, const LaunchDone& done) {
    done(launchFrames(calls));
  }

 private:
  struct Connection {
    std::unique_ptr<rqd::RqdInterface::Stub> rqd;
    std::unique_ptr<ext::RqdLaunchInterface::Stub> launch;
    std::unique_ptr<ext::RqdLogInterface::Stub> log;
    bool one_by_one = false;  // its rqd does not serve LaunchFrames
  };
  struct Round;
  struct Request;
  // The calls' requests: indices into `calls`, each group one request.
  std::vector<std::vector<size_t>> groupLaunches(const std::vector<LaunchCall>& calls);
  void send(const std::shared_ptr<Round>& round, Request& request);
  void sendOne(const std::shared_ptr<Round>& round, Request& request, size_t call);
  void answered(const std::shared_ptr<Round>& round);
  void markOneByOne(const std::string& address);
  Connection& connection(const std::string& address);
  rqd::RqdInterface::Stub& stub(const std::string& address) { return *connection(address).rqd; }

  // Rounds alive: a round's requests hold their channel, and the last holder of a channel
  // must not be a gRPC thread (the channel's destructor would stop and free the completion
  // queue that thread serves: gRPC aborts at exit). ~RqdClient waits for them, so the
  // channels go with connections_, on the thread that destroys the client.
  void roundEnded();
  std::mutex rounds_mu_;
  std::condition_variable rounds_cv_;
  size_t rounds_ = 0;

  int timeout_ms_;
  std::mutex mu_;
  std::map<std::string, Connection> connections_;
};

}  // namespace cue::cuebot
