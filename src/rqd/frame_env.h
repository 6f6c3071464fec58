// The environment a frame runs with. Like OpenCue's RQD, a frame does not inherit rqd's
// environment; it gets, in order (later wins):
//   1. rqd's base: PATH, TERM, TZ, USER, LOGNAME, HOME, MAIL, SHELL, TMPDIR, mcp, show,
//      shot, jobid, jobhost, frame, zframe, logfile, maxframetime, minspace, CUE3,
//      CUE_GPU_MEMORY, SP_NOMYCSHRC;
//   2. CUE_* values derived from the RunFrame (CUE_JOB, CUE_JOB_ID, CUE_LAYER, CUE_LAYER_ID,
//      CUE_FRAME, CUE_FRAME_ID, CUE_IFRAME, CUE_RANGE, CUE_CHUNK, CUE_THREADS, CUE_MEMORY,
//      CUE_GPUS, CUE_LOG_PATH, CUE_SHOW, CUE_SHOT, CUE_USER, CUE_RESOURCE_ID), so a frame
//      has them even from a cuebot that does not send them;
//   3. RunFrame.environment (cuebot's merged job + layer env, with its own CUE_* values);
//      a PATH there is appended to rqd's PATH (OpenCue's rule);
//   4. when rqd pinned the frame: CUE_THREADS = max(CUE_THREADS, pinned CPUs), CUE_HT;
//      when the log fell back to --log-root: CUE_LOG_PATH = the directory actually used;
//      on a host with GPUs: CUDA_VISIBLE_DEVICES = the frame's GPUs (attribute GPU_LIST,
//      set by RqdCore at launch; empty for a frame booked no GPU).
// Pure function; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "rqd/frame_types.h"

namespace cue::rqd {

inline constexpr char kDefaultPath[] =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Facts about the host and the launch the environment needs.
struct FrameEnvContext {
  std::string hostname;
  std::string user;  // the user the frame runs as (spec.user_name when empty)
  std::string home;  // that user's home; "/tmp" when unknown
  std::string tmp_dir = "/tmp";
  std::string timezone;  // rqd's TZ; ":/etc/localtime" when empty
  std::string log_path;  // the log actually written
  bool log_fell_back = false;
  std::vector<int> cpus;  // pinned CPUs, empty = not pinned
  int hyperthreading_multiplier = 1;
  MemoryKb gpu_free_mem = 0;
};

std::map<std::string, std::string> buildFrameEnv(const FrameSpec& spec, const FrameEnvContext& ctx);

// "0001-render" -> "1"; "" when the frame name has no leading number.
std::string frameNumberOf(const std::string& frame_name);
// "0001-render" -> "render"; "" without a '-'.
std::string layerNameOf(const std::string& frame_name);

}  // namespace cue::rqd
