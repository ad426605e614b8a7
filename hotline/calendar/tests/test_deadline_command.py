"""`hotline deadline`: one JSON line on success; one stderr line and status 2 on bad input.

Commands run through `run_from_argv`, the path the console script takes, so the exit
status is the real one (Django turns CommandError into `sys.exit(returncode)`).
"""

import io
import os
import subprocess
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

from django.db import connections

from hotline.calendar.management.commands.deadline import Command
from hotline.calendar.tests.base import CalendarTestCase
from hotline.catalogue.services import catalogue_load

EXAMPLE = (
    '{"start": "2025-09-30T10:00:00+08:00", "working_days": 3, "due_date": "2025-10-11", '
    '"due_at": "2025-10-12T00:00:00+08:00", "calendar_covered": true}\n'
)


def run(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(stdout), redirect_stderr(stderr):
        command = Command()
        # run_from_argv closes connections when done, which would end the test's transaction.
        with mock.patch.object(connections, "close_all"):
            try:
                command.run_from_argv(["hotline", "deadline", *args])
            except SystemExit as exit_:
                code = exit_.code
    return code, stdout.getvalue(), stderr.getvalue()


class DeadlineCommandTests(CalendarTestCase):
    @classmethod
    def setUpTestData(cls):
        catalogue_load()

    def assertFails(self, *args: str, says: str) -> None:
        code, out, err = run(*args)
        self.assertEqual(code, 2, err)
        self.assertEqual(out, "")
        lines = err.splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertIn(says, lines[0])
        self.assertNotIn("Traceback", err)

    def test_the_specified_example_byte_for_byte(self):
        self.assertEqual(
            run("--start", "2025-09-30T10:00:00+08:00", "--working-days", "3"), (0, EXAMPLE, "")
        )

    def test_complaint_reads_five_days_from_the_request_type(self):
        code, out, err = run("--start", "2025-09-30T10:00:00+08:00", "--type", "complaint")
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(
            out,
            '{"start": "2025-09-30T10:00:00+08:00", "working_days": 5, "due_date": "2025-10-14", '
            '"due_at": "2025-10-15T00:00:00+08:00", "calendar_covered": true}\n',
        )

    def test_complaint_extended_adds_five_days_to_the_due_date(self):
        code, out, err = run(
            "--start", "2025-09-30T10:00:00+08:00", "--type", "complaint", "--extend"
        )
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(
            out,
            '{"start": "2025-09-30T10:00:00+08:00", "working_days": 10, "due_date": "2025-10-21", '
            '"due_at": "2025-10-22T00:00:00+08:00", "calendar_covered": true}\n',
        )

    def test_emergency_is_due_at_midnight_of_the_start_day(self):
        code, out, _err = run("--start", "2025-10-01T10:00:00+08:00", "--type", "emergency")
        self.assertEqual(code, 0)
        self.assertIn(
            '"working_days": 0, "due_date": "2025-10-01", "due_at": "2025-10-02T00:00:00+08:00"',
            out,
        )

    def test_naive_utc_and_date_only_starts(self):
        self.assertEqual(run("--start", "2025-09-30T10:00:00", "--working-days", "3")[1], EXAMPLE)
        self.assertEqual(run("--start", "2025-09-30T02:00:00Z", "--working-days", "3")[1], EXAMPLE)
        self.assertEqual(
            run("--start", "2025-09-30", "--working-days", "3")[1],
            EXAMPLE.replace("T10:00:00+08:00", "T00:00:00+08:00"),
        )

    def test_a_start_in_utc_on_the_previous_day_is_echoed_in_local_time(self):
        # 2025-09-28 16:30 UTC = Mon 09-29 00:30 local; one working day ends Tue 09-30.
        code, out, _err = run("--start", "2025-09-28T16:30:00+00:00", "--working-days", "1")
        self.assertEqual(code, 0)
        self.assertIn('"start": "2025-09-29T00:30:00+08:00"', out)
        self.assertIn('"due_date": "2025-09-30"', out)

    def test_past_the_calendar_weekends_only_with_a_warning(self):
        code, out, err = run("--start", "2026-12-23T09:00:00+08:00", "--working-days", "10")
        self.assertEqual(code, 0)
        self.assertEqual(
            out,
            '{"start": "2026-12-23T09:00:00+08:00", "working_days": 10, "due_date": "2027-01-06", '
            '"due_at": "2027-01-07T00:00:00+08:00", "calendar_covered": false}\n',
        )
        self.assertEqual(len(err.splitlines()), 1)
        self.assertIn("2026-12-31", err)

    def test_unparsable_start(self):
        self.assertFails("--start", "30/09/2025", "--working-days", "3", says="--start")

    def test_negative_days(self):
        self.assertFails("--start", "2025-09-30", "--working-days", "-1", says="不能为负数")

    def test_days_that_are_not_a_number(self):
        self.assertFails("--start", "2025-09-30", "--working-days", "three", says="非负整数")

    def test_unknown_type(self):
        self.assertFails("--start", "2025-09-30", "--type", "gossip", says="未知的诉求类型")

    def test_extend_on_a_type_without_extension(self):
        self.assertFails("--start", "2025-09-30", "--type", "consult", "--extend", says="不可延期")

    def test_extend_with_working_days(self):
        self.assertFails(
            "--start", "2025-09-30", "--working-days", "5", "--extend", says="--extend"
        )

    def test_both_days_and_type(self):
        self.assertFails(
            "--start",
            "2025-09-30",
            "--working-days",
            "5",
            "--type",
            "complaint",
            says="只能给出其中一个",
        )

    def test_neither_days_nor_type(self):
        self.assertFails("--start", "2025-09-30", says="只能给出其中一个")

    def test_missing_start(self):
        self.assertFails("--working-days", "3", says="--start")


class DeadlineConsoleScriptTests(CalendarTestCase):
    def test_the_real_process_exits_2_with_one_line(self):
        root = Path(__file__).resolve().parents[3]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "hotline",
                "deadline",
                "--start",
                "yesterday",
                "--working-days",
                "3",
            ],
            cwd=root,
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertIn("--start", result.stderr)

    def test_a_database_never_migrated_gets_one_line_and_status_2(self):
        # Any command that reads the database, run on an empty one: one line, no traceback.
        root = Path(__file__).resolve().parents[3]
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        with tempfile.TemporaryDirectory() as empty:
            env["HOTLINE_VAR_DIR"] = empty
            for args in (
                ["deadline", "--start", "2025-09-30", "--working-days", "3"],
                ["deadline", "--start", "2025-09-30", "--type", "complaint"],
            ):
                with self.subTest(args=args):
                    result = subprocess.run(
                        [sys.executable, "-m", "hotline", *args],
                        cwd=root,
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=60,
                    )
                    self.assertEqual(result.returncode, 2, result.stderr)
                    self.assertEqual(result.stdout, "")
                    self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                    self.assertIn("hotline migrate", result.stderr)
