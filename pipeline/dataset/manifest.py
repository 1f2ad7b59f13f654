"""The committed state of a dataset: `<out>/_ziping/manifest.json`, naming the files that make
up the dataset (pipeline/dataset/store.py says how it is written and read).

Kept apart from the Parquet reading and writing, and free of pyarrow: a run with nothing to
do (`ziping ingest` over an unchanged folder) reads the manifest, checks that no part waits
to be moved or deleted, and records itself, without importing pyarrow.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from schemas import SchemaError

# The tables a document writes rows to; `documents` holds its one row.
DOC_TABLES = ("eval_tables", "indicators", "findings", "claims", "documents")

META = "_ziping"  # manifest and index: hidden from pandas, pyarrow and Spark by the underscore
MANIFEST = "manifest.json"
PART_GLOB = "part-*.parquet"
RETIRED = ".retired"
# A part in today's folders, as the manifest names it (relative to its table's folder).
CURRENT = re.compile(r"year=\d+/province=[^/]+/part-[^/]+\.parquet")
# A batch's part (`part-<run>-00007.parquet`, rewritten: `…-00007-r0.parquet`), as against
# the per-document parts (`part-<short doc_id>.parquet`) of a ziping older than manifests.
BATCH_PART = re.compile(r"part-.+-\d{5}(-r\d+)?\.parquet")


@dataclass(frozen=True)
class Manifest:
    """One committed state of the dataset: its files per table (relative to the table's
    folder), and the index of stored documents (pipeline/dataset/writer.py)."""

    generation: int = 0
    files: dict[str, list[str]] = field(default_factory=dict)
    index: str | None = None
    legacy: bool = False
    """No manifest yet: the files found in the folders (a dataset from an older ziping)."""
    lookup: tuple[str, str] | None = None
    """The index's copy that a run reads without pyarrow, and the sha256 of its bytes
    (`index-<generation>.sqlite`, pipeline/dataset/lookup.py); None: none (an older ziping
    committed last), the index is read from Parquet."""

    def laid_out(self) -> bool:
        """Every part sits in today's folders (else pipeline/dataset/relayout.py moves them)."""
        return all(is_current(n) for names in self.files.values() for n in names)

    def paths(self, out: Path, table: str) -> list[Path]:
        if table == "runs":  # an append-only log, one file per run, outside the batches
            return [out / "runs" / name for name in runs_files(out)]
        return [out / table / name for name in self.files.get(table, [])]


def is_current(name: str) -> bool:
    """A part the manifest names (relative to its table) sits in today's folders."""
    return CURRENT.fullmatch(name) is not None


def manifest_path(out: Path) -> Path:
    return out / META / MANIFEST


def read_manifest(out: Path) -> Manifest:
    """The committed manifest, or (no manifest) the parts found in the table folders."""
    held = _PINNED.get()
    pinned = held.get(out.resolve()) if held else None
    if pinned is not None:
        return pinned
    try:
        raw = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _legacy(out)
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{manifest_path(out)}: unreadable dataset manifest ({exc})") from exc
    lookup = raw.get("lookup")
    named = (str(lookup["name"]), str(lookup["sha256"])) if isinstance(lookup, dict) else None
    return Manifest(int(raw["generation"]), dict(raw["files"]), raw.get("index"), lookup=named)


def _legacy(out: Path) -> Manifest:
    """The per-document parts of a ziping older than manifests. A batch's parts with no
    manifest were never committed: the first commit writes the manifest before any part."""
    files = {}
    for table in DOC_TABLES:
        folder = out / table
        if folder.is_dir():
            files[table] = sorted(
                str(p.relative_to(folder))
                for p in folder.rglob(PART_GLOB)
                if not BATCH_PART.fullmatch(p.name)
            )
    return Manifest(0, files, None, legacy=True)


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Commit `manifest`: the one rename that makes a batch part of the dataset."""
    data: dict[str, object] = {
        "format": 1,
        "generation": manifest.generation,
        "index": manifest.index,
        "files": manifest.files,
    }
    if manifest.lookup is not None:
        data["lookup"] = {"name": manifest.lookup[0], "sha256": manifest.lookup[1]}
    write_atomic_bytes(manifest_path(out), json.dumps(data, ensure_ascii=False).encode())


_PINNED: ContextVar[dict[Path, Manifest] | None] = ContextVar("ziping_pinned", default=None)


@contextlib.contextmanager
def pinned(out: Path) -> Iterator[Manifest]:
    """Read every table of `out` from one manifest inside the block (a report, a query)."""
    manifest = read_manifest(out)
    token = _PINNED.set({**(_PINNED.get() or {}), out.resolve(): manifest})
    try:
        yield manifest
    finally:
        _PINNED.reset(token)


def retired_name(path: Path) -> Path:
    return path.with_name(f".{path.name}{RETIRED}")


def existing(path: Path) -> Path:
    """`path`, or its retired name when a commit after our manifest replaced it."""
    if path.exists():
        return path
    retired = retired_name(path)
    return retired if retired.exists() else path


def write_atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def runs_files(out: Path) -> list[str]:
    folder = out / "runs"
    return sorted(p.name for p in folder.glob(PART_GLOB)) if folder.is_dir() else []
