"""A report is published whole: written to a hidden folder beside its place, then swapped in,
so no one sees a diff.html of one dataset beside a findings.csv of another, and a killed
`ziping report` leaves nothing half-written."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipeline.dataset import disk
from pipeline.dataset.store import pinned
from pipeline.report.write import write_report


def publish_report(data: Path, out: Path) -> dict[str, Path]:
    """Write the report of `data` to `out`, every table read from one committed state of the
    dataset (even during an ingest). Returns the files written, by name. A full disk or a
    folder that cannot be written ends in `disk.StorageError`, `out` left as it was."""
    staging: Path | None = None
    try:
        staging = _staging(out)
        with pinned(data):
            written = write_report(data, staging)
        _swap_in(staging, out)
    except OSError as exc:
        before = "the report there before is left as it was" if out.exists() else "none there"
        kept = f"No file of it was kept ({before})"
        raise disk.stopped(exc, f"report into {out}", kept) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return {name: out / name for name in written}


def _staging(out: Path) -> Path:
    """A fresh hidden folder beside `out` for the report being written; what killed reports
    left beside it is removed first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.report-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.report-", dir=out.parent))


def _swap_in(staging: Path, out: Path) -> None:
    """Replace the report at `out` by the one in `staging` whole (two renames), so no one sees
    a diff.html of one dataset beside a findings.csv of another. A folder holding anything
    else than an earlier report gets the new files one by one instead (never deleted)."""
    if out.exists() and not {p.name for p in out.iterdir()} <= {p.name for p in staging.iterdir()}:
        for path in staging.iterdir():
            if path.is_dir():
                shutil.rmtree(out / path.name, ignore_errors=True)
            path.replace(out / path.name)
        return
    retired = staging.with_name(f"{staging.name}-old")
    if out.exists():
        out.replace(retired)
    staging.replace(out)
    shutil.rmtree(retired, ignore_errors=True)
