#!/usr/bin/env bash
# Screenshots of cuegui's views for docs/, taken against a throw-away local farm running
# real jobs: a cuebot on SQLite and one rqd on loopback (ports picked by the kernel), jobs
# submitted with cuesubmit (running, failing, paused, waiting on a depend, finished), then
# cuegui --screenshot under Xvfb (or Qt's offscreen platform when xvfb-run is missing):
# Monitor Jobs, a job's Monitor Job Details, a frame's log, why a job is not running, its
# depends and comments, CueCommander's tabs (Hosts, Allocations, Subscriptions, Shows,
# Services, Limits, Monitor Cue) and a show's filters editor; and cuesubmit-gui, prefilled. A filter and a comment are made
# through the API with Cue's protos compiled for Python (protoc, /usr/bin/python3's grpcio).
#   scripts/gui-screenshots.sh [OUT_DIR]      (default docs/images)
# CUE_BIN: where cuebot/, rqd/ and cli/ are (default build/src); cuegui is build/src/gui.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-docs/images}
BIN=${CUE_BIN:-$PWD/build/src}
GUI=${CUEGUI:-$PWD/build/src/gui/cuegui}
SUBMIT_GUI=${CUESUBMIT_GUI:-$(dirname "$GUI")/cuesubmit-gui}
for b in "$BIN/cuebot/cuebot" "$BIN/rqd/rqd" "$BIN/cli/cuesubmit" "$GUI" "$SUBMIT_GUI"; do
  [ -x "$b" ] || { echo "gui-screenshots: $b is not built" >&2; exit 2; }
done
mkdir -p "$OUT"
TMP=$(mktemp -d)
chmod 755 "$TMP"
mkdir -p "$TMP/logs" && chmod 1777 "$TMP/logs"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# Polls `cond` every 0.2 s for up to `secs` seconds.
wait_for() {
  local secs=$1; shift
  for _ in $(seq $((secs * 5))); do "$@" && return 0; sleep 0.2; done
  return 1
}

"$BIN/cuebot/cuebot" --port 0 --bind 127.0.0.1 --db "$TMP/cue.db" --log-root "$TMP/logs" \
  --port-file "$TMP/port" --sweep-interval-ms 500 >"$TMP/cuebot.log" 2>&1 &
pids+=($!)
wait_for 20 test -s "$TMP/port" || { cat "$TMP/cuebot.log" >&2; exit 1; }
CUEBOT=127.0.0.1:$(cat "$TMP/port")
"$BIN/rqd/rqd" --cuebot "$CUEBOT" --port 0 --log-root "$TMP/logs" --spool-dir "$TMP/spool" \
  --no-cgroups --cores 8 --report-interval 1 >"$TMP/rqd.log" 2>&1 &
pids+=($!)

submit() { "$BIN/cli/cuesubmit" -server "$CUEBOT" -show testing -shot sh010 -user artist "$@" >/dev/null; }
# The quick jobs first, so that they are booked before the long ones fill the host.
submit -name layout_v002 -layer render -cmd "true" -range 1-4 -cores 1
submit -name fx_sim_v003 -max-retries 0 -layer sim -cmd "test #IFRAME# -le 6 || exit 3" \
  -range 1-12 -cores 1
submit -name lighting_v007 -pause -layer beauty -cmd "sleep 60" -range 1-100
submit -name anim_playblast -layer cache -cmd "sleep 120" -range 1-5 \
  -layer playblast -cmd "true" -range 1-5 -depend layer
submit -name comp_v012 -layer comp -cmd "sleep 120" -range 1-40 -cores 1

# Until the fx job has its dead frames and the layout job is done.
count() { "$BIN/cli/cueman" -server "$CUEBOT" -lf "testing-sh010-artist_$1" -state "$2" 2>/dev/null |
  grep -c "$3" || true; }
ready() { [ "$(count fx_sim_v003 DEAD sim)" -ge 6 ] && [ "$(count layout_v002 SUCCEEDED render)" -ge 4 ]; }
# A filter for the filters editor and a comment for the comments dialog, through the API.
CUE_PROTO_DIR=$PWD/proto /usr/bin/python3 - "$CUEBOT" <<'PY'
import sys
sys.path.insert(0, "tests/integration/api")
import cuefarm, grpc
from cuefarm import pb
channel = grpc.insecure_channel(sys.argv[1])
def call(service, method, request):
    return channel.unary_unary(f"/{service}/{method}",
                               request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=cuefarm.response_type(request).FromString)(
        request, timeout=10)
s, f, j, c = pb["show"], pb["filter"], pb["job"], pb["comment"]
show = call("show.ShowInterface", "FindShow", s.ShowFindShowRequest(name="testing")).show
flt = call("show.ShowInterface", "CreateFilter",
           s.ShowCreateFilterRequest(show=show, name="urgent comps")).filter
call("filter.FilterInterface", "CreateMatcher", f.FilterCreateMatcherRequest(
    filter=flt, data=f.Matcher(subject=f.JOB_NAME, type=f.CONTAINS, input="comp")))
call("filter.FilterInterface", "CreateAction", f.FilterCreateActionRequest(
    filter=flt, data=f.Action(type=f.SET_JOB_PRIORITY, value_type=f.INTEGER_TYPE,
                              integer_value=200)))
job = call("job.JobInterface", "FindJob",
           j.JobFindJobRequest(name="testing-sh010-artist_fx_sim_v003")).job
call("job.JobInterface", "AddComment", j.JobAddCommentRequest(job=job, new_comment=c.Comment(
    user="wrangler", subject="sim frames 7-12 fail",
    message="Exit 3 past frame 6: the cache ends at 6. Re-cache before retrying.")))
PY

export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
wait_for 60 ready || echo "gui-screenshots: the farm did not reach the pictured state" >&2

# shoot_with PROGRAM ARGS...: one program's picture, under Xvfb when there is one.
shoot_with() {
  if command -v xvfb-run >/dev/null; then
    QT_QPA_PLATFORM=xcb timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" "$@"
  else
    timeout 120 "$@"
  fi
}
shoot() { shoot_with "$GUI" "$@"; }
shoot --server "$CUEBOT" --all-users --finished --screenshot "$OUT/cuegui-monitor-jobs.png"
echo "gui-screenshots: wrote $OUT/cuegui-monitor-jobs.png"
JOB=testing-sh010-artist
shoot --server "$CUEBOT" --all-users --finished --job "${JOB}_fx_sim_v003" \
  --screenshot "$OUT/cuegui-job-details.png"
echo "gui-screenshots: wrote $OUT/cuegui-job-details.png"
shoot --server "$CUEBOT" --all-users --finished --job "${JOB}_fx_sim_v003" --log 0008-sim \
  --screenshot "$OUT/cuegui-frame-log.png"
echo "gui-screenshots: wrote $OUT/cuegui-frame-log.png"
shoot --server "$CUEBOT" --all-users --job "${JOB}_comp_v012" --dialog why \
  --screenshot "$OUT/cuegui-why-not-running.png"
echo "gui-screenshots: wrote $OUT/cuegui-why-not-running.png"
shoot --server "$CUEBOT" --all-users --job "${JOB}_anim_playblast" --dialog depends \
  --screenshot "$OUT/cuegui-depends.png"
echo "gui-screenshots: wrote $OUT/cuegui-depends.png"
shoot --server "$CUEBOT" --all-users --finished --job "${JOB}_fx_sim_v003" --dialog comments \
  --screenshot "$OUT/cuegui-comments.png"
echo "gui-screenshots: wrote $OUT/cuegui-comments.png"
# CueCommander's Hosts tab: the rqd's host, its running frames below it; its Subscriptions.
shoot --server "$CUEBOT" --commander --screenshot "$OUT/cuegui-monitor-hosts.png"
echo "gui-screenshots: wrote $OUT/cuegui-monitor-hosts.png"
for tab in allocations subscriptions shows services limits monitorcue; do
  shoot --server "$CUEBOT" --commander --tab $tab --screenshot "$OUT/cuegui-$tab.png"
  echo "gui-screenshots: wrote $OUT/cuegui-$tab.png"
done
shoot --server "$CUEBOT" --commander --tab shows --filters testing \
  --screenshot "$OUT/cuegui-filters.png"
echo "gui-screenshots: wrote $OUT/cuegui-filters.png"
# cuesubmit-gui prefilled as the Blender add-on opens it.
shoot_with "$SUBMIT_GUI" --server "$CUEBOT" --job-name sh010_lighting --show testing --shot sh010 \
  --user artist --layer-type blender --layer-name beauty --scene /shots/sh010/lighting_v007.blend \
  --output /renders/sh010/beauty.#### --format EXR --range 1-100 --chunk 5 \
  --screenshot "$OUT/cuesubmit-gui.png"
echo "gui-screenshots: wrote $OUT/cuesubmit-gui.png"
