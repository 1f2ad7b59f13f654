"""The options that decide how a batch runs, as `ziping ingest` spells them, collected into
`BatchOptions` (pipeline/batch/ingest.py); and `--debug`, shared with `ziping rescore`.

Declaring the options imports nothing of the batch machinery (pyarrow's writer, the
readers): `ziping --help` and the commands that only read a dataset start without it."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from parsers.limits import Limits
from pipeline.dataset.commands import Size, human_size

if TYPE_CHECKING:
    from pipeline.batch.ingest import BatchOptions

DEBUG = "ziping.debug"  # click context meta key: let exceptions through with their traceback


def _debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Noted on the context the commands share, where `main` looks before hiding a traceback."""
    if value:
        ctx.meta[DEBUG] = True


def debugging() -> bool:
    """Whether the running command was given `--debug`."""
    return bool(click.get_current_context().meta.get(DEBUG))


debug_option = click.option(
    "--debug", is_flag=True, callback=_debug, expose_value=False,
    help="Raise a failing document's exception with its traceback instead of recording it "
    "(documents run one at a time in this process, without --doc-timeout). Without it, a "
    "failure is a status=error row and its traceback goes to <out>/_logs/<run>.log.",
)  # fmt: skip


def batch_options(command: Callable[..., None]) -> Callable[..., None]:
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
            "--checksum", is_flag=True,
            help="Decide what changed by the files' bytes, not their size and modification time.",
        ),
        click.option(
            "--prune", is_flag=True,
            help="Remove the rows of files no longer on disk (else they are listed and kept).",
        ),
        click.option(
            "--wait", type=click.FloatRange(min=0), default=0.0, show_default=True,
            help="Seconds to wait for another ingest writing --out (default: fail at once).",
        ),
        click.option(
            "--commit-docs", type=click.IntRange(min=1), default=500, show_default=True,
            help="Most documents one commit gathers (one also comes every 30 s): fewer, larger "
            "files; a killed run reads again what its last commit had not taken.",
        ),
        click.option(
            "--max-bytes", type=Size(), default=human_size(limits.max_bytes), show_default=True,
            help="Largest file to read (bytes; K/M/G suffixes).",
        ),
        click.option(
            "--max-unzipped-bytes", type=Size(), default=human_size(limits.max_unzipped_bytes),
            show_default=True, help="Largest total a DOCX/XLSX may inflate to (zip bombs).",
        ),
        click.option(
            "--max-pages", type=click.IntRange(min=1), default=limits.max_pages,
            show_default=True, help="Most pages a PDF may have.",
        ),
        click.option(
            "--max-doc-memory", type=Size(), default=human_size(limits.max_doc_memory),
            show_default=True, help="Most memory reading one document may add (K/M/G).",
        ),
        click.option(
            "--ocr", type=click.Choice(["auto", "off", "force"]), default=limits.ocr,
            show_default=True,
            help="OCR scanned pages: auto (pages without a usable text layer, and images), "
            "off, force (every PDF page).",
        ),
        debug_option,
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def default_workers() -> int:
    return os.cpu_count() or 1


def to_batch_options(values: dict[str, Any]) -> BatchOptions:
    from pipeline.batch.ingest import BatchOptions  # noqa: PLC0415  (see the docstring)

    limits = Limits(
        max_bytes=values["max_bytes"],
        max_unzipped_bytes=values["max_unzipped_bytes"],
        max_pages=values["max_pages"],
        max_doc_memory=values["max_doc_memory"],
        ocr=values["ocr"],
    )
    return BatchOptions(
        workers=values["workers"],
        executor=values["executor"],
        scheduler=values["scheduler"],
        retries=values["retries"],
        doc_timeout=values["doc_timeout"] or None,
        force=values["force"],
        checksum=values["checksum"],
        prune=values["prune"],
        wait=values["wait"],
        flush_docs=values["commit_docs"],
        limits=limits,
        debug=debugging(),
    )
