"""Region resolution: province, city, county and GB/T 2260 code from unit names, titles, paths.

Units are the kind printed as 主管部门 / 实施单位 across the country; an ambiguous name alone
must give no place rather than cpca's guess."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dataset import load as dataset
from pipeline.extract.region import NOWHERE, Region, match, resolve

UNITS = [
    ("湖北省武汉市江岸区教育局", Region("湖北省", "武汉市", "江岸区", "420102")),
    ("广东省财政厅", Region("广东省", None, None, "440000")),
    ("成都市青羊区卫生健康局", Region("四川省", "成都市", "青羊区", "510105")),
    ("喀什地区疏附县人民政府", Region("新疆维吾尔自治区", "喀什地区", "疏附县", "653121")),
    ("海淀区市场监督管理局", Region("北京市", None, "海淀区", "110108")),
    ("南京市鼓楼区教育局", Region("江苏省", "南京市", "鼓楼区", "320106")),
    ("长沙县农业农村局", Region("湖南省", "长沙市", "长沙县", "430121")),
    ("恩施州民政局", Region("湖北省", "恩施土家族苗族自治州", None, "422800")),
    ("锡林郭勒盟行政公署", Region("内蒙古自治区", "锡林郭勒盟", None, "152500")),
    ("黔东南州凯里市财政局", Region("贵州省", "黔东南苗族侗族自治州", "凯里市", "522601")),
    ("重庆市渝中区发展和改革委员会", Region("重庆市", None, "渝中区", "500103")),
    (
        "2023年度浙江省杭州市西湖区农业农村局项目支出绩效自评表",
        Region("浙江省", "杭州市", "西湖区", "330106"),
    ),
]


@pytest.mark.parametrize(("unit", "expected"), UNITS)
def test_units_from_several_provinces(unit: str, expected: Region) -> None:
    assert match(unit) == expected


@pytest.mark.parametrize("unit", ["朝阳区民政局", "鼓楼区住房和城乡建设局", "县财政局", "市财政局"])
def test_an_ambiguous_or_placeless_name_gives_no_place(unit: str) -> None:
    """朝阳区 is in Beijing and Changchun, 鼓楼区 in four cities; 县 is not a place."""
    assert match(unit) == NOWHERE


def test_later_texts_refine_but_never_move_the_place() -> None:
    path = "/reports/武汉市/江岸区/自评报告.pdf"
    assert resolve("湖北省教育厅", None, path) == Region("湖北省", "武汉市", "江岸区", "420102")
    assert resolve("朝阳区民政局", "北京市朝阳区2023年部门决算") == Region(
        "北京市", None, "朝阳区", "110105"
    )
    # a path elsewhere does not move a unit that names its province
    assert resolve("广东省财政厅", "/data/四川省/a.pdf") == Region("广东省", None, None, "440000")


RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def test_ingest_places_documents_tables_and_findings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = CliRunner().invoke(main, ["ingest", str(RAW), "--out", str(data), "--quiet"])
    assert result.exit_code == 0, result.output
    documents = sorted(dataset.read_rows(data, "documents"), key=lambda d: d["path"])
    places = [[d[k] for k in ("province", "city", "county", "region_code")] for d in documents]
    assert places == [
        ["甘肃省", "张掖市", "临泽县", "620723"],
        ["北京市", None, "西城区", "110102"],
        ["新疆维吾尔自治区", "乌鲁木齐市", None, "650100"],
    ]
    tables = dataset.load(data, "eval_tables")
    assert tables["region_code"].notna().all()
    by_unit: dict[str, set[str]] = {}
    for finding in dataset.read_rows(data, "findings"):
        by_unit.setdefault(str(finding["unit"]), set()).add(str(finding["region_code"]))
    assert by_unit == {  # every seed finding is in the Urumqi report
        "乌鲁木齐市科学技术协会": {"650100"},
        "乌鲁木齐市科普服务中心（乌鲁木齐市科技咨询服务中心）": {"650100"},
        "乌鲁木齐市科学技术馆": {"650100"},
    }


def test_manifest_overrides_region_unit_year_and_url(tmp_path: Path) -> None:
    seed = sorted(RAW.iterdir())[0]  # the Zhangye report: 甘肃省 张掖市 临泽县 from its text
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"path,region,unit,year,url\n{seed},420102,江岸区教育局,2022,https://example.org/a.pdf\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    args = ["ingest", str(seed), "--out", str(data), "--quiet", "--manifest", str(manifest)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (doc,) = dataset.read_rows(data, "documents")
    assert (doc["province"], doc["city"], doc["county"], doc["region_code"]) == (
        "湖北省",
        "武汉市",
        "江岸区",
        "420102",
    )
    assert (doc["org"], doc["url"]) == ("江岸区教育局", "https://example.org/a.pdf")
    bad = tmp_path / "bad.csv"
    bad.write_text("path,region\nx.pdf,999999\n", encoding="utf-8")
    refused = CliRunner().invoke(main, [*args[:-1], str(bad)])
    assert refused.exit_code == 2
    assert "manifest line 2: 999999 is no GB/T 2260 code" in refused.output
