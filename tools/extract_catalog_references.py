#!/usr/bin/env python3
"""Copy the Auth0 catalog's reference searches into test fixtures.

For each rule of the Auth0 Security Detection Catalog, writes its `splunk:`
search to tests/fixtures/auth0-catalog/splunk/<rule>.spl and its
`tenant_logs:` query to tests/fixtures/auth0-catalog/tenant_logs/<rule>.lucene,
unchanged, and its `id` to a line `<rule>\t<id>` of
tests/fixtures/auth0-catalog/ids.tsv. Also copies the seed article's search. The catalog is Apache-2.0;
its LICENSE is copied next to the fixtures.

    python3 tools/extract_catalog_references.py ../shared/corpora/auth0-detections
"""
import pathlib
import shutil
import sys

import yaml

src = pathlib.Path(sys.argv[1])
out = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/auth0-catalog"
ids = []
for rule in sorted((src / "detections").glob("*.yml")):
    text = rule.read_text()
    # The first document is the rule; YAML errors in the detection block (a
    # known catalog defect) do not affect these string fields, so read
    # them with a loader that tolerates that defect.
    doc = next(yaml.load_all(text, Loader=yaml.BaseLoader))
    (out / "splunk" / f"{rule.stem}.spl").write_text(doc["splunk"])
    (out / "tenant_logs" / f"{rule.stem}.lucene").write_text(doc["tenant_logs"])
    ids.append(f"{rule.stem}\t{doc['id']}\n")
(out / "ids.tsv").write_text("".join(ids))
shutil.copy(src / "article-attack-protection-status.spl", out / "article-attack-protection-status.spl")
shutil.copy(src / "LICENSE", out / "LICENSE")
