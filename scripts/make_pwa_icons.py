"""Draw the home-screen icons (core/static/core/pwa/icon-192.png, icon-512.png) without an image library:
a white house on the site's blue, inside the middle 60 % so that a round or squircle mask keeps it whole."""

import struct
import zlib
from pathlib import Path

BLUE, WHITE = (0x1F, 0x4E, 0x79), (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parents[1] / "core" / "static" / "core" / "pwa"


def inside_house(x: float, y: float) -> bool:
    """(x, y) in 0..1 of the icon: a roof triangle over a square body with a door cut out."""
    roof = 0.22 <= y <= 0.48 and abs(x - 0.5) <= (y - 0.22) / 0.26 * 0.3
    body = 0.46 <= y <= 0.78 and 0.3 <= x <= 0.7
    door = 0.6 <= y <= 0.78 and 0.44 <= x <= 0.56
    return (roof or body) and not door


def png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(WHITE if inside_house(x / size, y / size) else BLUE) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
        print(OUT / f"icon-{size}.png")
