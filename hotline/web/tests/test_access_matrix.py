"""The access matrix (`docs/access-matrix.md`, 等保 level 3 访问控制) tried for real.

The document lists every route of the URLconf — each page, each action on an order (one row
per action of `orders.rules.RULES` with a form), every export, API and Open311 endpoint and
the admin's model pages — against every role, with what that role gets: ✓ (the page or the
action is open to it; an empty form may still be refused as incomplete), 403 (refused),
404 (refused without telling whether the object exists), 401 (the API wants credentials),
`login` (sent to sign in). This test signs in as one demo person per role on a small demo and
tries every cell, each request in a savepoint that is rolled back; it fails when a cell and
the answer differ, when a route has no row or a row names no route.

`ACCESS_MATRIX_WRITE=<file> pytest hotline/web/tests/test_access_matrix.py` writes the table
the platform answers today — to compare with the document by eye, never to copy blindly.
"""

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hotline import clock
from hotline.accounts.models import ApiToken, User
from hotline.callbacks.models import MissedCall
from hotline.catalogue.models import RequestType
from hotline.catalogue.services import catalogue_load
from hotline.cti.models import Call
from hotline.demo.generate import demo_load
from hotline.incidents.models import Incident
from hotline.knowledge.models import Entry
from hotline.knowledge.permissions import RULES as KNOWLEDGE_RULES
from hotline.orders import services
from hotline.orders.models import UNIT_STATES, Assignment, Attachment, Channel, Order, Status, Urge
from hotline.orders.rules import RULES, can_see, orders_visible_to, role_allows
from hotline.quality.models import Check, Sample
from hotline.releases.services import release_request
from hotline.stats.models import Report
from hotline.surveys.models import Campaign, Target
from hotline.testing import aware
from hotline.units.models import Unit

MATRIX = Path(settings.BASE_DIR).parent / "docs" / "access-matrix.md"
MOMENT = aware("2026-11-25 15:30")

# The columns of the matrix and the demo account that plays each role ("" signs in nobody).
PEOPLE = {
    "operator": "operator",
    "operator_lead": "lead",
    "reviewer": "reviewer",
    "supervisor": "supervisor",
    "handler": "urban.handler",
    "manager": "urban.manager",
    "leader": "urban.leader",
    "auditor": "auditor",
    "sysadmin": "sysadmin",
    "secadmin": "secadmin",
    "linkage": "desk110",
    "cti": "cti",
    "anonymous": "",
}
ROLES = tuple(PEOPLE)
# Played by the people of the unit that leads the order rows are tried on.
UNIT_PEOPLE = ("handler", "manager", "leader")
MACHINE = ("linkage", "cti")
OUTCOMES = {"✓", "403", "404", "401", "login"}
# Routes reached only from the machine side or by the peer's own signature.
API_PREFIXES = ("api-v1:", "linkage-")
# Order actions that have their own route rather than `orders:act` (tried on an order on which
# they apply); every other action of `orders.rules.RULES` is an `orders:act:<action>` row.
OWN_ROUTE_ACTIONS = {
    "reveal": "orders:reveal",
    "attach": "orders:attach",
    "correct": "orders:correct",
    "note": "orders:note",
    "assist_reply": "orders:assist",
    "written_reply": "orders:written-reply",
}
# Taken through a route whose row tries them on a fixed object: a contact record is a note's
# kind, linking is offered while recording (intake), an urge is acknowledged by its own id.
OTHER_ROUTE_ACTIONS = {
    "contact": "orders:note",
    "link": "orders:intake-related",
    "urge_ack": "orders:urge-ack",
}
ACT_ACTIONS = sorted(set(RULES) - set(OWN_ROUTE_ACTIONS) - set(OTHER_ROUTE_ACTIONS))
# Editing a knowledge entry has its own page; the other actions post to `knowledge:act`.
KNOWLEDGE_ACTIONS = sorted(set(KNOWLEDGE_RULES) - {"edit"})


@dataclass(frozen=True)
class Row:
    route: str  # a URL name, `orders:act:<action>`, or `knowledge:act:<action>` …
    method: str
    target: str  # which object the row is tried on (a key of `TARGETS`), "" for none
    cells: dict[str, str]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.route, self.method, self.target)


def matrix_rows(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        parts = [part.strip() for part in line.strip().strip("|").split("|")]
        route, method, target, *cells = parts
        if len(cells) != len(ROLES):
            raise AssertionError(f"{route}: {len(cells)} cells, not {len(ROLES)}")
        rows.append(
            Row(route.strip("`"), method, target.strip("`"), dict(zip(ROLES, cells, strict=True)))
        )
    return rows


def url_arguments() -> dict[str, list[str]]:
    """Every named route of the URLconf, the admin's included, with its URL arguments."""

    def walk(patterns: list, namespace: str, outer: list[str]) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            names = outer + re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", str(pattern.pattern))
            flat = [a or b for a, b in names] if names and isinstance(names[0], tuple) else names
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner, flat)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, flat

    return dict(walk(get_resolver().url_patterns, "", []))


def url_names() -> set[str]:
    return set(url_arguments())


def admin_routes() -> set[str]:
    """The admin's pages the matrix lists: its index and each model's list, add and change
    page (delete and history pages follow the change permission)."""
    names = {"admin:index"}
    for model in admin.site._registry:
        meta = model._meta
        names |= {
            f"admin:{meta.app_label}_{meta.model_name}_{page}" for page in ("changelist", "add")
        }
    return names


def outcome(response: Any) -> str:
    if response.status_code in (401, 403, 404, 405):
        return str(response.status_code)
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    if "/login/" in location:
        return "login"
    return "✓"


class AccessMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        catalogue_load()
        with clock.frozen_at(MOMENT):
            demo_load(orders=240)
        ordinary = Order.objects.filter(is_confidential=False)
        # The unit people are those of the unit that leads the first order in hand.
        cls.order = ordinary.filter(status=Status.IN_PROGRESS).earliest("pk")
        unit = cls.order.lead_unit
        people = {**PEOPLE, **{role: f"{unit.code}.{role}" for role in UNIT_PEOPLE}}
        cls.people = {
            role: User.objects.get(username=username) if username else None
            for role, username in people.items()
        }
        cls.tokens = {}
        for role in MACHINE:
            _row, cls.tokens[role] = ApiToken.issue(user=cls.people[role], name="matrix")
        cls.other_order = (
            ordinary.filter(status__in=UNIT_STATES)
            .exclude(lead_unit=unit)
            .exclude(pk__in=Assignment.objects.filter(unit=unit).values("order"))
            .earliest("pk")
        )
        cls.callback_order = ordinary.filter(status=Status.CALLBACK).earliest("pk")
        # The demo dispatches to lead units only: one more order gets an assisting unit (协办).
        with clock.frozen_at(MOMENT):
            assisted = services.order_create(
                actor=cls.people["operator"],
                channel=Channel.PHONE,
                request_type=RequestType.objects.get(pk="help"),
                category=cls.order.category,
                caller_name="王五",
                caller_phone="13812345678",
                content="路灯不亮，需要两个部门一起处理。",
            )
            services.order_dispatch(
                order=services.order_accept(order=assisted, actor=cls.people["operator"]),
                actor=cls.people["operator"],
                lead_unit=unit,
                assisting_units=[
                    Unit.objects.exclude(pk=unit.pk)
                    .filter(
                        pk__in=User.objects.filter(username__endswith=".handler").values("unit")
                    )
                    .earliest("pk")
                ],
            )
        cls.release = release_request(
            actor=cls.people["reviewer"],
            kind="orders.list",
            params={},
            purpose="核对本月工单办理情况，供内部通报使用。",
        )
        cls.attachment = Attachment(
            order=cls.order,
            original_name="现场照片.jpg",
            content_type="image/jpeg",
            size=3,
            sha256="0" * 64,
            uploaded_by=cls.people["handler"],
        )
        cls.attachment.file.save("matrix.jpg", ContentFile(b"\xff\xd8\xff"), save=True)

    def setUp(self) -> None:
        self.clients: dict[str, Client] = {}

    # --- the objects each row is tried on ------------------------------------------------

    def target_kwargs(self, row: Row, role: str) -> dict[str, Any] | None:
        """The URL's arguments for `row` as `role` tries it; None when the row has none."""
        name = row.route
        number = {"other-unit order": self.other_order, "callback order": self.callback_order}
        order = number.get(row.target, self.order)
        simple: dict[str, Callable[[], dict[str, Any]]] = {
            "orders:attachment": lambda: {"number": order.number, "pk": self.attachment.pk},
            "orders:urge-ack": lambda: {
                "number": Urge.objects.earliest("pk").order.number,
                "pk": Urge.objects.earliest("pk").pk,
            },
            "knowledge:detail": lambda: {"pk": Entry.objects.earliest("pk").pk},
            "knowledge:edit": lambda: {"pk": Entry.objects.earliest("pk").pk},
            "knowledge:unit": lambda: {"pk": self.order.lead_unit_id},
            "callbacks:callback": lambda: {"number": self.callback_order.number},
            "callbacks:returned": lambda: {"pk": MissedCall.objects.earliest("pk").pk},
            "cti:call": lambda: {"pk": Call.objects.earliest("pk").pk},
            "cti:recording": lambda: {"pk": Call.objects.earliest("pk").pk},
            "incidents:detail": lambda: {"pk": Incident.objects.earliest("pk").pk},
            "quality:sample": lambda: {"pk": Sample.objects.earliest("pk").pk},
            "quality:check": lambda: {"pk": Check.objects.earliest("pk").pk},
            "surveys:call": lambda: {"pk": Target.objects.earliest("pk").pk},
            "surveys:respond": lambda: {"token": Target.objects.earliest("pk").web_token},
            "surveys:question_remove": lambda: {
                "pk": self.campaign().pk,
                "question_pk": self.campaign().questions.earliest("pk").pk,
            },
            "stats:report": lambda: {"pk": Report.objects.earliest("pk").pk},
            "public:report": lambda: {"pk": self.published().pk},
            "open311:discovery": lambda: {"fmt": "json"},
            "open311:services": lambda: {"fmt": "json"},
            "portal:link": lambda: {"token": "x" * 40},
        }
        if name in simple:
            return simple[name]()
        if name.startswith(("orders:act:", "knowledge:act:", "incidents:action:")):
            return None  # resolved by the row's own method
        pattern_kwargs = URL_ARGUMENTS[name]
        kwargs: dict[str, Any] = {}
        for kwarg in pattern_kwargs:
            if kwarg == "number":
                kwargs[kwarg] = order.number
            elif kwarg == "pk" and name.startswith("stats:report"):
                kwargs[kwarg] = Report.objects.earliest("pk").pk
            elif kwarg == "pk" and name.startswith("surveys:"):
                kwargs[kwarg] = self.campaign().pk
            elif kwarg == "pk" and name.startswith("incidents:"):
                kwargs[kwarg] = Incident.objects.earliest("pk").pk
            elif (kwarg == "pk" and name.startswith("releases:")) or kwarg == "release_id":
                kwargs[kwarg] = self.release.pk
            elif kwarg == "pk" and name.startswith("knowledge:"):
                kwargs[kwarg] = Entry.objects.earliest("pk").pk
            elif kwarg == "object_id":
                kwargs[kwarg] = 1
            else:
                raise AssertionError(f"{name}: no object for the argument {kwarg}")
        return kwargs

    def campaign(self) -> Campaign:
        return Campaign.objects.earliest("pk")

    def published(self) -> Report:
        return Report.objects.filter(published_at__isnull=False).earliest("pk")

    def url_of(self, row: Row, role: str) -> tuple[str, User | None]:
        """The URL `role` tries for `row`, and the person who tries it."""
        person = self.people[role]
        if row.route.startswith("orders:act:"):
            action = row.route.split(":")[2]
            order, person = self.action_case(action, role)
            return reverse("orders:act", args=[order.number, action]), person
        if row.route.startswith("knowledge:act:"):
            action = row.route.split(":")[2]
            return reverse("knowledge:act", args=[Entry.objects.earliest("pk").pk, action]), person
        if row.route.startswith("incidents:action:"):
            action = row.route.split(":")[2]
            pk = Incident.objects.earliest("pk").pk
            return reverse("incidents:action", args=[pk, action]), person
        if row.route in OWN_ROUTE_ACTIONS.values() and row.target == "":
            action = next(a for a, r in OWN_ROUTE_ACTIONS.items() if r == row.route)
            order, person = self.action_case(action, role)
            return reverse(row.route, args=[order.number]), person
        if row.route == "orders:urge-ack" and role in UNIT_PEOPLE:
            urge = Urge.objects.select_related("unit", "order").earliest("pk")
            person = self.unit_person(urge.unit.code, role) or person
        return reverse(row.route, kwargs=self.target_kwargs(row, role)), person

    def unit_person(self, code: str, role: str) -> User | None:
        return User.objects.filter(username=f"{code}.{role}").first()

    def action_case(self, action: str, role: str) -> tuple[Order, User | None]:
        """An order on which `action` applies and the person of `role` who tries it: one who
        may take it when the demo holds such a case (for unit roles, the person of whichever
        unit leads or assists the order), else one who sees it (to be refused), else any
        order (to be hidden)."""
        person = self.people[role]
        candidates = list(
            Order.objects.filter(status__in=RULES[action].states, is_confidential=False)
            .select_related("lead_unit")
            .order_by("pk")[:80]
        )
        if not candidates:
            raise AssertionError(f"the demo holds no order on which {action} applies")
        if person is None:
            return candidates[0], None
        for order in candidates:
            people = [person]
            if role in UNIT_PEOPLE:
                codes = Assignment.objects.filter(order=order).values_list("unit__code", flat=True)
                people = [p for code in codes if (p := self.unit_person(code, role))]
            for someone in people:
                if can_see(someone, order) and role_allows(someone, order, action):
                    return order, someone
        for order in candidates:
            if can_see(person, order):
                return order, person
        return candidates[0], person

    # --- trying a cell -------------------------------------------------------------------

    def client_for(
        self, role: str, *, api: bool, fresh: bool = False, person: User | None = None
    ) -> Client:
        person = person or self.people[role]
        key = f"{person.username if person else ''}:{role}:{api}"
        if fresh or key not in self.clients:
            if api and role in MACHINE:
                client = Client(headers={"authorization": f"Bearer {self.tokens[role]}"})
            else:
                client = Client()
                if person is not None:
                    client.force_login(person)
            if fresh:
                return client
            self.clients[key] = client
        return self.clients[key]

    def attempt(self, row: Row, role: str) -> str:
        api = row.route.startswith(API_PREFIXES)
        if os.environ.get("ACCESS_MATRIX_WRITE"):
            try:
                url, person = self.url_of(row, role)
            except Exception as exc:  # noqa: BLE001 - the writer shows what it could not try
                return f"ERR {type(exc).__name__}"
        else:
            url, person = self.url_of(row, role)
        # Signing out ends the session the other rows use.
        client = self.client_for(role, api=api, fresh=row.route == "logout", person=person)
        with transaction.atomic():
            if row.method == "POST":
                content = {"content_type": "application/json", "data": {}} if api else {}
                response = client.post(url, **content)
            else:
                response = client.get(url)
            transaction.set_rollback(True)
        return outcome(response)

    # --- the tests -----------------------------------------------------------------------

    def test_every_route_has_a_row_and_every_row_a_route(self) -> None:
        rows = matrix_rows(MATRIX.read_text(encoding="utf-8"))
        listed = {row.route for row in rows}
        routes = {name for name in url_names() if not name.startswith("admin:")} | admin_routes()
        expanded = {
            r for r in routes if r not in {"orders:act", "knowledge:act", "incidents:action"}
        }
        expanded |= {f"orders:act:{action}" for action in ACT_ACTIONS}
        for action, route in {**OWN_ROUTE_ACTIONS, **OTHER_ROUTE_ACTIONS}.items():
            with self.subTest(action=action):
                self.assertIn(route, listed, "an action without a route in the matrix")
        expanded |= {f"knowledge:act:{action}" for action in KNOWLEDGE_ACTIONS}
        expanded |= {f"incidents:action:{action}" for action in INCIDENT_ACTIONS}
        bare = {route for route in listed}
        self.assertEqual(sorted(expanded - bare), [], "routes without a row in the matrix")
        self.assertEqual(sorted(bare - expanded), [], "rows of the matrix naming no route")
        for row in rows:
            with self.subTest(row=row.key):
                self.assertLessEqual(set(row.cells.values()), OUTCOMES)
        self.assertEqual(len({row.key for row in rows}), len(rows), "a row is listed twice")

    def test_every_cell_is_what_the_platform_answers(self) -> None:
        rows = matrix_rows(MATRIX.read_text(encoding="utf-8"))
        observed = {row.key: {role: self.attempt(row, role) for role in ROLES} for row in rows}
        out = os.environ.get("ACCESS_MATRIX_WRITE")
        if out:
            Path(out).write_text(
                "\n".join(
                    f"| `{r.route}` | {r.method} | {r.target and f'`{r.target}`'} | "
                    + " | ".join(observed[r.key][role] for role in ROLES)
                    + " |"
                    for r in rows
                ),
                encoding="utf-8",
            )
        for row in rows:
            for role in ROLES:
                with self.subTest(route=row.route, target=row.target, role=role):
                    self.assertEqual(observed[row.key][role], row.cells[role])

    def test_order_action_rows_agree_with_the_rules(self) -> None:
        """A ✓ in an action's row is a role the rules let take it on some order of the demo; a
        refusal is a role they never let (the matrix cannot drift from `orders.rules`)."""
        rows = matrix_rows(MATRIX.read_text(encoding="utf-8"))
        for row in rows:
            if not row.route.startswith("orders:act:"):
                continue
            action = row.route.split(":")[2]
            for role in ROLES:
                with self.subTest(action=action, role=role):
                    order, person = self.action_case(action, role)
                    allowed = (
                        person is not None
                        and can_see(person, order)
                        and role_allows(person, order, action)
                    )
                    self.assertEqual(row.cells[role] == "✓", allowed)

    def test_lists_searches_statistics_and_the_api_show_only_orders_the_person_may_see(
        self,
    ) -> None:
        """Scoping beyond the rows: every order number on a list, a search, a drill-down of the
        statistics or an API list is one `orders_visible_to` gives the person (unit staff see
        their unit's orders; nobody sees a confidential order that is not theirs)."""
        every = set(Order.objects.values_list("number", flat=True))
        prefix = re.escape(settings.HOTLINE_ORDER_PREFIX)
        pattern = rf'/orders/({prefix}\d{{13}})/|"number": ?"({prefix}\d{{13}})"'
        confidential = Order.objects.filter(is_confidential=True).first()
        probes = [self.other_order.number, confidential.number if confidential else ""]
        pages = [
            reverse("orders:list"),
            reverse("orders:list") + "?list=all&page=2",
            reverse("orders:unit"),
            reverse("callbacks:queue"),
            reverse("stats:accountability"),
            reverse("stats:orders") + "?figure=received&from=2026-08-01&to=2026-11-30",
            reverse("stats:orders") + "?figure=overdue&from=2026-08-01&to=2026-11-30",
            reverse("api-v1:list_orders") + "?limit=200",
            *(reverse("orders:list") + f"?q={number}" for number in probes if number),
            *(reverse("api-v1:list_orders") + f"?q={number}" for number in probes if number),
        ]
        for role in ("operator", "operator_lead", "handler", "manager", "leader", "auditor"):
            person = self.people[role]
            visible = set(orders_visible_to(person).values_list("number", flat=True))
            client = self.client_for(role, api=False)
            seen: set[str] = set()
            for url in pages:
                with self.subTest(role=role, url=url):
                    response = client.get(url)
                    # An order shown is one linked or returned (the search box repeats the
                    # number typed).
                    found = re.findall(pattern, response.content.decode())
                    numbers = {a or b for a, b in found}
                    self.assertLessEqual(numbers & every, visible)
                    seen |= numbers
            with self.subTest(role=role):
                self.assertTrue(seen, "the pages showed no order at all: the check proves nothing")


INCIDENT_ACTIONS = re.findall(
    r'action == "([a-z_-]+)"',
    (Path(settings.BASE_DIR) / "incidents" / "views.py").read_text(encoding="utf-8"),
)


URL_ARGUMENTS = url_arguments()
