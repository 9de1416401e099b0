"""The download list on the map pages (maps/_downloads.html): every GIS file of the area's networks, the
street lists of its municipalities, the OGC API; each link answers."""

from django.urls import reverse

from areas.api.downloads import street_list_url


def download_links(html: str) -> list[str]:
    section = html.split('<section class="card" data-downloads', 1)[1].split("</section>", 1)[0]
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in section.split('href="')[1:]]


def test_municipality_page_links_every_file_and_its_street_list(client, town):
    html = client.get(reverse("maps:municipality", args=["99001"])).content.decode()
    links = download_links(html)
    base = "/api/municipalities/99001/networks"
    files = [
        f"{base}.{fmt}{crs}"
        for fmt in ("geojson", "gpkg", "shp", "kml")
        for crs in ("", "?crs=31370")
        if not (fmt == "kml" and crs)
    ]
    expected = files + (
        [street_list_url("municipality", "99001")] if street_list_url("municipality", "99001") else []
    )
    assert links == [*expected, reverse("ogc:landing")]
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, url


def test_police_zone_page_links_the_zone_files_and_each_municipality_list(client, town):
    html = client.get(reverse("maps:police-zone", args=[5999])).content.decode()
    links = download_links(html)
    assert "/api/police-zones/5999/networks.gpkg?crs=31370" in links
    if street_list_url("municipality", "99001"):
        lists = [u for u in links if "street" in u]
        # Buurdorp and Teststad, by name.
        assert lists == [street_list_url("municipality", "99003"), street_list_url("municipality", "99001")]
    assert "Download" in html and "Shapefile (zip) · Belgian Lambert 72" in html
