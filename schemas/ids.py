"""What the ids of the dataset are, in one place: how a doc_id is made, and how the ids of a
document's tables, rows, claims and notices are made from it.

A doc_id is the sha256 hex digest of the file's bytes, so the same report under two names is
one document, and a changed file is a new one. A file that was never read whole has a
stand-in id instead, made from what is known of it (`stand_in_id`, `refused_id`): still 64
hex digits, never equal to a digest of bytes (each is salted with why it stands in).

Every other id starts with the first `PREFIX` hex digits of its doc_id, then its ordinal:
`<doc12>.t01` a table, `<doc12>.t01.r003` its third row, `<doc12>.c002` a claim,
`<doc12>.p3.l0` a parser notice; findings append their code (`<subject>.CODE[.field]`).
Ids never depend on the profile, so rescored copies of a dataset join on them.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Literal

PREFIX = 12  # hex digits of the doc_id that begin every derived id
SHORT = 16  # hex digits of a doc_id shown to people (report pages, legacy batch names)

StandIn = Literal["member", "special", "unreadable", "path"]


def doc_id(data: bytes) -> str:
    """The doc_id of a file read whole: sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


def read_doc_id(path: Path) -> str:
    """The doc_id of a regular file, streamed (never whole in memory); OSError if unreadable."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def file_doc_id(path: Path) -> str:
    """The doc_id of a file that may not be read whole (one that timed out or killed its
    worker): its bytes' sha256 when it can be streamed, else a stand-in."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device is never opened
            return stand_in_id("special", path)
        return read_doc_id(path)
    except OSError:
        return stand_in_id("path", path)


def stand_in_id(why: StandIn, path: Path | str) -> str:
    """The id of a file whose bytes were not read: an archive member that could not be taken
    out (`member`), not a regular file (`special`), unreadable (`unreadable`), gone (`path`)."""
    text = str(path) if why == "path" else f"{why}:{path}"  # `path`: as stored before the salt
    return hashlib.sha256(text.encode()).hexdigest()


def refused_id(path: Path, size: int) -> str:
    """The id of a file refused by size, which is never read whole: sha256 over its path,
    size and first and last MiB."""
    digest = hashlib.sha256(f"refused:{path}:{size}:".encode())
    try:
        with path.open("rb") as stream:
            digest.update(stream.read(1 << 20))
            stream.seek(max(0, size - (1 << 20)))
            digest.update(stream.read(1 << 20))
    except OSError:
        pass
    return digest.hexdigest()


def short(doc_id: str) -> str:
    """A doc_id as shown to people and in names (a legacy batch, a finding's subject)."""
    return doc_id[:SHORT]


def table_id(doc_id: str, seq: int) -> str:
    """The `seq`-th (1-based) 自评表 of the document."""
    return f"{doc_id[:PREFIX]}.t{seq:02d}"


def indicator_id(table_id: str, seq: int) -> str:
    """The `seq`-th (1-based) indicator row of the table."""
    return f"{table_id}.r{seq:03d}"


def claim_id(doc_id: str, seq: int) -> str:
    """The `seq`-th (1-based) claim in the document's prose."""
    return f"{doc_id[:PREFIX]}.c{seq:03d}"


def notice_id(doc_id: str, page: int | None, line: int | None) -> str:
    """A parser notice (an unreadable page …), by where it is."""
    return f"{doc_id[:PREFIX]}.p{page or 0}.l{line or 0}"


def unparsed_id(table_id: str, seq: int) -> str:
    """The `seq`-th (1-based) run of cells of the table the reader could not place."""
    return f"{table_id}.u{seq:02d}"


def finding_id(subject: str, code: str, *detail: str | int) -> str:
    """A finding about `subject` (any id above; a doc_id's `short` when about the document):
    the subject, the code, then what tells two findings of one code apart (a field name)."""
    return ".".join([subject, code, *(str(d) for d in detail)])
