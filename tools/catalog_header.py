#!/usr/bin/env python3
"""Print the Vigil metadata header for an Auth0 catalog rule.

Used when porting the Auth0 Security Detection Catalog by hand: the header
(id, title, level, tags, description, false positives, explanation,
prevention, comments, ...) is copied mechanically from the rule's YAML; the
query below it is written by hand.

    python3 tools/catalog_header.py ../shared/corpora/auth0-detections/detections/sms_bombarding.yml
"""
import sys

import yaml

ORDER = ["title", "id", "status", "level", "author", "date", "modified", "logsource",
         "tags", "references", "description", "falsepositives", "explanation",
         "prevention", "comments"]


def q(s: str) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def block(s: str) -> str:
    s = str(s).rstrip("\n")
    if '"""' in s:
        return q(s)
    body = "\n".join(("    " + line) if line.strip() else "" for line in s.split("\n"))
    return '"""\n' + body + '\n    """'


def value(key, v):
    if isinstance(v, list):
        items = [q(" ".join(str(i).split()) if key in ("falsepositives", "prevention", "comments") else i) for i in v]
        if sum(len(i) for i in items) < 70 and key == "tags":
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"    {i},\n" for i in items) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {q(val)}" for k, val in v.items()) + "}"
    if key in ("description", "explanation") or "\n" in str(v):
        return block(v)
    if key in ("status", "level"):
        return str(v)
    if key in ("date", "modified"):
        return str(v)
    return q(v)


def main():
    doc = next(yaml.safe_load_all(open(sys.argv[1])))
    for k in ORDER:
        if k in doc and doc[k] is not None:
            print(f"{k}: {value(k, doc[k])}")


if __name__ == "__main__":
    main()
