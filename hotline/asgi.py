import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
application = get_asgi_application()

# Refuse to serve without a usable linkage to 110 (hotline/linkage/checks.py).
from hotline.linkage.checks import linkage_require  # noqa: E402

linkage_require()
