from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
