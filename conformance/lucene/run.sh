#!/usr/bin/env bash
# Auth0 log search conformance: every query Vigil emits for the auth0 target
# must parse with Apache Lucene's classic query parser and stay inside the
# subset Auth0 documents; the escaping cases must parse to exactly the
# structure and values they were written with.
#
# Needs: Debian's liblucene8-java (jars in /usr/share/java) and a JDK (javac).
# Builds LuceneCheck into target/conformance/lucene. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."

jars=()
for j in lucene-core lucene-queryparser lucene-analyzers-common; do
  # Debian names the 8.8.1 jars *-8.7.0.jar: match any version.
  f=$(ls /usr/share/java/$j-[0-9]*.jar 2>/dev/null | head -n1 || true)
  if [[ -z "$f" ]]; then
    echo "conformance/lucene: /usr/share/java/$j-*.jar missing (apt-get install -y liblucene8-java)" >&2
    exit 2
  fi
  jars+=("$f")
done
CP=$(IFS=:; echo "${jars[*]}")
out=target/conformance/lucene
mkdir -p "$out"
javac -nowarn -cp "$CP" -d "$out" conformance/lucene/LuceneCheck.java
check() { java -cp "$out:$CP" LuceneCheck "$@"; }

cargo build --quiet
vigil=target/debug/vigil

# 1. Every detection, as `--filter-only` (Auth0 has no pipeline), through the
#    URL encoding too: LuceneCheck decodes the request path.
"$vigil" compile detections --target auth0 --filter-only --format url \
  > "$out/detections.urls" 2> "$out/detections.warnings"
rc=0
check --url --auth0-lint --lint-fails < "$out/detections.urls" > "$out/detections.report" || rc=$?
queries=$(grep -c '^/api/v2/logs' "$out/detections.urls" || true)
ok=$(grep -c '^OK' "$out/detections.report" || true)
echo "conformance/lucene: detections: $ok of $queries queries parse and pass the Auth0 lint"
if [[ $rc -ne 0 || "$ok" -ne "$queries" ]]; then
  paste -d '\n' "$out/detections.urls" "$out/detections.report" | grep -B1 '^FAIL' >&2 || true
  exit 1
fi

# 2. Escaping and structure cases: Lucene's parse of each query must equal
#    the expected tree (values as JSON strings).
"$vigil" compile conformance/lucene/cases --target auth0 --format url \
  > "$out/cases.urls" 2> "$out/cases.warnings"
check --url --structure --auth0-lint < "$out/cases.urls" > "$out/cases.report" || {
  cat "$out/cases.report" >&2
  exit 1
}
if ! diff -u conformance/lucene/cases.expected "$out/cases.report"; then
  echo "conformance/lucene: cases: Lucene's parse differs from conformance/lucene/cases.expected" >&2
  exit 1
fi
echo "conformance/lucene: cases: $(grep -c '^OK' "$out/cases.report") queries parse to the expected structure"
