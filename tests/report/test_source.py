"""The report reads its dataset a unit of whole documents at a time (pipeline/report/source.py)
and writes the same report as if it had read it whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import load_workbook

from pipeline.dataset import store
from pipeline.report import source
from pipeline.report.write import write_report
from schemas.tables import arrow_schema
from tests.report.test_report_fixtures import (
    DOC_BAD,
    DOC_HOSTILE,
    DOC_OK,
    failed_document,
    hostile_rows,
    ordinary_rows,
    write,
)


def _write_part(root: Path, name: str, rows: list[Any], part: str) -> None:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([dataclasses.asdict(r) for r in rows], schema=arrow_schema(name))
    pq.write_table(table, folder / f"part-{part}.parquet")


def _tables() -> dict[str, list[Any]]:
    tables = ordinary_rows()
    for name, rows in hostile_rows().items():
        tables[name].extend(rows)
    tables["documents"].append(failed_document())
    return tables


def _in_batches(root: Path) -> Path:
    """The fixture's documents in two batches: the ordinary and failed documents in part-a,
    the hostile one in part-b (as the writer batches whole documents)."""
    for name, rows in _tables().items():
        _write_part(root, name, [r for r in rows if r.doc_id != DOC_HOSTILE], "a")
        _write_part(root, name, [r for r in rows if r.doc_id == DOC_HOSTILE], "b")
    return root


def test_documents_in_two_batches_are_two_units(tmp_path: Path) -> None:
    data = _in_batches(tmp_path / "data")
    manifest = store.read_manifest(data)
    work = source.plan(data, manifest)
    assert [sorted({Path(f).name for fs in u.values() for f in fs}) for u in work.units] == [
        ["part-a.parquet"],
        ["part-b.parquet"],
    ]
    ordered = sorted([DOC_OK, DOC_HOSTILE, DOC_BAD])
    assert work.number == {d: ordered.index(d) + 1 for d in ordered}
    tables = {d: sum(t.doc_id == d for t in _tables()["eval_tables"]) for d in ordered}
    assert work.tables_before[ordered[1]] == tables[ordered[0]]
    units = list(source.units(data, manifest, work))
    assert [sorted({d.doc_id for d in u.documents}) for u in units] == [
        sorted([DOC_OK, DOC_BAD]),
        [DOC_HOSTILE],
    ]


def test_a_document_split_across_files_is_read_whole(tmp_path: Path) -> None:
    """Files that share a document are one unit, whatever their names."""
    data = tmp_path / "data"
    tables = _tables()
    for name, rows in tables.items():
        _write_part(data, name, rows, "a" if name != "findings" else "x")
    work = source.plan(data, store.read_manifest(data))
    assert len(work.units) == 1


def test_same_report_as_one_batch(tmp_path: Path) -> None:
    whole = tmp_path / "whole"
    for name, rows in _tables().items():
        write(whole, name, rows)
    batched = _in_batches(tmp_path / "batched")
    write_report(whole, tmp_path / "r1")
    write_report(batched, tmp_path / "r2")
    for name in ("findings.csv", "diff.md", "data/findings-1.js", "docs/d1.html", "docs/d3.html"):
        assert (tmp_path / "r1" / name).read_bytes() == (tmp_path / "r2" / name).read_bytes(), name
    assert _cells(tmp_path / "r1" / "diff.xlsx") == _cells(tmp_path / "r2" / "diff.xlsx")


def _cells(path: Path) -> dict[str, list[tuple[object, str | None]]]:
    """Every sheet's cell values and link targets (a finding links to its row by number)."""
    workbook = load_workbook(path)
    return {
        ws.title: [
            (c.value, c.hyperlink.location or c.hyperlink.target if c.hyperlink else None)
            for row in ws.iter_rows()
            for c in row
        ]
        for ws in workbook.worksheets
    }
