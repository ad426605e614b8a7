"""The catalogue as triage sees it: codes, names, duties and places from the YAML data files
the platform loads (hotline/catalogue/data), so that the command line, the tests and the web
agree without a database."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

# The files the catalogue app loads (hotline.catalogue.services.DATA_DIR), read without Django.
DATA_DIR = Path(__file__).resolve().parent.parent / "catalogue" / "data"

TERRITORIAL_KINDS = {"territorial"}


@dataclass(frozen=True)
class Catalogue:
    request_types: tuple[str, ...]
    exclusions: dict[str, str]
    situations: dict[str, str]
    lines: tuple[str, ...]
    incidents: dict[str, str]
    units: dict[str, dict]  # code → the units.yaml entry
    categories: dict[str, dict]  # leaf code → {name, lead, territorial, parent}
    places: dict[str, str] = field(default_factory=dict)  # place name → unit code
    place_names: tuple[str, ...] = ()  # longest first: 西桥社区 before 西桥

    def territorial(self, unit: str | None) -> bool:
        return bool(unit) and self.units.get(unit or "", {}).get("kind") in TERRITORIAL_KINDS

    def places_in(self, text: str) -> list[str]:
        """The catalogue's places the text names, longest name first (西桥社区 before 西桥)."""
        return [name for name in self.place_names if name in text]


def _leaves(nodes: list[dict], parent: dict | None = None):
    for node in nodes:
        lead = node.get("lead") or (parent or {}).get("lead")
        territorial = node.get("territorial", (parent or {}).get("territorial", False))
        if node.get("children"):
            yield from _leaves(node["children"], {**node, "lead": lead, "territorial": territorial})
        else:
            yield (
                node["code"],
                {
                    "name": node["name"],
                    "lead": lead,
                    "territorial": bool(territorial),
                    "parent": (parent or {}).get("name", ""),
                },
            )


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@cache
def catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    policy = _read(data_dir / "policy.yaml")
    units = {unit["code"]: unit for unit in _read(data_dir / "units.yaml")["units"]}
    places = {}
    for code, unit in units.items():
        for name in unit.get("places", []):
            places[name] = code
            # Callers drop the suffix: 「西桥那边」, 「永安的路」.
            short = name.removesuffix("社区").removesuffix("村")
            if len(short) >= 2 and short != name:
                places.setdefault(short, code)
    return Catalogue(
        request_types=tuple(policy["request_types"]),
        exclusions=dict(policy["exclusions"]),
        situations=dict(policy["emergency_situations"]),
        lines=tuple(str(line) for line in policy["rescue_lines"]),
        incidents=dict(policy["major_incidents"]),
        units=units,
        categories=dict(_leaves(_read(data_dir / "categories.yaml")["categories"])),
        places=places,
        place_names=tuple(sorted(places, key=len, reverse=True)),
    )
