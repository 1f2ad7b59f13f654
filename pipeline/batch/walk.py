"""Which files a batch is given: the input folders walked once, in a stable order.

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

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from parsers import archive
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from pipeline.batch import runlock
from pipeline.dataset import store

REPORT_FILES = frozenset({"diff.html", "findings.csv"})


def own_output(folder: Path) -> bool:
    """A folder ziping wrote: a dataset (its manifest or lock) or a report."""
    try:
        return (
            (folder / store.META).is_dir()
            or (folder / runlock.LOCK_NAME).exists()
            or all((folder / name).is_file() for name in REPORT_FILES)
        )
    except OSError:  # a folder we may not look into: the walk says so in its row
        return False


@dataclass
class Walk:
    files: list[Path] = field(default_factory=list)
    """Every document of the batch, in order (the unread ones too: each becomes a row)."""
    unread: dict[str, str] = field(default_factory=dict)
    """Why a path of `files` is not read, by `str(path)`."""


def walk(
    paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS, follow_symlinks: bool = False
) -> Walk:
    """The files under `paths` (folders searched recursively, sorted), archives expanded."""
    paths = list(paths)
    found = _Walker([_real(p) for p in paths], follow_symlinks)
    for path in paths:
        if path.is_dir():
            found.folder(path)
        else:
            found.result.files.append(path)  # named by the user: read whatever it is
    result = Walk(unread=found.result.unread)
    for path in found.result.files:
        expanded = [path] if str(path) in result.unread else archive.expand(path, limits)
        result.files.extend(expanded)
    return result


def discover(paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS) -> list[Path]:
    """The files under `paths` that a batch reads (`walk` also lists the ones it will not)."""
    found = walk(paths, limits)
    return [path for path in found.files if str(path) not in found.unread]


class _Walker:
    def __init__(self, roots: list[Path], follow_symlinks: bool) -> None:
        self.roots = roots
        self.follow = follow_symlinks
        self.result = Walk()
        self.visited: set[Path] = set()  # real folders walked: a link loop is walked once

    def folder(self, folder: Path) -> None:
        real = _real(folder)
        if real in self.visited:
            return
        self.visited.add(real)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            self.refuse(folder, f"folder cannot be listed: {exc.strerror or exc}")
            return
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            if entry.is_symlink() and not self.linked(path):
                continue
            if _is_dir(path):
                subfolders.append(path)
            else:
                self.result.files.append(path)
        for path in subfolders:  # files of a folder before its subfolders, as os.walk
            if not own_output(path):
                self.folder(path)

    def linked(self, link: Path) -> bool:
        """Whether to follow the symbolic link `link` (else it is refused, with its reason)."""
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
        self.result.files.append(path)
        self.result.unread[str(path)] = reason


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
