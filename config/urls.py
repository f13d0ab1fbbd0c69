from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Taphuan — Quản trị"
admin.site.site_title = "Taphuan"
admin.site.index_title = "Danh mục và dữ liệu"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("", include("people.urls")),
    path("", include("people.roster_urls")),
    path("", include("training.planning_urls")),
    path("", include("training.urls")),
    path("", include("certificates.urls")),
    path("", include("coverage.urls")),
    path("", include("audit.urls")),
    path("", include("jobs.urls")),
]

# Under /api/ a 404 answers in the API's error shape (JSON), elsewhere the site's page.
handler404 = "api.errors.not_found"
