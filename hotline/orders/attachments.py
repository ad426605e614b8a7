"""Attachments of an order: photos and documents from the caller, the handling unit, or a
unit's written reply (Art. 15: 办理结果应通过书面形式或工单系统反馈). Each file is checked for
its type by its first bytes (not its name) and for its size before anything is saved, and is
served only to people who may see the order."""

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.orders.errors import InvalidInput, NotAllowed, WrongState
from hotline.orders.models import FINAL_STATES, Action, Attachment, Order, OrderEvent
from hotline.orders.permissions import can_see

# Accepted types, recognised by their leading bytes.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", "JPG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"%PDF-", "application/pdf", "PDF"),
    (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
)
ALLOWED_LABEL = "JPG、PNG、PDF、DOCX"


def sniff(upload: UploadedFile) -> str:
    """The content type of an accepted file, or InvalidInput with a message for people."""
    name = upload.name or ""
    if upload.size is not None and upload.size > settings.HOTLINE_ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("文件“%(name)s”超过 %(mb)d MB，请压缩后再上传。")
            % {"name": name, "mb": settings.HOTLINE_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        raise InvalidInput(_("文件“%(name)s”是空文件。") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type, _label in SIGNATURES:
        if head.startswith(signature):
            if content_type.endswith("document") and not name.lower().endswith(".docx"):
                break  # other ZIP files are not accepted
            return content_type
    raise InvalidInput(
        _("文件“%(name)s”的格式不支持，只能上传 %(types)s 文件。")
        % {"name": name, "types": ALLOWED_LABEL}
    )


def check_uploads(uploads: Sequence[UploadedFile]) -> list[str]:
    """Check every file before any is saved; returns their content types."""
    if len(uploads) > settings.HOTLINE_ATTACHMENTS_PER_UPLOAD:
        raise InvalidInput(
            _("一次最多上传 %(n)d 个文件。") % {"n": settings.HOTLINE_ATTACHMENTS_PER_UPLOAD}
        )
    return [sniff(upload) for upload in uploads]


def may_attach(user: User | None, order: Order) -> bool:
    if user is None or order.status in FINAL_STATES:
        return False
    if not can_see(user, order):
        return False
    return user.has_role(*CENTRE_ROLES, Role.REVIEWER) or (
        user.is_unit_staff
        and user.unit_id is not None
        and order.assignments.filter(unit_id=user.unit_id, is_active=True).exists()
    )


@transaction.atomic
def attachments_add(
    *,
    order: Order,
    actor: User | None,
    uploads: Sequence[UploadedFile],
    kind: str = Attachment.Kind.REQUEST,
) -> list[Attachment]:
    """Attach files to an order, all or none. `actor` None is the caller on the portal, at the
    moment the order is submitted."""
    if actor is not None and not may_attach(actor, order):
        raise NotAllowed(_("您无权为该工单上传附件。"))
    if order.status in FINAL_STATES:
        raise WrongState(_("工单已办结归档，不能再上传附件。"))
    if kind not in Attachment.Kind.values:
        raise InvalidInput(_("未知的附件类别。"))
    types = check_uploads(uploads)
    now = clock.now()
    saved = []
    for upload, content_type in zip(uploads, types, strict=True):
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        attachment = Attachment(
            order=order,
            kind=kind,
            original_name=(upload.name or "file")[:200],
            content_type=content_type,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            uploaded_at=now,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        saved.append(attachment)
    if saved:
        OrderEvent.objects.create(
            order=order,
            at=now,
            action=Action.ATTACH,
            actor=actor,
            actor_unit=getattr(actor, "unit", None),
            from_status=order.status,
            to_status=order.status,
            data={"files": [a.original_name for a in saved], "kind": kind},
        )
    return saved
