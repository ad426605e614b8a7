"""`hotline calendar_import FILE`: load a year's holiday schedule (docs/calendar-import.md).

    hotline calendar_import 2027.txt                  # shows the year as a calendar, saves nothing
    hotline calendar_import 2027.txt --apply --by reviewer

The host unit checks the printed calendar against the State Council's notice, then saves it
with --apply, naming its reviewer account with --by (the audit trail records who loaded it).
A mistake in the file prints one line with its line number and exits with status 2.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.accounts.models import User
from hotline.calendar.schedule import ScheduleError, schedule_parse, schedule_render
from hotline.calendar.services import calendar_year_import
from hotline.core.errors import DomainError


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "录入一年的节假日安排（国务院办公厅通知），先显示日历供核对，加 --apply 保存"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="节假日安排文件（格式见 docs/calendar-import.md）")
        parser.add_argument("--apply", action="store_true", help="核对无误后保存")
        parser.add_argument("--by", default="", help="录入人（热线主办单位审核员账号）")

    def handle(self, *args, file: str, apply: bool, by: str, **options) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(f"无法读取文件 {file}：{exc}") from None
        try:
            days = schedule_parse(text)
        except ScheduleError as exc:
            raise _fail(str(exc)) from None
        self.stdout.write(schedule_render(days))
        if not apply:
            self.stdout.write("未保存：核对无误后，加 --apply --by <审核员账号> 保存。")
            return
        actor = User.objects.filter(username=by, is_active=True).first() if by else None
        if actor is None:
            raise _fail("请用 --by 写明录入人（热线主办单位审核员的账号）。")
        try:
            changed = calendar_year_import(days=days, actor=actor)
        except DomainError as exc:
            raise _fail(exc.message) from None
        self.stdout.write(
            f"已保存 {days[0].date.year} 年工作日历：{changed} 天有变化，录入人 {actor}。"
        )
