"""What may be attached to an order: photos and documents from the caller, the handling unit,
or a unit's written reply (Art. 15). Before anything is saved (`services.handling.attachments_add`
keeps them; they are served only to people who may see the order, as a download with
`nosniff`), each file is checked:

- its name must end in an accepted extension, and its content (its first bytes, not its name or
  the type the browser claimed) must be of that extension's type: a JPEG named `.html`, an
  HTML page named `.jpg` or a PNG named `.pdf` is refused;
- a `.docx` must be a Word document, not any ZIP: its archive lists `[Content_Types].xml` and
  `word/` parts, and no macros (`vbaProject.bin`);
- a PDF must carry no active content: no `/JavaScript`, `/JS`, `/OpenAction`, `/AA`, `/Launch`
  (nor embedded files, forms that submit, rich media or XFA), found also when a name is written
  with `#xx` escapes or sits in a compressed object stream, by a byte scan and by pypdf's
  parse; an encrypted or unparseable PDF, which cannot be inspected, is refused;
- size and count: HOTLINE_ATTACHMENT_MAX_BYTES a file, HOTLINE_ATTACHMENTS_PER_UPLOAD at once,
  HOTLINE_ATTACHMENTS_PER_ORDER on one order.

A small table of signatures rather than the `filetype` library: four types are accepted, and a
type must be matched together with its extension and then inspected inside, which a guesser of
hundreds of types does not do. (等保 level 3, GB/T 22239-2019 8.1.4.4 malicious code prevention.)"""

import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from hotline.core.errors import InvalidInput

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Accepted types, recognised by their leading bytes.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", JPEG, "JPG"),
    (b"\x89PNG\r\n\x1a\n", PNG, "PNG"),
    (b"%PDF-", PDF, "PDF"),
    (b"PK\x03\x04", DOCX, "DOCX"),
)
# The type each accepted extension must hold.
EXTENSIONS = {".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".pdf": PDF, ".docx": DOCX}
ALLOWED_LABEL = "JPG、PNG、PDF、DOCX"

# PDF names that run something or fetch something when the document is opened or used.
PDF_ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"OpenAction",
        b"AA",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
        b"SubmitForm",
        b"ImportData",
    }
)
_PDF_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb">>\s*stream\r?\n")
_PDF_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
# What may be inflated from one PDF's object streams, against decompression bombs.
PDF_INFLATE_LIMIT = 64 * 1024 * 1024


def _refuse_format(name: str) -> InvalidInput:
    return InvalidInput(
        _("文件“%(name)s”的格式不支持，只能上传 %(types)s 文件。")
        % {"name": name, "types": ALLOWED_LABEL}
    )


def _pdf_names(data: bytes) -> set[bytes]:
    """Every name in `data`, with `#xx` escapes decoded (`/J#61vaScript` is `/JavaScript`)."""
    return {
        _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw) for raw in _PDF_NAME.findall(data)
    }


def _pdf_raw_names(data: bytes) -> set[bytes] | None:
    """The names a byte scan finds: in the file outside stream data (image data would give
    chance matches), and inside every object stream (/Type /ObjStm), inflated. None when the
    object streams hold more than PDF_INFLATE_LIMIT or one cannot be inflated."""
    names: set[bytes] = set()
    budget = PDF_INFLATE_LIMIT
    position = 0
    while (match := _PDF_STREAM.search(data, position)) is not None:
        dictionary = data[max(position, data.rfind(b"obj", position, match.start())) : match.end()]
        names |= _pdf_names(data[position : match.end()])
        begin = match.end()
        length = _PDF_LENGTH.search(dictionary)
        end = data.find(b"endstream", begin + int(length.group(1)) if length else begin)
        end = len(data) if end == -1 else end
        if b"ObjStm" in _pdf_names(dictionary):
            inflater = zlib.decompressobj()
            try:
                inflated = inflater.decompress(data[begin:end], budget + 1)
            except zlib.error:
                return None
            if len(inflated) > budget or inflater.unconsumed_tail:
                return None
            budget -= len(inflated)
            names |= _pdf_names(inflated)
        position = end
    return names | _pdf_names(data[position:])


def _pdf_parsed_names(data: bytes) -> set[bytes] | None:
    """The names pypdf finds in every object reachable from the trailer (keys and values, the
    way a viewer reads them: object streams expanded, escapes decoded). None when the file
    cannot be parsed or is encrypted."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return None
        names: set[bytes] = set()
        seen: set[tuple[int, int]] = set()
        pending: list[object] = [reader.trailer]
        while pending:
            item = pending.pop()
            if isinstance(item, IndirectObject):
                if (item.idnum, item.generation) in seen or len(seen) > 200_000:
                    continue
                seen.add((item.idnum, item.generation))
                pending.append(item.get_object())
            elif isinstance(item, DictionaryObject):
                for key, value in item.items():
                    names.add(str(key).lstrip("/").encode())
                    pending.append(value)
            elif isinstance(item, ArrayObject):
                pending.extend(item)
            elif isinstance(item, NameObject):
                names.add(str(item).lstrip("/").encode())
    except (PdfReadError, ValueError, TypeError, KeyError, OSError, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds for a damaged file
        return None
    return names


def pdf_problem(data: bytes) -> str | None:
    """Why a PDF is refused, or None when it carries no active content. Two readings, both must
    be clean: a byte scan (which sees what a lenient viewer might repair its way to) and pypdf's
    parse (which sees what a strict one reads)."""
    raw = _pdf_raw_names(data)
    if raw is not None and b"Encrypt" in raw:
        return _("加密的 PDF 无法检查")
    if raw is None:
        return _("PDF 的压缩内容无法检查")
    parsed = _pdf_parsed_names(data)
    if parsed is None:
        return _("PDF 文件已损坏或已加密，无法检查")
    if (raw | parsed) & PDF_ACTIVE_NAMES:
        return _("PDF 含有脚本或自动执行的动作")
    return None


def docx_problem(upload: UploadedFile) -> str | None:
    """Why a .docx is refused, or None when it is a Word document without macros."""
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _("不是有效的 Word 文档")
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in entries or not any(e.startswith("word/") for e in entries):
        return _("不是 Word 文档")
    if any(e.lower().endswith("vbaproject.bin") for e in entries):
        return _("Word 文档含有宏")
    return None


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
    expected = EXTENSIONS.get(PurePath(name).suffix.lower())
    if expected is None:
        raise _refuse_format(name)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    actual = next((kind for sig, kind, _label in SIGNATURES if head.startswith(sig)), None)
    if actual is None:
        raise _refuse_format(name)
    if actual != expected:
        raise InvalidInput(
            _("文件“%(name)s”的内容与扩展名不符，请检查后重新上传。") % {"name": name}
        )
    problem = None
    if actual == DOCX:
        problem = docx_problem(upload)
    elif actual == PDF:
        data = upload.read()
        upload.seek(0)
        problem = pdf_problem(data)
    if problem:
        raise InvalidInput(
            _("文件“%(name)s”不能上传：%(problem)s。") % {"name": name, "problem": problem}
        )
    return actual


def check_uploads(uploads: Sequence[UploadedFile], *, already: int = 0) -> list[str]:
    """Check every file before any is saved; returns their content types. `already` is how
    many files the order holds."""
    if len(uploads) > settings.HOTLINE_ATTACHMENTS_PER_UPLOAD:
        raise InvalidInput(
            _("一次最多上传 %(n)d 个文件。") % {"n": settings.HOTLINE_ATTACHMENTS_PER_UPLOAD}
        )
    if uploads and already + len(uploads) > settings.HOTLINE_ATTACHMENTS_PER_ORDER:
        raise InvalidInput(
            _("一张工单最多 %(n)d 个附件，已有 %(already)d 个。")
            % {"n": settings.HOTLINE_ATTACHMENTS_PER_ORDER, "already": already}
        )
    return [sniff(upload) for upload in uploads]
