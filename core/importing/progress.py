"""Progress of a long import, on stderr beside the report: bars over a file's bytes or a layer's records."""

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

__all__ = ["CountingFile", "progress_bar", "progress_iter", "read_lines", "say"]


def progress_bar(*, path: Path, progress: bool) -> tqdm:
    """A progress bar over the bytes of `path` on stderr, or a silent one."""
    return tqdm(
        total=path.stat().st_size,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=path.name,
        file=sys.stderr,
        disable=not progress,
        leave=False,
    )


def progress_iter(
    iterable: Iterable, *, total: int, desc: str, unit: str, progress: bool, min_total: int = 0
) -> tqdm:
    """`iterable` with a progress bar on stderr; silent without `progress` or below `min_total` items."""
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=not progress or total < min_total,
    )


def read_lines(path: Path, bar: tqdm) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, raw line) of a file, moving the progress bar by bytes every 1 MiB or so."""
    done = 0
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            done += len(line)
            if done >= 1 << 20:
                bar.update(done)
                done = 0
            yield number, line
    bar.update(done)


class CountingFile:
    """A binary file that moves a progress bar as it is read (for parsers that read the file themselves)."""

    def __init__(self, fh: BinaryIO, bar: tqdm):
        self.fh, self.bar = fh, bar

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.bar.update(len(data))
        return data


def say(progress: bool, message: str) -> None:
    """A step of a long import, on stderr beside the progress bars."""
    if progress:
        tqdm.write(message, file=sys.stderr)
