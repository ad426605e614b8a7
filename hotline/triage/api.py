"""POST /api/v1/triage: the same suggestion the intake screen shows, for other systems (the
city's app, the 110 desk) recording requests; mounted on the platform's API (issue 14)."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hotline.api.auth import StaffSession, TokenAuth
from hotline.core.errors import InvalidInput
from hotline.core.text import MAX_TEXT
from hotline.orders.rules import RECORDERS
from hotline.triage.services import triage_suggest

router = Router(tags=["triage"], auth=[TokenAuth(roles=RECORDERS), StaffSession(roles=RECORDERS)])


class TriageIn(Schema):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT, description="诉求内容")
    place: str | None = Field(
        None, max_length=100, description="社区/村的名称 (units.yaml), 可省略"
    )


class EmergencyOut(Schema):
    situation: str
    lines: list[str]


class TriageOut(Schema):
    type: str
    accept: bool
    exclusion: str | None
    emergency: EmergencyOut | None
    major_incident: str | None
    unit: str | None
    units: list[str]
    confidence: float
    category: str | None


class ErrorOut(Schema):
    code: str
    message: str


@router.post(
    "",
    response={200: TriageOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Suggest type, exclusion, emergency, major incident, category and unit for a text",
    description=(
        "The fields of triage-schema.md for one request (codes of the catalogue). Only a "
        "suggestion: nothing is recorded. A missing or over-long `text`: 422; a blank one: 400 `invalid_input`."
    ),
)
def triage(request: HttpRequest, payload: TriageIn):
    if not payload.text.strip():
        raise InvalidInput("诉求内容不能为空。")
    return triage_suggest(text=payload.text, place=payload.place).record()
