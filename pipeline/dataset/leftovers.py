"""What a killed writer leaves in a dataset folder, cleared before the next one writes.

Temp files and parts no manifest names (their documents were never committed, so the run
does them again), index files of earlier commits, and files a commit replaced (`.retired`,
kept a few minutes for readers that took the previous manifest). Free of pyarrow: a run
with nothing to do clears them as a run with work does (pipeline/batch/ingest.py).
"""

from __future__ import annotations

import time
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
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            stray = path.name.endswith(".tmp") or (
                path.name.startswith("part-")
                and (table, str(path.relative_to(folder))) not in named
            )
            if stray:
                path.unlink(missing_ok=True)
                removed.append(path.name)
            elif path.name.endswith(RETIRED):
                retired.append((path.stat().st_ctime, path))
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
