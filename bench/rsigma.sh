#!/usr/bin/env bash
# `vigil run` against rsigma 0.23 (`rsigma engine eval`) on the same Sigma
# rules and the same synthetic Auth0 events (`vigil gen-events --layout
# envelope`, the log-stream shape Sigma's `product: auth0` rules name as
# `data.*`), in the same run, RUNS times each, alternating: events per
# second (median wall time), CPU time, peak memory, and whether both report
# the same matches (rule id, log_id). Two rule sets:
#   - one rule: bench/filter.vigil written as Sigma;
#   - a directory: the filter of every detection of detections/ written as
#     Sigma (`vigil compile --target sigma --filter-only`, parameters filled
#     in), one file each.
# Then how `vigil run` over the directory grows with 2x and 4x the events.
#
#   bench/rsigma.sh [EVENTS] [RUNS]
#
# EVENTS defaults to 1000000, RUNS to 3. rsigma is $RSIGMA, else
# target/rsigma/bin/rsigma, installed on first use with
# `cargo install rsigma@0.23.0 --locked --root target/rsigma`. BENCH_DIR
# keeps the generated files between runs; GROWTH=0 skips the growth runs.
# The timed runs write to /dev/null. The matches are compared on one more
# run of each tool, untimed, its output streamed through bench/match_pairs.py
# into sorted (rule, log_id) pairs kept gzipped (rsigma's own output, which
# repeats every matched event, is about 6 GB for 37 rules over 1M events).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
RUNS=${2:-3}
RSIGMA=${RSIGMA:-target/rsigma/bin/rsigma}
[ -x "$RSIGMA" ] || cargo install rsigma@0.23.0 --locked --root target/rsigma
cargo build --release --quiet
VIGIL=target/release/vigil
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"

# The rules. Parameters get values the synthetic events use.
PARAMS=(--param api_explorer_client_id=cl000000000000000000000000015838
    --param global_client_id=cl000000000000000000000000000001
    --param mgg-api-scope-1=delete:users --param mgg-api-scope-2=update:clients
    --param trusted-client_id-1=cl000000000000000000000000015838
    --param trusted-client_id-2=cl000000000000000000000000023757
    --param your-tenant-domain=acme-prod.us.auth0.com --param your-tenant-name=acme-prod
    --param your-tenant-url=acme-prod.us.auth0.com --param your_tenant_name=acme-prod)
rm -rf "$WORK/one" "$WORK/dir"
mkdir -p "$WORK/one" "$WORK/dir"
"$VIGIL" compile bench/filter.vigil --target sigma --no-comments > "$WORK/one/filter.yml"
"$VIGIL" compile detections --target sigma --filter-only --no-comments "${PARAMS[@]}" \
    2> /dev/null | awk -v d="$WORK/dir" '
        BEGIN { n = 1; f = sprintf("%s/r%02d.yml", d, n) }
        /^---$/ { close(f); n++; f = sprintf("%s/r%02d.yml", d, n); next }
        { print > f }'
# Vigil's Sigma writes array fields as `name{}` (pySigma's Splunk
# convention); rsigma reads `{}` as part of the name, and both match a
# list's elements by the bare name, so the bench rules drop it.
sed -i -E 's/\{\}([|":])/\1/g' "$WORK"/dir/*.yml "$WORK"/one/*.yml
nrules=$(ls "$WORK/dir" | wc -l)

events="$WORK/events-$COUNT.ndjson"
[ -f "$events" ] || "$VIGIL" gen-events --count "$COUNT" --seed 42 --layout envelope > "$events"
echo "events: $COUNT synthetic Auth0 events ($(( $(stat -c %s "$events") / 1048576 )) MiB, envelopes); $RUNS runs each, $(nproc) cores"
echo "$("$VIGIL" --version); $("$RSIGMA" --version | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# once NAME CMD...: one run, output discarded; appends wall s, CPU s, max
# RSS KB to NAME.runs.
once() {
    local name=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/$name.err" || true
    awk '{print $1, $2 + $3, $4}' "$WORK/time" >> "$WORK/$name.runs"
}
medians() {
    local w=() c=() m=()
    while read -r a b r; do w+=("$a"); c+=("$b"); m+=("$r"); done < "$WORK/$1.runs"
    echo "$(median "${w[@]}") $(median "${c[@]}") $(median "${m[@]}")"
}

# pairs NAME TOOL [--no-rule] -- CMD...: one untimed run of CMD, its matches
# streamed into NAME.pairs.gz as sorted "rule log_id" lines; prints their
# number.
pairs() {
    local name=$1 tool=$2 flag=()
    shift 2
    [ "$1" = --no-rule ] && { flag=(--no-rule); shift; }
    [ "$1" = -- ] && shift
    "$@" 2> /dev/null | python3 bench/match_pairs.py "$tool" "${flag[@]}" \
        | LC_ALL=C sort -T "$WORK" -S 64M | gzip -1 > "$WORK/$name.pairs.gz"
    zcat "$WORK/$name.pairs.gz" | wc -l
}

compare() {
    local label=$1 count=$2 vigil_cmd=$3 rsigma_cmd=$4 flag=()
    [ "$label" = "one rule" ] && flag=(--no-rule)
    rm -f "$WORK/vigil.runs" "$WORK/rsigma.runs"
    for _ in $(seq "$RUNS"); do
        once vigil $vigil_cmd
        once rsigma $rsigma_cmd
    done
    read -r vt vc vr < <(medians vigil)
    read -r rt rc rr < <(medians rsigma)
    local vm rm_ same
    # shellcheck disable=SC2086
    vm=$(pairs vigil vigil "${flag[@]}" -- $vigil_cmd)
    # shellcheck disable=SC2086
    rm_=$(pairs rsigma rsigma "${flag[@]}" -- $rsigma_cmd)
    if cmp -s <(zcat "$WORK/vigil.pairs.gz") <(zcat "$WORK/rsigma.pairs.gz"); then
        same="same matches"
    else
        same="MATCHES DIFFER (first differences below)"
    fi
    echo "$label ($count events):"
    printf '  %-8s %7.2f s wall %10.0f events/s %7.2f s CPU %8.1f MiB  %d matches\n' vigil "$vt" "$(echo "$count / $vt" | bc -l)" "$vc" "$(echo "$vr / 1024" | bc -l)" "$vm"
    printf '  %-8s %7.2f s wall %10.0f events/s %7.2f s CPU %8.1f MiB  %d matches\n' rsigma "$rt" "$(echo "$count / $rt" | bc -l)" "$rc" "$(echo "$rr / 1024" | bc -l)" "$rm_"
    printf '  vigil: %.1fx the events/s (wall), %.1fx less CPU, %.1fx less memory; %s\n' \
        "$(echo "$rt / $vt" | bc -l)" "$(echo "$rc / $vc" | bc -l)" "$(echo "$rr / $vr" | bc -l)" "$same"
    if [ "$same" != "same matches" ]; then
        diff <(zcat "$WORK/vigil.pairs.gz") <(zcat "$WORK/rsigma.pairs.gz") | head -20 || true
    fi
}

compare "one rule" "$COUNT" \
    "$VIGIL run $WORK/one/filter.yml --no-progress --events $events" \
    "$RSIGMA engine eval --rules $WORK/one/filter.yml --include-event --output-format ndjson -q -e @$events"
compare "$nrules rules" "$COUNT" \
    "$VIGIL run $WORK/dir --no-progress --events $events" \
    "$RSIGMA engine eval --rules $WORK/dir --include-event --output-format ndjson -q -e @$events"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "${GROWTH:-1}" = 0 ] && exit 0
echo
echo "growth (vigil, $nrules rules; the events repeated):"
for k in 1 2 4; do
    files=()
    for _ in $(seq "$k"); do files+=("$events"); done
    rm -f "$WORK/grow$k.runs"
    for _ in $(seq "$RUNS"); do
        once "grow$k" "$VIGIL" run "$WORK/dir" --no-progress --events "${files[@]}"
    done
    read -r gt gc gr < <(medians "grow$k")
    printf '%dx (%8d events) %7.2f s wall %10.0f events/s %7.2f s CPU %8.1f MiB\n' "$k" "$((k * COUNT))" \
        "$gt" "$(echo "$k * $COUNT / $gt" | bc -l)" "$gc" "$(echo "$gr / 1024" | bc -l)"
done
