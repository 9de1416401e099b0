from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("members.api.urls")),
    path("api/", include("areas.api.urls")),
    path("maps/", include("maps.urls")),
    path("", include("members.urls")),
    path("", include("alerts.urls")),
    path("", include("streets.urls")),
]
