"""`hotline linkage_simulator`: a 110 desk on loopback speaking protocols/linkage-110.md.

    hotline linkage_simulator [--addr 127.0.0.1:8110] [--target http://127.0.0.1:8000]
    hotline linkage_simulator --transfer "楼上漏水三天"

It shares the secret with the platform (HOTLINE_LINKAGE_110_SECRET(_FILE), or the demo's
var/linkage-110.secret). Point the platform at it with
HOTLINE_LINKAGE_110_URL=http://127.0.0.1:8110/api/v1/linkage/110/messages.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.linkage.simulator import Desk110


class Command(BaseCommand):
    help = "Run a simulated 110 desk on loopback (for the demo and tests)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8110", help="address to listen on")
        parser.add_argument(
            "--target", default="http://127.0.0.1:8000", help="the 12345 platform to report to"
        )
        parser.add_argument("--transfer", default="", help="send one non-police transfer, exit")
        parser.add_argument(
            "--follow-up", type=float, default=3.0, help="seconds between status reports"
        )

    def handle(self, *args, addr: str, target: str, transfer: str, follow_up: float, **options):
        host, _sep, port = addr.rpartition(":")
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("the simulator listens on loopback only")
        secret = settings.HOTLINE_LINKAGE_110_SECRET
        if not secret:
            raise CommandError("no shared secret: set HOTLINE_LINKAGE_110_SECRET(_FILE)")
        desk = Desk110(
            (host, int(port)),
            secret=secret,
            peer_id=settings.HOTLINE_LINKAGE_110_PEER_ID,
            accept_peer=settings.HOTLINE_LINKAGE_PEER_ID,
            target=target,
            follow_up=follow_up,
        )
        if transfer:
            status, answer = desk.send_transfer(transfer)
            desk.server_close()
            self.stdout.write(f"{status} {answer}")
            if status != 200:
                raise CommandError("the platform did not accept the transfer")
            return
        self.stdout.write(f"110 模拟接警台 {desk.url} → {target}（Ctrl-C 退出）")
        try:
            desk.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            desk.server_close()
