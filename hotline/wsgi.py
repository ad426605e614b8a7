import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
application = get_wsgi_application()

# Refuse to serve without a usable linkage to 110 (hotline/linkage/checks.py).
from hotline.linkage.checks import linkage_require  # noqa: E402

linkage_require()

# Load (or, on a first start, build) the triage model now, not inside the first request that
# records an order (hotline/triage/store.py).
from hotline.triage.store import triage_model  # noqa: E402

triage_model()
