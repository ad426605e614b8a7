import json
from datetime import datetime, timedelta
from typing import Any

from django.test import Client

from hotline import clock
from hotline.accounts.models import ApiToken, User
from hotline.accounts.roles import Role
from hotline.accounts.services import account_create
from hotline.cti.protocol import CtiEventIn
from hotline.cti.services import cti_event_record
from hotline.testing import BaseTestCase
from hotline.units.models import Unit

EVENTS = "/api/v1/cti/events"
CALLER = "13812345678"


class CtiTestCase(BaseTestCase):
    """The personas, the call centre's machine account `cti` and helpers to report events."""

    cti: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cti = account_create(
            username="cti", roles=[Role.CTI], unit=Unit.objects.get(code="callcenter")
        )

    def token_for(self, user: User) -> str:
        return ApiToken.issue(user=user, name=f"{user.username} 接口")[1]

    def payload(
        self, event: str, *, call_id: str = "c-1", at: datetime | str | None = None, **extra: Any
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event": event,
            "call_id": call_id,
            "direction": "in",
            "from": CALLER,
            "to": "12345",
            "at": at if isinstance(at, str) else (at or clock.now()).isoformat(),
        }
        data.update(extra)
        return data

    def record(self, event: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return cti_event_record(
            actor=self.cti, event=CtiEventIn.model_validate(self.payload(event, **kwargs))
        )

    def post_event(self, body: Any, token: str | None = None, client: Client | None = None):  # type: ignore[no-untyped-def]
        headers = {} if token is None else {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        return (client or self.client).post(
            EVENTS,
            body if isinstance(body, str) else json.dumps(body),
            content_type="application/json",
            **headers,
        )

    def answered_call(self, *, agent: User, call_id: str = "c-1", phone: str = CALLER):  # type: ignore[no-untyped-def]
        start = clock.now() - timedelta(seconds=30)
        self.record("newCall", call_id=call_id, at=start, **{"from": phone})
        return self.record(
            "answer",
            call_id=call_id,
            at=start + timedelta(seconds=8),
            agent=agent.username,
            **{"from": phone},
        ).call
