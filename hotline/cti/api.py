"""POST /api/v1/cti/events (protocols/cti-events.md), mounted on the platform's API.

The body is read here rather than by the framework, so that input the page calls bad is
answered 400 `invalid_input` as the page says (the API's schema check answers 422); the
schema is still published in the OpenAPI document."""

from django.http import HttpRequest
from ninja import Router, Schema

from hotline.accounts.roles import Role
from hotline.api.auth import TokenAuth
from hotline.cti.protocol import CtiEventIn, event_parse
from hotline.cti.services import cti_event_record

router = Router(tags=["cti"], auth=TokenAuth(roles=frozenset({Role.CTI})))


class ErrorOut(Schema):
    code: str
    message: str


class CallStateOut(Schema):
    call_id: str
    repeated: bool
    answered: bool
    ended: bool
    wait_seconds: int | None
    talk_seconds: int | None


@router.post(
    "/events",
    response={200: CallStateOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Record one call event of the call centre (newCall, answer, hangup)",
    description=(
        "One event of one call, identified by `call_id`. A repeat answers 200 with "
        "`repeated: true` and changes nothing; events may arrive out of order. Bad input: "
        "400 `invalid_input`; a bad token: 401; an account without the CTI role: 403."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": CtiEventIn.model_json_schema(by_alias=True)}
            },
        }
    },
)
def post_event(request: HttpRequest):
    event = event_parse(request.body)
    result = cti_event_record(actor=request.user, event=event)  # type: ignore[arg-type]
    call = result.call
    return CallStateOut(
        call_id=call.call_id,
        repeated=result.repeated,
        answered=call.answered,
        ended=call.ended_at is not None,
        wait_seconds=call.wait_seconds,
        talk_seconds=call.talk_seconds,
    )
