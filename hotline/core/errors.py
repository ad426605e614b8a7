"""Domain errors. Each carries a stable `code` for the API, the HTTP status it answers with,
and a Chinese message for people. A service raises one and changes nothing."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code


class InvalidInput(DomainError):
    """The input is incomplete or out of bounds."""

    code = "invalid_input"


class NotAllowed(DomainError):
    """The actor's role or unit does not permit this action on this object."""

    code = "not_allowed"
    http_status = 403


class NotFound(DomainError):
    """No such object, or not one the user may see (the two are not told apart)."""

    code = "not_found"
    http_status = 404


class WrongState(DomainError):
    """The object is not in a state where this action applies."""

    code = "wrong_state"
    http_status = 409


class Conflict(DomainError):
    """Someone else changed the object since the actor loaded it."""

    code = "order_changed"
    http_status = 409

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or str(_("工单已被他人更新，请查看最新状态后再操作。")), code=code)
