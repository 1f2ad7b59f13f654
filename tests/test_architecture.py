"""The house rules: stages import one way, modules stay readable, no re-export shims.

docs/architecture.md draws the same table; this test is what keeps it true.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = ("parsers", "schemas", "pipeline")
MAX_LINES = 400

# package -> the packages of ours it must never import (at any depth, even inside a function)
FORBIDDEN: dict[str, set[str]] = {
    "schemas": {"parsers", "pipeline"},
    "parsers": {"pipeline"},
    "pipeline.lexicon": {f"pipeline.{p}" for p in ("extract", "audit", "claims", "batch")}
    | {"pipeline.dataset", "pipeline.report", "parsers"},
    "pipeline.extract": {f"pipeline.{p}" for p in ("audit", "claims", "batch", "dataset")}
    | {"pipeline.report", "parsers"},
    "pipeline.audit": {f"pipeline.{p}" for p in ("claims", "batch", "dataset", "report")}
    | {"parsers"},
    "pipeline.claims": {f"pipeline.{p}" for p in ("extract", "audit", "batch", "dataset")}
    | {"pipeline.report", "parsers"},
    "pipeline.dataset": {f"pipeline.{p}" for p in ("extract", "audit", "claims", "batch")}
    | {"pipeline.report", "parsers"},
    "pipeline.report": {f"pipeline.{p}" for p in ("extract", "audit", "claims", "batch")},
    "pipeline.batch": {"pipeline.report"},
}


def modules() -> Iterator[tuple[str, Path]]:
    for top in CODE:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module of ours `path` imports, with the line, wherever the import statement is."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from pipeline import report` imports pipeline.report
                yield node.lineno, f"{node.module}.{alias.name}"


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_stages_import_one_way() -> None:
    broken = []
    for name, path in modules():
        rules = [bad for pkg, bad in FORBIDDEN.items() if within(name, pkg)]
        for line, target in imports(path):
            if target == "pipeline.cli" or target.startswith("pipeline.cli."):
                broken.append(f"{path.relative_to(ROOT)}:{line} imports the CLI")
            for bad in rules:
                hit = next((b for b in bad if within(target, b)), None)
                if hit and not within(name, hit):
                    broken.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert broken == []


def test_the_rules_cover_every_stage() -> None:
    """A new package under pipeline/ must be given its rules here, not slip past them."""
    stages = {p.name for p in (ROOT / "pipeline").iterdir() if (p / "__init__.py").exists()}
    assert {f"pipeline.{s}" for s in stages} <= set(FORBIDDEN)


def test_modules_stay_readable() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for _, path in modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_flat_modules_left_in_pipeline() -> None:
    """pipeline/ holds stage packages and the CLI on top, nothing else."""
    flat = {p.name for p in (ROOT / "pipeline").glob("*.py")}
    assert flat == {"__init__.py", "cli.py"}
