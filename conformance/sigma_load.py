#!/usr/bin/env python3
"""Every Sigma file Vigil writes must load in pySigma.

For each detection in detections/ and tests/fixtures/sigma-write/, compiles
it with `vigil compile --target sigma` three times: as written, with every
declared parameter set to a sample value (thresholds become numbers, so
aggregating pipelines can become correlation rules), and with
`--filter-only` (the filter alone, which every detection has). Every output is loaded
with pySigma's `SigmaCollection.from_yaml` (which also resolves correlation
references); a detection Vigil refuses (an error diagnostic, exit 1) is
counted with its reason. For fixtures named `escaping*.vigil`, each value
pySigma parsed is compared with the IR's text (characters and wildcards).

Exit status: 0 if everything Vigil wrote loaded and matched, 1 otherwise.

    python3 conformance/sigma_load.py [--vigil target/debug/vigil]
"""

import argparse
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

from sigma.collection import SigmaCollection
from sigma.types import SigmaString, SpecialChars

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "detections", ROOT / "tests" / "fixtures" / "sigma-write"]


def run(vigil, *args):
    return subprocess.run([str(vigil), *args], capture_output=True, text=True, cwd=ROOT)


def sample_params(ir):
    out = []
    for p in ir.get("params", []):
        v = {"number": "10", "bool": "true"}.get(p["type"], "example-" + p["name"])
        out += ["--param", f"{p['name']}={v}"]
    return out


def first_error(stderr):
    """The message of the first error diagnostic in vigil's stderr."""
    for line in stderr.splitlines():
        m = re.match(r"\s*×\s*(.*)", line)
        if m:
            return m.group(1).strip()
    return stderr.strip().splitlines()[0] if stderr.strip() else "(no message)"


def ir_parts(text):
    """IR text (a string or a list of parts) as a list of ('lit', s) / '*' / '?'."""
    if isinstance(text, str):
        return [("lit", text)] if text else []
    out = []
    for p in text:
        if p == "any_string":
            out.append("*")
        elif p == "any_char":
            out.append("?")
        elif isinstance(p, dict) and "lit" in p:
            out.append(("lit", p["lit"]))
        else:
            out.append(("param", json.dumps(p)))
    return out


def sigma_parts(s):
    out = []
    for p in s.s:
        if p == SpecialChars.WILDCARD_MULTI:
            out.append("*")
        elif p == SpecialChars.WILDCARD_SINGLE:
            out.append("?")
        elif isinstance(p, str):
            if out and isinstance(out[-1], tuple):
                out[-1] = ("lit", out[-1][1] + p)
            else:
                out.append(("lit", p))
        else:
            out.append(("other", repr(p)))
    return out


def check_escaping(ir, collection):
    """Each `field == "..."` / `field like "..."` of the IR (a conjunction)
    against what pySigma parsed for `data.field`."""
    problems = []
    items = {}
    for rule in collection.rules:
        for det in rule.detection.detections.values():
            for item in det.detection_items:
                items[item.field] = item
    preds = ir["filter"].get("and", [ir["filter"]])
    for p in preds:
        pred = p["pred"]
        test = pred["test"]
        if test["test"] == "eq":
            want = ir_parts(test["value"]["str"])
        elif test["test"] == "like" and len(test["patterns"]) == 1:
            want = ir_parts(test["patterns"][0])
        else:
            continue
        field = "data." + pred["field"]["path"]
        item = items.get(field)
        if item is None or len(item.value) != 1 or not isinstance(item.value[0], SigmaString):
            problems.append(f"{field}: not a single string in pySigma ({item!r})")
            continue
        got = sigma_parts(item.value[0])
        if got != want:
            problems.append(f"{field}: Vigil means {want}, pySigma read {got}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vigil", default=str(ROOT / "target" / "debug" / "vigil"))
    args = ap.parse_args()
    version = importlib.metadata.version("pysigma")
    files = sorted(f for d in INPUTS for f in d.glob("*.vigil"))
    loaded, refused, failures = [], [], []
    for f in files:
        rel = f.relative_to(ROOT)
        ir_run = run(args.vigil, "debug", "ir", str(rel))
        if ir_run.returncode != 0:
            failures.append(f"{rel}: does not load: {first_error(ir_run.stderr)}")
            continue
        ir = json.loads(ir_run.stdout)
        variants = (
            ("as written", []),
            ("with sample params", sample_params(ir)),
            # Every detection's filter, its pipeline left out with a warning.
            ("--filter-only", ["--filter-only"]),
        )
        for label, extra in variants:
            if label == "with sample params" and not extra:
                continue
            out = run(args.vigil, "compile", "--target", "sigma", str(rel), *extra)
            if out.returncode == 1:
                refused.append((rel, label, first_error(out.stderr)))
                continue
            if out.returncode != 0:
                failures.append(f"{rel} ({label}): vigil exited {out.returncode}: {out.stderr}")
                continue
            try:
                c = SigmaCollection.from_yaml(out.stdout)
                docs = out.stdout.count("\n---\n") + 1
                if len(c.rules) != docs:
                    raise ValueError(f"{docs} documents but {len(c.rules)} rules")
            except Exception as e:  # pySigma raises many exception types
                failures.append(f"{rel} ({label}): pySigma {version}: {type(e).__name__}: {e}")
                continue
            loaded.append((rel, label, len(c.rules)))
            if f.name.startswith("escaping") and label == "as written":
                failures += [f"{rel}: {p}" for p in check_escaping(ir, c)]
    print(f"pySigma {version}: {len(files)} detections")
    for rel, label, n in loaded:
        print(f"  loaded   {rel} ({label}): {n} rule(s)")
    for rel, label, why in refused:
        print(f"  refused  {rel} ({label}): {why}")
    for msg in failures:
        print(f"  FAILED   {msg}")
    print(f"{len(loaded)} Sigma outputs loaded, {len(refused)} refused by Vigil, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
