"""The statistics pages: a dashboard per role, the orders behind a figure, reports (drafted,
published, downloaded), accountability, and the public page (Art. 19–21). Thin views: the
rules say who may, the selectors what they see."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.core.errors import DomainError
from hotline.core.params import page_param
from hotline.orders.worklists import window
from hotline.releases.registry import request_url
from hotline.stats import charts, rules, services
from hotline.stats.counting import local_day
from hotline.stats.drilldown import drillable, figure_orders
from hotline.stats.figures import (
    HOTLINE_FIGURE,
    HOTLINE_GROUPS,
    OPERATOR_SCORE_FORMULA,
    SCORE_FORMULA,
)
from hotline.stats.forms import PeriodForm
from hotline.stats.models import Report
from hotline.stats.periods import Period, parse_day, period_range
from hotline.stats.selectors import SHIFTS, period_figures
from hotline.stats.warnings import BASELINE_DAYS, accountability, hotspots
from hotline.units.models import Unit
from hotline.web.http import AuthenticatedRequest


def _period_form(request: HttpRequest) -> PeriodForm:
    today = local_day(clock.now())
    return PeriodForm(request.GET if "kind" in request.GET else None, today=today)


def _link(period: Period, figure: str, unit: str = "", dim: str = "", key: str = "") -> str:
    """The orders behind a figure (`figure_orders_view`)."""
    if not figure or not drillable(figure):
        return ""
    params = {"figure": figure, "from": period.start.isoformat(), "to": period.end.isoformat()}
    if unit:
        params["unit"] = unit
    if dim:
        params.update(dim=dim, key=key)
    return "/stats/orders/?" + urlencode(params)


def _distribution(period: Period, figures: dict, dim: str, names: dict, unit: str) -> charts.Bars:
    split = figures[f"by_{dim}"]
    return charts.bars(
        [
            (names.get(key, key), value, f"{value:,}", _link(period, "received", unit, dim, key))
            for key, value in split.items()
        ]
    )


@login_required
@require_GET
def dashboard_view(request: AuthenticatedRequest) -> HttpResponse:
    """The dashboard of the user's role: the whole hotline for the host unit, the supervising
    unit and the operator lead; a member unit's own figures for its leader and manager."""
    user = request.user
    if not rules.may_read_stats(user):
        raise PermissionDenied
    form = _period_form(request)
    period = form.period_or_default()
    own_unit = None if rules.may_read_hotline(user) else rules.unit_of_reader(user)
    now = clock.now()
    figures = period_figures(period=period, unit=own_unit, now=now)
    unit_code = own_unit.code if own_unit else ""
    names = figures["names"]
    for row in figures["hotline"]:
        row["href"] = _link(period, row["orders"], unit_code)
    context = {
        "form": form,
        "period": period,
        "previous": period.previous(),
        "figures": figures,
        "computed_at": now,
        "own_unit": own_unit,
        "groups": _groups(figures["hotline"], unit=own_unit is not None),
        "trend": charts.trend(
            [(parse_day(day), value) for day, value in figures["daily"]["received"]]  # type: ignore[misc]
        ),
        "call_trend": charts.trend(
            [(parse_day(day), value) for day, value in figures["daily"]["calls_received"]]  # type: ignore[misc]
        )
        if own_unit is None
        else None,
        "by_type": _distribution(period, figures, "type", names["type"], unit_code),
        "by_channel": _distribution(period, figures, "channel", names["channel"], unit_code),
        "by_category": _distribution(period, figures, "category", names["category"], unit_code),
        "by_place": _distribution(period, figures, "place", {}, unit_code),
        "by_exclusion": charts.bars(
            [
                (
                    names["exclusion"].get(key, key),
                    value,
                    f"{value:,}",
                    _link(period, "not_accepted", unit_code, "exclusion", key),
                )
                for key, value in figures["not_accepted_by_reason"].items()
            ]
        ),
        "by_supervision": charts.bars(
            [
                (names["supervision"].get(key, key), value, f"{value:,}", "")
                for key, value in figures["by_supervision"].items()
            ]
        ),
        "by_hour": charts.bars(
            [(f"{int(h):02d} 时", v, str(v), "") for h, v in figures["by_hour"].items() if v],
            limit=24,
        ),
        "ranking": charts.bars(
            [
                (row["name"], row["score"] or 0, f"{row['score']}", "")
                for row in figures["units"]
                if row["score"] is not None
            ],
            limit=40,
        ),
        "score_formula": SCORE_FORMULA,
        "operator_formula": OPERATOR_SCORE_FORMULA,
        "shifts": SHIFTS,
        "show_operators": own_unit is None and rules.may_read_operators(user),
        "hotspots": hotspots(user=user, now=now) if rules.may_read_hotspots(user) else None,
        "baseline_days": BASELINE_DAYS,
        "hotspot_ratio": settings.HOTLINE_HOTSPOT_RATIO,
        "hotspot_min": settings.HOTLINE_HOTSPOT_MIN_ORDERS,
        "may_report": rules.may_read_reports(user),
        "may_account": rules.may_read_accountability(user),
    }
    for row in figures["units"]:
        row["links"] = {
            key: _link(period, figure, row["code"])
            for key, figure in (
                ("dispatched", "unit_dispatched"),
                ("overdue", "overdue"),
                ("returned", "unit_returned"),
                ("reopened", "reopened"),
                ("rated", "rated"),
            )
        }
    return render(request, "stats/dashboard.html", context)


# What a member unit's own dashboard shows of the hotline's figures (of its orders).
UNIT_TILES = {
    "received",
    "dispatched",
    "on_time_rate",
    "overdue",
    "extended",
    "returned",
    "reopened",
    "urged",
    "supervised",
    "satisfaction_rate",
    "unsatisfied",
}


def _groups(rows: list[dict], *, unit: bool) -> list[tuple[str, list[dict]]]:
    by_key = {row["key"]: row for row in rows}
    groups = []
    for label, keys in HOTLINE_GROUPS:
        shown = [by_key[key] for key in keys if not unit or key in UNIT_TILES]
        if shown:
            groups.append((str(label), shown))
    return groups


@login_required
@require_GET
def figure_orders_view(request: AuthenticatedRequest) -> HttpResponse:
    """The orders behind one figure of one period, as far as the user may see them."""
    user = request.user
    if not rules.may_read_stats(user):
        raise PermissionDenied
    params = request.GET
    try:
        period = period_range(parse_day(params.get("from", "")), parse_day(params.get("to", "")))
    except ValueError as exc:
        return render(request, "stats/figure_orders.html", {"error": str(exc)}, status=400)
    name = params.get("figure", "")
    if not drillable(name):
        return render(
            request, "stats/figure_orders.html", {"error": _("没有这个统计指标。")}, status=400
        )
    own_unit = None if rules.may_read_hotline(user) else rules.unit_of_reader(user)
    unit = own_unit
    if own_unit is None and params.get("unit"):
        unit = Unit.objects.filter(code=params["unit"]).first()
        if unit is None:
            return render(
                request, "stats/figure_orders.html", {"error": _("没有这个单位。")}, status=400
            )
    qs = figure_orders(
        user=user,
        name=name,
        period=period,
        now=clock.now(),
        unit=unit,
        dimension=params.get("dim", "")[:20],
        key=params.get("key", "")[:60],
    )
    keep = params.copy()
    keep.pop("page", None)
    figure = HOTLINE_FIGURE.get(name)
    return render(
        request,
        "stats/figure_orders.html",
        {
            "page": window(qs, page=page_param(params.get("page"))),
            "period": period,
            "label": figure.label if figure else name,
            "formula": figure.formula if figure else "",
            "unit": unit,
            "query": keep.urlencode(),
        },
    )


# --- reports ----------------------------------------------------------------------------------


def _report_for(user: User, pk: int) -> Report:
    if not rules.may_read_reports(user):
        raise PermissionDenied
    return get_object_or_404(Report.objects.select_related("scheme", "published_by"), pk=pk)


@login_required
def report_list_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not rules.may_read_reports(user):
        raise PermissionDenied
    today = local_day(clock.now())
    form = PeriodForm(request.POST or None, today=today)
    if request.method == "POST":
        if not rules.may_draft_reports(user):
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.report_draft(actor=user, period=form.cleaned_data["period"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已生成通报草稿，请核对后报主管单位审定发布。"))
                return redirect("stats:report", pk=report.pk)
    return render(
        request,
        "stats/report_list.html",
        {
            "form": form,
            "reports": Report.objects.select_related("created_by", "published_by")[:200],
            "may_draft": rules.may_draft_reports(user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def report_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _report_for(request.user, pk)
    return render(
        request,
        "stats/report.html",
        {
            "report": report,
            "figures": report.figures,
            "may_publish": rules.may_publish_reports(request.user) and not report.is_published,
            "may_recompute": rules.may_draft_reports(request.user) and not report.is_published,
            "score_formula": SCORE_FORMULA,
            "print": request.GET.get("print") == "1",
        },
    )


@login_required
@require_POST
def report_publish_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _report_for(request.user, pk)
    if not rules.may_publish_reports(request.user):
        raise PermissionDenied(_("只有主管可以审定发布统计通报（第十九条）。"))
    try:
        services.report_publish(actor=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("通报已审定发布，公众可在公开页面查看。"))
    return redirect("stats:report", pk=pk)


@login_required
@require_POST
def report_recompute_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _report_for(request.user, pk)
    if not rules.may_draft_reports(request.user):
        raise PermissionDenied(_("您无权重新统计通报草稿。"))
    try:
        services.report_recompute(actor=request.user, report=report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("草稿已按最新数据重新统计。"))
    return redirect("stats:report", pk=pk)


@login_required
@require_GET
def report_xlsx_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """No file here any more: a report's workbook is released only through an approved request
    (Art. 24), so this opens the request form, filled in for this report (`hotline.releases`).
    Published reports stay readable by anyone at /public/ (Art. 19: counts, no personal data)."""
    report = _report_for(request.user, pk)
    messages.info(request, _("导出数据须说明用途并经主管审批，请填写导出申请。"))
    return redirect(request_url("stats.report", report=report.pk))


# --- accountability (Art. 21) ------------------------------------------------------------------


@login_required
@require_GET
def accountability_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not rules.may_read_accountability(user):
        raise PermissionDenied
    form = _period_form(request)
    period = form.period_or_default()
    unit = Unit.objects.filter(code=request.GET.get("unit", "")).first()
    groups = accountability(user=user, period=period, now=clock.now(), unit=unit)
    kinds = ("超期答复", "超期未答复", "退回重办", "退单", "重办")
    summary = [
        (
            name,
            len(rows),
            [sum(1 for row in rows for r in row.reasons if r.split(" ")[0] == k) for k in kinds],
        )
        for name, rows in sorted(groups.items(), key=lambda item: -len(item[1]))
    ]
    return render(
        request,
        "stats/accountability.html",
        {
            "form": form,
            "period": period,
            "groups": groups,
            "summary": summary,
            "kinds": kinds,
            "units": Unit.objects.order_by("code"),
            "unit": unit,
        },
    )


# --- the public page (Art. 19) -----------------------------------------------------------------


@require_GET
def public_view(request: HttpRequest) -> HttpResponse:
    """Published reports only: counts and rates, no order, no name, no free text."""
    return render(
        request,
        "stats/public.html",
        {"reports": Report.objects.filter(state=Report.State.PUBLISHED).order_by("-end", "-id")},
    )


@require_GET
def public_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = Report.objects.filter(pk=pk, state=Report.State.PUBLISHED).first()
    if report is None:
        raise Http404
    return render(
        request,
        "stats/public_report.html",
        {"report": report, "figures": report.figures, "score_formula": SCORE_FORMULA},
    )
