"""The JSON API (/api/v1/, OpenAPI at /api/v1/openapi.json). Machine accounts use bearer
tokens; signed-in staff may use their session. Every query is scoped to the caller, and every
error is `{"code": ..., "message": ...}` with a stable code."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Status

from hotline.accounts.roles import ADMIN_ROLES, Role
from hotline.api.auth import StaffSession, TokenAuth
from hotline.api.limits import RateLimited
from hotline.catalogue.models import Category, EmergencySituation, MajorIncidentKind
from hotline.core.errors import DomainError, NotFound
from hotline.core.text import MAX_ADDRESS, MAX_NAME, MAX_TEXT
from hotline.cti.api import router as cti_router
from hotline.orders import services
from hotline.orders.models import Channel, Order
from hotline.orders.rules import RECORDERS
from hotline.orders.selectors import OrderFilter, order_get_for_user, order_history, order_list
from hotline.releases.api import router as releases_router
from hotline.triage.api import router as triage_router
from hotline.units.models import Place
from hotline.web.http import AuthenticatedRequest

ORDER_READERS = frozenset(Role.values) - ADMIN_ROLES

# How far a list may be paged by offset (deeper pages are a bulk export, not a list).
MAX_OFFSET = 100_000
# The most rows one answer holds (Art. 24): a list is read a page at a time, never in bulk; all
# the rows of a filter in one file are a release request (`POST /api/v1/releases`).
PAGE_MAX = 100

api = NinjaAPI(
    title="12345 Hotline API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), StaffSession()],
    docs_url=None,
)
# The call centre's events (protocols/cti-events.md): CTI machine accounts, by token only.
api.add_router("/cti", cti_router)
# Data release (Art. 24): the API's bulk read is an approved export (hotline/releases/api.py).
api.add_router("/releases", releases_router)
api.add_router("/triage", triage_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    response = api.create_response(
        request, {"code": exc.code, "message": exc.message}, status=exc.http_status
    )
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _field_name(error: dict) -> str:
    """The field an error is about, as the caller wrote it (`content`, not body.payload...)."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query")]
    return ".".join(loc) or "?"


def _invalid_message(errors: list[dict]) -> str:
    """The first problem in words: a too-long text says its field and its limit."""
    too_long = [e for e in errors if e.get("type") == "string_too_long"]
    if too_long:
        error = too_long[0]
        limit = error.get("ctx", {}).get("max_length", 0)
        return f"请求格式不正确：{_field_name(error)} 不能超过 {limit} 个字"
    return "请求格式不正确"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(
        request,
        {"code": "invalid_input", "message": _invalid_message(exc.errors), "detail": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"code": "unauthorized", "message": "需要有效的接口令牌"}, status=401
    )


# Errors the framework raises before an endpoint runs, in the API's own form.
HTTP_ERRORS = {
    400: ("invalid_body", "请求体不是有效的 JSON"),
    403: ("csrf_failed", "会话访问须携带有效的 CSRF 令牌"),
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    code, message = HTTP_ERRORS.get(exc.status_code, ("http_error", str(exc)))
    return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)


class ErrorOut(Schema):
    code: str
    message: str


class InvalidOut(ErrorOut):
    """A request that does not match the schema: `detail` lists each field's problem."""

    detail: list[dict]


# Every operation may answer these; each is documented in the OpenAPI document.
COMMON_ERRORS = {401: ErrorOut, 422: InvalidOut}


class OrderOut(Schema):
    number: str
    channel: str
    status: str
    request_type: str
    category: str | None
    title: str
    caller_name: str
    caller_phone: str
    lead_unit: str | None
    created_at: datetime
    due_at: datetime | None
    is_confidential: bool

    @staticmethod
    def from_order(order: Order) -> "OrderOut":
        return OrderOut(
            number=order.number,
            channel=order.channel,
            status=order.status,
            request_type=order.request_type_id,
            category=order.category.code if order.category is not None else None,
            title=order.title,
            caller_name=order.caller_name_mask,
            caller_phone=order.caller_phone_mask,
            lead_unit=order.lead_unit.code if order.lead_unit is not None else None,
            created_at=order.created_at,
            due_at=order.due_at,
            is_confidential=order.is_confidential,
        )


class EventOut(Schema):
    at: datetime
    action: str
    from_status: str
    to_status: str
    actor_unit: str | None
    reason: str


class OrderDetailOut(OrderOut):
    content: str
    address: str
    events: list[EventOut]


class OrderIn(Schema):
    """A request to record. Text over its limit is refused (422), never cut."""

    request_type: str
    content: str = Field(max_length=MAX_TEXT)
    caller_name: str = Field("", max_length=MAX_NAME)
    caller_phone: str = ""
    category: str | None = None
    place: str | None = None
    address: str = Field("", max_length=MAX_ADDRESS)
    is_confidential: bool = False
    emergency_situation: str | None = None
    rescue_lines: list[str] = []
    major_incident: str | None = None


def _lookup(model, value, label):
    if value in (None, ""):
        return None
    field = "name" if model is Place else ("code" if model is Category else "pk")
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise DomainError(f"未知的{label}:{value}", code="invalid_input")
    return found


@api.get("/", auth=None, summary="What this API is and where its OpenAPI document is")
def index(request: HttpRequest):
    return {
        "name": "12345 hotline API",
        "version": "1",
        "openapi": request.build_absolute_uri("openapi.json"),
    }


@api.get(
    "/orders",
    response={200: list[OrderOut], **COMMON_ERRORS},
    summary="List the orders the caller may see",
    # 等保 三员: the administrators read no orders.
    auth=[TokenAuth(roles=ORDER_READERS), StaffSession(roles=ORDER_READERS)],
    description=(
        "One page of at most 100 orders (`limit` ≤ 100); a larger `limit` is refused (422). "
        "A bulk read of everything a filter matches is an export and needs an approved "
        "release request: `POST /api/v1/releases` with kind `orders.list` (Art. 24)."
    ),
)
def list_orders(
    request: AuthenticatedRequest,
    status: str = "",
    limit: int = Query(50, ge=1, le=PAGE_MAX),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    rows = order_list(user=request.user, filters=OrderFilter(status=status))[
        offset : offset + limit
    ]
    return [OrderOut.from_order(order) for order in rows]


@api.get(
    "/orders/{number}",
    response={200: OrderDetailOut, 404: ErrorOut, **COMMON_ERRORS},
    summary="One order with its history",
)
def get_order(request: AuthenticatedRequest, number: str):
    order = order_get_for_user(user=request.user, number=number).order
    # A confidential order's text is opened for the reader, and the read audited (Art. 23).
    order = services.order_view_confidential(order=order, viewer=request.user, via="api")
    base = OrderOut.from_order(order).dict()
    events = [
        EventOut(
            at=e.at,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            actor_unit=e.actor_unit.code if e.actor_unit is not None else None,
            reason=e.reason,
        )
        for e in order_history(order=order)
    ]
    return OrderDetailOut(**base, content=order.content, address=order.address, events=events)


@api.post(
    "/orders",
    response={201: OrderOut, 400: ErrorOut, 403: ErrorOut, **COMMON_ERRORS},
    summary="Record a request",
    auth=[TokenAuth(roles=RECORDERS), StaffSession(roles=RECORDERS)],
)
def create_order(request: AuthenticatedRequest, payload: OrderIn):
    user = request.user
    channel = Channel.LINKAGE_110 if user.has_role(Role.LINKAGE) else Channel.INTEGRATED
    order = services.order_create(
        actor=user,
        channel=channel,
        request_type=payload.request_type,
        content=payload.content,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        category=_lookup(Category, payload.category, "事项分类"),
        place=_lookup(Place, payload.place, "社区/村"),
        address=payload.address,
        is_confidential=payload.is_confidential,
        emergency_situation=_lookup(EmergencySituation, payload.emergency_situation, "紧急情形"),
        rescue_lines=payload.rescue_lines,
        major_incident=_lookup(MajorIncidentKind, payload.major_incident, "重大事件类别"),
    )
    return Status(201, OrderOut.from_order(order))


__all__ = ["api", "NotFound"]
