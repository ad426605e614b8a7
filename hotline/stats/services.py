"""Writing the statistics' records: reports drafted, published (Art. 19) and downloaded, and
new versions of the assessment weights (Art. 20, 21). Each function is one transaction."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.errors import Conflict, DomainError, NotAllowed
from hotline.stats import rules
from hotline.stats.counting import local_day
from hotline.stats.models import AssessmentScheme, Report
from hotline.stats.periods import Period
from hotline.stats.selectors import period_figures, scheme_current


def _title(period: Period, kind: str) -> str:
    return _("市民热线运行情况%(kind)s（%(period)s）") % {
        "kind": Report.Kind(kind).label,
        "period": period.label,
    }


@transaction.atomic
def report_draft(*, actor: User, period: Period, now: datetime | None = None) -> Report:
    """A draft report of `period` with the figures as they stand now and the weights in
    force; published only by the supervising unit (`report_publish`)."""
    if not rules.may_draft_reports(actor):
        raise NotAllowed(_("您无权编制统计通报。"))
    now = now or clock.now()
    if period.end >= local_day(now):
        raise DomainError(_("统计时段须在今天之前结束：当日数据仍在变化。"))
    scheme = scheme_current()
    report = Report.objects.create(
        kind=period.kind,
        start=period.start,
        end=period.end,
        title=_title(period, period.kind),
        figures=period_figures(period=period, now=now),
        scheme=scheme,
        computed_at=now,
        created_by=actor,
    )
    return report


@transaction.atomic
def report_recompute(*, actor: User, report: Report, now: datetime | None = None) -> Report:
    """Count a draft again (e.g. after late callbacks). A published report never changes."""
    if not rules.may_draft_reports(actor):
        raise NotAllowed(_("您无权编制统计通报。"))
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.is_published:
        raise Conflict(_("通报已发布，不能再修改。"))
    now = now or clock.now()
    period = Period(locked.start, locked.end, locked.kind)
    locked.figures = period_figures(period=period, now=now)
    locked.scheme = scheme_current()
    locked.computed_at = now
    locked.save(update_fields=["figures", "scheme", "computed_at"])
    return locked


@transaction.atomic
def report_publish(*, actor: User, report: Report) -> Report:
    """The supervising unit approves a draft and publishes it (Art. 19): from then on it is
    on the public page and never changes. Audited."""
    if not rules.may_publish_reports(actor):
        raise NotAllowed(_("只有热线主管单位可以审定发布统计通报。"))
    updated = Report.objects.filter(pk=report.pk, state=Report.State.DRAFT).update(
        state=Report.State.PUBLISHED, published_by=actor, published_at=clock.now()
    )
    if not updated:
        raise Conflict(_("通报已发布。"))
    published = Report.objects.get(pk=report.pk)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.REPORT_PUBLISH,
        target=f"report:{published.pk}",
        title=published.title,
        scheme=published.scheme.version,
    )
    return published


@transaction.atomic
def scheme_add(*, actor: User, scheme: AssessmentScheme) -> AssessmentScheme:
    """A new version of the assessment weights, in force from now; the earlier versions stay
    as they were, and each report names the one it used. Audited."""
    if not actor.has_perm("stats.add_assessmentscheme"):
        raise NotAllowed(_("您无权设置考核权重。"))
    scheme.full_clean(exclude=["version"])
    latest = AssessmentScheme.objects.select_for_update().order_by("-version").first()
    scheme.version = (latest.version if latest else 0) + 1
    scheme.created_by = actor
    scheme.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CONFIG_CHANGE,
        target=f"stats.assessmentscheme:{scheme.version}",
        weights=scheme.weights(),
    )
    return scheme
