#!/usr/bin/env bash
# Measures `vigil run` (release build): events per second and peak memory
# on a synthetic file of Auth0 events, for a filter-only detection (with and
# without the raw-text prefilter), a selective filter-only detection, and a
# `stats ... by` detection.
# Usage: bench/run.sh [EVENTS] (default 1000000). BENCH_DIR keeps the
# generated file between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
events="$work/events-$count.ndjson"

cargo build --release --quiet
vigil=target/release/vigil
if [ ! -f "$events" ]; then
    "$vigil" gen-events --count "$count" --seed 42 > "$events"
fi
size_mb=$(( $(stat -c %s "$events") / 1048576 ))
echo "input: $count synthetic events, $size_mb MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Best of three runs (the machine may be shared): wall time, CPU time of
# that run, peak resident memory.
measure() {
    local name="$1"; shift
    local log="$work/time-$name.txt" best="" best_cpu="" rss=""
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %U %S %M" -o "$log" \
            "$vigil" run "$@" --events "$events" --no-progress > "$work/out-$name.ndjson"
        read -r wall user sys kb < "$log"
        if [ -z "$best" ] || awk "BEGIN {exit !($wall < $best)}"; then
            best="$wall"; best_cpu=$(awk "BEGIN {print $user + $sys}"); rss="$kb"
        fi
    done
    local rows
    rows=$(wc -l < "$work/out-$name.ndjson")
    awk -v n="$name" -v c="$count" -v s="$best" -v u="$best_cpu" -v r="$rss" -v rows="$rows" 'BEGIN {
        printf "%-20s %6.2f s wall %10.0f events/s   %6.2f s CPU %10.0f events/CPU-s   peak RSS %6.1f MiB   %d rows\n",
            n, s, c / s, u, c / u, r / 1024, rows
    }'
}

measure filter bench/filter.vigil
measure filter-no-prefilter bench/filter.vigil --no-prefilter
measure selective bench/selective.vigil
measure stats-by bench/stats.vigil
