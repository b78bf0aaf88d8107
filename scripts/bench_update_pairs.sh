#!/bin/bash
# Time `kg build --update BUILD_COPY NEW.jsonl -p 2` with the code of several worktrees, in
# turn, each onto its own copy of the same build, with cold caches: the paired figures of
# the README's "update's copies" tables.
#
#   scripts/bench_update_pairs.sh BUILD NEW.jsonl ROUNDS WORKTREE...
#
# BUILD: a build (e.g. `scripts/bench_update.sh`'s FOLDER/new after its run). Each run
# updates BUILD.work, a hard-linked copy (`cp -al`: an update only reads the previous build's
# files, which the size, time and inode listing checked at the end confirms), after `sync`
# and dropping the page cache (needs root; else the runs are warm and it says so). EXPORTS
# are passed to every run (default none).
set -euo pipefail
BUILD=$(cd "$1" && pwd); NEW=$(realpath "$2"); ROUNDS=$3; shift 3
ROOT=$(cd "$(dirname "$0")/.." && pwd); PY=$ROOT/.venv/bin/python
export OMP_NUM_THREADS=1
listing() { (cd "$BUILD" && find . -printf '%p %s %T@ %i\n' | sort); }
before=$(listing)
for round in $(seq 1 "$ROUNDS"); do
  for tree in "$@"; do
    tree=$(cd "$tree" && pwd)
    rm -rf "$BUILD.work"; cp -al "$BUILD" "$BUILD.work"; sync
    { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null || echo "(page cache not dropped: not root)"
    start=$(date +%s.%N)
    (cd "$tree" && PYTHONPATH=$tree $PY -m kg build --update "$BUILD.work" "$NEW" -p 2 ${EXPORTS:-} > /dev/null)
    echo "round $round, $(git -C "$tree" rev-parse --short HEAD) ($tree): $(echo "$(date +%s.%N) - $start" | bc) s"
    $PY -c "import json, sys; s = json.load(open(sys.argv[1])); print(' ', s['steps'])" "$BUILD.work/summary.json"
  done
done
rm -rf "$BUILD.work"
[[ "$(listing)" == "$before" ]] && echo "the build's files are unchanged" || { echo "the build's files changed"; exit 1; }
