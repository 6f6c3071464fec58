// The store's work per frame completion, one completion per transaction against batches
// (Store::completeFrames, as cuebot's group commit hands them over), on SQLite or
// PostgreSQL. One thread; measures the store alone, without gRPC or the model.
//
// It also reports the bookings/s of the set-up (Store::book, 256 bookings a call, as a
// dispatcher sweep books).
//
// Usage: store_complete_bench [--db URL] [--frames N] [--hosts N] [--batch B]...
//   --db: a store URL (default a SQLite file in a temp directory); on PostgreSQL give an
//   empty database. Each --batch size completes its own job of N frames (default 4,000)
//   booked on N hosts (default 100); sizes default to 1 4 16 64.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ids.h"
#include "store/store.h"

namespace cue {
namespace {

void must(const absl::Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
    std::exit(1);
  }
}

template <typename T>
T must(absl::StatusOr<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A job of `frames` one-core frames in one layer, created and booked across `hosts`.
std::vector<store::FrameCompletion> bookedJob(store::Store& st, const std::string& tag,
                                              int frames, int hosts, double& book_s) {
  core::Show show = must(st.findShow("testing"), "findShow");
  core::Group root = must(st.getRootGroup(show.id), "getRootGroup");
  store::NewJob nj;
  core::Job& j = nj.job;
  j.id = common::newId();
  j.name = absl::StrCat("testing-sh010-bench_", tag);
  j.show_id = show.id;
  j.show = show.name;
  j.shot = "sh010";
  j.user = "bench";
  j.uid = 1000;
  j.group_id = root.id;
  j.facility = "local";
  j.os = "linux";
  j.max_retries = 3;
  j.log_dir = "/tmp/logs";
  core::Layer l;
  l.id = common::newId();
  l.job_id = j.id;
  l.name = "render";
  l.type = core::LayerType::kRender;
  l.command = "render";
  l.range = absl::StrCat("1-", frames);
  l.chunk_size = 1;
  l.min_cores = 100;
  l.min_memory = 1024;
  l.tags = {"general"};
  l.services = {"default"};
  for (int n = 1; n <= frames; ++n) {
    core::Frame f;
    f.id = common::newId();
    f.job_id = j.id;
    f.layer_id = l.id;
    f.layer_name = l.name;
    f.name = absl::StrFormat("%04d-render", n);
    f.number = n;
    f.state = core::FrameState::kWaiting;
    f.dispatch_order = n - 1;
    nj.frames.push_back(f);
  }
  nj.layers.push_back(l);
  must(st.createJob(nj), "createJob");
  std::vector<core::Host> hs;
  for (int h = 0; h < hosts; ++h) {
    core::HostReportData r;
    r.name = absl::StrCat("bench-", tag, "-", h);
    r.facility = "local";
    r.rqd_address = r.name + ":8444";
    r.cores = 100 * (frames / hosts + 1);
    r.total_memory = r.free_memory = 1024LL * (frames / hosts + 1);
    r.os = "linux";
    r.now = 1;
    hs.push_back(must(st.upsertHost(r), "upsertHost"));
  }
  std::vector<store::Booking> bookings;
  std::vector<store::FrameCompletion> out;
  for (int n = 0; n < frames; ++n) {
    const core::Frame& f = nj.frames[n];
    store::Booking b;
    b.proc_id = common::newId();
    b.host_id = hs[n % hosts].id;
    b.frame_id = f.id;
    b.job_id = j.id;
    b.layer_id = l.id;
    b.cores = 100;
    b.memory = 1024;
    b.now = 1;
    b.log_path = "/tmp/logs/x.rqlog";
    bookings.push_back(b);
    store::FrameCompletion c;
    c.proc_id = b.proc_id;
    c.frame_id = f.id;
    c.host_name = "bench";
    c.run_time = 10;
    c.now = 11;
    out.push_back(c);
    if (bookings.size() == 256 || n + 1 == frames) {
      auto t0 = std::chrono::steady_clock::now();
      must(st.book(bookings), "book");
      book_s += seconds(t0);
      bookings.clear();
    }
  }
  return out;
}

int run(int argc, char** argv) {
  std::string db;
  int frames = 4000, hosts = 100;
  std::vector<size_t> batches;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto next = [&]() -> std::string { return k + 1 < argc ? argv[++k] : ""; };
    if (a == "--db") db = next();
    else if (a == "--frames") frames = std::stoi(next());
    else if (a == "--hosts") hosts = std::stoi(next());
    else if (a == "--batch") batches.push_back(std::stoul(next()));
    else {
      std::fprintf(stderr, "usage: store_complete_bench [--db URL] [--frames N] [--hosts N] "
                           "[--batch B]...\n");
      return 2;
    }
  }
  if (batches.empty()) batches = {1, 4, 16, 64};
  std::filesystem::path dir;
  if (db.empty()) {
    dir = std::filesystem::temp_directory_path() / absl::StrCat("store_bench_", common::newId());
    std::filesystem::create_directories(dir);
    db = (dir / "cuebot.db").string();
  }
  auto st = must(store::openStore(db), "openStore");
  std::printf("| completions per transaction | completions/s | ms per transaction |\n");
  std::printf("| ---: | ---: | ---: |\n");
  double book_s = 0;
  size_t booked = 0;
  for (size_t b : batches) {
    auto all = bookedJob(*st, absl::StrCat("b", b), frames, hosts, book_s);
    booked += all.size();
    auto t0 = std::chrono::steady_clock::now();
    size_t txns = 0;
    for (size_t i = 0; i < all.size(); i += b, ++txns) {
      std::vector<store::FrameCompletion> batch(all.begin() + i,
                                                all.begin() + std::min(all.size(), i + b));
      auto results = must(st->completeFrames(batch), "completeFrames");
      for (const auto& r : results)
        if (!r.ok()) {
          std::fprintf(stderr, "completion: %s\n", r.status().ToString().c_str());
          return 1;
        }
    }
    const double s = seconds(t0);
    std::printf("| %zu | %.0f | %.3f |\n", b, all.size() / s, 1000 * s / txns);
  }
  std::printf("\nbookings, 256 a transaction: %.0f/s\n", booked / book_s);
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace cue

int main(int argc, char** argv) { return cue::run(argc, argv); }
