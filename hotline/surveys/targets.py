"""Filling a campaign's target list: from an Excel file the commissioning unit provides, or
from past callers with the supervising unit's approval (Art. 24).

Numbers are sealed as they are stored (Art. 22); the keyed digest keeps one number from being
surveyed twice in a campaign. Both imports are all-or-nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.audit.models import AuditEntry
from hotline.audit.services import audit_record
from hotline.catalogue.models import Category, RequestType
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.orders.models import Order, Status
from hotline.privacy.personal import (
    name_mask,
    phone_digest,
    phone_digests,
    phone_is_valid,
    phone_mask,
    phone_normalize,
)
from hotline.surveys.models import Campaign, CampaignEvent, CampaignStatus, Target, TargetSource
from hotline.surveys.services import lock_campaign, new_web_token, record_event, require_manager
from hotline.units.models import Unit

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_DRAW = 20_000
MAX_NAME = 40
ZIP_SIGNATURE = b"PK\x03\x04"
PHONE_HEADERS = ("电话", "手机")
NAME_HEADERS = ("姓名",)
# How many bad rows a message lists before it says "and N more".
BAD_ROWS_SHOWN = 20


@dataclass(frozen=True)
class ImportResult:
    created: int
    duplicates: int


@dataclass(frozen=True)
class Person:
    phone: str
    name: str = ""


@dataclass
class _Parsed:
    people: list[Person] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    bad_count: int = 0


def _check_open(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise WrongState(_("调查已结束，不能再添加调查对象。"))


def _add_people(campaign: Campaign, people: Iterable[Person], *, source: str) -> tuple[int, int]:
    """Store the people not yet in the campaign (in the caller's transaction, with the campaign
    locked); returns (created, duplicates)."""
    existing = set(Target.objects.filter(campaign=campaign).values_list("phone_digest", flat=True))
    now = clock.now()
    rows, duplicates = [], 0
    for person in people:
        digits = phone_normalize(person.phone)
        digest = phone_digest(digits)
        # Any of its digests: during a key rotation a stored one may be under the older key.
        if digest in existing or not existing.isdisjoint(phone_digests(digits)):
            duplicates += 1
            continue
        existing.add(digest)
        rows.append(
            Target(
                campaign=campaign,
                phone=digits,
                phone_mask=phone_mask(digits),
                phone_digest=digest,
                name=person.name,
                name_mask=name_mask(person.name),
                source=source,
                web_token=new_web_token(),
                created_at=now,
            )
        )
    Target.objects.bulk_create(rows, batch_size=500)
    return len(rows), duplicates


# --- Excel ----------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # A number typed into a cell comes back as a float: 13812345678.0.
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def _check_file(upload: IO[bytes], *, name: str, size: int | None) -> None:
    if not name.lower().endswith(".xlsx"):
        raise InvalidInput(_("只能导入 Excel 文件（.xlsx）。"))
    if size is not None and size > MAX_IMPORT_BYTES:
        raise InvalidInput(
            _("文件超过 %(mb)d MB，请分批导入。") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    if not size:
        raise InvalidInput(_("文件是空的。"))
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != ZIP_SIGNATURE:
        raise InvalidInput(_("文件不是有效的 Excel 文件（.xlsx）。"))


def _find_columns(header: tuple[Any, ...]) -> tuple[int, int | None]:
    titles = [_cell_text(cell) for cell in header]
    phone_col = next(
        (i for i, title in enumerate(titles) if any(h in title for h in PHONE_HEADERS)), None
    )
    if phone_col is None:
        raise InvalidInput(_("第一行须为表头，并包含“电话”或“手机”列。"))
    name_col = next(
        (i for i, title in enumerate(titles) if any(h in title for h in NAME_HEADERS)), None
    )
    return phone_col, name_col


def _parse_rows(rows: Iterable[tuple[Any, ...]], phone_col: int, name_col: int | None) -> _Parsed:
    parsed = _Parsed()
    count = 0
    for number, row in enumerate(rows, start=2):
        phone = _cell_text(row[phone_col]) if phone_col < len(row) else ""
        name = _cell_text(row[name_col]) if name_col is not None and name_col < len(row) else ""
        if not phone and not any(_cell_text(cell) for cell in row):
            continue  # blank rows are skipped
        count += 1
        if count > MAX_IMPORT_ROWS:
            raise InvalidInput(_("一次最多导入 %(n)d 行，请分批导入。") % {"n": MAX_IMPORT_ROWS})
        problem = ""
        if not phone:
            problem = _("第 %(row)d 行：号码为空") % {"row": number}
        elif not phone_is_valid(phone):
            problem = _("第 %(row)d 行：号码“%(phone)s”不正确") % {
                "row": number,
                "phone": phone[:20],
            }
        elif len(name) > MAX_NAME:
            problem = _("第 %(row)d 行：姓名超过 %(n)d 个字") % {"row": number, "n": MAX_NAME}
        if problem:
            parsed.bad_count += 1
            if len(parsed.bad) < BAD_ROWS_SHOWN:
                parsed.bad.append(problem)
            continue
        parsed.people.append(Person(phone=phone, name=name))
    return parsed


def excel_read_people(upload: IO[bytes], *, name: str, size: int | None) -> list[Person]:
    """The people in the first sheet of an .xlsx file: a header row with a 电话/手机 column and
    an optional 姓名 column, then one person a row. Every row is checked; any bad row makes
    the whole file refused with a message that lists the rows by number."""
    from openpyxl import load_workbook

    _check_file(upload, name=name, size=size)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(_("无法读取该 Excel 文件，请确认文件完好并另存为 .xlsx。")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise InvalidInput(_("表格是空的。"))
        phone_col, name_col = _find_columns(header)
        parsed = _parse_rows(rows, phone_col, name_col)
    finally:
        workbook.close()
    if parsed.bad_count:
        more = parsed.bad_count - len(parsed.bad)
        message = _("有 %(n)d 行不正确，整个文件未导入，请修改后重新导入：") % {
            "n": parsed.bad_count
        } + "；".join(parsed.bad)
        if more:
            message += _("；另有 %(n)d 行。") % {"n": more}
        raise InvalidInput(message)
    if not parsed.people:
        raise InvalidInput(_("表格中没有号码。"))
    return parsed.people


@transaction.atomic
def targets_import_excel(
    *, campaign: Campaign, actor: User, upload: IO[bytes], name: str, size: int | None
) -> ImportResult:
    """Add the people of an Excel list to a campaign (Art. 11(7)): all rows or none; numbers
    already in the campaign, or twice in the file, are skipped and counted."""
    require_manager(actor)
    people = excel_read_people(upload, name=name, size=size)
    campaign = lock_campaign(campaign)
    _check_open(campaign)
    created, duplicates = _add_people(campaign, people, source=TargetSource.EXCEL)
    record_event(
        campaign,
        actor=actor,
        action=CampaignEvent.Action.IMPORT,
        created=created,
        duplicates=duplicates,
        file=name[:100],
    )
    return ImportResult(created=created, duplicates=duplicates)


# --- past callers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    matched: int
    created: int
    duplicates: int


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def past_callers(
    *,
    request_type: RequestType | None = None,
    category: Category | None = None,
    unit: Unit | None = None,
    created_from: date,
    created_to: date,
) -> Any:
    """Closed, non-confidential orders with a caller's number that match the filter, newest
    first. Confidential orders are never drawn (Art. 23)."""
    orders = Order.objects.filter(
        status=Status.CLOSED,
        is_confidential=False,
        created_at__gte=_local_start(created_from),
        created_at__lt=_local_start(created_to + timedelta(days=1)),
    ).exclude(caller_phone_digest="")
    if request_type is not None:
        orders = orders.filter(request_type=request_type)
    if category is not None:
        orders = orders.filter(Q(category=category) | Q(category__parent=category))
    if unit is not None:
        orders = orders.filter(lead_unit=unit)
    return orders.order_by("-created_at", "-pk")


@transaction.atomic
def targets_draw_from_orders(
    *,
    campaign: Campaign,
    actor: User,
    created_from: date,
    created_to: date,
    request_type: RequestType | None = None,
    category: Category | None = None,
    unit: Unit | None = None,
    limit: int | None = None,
) -> DrawResult:
    """Add past callers to a campaign: callers of closed orders of the given type, category,
    lead unit and creation dates, one per number (the newest order), confidential orders left
    out. Only after the supervising unit approved it for this campaign (Art. 24); every draw
    is written to the audit trail. The numbers are copied sealed and shown only as masks."""
    require_manager(actor)
    campaign = lock_campaign(campaign)
    _check_open(campaign)
    if not campaign.past_callers_approved:
        raise NotAllowed(_("使用历史来电人信息须经热线主管单位批准（第二十四条）。"))
    if created_to < created_from:
        raise InvalidInput(_("结束日期不能早于开始日期。"))
    limit = min(limit or MAX_DRAW, MAX_DRAW)
    orders = past_callers(
        request_type=request_type,
        category=category,
        unit=unit,
        created_from=created_from,
        created_to=created_to,
    )
    existing = set(Target.objects.filter(campaign=campaign).values_list("phone_digest", flat=True))
    picked: list[int] = []
    seen: set[str] = set()
    matched = duplicates = 0
    for pk, digest in orders.values_list("pk", "caller_phone_digest").iterator(chunk_size=2000):
        if digest in seen:
            continue
        seen.add(digest)
        matched += 1
        if digest in existing:
            duplicates += 1
            continue
        if len(picked) < limit:
            picked.append(pk)
    people = [
        Person(phone=order.caller_phone, name=order.caller_name)
        for order in Order.objects.filter(pk__in=picked).only("caller_phone", "caller_name")
    ]
    created, more_duplicates = _add_people(campaign, people, source=TargetSource.PAST_CALLERS)
    duplicates += more_duplicates
    filters = {
        "request_type": request_type.code if request_type else None,
        "category": category.code if category else None,
        "unit": unit.code if unit else None,
        "created_from": created_from.isoformat(),
        "created_to": created_to.isoformat(),
        "limit": limit,
    }
    record_event(
        campaign,
        actor=actor,
        action=CampaignEvent.Action.DRAW,
        created=created,
        duplicates=duplicates,
        matched=matched,
        filters=filters,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.EXPORT,
        target=f"survey:{campaign.pk}",
        reason=_("调查测评名单：%(title)s") % {"title": campaign.title},
        kind="past_callers",
        count=created,
        **filters,
    )
    return DrawResult(matched=matched, created=created, duplicates=duplicates)
