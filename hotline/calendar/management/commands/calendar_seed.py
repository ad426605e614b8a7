"""`hotline calendar_seed [--year Y ...]`: import the holiday schedule from the package."""

from django.core.management.base import BaseCommand, CommandError

from hotline.calendar.package import package_years
from hotline.calendar.services import calendar_coverage, calendar_seed_from_package


class Command(BaseCommand):
    help = "从节假日软件包(chinesecalendar)导入工作日历；管理员录入的日期不会被覆盖"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--year",
            action="append",
            type=int,
            dest="years",
            help="只导入这一年（可重复）；默认导入软件包包含的全部年份",
        )

    def handle(self, *args, years: list[int] | None = None, **options) -> None:
        known = package_years()
        unknown = [year for year in years or [] if year not in known]
        if unknown:
            raise CommandError(
                f"节假日软件包没有 {', '.join(map(str, unknown))} 年的安排"
                f"（已有 {known.start}–{known.stop - 1} 年）；请升级 chinesecalendar 或在管理后台录入",
                returncode=2,
            )
        written = calendar_seed_from_package(years=years)
        first, last = calendar_coverage()
        self.stdout.write(f"已写入 {written} 天；工作日历覆盖 {first} 至 {last}")
