"""CSV for files with a million rows: the bytes of `fileio.csv_text`, several times faster and
in pieces."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from planner.fileio import safe_cell


class _Neutralised(dict[str, str]):
    """safe_cell per distinct value: a hit is a C-level dict lookup."""

    def __missing__(self, value: str) -> str:
        cell = self[value] = safe_cell(value)
        return cell


_ROWS_PER_CHUNK = 8192


def fast_csv_chunks(header: Sequence[str], rows: Iterable[Sequence[str]],
                    repeated: frozenset[int] = frozenset(),
                    rows_per_chunk: int = _ROWS_PER_CHUNK) -> Iterator[str]:
    """Exactly the bytes of `fileio.csv_text(header, rows)` for rows of strings (tested, with
    hypothesis), several times faster on a million rows, in pieces of `rows_per_chunk` rows
    (the header is the first piece) so a writer never holds the whole file: cells of the
    `repeated` columns are neutralised once per distinct value, and a row that needs no CSV
    quoting is joined directly instead of going through the csv writer. Every cell still
    passes through `safe_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in header])
    yield buf.getvalue()
    width = len(header)
    cell_of = [_Neutralised().__getitem__ if i in repeated else safe_cell for i in range(width)]
    lines: list[str] = []
    for row in rows:
        cells = [f(v) for f, v in zip(cell_of, row, strict=True)]
        line = ",".join(cells)
        if (width > 1 and line.count(",") == width - 1 and '"' not in line
                and "\n" not in line and "\r" not in line):
            lines.append(line + "\n")
        else:  # the csv module decides quoting for the rare row that needs it
            buf.seek(0)
            buf.truncate()
            writer.writerow(cells)
            lines.append(buf.getvalue())
        if len(lines) >= rows_per_chunk:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def fast_csv_text(header: Sequence[str], rows: Iterable[Sequence[str]],
                  repeated: frozenset[int] = frozenset()) -> str:
    """`fast_csv_chunks` joined: the whole CSV as one string."""
    return "".join(fast_csv_chunks(header, rows, repeated))
