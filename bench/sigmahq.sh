#!/usr/bin/env bash
# Compile speed on the whole SigmaHQ corpus (all 3,780 rules of rules/,
# rules-emerging-threats/, rules-threat-hunting/, rules-compliance/ and
# rules-placeholder/): `vigil compile DIR --target splunk` (release build,
# all rules as one batch, on every core) against `sigma convert -t splunk
# --without-pipeline -s DIR` (pySigma's sigma-cli), in the same run, RUNS
# times each, alternating; prints the median wall time, CPU time and peak
# memory (max RSS, from /usr/bin/time -v) of each and the ratios. Then how
# Vigil's cost grows with 2x and 4x the corpus (copies of it side by side,
# ids changed).
#
#   bench/sigmahq.sh [DIR] [RUNS]
#
# DIR defaults to ../shared/corpora/sigmahq; RUNS to 5. sigma-cli is taken
# from $SIGMA, else installed into target/sigma-venv (PyPI: sigma-cli,
# pysigma-backend-splunk) on first use. GROWTH=0 skips the growth runs.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/corpora/sigmahq}
RUNS=${2:-5}
[ -d "$DIR" ] || { echo "no corpus at $DIR" >&2; exit 1; }
if [ -z "${SIGMA:-}" ]; then
    SIGMA=target/sigma-venv/bin/sigma
    if [ ! -x "$SIGMA" ]; then
        python3 -m venv target/sigma-venv
        target/sigma-venv/bin/pip install -q sigma-cli pysigma-backend-splunk
    fi
fi
cargo build --release --quiet
VIGIL=target/release/vigil
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rules=$(find "$DIR" -name '*.yml' | wc -l)
echo "corpus: $DIR ($rules rules, $(du -sh "$DIR" | cut -f1)), $RUNS runs each, $(nproc) cores"
echo "$("$VIGIL" --version); sigma-cli $("$SIGMA" version 2>/dev/null | cut -d' ' -f1)," \
    "pySigma $("${SIGMA%/sigma}/python" -c 'import importlib.metadata as m; print(m.version("pySigma"))' 2>/dev/null)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# once NAME CMD...: runs CMD once; appends wall seconds, CPU (user +
# system) seconds and max RSS in KB to $TMP/NAME.runs.
# Wall time is taken in microseconds around the run, from bash's clock
# (time -v gives it in hundredths, too coarse for Vigil's tenth of a
# second; a `date` process each side would add its own start-up).
once() {
    local name=$1; shift
    local t0 t1
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$TMP/time" "$@" > "$TMP/$name.out" 2> "$TMP/$name.err" || true
    t1=$EPOCHREALTIME
    awk -F': ' -v w="$(echo "$t1 - $t0" | bc -l)" '
        /User time|System time/ { c += $2 }
        /Maximum resident set size/ { m = $2 }
        END { print w, c, m }' "$TMP/time" >> "$TMP/$name.runs"
}

# medians NAME: the medians of NAME's runs (wall, CPU, RSS KB).
medians() {
    local w=() c=() m=()
    while read -r a b r; do w+=("$a"); c+=("$b"); m+=("$r"); done < "$TMP/$1.runs"
    echo "$(median "${w[@]}") $(median "${c[@]}") $(median "${m[@]}")"
}

# Paired: the two tools alternate, so both see the same machine load.
for _ in $(seq "$RUNS"); do
    once vigil "$VIGIL" compile "$DIR" --target splunk --profile splunk-plain
    once sigma "$SIGMA" convert -t splunk --without-pipeline -s "$DIR"
done
read -r vt vc vr < <(medians vigil)
read -r st sc sr < <(medians sigma)
echo "             wall (median)  CPU (median)  peak memory"
printf '%-12s %10.3f s %11.3f s %9.1f MiB  (%s queries)\n' vigil "$vt" "$vc" \
    "$(echo "$vr / 1024" | bc -l)" "$(grep -c '^# ' "$TMP/vigil.out" || true)"
printf '%-12s %10.3f s %11.3f s %9.1f MiB  (%s output lines)\n' sigma-cli "$st" "$sc" \
    "$(echo "$sr / 1024" | bc -l)" "$(grep -c . "$TMP/sigma.out" || true)"
printf 'vigil: %.1fx faster (wall), %.1fx less CPU, %.1fx less memory\n' \
    "$(echo "$st / $vt" | bc -l)" "$(echo "$sc / $vc" | bc -l)" "$(echo "$sr / $vr" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "${GROWTH:-1}" = 0 ] && exit 0
echo
echo "growth (vigil; the corpus copied side by side):"
# Real copies, each rule's id changed in its last four digits: the load
# skips a folder it has already walked (a link to the same folder is read
# once) and drops a detection whose id is already used.
for i in 2 3 4; do
    cp -r "$DIR" "$TMP/copy$i"
    find "$TMP/copy$i" -name '*.yml' -exec sed -i -E "s/^(id: .*)....$/\1$(printf %04d "$i")/" {} +
done
for k in 1 2 4; do
    grown="$TMP/x$k"
    mkdir -p "$grown"
    ln -s "$(realpath "$DIR")" "$grown/copy1"
    for i in $(seq 2 "$k"); do ln -s "$TMP/copy$i" "$grown/copy$i"; done
    for _ in $(seq "$RUNS"); do
        once "grow$k" "$VIGIL" compile "$grown" --target splunk --profile splunk-plain
    done
    read -r gt gc gr < <(medians "grow$k")
    printf '%dx (%5d rules) %8.3f s wall %8.3f s CPU %8.1f MiB  (%s queries)\n' "$k" "$((k * rules))" \
        "$gt" "$gc" "$(echo "$gr / 1024" | bc -l)" "$(grep -c '^# ' "$TMP/grow$k.out" || true)"
done
