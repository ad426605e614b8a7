"""Triage as the rest of the platform uses it: one suggestion function for the intake screen,
the JSON API and `hotline triage`; the record of each suggestion beside the order; and the
retraining from the operators' final decisions (issue 14). The platform suggests, the
operator decides (Art. 12, 13, 14, 17 stay the operator's decisions)."""

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hotline import clock
from hotline.orders.choices import Action, Status
from hotline.orders.models import Order, OrderEvent
from hotline.triage.corpus import corpus_rows
from hotline.triage.evaluate import Figure, measure, not_worse
from hotline.triage.model import Suggestion
from hotline.triage.models import TriageSuggestion, TriageTraining
from hotline.triage.store import model_from_corpus, model_install, triage_model

logger = logging.getLogger(__name__)

MAX_TEXT = 2000  # what is looked at of a long text: the start tells the matter
# How often `hotline tick` retrains (a scheduled task, issue 14).
RETRAIN_EVERY = timedelta(days=7)
# The part of the examples held out to compare the old and the new model.
HELD_OUT = 0.2


def triage_suggest(*, text: str, place: str | None = None) -> Suggestion:
    """What the text (and the place's name, when known) suggests."""
    return triage_model().suggest((text or "")[:MAX_TEXT], place or None)


def triage_likeness(a: str, b: str) -> float:
    """How alike two requests read, 0–1, by the triage model's text vectors."""
    return triage_model().likeness(a[:MAX_TEXT], b[:MAX_TEXT])


def order_event_written(order: Order, event: OrderEvent) -> None:
    """Keep what triage suggests for a newly recorded order, whichever channel it came by
    (codes only). Never in the way of the order: a failure is logged and the order goes on."""
    if event.action != Action.CREATE or order.is_confidential:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the order's own rows
            s = triage_suggest(text=order.content, place=order.place.name if order.place else None)
            TriageSuggestion.objects.create(
                order=order,
                model_version=str(triage_model().meta.get("version", "")),
                request_type=s.type,
                exclusion=s.exclusion or "",
                emergency_situation=(s.emergency or {}).get("situation") or "",
                rescue_lines=(s.emergency or {}).get("lines", []),
                major_incident=s.major_incident or "",
                unit=s.unit or "",
                units=s.units,
                category=s.category or "",
                confidence=s.confidence,
                at=event.at,
            )
    except Exception:  # noqa: BLE001 — the order matters more than the suggestion
        logger.exception("triage suggestion not recorded for order id %s", order.pk)


# --- learning from the operators ----------------------------------------------------------


def decision_rows(*, limit: int = 50_000) -> list[dict[str, Any]]:
    """The operators' final decisions on closed orders, in the corpus's shape: the order's
    masked text (personal numbers never reach the model) and the codes it ended with.
    Confidential orders are never used (Art. 23)."""
    orders = (
        Order.objects.filter(status=Status.CLOSED, is_confidential=False)
        .exclude(content="")
        .select_related("category", "lead_unit", "place")
        .order_by("-pk")[:limit]
    )
    rows: list[dict[str, Any]] = []
    for order in orders.iterator(chunk_size=2000):
        accepted = order.exclusion_id is None
        if accepted and order.lead_unit is None:
            continue
        rows.append(
            {
                "id": f"order:{order.pk}",
                "text": order.content,
                "place": order.place.name if order.place else None,
                "type": order.request_type_id,
                "accept": accepted,
                "exclusion": order.exclusion_id,
                "emergency": (
                    {"situation": order.emergency_situation_id, "lines": order.rescue_lines}
                    if order.emergency_situation_id
                    else None
                ),
                "major_incident": order.major_incident_id,
                "unit": order.lead_unit.code if accepted and order.lead_unit else None,
                "alt_units": [],
                "category": order.category.code if accepted and order.category else None,
            }
        )
    return rows


@dataclass(frozen=True)
class TrainingResult:
    before: list[Figure]
    after: list[Figure]
    installed: bool
    training: TriageTraining


def _figures_json(figures: list[Figure]) -> dict[str, float]:
    return {f.key: round(f.value, 4) for f in figures}


def _split(rows: list[dict[str, Any]], seed: int) -> tuple[list[dict], list[dict]]:
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    cut = int(len(rows) * (1 - HELD_OUT))
    return rows[:cut], rows[cut:]


def triage_train(*, seed: int = 12345, force: bool = False) -> TrainingResult:
    """Retrain from the shipped corpus plus the operators' decisions (issue 14).

    A fifth of the corpus and a fifth of the decisions (drawn with `seed`) are held out. The
    model as shipped — the corpus alone — and the new one — the corpus and the decisions — are
    fitted on the rest and measured on the held-out part; the new model is installed, fitted
    on everything, only when no figure is worse and emergency recall not at all."""
    corpus = corpus_rows()
    decisions = decision_rows()
    corpus_train, corpus_held = _split(corpus, seed)
    decisions_train, decisions_held = _split(decisions, seed)
    held_out = corpus_held + decisions_held
    version = timezone.now().strftime("trained-%Y%m%d%H%M%S")
    before, _timing = measure(held_out, model_from_corpus(corpus_train).suggest)
    after, _timing = measure(
        held_out, model_from_corpus(corpus_train + decisions_train, version=version).suggest
    )
    installed = force or not_worse(before, after)
    if installed:
        model_install(model_from_corpus(corpus + decisions, version=version))
    training = TriageTraining.objects.create(
        at=clock.now(),
        version=version,
        corpus_rows=len(corpus),
        decision_rows=len(decisions),
        before=_figures_json(before),
        after=_figures_json(after),
        installed=installed,
    )
    return TrainingResult(before, after, installed, training)


def triage_train_due(*, now: datetime | None = None) -> TrainingResult | None:
    """The weekly retraining (`hotline tick`): when the last run is a week old or there is
    none and operators' decisions exist to learn from."""
    now = now or clock.now()
    last = TriageTraining.objects.order_by("-at").first()
    if last is not None and now - last.at < RETRAIN_EVERY:
        return None
    if last is None and not TriageSuggestion.objects.exists():
        return None
    return triage_train()
