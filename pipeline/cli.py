"""`ziping` command line. Exit codes: 0 ok, 1 failure (or a failed document with --strict),
2 usage error. Errors print as `Error: …`, never as a traceback.

The report and query commands import their modules when they run: they pull in matplotlib,
pandas and DuckDB (~90 MB), which `ziping ingest` (held to a memory budget) never needs."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, cast

import click

import parsers
from parsers.limits import Limits
from pipeline import __version__
from pipeline.batch.ingest import BatchOptions, RunSummary, default_workers, discover, ingest
from pipeline.batch.rescore import rescore_dataset
from pipeline.dataset import dictionary
from pipeline.extract.inspect import describe
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


class _Size(click.ParamType[int]):
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


def _human(size: int) -> str:
    for unit, factor in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def _batch_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options that decide how a batch runs, collected into BatchOptions."""
    limits = Limits()
    options = [
        click.option(
            "--workers", type=click.IntRange(min=1), default=default_workers(), show_default=True,
            help="Local worker processes (1: in this process; with dask: LocalCluster workers).",
        ),
        click.option(
            "--executor", type=click.Choice(["local", "dask"]), default="local",
            show_default=True, help="Run documents in a local process pool or on dask.distributed.",
        ),
        click.option(
            "--scheduler", metavar="ADDRESS",
            help="Dask scheduler to join (tcp://HOST:8786); without it a LocalCluster starts.",
        ),
        click.option(
            "--retries", type=click.IntRange(min=0), default=2, show_default=True,
            help="Dask: times a document's task is retried when its worker dies.",
        ),
        click.option(
            "--doc-timeout", type=click.FloatRange(min=0), default=300.0, show_default=True,
            help="Seconds one document may take before it is recorded as failed (0: no limit).",
        ),
        click.option(
            "--force", is_flag=True,
            help="Re-read every document, even when bytes, parser and profile are unchanged.",
        ),
        click.option(
            "--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
            help="Seconds to wait for another ingest writing --out (default: fail at once).",
        ),
        click.option(
            "--max-bytes", type=_Size(), default=_human(limits.max_bytes), show_default=True,
            help="Largest file to read (bytes; K/M/G suffixes).",
        ),
        click.option(
            "--max-unzipped-bytes", type=_Size(), default=_human(limits.max_unzipped_bytes),
            show_default=True, help="Largest total a DOCX/XLSX may inflate to (zip bombs).",
        ),
        click.option(
            "--max-pages", type=click.IntRange(min=1), default=limits.max_pages,
            show_default=True, help="Most pages a PDF may have.",
        ),
        click.option(
            "--ocr", type=click.Choice(["auto", "off", "force"]), default=limits.ocr,
            show_default=True,
            help="OCR scanned pages: auto (pages without a usable text layer, and images), "
            "off, force (every PDF page).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _to_batch_options(values: dict[str, Any]) -> BatchOptions:
    limits = Limits(
        max_bytes=values["max_bytes"],
        max_unzipped_bytes=values["max_unzipped_bytes"],
        max_pages=values["max_pages"],
        ocr=values["ocr"],
    )
    return BatchOptions(
        workers=values["workers"],
        executor=values["executor"],
        scheduler=values["scheduler"],
        retries=values["retries"],
        doc_timeout=values["doc_timeout"] or None,
        force=values["force"],
        wait=values["wait"],
        limits=limits,
    )


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
@_batch_options
def ingest_command(
    paths: tuple[Path, ...], out: Path, profile: Profile, strict: bool, quiet: bool, **batch: Any
) -> None:
    """Read reports under PATHS, re-score their 自评表 and write the dataset to --out.

    Documents run in parallel (--workers, or --executor dask); a document already in --out with
    the same bytes, parser version and profile is skipped (--force re-reads it). One ingest
    writes a folder at a time; a killed ingest is finished by running it again.
    """
    files = discover(paths)
    options = _to_batch_options(batch)
    show_bar = not quiet and sys.stderr.isatty()
    with click.progressbar(
        length=len(files),
        label="ingest",
        file=sys.stderr,
        hidden=not show_bar,
        show_pos=True,  # 120/3000 beside the percentage and the ETA
    ) as bar:

        def done(_doc: DocumentRow) -> None:
            bar.update(1)

        summary = ingest(files, out, profile, on_done=done, options=options)
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
    if summary.skipped:
        click.echo(f"unchanged since the last run, skipped: {summary.skipped} (--force re-reads)")
    click.echo(f"tables: {summary.tables}  indicator rows: {summary.indicators}")
    total = sum(summary.findings_by_code.values())
    click.echo(f"findings: {total}")
    for code, count in sorted(summary.findings_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {code:<28} {count}")
    for failed in summary.failed:
        reason = failed.error or "unknown error"
        # readers name the file in their message already; don't say it twice
        where = "" if reason.startswith(failed.path) else f"{failed.path}: "
        click.echo(f"failed: {where}{reason}", err=True)
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
    from pipeline.report.write import write_report

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
    from pipeline.dataset import query

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


@main.command("rescore")
@click.option(
    "--data", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Dataset folder written by `ziping ingest`.",
)  # fmt: skip
@click.option(
    "--profile", required=True, callback=_profile,
    help="Scoring profile to apply: a bundled name or a path to a .toml file.",
)  # fmt: skip
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Write the rescored dataset here instead of rewriting --data in place.",
)  # fmt: skip
@click.option(
    "--wait", type=float, default=0.0, show_default=True, metavar="SECONDS",
    help="Wait this long for another writer of the dataset to finish.",
)  # fmt: skip
def rescore_command(data: Path, profile: Profile, out: Path | None, wait: float) -> None:
    """Re-score a stored dataset under another profile, without re-parsing any file.

    Score columns and score findings are recomputed; findings from parsing and claims are kept.
    Ids stay the same, so two rescored copies (--out) compare row by row.

    Example: ziping rescore --data data/parquet --profile provincial --out data/provincial
    """
    summary = rescore_dataset(data, profile, out, wait)
    click.echo(
        f"profile: {summary.profile}  documents: {summary.documents}  tables: {summary.tables}"
        f"  indicator rows: {summary.indicators}"
    )
    click.echo(f"findings: {summary.findings_by_code.total()} ({summary.kept} kept from parsing)")
    for code, count in sorted(summary.findings_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {code:<28} {count}")
    click.echo(f"dataset: {out or data}")


@main.command("inspect")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect_command(path: Path) -> None:
    """Show what was read from one file: each 自评表's fields, budget, rows (with their
    source lines) and the cells left unread. Nothing is written."""
    for line in describe(parsers.parse(path)):
        click.echo(line)
