"""PDF reading speed and memory: ziping against plain pdfplumber and pdfium, per kind of report.

Builds (or takes, `--pdf FILE`, measured as given) two reports from the seed-004 DOCX
fixture printed by LibreOffice: a table-heavy one (seed 004 `--copies` times as it is, ~70 %
of pages 自评表) and a narrative-heavy one (each copy's narrative repeated `--narrative`
times, ~30 %). Every measurement runs in a fresh child process, so that its peak RSS is its
own, and is timed in CPU seconds (a shared machine's load is not ours), fastest of
`--repeat` runs:

- command      `ziping ingest FILE --out TMP --workers 1` as a user runs it: the whole
               process tree's CPU, start-up, imports, Parquet writes and all
- ingest       pipeline.batch.document.process_file in-process (imports excluded)
- ziping       parsers.pdf.reader.read (pdfium triage, table pages by parsers.pdf.lattice)
- ziping-plumb the same reader with the pdfium table finder off (every ruled page through
               pdfplumber, as before issue 17): the before figure, in the same run
- plumber      pdfplumber extract_tables() on every page, page.close() after each
- pdfium       pypdfium2 text of every page: the floor no PDF reader goes under

Each built report is also checked cell by cell against pdfplumber (bench.lattice_check).

Run: `nice .venv/bin/python bench/pdf_bench.py [--pdf FILE ...] [--copies 9] [--narrative 8]`.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_DOCX = ROOT / "tests" / "fixtures" / "formats" / "seed004.docx"
MODES = ("command", "ingest", "ziping", "ziping-plumb", "plumber", "pdfium")
RATIOS = (  # (label, faster mode, slower mode): how many times faster the first is
    ("command vs plumber", "command", "plumber"),
    ("ingest vs plumber", "ingest", "plumber"),
    ("reader vs plumber", "ziping", "plumber"),
    ("reader after vs before", "ziping", "ziping-plumb"),
)
FLOOR = ("command", "ziping")  # shown as multiples of the pdfium text floor's CPU


def build_docx(target: Path, copies: int, narrative: int) -> None:
    """Seed 004 `copies` times, each copy's narrative paragraphs repeated `narrative` times."""
    import docx  # noqa: PLC0415  (only the builder needs python-docx)

    out = docx.Document(str(SEED_DOCX))
    body = out.element.body
    items = [el for el in body if not el.tag.endswith("sectPr")]
    for el in items:
        body.remove(el)
    end = body[-1]  # sectPr: new content goes before it
    first_table = next(i for i, el in enumerate(items) if el.tag.endswith("tbl")) - 2
    prose, forms = items[:first_table], items[first_table:]
    for _ in range(copies):
        for _ in range(narrative):
            for el in prose:
                end.addprevious(copy.deepcopy(el))
        for el in forms:
            end.addprevious(copy.deepcopy(el))
    out.save(str(target))


def build_pdf(target: Path, copies: int, narrative: int) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("soffice not found: pass --pdf FILE or apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / (target.stem + ".docx")
        build_docx(source, copies, narrative)
        cmd = [soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(source)]
        subprocess.run(cmd, check=True, capture_output=True)
        shutil.move(Path(tmp) / (target.stem + ".pdf"), target)


def run_mode(mode: str, pdf_path: Path) -> dict[str, float]:
    """One measurement in this process: CPU seconds (imports excluded), pages, peak RSS (MB)."""
    if mode == "command":
        return run_command(pdf_path)  # this process only waits: the figures are its child's
    work = prepare(mode)
    data = pdf_path.read_bytes()
    start = time.process_time()  # CPU time: other processes on a shared machine don't count
    pages = work(pdf_path, data)
    seconds = time.process_time() - start
    return {"seconds": seconds, "pages": pages, "rss_mb": _own_peak_mb()}


def _own_peak_mb() -> float:
    """This process's peak RSS. Linux keeps getrusage's ru_maxrss across exec, so a child
    would report at least the parent bench's own peak: /proc's VmHWM is the new image's."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def run_command(pdf_path: Path) -> dict[str, float]:
    """`ziping ingest` on a folder holding only `pdf_path`: CPU of the whole process tree."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    pages = len(pdfium.PdfDocument(pdf_path))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        shutil.copy(pdf_path, folder / pdf_path.name)
        ziping = Path(sys.executable).with_name("ziping")
        cmd = [str(ziping), "ingest", str(folder), "--out", str(Path(tmp) / "out")]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([*cmd, "--workers", "1", "--quiet"], check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": seconds, "pages": pages, "rss_mb": after.ru_maxrss / 1024}


def prepare(mode: str) -> Callable[[Path, bytes], int]:
    """The work of `mode`, its imports done (they are not what is measured)."""
    if mode in {"ziping", "ziping-plumb"}:
        from parsers.pdf import lattice  # noqa: PLC0415
        from parsers.pdf import reader as pdf  # noqa: PLC0415

        if mode == "ziping-plumb":  # every ruled page left to pdfplumber: the before figure
            setattr(lattice.Finder, "extract", _left_to_plumber)  # noqa: B010  (mypy refuses =)
        return lambda path, data: pdf.read(data, str(path), "bench").pages or 0
    if mode == "ingest":
        from pipeline.batch.document import process_file  # noqa: PLC0415
        from schemas.profile import load_profile  # noqa: PLC0415

        profile = load_profile("central")
        return lambda path, data: process_file(path, profile).document.pages or 0
    import pdfplumber  # noqa: F401, PLC0415  (imported here so that its import is not timed)
    import pypdfium2  # noqa: F401, PLC0415

    if mode == "plumber":
        return lambda path, data: _plumber(path)
    return lambda path, data: _pdfium(data)


def _left_to_plumber(_finder: object, *_page: object) -> str:
    """parsers.pdf.lattice.Finder.extract saying no to every page (the before figure)."""
    return "off"


def _plumber(path: Path) -> int:
    import pdfplumber  # noqa: PLC0415

    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            page.extract_tables()
            page.close()
        return len(plumber.pages)


def _pdfium(data: bytes) -> int:
    import pypdfium2 as pdfium  # noqa: PLC0415

    doc = pdfium.PdfDocument(data)
    for i in range(len(doc)):
        page = doc[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    return len(doc)


def measure(mode: str, pdf_path: Path, repeat: int) -> dict[str, float]:
    """The fastest of `repeat` runs, each in a fresh process."""
    runs = []
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--child", mode, str(pdf_path)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best: dict[str, float] = min(runs, key=lambda r: r["seconds"])
    return best


def ruled_share(pdf_path: Path) -> tuple[int, int]:
    """(pages, pages the reader sends to the table finder)."""
    from bench.lattice_check import ruled_pages  # noqa: PLC0415

    data = pdf_path.read_bytes()
    import pypdfium2 as pdfium  # noqa: PLC0415

    return len(pdfium.PdfDocument(data)), len(ruled_pages(data))


def report(label: str, pdf_path: Path, repeat: int) -> None:
    from bench.lattice_check import check  # noqa: PLC0415

    pages, ruled = ruled_share(pdf_path)
    print(f"\n{label}: {pdf_path.name}, {pages} pages, {ruled} ruled ({ruled / pages:.0%})")
    print(f"  {'mode':<13} {'CPU s':>7} {'pages/s':>8} {'peak MB':>8}")
    seconds: dict[str, float] = {}
    for mode in MODES:
        m = measure(mode, pdf_path, repeat)
        seconds[mode] = m["seconds"]
        print(
            f"  {mode:<13} {m['seconds']:>7.2f} {m['pages'] / m['seconds']:>8.1f} "
            f"{m['rss_mb']:>8.0f}"
        )
    for name, fast, slow in RATIOS:
        print(f"  {name:<24} {seconds[slow] / seconds[fast]:6.2f}x faster")
    for mode in FLOOR:
        floor = seconds[mode] / seconds["pdfium"]
        print(f"  {mode + ' vs pdfium floor':<24} {floor:6.1f}x the CPU")
    cells = check(pdf_path)
    print(f"  identical cells: {cells.summary()}")
    for key, why in {**cells.undecided, **cells.different}.items():
        print(f"    {key}: {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, nargs="*", help="measure these PDFs instead")
    parser.add_argument("--copies", type=int, default=9, help="copies of seed 004 (default 9)")
    parser.add_argument("--narrative", type=int, default=8, help="narrative repeats per copy")
    parser.add_argument("--keep", type=Path, help="save the built PDFs in this folder")
    parser.add_argument("--repeat", type=int, default=2, help="runs per mode, fastest kept")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mode(args.child[0], Path(args.child[1]))))
        return
    print(f"CPU seconds, fastest of {args.repeat}; load average {os.getloadavg()[0]:.1f}")
    if args.pdf:
        for path in args.pdf:
            report(path.stem, path, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for label, narrative in (("table-heavy", 1), ("narrative-heavy", args.narrative)):
            target = Path(tmp) / f"{label}-report.pdf"
            build_pdf(target, args.copies, narrative)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(target, args.keep / target.name)
            report(label, target, args.repeat)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
