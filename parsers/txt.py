"""Plain text reports: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

Three shapes come out of a text file:
- *cell-per-line* tables (what Word/WPS "save as text" writes): each cell is a line starting
  with a TAB, a cell's further paragraphs follow on lines without a TAB, rows are separated by
  one blank line, and a run of two or more blank lines ends the table. Merged cells come out
  empty; they stay empty here (the reader cannot tell a merge from a blank cell) and the
  pipeline decides which columns may inherit from above.
- *pipe rows* (web pages and Markdown exports): lines holding `|`-separated cells, one table
  row per line; consecutive pipe lines form one table, lines of bare pipes (`||||`, colspan
  filler) separate nothing and are skipped. Cells keep their order; rows may be ragged.
- everything else: one `Paragraph` per non-blank line, with its 1-based line number.

`where` is `line N` for every cell and paragraph (the cell's first line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas import Cell, Document, Paragraph, ParseError, Table
from schemas.ir import Block

VERSION = "txt/3"


def decode(data: bytes, path: str) -> str:
    """Decode by BOM, else strict UTF-8, else strict GB18030; name the file when all fail."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError(f"{path}: text is neither UTF-8 nor GB18030 (first bytes {data[:8]!r})")


def read(data: bytes, path: str, doc_id: str) -> Document:
    text = decode(data, path)
    if "\x00" in text:
        raise ParseError(f"{path}: text contains NUL characters; not a text file")
    lines = text.splitlines()
    return Document(
        path=path,
        doc_id=doc_id,
        format="txt",
        blocks=tuple(blocks(lines)),
        parser_version=VERSION,
    )


def blocks(lines: list[str]) -> list[Block]:
    """Split source lines into paragraphs and cell-per-line tables, in order."""
    out: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            table, i = _read_table(lines, i)
            out.append(table)
        elif _is_pipe_row(line):
            table, i = _read_pipe_table(lines, i)
            out.append(table)
        else:
            if line.strip():
                out.append(Paragraph(text=line.strip(), line=i + 1, where=f"line {i + 1}"))
            i += 1
    return out


@dataclass
class _PendingCell:
    line: int
    parts: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(p for p in (s.strip() for s in self.parts) if p)


def _read_table(lines: list[str], start: int) -> tuple[Table, int]:
    """Read a cell-per-line table from `start`; return it and the index after it."""
    rows: list[list[_PendingCell]] = [[]]
    i = start
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            rows[-1].append(_PendingCell(line=i + 1, parts=[line[1:]]))
            i += 1
        elif not _blank(line):
            rows[-1][-1].parts.append(line)  # a further paragraph of the last cell
            i += 1
        else:
            nxt = _next_nonblank(lines, i)
            if nxt is None or nxt - i >= 2:
                break  # end of file or two blank lines: the table is over
            if lines[nxt].startswith("\t"):
                rows.append([])
            elif _table_resumes(lines, nxt):
                rows[-1][-1].parts.append(lines[nxt])  # paragraph break inside a cell
                nxt += 1
            else:
                break
            i = nxt
    filled = [row for row in rows if row]
    cells = tuple(
        tuple(
            Cell(text=c.text(), row=r, col=k, line=c.line, where=f"line {c.line}")
            for k, c in enumerate(row)
        )
        for r, row in enumerate(filled)
    )
    return Table(rows=cells), i


_PIPE_FILLER = re.compile(r"^[\s|]*$")


def _is_pipe_row(line: str) -> bool:
    """`a | b | c |`, `cell |`, `| a | b`: a row of a table exported with pipe separators."""
    text = line.strip()
    return "|" in text and (text.endswith("|") or text.startswith("|") or " | " in text)


def _read_pipe_table(lines: list[str], start: int) -> tuple[Table, int]:
    rows: list[tuple[Cell, ...]] = []
    i = start
    while i < len(lines) and _is_pipe_row(lines[i]):
        text = lines[i].strip()
        if not _PIPE_FILLER.match(text):
            parts = text.split("|")
            if text.startswith("|"):
                parts = parts[1:]
            if text.endswith("|"):
                parts = parts[:-1]
            r = len(rows)
            rows.append(
                tuple(
                    Cell(text=p.strip(), row=r, col=k, line=i + 1, where=f"line {i + 1}")
                    for k, p in enumerate(parts)
                )
            )
        i += 1
    return Table(rows=tuple(rows)), i


def _blank(line: str) -> bool:
    """A separator line. A lone TAB is not blank: it is an empty cell."""
    return not line.startswith("\t") and not line.strip()


def _next_nonblank(lines: list[str], i: int) -> int | None:
    while i < len(lines):
        if not _blank(lines[i]):
            return i
        i += 1
    return None


def _table_resumes(lines: list[str], i: int) -> bool:
    """True when TAB rows follow the untabbed text at `i` before the table's end."""
    while i < len(lines):
        if lines[i].startswith("\t"):
            return True
        if _blank(lines[i]):
            nxt = _next_nonblank(lines, i)
            if nxt is None or nxt - i >= 2:
                return False
            i = nxt
        else:
            i += 1
    return False
