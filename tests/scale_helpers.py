"""Shared by the scale, kill and hostile tests: build a mixed corpus, snapshot a dataset."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bench import corpus
from pipeline.dataset import store
from schemas.tables import TABLES
from tests.conftest import RAW

FORMATS_DIR = Path(__file__).parent / "fixtures" / "formats"
VOLATILE = {"ingested_at"}  # the only column that differs between two runs of the same input


def mixed_corpus(folder: Path, generated: int, formats: tuple[str, ...] = corpus.FORMATS) -> Path:
    """The seeds, the format fixtures and `generated` bench documents in one folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in [*sorted(RAW.iterdir()), *sorted(FORMATS_DIR.iterdir())]:
        shutil.copyfile(source, folder / source.name)
    corpus.generate(generated, folder / "generated", seed=11, formats=formats)
    return folder


def snapshot(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table but `runs` (a log of runs) as read back, in reading order, minus ingested_at."""
    return {
        table: [
            {k: v for k, v in row.items() if k not in VOLATILE}
            for row in store.read_arrow(out, table).to_pylist()
        ]
        for table in TABLES
        if table != "runs"
    }


def leftovers(out: Path) -> list[Path]:
    """Temp files a writer left (a clean run leaves none)."""
    return sorted(p for p in out.rglob(".*.tmp"))
