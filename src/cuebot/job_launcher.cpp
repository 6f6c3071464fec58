#include "cuebot/job_launcher.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/process.h"
#include "common/status.h"
#include "core/frame_set.h"

namespace cue::cuebot {
namespace {

constexpr core::MemoryKb kMinFrameMemory = core::kOpenCueMemReservedMin;

struct BuiltLayer {
  core::Layer layer;
  core::ChunkedFrames chunks;
  // Chunk i is the frame (*frames)[first_frame + i] of the job (the vector, not its
  // elements: it grows while later layers are built).
  const std::vector<core::Frame>* frames = nullptr;
  size_t first_frame = 0;
  // Frame number -> chunk holding it; made when a frame-by-frame depend first asks.
  mutable std::optional<std::unordered_map<int32_t, size_t>> holder;

  const std::string& frameId(size_t chunk) const { return (*frames)[first_frame + chunk].id; }
};

struct BuiltJob {
  store::NewJob job;
  std::map<std::string, BuiltLayer*> layers;  // by name
  std::vector<std::unique_ptr<BuiltLayer>> storage;
};

// The frame whose chunk holds frame number n, or "" when none.
std::string frameHolding(const BuiltLayer& l, int32_t n) {
  if (!l.holder) {
    l.holder.emplace();
    l.holder->reserve(l.chunks.frames.size());
    for (size_t i = 0; i < l.chunks.count(); ++i)
      for (int32_t f : l.chunks.chunk(i)) l.holder->emplace(f, i);
  }
  auto it = l.holder->find(n);
  return it == l.holder->end() ? "" : l.frameId(it->second);
}

std::string frameByName(const BuiltLayer& l, const std::string& name) {
  int32_t number = 0;
  std::string num = name.substr(0, name.find('-', name.empty() || name[0] != '-' ? 0 : 1));
  if (!absl::SimpleAtoi(num, &number)) return "";
  for (size_t i = 0; i < l.chunks.count(); ++i)
    if (l.chunks.number(i) == number) return l.frameId(i);
  return "";
}

// A new job's frames (all waiting; layer after layer, each in dispatch order, as build()
// makes them) as the farm model holds them. Their ids are moved out.
store::WaitingByLayer takeWaiting(std::vector<core::Frame>& frames) {
  store::WaitingByLayer out;
  for (size_t first = 0; first < frames.size();) {
    size_t end = first;
    while (end < frames.size() && frames[end].layer_id == frames[first].layer_id) ++end;
    std::vector<store::WaitingFrame>& layer = out[frames[first].layer_id];
    layer.reserve(end - first);
    common::adviseHugePages(layer.data(), (end - first) * sizeof(store::WaitingFrame));
    for (size_t k = first; k < end; ++k) {
      core::Frame& f = frames[k];
      layer.push_back({std::move(f.id), f.number, f.reserved_memory, f.dispatch_order});
    }
    first = end;
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<core::Job>> JobLauncher::launch(const std::string& xml) {
  ASSIGN_OR_RETURN(auto launched, launchJobs(xml));
  std::vector<core::Job> out;
  for (auto& l : launched) out.push_back(std::move(l.job));
  return out;
}

absl::StatusOr<std::vector<LaunchedJob>> JobLauncher::launchJobs(const std::string& xml) {
  core::SpecOptions opts;
  opts.max_frames_per_layer = options_.max_frames_per_layer;
  ASSIGN_OR_RETURN(auto spec, core::parseJobSpec(xml, opts));
  ASSIGN_OR_RETURN(auto jobs, build(spec));
  RETURN_IF_ERROR(store_.createJobs(jobs));
  std::set<std::string> waiters;  // jobs that a depend may hold frames of
  for (const auto& nj : jobs)
    for (const auto& d : nj.depends) waiters.insert(d.er_job_id);
  std::vector<LaunchedJob> out;
  for (auto& nj : jobs) {
    LaunchedJob& l = out.emplace_back();
    l.job = std::move(nj.job);
    if (waiters.contains(l.job.id)) continue;
    l.waiting = takeWaiting(nj.frames);
  }
  return out;
}

absl::StatusOr<std::vector<store::NewJob>> JobLauncher::build(const core::JobSpec& spec) {
  auto show = store_.findShow(spec.show);
  if (!show.ok())
    return absl::NotFoundError(
        absl::StrCat("spec names show \"", spec.show, "\", which does not exist on this cuebot"));
  ASSIGN_OR_RETURN(auto group, store_.getRootGroup(show->id));
  ASSIGN_OR_RETURN(auto services, store_.getServices());
  std::map<std::string, core::Service> service_by_name;
  for (const auto& s : services) service_by_name[s.name] = s;
  // the show's overrides win over the facility-wide services; explicit layer values win
  // over both
  ASSIGN_OR_RETURN(auto overrides, store_.getServiceOverrides(show->id));
  for (const auto& s : overrides) service_by_name[s.name] = s;
  const int64_t now_ms = clock_.nowMillis();

  std::vector<std::unique_ptr<BuiltJob>> built;
  auto makeJob = [&](const std::string& name, const core::JobSpecJob& js,
                     const std::vector<core::LayerSpec>& layers,
                     const std::map<std::string, std::string>& env,
                     const std::string& user) -> absl::StatusOr<BuiltJob*> {
    auto bj = std::make_unique<BuiltJob>();
    core::Job& j = bj->job.job;
    j.id = common::newId();
    j.name = name;
    j.show_id = show->id;
    j.show = show->name;
    j.shot = spec.shot;
    j.user = user;
    j.email = spec.email;
    j.uid = spec.uid.value_or(-1);
    j.group_id = group.id;
    j.group_name = group.name;
    j.facility = spec.facility.empty() ? "local" : spec.facility;
    j.department = js.dept.empty() ? group.department : js.dept;
    j.os = js.os;
    // the spec's values, else the show's defaults; a folder's job defaults (set, not -1)
    // win over both, as OpenCue applies them when a job enters the folder
    j.priority = group.default_job_priority >= 0 ? group.default_job_priority : js.priority;
    j.min_cores = group.default_job_min_cores >= 0 ? group.default_job_min_cores
                                                   : js.min_cores.value_or(show->default_min_cores);
    j.max_cores = group.default_job_max_cores >= 0 ? group.default_job_max_cores
                                                   : js.max_cores.value_or(show->default_max_cores);
    j.min_gpus = js.min_gpus.value_or(0);
    j.max_gpus = js.max_gpus.value_or(100);
    j.max_retries = js.max_retries;
    j.paused = js.paused;
    j.auto_eat = js.auto_eat;
    j.state = core::JobState::kPending;
    j.start_time = now_ms / 1000;
    j.env = env;
    j.log_dir = absl::StrCat(options_.log_root, "/", show->name, "/", spec.shot, "/logs/", name,
                             "--", j.id);
    int32_t order = 0;
    for (const auto& ls : layers) {
      auto bl = std::make_unique<BuiltLayer>();
      core::Layer& l = bl->layer;
      l.id = common::newId();
      l.job_id = j.id;
      l.name = ls.name;
      l.type = ls.type;
      l.command = ls.command;
      l.range = ls.range;
      l.chunk_size = std::max(ls.chunk_size, 1);
      l.dispatch_order = order++;
      l.services = ls.services.empty() ? std::vector<std::string>{"default"} : ls.services;
      auto svc = service_by_name.find(l.services.front());
      const core::Service fallback =
          service_by_name.count("default") ? service_by_name["default"] : core::Service{};
      const core::Service& s = svc != service_by_name.end() ? svc->second : fallback;
      l.min_cores = ls.min_cores.value_or(s.min_cores);
      l.max_cores = ls.max_cores.value_or(s.max_cores);
      l.threadable = ls.threadable.value_or(s.threadable);
      l.slots_required = ls.slots_required.value_or(0);
      l.min_memory = std::max(ls.min_memory.value_or(s.min_memory), kMinFrameMemory);
      l.min_gpus = ls.min_gpus.value_or(s.min_gpus);
      l.max_gpus = ls.max_gpus.value_or(s.max_gpus);
      l.min_gpu_memory = ls.min_gpu_memory.value_or(s.min_gpu_memory);
      l.tags = ls.tags.empty() ? s.tags : ls.tags;
      l.limits = ls.limits;
      l.timeout_min = ls.timeout_min.value_or(s.timeout_min);
      l.timeout_llu_min = ls.timeout_llu_min.value_or(s.timeout_llu_min);
      l.env = ls.env;
      l.outputs = ls.outputs;
      ASSIGN_OR_RETURN(auto set, core::FrameSet::parse(ls.range, options_.max_frames_per_layer));
      bl->chunks = core::chunkedFrames(set, l.chunk_size);
      bj->job.layers.push_back(l);
      bj->layers[l.name] = bl.get();
      bj->storage.push_back(std::move(bl));
    }
    // The job's frames in one allocation: a vector grown layer by layer would move every
    // frame already made (a million of them, for a million-frame job).
    size_t total = 0;
    for (const auto& bl : bj->storage) total += bl->chunks.count();
    std::vector<core::Frame>& frames = bj->job.frames;
    frames.reserve(total);
    common::adviseHugePages(frames.data(), total * sizeof(core::Frame));
    // Each frame's job is bj->job.job (NewJob): its job_id is left empty, one string fewer
    // per frame.
    for (auto& bl : bj->storage) {
      const core::Layer& l = bl->layer;
      bl->frames = &frames;
      bl->first_frame = frames.size();
      for (size_t i = 0; i < bl->chunks.count(); ++i) {
        core::Frame& f = frames.emplace_back();
        f.id = common::newId();
        f.layer_id = l.id;
        f.layer_name = l.name;
        f.number = bl->chunks.number(i);
        f.name = core::frameName(f.number, l.name);
        f.dispatch_order = static_cast<int32_t>(i);
      }
    }
    built.push_back(std::move(bj));
    return built.back().get();
  };

  std::vector<BuiltJob*> by_index;
  for (const auto& js : spec.jobs) {
    ASSIGN_OR_RETURN(auto* bj,
                     makeJob(core::fullJobName(spec, js), js, js.layers, js.env, spec.user));
    by_index.push_back(bj);
  }
  // Post jobs run after their parent finishes (JOB_ON_JOB), as the user "monitor".
  for (size_t k = 0; k < spec.jobs.size(); ++k) {
    const auto& js = spec.jobs[k];
    if (!js.post_job) continue;
    auto env = js.post_job->env;
    env["CUE_PARENT_JOB_ID"] = by_index[k]->job.job.id;
    env["CUE_PARENT_JOB"] = by_index[k]->job.job.name;
    core::JobSpecJob post = js;
    post.paused = false;
    post.max_retries = core::kPostJobMaxRetries;
    post.max_cores = core::kPostJobMaxCores;
    ASSIGN_OR_RETURN(auto* pj, makeJob(core::fullPostJobName(spec, js, now_ms), post,
                                       js.post_job->layers, env, std::string(core::kPostJobUser)));
    core::Depend d;
    d.id = common::newId();
    d.type = core::DependType::kJobOnJob;
    d.er_job_id = pj->job.job.id;
    d.on_job_id = by_index[k]->job.job.id;
    pj->job.depends.push_back(d);
  }

  // Depends. Each side resolves to a job (new or on the farm), a layer, a frame.
  for (const auto& ds : spec.depends) {
    struct Side {
      std::string job_id;
      BuiltJob* built = nullptr;
      const BuiltLayer* layer = nullptr;
      std::string layer_id;
      std::string frame_id;
    };
    auto resolve = [&](int index, const std::string& job, const std::string& layer_name,
                       const std::string& frame) -> absl::StatusOr<Side> {
      Side side;
      // A frame named without its layer ("0002-sim" alone, as JOB_ON_FRAME and FRAME_ON_JOB
      // name it) is found in the layer its name ends with.
      std::string layer = layer_name;
      if (layer.empty() && !frame.empty() && frame.find('-') != std::string::npos)
        layer = frame.substr(frame.find('-') + 1);
      if (index >= 0) {
        side.built = by_index[index];
        side.job_id = side.built->job.job.id;
        if (!layer.empty()) {
          auto it = side.built->layers.find(layer);
          if (it == side.built->layers.end())
            return absl::InvalidArgumentError(absl::StrCat("spec line ", ds.line,
                                                           ": depend names layer ", layer,
                                                           " which job ", job, " lacks"));
          side.layer = it->second;
          side.layer_id = it->second->layer.id;
          if (!frame.empty()) {
            side.frame_id = frameByName(*it->second, frame);
            if (side.frame_id.empty())
              return absl::InvalidArgumentError(absl::StrCat("spec line ", ds.line,
                                                             ": depend names frame ", frame,
                                                             " which layer ", layer, " lacks"));
          }
        }
        return side;
      }
      auto existing = store_.findJob(job);
      if (!existing.ok() || existing->state != core::JobState::kPending)
        return absl::NotFoundError(absl::StrCat("spec line ", ds.line, ": depend names job ", job,
                                                ", which is neither in the spec nor pending on "
                                                "the farm"));
      side.job_id = existing->id;
      if (!layer.empty()) {
        auto l = store_.findLayer(existing->id, layer);
        if (!l.ok())
          return absl::NotFoundError(absl::StrCat("spec line ", ds.line, ": depend names layer ",
                                                  layer, " which job ", job, " lacks"));
        side.layer_id = l->id;
        if (!frame.empty()) {
          store::FrameSearch q;
          q.job_id = existing->id;
          q.layers = {layer};
          ASSIGN_OR_RETURN(auto frames, store_.getFrames(q));
          for (const auto& f : frames)
            if (f.name == frame) side.frame_id = f.id;
          if (side.frame_id.empty())
            return absl::NotFoundError(absl::StrCat("spec line ", ds.line, ": depend names frame ",
                                                    frame, " which job ", job, " lacks"));
        }
      }
      return side;
    };
    ASSIGN_OR_RETURN(Side er, resolve(ds.dep_job_index, ds.dep_job, ds.dep_layer, ds.dep_frame));
    ASSIGN_OR_RETURN(Side on, resolve(ds.on_job_index, ds.on_job, ds.on_layer, ds.on_frame));
    if (!er.built)
      return absl::InvalidArgumentError(absl::StrCat(
          "spec line ", ds.line, ": the waiting side of a depend must be a job of this spec"));
    auto add = [&](const std::string& er_layer, const std::string& er_frame,
                   const std::string& on_layer, const std::string& on_frame) {
      core::Depend d;
      d.id = common::newId();
      d.type = ds.type;
      d.target =
          er.job_id == on.job_id ? core::DependTarget::kInternal : core::DependTarget::kExternal;
      d.any_frame = ds.any_frame;
      d.er_job_id = er.job_id;
      d.er_layer_id = er_layer;
      d.er_frame_id = er_frame;
      d.on_job_id = on.job_id;
      d.on_layer_id = on_layer;
      d.on_frame_id = on_frame;
      er.built->job.depends.push_back(d);
    };
    using T = core::DependType;
    switch (ds.type) {
      case T::kJobOnJob:
        add("", "", "", "");
        break;
      case T::kJobOnLayer:
        add("", "", on.layer_id, "");
        break;
      case T::kJobOnFrame:
        add("", "", on.layer_id, on.frame_id);
        break;
      case T::kLayerOnJob:
        add(er.layer_id, "", "", "");
        break;
      case T::kLayerOnLayer:
        add(er.layer_id, "", on.layer_id, "");
        break;
      case T::kLayerOnFrame:
      case T::kLayerOnSimFrame:
        add(er.layer_id, "", on.layer_id, on.frame_id);
        break;
      case T::kFrameOnJob:
        add(er.layer_id, er.frame_id, "", "");
        break;
      case T::kFrameOnLayer:
        add(er.layer_id, er.frame_id, on.layer_id, "");
        break;
      case T::kFrameOnFrame:
        add(er.layer_id, er.frame_id, on.layer_id, on.frame_id);
        break;
      case T::kFrameByFrame:
      case T::kPreviousFrame: {
        if (!er.layer || !on.layer)
          return absl::InvalidArgumentError(absl::StrCat("spec line ", ds.line, ": ",
                                                         std::string(core::toString(ds.type)),
                                                         " needs two layers of jobs in this spec"));
        for (size_t i = 0; i < er.layer->chunks.count(); ++i) {
          std::set<std::string> targets;
          for (int32_t n : er.layer->chunks.chunk(i)) {
            std::string t = frameHolding(*on.layer, ds.type == T::kPreviousFrame ? n - 1 : n);
            if (!t.empty()) targets.insert(t);
          }
          for (const auto& t : targets) {
            add(er.layer_id, er.layer->frameId(i), on.layer_id, t);
            er.built->job.depends.back().type = T::kFrameOnFrame;
          }
        }
        break;
      }
    }
  }
  std::vector<store::NewJob> out;
  for (auto& b : built) out.push_back(std::move(b->job));
  return out;
}

}  // namespace cue::cuebot
