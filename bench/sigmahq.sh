#!/usr/bin/env bash
# Compile speed on the SigmaHQ corpus: `vigil compile DIR` (release build,
# all rules as one batch) against `sigma convert -t splunk --without-pipeline
# -s DIR` (pySigma's sigma-cli), each run RUNS times; prints the median wall
# time and peak memory (max RSS, from /usr/bin/time -v) of each and the ratio.
#
#   bench/sigmahq.sh [DIR] [RUNS]
#
# DIR defaults to ../shared/corpora/sigmahq/rules; RUNS to 5. sigma-cli is
# taken from $SIGMA or /work/venv/bin/sigma (the run is skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/corpora/sigmahq/rules}
RUNS=${2:-5}
SIGMA=${SIGMA:-/work/venv/bin/sigma}
[ -d "$DIR" ] || { echo "no corpus at $DIR" >&2; exit 1; }
cargo build --release --quiet
VIGIL=target/release/vigil
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "corpus: $DIR ($(find "$DIR" -name '*.yml' | wc -l) rules), $RUNS runs each, $(nproc) cores"

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# measure NAME CMD...: runs CMD $RUNS times; prints the medians of wall
# seconds, CPU (user + system) seconds and max RSS in KB. CPU time is the
# steadier number on a busy machine.
measure() {
    local name=$1; shift
    local times=() cpus=() rss=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -v -o "$TMP/time" "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" || true
        local wall kb
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$TMP/time")
        kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/time")
        # h:mm:ss or m:ss.ss -> seconds
        times+=("$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')")
        rss+=("$kb")
        cpus+=("$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$TMP/time")")
    done
    echo "$(median "${times[@]}") $(median "${cpus[@]}") $(median "${rss[@]}")"
}

echo "             wall (median)  CPU (median)  peak memory"
read -r vt vc vr < <(measure vigil "$VIGIL" compile "$DIR" --target splunk --profile splunk-plain)
printf '%-12s %10.2f s %11.2f s %9.1f MB  (%s queries)\n' vigil "$vt" "$vc" \
    "$(echo "$vr / 1024" | bc -l)" "$(grep -c '^# ' "$TMP/vigil.out" || true)"
if [ -x "$SIGMA" ]; then
    read -r st sc sr < <(measure sigma "$SIGMA" convert -t splunk --without-pipeline -s "$DIR")
    printf '%-12s %10.2f s %11.2f s %9.1f MB\n' sigma-cli "$st" "$sc" "$(echo "$sr / 1024" | bc -l)"
    printf 'vigil: %.1fx faster (wall), %.1fx less CPU, %.1fx less memory\n' \
        "$(echo "$st / $vt" | bc -l)" "$(echo "$sc / $vc" | bc -l)" "$(echo "$sr / $vr" | bc -l)"
else
    echo "sigma-cli not found at $SIGMA: skipped"
fi
