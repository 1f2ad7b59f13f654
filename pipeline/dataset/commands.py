"""The auditor's workbench commands beside the pipeline ones: `export` (one DuckDB file for
BI tools) and `diff` (two datasets per table and row). `pipeline.cli` registers them; they read
the dataset through this package, nothing else.

Like the report and query commands, they import pandas and DuckDB only when they run."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import click

DATA = click.Path(exists=True, file_okay=False, path_type=Path)


@click.command("export")
@click.option("--data", required=True, type=DATA, help="Dataset folder written by `ziping ingest`.")
@click.option(
    "--duckdb", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="DuckDB file to write (replaced if present): one table per dataset table.",
)  # fmt: skip
def export_command(data: Path, target: Path) -> None:
    """Copy the dataset into one DuckDB file, for DuckDB, Datasette or BI tools.

    Example: ziping export --data data/parquet --duckdb ziping.duckdb
    """
    from pipeline.dataset import query

    tables = query.export_duckdb(data, target)
    click.echo(f"{target}: {', '.join(tables)}")


@click.command("diff")
@click.argument("before", type=DATA)
@click.argument("after", type=DATA)
@click.option(
    "--format", "fmt", type=click.Choice(["summary", "csv", "json"]), default="summary",
    show_default=True,
    help="Rows per table and the changed cells, or every difference as CSV / JSON records.",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="summary: changed cells listed (0: none).")  # fmt: skip
def diff_command(before: Path, after: Path, fmt: str, limit: int) -> None:
    """Compare two datasets (e.g. two profiles of the same files) per table and row.

    Rows line up by id (the same file gives the same ids): added, removed, and every changed
    cell with both values.

    Example: ziping diff data/central data/provincial
    """
    from pipeline.dataset import compare

    diffs = compare.compare(before, after)
    records = compare.change_records(diffs)
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, ["table", "id", "change", "column", "before", "after"])
        writer.writeheader()
        writer.writerows(records)
        click.echo(buffer.getvalue(), nl=False)
        return
    for line in compare.summary_lines(diffs):
        click.echo(line)
    changed = [r for r in records if r["change"] == "changed"]
    for record in changed[:limit]:
        click.echo(
            f"  {record['table']} {record['id']} {record['column']}: "
            f"{record['before']} -> {record['after']}"
        )
    if len(changed) > limit:
        click.echo(f"  … {len(changed) - limit} more changed cells (--format csv lists all)")


# --- options shared by ingest and rescore: a machine-readable summary and a gate ----------

SEVERITY_GATES = {"error": ("error",), "warning": ("error", "warning")}


def batch_report_options(command: Callable[..., None]) -> Callable[..., None]:
    """`--json` (the summary and coverage as JSON on stdout) and `--fail-on`."""
    command = click.option(
        "--fail-on", type=click.Choice(list(SEVERITY_GATES)), default=None,
        help="Exit 1 when the dataset holds findings of this severity (warning: or worse).",
    )(command)  # fmt: skip
    return click.option(
        "--json", "as_json", is_flag=True,
        help="Print the summary with coverage (rows re-scored, tables complete, checks "
        "evaluated / passed / failed) as JSON instead of text.",
    )(command)  # fmt: skip


def finish_batch(data: Path, summary: dict[str, Any], as_json: bool, fail_on: str | None) -> None:
    """Print the JSON summary when asked, then apply the `--fail-on` gate (exit 1)."""
    if not as_json and fail_on is None:
        return
    from pipeline.dataset import coverage
    from pipeline.dataset.nopandas import hold_back_pandas

    hold_back_pandas()  # coverage reads Parquet: pyarrow, not pandas (`ingest` may not have)

    measured = coverage.measure(data)
    if as_json:
        payload = {**summary, "coverage": measured.as_json()}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    if fail_on is not None:
        gated = sum(measured.findings_by_severity.get(s, 0) for s in SEVERITY_GATES[fail_on])
        if gated:
            raise click.ClickException(
                f"{gated} finding(s) of severity {fail_on} or worse (--fail-on {fail_on})"
            )


class Progress:
    """Documents done: a bar on a terminal; else (CI logs, pipes) a line every few seconds."""

    def __init__(self, total: int | None, label: str, quiet: bool, every: float = 5.0) -> None:
        """`total` None: known later (`begin`), when the work has been planned."""
        self.total, self.label, self.every = total or 0, label, every
        self.done = 0
        self.tty = sys.stderr.isatty()
        self.quiet = quiet
        self.started = self.last = time.monotonic()
        self._bar: Any = None

    def __enter__(self) -> Progress:
        if self.total:
            self.begin(self.total)
        return self

    def begin(self, total: int) -> None:
        """The number of documents, once known: the bar starts."""
        self.total = total
        if self.tty and not self.quiet and self._bar is None:
            bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr,
                                    show_pos=True)  # fmt: skip
            self._bar = bar.__enter__()

    def __exit__(self, failed: object, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        elif not self.quiet and not self.tty and self.total and failed is None:
            self._line()  # the closing count; a run that failed says why instead

    def update(self, _item: object = None) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
        elif not self.quiet and not self.tty and time.monotonic() - self.last >= self.every:
            self._line()

    def _line(self) -> None:
        self.last = time.monotonic()
        elapsed = self.last - self.started
        share = self.done / self.total if self.total else 1.0
        click.echo(
            f"{self.label}: {self.done}/{self.total} documents ({share:.0%}), {elapsed:.0f} s",
            err=True,
        )


class Size(click.ParamType[int]):
    """A byte count: 1000, 200K, 200M, 1G (powers of 1024)."""

    name = "size"
    _UNITS: ClassVar[dict[str, int]] = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B")
        unit = text[-1:] if text[-1:] in self._UNITS else ""
        try:
            number = float(text[: len(text) - len(unit)])
        except ValueError:
            self.fail(f"{value!r} is not a size (e.g. 200M, 1G, 5000)", param, ctx)
        if number <= 0:
            self.fail(f"{value!r} must be positive", param, ctx)
        return int(number * self._UNITS[unit])


def human_size(size: int) -> str:
    for unit, factor in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)
