#include "core/job_spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace cue::core {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The XML files directly in `dir`, sorted.
std::vector<fs::path> xmlFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// tests/data/specs of the source tree.
fs::path dataSpecsDir() { return fs::path(CUE_SOURCE_DIR) / "tests" / "data" / "specs"; }

// Job specs as OpenCue's pyoutline writes them (a copy of the project's shared/specs).
fs::path sharedSpecsDir() { return dataSpecsDir() / "opencue"; }

absl::StatusOr<JobSpec> parseFile(const fs::path& path, const SpecOptions& options = {}) {
  return parseJobSpec(readFile(path), options);
}

JobSpec parseDataFile(const std::string& name) {
  absl::StatusOr<JobSpec> spec = parseFile(dataSpecsDir() / name);
  EXPECT_TRUE(spec.ok()) << name << ": " << spec.status();
  return spec.ok() ? *std::move(spec) : JobSpec{};
}

const LayerSpec& layerNamed(const std::vector<LayerSpec>& layers, const std::string& name) {
  static const LayerSpec kMissing;
  for (const LayerSpec& layer : layers) {
    if (layer.name == name) return layer;
  }
  ADD_FAILURE() << "no layer " << name;
  return kMissing;
}

// A minimal valid spec with `job_body` inside <job name="demo">, before its <layers>.
std::string specWithJobBody(const std::string& job_body, const std::string& layer_body = "") {
  return "<spec><show>testing</show><shot>shot01</shot><user>tester</user>"
         "<job name=\"demo\">" +
         job_body +
         "<layers><layer name=\"render\" type=\"Render\"><cmd>echo</cmd><range>1-3</range>"
         "<chunk>1</chunk>" +
         layer_body + "</layer></layers></job></spec>";
}

std::string errorOf(const std::string& xml, const SpecOptions& options = {}) {
  absl::StatusOr<JobSpec> spec = parseJobSpec(xml, options);
  if (spec.ok()) return "OK";
  EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument) << spec.status();
  return std::string(spec.status().message());
}

// ---- pyoutline's specs in the shared folder ---------------------------------------------------

TEST(JobSpecSharedTest, ParsesEveryPyoutlineSpec) {
  std::vector<fs::path> files = xmlFiles(sharedSpecsDir());
  ASSERT_GE(files.size(), 2u) << "no specs in " << sharedSpecsDir();
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    absl::StatusOr<JobSpec> spec = parseFile(file);
    ASSERT_TRUE(spec.ok()) << spec.status();
    EXPECT_EQ(spec->dtd_version, "1.15");
    EXPECT_FALSE(spec->show.empty());
    EXPECT_FALSE(spec->shot.empty());
    EXPECT_FALSE(spec->user.empty());
    EXPECT_EQ(spec->uid, 1000);
    ASSERT_FALSE(spec->jobs.empty());
    for (const JobSpecJob& job : spec->jobs) {
      ASSERT_FALSE(job.layers.empty());
      for (const LayerSpec& layer : job.layers) {
        EXPECT_FALSE(layer.command.empty());
        EXPECT_GT(layer.frame_count, 0);
        EXPECT_EQ(layer.services, std::vector<std::string>{"shell"});
      }
    }
  }
}

TEST(JobSpecSharedTest, LayerOnLayerSimple) {
  absl::StatusOr<JobSpec> spec = parseFile(sharedSpecsDir() / "layer_on_layer_simple.xml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->facility, "local");
  EXPECT_EQ(spec->show, "testing");
  EXPECT_EQ(spec->shot, "shot01");
  EXPECT_EQ(spec->user, "tester");
  EXPECT_EQ(spec->email, "tester@example.com");
  ASSERT_EQ(spec->jobs.size(), 1u);
  const JobSpecJob& job = spec->jobs[0];
  EXPECT_EQ(job.name, "spec_demo");
  EXPECT_EQ(fullJobName(*spec, job), "testing-shot01-tester_spec_demo");
  EXPECT_TRUE(job.paused);
  EXPECT_EQ(job.priority, 1);
  EXPECT_EQ(job.max_retries, 1);  // <maxretries>2</maxretries>, clamped as cuebot does
  EXPECT_FALSE(job.auto_eat);
  EXPECT_FALSE(job.max_cores.has_value());
  EXPECT_TRUE(job.env.empty());
  EXPECT_FALSE(job.post_job.has_value());
  ASSERT_EQ(job.layers.size(), 2u);

  const LayerSpec& render = job.layers[0];
  EXPECT_EQ(render.name, "render");
  EXPECT_EQ(render.type, LayerType::kRender);
  EXPECT_EQ(render.command, "echo render #IFRAME#");
  EXPECT_EQ(render.range, "1-10");
  EXPECT_EQ(render.chunk_size, 2);
  EXPECT_EQ(render.dispatch_order, 1);
  EXPECT_EQ(render.min_cores, 100);
  EXPECT_EQ(render.min_memory, 512 * kKbPerMb);
  EXPECT_EQ(render.tags, std::vector<std::string>{"general"});
  EXPECT_FALSE(render.threadable.has_value());
  EXPECT_FALSE(render.min_gpus.has_value());
  EXPECT_EQ(render.frame_count, 10);

  const LayerSpec& comp = job.layers[1];
  EXPECT_EQ(comp.name, "comp");
  EXPECT_EQ(comp.dispatch_order, 2);
  EXPECT_FALSE(comp.min_cores.has_value());
  EXPECT_FALSE(comp.min_memory.has_value());
  EXPECT_TRUE(comp.tags.empty());
  EXPECT_TRUE(comp.outputs.empty());

  ASSERT_EQ(spec->depends.size(), 1u);
  const DependSpec& depend = spec->depends[0];
  EXPECT_EQ(depend.type, DependType::kLayerOnLayer);
  EXPECT_FALSE(depend.any_frame);
  EXPECT_EQ(depend.dep_job, "testing-shot01-tester_spec_demo");
  EXPECT_EQ(depend.dep_layer, "comp");
  EXPECT_EQ(depend.on_job, "testing-shot01-tester_spec_demo");
  EXPECT_EQ(depend.on_layer, "render");
  EXPECT_EQ(depend.dep_job_index, 0);
  EXPECT_EQ(depend.on_job_index, 0);
}

TEST(JobSpecSharedTest, SingleFrameSimple) {
  absl::StatusOr<JobSpec> spec = parseFile(sharedSpecsDir() / "single_frame_simple.xml");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->shot, "shot03");
  ASSERT_EQ(spec->jobs.size(), 1u);
  const JobSpecJob& job = spec->jobs[0];
  EXPECT_EQ(fullJobName(*spec, job), "testing-shot03-tester_spec_single");
  EXPECT_FALSE(job.paused);
  EXPECT_EQ(job.max_cores, 400);  // <maxcores>4</maxcores> is whole cores
  EXPECT_EQ(job.env, (std::map<std::string, std::string>{{"FOO", "bar"}}));
  ASSERT_EQ(job.layers.size(), 1u);
  EXPECT_EQ(job.layers[0].name, "single");
  EXPECT_EQ(job.layers[0].range, "1000-1000");
  EXPECT_EQ(job.layers[0].frame_count, 1);
  EXPECT_TRUE(spec->depends.empty());
}

// ---- hand-written specs in tests/data/specs -------------------------------------------------

TEST(JobSpecDataTest, EveryGoodSpecParses) {
  std::vector<fs::path> files = xmlFiles(dataSpecsDir());
  ASSERT_GE(files.size(), 10u) << "no specs in " << dataSpecsDir();
  for (const fs::path& file : files) {
    absl::StatusOr<JobSpec> spec = parseFile(file);
    EXPECT_TRUE(spec.ok()) << file.filename() << ": " << spec.status();
  }
}

// Every file in bad/ and the exact error it must give.
const std::map<std::string, std::string>& badSpecErrors() {
  static const std::map<std::string, std::string> kErrors = {
      {"bad_bool.xml",
       "spec line 10: <job name=\"spec_demo\"> <paused>maybe</paused>: expected True or False"},
      {"bad_chunk.xml",
       "spec line 14: <layer name=\"render\"> <chunk>0</chunk>: expected a whole number >= 1"},
      {"bad_cores.xml",
       "spec line 15: <layer name=\"render\"> <cores>two</cores>: expected cores such as "
       "\"1.0\" or \"0.5\", or core units such as \"100\""},
      {"bad_job_name.xml",
       "spec line 9: <job name=\"my job\"> has a bad name: job name \"my job\" (suffix "
       "\"my job\") must be at least 3 letters, digits, '_', '-' or '.'"},
      {"bad_layer_name.xml",
       "spec line 11: <layer name=\"comp!\"> has a bad name: layer name \"comp!\" may hold only "
       "letters, digits, '_', '-' and '.'"},
      {"bad_layer_type.xml",
       "spec line 11: <layer name=\"render\"> has an unknown type \"Comp\"; expected Render, "
       "Util, Pre or Post"},
      {"bad_memory.xml",
       "spec line 15: <layer name=\"render\"> <memory>12q</memory>: expected a size such as "
       "\"512m\", \"4g\" or \"4\" (a bare number is gigabytes)"},
      {"bad_range.xml",
       "spec line 13: <layer name=\"render\"> <range>1-x</range>: frame range \"1-x\": *"},
      {"bad_shot.xml",
       "spec line 6: <spec> <shot>invalid/shot</shot>: shot name \"invalid/shot\" may hold only "
       "letters, digits, '_', '-' and '.'"},
      {"bad_tag.xml",
       "spec line 15: <layer name=\"render\"> <tags>general | x</tags>: tag \"x\" must be at "
       "least 3 letters, digits, '_', '-' or '.'"},
      {"depend_bad_frame_name.xml",
       "spec line 31: <depend type=\"FRAME_ON_JOB\"> <depframe>12-comp</depframe>: frame name "
       "\"12-comp\" must be 4 to 6 digits, '-' and a layer name: \"0001-comp\""},
      {"depend_bad_type.xml",
       "spec line 29: <depend type=\"LAYER_ON_EVERYTHING\"> has an unknown type "
       "\"LAYER_ON_EVERYTHING\""},
      {"depend_missing_field.xml",
       "spec line 29: <depend type=\"LAYER_ON_LAYER\"> has no <onlayer>"},
      {"depend_missing_frame.xml",
       "spec line 33: <depend type=\"FRAME_ON_FRAME\"> <onframe>0002-render</onframe>: layer "
       "\"render\" (range \"1-10\", chunk 2) has no frame 2"},
      {"depend_post_layer.xml",
       "spec line 33: <depend type=\"LAYER_ON_LAYER\"> <onlayer>cleanup</onlayer>: layer "
       "\"cleanup\" of job \"spec_demo\" is a Post layer, which runs in a separate post job"},
      {"depend_self_frame.xml",
       "spec line 29: <depend type=\"FRAME_ON_FRAME\"> makes frame 0003-comp depend on itself"},
      {"depend_unknown_on_layer.xml",
       "spec line 32: <depend type=\"JOB_ON_LAYER\"> <onlayer>lighting</onlayer>: job "
       "\"spec_demo\" has no layer \"lighting\""},
      {"duplicate_job.xml",
       "spec line 18: <job name=\"testing-shot01-tester_SPEC_demo\"> has the same full name "
       "\"testing-shot01-tester_spec_demo\" as the job at line 9"},
      {"duplicate_layer.xml",
       "spec line 16: <layer name=\"Render\"> repeats layer name \"render\" in job "
       "\"spec_demo\""},
      {"empty_show.xml", "spec line 3: <spec> has an empty <show>"},
      {"malformed.xml", "spec line 15: malformed XML at column *"},
      {"missing_cmd.xml", "spec line 16: <layer name=\"comp\"> has no <cmd>"},
      {"missing_range.xml", "spec line 11: <layer name=\"render\"> has no <range>"},
      {"missing_shot.xml", "spec line 3: <spec> has no <shot>"},
      {"missing_show.xml", "spec line 3: <spec> has no <show>"},
      {"missing_user.xml", "spec line 3: <spec> has no <user>"},
      {"no_layers.xml", "spec line 9: <job name=\"spec_demo\"> has no <layers>"},
      {"nonexistent_dtd.xml",
       "spec line 2: <!DOCTYPE> names CJSL version \"nonexistent\"; Cue reads 1.5 to 1.16"},
      {"old_dtd.xml", "spec line 2: <!DOCTYPE> names CJSL version \"1.4\"; Cue reads 1.5 to 1.16"},
      {"post_only.xml",
       "spec line 9: <job name=\"spec_demo\"> has no layers other than Post layers"},
      {"range_too_large.xml",
       "spec line 13: <layer name=\"render\"> <range>1-2000000</range>: frame range "
       "\"1-2000000\"*"},
      {"root_uid.xml",
       "spec line 3: <spec> asks to run as root (user \"root\" or uid 0), which OpenCue refuses"},
      {"root_user.xml",
       "spec line 3: <spec> asks to run as root (user \"root\" or uid 0), which OpenCue refuses"},
      {"short_layer_name.xml",
       "spec line 11: <layer name=\"fx\"> has a bad name: layer name \"fx\" must be at least 3 "
       "characters"},
      {"unknown_depend_layer.xml",
       "spec line 28: <depend type=\"LAYER_ON_LAYER\"> <onlayer>rendr</onlayer>: job "
       "\"spec_demo\" has no layer \"rendr\""},
      {"unknown_element.xml", "spec line 15: unknown element <memroy> in <layer name=\"render\">"},
  };
  return kErrors;
}

// A trailing '*' marks a message whose end comes from another parser (pugixml, FrameSet): only
// the part before it is compared.
bool isPrefixOnly(const std::string& expected) { return expected.back() == '*'; }

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

TEST(JobSpecDataTest, EveryBadSpecIsRefusedWithItsMessage) {
  std::vector<fs::path> files = xmlFiles(dataSpecsDir() / "bad");
  ASSERT_EQ(files.size(), badSpecErrors().size()) << "every bad spec needs a row in the table";
  for (const fs::path& file : files) {
    std::string name = file.filename().string();
    SCOPED_TRACE(name);
    auto expected = badSpecErrors().find(name);
    ASSERT_NE(expected, badSpecErrors().end()) << "no expected message for " << name;
    absl::StatusOr<JobSpec> spec = parseFile(file);
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
    std::string message(spec.status().message());
    if (isPrefixOnly(expected->second)) {
      std::string prefix = expected->second.substr(0, expected->second.size() - 1);
      EXPECT_TRUE(startsWith(message, prefix)) << message;
      EXPECT_GT(message.size(), prefix.size());
    } else {
      EXPECT_EQ(message, expected->second);
    }
  }
}

// The cases the brief names, each with its own test so that a failure says which.
std::string badFileError(const std::string& name) {
  absl::StatusOr<JobSpec> spec = parseFile(dataSpecsDir() / "bad" / name);
  return spec.ok() ? "OK" : std::string(spec.status().message());
}

TEST(JobSpecErrorTest, MissingCmd) {
  EXPECT_EQ(badFileError("missing_cmd.xml"), "spec line 16: <layer name=\"comp\"> has no <cmd>");
}

TEST(JobSpecErrorTest, DuplicateLayerName) {
  EXPECT_EQ(badFileError("duplicate_layer.xml"), badSpecErrors().at("duplicate_layer.xml"));
}

TEST(JobSpecErrorTest, DependOnUnknownLayerOfSpecJob) {
  EXPECT_EQ(badFileError("unknown_depend_layer.xml"),
            badSpecErrors().at("unknown_depend_layer.xml"));
  EXPECT_EQ(badFileError("depend_unknown_on_layer.xml"),
            badSpecErrors().at("depend_unknown_on_layer.xml"));
}

TEST(JobSpecErrorTest, BadMemoryUnit) {
  EXPECT_EQ(badFileError("bad_memory.xml"), badSpecErrors().at("bad_memory.xml"));
}

TEST(JobSpecErrorTest, MalformedXmlNamesLineAndColumn) {
  std::string xml = "<?xml version=\"1.0\"?>\n<spec>\n  <show>testing</show>\n  <shot>a</shoot>\n";
  EXPECT_EQ(errorOf(xml).substr(0, 36), "spec line 4: malformed XML at column");
  EXPECT_EQ(errorOf("").substr(0, 13), "spec line 1: ");
  EXPECT_EQ(badFileError("malformed.xml").substr(0, 38), "spec line 15: malformed XML at column ");
}

TEST(JobSpecErrorTest, BadFrameRangeCarriesFrameSetMessage) {
  absl::StatusOr<FrameSet> frames = FrameSet::parse("1-x");
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(badFileError("bad_range.xml"),
            absl::StrCat("spec line 13: <layer name=\"render\"> <range>1-x</range>: ",
                         frames.status().message()));
}

TEST(JobSpecErrorTest, RangePastTheLimit) {
  absl::StatusOr<FrameSet> frames = FrameSet::parse("1-2000000", kDefaultMaxFramesPerLayer);
  ASSERT_FALSE(frames.ok());
  EXPECT_EQ(badFileError("range_too_large.xml"),
            absl::StrCat("spec line 13: <layer name=\"render\"> <range>1-2000000</range>: ",
                         frames.status().message()));
  // The limit is an option.
  SpecOptions small;
  small.max_frames_per_layer = 2;
  std::string message = errorOf(specWithJobBody(""), small);
  EXPECT_TRUE(startsWith(message, "spec line 1: <layer name=\"render\"> <range>1-3</range>: "))
      << message;
  SpecOptions enough;
  enough.max_frames_per_layer = 3;
  EXPECT_EQ(errorOf(specWithJobBody(""), enough), "OK");
}

TEST(JobSpecErrorTest, MissingShowShotUser) {
  EXPECT_EQ(badFileError("missing_show.xml"), "spec line 3: <spec> has no <show>");
  EXPECT_EQ(badFileError("missing_shot.xml"), "spec line 3: <spec> has no <shot>");
  EXPECT_EQ(badFileError("missing_user.xml"), "spec line 3: <spec> has no <user>");
  EXPECT_EQ(badFileError("empty_show.xml"), "spec line 3: <spec> has an empty <show>");
}

TEST(JobSpecErrorTest, InvalidNames) {
  EXPECT_EQ(badFileError("bad_job_name.xml"), badSpecErrors().at("bad_job_name.xml"));
  EXPECT_EQ(badFileError("bad_layer_name.xml"), badSpecErrors().at("bad_layer_name.xml"));
  EXPECT_EQ(badFileError("short_layer_name.xml"), badSpecErrors().at("short_layer_name.xml"));
  EXPECT_EQ(badFileError("bad_shot.xml"), badSpecErrors().at("bad_shot.xml"));
  // A two-character job name is too short, but not once the prefix's '_' is counted.
  std::string two = specWithJobBody("");
  two.replace(two.find("demo"), 4, "ab");
  EXPECT_EQ(errorOf(two),
            "spec line 1: <job name=\"ab\"> has a bad name: job name \"ab\" (suffix \"ab\") must "
            "be at least 3 letters, digits, '_', '-' or '.'");
  std::string prefixed = specWithJobBody("");
  prefixed.replace(prefixed.find("demo"), 4, "testing-shot01-tester_ab");
  absl::StatusOr<JobSpec> spec = parseJobSpec(prefixed);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(fullJobName(*spec, spec->jobs[0]), "testing-shot01-tester_ab");
}

TEST(JobSpecErrorTest, UnknownShowIsNotAnError) {
  std::string xml = specWithJobBody("");
  xml.replace(xml.find("testing"), 7, "no_such_show");
  absl::StatusOr<JobSpec> spec = parseJobSpec(xml);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->show, "no_such_show");
}

TEST(JobSpecErrorTest, LayerLimitIsAnOption) {
  SpecOptions options;
  options.max_layers_per_job = 0;
  EXPECT_EQ(errorOf(specWithJobBody(""), options),
            "spec line 1: <job name=\"demo\"> has 1 layers; the most allowed is 0");
}

TEST(JobSpecErrorTest, WrongRootElement) {
  EXPECT_EQ(errorOf("<job/>"), "spec line 1: <job> is the root element; expected <spec>");
}

// ---- DTD versions ------------------------------------------------------------------------------

TEST(JobSpecVersionTest, Cjsl15Legacy) {
  JobSpec spec = parseDataFile("cjsl_1_5_legacy.xml");
  EXPECT_EQ(spec.dtd_version, "1.5");
  EXPECT_EQ(spec.facility, "");
  EXPECT_EQ(spec.dept, "Lighting");
  EXPECT_EQ(spec.shot, "dev_cue");  // "Dev-Cue" conformed
  EXPECT_EQ(spec.uid, 9860);
  ASSERT_EQ(spec.jobs.size(), 1u);
  const JobSpecJob& job = spec.jobs[0];
  // Prefix dropped; lower case; "__" -> "_" and only then '-' -> '_'.
  EXPECT_EQ(fullJobName(spec, job), "pipe-dev_cue-testuser_legacy__test_v1");
  EXPECT_TRUE(job.paused);
  EXPECT_EQ(job.max_retries, 0);
  EXPECT_TRUE(job.auto_eat);
  EXPECT_EQ(job.env.at("VNP_VCR_SESSION"), "9000");
  ASSERT_EQ(job.layers.size(), 2u);

  const LayerSpec& pre = job.layers[0];
  EXPECT_EQ(pre.name, "pass_1_pre");
  EXPECT_EQ(pre.type, LayerType::kUtil);
  EXPECT_EQ(pre.min_cores, 25);      // no '.': core units
  EXPECT_EQ(pre.threadable, false);  // < 1 core overrides <threadable>true</threadable>
  EXPECT_EQ(pre.tags, std::vector<std::string>{"none"});
  EXPECT_EQ(pre.services, (std::vector<std::string>{"preprocess", "katana"}));

  const LayerSpec& pass = job.layers[1];
  EXPECT_EQ(pass.type, LayerType::kRender);
  EXPECT_EQ(pass.dispatch_order, 2);
  EXPECT_EQ(pass.min_cores, 100);
  EXPECT_EQ(pass.min_memory, 2 * kKbPerGb);
  EXPECT_EQ(pass.tags, (std::vector<std::string>{"general", "desktop"}));
  EXPECT_EQ(pass.limits, std::vector<std::string>{"katana"});
  EXPECT_EQ(pass.env, (std::map<std::string, std::string>{{"LAYER_ONLY", "1"}}));
  EXPECT_EQ(pass.services, std::vector<std::string>{"prman"});
  EXPECT_TRUE(spec.depends.empty());
}

TEST(JobSpecVersionTest, Cjsl18LocalBookOsAndGpu) {
  JobSpec spec = parseDataFile("cjsl_1_8_localbook.xml");
  EXPECT_EQ(spec.dtd_version, "1.8");
  EXPECT_EQ(spec.facility, "cloud");
  ASSERT_EQ(spec.jobs.size(), 1u);
  const JobSpecJob& job = spec.jobs[0];
  EXPECT_EQ(job.os, "rhel9");
  EXPECT_EQ(job.max_retries, 1);  // 5, clamped
  ASSERT_TRUE(job.local_book.has_value());
  EXPECT_EQ(job.local_book->host, "workstation01");
  EXPECT_EQ(job.local_book->cores, 4);
  EXPECT_EQ(job.local_book->memory, 8388608);
  EXPECT_EQ(job.local_book->threads, 2);
  EXPECT_FALSE(job.local_book->gpus.has_value());
  EXPECT_EQ(job.local_book->gpu_memory, 1048576);
  const LayerSpec& sim = job.layers.at(0);
  EXPECT_EQ(sim.chunk_size, 5);
  EXPECT_EQ(sim.min_cores, 400);
  EXPECT_EQ(sim.threadable, true);
  EXPECT_EQ(sim.min_memory, 1536 * kKbPerMb);
  EXPECT_EQ(sim.min_gpu_memory, 2 * kKbPerGb);  // deprecated <gpu>
}

TEST(JobSpecVersionTest, Cjsl110Timeouts) {
  JobSpec spec = parseDataFile("cjsl_1_10_timeouts.xml");
  EXPECT_EQ(spec.dtd_version, "1.10");
  EXPECT_FALSE(spec.uid.has_value());
  const LayerSpec& layer = spec.jobs.at(0).layers.at(0);
  EXPECT_EQ(layer.timeout_min, 90);
  EXPECT_EQ(layer.timeout_llu_min, 15);
}

TEST(JobSpecVersionTest, Cjsl112Gpus) {
  JobSpec spec = parseDataFile("cjsl_1_12_gpus.xml");
  EXPECT_EQ(spec.dtd_version, "1.12");
  const JobSpecJob& job = spec.jobs.at(0);
  EXPECT_EQ(job.priority, 50);
  const LayerSpec& layer = job.layers.at(0);
  EXPECT_EQ(layer.min_gpus, 2);
  EXPECT_EQ(layer.min_gpu_memory, kKbPerGb);  // <gpu_memory>1</gpu_memory> wins over <gpu>
  EXPECT_FALSE(layer.max_gpus.has_value());
}

TEST(JobSpecVersionTest, Cjsl113MaxCoresAndGpus) {
  JobSpec spec = parseDataFile("cjsl_1_13_maxcores.xml");
  const JobSpecJob& job = spec.jobs.at(0);
  EXPECT_EQ(job.max_cores, 42000);
  EXPECT_EQ(job.max_gpus, 42);
  EXPECT_FALSE(job.min_cores.has_value());
  EXPECT_FALSE(job.min_gpus.has_value());
}

TEST(JobSpecVersionTest, Cjsl115EveryLayerElement) {
  JobSpec spec = parseDataFile("cjsl_1_15_full.xml");
  const JobSpecJob& job = spec.jobs.at(0);
  EXPECT_FALSE(job.paused);
  EXPECT_EQ(job.priority, 200);
  EXPECT_EQ(job.max_retries, 0);   // -3, clamped
  EXPECT_EQ(job.max_cores, 1300);  // 12.6 rounds to 13 whole cores
  EXPECT_TRUE(job.auto_eat);
  EXPECT_EQ(job.os, "linux");
  EXPECT_EQ(job.env, (std::map<std::string, std::string>{{"EMPTY", ""}, {"SHOW", "override"}}));

  const LayerSpec& whole = layerNamed(job.layers, "whole_host");
  EXPECT_EQ(whole.command,
            "render --frames #FRAME_START#-#FRAME_END# && echo \"done\" > /tmp/x");  // CDATA
  EXPECT_EQ(whole.frame_count, 50);
  EXPECT_EQ(whole.chunk_size, 10);
  EXPECT_EQ(whole.min_cores, 0);  // a whole idle host
  EXPECT_EQ(whole.threadable, false);
  EXPECT_EQ(whole.min_memory, 4096 * kKbPerGb);  // a bare number is gigabytes
  EXPECT_EQ(whole.min_gpus, 1);
  EXPECT_EQ(whole.min_gpu_memory, 512 * kKbPerMb);
  EXPECT_EQ(whole.timeout_min, 0);
  EXPECT_EQ(whole.timeout_llu_min, 30);
  EXPECT_EQ(whole.tags, (std::vector<std::string>{"general", "gpu"}));
  EXPECT_EQ(whole.limits, (std::vector<std::string>{"arnold", "nuke"}));
  EXPECT_EQ(whole.services, (std::vector<std::string>{"arnold", "shell"}));
  EXPECT_EQ(whole.outputs,
            (std::vector<std::string>{"/shots/sh010/beauty.#.exr", "/shots/sh010/depth.#.exr"}));
  EXPECT_EQ(whole.env.at("ARNOLD_THREADS"), "0");

  const LayerSpec& all_but_two = layerNamed(job.layers, "all_but_two");
  EXPECT_EQ(all_but_two.type, LayerType::kUtil);
  EXPECT_EQ(all_but_two.min_cores, -200);
  EXPECT_EQ(all_but_two.min_memory, kKbPerGb / 2);
  EXPECT_TRUE(all_but_two.outputs.empty());

  const LayerSpec& half = layerNamed(job.layers, "half_core");
  EXPECT_EQ(half.min_cores, 50);
  EXPECT_EQ(half.threadable, false);

  const LayerSpec& big = layerNamed(job.layers, "big");
  EXPECT_EQ(big.min_cores, kSpecCoreUnitsMax);
  EXPECT_TRUE(big.services.empty());  // the server adds "default"
}

TEST(JobSpecVersionTest, Cjsl116SlotsRequired) {
  JobSpec spec = parseDataFile("cjsl_1_16_slots.xml");
  EXPECT_EQ(spec.dtd_version, "1.16");
  EXPECT_EQ(spec.jobs.at(0).layers.at(0).slots_required, 2);
}

TEST(JobSpecVersionTest, NoDoctypeAndCueExtensions) {
  JobSpec spec = parseDataFile("no_doctype.xml");
  EXPECT_EQ(spec.dtd_version, "");
  EXPECT_EQ(spec.facility, "");
  EXPECT_EQ(spec.email, "");
  EXPECT_FALSE(spec.uid.has_value());
  const JobSpecJob& job = spec.jobs.at(0);
  EXPECT_EQ(job.dept, "fx");
  EXPECT_EQ(job.min_cores, 200);
  EXPECT_EQ(job.max_cores, 800);
  EXPECT_EQ(job.min_gpus, 1);
  EXPECT_EQ(job.max_gpus, 2);
  // cuebot's defaults when the spec is silent.
  EXPECT_FALSE(job.paused);
  EXPECT_EQ(job.priority, kSpecDefaultPriority);
  EXPECT_EQ(job.max_retries, kSpecDefaultMaxRetries);
  EXPECT_FALSE(job.auto_eat);
  EXPECT_EQ(job.os, "");
  EXPECT_FALSE(job.local_book.has_value());
  const LayerSpec& layer = job.layers.at(0);
  EXPECT_FALSE(layer.min_cores || layer.max_cores || layer.threadable || layer.min_memory ||
               layer.min_gpus || layer.max_gpus || layer.min_gpu_memory || layer.timeout_min ||
               layer.timeout_llu_min || layer.slots_required);
}

TEST(JobSpecVersionTest, EveryDtdVersionIsAccepted) {
  for (int minor = 5; minor <= 16; ++minor) {
    std::string xml =
        "<!DOCTYPE spec PUBLIC \"SPI Cue Specification Language\" "
        "\"http://localhost:8080/spcue/dtd/cjsl-1." +
        std::to_string(minor) + ".dtd\">\n" + specWithJobBody("");
    absl::StatusOr<JobSpec> spec = parseJobSpec(xml);
    ASSERT_TRUE(spec.ok()) << minor << ": " << spec.status();
    EXPECT_EQ(spec->dtd_version, "1." + std::to_string(minor));
  }
  EXPECT_EQ(errorOf("<!DOCTYPE spec SYSTEM \"spec.dtd\">\n" + specWithJobBody("")),
            "spec line 1: <!DOCTYPE> names no CJSL DTD (\"cjsl-1.N.dtd\")");
}

// ---- depends and post jobs -----------------------------------------------------------------

TEST(JobSpecDependTest, EveryDependType) {
  JobSpec spec = parseDataFile("all_depends.xml");
  ASSERT_EQ(spec.jobs.size(), 2u);
  EXPECT_EQ(spec.jobs[0].layers.at(0).type, LayerType::kPre);
  ASSERT_EQ(spec.depends.size(), 14u);
  const std::string render = "testing-shot02-tester_render_job";
  const std::string comp = "testing-shot02-tester_comp_job";
  struct Expected {
    DependType type;
    bool any_frame;
    std::string dep_job, dep_layer, dep_frame, on_job, on_layer, on_frame;
    int dep_index, on_index;
  };
  const std::vector<Expected> expected = {
      {DependType::kJobOnJob, false, comp, "", "", render, "", "", 1, 0},
      {DependType::kJobOnLayer, false, comp, "", "", render, "render", "", 1, 0},
      {DependType::kJobOnFrame, false, comp, "", "", render, "", "0001-prep", 1, 0},
      {DependType::kLayerOnJob, false, comp, "comp", "", render, "", "", 1, 0},
      {DependType::kLayerOnLayer, true, comp, "comp", "", render, "render", "", 1, 0},
      {DependType::kLayerOnFrame, false, comp, "comp", "", render, "", "0005-render", 1, 0},
      {DependType::kFrameOnJob, false, comp, "", "0003-comp", render, "", "", 1, 0},
      {DependType::kFrameOnLayer, false, comp, "", "0003-comp", render, "render", "", 1, 0},
      {DependType::kFrameOnFrame, false, comp, "", "0003-comp", render, "", "0003-render", 1, 0},
      {DependType::kFrameByFrame, false, comp, "comp", "", render, "render", "", 1, 0},
      {DependType::kPreviousFrame, false, comp, "sim", "", comp, "comp", "", 1, 1},
      {DependType::kLayerOnSimFrame, false, comp, "comp", "", comp, "", "0001-sim", 1, 1},
      {DependType::kJobOnJob, false, comp, "", "", "testing-shot02-tester_lighting_v3", "", "", 1,
       -1},
      {DependType::kLayerOnLayer, false, comp, "comp", "", "testing-shot02-tester_elsewhere",
       "anything", "", 1, -1},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    const DependSpec& d = spec.depends[i];
    const Expected& e = expected[i];
    EXPECT_EQ(d.type, e.type);
    EXPECT_EQ(d.any_frame, e.any_frame);
    EXPECT_EQ(d.dep_job, e.dep_job);
    EXPECT_EQ(d.dep_layer, e.dep_layer);
    EXPECT_EQ(d.dep_frame, e.dep_frame);
    EXPECT_EQ(d.on_job, e.on_job);
    EXPECT_EQ(d.on_layer, e.on_layer);
    EXPECT_EQ(d.on_frame, e.on_frame);
    EXPECT_EQ(d.dep_job_index, e.dep_index);
    EXPECT_EQ(d.on_job_index, e.on_index);
    EXPECT_GT(d.line, 0);
  }
}

TEST(JobSpecDependTest, FrameDependsNeedAChunkStart) {
  // comp is chunked by 2 over 1-10, so cuebot creates frames 1, 3, 5, 7 and 9 only.
  std::string xml = readFile(dataSpecsDir() / "all_depends.xml");
  std::string bad = xml;
  bad.replace(bad.find("<depframe>0003-comp</depframe>"), 30, "<depframe>0004-comp</depframe>");
  std::string message = errorOf(bad);
  EXPECT_NE(message.find("<depframe>0004-comp</depframe>: layer \"comp\" (range \"1-10\", "
                         "chunk 2) has no frame 4"),
            std::string::npos)
      << message;
}

TEST(JobSpecDependTest, PostJob) {
  JobSpec spec = parseDataFile("post_job.xml");
  const JobSpecJob& job = spec.jobs.at(0);
  ASSERT_EQ(job.layers.size(), 1u);
  EXPECT_EQ(job.layers[0].name, "render");
  ASSERT_TRUE(job.post_job.has_value());
  const PostJobSpec& post = *job.post_job;
  ASSERT_EQ(post.layers.size(), 2u);
  EXPECT_EQ(post.layers[0].name, "cleanup");
  EXPECT_EQ(post.layers[0].type, LayerType::kPost);
  EXPECT_EQ(post.layers[0].dispatch_order, 2);
  EXPECT_EQ(post.layers[0].min_memory, 256 * kKbPerMb);
  EXPECT_EQ(post.layers[1].name, "notify");
  EXPECT_EQ(post.layers[1].dispatch_order, 3);
  EXPECT_EQ(post.env, (std::map<std::string, std::string>{{"FOO", "bar"}}));
  EXPECT_EQ(fullJobName(spec, job), "testing-shot03-tester_with_post");
  EXPECT_EQ(fullPostJobName(spec, job, 1700000000123),
            "testing-shot03-monitor_with_post_post_job_1700000000123");
}

// ---- names and values ------------------------------------------------------------------------

TEST(JobSpecNameTest, FullJobNameFollowsCuebot) {
  JobSpec spec;
  spec.show = "Testing";
  spec.shot = "sh01";
  spec.user = "Tester";
  JobSpecJob job;
  auto full = [&](const std::string& name) {
    job.name = name;
    return fullJobName(spec, job);
  };
  EXPECT_EQ(full("My-Job"), "testing-sh01-tester_my_job");
  EXPECT_EQ(full("a__b--c"), "testing-sh01-tester_a_b__c");
  EXPECT_EQ(full("___lead"), "testing-sh01-tester_lead");
  EXPECT_EQ(full("v1.2"), "testing-sh01-tester_v1.2");
  // The prefix is matched before lower-casing.
  EXPECT_EQ(full("Testing-sh01-Tester_comp"), "testing-sh01-tester_comp");
  EXPECT_EQ(full("testing-sh01-tester_comp"), "testing-sh01-tester_testing_sh01_tester_comp");
  spec.user = "bob_";
  EXPECT_EQ(full("render"), "testing-sh01-bob_render");
}

TEST(JobSpecValueTest, Memory) {
  const std::vector<std::pair<std::string, MemoryKb>> good = {
      {"512m", 524288},  {"512MB", 524288}, {"4g", 4194304},
      {"4GB", 4194304},  {"4", 4194304},    {"4096", 4096LL * 1048576},
      {"1.5g", 1572864}, {"0.5m", 512},     {"1.7m", 1740},  // truncated to KB
      {" 2g ", 2097152}, {"0", 0},          {"+1g", 1048576},
  };
  for (const auto& [text, kb] : good) {
    absl::StatusOr<MemoryKb> value = parseSpecMemory(text);
    ASSERT_TRUE(value.ok()) << text << ": " << value.status();
    EXPECT_EQ(*value, kb) << text;
  }
  for (const std::string text :
       {"12q", "", "-1g", "g", "m", "1e3m", "4 g", "1..2g", "4k", "0x10"}) {
    EXPECT_FALSE(parseSpecMemory(text).ok()) << text;
  }
  EXPECT_FALSE(parseSpecMemory("99999999999g").ok());
}

TEST(JobSpecValueTest, Cores) {
  const std::vector<std::pair<std::string, CoreUnits>> good =
      {
          {"1.0", 100},   {"0.5", 50},   {"4.0", 400},  {"24.0", 2400},
          {"30.0", 2400}, {"100", 100},  {"25", 25},    {"400", 400},
          {"2401", 2400}, {"4", 100},  // four core units: under the minimum of 10, so the default
          {"0.05", 100},  {"0.1", 10},   {"0", 0},      {"-1", -1},
          {"-2.0", -200}, {"-0.5", -50}, {"1.25", 125}, {"+2.0", 200},
      };
  for (const auto& [text, units] : good) {
    absl::StatusOr<CoreUnits> value = parseSpecCores(text);
    ASSERT_TRUE(value.ok()) << text << ": " << value.status();
    EXPECT_EQ(*value, units) << text;
  }
  for (const std::string text : {"two", "", "1.0.0", "1e2", "1,5", "-", ".", "99999999999"}) {
    EXPECT_FALSE(parseSpecCores(text).ok()) << text;
  }
}

TEST(JobSpecValueTest, Booleans) {
  for (const std::string text : {"True", "true", "TRUE", "1", "yes", "on"}) {
    absl::StatusOr<JobSpec> spec = parseJobSpec(specWithJobBody("<paused>" + text + "</paused>"));
    ASSERT_TRUE(spec.ok()) << text << ": " << spec.status();
    EXPECT_TRUE(spec->jobs[0].paused) << text;
  }
  for (const std::string text : {"False", "false", "0", "no", "off", ""}) {
    absl::StatusOr<JobSpec> spec = parseJobSpec(specWithJobBody("<paused>" + text + "</paused>"));
    ASSERT_TRUE(spec.ok()) << text << ": " << spec.status();
    EXPECT_FALSE(spec->jobs[0].paused) << text;
  }
  EXPECT_EQ(errorOf(specWithJobBody("<autoeat>2</autoeat>")),
            "spec line 1: <job name=\"demo\"> <autoeat>2</autoeat>: expected True or False");
}

TEST(JobSpecValueTest, NumbersAreChecked) {
  EXPECT_EQ(errorOf(specWithJobBody("<priority>high</priority>")),
            "spec line 1: <job name=\"demo\"> <priority>high</priority>: expected an integer");
  EXPECT_EQ(errorOf(specWithJobBody("", "<gpus>-1</gpus>")),
            "spec line 1: <layer name=\"render\"> <gpus>-1</gpus>: expected a whole number >= 0");
  EXPECT_EQ(errorOf(specWithJobBody("", "<timeout>soon</timeout>")),
            "spec line 1: <layer name=\"render\"> <timeout>soon</timeout>: expected a whole "
            "number >= 0");
  EXPECT_EQ(errorOf(specWithJobBody("<maxcores>-4</maxcores>")),
            "spec line 1: <job name=\"demo\"> <maxcores>-4</maxcores>: expected a number of "
            "cores >= 0, such as \"4\"");
  EXPECT_EQ(errorOf(specWithJobBody("<localbook host=\"ws1\" cores=\"x\"/>")),
            "spec line 1: <localbook> has a bad cores=\"x\": expected a whole number >= 0");
}

TEST(JobSpecValueTest, SeveralEnvElementsMerge) {
  absl::StatusOr<JobSpec> spec = parseJobSpec(specWithJobBody(
      "<env><key name=\"A\">1</key></env><env><key name=\"B\"> 2 </key><key name=\"A\">3</key>"
      "</env>"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->jobs[0].env, (std::map<std::string, std::string>{{"A", "3"}, {"B", "2"}}));
}

TEST(JobSpecValueTest, CommentsAndWhitespaceAreIgnored) {
  absl::StatusOr<JobSpec> spec = parseJobSpec(
      specWithJobBody("<!-- a comment --><os>\n  linux  \n</os>", "<cmd>ignored second cmd</cmd>"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->jobs[0].os, "linux");
  EXPECT_EQ(spec->jobs[0].layers[0].command, "echo");  // the first <cmd>, as cuebot reads it
}

// ---- robustness (a small deterministic fuzz) --------------------------------------------------

// Every prefix and many seeded mutations of a real spec either parse or fail with a located
// INVALID_ARGUMENT; none crashes.
TEST(JobSpecFuzzTest, TruncatedAndMutatedSpecsFailCleanly) {
  std::string xml = readFile(dataSpecsDir() / "all_depends.xml");
  ASSERT_FALSE(xml.empty());
  auto check = [](const std::string& text) {
    absl::StatusOr<JobSpec> spec = parseJobSpec(text);
    if (spec.ok()) return;
    ASSERT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument) << spec.status();
    ASSERT_EQ(spec.status().message().substr(0, 10), "spec line ") << spec.status();
  };
  for (size_t length = 0; length < xml.size(); length += 7) check(xml.substr(0, length));
  std::mt19937 random(20240601);
  const std::string alphabet = "<>/\"=-_.x0 \n&;!?[]";
  for (int i = 0; i < 1500; ++i) {
    std::string mutated = xml;
    for (int edits = 1 + static_cast<int>(random() % 4); edits > 0; --edits) {
      size_t at = random() % mutated.size();
      char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          mutated[at] = c;
          break;
        case 1:
          mutated.insert(at, 1, c);
          break;
        default:
          mutated.erase(at, 1);
          break;
      }
    }
    check(mutated);
  }
}

}  // namespace
}  // namespace cue::core
