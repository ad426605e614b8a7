"""Loading the catalogue (units, places, rules) from the YAML data files.

Loading is idempotent: it creates what is missing and updates what the files define, so a
deployment can run it on every start. Rows edited in the admin keep the edits for fields
the files do not carry.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import ForeignKey, Model

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


def _differs(obj: Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if isinstance(field, ForeignKey):  # compare keys, without fetching the related row
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _upsert(model: type[Model], key: str, rows: list[dict[str, Any]]) -> dict[Any, Any]:
    """Create the rows whose `key` is missing and update the others, in a few queries."""
    existing = {
        getattr(obj, key): obj
        for obj in model._default_manager.filter(**{f"{key}__in": [r[key] for r in rows]})
    }
    to_create, to_update, fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            to_create.append(model(**row))
            continue
        changed = [name for name, value in row.items() if _differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, row[name])
        if changed:
            to_update.append(obj)
            fields.update(changed)
    created = model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields))
    result = {getattr(obj, key): obj for obj in [*existing.values(), *created]}
    if any(obj.pk is None for obj in created):  # backends that do not return primary keys
        result = {
            getattr(obj, key): obj
            for obj in model._default_manager.filter(**{f"{key}__in": list(result)})
        }
    return result


@transaction.atomic
def catalogue_load(*, data_dir: Path = DATA_DIR) -> CatalogueCounts:
    """Create or update units, places and every rule table from `data_dir`."""
    units_data = _read(data_dir / "units.yaml")["units"]
    policy = _read(data_dir / "policy.yaml")
    categories = _read(data_dir / "categories.yaml")["categories"]
    scripts_path = data_dir / "scripts.yaml"
    scripts = _read(scripts_path).get("exclusion_scripts", {}) if scripts_path.exists() else {}

    units = _upsert(
        Unit,
        "code",
        [
            {
                "code": row["code"],
                "name": row["name"],
                "kind": row["kind"],
                "duties": list(row.get("duties") or []),
                "sort_order": order,
            }
            for order, row in enumerate(units_data)
        ],
    )
    parents = [
        (units[row["code"]], units[row["parent"]]) for row in units_data if row.get("parent")
    ]
    for unit, parent in parents:
        unit.parent = parent
    Unit.objects.bulk_update([unit for unit, _parent in parents], ["parent"])

    wanted_places = [
        (units[row["code"]], name) for row in units_data for name in row.get("places") or []
    ]
    have_places = {
        (p.unit_id, p.name): p for p in Place.objects.filter(unit__in=[u for u, _ in wanted_places])
    }
    Place.objects.bulk_create(
        [
            Place(unit=unit, name=name, kind=_place_kind(name))
            for unit, name in wanted_places
            if (unit.pk, name) not in have_places
        ]
    )

    extension = policy.get("extension") or {}
    applies_to = set(extension.get("applies_to") or [])
    _upsert(
        RequestType,
        "code",
        [
            {
                "code": code,
                "name": row["name"],
                "article": row.get("article") or "",
                "limit_working_days": row["limit_working_days"],
                "needs_review": bool(row.get("review_by")),
                "extension_working_days": extension.get("working_days", 0)
                if code in applies_to
                else 0,
                "extension_max_times": extension.get("max_times", 0) if code in applies_to else 0,
                "is_emergency": code == "emergency",
                "sort_order": order,
            }
            for order, (code, row) in enumerate(policy["request_types"].items())
        ],
    )
    _upsert(
        ExclusionReason,
        "code",
        [
            {
                "code": code,
                "name": name,
                "article": f"12({order})",
                "script": scripts.get(code, ""),
                "sort_order": order,
            }
            for order, (code, name) in enumerate(policy["exclusions"].items(), start=1)
        ],
    )
    guidance = policy.get("rescue_guidance", {})
    _upsert(
        EmergencySituation,
        "code",
        [
            {
                "code": code,
                "name": name,
                "article": f"13({order})",
                "sort_order": order,
                "rescue_lines": [str(line) for line in guidance.get(code, [])],
            }
            for order, (code, name) in enumerate(policy["emergency_situations"].items(), start=1)
        ],
    )
    _upsert(
        RescueLine,
        "code",
        [{"code": str(code), "name": name} for code, name in policy["rescue_lines"].items()],
    )
    _upsert(
        MajorIncidentKind,
        "code",
        [
            {"code": code, "name": name, "sort_order": order}
            for order, (code, name) in enumerate(policy["major_incidents"].items())
        ],
    )

    groups = _upsert(
        Category,
        "code",
        [
            {
                "code": group["code"],
                "name": group["name"],
                "parent": None,
                "lead_unit": units.get(group.get("lead")),
                "territorial": bool(group.get("territorial")),
                "sort_order": order * 100,
            }
            for order, group in enumerate(categories)
        ],
    )
    leaves = _upsert(
        Category,
        "code",
        [
            {
                "code": child["code"],
                "name": child["name"],
                "parent": groups[group["code"]],
                "lead_unit": units.get(child.get("lead", group.get("lead"))),
                "territorial": bool(child.get("territorial", group.get("territorial"))),
                "limit_working_days": child.get("limit_working_days"),
                "legal_basis": child.get("legal_basis", ""),
                "sort_order": order * 100 + child_order,
            }
            for order, group in enumerate(categories)
            for child_order, child in enumerate(group.get("children") or [], start=1)
        ],
    )

    return CatalogueCounts(
        units=len(units_data),
        places=len(wanted_places),
        request_types=len(policy["request_types"]),
        categories=len(groups) + len(leaves),
        exclusions=len(policy["exclusions"]),
    )
