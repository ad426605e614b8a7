"""Every change of a knowledge entry (知识库, Art. 10, 11(2), 14(1); DESIGN §2).

Member units provide their policies and answers to the knowledge base (Art. 10: 向热线
主办单位提供本单位的政策法规、办事流程); the host unit keeps it (Art. 11(2): 建立和完善热线
知识库) so that operators answer consultations at once (Art. 14(1): 能够直接答复的,即时答复).

Each public function runs in one transaction, locks the entry row, checks the actor's
permission and the entry's state (`permissions.authorize`), changes the entry, bumps its
`version` and writes one `EntryEvent`. A refused change raises a `DomainError` and changes
nothing. Pass `expected_version` (the version the actor saw) to be told when someone else
changed the entry in between.

Editing a published entry: its text is never changed in place. `entry_revise` makes a draft
revision that `revises` it; the published entry stays in the search until the revision is
published, which withdraws the old one in the same transaction. The words an operator
answered with therefore stay on record under their `KB-<id>` reference.
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.catalogue.models import Category
from hotline.core.errors import InvalidInput, NotAllowed, WrongState
from hotline.core.text import MAX_NOTE, MAX_TEXT, MAX_TITLE, clean_text
from hotline.knowledge import permissions
from hotline.knowledge.models import (
    Entry,
    EntryAction,
    EntryEvent,
    EntryState,
    Synonym,
    split_words,
)
from hotline.units.models import Unit

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_QUESTIONS = 2000
MAX_ANSWER = MAX_TEXT
MAX_SOURCE = 500
MAX_PHONE = 40
MAX_OFFICE_HOURS = 100


# --- helpers --------------------------------------------------------------------------------


def _clean_questions(value: str | None) -> str:
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    return clean_text("\n".join(lines), field=_("常见问法"), limit=MAX_QUESTIONS, required=False)


def _check_period(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InvalidInput(_("失效日期不能早于生效日期。"))


def _check_category(category: Category | None) -> None:
    if category is not None and not category.is_active:
        raise InvalidInput(_("事项分类“%(name)s”已停用。") % {"name": category.name})


def local_today() -> date:
    """Today in the jurisdiction's time zone (the platform clock)."""
    return timezone.localdate(clock.now())


def _lock(entry: Entry, expected_version: int | None) -> Entry:
    locked = Entry.objects.select_for_update(of=("self",)).select_related("unit").get(pk=entry.pk)
    if expected_version is not None and locked.version != expected_version:
        raise WrongState(_("条目已被他人更新,请查看最新内容后再操作。"), code="entry_changed")
    return locked


def _begin(entry: Entry, actor: User, action: str, expected_version: int | None) -> Entry:
    locked = _lock(entry, expected_version)
    permissions.authorize(actor, locked, action)
    return locked


def _record(
    entry: Entry,
    *,
    actor: User | None,
    action: str,
    from_state: str,
    note: str = "",
    fields: list[str] | None = None,
) -> EntryEvent:
    """Save the entry with a new version (only `fields` when given) and write its history row."""
    entry.version += 1
    if actor is not None:
        entry.updated_by = actor
    if fields is None:
        entry.save()
    else:
        entry.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    return EntryEvent.objects.create(
        entry=entry,
        at=clock.now(),
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=entry.state,
        note=clean_text(note, field=_("说明"), required=False, limit=MAX_NOTE),
        version=entry.version,
    )


# --- entries --------------------------------------------------------------------------------


@transaction.atomic
def entry_create(
    *,
    actor: User,
    unit: Unit,
    title: str,
    answer: str,
    questions: str = "",
    category: Category | None = None,
    source: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Entry:
    """Draft a new entry owned by `unit` (Art. 10). Unit staff draft for their own unit only;
    operator leads and host reviewers for any unit. The entry starts as a draft."""
    if not permissions.may_draft_for(actor, unit):
        raise NotAllowed(_("您只能为本单位起草知识条目。"))
    if not unit.is_active:
        raise InvalidInput(_("单位“%(unit)s”已停用。") % {"unit": unit.name})
    _check_category(category)
    _check_period(valid_from, valid_to)
    entry = Entry(
        unit=unit,
        title=clean_text(title, field=_("标题"), limit=MAX_TITLE),
        answer=clean_text(answer, field=_("答复口径"), limit=MAX_ANSWER),
        questions=_clean_questions(questions),
        category=category,
        source=clean_text(source, field=_("政策依据"), limit=MAX_SOURCE, required=False),
        valid_from=valid_from,
        valid_to=valid_to,
        state=EntryState.DRAFT,
        created_by=actor,
        updated_by=actor,
        version=0,
    )
    _record(entry, actor=actor, action=EntryAction.CREATE, from_state="")
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    actor: User,
    title: str,
    answer: str,
    questions: str = "",
    category: Category | None = None,
    source: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    unit: Unit | None = None,
    expected_version: int | None = None,
) -> Entry:
    """Change the text of a draft or pending entry (a pending entry stays pending and is
    reviewed as changed). Published entries are changed through `entry_revise`. Moving the
    entry to another `unit` needs the right to draft for that unit."""
    entry = _begin(entry, actor, "edit", expected_version)
    if unit is not None and unit.pk != entry.unit_id:
        if not permissions.may_draft_for(actor, unit):
            raise NotAllowed(_("您只能为本单位起草知识条目。"))
        entry.unit = unit
    _check_category(category)
    _check_period(valid_from, valid_to)
    entry.title = clean_text(title, field=_("标题"), limit=MAX_TITLE)
    entry.answer = clean_text(answer, field=_("答复口径"), limit=MAX_ANSWER)
    entry.questions = _clean_questions(questions)
    entry.category = category
    entry.source = clean_text(source, field=_("政策依据"), limit=MAX_SOURCE, required=False)
    entry.valid_from, entry.valid_to = valid_from, valid_to
    _record(entry, actor=actor, action=EntryAction.UPDATE, from_state=entry.state)
    return entry


@transaction.atomic
def entry_submit(
    *, entry: Entry, actor: User, note: str = "", expected_version: int | None = None
) -> Entry:
    """Submit a draft to the host unit for publication (草稿 → 待发布)."""
    entry = _begin(entry, actor, "submit", expected_version)
    from_state = entry.state
    entry.state = EntryState.PENDING
    _record(
        entry,
        actor=actor,
        action=EntryAction.SUBMIT,
        from_state=from_state,
        note=clean_text(note, field=_("说明"), limit=MAX_NOTE, required=False),
        fields=["state"],
    )
    return entry


@transaction.atomic
def entry_publish(
    *, entry: Entry, actor: User, note: str = "", expected_version: int | None = None
) -> Entry:
    """Publish a pending entry (待发布 → 已发布; host reviewers only, Art. 11(2)). From then
    on operators find it and answer with it (Art. 14(1)). Publishing a revision withdraws the
    entry it revises in the same transaction and hands over its import key."""
    entry = _begin(entry, actor, "publish", expected_version)
    if entry.valid_to is not None and entry.valid_to < local_today():
        raise InvalidInput(_("条目已过失效日期,请修改有效期后再发布。"))
    from_state = entry.state
    note = clean_text(note, field=_("说明"), limit=MAX_NOTE, required=False)
    if entry.revises_id is not None:
        old = Entry.objects.select_for_update(of=("self",)).get(pk=entry.revises_id)
        if old.state == EntryState.PUBLISHED:
            old_state, key = old.state, old.key
            old.state, old.key = EntryState.WITHDRAWN, None
            _record(
                old,
                actor=actor,
                action=EntryAction.SUPERSEDE,
                from_state=old_state,
                note=_("由新版本 %(ref)s 替代") % {"ref": entry.ref},
                fields=["state", "key"],
            )
            if key and not entry.key:
                entry.key = key
    entry.state = EntryState.PUBLISHED
    entry.published_by, entry.published_at = actor, clock.now()
    _record(
        entry,
        actor=actor,
        action=EntryAction.PUBLISH,
        from_state=from_state,
        note=note,
        fields=["state", "key", "published_by", "published_at"],
    )
    return entry


@transaction.atomic
def entry_withdraw(
    *, entry: Entry, actor: User, note: str, expected_version: int | None = None
) -> Entry:
    """Take a published entry out of the search at once (已发布 → 已撤回), e.g. when the policy
    changed. Host reviewers, or the owning unit's manager or leader; a reason is required."""
    entry = _begin(entry, actor, "withdraw", expected_version)
    note = clean_text(note, field=_("撤回原因"), limit=MAX_NOTE)
    from_state = entry.state
    entry.state = EntryState.WITHDRAWN
    _record(
        entry,
        actor=actor,
        action=EntryAction.WITHDRAW,
        from_state=from_state,
        note=note,
        fields=["state"],
    )
    return entry


@transaction.atomic
def entry_return_to_draft(
    *, entry: Entry, actor: User, note: str, expected_version: int | None = None
) -> Entry:
    """Send a pending entry back to draft (the reviewer's refusal, or the owner pulling it
    back), or reopen a withdrawn entry for rework; a note saying why is required."""
    entry = _begin(entry, actor, "return", expected_version)
    note = clean_text(note, field=_("退回原因"), limit=MAX_NOTE)
    from_state = entry.state
    entry.state = EntryState.DRAFT
    _record(
        entry,
        actor=actor,
        action=EntryAction.RETURN,
        from_state=from_state,
        note=note,
        fields=["state"],
    )
    return entry


@transaction.atomic
def entry_revise(*, entry: Entry, actor: User, expected_version: int | None = None) -> Entry:
    """Start a revision of a published entry: a new draft with the same text that `revises`
    it. The published entry keeps answering calls until the revision is published."""
    entry = _begin(entry, actor, "revise", expected_version)
    revision = Entry(
        unit=entry.unit,
        title=entry.title,
        answer=entry.answer,
        questions=entry.questions,
        category=entry.category,
        source=entry.source,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        state=EntryState.DRAFT,
        revises=entry,
        created_by=actor,
        updated_by=actor,
        version=0,
    )
    _record(
        revision,
        actor=actor,
        action=EntryAction.CREATE,
        from_state="",
        note=_("修订 %(ref)s") % {"ref": entry.ref},
    )
    _record(
        entry,
        actor=actor,
        action=EntryAction.REVISE,
        from_state=entry.state,
        note=_("修订稿 %(ref)s") % {"ref": revision.ref},
        fields=[],
    )
    return revision


# --- the unit directory ---------------------------------------------------------------------


def _directory_write(unit: Unit, *, phone: str, office_hours: str) -> bool:
    phone = clean_text(phone, field=_("联系电话"), limit=MAX_PHONE, required=False)
    office_hours = clean_text(
        office_hours, field=_("办公时间"), limit=MAX_OFFICE_HOURS, required=False
    )
    if unit.phone == phone and unit.office_hours == office_hours:
        return False
    unit.phone, unit.office_hours = phone, office_hours
    unit.save(update_fields=["phone", "office_hours"])
    return True


@transaction.atomic
def unit_directory_update(*, unit: Unit, actor: User, phone: str, office_hours: str) -> Unit:
    """Change a unit's phone and office hours in the directory that operators search (Art. 10:
    units keep their contact information current). Host reviewers, or the unit's own manager
    or leader."""
    if not permissions.may_edit_directory(actor, unit):
        raise NotAllowed(_("只有审核员或本单位负责人、分管领导可以修改单位联系方式。"))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _directory_write(unit, phone=phone, office_hours=office_hours)
    return unit


# --- loading data files ---------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def synonym_groups_read(path: Path) -> list[list[str]]:
    """Groups of `synonyms.txt`: one group a line, words joined by `=`; `#` starts a comment."""
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words = split_words(line)
            if len(words) > 1:
                groups.append(words)
    return groups


@transaction.atomic
def synonyms_load(*, path: Path = DATA_DIR / "synonyms.txt") -> int:
    """Create the synonym groups of the data file that are missing (keyed by their first
    word); groups edited in the admin keep their edits. Returns the number created."""
    created = 0
    for words in synonym_groups_read(path):
        _, was_created = Synonym.objects.get_or_create(
            term=words[0], defaults={"synonyms": ",".join(words[1:])}
        )
        created += was_created
    return created


# Line breaks of the YAML text between two Chinese characters or punctuation marks are not
# spaces in Chinese; elsewhere (before a number, a Latin word) they are.
_CJK_GAP = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”])"
)


def _join_lines(text: str) -> str:
    return _CJK_GAP.sub("", " ".join(text.split()))


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@transaction.atomic
def knowledge_load_demo(*, data_dir: Path = DATA_DIR) -> int:
    """Load the demo knowledge base: the synonym groups, the unit directory (phone and office
    hours of each unit) and the entries of `entries.yaml`, upserted by their `key`.

    Idempotent: a second run changes nothing. An entry whose text or state differs from the
    file is brought in line and gets an "import" history row. Returns the number of entries
    created or changed."""
    synonyms_load(path=data_dir / "synonyms.txt")
    units = {unit.code: unit for unit in Unit.objects.all()}
    categories = {category.code: category for category in Category.objects.all()}

    directory = _read_yaml(data_dir / "directory.yaml") or {}
    for code, row in (directory.get("units") or {}).items():
        if code in units:
            _directory_write(
                units[code], phone=row.get("phone", ""), office_hours=row.get("office_hours", "")
            )

    rows = (_read_yaml(data_dir / "entries.yaml") or {}).get("entries") or []
    missing = sorted(
        {row["unit"] for row in rows if row["unit"] not in units}
        | {
            row["category"]
            for row in rows
            if row.get("category") and row["category"] not in categories
        }
    )
    if missing:
        raise InvalidInput(
            _("知识库数据引用了不存在的单位或分类:%(codes)s") % {"codes": ", ".join(missing)}
        )

    existing = {entry.key: entry for entry in Entry.objects.filter(key__isnull=False)}
    now = clock.now()
    written = 0
    for row in rows:
        values: dict[str, Any] = {
            "title": row["title"].strip(),
            "questions": "\n".join(q.strip() for q in row.get("questions") or []),
            "answer": _join_lines(row["answer"]),
            "category": categories.get(row.get("category") or ""),
            "unit": units[row["unit"]],
            "source": (row.get("source") or "").strip(),
            "valid_from": _date(row.get("valid_from")),
            "valid_to": _date(row.get("valid_to")),
            "state": row.get("state", EntryState.PUBLISHED),
        }
        entry = existing.get(row["key"])
        if entry is None:
            entry = Entry(key=row["key"], version=0, created_at=now, **values)
            from_state = ""
        else:
            changed = [name for name, value in values.items() if getattr(entry, name) != value]
            if not changed:
                continue
            from_state = entry.state
            for name, value in values.items():
                setattr(entry, name, value)
        if entry.state == EntryState.PUBLISHED and entry.published_at is None:
            entry.published_at = now
        _record(entry, actor=None, action=EntryAction.IMPORT, from_state=from_state)
        written += 1
    return written
