"""Pluggable SMS and mail gateways. A gateway's `send` raises `GatewayError` when the message
was not accepted; the delivery task then retries it later."""

import logging
import re
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from hotline.privacy.personal import phone_mask

logger = logging.getLogger("hotline.notifications")


class GatewayError(Exception):
    pass


class Gateway(Protocol):
    def send(self, *, channel: str, address: str, subject: str, body: str) -> None: ...


# A link to a caller's own order (the rating link of an SMS) opens it without the number and
# phone: it is as private as the number, so the log shows neither.
_LINK = re.compile(r"https?://\S+")
_PHONE_LIKE = re.compile(
    r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])|(?<![0-9])0[0-9]{2,3}-?[0-9]{7,8}(?![0-9])"
)


def log_safe(text: str) -> str:
    """`text` with every phone number masked and every link left out, for a log line."""
    text = _LINK.sub("[链接]", text)
    return _PHONE_LIKE.sub(lambda match: phone_mask(match.group()), text)


def _mail_mask(address: str) -> str:
    name, _at, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


class ConsoleGateway:
    """The demo gateway: writes the message to the log, with the recipient's number masked and
    links left out (no personal data in a log line). The outbox table keeps every message."""

    def send(self, *, channel: str, address: str, subject: str, body: str) -> None:
        recipient = _mail_mask(address) if channel == "mail" else phone_mask(address)
        logger.info(
            "[%s → %s] %s %s", channel, log_safe(recipient), log_safe(subject), log_safe(body)
        )


def gateway_for(channel: str) -> Gateway:
    path = settings.HOTLINE_SMS_GATEWAY if channel == "sms" else settings.HOTLINE_MAIL_GATEWAY
    return import_string(path)()
