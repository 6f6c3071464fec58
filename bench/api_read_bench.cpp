// GUI reads on a big store: one cuebot (SQLite), one job of N frames (default
// 1,000,000) in two layers, submitted through LaunchSpec; then the reads CueGUI polls,
// each repeated and timed: GetJobs, GetLayers, one 1,000-frame page of GetFrames (first
// page and a page deep in the job), GetUpdatedFrames.
//
// Usage: api_read_bench [frames=1000000] [repeats=20]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "farm_harness.h"

using namespace cue::testing;

namespace {

double medianMs(int repeats, const std::function<bool()>& call) {
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (!call()) return -1;
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 20;
  Farm farm;
  farm.startCuebot();
  const int half = frames / 2;
  std::string xml = absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>testing</show><shot>bench</shot><user>bench</user><uid>1000</uid>",
      "<job name=\"big\"><paused>True</paused><priority>1</priority><maxretries>1</maxretries>",
      "<layers><layer name=\"render\" type=\"Render\"><cmd>/bin/true</cmd><range>1-", half,
      "</range><chunk>1</chunk><services><service>shell</service></services></layer>",
      "<layer name=\"comp\" type=\"Render\"><cmd>/bin/true</cmd><range>1-", frames - half,
      "</range><chunk>1</chunk><services><service>shell</service></services></layer>",
      "</layers></job><depends/></spec>");
  auto t0 = std::chrono::steady_clock::now();
  auto names = farm.launch(xml);
  double submit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (names.size() != 1) {
    std::fprintf(stderr, "launch failed\n%s", farm.cuebotLog().c_str());
    return 1;
  }
  job::Job job = farm.findJob(names[0]);
  auto& stub = farm.jobs();

  double get_jobs = medianMs(repeats, [&] {
    grpc::ClientContext ctx;
    job::JobGetJobsRequest req;
    req.mutable_r()->add_shows("testing");
    job::JobGetJobsResponse resp;
    return stub.GetJobs(&ctx, req, &resp).ok() && resp.jobs().jobs_size() == 1 &&
           resp.jobs().jobs(0).job_stats().total_frames() == frames;
  });
  double get_layers = medianMs(repeats, [&] {
    grpc::ClientContext ctx;
    job::JobGetLayersRequest req;
    *req.mutable_job() = job;
    job::JobGetLayersResponse resp;
    return stub.GetLayers(&ctx, req, &resp).ok() && resp.layers().layers_size() == 2;
  });
  auto page = [&](int p) {
    return [&, p] {
      grpc::ClientContext ctx;
      job::JobGetFramesRequest req;
      *req.mutable_job() = job;
      req.mutable_req()->set_page(p);
      req.mutable_req()->set_limit(1000);
      job::JobGetFramesResponse resp;
      return stub.GetFrames(&ctx, req, &resp).ok() && resp.frames().frames_size() == 1000;
    };
  };
  double first_page = medianMs(repeats, page(1));
  double deep_page = medianMs(repeats, page(frames / 1000 / 2));
  double updated = medianMs(repeats, [&] {
    grpc::ClientContext ctx;
    job::JobGetUpdatedFramesRequest req;
    *req.mutable_job() = job;
    req.set_last_check(static_cast<int32_t>(std::time(nullptr) + 3600));
    job::JobGetUpdatedFramesResponse resp;
    return stub.GetUpdatedFrames(&ctx, req, &resp).ok();
  });
  std::printf("store: one job of %d frames (2 layers), median of %d calls\n", frames, repeats);
  std::printf("| read | time |\n| --- | --- |\n");
  std::printf("| submit (LaunchSpec) | %.2f s |\n", submit_s);
  std::printf("| GetJobs (show) | %.2f ms |\n", get_jobs);
  std::printf("| GetLayers | %.2f ms |\n", get_layers);
  std::printf("| GetFrames, page 1 of 1,000 | %.2f ms |\n", first_page);
  std::printf("| GetFrames, page %d of 1,000 | %.2f ms |\n", frames / 1000 / 2, deep_page);
  std::printf("| GetUpdatedFrames (nothing changed) | %.2f ms |\n", updated);
  return 0;
}
