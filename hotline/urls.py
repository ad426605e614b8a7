from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "12345市民热线平台 管理后台"
admin.site.site_title = "12345市民热线平台"
admin.site.index_title = "系统配置"

urlpatterns = [
    path("", include("hotline.web.urls")),
    path("", include("hotline.accounts.urls")),
    path("orders/", include("hotline.orders.urls")),
    path("knowledge/", include("hotline.knowledge.urls")),
    path("callbacks/", include("hotline.callbacks.urls")),
    path("cti/", include("hotline.cti.urls")),
    path("incidents/", include("hotline.incidents.urls")),
    path("triage/", include("hotline.triage.urls")),
    path("quality/", include("hotline.quality.urls")),
    path("surveys/", include("hotline.surveys.urls")),
    path("audit/", include("hotline.audit.urls")),
    path("stats/", include("hotline.stats.urls")),
    path("releases/", include("hotline.releases.urls")),
    path("public/", include("hotline.stats.public_urls")),
    path("portal/", include("hotline.portal.urls")),
    path("open311/v2/", include("hotline.open311.urls")),
    # Before the ninja API: the 110 desk's signature is over the raw body (hotline/linkage).
    path("api/v1/linkage/", include("hotline.linkage.urls")),
    path("api/v1/", include("hotline.api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "hotline.web.errors.error_403"
handler404 = "hotline.web.errors.error_404"
handler500 = "hotline.web.errors.error_500"
