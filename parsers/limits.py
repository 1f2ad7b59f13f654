"""How much of a file ziping is willing to read: checked on the bytes before any reader runs.

Published folders hold broken and occasionally hostile files: a DOCX whose 30 KB inflate to
gigabytes, a PDF that claims ten thousand pages or a page the size of a football field, a
"text" file of a gigabyte. Each limit is a setting with a default that no real report comes
near, and the error names the setting, so a user who does have such a file can raise it
(`ziping ingest --max-bytes …`).

The zip check reads only the central directory (the sizes the archive declares): Python's
zipfile, which python-docx and openpyxl use, stops inflating a member at its declared size,
so the declared total bounds what any reader can be made to inflate.
"""

from __future__ import annotations

import contextlib
import io
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from parsers.pdf.pdfium_lock import LOCK as PDFIUM
from schemas import ParseError

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-document limits. Sizes in bytes, page sides in PDF points (1/72 inch)."""

    max_bytes: int = 200 * MIB
    """Largest file read at all (`--max-bytes`)."""
    max_unzipped_bytes: int = 512 * MIB
    """Largest total uncompressed size a DOCX/XLSX may declare (`--max-unzipped-bytes`)."""
    max_zip_members: int = 10_000
    """Most members a DOCX/XLSX/OFD package or a .zip/.7z/.rar archive may hold."""
    max_archive_depth: int = 3
    """Archives inside archives are unpacked this many levels deep (the outer one is 1)."""
    max_pages: int = 2_000
    """Most pages a PDF, or frames a multi-page TIFF, may have (`--max-pages`)."""
    max_page_side: float = 14_400.0
    """Longest page side in points: 200 inches, the PDF specification's own limit."""
    max_table_cells: int = 1_000_000
    """Most grid positions one table may cover, spans counted (rows × columns): a 51 KB DOCX
    with one gridSpan of 10^8 would otherwise expand to gigabytes."""
    max_stream_bytes: int = 64 * MIB
    """Most bytes one PDF content stream may inflate to."""
    max_page_stream_bytes: int = 128 * MIB
    """Most bytes the content streams of one PDF page may inflate to together."""
    max_doc_memory: int = 768 * MIB
    """Most memory (RSS growth) reading one document may take: the last line behind the limits
    above, watched while the document is read (`--max-doc-memory`)."""
    ocr: str = "auto"
    """Which pages are read by OCR (`--ocr`): auto (those without a usable text layer),
    off, force (every page). OCR costs seconds a page, so it is bounded here like size."""

    def __post_init__(self) -> None:
        for name in (
            "max_bytes",
            "max_unzipped_bytes",
            "max_zip_members",
            "max_pages",
            "max_archive_depth",
            "max_table_cells",
            "max_stream_bytes",
            "max_page_stream_bytes",
            "max_doc_memory",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"limit {name} must be positive")
        if self.ocr not in ("auto", "off", "force"):
            raise ValueError(f"ocr must be auto, off or force, not {self.ocr!r}")


DEFAULT = Limits()

# The limits and path of the document being read, for checks deep inside a reader (a table's
# grid) that are not handed them: set by `reading` around each reader call.
_ACTIVE: ContextVar[tuple[Limits, str]] = ContextVar("ziping_limits", default=(DEFAULT, ""))


@contextlib.contextmanager
def reading(path: str, limits: Limits) -> Iterator[None]:
    token = _ACTIVE.set((limits, path))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def check_cells(cells: int, what: str = "table") -> None:
    """Refuse a table grid of `cells` positions (rows × columns, spans counted) before it is
    allocated; readers call it with the extent their spans declare."""
    limits, path = _ACTIVE.get()
    if cells > limits.max_table_cells:
        raise ParseError(
            f"{path}: {what} would cover {cells:,} cells, over the limit "
            f"max_table_cells={limits.max_table_cells:,}"
        )


def check_regular(path: str, mode: int) -> None:
    """Refuse devices, FIFOs and sockets before they are opened: their size says nothing
    (`/dev/zero` is 0 bytes and never ends; opening a FIFO waits for a writer forever)."""
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "a directory"
            if stat.S_ISDIR(mode)
            else "not a file"
        )
        raise ParseError(f"{path}: not a regular file ({kind}); only files are read")


def check_size(size: int, path: str, limits: Limits) -> None:
    """Refuse a file larger than `max_bytes` before it is read."""
    if size > limits.max_bytes:
        raise ParseError(
            f"{path}: file is {size:,} bytes, over the limit max_bytes={limits.max_bytes:,} "
            "(raise it with --max-bytes)"
        )


def check(data: bytes, fmt: str, path: str, limits: Limits) -> None:
    """Raise ParseError when `data` (sniffed as `fmt`) is over a limit or cannot be opened."""
    check_size(len(data), path, limits)
    if fmt in {"docx", "xlsx", "pptx", "ofd", "zip"}:
        check_zip(data, path, limits)
    elif fmt == "pdf":
        check_pdf(data, path, limits)
        check_pdf_streams(data, path, limits)
    elif fmt == "image":
        check_image(data, path, limits)


def check_image(data: bytes, path: str, limits: Limits) -> None:
    """Refuse an image file with more frames than `max_pages` (a multi-page TIFF's frames
    are its pages, each OCR'd for seconds), counted from the frame directory, not decoded."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415  (images only)

    try:
        with Image.open(io.BytesIO(data)) as img:
            frames = int(getattr(img, "n_frames", 1))
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        EOFError,
        Image.DecompressionBombError,
    ) as exc:
        raise ParseError(f"{path}: unreadable image ({exc})") from exc
    if frames > limits.max_pages:
        raise ParseError(
            f"{path}: image has {frames:,} pages, over the limit max_pages={limits.max_pages:,} "
            "(raise it with --max-pages)"
        )


def check_zip(data: bytes, path: str, limits: Limits) -> None:
    """Bound what an Office package may inflate to, from its central directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(f"{path}: broken zip package ({exc})") from exc
    if len(infos) > limits.max_zip_members:
        raise ParseError(
            f"{path}: zip package has {len(infos):,} members, over the limit "
            f"max_zip_members={limits.max_zip_members:,}"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise ParseError(
            f"{path}: zip package would inflate to {total:,} bytes, over the limit "
            f"max_unzipped_bytes={limits.max_unzipped_bytes:,} (a zip bomb?; raise it with "
            "--max-unzipped-bytes)"
        )


def check_pdf(data: bytes, path: str, limits: Limits) -> None:
    """Open the PDF with pdfium (fast, C) and check encryption, page count and page size."""
    with PDFIUM:
        _check_pdf(data, path, limits)


def _check_pdf(data: bytes, path: str, limits: Limits) -> None:
    import pypdfium2 as pdfium  # noqa: PLC0415  (PDFs only)

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ParseError(f"{path}: PDF is encrypted (password required)") from exc
        raise ParseError(f"{path}: broken PDF ({message})") from exc
    try:
        pages = len(pdf)
        if pages > limits.max_pages:
            raise ParseError(
                f"{path}: PDF has {pages:,} pages, over the limit max_pages={limits.max_pages:,} "
                "(raise it with --max-pages)"
            )
        for index in range(pages):
            width, height = pdf.get_page_size(index)
            if max(width, height) > limits.max_page_side:
                raise ParseError(
                    f"{path}: page {index + 1} is {width:,.0f} x {height:,.0f} points, over the "
                    f"limit max_page_side={limits.max_page_side:,.0f}"
                )
    finally:
        pdf.close()


def check_pdf_streams(data: bytes, path: str, limits: Limits) -> None:
    """Bound what each page's content streams inflate to, counted in chunks before the reader
    inflates them whole (a 6 MB PDF can hold streams of gigabytes)."""
    from pdfminer.pdfdocument import PDFDocument  # noqa: PLC0415  (pdfminer: PDFs only)
    from pdfminer.pdfpage import PDFPage  # noqa: PLC0415
    from pdfminer.pdfparser import PDFParser  # noqa: PLC0415
    from pdfminer.pdftypes import PDFStream, resolve1  # noqa: PLC0415

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        pages = PDFPage.create_pages(document)
        for number, page in enumerate(pages, start=1):
            total = 0
            for ref in page.contents:
                stream = resolve1(ref)
                if isinstance(stream, PDFStream):
                    total += _inflated_size(stream, path, number, limits)
            if total > limits.max_page_stream_bytes:
                raise ParseError(
                    f"{path}: page {number} content inflates to over {total:,} bytes, over the "
                    f"limit max_page_stream_bytes={limits.max_page_stream_bytes:,}"
                )
    except ParseError:
        raise
    except Exception:  # the reader reports a broken PDF in its own words
        return


def _inflated_size(stream: object, path: str, page: int, limits: Limits) -> int:
    """Bytes a Flate stream inflates to, counted in 1 MiB steps and stopped at the limit."""
    attrs = getattr(stream, "attrs", {})
    filters = attrs.get("Filter") or attrs.get("F")
    names = [getattr(f, "name", f) for f in (filters if isinstance(filters, list) else [filters])]
    raw: bytes = getattr(stream, "rawdata", None) or b""
    if "FlateDecode" not in names or not raw:
        return len(raw)
    inflate = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while pending:
            size += len(inflate.decompress(pending, MIB))
            pending = inflate.unconsumed_tail
            if size > limits.max_stream_bytes:
                raise ParseError(
                    f"{path}: a content stream of page {page} inflates to over {size:,} bytes, "
                    f"over the limit max_stream_bytes={limits.max_stream_bytes:,}"
                )
    except zlib.error:
        pass
    return size
