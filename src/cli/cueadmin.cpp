// cueadmin: farm administration with OpenCue's flags (shows, allocations, subscriptions,
// hosts, procs, jobs). Listings print OpenCue's tables, or JSON with -json. Every target
// is looked up before anything changes, so a missing name changes nothing. Destructive
// commands ask first (-force to skip; without a terminal they refuse). See --help.
#include <algorithm>
#include <functional>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/common.h"
#include "cli/output.h"

namespace cue::cli {
namespace {

constexpr const char* kTool = "cueadmin";
constexpr double kGb = 1024.0 * 1024.0;  // KB per GB
constexpr double kHour = 3600.0;
// Subscription sizes travel as int32 core units: keep far below their limit.
constexpr double kMaxSubscriptionCores = 1e7;

ArgParser makeParser() {
  ArgParser p(kTool, "Cue administration: shows, allocations, subscriptions, hosts, procs and jobs.\n"
                     "OpenCue's cueadmin flags; exit codes: 0 ok, 2 usage, 3 not found, 4 no cuebot,\n"
                     "5 refused by cuebot.");
  addGeneralFlags(p);
  std::string g = "Query Options";
  p.add({{"-lj", "-laj"}, 0, Flag::kMany, "[SUBSTR ...]", "list jobs, by name substring", g});
  p.add({{"-lji"}, 0, Flag::kMany, "[SUBSTR ...]", "list jobs with their cores, waiting frames and priority", g});
  p.add({{"-ls"}, 0, 0, "", "list shows", g});
  p.add({{"-la"}, 0, 0, "", "list allocations", g});
  p.add({{"-lb"}, 1, Flag::kMany, "SHOW ...", "list the shows' subscriptions", g});
  p.add({{"-lba"}, 1, 1, "ALLOC", "list every subscription to an allocation", g});
  p.add({{"-lp", "-lap"}, 0, Flag::kMany, "[SHOW ...]",
         "list running procs; filter with -host, -alloc, -job, -memory, -duration, -limit", g});
  p.add({{"-ll", "-lal"}, 0, Flag::kMany, "[SHOW ...]",
         "list running frames' log paths; same filters as -lp", g});
  p.add({{"-lh"}, 0, Flag::kMany, "[SUBSTR ...]",
         "list hosts, by name substring; filter with -state, -alloc, -lock-state, -sort-idle", g});
  p.add({{"-lv"}, 0, 1, "[SHOW]", "list default services, or a show's service overrides", g});
  g = "Filter Options";
  p.add({{"-job"}, 1, Flag::kMany, "JOB ...", "procs of these jobs", g});
  p.add({{"-alloc"}, 1, Flag::kMany, "ALLOC ...", "hosts or procs in these allocations", g});
  p.add({{"-memory"}, 1, 1, "GB", "procs by reserved memory: ltN, gtN, N-M, or N (and above)", g});
  p.add({{"-duration"}, 1, 1, "HOURS", "procs running for: ltN, gtN, N-M, or N (and above) hours", g});
  p.add({{"-limit"}, 1, 1, "N", "at most N procs", g});
  p.add({{"-state"}, 1, Flag::kMany, "STATE ...", "hosts in these hardware states", g,
         {"UP", "DOWN", "REBOOTING", "REBOOT_WHEN_IDLE", "REPAIR"}});
  p.add({{"-lock-state"}, 1, 1, "STATE", "hosts in this lock state", g, {"OPEN", "LOCKED", "NIMBY_LOCKED"}});
  p.add({{"-sort-idle"}, 0, 0, "", "sort hosts by idle cores, then idle memory, most first", g});
  g = "Show Options";
  p.add({{"-create-show"}, 1, 1, "SHOW", "create a show", g});
  p.add({{"-delete-show"}, 1, 1, "SHOW", "delete a show (only one that never had jobs)", g});
  p.add({{"-disable-show"}, 1, 1, "SHOW", "disable a show", g});
  p.add({{"-enable-show"}, 1, 1, "SHOW", "enable a show", g});
  p.add({{"-dispatching"}, 2, 2, "SHOW ON|OFF", "turn frame dispatching on or off for a show", g});
  p.add({{"-booking"}, 2, 2, "SHOW ON|OFF",
         "turn booking (new procs) on or off; running procs keep running", g});
  p.add({{"-default-min-cores"}, 2, 2, "SHOW CORES", "the show's default min cores for new jobs", g});
  p.add({{"-default-max-cores"}, 2, 2, "SHOW CORES", "the show's default max cores for new jobs", g});
  p.add({{"-archive-show"}, 2, 2, "SHOW TARGET_SHOW",
         "archive a show: jobs submitted to it run under the target show", g});
  g = "Allocation Options";
  p.add({{"-create-alloc"}, 3, 3, "FACILITY ALLOC TAG", "create an allocation", g});
  p.add({{"-delete-alloc"}, 1, 1, "NAME", "delete an allocation (it must be empty)", g});
  p.add({{"-rename-alloc"}, 2, 2, "OLD NEW", "rename an allocation (NEW with or without facility.)", g});
  p.add({{"-transfer"}, 2, 2, "OLD NEW", "move every host of one allocation to another", g});
  p.add({{"-tag-alloc"}, 2, 2, "ALLOC TAG", "set an allocation's tag", g});
  g = "Subscription Options";
  p.add({{"-create-sub"}, 4, 4, "SHOW ALLOC SIZE BURST", "subscribe a show to an allocation (cores)", g});
  p.add({{"-delete-sub"}, 2, 2, "SHOW ALLOC", "delete a subscription", g});
  p.add({{"-size"}, 3, 3, "SHOW ALLOC SIZE", "set a subscription's guaranteed cores", g});
  p.add({{"-burst"}, 3, 3, "SHOW ALLOC BURST",
         "set a subscription's burst cores; N% means the size plus N% of it", g});
  g = "Host Options";
  p.add({{"-host"}, 1, Flag::kMany, "HOSTNAME ...", "hosts to act on (or procs of these hosts)", g});
  p.add({{"-hostmatch", "-hm"}, 1, Flag::kMany, "SUBSTR ...", "hosts to act on, by name substring", g});
  p.add({{"-lock"}, 0, 0, "", "lock the hosts", g});
  p.add({{"-unlock"}, 0, 0, "", "unlock the hosts", g});
  p.add({{"-move"}, 1, 1, "ALLOC", "move the hosts to an allocation", g});
  p.add({{"-delete-host"}, 0, 0, "", "delete the hosts", g});
  p.add({{"-safe-reboot"}, 0, 0, "", "lock the hosts and reboot each when idle", g});
  p.add({{"-repair"}, 0, 0, "", "put the hosts in the REPAIR state", g});
  p.add({{"-fixed"}, 0, 0, "", "put the hosts back in the UP state", g});
  p.add({{"-thread"}, 1, 1, "MODE", "set the hosts' thread mode", g, {"auto", "all", "variable"}});
  g = "Job Options";
  p.add({{"-pause"}, 1, Flag::kMany, "JOB ...", "pause jobs", g});
  p.add({{"-unpause"}, 1, Flag::kMany, "JOB ...", "resume jobs", g});
  p.add({{"-kill"}, 1, Flag::kMany, "JOB ...", "kill jobs", g});
  p.add({{"-kill-all"}, 0, 0, "", "kill every pending job (asks, or -force)", g});
  p.add({{"-retry"}, 1, Flag::kMany, "JOB ...", "retry the jobs' dead frames", g});
  p.add({{"-retry-all"}, 0, 0, "", "retry the dead frames of every pending job (asks, or -force)", g});
  p.add({{"-drop-depends"}, 1, Flag::kMany, "JOB ...", "drop every depend the jobs wait on", g});
  p.add({{"-set-min-cores"}, 2, 2, "JOB CORES", "set a job's min cores", g});
  p.add({{"-set-max-cores"}, 2, 2, "JOB CORES", "set a job's max cores", g});
  p.add({{"-priority"}, 2, 2, "JOB PRIORITY", "set a job's priority", g});
  return p;
}

class Admin {
 public:
  Admin(client::Client& c, const Args& args) : c_(c), args_(args), json_(args.has("-json")),
                                               force_(args.has("-force")) {}
  int run();

 private:
  int listProcs();
  int listHosts();
  int hostAction();
  int jobAction();
  int showOrAllocAction(bool* handled);
  int subscriptionAction(bool* handled);

  absl::StatusOr<std::vector<core::Host>> hosts();
  template <class T>
  int forEach(const std::vector<T>& items, const std::function<std::string(const T&)>& name,
              const std::function<absl::Status(const T&)>& op, const std::string& done) {
    return cli::forEach<T>(kTool, items, name, op, done);
  }
  int ask(const std::string& question) { return confirm(kTool, question, force_); }

  client::Client& c_;
  const Args& args_;
  bool json_;
  bool force_;
};

absl::StatusOr<std::vector<core::Host>> Admin::hosts() {
  client::HostQuery q;
  if (args_.has("-host")) {
    q.names = args_.values("-host");
  } else {
    q.substrs = args_.values("-hostmatch");
  }
  auto found = c_.getHosts(q);
  if (!found.ok()) return found.status();
  if (args_.has("-host")) {
    std::vector<std::string> missing;
    for (const auto& n : q.names)
      if (std::none_of(found->begin(), found->end(), [&](const core::Host& h) { return h.name == n; }))
        missing.push_back(n);
    if (!missing.empty())
      return absl::NotFoundError(absl::StrCat("no such host: ", absl::StrJoin(missing, ", "),
                                              " (nothing was changed)"));
  }
  if (found->empty()) return absl::NotFoundError("no host matches -hostmatch");
  return found;
}

int Admin::listProcs() {
  client::ProcQuery q;
  bool logs = args_.has("-ll");
  q.shows = args_.values(logs ? "-ll" : "-lp");
  q.hosts = args_.values("-host");
  q.allocs = args_.values("-alloc");
  q.jobs = args_.values("-job");
  if (args_.has("-memory")) {
    auto r = parseRangeFilter(args_.value("-memory"), kGb, "-memory");
    if (!r.ok()) return badValue(kTool, r.status());
    q.memory_kb = *r;
  }
  if (args_.has("-duration")) {
    auto r = parseRangeFilter(args_.value("-duration"), kHour, "-duration");
    if (!r.ok()) return badValue(kTool, r.status());
    q.duration_s = *r;
  }
  if (args_.has("-limit")) {
    auto n = parseInt(args_.value("-limit"), "-limit");
    if (!n.ok()) return badValue(kTool, n.status());
    if (*n < 1) return usage(kTool, "-limit must be at least 1");
    q.limit = *n;
  }
  auto procs = c_.getProcs(q);
  if (!procs.ok()) return fail(kTool, procs.status());
  if (logs) printLogPaths(std::cout, *procs, json_);
  else printProcs(std::cout, *procs, json_, nowEpoch());
  return kExitOk;
}

int Admin::listHosts() {
  client::HostQuery q;
  q.substrs = args_.values("-lh");
  q.allocs = args_.values("-alloc");
  for (const auto& s : args_.values("-state")) {
    auto st = core::parseHardwareState(absl::AsciiStrToUpper(s));
    if (!st) return usage(kTool, absl::StrCat("-state ", s, ": unknown hardware state"));
    q.states.push_back(*st);
  }
  auto hosts = c_.getHosts(q);
  if (!hosts.ok()) return fail(kTool, hosts.status());
  std::string lock = absl::AsciiStrToUpper(args_.value("-lock-state"));
  if (!lock.empty())
    std::erase_if(*hosts, [&](const core::Host& h) { return core::toString(h.lock_state) != lock; });
  if (args_.has("-sort-idle")) {
    std::stable_sort(hosts->begin(), hosts->end(), [](const core::Host& a, const core::Host& b) {
      return std::tie(b.idle_cores, b.idle_memory) < std::tie(a.idle_cores, a.idle_memory);
    });
  } else {
    std::sort(hosts->begin(), hosts->end(),
              [](const core::Host& a, const core::Host& b) { return a.name < b.name; });
  }
  printHosts(std::cout, *hosts, json_, nowEpoch());
  return kExitOk;
}

int Admin::hostAction() {
  if (!args_.has("-host") && !args_.has("-hostmatch"))
    return usage(kTool, "no hosts selected: name them with -host or -hostmatch");
  auto hs = hosts();
  if (!hs.ok()) return fail(kTool, hs.status());
  auto name = [](const core::Host& h) { return h.name; };
  const std::string n = absl::StrCat(hs->size(), " host(s)");
  if (args_.has("-lock"))
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) { return c_.lockHost(h.id); }, "locked");
  if (args_.has("-unlock"))
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) { return c_.unlockHost(h.id); }, "unlocked");
  if (args_.has("-move")) {
    auto alloc = c_.findAllocation(args_.value("-move"));
    if (!alloc.ok()) return fail(kTool, alloc.status());
    if (int rc = ask(absl::StrCat("Move ", n, " to ", alloc->alloc.name))) return rc;
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) {
      return c_.setHostAllocation(h.id, alloc->alloc.id); }, "moved");
  }
  if (args_.has("-delete-host")) {
    if (int rc = ask(absl::StrCat("Delete ", n))) return rc;
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) { return c_.deleteHost(h.id); }, "deleted");
  }
  if (args_.has("-safe-reboot")) {
    if (int rc = ask(absl::StrCat("Lock and reboot ", n, " when idle"))) return rc;
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) { return c_.rebootHostWhenIdle(h.id); },
                               "set to reboot when idle");
  }
  if (args_.has("-thread")) {
    auto mode = core::parseThreadMode(absl::AsciiStrToUpper(args_.value("-thread")));
    if (!mode) return usage(kTool, "-thread: expected auto, all or variable");
    if (int rc = ask(absl::StrCat("Set ", n, " to thread mode ", args_.value("-thread")))) return rc;
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) { return c_.setThreadMode(h.id, *mode); },
                               "thread mode set");
  }
  if (args_.has("-repair") || args_.has("-fixed")) {
    bool repair = args_.has("-repair");
    auto state = repair ? core::HardwareState::kRepair : core::HardwareState::kUp;
    if (int rc = ask(absl::StrCat("Set ", n, " into the ", repair ? "Repair" : "Up", " state"))) return rc;
    return forEach<core::Host>(*hs, name, [&](const core::Host& h) { return c_.setHardwareState(h.id, state); },
                               repair ? "set to REPAIR" : "set to UP");
  }
  return usage(kTool, "no host action given");  // run() calls this only with one
}

int Admin::jobAction() {
  auto jobName = [](const core::JobView& j) { return j.job.name; };
  auto run = [&](const char* flag, const std::string& question, const std::string& done,
                 const std::function<absl::Status(const core::JobView&)>& op) {
    auto js = findJobs(c_, args_.values(flag));
    if (!js.ok()) return fail(kTool, js.status());
    if (!question.empty())
      if (int rc = ask(absl::StrCat(question, " ", js->size(), " job(s)"))) return rc;
    return forEach<core::JobView>(*js, jobName, op, done);
  };
  if (args_.has("-pause"))
    return run("-pause", "", "paused", [&](const core::JobView& j) { return c_.pauseJob(j.job.id); });
  if (args_.has("-unpause"))
    return run("-unpause", "", "resumed", [&](const core::JobView& j) { return c_.resumeJob(j.job.id); });
  if (args_.has("-kill"))
    return run("-kill", "Kill", "killed", [&](const core::JobView& j) {
      return c_.killJob(j.job.id, "cueadmin -kill"); });
  client::FrameQuery dead;
  dead.states = {core::FrameState::kDead};
  if (args_.has("-retry"))
    return run("-retry", "Retry dead frames of", "retried", [&](const core::JobView& j) {
      return c_.retryFrames(j.job.id, dead); });
  if (args_.has("-drop-depends"))
    return run("-drop-depends", "Drop all depends of", "depends dropped", [&](const core::JobView& j) {
      return c_.dropJobDepends(j.job.id).status(); });
  if (args_.has("-kill-all") || args_.has("-retry-all")) {
    bool kill = args_.has("-kill-all");
    auto all = c_.getJobs({});
    if (!all.ok()) return fail(kTool, all.status());
    if (int rc = ask(kill ? "Kill ALL jobs" : "Retry dead frames for ALL jobs")) return rc;
    return forEach<core::JobView>(*all, jobName, [&](const core::JobView& j) {
      return kill ? c_.killJob(j.job.id, "cueadmin -kill-all") : c_.retryFrames(j.job.id, dead);
    }, kill ? "killed" : "retried");
  }
  // -set-min-cores / -set-max-cores / -priority JOB VALUE
  for (const char* flag : {"-set-min-cores", "-set-max-cores", "-priority"}) {
    if (!args_.has(flag)) continue;
    auto js = findJobs(c_, {args_.values(flag)[0]});
    if (!js.ok()) return fail(kTool, js.status());
    const auto& j = js->front();
    const std::string& v = args_.values(flag)[1];
    absl::Status st;
    std::string flag_s = flag;
    if (flag_s == "-priority") {
      auto p = parseInt(v, "priority");
      if (!p.ok()) return badValue(kTool, p.status());
      if (int rc = ask(absl::StrCat("Set priority for ", j.job.name, " to ", *p))) return rc;
      st = c_.setJobPriority(j.job.id, *p);
    } else {
      auto cores = parseNumber(v, "cores");
      if (!cores.ok()) return badValue(kTool, cores.status());
      if (*cores < 0) return usage(kTool, flag_s + ": cores must not be negative");
      bool min = flag_s == "-set-min-cores";
      if (int rc = ask(absl::StrCat("Set ", min ? "min" : "max", " cores for ", j.job.name, " to ", v))) return rc;
      st = min ? c_.setJobMinCores(j.job.id, *cores) : c_.setJobMaxCores(j.job.id, *cores);
    }
    if (!st.ok()) return fail(kTool, st);
    std::cout << flag_s.substr(1) << " " << j.job.name << " = " << v << "\n";
    return kExitOk;
  }
  return -1;
}

int Admin::showOrAllocAction(bool* handled) {
  *handled = true;
  auto done = [](const std::string& what) {
    std::cout << what << "\n";
    return kExitOk;
  };
  if (args_.has("-create-alloc")) {
    const auto& v = args_.values("-create-alloc");
    if (int rc = ask(absl::StrCat("Create new allocation ", v[0], ".", v[1], ", with tag ", v[2]))) return rc;
    auto a = c_.createAllocation(v[0], v[1], v[2]);
    if (!a.ok()) return fail(kTool, a.status());
    return done("Created allocation: " + a->alloc.name);
  }
  if (args_.has("-delete-alloc") || args_.has("-rename-alloc") || args_.has("-tag-alloc")) {
    const char* flag = args_.has("-delete-alloc") ? "-delete-alloc"
                       : args_.has("-rename-alloc") ? "-rename-alloc" : "-tag-alloc";
    const auto& v = args_.values(flag);
    auto a = c_.findAllocation(v[0]);
    if (!a.ok()) return fail(kTool, a.status());
    absl::Status st;
    std::string flag_s = flag;
    if (flag_s == "-delete-alloc") {
      if (int rc = ask("Delete allocation " + a->alloc.name)) return rc;
      st = c_.deleteAllocation(a->alloc.id);
    } else if (flag_s == "-rename-alloc") {
      std::string name = v[1];
      if (auto dot = name.find('.'); dot != std::string::npos) name = name.substr(dot + 1);
      if (int rc = ask(absl::StrCat("Rename allocation from ", a->alloc.name, " to ", name))) return rc;
      st = c_.renameAllocation(a->alloc.id, name);
    } else {
      if (int rc = ask(absl::StrCat("Re-tag allocation ", a->alloc.name, " with ", v[1]))) return rc;
      st = c_.setAllocationTag(a->alloc.id, v[1]);
    }
    if (!st.ok()) return fail(kTool, st);
    return done(absl::StrCat(flag_s.substr(1), " ", a->alloc.name, ": done"));
  }
  if (args_.has("-transfer")) {
    const auto& v = args_.values("-transfer");
    auto src = c_.findAllocation(v[0]);
    if (!src.ok()) return fail(kTool, src.status());
    auto dst = c_.findAllocation(v[1]);
    if (!dst.ok()) return fail(kTool, dst.status());
    auto hs = c_.getAllocationHosts(src->alloc.id);
    if (!hs.ok()) return fail(kTool, hs.status());
    if (int rc = ask(absl::StrCat("Transfer ", hs->size(), " hosts from ", src->alloc.name, " to ",
                                  dst->alloc.name))) return rc;
    std::vector<std::string> ids;
    for (const auto& h : *hs) ids.push_back(h.id);
    if (auto st = c_.reparentHosts(dst->alloc.id, ids); !st.ok()) return fail(kTool, st);
    return done(absl::StrCat("transferred ", ids.size(), " hosts to ", dst->alloc.name));
  }
  if (args_.has("-create-show")) {
    const std::string name = args_.value("-create-show");
    if (int rc = ask("Create new show " + name)) return rc;
    auto s = c_.createShow(name);
    if (!s.ok()) return fail(kTool, s.status());
    return done("Created show: " + s->show.name);
  }
  // Flags whose first value is an existing show.
  static const std::vector<std::string> kShowFlags = {
      "-delete-show", "-disable-show", "-enable-show", "-dispatching", "-booking",
      "-default-min-cores", "-default-max-cores", "-archive-show"};
  for (const auto& flag : kShowFlags) {
    if (!args_.has(flag)) continue;
    const auto& v = args_.values(flag);
    auto show = c_.findShow(v[0]);
    if (!show.ok()) return fail(kTool, show.status());
    const std::string& id = show->show.id;
    const std::string& name = show->show.name;
    absl::Status st;
    if (flag == "-delete-show") {
      if (int rc = ask("Delete show " + name)) return rc;
      st = c_.deleteShow(id);
    } else if (flag == "-disable-show" || flag == "-enable-show") {
      bool enable = flag == "-enable-show";
      if (int rc = ask(absl::StrCat(enable ? "Enable" : "Disable", " show ", name))) return rc;
      st = c_.setShowActive(id, enable);
    } else if (flag == "-dispatching" || flag == "-booking") {
      auto on = parseOnOff(v[1], flag.c_str());
      if (!on.ok()) return badValue(kTool, on.status());
      bool dispatching = flag == "-dispatching";
      if (!*on)
        if (int rc = ask(absl::StrCat("Disable ", dispatching ? "dispatching" : "booking", " on ", name))) return rc;
      st = dispatching ? c_.enableDispatching(id, *on) : c_.enableBooking(id, *on);
    } else if (flag == "-default-min-cores" || flag == "-default-max-cores") {
      auto cores = parseNumber(v[1], "cores");
      if (!cores.ok()) return badValue(kTool, cores.status());
      if (*cores < 0) return usage(kTool, flag + ": cores must not be negative");
      bool min = flag == "-default-min-cores";
      if (int rc = ask(absl::StrCat("Set the default ", min ? "min" : "max", " cores of ", name, " to ", v[1]))) return rc;
      st = min ? c_.setDefaultMinCores(id, *cores) : c_.setDefaultMaxCores(id, *cores);
    } else {  // -archive-show
      auto target = c_.findShow(v[1]);
      if (!target.ok()) return fail(kTool, target.status());
      if (int rc = ask(absl::StrCat("Archive show ", name, " to ", target->show.name))) return rc;
      st = c_.archiveShow(id, target->show.name);
    }
    if (!st.ok()) return fail(kTool, st);
    return done(absl::StrCat(flag.substr(1), " ", absl::StrJoin(v, " "), ": done"));
  }
  *handled = false;
  return kExitOk;
}

int Admin::subscriptionAction(bool* handled) {
  *handled = true;
  if (args_.has("-create-sub")) {
    const auto& v = args_.values("-create-sub");
    auto show = c_.findShow(v[0]);
    if (!show.ok()) return fail(kTool, show.status());
    auto alloc = c_.findAllocation(v[1]);
    if (!alloc.ok()) return fail(kTool, alloc.status());
    auto size = parseNumber(v[2], "size");
    if (!size.ok()) return badValue(kTool, size.status());
    auto burst = parseNumber(v[3], "burst");
    if (!burst.ok()) return badValue(kTool, burst.status());
    if (*size < 0 || *burst < 0 || *size > kMaxSubscriptionCores || *burst > kMaxSubscriptionCores)
      return usage(kTool, absl::StrCat("-create-sub: size and burst must be 0 to ", kMaxSubscriptionCores, " cores"));
    if (int rc = ask(absl::StrCat("Create subscription for ", show->show.name, " on ", alloc->alloc.name))) return rc;
    auto sub = c_.createSubscription(show->show.id, alloc->alloc.id, *size, *burst);
    if (!sub.ok()) return fail(kTool, sub.status());
    std::cout << "Created subscription: " << sub->sub.alloc_name << "." << sub->sub.show_name << "\n";
    return kExitOk;
  }
  for (const char* flag : {"-delete-sub", "-size", "-burst"}) {
    if (!args_.has(flag)) continue;
    const auto& v = args_.values(flag);
    std::string sub_name = absl::StrCat(v[1], ".", v[0]);  // "<alloc>.<show>"
    auto sub = c_.findSubscription(sub_name);
    if (!sub.ok()) return fail(kTool, sub.status());
    std::string flag_s = flag;
    absl::Status st;
    if (flag_s == "-delete-sub") {
      if (int rc = ask(absl::StrCat("Delete ", v[0], "'s subscription to ", v[1]))) return rc;
      st = c_.deleteSubscription(sub->sub.id);
    } else {
      std::string text = v[2];
      bool percent = flag_s == "-burst" && !text.empty() && text.back() == '%';
      if (percent) text.pop_back();
      auto n = parseNumber(text, flag_s == "-size" ? "size" : "burst");
      if (!n.ok()) return badValue(kTool, n.status());
      if (*n < 0 || *n > (percent ? 1e6 : kMaxSubscriptionCores))
        return usage(kTool, absl::StrCat(flag_s, " must be 0 to ", kMaxSubscriptionCores, " cores"));
      double units_d = percent ? sub->sub.size + sub->sub.size * (*n / 100.0)
                               : *n * core::kCoreUnitsPerCore;
      if (units_d > kMaxSubscriptionCores * core::kCoreUnitsPerCore)
        return usage(kTool, absl::StrCat(flag_s, " would exceed ", kMaxSubscriptionCores, " cores"));
      auto units = static_cast<core::CoreUnits>(units_d);
      st = flag_s == "-size" ? c_.setSubscriptionSize(sub->sub.id, units)
                             : c_.setSubscriptionBurst(sub->sub.id, units);
      if (st.ok()) std::cout << flag_s.substr(1) << " " << sub_name << " = " << cores(units) << "\n";
    }
    if (!st.ok()) return fail(kTool, st);
    if (flag_s == "-delete-sub") std::cout << "Deleted subscription: " << sub_name << "\n";
    return kExitOk;
  }
  *handled = false;
  return kExitOk;
}

int Admin::run() {
  if (args_.has("-lp") || args_.has("-ll")) return listProcs();
  if (args_.has("-lh")) return listHosts();
  if (args_.has("-lba")) {
    auto a = c_.findAllocation(args_.value("-lba"));
    if (!a.ok()) return fail(kTool, a.status());
    auto subs = c_.getAllocationSubscriptions(a->alloc.id);
    if (!subs.ok()) return fail(kTool, subs.status());
    printSubscriptions(std::cout, *subs, "All Shows", json_);
    return kExitOk;
  }
  if (args_.has("-lv")) {
    absl::StatusOr<std::vector<core::Service>> services;
    if (args_.values("-lv").empty()) {
      services = c_.getDefaultServices();
    } else {
      auto show = c_.findShow(args_.value("-lv"));
      if (!show.ok()) return fail(kTool, show.status());
      services = c_.getServiceOverrides(show->show.id);
    }
    if (!services.ok()) return fail(kTool, services.status());
    printServices(std::cout, *services, json_);
    return kExitOk;
  }
  if (args_.has("-lj") || args_.has("-lji")) {
    client::JobQuery q;
    q.substrs = args_.values(args_.has("-lj") ? "-lj" : "-lji");
    auto js = c_.getJobs(q);
    if (!js.ok()) return fail(kTool, js.status());
    if (args_.has("-lj")) printJobNames(std::cout, *js, json_);
    else printJobs(std::cout, *js, json_);
    return kExitOk;
  }
  if (args_.has("-la")) {
    auto allocs = c_.getAllocations();
    if (!allocs.ok()) return fail(kTool, allocs.status());
    std::stable_sort(allocs->begin(), allocs->end(), [](const auto& a, const auto& b) {
      return a.alloc.facility < b.alloc.facility;
    });
    printAllocations(std::cout, *allocs, json_);
    return kExitOk;
  }
  if (args_.has("-lb")) {
    // Every show first: a missing one is reported before anything is printed.
    std::vector<core::ShowView> shows;
    for (const auto& name : args_.values("-lb")) {
      auto s = c_.findShow(name);
      if (!s.ok()) return fail(kTool, s.status());
      shows.push_back(*s);
    }
    std::vector<core::SubscriptionView> all;
    for (const auto& s : shows) {
      auto subs = c_.getShowSubscriptions(s.show.id);
      if (!subs.ok()) return fail(kTool, subs.status());
      if (json_) all.insert(all.end(), subs->begin(), subs->end());
      else printSubscriptions(std::cout, *subs, s.show.name, false);
    }
    if (json_) printSubscriptions(std::cout, all, "", true);
    return kExitOk;
  }
  if (args_.has("-ls")) {
    auto shows = c_.getShows();
    if (!shows.ok()) return fail(kTool, shows.status());
    printShows(std::cout, *shows, json_);
    return kExitOk;
  }
  bool handled = false;
  int rc = showOrAllocAction(&handled);
  if (handled) return rc;
  rc = subscriptionAction(&handled);
  if (handled) return rc;
  for (const char* a : {"-lock", "-unlock", "-move", "-delete-host", "-safe-reboot", "-repair",
                        "-fixed", "-thread"})
    if (args_.has(a)) return hostAction();
  rc = jobAction();
  if (rc >= 0) return rc;
  return usage(kTool, "nothing to do; see cueadmin --help");
}

}  // namespace
}  // namespace cue::cli

int main(int argc, char** argv) {
  using namespace cue::cli;
  // One command per run; -host/-hostmatch and the filters only qualify it.
  static const std::vector<std::string> kActions = {
      "-lj", "-lji", "-ls", "-la", "-lb", "-lba", "-lp", "-ll", "-lh", "-lv", "-create-show",
      "-delete-show", "-disable-show", "-enable-show", "-dispatching", "-booking",
      "-default-min-cores", "-default-max-cores", "-archive-show", "-create-alloc",
      "-delete-alloc", "-rename-alloc", "-transfer", "-tag-alloc", "-create-sub", "-delete-sub",
      "-size", "-burst", "-lock", "-unlock", "-move", "-delete-host", "-safe-reboot", "-repair",
      "-fixed", "-thread", "-pause", "-unpause", "-kill", "-kill-all", "-retry", "-retry-all",
      "-drop-depends", "-set-min-cores", "-set-max-cores", "-priority"};
  return runTool(kTool, makeParser(), kActions, argc, argv,
                 [](cue::client::Client& c, const Args& args) { return Admin(c, args).run(); });
}
