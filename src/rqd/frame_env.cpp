#include "rqd/frame_env.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cue::rqd {

std::string frameNumberOf(const std::string& frame_name) {
  size_t dash = frame_name.find('-');
  std::string digits = frame_name.substr(0, dash);
  int64_t n = 0;
  if (digits.empty() || !absl::SimpleAtoi(digits, &n)) return "";
  return absl::StrCat(n);
}

std::string layerNameOf(const std::string& frame_name) {
  size_t dash = frame_name.find('-');
  return dash == std::string::npos ? "" : frame_name.substr(dash + 1);
}

std::map<std::string, std::string> buildFrameEnv(const FrameSpec& spec,
                                                 const FrameEnvContext& ctx) {
  std::map<std::string, std::string> env;
  const std::string user = ctx.user.empty() ? spec.user_name : ctx.user;
  const std::string log_dir = ctx.log_path.substr(0, ctx.log_path.find_last_of('/'));
  // 1. rqd's base.
  env["PATH"] = kDefaultPath;
  env["TERM"] = "unknown";
  env["TZ"] = ctx.timezone.empty() ? ":/etc/localtime" : ctx.timezone;
  env["USER"] = user;
  env["LOGNAME"] = user;
  env["HOME"] = ctx.home.empty() ? "/tmp" : ctx.home;
  env["MAIL"] = absl::StrCat("/var/mail/", user);
  env["SHELL"] = "/bin/sh";
  env["TMPDIR"] = ctx.tmp_dir;
  env["mcp"] = "1";
  env["show"] = spec.show;
  env["shot"] = spec.shot;
  env["jobid"] = spec.job_name;
  env["jobhost"] = ctx.hostname;
  env["frame"] = spec.frame_name;
  env["zframe"] = spec.frame_name;
  env["logfile"] = spec.log_file;
  env["maxframetime"] = "0";
  env["minspace"] = "200";
  env["CUE3"] = "True";
  env["CUE_GPU_MEMORY"] = absl::StrCat(ctx.gpu_free_mem);
  env["SP_NOMYCSHRC"] = "1";
  // 2. CUE_* from the RunFrame.
  const std::string iframe = frameNumberOf(spec.frame_name);
  env["CUE_JOB"] = spec.job_name;
  env["CUE_JOB_ID"] = spec.job_id;
  env["CUE_LAYER"] = layerNameOf(spec.frame_name);
  env["CUE_LAYER_ID"] = spec.layer_id;
  env["CUE_FRAME"] = spec.frame_name;
  env["CUE_FRAME_ID"] = spec.frame_id;
  env["CUE_IFRAME"] = iframe;
  env["CUE_RANGE"] = iframe;
  env["CUE_CHUNK"] = "1";
  env["CUE_THREADS"] = absl::StrCat(std::max(1, spec.num_cores / 100));
  env["CUE_MEMORY"] = absl::StrCat(spec.soft_memory_limit);
  env["CUE_GPUS"] = absl::StrCat(spec.num_gpus);
  env["CUE_LOG_PATH"] = spec.log_dir.empty() ? log_dir : spec.log_dir;
  env["CUE_SHOW"] = spec.show;
  env["CUE_SHOT"] = spec.shot;
  env["CUE_USER"] = spec.user_name;
  env["CUE_RESOURCE_ID"] = spec.resource_id;
  // 3. cuebot's environment.
  for (const auto& [key, value] : spec.environment) {
    if (key == "PATH") {
      env["PATH"] = absl::StrCat(kDefaultPath, ":", value);
    } else {
      env[key] = value;
    }
  }
  // 4. what only rqd knows.
  if (!ctx.cpus.empty()) {
    int threads = 0;
    if (!absl::SimpleAtoi(env["CUE_THREADS"], &threads)) threads = 0;
    env["CUE_THREADS"] = absl::StrCat(std::max(threads, static_cast<int>(ctx.cpus.size())));
    env["CUE_HT"] = ctx.hyperthreading_multiplier > 1 ? "True" : "False";
  }
  if (ctx.log_fell_back) env["CUE_LOG_PATH"] = log_dir;
  // The GPUs rqd gave the frame (none on a GPU host: an empty list hides them all).
  if (auto it = spec.attributes.find("GPU_LIST"); it != spec.attributes.end()) {
    env["CUDA_VISIBLE_DEVICES"] = it->second;
    env["CUDA_DEVICE_ORDER"] = "PCI_BUS_ID";  // CUDA's numbering = nvidia-smi's indices
  }
  return env;
}

}  // namespace cue::rqd
