from django.http import HttpRequest

from hotline.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request of a view behind `login_required` (for type checking)."""

    user: User
