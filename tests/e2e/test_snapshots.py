"""Readers during an ingest see each document before or after, never half; the dataset
follows its folder (changed files replaced, deleted ones listed or pruned)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import corpus
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.batch.walk import discover
from pipeline.cli import main
from pipeline.dataset import load, store
from pipeline.dataset.query import run_query
from pipeline.report.write import write_report
from schemas import ZipingError
from schemas.profile import Profile, load_profile
from schemas.tables import DocumentRow
from tests.conftest import RAW
from tests.scale_helpers import snapshot

CONSISTENT = """
SELECT (SELECT coalesce(sum(n_indicators), 0) FROM documents) AS promised,
       (SELECT count(*) FROM indicators) AS stored,
       (SELECT count(*) FROM documents) AS documents
"""


def _consistent(out: Path) -> int:
    """Check one committed state: every document's indicator rows are all there and no row
    is without its document. Returns the number of documents seen."""
    with store.pinned(out):
        documents = load.read_rows(out, "documents")
        indicators = load.read_rows(out, "indicators")
    promised = {d["doc_id"]: d["n_indicators"] for d in documents}
    counts: dict[str, int] = {}
    for row in indicators:
        counts[row["doc_id"]] = counts.get(row["doc_id"], 0) + 1
    assert set(counts) <= set(promised)
    assert all(counts.get(doc, 0) == n for doc, n in promised.items())
    return len(documents)


def test_query_and_report_during_an_ingest_see_whole_documents(
    tmp_path: Path, central: Profile
) -> None:
    folder = tmp_path / "in"
    corpus.generate(120, folder, seed=5, formats=("txt", "html"))
    out = tmp_path / "out"
    options = BatchOptions(workers=2, flush_docs=10)
    worker = threading.Thread(
        target=ingest, args=(sorted(folder.glob("*.*")), out, central), kwargs={"options": options}
    )
    worker.start()
    seen: set[int] = set()
    reports = 0
    while worker.is_alive():
        if (out / store.META / store.MANIFEST).exists():
            seen.add(_consistent(out))
            row = run_query(out, CONSISTENT).iloc[0]
            assert row["promised"] == row["stored"]
            if reports < 2:
                with store.pinned(out):
                    write_report(out, tmp_path / f"report{reports}")
                reports += 1
    worker.join()
    assert _consistent(out) == 120
    assert len(seen) >= 2, seen  # the readers did see the dataset grow, batch by batch
    assert reports >= 1


def test_changed_and_deleted_files_follow_the_folder(tmp_path: Path, central: Profile) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in RAW.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out"
    ingest(sorted(folder.iterdir()), out, central)
    seed4 = folder / "004_d94ddf866f172c18.txt"
    seed4.write_text(seed4.read_text("utf-8").replace("\t91.23分\n", "\t93.23分\n"), "utf-8")
    gone = folder / "001_c772b85144f092d4.txt"
    gone.unlink()
    kept = ingest(sorted(folder.iterdir()), out, central)
    assert kept.skipped == 1 and kept.missing == [str(gone)]
    assert len(load.read_table(out, DocumentRow)) == 3  # reported, kept
    pruned = ingest(sorted(folder.iterdir()), out, central, options=BatchOptions(prune=True))
    assert pruned.skipped == 2 and pruned.pruned
    clean = tmp_path / "clean"
    ingest(sorted(folder.iterdir()), clean, central)
    assert snapshot(out) == snapshot(clean)


def test_a_profile_switch_is_whole_per_document(tmp_path: Path, central: Profile) -> None:
    out = tmp_path / "out"
    ingest(sorted(RAW.iterdir()), out, central)
    provincial = load_profile("provincial")
    with pytest.raises(ZipingError, match="would mix profiles in one dataset"):
        ingest(sorted(RAW.iterdir()), out, provincial)
    summary = ingest(sorted(RAW.iterdir()), out, provincial, options=BatchOptions(force=True))
    assert summary.skipped == 0
    tables = load.load(out, "eval_tables")
    assert set(tables.profile) == {"provincial"}
    clean = tmp_path / "clean"
    ingest(sorted(RAW.iterdir()), clean, provincial)
    assert snapshot(out) == snapshot(clean)


def test_own_outputs_are_not_input_and_out_inside_input_is_refused(
    tmp_path: Path, central: Profile
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in RAW.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    runner = CliRunner()
    inside = runner.invoke(main, ["ingest", str(folder), "--out", str(folder / "data")])
    assert inside.exit_code == 2 and "is inside the input" in inside.output
    out = tmp_path / "out"
    ingest(sorted(folder.iterdir()), out, central)
    clean = snapshot(out)
    shutil.copytree(out, folder / "old-dataset")  # an earlier dataset and report in the folder
    report = runner.invoke(main, ["report", "--data", str(out), "--out", str(folder / "rep")])
    assert report.exit_code == 0, report.output
    assert discover([folder]) == sorted(folder.glob("*.txt"))
    again = tmp_path / "again"
    ingest(discover([folder]), again, central)
    assert snapshot(again) == clean
