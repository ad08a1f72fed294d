#!/usr/bin/env bash
# Speed of the Sigma writer: `vigil compile --target sigma` (release build,
# one batch) over the detection library, and over the SigmaHQ corpus read
# back through Vigil's Sigma reader (profile sigma-raw), each run RUNS
# times; prints the median wall and CPU seconds and the rules per second.
#
#   bench/sigma-write.sh [RUNS]
#
# The SigmaHQ run needs ../shared/corpora and the Sigma reader; it is
# skipped without them.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
cargo build --release --quiet
VIGIL=target/release/vigil
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# measure NAME N CMD...: N rules; prints medians of wall and CPU seconds.
measure() {
    local name=$1 n=$2; shift 2
    local walls=() cpus=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f '%e %U %S' -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err" || true
        walls+=("$(awk '{print $1}' "$TMP/time")")
        cpus+=("$(awk '{print $2 + $3}' "$TMP/time")")
    done
    local w c
    w=$(median "${walls[@]}")
    c=$(median "${cpus[@]}")
    printf '%-34s %5d rules  wall %6.3fs  cpu %6.3fs  %8.0f rules/s (cpu)\n' \
        "$name" "$n" "$w" "$c" "$(awk -v n="$n" -v c="$c" 'BEGIN {print (c > 0 ? n / c : 0)}')"
}

echo "$RUNS runs each, $(nproc) cores"
n=$(ls detections/*.vigil | wc -l)
measure "detections/ -> Sigma" "$n" "$VIGIL" compile --target sigma --filter-only detections
CORPUS=../shared/corpora/sigmahq
if [ -d "$CORPUS" ] && "$VIGIL" debug ir "$CORPUS/rules/windows/process_creation/proc_creation_win_renamed_whoami.yml" > /dev/null 2>&1; then
    n=$(find "$CORPUS" -name '*.yml' | wc -l)
    measure "SigmaHQ -> IR -> Sigma" "$n" "$VIGIL" compile --target sigma --profile sigma-raw "$CORPUS"
else
    echo "SigmaHQ run skipped (no corpus, or no Sigma reader in this build)"
fi
