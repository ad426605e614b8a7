"""Loading a year's schedule (`calendar/schedule.py`, `hotline calendar_import`): the host unit
types the State Council's notice, checks the year as a calendar, then saves it; who loaded it
is audited, and seeding from the package later does not undo it."""

import io
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from unittest import mock

from django.db import connections

from hotline.audit.models import AuditEntry
from hotline.calendar.index import index_invalidate
from hotline.calendar.management.commands.calendar_import import Command
from hotline.calendar.models import CalendarDay
from hotline.calendar.schedule import ScheduleError, schedule_parse, schedule_render
from hotline.calendar.services import calendar_seed_from_package, deadline_compute
from hotline.calendar.tests.base import local
from hotline.testing import BaseTestCase

# An example in the format of docs/calendar-import.md (not the real 2027 schedule).
EXAMPLE = """\
# 示例：2027 年部分节假日安排
year 2027
holiday 2027-01-01 元旦
holiday 2027-02-10..2027-02-16 春节
workday 2027-02-07 春节调休上班
"""


def run(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    with (
        redirect_stdout(stdout),
        redirect_stderr(stderr),
        mock.patch.object(connections, "close_all"),
    ):
        try:
            Command().run_from_argv(["hotline", "calendar_import", *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, stdout.getvalue(), stderr.getvalue()


class ScheduleParseTests(BaseTestCase):
    def test_the_year_has_every_day_with_holidays_and_working_weekends(self):
        days = {d.date: d for d in schedule_parse(EXAMPLE)}
        self.assertEqual(len(days), 365)
        self.assertFalse(days[date(2027, 1, 1)].is_working)  # a Friday off
        self.assertEqual(days[date(2027, 2, 12)].note, "春节")
        self.assertTrue(days[date(2027, 2, 7)].is_working)  # a Sunday made a working day
        self.assertFalse(days[date(2027, 1, 2)].is_working)  # an ordinary Saturday
        self.assertTrue(days[date(2027, 1, 4)].is_working)  # an ordinary Monday
        grid = schedule_render(list(days.values()))
        self.assertIn("工作日放假 6 天；周末调休上班 1 天", grid)  # 1 Jan and 10–16 Feb's weekdays

    def test_mistakes_are_named_with_their_line(self):
        cases = {
            "holiday 2027-01-01 元旦": "请先用 year 行",
            "year 2027\nholiday 2027-13-01 元旦": "第 2 行：日期“2027-13-01”无效",
            "year 2027\nworkday 2027-02-08 调休": "本是工作日",
            "year 2027\nholiday 2027-01-01 元旦\nholiday 2027-01-01 元旦": "第 3 行：2027-01-01 已在前面列出",
            "year 2027\nholiday 2026-12-31..2027-01-01 元旦": "须在 2027 年内",
            "year 2027\nvacation 2027-01-01 元旦": "应以 year、holiday 或 workday 开头",
            "year 2027\nholiday 2027-01-01": "请写明节日或调休的名称",
            "# nothing": "没有 year 行",
        }
        for text, says in cases.items():
            with self.subTest(text=text), self.assertRaises(ScheduleError) as caught:
                schedule_parse(text)
            self.assertIn(says, str(caught.exception))


class CalendarImportCommandTests(BaseTestCase):
    def setUp(self):
        index_invalidate()
        self.addCleanup(index_invalidate)
        self.file = Path(tempfile.mkdtemp()) / "2027.txt"
        self.file.write_text(EXAMPLE, encoding="utf-8")

    def test_without_apply_it_shows_the_year_and_saves_nothing(self):
        code, out, err = run(str(self.file))
        self.assertEqual((code, err), (0, ""))
        self.assertIn(" 2月", out)
        self.assertIn("班", out)
        self.assertIn("未保存", out)
        self.assertFalse(CalendarDay.objects.filter(date__year=2027).exists())

    def test_apply_saves_the_year_as_the_host_units_entry_and_audits_who(self):
        before = deadline_compute(start=local(2027, 2, 8, 10), working_days=3)
        self.assertEqual(before.due_date, date(2027, 2, 11))  # past the calendar: weekends only
        code, out, _err = run(str(self.file), "--apply", "--by", self.reviewer.username)
        self.assertEqual(code, 0)
        self.assertIn("已保存 2027 年工作日历", out)
        rows = CalendarDay.objects.filter(date__year=2027)
        self.assertEqual(rows.count(), 365)
        self.assertEqual(set(rows.values_list("source", flat=True)), {CalendarDay.Source.ADMIN})
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CONFIG_CHANGE)
        self.assertEqual((entry.actor, entry.target), (self.reviewer, "calendar:2027"))
        self.assertEqual(len(entry.detail["days_off"]), 6)
        # Mon 8 Feb + 3: Tue 9, (10–16 Spring Festival), Wed 17, Thu 18.
        after = deadline_compute(start=local(2027, 2, 8, 10), working_days=3)
        self.assertEqual((after.due_date, after.calendar_covered), (date(2027, 2, 18), True))

    def test_only_a_host_reviewer_may_save(self):
        for by in (self.operator.username, "nobody", ""):
            with self.subTest(by=by):
                code, out, err = run(str(self.file), "--apply", "--by", by)
                self.assertEqual(code, 2)
                self.assertEqual(len(err.splitlines()), 1, err)
        self.assertFalse(CalendarDay.objects.filter(date__year=2027).exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.CONFIG_CHANGE).exists())

    def test_a_bad_file_is_one_line_and_status_2(self):
        self.file.write_text("year 2027\nholiday 2027-02-30 春节\n", encoding="utf-8")
        code, out, err = run(str(self.file), "--apply", "--by", self.reviewer.username)
        self.assertEqual((code, out), (2, ""))
        self.assertIn("第 2 行", err)
        self.assertEqual(len(err.splitlines()), 1)

    def test_seeding_from_the_package_later_keeps_what_the_host_entered(self):
        self.file.write_text(
            "year 2026\nholiday 2026-06-01 示范区防汛停工\n", encoding="utf-8"
        )  # a Monday the package counts as a working day
        self.assertTrue(CalendarDay.objects.get(date=date(2026, 6, 1)).is_working)
        self.assertEqual(run(str(self.file), "--apply", "--by", self.reviewer.username)[0], 0)
        calendar_seed_from_package(years=[2026])
        day = CalendarDay.objects.get(date=date(2026, 6, 1))
        self.assertEqual((day.is_working, day.source, day.note), (False, "admin", "示范区防汛停工"))
