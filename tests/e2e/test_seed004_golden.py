"""Golden test on seed 004: the nine 自评表 of a real 部门决算 report, row by row."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline.batch.document import DocResult, process_file
from schemas.profile import Profile
from tests.conftest import SEED_004
from tests.golden import check_golden, regen

PROJECT_ROWS = [11, 7, 14, 14, 10, 13, 8, 13]
SCORE_KINDS = {
    "SCORE_MISMATCH",
    "REVERSE_SCORED_AS_POSITIVE",
    "SCORE_EXCEEDS_WEIGHT",
    "TOTAL_ARITHMETIC",
    "TOTAL_MISMATCH",
    "WEIGHT_SUM_NOT_100",
    "EXEC_RATE_MISMATCH",
    "EXEC_SCORE_MISMATCH",
}


def _table(result: DocResult, name: str, implementer: str | None = None) -> str:
    found = [
        t.table_id
        for t in result.tables
        if t.project_name == name and (implementer is None or t.implementer == implementer)
    ]
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def test_tables_and_row_counts(seed004: DocResult) -> None:
    kinds = [t.kind for t in seed004.tables]
    assert kinds == ["department"] + ["project"] * 8
    assert [t.n_indicators for t in seed004.tables] == [3, *PROJECT_ROWS]
    assert len(seed004.indicators) == 93
    assert seed004.document.status == "ok"
    assert seed004.document.year == 2024


def test_every_row_exact(seed004: DocResult) -> None:
    rows = [
        [r.level1, r.level2, r.level3, r.target_raw, r.actual_raw, r.weight, r.score_stated]
        for r in seed004.indicators
    ]
    check_golden("seed004_indicators", rows)


def test_budget_blocks_exact(seed004: DocResult) -> None:
    blocks = [
        [
            t.project_name,
            t.department,
            t.implementer,
            t.budget_unit,
            t.budget_initial,
            t.budget_full_year,
            t.budget_executed,
            t.exec_weight,
            t.exec_rate_stated,
            t.exec_score_stated,
            t.total_stated,
        ]
        for t in seed004.tables
    ]
    check_golden("seed004_tables", blocks)


def test_known_rows_spelled_out(seed004: DocResult) -> None:
    """A few rows written out by hand, so the golden file is not the only witness."""
    by_name = {(r.table_id[-3:], r.level3): r for r in seed004.indicators}
    media = by_name[("t02", "融媒体宣传服务费")]
    assert (media.level1, media.level2, media.target_raw, media.actual_raw) == (
        "成本指标",
        "经济成本指标",
        "<=30万元",
        "=29.5万元",
    )
    assert (media.weight, media.score_stated, media.score_recomputed) == (7.0, 6.88, 7.0)
    assert (media.target_op, media.target_value, media.target_base, media.target_base_unit) == (
        "<=",
        30.0,
        300000.0,
        "元",
    )
    first = seed004.indicators[0]
    assert (first.level1, first.level2, first.level3, first.target_raw, first.actual_raw) == (
        "履职效能",
        "数量指标",
        "成立科普基地",
        ">=5个",
        "0个",
    )
    dept = seed004.tables[0]
    assert dept.project_name == "乌鲁木齐市科学技术协会（部门）"
    assert (dept.budget_initial, dept.budget_full_year, dept.budget_executed) == (
        1632.63,
        1368.01,
        1362.97,
    )
    assert str(dept.budget_full_year_yuan) == "13680100.0000"
    assert dept.exec_rate_stated == pytest.approx(0.9963)


def test_recomputed_totals(seed004: DocResult) -> None:
    totals = {(t.project_name, t.implementer): t.total_recomputed for t in seed004.tables}
    assert totals[("科普经费", "乌鲁木齐市科学技术协会")] == 99.53
    assert totals[("自治区2024年“基层科普行动计划”", "乌鲁木齐市科学技术协会")] == 91.23
    assert totals[("场馆运行", "乌鲁木齐市科学技术馆")] == 90.00
    assert totals[("物业管理费", "乌鲁木齐市科学技术馆")] == 100.00
    dept = seed004.tables[0]
    assert dept.total_stated is None
    assert dept.total_recomputed == 69.96


def _codes(result: DocResult, table_id: str) -> Counter[str]:
    return Counter(f.code for f in result.findings if f.table_id == table_id)


def test_findings_kepu(seed004: DocResult) -> None:
    tid = _table(seed004, "科普经费")
    assert _codes(seed004, tid) == {"REVERSE_SCORED_AS_POSITIVE": 1, "TOTAL_MISMATCH": 1}
    reverse = next(f for f in seed004.findings if f.code == "REVERSE_SCORED_AS_POSITIVE")
    assert (reverse.stated, reverse.recomputed) == ("6.88", "7.00")
    assert reverse.message_en == (
        "融媒体宣传服务费: <=30万元 achieved (=29.5万元) → full 7.00, printed 6.88 "
        "(scored as actual/target)"
    )
    total = next(f for f in seed004.findings if f.table_id == tid and f.code == "TOTAL_MISMATCH")
    assert (total.stated, total.recomputed) == ("99.41", "99.53")
    assert total.path.endswith("004_d94ddf866f172c18.txt") and total.line is not None


def test_findings_property_fee_science_museum(seed004: DocResult) -> None:
    tid = _table(seed004, "物业管理费", "乌鲁木齐市科学技术馆")
    assert _codes(seed004, tid) == {"REVERSE_SCORED_AS_POSITIVE": 1, "TOTAL_MISMATCH": 1}
    finding = next(
        f for f in seed004.findings if f.table_id == tid and f.code == "REVERSE_SCORED_AS_POSITIVE"
    )
    assert (finding.stated, finding.recomputed) == ("17.34", "20.00")
    assert "保安人员工资" in finding.message
    total = next(f for f in seed004.findings if f.table_id == tid and f.code == "TOTAL_MISMATCH")
    assert (total.stated, total.recomputed) == ("97.34", "100.00")


def test_findings_property_fee_duplicates(seed004: DocResult) -> None:
    tid = _table(seed004, "物业管理费", "乌鲁木齐市科普服务中心（乌鲁木齐市科技咨询服务中心）")
    rows = [r for r in seed004.indicators if r.table_id == tid]
    assert sum(r.duplicate_of is None for r in rows) == 7
    dups = {
        (f.code, next(r.level3 for r in rows if r.indicator_id == f.indicator_id))
        for f in seed004.findings
        if f.table_id == tid and f.code.startswith("DUPLICATE")
    }
    assert dups == {
        ("DUPLICATE_ROW", "聘用保安人数"),
        ("DUPLICATE_ROW", "保安服务时间"),
        ("DUPLICATE_ROW", "保安持证上岗率"),
        ("DUPLICATE_ROW", "资金发放及时率"),
        ("DUPLICATE_ROW", "内部工作人员的满意度"),
        ("DUPLICATE_ROW_CONFLICT", "保安月服务费"),
        ("DUPLICATE_ROW_CONFLICT", "确保职工人身安全，保障单位正常运"),
    }
    fee = [f for f in seed004.findings if f.table_id == tid and "保安月服务费" in f.message]
    fee_scores = {(f.code, f.stated, f.recomputed) for f in fee if f.code in SCORE_KINDS}
    # =2717元 is a cost: 4800元 overruns it, 20 × 2717/4800 = 11.32; 0 and 20 are both wrong.
    assert fee_scores == {
        ("SCORE_MISMATCH", "0.00", "11.32"),
        ("REVERSE_SCORED_AS_POSITIVE", "20.00", "11.32"),
    }
    total = next(f for f in seed004.findings if f.table_id == tid and f.code == "TOTAL_MISMATCH")
    assert (total.stated, total.recomputed) == ("78.33", "89.65")
    table = next(t for t in seed004.tables if t.table_id == tid)
    assert table.weight_sum == 100.0  # duplicates count once


def test_placeholder_field(seed004: DocResult) -> None:
    tid = _table(seed004, "全国2024年“基层科普行动计划”")
    placeholders = [f for f in seed004.findings if f.code == "PLACEHOLDER_FIELD"]
    assert [(f.table_id, f.stated) for f in placeholders] == [(tid, "主管部门")]


def test_no_other_score_findings(seed004: DocResult) -> None:
    by_code = Counter(f.code for f in seed004.findings if f.code in SCORE_KINDS)
    assert by_code == {"REVERSE_SCORED_AS_POSITIVE": 3, "TOTAL_MISMATCH": 3, "SCORE_MISMATCH": 1}


def test_ids_are_deterministic(seed004: DocResult, central: Profile) -> None:
    again = process_file(SEED_004, central)
    assert [f.finding_id for f in again.findings] == [f.finding_id for f in seed004.findings]
    assert [r.indicator_id for r in again.indicators] == [
        r.indicator_id for r in seed004.indicators
    ]


def _edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED_004.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    copy = tmp_path / "edited.txt"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


def test_changed_score_is_flagged(tmp_path: Path, central: Profile) -> None:
    # 奖补科普教育基地数量: >=15个, actual 14个, weight 5 -> 4.67 printed; print 3.50 instead.
    edited = _edited_copy(tmp_path, "\t=14个\n\t5\n\t4.67\n", "\t=14个\n\t5\n\t3.50\n")
    result = process_file(edited, central)
    new = [f for f in result.findings if f.code == "SCORE_MISMATCH"]
    assert len(new) == 2
    changed = next(f for f in new if "奖补科普教育基地数量" in f.message)
    assert (changed.stated, changed.recomputed) == ("3.50", "4.67")


def test_changed_total_is_flagged(tmp_path: Path, central: Profile) -> None:
    edited = _edited_copy(tmp_path, "\t91.23分\n", "\t93.23分\n")
    result = process_file(edited, central)
    arithmetic = [f for f in result.findings if f.code == "TOTAL_ARITHMETIC"]
    assert [(f.stated, f.recomputed) for f in arithmetic] == [("93.23", "91.23")]


def test_seed_copy_in_other_encoding_gives_same_rows(tmp_path: Path, central: Profile) -> None:
    copy = tmp_path / "gb.txt"
    copy.write_bytes(SEED_004.read_text(encoding="utf-8").encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + SEED_004.read_bytes())
    base = process_file(SEED_004, central)
    for path in (copy, bom):
        other = process_file(path, central)
        assert [(r.level3, r.score_recomputed) for r in other.indicators] == [
            (r.level3, r.score_recomputed) for r in base.indicators
        ]


def test_regen_switch_is_off() -> None:
    assert not regen(), "ZIPING_REGEN=1 rewrites golden files; unset it after reviewing"
