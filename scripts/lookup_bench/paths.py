"""The four paths each operation is timed on, each a function of one sample:

  bare SQL   the statements the selectors send (the same SQL text, imported from them; the few decisions
             between statements made here by hand), through psycopg, without Django;
  selector   the selector functions the API view calls, in this process;
  view       the API view through django.test.Client, in this process;
  HTTP       a threaded WSGI server on a loopback port, queried over one keep-alive connection.

Imports the apps: import this module only after django.setup() (run.setup_django).
"""

import http.client
import threading
import urllib.parse
from collections import Counter

from django.contrib.gis.geos import Point
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection
from django.test import Client

from areas.models import Network
from areas.selectors import (
    COVERING_SQL,
    MUNICIPALITY_SQL,
    NEAR_SQL,
    networks_covering_points,
    networks_near_point,
)
from streets.search import search_params, search_sql
from streets.selectors import ADDRESSES_SQL, address_lookup, streets_search

from .country import SRID
from .samples import PointSample, TextSample

# --- the bare statements -----------------------------------------------------------------------------


def bare_search(cur, q: str, municipality_ids=None, postcode: str = "") -> list[tuple[int, float]]:
    """The statements of streets.search: the first, and the typo pass if the first finds nothing."""
    params = search_params(q=q, municipality_ids=municipality_ids, postcode=postcode, limit=10)
    cur.execute(search_sql(typo=False, municipality_ids=municipality_ids, postcode=postcode), params)
    rows = cur.fetchall()
    if not rows:
        cur.execute(search_sql(typo=True, municipality_ids=municipality_ids, postcode=postcode), params)
        rows = cur.fetchall()
    return [(row[1], row[-1]) for row in rows]


def bare_networks(cur, points: list[tuple[float, float]]):
    """The networks covering the points and, for the points no BIN covers, the nearest BINs
    (areas.selectors), as an anonymous user sends them."""
    params = {"xs": [x for x, _ in points], "ys": [y for _, y in points], "srid": SRID, "everything": False}
    cur.execute(COVERING_SQL, params)
    covered = {row[0] for row in cur.fetchall() if row[3] in Network.EXCLUSIVE_KINDS}
    uncovered = [p for i, p in enumerate(points, start=1) if i not in covered]
    if uncovered:
        params.update(xs=[x for x, _ in uncovered], ys=[y for _, y in uncovered])
        cur.execute(NEAR_SQL, {**params, "within": 10_000, "limit": 3})
        cur.fetchall()


def bare_address(cur, s: TextSample):
    """What address_lookup asks the database, in the selectors' statements: municipality, street search, the
    candidates' addresses, the networks covering the matches and, where no BIN covers, the nearest BINs."""
    municipality_ids = None
    if s.municipality:
        cur.execute(MUNICIPALITY_SQL, {"text": s.municipality})
        municipality_ids = [row[0] for row in cur.fetchall()] or None
    streets = bare_search(cur, s.street, municipality_ids, s.postcode)
    if not streets:
        return
    best = max(score for _sid, score in streets)
    candidates = [sid for sid, score in streets if score >= best - 0.05][:5]
    cur.execute(ADDRESSES_SQL, {"streets": candidates})
    found = {}
    for _aid, sid, house, *_, x, y in cur.fetchall():
        if house == s.house_number:
            found.setdefault(sid, (x, y))
    if found:
        bare_networks(cur, list(found.values()))


def bare_point(cur, p: PointSample):
    """The point lookup's statements: the covering networks, and the nearest BINs where no BIN covers."""
    bare_networks(cur, [(p.x, p.y)])


def bare_autocomplete(cur, q: str):
    bare_search(cur, q)


# --- the selectors -----------------------------------------------------------------------------------


def selector_point(p: PointSample):
    """What the point lookup view calls: the covering networks, and the nearest BINs if no BIN covers."""
    point = Point(p.x, p.y, srid=SRID)
    (covering,) = networks_covering_points(points=[point])
    if not any(c.network.kind in Network.EXCLUSIVE_KINDS for c in covering):
        networks_near_point(point=point)


# --- in-process and HTTP -----------------------------------------------------------------------------


class HttpServer:
    """Django's threaded WSGI server on a free loopback port, in a background thread."""

    def __init__(self):
        class Handler(WSGIRequestHandler):
            # Headers and body leave in two writes; without TCP_NODELAY the second waits for a delayed ACK.
            disable_nagle_algorithm = True

        self.server = ThreadedWSGIServer(("127.0.0.1", 0), Handler)
        self.server.set_app(WSGIHandler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class HttpClient:
    """One keep-alive connection; counts the statuses and how often the connection had to be reopened."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.statuses: Counter = Counter()
        self.reconnects = 0

    def get(self, url: str) -> bytes:
        self.conn.request("GET", url, headers={"Accept": "application/json"})
        response = self.conn.getresponse()
        body = response.read()
        self.statuses[response.status] += 1
        if response.will_close:
            self.conn.close()
            self.reconnects += 1
        return body


def lookup_url(p: PointSample | None = None, address: str = "") -> str:
    if p is not None:
        return f"/api/lookup/?lat={p.lat!r}&lon={p.lon!r}"
    return "/api/lookup/?" + urllib.parse.urlencode({"address": address})


def streets_url(q: str) -> str:
    return "/api/streets/?" + urllib.parse.urlencode({"q": q})


# --- the four paths of each operation ----------------------------------------------------------------


class Paths:
    """The four paths of each operation, sharing one psycopg cursor, one test Client and one HTTP server;
    counts the statuses of the view and HTTP paths and how well the address lookup answers."""

    def __init__(self, conn):
        self.client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="application/json")
        self.client_statuses: Counter = Counter()
        self.server = HttpServer()
        self.web = HttpClient(self.server.port)
        self.cur = conn.cursor()
        # Per sampled address id: (the address among the answers, its street ranked first).
        self.quality: dict[int, tuple[bool, bool]] = {}

    def close(self):
        self.web.conn.close()
        self.server.close()
        self.cur.close()
        connection.close()

    def via_client(self, url: str):
        self.client_statuses[self.client.get(url).status_code] += 1

    def selector_address(self, s: TextSample):
        result = address_lookup(text=s.text)
        first = result.matches[0].street if result.matches else None
        self.quality[s.address_id] = (
            any(m.address is not None and m.address.pk == s.address_id for m in result.matches),
            first is not None and first.pk == s.street_id,
        )

    def address(self) -> list:
        return [
            ("bare SQL", lambda s: bare_address(self.cur, s)),
            ("selector", self.selector_address),
            ("view (test Client)", lambda s: self.via_client(lookup_url(address=s.text))),
            ("HTTP keep-alive", lambda s: self.web.get(lookup_url(address=s.text))),
        ]

    def point(self) -> list:
        return [
            ("bare SQL", lambda p: bare_point(self.cur, p)),
            ("selector", selector_point),
            ("view (test Client)", lambda p: self.via_client(lookup_url(p))),
            ("HTTP keep-alive", lambda p: self.web.get(lookup_url(p))),
        ]

    def autocomplete(self) -> list:
        return [
            ("bare SQL", lambda q: bare_autocomplete(self.cur, q)),
            ("selector", lambda q: streets_search(q=q)),
            ("view (test Client)", lambda q: self.via_client(streets_url(q))),
            ("HTTP keep-alive", lambda q: self.web.get(streets_url(q))),
        ]
