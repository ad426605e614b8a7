"""The check of issue 13: a raw read of the database files finds no caller phone, name, or
ID number (nor the second phone, bank card or landline) written in a request's text.

The orders are made in a child process (`rawdb_scenario.py`) against a file SQLite
database, through the intake form, the portal and the API, with a reply, a note and a reveal;
then its connections are closed and the bytes of the database and of its -wal and -journal
files are searched, in UTF-8, UTF-16 and GBK, and as digits alone."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from hotline.privacy.tests import rawdb_scenario as scenario


def encodings(value: str) -> set[bytes]:
    digits = "".join(ch for ch in value if ch.isdigit())
    forms = {value, value.lower()} | ({digits} if len(digits) >= 7 else set())
    out = set()
    for form in forms:
        for codec in ("utf-8", "utf-16-le", "utf-16-be", "gbk"):
            out.add(form.encode(codec))
    return out


class RawDatabaseTests(SimpleTestCase):
    def test_no_personal_data_of_a_request_text_is_in_the_database_files(self):
        with tempfile.TemporaryDirectory(prefix="hotline-rawdb-") as tmp:
            db = Path(tmp) / "raw.sqlite3"
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{db}",
                "HOTLINE_VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "hotline.test_settings",
            }
            result = subprocess.run(
                [sys.executable, "-m", "hotline.privacy.tests.rawdb_scenario"],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            self.assertEqual(result.returncode, 0, result.stderr[-3000:])
            numbers = json.loads(result.stdout.strip().splitlines()[-1])
            self.assertEqual(len(numbers), 3)
            files = [p for p in Path(tmp).iterdir() if p.name.startswith("raw.sqlite3")]
            raw = b"".join(p.read_bytes() for p in files)
            self.assertIn(numbers[0].encode(), raw)  # the read sees the rows
            self.assertIn("幸福路".encode(), raw)  # and the clear text around the numbers
            for secret in scenario.SECRETS:
                for encoded in encodings(secret):
                    with self.subTest(secret=secret, encoded=encoded):
                        at = raw.find(encoded)
                        self.assertEqual(at, -1, raw[max(0, at - 80) : at + 80])
