"""`hotline stats --from 2026-11-01 --to 2026-11-30 [--unit CODE] --format json|xlsx`: the
figures of a period (Art. 19), as JSON on standard output or as an Excel file.

Run at the console by the machine's operator (the system administrator), it needs no release
request (`hotline.releases`, Art. 24): the operator already holds the database. Each run is
written to the audit trail all the same, as an export by the console (no account)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.releases.services import console_export_recorded
from hotline.stats.excel import figures_workbook
from hotline.stats.periods import PeriodError, parse_day, period_range
from hotline.stats.selectors import period_figures
from hotline.units.models import Unit


class Command(BaseCommand):
    help = "Print the figures of a period (requests count on their local received date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--unit", default="", help="a member unit's code")
        parser.add_argument("--format", choices=("json", "xlsx"), default="json")
        parser.add_argument("--output", default="", help="file for xlsx (default: stdout)")

    def handle(
        self, *args, start: str, end: str, unit: str, format: str, output: str, **options
    ) -> None:
        try:
            period = period_range(parse_day(start), parse_day(end))
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        chosen = None
        if unit:
            chosen = Unit.objects.filter(code=unit).first()
            if chosen is None:
                raise CommandError(f"no unit with code {unit!r}")
        figures = period_figures(period=period, unit=chosen)
        console_export_recorded(
            what=f"stats:{period.start.isoformat()}..{period.end.isoformat()}",
            output=output or "stdout",
            format=format,
            unit=unit,
        )
        if format == "json":
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
            return
        data = figures_workbook(figures)
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
