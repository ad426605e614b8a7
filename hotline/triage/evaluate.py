"""The figures of issue 14 for a labelled file (`hotline triage-eval`, `hotline triage_train`):
each defined once here, with the target it is held to."""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hotline.triage.model import Suggestion


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    target: float | None  # the least acceptable value (None: reported only)
    value: float
    count: int  # how many examples the figure is over

    @property
    def met(self) -> bool:
        return self.target is None or self.value >= self.target


# key → (label, target)
FIGURES = {
    "type": ("类型准确率 type accuracy", 0.90),
    "accept": ("受理/不予受理准确率 accept/exclude accuracy", 0.92),
    "exclusion": ("不予受理原因正确率 exclusion reason right (of the excluded)", 0.80),
    "emergency_recall": ("紧急情形召回率 emergency recall", 0.98),
    "emergency_precision": ("紧急情形精确率 emergency precision", 0.85),
    "emergency_lines": ("救援电话正确率 rescue lines right (of the emergencies found)", 0.90),
    "emergency_situation": ("紧急情形种类正确率 situation right (of the emergencies found)", None),
    "incident_recall": ("重大突发事件召回率 major-incident recall", 0.95),
    "incident_precision": ("重大突发事件精确率 major-incident precision", 0.80),
    "incident_kind": ("事件种类正确率 incident kind right (of those found)", None),
    "unit_top1": ("承办单位首选正确率 unit right at top 1", 0.85),
    "unit_top3": ("承办单位前三正确率 unit right in the top 3", 0.95),
}


def _ratio(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def measure(
    rows: Iterable[dict[str, Any]], suggest: Callable[[str, str | None], Suggestion]
) -> tuple[list[Figure], dict[str, float]]:
    """The figures of `suggest` on labelled rows, and the time per request (ms: p50, p95)."""
    n = right_type = right_accept = 0
    excluded = right_reason = 0
    em_true = em_found = em_hit = em_lines = em_situation = 0
    mi_true = mi_found = mi_hit = mi_kind = 0
    with_unit = top1 = top3 = 0
    times = []
    for row in rows:
        started = time.perf_counter()
        s = suggest(row["text"], row.get("place"))
        times.append((time.perf_counter() - started) * 1000)
        n += 1
        right_type += s.type == row["type"]
        right_accept += s.accept == row["accept"]
        if not row["accept"]:
            excluded += 1
            right_reason += s.exclusion == row["exclusion"]
        labelled, found = row["emergency"], s.emergency
        em_true += bool(labelled)
        em_found += bool(found)
        if labelled and found:
            em_hit += 1
            em_lines += sorted(found["lines"]) == sorted(labelled["lines"])
            em_situation += found["situation"] == labelled["situation"]
        mi_true += bool(row["major_incident"])
        mi_found += bool(s.major_incident)
        if row["major_incident"] and s.major_incident:
            mi_hit += 1
            mi_kind += s.major_incident == row["major_incident"]
        if row["unit"]:
            with_unit += 1
            good = {row["unit"], *row.get("alt_units", [])}
            top1 += s.unit in good
            top3 += bool(good & set(s.units[:3]))
    values = {
        "type": (right_type, n),
        "accept": (right_accept, n),
        "exclusion": (right_reason, excluded),
        "emergency_recall": (em_hit, em_true),
        "emergency_precision": (em_hit, em_found),
        "emergency_lines": (em_lines, em_hit),
        "emergency_situation": (em_situation, em_hit),
        "incident_recall": (mi_hit, mi_true),
        "incident_precision": (mi_hit, mi_found),
        "incident_kind": (mi_kind, mi_hit),
        "unit_top1": (top1, with_unit),
        "unit_top3": (top3, with_unit),
    }
    figures = [
        Figure(key, label, target, _ratio(*values[key]), values[key][1])
        for key, (label, target) in FIGURES.items()
    ]
    times.sort()
    timing = {
        "p50_ms": times[len(times) // 2] if times else 0.0,
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0,
    }
    return figures, timing


def not_worse(before: list[Figure], after: list[Figure], *, slack: float = 0.0) -> bool:
    """True when no figure of `after` is below the same figure of `before` (less `slack`), and
    emergency recall is not below it at all: a model that misses emergencies is never installed."""
    old = {f.key: f.value for f in before}
    for figure in after:
        allowed = 0.0 if figure.key == "emergency_recall" else slack
        if figure.value < old.get(figure.key, 0.0) - allowed:
            return False
    return True


def table(figures: list[Figure], timing: dict[str, float]) -> str:
    lines = ["| figure | value | over | target | met |", "|---|---:|---:|---:|:---:|"]
    for f in figures:
        target = f"≥ {f.target:.0%}" if f.target is not None else "—"
        lines.append(
            f"| {f.label} | {f.value:.1%} | {f.count} | {target} | {'✓' if f.met else '✗'} |"
        )
    lines.append(
        f"| 每条耗时 time per request p50 / p95 | {timing['p50_ms']:.1f} / "
        f"{timing['p95_ms']:.1f} ms | | ≤ 20 ms (p95) | "
        f"{'✓' if timing['p95_ms'] <= 20 else '✗'} |"
    )
    return "\n".join(lines)
