"""The `hotline` console command: Django's manage.py plus the project's own commands."""

import os
import sys

# What a database without the project's tables, or one that cannot be reached, says.
_NOT_MIGRATED = ("no such table", "does not exist")
_UNREACHABLE = ("unable to open database", "could not connect", "connection refused")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    if sys.argv[1:2] in (["demo"], ["linkage_simulator"]):
        # They run without a real 110 desk: its messages stay queued (settings, linkage checks).
        os.environ.setdefault("HOTLINE_DEMO", "1")
    if len(sys.argv) > 1 and "-" in sys.argv[1] and not sys.argv[1].startswith("-"):
        # `hotline triage-eval` is the command triage_eval (Python module names have no "-").
        sys.argv[1] = sys.argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except DatabaseError as exc:
        text = str(exc).lower()
        if any(words in text for words in _NOT_MIGRATED):
            message = "数据库尚未初始化（缺少数据表），请先运行：hotline migrate"
        elif any(words in text for words in _UNREACHABLE):
            message = f"无法连接数据库，请检查 DATABASE_URL：{str(exc).splitlines()[0]}"
        else:
            raise
        sys.stderr.write(message + "\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
