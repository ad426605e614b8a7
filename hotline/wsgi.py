import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
application = get_wsgi_application()

# Refuse to serve without a usable linkage to 110 (hotline/linkage/checks.py).
from hotline.linkage.checks import linkage_require  # noqa: E402

linkage_require()
