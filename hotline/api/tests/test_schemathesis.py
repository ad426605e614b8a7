"""The JSON API against its own OpenAPI document (issue 13 and 15): schemathesis generates
requests from `/api/v1/openapi.json` — valid ones and hostile ones (wrong types, huge and
odd strings, missing fields) — and sends them through the WSGI application as a signed-in
operator and as each machine account. No answer may be a server error, and every answer must
match what the document promises (status codes documented, bodies of the documented shape)."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from hotline.accounts.models import ApiToken, User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.catalogue.services import catalogue_load
from hotline.units.models import Unit

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def one_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, as in production;
    inside a test's transaction it must stay open (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens() -> dict[str, str]:
    catalogue_load()
    units = {unit.code: unit for unit in Unit.objects.all()}
    issued = {}
    for username, role, unit in (
        ("desk110", Role.LINKAGE, "police"),
        ("cti", Role.CTI, "callcenter"),
    ):
        user = User.objects.filter(username=username).first() or account_create(
            username=username, roles=[role], unit=units[unit], password=None
        )
        issued[username] = ApiToken.issue(user=user, name="schemathesis")[1]
    return issued


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_for_any_generated_request(case, tokens) -> None:
    for token in tokens.values():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
        )
