#!/usr/bin/env bash
# Measures `vigil run` (release build): events per second and peak memory
# on a synthetic file, for a filter-only detection and a `stats ... by`
# detection. Usage: bench/run.sh [EVENTS] (default 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
work="${BENCH_DIR:-$(mktemp -d)}"
events="$work/events-$count.ndjson"

cargo build --release --quiet
vigil=target/release/vigil
if [ ! -f "$events" ]; then
    "$vigil" gen-events --count "$count" --seed 42 > "$events"
fi
size_mb=$(( $(stat -c %s "$events") / 1048576 ))
echo "input: $count events, $size_mb MiB ($events)"

measure() {
    local name="$1"; shift
    local log="$work/time-$name.txt"
    # Best of three runs (the machine is shared); memory from the last.
    local best=""
    for _ in 1 2 3; do
        /usr/bin/time -v "$vigil" run "$@" --events "$events" --no-progress > "$work/out-$name.ndjson" 2> "$log"
        local secs
        secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$log")
        if [ -z "$best" ] || awk "BEGIN {exit !($secs < $best)}"; then best="$secs"; fi
    done
    local rss_kb rows
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    rows=$(wc -l < "$work/out-$name.ndjson")
    awk -v n="$name" -v c="$count" -v s="$best" -v r="$rss_kb" -v rows="$rows" 'BEGIN {
        printf "%-8s %8.2f s  %10.0f events/s  peak RSS %6.1f MiB  (%d result rows)\n", n, s, c / s, r / 1024, rows
    }'
}

measure filter bench/filter.vigil
measure stats bench/stats.vigil
