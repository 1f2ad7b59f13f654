"""Hyperlinks of a write-only sheet kept on disk, so diff.xlsx costs the same memory for
50 rows or 50,000.

openpyxl's write-only sheets stream their rows, but keep every hyperlink (and, for a link out
of the workbook, its relationship) as objects until the sheet is closed, then build each list
as one XML tree: ~2 KB per link, the largest part of the report's memory on a big dataset
(every finding links to its source file). Here a sheet's links go to a temporary file as its
rows are written; the sheet's `<hyperlinks>` element is written from that file one link at a
time (`LinkedSheetWriter`), and the links' relationships are added to the sheet's `.rels`
part as the zip is written (`save`). The workbook says the same: same cells, same links.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from lxml import etree
from openpyxl import Workbook
from openpyxl.packaging.relationship import Relationship
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.constants import PKG_REL_NS

END = b"</Relationships>"
LINK_ID = "rIdLink{}"  # a link's relationship id; openpyxl numbers its own rId1, rId2, …


class Links:
    """One sheet's hyperlinks, in the order their cells are written: (cell, `#place` in the
    workbook or an address outside it), one JSON line each in a temporary file, written
    `BATCH` at a time."""

    BATCH = 1000

    def __init__(self) -> None:
        fd, name = tempfile.mkstemp(prefix="ziping-links-", suffix=".jsonl")
        os.close(fd)
        self.path = Path(name)
        self.pending: list[str] = []
        self.count = 0
        self.outside = 0  # links out of the workbook: each needs a relationship

    def add(self, ref: str, target: str) -> None:
        self.count += 1
        self.outside += not target.startswith("#")
        self.pending.append(json.dumps([ref, target], ensure_ascii=False) + "\n")
        if len(self.pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.writelines(self.pending)
        self.pending = []

    def __iter__(self) -> Iterator[tuple[str, str, str | None]]:
        """(cell, target, relationship id: None for a place in the workbook)."""
        self._flush()
        outside = 0
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                ref, target = json.loads(line)
                if target.startswith("#"):
                    yield ref, target, None
                else:
                    outside += 1
                    yield ref, target, LINK_ID.format(outside)

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


class LinkedSheetWriter(WorksheetWriter):
    """openpyxl's sheet writer, its `<hyperlinks>` written from `links` one at a time."""

    def __init__(self, ws: WriteOnlyWorksheet, links: Links) -> None:
        super().__init__(ws)
        self.links = links

    def write_hyperlinks(self) -> None:
        if not self.links.count:
            return
        xf: Any = self.xf.send(True)  # the writer's loop answers True with its xmlfile
        with xf.element("hyperlinks"):
            for ref, target, rel_id in self.links:
                if rel_id is None:
                    link = Hyperlink(ref=ref, location=target[1:])
                else:
                    link = Hyperlink(ref=ref, id=rel_id)
                xf.write(link.to_tree())
        self.xf.send(None)  # back to the writer's own loop, as openpyxl's rows do


def start(ws: WriteOnlyWorksheet, links: Links) -> None:
    """Give `ws` the writer that writes `links`, before its first row (openpyxl makes its
    own writer at the first row unless the sheet has one)."""
    writer = LinkedSheetWriter(ws, links)
    cast(Any, ws)._writer = writer  # where openpyxl's `_get_writer` looks first
    writer.write_top()


class _Archive(zipfile.ZipFile):
    """The zip openpyxl writes diff.xlsx into: a sheet's `.rels` part gets the relationships
    of the sheet's links, streamed after openpyxl's own (its Excel Table's)."""

    def __init__(self, path: Path, rels: dict[str, Links]) -> None:
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.rels = rels  # part name -> links

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        links = self.rels.pop(str(name), None)
        if links is None:
            super().writestr(zinfo_or_arcname, data, *args, **kwargs)
            return
        own = data.encode() if isinstance(data, str) else bytes(data)
        self._write_rels(str(name), own.rpartition(END)[0], links)

    def _write_rels(self, name: str, head: bytes, links: Links) -> None:
        """openpyxl's part up to its closing tag (`head`; none: the opening tag), then a
        relationship per link out of the workbook, one at a time."""
        with self.open(name, "w") as out:
            out.write(head or f'<Relationships xmlns="{PKG_REL_NS}">'.encode())
            for _, target, rel_id in links:
                if rel_id is not None:
                    rel = Relationship(
                        Id=rel_id, type="hyperlink", TargetMode="External", Target=target
                    )
                    # openpyxl's elements are lxml's, whatever its type stubs say
                    out.write(etree.tostring(cast(etree._Element, rel.to_tree())))
            out.write(END)

    def close(self) -> None:
        for name, links in list(self.rels.items()):  # a sheet with links and no Table
            self._write_rels(name, b"", links)
        self.rels = {}
        super().close()


def save(wb: Workbook, target: Path) -> None:
    """`wb.save(target)`, the links of its `LinkedSheetWriter` sheets streamed."""
    rels: dict[str, Links] = {}
    every: list[Links] = []
    for number, ws in enumerate(wb.worksheets, start=1):  # as openpyxl numbers its sheets
        writer = getattr(ws, "_writer", None)
        if isinstance(writer, LinkedSheetWriter):
            every.append(writer.links)
            if writer.links.outside:
                rels[f"xl/worksheets/_rels/sheet{number}.xml.rels"] = writer.links
    wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    try:
        with _Archive(target, rels) as archive:
            ExcelWriter(wb, archive).save()
    finally:
        for links in every:
            links.close()
