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


def functions(path: Path) -> Iterator[tuple[str, int]]:
    """Every function and method in `path` (nested ones too) with its length in lines."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
            yield node.name, node.end_lineno - node.lineno + 1


def census() -> list[str]:
    """The house in numbers: modules per package, the longest module and function, and the
    import rules the tests above check (`python -m tests.test_architecture`)."""
    packages: dict[str, int] = {}
    sizes: dict[str, int] = {}
    longest_function = ("", "", 0)
    for name, path in modules():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        packages[package] = packages.get(package, 0) + 1
        where = str(path.relative_to(ROOT))
        sizes[where] = len(path.read_text(encoding="utf-8").splitlines())
        for function, length in functions(path):
            if length > longest_function[2]:
                longest_function = (where, function, length)
    top = max(sizes, key=lambda p: sizes[p])
    lines = ["modules per package:"]
    lines += [f"  {p:<22} {n}" for p, n in sorted(packages.items())]
    lines += [
        f"modules: {sum(packages.values())}, lines: {sum(sizes.values())}",
        f"longest module: {top} ({sizes[top]} lines; limit {MAX_LINES})",
        f"longest function: {longest_function[0]} {longest_function[1]}() "
        f"({longest_function[2]} lines)",
        "import rules checked (package: never imports):",
    ]
    lines += [f"  {p:<18} {', '.join(sorted(bad))}" for p, bad in FORBIDDEN.items()]
    lines += ["  every module       pipeline.cli", "  pipeline/          no module but cli.py"]
    return lines


if __name__ == "__main__":
    print("\n".join(census()))
