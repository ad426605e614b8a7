"""`hotline audit_verify`: check the audit trail's hash chain (audit/chain.py; 等保 level 3,
安全审计). Exits 0 when it is intact, 1 naming the first entry edited, removed or inserted."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hotline.audit.selectors import chain_verify


class Command(BaseCommand):
    help = "校验审计日志的哈希链：完整时退出码为 0，否则指出第一条被修改、删除或插入的记录。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify()
        if report.fault is not None:
            raise CommandError(
                f"审计链校验失败：{report.fault.message}（此前 {report.entries} 条完好）",
                returncode=1,
            )
        self.stdout.write(
            f"审计链完整：共 {report.entries} 条记录，"
            f"最后一条第 {report.last_seq} 条，哈希 {report.last_hash}"
        )
