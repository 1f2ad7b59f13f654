"""Which files a run reads: the rest are unchanged, duplicates, or gone from their folder.

A file whose path, size and modification time match the dataset's index (and whose profile
and reader version are the run's) is not opened (as make and rsync decide; `--checksum`
hashes it and compares the bytes instead). A file to read is hashed here, so that a second
copy of the same bytes in the run is reported by name instead of being read twice. Files the
index holds that are no longer on disk are listed (`--prune` removes their rows).

The walk and the index come in the same order (by stored name) and are merged, so the memory
of a re-run is that of the files it reads, not of the folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import stat
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import parsers
from parsers import archive
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline.batch.names import original_path, stored_path
from pipeline.dataset.lookup import Catalog, Stored
from schemas import ZipingError, ids
from schemas.profile import Profile
from schemas.tables import DocumentRow


@dataclass
class Plan:
    todo: list[tuple[int, Path]] = field(default_factory=list)
    skipped: int = 0
    duplicates: list[tuple[int, DocumentRow]] = field(default_factory=list)
    missing: list[Stored] = field(default_factory=list)


@dataclass(frozen=True)
class Choices:
    force: bool = False
    checksum: bool = False
    unread: Mapping[str, str] = field(default_factory=dict)
    """Paths the walk refused (a link out of the input folders) and why: never opened, not
    even hashed; skipped when stored already with the same reason."""


@dataclass(frozen=True, slots=True)
class _Read:
    """A file to read: its place in the walk, its stored name and the hash of its bytes."""

    index: int
    path: Path
    name: str
    doc_id: str | None


def plan(
    files: Iterable[Path], catalog: Catalog, profile: Profile, limits: Limits, choices: Choices
) -> Plan:
    """Go through `files` once beside the index (`_Index` of the stored documents, `catalog`:
    the writer's Parquet index or its SQLite copy): nothing per file is kept but the files
    to read. A file to read whose bytes a file before it in the walk has (read now, or
    unchanged) is a duplicate of the first."""
    result = Plan()
    stored = _Index(catalog)
    reads: list[_Read] = []
    versions: dict[str | None, str | None] = {}
    for index, path in enumerate(files):
        name = stored_path(str(path))
        found = stored.find(name)
        old = None if found is None else found[1]
        reason = choices.unread.get(str(path))
        if reason is not None:
            same = old is not None and old.doc_id == unread_id(path, reason)
            if same and not choices.force and old is not None and old.profile == profile.name:
                result.skipped += 1
            else:  # becomes its row with the walk's reason
                reads.append(_Read(index, path, name, None))
            stored.met(found)
            continue
        try:
            info = (archive.inside(path) or path).stat()  # a member changes with its archive
        except OSError:
            reads.append(_Read(index, path, name, None))  # becomes its error row
            continue
        stored.met(found)
        regular = stat.S_ISREG(info.st_mode) and info.st_size <= limits.max_bytes
        doc_id = None
        if old is not None and not choices.force and _same_reader(old, profile, path, versions):
            same_stat = (old.size, old.mtime_ns) == (info.st_size, info.st_mtime_ns)
            doc_id = None if same_stat and not choices.checksum else _hash(path) if regular else ""
            if doc_id is None or doc_id == old.doc_id:
                stored.skip(found, index)
                result.skipped += 1
                continue
        if not doc_id:
            doc_id = _hash(path) if regular else None
        reads.append(_Read(index, path, name, doc_id))
    _sort_out(reads, stored, profile, result)
    return result


def _sort_out(reads: list[_Read], stored: _Index, profile: Profile, result: Plan) -> None:
    """Which of `reads` are read and which are duplicates (as `plan` says), and the stored
    documents no longer on disk, in one more pass over the index."""
    firsts: dict[str, tuple[int, str]] = {}  # doc_id -> the first file to read with its bytes
    for read in reads:
        if read.doc_id is not None:
            firsts.setdefault(read.doc_id, (read.index, read.name))
    result.missing, unchanged = stored.rest(set(firsts))
    for read in reads:
        before = [
            first
            for first in (firsts.get(read.doc_id or ""), unchanged.get(read.doc_id or ""))
            if first is not None and first[0] < read.index
        ]
        first = min(before, default=None)
        if read.doc_id is not None and first is not None and first[1] != read.name:
            duplicate = _duplicate(read.path, read.doc_id, first[1], profile)
            result.duplicates.append((read.index, duplicate))
        else:
            result.todo.append((read.index, read.path))


NOT_MET = -1  # a stored document the walk has not met (whether on disk is asked at the end)
MET = -2  # met, and read again (else: the walk's place where it was met and skipped)


class _Index:
    """The stored documents, found by name as the walk meets them.

    The walk comes in path order, as the index file is sorted (`walk.stream`, `writer.
    write_index`): the two are merged like `comm`, the index read a row group at a time, so
    nothing of it is held. A name out of order (a caller's own list of files, an index written
    before it was kept sorted) turns to a lookup in the whole index for the rest of the run.
    What the walk did with each stored document is one number in `walked`, by row.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.walked = array("q", [NOT_MET]) * catalog.stored_count()
        self.rows: Iterator[tuple[int, Stored]] | None = None
        self.head: tuple[int, Stored] | None = None
        if catalog.in_path_order():
            self.rows = enumerate(catalog.entries())
            self.head = next(self.rows, None)
        self.last = ""

    def find(self, name: str) -> tuple[int, Stored] | None:
        """The stored document read from `name` and its row, if any."""
        if self.rows is not None and name < self.last:
            self.rows = self.head = None  # out of order: look up from here on
        self.last = name
        if self.rows is None:
            return self.catalog.find(name)
        while self.head is not None and (self.head[1].path or "") < name:
            self.head = next(self.rows, None)
        if self.head is not None and self.head[1].path == name:
            return self.head
        return None

    def met(self, found: tuple[int, Stored] | None) -> None:
        if found is not None and self.walked[found[0]] == NOT_MET:
            self.walked[found[0]] = MET

    def skip(self, found: tuple[int, Stored] | None, index: int) -> None:
        if found is not None and self.walked[found[0]] < 0:
            self.walked[found[0]] = index

    def rest(self, wanted: set[str]) -> tuple[list[Stored], dict[str, tuple[int, str]]]:
        """After the walk: the stored documents no longer on disk (of those it did not meet),
        and where it skipped, unchanged, a file holding bytes in `wanted` (doc_id -> walk
        place, name)."""
        missing: list[Stored] = []
        unchanged: dict[str, tuple[int, str]] = {}
        if not wanted and NOT_MET not in self.walked:  # every one met, none read: no pass
            return missing, unchanged
        for row, old in enumerate(self.catalog.entries()):
            met = self.walked[row]
            if met == NOT_MET and not _on_disk(old.path):
                missing.append(old)
            elif met >= 0 and old.doc_id in wanted:
                place = (met, old.path)
                unchanged[old.doc_id] = min(unchanged.get(old.doc_id, place), place)
        return missing, unchanged


def unread_id(path: Path, reason: str) -> str:
    """doc_id of a file the walk did not read: of its name and the reason (no bytes read)."""
    return hashlib.sha256(f"unread:{stored_path(str(path))}:{reason}".encode()).hexdigest()


def _same_reader(
    old: Stored, profile: Profile, path: Path, versions: dict[str | None, str | None]
) -> bool:
    """Stored under this profile by the reader that would read it now."""
    if old.profile != profile.name:
        return False
    if old.status == "error":  # no format recorded: ask the reader that takes the bytes
        if old.parser_version is None:
            return False  # a timeout or an unreadable file: tried again
        return _version_of_file(path) == old.parser_version
    if old.format not in versions:
        versions[old.format] = _reader_version(old.format)
    return versions[old.format] == old.parser_version


def _reader_version(fmt: str | None) -> str | None:
    module = parsers.READER_MODULES.get(fmt or "")
    version = getattr(importlib.import_module(module), "VERSION", None) if module else None
    return version if isinstance(version, str) else None


def _version_of_file(path: Path) -> str | None:
    from pipeline.batch.document import reader_version_of  # noqa: PLC0415  (jieba)

    try:
        return reader_version_of(_bytes(path, DEFAULT_LIMITS), path)
    except (OSError, ZipingError):
        return None


def _hash(path: Path) -> str | None:
    try:
        if archive.inside(path) is not None:
            return ids.doc_id(_bytes(path, DEFAULT_LIMITS))
        return ids.read_doc_id(path)
    except (OSError, ZipingError):
        return None


def _bytes(path: Path, limits: Limits) -> bytes:
    """A file's bytes, or an archive member's (`a.zip!b.doc`)."""
    return archive.read_member(path, limits) if archive.inside(path) else path.read_bytes()


def _on_disk(stored: str) -> bool:
    """Whether a stored path still names a file: for a member, its archive."""
    path = Path(os.fsdecode(original_path(stored)))
    return os.path.lexists(archive.inside(path) or path)


def _duplicate(path: Path, doc_id: str, first: str, profile: Profile) -> DocumentRow:
    """The summary's row for a file whose bytes an earlier file of the run already has."""
    from pipeline.batch.document import failed  # noqa: PLC0415  (jieba)

    row = failed(path, doc_id, 0, "", profile).document
    return dataclasses.replace(row, status="duplicate", error=f"same bytes as {first}")
