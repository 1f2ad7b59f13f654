"""Parallel and distributed ingest give the serial dataset; re-runs skip; one writer at a time."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.batch import executors, runlock
from pipeline.batch.ingest import BatchOptions, _Job, _run_one, ingest
from pipeline.cli import main
from pipeline.dataset import load, store
from pipeline.dataset.writer import Writer
from schemas import ZipingError
from schemas.profile import Profile
from schemas.tables import DocumentRow, IndicatorRow, RunRow
from tests.scale_helpers import leftovers, mixed_corpus, snapshot


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mixed_corpus(tmp_path_factory.mktemp("mixed"), generated=24)


@pytest.fixture(scope="module")
def serial(mixed: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serial")
    _ingest(mixed, out, "--workers", "1")
    return out


def _ingest(folder: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["ingest", str(folder), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_corpus_covers_every_format(serial: Path) -> None:
    documents = load.read_table(serial, DocumentRow)
    assert {d.format for d in documents if d.status != "error"} >= {
        "txt",
        "docx",
        "html",
        "xlsx",
        "pdf",
    }
    assert len(load.read_table(serial, IndicatorRow)) > 300


def test_two_workers_write_the_serial_dataset(mixed: Path, serial: Path, tmp_path: Path) -> None:
    _ingest(mixed, tmp_path, "--workers", "2")
    assert snapshot(tmp_path) == snapshot(serial)
    assert not leftovers(tmp_path)


def test_dask_local_cluster_writes_the_serial_dataset(
    mixed: Path, serial: Path, tmp_path: Path
) -> None:
    _ingest(mixed, tmp_path, "--executor", "dask", "--workers", "2")
    assert snapshot(tmp_path) == snapshot(serial)


def test_row_order_does_not_depend_on_completion_order(serial: Path, tmp_path: Path) -> None:
    """Readers order rows by document: parts written backwards read the same."""
    shutil.copytree(serial / store.META, tmp_path / store.META)
    for table in ("documents", "indicators"):
        for part in sorted((serial / table).rglob("part-*.parquet"), reverse=True):
            copy = tmp_path / part.relative_to(serial)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(part, copy)
        assert store.read_arrow(tmp_path, table).equals(store.read_arrow(serial, table))
        ours = pd.read_parquet(tmp_path / table)
        theirs = pd.read_parquet(serial / table)
        pd.testing.assert_frame_equal(ours, theirs)


def test_rerun_skips_every_unchanged_document(mixed: Path, tmp_path: Path) -> None:
    _ingest(mixed, tmp_path, "--workers", "2")
    parts = {
        p: p.stat().st_mtime_ns for p in tmp_path.rglob("part-*.parquet") if "runs" not in str(p)
    }
    before = snapshot(tmp_path)
    output = _ingest(mixed, tmp_path, "--workers", "2")
    seen = len(load.read_table(tmp_path, DocumentRow))
    assert f"unchanged since the last run, skipped: {seen}" in output
    assert {p: p.stat().st_mtime_ns for p in parts} == parts  # nothing rewritten
    assert snapshot(tmp_path) == before
    runs = load.read_table(tmp_path, RunRow)
    assert [(r.documents_seen, r.skipped) for r in runs] == [(seen, 0), (seen, seen)]
    assert all(r.finished_at is not None and r.version and r.profile == "central" for r in runs)
    output = _ingest(mixed, tmp_path, "--workers", "2", "--force")
    assert "skipped" not in output
    assert snapshot(tmp_path) == before


def test_another_profile_redoes_the_documents(tmp_path: Path, central: Profile) -> None:
    seed = tmp_path / "in" / "seed.txt"
    seed.parent.mkdir()
    shutil.copyfile(Path(__file__).parents[2] / "data/raw/004_d94ddf866f172c18.txt", seed)
    ingest([seed], tmp_path / "out", central)
    other = dataclasses.replace(central, name="central-copy")
    with pytest.raises(ZipingError, match="would mix profiles in one dataset"):
        ingest([seed], tmp_path / "out", other)  # one dataset, one profile, unless asked
    summary = ingest([seed], tmp_path / "out", other, options=BatchOptions(force=True))
    assert summary.skipped == 0
    assert load.read_table(tmp_path / "out", DocumentRow)[0].profile == "central-copy"


def test_same_bytes_under_two_names_are_one_document(tmp_path: Path, central: Profile) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    seed = Path(__file__).parents[2] / "data/raw/004_d94ddf866f172c18.txt"
    for name in ("a.txt", "b.txt"):
        shutil.copyfile(seed, folder / name)
    files = sorted(folder.iterdir())
    summary = ingest(files, tmp_path / "out", central, options=BatchOptions(workers=2))
    assert [d.status for d in summary.results] == ["ok", "duplicate"]
    documents = load.read_table(tmp_path / "out", DocumentRow)
    assert [Path(d.path).name for d in documents] == ["a.txt"]


def test_a_second_ingest_fails_naming_the_holder(tmp_path: Path) -> None:
    raw = Path(__file__).parents[2] / "data" / "raw"
    with runlock.hold(tmp_path):
        result = CliRunner().invoke(main, ["ingest", str(raw), "--out", str(tmp_path)])
        assert result.exit_code == 1
        assert result.output.startswith("Error: ")
        assert "being written by another ingest (pid " in result.output
        assert f"pid {os.getpid()} on " in result.output
        assert "--wait SECONDS" in result.output
        result = CliRunner().invoke(
            main, ["ingest", str(raw), "--out", str(tmp_path), "--wait", "0.3"]
        )
        assert result.exit_code == 1 and "after waiting 0.3 s" in result.output
    assert not (tmp_path / "documents").exists()  # nothing was written while locked


def test_a_waiting_ingest_runs_when_the_lock_is_released(tmp_path: Path) -> None:
    raw = Path(__file__).parents[2] / "data" / "raw"
    released = threading.Event()

    def hold_briefly() -> None:
        with runlock.hold(tmp_path):
            holding.set()
            time.sleep(0.5)
        released.set()

    holding = threading.Event()
    thread = threading.Thread(target=hold_briefly)
    thread.start()
    holding.wait(5)
    result = CliRunner().invoke(
        main, ["ingest", str(raw), "--out", str(tmp_path), "--wait", "30", "--workers", "1"]
    )
    thread.join()
    assert released.is_set()
    assert result.exit_code == 0, result.output
    assert len(load.read_table(tmp_path, DocumentRow)) == 3


def test_recover_removes_what_a_killed_writer_left(tmp_path: Path, central: Profile) -> None:
    raw = sorted((Path(__file__).parents[2] / "data" / "raw").iterdir())
    ingest(raw, tmp_path, central)
    clean = snapshot(tmp_path)
    # killed after writing a batch's files, before the manifest named them
    stray = tmp_path / "indicators" / "year=2024" / "part-killed-00009.parquet"
    stray.write_bytes((tmp_path / "indicators").rglob("part-*.parquet").__next__().read_bytes())
    (tmp_path / "indicators" / ".part-x.parquet.123.tmp").write_bytes(b"half")
    assert snapshot(tmp_path) == clean  # readers see only what a manifest committed
    with Writer(tmp_path, "recover") as writer:
        assert sorted(writer.recover()) == [".part-x.parquet.123.tmp", stray.name]
    assert not leftovers(tmp_path) and not stray.exists()
    ingest(raw, tmp_path, central)
    assert snapshot(tmp_path) == clean


def _parts(out: Path) -> list[Path]:
    return sorted(p for table in store.DOC_TABLES for p in (out / table).rglob("part-*.parquet"))


def test_a_first_commit_killed_before_its_manifest_leaves_nothing_a_rerun_keeps(
    tmp_path: Path, central: Profile
) -> None:
    raw = sorted((Path(__file__).parents[2] / "data" / "raw").iterdir())
    ingest(raw, tmp_path / "clean", central)
    clean = snapshot(tmp_path / "clean")
    for case in ("manifest first", "no manifest"):  # this writer's order; an older writer's
        out = tmp_path / case
        if case == "manifest first":
            with Writer(out, "first") as writer:
                writer.recover()
            assert store.read_manifest(out).generation == 0 and snapshot(out) == empty(clean)
        # the kill: every part of the batch written but `documents` (the last one)
        for part in _parts(tmp_path / "clean"):
            if part.parts[-3] != "documents":
                copy = out / part.relative_to(tmp_path / "clean")
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(part.read_bytes())
        assert snapshot(out) == empty(clean), case  # nothing committed, nothing read
        done = ingest(raw, out, central)
        assert done.skipped == 0 and snapshot(out) == clean, case  # not stored twice


def empty(snap: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {table: [] for table in snap}


def test_a_dataset_of_one_part_per_document_is_adopted_whole(
    tmp_path: Path, central: Profile
) -> None:
    """A dataset from a ziping older than manifests: its rows are kept, not read again."""
    raw = sorted((Path(__file__).parents[2] / "data" / "raw").iterdir())
    out = tmp_path / "out"
    ingest(raw, out, central)
    clean = snapshot(out)
    for part in _parts(out):  # one file per document, no manifest, no index
        data = pq.read_table(part)
        for doc_id in set(data.column("doc_id").to_pylist()):
            rows = data.filter(pc.equal(data.column("doc_id"), doc_id))
            pq.write_table(rows, part.with_name(f"part-{doc_id[:12]}.parquet"))
        part.unlink()
    shutil.rmtree(out / store.META)
    assert snapshot(out) == clean
    again = ingest(raw, out, central)
    assert again.skipped == len(raw) and snapshot(out) == clean  # hashed: the same bytes
    adopted = store.read_manifest(out)
    assert not adopted.legacy and adopted.index and len(adopted.files["documents"]) == 3


def _die_on_b(item: str) -> str:
    if item == "b":
        os._exit(3)  # what a segfault in a C reader looks like from the pool
    return item.upper()


def test_a_worker_that_dies_costs_only_its_own_document() -> None:
    results = list(
        executors.LocalPool(2).run(_die_on_b, ["a", "b", "c", "d"], lambda i, why: f"{i}:{why}")
    )
    assert sorted(results) == ["A", "C", "D", "b:the worker process died while reading it (twice)"]


def _stuck_in_c(item: str) -> str:
    """What a reader stuck in C code looks like: the time limit's signal cannot get in."""
    if item == "stuck":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    return executors.call_with_timeout(_slow_when_stuck, 0.3, item)


def _slow_when_stuck(item: str) -> str:
    if item == "stuck":
        time.sleep(60)
    return item.upper()


def test_a_worker_stuck_in_c_is_killed_and_its_document_fails() -> None:
    pool = executors.LocalPool(2, hang_after=1.5)
    results = list(pool.run(_stuck_in_c, ["a", "stuck", "b", "c"], lambda i, why: f"{i}: {why}"))
    assert sorted(results)[:3] == ["A", "B", "C"]
    assert results[-1].startswith("stuck: no answer within 1.5 s, stuck where the time limit")


def test_call_with_timeout_stops_a_slow_call() -> None:
    with pytest.raises(executors.DocTimeout):
        executors.call_with_timeout(time.sleep, 0.2, 5)
    assert executors.call_with_timeout(sum, 1.0, [1, 2]) == 3
    box: list[BaseException] = []

    def in_a_thread() -> None:  # Dask runs tasks in threads: the watcher path
        try:
            executors.call_with_timeout(time.sleep, 0.2, 5)
        except executors.DocTimeout as exc:
            box.append(exc)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(5)
    assert box and isinstance(box[0], executors.DocTimeout)


def test_a_document_over_the_time_limit_is_an_error_row(
    tmp_path: Path, central: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = Path(__file__).parents[2] / "data/raw/004_d94ddf866f172c18.txt"
    monkeypatch.setattr("pipeline.batch.document.process_file", lambda *_: time.sleep(5))
    done = _run_one(_Job(central, BatchOptions().limits, 0.2), (0, seed))
    assert done.document.status == "error"
    assert "doc_timeout" in (done.document.error or "")
    assert done.document.doc_id == hashlib.sha256(seed.read_bytes()).hexdigest()


def test_the_time_limit_interrupts_a_reader(
    tmp_path: Path, central: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader stuck in Python code is interrupted where it stands (SIGALRM), and the
    reader's own error handling does not swallow the interruption."""
    seed = Path(__file__).parents[2] / "data/raw/004_d94ddf866f172c18.txt"
    monkeypatch.setattr("parsers.parse_bytes", lambda *_: time.sleep(5))
    options = BatchOptions(doc_timeout=0.2)
    summary = ingest([seed], tmp_path, central, options=options)
    (row,) = summary.results
    assert row.status == "error"
    assert (
        row.error == "gave up after 0.2 s: over the limit doc_timeout (raise it with --doc-timeout)"
    )


def test_dask_joins_an_existing_scheduler(mixed: Path, serial: Path, tmp_path: Path) -> None:
    """--scheduler ADDRESS: the path a real cluster takes (here one started in-process)."""
    from dask.distributed import LocalCluster  # noqa: PLC0415  (seconds to import)

    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        _ingest(mixed, tmp_path, "--executor", "dask", "--scheduler", address)
    assert snapshot(tmp_path) == snapshot(serial)
