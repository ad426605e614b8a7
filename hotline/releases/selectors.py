"""Reading data-release requests, scoped by `rules`."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hotline.accounts.models import User
from hotline.core.errors import NotFound
from hotline.releases import rules
from hotline.releases.models import ReleaseRequest, ReleaseStatus

RELATED = ("requester", "decided_by", "requester__unit")


def releases_of(user: User) -> QuerySet[ReleaseRequest]:
    """The requests `user` made, newest first."""
    return ReleaseRequest.objects.filter(requester=user).select_related(*RELATED)


def releases_pending_for(user: User) -> QuerySet[ReleaseRequest]:
    """The queue of a supervisor: requests waiting, other people's only, oldest first."""
    if not rules.may_decide(user):
        return ReleaseRequest.objects.none()
    return (
        ReleaseRequest.objects.filter(status=ReleaseStatus.PENDING)
        .exclude(requester=user)
        .select_related(*RELATED)
        .order_by("requested_at", "id")
    )


def releases_all(user: User) -> QuerySet[ReleaseRequest]:
    """Every request, for the supervisor and the auditor."""
    if not rules.may_read_all(user):
        return ReleaseRequest.objects.none()
    return ReleaseRequest.objects.select_related(*RELATED)


def release_get_for_user(*, user: User, pk: int) -> ReleaseRequest:
    """The request if `user` may read it; NotFound otherwise (its existence is not told)."""
    release = ReleaseRequest.objects.select_related(*RELATED).filter(pk=pk).first()
    if release is None or not rules.may_read(user, release):
        raise NotFound(_("导出申请不存在或无权查看。"))
    return release
