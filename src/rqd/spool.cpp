#include "rqd/spool.h"

#include <unistd.h>

#include <cerrno>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/logging.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

constexpr char kSuffix[] = ".entry";

std::string escapeValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescapeValue(absl::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      ++i;
      out += v[i] == 'n' ? '\n' : v[i];
    } else {
      out += v[i];
    }
  }
  return out;
}

bool parseHexByte(absl::string_view two, int* out) {
  int v = 0;
  for (char c : two) {
    int d = absl::ascii_isdigit(c)   ? c - '0'
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                     : -1;
    if (d < 0) return false;
    v = v * 16 + d;
  }
  *out = v;
  return true;
}

}  // namespace

absl::Status FileSpool::init() const { return makeDirs(dir_, 0700); }

std::string FileSpool::fileNameFor(const std::string& key) {
  std::string out;
  for (unsigned char c : key) {
    if (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, absl::StrFormat("%%%02X", c));
    }
  }
  return absl::StrCat(out, kSuffix);
}

std::string FileSpool::keyFor(const std::string& file_name) {
  if (!absl::EndsWith(file_name, kSuffix)) return "";
  absl::string_view body(file_name.data(), file_name.size() - (sizeof(kSuffix) - 1));
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    int hex = 0;
    if (body[i] == '%' && i + 2 < body.size() && parseHexByte(body.substr(i + 1, 2), &hex)) {
      out += static_cast<char>(hex);
      i += 2;
    } else {
      out += body[i];
    }
  }
  return out;
}

absl::Status FileSpool::put(const std::string& key, const std::string& data) const {
  return writeFileAtomic(absl::StrCat(dir_, "/", fileNameFor(key)), data, sync_);
}

absl::Status FileSpool::remove(const std::string& key) const {
  std::string path = absl::StrCat(dir_, "/", fileNameFor(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return errnoStatus(errno, absl::StrCat("unlink ", path));
  }
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> FileSpool::loadAll() const {
  std::vector<std::pair<std::string, std::string>> out;
  absl::StatusOr<std::vector<std::string>> names = listDir(dir_);
  if (!names.ok()) return out;
  std::map<std::string, std::string> sorted;
  for (const std::string& name : *names) {
    std::string key = keyFor(name);
    if (key.empty()) continue;  // temp files and strangers
    absl::StatusOr<std::string> data = readFile(absl::StrCat(dir_, "/", name));
    if (!data.ok()) {
      common::logger("rqd")->warn("spool: skipping {}: {}", name, data.status().ToString());
      continue;
    }
    sorted[key] = std::move(*data);
  }
  for (auto& [k, v] : sorted) out.emplace_back(k, std::move(v));
  return out;
}

std::string encodeRunningRecord(const RunningRecord& r) {
  const FrameSpec& s = r.spec;
  std::string out;
  auto put = [&](const char* key, const std::string& value) {
    absl::StrAppend(&out, key, "=", escapeValue(value), "\n");
  };
  put("version", "1");
  put("frame_id", s.frame_id);
  put("frame_name", s.frame_name);
  put("job_id", s.job_id);
  put("job_name", s.job_name);
  put("layer_id", s.layer_id);
  put("resource_id", s.resource_id);
  put("num_cores", absl::StrCat(s.num_cores));
  put("num_gpus", absl::StrCat(s.num_gpus));
  put("start_time", absl::StrCat(s.start_time));
  put("log_dir_file", s.log_dir_file);
  put("pid", absl::StrCat(r.pid));
  put("root_starttime", absl::StrCat(r.root_starttime));
  put("started_at", absl::StrCat(r.started_at));
  return out;
}

absl::StatusOr<RunningRecord> decodeRunningRecord(const std::string& text) {
  std::map<std::string, std::string> kv;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    kv[std::string(line.substr(0, eq))] = unescapeValue(line.substr(eq + 1));
  }
  if (kv["frame_id"].empty()) return absl::InvalidArgumentError("running record: no frame_id");
  RunningRecord r;
  FrameSpec& s = r.spec;
  s.frame_id = kv["frame_id"];
  s.frame_name = kv["frame_name"];
  s.job_id = kv["job_id"];
  s.job_name = kv["job_name"];
  s.layer_id = kv["layer_id"];
  s.resource_id = kv["resource_id"];
  s.log_dir_file = kv["log_dir_file"];
  bool ok = absl::SimpleAtoi(kv["num_cores"], &s.num_cores) &&
            absl::SimpleAtoi(kv["start_time"], &s.start_time) &&
            absl::SimpleAtoi(kv["pid"], &r.pid) &&
            absl::SimpleAtoi(kv["root_starttime"], &r.root_starttime) &&
            absl::SimpleAtoi(kv["started_at"], &r.started_at);
  if (!kv["num_gpus"].empty() && !absl::SimpleAtoi(kv["num_gpus"], &s.num_gpus)) ok = false;
  if (!ok) return absl::InvalidArgumentError("running record: a number does not parse");
  return r;
}

}  // namespace cue::rqd
