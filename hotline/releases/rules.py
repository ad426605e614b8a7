"""Who may do what with a data release (Art. 24; 等保 level 3, separation of duties): the one
table of it.

- request: staff who may read the data (each kind's own check in `registry`), people only;
- decide (approve or refuse): the supervising unit (主管), never on their own request;
- download: the requester alone, while the approval is valid;
- withdraw: the requester, while the request waits;
- read: the requester their own; the supervisor and the auditor every request."""

from hotline.accounts.models import User
from hotline.accounts.roles import Role
from hotline.releases.models import ReleaseRequest, ReleaseStatus

DECIDERS = (Role.SUPERVISOR,)
READERS_OF_ALL = (Role.SUPERVISOR, Role.AUDITOR)

RULES = {
    "request": "people who may read the data of the kind (registry)",
    "approve": DECIDERS,
    "refuse": DECIDERS,
    "withdraw": "the requester, while pending",
    "download": "the requester, while approved, unexpired and with downloads left",
    "read_all": READERS_OF_ALL,
}


def is_person(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.signs_in_with_password)


def may_decide(user: User, release: ReleaseRequest | None = None) -> bool:
    """A supervisor; for a given request, not its requester (separation of duties)."""
    if not (is_person(user) and user.has_role(*DECIDERS)):
        return False
    return release is None or release.requester_id != user.pk


def may_read_all(user: User) -> bool:
    return is_person(user) and user.has_role(*READERS_OF_ALL)


def may_read(user: User, release: ReleaseRequest) -> bool:
    return release.requester_id == user.pk or may_read_all(user)


def may_withdraw(user: User, release: ReleaseRequest) -> bool:
    return release.requester_id == user.pk and release.status == ReleaseStatus.PENDING


def may_download(user: User, release: ReleaseRequest) -> bool:
    """The requester only: the approval is for them and the file carries their name."""
    return release.requester_id == user.pk and user.is_active


def may_use(user: User) -> bool:
    """The pages of data release: people who may read some data (not the administrators,
    who read none: 等保 三员)."""
    return is_person(user) and not user.is_admin_only
