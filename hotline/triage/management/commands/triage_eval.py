"""`hotline triage-eval FILE.jsonl`: the figures of issue 14 on a labelled file (the fields
of triage-schema.md). Exits 1 when emergency recall is below its target (CI gates on it);
`--strict` exits 1 when any figure misses its target."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline.triage.evaluate import measure, table
from hotline.triage.services import triage_model


class Command(BaseCommand):
    help = "Print the triage figures on a labelled JSON-lines file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print the figures as JSON"
        )
        parser.add_argument("--strict", action="store_true", help="fail on any missed target")

    def handle(self, *args, file: str, as_json: bool, strict: bool, **options) -> None:
        rows = _rows(Path(file))
        model = triage_model()
        model.suggest("预热")  # the first call loads jieba's dictionary: not a request's time
        figures, timing = measure(rows, model.suggest)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "file": file,
                        "rows": len(rows),
                        "model": model.meta.get("version"),
                        "figures": {f.key: round(f.value, 4) for f in figures},
                        "timing_ms": {k: round(v, 2) for k, v in timing.items()},
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(f"{file}: {len(rows)} 条, 模型 {model.meta.get('version')}")
            self.stdout.write(table(figures, timing))
        missed = [f.key for f in figures if not f.met]
        if "emergency_recall" in missed or (strict and missed):
            raise CommandError(f"目标未达到 targets missed: {', '.join(missed)}")


def _rows(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"无法读取 {path}: {exc}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError("not a labelled request")
            for key in ("type", "accept", "exclusion", "emergency", "major_incident", "unit"):
                row[key]  # noqa: B018 — every label must be there
        except (ValueError, KeyError) as exc:
            raise CommandError(f"{path}:{number}: 不是带标注的请求 ({exc})") from exc
        rows.append(row)
    return rows
