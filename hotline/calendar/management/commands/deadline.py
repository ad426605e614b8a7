"""`hotline deadline`: the working-day clock on the command line (Art. 14).

    hotline deadline --start 2025-09-30T10:00:00+08:00 --working-days 3
    hotline deadline --start 2025-09-30T10:00:00+08:00 --type complaint [--extend]

Prints one JSON line: start (local ISO), working_days, due_date (the last day on time),
due_at (the instant it becomes overdue, local ISO) and calendar_covered. A start without
a time zone is local time; a date alone is that day's 00:00. Bad input prints one line
on stderr and exits with status 2.
"""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hotline.calendar.services import calendar_coverage, deadline_compute, deadline_extend
from hotline.catalogue.models import RequestType


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_start(raw: str) -> datetime:
    """An aware datetime from ISO text; naive or date-only input is local time."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise _fail(
            f"--start 无法解析：{raw!r}（应为 2025-09-30 或 2025-09-30T10:00:00+08:00)"
        ) from None
    if value.utcoffset() is None:
        value = timezone.make_aware(value.replace(tzinfo=None), timezone.get_default_timezone())
    return value


def parse_days(raw: str) -> int:
    try:
        days = int(raw.strip())
    except ValueError:
        raise _fail(f"--working-days 应为非负整数，而不是 {raw!r}") from None
    if days < 0:
        raise _fail(f"--working-days 不能为负数：{days}")
    return days


class Command(BaseCommand):
    help = "按工作日历计算办理时限（起算日不计入，第 N 个工作日 24:00 届满）"

    def add_arguments(self, parser) -> None:
        # Values are checked in handle(), not by argparse, so that every mistake is one
        # line on stderr and exit status 2 rather than a usage dump.
        parser.add_argument("--start", help="起算时间，如 2025-09-30T10:00:00+08:00 或 2025-09-30")
        parser.add_argument("--working-days", dest="working_days", help="办理时限（工作日）")
        parser.add_argument("--type", dest="request_type", help="诉求类型代码，如 complaint")
        parser.add_argument("--extend", action="store_true", help="加上一次延期（仅投诉、举报）")

    def handle(self, *args, **options) -> None:
        raw_start = options.get("start")
        raw_days = options.get("working_days")
        type_code = options.get("request_type")
        extend = options.get("extend", False)
        if not raw_start:
            raise _fail("缺少 --start")
        if (raw_days is None) == (type_code is None):
            raise _fail("--working-days 与 --type 须且只能给出其中一个")
        start = parse_start(raw_start)

        extension = 0
        if type_code is not None:
            request_type = RequestType.objects.filter(code=type_code.strip()).first()
            if request_type is None:
                known = ", ".join(RequestType.objects.values_list("code", flat=True)) or "无"
                raise _fail(f"未知的诉求类型 {type_code!r}（已有：{known})")
            days = request_type.limit_working_days
            if extend:
                if not request_type.can_extend:
                    raise _fail(f"诉求类型 {request_type.code}({request_type.name})不可延期")
                extension = request_type.extension_working_days
        else:
            if extend:
                raise _fail("--extend 只能与 --type 一起使用")
            days = parse_days(str(raw_days))

        deadline = deadline_compute(start=start, working_days=days)
        if extension:
            deadline = deadline_extend(deadline=deadline, working_days=extension)
        if not deadline.calendar_covered:
            first, last = calendar_coverage()
            covered = f"{first} 至 {last}" if last else "空"
            self.stderr.write(f"警告：时限超出工作日历范围({covered})，超出部分仅按周末计算工作日")
        zone = timezone.get_default_timezone()
        self.stdout.write(
            json.dumps(
                {
                    "start": deadline.start.astimezone(zone).isoformat(),
                    "working_days": deadline.working_days,
                    "due_date": deadline.due_date.isoformat(),
                    "due_at": deadline.due_at.astimezone(zone).isoformat(),
                    "calendar_covered": deadline.calendar_covered,
                },
                ensure_ascii=False,
            )
        )
