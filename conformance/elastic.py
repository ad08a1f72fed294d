#!/usr/bin/env python3
"""Conformance of Vigil's Elastic output with Elastic's own grammars.

    elastic.py [--vigil BIN] [--detections DIR] [--corpus DIR ...] [--json FILE]

1. Every detection in DIR (default: detections/) compiles to KQL with
   --filter-only, and to ES|QL at each stack version Vigil knows, or gets a
   diagnostic; every emitted query must parse: KQL with kibana-ql (a port of
   Kibana's grammar), ES|QL with detection-rules-esql-py (Elastic's ANTLR
   grammar) at the same stack version.
2. Escaping: values with quotes, backslashes, wildcards, parentheses,
   colons, keywords and line breaks, and generated hostile values (seeded;
   VIGIL_PROPTEST_CASES of them, 40 by default), are compiled into both
   languages, parsed back with the real grammars, and must come back as
   exactly one test on the expected field with exactly the original value.
3. Each --corpus directory (the SigmaHQ rules, the Sigma correlation
   fixtures) is compiled whole with the `elastic-plain` profile; every query
   it emits must parse.
4. Each --splunk-corpus directory (Splunk's security_content: `detections/`
   and `macros/`) is read by the Splunk reader (`--from splunk --macros`)
   and compiled with `--filter-only` to both languages; every query it
   emits must parse.
5. Depth: Elasticsearch refuses an ES|QL query whose expressions nest deeper
   than MAX_EXPRESSION_DEPTH (500 from 8.14, elastic/elasticsearch#108089;
   400 since #109846). Every ES|QL query above must nest at most
   ESQL_MAX_DEPTH levels (the parsed expression tree's depth, which is the
   parser's depth without its parenthesis levels).

Exit status 1 if any emitted query fails to parse, or an escaping case does
not round-trip; the summary says how many detections compiled and why the
others did not.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check  # noqa: E402  (the validator next to this file)

VERSIONS = ["8.19", "9.3", "9.4", "9.5"]
DEFAULT_VERSION = "9.3"
# Elasticsearch's ExpressionBuilder.MAX_EXPRESSION_DEPTH today (it was 500
# from 8.14 until #109846 lowered it): the stricter of the two.
ESQL_MAX_DEPTH = 400


def vigil(binary: str, *args: str) -> tuple[list[dict], str]:
    """Runs `vigil compile ... --format json`; returns (entries, stderr)."""
    proc = subprocess.run(
        [binary, "compile", *args, "--format", "json", "--no-comments"],
        capture_output=True,
        text=True,
    )
    entries = json.loads(proc.stdout) if proc.stdout.strip() else []
    # The detections that failed are listed too, with `query: null`.
    return [e for e in entries if e.get("query") is not None], proc.stderr


def first_error(stderr: str) -> str:
    """The message of the first error in rendered diagnostics."""
    for line in stderr.splitlines():
        line = line.strip()
        if line.startswith("×"):
            return line.lstrip("× ").strip()
        if line.startswith("error:"):
            return line
    return stderr.strip().splitlines()[0] if stderr.strip() else "(no diagnostic)"


def esql_depth(query: str, version: str = DEFAULT_VERSION) -> int:
    """The deepest nesting of expressions under any command of the query."""
    import esql as esql_mod
    from esql import ParserConfig

    with ParserConfig(min_stack_version=version):
        tree = esql_mod.parse_query(query)
    deepest = 0
    # Depth 0 is the query, 1 a command; expressions start at 2.
    stack = [(tree, 0)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d - 1)
        stack.extend((c, d + 1) for c in node.iter_children())
    return deepest


def depth_problem(query: str, version: str = DEFAULT_VERSION) -> tuple[int, str | None]:
    """(depth, None) if the query nests at most ESQL_MAX_DEPTH, else (depth, why)."""
    try:
        depth = int(check.run_with_timeout(lambda q: [str(esql_depth(q, version))], query, 60)[0])
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return -1, check.describe(exc)
    if depth > ESQL_MAX_DEPTH:
        return depth, f"expressions nest {depth} deep; Elasticsearch refuses more than {ESQL_MAX_DEPTH}"
    return depth, None


def parse_ok(checker, query: str) -> str | None:
    """None if the query parses, else the parser's error."""
    try:
        check.run_with_timeout(checker, query, 60)
        return None
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return check.describe(exc)


# ----------------------------------------------------------------- detections
def run_detections(binary: str, directory: Path, report: dict) -> int:
    failures = 0
    kql = check.make_checker("kql")
    esql = {v: check.make_checker("esql", esql_version=v) for v in VERSIONS}
    files = sorted(directory.glob("*.vigil"))
    for f in files:
        row: dict = {"file": f.name}
        entries, err = vigil(binary, str(f), "--target", "kql", "--filter-only")
        if entries:
            problem = parse_ok(kql, entries[0]["query"])
            row["kql_filter_only"] = "ok" if problem is None else f"PARSE FAIL: {problem}"
            failures += problem is not None
        else:
            row["kql_filter_only"] = f"diagnostic: {first_error(err)}"
        entries, err = vigil(binary, str(f), "--target", "kql")
        row["kql"] = "compiles" if entries else f"diagnostic: {first_error(err)}"
        for v in VERSIONS:
            entries, err = vigil(binary, str(f), "--target", "esql", "--stack-version", v)
            if entries:
                problem = parse_ok(esql[v], entries[0]["query"])
                if problem is None:
                    problem = depth_problem(entries[0]["query"], v)[1]
                row[f"esql {v}"] = "ok" if problem is None else f"PARSE FAIL: {problem}"
                failures += problem is not None
            else:
                row[f"esql {v}"] = f"diagnostic: {first_error(err)}"
        report["detections"].append(row)
    return failures


# ------------------------------------------------------------------ escaping
TRICKY = [
    "plain",
    'say "hi"',
    "back\\slash",
    "C:\\Windows\\System32\\",
    "a*b",
    "a?b",
    "(a) or (b)",
    "x: y",
    "a < b > c",
    "line\nbreak",
    "tab\there",
    "cr\rhere",
    "not this",
    "cannot be",
    "a and b",
    "a OR b",
    "{ braces }",
    "`backtick`",
    '"""',
    "\\u0041",
    "\\n literally",
    "ünïcödé",
    "--",
    "'single'",
    "| WHERE true",
    "*",
]

# Hostile characters for generated cases: every character KQL, ES|QL or
# Lucene gives a meaning, plus letters and non-ASCII.
HOSTILE_ALPHABET = list('"\\|[]`\'*?{}()=<>:!#$%&-~/,; aZ0\n\t\ré\u00a0\u202e')


def generated_cases(count: int, seed: int = 11) -> list[str]:
    """`count` random hostile strings (seeded: the same cases every run)."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(1, 12)
        out.append("".join(rng.choice(HOSTILE_ALPHABET) for _ in range(n)))
    return out


def vigil_string(value: str, pattern: bool) -> str:
    """A Vigil string literal for `value` (literal `*`/`?` in patterns)."""
    out = []
    for c in value:
        if c in '\\"':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif c == "{":
            out.append("\\{")
        elif pattern and c in "*?":
            out.append("\\" + c)
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


WILD = object()


def kql_decode(node) -> list:
    """Decodes a KQL value node (QuotedString / UnquotedLiteral) the way
    Kibana does; a wildcard is the WILD marker."""
    out: list = []
    if node.expr_name == "QuotedString":
        text = node.text[1:-1]
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                n = text[i + 1]
                if n in "trn":
                    out.append({"t": "\t", "r": "\r", "n": "\n"}[n])
                    i += 2
                    continue
                if n == "u" and re.match(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                    out.append(chr(int(text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                if n in '\\"':
                    out.append(n)
                    i += 2
                    continue
            out.append(c)
            i += 1
        return out
    chars = [n for n in walk(node) if n.expr_name == "UnquotedCharacter"]
    for ch in chars:
        t = ch.text
        if t == "*":
            out.append(WILD)
        elif t in ("\\t", "\\r", "\\n"):
            out.append({"t": "\t", "r": "\r", "n": "\n"}[t[1]])
        elif t.startswith("\\u") and len(t) == 6:
            out.append(chr(int(t[2:], 16)))
        elif t.startswith("\\"):
            out.extend(t[1:])
        else:
            out.append(t)
    # Kibana trims an unquoted literal.
    while out and isinstance(out[0], str) and out[0].isspace():
        out.pop(0)
    while out and isinstance(out[-1], str) and out[-1].isspace():
        out.pop()
    return out


def walk(node):
    yield node
    for c in node.children:
        yield from walk(c)


def kql_tests(query: str) -> list[tuple[str, list]]:
    """(field, decoded value) of every `field: value` in a KQL query."""
    from kibana_ql import KqlParser

    tree = KqlParser().grammar.parse(query)
    found = []
    for n in walk(tree):
        if n.expr_name == "FieldValueExpression":
            field = next(c for c in walk(n) if c.expr_name == "Field")
            values = [c for c in walk(n) if c.expr_name in ("QuotedString", "UnquotedLiteral")]
            found.append((field.text, kql_decode(values[-1])))
    return found


ESQL_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def esql_unescape(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append(ESQL_ESCAPES.get(raw[i + 1], raw[i + 1]))
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def like_decode(pattern: str) -> list:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        out.append(WILD if c == "*" else c)
        i += 1
    return out


def esql_literals(query: str, version: str) -> tuple[list[str], list[str]]:
    """(column names, decoded string literals) in the WHERE commands."""
    import esql as esql_mod
    from esql import ParserConfig

    with ParserConfig(min_stack_version=version):
        tree = esql_mod.parse_query(query)
    columns, literals = [], []

    def visit(n, in_where):
        name = type(n).__name__
        in_where = in_where or name == "WhereCommand"
        if in_where and name == "ColumnRef":
            columns.append(n.name)
        if in_where and name == "Literal" and getattr(n, "kind", "") == "string":
            literals.append(esql_unescape(n.value))
        for c in n.iter_children():
            visit(c, in_where)

    visit(tree, False)
    return columns, literals


def run_escaping(binary: str, report: dict) -> int:
    failures = 0
    # VIGIL_PROPTEST_CASES (as for the Rust property tests) sets how many
    # generated hostile values join the hand-written ones.
    import os

    generated = generated_cases(int(os.environ.get("VIGIL_PROPTEST_CASES", "40")))
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for i, v in enumerate(TRICKY + generated):
            for kind in ("eq", "like"):
                path = Path(tmp) / f"{kind}{i:02}.vigil"
                if kind == "eq":
                    body = f"search user_id == {vigil_string(v, False)}\n"
                else:
                    body = f"search user_id like {vigil_string(v, True)[:-1]}*\" cased\n"
                path.write_text(f'title: "escaping {i}"\nid: "{kind}{i:02}"\n\n{body}', encoding="utf-8")
                cases.append((path, kind, v))
        for path, kind, v in cases:
            want = list(v) if kind == "eq" else list(v) + [WILD]
            # KQL
            entries, err = vigil(binary, str(path), "--target", "kql")
            if not entries:
                # KQL trims unquoted values: a pattern with whitespace at its
                # start cannot be written, and must be refused, not mangled.
                expected = kind == "like" and v[:1].isspace()
                status = "refused (expected)" if expected else f"FAIL: refused: {first_error(err)}"
            else:
                q = entries[0]["query"]
                try:
                    tests = kql_tests(q)
                    ok = tests == [("user.id", want)]
                    status = "ok" if ok else f"FAIL: {q!r} parses as {tests!r}"
                except Exception as exc:  # noqa: BLE001
                    status = f"FAIL: {q!r}: {check.describe(exc)}"
            failures += status.startswith("FAIL")
            report["escaping"].append({"value": v, "test": kind, "target": "kql", "result": status})
            # ES|QL
            entries, err = vigil(binary, str(path), "--target", "esql")
            if not entries:
                status = f"FAIL: refused: {first_error(err)}"
            else:
                q = entries[0]["query"]
                try:
                    cols, lits = esql_literals(q, DEFAULT_VERSION)
                    got = lits if kind == "eq" else [like_decode(x) for x in lits]
                    # `==` ignores case: ES|QL compares TO_LOWER(field).
                    expect = [v.lower()] if kind == "eq" else [want]
                    ok = cols == ["user.id"] and got == expect
                    status = "ok" if ok else f"FAIL: {q!r} parses as columns {cols!r}, values {got!r}"
                except Exception as exc:  # noqa: BLE001
                    status = f"FAIL: {q!r}: {check.describe(exc)}"
            failures += status.startswith("FAIL")
            report["escaping"].append({"value": v, "test": kind, "target": "esql", "result": status})
    return failures


# -------------------------------------------------------------------- corpus
def run_corpus(binary: str, directory: Path, report: dict, reader: list[str] | None = None) -> int:
    """`reader`: arguments that choose the reader (the Splunk corpus); its
    ES|QL is filter-only too."""
    failures = 0
    kql = check.make_checker("kql")
    esql_extra = ["--stack-version", DEFAULT_VERSION] + (["--filter-only"] if reader else [])
    for target, extra, checker in (
        ("kql", ["--filter-only"], kql),
        ("esql", esql_extra, check.make_checker("esql", esql_version=DEFAULT_VERSION)),
    ):
        # Generic rules name fields as their logs do: no Auth0 mapping.
        entries, err = vigil(binary, *(reader or []), str(directory), "--target", target, "--profile", "elastic-plain", *extra)
        bad = []
        max_depth = 0
        for e in entries:
            problem = parse_ok(checker, e["query"])
            if problem is None and target == "esql":
                depth, problem = depth_problem(e["query"])
                max_depth = max(max_depth, depth)
            if problem is not None:
                bad.append({"source": e["source"], "error": problem})
        codes: dict[str, int] = {}
        for line in err.splitlines():
            m = re.match(r"\s*(vigil::[\w:-]+)", line)
            if m:
                codes[m.group(1)] = codes.get(m.group(1), 0) + 1
        report["corpora"].append(
            {
                "directory": str(directory),
                "target": target,
                "compiled": len(entries),
                "parse_failures": bad,
                "max_depth": max_depth if target == "esql" else None,
                "diagnostics_by_code": codes,
            }
        )
        failures += len(bad)
    return failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--vigil", default=str(root / "target" / "debug" / "vigil"))
    ap.add_argument("--detections", default=str(root / "detections"))
    ap.add_argument("--corpus", action="append", default=[], help="a directory of rules to compile whole")
    ap.add_argument("--splunk-corpus", action="append", default=[], help="security_content: detections/ and macros/, read as SPL")
    ap.add_argument("--json", help="write the full report here")
    args = ap.parse_args()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), check.RECURSION_LIMIT))
    threading.stack_size(check.THREAD_STACK)

    report: dict = {"detections": [], "escaping": [], "corpora": []}
    failures = run_detections(args.vigil, Path(args.detections), report)
    failures += run_escaping(args.vigil, report)
    for c in args.corpus:
        failures += run_corpus(args.vigil, Path(c), report)
    for c in args.splunk_corpus:
        reader = ["--from", "splunk", "--macros", str(Path(c) / "macros")]
        failures += run_corpus(args.vigil, Path(c) / "detections", report, reader)

    for row in report["detections"]:
        print(f"{row['file']}")
        for k, v in row.items():
            if k != "file":
                print(f"    {k:16} {v}")
    n = len(report["detections"])
    for key in ["kql_filter_only", "kql"] + [f"esql {v}" for v in VERSIONS]:
        good = sum(1 for r in report["detections"] if r[key] in ("ok", "compiles"))
        print(f"{key:16} {good}/{n} compiled and parsed; {n - good} diagnostics")
    esc_fail = [e for e in report["escaping"] if e["result"].startswith("FAIL")]
    print(f"escaping: {len(report['escaping'])} cases, {len(esc_fail)} failed")
    for e in esc_fail:
        print(f"    {e['target']} {e['test']} {e['value']!r}: {e['result']}")
    for c in report["corpora"]:
        print(
            f"corpus {c['directory']} -> {c['target']}: {c['compiled']} compiled, "
            f"{len(c['parse_failures'])} do not parse or nest too deep; "
            + (f"deepest {c['max_depth']}; " if c["max_depth"] is not None else "")
            + f"diagnostics {c['diagnostics_by_code']}"
        )
        for b in c["parse_failures"][:20]:
            print(f"    {b['source']}: {b['error']}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("conformance:", "FAILED" if failures else "ok", f"({failures} failures)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
