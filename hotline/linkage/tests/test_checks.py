"""A production installation refuses to serve without a usable 110 linkage."""

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from hotline.linkage.checks import linkage_errors, linkage_require

PRODUCTION = dict(HOTLINE_DEMO=False, HOTLINE_TESTING=False)


class CheckTests(SimpleTestCase):
    @override_settings(**PRODUCTION, HOTLINE_LINKAGE_110_URL="", HOTLINE_LINKAGE_110_SECRET="")
    def test_production_without_url_and_secret_is_refused(self):
        self.assertEqual({e.id for e in linkage_errors()}, {"linkage.E001", "linkage.E002"})
        with self.assertRaises(ImproperlyConfigured):
            linkage_require()

    @override_settings(
        **PRODUCTION,
        HOTLINE_LINKAGE_110_URL="https://110.example/m",
        HOTLINE_LINKAGE_110_SECRET="k",
    )
    def test_production_with_both_starts(self):
        self.assertEqual(linkage_errors(), [])
        linkage_require()

    @override_settings(HOTLINE_DEMO=True, HOTLINE_TESTING=False, HOTLINE_LINKAGE_110_URL="")
    def test_the_demo_runs_without_a_110_desk(self):
        self.assertEqual(linkage_errors(), [])

    @override_settings(HOTLINE_LINKAGE_110_URL="ftp://110.example/")
    def test_a_url_that_is_not_http_is_refused_everywhere(self):
        self.assertEqual([e.id for e in linkage_errors()], ["linkage.E003"])
