"""The quality-check pages (Art. 20): the weekly samples, one week's checks, one check's
scoring form and the operators' results. Thin views: the rules say who enters (others get
403), the selectors what is seen, the services what is done."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotline import clock
from hotline.core.errors import DomainError, NotFound
from hotline.core.params import date_param
from hotline.orders.services import order_view_confidential
from hotline.quality import rules, selectors, services
from hotline.quality.forms import DrawForm, ScoreForm
from hotline.quality.models import State
from hotline.quality.selectors import CheckPage
from hotline.quality.weeks import WEEK, last_complete_week, monday_of
from hotline.web.http import AuthenticatedRequest

# The results page shows this many weeks up to the last complete one unless asked otherwise.
RESULT_WEEKS = 4


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您的角色不能查看质检。"))


@login_required
@require_GET
def samples_view(request: AuthenticatedRequest) -> HttpResponse:
    """The weekly samples and their progress; an operator's own scored checks instead."""
    user = request.user
    _require(rules.may_enter(user))
    if not rules.may_read_all(user):
        checks = selectors.checks_of_operator(user=user)
        return render(request, "quality/my_checks.html", {"rows": checks})
    return render(
        request,
        "quality/samples.html",
        {
            "samples": selectors.samples_list(user=user),
            "may_draw": rules.may_score(user),
            "draw_form": DrawForm(initial={"day": last_complete_week(clock.now())}),
        },
    )


@login_required
@require_POST
def draw_view(request: AuthenticatedRequest) -> HttpResponse:
    """Draw a past week that has no sample yet (the tick draws last week by itself)."""
    _require(rules.may_score(request.user))
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的日期。"))
        return redirect("quality:samples")
    try:
        sample = services.quality_sample_draw(
            week_start=monday_of(form.cleaned_data["day"]), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quality:samples")
    return redirect("quality:sample", pk=sample.pk)


@login_required
@require_GET
def sample_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require(rules.may_read_all(request.user))
    try:
        sample = selectors.sample_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    rows = selectors.sample_checks(user=request.user, sample=sample)
    return render(
        request,
        "quality/sample.html",
        {"sample": sample, "rows": rows, "week_end": sample.week_start + WEEK - timedelta(days=1)},
    )


def _check_page(request: AuthenticatedRequest, pk: int) -> CheckPage:
    try:
        return selectors.check_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def check_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One check: the call or the order as the reader may see it, and the scoring form for a
    lead while it is not scored."""
    _require(rules.may_enter(request.user))
    if request.method == "POST":
        _require(rules.may_score(request.user))
    page = _check_page(request, pk)
    form = ScoreForm(sheet=page.sheet) if page.may_score and page.sheet else None
    status = 200
    if request.method == "POST":
        if page.sheet is None or page.check.state != State.PENDING:
            messages.error(request, _("该质检已评分，不能重复评分。"))
            return redirect("quality:check", pk=pk)
        form = ScoreForm(request.POST, sheet=page.sheet)
        if form.is_valid():
            try:
                services.quality_check_score(
                    check=page.check,
                    actor=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存评分。"))
                return redirect("quality:sample", pk=page.check.sample_id)
        status = 400
    if page.order is not None:
        # A confidential order's text is opened for a reader who may see it, and audited.
        order_view_confidential(order=page.order, viewer=request.user, via="quality")
    return render(request, "quality/check.html", {"page": page, "form": form}, status=status)


@login_required
@require_GET
def results_view(request: AuthenticatedRequest) -> HttpResponse:
    """Per-operator results for a period (by the local date of the call or order)."""
    _require(rules.may_read_all(request.user))
    last = last_complete_week(clock.now())
    start = date_param(request.GET.get("start")) or last - (RESULT_WEEKS - 1) * WEEK
    end = date_param(request.GET.get("end")) or last + WEEK - timedelta(days=1)
    error = _("结束日期不能早于开始日期。") if end < start else ""
    results = [] if error else selectors.operator_results(user=request.user, start=start, end=end)
    return render(
        request,
        "quality/results.html",
        {"results": results, "start": start, "end": end, "error": error},
    )
