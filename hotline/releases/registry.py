"""What may be exported (Art. 24): one entry per kind of file, each saying who may ask for it,
how its parameters are checked, and how the file is built **at download time, from the data as
the requester may then see it** (the same selectors as the page), so that no copy of the data
waits on disk and a requester who has lost the right to the data gets no file.

Kinds: `stats.report` (a report's workbook), `stats.orders` (the orders behind a figure),
`surveys.results` (a survey's results workbook) and `orders.list` (the order list with its
filters). The two order lists hold personal data: masked unless the approval grants it.
Confidential orders (Art. 23) are never in an export."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from hotline.accounts.models import User
from hotline.core.errors import InvalidInput, NotAllowed
from hotline.orders.choices import Status
from hotline.orders.models import Order
from hotline.orders.rules import orders_visible_to
from hotline.orders.selectors import OrderFilter, order_list
from hotline.stats import rules as stats_rules
from hotline.stats.drilldown import drillable, figure_orders
from hotline.stats.excel import figures_book
from hotline.stats.figures import HOTLINE_FIGURE
from hotline.stats.models import Report
from hotline.stats.periods import PeriodError, parse_day, period_range
from hotline.surveys.models import Campaign
from hotline.surveys.results import campaign_workbook
from hotline.surveys.selectors import CampaignNotFound, campaign_get_for_user
from hotline.units.models import Unit


@dataclass
class Built:
    """A file's content before its watermark: a workbook, or a CSV header and rows."""

    filename: str
    rows: int
    workbook: Workbook | None = None
    header: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportKind:
    code: str
    label: str
    file_format: str  # "xlsx" or "csv"
    has_personal_data: bool
    # (requester, raw params) -> the params kept; raises InvalidInput or NotAllowed.
    clean: Callable[[User, dict[str, Any]], dict[str, Any]]
    # params -> a line saying what is exported, for the pages and the audit trail.
    describe: Callable[[dict[str, Any]], str]
    # (requester, params, personal data granted, now) -> the file's content.
    build: Callable[[User, dict[str, Any], bool, datetime], Built]


def _int(params: dict[str, Any], name: str) -> int:
    try:
        value = int(str(params.get(name, "")).strip())
    except ValueError:
        raise InvalidInput(_("导出条件不完整或不正确。")) from None
    if value <= 0:
        raise InvalidInput(_("导出条件不完整或不正确。"))
    return value


def _text(params: dict[str, Any], name: str, limit: int) -> str:
    value = params.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(_("导出条件不完整或不正确。"))
    if len(value) > limit:
        raise InvalidInput(_("导出条件过长。"))
    return value.strip()


# --- stats.report -------------------------------------------------------------------------------


def _report(user: User, params: dict[str, Any]) -> Report:
    if not stats_rules.may_read_reports(user):
        raise NotAllowed(_("您无权导出统计通报。"))
    report = Report.objects.filter(pk=_int(params, "report")).first()
    if report is None:
        raise InvalidInput(_("没有这个统计通报。"))
    return report


def _report_clean(user: User, params: dict[str, Any]) -> dict[str, Any]:
    return {"report": _report(user, params).pk}


def _report_describe(params: dict[str, Any]) -> str:
    report = Report.objects.filter(pk=int(params.get("report", 0))).first()
    return str(report.title) if report else _("统计通报 %(pk)s") % {"pk": params.get("report")}


def _report_build(user: User, params: dict[str, Any], personal: bool, now: datetime) -> Built:
    report = _report(user, params)
    workbook = figures_book(report.figures, title=report.title)
    return Built(filename=f"report-{report.pk}", rows=0, workbook=workbook)


# --- surveys.results ----------------------------------------------------------------------------


def _campaign(user: User, params: dict[str, Any]) -> Campaign:
    try:
        access = campaign_get_for_user(user=user, pk=_int(params, "campaign"))
    except CampaignNotFound:
        raise InvalidInput(_("调查不存在或无权导出。")) from None
    if not access.can_see_results:
        raise NotAllowed(_("您无权导出该调查的结果。"))
    return access.campaign


def _survey_clean(user: User, params: dict[str, Any]) -> dict[str, Any]:
    return {"campaign": _campaign(user, params).pk}


def _survey_describe(params: dict[str, Any]) -> str:
    campaign = Campaign.objects.filter(pk=int(params.get("campaign", 0))).first()
    title = campaign.title if campaign else str(params.get("campaign"))
    return _("调查结果：%(title)s") % {"title": title}


def _survey_build(user: User, params: dict[str, Any], personal: bool, now: datetime) -> Built:
    campaign = _campaign(user, params)
    workbook, responses = campaign_workbook(campaign=campaign, actor=user)
    stamp = timezone.localtime(now).strftime("%Y%m%d")
    return Built(filename=f"survey-{campaign.pk}-{stamp}", rows=responses, workbook=workbook)


# --- order lists (orders.list, stats.orders) ----------------------------------------------------

ORDER_HEADER_KEYS = (
    "number",
    "created_at",
    "request_type",
    "category",
    "status",
    "lead_unit",
    "caller_name",
    "caller_phone",
    "address",
    "title",
)


def _order_header() -> list[str]:
    return [
        _("工单编号"),
        _("受理时间"),
        _("诉求类型"),
        _("事项分类"),
        _("状态"),
        _("主办单位"),
        _("诉求人"),
        _("联系电话"),
        _("地址"),
        _("标题"),
    ]


def _order_rows(qs: QuerySet[Order], personal: bool) -> list[list[str]]:
    rows = []
    limit = settings.HOTLINE_RELEASE_MAX_ROWS
    for order in qs.exclude(is_confidential=True)[:limit]:
        rows.append(
            [
                order.number,
                timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
                str(order.request_type),
                str(order.category) if order.category_id else "",
                order.get_status_display(),
                str(order.lead_unit) if order.lead_unit_id else "",
                order.caller_name if personal else order.caller_name_mask,
                order.caller_phone if personal else order.caller_phone_mask,
                order.address,
                order.title,
            ]
        )
    return rows


def _may_read_orders(user: User) -> bool:
    # The order list's own scope: whoever it shows no order to has nothing to export.
    return user.is_active and not orders_visible_to(user).query.is_empty()


ORDER_FILTERS = ("status", "type", "unit", "q", "overdue", "due_soon", "open")


def _orders_clean(user: User, params: dict[str, Any]) -> dict[str, Any]:
    if not _may_read_orders(user):
        raise NotAllowed(_("您无权导出工单。"))
    kept: dict[str, Any] = {}
    status = _text(params, "status", 30)
    if status:
        if status not in Status.values:
            raise InvalidInput(_("没有这个工单状态。"))
        kept["status"] = status
    for name, limit in (("type", 30), ("unit", 40), ("q", 60)):
        value = _text(params, name, limit)
        if value:
            kept[name] = value
    for name in ("overdue", "due_soon", "open"):
        if str(params.get(name, "")) in ("1", "true", "True"):
            kept[name] = "1"
    return kept


def _orders_describe(params: dict[str, Any]) -> str:
    if not params:
        return _("工单列表（全部可见工单）")
    parts = [f"{key}={value}" for key, value in sorted(params.items())]
    return _("工单列表（%(filters)s）") % {"filters": "，".join(parts)}


def _orders_build(user: User, params: dict[str, Any], personal: bool, now: datetime) -> Built:
    if not _may_read_orders(user):
        raise NotAllowed(_("您无权导出工单。"))
    filters = OrderFilter(
        status=params.get("status", ""),
        request_type=params.get("type", ""),
        unit=params.get("unit", ""),
        q=params.get("q", ""),
        overdue=params.get("overdue") == "1",
        due_soon=params.get("due_soon") == "1",
        open_only=params.get("open") == "1",
    )
    rows = _order_rows(order_list(user=user, filters=filters, now=now), personal)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return Built(filename=f"orders-{stamp}", rows=len(rows), header=_order_header(), table=rows)


def _figure_query(user: User, params: dict[str, Any], now: datetime) -> QuerySet[Order]:
    if not stats_rules.may_read_stats(user):
        raise NotAllowed(_("您无权导出统计明细。"))
    try:
        period = period_range(
            parse_day(_text(params, "from", 10)), parse_day(_text(params, "to", 10))
        )
    except (PeriodError, ValueError) as exc:
        raise InvalidInput(str(exc)) from None
    name = _text(params, "figure", 40)
    if not drillable(name):
        raise InvalidInput(_("没有这个统计指标。"))
    own_unit = None if stats_rules.may_read_hotline(user) else stats_rules.unit_of_reader(user)
    unit = own_unit
    code = _text(params, "unit", 40)
    if own_unit is None and code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise InvalidInput(_("没有这个单位。"))
    return figure_orders(
        user=user,
        name=name,
        period=period,
        now=now,
        unit=unit,
        dimension=_text(params, "dim", 20),
        key=_text(params, "key", 60),
    )


def _figure_clean(user: User, params: dict[str, Any]) -> dict[str, Any]:
    _figure_query(user, params, timezone.now())
    return {
        name: _text(params, name, 60)
        for name in ("figure", "from", "to", "unit", "dim", "key")
        if _text(params, name, 60)
    }


def _figure_describe(params: dict[str, Any]) -> str:
    figure = HOTLINE_FIGURE.get(params.get("figure", ""))
    label = figure.label if figure else params.get("figure", "")
    return _("统计明细：%(label)s，%(start)s 至 %(end)s") % {
        "label": label,
        "start": params.get("from", ""),
        "end": params.get("to", ""),
    }


def _figure_build(user: User, params: dict[str, Any], personal: bool, now: datetime) -> Built:
    rows = _order_rows(_figure_query(user, params, now), personal)
    return Built(
        filename=f"figure-{params.get('figure', '')}",
        rows=len(rows),
        header=_order_header(),
        table=rows,
    )


KINDS: dict[str, ExportKind] = {
    kind.code: kind
    for kind in (
        ExportKind(
            "stats.report",
            "统计通报（Excel）",
            "xlsx",
            False,
            _report_clean,
            _report_describe,
            _report_build,
        ),
        ExportKind(
            "stats.orders",
            "统计明细工单列表（CSV）",
            "csv",
            True,
            _figure_clean,
            _figure_describe,
            _figure_build,
        ),
        ExportKind(
            "surveys.results",
            "调查测评结果（Excel）",
            "xlsx",
            False,
            _survey_clean,
            _survey_describe,
            _survey_build,
        ),
        ExportKind(
            "orders.list",
            "工单列表（CSV）",
            "csv",
            True,
            _orders_clean,
            _orders_describe,
            _orders_build,
        ),
    )
}


def kind_of(code: str) -> ExportKind:
    kind = KINDS.get(code)
    if kind is None:
        raise InvalidInput(_("没有这种可导出的数据。"))
    return kind


def request_url(kind: str, **params: Any) -> str:
    """The request form, filled in for `kind` with `params` (each export button opens it)."""
    return reverse("releases:new") + "?" + urlencode({"kind": kind, **params})
