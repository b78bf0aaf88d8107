#!/bin/bash
# Time `kg build --update` of 1,000 real arXiv papers onto an N-paper build, with this
# version and with another release's code (a worktree), on copies of the same build.
#
#   scripts/bench_update.sh REAL_BUILD/extractions.jsonl OLD_WORKTREE [N] [FOLDER]
#
# OLD_WORKTREE `-` times this version alone, updating the base build in place (no copies: a
# 1M-paper build and its update's staging folder fill most of a 78 GB disk). EXPORTS (default
# `--export nt --export neo4j-csv`) are the outputs beyond the defaults, for both builds.
# With `-`: COMPACT=1 compacts the base build's Oxigraph store first (else the first update
# pays for it); UPDATES=K (default 1) updates K times, each with 1,000 further records; THEN=W
# then updates once more with the code of worktree W (a previous release, same sitting).
# The N-paper build is REAL_BUILD's records replicated (scripts/replicate_extractions.py),
# built by this version (`kg build --update` with no new input); the new papers are the first
# 1,000 records of ../shared/data/corpus/arxiv-ml.jsonl.gz that REAL_BUILD does not hold.
set -euo pipefail
SOURCE=$1; OLD=$2; [[ $OLD == - ]] || OLD=$(cd "$OLD" && pwd); N=${3:-100000}; B=${4:-/tmp/kg-bench-update}
ROOT=$(cd "$(dirname "$0")/.." && pwd); PY=$ROOT/.venv/bin/python
export OMP_NUM_THREADS=1
rm -rf "$B"; mkdir -p "$B"; cd "$ROOT"
$PY scripts/replicate_extractions.py "$SOURCE" "$N" -o "$B/base/extractions.jsonl"
$PY -c "from kg.engine.buildfolder import write_marker; from pathlib import Path; write_marker(Path('$B/base'), ['extractions.jsonl'])"
further() {  # the next 1,000 arXiv records that neither the build nor an earlier update has
  local earlier; shopt -s nullglob; earlier=("$B"/new*.jsonl); shopt -u nullglob
  $PY - "$SOURCE" "$1" "$ROOT/../shared/data/corpus/arxiv-ml.jsonl.gz" "${earlier[@]}" <<'PY'
import gzip, json, sys
have = {json.loads(line)["id"] for line in open(sys.argv[1])}
for name in sys.argv[4:]:
    have |= {json.loads(line)["id"] for line in open(name)}
with open(sys.argv[2], "w") as out:
    n = 0
    for line in gzip.open(sys.argv[3], "rt"):
        if json.loads(line)["id"] not in have:
            out.write(line)
            n += 1
            if n == 1000:
                break
PY
}
further "$B/new.jsonl"
timed() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
EXPORTS="${EXPORTS---export nt --export neo4j-csv} -p 2"
echo "base build of $N papers: $(timed $PY -m kg build --update "$B/base" $EXPORTS) s"
if [[ $OLD == - ]]; then
  mv "$B/base" "$B/new"
  if [[ ${COMPACT:-0} == 1 ]]; then
    s=$(date +%s.%N)
    $PY -c "import pyoxigraph as ox; ox.Store('$B/new/store.oxigraph').optimize()"
    echo "the base store compacted: $(echo "$(date +%s.%N) - $s" | bc) s"
  fi
  steps() { $PY -c "import json; s = json.load(open('$B/new/summary.json')); print(s['papers_in_graph'], s['steps'])"; }
  for k in $(seq 2 "${UPDATES:-1}"); do
    echo "update $((k - 1)), this version: $(timed $PY -m kg build --update "$B/new" "$B/new.jsonl" $EXPORTS) s"; steps
    mv "$B/new.jsonl" "$B/new-$((k - 1)).jsonl"; further "$B/next.jsonl"; mv "$B/next.jsonl" "$B/new.jsonl"
  done
  if [[ -n ${THEN:-} ]]; then
    echo "update ${UPDATES:-1}, this version: $(timed $PY -m kg build --update "$B/new" "$B/new.jsonl" $EXPORTS) s"; steps
    mv "$B/new.jsonl" "$B/new-${UPDATES:-1}.jsonl"; further "$B/next.jsonl"
    echo "then an update with $THEN: $(cd "$THEN" && PYTHONPATH=$THEN timed $PY -m kg build --update "$B/new" "$B/next.jsonl" $EXPORTS) s"; steps
    exit 0
  fi
else
  cp -a "$B/base" "$B/old"; cp -a "$B/base" "$B/new"
  echo "update, $OLD: $(cd "$OLD" && PYTHONPATH=$OLD timed $PY -m kg build --update "$B/old" "$B/new.jsonl" $EXPORTS) s"
  $PY -c "import json; print(json.load(open('$B/old/summary.json'))['steps'])"
fi
echo "update, this version: $(timed $PY -m kg build --update "$B/new" "$B/new.jsonl" $EXPORTS) s"
$PY -c "import json; s = json.load(open('$B/new/summary.json')); print(s['steps'], {k: v for k, v in s.get('changes', {}).items() if isinstance(v, int)})"
