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

import io
import zipfile
from dataclasses import dataclass

import pypdfium2 as pdfium

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
    """Most members a DOCX/XLSX package may hold."""
    max_pages: int = 2_000
    """Most pages a PDF may have (`--max-pages`)."""
    max_page_side: float = 14_400.0
    """Longest page side in points: 200 inches, the PDF specification's own limit."""
    ocr: str = "auto"
    """Which pages are read by OCR (`--ocr`): auto (those without a usable text layer),
    off, force (every page). OCR costs seconds a page, so it is bounded here like size."""

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_unzipped_bytes", "max_zip_members", "max_pages"):
            if getattr(self, name) <= 0:
                raise ValueError(f"limit {name} must be positive")
        if self.ocr not in ("auto", "off", "force"):
            raise ValueError(f"ocr must be auto, off or force, not {self.ocr!r}")


DEFAULT = Limits()


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
    if fmt in {"docx", "xlsx", "pptx", "zip"}:
        check_zip(data, path, limits)
    elif fmt == "pdf":
        check_pdf(data, path, limits)


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
