"""A year's holiday schedule as the State Council publishes it, in a small text format that the
host unit types from the notice (`docs/calendar-import.md`):

    year 2027
    holiday 2027-01-01..2027-01-03 元旦
    holiday 2027-02-10..2027-02-16 春节
    workday 2027-02-07 春节调休上班

Monday to Friday are working days and weekends are not, unless a `holiday` line (days off,
weekdays included) or a `workday` line (a weekend day made a working day, 调休) says
otherwise. Blank lines and lines starting with # are ignored. Pure: no database.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _


class ScheduleError(ValueError):
    """What is wrong with the file, with its line number, for people."""


@dataclass(frozen=True)
class ScheduledDay:
    date: date
    is_working: bool
    note: str


def _day(text: str, line: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(
            _("第 %(line)d 行：日期“%(text)s”无效，应为 2027-01-01 这样的格式。")
            % {"line": line, "text": text}
        ) from None


def schedule_parse(text: str) -> list[ScheduledDay]:
    """Every day of the file's year, in order; ScheduleError names the first mistake."""
    year: int | None = None
    marked: dict[date, ScheduledDay] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _sep, rest = line.partition(" ")
        rest = rest.strip()
        if word == "year":
            if year is not None:
                raise ScheduleError(
                    _("第 %(line)d 行：一个文件只能有一个年份。") % {"line": number}
                )
            if not rest.isdigit() or not 2000 <= int(rest) <= 2999:
                raise ScheduleError(_("第 %(line)d 行：年份无效。") % {"line": number})
            year = int(rest)
            continue
        if word not in ("holiday", "workday"):
            raise ScheduleError(
                _("第 %(line)d 行：应以 year、holiday 或 workday 开头。") % {"line": number}
            )
        if year is None:
            raise ScheduleError(_("第 %(line)d 行：请先用 year 行写明年份。") % {"line": number})
        span, _sep, note = rest.partition(" ")
        note = note.strip()
        if not note:
            raise ScheduleError(_("第 %(line)d 行：请写明节日或调休的名称。") % {"line": number})
        first_text, _dots, last_text = span.partition("..")
        first = _day(first_text, number)
        last = _day(last_text, number) if last_text else first
        if last < first or first.year != year or last.year != year:
            raise ScheduleError(
                _("第 %(line)d 行：日期须在 %(year)d 年内，且起日不晚于止日。")
                % {"line": number, "year": year}
            )
        if word == "workday" and last != first:
            raise ScheduleError(_("第 %(line)d 行：调休上班须逐日列出。") % {"line": number})
        day = first
        while day <= last:
            if day in marked:
                raise ScheduleError(
                    _("第 %(line)d 行：%(day)s 已在前面列出。")
                    % {"line": number, "day": day.isoformat()}
                )
            if word == "workday" and day.weekday() < 5:
                raise ScheduleError(
                    _("第 %(line)d 行：%(day)s 本是工作日，调休上班只用于周末。")
                    % {"line": number, "day": day.isoformat()}
                )
            marked[day] = ScheduledDay(day, word == "workday", note)
            day += timedelta(days=1)
    if year is None:
        raise ScheduleError(_("文件中没有 year 行。"))
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        days.append(marked.get(day) or ScheduledDay(day, day.weekday() < 5, ""))
        day += timedelta(days=1)
    return days


def schedule_render(days: list[ScheduledDay]) -> str:
    """The year as month grids to check before saving: 休 a day off on a weekday, 班 a weekend
    working day, · an ordinary weekend, the day's number otherwise."""
    lines = [
        _("%(year)d 年工作日历（休=节假日，班=调休上班，·=周末）") % {"year": days[0].date.year}
    ]
    for month in range(1, 13):
        cells = []
        for scheduled in (d for d in days if d.date.month == month):
            weekend = scheduled.date.weekday() >= 5
            if scheduled.is_working and weekend:
                mark = "班"
            elif not scheduled.is_working and not weekend:
                mark = "休"
            elif weekend:
                mark = "·"
            else:
                mark = str(scheduled.date.day)
            cells.append(f"{mark:>2}")
        lines.append(f"{month:>2}月 " + " ".join(cells))
    off = sum(1 for d in days if not d.is_working and d.date.weekday() < 5)
    made = sum(1 for d in days if d.is_working and d.date.weekday() >= 5)
    working = sum(1 for d in days if d.is_working)
    lines.append(
        _("工作日 %(working)d 天；工作日放假 %(off)d 天；周末调休上班 %(made)d 天。")
        % {"working": working, "off": off, "made": made}
    )
    return "\n".join(lines)
