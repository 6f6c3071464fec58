#include "store/schema.h"

#include <regex>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace cue::store {
namespace {

// Conventions: ids are TEXT UUIDs; "absent" references are '' rather than NULL where a
// column takes part in depend matching; booleans are INTEGER 0/1; times BIGINT epoch
// seconds; cores INTEGER core units (1/100 core); memory BIGINT KB; lists of names are
// TEXT joined with " | " as OpenCue shows tags.
constexpr absl::string_view kV1 = R"sql(
CREATE TABLE facility (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE dept (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE show (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  active INTEGER NOT NULL DEFAULT 1,
  booking_enabled INTEGER NOT NULL DEFAULT 1,
  dispatch_enabled INTEGER NOT NULL DEFAULT 1,
  default_min_cores INTEGER NOT NULL DEFAULT 100,
  default_max_cores INTEGER NOT NULL DEFAULT 20000,
  comment_email TEXT NOT NULL DEFAULT ''
);
CREATE TABLE alloc (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  facility_id TEXT NOT NULL REFERENCES facility(id),
  tag TEXT NOT NULL,
  billable INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE subscription (
  id TEXT PRIMARY KEY,
  show_id TEXT NOT NULL REFERENCES show(id),
  alloc_id TEXT NOT NULL REFERENCES alloc(id),
  size INTEGER NOT NULL,
  burst INTEGER NOT NULL,
  UNIQUE (show_id, alloc_id)
);
CREATE TABLE folder (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  show_id TEXT NOT NULL REFERENCES show(id),
  parent_id TEXT NOT NULL DEFAULT '',
  dept TEXT NOT NULL DEFAULT 'Unknown',
  default_job_priority INTEGER NOT NULL DEFAULT -1,
  default_job_min_cores INTEGER NOT NULL DEFAULT -1,
  default_job_max_cores INTEGER NOT NULL DEFAULT -1,
  min_cores INTEGER NOT NULL DEFAULT 0,
  max_cores INTEGER NOT NULL DEFAULT -1,
  UNIQUE (show_id, parent_id, name)
);
CREATE TABLE service (
  id TEXT PRIMARY KEY,
  show_id TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  threadable INTEGER NOT NULL DEFAULT 0,
  min_cores INTEGER NOT NULL,
  max_cores INTEGER NOT NULL,
  min_memory BIGINT NOT NULL,
  min_gpus INTEGER NOT NULL DEFAULT 0,
  max_gpus INTEGER NOT NULL DEFAULT 0,
  min_gpu_memory BIGINT NOT NULL DEFAULT 0,
  tags TEXT NOT NULL,
  timeout INTEGER NOT NULL DEFAULT 0,
  timeout_llu INTEGER NOT NULL DEFAULT 0,
  min_memory_increase BIGINT NOT NULL DEFAULT 2097152,
  UNIQUE (show_id, name)
);
CREATE TABLE limit_record (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  max_value INTEGER NOT NULL
);
CREATE TABLE job (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  show_id TEXT NOT NULL REFERENCES show(id),
  shot TEXT NOT NULL,
  user_name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  uid INTEGER NOT NULL DEFAULT -1,
  folder_id TEXT NOT NULL REFERENCES folder(id),
  facility TEXT NOT NULL,
  dept TEXT NOT NULL DEFAULT '',
  os TEXT NOT NULL DEFAULT '',
  priority INTEGER NOT NULL,
  min_cores INTEGER NOT NULL,
  max_cores INTEGER NOT NULL,
  min_gpus INTEGER NOT NULL,
  max_gpus INTEGER NOT NULL,
  max_retries INTEGER NOT NULL,
  paused INTEGER NOT NULL,
  auto_eat INTEGER NOT NULL,
  state TEXT NOT NULL,
  log_dir TEXT NOT NULL,
  start_time BIGINT NOT NULL,
  stop_time BIGINT NOT NULL DEFAULT 0,
  env TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX job_pending_name ON job (name) WHERE state = 'PENDING';
CREATE INDEX job_state ON job (state, show_id);
CREATE TABLE layer (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES job(id),
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  command TEXT NOT NULL,
  frame_range TEXT NOT NULL,
  chunk_size INTEGER NOT NULL,
  dispatch_order INTEGER NOT NULL,
  min_cores INTEGER NOT NULL,
  max_cores INTEGER NOT NULL,
  threadable INTEGER NOT NULL,
  min_memory BIGINT NOT NULL,
  min_gpus INTEGER NOT NULL,
  max_gpus INTEGER NOT NULL,
  min_gpu_memory BIGINT NOT NULL,
  tags TEXT NOT NULL,
  services TEXT NOT NULL,
  limits TEXT NOT NULL,
  timeout INTEGER NOT NULL,
  timeout_llu INTEGER NOT NULL,
  env TEXT NOT NULL DEFAULT '',
  outputs TEXT NOT NULL DEFAULT '',
  UNIQUE (job_id, name)
);
CREATE TABLE frame (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES job(id),
  layer_id TEXT NOT NULL REFERENCES layer(id),
  name TEXT NOT NULL,
  number INTEGER NOT NULL,
  state TEXT NOT NULL,
  dispatch_order INTEGER NOT NULL,
  retry_count INTEGER NOT NULL DEFAULT 0,
  exit_status INTEGER NOT NULL DEFAULT -1,
  exit_signal INTEGER NOT NULL DEFAULT 0,
  depend_count INTEGER NOT NULL DEFAULT 0,
  start_time BIGINT NOT NULL DEFAULT 0,
  stop_time BIGINT NOT NULL DEFAULT 0,
  max_rss BIGINT NOT NULL DEFAULT 0,
  used_memory BIGINT NOT NULL DEFAULT 0,
  reserved_memory BIGINT NOT NULL DEFAULT 0,
  max_pss BIGINT NOT NULL DEFAULT 0,
  last_resource TEXT NOT NULL DEFAULT '',
  total_core_time INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 0,
  UNIQUE (layer_id, number)
);
CREATE INDEX frame_job_state ON frame (job_id, state);
CREATE INDEX frame_layer_dispatch ON frame (layer_id, state, dispatch_order);
CREATE TABLE host (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  alloc_id TEXT NOT NULL REFERENCES alloc(id),
  state TEXT NOT NULL,
  lock_state TEXT NOT NULL,
  thread_mode TEXT NOT NULL DEFAULT 'AUTO',
  nimby_enabled INTEGER NOT NULL DEFAULT 0,
  cores INTEGER NOT NULL,
  idle_cores INTEGER NOT NULL,
  memory BIGINT NOT NULL,
  idle_memory BIGINT NOT NULL,
  gpus INTEGER NOT NULL DEFAULT 0,
  idle_gpus INTEGER NOT NULL DEFAULT 0,
  gpu_memory BIGINT NOT NULL DEFAULT 0,
  idle_gpu_memory BIGINT NOT NULL DEFAULT 0,
  total_memory BIGINT NOT NULL DEFAULT 0,
  free_memory BIGINT NOT NULL DEFAULT 0,
  total_swap BIGINT NOT NULL DEFAULT 0,
  free_swap BIGINT NOT NULL DEFAULT 0,
  total_mcp BIGINT NOT NULL DEFAULT 0,
  free_mcp BIGINT NOT NULL DEFAULT 0,
  load INTEGER NOT NULL DEFAULT 0,
  boot_time BIGINT NOT NULL DEFAULT 0,
  ping_time BIGINT NOT NULL DEFAULT 0,
  os TEXT NOT NULL DEFAULT '',
  tags TEXT NOT NULL DEFAULT '',
  rqd_address TEXT NOT NULL DEFAULT ''
);
CREATE TABLE proc (
  id TEXT PRIMARY KEY,
  host_id TEXT NOT NULL REFERENCES host(id),
  job_id TEXT NOT NULL REFERENCES job(id),
  layer_id TEXT NOT NULL REFERENCES layer(id),
  frame_id TEXT NOT NULL UNIQUE REFERENCES frame(id),
  show_id TEXT NOT NULL,
  reserved_cores INTEGER NOT NULL,
  reserved_memory BIGINT NOT NULL,
  reserved_gpus INTEGER NOT NULL DEFAULT 0,
  reserved_gpu_memory BIGINT NOT NULL DEFAULT 0,
  used_memory BIGINT NOT NULL DEFAULT 0,
  max_rss BIGINT NOT NULL DEFAULT 0,
  used_pss BIGINT NOT NULL DEFAULT 0,
  max_pss BIGINT NOT NULL DEFAULT 0,
  booked_time BIGINT NOT NULL,
  ping_time BIGINT NOT NULL,
  kill_reason TEXT NOT NULL DEFAULT '',
  log_path TEXT NOT NULL DEFAULT ''
);
CREATE INDEX proc_host ON proc (host_id);
CREATE INDEX proc_job ON proc (job_id);
CREATE TABLE depend (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  target TEXT NOT NULL,
  any_frame INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  er_job_id TEXT NOT NULL,
  er_layer_id TEXT NOT NULL DEFAULT '',
  er_frame_id TEXT NOT NULL DEFAULT '',
  on_job_id TEXT NOT NULL,
  on_layer_id TEXT NOT NULL DEFAULT '',
  on_frame_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX depend_on_job ON depend (on_job_id, active);
CREATE INDEX depend_er_job ON depend (er_job_id);
CREATE TABLE frame_history (
  id TEXT PRIMARY KEY,
  frame_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  proc_id TEXT NOT NULL,
  host_name TEXT NOT NULL,
  cores INTEGER NOT NULL,
  reserved_memory BIGINT NOT NULL,
  start_time BIGINT NOT NULL,
  stop_time BIGINT NOT NULL,
  exit_status INTEGER NOT NULL,
  exit_signal INTEGER NOT NULL,
  max_rss BIGINT NOT NULL
);
CREATE INDEX frame_history_frame ON frame_history (frame_id);
CREATE TABLE comments (
  id TEXT PRIMARY KEY,
  parent_id TEXT NOT NULL,
  time_stamp BIGINT NOT NULL,
  user_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE TABLE filter (
  id TEXT PRIMARY KEY,
  show_id TEXT NOT NULL REFERENCES show(id),
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  ordering REAL NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE matcher (
  id TEXT PRIMARY KEY,
  filter_id TEXT NOT NULL REFERENCES filter(id),
  subject INTEGER NOT NULL,
  match_type INTEGER NOT NULL,
  input TEXT NOT NULL
);
CREATE TABLE action (
  id TEXT PRIMARY KEY,
  filter_id TEXT NOT NULL REFERENCES filter(id),
  type INTEGER NOT NULL,
  value_type INTEGER NOT NULL,
  group_value TEXT NOT NULL DEFAULT '',
  string_value TEXT NOT NULL DEFAULT '',
  integer_value BIGINT NOT NULL DEFAULT 0,
  float_value REAL NOT NULL DEFAULT 0,
  boolean_value INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE owner (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  show_id TEXT NOT NULL
);
CREATE TABLE deed (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES owner(id),
  host_id TEXT NOT NULL UNIQUE REFERENCES host(id)
);
)sql";

// V2: slots (CJSL 1.16 slots_required on layers; a host's concurrent frame slots); a
// host's manual tags (kept across rqd restarts; `tags` is hardware + allocation + manual).
constexpr absl::string_view kV2 = R"sql(
ALTER TABLE layer ADD COLUMN slots_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE host ADD COLUMN slots INTEGER NOT NULL DEFAULT 0;
ALTER TABLE host ADD COLUMN manual_tags TEXT NOT NULL DEFAULT '';
)sql";

// V3: what the whole OpenCue API stores (issue 7), one block per area.
constexpr absl::string_view kV3 = R"sql(
-- jobs, layers, frames
-- shows, groups, departments, filters, services, owners, tasks
CREATE TABLE show_dept (
  id TEXT PRIMARY KEY,
  show_id TEXT NOT NULL REFERENCES show(id),
  dept_id TEXT NOT NULL REFERENCES dept(id),
  ti_task TEXT NOT NULL DEFAULT '',
  managed_cores INTEGER NOT NULL DEFAULT 0,
  ti_managed INTEGER NOT NULL DEFAULT 0,
  UNIQUE (show_id, dept_id)
);
CREATE TABLE task (
  id TEXT PRIMARY KEY,
  show_dept_id TEXT NOT NULL REFERENCES show_dept(id),
  shot TEXT NOT NULL,
  min_cores INTEGER NOT NULL DEFAULT 0,
  adjust_cores INTEGER NOT NULL DEFAULT 0,
  UNIQUE (show_dept_id, shot)
);
CREATE TABLE render_partition (
  id TEXT PRIMARY KEY,
  host_id TEXT NOT NULL REFERENCES host(id),
  job_id TEXT NOT NULL REFERENCES job(id),
  layer_id TEXT NOT NULL DEFAULT '',
  frame_id TEXT NOT NULL DEFAULT '',
  type INTEGER NOT NULL DEFAULT 0,
  max_cores INTEGER NOT NULL DEFAULT 0,
  max_memory BIGINT NOT NULL DEFAULT 0,
  max_gpus INTEGER NOT NULL DEFAULT 0,
  max_gpu_memory BIGINT NOT NULL DEFAULT 0,
  threads INTEGER NOT NULL DEFAULT 1
);
ALTER TABLE matcher ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
ALTER TABLE action ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
-- hosts, procs, allocations, facilities
)sql";

// V4: the rest of the OpenCue API (issue 7): GPU settings of shows and groups, layer
// holds, checkpoints, frame change times for GetUpdatedFrames, proc redirects, the farm's
// default allocation, frame display overrides.
constexpr absl::string_view kV4 = R"sql(
ALTER TABLE show ADD COLUMN default_min_gpus INTEGER NOT NULL DEFAULT 0;
ALTER TABLE show ADD COLUMN default_max_gpus INTEGER NOT NULL DEFAULT 100;
ALTER TABLE show ADD COLUMN scheduler_managed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folder ADD COLUMN default_job_min_gpus INTEGER NOT NULL DEFAULT -1;
ALTER TABLE folder ADD COLUMN default_job_max_gpus INTEGER NOT NULL DEFAULT -1;
ALTER TABLE folder ADD COLUMN min_gpus INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folder ADD COLUMN max_gpus INTEGER NOT NULL DEFAULT -1;
ALTER TABLE layer ADD COLUMN memory_optimizer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE layer ADD COLUMN start_after BIGINT NOT NULL DEFAULT 0;
ALTER TABLE layer ADD COLUMN start_after_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE frame ADD COLUMN checkpoint_state INTEGER NOT NULL DEFAULT 0;
ALTER TABLE frame ADD COLUMN updated_time BIGINT NOT NULL DEFAULT 0;
CREATE INDEX frame_job_updated ON frame (job_id, updated_time);
-- Every change of a frame row stamps it (the database's clock, seconds), whichever code
-- path made it; GetUpdatedFrames reads the stamps.
CREATE TRIGGER frame_touch AFTER UPDATE ON frame WHEN NEW.updated_time = OLD.updated_time
BEGIN
  UPDATE frame SET updated_time = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
ALTER TABLE proc ADD COLUMN redirect_job_id TEXT NOT NULL DEFAULT '';
ALTER TABLE proc ADD COLUMN redirect_group_id TEXT NOT NULL DEFAULT '';
ALTER TABLE proc ADD COLUMN unbook INTEGER NOT NULL DEFAULT 0;
CREATE TABLE farm_setting (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE frame_display_override (
  id TEXT PRIMARY KEY,
  frame_id TEXT NOT NULL REFERENCES frame(id),
  state INTEGER NOT NULL,
  text TEXT NOT NULL,
  red INTEGER NOT NULL DEFAULT 0,
  green INTEGER NOT NULL DEFAULT 0,
  blue INTEGER NOT NULL DEFAULT 0,
  UNIQUE (frame_id, state)
);
)sql";

// Job and layer statistics kept as frames change, so that the reads GUIs poll
// (GetJobs, GetLayers) never count frames: frames per (layer, state), and per layer the
// core-seconds spent and the highest RSS. Frames are only ever inserted by createJobs,
// which writes their first counts; every state change after that is counted here.
// Frames are paged in dispatch order by layer (frame_layer_order).
constexpr absl::string_view kV5 = R"sql(
CREATE TABLE frame_count (
  layer_id TEXT NOT NULL REFERENCES layer(id),
  job_id TEXT NOT NULL REFERENCES job(id),
  state TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (layer_id, state)
);
CREATE INDEX frame_count_job ON frame_count (job_id);
INSERT INTO frame_count (layer_id, job_id, state, n)
  SELECT layer_id, job_id, state, COUNT(*) FROM frame GROUP BY layer_id, job_id, state;
CREATE TRIGGER frame_count_state AFTER UPDATE OF state ON frame WHEN NEW.state <> OLD.state
BEGIN
  UPDATE frame_count SET n = n - 1 WHERE layer_id = OLD.layer_id AND state = OLD.state;
  INSERT INTO frame_count (layer_id, job_id, state, n) VALUES (NEW.layer_id, NEW.job_id, NEW.state, 1)
    ON CONFLICT (layer_id, state) DO UPDATE SET n = n + 1;
END;
ALTER TABLE layer ADD COLUMN core_time BIGINT NOT NULL DEFAULT 0;
ALTER TABLE layer ADD COLUMN peak_rss BIGINT NOT NULL DEFAULT 0;
UPDATE layer SET
  core_time = (SELECT COALESCE(SUM(total_core_time), 0) FROM frame WHERE frame.layer_id = layer.id),
  peak_rss = (SELECT COALESCE(MAX(max_rss), 0) FROM frame WHERE frame.layer_id = layer.id);
CREATE TRIGGER frame_usage AFTER UPDATE OF total_core_time, max_rss ON frame
WHEN NEW.total_core_time <> OLD.total_core_time OR NEW.max_rss > OLD.max_rss
BEGIN
  UPDATE layer SET core_time = core_time + NEW.total_core_time - OLD.total_core_time,
                   peak_rss = MAX(peak_rss, NEW.max_rss) WHERE id = NEW.layer_id;
END;
DROP INDEX frame_layer_dispatch;
CREATE INDEX frame_layer_order ON frame (layer_id, dispatch_order);
CREATE INDEX layer_job_order ON layer (job_id, dispatch_order);
)sql";

// V6: the GPU memory a frame uses, as rqd reports it (RunningFrameInfo used_gpu_memory and
// max_used_gpu_memory, KB): now and its peak, on the proc and on its frame. Rows of older
// stores read 0 (not measured).
constexpr absl::string_view kV6 = R"sql(
ALTER TABLE proc ADD COLUMN used_gpu_memory BIGINT NOT NULL DEFAULT 0;
ALTER TABLE proc ADD COLUMN max_gpu_memory BIGINT NOT NULL DEFAULT 0;
ALTER TABLE frame ADD COLUMN used_gpu_memory BIGINT NOT NULL DEFAULT 0;
ALTER TABLE frame ADD COLUMN max_gpu_memory BIGINT NOT NULL DEFAULT 0;
)sql";

// V7: several cuebots on one database. cuebot_lease: the booking leadership (holder,
// fencing token, expiry in epoch ms); farm_change: what each cuebot changed, read by the
// others to keep their farm models in step (kept a few minutes).
constexpr absl::string_view kV7 = R"sql(
CREATE TABLE cuebot_lease (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL DEFAULT '',
  token BIGINT NOT NULL DEFAULT 0,
  expires_ms BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE farm_change (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  origin TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL
);
CREATE INDEX farm_change_created ON farm_change (created);
)sql";

// V8: frame_job_updated leaves out the frames never changed since their job was submitted
// (updated_time 0). GetUpdatedFrames asks for frames changed since a time, so it never
// wanted them, and submitting a million-frame job no longer writes a million entries
// into the index (about a seventh of the time SQLite took to insert the frames).
//
// And frame_touch (V4) rewrites a frame row only when the change did not stamp it and it
// was not already stamped this second (same stamp): the busiest updates (booking,
// completion, usage) stamp the row themselves, and before each of them wrote the row twice.
// PostgreSQL's BEFORE trigger writes no second row; it is no longer called for them.
constexpr absl::string_view kV8 = R"sql(
DROP INDEX frame_job_updated;
CREATE INDEX frame_job_updated ON frame (job_id, updated_time) WHERE updated_time > 0;
DROP TRIGGER frame_touch;
CREATE TRIGGER frame_touch AFTER UPDATE ON frame
WHEN NEW.updated_time = OLD.updated_time
  AND OLD.updated_time < CAST(strftime('%s', 'now') AS INTEGER)
BEGIN
  UPDATE frame SET updated_time = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = NEW.id;
END;
)sql";

constexpr absl::string_view kV8TouchPostgres = R"sql(
DROP TRIGGER frame_touch ON frame;
CREATE TRIGGER frame_touch BEFORE UPDATE ON frame FOR EACH ROW
  WHEN (NEW.updated_time = OLD.updated_time) EXECUTE FUNCTION frame_touch();
)sql";

// PostgreSQL's forms of the statements above that SQLite writes its own way: its
// triggers call functions, and the trigger bodies of V4 and V5. Same tables, same meaning.
constexpr absl::string_view kV4TouchPostgres = R"sql(
CREATE FUNCTION frame_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.updated_time = OLD.updated_time THEN
    NEW.updated_time := CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER frame_touch BEFORE UPDATE ON frame FOR EACH ROW EXECUTE FUNCTION frame_touch();
)sql";

constexpr absl::string_view kV5CountsPostgres = R"sql(
CREATE FUNCTION frame_count_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE frame_count SET n = n - 1 WHERE layer_id = OLD.layer_id AND state = OLD.state;
  INSERT INTO frame_count (layer_id, job_id, state, n) VALUES (NEW.layer_id, NEW.job_id, NEW.state, 1)
    ON CONFLICT (layer_id, state) DO UPDATE SET n = frame_count.n + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER frame_count_state AFTER UPDATE OF state ON frame FOR EACH ROW
  WHEN (NEW.state <> OLD.state) EXECUTE FUNCTION frame_count_state();
CREATE FUNCTION frame_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE layer SET core_time = core_time + NEW.total_core_time - OLD.total_core_time,
                   peak_rss = GREATEST(peak_rss, NEW.max_rss) WHERE id = NEW.layer_id;
  RETURN NULL;
END $$;
CREATE TRIGGER frame_usage AFTER UPDATE OF total_core_time, max_rss ON frame FOR EACH ROW
  WHEN (NEW.total_core_time <> OLD.total_core_time OR NEW.max_rss > OLD.max_rss)
  EXECUTE FUNCTION frame_usage();
)sql";

// V9: on PostgreSQL, a statement that counts its frames and sums their layers' usage
// itself (a booking or completion chunk: sql_store_book.cpp, sql_store_complete.cpp) sets
// cue.frames_counted for its duration, and frame_count_state and frame_usage skip its
// rows: each runs PL/pgSQL once per frame, which cost a third of the store's bookings and
// two fifths of its completions. SQLite's triggers are unchanged (a few percent there).
constexpr absl::string_view kV9 = R"sql(
SELECT 1;
)sql";

constexpr absl::string_view kV9CountsPostgres = R"sql(
DROP TRIGGER frame_count_state ON frame;
CREATE TRIGGER frame_count_state AFTER UPDATE OF state ON frame FOR EACH ROW
  WHEN (NEW.state <> OLD.state AND
        current_setting('cue.frames_counted', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION frame_count_state();
DROP TRIGGER frame_usage ON frame;
CREATE TRIGGER frame_usage AFTER UPDATE OF total_core_time, max_rss ON frame FOR EACH ROW
  WHEN ((NEW.total_core_time <> OLD.total_core_time OR NEW.max_rss > OLD.max_rss) AND
        current_setting('cue.frames_counted', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION frame_usage();
)sql";

// Cuts `text` at the first "CREATE TRIGGER <name>" and its BEGIN ... END; block,
// returning what is before and what is after.
std::pair<std::string, std::string> cutTrigger(absl::string_view text, absl::string_view name) {
  size_t at = text.find(absl::StrCat("CREATE TRIGGER ", name, " "));
  size_t end = text.find("\nEND;\n", at);
  return {std::string(text.substr(0, at)), std::string(text.substr(end + 6))};
}

// SQLite's script in PostgreSQL's types: INTEGER is 64-bit in SQLite (BIGINT here) and
// REAL is 8-byte (DOUBLE PRECISION; PostgreSQL's REAL is 4-byte).
std::string postgresTypes(absl::string_view sqlite) {
  static const std::regex kInteger(R"(\bINTEGER\b)"), kReal(R"(\bREAL\b)");
  std::string out = std::regex_replace(std::string(sqlite), kInteger, "BIGINT");
  return std::regex_replace(out, kReal, "DOUBLE PRECISION");
}

// V10: on PostgreSQL, proc's foreign keys go. Each booking's proc row ran four of them
// (host, job, layer, frame), each a trigger and a query that also locks the parent row, a
// fifth of a booking's time on the server. What they guarded is guarded without them: the
// booking reads its frames and updates its host in the same serializable transaction (a
// host deleted meanwhile fails one of the two), frames, layers and jobs are never deleted,
// and proc.frame_id stays UNIQUE (one proc per frame). SQLite keeps them: there they cost a
// few percent, and removing one means copying the table.
constexpr absl::string_view kV10 = R"sql(
SELECT 1;
)sql";

constexpr absl::string_view kV10ProcKeysPostgres = R"sql(
ALTER TABLE proc DROP CONSTRAINT IF EXISTS proc_host_id_fkey,
  DROP CONSTRAINT IF EXISTS proc_job_id_fkey, DROP CONSTRAINT IF EXISTS proc_layer_id_fkey,
  DROP CONSTRAINT IF EXISTS proc_frame_id_fkey;
)sql";

// V11: on PostgreSQL, frame's foreign keys (job, layer) go, as proc's did in V10. A
// submission ran two of them for every frame, each a trigger and a query locking the
// parent row: about a third of the frames' insert on the server. The frames go in only
// with their job and layers, in createJobs' one transaction, and jobs, layers and frames
// are never deleted. SQLite keeps them.
constexpr absl::string_view kV11 = R"sql(
SELECT 1;
)sql";

constexpr absl::string_view kV11FrameKeysPostgres = R"sql(
ALTER TABLE frame DROP CONSTRAINT IF EXISTS frame_job_id_fkey,
  DROP CONSTRAINT IF EXISTS frame_layer_id_fkey;
)sql";

// V12: one index fewer on frame. frame_job_state (job, state) and frame_job_updated (job,
// updated_time) become one, (job, state, updated_time): GetUpdatedFrames names every state
// and the index seeks each one's frames changed since its time. A frame changes state at
// every booking and completion, so each such update wrote an entry into every index of the
// table: on PostgreSQL the indexes were three fifths of a frame update's time on the server
// and this one about a seventh.
//
// On PostgreSQL, frame_count's foreign keys (layer, job) go. PostgreSQL checks a foreign
// key again whenever the row it updates was written earlier in the same transaction, and a
// completion written with the bookings of the cores it frees moves its layers' RUNNING
// counts twice: two triggers and queries per count row, three fifths of the counts' time on
// the server. Count rows are written only with their frames (createJobs) and by the
// statements that move frames, and jobs and layers are never deleted. SQLite keeps them.
//
// And there frame_count's and host's pages keep half their room free, for the new
// versions of their rows: every booking and completion updates a few of each, and an
// update that finds room in its row's page writes no index entry (a heap-only tuple). With
// full pages, half of the counts' updates and a quarter of the hosts' wrote one into every
// index.
constexpr absl::string_view kV12 = R"sql(
DROP INDEX frame_job_updated;
DROP INDEX frame_job_state;
CREATE INDEX frame_job_state ON frame (job_id, state, updated_time);
)sql";

constexpr absl::string_view kV12CountKeysPostgres = R"sql(
ALTER TABLE frame_count DROP CONSTRAINT IF EXISTS frame_count_layer_id_fkey,
  DROP CONSTRAINT IF EXISTS frame_count_job_id_fkey;
ALTER TABLE frame_count SET (fillfactor = 50);
ALTER TABLE host SET (fillfactor = 50);
)sql";

std::vector<std::string> postgresMigrations() {
  std::vector<std::string> all;
  for (auto v : {kV1, kV2, kV3}) all.push_back(postgresTypes(v));
  auto [v4_head, v4_tail] = cutTrigger(kV4, "frame_touch");
  all.push_back(absl::StrCat(postgresTypes(v4_head), kV4TouchPostgres, postgresTypes(v4_tail)));
  auto [v5_head, v5_rest] = cutTrigger(kV5, "frame_count_state");
  auto [v5_mid, v5_tail] = cutTrigger(v5_rest, "frame_usage");
  all.push_back(absl::StrCat(postgresTypes(v5_head), postgresTypes(v5_mid), kV5CountsPostgres,
                             postgresTypes(v5_tail)));
  all.push_back(postgresTypes(kV6));
  all.push_back(absl::StrReplaceAll(
      postgresTypes(kV7), {{"seq BIGINT PRIMARY KEY AUTOINCREMENT", "seq BIGSERIAL PRIMARY KEY"}}));
  all.push_back(
      absl::StrCat(postgresTypes(kV8.substr(0, kV8.find("DROP TRIGGER"))), kV8TouchPostgres));
  all.emplace_back(kV9CountsPostgres);
  all.emplace_back(kV10ProcKeysPostgres);
  all.emplace_back(kV11FrameKeysPostgres);
  all.push_back(absl::StrCat(postgresTypes(kV12), kV12CountKeysPostgres));
  return all;
}

}  // namespace

const std::vector<absl::string_view>& migrations() {
  static const std::vector<absl::string_view> kAll{kV1, kV2, kV3, kV4,  kV5,  kV6,
                                                   kV7, kV8, kV9, kV10, kV11, kV12};
  return kAll;
}

const std::vector<std::string>& migrations(absl::string_view dialect) {
  static const std::vector<std::string> kSqlite(migrations().begin(), migrations().end());
  static const std::vector<std::string> kPostgres = postgresMigrations();
  return dialect == "postgresql" ? kPostgres : kSqlite;
}

}  // namespace cue::store
