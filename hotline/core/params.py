"""Reading numbers and dates from a query string, the one way every page does it: a value
that is missing, malformed or out of range is treated as absent, never passed on to the
database or to date arithmetic (where it would be a server error)."""

from datetime import date

from django.utils.dateparse import parse_date

# Primary keys are positive and fit the databases' integer columns.
MAX_ID = 2**31 - 1
# Pages are read by offset; a list is never paged this deep by a person.
MAX_PAGE = 10_000
# Dates a user may filter by: the platform's records and limits lie well inside these.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)


def int_param(value: str | None, *, minimum: int, maximum: int) -> int | None:
    """`value` as an integer in [minimum, maximum], else None."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if minimum <= number <= maximum else None


def id_param(value: str | None) -> int | None:
    """A primary key from the query string, or None."""
    return int_param(value, minimum=1, maximum=MAX_ID)


def page_param(value: str | None) -> int:
    """The page number: 1 unless a whole number from 1 to MAX_PAGE was asked for."""
    return int_param(value, minimum=1, maximum=MAX_PAGE) or 1


def date_param(value: str | None) -> date | None:
    """A date (YYYY-MM-DD) between EARLIEST and LATEST, else None (2025-02-30 is None too)."""
    try:
        day = parse_date((value or "").strip())
    except ValueError:
        return None
    return day if day is not None and EARLIEST <= day <= LATEST else None
