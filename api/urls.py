from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Each area owns one module exposing `urlpatterns` under /api/v1/.
urlpatterns = [
    path("v1/", include("api.audit")),
    path("v1/", include("api.people_lookup")),
    path("v1/", include("api.people")),
    path("v1/", include("api.training_extras")),
    path("v1/", include("api.training")),
    path("v1/", include("api.certificates")),
    path("v1/", include("api.coverage")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as its own request (?script=), so
    # the page has no inline script and works under our Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
