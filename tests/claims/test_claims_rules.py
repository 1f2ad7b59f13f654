"""Claim rules on invented text: they generalise beyond the seeds' wording, and numbers that are
not claims (dates, document numbers, unrelated counts, partial lists) produce nothing.

`tests/fixtures/claims/invented_report.txt` is made up (names, units, numbers) to exercise every
structure the seeds use, in different words.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import parsers
from pipeline.claims.collect import claim_findings, extract_claims
from pipeline.claims.text import read_sentences
from pipeline.lexicon.segment import tokenizer
from schemas import Document, Paragraph
from schemas.profile import Profile
from schemas.tables import ClaimRow
from tests.claims.test_claims import Row, rows, table

INVENTED = Path(__file__).parents[1] / "fixtures" / "claims" / "invented_report.txt"
INVENTED_TABLES = [
    table(1, "department", 2468.40, 2380.50),
    table(2, "project", 100.00, 100.00),
    table(3, "project", 120.00, 110.00),
    table(4, "project", 80.00, 80.00),
]
INVENTED_CLAIMS: list[Row] = [
    ("parts_sum", 4, "收入总计", 2468.4, 2468.4),
    ("change", 5, "收入总计", 7.32, 7.3217),
    ("parts_sum", 7, "本年支出", 2380.5, 2380.5),
    ("share", 7, "基本支出", 68.07, 68.0672),
    ("share", 7, "项目支出", 31.93, 31.9328),
    ("share", 9, "一般公共预算财政拨款支出", 96.62, 96.6184),
    ("change", 9, "一般公共预算财政拨款支出", -1.92, -1.919),
    ("change", 9, "预决算差异率", -8.0, -8.0),
    ("change", 10, "支出决算数", 100.0, 100.0),
    ("change", 11, "支出决算数", -19.5, -19.5),
    ("parts_sum", 13, "政府采购支出总额", 210.0, 210.0),
    ("share", 13, "授予中小企业合同金额", 90.0, 90.0),
    ("cross_table", 15, "本部门形成整体支出绩效自评表", 1.0, 1.0),
    ("cross_table", 15, "全年预算总额", 2468.4, 2468.4),
    ("cross_table", 15, "实际执行总额", 2380.5, 2380.5),
    ("cross_table", 15, "预算绩效评价项目", 3.0, 3.0),
    ("cross_table", 15, "全年预算数", 300.0, 300.0),
    ("cross_table", 15, "全年执行数", 290.0, 290.0),
    ("unit_equivalence", 17, "省文旅厅下达青岚县非遗保护专项资金", 86.54, 86.5432),
    ("parts_sum", 18, "非遗保护专项资金", 865432.1, 865432.1),
    ("parts_sum", 18, "非遗保护专项资金", 865432.1, 865432.1),
    ("parts_sum", 18, "展演劳务费", 400000.0, 400000.0),
    ("parts_sum", 19, "全年举办非遗讲座", 40.0, 40.0),
    ("parts_sum", 20, "在编人员", 58.0, 58.0),
    ("score_total", 21, "项目自评总分", 92.5, 92.5),
    ("grade", 21, "优秀", 92.5, None),
    ("share", 22, "数字化改造项目预算执行率", 94.9, 94.9),
]


def doc_of(*lines: str) -> Document:
    """A text document of one paragraph per line, as the text reader would give it."""
    blocks = tuple(Paragraph(text, None, n) for n, text in enumerate(lines, start=1))
    return Document("fixture.txt", "f" * 64, "txt", blocks, "test")


def claims_in(central: Profile, *lines: str) -> list[ClaimRow]:
    return extract_claims(doc_of(*lines), [], central.grade_of)


def test_invented_report_exact_and_all_hold(central: Profile) -> None:
    claims = extract_claims(parsers.parse(INVENTED), INVENTED_TABLES, central.grade_of)
    assert rows(claims) == INVENTED_CLAIMS
    assert [c.seq for c in claims if not c.consistent] == []


@pytest.mark.parametrize(
    "text",
    [
        "根据《临泽县财政局关于做好2023年预算绩效管理工作考核的通知》（临财预发〔2023〕296号及相关文件要求开展自评。",
        "根据《青岚县财政局关于开展2025年度绩效自评的通知》（青财绩〔2025〕18号）要求开展自评。",
        "2023年1月1日至12月31日，展厅免费开放267天，接待观众8.6万人次。",
        "截至2025年12月31日，馆舍建筑面积4200平方米，展厅面积1800平方米，报告厅面积600平方米。",
        "下设4个科室，分别是：办公室、业务部、展览部、非遗中心。",
        "目前已播放红色影片12部，观影人数6000余人次，至目前已开展活动22次，参加人数3000余人。",
        "资金支出500.00万元，其中：培训费20.00万元，差旅费10.00万元。",
        "国有资产占用情况中固定资产车辆6辆，与公务用车保有量6辆一致。",
        "原则上预算执行率10%、产出指标55%、效益指标20%、可持续影响指标10%，满意度指标5%。",
        "展品完好率≥97%，公众满意度100%，确保社会公众满意度在95%以上。",
        "在职人员40人，减少2人；退休人员62人，增加5人。",
        "共计开展各类馆外展教活动42场次，参与干部、群众及学生共计4000人。",
    ],
)
def test_numbers_that_are_not_claims(text: str, central: Profile) -> None:
    doc = doc_of(text)
    claims = extract_claims(doc, [], central.grade_of)
    assert claims == []
    assert claim_findings(doc, claims) == []


class Edit(NamedTuple):
    kind: str
    old: str
    new: str
    line: int


EDITS = [
    Edit("parts_sum", "年初结转和结余68.40万元", "年初结转和结余68.50万元", 4),
    Edit("change", "增长7.32%", "增长7.23%", 5),
    Edit("share", "占68.07%", "占68.70%", 7),
    Edit("change", "预决算差异率-8.00%", "预决算差异率-8.80%", 9),
    Edit("cross_table", "全年执行数290.00万元", "全年执行数291.00万元", 15),
    Edit("unit_equivalence", "专项资金86.54万元", "专项资金86.45万元", 17),
    Edit("parts_sum", "支付技术人员劳务费150000.00元", "支付技术人员劳务费150000.50元", 18),
    Edit("parts_sum", "线下15场", "线下16场", 19),
    Edit("score_total", "效益指标30分", "效益指标31分", 21),
    Edit("grade", "评价等级为优秀", "评价等级为良好", 21),
    Edit("share", "预算执行率为94.90%", "预算执行率为95.90%", 22),
]


@pytest.mark.parametrize("edit", EDITS, ids=[f"{e.kind}-{e.line}" for e in EDITS])
def test_invented_report_one_edit_one_flag(edit: Edit, tmp_path: Path, central: Profile) -> None:
    text = INVENTED.read_text(encoding="utf-8")
    assert text.count(edit.old) == 1
    copy = tmp_path / "edited.txt"
    copy.write_text(text.replace(edit.old, edit.new), encoding="utf-8")
    claims = extract_claims(parsers.parse(copy), INVENTED_TABLES, central.grade_of)
    assert [(c.kind, c.line) for c in claims if not c.consistent] == [(edit.kind, edit.line)]


def test_finding_carries_both_numbers(central: Profile) -> None:
    doc = doc_of(
        "本年支出100.00万元，其中：基本支出60.00万元，占60.00%；项目支出45.00万元，占45.00%。"
    )
    claims = extract_claims(doc, [], central.grade_of)
    assert [(c.kind, c.stated, c.recomputed, c.consistent) for c in claims] == [
        ("parts_sum", 100.0, 105.0, False),
        ("share", 60.0, 60.0, True),
        ("share", 45.0, 45.0, True),
    ]
    (finding,) = claim_findings(doc, claims)
    assert finding.finding_id == "ffffffffffff.c001.CLAIM_MISMATCH"
    assert (finding.code, finding.severity, finding.path, finding.line) == (
        "CLAIM_MISMATCH",
        "error",
        "fixture.txt",
        1,
    )
    assert (finding.stated, finding.recomputed, finding.delta) == ("100", "105", -5.0)
    assert (finding.table_id, finding.indicator_id) == (None, None)
    for message in (finding.message, finding.message_en):
        assert "100" in message and "105" in message
    assert "本年支出" in finding.message


def test_grade_finding_names_both_grades(central: Profile) -> None:
    doc = doc_of("本项目自评得分78.6分，绩效等级为“良好”。")
    claims = extract_claims(doc, [], central.grade_of)
    assert [(c.kind, c.subject, c.stated, c.consistent) for c in claims] == [
        ("grade", "良好", 78.6, False)
    ]
    (finding,) = claim_findings(doc, claims)
    assert (finding.code, finding.stated, finding.recomputed) == ("GRADE_MISMATCH", "良好", "中")
    assert "78.6" in finding.message and "中" in finding.message
    assert "78.6" in finding.message_en


def test_score_statement_text_spans_total_and_parts(central: Profile) -> None:
    claims = claims_in(central, "自评得分80分，等级为良。其中：预算执行10分，产出指标70分。")
    assert [c.kind for c in claims] == ["score_total", "grade"]
    assert claims[0].text == "自评得分80分，等级为良。其中：预算执行10分，产出指标70分。"


@pytest.mark.parametrize(
    ("text", "recomputed", "consistent"),
    [
        ("本年度支出培训费20.00万元、差旅费10.00万元、印刷费5.50万元，合计35.50万元。", 35.5, True),
        ("开展讲座12场、展览8场，共计21场。", 20.0, False),
    ],
)
def test_total_after_its_items(
    text: str, recomputed: float, consistent: bool, central: Profile
) -> None:
    claims = claims_in(central, text)
    assert [(c.kind, c.recomputed, c.consistent) for c in claims] == [
        ("parts_sum", recomputed, consistent)
    ]


def test_counts_of_other_evaluations_are_not_table_counts(central: Profile) -> None:
    doc = doc_of("本年度开展重点绩效评价项目3个，涉及资金1,200.00万元；绩效目标审核项目12个。")
    assert extract_claims(doc, INVENTED_TABLES, central.grade_of) == []


def test_growth_from_zero_is_100_percent(central: Profile) -> None:
    claims = claims_in(central, "培训支出为12.00万元，比上年增加12.00万元，增长100.00%。")
    assert [(c.kind, c.stated, c.recomputed, c.consistent) for c in claims] == [
        ("change", 100.0, 100.0, True)
    ]


def test_reasons_are_not_read(central: Profile) -> None:
    """Numbers inside `主要原因是：…` are neither parts nor changes."""
    (sentence,) = read_sentences(
        doc_of("经费9.00万元，比上年减少1.00万元，下降10.00%，主要原因是：退休2人。")
    )
    assert [e.number.raw for e in sentence.entries] == ["9.00万元", "1.00万元"]


def test_private_tokenizer_leaves_jieba_global_alone() -> None:
    assert tokenizer() is not jieba.dt
    assert "预决算差异率" not in jieba.dt.FREQ


# Pieces prose is made of, to throw random sentences at the reader: it must never raise, and
# every claim it makes must be well formed.
PIECES = [
    "其中：",
    "其中",
    "占",
    "的",
    "比上年",
    "与上年相比",
    "增加",
    "减少",
    "增长",
    "下降",
    "预决算差异率",
    "年初预算数",
    "决算数",
    "全年预算数",
    "执行数",
    "得分",
    "等级为",
    "优秀",
    "良",
    "万元",
    "元",
    "亿元",
    "%",
    "分",
    "人",
    "场次",
    "个",
    "（",
    "）",
    "，",
    "。",
    "；",
    "：",
    "、",
    "0",
    "0.00",
    "1",
    "12.5",
    "100.00",
    "1,362.97",
    "-16.54",
    "馆内",
    "馆外",
    "线上",
    "线下",
    "主要原因是：",
    "支出",
    "收入总计",
    "项目",
    "绩效",
    "整体",
    " ",
]


@given(
    st.lists(st.sampled_from(PIECES), max_size=40), st.lists(st.sampled_from(PIECES), max_size=40)
)
@settings(max_examples=300, deadline=None)
def test_any_text_reads_without_error(first: list[str], second: list[str]) -> None:
    doc = doc_of("".join(first), "".join(second))
    tables = [table(1, "project", 1.0, 1.0), table(2, "department", 0.0, 0.0)]
    claims = extract_claims(doc, tables, lambda s: "优" if s >= 90 else "差")
    for claim in claims:
        assert claim.kind in {
            "score_total",
            "grade",
            "parts_sum",
            "share",
            "change",
            "cross_table",
            "unit_equivalence",
        }
        assert claim.tolerance >= 0
        assert claim.text
    assert len(claim_findings(doc, claims)) == sum(not c.consistent for c in claims)
