"""Events of one call at the same moment (PostgreSQL): one call, each event once, the state of
in-order delivery, one missed call."""

import threading
from datetime import timedelta
from unittest import skipUnless

from django.db import connection, connections
from django.test import TransactionTestCase

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.callbacks.models import MissedCall
from hotline.cti.models import Call, CallEvent
from hotline.cti.protocol import CtiEventIn
from hotline.cti.services import cti_event_record
from hotline.testing import Personas, restore_migration_data
from hotline.units.models import Unit


@skipUnless(connection.vendor == "postgresql", "threads need a database server")
class SameMomentTests(Personas, TransactionTestCase):
    cti: User

    def setUp(self) -> None:
        self.create_personas()
        self.cti = account_create(
            username="cti", roles=[Role.CTI], unit=Unit.objects.get(code="callcenter")
        )

    def tearDown(self) -> None:
        restore_migration_data()

    def test_all_events_of_a_missed_call_at_once_make_one_call_and_one_missed_call(self):
        t0 = clock.now() - timedelta(minutes=1)
        base = {"call_id": "c-9", "direction": "in", "from": "13812345678", "to": "12345"}
        events = [
            {**base, "event": "newCall", "at": t0.isoformat()},
            {**base, "event": "hangup", "at": (t0 + timedelta(seconds=30)).isoformat()},
        ] * 3
        barrier = threading.Barrier(len(events))
        errors: list[Exception] = []

        def send(data: dict) -> None:
            try:
                barrier.wait()
                cti_event_record(actor=self.cti, event=CtiEventIn.model_validate(data))
            except Exception as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send, args=(data,)) for data in events]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        call = Call.objects.get()
        self.assertEqual(
            (call.rang_at, call.ended_at, call.answered), (t0, t0 + timedelta(seconds=30), False)
        )
        self.assertEqual(CallEvent.objects.count(), 2)
        self.assertEqual(MissedCall.objects.get(), call.missed_call)
