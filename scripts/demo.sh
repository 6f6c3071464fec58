#!/usr/bin/env bash
# The main job: install, build, start a local farm (cuebot on SQLite + rqd), and run a
# real job on it: 24 frames of a POV-Ray animation, then an ffmpeg layer that encodes
# them into a movie, depending on the render frame by frame.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/install-deps.sh
bash scripts/build.sh
bash scripts/farm.sh start
FARM=${CUE_FARM:-$ROOT/cue-farm}
CUEBOT_PORT=${CUEBOT_PORT:-8443}

# Frames never run as root: as root, the demo renders as "nobody".
if [ "$(id -u)" = 0 ]; then RUN_UID=$(id -u nobody); RUN_USER=nobody; else RUN_UID=$(id -u); RUN_USER=$(id -un); fi
RUN=$(date +%Y%m%d-%H%M%S)
# Frames write their images as that user: as root, under /tmp, which "nobody" can reach
# (the checkout may sit under /root, which it cannot).
if [ "$(id -u)" = 0 ]; then OUT_BASE=/tmp/cue-demo; else OUT_BASE=$FARM/output; fi
OUT=$OUT_BASE/$RUN
mkdir -p "$OUT" && chmod 0777 "$OUT_BASE" "$OUT"
cp demo/scene.pov "$OUT/scene.pov" && chmod 0644 "$OUT/scene.pov"
cat >"$OUT/demo.xml" <<XML
<?xml version="1.0"?>
<!DOCTYPE spec PUBLIC "SPI Cue  Specification Language" "http://localhost:8080/spcue/dtd/cjsl-1.15.dtd">
<spec>
  <facility>local</facility><show>testing</show><shot>demo</shot>
  <user>$RUN_USER</user><uid>$RUN_UID</uid>
  <job name="turntable_$RUN">
    <paused>False</paused><priority>10</priority><maxretries>1</maxretries><autoeat>False</autoeat>
    <env><key name="HOME">/tmp</key></env>
    <layers>
      <layer name="render" type="Render">
        <cmd>cd $OUT &amp;&amp; povray +Iscene.pov +O$OUT/frame.png +W480 +H360 +A0.3 +KFI1 +KFF24 +KC +SF#IFRAME# +EF#IFRAME# -D -V</cmd>
        <range>1-24</range><chunk>1</chunk><cores>1.0</cores><memory>512m</memory>
        <services><service>shell</service></services>
      </layer>
      <layer name="encode" type="Render">
        <cmd>ffmpeg -y -loglevel error -framerate 12 -i $OUT/frame%02d.png -pix_fmt yuv420p $OUT/turntable.mp4</cmd>
        <range>1-24</range><chunk>24</chunk><cores>1.0</cores><memory>512m</memory>
        <services><service>shell</service></services>
      </layer>
    </layers>
  </job>
  <depends>
    <depend type="FRAME_BY_FRAME" anyframe="False">
      <depjob>turntable_$RUN</depjob><deplayer>encode</deplayer>
      <onjob>turntable_$RUN</onjob><onlayer>render</onlayer>
    </depend>
  </depends>
</spec>
XML
echo "submitting $OUT/demo.xml"
set +e
"$ROOT/build/src/cli/cuesubmit" --cuebot "localhost:$CUEBOT_PORT" --wait "$OUT/demo.xml"
rc=$?
set -e
echo
echo "frames: $OUT/frame01.png ... frame24.png"
echo "movie:  $OUT/turntable.mp4"
echo "logs:   $(bash scripts/farm.sh logs)/testing/demo/logs/ (one <job>.<frame>.rqlog per frame)"
echo "farm:   still running; stop it with scripts/farm.sh stop"
exit $rc
