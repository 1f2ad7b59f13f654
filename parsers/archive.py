"""Archives as published (.zip, .7z, .rar): their members, one by one, as documents.

`members(data, path, limits)` yields each member file as `Member(path, data, error)` with the
path `archive!member` (nested archives: `a.zip!b.7z!c.doc`); the batch reads each as a
document of its own (doc_id: sha256 of the member's bytes). Nothing is written to disk.

Limits (parsers/limits.py), each checked on what the archive declares and again on what
is really inflated: members per archive, bytes per member (`max_bytes`, as for a file),
bytes inflated per archive (`max_unzipped_bytes`), nesting depth. A member that breaks a
per-member limit, escapes its folder (`../`, an absolute path), is encrypted or cannot be
inflated is yielded with an `error` (it becomes an error row, the rest goes on); an archive
that breaks a per-archive limit raises ParseError before anything is inflated.

Hidden members (`.name`, macOS's `__MACOSX/`) are skipped, as hidden files in a folder are.
Zip names without the UTF-8 flag (bit 11) are in the writer's code page; Chinese Windows
writes GBK, which Python's zipfile has decoded as cp437, so such names are re-decoded as GBK
when they can be. 7z names are Unicode. RAR needs rarfile and a system tool to inflate
(bsdtar from libarchive-tools, or unrar/unar); without one, each compressed member is an
error naming what to install.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self

from parsers import sniff
from parsers.limits import Limits, check_size
from schemas import ParseError

FORMATS = frozenset({"zip", "7z", "rar"})
SEP = "!"  # between an archive's path and its member's: a.zip!报告/b.doc
_MAGIC = (b"PK\x03\x04", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")
RAR_TOOLS = "libarchive-tools (bsdtar), unrar or unar"
_UTF8_NAMES = 0x800  # zip general-purpose flag bit 11


@dataclass(frozen=True, slots=True)
class Member:
    """One member file: its path (`archive!member`) and bytes, or why it was not read."""

    path: str
    data: bytes = b""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    size: int  # as declared


class _Archive(Protocol):
    def __init__(self, data: bytes, path: str) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *_: object) -> None: ...
    def entries(self) -> list[_Entry]: ...
    def read(self, entry: _Entry, limit: int) -> bytes:
        """The member's bytes, at most `limit` (+1 to tell an overlong member)."""
        ...


def is_archive(data: bytes, path: str) -> bool:
    return sniff.sniff(data, path) in FORMATS


def expand(path: Path, limits: Limits) -> list[Path]:
    """`path` itself, or when it is an archive, the paths of its members (`a.zip!b.doc`).
    An archive that cannot be listed stays one path: reading it reports why. Only a regular
    file is opened: a FIFO would block until a writer comes, a device never end."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return [path]
        with path.open("rb") as stream:
            head = stream.read(8)
        if not head.startswith(_MAGIC) or path.stat().st_size > limits.max_bytes:
            return [path]
        data = path.read_bytes()
        if not is_archive(data, str(path)):
            return [path]
        return [Path(m.path) for m in members(data, str(path), limits)]
    except (OSError, ParseError):
        return [path]


def inside(path: Path) -> Path | None:
    """The archive file holding `path` when `path` names a member (`a.zip!b.doc`), else None."""
    text = str(path)
    at = text.find(SEP)
    while at != -1:
        if Path(text[:at]).is_file():
            return Path(text[:at])
        at = text.find(SEP, at + 1)
    return None


def read_member(path: Path, limits: Limits) -> bytes:
    """The bytes of the member `path` names (`a.zip!b.7z!c.doc`). Raises ParseError."""
    archive = inside(path)
    if archive is None:
        raise ParseError(f"{path}: no archive holds it")
    check_size(archive.stat().st_size, str(archive), limits)
    wanted = str(path)
    for member in members(archive.read_bytes(), str(archive), limits, only=wanted):
        if member.path == wanted:
            if member.error:
                raise ParseError(member.error)
            return member.data
    raise ParseError(f"{path}: the archive no longer holds this member")


def members(
    data: bytes, path: str, limits: Limits, only: str | None = None, depth: int = 1
) -> Iterator[Member]:
    """Every member file of the archive `data` (the bytes of `path`), nested ones unpacked.

    `only`: the path of the one member wanted (the others, and archives not on its way, are
    not inflated)."""
    fmt = sniff.sniff(data, path)
    with _open(fmt, data, path) as archive:
        entries = archive.entries()
        _check_archive(entries, path, limits)
        inflated = 0
        for entry in entries:
            where = f"{path}{SEP}{entry.name}"
            if _hidden(entry.name) or (
                only is not None and only != where and not only.startswith(where + SEP)
            ):
                continue
            problem = _refuse(entry, limits)
            if problem:
                yield Member(where, error=f"{where}: {problem}")
                continue
            try:
                content = archive.read(entry, limits.max_bytes)
            except ParseError as exc:
                yield Member(where, error=str(exc))
                continue
            inflated += len(content)
            if len(content) > limits.max_bytes:
                yield Member(
                    where, error=f"{where}: {_refuse(_Entry(where, len(content)), limits)}"
                )
                continue
            if inflated > limits.max_unzipped_bytes:
                raise ParseError(_too_much(path, inflated, limits))
            yield from _member(where, content, limits, only, depth)


def _open(fmt: str, data: bytes, path: str) -> _Archive:
    if fmt == "zip":
        return _Zip(data, path)
    return _SevenZip(data, path) if fmt == "7z" else _Rar(data, path)


def _member(
    where: str, content: bytes, limits: Limits, only: str | None, depth: int
) -> Iterator[Member]:
    if not (content and is_archive(content, where)):
        yield Member(where, content)
    elif depth >= limits.max_archive_depth:
        yield Member(
            where,
            error=f"{where}: an archive nested {depth + 1} deep, over the limit "
            f"max_archive_depth={limits.max_archive_depth}",
        )
    else:
        try:
            yield from members(content, where, limits, only, depth + 1)
        except ParseError as exc:
            yield Member(where, error=str(exc))


def _check_archive(entries: list[_Entry], path: str, limits: Limits) -> None:
    if len(entries) > limits.max_zip_members:
        raise ParseError(
            f"{path}: archive has {len(entries):,} members, over the limit "
            f"max_zip_members={limits.max_zip_members:,}"
        )
    total = sum(e.size for e in entries)
    if total > limits.max_unzipped_bytes:
        raise ParseError(_too_much(path, total, limits))


def _too_much(path: str, total: int, limits: Limits) -> str:
    return (
        f"{path}: archive would inflate to {total:,} bytes, over the limit "
        f"max_unzipped_bytes={limits.max_unzipped_bytes:,} (raise it with --max-unzipped-bytes)"
    )


def _hidden(name: str) -> bool:
    """Hidden entries, as in a folder, and the resource forks macOS adds (__MACOSX/)."""
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") and part != ".." for part in parts)


def _refuse(entry: _Entry, limits: Limits) -> str | None:
    """Why a member is not read, or None."""
    name = entry.name
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        return "member path leaves the archive's folder (absolute or ../); not read"
    if entry.size > limits.max_bytes:
        return (
            f"member is {entry.size:,} bytes, over the limit max_bytes={limits.max_bytes:,} "
            "(raise it with --max-bytes)"
        )
    return None


class _Zip:
    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ParseError(f"{path}: broken zip archive ({exc})") from exc

    def __enter__(self) -> _Zip:
        return self

    def __exit__(self, *_: object) -> None:
        self.zf.close()

    def entries(self) -> list[_Entry]:
        self.infos = {
            _zip_name(i): i for i in self.zf.infolist() if not i.is_dir() and not _is_link(i)
        }
        return [_Entry(name, info.file_size) for name, info in self.infos.items()]

    def read(self, entry: _Entry, limit: int) -> bytes:
        info = self.infos[entry.name]
        if info.flag_bits & 0x1:
            raise ParseError(f"{self.path}!{entry.name}: encrypted member (password required)")
        try:
            with self.zf.open(info) as member:
                content = member.read(limit + 1)  # zipfile stops at the declared size
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ParseError(f"{self.path}!{entry.name}: cannot inflate ({exc})") from exc
        return content


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name, GBK names written without the UTF-8 flag decoded as GBK."""
    name = info.filename
    if not info.flag_bits & _UTF8_NAMES:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return posixpath.normpath(name.replace("\\", "/")) if ".." not in name else name


def _is_link(info: zipfile.ZipInfo) -> bool:
    return (info.external_attr >> 16) & 0o170000 == 0o120000


class _SevenZip:
    def __init__(self, data: bytes, path: str) -> None:
        import py7zr  # noqa: PLC0415  (only archives need it)

        self.path = path
        self.py7zr = py7zr
        try:
            self.archive = py7zr.SevenZipFile(io.BytesIO(data))
        except (py7zr.Bad7zFile, py7zr.PasswordRequired, OSError, ValueError, EOFError) as exc:
            raise ParseError(f"{path}: broken or encrypted 7z archive ({exc})") from exc

    def __enter__(self) -> _SevenZip:
        return self

    def __exit__(self, *_: object) -> None:
        self.archive.close()

    def entries(self) -> list[_Entry]:
        return [
            _Entry(i.filename, i.uncompressed)
            for i in self.archive.list()
            if not i.is_directory and not i.is_symlink
        ]

    def read(self, entry: _Entry, limit: int) -> bytes:
        from py7zr.io import BytesIOFactory  # noqa: PLC0415

        factory = BytesIOFactory(limit + 1)
        try:
            self.archive.reset()
            self.archive.extract(targets=[entry.name], factory=factory)
            product = factory.products[entry.name]
        except (self.py7zr.exceptions.ArchiveError, OSError, ValueError, KeyError) as exc:
            raise ParseError(f"{self.path}!{entry.name}: cannot inflate ({exc})") from exc
        product.seek(0)
        return bytes(product.read())


class _Rar:
    def __init__(self, data: bytes, path: str) -> None:
        import rarfile  # noqa: PLC0415  (only archives need it)

        self.path = path
        self.rarfile = rarfile
        try:
            self.archive = rarfile.RarFile(io.BytesIO(data))
        except (rarfile.Error, OSError, ValueError) as exc:
            raise ParseError(f"{path}: broken or encrypted rar archive ({exc})") from exc

    def __enter__(self) -> _Rar:
        return self

    def __exit__(self, *_: object) -> None:
        self.archive.close()

    def entries(self) -> list[_Entry]:
        return [_Entry(i.filename, i.file_size) for i in self.archive.infolist() if i.is_file()]

    def read(self, entry: _Entry, limit: int) -> bytes:
        try:
            with self.archive.open(entry.name) as member:
                return bytes(member.read(limit + 1))
        except self.rarfile.RarCannotExec as exc:
            raise ParseError(
                f"{self.path}!{entry.name}: inflating RAR needs a system tool; install {RAR_TOOLS}"
            ) from exc
        except (self.rarfile.Error, OSError, ValueError) as exc:
            raise ParseError(f"{self.path}!{entry.name}: cannot inflate ({exc})") from exc
