"""PDF reading speed and memory: ziping's reader and ingest against plain pdfplumber and pdfium.

Builds (or takes, `--pdf FILE`) a ~300-page report of mixed narrative and 自评表 pages: the
seed-004 DOCX fixture repeated, its narrative repeated `--narrative` times per copy, printed
by LibreOffice. Two subsets are cut from it with pdfium (pages with rulings / without), and
every measurement runs in a fresh child process so that its peak RSS is its own, and is
timed in CPU seconds, fastest of `--repeat` runs (a shared machine's load is not ours):

- ziping     parsers.pdf.reader.read (pdfium triage, pdfplumber on ruled pages only)
- ingest     pipeline.batch.ingest.process_file (reader + locate + rescore + checks)
- plumber    pdfplumber extract_tables() on every page, page.close() after each
- plumber-nc the same without page.close() (pdfplumber keeps every page cached)
- pdfium     pypdfium2 text of every page

Run: `.venv/bin/python bench/pdf_bench.py [--pdf FILE] [--copies 7] [--narrative 8]`.
"""

from __future__ import annotations

import argparse
import copy
import json
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
MODES = ("ziping", "ingest", "plumber", "plumber-nc", "pdfium")


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


def split(pdf_path: Path, out_dir: Path) -> tuple[Path, Path, int, int]:
    """Cut the pages with rulings and those without into two PDFs (pdfium's own triage)."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    from parsers.pdf.reader import MIN_PATHS, MIN_SEGMENTS, _drawing  # noqa: PLC0415

    src = pdfium.PdfDocument(pdf_path)
    ruled: list[int] = []
    plain: list[int] = []
    for i in range(len(src)):
        page = src[i]
        paths, segments, _ = _drawing(page.raw)
        (ruled if paths >= MIN_PATHS or segments >= MIN_SEGMENTS else plain).append(i)
        page.close()
    paths_out = []
    for name, pages in (("tables", ruled), ("narrative", plain)):
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, pages)
        target = out_dir / f"{name}.pdf"
        dst.save(target)
        dst.close()
        paths_out.append(target)
    src.close()
    return paths_out[0], paths_out[1], len(ruled), len(plain)


def run_mode(mode: str, pdf_path: Path) -> dict[str, float]:
    """One measurement in this process: seconds (imports excluded), pages, peak RSS (MB)."""
    work = prepare(mode)
    data = pdf_path.read_bytes()
    start = time.process_time()  # CPU time: other processes on a shared machine don't count
    pages = work(pdf_path, data)
    seconds = time.process_time() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    return {"seconds": seconds, "pages": pages, "rss_mb": rss}


def prepare(mode: str) -> Callable[[Path, bytes], int]:
    """The work of `mode`, its imports done (they are not what is measured)."""
    if mode == "ziping":
        from parsers.pdf import reader as pdf  # noqa: PLC0415

        return lambda path, data: pdf.read(data, str(path), "bench").pages or 0
    if mode == "ingest":
        from pipeline.batch.document import process_file  # noqa: PLC0415
        from schemas.profile import load_profile  # noqa: PLC0415

        profile = load_profile("central")
        return lambda path, data: process_file(path, profile).document.pages or 0
    import pdfplumber  # noqa: F401, PLC0415  (imported here so that its import is not timed)
    import pypdfium2  # noqa: F401, PLC0415

    if mode in {"plumber", "plumber-nc"}:
        return lambda path, data: _plumber(path, close=mode == "plumber")
    return lambda path, data: _pdfium(data)


def _plumber(path: Path, *, close: bool) -> int:
    import pdfplumber  # noqa: PLC0415

    with pdfplumber.open(path) as plumber:
        for page in plumber.pages:
            page.extract_tables()
            if close:
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
    cmd = [sys.executable, __file__, "--child", mode, str(pdf_path)]
    runs = []
    for _ in range(repeat):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best: dict[str, float] = min(runs, key=lambda r: r["seconds"])
    return best


def report(pdf_path: Path, work: Path, repeat: int) -> None:
    tables, narrative, n_ruled, n_plain = split(pdf_path, work)
    print(f"{pdf_path.name}: {n_ruled + n_plain} pages, {n_ruled} with rulings, {n_plain} without")
    print(f"{'file':<10} {'mode':<11} {'pages':>5} {'s':>7} {'pages/s':>8} {'peak MB':>8}")
    rates: dict[tuple[str, str], float] = {}
    for label, path, modes in (
        ("mixed", pdf_path, MODES),
        ("tables", tables, ("ziping", "plumber")),
        ("narrative", narrative, ("ziping", "plumber", "pdfium")),
    ):
        for mode in modes:
            m = measure(mode, path, repeat)
            rate = m["pages"] / m["seconds"]
            rates[label, mode] = rate
            print(
                f"{label:<10} {mode:<11} {m['pages']:>5.0f} {m['seconds']:>7.2f} "
                f"{rate:>8.1f} {m['rss_mb']:>8.0f}"
            )
    print("ratios (target):")
    for label, (file, a, b), target in (
        ("mixed: ingest / plumber", ("mixed", "ingest", "plumber"), ">= 3"),
        ("mixed: ziping / plumber", ("mixed", "ziping", "plumber"), ""),
        ("narrative: ziping / plumber", ("narrative", "ziping", "plumber"), ">= 10"),
        ("tables: ziping / plumber", ("tables", "ziping", "plumber"), ">= 0.8"),
        ("mixed: pdfium / plumber", ("mixed", "pdfium", "plumber"), ""),
    ):
        ratio = rates[file, a] / rates[file, b]
        print(f"  {label:<28} {ratio:6.2f}x {f'({target})' if target else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="measure this PDF instead of building one")
    parser.add_argument("--copies", type=int, default=9, help="copies of seed 004 (default 9)")
    parser.add_argument("--narrative", type=int, default=8, help="narrative repeats per copy")
    parser.add_argument("--keep", type=Path, help="save the built PDF here")
    parser.add_argument("--repeat", type=int, default=2, help="runs per mode, fastest kept")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PDF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mode(args.child[0], Path(args.child[1]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf_path = args.pdf
        if pdf_path is None:
            pdf_path = work / "mixed-report.pdf"
            build_pdf(pdf_path, args.copies, args.narrative)
            if args.keep:
                shutil.copy(pdf_path, args.keep)
        report(pdf_path, work, args.repeat)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
