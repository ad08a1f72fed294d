#!/usr/bin/env python3
"""The Splunk app `vigil build` writes passes Splunk's validator, and its
savedsearches.conf reads back into the searches Vigil compiled.

Builds detections/vigil.toml into a scratch folder, then for every Splunk
target of every environment:

- runs `splunk-appinspect inspect <app>.tar.gz` (Splunk's own validator),
  with its default checks and again with the Splunk Cloud ones
  (`--included-tags cloud`), and requires 0 failures and 0 errors;
- reads default/savedsearches.conf with Splunk's .conf parser
  (addonfactory-splunk-conf-parser-lib) and requires one stanza per built
  detection whose `search` is the query in report.json (the parser keeps a
  continuation's backslash-newline; Splunk reads it as a newline; it also
  strips the spaces that start each line, so indentation, which SPL ignores,
  is compared without them) and whose
  `disabled` is 1 exactly when the report says the detection is disabled.

Exit status: 0 if every app passed, 1 otherwise.

    python3 conformance/splunk_app.py [--vigil target/debug/vigil]
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from addonfactory_splunk_conf_parser_lib import TABConfigParser

ROOT = Path(__file__).resolve().parent.parent


def appinspect(archive, scratch, tags):
    out = scratch / (archive.name + "-".join(["", *tags]) + ".appinspect.json")
    exe = Path(sys.executable).parent / "splunk-appinspect"
    extra = [a for t in tags for a in ("--included-tags", t)]
    subprocess.run(
        [str(exe), "inspect", str(archive), "--data-format", "json", "--output-file", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=scratch,
    )
    report = json.loads(out.read_text())
    problems = []
    for rep in report["reports"]:
        for group in rep["groups"]:
            for check in group["checks"]:
                if check["result"] in ("failure", "error"):
                    msgs = "; ".join(m["message"] for m in check["messages"])
                    problems.append(f"{check['result']} {check['name']}: {msgs}")
    summary = report["summary"]
    return summary, problems


def unindent(text):
    return "\n".join(line.lstrip(" ") for line in text.split("\n"))


def read_back(conf_path, target):
    parser = TABConfigParser()
    parser.read(str(conf_path))
    by_id = {}
    for stanza in parser.sections():
        event = parser.get(stanza, "action.logevent.param.event")
        det_id = event.rsplit("(", 1)[1].rstrip(")")
        by_id[det_id] = {
            "search": parser.get(stanza, "search").replace("\\\n", "\n"),
            "disabled": parser.get(stanza, "disabled"),
        }
    problems = []
    built = [d for d in target["detections"] if d["status"] == "built"]
    if len(by_id) != len(built):
        problems.append(f"{len(by_id)} stanzas for {len(built)} built detections")
    for d in built:
        got = by_id.get(d["id"])
        if got is None:
            problems.append(f"{d['id']}: no stanza")
            continue
        if got["search"] != unindent(d["query"]):
            problems.append(f"{d['id']}: the search reads back differently")
        want = "0" if d["settings"]["enabled"] == "true" else "1"
        if got["disabled"] != want:
            problems.append(f"{d['id']}: disabled = {got['disabled']}, expected {want}")
    return len(built), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default=str(ROOT / "target" / "debug" / "vigil"))
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="vigil-splunk-app-"))
    try:
        dist = scratch / "dist"
        build = subprocess.run(
            [args.vigil, "build", "--manifest", "detections/vigil.toml", "--out", str(dist)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if build.returncode != 0:
            print(build.stdout, build.stderr)
            print("FAIL: vigil build")
            return 1
        report = json.loads((dist / "report.json").read_text())
        failed = False
        apps = 0
        for env in report["environments"]:
            for target in env["targets"]:
                if target["target"] != "splunk":
                    continue
                apps += 1
                where = f"{env['name']}/{target['name']}"
                archive = next(dist.joinpath(where).glob("*.tar.gz"))
                problems = []
                for tags in ([], ["cloud"]):
                    summary, found = appinspect(archive, scratch, tags)
                    problems += found
                    print(
                        f"{where}: appinspect{''.join(' --included-tags ' + t for t in tags)}: "
                        f"failure={summary['failure']} error={summary['error']} "
                        f"warning={summary['warning']} success={summary['success']}"
                    )
                conf = next(dist.joinpath(where).glob("*/default/savedsearches.conf"))
                searches, conf_problems = read_back(conf, target)
                problems += conf_problems
                print(f"{where}: {searches} searches read back from savedsearches.conf")
                for p in problems:
                    print(f"  {p}")
                failed |= bool(problems)
        if apps == 0:
            print("FAIL: the manifest has no Splunk target")
            return 1
        print("FAIL" if failed else "ok")
        return 1 if failed else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
