"""The auditor's workbench commands beside the pipeline ones: `export` (one DuckDB file for
BI tools) and `diff` (two datasets per table and row). `pipeline.cli` registers them; they read
the dataset through this package, nothing else.

Like the report and query commands, they import pandas and DuckDB only when they run."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

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
