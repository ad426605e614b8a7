"""The working-day clock (Art. 14) and the calendar's maintenance.

Rule (Art. 14, as counted by this deployment): the day on which the clock starts is not
counted; the limit ends at 24:00 local time (settings.TIME_ZONE, Asia/Shanghai) of the Nth
working day after that day. Working days follow the State Council's yearly schedule,
including weekend days made working days (调休). The one extension adds its working days
to the current due date.

Public functions (all keyword-only):

- `deadline_compute(*, start, working_days) -> Deadline` — the limit for a clock started at
  the aware instant `start`; `working_days=0` ends at 24:00 of the start day.
- `deadline_extend(*, deadline, working_days) -> Deadline` — the same deadline with an
  extension counted from its current due date.
- `working_day_after(*, day, working_days) -> tuple[date, bool]` — the Nth working day
  strictly after `day` and whether the whole span lay inside the calendar.
- `due_at_for(*, due_date) -> datetime` — the aware instant (local midnight after
  `due_date`) at which a limit ending on `due_date` is overdue.
- `working_days_between(*, after, through) -> int` — working days in (after, through].
- `is_working_day(*, day) -> bool`.
- `working_time_left(*, now, due_at) -> TimeLeft` — the countdown 还剩 N 个工作日 H 小时.
- `calendar_coverage() -> tuple[date | None, date | None]` and
  `calendar_warning(*, today=None) -> str | None` — the covered range and the warning shown
  when it ends within `WARNING_DAYS` days.
- `calendar_seed_from_package(*, years=None) -> int`,
  `calendar_day_correct(*, day, is_working, note="", actor=None) -> CalendarDay` and
  `calendar_reimport(*, actor) -> int` — the writes (corrections and re-imports audited).

None of the clock functions walks day by day: they use the in-memory index in
`hotline.calendar.index` (bisect inside the calendar, weekday arithmetic outside it).
A result that needed days outside the calendar has `calendar_covered=False`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record, changed_values, field_values
from hotline.calendar.index import index_get, index_invalidate
from hotline.calendar.models import CalendarDay
from hotline.calendar.package import package_days, package_years
from hotline.calendar.schedule import ScheduledDay
from hotline.core.errors import InvalidInput, NotAllowed

WARNING_DAYS = 60
CALENDAR_FIELDS = ("date", "is_working", "note", "source")
_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A time limit: `due_date` is the last day still on time, `due_at` the instant (local
    midnight after it) from which the matter is overdue."""

    start: datetime
    working_days: int
    due_date: date
    due_at: datetime
    calendar_covered: bool


@dataclass(frozen=True, slots=True)
class TimeLeft:
    """What remains of a limit: whole working days after today plus the hours left today
    (if today is a working day). When overdue both are ≤ 0 and count the working time
    elapsed since the limit ended."""

    working_days: int
    hours: float
    overdue: bool

    @property
    def label(self) -> str:
        if self.overdue:
            return _("已超期 %(days)d 个工作日 %(hours)d 小时") % {
                "days": -self.working_days,
                "hours": int(-self.hours),
            }
        return _("还剩 %(days)d 个工作日 %(hours)d 小时") % {
            "days": self.working_days,
            "hours": int(self.hours),
        }


def _check_days(working_days: int) -> None:
    if not isinstance(working_days, int) or isinstance(working_days, bool):
        raise ValueError(f"working_days must be a whole number, not {working_days!r}")
    if working_days < 0:
        raise ValueError(f"working_days must not be negative, got {working_days}")


def due_at_for(*, due_date: date) -> datetime:
    """The aware instant at which a limit ending on `due_date` is overdue: 24:00 local
    time of that day, i.e. the local midnight that begins the next day (Art. 14)."""
    return datetime.combine(due_date + _ONE_DAY, _MIDNIGHT, tzinfo=timezone.get_default_timezone())


def working_day_after(*, day: date, working_days: int) -> tuple[date, bool]:
    """The `working_days`-th working day strictly after `day` (`day` itself when 0), and
    whether every day counted lies inside the calendar (Art. 14: the start day is not
    counted). Outside the calendar only weekends are days off."""
    _check_days(working_days)
    index = index_get()
    ordinal = day.toordinal()
    if working_days == 0:
        return day, index.covers(ordinal)
    found, covered = index.nth_after(ordinal, working_days)
    return date.fromordinal(found), covered


def deadline_compute(*, start: datetime, working_days: int) -> Deadline:
    """The limit of `working_days` working days for a clock started at `start` (Art. 14).

    The start day (in the local time zone) is not counted; the limit ends at 24:00 of the
    Nth working day after it, so `due_date` is that day and `due_at` the local midnight
    after it. With 0 working days the limit ends at 24:00 of the start day. Raises
    ValueError for a naive `start` or a negative number of days.
    """
    if not isinstance(start, datetime) or start.utcoffset() is None:
        raise ValueError(f"start must be an aware datetime, not {start!r}")
    _check_days(working_days)
    zone = timezone.get_default_timezone()
    local_day = start.astimezone(zone).date()
    index = index_get()
    ordinal = local_day.toordinal()
    if working_days == 0:
        due_ordinal, covered = ordinal, index.covers(ordinal)
    else:
        due_ordinal, covered = index.nth_after(ordinal, working_days)
    due_date = date.fromordinal(due_ordinal)
    due_at = datetime.combine(date.fromordinal(due_ordinal + 1), _MIDNIGHT, tzinfo=zone)
    return Deadline(start, working_days, due_date, due_at, covered)


def deadline_extend(*, deadline: Deadline, working_days: int) -> Deadline:
    """`deadline` extended by `working_days` working days counted after its current due
    date (Art. 14(2): complaints and reports, once, 5 working days). The result's
    `working_days` is the total and `calendar_covered` holds only if both spans were."""
    due_date, covered = working_day_after(day=deadline.due_date, working_days=working_days)
    return Deadline(
        start=deadline.start,
        working_days=deadline.working_days + working_days,
        due_date=due_date,
        due_at=due_at_for(due_date=due_date),
        calendar_covered=deadline.calendar_covered and covered,
    )


def is_working_day(*, day: date) -> bool:
    """Whether `day` is a working day (outside the calendar: Monday to Friday)."""
    return index_get().is_working(day.toordinal())


def working_days_between(*, after: date, through: date) -> int:
    """The number of working days in (after, through]; 0 if `through` is not later."""
    return index_get().count_between(after.toordinal(), through.toordinal())


def working_time_left(*, now: datetime, due_at: datetime) -> TimeLeft:
    """The countdown for a limit ending at `due_at`, seen at `now` (both aware).

    Before `due_at`: the working days after today up to the due date, plus the hours
    until the end of today (or until `due_at`, if sooner) when today is a working day.
    From `due_at` on: `overdue` and the negated working time elapsed since — whole working
    days before today plus today's hours since the later of midnight and `due_at`.
    """
    if now.utcoffset() is None or due_at.utcoffset() is None:
        raise ValueError("now and due_at must be aware datetimes")
    zone = timezone.get_default_timezone()
    index = index_get()
    local_now = now.astimezone(zone)
    today = local_now.date().toordinal()
    day_begins = datetime.combine(local_now.date(), _MIDNIGHT, tzinfo=zone)
    day_ends = datetime.combine(local_now.date() + _ONE_DAY, _MIDNIGHT, tzinfo=zone)
    # The last day still on time: the local day containing the instant just before due_at.
    last_day = (due_at.astimezone(zone) - timedelta(microseconds=1)).date().toordinal()
    working_today = index.is_working(today)
    if now < due_at:
        days = index.count_between(today, last_day)
        hours = (min(day_ends, due_at) - now).total_seconds() / 3600 if working_today else 0.0
        return TimeLeft(days, hours, False)
    days = index.count_between(last_day, today - 1)
    hours = (now - max(day_begins, due_at)).total_seconds() / 3600 if working_today else 0.0
    return TimeLeft(-days, -hours, True)


def calendar_coverage() -> tuple[date | None, date | None]:
    """The first and last day the calendar covers, or (None, None) when it is empty."""
    index = index_get()
    if index.first is None or index.last is None:
        return None, None
    return date.fromordinal(index.first), date.fromordinal(index.last)


def calendar_warning(*, today: date | None = None) -> str | None:
    """A message for administrators when the calendar is empty, has ended or ends within
    `WARNING_DAYS` days of `today` (default: the local date); None otherwise."""
    today = today or timezone.localdate()
    _first, last = calendar_coverage()
    if last is None:
        return _("工作日历为空，办理时限仅按周末计算，请从节假日软件包导入或录入节假日安排")
    if last < today:
        return _("工作日历已于 %(last)s 到期，办理时限仅按周末计算，请尽快录入节假日安排") % {
            "last": last.isoformat()
        }
    if (last - today).days <= WARNING_DAYS:
        return _("工作日历将于 %(last)s 到期，请尽快录入下一年度的节假日安排") % {
            "last": last.isoformat()
        }
    return None


@transaction.atomic
def calendar_seed_from_package(*, years: Iterable[int] | None = None) -> int:
    """Create or update every day of `years` (default: every year the `chinesecalendar`
    package knows) from the package and return the number of rows written.

    Rows an administrator entered or corrected (source `admin`) are never overwritten;
    package rows already equal to the package are left alone. Raises ValueError for a year
    the package does not know.
    """
    wanted = sorted(set(package_years() if years is None else years))
    unknown = [year for year in wanted if year not in package_years()]
    if unknown:
        raise ValueError(f"the chinesecalendar package has no schedule for {unknown}")
    if not wanted:
        return 0
    existing = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(
            date__gte=date(wanted[0], 1, 1), date__lte=date(wanted[-1], 12, 31)
        )
    }
    now = timezone.now()
    to_create: list[CalendarDay] = []
    to_update: list[CalendarDay] = []
    for year in wanted:
        for day in package_days(year=year):
            row = existing.get(day.date)
            if row is None:
                to_create.append(
                    CalendarDay(
                        date=day.date,
                        is_working=day.is_working,
                        note=day.note,
                        source=CalendarDay.Source.PACKAGE,
                        updated_at=now,
                    )
                )
            elif row.source == CalendarDay.Source.PACKAGE and (row.is_working, row.note) != (
                day.is_working,
                day.note,
            ):
                row.is_working, row.note, row.updated_at = day.is_working, day.note, now
                to_update.append(row)
    CalendarDay.objects.bulk_create(to_create, batch_size=1000)
    CalendarDay.objects.bulk_update(
        to_update, ["is_working", "note", "updated_at"], batch_size=1000
    )
    # Bulk writes send no signals; drop the index now and again once the data is visible.
    index_invalidate()
    transaction.on_commit(index_invalidate)
    return len(to_create) + len(to_update)


@transaction.atomic
def calendar_day_correct(
    *, day: date, is_working: bool, note: str = "", actor: User | None = None
) -> CalendarDay:
    """Set whether `day` is a working day, as an administrator's correction (source
    `admin`, which package imports never overwrite), and record the old and new value in the
    audit trail (`actor` None: the server). The deadline index reloads."""
    old = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = None if old is None else field_values(old, CALENDAR_FIELDS)
    row, _created = CalendarDay.objects.update_or_create(
        date=day,
        defaults={"is_working": is_working, "note": note, "source": CalendarDay.Source.ADMIN},
    )
    changes = changed_values(before, field_values(row, CALENDAR_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CONFIG_CHANGE,
            target=f"calendar:{day.isoformat()}",
            reason=_("更正工作日历 %(day)s") % {"day": day.isoformat()},
            model=CalendarDay._meta.label_lower,
            operation="add" if before is None else "change",
            changes=changes,
        )
    transaction.on_commit(index_invalidate)
    return row


@transaction.atomic
def calendar_reimport(*, actor: User) -> int:
    """Seed every year again from the holiday package (`calendar_seed_from_package`; an
    administrator's corrections stay) and record who did it in the audit trail."""
    written = calendar_seed_from_package()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CONFIG_CHANGE,
        target="calendar",
        reason=_("从节假日软件包重新导入工作日历"),
        written=written,
    )
    return written


@transaction.atomic
def calendar_year_import(*, days: Sequence[ScheduledDay], actor: User) -> int:
    """Save a year's schedule (`calendar.schedule`) as the host unit's entries (source
    `admin`, which a later seeding from the package never overwrites), and record who loaded
    it in the audit trail. Only the host unit's reviewers load a year."""
    if not actor.is_active or not actor.has_role(Role.REVIEWER):
        raise NotAllowed(_("只有热线主办单位可以录入节假日安排。"))
    if not days:
        raise InvalidInput(_("没有要保存的日期。"))
    year = days[0].date.year
    existing = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(
            date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
        )
    }
    changed = 0
    for scheduled in days:
        row = existing.get(scheduled.date)
        wanted = (scheduled.is_working, scheduled.note, CalendarDay.Source.ADMIN)
        if row is None:
            CalendarDay.objects.create(
                date=scheduled.date,
                is_working=scheduled.is_working,
                note=scheduled.note,
                source=CalendarDay.Source.ADMIN,
            )
            changed += 1
        elif (row.is_working, row.note, row.source) != wanted:
            row.is_working, row.note, row.source = wanted
            row.save(update_fields=["is_working", "note", "source", "updated_at"])
            changed += 1
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CONFIG_CHANGE,
        target=f"calendar:{year}",
        reason=_("录入 %(year)d 年节假日安排") % {"year": year},
        days=len(days),
        changed=changed,
        days_off=[d.date.isoformat() for d in days if not d.is_working and d.date.weekday() < 5],
        working_weekends=[
            d.date.isoformat() for d in days if d.is_working and d.date.weekday() >= 5
        ],
    )
    index_invalidate()
    transaction.on_commit(index_invalidate)
    return changed
