"""The network palette (maps.styles): one colour per status, legible on the map and told apart with any
common colour-vision deficiency; one line per kind; unpublished networks dashed."""

import itertools
import math

import pytest

from areas.choices import NetworkKind, NetworkStatus
from maps.styles import (
    KIND_LINES,
    STATUS_COLOURS,
    UNPUBLISHED_DASH,
    contrast_ratio,
    legend_entries,
    network_style,
    style_table,
)

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
SIMULATIONS = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.01182, 0.04294, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.3039],
    ],
}


def _linear(colour: str) -> list[float]:
    out = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return out


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _seen(colour: str, matrix) -> tuple[float, float, float]:
    rgb = _linear(colour)
    if matrix is not None:
        rgb = [min(1.0, max(0.0, sum(matrix[i][j] * rgb[j] for j in range(3)))) for i in range(3)]
    return _lab(rgb)


def test_every_status_and_kind_has_a_style():
    assert set(STATUS_COLOURS) == set(NetworkStatus)
    assert set(KIND_LINES) == set(NetworkKind)
    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS)


@pytest.mark.parametrize("status", list(NetworkStatus))
def test_each_outline_has_3_to_1_contrast_on_white(status):
    assert contrast_ratio(STATUS_COLOURS[status]) >= 3.0


@pytest.mark.parametrize("vision", [None, *SIMULATIONS])
def test_the_statuses_stay_apart_with_colour_blindness(vision):
    matrix = SIMULATIONS.get(vision)
    seen = {status: _seen(colour, matrix) for status, colour in STATUS_COLOURS.items()}
    closest = min(math.dist(seen[a], seen[b]) for a, b in itertools.combinations(seen, 2))
    assert closest >= 20, vision


def test_the_kind_is_the_line_and_unpublished_is_dashed():
    bin_ = network_style({"kind": "BIN", "status": "active", "published": True})
    bin_z = network_style({"kind": "BIN-Z", "status": "active", "published": True})
    assert bin_["color"] == bin_z["color"] == STATUS_COLOURS[NetworkStatus.ACTIVE]
    assert bin_z["weight"] > bin_["weight"] and bin_z["fillOpacity"] < bin_["fillOpacity"]
    assert "dashArray" not in bin_
    hidden = network_style({"kind": "BIN", "status": "proposed", "published": False})
    assert hidden["dashArray"] == UNPUBLISHED_DASH and hidden["color"] == STATUS_COLOURS["proposed"]
    # The vector-tile layer gets the same rules as data.
    table = style_table()
    assert table["status"]["active"] == STATUS_COLOURS[NetworkStatus.ACTIVE]
    assert table["kind"]["BIN-Z"]["weight"] == bin_z["weight"]


def test_legend_counts_with_plurals():
    rows = legend_entries(kinds={"BIN": 3, "BIN-Z": 1}, statuses={"active": 1, "suspended": 3}, unpublished=2)
    assert [r["key"] for r in rows] == ["BIN", "BIN-Z", "status-active", "status-suspended", "unpublished"]
    labels = [r["label"] for r in rows]
    assert labels[2:] == [
        "active: 1 network",
        "suspended: 3 networks",
        "Not published (only staff see them): 2 networks",
    ]
    assert rows[1]["width"] > rows[0]["width"] and rows[4]["dash"] is True
