"""Which files a run reads: the rest are unchanged, duplicates, or gone from their folder.

A file whose path, size and modification time match the dataset's index (and whose profile
and reader version are the run's) is not opened (as make and rsync decide; `--checksum`
hashes it and compares the bytes instead). A file to read is hashed here, so that a second
copy of the same bytes in the run is reported by name instead of being read twice. Files the
index holds that are no longer on disk are listed (`--prune` removes their rows).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import parsers
from parsers import archive
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline.batch.safe import original_path, stored_path
from pipeline.dataset.writer import Stored, Writer
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


def plan(
    files: Iterable[Path], writer: Writer, profile: Profile, limits: Limits, choices: Choices
) -> Plan:
    """Go through `files` once (a stream: nothing per file is kept but a todo entry)."""
    result = Plan()
    seen: dict[str, str] = {}  # doc_id -> the first path with those bytes in this run
    versions: dict[str | None, str | None] = {}
    for index, path in enumerate(files):
        name = stored_path(str(path))
        reason = choices.unread.get(str(path))
        if reason is not None:
            old = writer.lookup(name)
            same = old is not None and old.doc_id == unread_id(path, reason)
            if same and not choices.force and old is not None and old.profile == profile.name:
                result.skipped += 1
            else:
                result.todo.append((index, path))  # becomes its row with the walk's reason
            continue
        try:
            info = (archive.inside(path) or path).stat()  # a member changes with its archive
        except OSError:
            result.todo.append((index, path))  # becomes its error row
            continue
        regular = stat.S_ISREG(info.st_mode) and info.st_size <= limits.max_bytes
        old = writer.lookup(name)
        doc_id = None
        if old is not None and not choices.force and _same_reader(old, profile, path, versions):
            same_stat = (old.size, old.mtime_ns) == (info.st_size, info.st_mtime_ns)
            doc_id = None if same_stat and not choices.checksum else _hash(path) if regular else ""
            if doc_id is None or doc_id == old.doc_id:
                seen.setdefault(old.doc_id, name)
                result.skipped += 1
                continue
        if not doc_id:
            doc_id = _hash(path) if regular else None
        first = seen.get(doc_id) if doc_id else None
        if doc_id is not None and first is not None and first != name:
            result.duplicates.append((index, _duplicate(path, doc_id, first, profile)))
            continue
        if doc_id is not None:
            seen[doc_id] = name
        result.todo.append((index, path))
    result.missing = [s for s in writer.entries() if not _on_disk(s.path)]
    return result


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
