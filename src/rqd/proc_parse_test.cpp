#include "rqd/proc_parse.h"

#include "gtest/gtest.h"

namespace cue::rqd {
namespace {

// Two sockets, two cores each, two hyperthreads per core: 8 logical CPUs.
constexpr char kCpuInfoHt[] = R"(processor	: 0
vendor_id	: GenuineIntel
physical id	: 0
siblings	: 4
core id		: 0
cpu cores	: 2

processor	: 1
physical id	: 0
siblings	: 4
core id		: 1
cpu cores	: 2

processor	: 2
physical id	: 1
siblings	: 4
core id		: 0
cpu cores	: 2

processor	: 3
physical id	: 1
siblings	: 4
core id		: 1
cpu cores	: 2

processor	: 4
physical id	: 0
siblings	: 4
core id		: 0
cpu cores	: 2

processor	: 5
physical id	: 0
siblings	: 4
core id		: 1
cpu cores	: 2

processor	: 6
physical id	: 1
siblings	: 4
core id		: 0
cpu cores	: 2

processor	: 7
physical id	: 1
siblings	: 4
core id		: 1
cpu cores	: 2
)";

TEST(ParseCpuInfoTest, CountsSocketsCoresAndHyperthreads) {
  absl::StatusOr<CpuTopology> t = parseCpuInfo(kCpuInfoHt);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->cpus.size(), 8u);
  EXPECT_EQ(t->sockets, 2);
  EXPECT_EQ(t->physical_cores, 4);
  EXPECT_EQ(t->hyperthreading_multiplier, 2);
  EXPECT_EQ(t->cpus[6].processor, 6);
  EXPECT_EQ(t->cpus[6].socket, 1);
  EXPECT_EQ(t->cpus[6].core, 0);
}

TEST(ParseCpuInfoTest, ArmStyleWithoutTopologyLinesCountsEachProcessorAsACore) {
  absl::StatusOr<CpuTopology> t =
      parseCpuInfo("processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->sockets, 1);
  EXPECT_EQ(t->physical_cores, 2);
  EXPECT_EQ(t->hyperthreading_multiplier, 1);
}

TEST(NumaTest, CpuListsAndNodes) {
  absl::StatusOr<std::vector<int>> l = parseCpuList("0-2,8,10-11\n");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(*l, (std::vector<int>{0, 1, 2, 8, 10, 11}));
  EXPECT_TRUE(parseCpuList("").ok());
  EXPECT_EQ(parseCpuList("3-1").status().message(), "bad CPU list part \"3-1\"");
  EXPECT_FALSE(parseCpuList("a-b").ok());
  CpuTopology t;
  for (int p = 0; p < 4; ++p) t.cpus.push_back({p, 0, p});
  ASSERT_TRUE(applyNumaNodes({{0, "0-1"}, {1, "2"}}, &t).ok());
  EXPECT_EQ(t.cpus[0].node, 0);
  EXPECT_EQ(t.cpus[1].node, 0);
  EXPECT_EQ(t.cpus[2].node, 1);
  EXPECT_EQ(t.cpus[3].node, -1);  // named by no node
  absl::Status bad = applyNumaNodes({{3, "x"}}, &t);
  EXPECT_EQ(bad.message(), "NUMA node 3: bad CPU list part \"x\"");
}

TEST(ParseCpuInfoTest, RejectsTextWithoutProcessors) {
  EXPECT_EQ(parseCpuInfo("model name : x\n").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseCpuInfoTest, NamesTheLineOfABadNumber) {
  absl::StatusOr<CpuTopology> t = parseCpuInfo("processor\t: 0\ncore id\t: x\n");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("line 2"), absl::string_view::npos) << t.status();
}

TEST(ParseMemInfoTest, ReadsTheFieldsInKb) {
  absl::StatusOr<MemInfo> m = parseMemInfo(
      "MemTotal:       16303428 kB\nMemFree:         1000000 kB\nMemAvailable:    "
      "9000000 kB\nBuffers:          200000 kB\nCached:          3000000 kB\nSwapCached:  0 "
      "kB\nSwapTotal:       2097148 kB\nSwapFree:        2000000 kB\n");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->total_kb, 16303428);
  EXPECT_EQ(m->free_kb, 1000000);
  EXPECT_EQ(m->cached_kb, 3000000);  // not SwapCached
  EXPECT_EQ(m->swap_total_kb, 2097148);
  EXPECT_EQ(m->swap_free_kb, 2000000);
  EXPECT_EQ(m->usableKb(), 9000000);
}

TEST(ParseMemInfoTest, WithoutMemAvailableUsesFreePlusCachePlusBuffers) {
  absl::StatusOr<MemInfo> m =
      parseMemInfo("MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->usableKb(), 35);
}

TEST(ParseMemInfoTest, RequiresMemTotal) {
  EXPECT_FALSE(parseMemInfo("MemFree: 10 kB\n").ok());
  EXPECT_FALSE(parseMemInfo("MemTotal: lots kB\n").ok());
}

TEST(ParseLoadAvgTest, ReadsTheOneMinuteLoad) {
  absl::StatusOr<double> load = parseLoadAvg("1.52 0.58 0.59 1/467 12345\n");
  ASSERT_TRUE(load.ok());
  EXPECT_DOUBLE_EQ(*load, 1.52);
  EXPECT_FALSE(parseLoadAvg("").ok());
}

TEST(ParseBootTimeTest, ReadsBtime) {
  absl::StatusOr<int64_t> b = parseBootTime("cpu  1 2 3\nintr 5\nbtime 1700000123\nprocs 4\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, 1700000123);
  EXPECT_FALSE(parseBootTime("cpu 1 2 3\n").ok());
}

TEST(ParseOsReleaseTest, PrefersPrettyName) {
  EXPECT_EQ(
      parseOsRelease("NAME=\"Rocky Linux\"\nID=rocky\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky "
                     "Linux 9.3 (Blue Onyx)\"\n"),
      "Rocky Linux 9.3 (Blue Onyx)");
  EXPECT_EQ(parseOsRelease("ID=alpine\nVERSION_ID=3.19.0\n"), "alpine 3.19.0");
  EXPECT_EQ(parseOsRelease(""), "Linux");
}

TEST(ParseProcStatTest, HandlesSpacesAndParenthesesInTheCommand) {
  // Fields per proc(5); comm "my (odd) cmd".
  absl::StatusOr<ProcStat> st = parseProcStat(
      "4242 (my (odd) cmd) S 4000 4242 4242 0 -1 4194560 100 0 0 0 150 25 7 3 20 0 1 0 "
      "987654 104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->comm, "my (odd) cmd");
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 4000);
  EXPECT_EQ(st->pgrp, 4242);
  EXPECT_EQ(st->session, 4242);
  EXPECT_EQ(st->utime, 150u);
  EXPECT_EQ(st->stime, 25u);
  EXPECT_EQ(st->cutime, 7u);
  EXPECT_EQ(st->cstime, 3u);
  EXPECT_EQ(st->starttime, 987654u);
  EXPECT_EQ(st->vsize_bytes, 104857600u);
  EXPECT_EQ(st->rss_pages, 2560);
}

TEST(ParseProcStatTest, RejectsTruncatedLines) {
  EXPECT_FALSE(parseProcStat("12 (sh) S 1 12").ok());
  EXPECT_FALSE(parseProcStat("garbage").ok());
}

TEST(ParsePssTest, ReadsPssFromSmapsRollup) {
  absl::StatusOr<int64_t> pss = parsePssKb(
      "55c8a000-7ffd1000 ---p 00000000 00:00 0 [rollup]\nRss:               65792 kB\nPss:  "
      "             65536 kB\nPss_Dirty:         65000 kB\nPss_Anon:          65000 kB\n");
  ASSERT_TRUE(pss.ok()) << pss.status();
  EXPECT_EQ(*pss, 65536);
  EXPECT_EQ(parsePssKb("Rss: 4 kB\n").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cue::rqd
