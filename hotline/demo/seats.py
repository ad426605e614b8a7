"""The demo's operators and their shifts (早班 08–16, 中班 16–24), and who is on duty when.

Each seat has its own working pattern, so that per-operator and per-shift figures differ: how
quickly the seat picks up, how long its calls last, how often it answers at once from the
knowledge base, and which two weekdays it has off.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from hotline.accounts.models import User

EARLY, MIDDLE = "early", "middle"
SHIFT_NAMES = {EARLY: "早班 08–16", MIDDLE: "中班 16–24"}


@dataclass(frozen=True)
class Seat:
    username: str
    name: str
    shift: str
    days_off: tuple[int, int]  # weekday numbers, Monday 0
    share: float  # relative share of the shift's calls
    pickup: float  # waiting-time factor (below 1 picks up sooner)
    talk: float  # talk-time factor (below 1 keeps calls shorter)
    at_once: float  # factor on answering a consultation at once


SEATS = [
    Seat("operator", "王敏", EARLY, (5, 6), 1.3, 0.8, 0.85, 1.3),
    Seat("operator2", "张晓燕", EARLY, (0, 1), 1.0, 1.0, 1.0, 1.0),
    Seat("operator3", "孙志强", EARLY, (2, 3), 0.8, 1.4, 1.3, 0.6),
    Seat("operator4", "吴海燕", MIDDLE, (4, 5), 1.2, 0.9, 0.9, 1.2),
    Seat("operator5", "郑文斌", MIDDLE, (6, 0), 1.0, 1.1, 1.15, 0.9),
    Seat("operator6", "黄秀英", MIDDLE, (1, 2), 0.7, 1.3, 1.1, 0.7),
]


def shift_of(moment: datetime) -> str:
    """The shift on duty at `moment` (local time); the small hours fall to the middle shift's
    stand-by seat."""
    return EARLY if 8 <= timezone.localtime(moment).hour < 16 else MIDDLE


class Roster:
    """Who answers a call or makes a callback at a given moment."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        users = {
            u.username: u for u in User.objects.filter(username__in=[s.username for s in SEATS])
        }
        self.seats = [(seat, users[seat.username]) for seat in SEATS]

    def on_duty(self, moment: datetime) -> tuple[Seat, User]:
        shift = shift_of(moment)
        weekday = timezone.localtime(moment).weekday()
        present = [
            pair
            for pair in self.seats
            if pair[0].shift == shift and weekday not in pair[0].days_off
        ]
        present = present or [pair for pair in self.seats if pair[0].shift == shift]
        return self.rng.choices(present, weights=[seat.share for seat, _user in present])[0]
