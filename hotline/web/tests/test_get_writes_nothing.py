"""No page writes on a GET: reading a page, as any role and with any of its addresses, leaves
every table as it was (STYLE: reads stay reads; every write is a POST followed by a redirect).
A reveal of personal data, a claim of a survey call or an export is a POST."""

import hashlib

from django.apps import apps
from django.contrib.sessions.models import Session
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from hotline.accounts.models import SignInSession
from hotline.api.models import ApiCounter
from hotline.knowledge.models import Entry
from hotline.orders import services
from hotline.portal.links import portal_token
from hotline.surveys.tests.base import SurveyTestCase

# The API's rate-limit counter counts every request, reads included (hotline.api.limits).
# A session's record keeps its last activity (accounts.sessions), as the session itself does.
SKIPPED_MODELS = {Session, SignInSession, ApiCounter}


def database_fingerprint() -> dict[str, str]:
    """A digest of every row of every table (sessions, the API's request counters and the time
    of the last sign-in aside: signing in is the test's own write)."""
    digests = {}
    for model in apps.get_models():
        if model in SKIPPED_MODELS:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        if model._meta.label == "accounts.User":
            rows = (
                rows.defer("last_login")
                if False
                else model._default_manager.order_by("pk").values_list(
                    "pk", "username", "roles", "is_active", "password"
                )
            )
        digests[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digests


def named_routes(
    resolver: URLResolver | None = None, prefix: str = ""
) -> list[tuple[str, list[str]]]:
    """(name, argument names) of every named route of the project."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += named_routes(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{prefix}{entry.name}", list(entry.pattern.converters)))
    return found


class GetWritesNothingTests(SurveyTestCase):
    def setUp(self):
        self.open_order = self.in_progress_order()
        self.callback_order = self.reply_checked_order()
        services.order_urge(order=self.open_order, actor=self.operator, note="请尽快办理")
        self.campaign = self.running_campaign()
        self.survey_target = self.campaign.targets.first()
        self.entry = Entry.objects.first()

    def arguments(self, name: str, params: list[str]) -> list[object] | None:
        values: dict[str, object] = {
            "number": self.callback_order.number
            if name.startswith("callbacks:")
            else self.open_order.number,
            "token": portal_token(self.callback_order),
            "action": "accept",
        }
        if "pk" in params:
            if name.startswith("surveys:call"):
                values["pk"] = self.survey_target.pk
            elif name.startswith("surveys:"):
                values["pk"] = self.campaign.pk
            elif name.startswith("knowledge:") and self.entry is not None:
                values["pk"] = self.entry.pk
            else:
                values["pk"] = 1
        for param in params:
            values.setdefault(param, 1)
        return [values[param] for param in params]

    def test_no_get_of_any_page_by_any_role_changes_a_row(self):
        people = [
            self.operator,
            self.lead,
            self.reviewer,
            self.supervisor,
            self.auditor,
            self.sysadmin,
            self.handler_a,
            self.manager_a,
            self.handler_b,
        ]
        routes = [
            (name, params) for name, params in named_routes() if not name.startswith("admin:")
        ]
        self.assertGreater(len(routes), 40)
        before = database_fingerprint()
        for person in [None, *people]:
            if person is None:
                self.client.logout()
            else:
                self.client.force_login(person)
            urls = []
            for name, params in routes:
                try:
                    urls.append(reverse(name, args=self.arguments(name, params)))
                except NoReverseMatch:  # a route whose arguments this test cannot fill
                    continue
            for url in urls:
                self.client.get(url)
            if database_fingerprint() == before:
                continue
            # Something wrote: find the page, one at a time on a fresh copy of the data.
            for url in urls:
                with self.subTest(url=url, user=getattr(person, "username", "anonymous")):
                    start = database_fingerprint()
                    self.client.get(url)
                    self.assertEqual(database_fingerprint(), start)
            self.fail("a GET changed the database")
