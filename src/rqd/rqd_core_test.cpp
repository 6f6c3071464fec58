// RqdCore with real frames: /bin/sh children of this test process, logs in temp dirs.
#include "rqd/rqd_core.h"

#include <sys/resource.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

using testing::CollectingListener;
using testing::makeSpec;
using testing::slurp;
using testing::TempDir;
using testing::waitFor;

class RqdCoreTest : public ::testing::Test {
 protected:
  void SetUp() override { machine_ = probe(4); }

  static std::unique_ptr<Machine> probe(int cores_override) {
    MachineOptions mo;
    mo.cores_override = cores_override;
    absl::StatusOr<std::unique_ptr<Machine>> m = Machine::probe(mo);
    EXPECT_TRUE(m.ok()) << m.status();
    return std::move(*m);
  }

  RqdCoreOptions options() {
    RqdCoreOptions o;
    o.hostname = "testhost";
    o.address = "127.0.0.1";
    o.log_root = dir_.file("logroot");
    o.log_roots = {dir_.path()};
    o.spool_dir = dir_.file("spool");
    o.sample_interval = std::chrono::milliseconds(100);
    o.kill_grace = std::chrono::milliseconds(300);
    o.as_root = ::geteuid() == 0;
    return o;
  }

  std::unique_ptr<RqdCore> makeCore(const Machine& machine) {
    return std::make_unique<RqdCore>(options(), machine, &listener_);
  }

  std::string logPath() const {
    return dir_.file("logs/testshow-shot01-alice_render.0001-render.rqlog");
  }

  // The value of a "key=value" line the frame printed to its log; "" when absent.
  std::string printed(const std::string& key) {
    for (absl::string_view line : absl::StrSplit(slurp(logPath()), '\n')) {
      if (absl::ConsumePrefix(&line, key + "=")) return std::string(line);
    }
    return "";
  }

  // The frame's pid once rqd has recorded it (its shell may print before that); 0 if never.
  int waitForPid(RqdCore& core, const std::string& frame_id) {
    int pid = 0;
    waitFor([&] {
      absl::StatusOr<RunningFrameView> v = core.frame(frame_id);
      return v.ok() && (pid = v->spec.pid) > 0;
    });
    return pid;
  }

  TempDir dir_;
  CollectingListener listener_;
  std::unique_ptr<Machine> machine_;
};

// The frame's shell shares rqd's memory until it execs, and the kernel then gives it rqd's
// peak RSS as its own; a tiny frame must not be reported with rqd's size.
TEST_F(RqdCoreTest, ATinyFrameIsNotReportedWithRqdsOwnPeakMemory) {
  std::vector<char> ballast(64 << 20, 1);  // this process's peak: over 64 MB
  struct rusage self {};
  ::getrusage(RUSAGE_SELF, &self);
  ASSERT_GT(self.ru_maxrss, 64 * 1024) << ballast[4096];
  auto core = makeCore(*machine_);
  ASSERT_TRUE(core->launchFrame(makeSpec("tiny", "exec /bin/true", dir_.file("logs"))).ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("tiny", &c));
  EXPECT_EQ(c.exit_status, 0);
  EXPECT_LT(c.usage.max_rss, 16 * 1024) << "rqd's peak taken for the frame's";
}

TEST_F(RqdCoreTest, RunsAFrameAndLogsHeaderOutputAndFooter) {
  auto core = makeCore(*machine_);
  core->start();
  ASSERT_TRUE(core->launchFrame(makeSpec("f1", "echo hello from the frame; echo oops >&2; exit 3",
                                         dir_.file("logs")))
                  .ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("f1", &c));
  EXPECT_EQ(c.exit_status, 3);
  EXPECT_EQ(c.exit_signal, 0);
  EXPECT_EQ(c.spec.log_dir_file, logPath());
  EXPECT_EQ(c.spec.log_file, "testshow-shot01-alice_render.0001-render.rqlog");
  std::string log = slurp(logPath());
  size_t header = log.find("RenderQ JobSpec");
  size_t output = log.find("hello from the frame");
  size_t err = log.find("oops");
  size_t footer = log.find("RenderQ Job Complete");
  ASSERT_NE(header, std::string::npos) << log;
  ASSERT_NE(output, std::string::npos) << log;
  ASSERT_NE(err, std::string::npos) << log;
  ASSERT_NE(footer, std::string::npos) << log;
  EXPECT_LT(header, output);
  EXPECT_LT(output, footer);
  EXPECT_NE(log.find("exitStatus          3"), std::string::npos) << log;
  EXPECT_NE(log.find("renderHost           testhost"), std::string::npos) << log;
  EXPECT_NE(log.find("command              echo hello"), std::string::npos) << log;
  EXPECT_NE(log.find("1.00 (100 core units)"), std::string::npos) << log;
  EXPECT_NE(log.find("softMemoryLimit      1048576 KB"), std::string::npos) << log;
  EXPECT_TRUE(waitFor([&] { return core->frames().empty(); }));
  EXPECT_EQ(core->snapshot().cores.booked, 0);
  // Its start and end ask for a status report soon, not at once (a burst shares one).
  EXPECT_TRUE(waitFor([&] { return listener_.frameChanges() == 2; }));
  EXPECT_EQ(listener_.changes(), 0);
}

// A burst of short frames does not pile up ended attendant threads (and their stacks) until
// the sampler's next pass: the next launch joins them.
TEST_F(RqdCoreTest, TheNextLaunchJoinsTheAttendantsOfEndedFrames) {
  RqdCoreOptions o = options();
  o.sample_interval = std::chrono::hours(1);  // the sampler joins nothing during the test
  RqdCore core(o, *machine_, &listener_);
  core.start();
  ASSERT_TRUE(core.launchFrame(makeSpec("burst1", "exec /bin/true", dir_.file("logs"))).ok());
  ASSERT_TRUE(waitFor([&] { return core.frames().empty(); }));
  EXPECT_EQ(core.unjoinedAttendants(), 1u);
  ASSERT_TRUE(core.launchFrame(makeSpec("burst2", "sleep 1000", dir_.file("logs"))).ok());
  EXPECT_EQ(core.unjoinedAttendants(), 0u);
  ASSERT_TRUE(core.killFrame("burst2", "test over").ok());
  ASSERT_TRUE(waitFor([&] { return core.frames().empty(); }));
  core.stop();
}

TEST_F(RqdCoreTest, RotatesTheLogOnASecondRun) {
  auto core = makeCore(*machine_);
  core->start();
  FrameCompletion c;
  ASSERT_TRUE(core->launchFrame(makeSpec("r1", "echo first run", dir_.file("logs"))).ok());
  ASSERT_TRUE(listener_.waitCompletion("r1", &c));
  ASSERT_TRUE(waitFor([&] { return core->frames().empty(); }));
  ASSERT_TRUE(core->launchFrame(makeSpec("r2", "echo second run", dir_.file("logs"))).ok());
  ASSERT_TRUE(listener_.waitCompletion("r2", &c));
  EXPECT_NE(slurp(logPath() + ".1").find("first run"), std::string::npos);
  EXPECT_NE(slurp(logPath()).find("second run"), std::string::npos);
  EXPECT_EQ(slurp(logPath()).find("first run"), std::string::npos);
}

TEST_F(RqdCoreTest, FrameSeesOpenCueEnvironment) {
  auto core = makeCore(*machine_);
  FrameSpec spec = makeSpec("env1", "env", dir_.file("logs"));
  spec.environment = {{"CUE_JOB", "from-cuebot"}, {"LAYER_VAR", "42"}};
  ASSERT_TRUE(core->launchFrame(spec).ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("env1", &c));
  EXPECT_EQ(c.exit_status, 0);
  EXPECT_EQ(printed("CUE_JOB"), "from-cuebot");
  EXPECT_EQ(printed("LAYER_VAR"), "42");
  EXPECT_EQ(printed("CUE_FRAME"), "0001-render");
  EXPECT_EQ(printed("CUE_IFRAME"), "1");
  EXPECT_EQ(printed("CUE_LAYER"), "render");
  EXPECT_EQ(printed("CUE_THREADS"), "1");
  EXPECT_EQ(printed("CUE_FRAME_ID"), "env1");
  EXPECT_EQ(printed("CUE_RESOURCE_ID"), "proc-env1");
  EXPECT_EQ(printed("CUE_LOG_PATH"), dir_.file("logs"));
  EXPECT_EQ(printed("CUE_SHOW"), "testshow");
  EXPECT_EQ(printed("SP_NOMYCSHRC"), "1");
  EXPECT_EQ(printed("jobhost"), "testhost");
  EXPECT_EQ(printed("TMPDIR"), "/tmp");
  EXPECT_FALSE(printed("PATH").empty());
  EXPECT_FALSE(printed("HOME").empty());
  EXPECT_FALSE(printed("USER").empty());
  EXPECT_FALSE(printed("PWD").empty());  // `env` runs without the shell, which exported it
}

TEST_F(RqdCoreTest, AFrameThatCannotStartCompletesWithExitStatus256) {
  ASSERT_TRUE(writeFileAtomic(dir_.file("file"), "").ok());
  RqdCoreOptions o = options();
  o.log_root = dir_.file("file/root");  // below a file: cannot be created
  RqdCore core(o, *machine_, &listener_);
  ASSERT_TRUE(core.launchFrame(makeSpec("bad1", "true", dir_.file("file/logs"))).ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("bad1", &c));
  EXPECT_EQ(c.exit_status, kExitFailedLaunch);
  EXPECT_NE(c.kill_message.find("cannot write the frame log"), std::string::npos) << c.kill_message;
  EXPECT_TRUE(waitFor([&] { return core.snapshot().cores.booked == 0; }));
}

TEST_F(RqdCoreTest, RefusesUidZeroLikeOpenCue) {
  auto core = makeCore(*machine_);
  FrameSpec spec = makeSpec("root1", "true", dir_.file("logs"));
  spec.uid = 0;
  absl::Status s = core->launchFrame(spec);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "refusing to run frame 0001-render as root (uid 0)");
  EXPECT_TRUE(core->frames().empty());
}

TEST_F(RqdCoreTest, RefusesDuplicatesLockedCoresAndShortage) {
  auto core = makeCore(*machine_);  // 4 cores
  TempDir gate;
  std::string wait_cmd = "while [ ! -f " + gate.file("go") + " ]; do sleep 0.05; done";
  ASSERT_TRUE(core->launchFrame(makeSpec("d1", wait_cmd, dir_.file("logs"))).ok());
  EXPECT_EQ(core->launchFrame(makeSpec("d1", wait_cmd, dir_.file("logs"))).code(),
            absl::StatusCode::kAlreadyExists);
  FrameSpec big = makeSpec("d2", "true", dir_.file("logs"));
  big.num_cores = 400;  // 100 booked, 300 idle
  absl::Status s = core->launchFrame(big);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("insufficient idle cores"), absl::string_view::npos) << s;
  core->lockAll();
  s = core->launchFrame(makeSpec("d3", "true", dir_.file("logs")));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("locked"), absl::string_view::npos) << s;
  CoreCounts cores = core->snapshot().cores;
  EXPECT_EQ(cores.locked, 400);
  EXPECT_EQ(cores.booked, 100);
  EXPECT_EQ(cores.idle, 0);
  core->unlockAll();
  ASSERT_TRUE(writeFileAtomic(gate.file("go"), "").ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("d1", &c));
  EXPECT_EQ(c.exit_status, 0);
}

TEST_F(RqdCoreTest, KillEndsTheWholeTreeIncludingASetsidChild) {
  auto core = makeCore(*machine_);
  // A child ignoring SIGTERM, an escapee in its own session ignoring SIGTERM, a sleeper.
  std::string cmd =
      "sh -c 'trap \"\" TERM; sleep 1000' & echo child=$!; "
      "setsid sh -c 'echo escaped=$$; trap \"\" TERM; exec sleep 1000' & "
      "sleep 1000 & echo sleeper=$!; wait";
  ASSERT_TRUE(core->launchFrame(makeSpec("k1", cmd, dir_.file("logs"))).ok());
  ASSERT_TRUE(waitFor([&] {
    return !printed("child").empty() && !printed("escaped").empty() && !printed("sleeper").empty();
  }));
  const int root = waitForPid(*core, "k1");
  ASSERT_GT(root, 0);
  // Wait until the escapee sleeps in its own session and the whole tree is up: the shell,
  // sh + its sleep, the escapee, the sleeper.
  int escaped = 0;
  ASSERT_TRUE(absl::SimpleAtoi(printed("escaped"), &escaped));
  std::vector<int> pids;
  ASSERT_TRUE(waitFor([&] {
    ProcessTable t = scanProcesses("/proc");
    pids = frameProcesses(t, {root, 0}, {});
    int sleeping = 0;
    for (int pid : pids) sleeping += t[pid].comm == "sleep";
    return t.count(escaped) && t[escaped].session == escaped && sleeping == 3;
  }));
  EXPECT_EQ(pids.size(), 5u);
  EXPECT_TRUE(std::count(pids.begin(), pids.end(), escaped));
  core->sampleNow();

  ASSERT_TRUE(core->killFrame("k1", "killed by the test").ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("k1", &c));
  EXPECT_EQ(c.exit_status, 1);
  EXPECT_EQ(c.exit_signal, SIGTERM);
  EXPECT_EQ(c.kill_message, "killed by the test");
  for (int pid : pids) EXPECT_TRUE(processGone("/proc", pid)) << "pid " << pid << " survived";
  EXPECT_NE(slurp(logPath()).find("killMessage         killed by the test"), std::string::npos);
  EXPECT_TRUE(core->killFrame("k1", "again").ok());  // unknown now: still OK
}

TEST_F(RqdCoreTest, SamplerFindsAChildsMemory) {
  auto core = makeCore(*machine_);
  std::string cmd = "echo start; " + testing::helperExe() + " --memhog=64; echo done";
  ASSERT_TRUE(core->launchFrame(makeSpec("m1", cmd, dir_.file("logs"))).ok());
  ASSERT_TRUE(waitFor([&] { return slurp(logPath()).find("memhog ready") != std::string::npos; }));
  ASSERT_GT(waitForPid(*core, "m1"), 0);
  core->sampleNow();
  absl::StatusOr<RunningFrameView> v = core->frame("m1");
  ASSERT_TRUE(v.ok());
  EXPECT_GE(v->usage.rss, 60 * 1024) << "rss " << v->usage.rss;
  EXPECT_GE(v->usage.max_rss, v->usage.rss);
  EXPECT_GE(v->usage.pss, 30 * 1024);
  EXPECT_GE(v->usage.vsize, v->usage.rss);
  EXPECT_GE(v->usage.num_processes, 2);
  EXPECT_GT(v->usage.llu_time, 0);
  HostSnapshot snap = core->snapshot();
  ASSERT_EQ(snap.frames.size(), 1u);
  EXPECT_EQ(snap.frames[0].usage.rss, v->usage.rss);
  ASSERT_TRUE(core->killFrame("m1", "").ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("m1", &c));
  EXPECT_GE(c.usage.max_rss, 60 * 1024);
}

TEST_F(RqdCoreTest, KillsAFrameOverItsHardMemoryLimit) {
  auto core = makeCore(*machine_);
  FrameSpec spec = makeSpec("oom1", testing::helperExe() + " --memhog=64; true", dir_.file("logs"));
  spec.hard_memory_limit = 16 * 1024;  // KB
  ASSERT_TRUE(core->launchFrame(spec).ok());
  ASSERT_TRUE(waitFor([&] { return slurp(logPath()).find("memhog ready") != std::string::npos; }));
  ASSERT_GT(waitForPid(*core, "oom1"), 0);
  core->sampleNow();
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("oom1", &c));
  EXPECT_EQ(c.exit_status, kExitMemoryFailure);
  EXPECT_EQ(c.exit_signal, kExitMemoryFailure);
  EXPECT_NE(c.kill_message.find("hard limit"), std::string::npos) << c.kill_message;
}

TEST_F(RqdCoreTest, KillsAFrameThatMakesNoProgressAsHung) {
  auto core = makeCore(*machine_);
  // The helper prints once it is loaded, then waits in pause(): from then on it reads,
  // writes and computes nothing. (`exec sleep` was sampled while its loader still read its
  // libraries, which counted as progress on a busy machine.)
  FrameSpec spec =
      makeSpec("hung1", "exec " + testing::helperExe() + " --memhog=0", dir_.file("logs"));
  spec.attributes[kAttrHungSeconds] = "30";
  ASSERT_TRUE(core->launchFrame(spec).ok());
  ASSERT_TRUE(waitFor([&] { return slurp(logPath()).find("memhog ready") != std::string::npos; }));
  const int pid = waitForPid(*core, "hung1");
  ASSERT_GT(pid, 0);
  // The text is in the log before its write() returns and counts its bytes: wait for the
  // helper to sleep in pause() (state S; a write that waits on the disk is D).
  ASSERT_TRUE(waitFor([&] {
    const std::string stat = slurp(absl::StrCat("/proc/", pid, "/stat"));
    const size_t paren = stat.rfind(") ");
    return paren != std::string::npos && stat.compare(paren + 2, 1, "S") == 0;
  }));
  const EpochSec t0 = std::max<EpochSec>(core->frame("hung1")->started_at, ::time(nullptr));
  core->sampleAt(t0);       // the first sign of progress
  core->sampleAt(t0 + 29);  // quiet, but not for long enough
  ASSERT_TRUE(core->frame("hung1").ok()) << "killed too early";
  core->sampleAt(t0 + 31);
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("hung1", &c));
  EXPECT_EQ(c.exit_status, kExitHung);
  EXPECT_NE(c.kill_message.find("hung: no log output, CPU time or I/O"), std::string::npos)
      << c.kill_message;
  EXPECT_NE(slurp(logPath()).find("hung: no log output"), std::string::npos);
}

TEST_F(RqdCoreTest, AFrameThatKeepsWritingIsNotHungButTimesOut) {
  auto core = makeCore(*machine_);
  FrameSpec spec = makeSpec("busy1", "while true; do echo tick; sleep 0.05; done", dir_.file("logs"));
  spec.attributes[kAttrHungSeconds] = "1";
  spec.attributes[kAttrTimeoutSeconds] = "100";
  ASSERT_TRUE(core->launchFrame(spec).ok());
  ASSERT_TRUE(waitFor([&] { return slurp(logPath()).find("tick") != std::string::npos; }));
  // The shell may print before rqd has recorded its start: wait for that too.
  absl::StatusOr<RunningFrameView> v;
  ASSERT_TRUE(waitFor([&] { return (v = core->frame("busy1")).ok() && v->started_at > 0; }));
  const EpochSec t0 = std::max<EpochSec>(v->started_at, ::time(nullptr));
  core->sampleAt(t0);
  // The log grows between samples: progress every time, whatever the clock says.
  // Two more lines: the first one's write() has then returned and counted its bytes (a
  // line is in the log before its write() returns).
  const size_t seen = slurp(logPath()).size();
  constexpr size_t kLine = sizeof("tick\n") - 1;
  ASSERT_TRUE(waitFor([&] { return slurp(logPath()).size() >= seen + 2 * kLine; }));
  core->sampleAt(t0 + 50);
  ASSERT_TRUE(core->frame("busy1").ok()) << "a frame writing its log was taken for hung";
  core->sampleAt(v->started_at + 101);
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("busy1", &c));
  EXPECT_EQ(c.exit_status, kExitTimeout);
  EXPECT_NE(c.kill_message.find("longer than the layer's timeout of 100 s"), std::string::npos)
      << c.kill_message;
}

// Two GPUs, as nvidia-smi would list them (gpu_probe_integration_test runs the real parser
// on a fake nvidia-smi).
class TwoGpus final : public GpuProbe {
 public:
  GpuInfo probe() override {
    GpuInfo g;
    g.count = 2;
    g.total_mem = g.free_mem = 2 * 16 * 1024 * 1024;
    g.devices = {{0, "Fake GPU", 16 * 1024 * 1024, 16 * 1024 * 1024},
                 {1, "Fake GPU", 16 * 1024 * 1024, 16 * 1024 * 1024}};
    return g;
  }
  // GPU 0 busy with 10 GB, GPU 1 nearly idle.
  std::vector<GpuUse> use() override { return {{0, 87, 10 * 1024 * 1024}, {1, 3, 512 * 1024}}; }
};

TEST_F(RqdCoreTest, AGpuFramesUseOfItsOwnGpuIsSampledAndReported) {
  MachineOptions mo;
  mo.cores_override = 4;
  auto machine = Machine::probe(mo, std::make_unique<TwoGpus>());
  ASSERT_TRUE(machine.ok()) << machine.status();
  auto core = makeCore(**machine);
  FrameSpec gpu = makeSpec("gu1", "exec sleep 600", dir_.file("logs/a"));
  gpu.num_gpus = 1;
  ASSERT_TRUE(core->launchFrame(gpu).ok());  // gets GPU 0, the first free one
  FrameSpec cpu = makeSpec("gu2", "exec sleep 600", dir_.file("logs/b"));
  ASSERT_TRUE(core->launchFrame(cpu).ok());
  ASSERT_TRUE(waitFor([&] { return core->frame("gu1")->started_at > 0; }));
  core->sampleAt(::time(nullptr));
  absl::StatusOr<RunningFrameView> v = core->frame("gu1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->spec.attributes.at("GPU_LIST"), "0");
  EXPECT_EQ(v->usage.gpu_mem, 10 * 1024 * 1024);
  EXPECT_EQ(v->usage.max_gpu_mem, 10 * 1024 * 1024);
  EXPECT_EQ(v->usage.gpu_utilization, 87);
  EXPECT_EQ(core->frame("gu2")->usage.gpu_mem, 0) << "a frame without GPUs uses none";
  ASSERT_TRUE(core->killFrame("gu1", "done").ok());
  ASSERT_TRUE(core->killFrame("gu2", "done").ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("gu1", &c));
  EXPECT_EQ(c.usage.max_gpu_mem, 10 * 1024 * 1024);
  EXPECT_NE(slurp(c.spec.log_dir_file).find("maxUsedGpuMemory    10485760"), std::string::npos)
      << slurp(c.spec.log_dir_file);
  ASSERT_TRUE(listener_.waitCompletion("gu2", &c));
}

TEST_F(RqdCoreTest, AGpuFrameSeesOnlyItsGpus) {
  MachineOptions mo;
  mo.cores_override = 4;
  auto machine = Machine::probe(mo, std::make_unique<TwoGpus>());
  ASSERT_TRUE(machine.ok()) << machine.status();
  auto core = makeCore(**machine);
  const std::string print = "echo CUDA=${CUDA_VISIBLE_DEVICES-unset}; exec sleep 600";
  FrameSpec a = makeSpec("g1", print, dir_.file("logs/a"));
  a.num_gpus = 1;
  ASSERT_TRUE(core->launchFrame(a).ok());
  FrameSpec b = makeSpec("g2", print, dir_.file("logs/b"));
  b.num_gpus = 1;
  ASSERT_TRUE(core->launchFrame(b).ok());
  FrameSpec c = makeSpec("g3", print, dir_.file("logs/c"));
  c.num_gpus = 1;
  absl::Status third = core->launchFrame(c);
  EXPECT_EQ(third.code(), absl::StatusCode::kFailedPrecondition) << third;
  FrameSpec cpu = makeSpec("g4", print, dir_.file("logs/d"));
  ASSERT_TRUE(core->launchFrame(cpu).ok());
  const std::string log = "testshow-shot01-alice_render.0001-render.rqlog";
  auto cuda = [&](const std::string& d) {
    std::string text;
    // The line the frame printed (the header also quotes the command).
    waitFor([&] { return (text = slurp(dir_.file(d + "/" + log))).find("\nCUDA=") != std::string::npos; });
    auto at = text.find("\nCUDA=");
    if (at == std::string::npos) return std::string("?");
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  };
  std::set<std::string> gpu_frames = {cuda("logs/a"), cuda("logs/b")};
  EXPECT_EQ(gpu_frames, (std::set<std::string>{"CUDA=0", "CUDA=1"}));
  EXPECT_EQ(cuda("logs/d"), "CUDA=");  // booked no GPU: sees none
  ASSERT_TRUE(core->killFrame("g1", "done").ok());
  FrameCompletion done;
  ASSERT_TRUE(listener_.waitCompletion("g1", &done));
  // The GPU is released just after the completion is reported: poll with a deadline.
  EXPECT_TRUE(waitFor([&] { return core->launchFrame(c).ok(); })) << "the freed GPU is given again";
  for (const char* id : {"g2", "g3", "g4"}) ASSERT_TRUE(core->killFrame(id, "done").ok());
  for (const char* id : {"g2", "g3", "g4"}) ASSERT_TRUE(listener_.waitCompletion(id, &done));
}

TEST_F(RqdCoreTest, RefusesHostileLaunchesAndCreatesNothing) {
  auto core = makeCore(*machine_);
  const std::string outside = "/tmp/cue-hostile-" + std::to_string(::getpid());
  std::vector<std::pair<FrameSpec, std::string>> bad;
  bad.push_back({makeSpec("h1", "true", outside + "/logs"), "not under this rqd's log roots"});
  bad.push_back({makeSpec("h2", "true", dir_.file("logs/../../etc")), "not under"});
  FrameSpec dots = makeSpec("h3", "true", dir_.file("logs"));
  dots.job_name = "../../etc/cron.d/x";
  bad.push_back({dots, "job_name"});
  FrameSpec slash = makeSpec("h4", "true", dir_.file("logs"));
  slash.frame_name = "0001-a/b";
  bad.push_back({slash, "frame_name"});
  for (auto& [spec, why] : bad) {
    absl::Status s = core->launchFrame(spec);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << spec.frame_id << ": " << s;
    EXPECT_NE(s.message().find(why), absl::string_view::npos) << s;
  }
  EXPECT_FALSE(std::filesystem::exists(outside));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("logs")));
  EXPECT_EQ(core->snapshot().cores.booked, 0);
}

// Real cgroups (v1 on the development machines, v2 elsewhere), as root; skipped, saying
// why, where the host has none.
class RqdCgroupTest : public RqdCoreTest {
 protected:
  void SetUp() override {
    RqdCoreTest::SetUp();
    if (::geteuid() != 0) GTEST_SKIP() << "cgroup tests need root";
    CgroupConfig probe;
    probe.parent = parent_;
    Cgroups cg = Cgroups::open(probe);
    if (cg.mode() == CgroupMode::kNone) GTEST_SKIP() << "no usable cgroups here: " << cg.description();
  }
  void TearDown() override {
    for (const char* h : {"", "/memory", "/cpuacct"})
      ::rmdir(absl::StrCat("/sys/fs/cgroup", h, "/", parent_).c_str());
  }
  std::unique_ptr<RqdCore> cgroupCore() {
    RqdCoreOptions o = options();
    o.cgroups.enabled = true;
    o.cgroups.parent = parent_;
    o.memory_margin_kb = 0;
    return std::make_unique<RqdCore>(o, *machine_, &listener_);
  }
  const std::string parent_ = absl::StrCat("cue-rqd-test-", ::getpid());
};

TEST_F(RqdCgroupTest, AFramePastItsMemoryIsKilledAsOutOfMemoryWithItsRealPeak) {
  auto core = cgroupCore();
  ASSERT_NE(core->trackingMode(), CgroupMode::kNone) << core->trackingDescription();
  FrameSpec spec = makeSpec("cgoom1", testing::helperExe() + " --memhog=256", dir_.file("logs"));
  spec.soft_memory_limit = 64 * 1024;  // booked 64 MB, no margin: capped at 64 MB
  ASSERT_TRUE(core->launchFrame(spec).ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("cgoom1", &c));
  EXPECT_EQ(c.exit_status, kExitMemoryFailure) << c.kill_message;
  EXPECT_EQ(c.exit_signal, kExitMemoryFailure);
  EXPECT_NE(c.kill_message.find("out of memory"), std::string::npos) << c.kill_message;
  EXPECT_GE(c.usage.max_rss, 60 * 1024) << "the peak comes from the cgroup";
}

TEST_F(RqdCgroupTest, AKillEndsEveryProcessOfTheFrameEvenADoubleForkedOne) {
  auto core = cgroupCore();
  // The shell starts a grandchild in a new session, detached from the tree, which says its
  // pid in the log; the shell runs until killed.
  FrameSpec spec = makeSpec(
      "cgkill1", "(setsid sh -c 'echo ESCAPEE=$$; exec sleep 600' &) ; exec sleep 600",
      dir_.file("logs"));
  ASSERT_TRUE(core->launchFrame(spec).ok());
  int escapee = 0;
  ASSERT_TRUE(waitFor([&] {
    std::string log = slurp(logPath());
    auto at = log.find("\nESCAPEE=");
    return at != std::string::npos && absl::SimpleAtoi(log.substr(at + 9, log.find('\n', at + 1) - at - 9), &escapee);
  }));
  ASSERT_EQ(::kill(escapee, 0), 0);
  ASSERT_TRUE(core->killFrame("cgkill1", "stop").ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("cgkill1", &c));
  EXPECT_TRUE(waitFor([&] { return processGone("/proc", escapee); }))
      << "the double-forked process " << escapee << " survived the kill";
}

TEST_F(RqdCoreTest, NimbyLocksTheHostRequeuesItsFramesAndUnlocksWhenIdle) {
  const std::string idle = dir_.file("idle");
  auto write_idle = [&](const char* seconds) { std::ofstream(idle) << seconds; };
  write_idle("5000");
  RqdCoreOptions o = options();
  o.idle_source = std::make_shared<FileIdleSource>(idle);
  o.nimby_idle_s = 900;
  RqdCore core(o, *machine_, &listener_);
  core.nimbyOn();
  ASSERT_TRUE(core.launchFrame(makeSpec("n1", "exec sleep 600", dir_.file("logs"))).ok());
  core.nimbyCheck();
  EXPECT_FALSE(core.snapshot().host.nimby_locked);
  write_idle("3");  // someone touched the keyboard
  core.nimbyCheck();
  EXPECT_TRUE(core.snapshot().host.nimby_locked);
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("n1", &c));
  EXPECT_EQ(c.exit_status, kExitNimby);
  EXPECT_NE(c.kill_message.find("NIMBY"), std::string::npos) << c.kill_message;
  absl::Status refused = core.launchFrame(makeSpec("n2", "true", dir_.file("logs2")));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
  write_idle("901");
  core.nimbyCheck();
  EXPECT_FALSE(core.snapshot().host.nimby_locked);
  EXPECT_TRUE(waitFor([&] { return core.launchFrame(makeSpec("n3", "true", dir_.file("logs3"))).ok(); }));
  ASSERT_TRUE(listener_.waitCompletion("n3", &c));
}

// Busy CPUs as a test sets them.
class SetBusy final : public CpuBusySource {
 public:
  std::optional<CpuBusy> busy() override { return CpuBusy{cores, 4}; }
  double cores = 0;
};

TEST_F(RqdCoreTest, NimbyStaysLockedWhileOtherWorkLoadsTheHost) {
  const std::string idle = dir_.file("idle");
  auto write_idle = [&](const char* seconds) { std::ofstream(idle) << seconds; };
  write_idle("5");  // someone at the keyboard
  auto busy = std::make_shared<SetBusy>();
  RqdCoreOptions o = options();
  o.idle_source = std::make_shared<FileIdleSource>(idle);
  o.busy_source = busy;
  o.nimby_max_load = 50;
  RqdCore core(o, *machine_, &listener_);
  core.nimbyOn();
  EXPECT_TRUE(core.snapshot().host.nimby_locked);
  write_idle("5000");  // they left, a simulation of theirs runs on: 3 of 4 CPUs, not frames
  busy->cores = 3.0;
  core.nimbyCheck();
  core.nimbyCheck();
  EXPECT_TRUE(core.snapshot().host.nimby_locked) << "stays locked while the work goes on";
  busy->cores = 0.5;
  core.nimbyCheck();
  EXPECT_FALSE(core.snapshot().host.nimby_locked);
  busy->cores = 3.0;  // load alone does not lock it again
  core.nimbyCheck();
  core.nimbyCheck();
  EXPECT_FALSE(core.snapshot().host.nimby_locked);
}

TEST_F(RqdCoreTest, PinsWholeCoreFramesToCpus) {
  std::unique_ptr<Machine> real = probe(0);
  std::vector<PhysicalCore> pinnable =
      pinnableCores(real->statics().topology, real->statics().allowed_cpus);
  if (pinnable.empty()) GTEST_SKIP() << "no whole core is pinnable here";
  auto core = makeCore(*real);
  ASSERT_TRUE(core->launchFrame(
                      makeSpec("p1", "grep Cpus_allowed_list /proc/self/status", dir_.file("logs")))
                  .ok());
  FrameCompletion c;
  ASSERT_TRUE(listener_.waitCompletion("p1", &c));
  std::string cpu_list = c.spec.attributes["CPU_LIST"];
  ASSERT_FALSE(cpu_list.empty());
  std::string log = slurp(logPath());
  EXPECT_NE(log.find("Cpus_allowed_list:\t" + cpu_list), std::string::npos)
      << "CPU_LIST " << cpu_list << "\n"
      << log;
  EXPECT_TRUE(core->snapshot().cores.reserved.empty());  // released at exit
}

TEST_F(RqdCoreTest, ShutdownIdleWaitsForFramesThenAsksToExit) {
  auto core = makeCore(*machine_);
  TempDir gate;
  ASSERT_TRUE(core->launchFrame(
                      makeSpec("s1", "while [ ! -f " + gate.file("go") + " ]; do sleep 0.05; done",
                               dir_.file("logs")))
                  .ok());
  core->shutdownIdle();
  EXPECT_EQ(core->launchFrame(makeSpec("s2", "true", dir_.file("logs"))).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(listener_.exitAction(), ExitAction::kNone);
  ASSERT_TRUE(writeFileAtomic(gate.file("go"), "").ok());
  EXPECT_TRUE(waitFor([&] { return listener_.exitAction() == ExitAction::kShutdown; }));
}

TEST_F(RqdCoreTest, ReportsFramesLostWhenRqdDied) {
  // A frame "left over" from an earlier rqd: a process in its own session.
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    ::execl("/bin/sleep", "sleep", "1000", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(waitFor([&] {
    ProcessTable t = scanProcesses("/proc");
    return t.count(pid) && t[pid].session == pid && t[pid].comm == "sleep";
  }));
  FileSpool running(dir_.file("spool/running"));
  ASSERT_TRUE(running.init().ok());
  RunningRecord rec;
  rec.spec = makeSpec("lost1", "sleep 1000", dir_.file("logs"));
  rec.pid = pid;
  rec.started_at = 1700000000;
  ASSERT_TRUE(running.put("lost1", encodeRunningRecord(rec)).ok());

  auto core = makeCore(*machine_);
  std::vector<FrameCompletion> lost = core->recoverLostFrames();
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].spec.frame_id, "lost1");
  EXPECT_EQ(lost[0].exit_signal, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);  // our child: killed by the recovery
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(running.loadAll().empty());
}

// A lost frame's footer is appended with its user's rights, to its own regular log only:
// a log replaced by a symlink (to a file of root's) is left alone.
TEST_F(RqdCoreTest, ALostFramesFooterNeverFollowsASymlink) {
  FileSpool running(dir_.file("spool/running"));
  ASSERT_TRUE(running.init().ok());
  ASSERT_TRUE(makeDirs(dir_.file("logs"), 0755).ok());
  ASSERT_EQ(::chown(dir_.file("logs").c_str(), testing::testUid(), testing::testUid()), 0);
  ASSERT_TRUE(writeFileAtomic(dir_.file("root-file"), "root's\n").ok());  // 0644, root's
  ASSERT_EQ(::symlink(dir_.file("root-file").c_str(), dir_.file("logs/linked.rqlog").c_str()), 0);
  ASSERT_TRUE(writeFileAtomic(dir_.file("logs/own.rqlog"), "output\n").ok());
  ASSERT_EQ(::chown(dir_.file("logs/own.rqlog").c_str(), testing::testUid(), testing::testUid()), 0);
  for (const char* id : {"linked", "own"}) {
    RunningRecord rec;
    rec.spec = makeSpec(id, "true", dir_.file("logs"));
    rec.spec.uid = testing::testUid();
    rec.spec.log_dir_file = dir_.file(std::string("logs/") + id + ".rqlog");
    rec.started_at = 1700000000;
    ASSERT_TRUE(running.put(id, encodeRunningRecord(rec)).ok());
  }
  auto core = makeCore(*machine_);
  EXPECT_EQ(core->recoverLostFrames().size(), 2u);
  EXPECT_EQ(slurp(dir_.file("root-file")), "root's\n");
  EXPECT_NE(slurp(dir_.file("logs/own.rqlog")).find("rqd stopped while the frame ran"),
            std::string::npos);
}

TEST_F(RqdCoreTest, SnapshotDescribesTheHost) {
  auto core = makeCore(*machine_);
  core->setAdvertisedPort(12345);
  HostSnapshot s = core->snapshot();
  EXPECT_EQ(s.host.name, "testhost");
  EXPECT_EQ(s.host.attributes["rqd_address"], "127.0.0.1:12345");
  EXPECT_EQ(s.host.attributes["rqd_port"], "12345");
  EXPECT_EQ(s.host.attributes["SP_OS"], "Linux");
  EXPECT_EQ(s.cores.total, 400);
  EXPECT_EQ(s.cores.idle, 400);
  EXPECT_EQ(s.host.cores_per_proc * s.host.num_procs, 400);
  EXPECT_GT(s.host.total_mem, 0);
  EXPECT_GT(s.host.free_mem, 0);
  EXPECT_GT(s.host.boot_time, 0);
  EXPECT_GT(s.host.total_mcp, 0);
  EXPECT_EQ(s.host.state, core::HardwareState::kUp);
  EXPECT_EQ(s.host.num_gpus, 0);  // Machine::probe without a GPU probe: no GPUs
  EXPECT_EQ(s.host.tags, std::vector<std::string>{"general"});
}

// Always reports the same GPUs.
class FixedGpuProbe final : public GpuProbe {
 public:
  explicit FixedGpuProbe(GpuInfo gpus) : gpus_(std::move(gpus)) {}
  GpuInfo probe() override { return gpus_; }

 private:
  GpuInfo gpus_;
};

TEST_F(RqdCoreTest, AHostWithGpusReportsThemAndTheGpuTagOnce) {
  GpuInfo gpus;
  gpus.count = 2;
  gpus.total_mem = 2 * 16384 * 1024;
  gpus.free_mem = 20000 * 1024;
  MachineOptions mo;
  mo.cores_override = 4;
  absl::StatusOr<std::unique_ptr<Machine>> machine =
      Machine::probe(mo, std::make_unique<FixedGpuProbe>(gpus));
  ASSERT_TRUE(machine.ok()) << machine.status();
  RqdCoreOptions o = options();
  o.tags = {"general", "gpu", "big"};  // "gpu" configured too: reported once
  RqdCore core(o, **machine, &listener_);
  HostSnapshot s = core.snapshot();
  EXPECT_EQ(s.host.num_gpus, 2);
  EXPECT_EQ(s.host.total_gpu_mem, 2 * 16384 * 1024);
  EXPECT_EQ(s.host.free_gpu_mem, 20000 * 1024);
  EXPECT_EQ(s.host.tags, (std::vector<std::string>{"general", "gpu", "big"}));

  o.tags = {"general"};
  RqdCore plain(o, **machine, &listener_);
  EXPECT_EQ(plain.snapshot().host.tags, (std::vector<std::string>{"general", kGpuTag}));
}

}  // namespace
}  // namespace cue::rqd
