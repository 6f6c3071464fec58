#include "scenarios.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cue::sim {
namespace {

constexpr int64_t kGb = 1024 * 1024;

// A job spec of several jobs; `layer` writes one layer's XML.
struct LayerXml {
  std::string name, tags;
  int frames = 1, cores = 1;
  int64_t memory_kb = kGb;
};

std::string jobXml(const std::string& name, const std::vector<LayerXml>& layers) {
  std::string x = absl::StrCat("<job name=\"", name, "\"><paused>False</paused><priority>",
                               1, "</priority><maxretries>1</maxretries><layers>");
  for (const auto& l : layers) {
    absl::StrAppend(&x, "<layer name=\"", l.name, "\" type=\"Render\"><cmd>/bin/true</cmd><range>1-",
                    l.frames, "</range><chunk>1</chunk><cores>", l.cores, ".0</cores><memory>",
                    l.memory_kb / 1024, "m</memory>");
    if (!l.tags.empty()) absl::StrAppend(&x, "<tags>", l.tags, "</tags>");
    absl::StrAppend(&x, "<services><service>shell</service></services></layer>");
  }
  absl::StrAppend(&x, "</layers></job>");
  return x;
}

std::string specXml(const std::string& show, const std::string& jobs) {
  return absl::StrCat(
      R"(<?xml version="1.0"?><!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" )",
      R"("http://localhost:8080/spcue/dtd/cjsl-1.15.dtd"><spec><facility>local</facility>)",
      "<show>", show, "</show><shot>sim</shot><user>sim</user><uid>1000</uid>", jobs,
      "<depends/></spec>");
}

// Jobs grouped into specs of `per_spec` jobs, by show.
void addJobs(Scenario& s, const std::vector<std::pair<std::string, std::string>>& show_jobs,
             int per_spec) {
  std::map<std::string, std::vector<std::string>> by_show;
  for (const auto& [show, xml] : show_jobs) by_show[show].push_back(xml);
  for (const auto& [show, jobs] : by_show)
    for (size_t i = 0; i < jobs.size(); i += per_spec) {
      std::string body;
      for (size_t k = i; k < std::min(jobs.size(), i + per_spec); ++k) body += jobs[k];
      s.specs.push_back(specXml(show, body));
    }
}

int pick(int v, int dflt) { return v > 0 ? v : dflt; }

// One show, "sim", subscribed to the whole farm (the seeded "testing" show's burst of
// 1,000 cores would cap the run).
void wholeFarmShow(Scenario& s) {
  int total = 0;
  for (const auto& h : s.hosts) total += h.cores;
  s.shows.push_back({"sim", total, total});
}

// OpenCue's stress shape: hosts in 8 tags, jobs of 4 layers of 5 trivial frames.
Scenario drain(const ScenarioParams& p) {
  Scenario s;
  s.name = "drain";
  const int hosts = pick(p.hosts, 1200), jobs = pick(p.jobs, 300);
  const int frames = pick(p.frames_per_layer, 5);
  for (int i = 0; i < hosts; ++i)
    s.hosts.push_back({absl::StrCat("drain", i), 16, 64 * kGb, {absl::StrCat("tag", i % 8)}});
  std::vector<std::pair<std::string, std::string>> all;
  for (int j = 0; j < jobs; ++j) {
    std::vector<LayerXml> layers;
    for (int l = 0; l < 4; ++l)
      layers.push_back({absl::StrCat("layer", l), absl::StrCat("tag", (j * 4 + l) % 8), frames, 1,
                        kGb});
    all.push_back({"sim", jobXml(absl::StrCat("drain", j), layers)});
    s.frames += 4 * frames;
  }
  for (int l = 0; l < 4; ++l) s.profiles[absl::StrCat("layer", l)] = {0, 0, kGb / 2, kGb / 2};
  wholeFarmShow(s);
  addJobs(s, all, 50);
  s.duration = p.duration >= 0 ? p.duration : 0;
  return s;
}

// Maestro's simulated farm under a production frame mix, with four shows whose
// subscriptions bind.
Scenario studio(const ScenarioParams& p) {
  Scenario s;
  s.name = "studio";
  const double k = p.hosts > 0 ? p.hosts / 1553.0 : 1.0;
  auto add = [&](int n, int cores) {
    for (int i = 0; i < std::max(1, static_cast<int>(n * k)); ++i)
      s.hosts.push_back({absl::StrCat("h", cores, "c", i), cores, cores * 4 * kGb, {}});
  };
  add(246, 128);
  add(303, 32);
  add(1004, 16);
  int total = 0;
  for (const auto& h : s.hosts) total += h.cores;
  // cores, share of frames (per mille), memory
  struct Class { int cores, permille; int64_t mem; };
  const std::vector<Class> mix = {{1, 230, kGb / 2},    {2, 250, 14 * kGb / 10},
                                  {4, 340, 64 * kGb / 10}, {8, 150, 27 * kGb},
                                  {16, 20, 64 * kGb},    {32, 3, 109 * kGb}};
  for (const auto& c : mix)
    s.profiles[absl::StrCat("cores", c.cores)] = {120, 3000, c.mem / 2, c.mem * 9 / 10};
  const std::vector<std::pair<std::string, int>> shows = {
      {"alpha", 40}, {"bravo", 30}, {"charlie", 20}, {"delta", 10}};
  for (const auto& [name, pct] : shows)
    s.shows.push_back({name, total * pct / 100, std::min(total, total * pct / 100 * 3 / 2)});
  const int jobs = pick(p.jobs, 600), frames = pick(p.frames_per_layer, 40);
  std::vector<std::pair<std::string, std::string>> all;
  for (int j = 0; j < jobs; ++j) {
    std::vector<LayerXml> layers;
    for (int l = 0; l < 2; ++l) {
      int draw = static_cast<int>(drawUniform(absl::StrCat(j, "/", l), p.seed, 0, 993));
      const Class* c = &mix.back();
      for (const auto& m : mix) {
        if (draw < m.permille) { c = &m; break; }
        draw -= m.permille;
      }
      layers.push_back({absl::StrCat("cores", c->cores), "", frames, c->cores, c->mem});
      s.frames += frames;
    }
    // two layers of the same class in one job need distinct names
    if (layers[0].name == layers[1].name) {
      s.profiles[layers[1].name + "b"] = s.profiles[layers[1].name];
      layers[1].name += "b";
    }
    all.push_back({shows[j % shows.size()].first, jobXml(absl::StrCat("studio", j), layers)});
  }
  addJobs(s, all, 50);
  s.time_scale = p.time_scale > 0 ? p.time_scale : 60;  // 2-50 min frames run 2-50 s
  s.duration = p.duration >= 0 ? p.duration : 20;
  return s;
}

// 10,000 hosts of 16 to 64 cores, 2,000 jobs, 1,000,000 frames.
Scenario scale(const ScenarioParams& p) {
  Scenario s;
  s.name = "scale";
  const int hosts = pick(p.hosts, 10000), jobs = pick(p.jobs, 2000);
  const int frames = pick(p.frames_per_layer, 500);
  for (int i = 0; i < hosts; ++i) {
    int cores = 16 << (i % 3);  // 16, 32, 64
    s.hosts.push_back({absl::StrCat("s", i), cores, cores * 4 * kGb, {}});
  }
  s.profiles["render"] = {60, 600, kGb, 3 * kGb};
  std::vector<std::pair<std::string, std::string>> all;
  for (int j = 0; j < jobs; ++j) {
    all.push_back({"sim", jobXml(absl::StrCat("scale", j), {{"render", "", frames, 1, 4 * kGb}})});
    s.frames += frames;
  }
  wholeFarmShow(s);
  addJobs(s, all, 100);
  s.time_scale = p.time_scale > 0 ? p.time_scale : 10;
  s.duration = p.duration >= 0 ? p.duration : 30;
  return s;
}

// A full farm of 1-core frames of 1 to 10 s, ending continuously.
Scenario churn(const ScenarioParams& p) {
  Scenario s;
  s.name = "churn";
  const int hosts = pick(p.hosts, 400), jobs = pick(p.jobs, 40);
  // 2,000 frames a job: no job finishes within the run, so the farm stays full. With 1,000,
  // the first jobs finished in the last seconds once cuebot ran 1,100 frames/s, the rest
  // (200 cores each, the show's default cap) could not fill the farm, and hosts waiting
  // for work that did not exist counted as seconds of "freed -> next launch" delay.
  const int frames = pick(p.frames_per_layer, 2000);
  for (int i = 0; i < hosts; ++i) s.hosts.push_back({absl::StrCat("churn", i), 16, 64 * kGb, {}});
  s.profiles["short"] = {1, 10, kGb / 4, kGb / 2};
  std::vector<std::pair<std::string, std::string>> all;
  for (int j = 0; j < jobs; ++j) {
    all.push_back({"sim", jobXml(absl::StrCat("churn", j), {{"short", "", frames, 1, kGb}})});
    s.frames += frames;
  }
  wholeFarmShow(s);
  addJobs(s, all, 20);
  s.time_scale = p.time_scale > 0 ? p.time_scale : 1;
  s.duration = p.duration >= 0 ? p.duration : 30;
  return s;
}

// Hosts running 8 frames each, then their status reports as fast as they go.
Scenario reports(const ScenarioParams& p) {
  Scenario s;
  s.name = "reports";
  const int hosts = pick(p.hosts, 1000);
  for (int i = 0; i < hosts; ++i) s.hosts.push_back({absl::StrCat("rep", i), 8, 32 * kGb, {}});
  s.profiles["long"] = {36000, 36000, kGb, kGb};
  std::vector<std::pair<std::string, std::string>> all;
  // 200 frames a job: a job is capped at 200 cores (the show default).
  const int jobs = pick(p.jobs, std::max(1, hosts * 8 / 200));
  for (int j = 0; j < jobs; ++j) {
    all.push_back({"sim", jobXml(absl::StrCat("reports", j),
                                     {{"long", "", hosts * 8 / jobs, 1, kGb}})});
    s.frames += hosts * 8 / jobs;
  }
  wholeFarmShow(s);
  addJobs(s, all, 10);
  s.duration = p.duration >= 0 ? p.duration : 0;  // until the farm is full
  s.blast_seconds = 5;
  return s;
}

}  // namespace

absl::StatusOr<Scenario> makeScenario(const std::string& name, const ScenarioParams& params) {
  if (name == "drain") return drain(params);
  if (name == "studio") return studio(params);
  if (name == "scale") return scale(params);
  if (name == "churn") return churn(params);
  if (name == "reports") return reports(params);
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown scenario '", name, "'; expected drain, studio, scale, churn or reports"));
}

}  // namespace cue::sim
