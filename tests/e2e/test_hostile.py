"""Broken and hostile files: each ends as one `error` row naming the reason (or reads `ok`).

Fixtures are generated here (tmp_path) from the committed format fixtures and the seeds, so
nothing large or dangerous is committed. `ZIPING_FUZZ_EXAMPLES=N` sets how many strings the
value-grammar and text-reader fuzz tests try, `ZIPING_FUZZ_FILES=N` how many mutated files
(bench/scale.py runs 10,000 strings each).
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import struct
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parsers
from parsers.limits import Limits
from pipeline.batch.document import DocResult, process_file
from pipeline.cli import main
from pipeline.dataset import load
from pipeline.extract.values import parse_value
from schemas import ParseError, UnsupportedFormatError
from schemas.profile import Profile
from schemas.tables import DocumentRow
from tests.conftest import SEED_004
from tests.scale_helpers import FORMATS_DIR

FUZZ = int(os.environ.get("ZIPING_FUZZ_EXAMPLES", "400"))  # strings: value grammar, text reader
FUZZ_FILES = int(os.environ.get("ZIPING_FUZZ_FILES", "40"))  # mutated fixture files
SAMPLES = {
    "txt": SEED_004,
    "docx": FORMATS_DIR / "seed004.docx",
    "xlsx": FORMATS_DIR / "seed004.xlsx",
    "html": FORMATS_DIR / "seed004.html",
    "pdf": FORMATS_DIR / "seed004.pdf",
}


def _one_row(result: DocResult) -> str:
    """The document's status, after checking an error is one row with a one-line reason."""
    row = result.document
    assert row.status in {"ok", "no_tables", "error"}
    if row.status == "error":
        assert row.error and "\n" not in row.error
        assert not (result.tables or result.indicators or result.findings or result.claims)
    return row.status


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _office_bomb(member: str, inflated: int) -> bytes:
    """A package whose `member` inflates to `inflated` bytes of spaces (deflate: ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open(member, "w") as stream:
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                stream.write(chunk)
    return buffer.getvalue()


def _declaring(data: bytes, member: str, size: int) -> bytes:
    """`data` with `member`'s uncompressed size in the central directory set to `size`."""
    name = member.encode()
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    return data[: central + 24] + struct.pack("<I", size) + data[central + 28 :]


@pytest.mark.parametrize(
    ("fmt", "member"), [("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml")]
)
def test_zip_bomb_is_refused_before_a_reader_opens_it(
    tmp_path: Path, central: Profile, fmt: str, member: str
) -> None:
    bomb = _office_bomb(member, 24 << 20)
    assert len(bomb) < 100_000
    small = Limits(max_unzipped_bytes=16 << 20)
    result = process_file(_write(tmp_path, f"bomb.{fmt}", bomb), central, small)
    assert _one_row(result) == "error"
    assert "max_unzipped_bytes=16,777,216" in (result.document.error or "")
    assert "zip bomb" in (result.document.error or "")
    claims = _declaring(_office_bomb(member, 1 << 20), member, 4_000_000_000)
    result = process_file(_write(tmp_path, f"claims.{fmt}", claims), central)
    assert _one_row(result) == "error"
    assert "inflate to 4,000,000,008 bytes" in (result.document.error or "")


def test_zip_limit_is_a_cli_setting(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "bomb.docx", _office_bomb("word/document.xml", 12 << 20))
    out = tmp_path / "out"
    args = ["ingest", str(folder), "--out", str(out), "--workers", "1"]
    result = CliRunner().invoke(main, [*args, "--max-unzipped-bytes", "8M"])
    assert result.exit_code == 0, result.output
    (row,) = load.read_table(out, DocumentRow)
    assert row.status == "error" and "max_unzipped_bytes=8,388,608" in (row.error or "")


def test_size_limits_take_suffixes_and_reject_nonsense(tmp_path: Path) -> None:
    raw = str(SEED_004.parent)
    args = ["ingest", raw, "--out", str(tmp_path), "--workers", "1"]
    result = CliRunner().invoke(main, [*args, "--max-bytes", "1K", "--max-pages", "5"])
    assert result.exit_code == 0, result.output
    errors = {d.error for d in load.read_table(tmp_path, DocumentRow)}
    assert all(
        "over the limit max_bytes=1,024 (raise it with --max-bytes)" in (e or "") for e in errors
    )
    result = CliRunner().invoke(main, [*args, "--max-bytes", "lots"])
    assert result.exit_code == 2 and "'lots' is not a size" in result.output


def _pdf(pages: int, side: float = 595) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(side, side)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_pdf_claiming_ten_thousand_pages(tmp_path: Path, central: Profile) -> None:
    result = process_file(_write(tmp_path, "long.pdf", _pdf(10_000, 50)), central)
    assert _one_row(result) == "error"
    assert "10,000 pages, over the limit max_pages=2,000" in (result.document.error or "")


def test_pdf_with_a_huge_page(tmp_path: Path, central: Profile) -> None:
    result = process_file(_write(tmp_path, "huge.pdf", _pdf(1, 100_000)), central)
    assert _one_row(result) == "error"
    assert "max_page_side" in (result.document.error or "")


def test_encrypted_pdf(central: Profile) -> None:
    result = process_file(FORMATS_DIR / "pdf-encrypted.pdf", central)
    assert _one_row(result) == "error"
    assert "encrypted" in (result.document.error or "")


def test_one_gigabyte_text_is_refused_by_size_unread(tmp_path: Path, central: Profile) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(1 << 30)  # sparse: no disk used, and it must not be read
    result = process_file(path, central)
    assert _one_row(result) == "error"
    assert "1,073,741,824 bytes, over the limit max_bytes=209,715,200" in (
        result.document.error or ""
    )
    assert result.document.size_bytes == 1 << 30
    small = process_file(SEED_004, central, Limits(max_bytes=1000))
    assert "max_bytes=1,000" in (small.document.error or "")


def test_deeply_nested_and_enormous_html(tmp_path: Path, central: Profile) -> None:
    deep = b"<html><body>" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000 + b"</body></html>"
    assert _one_row(process_file(_write(tmp_path, "deep.html", deep), central)) in {
        "ok",
        "no_tables",
        "error",
    }
    rows = b"".join(b"<tr>" + b"<td>\xe6\x95\xb0</td>" * 20 + b"</tr>" for _ in range(4_000))
    wide = b"<html><body><table>" + rows + b"</table></body></html>"
    _one_row(process_file(_write(tmp_path, "enormous.html", wide), central))
    unclosed = b"<html><body>" + b"<table><tr><td>" * 20_000
    _one_row(process_file(_write(tmp_path, "unclosed.html", unclosed), central))


def test_control_characters_nuls_and_mixed_encodings(tmp_path: Path, central: Profile) -> None:
    seed = SEED_004.read_bytes()
    half = len(seed) // 2
    cases = {
        "nul.txt": seed[:half] + b"\x00" * 64 + seed[half:],
        "controls.txt": seed.replace(b"\n", b"\x01\x02\x1b\n"),
        "mixed.txt": seed[:half] + seed[half:].decode("utf-8", "ignore").encode("gb18030"),
        "invalid.txt": seed[:half] + b"\xff\xfe\xfa\x80" * 100 + seed[half:],
        "gb18030.txt": seed.decode("utf-8").encode("gb18030"),
        "utf16-broken.txt": b"\xff\xfe" + seed[:-1],
    }
    statuses = {}
    for name, data in cases.items():
        statuses[name] = _one_row(process_file(_write(tmp_path, name, data), central))
    assert statuses["gb18030.txt"] == "ok"
    assert statuses["nul.txt"] == "error"


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_truncated_and_bit_flipped_files(tmp_path: Path, central: Profile, fmt: str) -> None:
    data = SAMPLES[fmt].read_bytes()
    rng = random.Random(fmt)
    variants = {f"cut{k}": data[: len(data) * k // 10] for k in (1, 5, 9)}
    for k in range(2):
        flipped = bytearray(data)
        for _ in range(8):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        variants[f"flip{k}"] = bytes(flipped)
    for name, variant in variants.items():
        _one_row(process_file(_write(tmp_path, f"{name}.{fmt}", variant), central))


@settings(
    max_examples=FUZZ_FILES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fmt=st.sampled_from(sorted(SAMPLES)),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=16),
)
def test_fuzz_mutated_files_never_raise(
    tmp_path: Path, central: Profile, fmt: str, cut: float, flips: list[tuple[float, int]]
) -> None:
    data = bytearray(SAMPLES[fmt].read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    data = data[: max(1, int(len(data) * (1 - cut * cut)))]  # most examples keep most bytes
    _one_row(process_file(_write(tmp_path, f"fuzz.{fmt}", bytes(data)), central))
    FUZZ_COUNTS[fmt] = FUZZ_COUNTS.get(fmt, 0) + 1


FUZZ_COUNTS: dict[str, int] = {}


@settings(max_examples=FUZZ, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            "0123456789.,%≥≤<>=＞＜约个万元人次小时天年以上内不高低于—-（）() \t"
        ),
        max_size=24,
    )
    | st.text(max_size=24)
)
def test_fuzz_the_value_grammar(raw: str) -> None:
    parse_value(raw)  # any string parses or is reported in the Value, never raises


@settings(max_examples=FUZZ, deadline=None)
@given(
    st.lists(
        st.sampled_from(["\t项目名称", "\t", "", "\t>=5个", "\t总分", "正文", "\t得分\n续行"])
        | st.text(max_size=12),
        max_size=60,
    )
)
def test_fuzz_the_text_table_reader(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8")
    with contextlib.suppress(ParseError, UnsupportedFormatError):  # reported, not raised
        parsers.parse_bytes(data, "fuzz.txt")


def test_fuzz_counts_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        total = sum(FUZZ_COUNTS.values())
        print(f"\nfuzz: {total} mutated files crash-free {dict(sorted(FUZZ_COUNTS.items()))}")
        print(f"fuzz: {FUZZ} value strings and {FUZZ} text files crash-free")
