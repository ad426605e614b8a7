"""The data release's transitions (Art. 24): request, approve, refuse, withdraw, download. Each
is one transaction that checks the rule, locks the row, changes it and writes its audit row."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.core.errors import DomainError, InvalidInput, NotAllowed, WrongState
from hotline.releases import rules
from hotline.releases.models import ReleaseRequest, ReleaseStatus
from hotline.releases.registry import kind_of
from hotline.releases.watermark import Watermark, watermark_csv, watermark_workbook

MIN_PURPOSE = 10
MAX_PURPOSE = 500
MAX_NOTE = 500

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class ReleaseGone(DomainError):
    """The approval has expired or its downloads are used up (HTTP 410)."""

    code = "release_expired"
    http_status = 410


@dataclass(frozen=True)
class ReleasedFile:
    content: bytes
    content_type: str
    filename: str


def _target(release: ReleaseRequest) -> str:
    return f"release:{release.number}"


def _name(user: User) -> str:
    return user.display_name or user.username


def _clean_purpose(purpose: str) -> str:
    text = " ".join((purpose or "").split())
    if len(text) < MIN_PURPOSE:
        raise InvalidInput(
            _("请说明导出用途（至少 %(n)d 个字）。") % {"n": MIN_PURPOSE}, code="purpose_too_short"
        )
    if len(text) > MAX_PURPOSE:
        raise InvalidInput(
            _("导出用途不能超过 %(n)d 个字。") % {"n": MAX_PURPOSE}, code="purpose_too_long"
        )
    return text


@transaction.atomic
def release_request(
    *, actor: User, kind: str, params: dict[str, Any], purpose: str, personal_data: bool = False
) -> ReleaseRequest:
    """A request to export `kind` with `params` for `purpose` (Art. 24). Only someone who may
    read that data asks (the kind's own check), a person, not a machine account on the web;
    the purpose is at least 10 characters. Audited (RELEASE_REQUEST)."""
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed(_("您无权申请导出数据。"))
    export = kind_of(kind)
    if not isinstance(params, dict):
        raise InvalidInput(_("导出条件不完整或不正确。"))
    kept = export.clean(actor, params)
    text = _clean_purpose(purpose)
    release = ReleaseRequest.objects.create(
        requester=actor,
        kind=export.code,
        params=kept,
        purpose=text,
        personal_data=bool(personal_data and export.has_personal_data),
        requested_at=clock.now(),
        max_downloads=settings.HOTLINE_RELEASE_MAX_DOWNLOADS,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RELEASE_REQUEST,
        target=_target(release),
        reason=text,
        kind=release.kind,
        params=kept,
        what=export.describe(kept),
        personal_data=release.personal_data,
    )
    return release


def _locked(release: ReleaseRequest) -> ReleaseRequest:
    return (
        ReleaseRequest.objects.select_for_update(of=("self",))
        .select_related("requester")
        .get(pk=release.pk)
    )


@transaction.atomic
def release_approve(
    *, actor: User, release: ReleaseRequest, note: str = "", grant_personal_data: bool = False
) -> ReleaseRequest:
    """The supervisor approves a pending request, never their own (separation of duties). It
    is valid for `HOTLINE_RELEASE_VALID_HOURS` and `max_downloads` downloads; personal data is
    released unmasked only if asked for and granted here explicitly. Audited (RELEASE_APPROVE)."""
    release = _locked(release)
    if release.requester_id == actor.pk:
        raise NotAllowed(_("不能审批本人的导出申请。"), code="self_approval")
    if not rules.may_decide(actor, release):
        raise NotAllowed(_("只有主管可以审批导出申请。"))
    if release.status != ReleaseStatus.PENDING:
        raise WrongState(_("该申请已处理，不能再审批。"))
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("审批意见不能超过 %(n)d 个字。") % {"n": MAX_NOTE})
    now = clock.now()
    release.status = ReleaseStatus.APPROVED
    release.decided_by = actor
    release.decided_at = now
    release.decision_note = note.strip()
    release.personal_data_approved = bool(grant_personal_data and release.personal_data)
    release.expires_at = now + timedelta(hours=settings.HOTLINE_RELEASE_VALID_HOURS)
    release.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RELEASE_APPROVE,
        target=_target(release),
        reason=release.decision_note,
        requester=release.requester.username,
        kind=release.kind,
        personal_data=release.personal_data_approved,
        expires_at=release.expires_at.isoformat(),
    )
    return release


@transaction.atomic
def release_refuse(*, actor: User, release: ReleaseRequest, note: str) -> ReleaseRequest:
    """The supervisor refuses a pending request, with a reason. Audited (RELEASE_REFUSE)."""
    release = _locked(release)
    if release.requester_id == actor.pk:
        raise NotAllowed(_("不能审批本人的导出申请。"), code="self_approval")
    if not rules.may_decide(actor, release):
        raise NotAllowed(_("只有主管可以审批导出申请。"))
    if release.status != ReleaseStatus.PENDING:
        raise WrongState(_("该申请已处理，不能再审批。"))
    text = " ".join((note or "").split())
    if not text:
        raise InvalidInput(_("驳回须说明理由。"), code="note_required")
    if len(text) > MAX_NOTE:
        raise InvalidInput(_("审批意见不能超过 %(n)d 个字。") % {"n": MAX_NOTE})
    release.status = ReleaseStatus.REFUSED
    release.decided_by = actor
    release.decided_at = clock.now()
    release.decision_note = text
    release.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RELEASE_REFUSE,
        target=_target(release),
        reason=text,
        requester=release.requester.username,
        kind=release.kind,
    )
    return release


@transaction.atomic
def release_withdraw(*, actor: User, release: ReleaseRequest) -> ReleaseRequest:
    """The requester withdraws a request still waiting. Audited (RELEASE_WITHDRAW)."""
    release = _locked(release)
    if release.requester_id != actor.pk:
        raise NotAllowed(_("只能撤回本人的导出申请。"))
    if release.status != ReleaseStatus.PENDING:
        raise WrongState(_("该申请已处理，不能撤回。"))
    release.status = ReleaseStatus.WITHDRAWN
    release.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditEntry.Action.RELEASE_WITHDRAW, target=_target(release))
    return release


@transaction.atomic
def release_download(*, actor: User, release: ReleaseRequest) -> ReleasedFile:
    """The file of an approved request, for its requester, while it is valid: built now from
    the data as the requester may see it now (`registry`), watermarked with requester, time,
    purpose, approver and number (`watermark`). Each download counts against `max_downloads`
    and is audited (RELEASE_DOWNLOAD, with the file's SHA-256 and row count). Past its expiry
    or its downloads, ReleaseGone (410) and nothing changes."""
    release = _locked(release)
    if not rules.may_download(actor, release):
        raise NotAllowed(_("只有申请人本人可以下载。"))
    now = clock.now()
    if release.status == ReleaseStatus.PENDING:
        raise WrongState(_("该申请尚未审批，不能下载。"))
    if release.status != ReleaseStatus.APPROVED:
        raise WrongState(_("该申请未获批准，不能下载。"))
    if release.expires_at is None or now >= release.expires_at:
        raise ReleaseGone(_("该导出已过有效期，不能再下载，请重新申请。"))
    if release.download_count >= release.max_downloads:
        raise ReleaseGone(_("该导出的下载次数已用完，请重新申请。"))
    export = kind_of(release.kind)
    built = export.build(actor, release.params, release.personal_data_approved, now)
    assert release.decided_by is not None
    mark = Watermark(
        requester=_name(actor),
        at=now,
        purpose=release.purpose,
        approver=_name(release.decided_by),
        number=release.number,
    )
    if built.workbook is not None:
        content = watermark_workbook(built.workbook, mark)
        content_type, extension = XLSX, "xlsx"
    else:
        content = watermark_csv(built.header, built.table, mark)
        content_type, extension = CSV, "csv"
    updated = ReleaseRequest.objects.filter(
        pk=release.pk, download_count=release.download_count
    ).update(download_count=release.download_count + 1)
    if updated != 1:  # cannot happen under the row lock; refuse rather than count twice
        raise WrongState(_("请稍后重试。"))
    audit_record(
        actor=actor,
        action=AuditEntry.Action.RELEASE_DOWNLOAD,
        target=_target(release),
        reason=release.purpose,
        kind=release.kind,
        download=release.download_count + 1,
        rows=built.rows,
        personal_data=release.personal_data_approved,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    return ReleasedFile(
        content=content,
        content_type=content_type,
        filename=f"{release.number}-{built.filename}.{extension}",
    )


def console_export_recorded(*, what: str, output: str, **detail: Any) -> None:
    """An export at the machine's console (`hotline stats --format xlsx`) by its operator, the
    system administrator: allowed without a request, but written to the audit trail (Art. 24)."""
    import getpass

    try:
        operator = getpass.getuser()
    except Exception:  # no login name in some containers
        operator = ""
    audit_record(
        actor=None,
        action=AuditEntry.Action.EXPORT,
        target=what[:120],
        reason=_("控制台导出"),
        console_user=operator,
        output=output,
        **detail,
    )
