"""DOCX reader speed: table rows per second, ours vs python-docx's own row.cells walk.

    python -m bench.docx_bench [ROWS]      (from the repository root)

Builds a table of ROWS rows (default 3,000) under one merged label, then reads it with
`parsers.docx` and with python-docx's documented API (`table.rows` / `row.cells` /
`cell.text`), CPU time, best of three each, in this one process. Target: >= 5,000 rows/s.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from functools import partial

import docx

from parsers import parse_bytes
from tests.parsers.test_docx import W, docx_with_body, tc


def build(rows: int, *, merged: bool = True) -> bytes:
    cells = "".join(tc(f"c{k}") for k in range(1, 8))
    restart, cont = ("<w:vMerge w:val='restart'/>", "<w:vMerge/>") if merged else ("", "")
    first = "<w:tr>" + tc("label", restart) + cells + "</w:tr>"
    more = ("<w:tr>" + tc("", cont) + cells + "</w:tr>") * (rows - 1)
    grid = "<w:tblGrid>" + "<w:gridCol/>" * 8 + "</w:tblGrid>"
    return docx_with_body(f"<w:tbl {W}>{grid}{first}{more}</w:tbl>")


def best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def python_docx_walk(data: bytes) -> None:
    for table in docx.Document(io.BytesIO(data)).tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def main(rows: int) -> None:
    for merged in (True, False):
        data = build(rows, merged=merged)
        shape = "one label merged down" if merged else "no merges"
        ours = best_of(3, partial(parse_bytes, data, "bench.docx"))
        print(f"[{shape}] ziping docx reader: {rows / ours:,.0f} rows/s ({ours:.3f} s CPU)")
        try:
            theirs = best_of(3, partial(python_docx_walk, data))
        except RecursionError:
            print(f"[{shape}] python-docx row.cells: RecursionError")
            continue
        print(
            f"[{shape}] python-docx row.cells: {rows / theirs:,.0f} rows/s; "
            f"ziping is {theirs / ours:.1f}x faster"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
