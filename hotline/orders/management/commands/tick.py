"""`hotline tick`: the platform's periodic work. Run it from cron or a systemd timer every few
minutes (or `--every 300` as a long-running process, as the demo does); every step is safe to
repeat."""

import time

from django.core.management.base import BaseCommand, CommandParser

from hotline.api.limits import purge as api_limits_purge
from hotline.callbacks.services import callbacks_auto_close
from hotline.incidents.services import incidents_escalate
from hotline.orders.services import notify_due_soon
from hotline.portal.services import portal_limits_purge
from hotline.quality.services import quality_sample_draw_due
from hotline.stats.counting import stats_refresh
from hotline.triage.services import triage_train_due


class Command(BaseCommand):
    help = (
        "Run periodic work: due-date reminders, closing orders that need no callback, "
        "incident escalation, the statistics' daily counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="repeat every N seconds (0: run once)"
        )

    def handle(self, *args, every: int, **options) -> None:
        while True:
            reminded = notify_due_soon()
            closed = callbacks_auto_close()
            portal_limits_purge()
            api_limits_purge()
            escalated = incidents_escalate()
            counted = stats_refresh()
            quality_sample_draw_due()  # last week's quality sample, once (Art. 20)
            trained = triage_train_due()  # the weekly retraining of triage (issue 14)
            self.stdout.write(
                f"due-soon reminders: {reminded} orders; closed by callback rule: {closed}; "
                f"incident alerts escalated: {escalated}; statistics days counted: {counted}; "
                f"triage retrained: {'no' if trained is None else trained.training.version}"
            )
            if every <= 0:
                return
            time.sleep(every)
