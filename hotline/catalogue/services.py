"""Loading the catalogue (units, places, rules) from the YAML data files.

Loading is idempotent: it creates what is missing and updates what the files define, so a
deployment can run it on every start. Rows edited in the admin keep the edits for fields
the files do not carry.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from hotline.catalogue.models import (
    Category,
    EmergencySituation,
    ExclusionReason,
    MajorIncidentKind,
    RequestType,
    RescueLine,
)
from hotline.units.models import Place, Unit

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CatalogueCounts:
    units: int
    places: int
    request_types: int
    categories: int
    exclusions: int


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _place_kind(name: str) -> str:
    return Place.Kind.VILLAGE if name.endswith("村") else Place.Kind.COMMUNITY


@transaction.atomic
def catalogue_load(*, data_dir: Path = DATA_DIR) -> CatalogueCounts:
    """Create or update units, places and every rule table from `data_dir`."""
    units_data = _read(data_dir / "units.yaml")["units"]
    policy = _read(data_dir / "policy.yaml")
    categories = _read(data_dir / "categories.yaml")["categories"]
    scripts_path = data_dir / "scripts.yaml"
    scripts = _read(scripts_path).get("exclusion_scripts", {}) if scripts_path.exists() else {}

    for order, row in enumerate(units_data):
        Unit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "duties": list(row.get("duties") or []),
                "sort_order": order,
            },
        )
    by_code = {unit.code: unit for unit in Unit.objects.all()}
    places = 0
    for row in units_data:
        unit = by_code[row["code"]]
        if row.get("parent"):
            Unit.objects.filter(pk=unit.pk).update(parent=by_code[row["parent"]])
        for name in row.get("places") or []:
            Place.objects.update_or_create(unit=unit, name=name, defaults={"kind": _place_kind(name)})
            places += 1

    extension = policy.get("extension") or {}
    for order, (code, row) in enumerate(policy["request_types"].items()):
        can_extend = code in (extension.get("applies_to") or [])
        RequestType.objects.update_or_create(
            code=code,
            defaults={
                "name": row["name"],
                "article": row.get("article") or "",
                "limit_working_days": row["limit_working_days"],
                "needs_review": bool(row.get("review_by")),
                "extension_working_days": extension.get("working_days", 0) if can_extend else 0,
                "extension_max_times": extension.get("max_times", 0) if can_extend else 0,
                "is_emergency": code == "emergency",
                "sort_order": order,
            },
        )

    for order, (code, name) in enumerate(policy["exclusions"].items(), start=1):
        ExclusionReason.objects.update_or_create(
            code=code,
            defaults={"name": name, "article": f"12({order})", "script": scripts.get(code, ""), "sort_order": order},
        )
    for order, (code, name) in enumerate(policy["emergency_situations"].items(), start=1):
        EmergencySituation.objects.update_or_create(
            code=code, defaults={"name": name, "article": f"13({order})", "sort_order": order}
        )
    for code, name in policy["rescue_lines"].items():
        RescueLine.objects.update_or_create(code=str(code), defaults={"name": name})
    for order, (code, name) in enumerate(policy["major_incidents"].items()):
        MajorIncidentKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})

    count = 0
    for order, group in enumerate(categories):
        parent, _ = Category.objects.update_or_create(
            code=group["code"],
            defaults={
                "name": group["name"],
                "parent": None,
                "lead_unit": by_code.get(group.get("lead")),
                "territorial": bool(group.get("territorial")),
                "sort_order": order * 100,
            },
        )
        count += 1
        for child_order, child in enumerate(group.get("children") or [], start=1):
            Category.objects.update_or_create(
                code=child["code"],
                defaults={
                    "name": child["name"],
                    "parent": parent,
                    "lead_unit": by_code.get(child.get("lead", group.get("lead"))),
                    "territorial": bool(child.get("territorial", group.get("territorial"))),
                    "limit_working_days": child.get("limit_working_days"),
                    "legal_basis": child.get("legal_basis", ""),
                    "sort_order": order * 100 + child_order,
                },
            )
            count += 1

    return CatalogueCounts(
        units=len(units_data),
        places=places,
        request_types=len(policy["request_types"]),
        categories=count,
        exclusions=len(policy["exclusions"]),
    )
