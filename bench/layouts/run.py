"""Generate tables of every family, render them in every layout, read them with ziping and
count rows exact / wrong / blank / missing / unparsed per family × layout.

    python -m bench.layouts --n 20 --seed 1
    python -m bench.layouts --families split,hebei --layouts pipe_rows,docx --dump /tmp/gen

Each generated table is its own file (one table per document), so every row ziping emits
from a file is judged against that one table's truth. The same table (family, k) is rendered
in every layout, so a layout's numbers differ from another's only by how the text arrived.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.layouts import blocks, damage, excerpt, grids, text
from bench.layouts.generate import FAMILIES, generate
from bench.layouts.model import Form
from bench.layouts.score import TableScore, score_table
from schemas.profile import Profile, load_profile

TEXT_LAYOUTS: dict[str, Callable[[Form, random.Random], str]] = {
    **text.TEXT_LAYOUTS,
    **damage.DAMAGED,
    **blocks.BLOCKS,
}
GRID_LAYOUTS = ("docx", "xlsx", "html", "pdf", "pdf_borderless")
PRINTED = ("pdf", "pdf_borderless")  # drawn as DOCX, printed by LibreOffice
CLEAN = ("flat_space", "pipe_rows", "cell_tab", "cell_pipe", "cell_blank", "indented")
EXCERPT = "excerpt"  # a page that opens mid-table and stops inside a row (excerpt.py)
LAYOUTS = (*TEXT_LAYOUTS, EXCERPT, *GRID_LAYOUTS)


@dataclass(frozen=True)
class Case:
    family: str
    layout: str
    k: int
    path: Path
    form: Form


@dataclass
class CellResult:
    """The counts of one family × layout, with the wrong and blank rows for the report."""

    family: str
    layout: str
    tables: int = 0
    truth: int = 0
    exact: int = 0
    wrong: int = 0
    blank: int = 0
    missing: int = 0
    unparsed: int = 0
    budget_diff: int = 0
    total_diff: int = 0
    flags: int = 0
    seconds: float = 0.0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, case: Case, score: TableScore) -> None:
        self.tables += 1
        self.truth += score.truth_rows
        for name in ("exact", "wrong", "blank", "missing", "unparsed", "flags"):
            setattr(self, name, getattr(self, name) + getattr(score, name))
        self.budget_diff += score.budget == "DIFF"
        self.total_diff += score.total == "DIFF"
        for v in score.verdicts:
            if v.kind != "exact":
                example = {"file": case.path.name, "kind": v.kind, "fields": v.fields}
                self.examples.append(example | {"ours": v.ours, "truth": v.truth})


def form_rng(seed: int, family: str, k: int) -> random.Random:
    return random.Random(f"{seed}:{family}:{k}")


def build(families: list[str], layouts: list[str], n: int, seed: int, folder: Path) -> list[Case]:
    """Write every (family, k) table in every layout under `folder`, with its truth JSON."""
    cases: list[Case] = []
    to_print: list[Path] = []
    for family in families:
        for k in range(n):
            form = generate(family, form_rng(seed, family, k))
            stem = f"{family}-{k:03d}"
            (folder / f"{stem}.truth.json").write_text(
                json.dumps(form.truth(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            for layout in layouts:
                path = folder / f"{stem}-{layout}.{_suffix(layout)}"
                rng = random.Random(f"{seed}:{family}:{k}:{layout}")
                shown = form
                if layout == EXCERPT:
                    other = generate(family, random.Random(f"{seed}:{family}:{k}:before"))
                    printed, shown = excerpt.excerpt(form, rng, other)
                    path.write_text(printed, encoding="utf-8")
                elif layout in TEXT_LAYOUTS:
                    printed = TEXT_LAYOUTS[layout](form, rng)
                    if rng.random() < 0.2:
                        printed = damage.with_chrome(printed, rng)
                    path.write_text(printed, encoding="utf-8")
                elif layout in PRINTED:
                    source = folder / "pdf-source" / f"{stem}-{layout}.docx"
                    source.parent.mkdir(exist_ok=True)
                    grids.write_docx(form, source, ruled=layout == "pdf")
                    to_print.append(source)
                else:
                    WRITERS[layout](form, path)
                cases.append(Case(family, layout, k, path, shown))
    if to_print:
        grids.print_pdfs(to_print, folder)
    return cases


WRITERS: dict[str, Callable[[Form, Path], None]] = {
    "docx": grids.write_docx,
    "xlsx": grids.write_xlsx,
    "html": grids.write_html,
}


def _suffix(layout: str) -> str:
    return "pdf" if layout in PRINTED else layout if layout in GRID_LAYOUTS else "txt"


def process_file() -> Callable[[Path, Profile], Any]:
    """ziping's per-document unit of work, wherever the current layout of pipeline/ keeps it."""
    for module in ("pipeline.batch.document", "pipeline.document"):
        try:
            found: Callable[[Path, Profile], Any] = importlib.import_module(module).process_file
        except ModuleNotFoundError:
            continue
        return found
    raise SystemExit("cannot find ziping's process_file in pipeline/")


def read_all(cases: list[Case], profile: Profile) -> list[CellResult]:
    process = process_file()
    cells: dict[tuple[str, str], CellResult] = {}
    for case in cases:
        cell = cells.setdefault((case.family, case.layout), CellResult(case.family, case.layout))
        started = time.perf_counter()
        result = process(case.path, profile)
        cell.seconds += time.perf_counter() - started
        form = case.form
        score = score_table(
            form.rows, form.budget, form.total, result.indicators, result.tables, result.findings
        )
        cell.add(case, score)
    return list(cells.values())


def evaluate(
    families: list[str], layouts: list[str], n: int, seed: int, dump: Path | None = None
) -> list[CellResult]:
    profile = load_profile("central")
    if dump is not None:
        dump.mkdir(parents=True, exist_ok=True)
        results = read_all(build(families, layouts, n, seed, dump), profile)
        rows = [asdict(r) for r in results]  # every wrong and blank row, beside the files
        (dump / "results.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return results
    with tempfile.TemporaryDirectory(prefix="ziping-layouts-") as tmp:
        return read_all(build(families, layouts, n, seed, Path(tmp)), profile)


def markdown(results: list[CellResult]) -> str:
    names = "family layout tables truth exact wrong blank missing unparsed budget≠ total≠ flags"
    lines = ["| " + " | ".join(names.split()) + " |", "|" + "---|" * 12]
    for r in results:
        lines.append(
            f"| {r.family} | {r.layout} | {r.tables} | {r.truth} | {r.exact} | {r.wrong} | "
            f"{r.blank} | {r.missing} | {r.unparsed} | {r.budget_diff} | {r.total_diff} "
            f"| {r.flags} |"
        )
    lines.append("")
    groups = {
        "clean text (one table layout per line kind)": [r for r in results if r.layout in CLEAN],
        "grid formats": [r for r in results if r.layout in GRID_LAYOUTS],
        "damaged text (page cut, glued, scrambled, OCR, mirror)": [
            r for r in results if r.layout not in CLEAN and r.layout not in GRID_LAYOUTS
        ],
        "all": results,
    }
    for name, group in groups.items():
        lines.append(f"- {name}: {_share(group)}")
    for layout in dict.fromkeys(r.layout for r in results):
        lines.append(f"- {layout}: {_share([r for r in results if r.layout == layout])}")
    for family in dict.fromkeys(r.family for r in results):
        lines.append(f"- {family}: {_share([r for r in results if r.family == family])}")
    return "\n".join(lines)


def _share(group: list[CellResult]) -> str:
    truth = sum(r.truth for r in group)
    exact = sum(r.exact for r in group)
    wrong = sum(r.wrong for r in group)
    return f"{exact}/{truth} rows exact ({exact / max(1, truth):.1%}), {wrong} wrong"


def causes(results: list[CellResult], top: int = 12) -> str:
    """The most common kinds of wrong row: family and the fields that differ, with one
    example (what ziping emitted against what the table printed)."""
    counts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in results:
        for e in r.examples:
            if e["kind"] == "wrong":
                key = (r.family, "unpaired" if e["truth"] is None else "+".join(e["fields"]))
                counts.setdefault(key, []).append(e | {"layout": r.layout})
    lines = ["", "most common wrong rows (family, fields that differ: count, one example):"]
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))[:top]
    for (family, fields), examples in ranked:
        e = examples[0]
        layouts = sorted({x["layout"] for x in examples})
        lines.append(f"- {family} {fields}: {len(examples)} in {', '.join(layouts)}")
        shown = ["level3", *[f for f in e["fields"] if f != "level3"]]
        ours = "; ".join(f"{f}={e['ours'][f]!r}" for f in shown)
        truth = "; ".join(f"{f}={(e['truth'] or {}).get(f)!r}" for f in shown)
        lines.append(f"    {e['file']}: emitted {ours}")
        lines.append(f"    {' ' * len(e['file'])}  printed {truth}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.layouts", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--families", default=",".join(FAMILIES), help="comma-separated families")
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated layouts")
    parser.add_argument("--n", type=int, default=5, help="tables per family × layout")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--dump", type=Path, help="keep the generated files, truth JSON and results.json here"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    families = [f for f in args.families.split(",") if f]
    layouts = [x for x in args.layouts.split(",") if x]
    unknown = [f for f in families if f not in FAMILIES] + [x for x in layouts if x not in LAYOUTS]
    if unknown:
        parser.error(f"unknown family or layout: {', '.join(unknown)}")
    started = time.perf_counter()
    results = evaluate(families, layouts, args.n, args.seed, args.dump)
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    else:
        print(markdown(results))
        print(causes(results))
        print(f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
