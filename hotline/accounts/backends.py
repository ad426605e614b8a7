"""How people sign in: Django's password check, refused to machine accounts."""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """The password backend. A machine account (the 110 desk, an integrated system) is
    refused both at sign-in and for a session it already holds, since `get_user` asks the
    same question: such accounts reach the API with a token only."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and bool(
            getattr(user, "signs_in_with_password", False)
        )
