// Output of the command-line tools: OpenCue's column layouts for people, and JSON for
// scripts (--json; one stable schema, docs/CLI.md: exact numbers, cores as float cores,
// memory in KB, times in epoch seconds). Listings write to the given stream only, so a tool
// in a pipe puts nothing but data on stdout.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/types.h"
#include "core/views.h"

namespace cue::cli {

// ---- OpenCue's formats ----
std::string formatMem(int64_t kb);                   // "512K", "300M", "2.5G"
std::string formatTime(int64_t epoch);               // "12/04 14:05", "--/-- --:--" when 0
std::string formatDuration(int64_t seconds);         // "01:02:03"
std::string formatLongDuration(int64_t seconds);     // days:hours, "03:12"
std::string cutoff(const std::string& s, size_t n);  // "averyl.." past n-2 characters
std::string cores(core::CoreUnits units);            // "2.50"

// ---- JSON ----
// A streaming writer: commas and nesting are tracked, strings escaped.
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}
  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(const std::string& k);
  JsonWriter& value(const std::string& v);
  JsonWriter& value(const char* v) { return value(std::string(v)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(int32_t v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& value(const std::vector<std::string>& v);
  template <class T>
  JsonWriter& field(const std::string& k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  void separator();
  std::ostream& out_;
  std::vector<bool> first_;  // per open container: nothing written yet
  bool after_key_ = false;
};

// ---- listings (table, or JSON array with json = true) ----
void printJobs(std::ostream& out, const std::vector<core::JobView>& jobs, bool json);   // -lji
void printJobNames(std::ostream& out, const std::vector<core::JobView>& jobs, bool json);  // -lj
void printJobInfo(std::ostream& out, const core::JobView& job,
                  const std::vector<core::LayerView>& layers, bool json);  // cueman -info
void printLayers(std::ostream& out, const core::JobView& job,
                 const std::vector<core::LayerView>& layers, bool json);  // cueman -ll
void printFrames(std::ostream& out, const std::vector<core::Frame>& frames, bool json,
                 int64_t now);
void printProcs(std::ostream& out, const std::vector<core::ProcView>& procs, bool json,
                int64_t now);
void printLogPaths(std::ostream& out, const std::vector<core::ProcView>& procs, bool json);
void printHosts(std::ostream& out, const std::vector<core::Host>& hosts, bool json, int64_t now);
void printShows(std::ostream& out, const std::vector<core::ShowView>& shows, bool json);
void printAllocations(std::ostream& out, const std::vector<core::AllocationView>& allocs,
                      bool json);
void printSubscriptions(std::ostream& out, const std::vector<core::SubscriptionView>& subs,
                        const std::string& title, bool json);
void printServices(std::ostream& out, const std::vector<core::Service>& services, bool json);
void printWhy(std::ostream& out, const core::WhyView& why, bool json);

}  // namespace cue::cli
