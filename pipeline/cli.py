"""`ziping` command line. Exit codes: 0 ok, 1 failure (or a failed document with --strict),
2 usage error. Errors print as `Error: …`, never as a traceback (unless `--debug` asks for it).

Every command imports its machinery when it runs: the report pulls in matplotlib and the
query DuckDB, which `ziping ingest` (held to a memory budget) never needs, and ingest's
readers and writer (~1 s) are nothing `--help`, `query` or `schema` should wait for. No
command imports pandas (pipeline/dataset/nopandas.py); only the Python loader makes
DataFrames (pipeline/dataset/load.py)."""

from __future__ import annotations

import dataclasses
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from pipeline import __version__
from pipeline.batch.options import (
    DEBUG,
    batch_options,
    debug_option,
    debugging,
    to_batch_options,
)
from pipeline.dataset import disk
from pipeline.dataset.commands import (
    Progress,
    batch_report_options,
    diff_command,
    export_command,
    finish_batch,
)
from pipeline.dataset.nopandas import hold_back_pandas
from schemas import ZipingError
from schemas.profile import Profile, load_profile
from schemas.tables import TABLES

if TYPE_CHECKING:
    from pipeline.batch.ingest import RunSummary
    from pipeline.extract.region import ManifestEntry


_WITHOUT_PYARROW_READS = frozenset({"query", "schema"})  # DuckDB reads; nothing read
_HOLDS_BACK_ITSELF = frozenset({"ingest"})  # pyarrow only once there is work (batch/outfolder.py)


class _Group(click.Group):
    """Turns ZipingError, and a file-system error no command described, into `Error: …` and
    exit 1 for every command (with `--debug`, the exception leaves with its traceback)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        # no command needs the pandas pyarrow would import (pipeline/dataset/nopandas.py);
        # pyarrow's dataset module only where Parquet is read through pyarrow
        if name not in _HOLDS_BACK_ITSELF:
            hold_back_pandas(parquet=name not in _WITHOUT_PYARROW_READS)
        return name, command, rest

    def invoke(self, ctx: click.Context) -> object:
        # `ulimit -f` would kill a writer mid-file by SIGXFSZ; ignored, the write fails (EFBIG)
        # and the command ends like on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        try:
            return super().invoke(ctx)
        except ZipingError as exc:
            if ctx.meta.get(DEBUG):
                raise
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            if ctx.meta.get(DEBUG):
                raise
            raise click.ClickException(disk.describe(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of path,region,unit,year,url: what you know of a file overrides what its text "
    "says (region: a place name or a GB/T 2260 code). Changed later? Re-run with --force.",
)  # fmt: skip
@click.option(
    "--follow-symlinks", is_flag=True,
    help="Read what symbolic links point to outside PATHS too (default: a row saying so).",
)  # fmt: skip
@click.option("--strict", is_flag=True, help="Exit 1 when any document failed.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@batch_report_options
@batch_options
def ingest_command(
    paths: tuple[Path, ...],
    out: Path,
    profile: Profile,
    follow_symlinks: bool,
    strict: bool,
    quiet: bool,
    **batch: Any,
) -> None:
    """Read reports under PATHS, re-score their 自评表 and write the dataset to --out.

    Documents run in parallel (--workers, or --executor dask); a document already in --out with
    the same bytes, parser version and profile is skipped (--force re-reads it). One ingest
    writes a folder at a time; a killed ingest is finished by running it again.
    """
    from pipeline.batch.ingest import ingest  # (see the module docstring)
    from pipeline.batch.walk import stream

    _check_out(paths, out)
    as_json, fail_on = batch.pop("as_json"), batch.pop("fail_on")
    manifest = batch.pop("manifest")
    options = to_batch_options(batch)
    found = stream(paths, options.limits, follow_symlinks)  # walked as the run plans
    files, options = found.files, dataclasses.replace(options, unread=found.unread)
    if manifest is not None:
        options = dataclasses.replace(options, manifest=_manifest(manifest))
    with Progress(None, "ingest", quiet) as progress:
        summary = ingest(files, out, profile, progress.update, options, progress.begin)
    if not quiet and not as_json:
        _print_summary(summary, out)
    finish_batch(out, summary.record(out), as_json, fail_on)
    if strict and summary.failed:
        raise click.ClickException(f"{len(summary.failed)} document(s) failed (--strict)")


def _manifest(path: Path) -> dict[str, ManifestEntry]:
    from pipeline.extract.region import read_manifest

    try:
        return read_manifest(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ZipingError) as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--manifest") from exc


def _check_out(paths: tuple[Path, ...], out: Path) -> None:
    """--out inside an input would be read back as input on the next run: refused (exit 2).
    A non-empty folder that is no dataset is written to, with a warning."""
    from pipeline.batch.walk import own_output

    target = out.resolve()
    for path in paths:
        root = path.resolve()
        if root.is_dir() and (target == root or root in target.parents):
            raise click.UsageError(
                f"--out {out} is inside the input {path}: its Parquet files would be read back "
                "as reports; write the dataset outside the folders you ingest"
            )
    dataset = own_output(out) or (out / "documents").is_dir()  # a lock counts: a dataset
    if out.is_dir() and any(out.iterdir()) and not dataset:
        click.echo(f"warning: --out {out} is not empty and holds no ziping dataset", err=True)


def _print_summary(summary: RunSummary, out: Path) -> None:
    by_status = summary.by_status
    click.echo(
        f"documents: {summary.seen} (ok {by_status['ok']}, no tables {by_status['no_tables']}, "
        f"failed {by_status['error']})"
    )
    if summary.skipped:
        click.echo(f"unchanged since the last run, skipped: {summary.skipped} (--force re-reads)")
    for duplicate in (d for d in summary.results if d.status == "duplicate"):
        first = (duplicate.error or "").removeprefix("same bytes as ")
        click.echo(f"identical files, read once: {first} = {duplicate.path}")
    if summary.missing:
        what = "removed" if summary.pruned else "kept (--prune removes them)"
        click.echo(f"no longer on disk: {len(summary.missing)} file(s), their rows {what}")
        for path in summary.missing[:10]:
            click.echo(f"  {path}")
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
    if summary.log is not None:
        click.echo(f"tracebacks of the failures: {summary.log}", err=True)
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
    from pipeline.report.publish import publish_report

    for name, path in publish_report(data, out).items():
        click.echo(f"{name}: {path}")


@main.command("query")
@click.argument("sql")
@click.option(
    "--data", default="data/parquet", show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Dataset folder written by `ziping ingest`.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]), default="table",
    show_default=True,
    help="Aligned text (null shown as NULL), CSV with a header row, a JSON array of objects, "
    "or an Excel workbook (--output).",
)  # fmt: skip
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 BOM so Excel reads 中文.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the terminal (required for --format xlsx).",
)  # fmt: skip
def query_command(sql: str, data: Path, fmt: str, bom: bool, output: Path | None) -> None:
    """Run SQL (DuckDB) over the dataset: one view per table present (documents, eval_tables,
    indicators, findings, claims, runs).

    Example: ziping query "SELECT code, count(*) FROM findings GROUP BY code"
    """
    from pipeline.dataset import query, results

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: add --output FILE.xlsx")
    answer = query.fetch(data, sql)
    if fmt == "xlsx" and output is not None:
        results.write_xlsx(answer, output)
        return
    text = results.render(answer, cast(results.Format, fmt))
    prefix = "\ufeff" if bom and fmt == "csv" else ""
    if output is None:
        click.echo(prefix + text, nl=False)
    else:
        output.write_text(prefix + text, encoding="utf-8", newline="")


@main.command("schema")
@click.argument("tables", nargs=-1, type=click.Choice(list(TABLES)))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text",
    show_default=True, help="Terminal text, or the Markdown of docs/data-dictionary.md.",
)  # fmt: skip
def schema_command(tables: tuple[str, ...], fmt: str) -> None:
    """Print the data dictionary (column, Chinese label, type, meaning) of TABLES (default all)."""
    from pipeline.dataset import dictionary

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
@batch_report_options
@debug_option
def rescore_command(
    data: Path,
    profile: Profile,
    out: Path | None,
    wait: float,
    as_json: bool,
    fail_on: str | None,
) -> None:
    """Re-score a stored dataset under another profile, without re-parsing any file.

    Score columns and score findings are recomputed; findings from parsing and claims are kept.
    Ids stay the same, so two rescored copies (--out) compare row by row.

    Example: ziping rescore --data data/parquet --profile provincial --out data/provincial
    """
    from pipeline.batch.rescore import rescore_dataset

    summary = rescore_dataset(data, profile, out, wait, debugging())
    record = {
        "dataset": str(out or data),
        "profile": summary.profile,
        "documents": summary.documents,
        "tables": summary.tables,
        "indicators": summary.indicators,
        "findings_by_code": dict(summary.findings_by_code),
        "failed": [{"path": d.path, "error": d.error} for d in summary.failed],
        "log": None if summary.log is None else str(summary.log),
    }
    if as_json:
        finish_batch(out or data, record, as_json, fail_on)
        return
    click.echo(
        f"profile: {summary.profile}  documents: {summary.documents}  tables: {summary.tables}"
        f"  indicator rows: {summary.indicators}"
    )
    click.echo(f"findings: {summary.findings_by_code.total()} ({summary.kept} kept from parsing)")
    for code, count in sorted(summary.findings_by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {code:<28} {count}")
    for failed in summary.failed:
        click.echo(f"failed: {failed.path}: {failed.error}", err=True)
    if summary.log is not None:
        click.echo(f"tracebacks of the failures: {summary.log}", err=True)
    click.echo(f"dataset: {out or data}")
    finish_batch(out or data, record, as_json, fail_on)


@main.command("inspect")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect_command(path: Path) -> None:
    """Show what was read from one file: each 自评表's fields, budget, rows (with their
    source lines) and the cells left unread. Nothing is written."""
    import parsers
    from pipeline.extract.inspect import describe

    for line in describe(parsers.parse(path)):
        click.echo(line)


# `export` and `diff` live in their own module; they are commands like the others.
main.add_command(export_command)
main.add_command(diff_command)
