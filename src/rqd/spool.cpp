#include "rqd/spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/logging.h"
#include "common/status.h"
#include "rqd/sys_util.h"

namespace cue::rqd {
namespace {

constexpr char kSuffix[] = ".entry";

// Appends v with each backslash doubled and each newline written as a backslash and n.
void appendEscaped(absl::string_view v, std::string* out) {
  if (v.find_first_of("\\\n") == absl::string_view::npos) {  // the usual case
    out->append(v.data(), v.size());
    return;
  }
  for (char c : v) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
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

constexpr char kJournal[] = "journal";

// FNV-1a, 64 bits: tells a torn or half-written record from a whole one.
uint64_t checksum(char op, absl::string_view key, absl::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](absl::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  mix(absl::string_view(&op, 1));
  mix(key);
  mix(data);
  return h;
}

// "<op> <key length> <data length> <checksum>\n<key><data>\n", the checksum as 16 lowercase
// hex digits (printf's "%c %u %u %016x\n"; StrCat, five records a frame).
std::string encodeRecord(char op, const std::string& key, const std::string& data) {
  return absl::StrCat(absl::string_view(&op, 1), " ", key.size(), " ", data.size(), " ",
                      absl::Hex(checksum(op, key, data), absl::kZeroPad16), "\n", key, data, "\n");
}

// Applies the journal's records in order to `live` and returns where the last whole record
// ends; `live_bytes` (optional) gets the size the live entries take as records.
size_t parseJournal(const std::string& bytes, std::map<std::string, std::string>* live,
                    size_t* live_bytes) {
  constexpr size_t kMaxHeader = 80;
  constexpr size_t kMaxKey = 1 << 20;
  constexpr size_t kMaxData = 64 << 20;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t eol = bytes.find('\n', pos);
    if (eol == std::string::npos || eol - pos > kMaxHeader) break;
    std::vector<absl::string_view> f =
        absl::StrSplit(absl::string_view(bytes).substr(pos, eol - pos), ' ');
    size_t key_len = 0, data_len = 0;
    uint64_t sum = 0;
    if (f.size() != 4 || f[0].size() != 1 || (f[0][0] != 'P' && f[0][0] != 'R') ||
        !absl::SimpleAtoi(f[1], &key_len) || !absl::SimpleAtoi(f[2], &data_len) ||
        !absl::SimpleHexAtoi(f[3], &sum) || key_len > kMaxKey || data_len > kMaxData) {
      break;
    }
    const size_t body = eol + 1;
    const size_t end = body + key_len + data_len + 1;
    if (end > bytes.size() || bytes[end - 1] != '\n') break;
    absl::string_view key(bytes.data() + body, key_len);
    absl::string_view data(bytes.data() + body + key_len, data_len);
    if (checksum(f[0][0], key, data) != sum) break;
    if (f[0][0] == 'P') {
      (*live)[std::string(key)] = std::string(data);
    } else {
      live->erase(std::string(key));
    }
    pos = end;
  }
  if (live_bytes != nullptr) {
    *live_bytes = 0;
    for (const auto& [k, v] : *live) *live_bytes += k.size() + v.size() + 40;
  }
  return pos;
}

}  // namespace

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

std::string FileSpool::journalPath() const { return absl::StrCat(dir_, "/", kJournal); }

struct FileSpool::Journal {
  std::mutex mu;                 // one append or rewrite at a time
  int fd = -1;                   // the journal, open for appending, flock'd by this process
  off_t size = 0;                // its size: no other process writes it
  int64_t next_check_bytes = 0;  // no rewrite check below this size (mostly live)
  ~Journal() {
    if (fd >= 0) ::close(fd);  // releases the flock
  }
};

absl::StatusOr<std::shared_ptr<FileSpool::Journal>> FileSpool::openJournal(const std::string& dir) {
  // By the directory's device and inode, however its path is spelled: a second flock of
  // the same journal in this process would wait for ever.
  struct stat dir_st {};
  if (::stat(dir.c_str(), &dir_st) != 0) return errnoStatus(errno, absl::StrCat("stat ", dir));
  const std::pair<dev_t, ino_t> key(dir_st.st_dev, dir_st.st_ino);
  static std::mutex registry_mu;
  static std::map<std::pair<dev_t, ino_t>, std::weak_ptr<Journal>> registry;
  std::lock_guard<std::mutex> lock(registry_mu);
  if (std::shared_ptr<Journal> open = registry[key].lock()) return open;
  const std::string path = absl::StrCat(dir, "/", kJournal);
  bool said = false;
  for (int attempt = 0; attempt < 8; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errnoStatus(errno, absl::StrCat("open ", path));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const bool held = errno == EWOULDBLOCK;
      if (held && !said) {
        common::logger("rqd")->warn("spool {}: another process holds it; waiting for it", dir);
        said = true;
      }
      if (!held || ::flock(fd, LOCK_EX) != 0) {
        absl::Status failed = errnoStatus(errno, absl::StrCat("flock ", path));
        ::close(fd);
        return failed;
      }
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_nlink > 0) {
      auto journal = std::make_shared<Journal>();
      journal->fd = fd;
      journal->size = st.st_size;
      registry[key] = journal;
      return journal;
    }
    ::close(fd);  // the process that held it rewrote the journal meanwhile: the new file
  }
  return absl::UnavailableError(absl::StrCat("spool ", dir, ": the journal keeps changing"));
}

absl::StatusOr<std::shared_ptr<FileSpool::Journal>> FileSpool::journal() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!journal_) {
    if (absl::Status made = makeDirs(dir_, 0700); !made.ok()) return made;
    ASSIGN_OR_RETURN(journal_, openJournal(dir_));
  }
  return journal_;
}

FileSpool::~FileSpool() = default;

absl::Status FileSpool::init() {
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> j, journal());
  std::lock_guard<std::mutex> lock(j->mu);
  absl::Status out;
  absl::StatusOr<std::string> bytes = readFile(journalPath());
  if (bytes.ok()) {
    std::map<std::string, std::string> live;
    const size_t valid = parseJournal(*bytes, &live, nullptr);
    if (valid < bytes->size()) {
      common::logger("rqd")->warn("spool {}: dropping {} bytes of a record torn by a crash",
                                  dir_, bytes->size() - valid);
      if (::ftruncate(j->fd, static_cast<off_t>(valid)) != 0) {
        out = errnoStatus(errno, absl::StrCat("truncate ", journalPath()));
      } else {
        j->size = static_cast<off_t>(valid);
      }
    }
  }
  // The one-file-per-entry layout of earlier versions: its entries join the journal.
  absl::StatusOr<std::vector<std::string>> names = listDir(dir_);
  for (const std::string& name : names.ok() ? *names : std::vector<std::string>{}) {
    const std::string path = absl::StrCat(dir_, "/", name);
    if (absl::StrContains(name, ".tmp.") && keyFor(name).empty()) {
      ::unlink(path.c_str());  // a temp file that never became an entry or the journal
      continue;
    }
    const std::string key = keyFor(name);
    if (key.empty() || !out.ok()) continue;
    absl::StatusOr<std::string> data = readFile(path);
    if (!data.ok()) {
      common::logger("rqd")->warn("spool: skipping {}: {}", path, data.status().ToString());
      continue;
    }
    const std::string record = encodeRecord('P', key, *data);
    out = writeAll(j->fd, record, journalPath());
    if (out.ok()) j->size += static_cast<off_t>(record.size());
    if (out.ok() && sync_) ::fdatasync(j->fd);
    if (out.ok()) ::unlink(path.c_str());
  }
  return out;
}

absl::Status FileSpool::append(char op, const std::string& key, const std::string& data) {
  ASSIGN_OR_RETURN(std::shared_ptr<Journal> j, journal());
  const std::string record = encodeRecord(op, key, data);
  std::lock_guard<std::mutex> lock(j->mu);
  absl::Status out = writeAll(j->fd, record, journalPath());
  // A record cut short (a full disk) would hide every record after it: it goes.
  if (!out.ok()) ::ftruncate(j->fd, j->size);
  if (out.ok()) j->size += static_cast<off_t>(record.size());
  if (out.ok() && sync_ && ::fdatasync(j->fd) != 0) {
    out = errnoStatus(errno, absl::StrCat("fdatasync ", journalPath()));
  }
  if (out.ok()) maybeRewriteLocked(*j);
  return out;
}

void FileSpool::maybeRewriteLocked(Journal& j) {
  if (j.size < std::max(kRewriteBytes, j.next_check_bytes)) return;
  absl::StatusOr<std::string> bytes = readFile(journalPath());
  if (!bytes.ok()) return;
  std::map<std::string, std::string> live;
  size_t live_bytes = 0;
  parseJournal(*bytes, &live, &live_bytes);
  if (live_bytes * 4 > bytes->size()) {
    // Mostly live (completions piling up while cuebot is away): not read again before the
    // journal has doubled, so appends stay cheap however much it holds.
    j.next_check_bytes = static_cast<int64_t>(bytes->size()) * 2;
    return;
  }
  j.next_check_bytes = 0;
  std::string fresh;
  for (const auto& [k, v] : live) fresh += encodeRecord('P', k, v);
  // The new journal is locked before it takes the journal's name, so that a process that
  // opens the name from then on waits for this one; one waiting on the old file finds it
  // unlinked once it gets it (openJournal) and opens the new one.
  const std::string path = journalPath();
  const std::string tmp = absl::StrCat(path, ".tmp.", selfPid());
  int fd = ::open(tmp.c_str(), O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  bool ok = ::flock(fd, LOCK_EX | LOCK_NB) == 0 && writeAll(fd, fresh, tmp).ok() &&
            (!sync_ || ::fdatasync(fd) == 0) && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return;
  }
  if (sync_) {
    int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      ::fsync(dir);
      ::close(dir);
    }
  }
  ::close(j.fd);  // releases the old file's flock
  j.fd = fd;
  j.size = static_cast<off_t>(fresh.size());
}

absl::Status FileSpool::put(const std::string& key, const std::string& data) {
  return append('P', key, data);
}

absl::Status FileSpool::remove(const std::string& key) { return append('R', key, ""); }

std::vector<std::pair<std::string, std::string>> FileSpool::loadAll() const {
  std::vector<std::pair<std::string, std::string>> out;
  absl::StatusOr<std::string> bytes = readFile(journalPath());
  if (!bytes.ok()) return out;
  std::map<std::string, std::string> live;
  parseJournal(*bytes, &live, nullptr);
  for (auto& [k, v] : live) out.emplace_back(k, std::move(v));
  return out;
}

std::string encodeRunningRecord(const RunningRecord& r) {
  return encodeRunningRecord(r.spec, r.pid, r.root_starttime, r.started_at);
}

std::string encodeRunningRecord(const FrameSpec& s, int pid, uint64_t root_starttime,
                                EpochSec started_at) {
  std::string out;
  out.reserve(512);
  auto put = [&](absl::string_view key, absl::string_view value) {
    absl::StrAppend(&out, key, "=");
    appendEscaped(value, &out);
    out.push_back('\n');
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
  put("pid", absl::StrCat(pid));
  put("root_starttime", absl::StrCat(root_starttime));
  put("started_at", absl::StrCat(started_at));
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
