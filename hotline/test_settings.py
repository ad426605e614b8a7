"""Settings for the test suite: the real settings, with a throwaway personal-data key, a
temporary var directory and fast password hashing. DATABASE_URL still chooses the database."""

import base64
import os
import tempfile

os.environ.setdefault("HOTLINE_TESTING", "1")
os.environ.setdefault("HOTLINE_DATA_KEY", base64.b64encode(os.urandom(32)).decode("ascii"))
os.environ.setdefault("HOTLINE_CONFIDENTIAL_KEY", base64.b64encode(os.urandom(32)).decode("ascii"))
os.environ.setdefault("HOTLINE_VAR_DIR", tempfile.mkdtemp(prefix="hotline-test-"))

from hotline.settings import *  # noqa: E402,F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
