"""The audit trail is kept at least 180 days (等保 level 3; Cybersecurity Law Art. 21): the
retention setting defaults to 180 and refuses anything shorter."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from hotline.env import env_int


class RetentionSettingTests(SimpleTestCase):
    def test_the_default_keeps_the_trail_180_days(self):
        self.assertGreaterEqual(settings.HOTLINE_AUDIT_RETENTION_DAYS, 180)

    def test_a_retention_shorter_than_180_days_is_refused(self):
        os.environ["HOTLINE_TEST_RETENTION"] = "90"
        self.addCleanup(os.environ.pop, "HOTLINE_TEST_RETENTION")
        with self.assertRaisesMessage(ImproperlyConfigured, "below the minimum of 180"):
            env_int("HOTLINE_TEST_RETENTION", 180, minimum=180)
        os.environ["HOTLINE_TEST_RETENTION"] = "365"
        self.assertEqual(env_int("HOTLINE_TEST_RETENTION", 180, minimum=180), 365)

    def test_the_settings_refuse_a_short_retention(self):
        result = subprocess.run(
            [sys.executable, "-c", "import hotline.settings"],
            env={**os.environ, "HOTLINE_AUDIT_RETENTION_DAYS": "30"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "HOTLINE_AUDIT_RETENTION_DAYS='30' is below the minimum of 180", result.stderr
        )
