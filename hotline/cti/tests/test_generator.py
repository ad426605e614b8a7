"""`hotline cti_calls` against a live server: the calls it plays arrive as calls."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import LiveServerTestCase

from hotline.accounts.models import ApiToken
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.callbacks.models import MissedCall
from hotline.cti.models import Call, CallEvent
from hotline.testing import Personas, restore_migration_data
from hotline.units.models import Unit


class GeneratorTests(Personas, LiveServerTestCase):
    def setUp(self) -> None:
        self.create_personas()
        cti = account_create(
            username="cti", roles=[Role.CTI], unit=Unit.objects.get(code="callcenter")
        )
        self.token = ApiToken.issue(user=cti, name="呼叫中心")[1]

    def tearDown(self) -> None:
        restore_migration_data()

    def test_the_generator_creates_answered_and_missed_calls(self):
        out = StringIO()
        call_command(
            "cti_calls",
            target=self.live_server_url,
            token=self.token,
            count=8,
            missed=0.4,
            seed=7,
            stdout=out,
        )
        self.assertEqual(Call.objects.count(), 8)
        answered = Call.objects.filter(answered=True)
        missed = Call.objects.filter(answered=False)
        self.assertIn(f"接听 {answered.count()}，未接 {missed.count()}", out.getvalue())
        self.assertGreater(answered.count(), 0)
        self.assertGreater(missed.count(), 0)
        self.assertEqual(MissedCall.objects.filter(source="cti").count(), missed.count())
        self.assertEqual(set(answered.values_list("agent", flat=True)), {self.operator.pk})
        self.assertEqual(CallEvent.objects.count(), 3 * answered.count() + 2 * missed.count())
        for call in answered:
            self.assertTrue(3 <= call.wait_seconds <= 40 and 60 <= call.talk_seconds <= 420)
            self.assertNotIn(call.phone, out.getvalue())

    def test_a_bad_token_fails_loudly(self):
        with self.assertRaises(CommandError):
            call_command(
                "cti_calls", target=self.live_server_url, token="hl_x", count=1, stdout=StringIO()
            )
        self.assertEqual(Call.objects.count(), 0)
