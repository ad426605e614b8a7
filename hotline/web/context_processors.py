from django.conf import settings
from django.http import HttpRequest

from hotline.accounts.models import User
from hotline.cti.rules import may_see_calls
from hotline.incidents.rules import may_see_incidents
from hotline.quality.rules import may_enter as may_enter_quality
from hotline.releases.rules import may_decide as may_decide_releases
from hotline.releases.rules import may_use as may_use_releases
from hotline.stats.rules import may_read_accountability, may_read_stats
from hotline.triage.access import may_read_acceptance


def platform(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    staff = user if isinstance(user, User) else None  # None: anonymous, or no user at all
    if (
        staff is not None
        and staff.needs_second_factor
        and not getattr(staff, "is_verified", lambda: True)()
    ):
        # Signed in by password only: nothing of the platform (navigation, alarms, incident
        # titles) until the code is passed (accounts/middleware.py SecondFactorMiddleware).
        staff = None
    return {
        "SIGNED_IN": staff is not None,
        "HOTLINE_NAME": settings.HOTLINE_NAME,
        # The navigation's links to capabilities with their own rules of who may see them.
        "NAV_INCIDENTS": staff is not None and may_see_incidents(staff),
        "NAV_CALLS": staff is not None and may_see_calls(staff),
        "NAV_STATS": staff is not None and may_read_stats(staff),
        "NAV_ACCOUNTABILITY": staff is not None and may_read_accountability(staff),
        "NAV_QUALITY": staff is not None and may_enter_quality(staff),
        "NAV_TRIAGE": staff is not None and may_read_acceptance(staff),
        "NAV_RELEASES": staff is not None and may_use_releases(staff),
        "NAV_RELEASE_QUEUE": staff is not None and may_decide_releases(staff),
    }
