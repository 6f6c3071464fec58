#!/bin/bash
# Runs drain_bench with all its files (database, frame logs, spools) on a fresh ext4 made on
# a loop device, so that what was deleted on the machine's own filesystem lately does not
# weigh on it: an ext4 without a journal walks past every inode freed in the last minutes
# when it makes a file (docs/PERFORMANCE.md, twenty-fourth session). Needs root (mount).
# A measurement, never a test.
#
#   bench/drain_fresh_fs.sh [--no-journal] [--delete N] [drain_bench args...]
#     --no-journal  make the ext4 without a journal (mkfs.ext4 -O ^has_journal)
#     --delete N    make and delete N files there first
#   Environment (RQD_FRAME_NICE, DRAIN_BENCH_LOGS, ...) passes through to drain_bench.
#   Default drain_bench args: 2000 4 2 /bin/true
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
journal=1
delete=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-journal) journal=0; shift ;;
    --delete) delete="$2"; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- 2000 4 2 /bin/true
work="$(mktemp -d)"
img="$work/fs.img"
# Not under mktemp's 0700 directory: rqd, as root, runs the frames as their job's user, and
# the bench stalled there.
mnt="/mnt/cue-drain-$$"
cleanup() {
  mountpoint -q "$mnt" && umount "$mnt"
  rmdir "$mnt" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
truncate -s 2G "$img"
if [ "$journal" = 1 ]; then mkfs.ext4 -q -F "$img"; else mkfs.ext4 -q -F -O ^has_journal "$img"; fi
mkdir -p "$mnt"
mount -o loop "$img" "$mnt"
if [ "$delete" -gt 0 ]; then
  mkdir "$mnt/deleted"
  (cd "$mnt/deleted" && seq 1 "$delete" | xargs touch)
  rm -rf "$mnt/deleted"
fi
echo "ext4 $([ "$journal" = 1 ] && echo with || echo without) a journal, $delete files deleted before"
TMPDIR="$mnt" "$root/build/bench/drain_bench" "$@"
