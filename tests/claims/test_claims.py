"""Narrative claims on the seed reports: exact claims per seed, none flagged, one flag per edit.

The expected lists are written out in full (kind, source line, subject, stated, recomputed to
4 decimals) so that a reviewer can check them against the report text line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

import parsers
from pipeline.batch.document import DocResult
from pipeline.claims.collect import claim_findings, extract_claims
from schemas.profile import Profile
from schemas.tables import ClaimRow, EvalTableRow
from schemas.vocab import TableKind
from tests.conftest import SEED_001, SEED_002, SEED_004

Row = tuple[str, int | None, str | None, float | None, float | None]

SEED_001_CLAIMS: list[Row] = [
    ("unit_equivalence", 11, "甘肃省财政厅下达临泽县科技馆免费开放补助资金", 155.42, 155.4225),
    ("parts_sum", 19, "科技馆免费开放补助资金", 1554225.33, 1554225.33),
    ("parts_sum", 19, "科技馆免费开放补助资金", 1554225.33, 1554225.33),
    ("parts_sum", 19, "临时聘用人员劳务费", 335297.66, 335297.66),
    ("parts_sum", 19, "场馆提升改造费", 652108.32, 652108.32),
    ("parts_sum", 21, "科普活动", 109.0, 109.0),
]
SEED_002_CLAIMS: list[Row] = [
    ("score_total", 62, "全区科普经费项目自评得分", 89.45, 89.45),
    ("grade", 62, "良好", 89.45, None),
]
SEED_004_CLAIMS: list[Row] = [
    ("parts_sum", 14, "实有人数", 102.0, 102.0),
    ("parts_sum", 25, "收入总计", 1368.01, 1368.01),
    ("parts_sum", 26, "支出总计", 1368.01, 1368.01),
    ("change", 27, "支出总计", -8.86, -8.8583),
    ("parts_sum", 29, "本年收入", 1362.66, 1362.66),
    ("share", 29, "财政拨款收入", 100.0, 99.9993),
    ("share", 29, "上级补助收入", 0.0, 0.0),
    ("share", 29, "事业收入", 0.0, 0.0),
    ("share", 29, "经营收入", 0.0, 0.0),
    ("share", 29, "附属单位上缴收入", 0.0, 0.0),
    ("share", 29, "其他收入", 0.0007, 0.0007),
    ("parts_sum", 31, "本年支出", 1362.97, 1362.97),
    ("share", 31, "基本支出", 76.61, 76.6099),
    ("share", 31, "项目支出", 23.39, 23.3901),
    ("share", 31, "上缴上级支出", 0.0, 0.0),
    ("share", 31, "经营支出", 0.0, 0.0),
    ("share", 31, "对附属单位补助支出", 0.0, 0.0),
    ("parts_sum", 33, "财政拨款收入总计", 1362.65, 1362.65),
    ("parts_sum", 33, "财政拨款支出总计", 1362.65, 1362.65),
    ("change", 34, "财政拨款支出总计", -5.78, -5.7844),
    ("change", 34, "预决算差异率", -16.54, -16.536),
    ("share", 37, "一般公共预算财政拨款支出", 99.98, 99.9765),
    ("change", 37, "一般公共预算财政拨款支出", -5.21, -5.2116),
    ("change", 37, "预决算差异率", -16.54, -16.536),
    ("share", 39, "科学技术支出(类)", 100.0, 100.0),
    ("change", 41, "支出决算数", 2.96, 2.9619),
    ("change", 42, "支出决算数", -100.0, -100.0),
    ("change", 43, "支出决算数", 57.95, 57.9545),
    ("change", 44, "支出决算数", -8.83, -8.8312),
    ("change", 45, "支出决算数", -15.06, -15.0555),
    ("change", 46, "支出决算数", -10.39, -10.3855),
    ("change", 47, "支出决算数", -97.61, -97.6082),
    ("change", 48, "支出决算数", 100.0, 100.0),
    ("parts_sum", 50, "一般公共预算财政拨款基本支出", 1044.17, 1044.17),
    ("parts_sum", 57, "财政拨款“三公”经费支出", 8.3, 8.3),
    ("change", 57, "财政拨款“三公”经费支出", 12.47, 12.4661),
    ("share", 57, "因公出国（境）费支出", 0.0, 0.0),
    ("change", 57, "因公出国（境）费支出", 0.0, 0.0),
    ("share", 57, "公务用车购置及运行维护费支出", 100.0, 100.0),
    ("change", 57, "公务用车购置及运行维护费支出", 12.47, 12.4661),
    ("share", 57, "公务接待费支出", 0.0, 0.0),
    ("change", 57, "公务接待费支出", 0.0, 0.0),
    ("parts_sum", 60, "公务用车购置及运行维护费", 8.3, 8.3),
    ("parts_sum", 62, "财政拨款“三公”经费支出全年预算数", 8.3, 8.3),
    ("parts_sum", 62, "决算数", 8.3, 8.3),
    ("change", 62, "财政拨款“三公”经费支出预决算差异率", 0.0, 0.0),
    ("change", 62, "因公出国（境）费预决算差异率", 0.0, 0.0),
    ("change", 62, "公务用车购置费预决算差异率", 0.0, 0.0),
    ("change", 62, "公务用车运行维护费预决算差异率", 0.0, 0.0),
    ("change", 62, "公务接待费预决算差异率", 0.0, 0.0),
    (
        "change",
        65,
        "乌鲁木齐市科学技术协会（部门）（行政单位和参照公务员法管理事业单位）机关运行经费支出",
        -17.43,
        -17.4307,
    ),
    ("change", 66, "乌鲁木齐市科学技术协会（部门）（事业单位）公用经费支出", -1.1, -1.1007),
    ("parts_sum", 68, "政府采购支出总额", 136.85, 136.85),
    ("share", 69, "授予中小企业合同金额", 99.73, 99.7296),
    ("share", 69, "授予小微企业合同金额", 99.73, 99.7296),
    ("parts_sum", 71, "车辆", 6.0, 6.0),
    ("cross_table", 73, "本部门2024年度预算绩效管理形成整体支出绩效自评表", 1.0, 1.0),
    ("cross_table", 73, "全年预算总额", 1368.01, 1368.01),
    ("cross_table", 73, "实际执行总额", 1362.97, 1362.97),
    ("cross_table", 73, "预算绩效评价项目", 8.0, 8.0),
    ("cross_table", 73, "全年预算数", 287.46, 287.46),
    ("cross_table", 73, "全年执行数", 283.86, 283.86),
]

# The budget block of seed 004's tables as printed (万元): the department table, then the 8
# project tables. Built by hand so the claims are tested apart from the table reader.
PROJECT_BUDGETS = [60.35, 10.00, 50.00, 3.26, 33.78, 51.77, 33.92, 44.38]
PROJECT_EXECUTED = [60.35, 10.00, 46.40, 3.26, 33.78, 51.77, 33.92, 44.38]


def table(seq: int, kind: TableKind, full_year: float, executed: float) -> EvalTableRow:
    return EvalTableRow(
        table_id=f"t{seq}",
        doc_id="d",
        seq=seq,
        kind=kind,
        title="",
        year=2024,
        project_name=None,
        department=None,
        implementer=None,
        budget_initial=None,
        budget_full_year=full_year,
        budget_executed=executed,
        budget_unit="万元",
        budget_initial_yuan=None,
        budget_full_year_yuan=None,
        budget_executed_yuan=None,
        exec_weight=None,
        exec_rate_stated=None,
        exec_rate_recomputed=None,
        exec_score_stated=None,
        exec_score_recomputed=None,
        total_stated=None,
        total_recomputed=None,
        weight_sum=None,
        grade_stated=None,
        grade_recomputed=None,
        goal_expected=None,
        goal_actual=None,
        n_indicators=0,
        profile="central",
        page=None,
        line=None,
    )


def seed004_tables() -> list[EvalTableRow]:
    projects = zip(PROJECT_BUDGETS, PROJECT_EXECUTED, strict=True)
    return [
        table(1, "department", 1368.01, 1362.97),
        *(table(n, "project", b, e) for n, (b, e) in enumerate(projects, start=2)),
    ]


def claims_of(path: Path, central: Profile, tables: Sequence[EvalTableRow] = ()) -> list[ClaimRow]:
    return extract_claims(parsers.parse(path), tables, central.grade_of)


def rows(claims: Sequence[ClaimRow]) -> list[Row]:
    return [
        (
            c.kind,
            c.line,
            c.subject,
            c.stated,
            None if c.recomputed is None else round(c.recomputed, 4),
        )
        for c in claims
    ]


@pytest.mark.parametrize(
    ("path", "expected", "tables"),
    [
        (SEED_001, SEED_001_CLAIMS, []),
        (SEED_002, SEED_002_CLAIMS, []),
        (SEED_004, SEED_004_CLAIMS, seed004_tables()),
    ],
    ids=["001", "002", "004"],
)
def test_seed_claims_exact_and_all_hold(
    path: Path, expected: list[Row], tables: list[EvalTableRow], central: Profile
) -> None:
    claims = claims_of(path, central, tables)
    assert rows(claims) == expected
    assert [c for c in claims if not c.consistent] == []
    doc = parsers.parse(path)
    assert claim_findings(doc, claims) == []
    assert [c.seq for c in claims] == list(range(1, len(claims) + 1))
    assert all(c.claim_id == f"{doc.doc_id[:12]}.c{c.seq:03d}" for c in claims)


def test_seed004_cross_table_through_ingest(seed004: DocResult, central: Profile) -> None:
    """The tables the pipeline reads give the same cross-table claims as the hand-built ones."""
    claims = claims_of(SEED_004, central, seed004.tables)
    assert rows(claims) == SEED_004_CLAIMS
    cross = [(c.subject, c.stated, c.recomputed) for c in claims if c.kind == "cross_table"]
    assert [(s, v) for s, v, _ in cross] == [
        ("本部门2024年度预算绩效管理形成整体支出绩效自评表", 1.0),
        ("全年预算总额", 1368.01),
        ("实际执行总额", 1362.97),
        ("预算绩效评价项目", 8.0),
        ("全年预算数", 287.46),
        ("全年执行数", 283.86),
    ]


def test_seed004_without_tables_has_no_cross_table_claims(central: Profile) -> None:
    kinds = {c.kind for c in claims_of(SEED_004, central)}
    assert "cross_table" not in kinds


def test_seed001_total_decomposed_twice(central: Profile) -> None:
    """By source (2022 carry-over + 2023 money) and by use (6 items), each adding up."""
    sums = [c for c in claims_of(SEED_001, central) if c.stated == 1554225.33]
    assert [c.detail for c in sums] == [
        "2022年结转免费开放资金 790841.85元 + 2023年免费开放资金 763383.48元 = 1,554,225.33元",
        "临时聘用人员劳务费 335297.66元 + 电费 229592.46元 + 水费 16623.60元 + "
        "场馆运行维护费 224321.1元 + 场馆提升改造费 652108.32元 + "
        "科普活动支出费用 96282.19元 = 1,554,225.33元",
    ]
    assert [c.tolerance for c in sums] == [0.01, 0.03]


class Mutation(NamedTuple):
    """One number changed in a copy of a seed, and the one claim that must then be flagged."""

    kind: str
    seed: Path
    old: str
    new: str
    line: int
    code: str = "CLAIM_MISMATCH"


MUTATIONS = [
    Mutation("score_total", SEED_002, "项目效益24.6分", "项目效益24.8分", 62),
    Mutation("grade", SEED_002, "绩效级别为“良好”", "绩效级别为“优秀”", 62, "GRADE_MISMATCH"),
    Mutation("parts_sum", SEED_001, "42523.27元", "42523.77元", 19),
    Mutation("parts_sum", SEED_001, "馆外47场次", "馆外46场次", 21),
    Mutation("parts_sum", SEED_004, "年初结转和结余5.35万元", "年初结转和结余5.45万元", 25),
    Mutation("parts_sum", SEED_004, "公用经费96.57万元", "公用经费96.59万元", 50),
    Mutation("share", SEED_004, "占76.61%", "占76.81%", 31),
    Mutation("share", SEED_004, "总额的99.73%，其中", "总额的98.73%，其中", 69),
    Mutation("change", SEED_004, "下降8.83%", "下降8.93%", 44),
    Mutation("change", SEED_004, "增长100.00%", "增长50.00%", 48),
    Mutation(
        "change", SEED_004, "相比，年初预算数1,632.62万元", "相比，年初预算数1,642.62万元", 34
    ),
    Mutation("cross_table", SEED_004, "全年执行数283.86万元", "全年执行数283.96万元", 73),
    Mutation("unit_equivalence", SEED_001, "155.42万元", "155.62万元", 11),
]


@pytest.mark.parametrize("m", MUTATIONS, ids=[f"{m.kind}-{m.line}" for m in MUTATIONS])
def test_one_changed_number_flags_exactly_that_claim(
    m: Mutation, tmp_path: Path, central: Profile
) -> None:
    text = m.seed.read_text(encoding="utf-8")
    assert text.count(m.old) == 1, f"{m.old!r} must occur once in {m.seed.name}"
    copy = tmp_path / m.seed.name
    copy.write_text(text.replace(m.old, m.new), encoding="utf-8")
    tables = seed004_tables() if m.seed == SEED_004 else []
    claims = claims_of(copy, central, tables)
    assert len(claims) == len(claims_of(m.seed, central, tables))
    flagged = [c for c in claims if not c.consistent]
    assert [(c.kind, c.line) for c in flagged] == [(m.kind, m.line)]
    findings = claim_findings(parsers.parse(copy), claims)
    assert [(f.code, f.line, f.finding_id) for f in findings] == [
        (m.code, m.line, f"{flagged[0].claim_id}.{m.code}")
    ]


def test_a_missing_project_table_is_flagged(central: Profile) -> None:
    tables = seed004_tables()[:-1]  # the reader lost the last project table
    flagged = [c for c in claims_of(SEED_004, central, tables) if not c.consistent]
    assert [(c.kind, c.subject, c.stated, c.recomputed) for c in flagged] == [
        ("cross_table", "预算绩效评价项目", 8.0, 7.0),
        ("cross_table", "全年预算数", 287.46, 243.08),
        ("cross_table", "全年执行数", 283.86, 239.48),
    ]


FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


@pytest.mark.parametrize("suffix", ["docx", "html", "pdf"])
def test_seed004_other_formats_give_the_same_claims(suffix: str, central: Profile) -> None:
    """The same report as DOCX, HTML or PDF (wrapped lines) states the same claims."""

    def key(claims: Sequence[ClaimRow]) -> list[tuple[str, str | None, float | None]]:
        return [(c.kind, c.subject, c.stated) for c in claims]

    expected = claims_of(SEED_004, central, seed004_tables())
    got = claims_of(FORMATS / f"seed004.{suffix}", central, seed004_tables())
    assert key(got) == key(expected)
    assert all(c.consistent for c in got)
