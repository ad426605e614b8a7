"""Pluggable SMS and mail gateways. A gateway's `send` raises `GatewayError` when the message
was not accepted; the delivery task then retries it later."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("hotline.notifications")


class GatewayError(Exception):
    pass


class Gateway(Protocol):
    def send(self, *, channel: str, address: str, subject: str, body: str) -> None: ...


class ConsoleGateway:
    """The demo gateway: writes the message to the log. The outbox table keeps every message."""

    def send(self, *, channel: str, address: str, subject: str, body: str) -> None:
        logger.info("[%s → %s] %s %s", channel, address, subject, body)


def gateway_for(channel: str) -> Gateway:
    path = settings.HOTLINE_SMS_GATEWAY if channel == "sms" else settings.HOTLINE_MAIL_GATEWAY
    return import_string(path)()
