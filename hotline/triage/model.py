"""The triage model: one linear classifier per decision over the text's features
(features.py), with the recall rules of rules.py weighed in, and the place deciding the street
or town where the matter is territorial (属地管理, Art. 14(2)).

Trained from the shipped corpus (corpus/*.jsonl), the catalogue's duty texts and, when
retrained, the operators' final decisions (training.py). Fitting takes seconds; a suggestion
takes about a millisecond.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from hotline.triage.catalogue import Catalogue, catalogue
from hotline.triage.features import TextVectors
from hotline.triage.rules import rules_apply

NONE = "-"  # the class "no emergency", "no major incident", "accepted"
# How much a rule that fires adds to the model's probability of its answer.
RULE_WEIGHT = 0.45
# An emergency is suggested when the model's own chance is at least this…
EMERGENCY_AT = 0.5
# …or, when a rule of Art. 13 fires on a matter told as happening now, at least this.
EMERGENCY_RULE_AT = 0.08
LINE_AT = 0.5
LINE_RULE_AT = 0.1
# The same two thresholds for an Art. 17 major incident.
INCIDENT_AT = 0.4
INCIDENT_RULE_AT = 0.1
UNIT_SHOWN = 5


@dataclass(frozen=True)
class Suggestion:
    """What triage suggests for one request: the fields of triage-schema.md plus the
    category and the chances the intake screen shows."""

    type: str
    accept: bool
    exclusion: str | None
    emergency: dict[str, Any] | None
    major_incident: str | None
    unit: str | None
    units: list[str]
    confidence: float
    category: str | None = None
    place: str | None = None
    chances: dict[str, float] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """The fields `hotline triage` writes (triage-schema.md)."""
        row = asdict(self)
        row.pop("chances")
        row.pop("place")
        return row


def _classifier(*, balanced: bool = False, strength: float = 20.0) -> OneVsRestClassifier:
    # liblinear, one class against the rest, fits sparse text features in seconds where the
    # multinomial lbfgs takes minutes.
    return OneVsRestClassifier(
        LogisticRegression(
            C=strength, solver="liblinear", class_weight="balanced" if balanced else None
        )
    )


class LinearHead:
    """A fitted one-vs-rest head as one coefficient matrix: a suggestion multiplies the few
    features of one text by it at once, where scikit-learn's estimator loops over the
    classes (20 ms for the catalogue's 190 categories; well under 1 ms this way). The chances
    are the same: each class's logistic score, normalised to sum to one."""

    def __init__(self, fitted: OneVsRestClassifier) -> None:
        self.classes = [str(c) for c in fitted.classes_]
        estimators = fitted.estimators_
        if len(self.classes) == 2:  # scikit-learn fits one estimator for two classes
            only = estimators[0]
            coef = np.hstack([-only.coef_.T, only.coef_.T])
            self.intercept = np.array([-only.intercept_[0], only.intercept_[0]], np.float32)
        else:
            coef = np.vstack([e.coef_[0] for e in estimators]).T
            self.intercept = np.array([e.intercept_[0] for e in estimators], np.float32)
        # One row per feature, rows contiguous: a text's few features pick a few rows.
        self.coef = np.ascontiguousarray(coef, dtype=np.float32)

    def chances(self, x) -> dict[str, float]:
        scores = np.asarray(x.astype(np.float32) @ self.coef).ravel() + self.intercept
        p = 1.0 / (1.0 + np.exp(-scores))
        if len(self.classes) == 2:
            p = np.array([1.0 - p[1], p[1]])
        p = p / p.sum() if p.sum() > 0 else np.full(len(p), 1.0 / len(p))
        return dict(zip(self.classes, (float(v) for v in p), strict=True))


def _fit(head: OneVsRestClassifier, x, labels: list[str]) -> LinearHead | str:
    """A head with one class only answers that class."""
    if len(set(labels)) < 2:
        return labels[0]
    return LinearHead(head.fit(x, labels))


def _chances(head: LinearHead | str, x) -> dict[str, float]:
    if isinstance(head, str):
        return {head: 1.0}
    return head.chances(x)


class TriageModel:
    def __init__(self, cat: Catalogue | None = None) -> None:
        self.catalogue = cat or catalogue()
        self.vectors = TextVectors()
        self.heads: dict[str, Any] = {}
        self.meta: dict[str, Any] = {}

    # -- training -------------------------------------------------------------------------

    def _catalogue_examples(self) -> list[tuple[str, str, str]]:
        """(text, unit, category) from the catalogue itself: each leaf's name with its
        parent's, and each unit's duties, so that no unit is unknown to the model."""
        found = []
        for code, leaf in self.catalogue.categories.items():
            found.append((f"{leaf['parent']} {leaf['name']}", leaf["lead"], code))
        for code, unit in self.catalogue.units.items():
            for duty in unit.get("duties", []):
                named = next(
                    (c for c, v in self.catalogue.categories.items() if v["name"] == duty), None
                )
                if named:
                    found.append((f"{unit['name']} {duty}", code, named))
        return found

    def fit(self, rows: list[dict[str, Any]]) -> "TriageModel":
        texts = [r["text"] for r in rows]
        extra = self._catalogue_examples()
        self.vectors.fit(texts + [t for t, _u, _c in extra])
        x = self.vectors.transform(texts)
        self.heads["type"] = _fit(_classifier(balanced=True), x, [r["type"] for r in rows])
        self.heads["exclusion"] = _fit(
            _classifier(balanced=True), x, [r["exclusion"] or NONE for r in rows]
        )
        self.heads["emergency"] = _fit(
            _classifier(balanced=True),
            x,
            [(r["emergency"] or {}).get("situation") or NONE for r in rows],
        )
        self.heads["incident"] = _fit(
            _classifier(balanced=True), x, [r["major_incident"] or NONE for r in rows]
        )
        accepted = [i for i, r in enumerate(rows) if r["accept"] and r.get("unit")]
        xa = self.vectors.transform([texts[i] for i in accepted] + [t for t, _u, _c in extra])
        self.heads["unit"] = _fit(
            _classifier(balanced=True),
            xa,
            [rows[i]["unit"] for i in accepted] + [u for _t, u, _c in extra],
        )
        categorised = [i for i in accepted if rows[i].get("category")]
        xc = self.vectors.transform([texts[i] for i in categorised] + [t for t, _u, _c in extra])
        self.heads["category"] = _fit(
            _classifier(balanced=True),
            xc,
            [rows[i]["category"] for i in categorised] + [c for _t, _u, c in extra],
        )
        urgent = [i for i, r in enumerate(rows) if r["emergency"]]
        xe = self.vectors.transform([texts[i] for i in urgent]) if urgent else None
        for line in self.catalogue.lines:
            if line == "110" or xe is None:
                continue
            labels = ["yes" if line in rows[i]["emergency"]["lines"] else "no" for i in urgent]
            self.heads[f"line:{line}"] = _fit(_classifier(balanced=True), xe, labels)
        return self

    # -- suggesting -----------------------------------------------------------------------

    def suggest(self, text: str, place: str | None = None) -> Suggestion:
        x = self.vectors.transform([text])
        hits = rules_apply(text)
        now = not hits.not_now or hits.urgent

        emergency = _chances(self.heads["emergency"], x)
        chance = 1.0 - emergency.get(NONE, 0.0)
        ruled = bool(hits.emergency) and now
        is_emergency = chance >= EMERGENCY_AT or (ruled and chance >= EMERGENCY_RULE_AT)
        situation = None
        if is_emergency:
            weighed = {
                s: emergency.get(s, 0.0) + (RULE_WEIGHT if s in hits.emergency else 0.0)
                for s in self.catalogue.situations
            }
            situation = max(weighed, key=weighed.__getitem__)

        exclusion_chances = _chances(self.heads["exclusion"], x)
        for reason in hits.exclusions:
            exclusion_chances[reason] = exclusion_chances.get(reason, 0.0) + RULE_WEIGHT
        likeliest = max(exclusion_chances, key=exclusion_chances.__getitem__)
        # Art. 13: an emergency is always taken.
        exclusion = None if is_emergency or likeliest == NONE else likeliest

        incident_chances = _chances(self.heads["incident"], x)
        incident_chance = 1.0 - incident_chances.get(NONE, 0.0)
        incident = None
        if incident_chance >= INCIDENT_AT or (
            hits.incidents and incident_chance >= INCIDENT_RULE_AT
        ):
            weighed = {
                k: incident_chances.get(k, 0.0) + (RULE_WEIGHT if k in hits.incidents else 0.0)
                for k in self.catalogue.incidents
            }
            incident = max(weighed, key=weighed.__getitem__)

        types = _chances(self.heads["type"], x)
        if is_emergency:
            kind = "emergency"
        else:
            kind = max((t for t in types if t != "emergency"), key=types.__getitem__)

        place_name = place or next(iter(self.catalogue.places_in(text)), None)
        units: list[str] = []
        confidence, category = 1.0 - exclusion_chances.get(NONE, 0.0), None
        if exclusion is None:
            units, confidence, category = self._units(x, place_name)
        lines = self._lines(x, hits) if is_emergency else []
        return Suggestion(
            type=kind,
            accept=exclusion is None,
            exclusion=exclusion,
            emergency={"situation": situation, "lines": lines} if is_emergency else None,
            major_incident=incident,
            unit=units[0] if units else None,
            units=units,
            confidence=round(float(confidence), 3),
            category=category,
            place=place_name,
            chances={
                "emergency": round(chance, 3),
                "exclusion": round(1.0 - exclusion_chances.get(NONE, 0.0), 3),
                "major_incident": round(incident_chance, 3),
                "type": round(types.get(kind, 0.0), 3),
            },
        )

    def _lines(self, x, hits) -> list[str]:
        lines = ["110"]  # Art. 13: every emergency is passed to the 110 desk
        for line in self.catalogue.lines:
            head = self.heads.get(f"line:{line}")
            if line == "110" or head is None:
                continue
            chance = _chances(head, x).get("yes", 0.0)
            if (line in hits.lines and chance >= LINE_RULE_AT) or chance >= LINE_AT:
                lines.append(line)
        return lines

    def _units(self, x, place: str | None) -> tuple[list[str], float, str | None]:
        """The lead units, best first: the unit head and the category head (through each
        category's lead) together; a territorial matter goes to the place's street or town."""
        by_unit = _chances(self.heads["unit"], x)
        by_category = _chances(self.heads["category"], x)
        score: dict[str, float] = {u: 0.6 * p for u, p in by_unit.items()}
        for code, p in by_category.items():
            lead = self.catalogue.categories.get(code, {}).get("lead")
            if lead:
                score[lead] = score.get(lead, 0.0) + 0.4 * p
        ranked = sorted(score, key=score.__getitem__, reverse=True)
        top = ranked[0]
        best_category = max(by_category, key=by_category.__getitem__)
        place_unit = self.catalogue.places.get(place or "")
        territorial = self.catalogue.territorial(top) or self.catalogue.categories.get(
            best_category, {}
        ).get("territorial", False)
        if place_unit and territorial and top != place_unit:
            score[place_unit] = score[top] + score.get(place_unit, 0.0)
            ranked = [place_unit] + [u for u in ranked if u != place_unit]
        unit = ranked[0]
        category = max(
            (
                c
                for c in by_category
                if self.catalogue.categories.get(c, {}).get("lead") == unit
                or (
                    self.catalogue.territorial(unit)
                    and self.catalogue.categories.get(c, {}).get("territorial")
                )
            ),
            key=by_category.__getitem__,
            default=best_category,
        )
        total = sum(score.values()) or 1.0
        return ranked[:UNIT_SHOWN], min(1.0, score[unit] / total), category

    def likeness(self, a: str, b: str) -> float:
        """How alike two requests are, 0–1: half the likeness of their words (features.py),
        half that of the matters the model reads in them — the cosine of their chances over
        the catalogue's categories — so that 「井盖丢了」 and 「下水道盖子没了」 are alike
        though they share few words."""
        # The place is weighed on its own (same place); in the words it would make any two
        # requests from one community look alike.
        a, b = self._without_places(a), self._without_places(b)
        if not a.strip() or not b.strip():
            return 0.0
        x = self.vectors.transform([a, b])
        words = float(x[0].multiply(x[1]).sum())
        head = self.heads["category"]
        if isinstance(head, str):
            return min(1.0, words)
        p = [np.array(list(head.chances(x[i]).values())) for i in (0, 1)]
        norms = float(np.linalg.norm(p[0]) * np.linalg.norm(p[1])) or 1.0
        matter = float(p[0] @ p[1]) / norms
        return float(np.clip(0.5 * words + 0.5 * matter, 0.0, 1.0))

    def _without_places(self, text: str) -> str:
        for name in self.catalogue.places_in(text):
            text = text.replace(name, " ")
        return text
