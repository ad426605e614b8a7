"""The rules table (`orders/rules.py`) is the one place that decides who may do what with an
order: every action has its row, the services refuse exactly what it refuses, and the pages
offer exactly what it allows."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from hotline.core.errors import DomainError
from hotline.orders import services
from hotline.orders.forms.actions import ACTION_FORMS
from hotline.orders.models import Action, Order
from hotline.orders.rules import RULES, available_actions
from hotline.orders.tests.test_attachments import PDF  # a PDF that parses
from hotline.testing import BaseTestCase

# Kinds of history event that record what happened to an order, not something a person
# chooses to do with it.
# Events written as the consequence of another action, never asked for on their own.
EVENTS_ONLY = {
    Action.CREATE,
    Action.EMERGENCY_ALERT,
    Action.MAJOR_INCIDENT_ALERT,
    Action.MERGED_IN,
    Action.RESULT_SHARED,
    Action.LINKAGE_QUEUED,
    Action.LINKAGE_ACK,
    Action.LINKAGE_FAILED,
    Action.LINKAGE_STATUS,
}


class Rollback(Exception):
    pass


class RulesTableTests(BaseTestCase):
    def people(self):  # type: ignore[no-untyped-def]
        return [
            self.operator,
            self.lead,
            self.reviewer,
            self.supervisor,
            self.auditor,
            self.sysadmin,
            self.handler_a,
            self.manager_a,
            self.leader_a,
            self.handler_b,
            self.manager_b,
        ]

    def orders(self) -> list[Order]:
        return [
            self.create_order(),
            self.dispatched_order(),
            self.in_progress_order(),
            self.reply_checked_order(),
        ]

    def succeeds(self, call) -> bool:  # type: ignore[no-untyped-def]
        """Whether the service accepts the call; whatever it did is rolled back."""
        try:
            with transaction.atomic():
                call()
                raise Rollback
        except Rollback:
            return True
        except DomainError:
            return False

    def test_every_action_on_an_order_has_a_row(self):
        self.assertEqual(set(Action.values) - EVENTS_ONLY, set(RULES))
        self.assertLessEqual(set(ACTION_FORMS), set(RULES))

    def test_the_page_offers_revealing_exactly_when_the_service_allows_it(self):
        for order in self.orders():
            for user in self.people():
                with self.subTest(order=order.status, user=user.username):
                    offered = Action.REVEAL in available_actions(user, order)
                    done = self.succeeds(
                        lambda u=user, o=order: services.order_reveal_caller(
                            order=o, actor=u, reason="核实"
                        )
                    )
                    self.assertEqual(offered, done)

    def test_notes_and_files_are_offered_exactly_when_the_services_take_them(self):
        for order in self.orders():
            for user in self.people():
                allowed = available_actions(user, order)
                with self.subTest(order=order.status, user=user.username, action="note"):
                    done = self.succeeds(
                        lambda u=user, o=order: services.order_add_note(
                            order=o, actor=u, text="已电话联系"
                        )
                    )
                    self.assertEqual(Action.NOTE in allowed, done)
                with self.subTest(order=order.status, user=user.username, action="attach"):
                    pdf = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
                    done = self.succeeds(
                        lambda u=user, o=order, f=pdf: services.attachments_add(
                            order=o, actor=u, uploads=[f]
                        )
                    )
                    self.assertEqual(Action.ATTACH in allowed, done)

    def test_every_transition_offered_on_the_page_passes_the_services_checks(self):
        # What a form shows is what its service allows: authorize() agrees with the table.
        from hotline.orders.rules import authorize

        for order in self.orders():
            for user in self.people():
                allowed = available_actions(user, order)
                for action in RULES:
                    with self.subTest(order=order.status, user=user.username, action=action):
                        try:
                            authorize(user, order, action)
                        except DomainError:
                            self.assertNotIn(action, allowed)
                        else:
                            self.assertIn(action, allowed)
