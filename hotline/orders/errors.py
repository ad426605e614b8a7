"""Domain errors. Each carries a stable `code` for the API and a Chinese message for people."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code


class NotAllowed(DomainError):
    """The actor's role or unit does not permit this action on this order."""

    code = "not_allowed"


class WrongState(DomainError):
    """The order is not in a state where this action applies."""

    code = "wrong_state"


class OrderChanged(DomainError):
    """Someone else changed the order since the actor loaded it."""

    code = "order_changed"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or str(_("工单已被他人更新，请查看最新状态后再操作。")), code=code)


class InvalidInput(DomainError):
    code = "invalid_input"


class OrderNotFound(DomainError):
    """No such order, or not one the user may see (the two are not told apart)."""

    code = "not_found"
