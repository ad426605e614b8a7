"""System check calendar.W001: the working-day calendar is empty or ends within 60 days.

Tagged `database` as Django asks of checks that query it, so it runs with `migrate` and
`hotline check --database default`, not with every command.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError

from hotline.calendar.services import calendar_warning


@register(Tags.database)
def calendar_coverage_check(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    if not databases or "default" not in databases:
        return []
    try:
        message = calendar_warning()
    except DatabaseError:
        # Before the first migrate the table does not exist yet; nothing to warn about.
        return []
    if message is None:
        return []
    return [
        Warning(
            message,
            hint="hotline calendar_seed --year <年份>，或在管理后台录入节假日安排",
            id="calendar.W001",
        )
    ]
