"""What a killed writer leaves in a dataset folder, cleared before the next one writes.

Temp files and parts no manifest names (their documents were never committed, so the run
does them again), index files of earlier commits, and files a commit replaced (`.retired`,
kept a few minutes for readers that took the previous manifest). Free of pyarrow: a run
with nothing to do clears them as a run with work does (pipeline/batch/ingest.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.dataset.manifest import DOC_TABLES, MANIFEST, META, RETIRED, Manifest

RETIRE_SECONDS = 300.0
"""How long a replaced file stays (hidden) for readers that took the previous manifest."""

Retired = list[tuple[float, Path]]
"""Replaced files and when they were retired (ctime)."""


def clear(out: Path, manifest: Manifest) -> tuple[list[str], Retired]:
    """Delete the leftovers of a killed writer; the removed files' names, and the retired
    files found (deleted by `delete_retired` once old enough)."""
    named = {(t, f) for t, fs in manifest.files.items() for f in fs}
    removed: list[str] = []
    retired: Retired = []
    for table in DOC_TABLES:
        folder = out / table
        for entry in _files(folder) if folder.is_dir() else ():
            name, path = entry.name, Path(entry.path)
            stray = name.endswith(".tmp") or (
                name.startswith("part-") and (table, str(path.relative_to(folder))) not in named
            )
            if stray:
                path.unlink(missing_ok=True)
                removed.append(name)
            elif name.endswith(RETIRED):
                retired.append((entry.stat().st_ctime, path))
    runs = out / "runs"  # the runs table is written beside the manifest, not in it
    for path in runs.rglob("*.tmp") if runs.is_dir() else ():
        path.unlink(missing_ok=True)
        removed.append(path.name)
    meta = out / META
    if meta.is_dir():
        kept = {MANIFEST, manifest.index, manifest.lookup and manifest.lookup[0]}
        for path in meta.iterdir():
            if path.name not in kept:
                path.unlink(missing_ok=True)
    return removed, retired


def _files(folder: Path) -> Iterator[os.DirEntry[str]]:
    """The files under `folder`, one folder's listing held at a time (pathlib's rglob keeps
    every path it yielded: thousands of parts in a large dataset)."""
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _files(Path(entry.path))
        elif entry.is_file():
            yield entry


def delete_retired(retired: Retired, before: float | None = None) -> Retired:
    """Delete the retired files older than `before` (default: `RETIRE_SECONDS` ago); the
    others."""
    before = time.time() - RETIRE_SECONDS if before is None else before
    keep = []
    for when, path in retired:
        if when < before:
            path.unlink(missing_ok=True)
        else:
            keep.append((when, path))
    return keep
