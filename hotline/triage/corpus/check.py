"""Check the triage training corpus against the catalogue: python3 hotline/triage/corpus/check.py [FILE...]

Every line must be a JSON object with the fields of ../shared/catalogue/triage-schema.md plus
`category` (a leaf code of categories.yaml, null when not accepted). Prints counts; exits 1 on
the first bad line of each file.
"""

import collections
import json
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent.parent / "catalogue" / "data"
POLICY = yaml.safe_load((DATA / "policy.yaml").read_text(encoding="utf-8"))
UNITS = {
    u["code"] for u in yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))["units"]
}


def _leaves(nodes):
    for node in nodes:
        if node.get("children"):
            yield from _leaves(node["children"])
        else:
            yield node["code"]


CATEGORIES = set(
    _leaves(yaml.safe_load((DATA / "categories.yaml").read_text(encoding="utf-8"))["categories"])
)
FIELDS = {
    "id",
    "text",
    "type",
    "accept",
    "exclusion",
    "emergency",
    "major_incident",
    "unit",
    "alt_units",
    "category",
}


def problem(row):
    if set(row) != FIELDS:
        return f"fields {sorted(set(row) ^ FIELDS)}"
    if not (10 <= len(row["text"]) <= 220):
        return "text length"
    if row["type"] not in POLICY["request_types"]:
        return "type"
    if row["accept"] is False:
        if row["exclusion"] not in POLICY["exclusions"]:
            return "exclusion"
        if row["unit"] is not None or row["category"] is not None:
            return "excluded row has unit/category"
    elif row["accept"] is True:
        if row["exclusion"] is not None:
            return "accepted row has exclusion"
        if row["unit"] not in UNITS:
            return "unit"
        if row["category"] not in CATEGORIES:
            return "category"
    else:
        return "accept"
    if any(u not in UNITS for u in row["alt_units"]):
        return "alt_units"
    e = row["emergency"]
    if e is not None:
        if e.get("situation") not in POLICY["emergency_situations"]:
            return "emergency.situation"
        if not e.get("lines") or any(line not in POLICY["rescue_lines"] for line in e["lines"]):
            return "emergency.lines"
        if row["type"] != "emergency":
            return "emergency row must have type emergency"
    elif row["type"] == "emergency":
        return "type emergency without emergency"
    if row["major_incident"] is not None and row["major_incident"] not in POLICY["major_incidents"]:
        return "major_incident"
    return None


def main(paths):
    bad = 0
    ids = set()
    counts: collections.Counter[str] = collections.Counter()
    for path in paths:
        for n, line in enumerate(pathlib.Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                why = problem(row) or ("duplicate id" if row["id"] in ids else None)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                why = f"not a record: {error}"
            if why:
                print(f"{path}:{n}: {why}")
                bad += 1
                continue
            ids.add(row["id"])
            counts["rows"] += 1
            counts[f"type:{row['type']}"] += 1
            counts[f"exclusion:{row['exclusion']}"] += 1
            counts[f"emergency:{(row['emergency'] or {}).get('situation')}"] += 1
            counts[f"incident:{row['major_incident']}"] += 1
            counts[f"unit:{row['unit']}"] += 1
    for key, value in sorted(counts.items()):
        print(f"{key}\t{value}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or sorted(str(p) for p in HERE.glob("*.jsonl"))))
