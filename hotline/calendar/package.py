"""Reading the State Council's holiday schedule from the `chinesecalendar` package.

Kept free of models so that the data migration can use it with the historical model.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


@dataclass(frozen=True)
class PackageDay:
    date: date
    is_working: bool
    note: str


def package_years() -> range:
    """The years the installed package has the official schedule for (e.g. 2004–2026)."""
    known = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return range(min(known).year, max(known).year + 1)


def package_days(*, year: int) -> Iterator[PackageDay]:
    """Every day of `year` with the package's working-day status and a Chinese note.

    Holidays carry the festival's name (国庆节); weekend days made working days carry
    调休上班 and the festival they were swapped for; ordinary days carry no note.
    """
    if year not in package_years():
        raise ValueError(f"the chinesecalendar package has no schedule for {year}")
    day = date(year, 1, 1)
    one = timedelta(days=1)
    while day.year == year:
        if day in chinese_calendar.workdays:
            name = _CHINESE_NAMES.get(
                chinese_calendar.workdays[day], chinese_calendar.workdays[day]
            )
            yield PackageDay(day, True, f"调休上班（{name}）")
        elif day in chinese_calendar.holidays:
            name = _CHINESE_NAMES.get(
                chinese_calendar.holidays[day], chinese_calendar.holidays[day]
            )
            yield PackageDay(day, False, name)
        else:
            yield PackageDay(day, day.weekday() < 5, "")
        day += one
