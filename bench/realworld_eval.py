"""Compare `ziping ingest DIR` with the hand annotations (`*.truth.json`) found in DIR.

    python bench/realworld_eval.py ../shared/realworld

Prints, per annotated file and overall, indicator rows exactly right / annotated (every
field equal after removing whitespace, as read or as printed where ziping repaired OCR
look-alikes; level-1 labels compared as bare label + printed weight; emitted rows paired
with annotated rows by name, in order), whether the budget block and printed total match,
and the findings raised next to the oddities the annotator noted. Rows ziping emitted that
match no annotated row are counted as wrong: a wrong row is worse than a missing one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.extract.values import weight_in_label

FIELDS = ("level1", "level2", "level3", "target", "actual", "weight", "score")


def norm(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split())


def number(value: Any) -> str:
    """`8`, `8.0`, `8.00` compare equal; non-numbers compare as text."""
    text = norm(value)
    try:
        return f"{float(text):g}"
    except ValueError:
        return text


def truth_row(row: dict[str, Any]) -> tuple[str, ...]:
    label, weight = weight_in_label(row.get("level1") or "")
    return (
        norm(label) + (f"|{float(weight):g}" if weight is not None else ""),
        norm(row.get("level2")),
        norm(row.get("level3")),
        norm(row.get("target")),
        norm(row.get("actual")),
        number(row.get("weight")),
        number(row.get("score")),
    )


def printed_row(row: pd.Series) -> tuple[str, ...]:
    """The row with each cell whose OCR look-alikes ziping repaired as it was printed
    (`工5%` for ≥5%): annotators copy what the page prints."""
    cells = json.loads(row["extra_cells"]) if isinstance(row.get("extra_cells"), str) else {}
    ours = list(our_row(row))
    for k, role in enumerate(FIELDS):
        printed = cells.get(f"{role}_printed")
        if printed is not None:
            ours[k] = number(printed) if role in ("weight", "score") else norm(printed)
    return tuple(ours)


def same(expected: tuple[str, ...], row: pd.Series) -> bool:
    """Every field as annotated, read (repaired) or as printed."""
    got, printed = our_row(row), printed_row(row)
    return all(e in (g, p) for e, g, p in zip(expected, got, printed, strict=True))


def our_row(row: pd.Series) -> tuple[str, ...]:
    weight = row["level1_weight"]
    level1 = norm(row["level1"]) + (f"|{float(weight):g}" if pd.notna(weight) else "")
    return (
        level1,
        norm(row["level2"]),
        norm(row["level3"]),
        norm(row["target_raw"]),
        norm(row["actual_raw"]),
        number(row["weight_raw"]),
        number(row["score_raw"]),
    )


def ingest(folder: Path, out: Path) -> None:
    ziping = Path(sys.executable).with_name("ziping")
    command = [str(ziping), "ingest", str(folder), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)


def evaluate(folder: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ingest(folder, out)
        documents = pd.read_parquet(out / "documents")
        tables = pd.read_parquet(out / "eval_tables")
        indicators = pd.read_parquet(out / "indicators")
        findings = pd.read_parquet(out / "findings")
    total_right = total_truth = total_wrong = 0
    print(f"{'file':<6} {'rows right':>11} {'wrong':>6}  budget  total  findings")
    for truth_path in sorted(folder.glob("*.truth.json")):
        stem = truth_path.name.split(".")[0]
        doc = documents[documents.path.map(lambda p, s=stem: Path(p).stem == s)]
        doc_id = doc.doc_id.iloc[0] if len(doc) else None
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        ours = tables[tables.doc_id == doc_id].sort_values("seq")
        right, wrong, budget_ok, total_ok = compare(truth["tables"], ours, indicators)
        n_truth = sum(len(t["indicators"]) for t in truth["tables"])
        codes = sorted(findings[findings.doc_id == doc_id].code.value_counts().items())
        total_right += right
        total_truth += n_truth
        total_wrong += wrong
        print(
            f"{stem:<6} {right:>5}/{n_truth:<5} {wrong:>6}  {budget_ok:<6}  {total_ok:<5}  "
            + ", ".join(f"{c}×{n}" for c, n in codes)
        )
        for table in truth["tables"]:
            for note in _notes(table):
                print(f"       note: {note}")
    share = total_right / total_truth if total_truth else 0.0
    print(
        f"overall {total_right}/{total_truth} rows exactly right ({share:.0%}), {total_wrong} wrong"
    )
    return 0


def _notes(table: dict[str, Any]) -> Iterable[str]:
    notes = table.get("notes") or []
    return [notes] if isinstance(notes, str) else notes


def compare(
    truth_tables: list[dict[str, Any]], ours: pd.DataFrame, indicators: pd.DataFrame
) -> tuple[int, int, str, str]:
    right = wrong = 0
    budget_ok: list[bool | None] = []
    total_ok: list[bool | None] = []
    for k, truth in enumerate(truth_tables):
        if k >= len(ours):
            break
        table = ours.iloc[k]
        rows = indicators[indicators.table_id == table.table_id].sort_values("seq")
        expected = [truth_row(r) for r in truth["indicators"]]
        # each emitted row is paired with the first annotated row of its name not yet
        # paired (a row left unread shifts no later row); unpaired, it is wrong
        free = list(range(len(expected)))
        for _, row in rows.iterrows():
            name = our_row(row)[2]
            match = next((k for k in free if expected[k][2] == name), None)
            if match is not None:
                free.remove(match)
            if match is not None and same(expected[match], row):
                right += 1
            else:
                wrong += 1
        budget = truth.get("budget") or {}
        if budget:
            pairs = [
                (budget.get("full_year"), table.budget_full_year),
                (budget.get("executed"), table.budget_executed),
            ]
            budget_ok.append(
                None
                if pd.isna(table.budget_full_year)
                else all(_amount(a) == _amount(b) for a, b in pairs)
            )
        if truth.get("stated_total") is not None:
            stated = table.total_stated
            total_ok.append(
                None if pd.isna(stated) else _amount(truth["stated_total"]) == _amount(stated)
            )
    return right, wrong, _flag(budget_ok), _flag(total_ok)


def _amount(value: Any) -> str:
    text = norm(value).rstrip("万元分")
    try:
        return f"{float(text):.4f}"
    except ValueError:
        return text


def _flag(checks: list[bool | None]) -> str:
    """ok, DIFF (a value read differently: wrong), miss (not read: missing, not wrong)."""
    if not checks:
        return "-"
    if any(c is False for c in checks):
        return "DIFF"
    return "ok" if all(checks) else "miss"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/realworld_eval.py DIR")
    sys.exit(evaluate(Path(sys.argv[1])))
