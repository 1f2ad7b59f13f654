"""A hostile corpus: small, ordinary-looking files that once exhausted memory or stopped a
batch (issue 16), generated into a folder beside one good report.

`python -m tests.hostile_corpus DIR` writes it; `make(DIR)` returns {name: what it attacks}.
Nothing large is written: every bomb is a few kilobytes that only its reader would inflate.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
import zlib
from pathlib import Path

from tests.conftest import SEED_004
from tests.scale_helpers import FORMATS_DIR

GOOD = "good.txt"
GBK_NAME = "自评报告".encode("gbk") + b".txt"  # how Chinese Windows zips unpack on Linux


def make(folder: Path) -> dict[str, str]:
    """Write the corpus into `folder`; {file name: the defect it carries}."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED_004.read_text(encoding="utf-8")
    files: dict[str, bytes] = {
        GOOD: seed.encode("utf-8"),
        "grid_span.docx": _docx_grid_span(),
        "wide_colspans.html": _html_colspans(),
        "merged_sheet.xlsx": _xlsx_whole_sheet_merge(),
        "inflating.pdf": _pdf_inflating(80 << 20),
        "huge_budget.txt": seed.replace("\t106.85\n", "\t1" + "0" * 20 + "\n", 1).encode("utf-8"),
        "long_score.txt": seed.replace("\t4.53\n", "\t" + "9" * 309 + "\n", 1).encode("utf-8"),
        # a flattened table of 25,000 amounts on one line: the claims scan was quadratic
        "long_line.txt": "、".join(f"{i}.5万元" for i in range(25_000)).encode("utf-8"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    with Path(os.fsdecode(os.fsencode(folder) + b"/" + GBK_NAME)).open("wb") as stream:
        stream.write((seed + "\n（另存副本）\n").encode("utf-8"))  # not a duplicate of GOOD
    os.mkfifo(folder / "pipe.txt")
    (folder / "passwd.txt").symlink_to("/etc/passwd")  # out of the input folder: not followed
    return {
        GOOD: "good",
        "grid_span.docx": "max_table_cells",
        "wide_colspans.html": "max_table_cells",
        "merged_sheet.xlsx": "max_table_cells",
        "inflating.pdf": "max_stream_bytes",
        "huge_budget.txt": "VALUE_OUT_OF_RANGE",
        "long_score.txt": "read",  # the reader may refuse the 309 digits or null them: no crash
        os.fsdecode(GBK_NAME): "GBK name",
        "pipe.txt": "not a regular file",
        "long_line.txt": "no_tables",
        "passwd.txt": "symbolic link to a file outside the input folders (/etc/passwd)",
    }


def _rezip(source: Path, member: str, edit: str, new: str) -> bytes:
    """`source` (an Office package) with the first `edit` in `member` replaced by `new`."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                text = data.decode("utf-8")
                assert edit in text, f"{member} of {source.name} has no {edit!r}"
                data = text.replace(edit, new, 1).encode("utf-8")
            zout.writestr(info, data)
    return out.getvalue()


def _docx_grid_span() -> bytes:
    """The seed report as DOCX, its first table cell spanning 100,000,000 grid columns."""
    return _rezip(
        FORMATS_DIR / "seed004.docx",
        "word/document.xml",
        "<w:tcPr>",
        '<w:tcPr><w:gridSpan w:val="100000000"/>',
    )


def _html_colspans() -> bytes:
    """Rows of cells each 1,000 columns wide (the HTML standard's largest colspan)."""
    row = "<tr>" + '<td colspan="1000">x</td>' * 50 + "</tr>"
    return f"<html><body><table>{row * 200}</table></body></html>".encode()


def _xlsx_whole_sheet_merge() -> bytes:
    """The seed report as XLSX with one merged range over the whole sheet from A1."""
    return _rezip(
        FORMATS_DIR / "seed004.xlsx",
        "xl/worksheets/sheet1.xml",
        "</sheetData>",
        '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    )


def _pdf_inflating(inflated: int) -> bytes:
    """One page whose content stream is `inflated` bytes of spaces, Flate-compressed."""
    content = zlib.compress(b" " * inflated, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


if __name__ == "__main__":
    for name, defect in make(Path(sys.argv[1])).items():
        print(f"{name}: {defect}")
