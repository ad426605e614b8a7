"""`hotline triage < requests.jsonl > decisions.jsonl`: one suggestion a line, in input order
(triage-schema.md); a bad line gets {"id": ..., "error": ...} and the rest go on."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from hotline.triage.services import triage_suggest

MAX_LINE = 100_000


def _answer(line: str) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except ValueError:
        return {"id": None, "error": "not_json: 这一行不是 JSON"}
    if not isinstance(request, dict):
        return {"id": None, "error": "not_an_object: 这一行不是 JSON 对象"}
    ident = request.get("id")
    if not isinstance(ident, (str, int)) or isinstance(ident, bool):
        ident = None
    text, place = request.get("text"), request.get("place")
    if not isinstance(text, str) or not text.strip():
        return {"id": ident, "error": "text_required: 缺少诉求内容 text"}
    if place is not None and not isinstance(place, str):
        return {"id": ident, "error": "place_invalid: place 应为地点名称"}
    return {"id": ident, **triage_suggest(text=text, place=place).record()}


class Command(BaseCommand):
    help = "Suggest type, exclusion, emergency, major incident and unit for JSON lines on stdin."

    def handle(self, *args, **options) -> None:
        stdin = sys.stdin.buffer
        for raw in stdin:
            if not raw.strip():
                continue
            try:
                line = raw[:MAX_LINE].decode("utf-8")
            except UnicodeDecodeError:
                answer: dict[str, Any] = {"id": None, "error": "not_utf8: 这一行不是 UTF-8 编码"}
            else:
                answer = _answer(line)
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            self.stdout.flush()
