"""The base class for tests: the demo catalogue and one named persona per role (STYLE §8).
Data is built through the real service functions."""

import re
from collections.abc import Iterable
from contextlib import ExitStack
from datetime import datetime
from typing import Any

from django import forms
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.calendar.index import index_invalidate
from hotline.calendar.models import CalendarDay
from hotline.calendar.services import calendar_seed_from_package
from hotline.catalogue.models import Category, RequestType
from hotline.catalogue.services import catalogue_load
from hotline.core.forms import LimitedCharField
from hotline.core.guards import append_only_lifted
from hotline.knowledge.models import Synonym
from hotline.knowledge.services import synonyms_load
from hotline.orders import services
from hotline.orders.models import Channel, Order
from hotline.units.models import Unit

PASSWORD = "test-password-123"


# --- signing in with the second factor (hotline.accounts.otp) ------------------------------


def otp_device(user: User) -> Any:
    """The account's confirmed TOTP device, with a fixed test key (created when missing)."""
    from hotline.accounts import otp

    return otp.fixed_device(user, purpose="test")


def otp_next_code(user: User) -> str:
    """A code the account's device accepts now: the current step's, or — when that step was
    already used (codes are never accepted twice) — the next step's, which the one-step
    tolerance accepts; waits for the clock when even that was used."""
    import time as _time

    from hotline.accounts import otp

    device = otp_device(user)
    device.refresh_from_db()
    while True:
        step = max(otp.current_step(device), device.last_t + 1)
        if step <= otp.current_step(device) + 1:
            return otp.code_at(device, step=step)
        _time.sleep(1)


def mark_verified(client: Any, user: User) -> None:
    """Mark the client's signed-in session as having passed the code step (what
    `django_otp.login` writes), for an account that needs the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    if not user.needs_second_factor:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device(user).persistent_id
    session.save()


def login_verified(client: Any, user: User) -> None:
    """force_login, and the code step passed for a second-factor account."""
    client.force_login(user)
    mark_verified(client, user)


class Personas:
    """Personas: an operator, an operator lead, a host reviewer, a supervisor, an auditor, a
    system administrator, a handler/manager/leader of unit A (city management, `urban`) and a
    handler/manager of unit B (market supervision, `market`)."""

    operator: User
    lead: User
    reviewer: User
    supervisor: User
    auditor: User
    sysadmin: User
    handler_a: User
    manager_a: User
    leader_a: User
    handler_b: User
    manager_b: User
    unit_a: Unit
    unit_b: Unit

    @classmethod
    def create_personas(cls) -> None:
        catalogue_load()
        units = {unit.code: unit for unit in Unit.objects.all()}
        cls.unit_a, cls.unit_b = units["urban"], units["market"]

        def person(username: str, roles: list[str], unit: str, phone: str = "") -> User:
            return account_create(
                username=username, roles=roles, unit=units[unit], password=PASSWORD, phone=phone
            )

        cls.operator = person("operator", [Role.OPERATOR], "callcenter")
        cls.lead = person("lead", [Role.OPERATOR_LEAD], "callcenter")
        cls.reviewer = person("reviewer", [Role.REVIEWER], "infocenter", phone="13900000001")
        cls.supervisor = person("supervisor", [Role.SUPERVISOR], "office")
        cls.auditor = person("auditor", [Role.AUDITOR], "office")
        cls.sysadmin = person("sysadmin", [Role.SYSADMIN], "infocenter")
        cls.handler_a = person("urban.handler", [Role.HANDLER], "urban")
        cls.manager_a = person("urban.manager", [Role.MANAGER], "urban", phone="13900000002")
        cls.leader_a = person("urban.leader", [Role.LEADER], "urban")
        cls.handler_b = person("market.handler", [Role.HANDLER], "market")
        cls.manager_b = person("market.manager", [Role.MANAGER], "market")
        # Enrolled in the second factor, as staff holding these roles are (accounts.otp).
        for user in (cls.lead, cls.reviewer, cls.supervisor, cls.auditor, cls.sysadmin):
            otp_device(user)

    # --- building orders through the real services ---

    def create_order(
        self, *, request_type: str = "help", category: str | None = "urban.02", **kwargs
    ) -> Order:
        defaults: dict[str, Any] = {
            "caller_name": "张三",
            "caller_phone": "13812345678",
            "content": "小区门口有违法建设，影响通行。",
        }
        defaults.update(kwargs)
        return services.order_create(
            actor=self.operator,
            channel=Channel.PHONE,
            request_type=RequestType.objects.get(pk=request_type),
            category=Category.objects.get(code=category) if category else None,
            **defaults,
        )

    def dispatched_order(
        self, *, request_type: str = "help", unit: Unit | None = None, **kwargs
    ) -> Order:
        order = self.create_order(request_type=request_type, **kwargs)
        unit = unit or self.unit_a
        if order.request_type.needs_review:
            order = services.order_submit_for_review(
                order=order, actor=self.operator, opinion="建议转城管执法局核查"
            )
            return services.order_review_approve(order=order, actor=self.reviewer, lead_unit=unit)
        order = services.order_accept(order=order, actor=self.operator)
        return services.order_dispatch(order=order, actor=self.operator, lead_unit=unit)

    def in_progress_order(self, **kwargs) -> Order:
        order = self.dispatched_order(**kwargs)
        handler = self.handler_a if order.lead_unit_id == self.unit_a.pk else self.handler_b
        return services.order_sign(order=order, actor=handler)

    def reply_checked_order(self, **kwargs) -> Order:
        order = self.in_progress_order(**kwargs)
        order = services.order_reply(
            order=order, actor=self.handler_a, text="已现场核查并拆除违法建设。"
        )
        order = services.order_decide_reply(order=order, actor=self.manager_a, approve=True)
        return services.order_check_reply(order=order, actor=self.operator, accept=True)

    def _fixture_teardown(self) -> None:
        # A TransactionTestCase empties every table after each test, the append-only history
        # and audit trail included: the one place their triggers are lifted (core/guards.py).
        if isinstance(self, TestCase):
            super()._fixture_teardown()  # type: ignore[misc]
            return
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
                stack.enter_context(append_only_lifted(alias))
            super()._fixture_teardown()  # type: ignore[misc]

    def reload(self, order: Order) -> Order:
        return Order.objects.get(pk=order.pk)


class BaseTestCase(Personas, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.create_personas()


def limit_of(form: forms.Form, name: str) -> int | None:
    return getattr(form.fields[name], "max_length", None)


def assert_no_cutting_maxlength(test: SimpleTestCase, forms_to_check: Iterable[forms.Form]) -> None:
    """Every limited field is a LimitedCharField rendering data-maxlength, never maxlength."""
    for form in forms_to_check:
        for bound in form.visible_fields():
            limit = getattr(bound.field, "max_length", None)
            if limit is None:
                continue
            with test.subTest(form=type(form).__name__, field=bound.name):
                html = str(bound)
                test.assertIsInstance(bound.field, LimitedCharField)
                test.assertIn(f'data-maxlength="{limit}"', html)
                test.assertIsNone(re.search(r"\smaxlength=", html))


def aware(text: str) -> datetime:
    """'2025-09-30 10:00' in Asia/Shanghai."""
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


def restore_migration_data() -> None:
    """Put back what data migrations wrote (the working-day calendar, the synonym groups)
    after a TransactionTestCase emptied the tables, so later tests see a migrated database."""
    if not CalendarDay.objects.exists():
        calendar_seed_from_package()
        index_invalidate()
    if not Synonym.objects.exists():
        synonyms_load()
