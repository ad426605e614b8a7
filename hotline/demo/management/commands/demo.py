"""`hotline demo`: prepare the embedded demo installation and serve it with a task worker.

Safe to run again: migrations, the catalogue and the accounts are brought up to date and
demo orders are only generated into an empty database.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hotline.catalogue.services import catalogue_load
from hotline.demo.accounts import DEMO_PASSWORD, demo_account_lines
from hotline.demo.generate import DEFAULT_ORDERS, demo_load
from hotline.linkage.simulator import ENDPOINT
from hotline.privacy.crypto import CONFIDENTIAL, ensure_key_file


def public_url_for(addr: str) -> str:
    """The address residents' links use when the demo serves on `addr` (runserver's form:
    "port", "host:port"; a server listening on every address is reached on this machine)."""
    host, _sep, port = addr.rpartition(":")
    if not host:
        host = "127.0.0.1"
    if host in ("0.0.0.0", "[::]", "::"):  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def simulator_addr(addr: str) -> str:
    """Where the demo's simulated 110 desk listens: loopback, the demo's port + 110."""
    _host, _sep, port = addr.rpartition(":")
    return f"127.0.0.1:{int(port or 8000) + 110}"


class Command(BaseCommand):
    help = "Prepare and serve the demo installation (SQLite, demo accounts, demo orders)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address to serve on")
        parser.add_argument(
            "--orders",
            type=int,
            default=DEFAULT_ORDERS,
            help="demo orders to generate into an empty database",
        )
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")

    def handle(self, *args, addr: str, orders: int, no_serve: bool, **options) -> None:
        if not os.environ.get("HOTLINE_PUBLIC_URL"):
            # Links in messages (the rating link of an SMS) point where the demo is served;
            # the helper processes inherit the address through the environment.
            os.environ["HOTLINE_PUBLIC_URL"] = settings.HOTLINE_PUBLIC_URL = public_url_for(addr)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        if not settings.HOTLINE_DATA_KEY and ensure_key_file(Path(settings.HOTLINE_DATA_KEY_PATH)):
            self.stdout.write(
                f"Created the personal-data key {settings.HOTLINE_DATA_KEY_PATH} (keep it: the data cannot be read without it)."
            )
        if not settings.HOTLINE_CONFIDENTIAL_KEY and ensure_key_file(
            Path(settings.HOTLINE_CONFIDENTIAL_KEY_PATH), name=CONFIDENTIAL
        ):
            self.stdout.write(
                f"Created the confidential-order key {settings.HOTLINE_CONFIDENTIAL_KEY_PATH} (keep it too)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        counts = catalogue_load()
        self.stdout.write(
            f"Catalogue: {counts.units} units, {counts.places} places, {counts.categories} categories."
        )
        summary = demo_load(orders=orders)
        self.stdout.write(
            f"Demo data: {summary.accounts_created} accounts, {summary.orders_created} orders"
            f" and {summary.calls_created} calls created."
        )
        self.stdout.write(
            self.style.SUCCESS(f"\n演示账户（密码均为 {DEMO_PASSWORD}，仅限演示环境）：")
        )
        for line in demo_account_lines():
            self.stdout.write(line)
        if no_serve:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"\n工作台 http://{addr}/   市民门户 http://{addr}/portal/   管理后台 http://{addr}/admin/\n"
            )
        )
        commands = [["db_worker", "--interval", "1", "--no-reload"], ["tick", "--every", "300"]]
        if not os.environ.get("HOTLINE_LINKAGE_110_URL"):
            # No real 110 desk configured: the demo talks to its own simulated one on loopback,
            # so both directions of the linkage show (docs/linkage.md).
            desk = simulator_addr(addr)
            os.environ["HOTLINE_LINKAGE_110_URL"] = settings.HOTLINE_LINKAGE_110_URL = (
                f"http://{desk}{ENDPOINT}"
            )
            commands.append(["linkage_simulator", "--addr", desk, "--target", f"http://{addr}"])
            self.stdout.write(
                f"110 联动：模拟接警台 http://{desk}（未配置 HOTLINE_LINKAGE_110_URL）"
            )
        helpers = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "hotline", *command], env=os.environ.copy()
            )
            for command in commands
        ]
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            for helper in helpers:
                helper.send_signal(signal.SIGTERM)
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()
