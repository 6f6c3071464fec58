// parseNvidiaSmiCsv on fixed text: no processes (the nvidia-smi runs are in
// gpu_probe_integration_test.cpp).
#include "rqd/gpu_probe.h"

#include "gtest/gtest.h"

namespace cue::rqd {
namespace {

constexpr MemoryKb kKbPerMib = 1024;

TEST(ParseNvidiaSmiCsvTest, OneGpu) {
  absl::StatusOr<GpuInfo> g =
      parseNvidiaSmiCsv("0, NVIDIA A100-SXM4-40GB, 40960, 40339, 535.104.05\n");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->count, 1);
  EXPECT_EQ(g->total_mem, 40960 * kKbPerMib);
  EXPECT_EQ(g->free_mem, 40339 * kKbPerMib);
  EXPECT_EQ(g->driver_version, "535.104.05");
  ASSERT_EQ(g->devices.size(), 1u);
  EXPECT_EQ(g->devices[0].index, 0);
  EXPECT_EQ(g->devices[0].model, "NVIDIA A100-SXM4-40GB");
  EXPECT_EQ(g->devices[0].total_mem, 40960 * kKbPerMib);
  EXPECT_EQ(g->devices[0].free_mem, 40339 * kKbPerMib);
}

TEST(ParseNvidiaSmiCsvTest, SeveralGpusAreCountedAndSummed) {
  absl::StatusOr<GpuInfo> g = parseNvidiaSmiCsv(
      "0, Tesla V100-SXM2-16GB, 16384, 16000, 470.57.02\n"
      "1, Tesla V100-SXM2-16GB, 16384, 12000, 470.57.02\n"
      "2, Quadro RTX 6000, 24576, 24000, 470.57.02\n");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->count, 3);
  // 16384 + 16384 + 24576 MiB total; 16000 + 12000 + 24000 MiB free.
  EXPECT_EQ(g->total_mem, 57344 * kKbPerMib);
  EXPECT_EQ(g->free_mem, 52000 * kKbPerMib);
  ASSERT_EQ(g->devices.size(), 3u);
  EXPECT_EQ(g->devices[1].index, 1);
  EXPECT_EQ(g->devices[1].free_mem, 12000 * kKbPerMib);
  EXPECT_EQ(g->devices[2].model, "Quadro RTX 6000");
}

TEST(ParseNvidiaSmiCsvTest, ExtraSpacesBlankLinesAndCrlfAreIgnored) {
  absl::StatusOr<GpuInfo> g = parseNvidiaSmiCsv(
      "\n   0 ,   NVIDIA  H100 80GB HBM3  ,81559,   81000   , 550.54.15   \r\n"
      "\t\n"
      "1,NVIDIA  H100 80GB HBM3,81559,1024,550.54.15");  // no final newline
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->count, 2);
  EXPECT_EQ(g->devices[0].model, "NVIDIA  H100 80GB HBM3");  // inner spaces kept
  EXPECT_EQ(g->devices[0].free_mem, 81000 * kKbPerMib);
  EXPECT_EQ(g->devices[1].free_mem, 1024 * kKbPerMib);
  EXPECT_EQ(g->driver_version, "550.54.15");
}

TEST(ParseNvidiaSmiCsvTest, EmptyOrBlankOutputMeansNoGpus) {
  for (const char* text : {"", "\n", "  \n\t\n"}) {
    absl::StatusOr<GpuInfo> g = parseNvidiaSmiCsv(text);
    ASSERT_TRUE(g.ok()) << g.status();
    EXPECT_EQ(g->count, 0);
    EXPECT_EQ(g->total_mem, 0);
    EXPECT_EQ(g->free_mem, 0);
    EXPECT_TRUE(g->devices.empty());
    EXPECT_EQ(g->driver_version, "");
  }
}

TEST(ParseNvidiaSmiCsvTest, ANameWithCommasKeepsThemAndUnitsAndNaAreAccepted) {
  // Memory with units (output without "nounits") and memory nvidia-smi cannot read.
  absl::StatusOr<GpuInfo> g = parseNvidiaSmiCsv(
      "0, Some, Odd GPU, 8192 MiB, 4096 MiB, 525.60.13\n"
      "1, NVIDIA GH200, [N/A], [Not Supported], 525.60.13\n");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->count, 2);
  EXPECT_EQ(g->devices[0].model, "Some, Odd GPU");
  EXPECT_EQ(g->devices[0].total_mem, 8192 * kKbPerMib);
  EXPECT_EQ(g->devices[0].free_mem, 4096 * kKbPerMib);
  EXPECT_EQ(g->devices[1].total_mem, 0);
  EXPECT_EQ(g->devices[1].free_mem, 0);
  EXPECT_EQ(g->total_mem, 8192 * kKbPerMib);
}

// The error for `text`, or "" when it parsed.
std::string errorOf(const char* text) {
  absl::StatusOr<GpuInfo> g = parseNvidiaSmiCsv(text);
  if (g.ok()) return "";
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(g.status().message());
}

TEST(ParseNvidiaSmiCsvTest, MalformedLinesAreErrorsNamingTheLine) {
  EXPECT_EQ(errorOf("0, GPU, 100, 50, 1.0\n1, GPU, 100\n"),
            "nvidia-smi output line 2: expected 5 comma-separated fields (index, name, "
            "memory.total, memory.free, driver_version), got 3: \"1, GPU, 100\"");
  EXPECT_EQ(errorOf("0, GPU, 100, lots, 1.0\n"),
            "nvidia-smi output line 1: memory.free \"lots\" is not a whole number of MiB");
  EXPECT_EQ(errorOf("\n\n0, GPU, -5, 1, 1.0\n"),
            "nvidia-smi output line 3: memory.total \"-5\" is not a whole number of MiB");
  EXPECT_EQ(errorOf("x, GPU, 100, 50, 1.0\n"),
            "nvidia-smi output line 1: index \"x\" is not a GPU number");
  EXPECT_EQ(errorOf("0, GPU, 100, 50, \n"), "nvidia-smi output line 1: driver_version is empty");
  EXPECT_EQ(errorOf("0, GPU, 100, 50, 1.0\n0, GPU, 100, 50, 1.0\n"),
            "nvidia-smi output line 2: GPU index 0 listed twice");
  // What nvidia-smi prints (on stdout) when the driver is not loaded.
  EXPECT_EQ(errorOf("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA "
                    "driver. Make sure that the latest NVIDIA driver is installed and running.\n"),
            "nvidia-smi output line 1: expected 5 comma-separated fields (index, name, "
            "memory.total, memory.free, driver_version), got 1: \"NVIDIA-SMI has failed because "
            "it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA "
            "driver is installed and running.\"");
  // The header line of output asked for without "noheader".
  EXPECT_NE(errorOf("index, name, memory.total [MiB], memory.free [MiB], driver_version\n"), "");
}

TEST(ParseNvidiaSmiUseCsvTest, UtilisationAndMemoryPerGpu) {
  // As nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits
  // prints it, and with units / N/A as other versions and GPUs do.
  absl::StatusOr<std::vector<GpuUse>> use =
      parseNvidiaSmiUseCsv("0, 87, 10240\n1, 0 %, 3 MiB\r\n\n2, [N/A], [N/A]\n");
  ASSERT_TRUE(use.ok()) << use.status();
  ASSERT_EQ(use->size(), 3u);
  EXPECT_EQ((*use)[0].index, 0);
  EXPECT_EQ((*use)[0].utilization, 87);
  EXPECT_EQ((*use)[0].used_mem, 10240 * 1024);
  EXPECT_EQ((*use)[1].utilization, 0);
  EXPECT_EQ((*use)[1].used_mem, 3 * 1024);
  EXPECT_EQ((*use)[2].utilization, 0);
  EXPECT_EQ((*use)[2].used_mem, 0);
  EXPECT_TRUE(parseNvidiaSmiUseCsv("").ok());
}

TEST(ParseNvidiaSmiUseCsvTest, MalformedLinesAreErrorsNamingTheLine) {
  auto errorOf = [](const char* text) {
    absl::StatusOr<std::vector<GpuUse>> use = parseNvidiaSmiUseCsv(text);
    return use.ok() ? std::string() : std::string(use.status().message());
  };
  EXPECT_EQ(errorOf("0, 50\n"),
            "nvidia-smi output line 1: expected 3 comma-separated fields (index, "
            "utilization.gpu, memory.used), got 2: \"0, 50\"");
  EXPECT_EQ(errorOf("0, 50, 1\n1, 150, 1\n"),
            "nvidia-smi output line 2: utilization.gpu \"150\" is not a percentage");
  EXPECT_EQ(errorOf("0, 50, lots\n"),
            "nvidia-smi output line 1: memory.used \"lots\" is not a whole number of MiB");
}

}  // namespace
}  // namespace cue::rqd
