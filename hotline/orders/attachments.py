"""What may be attached to an order: photos and documents from the caller, the handling unit,
or a unit's written reply (Art. 15). Each file is checked for its type by its first bytes (not
its name) and for its size before anything is saved (`services.handling.attachments_add`
keeps them; they are served only to people who may see the order)."""

from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

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
