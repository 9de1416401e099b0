"""The one API: every app's endpoints under /api/, in the namespace "api", on one router; the OpenAPI schema
and its documentation page beside them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from alerts.api import urls as alerts
from alerts.api.phone import InboundSmsView, VoiceCallbackView
from alerts.api.receipts import GatewayReceiptView
from areas.api import urls as areas
from members.api import urls as members
from streets.api import urls as streets

router = DefaultRouter()
for prefix, viewset, basename in areas.VIEWSETS:
    router.register(prefix, viewset, basename=basename)

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script, so the page runs
    # under the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *areas.urlpatterns,
    *streets.urlpatterns,
    *members.urlpatterns,
    *alerts.urlpatterns,
    path("gateway/receipts/", GatewayReceiptView.as_view(), name="gateway-receipts"),
    path("sms/inbound/", InboundSmsView.as_view(), name="sms-inbound"),
    path("voice/callback/", VoiceCallbackView.as_view(), name="voice-callback"),
    path("", include(router.urls)),
]
