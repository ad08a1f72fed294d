#!/usr/bin/env python3
# Origin: written for Vigil as part of its research notes on Elastic query
# parsers (notes/elastic-parsers/check.py, with selftest and experiments
# there) and copied here as project code; maintained with the project from
# now on. `elastic.py` (next to it) drives it over Vigil's output.
"""Validate KQL, ES|QL or Lucene query strings with off-the-shelf Python parsers.

Input: NDJSON, one query per line, each line a JSON string, e.g.
    "auth0.logs.data.type: sapi and not user.id: *"
(A JSON object with a "query" key, and optionally "id", is accepted too.)
Blank lines are skipped. Reads the files named on the command line, or stdin
when none (or "-") is given.

Output: one line per query, "OK" or "FAIL" with the parser's error; exit status
0 when every query passed, 1 when any failed (including unreadable input
lines), 2 on a usage error. A summary goes to stderr.

Parsers (install into the venv, see README.md):
    kql    -> kibana-ql  (kibana_ql.KqlParser, port of Kibana's kuery grammar.peggy)
    esql   -> detection-rules-esql-py (esql.parse_query, Elastic's ANTLR grammar)
    lucene -> luqum      (luqum.parser.parser, PLY LALR parser)

Examples:
    check.py --lang kql queries.ndjson
    printf '%s\n' '"FROM logs-* | LIMIT 1"' | check.py --lang esql --esql-version 8.19
    check.py --lang lucene --format json < q.ndjson
"""

from __future__ import annotations

import argparse
import json
import ctypes
import sys
import threading
from typing import Callable, Iterator

__all__ = ("make_checker", "main")


class QueryTimeout(Exception):
    pass


class KqlSyntaxError(ValueError):
    pass


class NestedKqlError(ValueError):
    pass


class LuceneSuspicious(ValueError):
    pass


def describe(exc: BaseException) -> str:
    """One-line 'Type at line L, column C: message' for any parser's exception."""
    name = type(exc).__name__
    # esql errors carry error_msg / line (0-based) / column (0-based); str() adds source + caret lines
    if hasattr(exc, "error_msg") and hasattr(exc, "line") and hasattr(exc, "column"):
        msg = f"{name} at line {exc.line + 1}, column {exc.column + 1}: {_one_line(exc.error_msg, 400)}"
        trailer = getattr(exc, "trailer", None)
        return msg + (f" ({_one_line(trailer, 200)})" if trailer else "")
    return f"{name}: {_one_line(exc)}"


def _one_line(text: str, limit: int = 600) -> str:
    text = " | ".join(part.strip() for part in str(text).splitlines() if part.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- KQL
def _kql_checker(strict: bool) -> Callable[[str], list[str]]:
    from kibana_ql import KqlParser
    from parsimonious.exceptions import ParseError

    parser = KqlParser()

    def check(query: str) -> list[str]:
        try:
            tree = parser.grammar.parse(query)
        except ParseError as exc:  # IncompleteParseError is a subclass
            # parsimonious' own message is long; give position + remaining text.
            pos = getattr(exc, "pos", None)
            try:
                where = f"line {exc.line()}, column {exc.column()}"
            except Exception:  # noqa: BLE001
                where = f"offset {pos}"
            rest = query[pos : pos + 40] if isinstance(pos, int) else ""
            kind = type(exc).__name__
            raise KqlSyntaxError(f"{kind} at {where}: cannot parse from {rest!r}") from None
        warnings: list[str] = []
        # The package's AST visitor has asserts that reject some inputs the grammar
        # accepts (e.g. an unquoted field name with a space). Report, fail only if strict.
        try:
            parser.ast(tree)
        except Exception as exc:  # noqa: BLE001
            msg = f"kibana_ql AST conversion failed: {type(exc).__name__}: {_one_line(exc, 200)}"
            if strict:
                raise KqlSyntaxError(msg) from None
            warnings.append(msg)
        return warnings

    return check


# ------------------------------------------------------------------------- ES|QL
_ESQL_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def _esql_string_at(query: str, line: int, column: int) -> str | None:
    """Return the decoded first string argument of the KQL()/EQL() call at (line, column).

    The esql package strips quotes but does not decode escapes, so re-read the
    literal from the source: \"\"\"...\"\"\" is raw, "..." decodes \\t \\n \\r \\" \\\\.
    """
    lines = query.split("\n")
    if not 0 <= line < len(lines):
        return None
    offset = sum(len(x) + 1 for x in lines[:line]) + column
    i = offset
    while i < len(query) and (query[i].isalnum() or query[i] == "_"):
        i += 1
    while i < len(query) and query[i] in " \t\r\n":
        i += 1
    if i >= len(query) or query[i] != "(":
        return None
    i += 1
    while i < len(query) and query[i] in " \t\r\n":
        i += 1
    if query.startswith('"""', i):
        end = query.find('"""', i + 3)
        if end < 0:
            return None
        # ES: '"""' (~[\r\n])*? '"""' '"'? '"'?  -> up to two extra closing quotes belong to the text
        j = end + 3
        extra = 0
        while extra < 2 and j < len(query) and query[j] == '"':
            extra += 1
            j += 1
        return query[i + 3 : end] + '"' * extra
    if not query.startswith('"', i):
        return None
    out: list[str] = []
    i += 1
    while i < len(query):
        ch = query[i]
        if ch == "\\" and i + 1 < len(query):
            out.append(_ESQL_ESCAPES.get(query[i + 1], "\\" + query[i + 1]))
            i += 2
            continue
        if ch == '"':
            return "".join(out)
        out.append(ch)
        i += 1
    return None


def _esql_checker(version: str | None, nested_kql: bool, strict: bool,
                  schema: dict | None = None, allow_missing: bool = False) -> Callable[[str], list[str]]:
    import contextlib

    import esql
    from esql import ParserConfig, Schema

    kql_check = _kql_checker(strict) if nested_kql else None

    def check(query: str) -> list[str]:
        # Schema is a thread-local ParserConfig too: enter it in the thread that parses
        schema_ctx = Schema(schema, allow_missing=allow_missing) if schema is not None else contextlib.nullcontext()
        with ParserConfig(min_stack_version=version), schema_ctx:
            tree = esql.parse_query(query)
        warnings: list[str] = []
        if kql_check is None:
            return warnings
        for nested in esql.find_nested_queries(tree):
            if nested.kind != "kql":
                continue
            line = nested.line or 0
            col = nested.column or 0
            text = _esql_string_at(query, line, col)
            if text is None:
                warnings.append(f"could not locate KQL() literal at line {line + 1}, column {col + 1}")
                continue
            try:
                for w in kql_check(text):
                    warnings.append(f"nested KQL at line {line + 1}, column {col + 1}: {w}")
            except Exception as exc:  # noqa: BLE001
                raise NestedKqlError(
                    f"KQL() at line {line + 1}, column {col + 1}: {describe(exc)}"
                ) from None
        return warnings

    return check


# ------------------------------------------------------------------------ Lucene
def _lucene_checker(strict: bool) -> Callable[[str], list[str]]:
    from luqum.parser import parser
    from luqum.tree import Regex, SearchField, Word

    def check(query: str) -> list[str]:
        tree = parser.parse(query, lexer=parser_lexer())
        # luqum is more permissive than Elasticsearch's query_string parser; flag the
        # shapes seen in experiments where luqum's reading differs from Lucene's.
        warnings: list[str] = []

        def walk(node, inside_field: bool) -> None:
            if isinstance(node, SearchField):
                if inside_field and isinstance(node.expr, Regex):
                    # url:https://x -> SearchField(url, SearchField(https, Regex(//)))
                    warnings.append(
                        f"'{node.name}:{node.expr.value}...' inside a field value: an unescaped ':' or '/'? (escape as \\: \\/ or quote)"
                    )
                if node.name.startswith("!"):
                    warnings.append(f"field name {node.name!r} starts with '!' (Lucene NOT? luqum reads it as a name)")
                inside_field = True
            if isinstance(node, Word) and node.value in ("&&", "||", "!", "and", "or", "not"):
                warnings.append(f"{node.value!r} is read as a search term, not an operator (use AND / OR / NOT)")
            for child in getattr(node, "children", ()):
                walk(child, inside_field)

        walk(tree, False)
        if strict and warnings:
            raise LuceneSuspicious("; ".join(warnings))
        return warnings

    def parser_lexer():
        # a fresh lexer per query: PLY lexers keep state (lineno) between inputs
        from luqum.parser import lexer

        return lexer.clone()

    return check


# -------------------------------------------------------------------------- main
def make_checker(lang: str, *, esql_version: str | None = None, nested_kql: bool = True,
                 strict: bool = False, esql_schema: dict | None = None,
                 esql_allow_missing: bool = False) -> Callable[[str], list[str]]:
    """Return check(query) -> warnings; raises on an invalid query."""
    if lang == "kql":
        return _kql_checker(strict)
    if lang == "esql":
        return _esql_checker(esql_version, nested_kql, strict, esql_schema, esql_allow_missing)
    if lang == "lucene":
        return _lucene_checker(strict)
    raise ValueError(f"unknown language {lang!r}")


def _read_inputs(paths: list[str]) -> Iterator[tuple[str, int, str]]:
    if not paths:
        paths = ["-"]
    for path in paths:
        if path == "-":
            stream = sys.stdin
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                pass
            name = "<stdin>"
            for n, raw in enumerate(stream, 1):
                yield name, n, raw
        else:
            with open(path, encoding="utf-8", errors="replace") as fh:
                for n, raw in enumerate(fh, 1):
                    yield path, n, raw


# Deep inputs (a 4,000-term OR chain from a SigmaHQ rule) recurse deeper than Python's
# default limit allows, so each check runs in a worker thread with a large C stack and a
# high recursion limit. The worker thread also gives a per-query timeout: the main thread
# injects QueryTimeout into it (pure-Python parsers stop at the next bytecode).
THREAD_STACK = 512 * 1024 * 1024
RECURSION_LIMIT = 60000


class _Unstoppable(Exception):
    pass


def run_with_timeout(fn: Callable[[str], list[str]], arg: str, timeout: float) -> list[str]:
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn(arg)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["exc"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout if timeout > 0 else None)
    if worker.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(QueryTimeout))
        worker.join(10)
        if worker.is_alive():
            raise _Unstoppable()
        raise QueryTimeout()
    if "exc" in box:
        raise box["exc"]  # type: ignore[misc]
    return box.get("value") or []  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", required=True, choices=("kql", "esql", "lucene"))
    ap.add_argument("files", nargs="*", help="NDJSON files (default: stdin)")
    ap.add_argument("--esql-version", default=None,
                    help="ES|QL stack version: 8.19, 9.3, 9.4, 9.5 or latest (default: package default, the 9.5 grammar)")
    ap.add_argument("--esql-schema", metavar="JSON",
                    help="ES|QL: field mapping file ({field: type}, or an Elasticsearch mapping with properties) "
                         "for unknown-field / column-visibility / type checks")
    ap.add_argument("--esql-allow-missing", action="store_true",
                    help="ES|QL with --esql-schema: do not fail on index fields missing from the schema")
    ap.add_argument("--no-nested-kql", action="store_true", help="ES|QL: do not validate KQL(\"...\") payloads")
    ap.add_argument("--strict", action="store_true",
                    help="treat warnings as failures (KQL: kibana_ql AST errors; Lucene: suspicious shapes)")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per query (0 = none)")
    ap.add_argument("--quiet", action="store_true", help="print only failures")
    args = ap.parse_args(argv)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    threading.stack_size(THREAD_STACK)
    try:
        schema = None
        if args.esql_schema:
            with open(args.esql_schema, encoding="utf-8") as fh:
                schema = json.load(fh)
        check = make_checker(args.lang, esql_version=args.esql_version,
                             nested_kql=not args.no_nested_kql, strict=args.strict,
                             esql_schema=schema, esql_allow_missing=args.esql_allow_missing)
        if args.lang == "esql" and args.esql_version:
            check("ROW a = 1")  # reject a bad --esql-version up front
    except Exception as exc:  # noqa: BLE001
        print(f"check.py: cannot set up the {args.lang} parser: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

    aborted = False
    n_ok = n_fail = n_warn = 0
    # queries may hold lone surrogates ("\ud800" is valid JSON): never let printing crash the run
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    out = sys.stdout
    try:
        inputs = list(_read_inputs(args.files))
    except OSError as exc:
        print(f"check.py: {exc}", file=sys.stderr)
        return 2
    for src, lineno, raw in inputs:
        if not raw.strip():
            continue
        ident = f"{src}:{lineno}"
        query = None
        warnings: list[str] = []
        error = None
        try:
            value = json.loads(raw)
            if isinstance(value, dict) and isinstance(value.get("query"), str):
                query = value["query"]
                if "id" in value:
                    ident = f"{ident} [{value['id']}]"
            elif isinstance(value, str):
                query = value
            else:
                error = f"input line is not a JSON string (got {type(value).__name__})"
        except ValueError as exc:
            error = f"input line is not valid JSON: {exc}"
        if query is not None and aborted:
            error = "not checked: an earlier query's parser could not be stopped"
        elif query is not None:
            try:
                warnings = run_with_timeout(check, query, args.timeout)
            except _Unstoppable:
                aborted = True
                error = f"Timeout: parser took longer than {args.timeout:g}s and could not be stopped"
            except QueryTimeout:
                error = f"Timeout: parser took longer than {args.timeout:g}s"
            except RecursionError:
                error = "RecursionError: query nested too deeply for the parser"
            except Exception as exc:  # noqa: BLE001 - one bad query must not stop the run
                error = describe(exc)
        ok = error is None
        n_ok += ok
        n_fail += not ok
        n_warn += bool(warnings)
        if args.format == "json":
            out.write(json.dumps({"input": ident, "ok": ok, "error": error, "warnings": warnings,
                                  "query": query}, ensure_ascii=False) + "\n")
        elif not (args.quiet and ok):
            shown = _one_line(query if query is not None else raw, 160)
            if ok:
                out.write(f"OK   {ident}: {shown}\n")
            else:
                out.write(f"FAIL {ident}: {shown}\n     error: {error}\n")
            for w in warnings:
                out.write(f"     warning: {w}\n")
    out.flush()
    print(f"check.py --lang {args.lang}: {n_ok + n_fail} queries, {n_ok} ok, {n_fail} failed"
          + (f", {n_warn} with warnings" if n_warn else ""), file=sys.stderr)
    return 1 if n_fail else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            sys.exit(1)
