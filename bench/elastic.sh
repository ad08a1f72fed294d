#!/usr/bin/env bash
# Compile speed of the Elastic targets (release build): the detection
# library to KQL (--filter-only), ES|QL (9.5) and Kibana rules, and — once
# Vigil reads Sigma — the SigmaHQ corpus to KQL and ES|QL. Each run RUNS
# times; prints the median wall seconds and max RSS (/usr/bin/time -v).
#
#   bench/elastic.sh [RUNS] [CORPUS]
#
# RUNS defaults to 5; CORPUS to ../shared/corpora/sigmahq/rules.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
CORPUS=${2:-../shared/corpora/sigmahq/rules}
cargo build --release --quiet
VIGIL=target/release/vigil
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# measure NAME CMD...: the command's stdout and stderr go to files; exit
# status 1 (some detections did not compile) is expected and ignored.
measure() {
    local name=$1; shift
    local walls=() rss=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -v -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" || true
        walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$TMP/time")")
        rss+=("$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/time")")
    done
    printf '%-34s %8.3f s %8d KB\n' "$name" "$(median "${walls[@]}")" "$(median "${rss[@]}")"
}

echo "$RUNS runs each, $(nproc) cores; median wall time, median max RSS"
n=$(find detections -name '*.vigil' | wc -l)
measure "library ($n) -> kql --filter-only" "$VIGIL" compile detections --target kql --filter-only
measure "library ($n) -> esql 9.5" "$VIGIL" compile detections --target esql --stack-version 9.5
measure "library ($n) -> kibana-ndjson esql" "$VIGIL" compile detections --target esql --stack-version 9.5 --format kibana-ndjson
if [ -d "$CORPUS" ] && "$VIGIL" debug ir "$CORPUS/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml" >/dev/null 2>&1; then
    m=$(find "$CORPUS" -name '*.yml' | wc -l)
    measure "sigmahq ($m) -> kql --filter-only" "$VIGIL" compile "$CORPUS" --target kql --filter-only
    measure "sigmahq ($m) -> esql" "$VIGIL" compile "$CORPUS" --target esql
else
    echo "(SigmaHQ corpus skipped: absent, or this build does not read Sigma)"
fi
