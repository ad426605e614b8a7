"""Who may read and change knowledge entries: the one place that decides it (STYLE §5).

- Searching and reading published entries: the operating centre, host reviewers, the
  supervising unit, auditors and unit staff. Administrators (等保 三员) and machine accounts
  may not.
- Drafting (Art. 10: units provide their policies): unit staff for their own unit; operator
  leads and host reviewers for any unit.
- Publishing: host reviewers only (the host unit publishes).
- Withdrawing a published entry: host reviewers, and the owning unit's manager or leader.
- The figures of the knowledge base's use and gaps (Art. 10, 14(1)): the host unit's
  reviewers and the supervising unit, who ask the member units for missing content.
- Unpublished entries are seen by those who may edit them and by host reviewers; everyone
  else is told they do not exist.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import User
from hotline.accounts.roles import CENTRE_ROLES, Role
from hotline.core.errors import NotAllowed, WrongState
from hotline.knowledge.models import Entry, EntryState
from hotline.units.models import Unit

READER_ROLES = frozenset({*CENTRE_ROLES, Role.REVIEWER, Role.SUPERVISOR, Role.AUDITOR})
ANY_UNIT_EDITOR_ROLES = frozenset({Role.OPERATOR_LEAD, Role.REVIEWER})
UNIT_WITHDRAW_ROLES = frozenset({Role.MANAGER, Role.LEADER})
EDITABLE_STATES = frozenset({EntryState.DRAFT, EntryState.PENDING})
USE_ROLES = frozenset({Role.REVIEWER, Role.SUPERVISOR})


def may_search(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_role(*READER_ROLES) or user.is_unit_staff


def may_view_use(user: User) -> bool:
    """May read how the knowledge base answered calls and what it lacked (知识库使用与缺口)."""
    return user.is_authenticated and user.is_active and user.has_role(*USE_ROLES)


def _is_unit_staff_of(user: User, unit_id: int | None) -> bool:
    return user.is_unit_staff and unit_id is not None and user.unit_id == unit_id


def may_draft_for(user: User, unit: Unit) -> bool:
    return user.has_role(*ANY_UNIT_EDITOR_ROLES) or _is_unit_staff_of(user, unit.pk)


def may_draft(user: User) -> bool:
    """May draft for at least one unit (shows the "new entry" button)."""
    return user.has_role(*ANY_UNIT_EDITOR_ROLES) or user.is_unit_staff


def may_edit(user: User, entry: Entry) -> bool:
    """May change the entry's text and move it through draft and pending (not publish)."""
    return user.has_role(*ANY_UNIT_EDITOR_ROLES) or _is_unit_staff_of(user, entry.unit_id)


def may_publish(user: User) -> bool:
    return user.has_role(Role.REVIEWER)


def may_withdraw(user: User, entry: Entry) -> bool:
    if user.has_role(Role.REVIEWER):
        return True
    return _is_unit_staff_of(user, entry.unit_id) and user.has_role(*UNIT_WITHDRAW_ROLES)


def may_read(user: User, entry: Entry) -> bool:
    if entry.state == EntryState.PUBLISHED:
        return may_search(user)
    return may_edit(user, entry)


def may_manage(user: User) -> bool:
    """May open the maintenance list (drafts, queue, own unit's entries)."""
    return may_draft(user)


def may_edit_directory(user: User, unit: Unit) -> bool:
    """May change a unit's phone and office hours in the directory."""
    if user.has_role(Role.REVIEWER):
        return True
    return _is_unit_staff_of(user, unit.pk) and user.has_role(*UNIT_WITHDRAW_ROLES)


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]
    who: Callable[[User, Entry], bool]
    refused: Any  # why the actor may not (a lazy translation, shown to people)


def _editor(user: User, entry: Entry) -> bool:
    return may_edit(user, entry)


def _editor_or_publisher(user: User, entry: Entry) -> bool:
    return may_edit(user, entry) or may_publish(user)


RULES: dict[str, Rule] = {
    "edit": Rule(EDITABLE_STATES, _editor, _("只有责任单位的人员、班长和审核员可以修改此条目。")),
    "submit": Rule(
        frozenset({EntryState.DRAFT}),
        _editor,
        _("只有责任单位的人员、班长和审核员可以提交此条目。"),
    ),
    "publish": Rule(
        frozenset({EntryState.PENDING}),
        lambda user, entry: may_publish(user),
        _("只有热线主办单位的审核员可以发布知识条目。"),
    ),
    "return": Rule(
        frozenset({EntryState.PENDING, EntryState.WITHDRAWN}),
        _editor_or_publisher,
        _("您不能退回此条目。"),
    ),
    "revise": Rule(
        frozenset({EntryState.PUBLISHED}),
        _editor,
        _("只有责任单位的人员、班长和审核员可以修订此条目。"),
    ),
    "withdraw": Rule(
        frozenset({EntryState.PUBLISHED}),
        may_withdraw,
        _("只有审核员或责任单位的负责人、分管领导可以撤回已发布的条目。"),
    ),
}


def _condition(entry: Entry, action: str) -> str | None:
    """A further condition beyond state and role; the refusal text when it does not hold."""
    if action == "return" and entry.state == EntryState.WITHDRAWN and entry.revisions.exists():
        return str(_("此条目已被新版本替代,请修改新版本。"))
    if action == "revise" and entry.revisions.filter(state__in=EDITABLE_STATES).exists():
        return str(_("此条目已有未发布的修订稿,请修改该修订稿。"))
    return None


def authorize(user: User, entry: Entry, action: str) -> None:
    """Raise `NotAllowed` or `WrongState` unless `user` may take `action` on `entry` now."""
    rule = RULES[action]
    if not rule.who(user, entry):
        raise NotAllowed(str(rule.refused))
    if entry.state not in rule.states:
        raise WrongState(
            _("条目当前为“%(state)s”,不能%(action)s。")
            % {"state": EntryState(entry.state).label, "action": ACTION_LABELS[action]}
        )
    refused = _condition(entry, action)
    if refused:
        raise WrongState(refused)


def entry_actions(user: User, entry: Entry) -> list[str]:
    """The actions of `RULES` the user may take on the entry in its current state."""
    allowed = []
    for action, rule in RULES.items():
        if (
            entry.state in rule.states
            and rule.who(user, entry)
            and _condition(entry, action) is None
        ):
            allowed.append(action)
    return allowed


ACTION_LABELS = {
    "edit": _("修改"),
    "submit": _("提交发布"),
    "publish": _("发布"),
    "return": _("退回草稿"),
    "revise": _("修订"),
    "withdraw": _("撤回"),
}
