"""`hotline cti_calls`: play the call centre for the demo, posting call events to the platform.

    hotline cti_calls --token hl_… [--target http://127.0.0.1:8000] [--count 20]
                      [--agent operator] [--missed 0.2] [--realtime [--speed 10]]

The token is one of a machine account with the CTI role (`hotline apitoken <account>`); it
may also come from HOTLINE_CTI_TOKEN. With --realtime an answered call stays on the agent's
intake screen (来电弹屏) until its hangup.
"""

import os
import random

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.cti.generator import calls_generate


class Command(BaseCommand):
    help = "Post generated call events (newCall, answer, hangup) to the platform (demo)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", default="http://127.0.0.1:8000", help="the platform")
        parser.add_argument("--token", default="", help="API token of the CTI account")
        parser.add_argument("--count", type=int, default=10, help="how many calls")
        parser.add_argument("--agent", default="operator", help="who answers (username)")
        parser.add_argument("--missed", type=float, default=0.2, help="share of missed calls")
        parser.add_argument("--realtime", action="store_true", help="send as the calls go")
        parser.add_argument("--speed", type=float, default=1.0, help="with --realtime: faster")
        parser.add_argument("--seed", type=int, default=None, help="repeatable calls")

    def handle(self, *args, **options) -> None:
        token = options["token"] or os.environ.get("HOTLINE_CTI_TOKEN", "")
        if not token:
            raise CommandError("需要呼叫中心接口账户的令牌：--token 或 HOTLINE_CTI_TOKEN")
        if options["count"] < 1 or not 0 <= options["missed"] <= 1 or options["speed"] <= 0:
            raise CommandError("--count 至少为 1，--missed 在 0 与 1 之间，--speed 大于 0")
        if not options["target"].startswith(("http://", "https://")):
            raise CommandError("--target 须是 http(s) 地址")
        result = calls_generate(
            target=options["target"],
            token=token,
            count=options["count"],
            agent=options["agent"],
            missed_share=options["missed"],
            realtime=options["realtime"],
            speed=options["speed"],
            rng=random.Random(options["seed"]),
            say=lambda line: self.stdout.write(line),
        )
        self.stdout.write(
            f"共 {result.calls} 个来电：接听 {result.answered}，未接 {result.missed}"
            + (f"，{result.failed} 个事件被拒绝" if result.failed else "")
        )
        if result.failed:
            raise CommandError("部分事件未被平台接受")
