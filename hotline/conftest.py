"""pytest setup shared by every test: `Client.force_login` signs in past the TOTP code step.

The many tests that sign in with force_login test what comes after the sign-in; the tests of
`accounts.otp` go through the real pages. Such a sign-in (and the client's logout) is not
written to the audit trail: a shortcut, not a sign-in. Imports are lazy: this runs before
Django is set up."""

from typing import Any


def pytest_configure(config: Any) -> None:
    from django.test.client import ClientMixin

    if getattr(ClientMixin, "_hotline_verified", False):
        return
    original_login = ClientMixin._login  # type: ignore[attr-defined]
    original_logout = ClientMixin.logout

    def _login(self: Any, user: Any, backend: Any = None) -> None:
        from hotline.accounts.sessions import unrecorded
        from hotline.testing import mark_verified

        with unrecorded():
            original_login(self, user, backend)
        mark_verified(self, user)

    def logout(self: Any) -> None:
        from hotline.accounts.sessions import unrecorded

        with unrecorded():
            original_logout(self)

    ClientMixin._login = _login  # type: ignore[attr-defined]
    ClientMixin.logout = logout  # type: ignore[method-assign]
    ClientMixin._hotline_verified = True  # type: ignore[attr-defined]
