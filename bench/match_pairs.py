#!/usr/bin/env python3
"""Reads the NDJSON matches of `vigil run` or `rsigma engine eval` on
stdin, as they stream, and prints one `RULE LOG_ID` line per match (for
`sort`), so that bench/rsigma.sh compares the two tools' matches without
writing their outputs (rsigma's repeats each event: about 6 GB for 37
rules over 1M events).

    match_pairs.py vigil|rsigma [--no-rule]

vigil: a row's rule is `_detection` (rows of a single detection have none:
"one"); its event is the row. rsigma: a match's rule is `rule_id` (else its
title), its event `event` (from --include-event); other lines are skipped. The event id
is `data.log_id` (envelope events), else `log_id`. --no-rule prints "one"
as every rule: one rule's ids differ between the tools (vigil has none).
"""

import json
import sys


def main() -> None:
    tool = sys.argv[1]
    no_rule = "--no-rule" in sys.argv[2:]
    out = sys.stdout
    for line in sys.stdin:
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if not isinstance(m, dict):
            continue
        if tool == "vigil":
            rule, event = m.get("_detection", "one"), m
        else:
            # A rule without an id (bench/filter.vigil's) has `rule_id: null`.
            rule, event = m.get("rule_id") or m.get("rule_title"), m.get("event")
            if not isinstance(event, dict):
                continue
        data = event.get("data")
        log_id = data.get("log_id") if isinstance(data, dict) else None
        if log_id is None:
            log_id = event.get("log_id")
        out.write(f"{'one' if no_rule else rule} {log_id}\n")


if __name__ == "__main__":
    main()
