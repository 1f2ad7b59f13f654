"""The folder as published: archives become member documents, LibreOffice is owned by ziping.

Archives (tests/fixtures/formats/seed004-folder.zip and .7z, built by build_legacy.py) hold the
seed report as .doc, .xls, .et, .docx, an HTML .doc, an OFD and a nested .7z; every member
must read as the report does on its own, under its `archive!member` path. The converter tests
count the soffice.bin processes that carry ziping's profile prefix (other LibreOffice
processes on the machine are not ours) after runs, kills and time-outs.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import py7zr
import pytest

import parsers
from parsers import archive, office, sniff
from parsers.limits import Limits
from pipeline.batch.document import process_file
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.batch.walk import discover
from schemas import ParseError
from schemas.profile import Profile

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
CLI = "from pipeline.cli import main; main()"
needs_soffice = pytest.mark.skipif(
    office.executable() is None, reason="LibreOffice (soffice) is not installed"
)


def ours() -> list[int]:
    """Pids of LibreOffice processes started by ziping (its profile prefix on the command)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"ziping-lo-profile" in command and b"soffice" in command:
                found.append(int(entry.name))
    return found


def test_archive_members_are_documents(tmp_path: Path, central: Profile) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("seed004-folder.zip", "seed004-folder.7z"):
        shutil.copy(FORMATS / name, folder / name)
    files = discover([folder])
    names = [str(p.relative_to(folder)) for p in files]
    assert names == [
        "seed004-folder.7z!seed004.docx",
        "seed004-folder.7z!seed004.et",
        "seed004-folder.7z!报告/seed004-html.doc",
        "seed004-folder.zip!seed004.ofd",
        "seed004-folder.zip!报告/seed004.doc",
        "seed004-folder.zip!报告/seed004.xls",
        "seed004-folder.zip!附件.7z!seed004.xlsx",
    ]  # in the order of their names, as every file of the walk
    result = process_file(files[6], central)
    with zipfile.ZipFile(folder / "seed004-folder.zip") as zf:
        inner = zf.read(next(i for i in zf.infolist() if i.filename.endswith(".7z")))
    with py7zr.SevenZipFile(io.BytesIO(inner)) as sevenzip:
        sevenzip.extractall(tmp_path / "inner")
    member = (tmp_path / "inner" / "seed004.xlsx").read_bytes()
    assert result.document.doc_id == hashlib.sha256(member).hexdigest()
    assert result.document.path == str(files[6])
    summary = ingest(files, tmp_path / "out", central, options=BatchOptions(workers=2))
    rows = [(d.format, d.status, d.n_tables, d.n_indicators) for d in summary.results]
    assert rows == [
        ("docx", "ok", 9, 93),
        ("et", "ok", 9, 93),
        ("html", "ok", 9, 93),
        ("ofd", "ok", 9, 93),
        ("rtf", "ok", 9, 93),  # a .doc that is RTF inside, through LibreOffice
        ("xls", "ok", 9, 93),
        ("xlsx", "ok", 9, 93),
    ]
    assert converters_gone()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def converters_gone(seconds: float = 10.0) -> bool:
    """Whether every converter has exited (a killed process may take a moment to go)."""
    deadline = time.monotonic() + seconds
    while ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not ours()


def test_archive_limits() -> None:
    text = "项目名称 测试\n".encode()
    hostile = _zip(
        {
            "../escape.txt": text,
            "ok.txt": text,
            "big.txt": b"x" * 5000,
            "__MACOSX/._ok.txt": b"\x00\x05\x16\x07",
            ".hidden/notes.txt": text,
        }
    )
    found = list(archive.members(hostile, "a.zip", Limits(max_bytes=4000)))
    assert [(m.path, m.error is None) for m in found] == [
        ("a.zip!../escape.txt", False),
        ("a.zip!ok.txt", True),
        ("a.zip!big.txt", False),
    ]
    assert "leaves the archive's folder" in (found[0].error or "")
    assert "max_bytes=4,000" in (found[2].error or "")
    with pytest.raises(ParseError, match="max_zip_members=1"):
        list(archive.members(hostile, "a.zip", Limits(max_zip_members=1)))
    with pytest.raises(ParseError, match="max_unzipped_bytes=100"):
        list(archive.members(hostile, "a.zip", Limits(max_unzipped_bytes=100)))
    nested = _zip({"in.zip": _zip({"deep.zip": _zip({"x.txt": text})})})
    deep = list(archive.members(nested, "n.zip", Limits(max_archive_depth=2)))
    assert [(m.path, m.error) for m in deep] == [
        (
            "n.zip!in.zip!deep.zip",
            "n.zip!in.zip!deep.zip: an archive nested 3 deep, over the limit max_archive_depth=2",
        )
    ]
    assert [m.path for m in archive.members(nested, "n.zip", Limits())] == [
        "n.zip!in.zip!deep.zip!x.txt"
    ]


def test_gbk_member_names_are_decoded() -> None:
    with zipfile.ZipFile(FORMATS / "seed004-folder.zip") as zf:
        assert all(not info.flag_bits & 0x800 for info in zf.infolist())  # no UTF-8 flag
    data = (FORMATS / "seed004-folder.zip").read_bytes()
    names = [m.path for m in archive.members(data, "f.zip", Limits())]
    assert "f.zip!报告/seed004.doc" in names and "f.zip!附件.7z!seed004.xlsx" in names


def test_sniffing_by_bytes() -> None:
    doc = (FORMATS / "seed004.doc").read_bytes()
    xls = (FORMATS / "seed004.xls").read_bytes()
    assert sniff.sniff(doc, "a.doc") == "doc"
    assert sniff.sniff(doc, "a.wps") == "wps"
    assert sniff.sniff(doc, "a.xls") == "doc"  # a Word file under an Excel name
    assert sniff.sniff(xls, "a.et") == "et"
    assert sniff.sniff(xls, "a.doc") == "xls"
    assert sniff.sniff(b"{\\rtf1\\ansi hello}", "a.doc") == "rtf"
    assert sniff.sniff((FORMATS / "seed004-html.doc").read_bytes(), "a.doc") == "html"
    assert sniff.sniff((FORMATS / "seed004.docx").read_bytes(), "a.doc") == "docx"
    assert sniff.sniff((FORMATS / "seed004.ofd").read_bytes(), "a.zip") == "ofd"
    assert sniff.sniff((FORMATS / "seed004-folder.7z").read_bytes(), "a") == "7z"


@needs_soffice
def test_rtf_inside_a_doc_goes_through_libreoffice() -> None:
    rtf = b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl\\f0 SimSun;}\\f0 \\u39033?\\u30446? ABC\\par}"
    doc = parsers.parse_bytes(rtf, "notice.doc")
    assert (doc.format, [p.text for p in doc.paragraphs()]) == ("rtf", ["项目 ABC"])
    assert converters_gone()


def test_without_libreoffice_only_those_files_fail(
    tmp_path: Path, central: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice on it
    assert office.executable() is None
    names = ("seed004.doc", "seed004.xls", "seed004.docx", "seed004-html.doc")
    files = [FORMATS / n for n in names]
    summary = ingest(files, tmp_path / "out", central)
    got = [(Path(d.path).name, d.status, d.error) for d in summary.results]
    install = "(apt-get install --no-install-recommends libreoffice-writer)"
    assert got == [
        ("seed004.doc", "error", f"{files[0]}: reading .doc files needs LibreOffice, which is "
         f"not installed {install}"),
        ("seed004.xls", "ok", None),  # xlrd needs no LibreOffice
        ("seed004.docx", "ok", None),
        ("seed004-html.doc", "ok", None),  # HTML inside
    ]  # fmt: skip


@needs_soffice
def test_a_conversion_over_time_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "TIMEOUT", 0.05)
    with pytest.raises(ParseError, match=r"did not finish converting it within 0\.05 s"):
        parsers.parse_bytes((FORMATS / "seed004.doc").read_bytes(), "slow.doc")
    assert converters_gone()


@needs_soffice
def test_no_converter_survives_a_killed_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    doc = (FORMATS / "seed004.doc").read_bytes()
    for k in range(6):  # distinct bytes: each is converted
        (folder / f"r{k}.doc").write_bytes(doc + bytes([k]))
    out = tmp_path / "out"
    command = [sys.executable, "-c", CLI, "ingest", str(folder), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not ours() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert ours(), "no conversion started"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    assert converters_gone()  # the kernel kills the workers, then their converters
    again = [*command, "--workers", "2", "--quiet"]
    finished = subprocess.run(again, check=False, capture_output=True)
    assert finished.returncode == 0, finished.stderr
    assert converters_gone()
