"""The statistics' inputs: calls received, answered, answered within 15 s, connect rate,
average waiting and talk time."""

from datetime import timedelta

from hotline.cti.selectors import call_stats
from hotline.cti.tests.base import CtiTestCase
from hotline.testing import aware


class CallStatsTests(CtiTestCase):
    def call(self, call_id: str, start: str, *, wait: int | None, talk: int = 0, **kw):  # type: ignore[no-untyped-def]
        t0 = aware(start)
        self.record("newCall", call_id=call_id, at=t0, **kw)
        if wait is not None:
            self.record(
                "answer", call_id=call_id, at=t0 + timedelta(seconds=wait), agent="operator", **kw
            )
        self.record(
            "hangup",
            call_id=call_id,
            at=t0 + timedelta(seconds=(wait or 30) + talk),
            cause="normalClearing" if wait is not None else "cancel",
            **kw,
        )

    def test_it_counts_the_calls_of_the_period(self):
        self.call("a", "2026-11-02 09:00", wait=10, talk=100)
        self.call("b", "2026-11-02 10:00", wait=20, talk=200)
        self.call("c", "2026-11-02 11:00", wait=None)
        self.call("d", "2026-11-02 12:00", wait=15, talk=60)
        self.call("e", "2026-11-03 09:00", wait=5, talk=10)  # outside the period
        self.call("f", "2026-11-02 13:00", wait=1, talk=10, direction="out", to="13812345678")
        stats = call_stats(start=aware("2026-11-02 00:00"), end=aware("2026-11-03 00:00"))
        self.assertEqual((stats.received, stats.answered, stats.answered_in_target), (4, 3, 2))
        self.assertEqual(stats.connect_rate, 0.75)
        self.assertEqual(stats.average_wait_seconds, 15)
        self.assertEqual(stats.average_talk_seconds, 120)

    def test_no_calls_no_rate(self):
        stats = call_stats(start=aware("2026-11-02 00:00"), end=aware("2026-11-03 00:00"))
        self.assertEqual(
            (stats.received, stats.connect_rate, stats.average_wait_seconds), (0, None, None)
        )
