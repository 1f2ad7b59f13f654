"""Which files a batch is given: the input folders walked once, in the string order of the
names the files are stored under (the order of the dataset's index, so that a re-run merges
the two like `comm`, holding neither whole: pipeline/batch/plan.py).

Hidden entries and ziping's own outputs (datasets and reports, wherever they sit) are left
out. Everything else the walk meets becomes a document row, read or not: a file the walk
will not read is listed with the reason (`Walk.unread`), so an auditor sees that it was there.
- A symbolic link is followed only to a target inside the input folders (a second name of a
  file already there); one pointing outside them (`report.txt -> /etc/passwd`) is not
  followed unless asked (`follow_symlinks`), nor a broken one.
- A folder that cannot be listed (no permission) is one row: its files are unknown.
- FIFOs, devices and sockets are kept as paths: the document reader refuses them unopened.
An archive (.zip/.7z/.rar) stands for its members, `archive!member` (parsers/archive.py).
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parsers import archive
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline.batch import runlock
from pipeline.batch.names import stored_path
from pipeline.dataset import manifest

REPORT_FILES = frozenset({"diff.html", "findings.csv"})


def own_output(folder: Path) -> bool:
    """A folder ziping wrote: a dataset (its manifest or lock) or a report."""
    try:
        return (
            (folder / manifest.META).is_dir()
            or (folder / runlock.LOCK_NAME).exists()
            or all((folder / name).is_file() for name in REPORT_FILES)
        )
    except OSError:  # a folder we may not look into: the walk says so in its row
        return False


@dataclass
class Walk:
    files: Iterable[Path] = field(default_factory=list)
    """Every document of the batch in the order of their stored names (the unread ones too:
    each becomes a row): a list from `walk`, an iterator from `stream`."""
    unread: dict[str, str] = field(default_factory=dict)
    """Why a path of `files` is not read, by `str(path)` (from `stream`: filled as the files
    are met, each before it is yielded)."""


def stream(
    paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS, follow_symlinks: bool = False
) -> Walk:
    """The files under `paths` (folders searched recursively), archives expanded, yielded one
    at a time as they are found, in the order of the names they are stored under (plain
    string order, as the dataset's index is sorted: `pipeline/batch/plan.py` merges the two).
    Only one folder's listing is held at a time, not the list of every file."""
    walker = _Walker([_real(p) for p in paths], follow_symlinks, limits)
    found = [walker.root(path) for path in paths]
    return Walk(heapq.merge(*found, key=order), walker.unread)


def walk(
    paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS, follow_symlinks: bool = False
) -> Walk:
    """`stream`, listed."""
    found = stream(list(paths), limits, follow_symlinks)
    return Walk(list(found.files), found.unread)


def discover(paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """The files under `paths` that a batch reads (`walk` also lists the ones it will not)."""
    found = walk(paths, limits)
    return [path for path in found.files if str(path) not in found.unread]


def order(path: Path) -> str:
    """Where a file comes in the walk: its name as stored."""
    return stored_path(str(path))


class _Walker:
    def __init__(self, roots: list[Path], follow_symlinks: bool, limits: Limits) -> None:
        self.roots = roots
        self.follow = follow_symlinks
        self.limits = limits
        self.unread: dict[str, str] = {}
        self.visited: set[Path] = set()  # real folders walked: a link loop is walked once

    def root(self, path: Path) -> Iterator[Path]:
        if path.is_dir():
            yield from self.folder(path)
        else:  # named by the user: read whatever it is
            yield from sorted(archive.expand(path, self.limits), key=order)

    def folder(self, folder: Path) -> Iterator[Path]:
        """The files under `folder` in string order of their stored names: its entries sorted
        with a folder's name as `name/`, so that everything under it comes at that place."""
        real = _real(folder)
        if real in self.visited:
            return
        self.visited.add(real)
        try:
            with os.scandir(folder) as listing:
                names = [(entry.name, entry.is_symlink(), _is_dir(entry)) for entry in listing]
        except OSError as exc:
            self.refuse(folder, f"folder cannot be listed: {exc.strerror or exc}")
            yield folder
            return
        for _, path, is_folder in sorted(self.entries(folder, names)):
            if is_folder:
                yield from self.folder(path)
            else:
                yield path

    def entries(
        self, folder: Path, names: list[tuple[str, bool, bool]]
    ) -> Iterator[tuple[str, Path, bool]]:
        """(order, path, whether a folder to walk) of the entries of one folder: a file is its
        archive's members; a folder that cannot be listed is a file with the reason."""
        for name, is_link, is_dir in names:
            if name.startswith("."):
                continue
            path = folder / name
            if is_link and not self.linked(path):
                if str(path) in self.unread:
                    yield order(path), path, False
                continue
            if is_dir:
                why = _unlistable(path)  # found now, so that its row comes at its name's place
                if why is not None:
                    self.refuse(path, f"folder cannot be listed: {why}")
                    yield order(path), path, False
                elif not own_output(path):
                    yield order(path) + "/", path, True
                continue
            members = [path] if str(path) in self.unread else archive.expand(path, self.limits)
            for member in members:
                yield order(member), member, False

    def linked(self, link: Path) -> bool:
        """Whether to follow the symbolic link `link` (else it is refused, with its reason,
        or left out as a second name of a folder walked already)."""
        target = Path(os.path.realpath(link))
        if not target.exists():
            self.refuse(link, f"broken symbolic link to {link.readlink()}")
            return False
        if target.is_dir() and not self.follow and self.inside(target):
            return False  # a second name of a folder walked already: its files come by theirs
        if self.follow or self.inside(target):
            return True
        kind = "a folder" if target.is_dir() else "a file"
        self.refuse(
            link,
            f"symbolic link to {kind} outside the input folders ({target}): not followed "
            "(--follow-symlinks reads it)",
        )
        return False

    def inside(self, target: Path) -> bool:
        return any(target == root or target.is_relative_to(root) for root in self.roots)

    def refuse(self, path: Path, reason: str) -> None:
        self.unread[str(path)] = reason


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _unlistable(folder: Path) -> str | None:
    """Why `folder` cannot be listed, or None."""
    try:
        with os.scandir(folder):
            return None
    except OSError as exc:
        return str(exc.strerror or exc)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder, or a link to one (from the listing, for most entries
    without asking the file system again)."""
    try:
        return entry.is_dir()
    except OSError:
        return False
