"""The data release over the JSON API (Art. 24), mounted at /api/v1/releases.

The API's lists are paged and never return more than one page (`hotline.api.api.PAGE_MAX`,
100 rows); a bulk read — everything a filter matches, in one file — is a release request like
any other export: `POST /api/v1/releases`, approved by a supervisor on the web, then
`POST /api/v1/releases/{id}/download` by the same account while the approval is valid."""

from datetime import datetime
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from hotline.accounts.roles import ADMIN_ROLES, Role
from hotline.api.auth import StaffSession, TokenAuth
from hotline.core.errors import NotFound
from hotline.releases import selectors, services
from hotline.releases.models import ReleaseRequest
from hotline.web.http import AuthenticatedRequest

# 等保 三员: the administrators read no data, so they ask for none.
PEOPLE_WHO_READ = frozenset(Role.values) - ADMIN_ROLES
router = Router(
    tags=["releases"],
    auth=[TokenAuth(roles=PEOPLE_WHO_READ), StaffSession(roles=PEOPLE_WHO_READ)],
)


class ErrorOut(Schema):
    code: str
    message: str


class ReleaseIn(Schema):
    kind: str = Field(..., max_length=40, description="e.g. orders.list")
    params: dict[str, Any] = Field(default_factory=dict)
    purpose: str = Field(..., max_length=services.MAX_PURPOSE)
    personal_data: bool = False


class ReleaseOut(Schema):
    id: int
    number: str
    kind: str
    params: dict[str, Any]
    status: str
    requested_at: datetime
    expires_at: datetime | None
    download_count: int
    max_downloads: int

    @staticmethod
    def of(release: ReleaseRequest) -> "ReleaseOut":
        return ReleaseOut(
            id=release.pk,
            number=release.number,
            kind=release.kind,
            params=release.params,
            status=release.status,
            requested_at=release.requested_at,
            expires_at=release.expires_at,
            download_count=release.download_count,
            max_downloads=release.max_downloads,
        )


class InvalidOut(ErrorOut):
    """A request that does not match the schema: `detail` lists each field's problem."""

    detail: list[dict]


ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: InvalidOut,
}


@router.post(
    "",
    response={201: ReleaseOut, **ERRORS},
    summary="Ask for an export (a bulk read); a supervisor approves it on the web",
)
def create_release(request: AuthenticatedRequest, payload: ReleaseIn):
    release = services.release_request(
        actor=request.user,
        kind=payload.kind,
        params=payload.params,
        purpose=payload.purpose,
        personal_data=payload.personal_data,
    )
    return Status(201, ReleaseOut.of(release))


@router.get("/{release_id}", response={200: ReleaseOut, **ERRORS}, summary="One release request")
def get_release(request: AuthenticatedRequest, release_id: int):
    return ReleaseOut.of(selectors.release_get_for_user(user=request.user, pk=release_id))


@router.post(
    "/{release_id}/download",
    response={200: None, 410: ErrorOut, **ERRORS},
    summary="The approved file (counted and audited); 410 once expired or used up",
)
def download_release(request: AuthenticatedRequest, release_id: int):
    release = selectors.release_get_for_user(user=request.user, pk=release_id)
    if release is None:  # pragma: no cover - the selector raises
        raise NotFound("")
    released = services.release_download(actor=request.user, release=release)
    response = HttpResponse(released.content, content_type=released.content_type)
    response["Content-Disposition"] = f'attachment; filename="{released.filename}"'
    response["Cache-Control"] = "no-store"
    return response
