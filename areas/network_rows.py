"""A network read by hand-written SQL: the columns (NETWORK_SQL, after a statement's own leading ones) and the
Network built from them, with its municipality and police zone attached. Shared by areas.selectors and the
in-process point index (areas.point_index)."""

from .models import Municipality, Network, PoliceZone

__all__ = ["NETWORK_SQL", "network_from_row", "networks_per_point"]

# `n` is the alias of areas_network in the statement. Municipality and zone come as scalar subqueries, not
# joins: planning the joins took 0.16 of 0.34 ms.
NETWORK_SQL = """
       n.id, n.kind, n.name, n.slug, n.status, n.published, n.contact_email, n.municipality_id,
       (SELECT json_build_array(m.nis_code, m.name_nl, m.name_fr, m.name_de)
        FROM areas_municipality m WHERE m.id = n.municipality_id),
       n.police_zone_id,
       (SELECT json_build_array(z.number, z.code, z.name)
        FROM areas_policezone z WHERE z.id = n.police_zone_id)"""
_NETWORK_COLUMNS = ["id", "kind", "name", "slug", "status", "published", "contact_email", "municipality_id"]
_MUNICIPALITY_COLUMNS = ["id", "nis_code", "name_nl", "name_fr", "name_de"]
_ZONE_COLUMNS = ["id", "number", "code", "name"]


def _partial(model, columns: list[str], values) -> object:
    """A model instance with only these columns loaded (the others load when read, as with .only())."""
    data = dict(zip(columns, values, strict=True))
    names = [f.attname for f in model._meta.concrete_fields if f.attname in data]
    return model.from_db("default", names, [data[name] for name in names])


def network_from_row(values: list) -> Network:
    """A network from the columns of NETWORK_SQL."""
    *own, municipality, zone_id, zone = values
    network = _partial(Network, _NETWORK_COLUMNS, own)
    network.municipality = _partial(
        Municipality, _MUNICIPALITY_COLUMNS, [network.municipality_id, *municipality]
    )
    network.police_zone = None if zone_id is None else _partial(PoliceZone, _ZONE_COLUMNS, [zone_id, *zone])
    return network


def networks_per_point(rows, count: int) -> list[list[tuple[Network, bool]]]:
    """Per point, (network, inside) from rows of (ordinal 1…count, inside, *NETWORK_SQL columns); a network
    that covers several points is built once."""
    hits: list[list[tuple[Network, bool]]] = [[] for _ in range(count)]
    networks: dict[int, Network] = {}
    for ord_, inside, *values in rows:
        network = networks.get(values[0])
        if network is None:
            network = networks[values[0]] = network_from_row(values)
        hits[ord_ - 1].append((network, inside))
    return hits
