"""Where a report comes from: province, city, county and the GB/T 2260 code (行政区划代码),
read from the names a report prints (unit, title) and from its path.

Matching is cpca's (Chinese Province, City and Area recognition: an Aho-Corasick matcher over
the national division table it ships, offline, 0.1 ms a name, 26 MB). jionlp's location
parser was the other candidate: newer data (2025) and careful with ambiguous names, but
167 MB installed (its tokenizer comes along), 48 ms a name and an advertisement on stdout
at import; cpca's table dates from 2020 (later county mergers are missing; `--manifest`
overrides any document). cpca guesses where a name is ambiguous (朝阳区 is in Beijing and in
Changchun, 鼓楼区 in four cities), and an auditor pivots on this column, so a guess is
refused here: a level is kept only when it was printed, or follows from a printed name that
has one place in the whole country.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any, TypeVar

from schemas.errors import ZipingError
from schemas.tables import DocumentRow, EvalTableRow, FindingRow

# Placeholders of the division table that are not a place a report would name as its city.
NOT_A_CITY = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
# 恩施州, 延边州, 锡林郭勒盟, 阿里地区: a prefecture named by a county's short form
PREFECTURE_SUFFIXES = ("州", "盟", "地区")


@dataclass(frozen=True, slots=True)
class Region:
    """A place at up to three levels; `code` is the GB/T 2260 code of the deepest one known."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    code: str | None = None

    @property
    def depth(self) -> int:
        return sum(level is not None for level in (self.province, self.city, self.county))

    def contains(self, other: Region) -> bool:
        """`other` lies inside this place (or is it): its code starts with ours."""
        if self.code is None or other.code is None:
            return False
        return other.code.startswith(_prefix(self.code))


NOWHERE = Region()


def _prefix(code: str) -> str:
    """The digits a code fixes: 42 for a province, 4201 for a city, 420102 for a county."""
    if code.endswith("0000"):
        return code[:2]
    return code[:4] if code.endswith("00") else code


@functools.cache
def _cpca() -> Any:
    # cpca 0.5 reads its table through pkg_resources, which setuptools 67-80 flag as
    # deprecated on import (a UserWarning from 80.9 on: printed at every ingest) and 81
    # removes (pyproject pins setuptools<81). The warning is about cpca's code, not the
    # user's: silenced here, only at this import.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", category=Warning)
        import cpca  # noqa: PLC0415  (1 s to import: paid by documents, not by every command)

    return cpca


@functools.cache
def _county_names() -> Counter[str]:
    """How many counties of the country bear each name (朝阳区: 2)."""
    return Counter(a.name for a in _cpca().ad_2_addr_dict.values() if a.rank == 2)


@functools.cache
def match(text: str) -> Region:
    """The place `text` names, with guesses refused (see the module docstring)."""
    # cpca 0.5's own per-string matcher; `transform` wraps it in a DataFrame per call
    found = _cpca()._get_one_addr(text, True, {})
    if found["adcode"] is None:
        return NOWHERE
    province, city, county = found["省"], found["市"], found["区"]
    p_pos, c_pos, k_pos = found["省_pos"], found["市_pos"], found["区_pos"]
    code = str(found["adcode"])
    if city in NOT_A_CITY:
        if c_pos >= 0:  # 县财政局: the word 县, not a place
            return NOWHERE if p_pos < 0 and k_pos < 0 else _cut(province, None, None, code)
        city = None
    if k_pos >= 0 and _prefecture_named(text, county, k_pos):
        county, k_pos = None, -1
        if _county_names()[found["区"]] != 1:
            return NOWHERE if p_pos < 0 and c_pos < 0 else _cut(province, city, None, code)
        return _cut(province, city, None, code)
    if county is not None and p_pos < 0 and c_pos < 0 and _county_names()[county] != 1:
        return NOWHERE  # 朝阳区 alone: two places of that name
    return _cut(province, city, county, code)


def _prefecture_named(text: str, county: str, pos: int) -> bool:
    """恩施州: the county's short form (恩施) followed by a prefecture's suffix."""
    if text.startswith(county, pos):
        return False
    rest = text[pos:]
    return any(
        rest.startswith(county[:n] + suffix)
        for n in range(len(county) - 1, 1, -1)
        for suffix in PREFECTURE_SUFFIXES
    )


def _cut(province: str | None, city: str | None, county: str | None, code: str) -> Region:
    """The region with the code of its deepest kept level."""
    if county is not None:
        return Region(province, city, county, code)
    if city is not None:
        return Region(province, city, None, code[:4] + "00")
    if province is not None:
        return Region(province, None, None, code[:2] + "0000")
    return NOWHERE


def resolve(*texts: str | None) -> Region:
    """The place named by `texts`, most trusted first (unit name, title, path).

    The first text that names a place sets it; a later text only makes it more precise when
    it names a place inside it (unit 湖北省教育厅 and path …/武汉市/… give 湖北省 武汉市)."""
    best = NOWHERE
    for text in texts:
        if not text:
            continue
        found = match(text)
        if found.code is None:
            continue
        if best.code is None or (best.contains(found) and found.depth > best.depth):
            best = found
    return best


def within(specific: Region, general: Region) -> Region:
    """A table's own place when it lies inside its document's (or the document has none);
    else the document's: one report is about one place."""
    if specific.code is None:
        return general
    if general.code is None or general.contains(specific):
        return specific
    return general


Placed = TypeVar("Placed", DocumentRow, EvalTableRow, FindingRow)


def _at(row: Placed, region: Region) -> Placed:
    return dataclasses.replace(
        row,
        province=region.province,
        city=region.city,
        county=region.county,
        region_code=region.code,
    )


def place(
    document: DocumentRow,
    tables: list[EvalTableRow],
    findings: list[FindingRow],
    fixed: Region | None = None,
) -> tuple[DocumentRow, list[EvalTableRow], list[FindingRow]]:
    """The rows of one document with their place filled in: the document's from its unit,
    title and path (or `fixed`, from a manifest), each table's from its own units within
    the document's, each finding's from its table (else the document), with the unit named."""
    units = [u for t in tables for u in (t.implementer, t.department)]
    here = fixed or resolve(document.org, document.title, *units, document.path)
    by_table: dict[str, tuple[Region, str | None]] = {}
    placed_tables = []
    for table in tables:
        region = here if fixed else within(resolve(table.implementer, table.department), here)
        by_table[table.table_id] = (region, table.implementer or table.department)
        placed_tables.append(_at(table, region))
    return _at(document, here), placed_tables, _findings_at(findings, by_table, here, document.org)


def _findings_at(
    findings: list[FindingRow],
    by_table: dict[str, tuple[Region, str | None]],
    here: Region,
    org: str | None,
) -> list[FindingRow]:
    placed = []
    for finding in findings:
        region, unit = by_table.get(finding.table_id or "", (here, None))
        placed.append(_at(dataclasses.replace(finding, unit=unit or org), region))
    return placed


def _stored(row: DocumentRow | EvalTableRow) -> Region:
    return Region(row.province, row.city, row.county, row.region_code)


def place_findings(
    document: DocumentRow, tables: list[EvalTableRow], findings: list[FindingRow]
) -> list[FindingRow]:
    """Findings made again from stored rows (rescore) placed as ingest placed them: at the
    region and unit already stored on their table, else on their document."""
    by_table = {t.table_id: (_stored(t), t.implementer or t.department) for t in tables}
    return _findings_at(findings, by_table, _stored(document), document.org)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What an auditor knows about one file better than its text says (`--manifest`)."""

    region: Region | None = None
    unit: str | None = None
    year: int | None = None
    url: str | None = None


MANIFEST_COLUMNS = ("path", "region", "unit", "year", "url")


def read_manifest(text: str) -> dict[str, ManifestEntry]:
    """`path,region,unit,year,url` rows (a header row first; empty cells are unknown) keyed by
    path as given to ingest. `region` is a place name (湖北省武汉市江岸区) or a GB/T 2260 code."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and "path" not in rows[0]:
        raise ZipingError(f"manifest needs a header row with: {', '.join(MANIFEST_COLUMNS)}")
    entries = {}
    for number, row in enumerate(rows, start=2):
        year = (row.get("year") or "").strip()
        if year and not year.isdigit():
            raise ZipingError(f"manifest line {number}: year {year!r} is not a number")
        place = (row.get("region") or "").strip()
        entries[row["path"].strip()] = ManifestEntry(
            region=_place(place, number) if place else None,
            unit=(row.get("unit") or "").strip() or None,
            year=int(year) if year else None,
            url=(row.get("url") or "").strip() or None,
        )
    return entries


def _place(text: str, number: int) -> Region:
    if text.isdigit():
        known = _cpca().ad_2_addr_dict.get(text.ljust(12, "0"))
        if known is None:
            raise ZipingError(f"manifest line {number}: {text} is no GB/T 2260 code")
        text = _full_name(known)
    found = match(text)
    if found.code is None:
        raise ZipingError(f"manifest line {number}: no place named in {text!r}")
    return found


def _full_name(addr: Any) -> str:
    """湖北省武汉市江岸区 for the county 420102: the names of the code and its parents."""
    table = _cpca().ad_2_addr_dict
    code = str(addr.adcode)
    parents = [code[:2] + "0000", code[:4] + "00", code]
    names = [
        table[c.ljust(12, "0")].name for c in dict.fromkeys(parents) if c.ljust(12, "0") in table
    ]
    return "".join(n for n in names if n not in NOT_A_CITY)
