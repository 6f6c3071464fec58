#!/usr/bin/env bash
# A local farm: one cuebot on SQLite and one rqd, both in the background.
#   scripts/farm.sh start   start them (state, logs and pids in ./cue-farm)
#   scripts/farm.sh stop    stop them (the store stays: the next start resumes it)
#   scripts/farm.sh status  what runs
#   scripts/farm.sh logs    prints where frame logs go
# Options through the environment: CUEBOT_PORT (8443), RQD_PORT (8444), CUE_FARM (./cue-farm),
# CUE_FARM_LOGS (frame logs: $CUE_FARM/logs, or /tmp/cue-farm-logs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
FARM=${CUE_FARM:-$PWD/cue-farm}
CUEBOT_PORT=${CUEBOT_PORT:-8443}
RQD_PORT=${RQD_PORT:-8444}
BIN=$PWD/build/src
# Frames create their logs with their own user's rights, so the log area is open to them
# as a show's log directories are. As root, frames run as "nobody", who may not enter the
# checkout (it may sit under /root): their logs then go under /tmp.
if [ "$(id -u)" = 0 ]; then LOGS=${CUE_FARM_LOGS:-/tmp/cue-farm-logs}; else LOGS=${CUE_FARM_LOGS:-$FARM/logs}; fi
mkdir -p "$FARM" "$LOGS" && chmod 1777 "$LOGS"

running() { [ -f "$FARM/$1.pid" ] && kill -0 "$(cat "$FARM/$1.pid")" 2>/dev/null; }

start() {
  if running cuebot; then echo "cuebot already runs (pid $(cat "$FARM/cuebot.pid"))"; else
    nohup "$BIN/cuebot/cuebot" --port "$CUEBOT_PORT" --db "$FARM/cuebot.db" \
      --log-root "$LOGS" --port-file "$FARM/cuebot.port" >"$FARM/cuebot.log" 2>&1 &
    echo $! >"$FARM/cuebot.pid"
    for _ in $(seq 100); do [ -f "$FARM/cuebot.port" ] && break; sleep 0.1; done
    [ -f "$FARM/cuebot.port" ] || { echo "cuebot did not start: see $FARM/cuebot.log"; exit 1; }
    echo "cuebot listening on port $CUEBOT_PORT (store $FARM/cuebot.db, log $FARM/cuebot.log)"
  fi
  if running rqd; then echo "rqd already runs (pid $(cat "$FARM/rqd.pid"))"; else
    nohup "$BIN/rqd/rqd" --cuebot "localhost:$CUEBOT_PORT" --port "$RQD_PORT" \
      --log-root "$LOGS" --spool-dir "$FARM/rqd-spool" >"$FARM/rqd.log" 2>&1 &
    echo $! >"$FARM/rqd.pid"
    echo "rqd on port $RQD_PORT reporting to localhost:$CUEBOT_PORT (log $FARM/rqd.log)"
  fi
}

stop() {
  for p in rqd cuebot; do
    if running $p; then kill "$(cat "$FARM/$p.pid")"; echo "stopped $p"; fi
    rm -f "$FARM/$p.pid"
  done
  rm -f "$FARM/cuebot.port"
}

case "${1:-status}" in
  start) start ;;
  stop) stop ;;
  logs) echo "$LOGS" ;;
  status) for p in cuebot rqd; do running $p && echo "$p runs (pid $(cat "$FARM/$p.pid"))" || echo "$p is stopped"; done ;;
  *) echo "usage: $0 start|stop|status|logs"; exit 2 ;;
esac
