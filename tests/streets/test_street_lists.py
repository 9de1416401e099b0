"""Street-list BINs on the demo's real BeST addresses of Halle: import, derived polygons, lookup, export and
the round trip (streets/streetlists)."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from areas.choices import AreaSource
from areas.models import Network
from areas.selectors import networks_covering_points
from core.importing import ImportAborted
from streets.models import Address, NetworkStreetRange
from streets.streetlists import import_street_lists, street_list_csv, street_list_rows
from streets.streetlists.export import number_ranges

from ..factories import UserFactory
from .street_list_data import HALLE, load_halle, write

pytestmark = pytest.mark.django_db

HEADER = "network,municipality,street,postcode,from,to,parity\n"
# Three networks of Lembeek (Halle): whole streets, runs of one side, an open-ended run, both sides.
LISTS = HEADER + (
    "BIN Proef Noord,23027,Fonteinstraat,1502,,,all\n"
    "BIN Proef Noord,23027,boslaan,,,,all\n"
    "BIN Proef Zuid,23027,Arthur Puesstraat,1502,1,99,odd\n"
    "BIN Proef Zuid,23027,Arthur Puesstraat,1502,2,50,even\n"
    "BIN Proef Zuid,23027,Stationsstraat,1502,,,all\n"
    "BIN Proef West,23027,Arthur Puesstraat,1502,101,,odd\n"
    "BIN Proef West,23027,Beukenstraat,1502,10,40,all\n"
)


@pytest.fixture
def halle(tmp_path):
    load_halle(tmp_path)
    return tmp_path


def membership(user) -> dict[int, str | None]:
    """Per address of Halle, the residential network the lookup gives it (None: no BIN)."""
    addresses = list(Address.objects.filter(street__municipality__nis_code=HALLE).order_by("pk"))
    answers = networks_covering_points(points=[a.point for a in addresses], user=user)
    result = {}
    for address, covering in zip(addresses, answers, strict=True):
        residential = [c.network.name for c in covering if c.network.kind in Network.EXCLUSIVE_KINDS]
        result[address.pk] = residential[0] if residential else None
    return result


def listed(text: str) -> dict[int, str]:
    """Per address, the network the list names it for: the file's rule, computed here without geometry."""
    rows = list(csv.DictReader(io.StringIO(text)))
    result = {}
    for a in Address.objects.filter(street__municipality__nis_code=HALLE).select_related("street"):
        for row in rows:
            names = {a.street.name_nl.lower(), a.street.name_fr.lower()}
            if row["street"].lower() not in names:
                continue
            first, last, parity = row["from"], row["to"], row["parity"]
            if a.number is None:
                ok = not first and not last and parity == "all"
            else:
                ok = (
                    (parity == "all" or (a.number % 2 == 1) == (parity == "odd"))
                    and (not first or a.number >= int(first))
                    and (not last or a.number <= int(last))
                )
            if ok:
                result[a.pk] = row["network"]
    return result


def test_import_derives_polygons_the_lookup_answers_with(halle):
    staff = UserFactory(is_staff=True)
    report = import_street_lists(path=write(halle, LISTS), on_error="stop")
    assert (report.created, report.updated, report.errors) == (3, 0, [])
    networks = Network.objects.filter(municipality__nis_code=HALLE)
    assert {n.name for n in networks} == {"BIN Proef Noord", "BIN Proef Zuid", "BIN Proef West"}
    assert {n.boundary_source for n in networks} == {AreaSource.STREET_LIST}
    assert all(n.boundary.valid for n in networks)
    assert NetworkStreetRange.objects.count() == 7
    expected = listed(LISTS)
    assert len(expected) > 500
    found = membership(staff)
    # 100 % of the listed addresses answer their network, 0 of the others answer any.
    assert {pk: name for pk, name in found.items() if name} == expected
    # Strictly inside, not on an edge: ST_Contains, not only ST_Covers.
    for network in networks:
        inside = Address.objects.filter(pk__in=[pk for pk, n in expected.items() if n == network.name])
        assert not inside.exclude(point__within=network.boundary).exists()
    # Importing the same file again changes nothing.
    again = import_street_lists(path=write(halle, LISTS), on_error="stop")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_export_reimported_gives_the_same_networks(halle, client):
    staff = UserFactory(is_staff=True)
    import_street_lists(path=write(halle, LISTS), on_error="stop")
    networks = Network.objects.filter(municipality__nis_code=HALLE).select_related("municipality")
    exported = street_list_csv(networks=networks)
    members_before = membership(staff)
    boundaries_before = {n.name: n.boundary for n in networks}
    # A fresh state: the networks and their lists gone, then the export imported.
    Network.objects.filter(municipality__nis_code=HALLE).delete()
    assert not NetworkStreetRange.objects.exists()
    report = import_street_lists(path=write(halle, exported, "export.csv"), on_error="stop")
    assert (report.created, report.errors) == (3, [])
    networks = Network.objects.filter(municipality__nis_code=HALLE).select_related("municipality")
    # Identical ranges (the export of the re-import is the export), identical membership and polygons
    # (the same addresses labelled the same way give the same Voronoi cells).
    assert street_list_csv(networks=networks) == exported
    assert membership(staff) == members_before
    for network in networks:
        assert network.boundary.equals_exact(boundaries_before[network.name], 1e-6)
    rows = street_list_rows(networks=networks)
    assert ("BIN Proef Noord", HALLE, "Fonteinstraat", "1502", None, None, "all") in rows
    assert any(r[0] == "BIN Proef West" and r[2] == "Arthur Puesstraat" and r[6] == "odd" for r in rows)


def test_number_ranges_compress():
    numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11]
    assert number_ranges(numbers, set(numbers)) == [(None, None, "all")]
    assert number_ranges(numbers, {2, 3, 4, 5}) == [(2, 5, "all")]
    assert number_ranges(numbers, {1, 3, 5}) == [(1, 5, "odd")]
    assert number_ranges(numbers, {1, 5, 2, 4}) == [(1, 1, "odd"), (5, 5, "odd"), (2, 4, "even")]
    # 6 is another network's: odd 3-7 and even 4 cannot become one `all` row.
    assert number_ranges(numbers, {3, 5, 7, 4}) == [(3, 7, "odd"), (4, 4, "even")]


GOOD = "BIN Proef Noord,23027,Fonteinstraat,1502,,,all\n"
BAD_ROWS = {
    "unknown street": ("BIN Proef Noord,23027,Nergensstraat,1502,,,all\n", "Unknown street “Nergensstraat”"),
    "bad parity": ("BIN Proef Noord,23027,Boslaan,1502,,,both\n", "Bad parity “both”"),
    "unknown municipality": ("BIN Proef Noord,99999,Boslaan,1502,,,all\n", "Unknown municipality “99999”"),
    "not a number": ("BIN Proef Noord,23027,Boslaan,1502,12A,,all\n", "“12A” in column “from”"),
    "backwards": ("BIN Proef Noord,23027,Boslaan,1502,40,12,all\n", "ends before it starts"),
    "no addresses": ("BIN Proef Noord,23027,Boslaan,1502,9000,9100,all\n", "no address of the register"),
    "overlap": (
        "BIN Proef Zuid,23027,Fonteinstraat,1502,10,20,even\n",
        "“Fonteinstraat” 10-20 (even) of “BIN Proef Zuid” overlaps “Fonteinstraat” (all) of "
        "“BIN Proef Noord” (line 2)",
    ),
    # Heldenstraat 27 and 29 share one position: 1-27 would split it.
    "split position": ("BIN Proef Zuid,23027,Heldenstraat,1502,1,27,odd\n", "share one position"),
}


def test_bad_rows_are_named_and_stop_writes_nothing(halle):
    # One load of Halle for all the cases (each leaves the database as it found it).
    for case, (row, reason) in BAD_ROWS.items():
        path = write(halle, HEADER + GOOD + row)
        with pytest.raises(ImportAborted) as aborted:
            import_street_lists(path=path, on_error="stop")
        message = str(aborted.value)
        assert message.startswith("line 3: ") and reason in message, (case, message)
        assert not Network.objects.exists() and not NetworkStreetRange.objects.exists(), case
        # With skip, the good row is imported and the bad one reported by its line.
        report = import_street_lists(path=path, on_error="skip")
        assert report.created == 1 and [e.position for e in report.errors] == ["line 3"], case
        assert Network.objects.get().street_ranges.count() == 1
        Network.objects.all().delete()


def test_missing_column_names_the_header_line(tmp_path):
    path = write(tmp_path, "network,municipality,street,postcode,from,to\nBIN X,23027,Boslaan,1502,,\n")
    with pytest.raises(ImportAborted, match=r"^line 1 \(.*lists.csv\): the header has no column parity"):
        import_street_lists(path=path)


def test_command_dry_run_and_stop(halle, capsys):
    path = write(halle, LISTS)
    call_command("import_street_lists", str(path), "--dry-run")
    assert "3 would be created" in capsys.readouterr().out
    assert not Network.objects.exists()
    call_command("import_street_lists", str(path), "--on-error", "stop")
    out = capsys.readouterr().out
    assert "BIN Proef Zuid: rows 3, addresses" in out and "3 were created" in out
    assert Network.objects.count() == 3
    bad = write(halle, HEADER + BAD_ROWS["bad parity"][0], "bad.csv")
    with pytest.raises(CommandError, match="line 2: Bad parity"):
        call_command("import_street_lists", str(bad), "--on-error", "stop")
