"""`ziping` command line. Exit codes: 0 ok, 1 failure (or a failed document with --strict),
2 usage error. Errors print as `Error: …`, never as a traceback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from pipeline import __version__, dictionary, query
from pipeline.ingest import RunSummary, discover, ingest
from schemas import ZipingError
from schemas.profile import Profile, load_profile
from schemas.tables import TABLES, DocumentRow


class _Group(click.Group):
    """Turns ZipingError into `Error: …` and exit 1 for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ZipingError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="ziping")
def main() -> None:
    """ziping (自评): extract, re-score and audit 绩效自评表 in budget-performance reports."""


def _profile(_ctx: click.Context, _param: click.Parameter, value: str) -> Profile:
    try:
        return load_profile(value)
    except ZipingError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Dataset folder to write (<out>/<table>/part-*.parquet).",
)  # fmt: skip
@click.option(
    "--profile", default="central", show_default=True, callback=_profile,
    help="Scoring profile: a bundled name or a path to a .toml file.",
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Exit 1 when any document failed.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
def ingest_command(
    paths: tuple[Path, ...], out: Path, profile: Profile, strict: bool, quiet: bool
) -> None:
    """Read reports under PATHS, re-score their 自评表 and write the dataset to --out."""
    files = discover(paths)
    out.mkdir(parents=True, exist_ok=True)
    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(
        length=len(files), label="ingest", file=sys.stderr, hidden=not show_bar
    ) as bar:

        def done(_doc: DocumentRow) -> None:
            bar.update(1)

        summary = ingest(files, out, profile, on_done=done)
    if not quiet:
        _print_summary(summary, out)
    if strict and summary.failed:
        raise click.ClickException(f"{len(summary.failed)} document(s) failed (--strict)")


def _print_summary(summary: RunSummary, out: Path) -> None:
    docs = summary.results
    by_status = {s: sum(1 for d in docs if d.status == s) for s in ("ok", "no_tables", "error")}
    click.echo(
        f"documents: {len(docs)} (ok {by_status['ok']}, no tables {by_status['no_tables']}, "
        f"failed {by_status['error']})"
    )
    click.echo(f"tables: {summary.tables}  indicator rows: {summary.indicators}")
    total = sum(summary.findings_by_code.values())
    click.echo(f"findings: {total}")
    for code, count in sorted(summary.findings_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {code:<28} {count}")
    for failed in summary.failed:
        click.echo(f"failed: {failed.path}: {failed.error}", err=True)
    click.echo(f"dataset: {out}")


@main.command("report")
@click.option(
    "--data", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Dataset folder written by `ziping ingest`.",
)  # fmt: skip
@click.option(
    "--out", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder for diff.html, diff.md, findings.csv, diff.xlsx.",
)  # fmt: skip
def report_command(data: Path, out: Path) -> None:
    """Write the diff report (printed vs recomputed scores, findings) for a dataset."""
    from pipeline.report import write_report  # the report pulls in plotting; load on demand

    written = write_report(data, out)
    for name, path in written.items():
        click.echo(f"{name}: {path}")


@main.command("query")
@click.argument("sql")
@click.option(
    "--data", default="data/parquet", show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Dataset folder written by `ziping ingest`.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="Aligned text, CSV with a header row, or a JSON array of objects.",
)  # fmt: skip
def query_command(sql: str, data: Path, fmt: str) -> None:
    """Run SQL (DuckDB) over the dataset: one view per table present (documents, eval_tables,
    indicators, findings, claims, runs).

    Example: ziping query "SELECT code, count(*) FROM findings GROUP BY code"
    """
    frame = query.run_query(data, sql)
    click.echo(query.render(frame, cast(query.Format, fmt)), nl=False)


@main.command("schema")
@click.argument("tables", nargs=-1, type=click.Choice(list(TABLES)))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
    show_default=True, help="Terminal text, or the Markdown of docs/data-dictionary.md.",
)  # fmt: skip
def schema_command(tables: tuple[str, ...], fmt: str) -> None:
    """Print the data dictionary (column, Chinese label, type, meaning) of TABLES (default all)."""
    text = dictionary.render(cast(dictionary.DictFormat, fmt), list(tables) or None)
    click.echo(text, nl=False)
