"""The root URLs: one namespace per app (access, members, alerts, maps) and the one API (api)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from access.views import LoginView, TwoFactorSetupView, TwoFactorVerifyView
from core import pwa
from project import health, metrics

# Coordinators, police officers and municipality staff log in here; every page that needs a login sends
# them here (settings.LOGIN_URL), and back to their dashboard (settings.LOGIN_REDIRECT_URL) afterwards.
access = (
    [
        path(
            "coordinator/login/",
            LoginView.as_view(extra_context={"request_link_url": reverse_lazy("members:request-link")}),
            name="login",
        ),
        path("coordinator/logout/", auth_views.LogoutView.as_view(next_page="access:login"), name="logout"),
        # The second step of a login where it applies (access.two_factor): the code, or setting up the app.
        path("coordinator/two-factor/", TwoFactorVerifyView.as_view(), name="two-factor"),
        path("coordinator/two-factor/setup/", TwoFactorSetupView.as_view(), name="two-factor-setup"),
    ],
    "access",
)

urlpatterns = [
    # Probes and Prometheus (project.health.ProbeMiddleware answers them before the Host and HTTPS checks).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # The web app manifest and the service worker (core.pwa): at the root, in no language prefix.
    path("", include(pwa.urls)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("project.api_router")),
    path("ogc/", include("areas.api.ogc_urls")),
    # The pages of residents, members and staff carry their language in the URL: /nl/, /fr/, /de/, /en/
    # (a shared link opens in the language it was sent in; search engines see each language). An old
    # unprefixed link (a flyer, an embed on a municipal site) is redirected by LocaleMiddleware to the
    # prefix of the visitor's language (cookie, then Accept-Language), query string included. The API,
    # the admin, the probes, /i18n/, /ogc/ and the tiles stay unprefixed.
    path("", include("maps.tile_urls")),
    *i18n_patterns(
        path("", include(access)),
        path("", include("members.urls")),
        path("", include("alerts.urls")),
        path("", include("maps.urls")),
        prefix_default_language=True,
    ),
]

# A database pool with no connection free in time answers 503 with a message (core.pool), others 500.
handler500 = "core.pool.server_error"
