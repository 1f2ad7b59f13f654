"""`ziping rescore`: the stored dataset scored again under another profile, no re-parsing."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.batch import runlock
from pipeline.batch.document import DocResult
from pipeline.batch.ingest import to_tables
from pipeline.batch.rescore import rescore_dataset
from pipeline.cli import main
from pipeline.dataset import load, store
from pipeline.dataset.lookup import Stored
from pipeline.dataset.writer import Writer
from schemas.profile import Profile, load_profile
from schemas.tables import TABLES, DocumentRow, FindingRow
from tests.conftest import RAW
from tests.scale_helpers import snapshot

SEED_004_NAME = "004_d94ddf866f172c18.txt"
SCORE_COLUMNS = ["table_id", "total_recomputed", "grade_recomputed", "profile"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`data/raw` ingested once under central; tests work on copies."""
    out = tmp_path_factory.mktemp("central")
    result = CliRunner().invoke(main, ["ingest", str(RAW), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def _copy(ingested: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    return data


def _frame(data: Path, table: str) -> pd.DataFrame:
    frame: pd.DataFrame = store.read_arrow(data, table).to_pandas()
    key = {"eval_tables": "table_id", "indicators": "indicator_id", "findings": "finding_id"}
    return frame.sort_values(key.get(table, "doc_id")).reset_index(drop=True)


def _seed_totals(data: Path) -> dict[str, float]:
    tables = _frame(data, "eval_tables")
    docs = _frame(data, "documents")
    seed = docs.loc[docs.path.str.endswith(SEED_004_NAME), "doc_id"].item()
    rows = tables[tables.doc_id == seed]
    return dict(zip(rows.table_id.str[-3:], rows.total_recomputed, strict=True))


def test_rescore_switches_totals_and_findings(ingested: Path, tmp_path: Path) -> None:
    data = _copy(ingested, tmp_path)
    before = _frame(data, "findings")
    central_totals = _seed_totals(data)
    assert (central_totals["t02"], central_totals["t05"], central_totals["t08"]) == (
        99.53,
        89.65,
        100.0,
    )

    summary = rescore_dataset(data, load_profile("provincial"))
    assert (summary.profile, summary.documents, summary.tables) == ("provincial", 3, 9)
    totals = _seed_totals(data)
    # 保安月服务费 =2717元 against 4800元: central reads a cost overrun (11.32 of 20),
    # provincial reads `=` as >= (20 of 20): the table goes from 89.65 to 98.33.
    assert totals["t05"] == 98.33
    assert {k: v for k, v in totals.items() if k != "t05"} == {
        k: v for k, v in central_totals.items() if k != "t05"
    }
    after = _frame(data, "findings")
    fee = after[after.message.str.contains("保安月服务费") & after.code.str.startswith("REV")]
    assert fee.empty  # no longer "scored backwards" under provincial
    assert len(before[before.code == "REVERSE_SCORED_AS_POSITIVE"]) == 3
    assert len(after[after.code == "REVERSE_SCORED_AS_POSITIVE"]) == 2
    assert set(_frame(data, "eval_tables").profile) == {"provincial"}
    docs = _frame(data, "documents")
    assert set(docs.profile) == {"provincial"}
    counts = after.groupby("doc_id").size().to_dict()
    stated = docs.set_index("doc_id").n_findings.to_dict()
    assert stated == {d: counts.get(d, 0) for d in stated}


def test_ids_stable_and_round_trip(ingested: Path, tmp_path: Path) -> None:
    data = _copy(ingested, tmp_path)
    original = {t: _frame(data, t) for t in ("eval_tables", "indicators", "findings")}
    rescore_dataset(data, load_profile("hubei"))
    rescore_dataset(data, load_profile("provincial"))
    for table, key in (("eval_tables", "table_id"), ("indicators", "indicator_id")):
        assert list(_frame(data, table)[key]) == list(original[table][key])
    rescore_dataset(data, load_profile("central"))
    for table, frame in original.items():
        pd.testing.assert_frame_equal(_frame(data, table), frame)


def test_rescore_equals_ingest_under_that_profile(ingested: Path, tmp_path: Path) -> None:
    rescored = _copy(ingested, tmp_path)
    rescore_dataset(rescored, load_profile("provincial"))
    direct = tmp_path / "direct"
    args = ["ingest", str(RAW), "--out", str(direct), "--quiet", "--profile", "provincial"]
    assert CliRunner().invoke(main, args).exit_code == 0
    for table in ("eval_tables", "indicators", "findings"):
        pd.testing.assert_frame_equal(_frame(rescored, table), _frame(direct, table))
    in_order = [f.finding_id for f in load.read_table(rescored, FindingRow)]
    assert in_order == [f.finding_id for f in load.read_table(direct, FindingRow)]


def _finding(doc_id: str, code: str, table_id: str | None, fid: str) -> FindingRow:
    return FindingRow(
        finding_id=fid,
        doc_id=doc_id,
        table_id=table_id,
        indicator_id=None,
        code=code,
        severity="warning",
        stated=None,
        recomputed=None,
        delta=None,
        message=f"{code} from parsing",
        message_en=f"{code} from parsing",
        path="x",
        page=None,
        line=None,
    )


def test_parse_and_claim_findings_are_kept(ingested: Path, tmp_path: Path) -> None:
    data = _copy(ingested, tmp_path)
    docs = load.read_table(data, DocumentRow)
    doc = next(d for d in docs if d.path.endswith(SEED_004_NAME))
    stored = [f for f in load.read_table(data, FindingRow) if f.doc_id == doc.doc_id]
    tid = stored[0].table_id
    parsed = [
        _finding(doc.doc_id, "TEXT_LAYER_UNREADABLE", None, "p1.TEXT_LAYER_UNREADABLE"),
        _finding(doc.doc_id, "ROW_UNPARSED", tid, f"{tid}.u01.ROW_UNPARSED"),
        _finding(doc.doc_id, "CLAIM_MISMATCH", None, "c01.CLAIM_MISMATCH"),
    ]
    stale = dataclasses.replace(stored[0], finding_id="stale.SCORE_MISMATCH", code="SCORE_MISMATCH")
    rows = [parsed[0], *stored, stale, *parsed[1:]]
    _replace_findings(data, doc, rows)

    summary = rescore_dataset(data, load_profile("central"))
    assert summary.kept == 3
    after = [f for f in load.read_table(data, FindingRow) if f.doc_id == doc.doc_id]
    ids = [f.finding_id for f in after]
    assert "stale.SCORE_MISMATCH" not in ids  # a check finding is regenerated, not kept
    assert ids[0] == "p1.TEXT_LAYER_UNREADABLE"  # document notices stay first
    assert ids[-1] == "c01.CLAIM_MISMATCH"  # claims stay last
    # as ingest orders them: a table's check findings, then its unaligned cells
    of_table = [f.finding_id for f in after if f.table_id == tid]
    assert of_table[-1] == f"{tid}.u01.ROW_UNPARSED" and len(of_table) > 1
    assert sorted(ids) == sorted([f.finding_id for f in stored] + [p.finding_id for p in parsed])


def test_out_writes_a_complete_copy(ingested: Path, tmp_path: Path) -> None:
    data = _copy(ingested, tmp_path)
    out = tmp_path / "provincial"
    rescore_dataset(data, load_profile("provincial"), out)
    assert set(_frame(data, "eval_tables").profile) == {"central"}  # source untouched
    assert _seed_totals(out)["t05"] == 98.33
    for table in ("documents", "claims", "indicators"):
        assert len(_frame(out, table)) == len(_frame(data, table))


def test_cli_rescore(ingested: Path, tmp_path: Path, central: Profile) -> None:
    data = _copy(ingested, tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["rescore", "--data", str(data), "--profile", "hubei"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("profile: hubei  documents: 3  tables: 9  indicator rows: 93")
    assert "REVERSE_SCORED_AS_POSITIVE" in result.output
    bad = runner.invoke(main, ["rescore", "--data", str(data), "--profile", "nowhere"])
    assert bad.exit_code == 2 and "unknown profile 'nowhere'" in bad.output
    missing = runner.invoke(
        main, ["rescore", "--data", str(tmp_path / "none"), "--profile", "hubei"]
    )
    assert missing.exit_code == 2


def test_rescore_waits_for_no_one(ingested: Path, tmp_path: Path) -> None:
    """One writer per dataset folder: a rescore does not write under a running ingest."""
    data = _copy(ingested, tmp_path)
    with runlock.hold(data):
        result = CliRunner().invoke(main, ["rescore", "--data", str(data), "--profile", "hubei"])
    assert result.exit_code == 1
    assert "is being written by another ingest" in result.output


def _replace_findings(data: Path, doc: DocumentRow, findings: list[FindingRow]) -> None:
    """Store `doc` again with `findings` in place of its own (other rows as they were)."""
    of_doc = {
        t: [r for r in load.read_table(data, TABLES[t]) if r.doc_id == doc.doc_id]
        for t in ("eval_tables", "indicators", "claims")
    }
    result = DocResult(doc, of_doc["eval_tables"], of_doc["indicators"], findings, of_doc["claims"])
    stored = Stored(doc.doc_id, doc.path, 1, 1, doc.profile, doc.parser_version, doc.format, "ok")
    with Writer(data, "edit") as writer:
        writer.add(to_tables(result), stored)


def test_killed_rescore_leaves_nothing_stale(
    ingested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _copy(ingested, tmp_path)
    before = snapshot(data)

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # killed before the commit: files written, none named

    monkeypatch.setattr(store, "write_manifest", killed)
    with pytest.raises(KeyboardInterrupt):
        rescore_dataset(data, load_profile("provincial"))
    monkeypatch.undo()
    assert snapshot(data) == before  # every document as it was, under the old profile
    profiles = sorted(d.profile for d in load.read_table(data, DocumentRow))
    assert profiles == ["central", "central", "central"]

    rescore_dataset(data, load_profile("provincial"))
    direct = tmp_path / "direct"
    args = ["ingest", str(RAW), "--out", str(direct), "--quiet", "--profile", "provincial"]
    assert CliRunner().invoke(main, args).exit_code == 0
    for table in ("eval_tables", "indicators", "findings"):
        pd.testing.assert_frame_equal(_frame(data, table), _frame(direct, table))
