"""Text lines found by their ink, read by PP-OCR's text recogniser.

Inside a ruled cell the text lines of a printed form are separated by clear rows of paper,
so the row profile of the ink finds them; the text detector (a network over the whole page,
several seconds a page on one core) is not needed. Each line is cropped with a margin and
read by the recogniser that ships inside the `rapidocr` wheel (PP-OCR; its model files are
in the package, nothing is fetched). The recogniser runs on one thread: a batch spreads
documents over processes, and one thread per process is what a core gives.

Lines are read in batches of similar width padded only to the widest in the batch (the
library's default pads every line to at least 320 pixels, which makes a cell holding "5"
cost as much as a sentence).
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from parsers._text import is_wide
from parsers.ocr.raster import Gray, u8
from parsers.ocr.ruling import Rect

if TYPE_CHECKING:
    from rapidocr import RapidOCR

GAP_PT = 1.2  # ink rows closer than this belong to one text line (strokes of 二, 三)
MIN_LINE_PT = 3.0  # a band lower than this is a speck or a line's stray stroke, not text
INSET_PT = 1.5  # a cell is read this far inside its ruling lines
BATCH = 16  # lines per recogniser run at most
# padded input width of one run, pixels at 48 high: many small cells (`10`, `%`) go in one
# run, a wide line alone; on one core a run wider than this costs more per line, not less
# (recorded lines of the 18 bench pages: 0.85x the time of the earlier 8 lines / 48 x 80)
WIDTH_BUDGET = 48 * 16
MAX_RATIO = 16  # a line longer than this many heights is read in pieces
TEXT_SHARE = 0.5  # of the recogniser's input height filled by the line's text (see _crop)
CHECK_SHARE = 2 / 3  # a doubtful line is read again this large (a quarter-height margin)
LONE = 1.1  # a line no wider than this many heights is one glyph (read_lines)
BARS_CONFIDENCE = 0.85  # a lone `=` told from 二 by its shape, not by the recogniser: checked
RECHECK = 0.97  # a line read with less confidence than this is read again (read_lines)

# A space the recogniser reads beside Chinese text is the gap that Chinese typesetting leaves
# around numbers and Latin ("510 人"), not a space in the text (cf. parsers.pdf AUTOSPACE).
_SPACE = re.compile(r"\s+")
# The recogniser reads full-width brackets as ASCII ones; in Chinese text they are full-width
# (`满意度（%）`), and the raw cell must read as the typed one does.
_PAIR = re.compile(r"\(([^()]*)\)")

_ENGINE: RapidOCR | None = None
_ENGINE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Line:
    """One text line as read: its box on the page (pixels), text and confidence (0-1)."""

    box: Rect
    text: str
    confidence: float


def engine() -> RapidOCR:
    """The recogniser, loaded once per process (about 0.3 s) on one thread."""
    global _ENGINE  # noqa: PLW0603  (one model per process, loaded on first use)
    with _ENGINE_LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR  # noqa: PLC0415  (onnxruntime loads only for scans)

            _ENGINE = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                    "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,  # ~20 % faster
                    "Rec.rec_img_shape": [3, 48, 48],  # pad to the batch's widest only
                    "Rec.rec_batch_num": BATCH,  # our batches (`_batches`) are never larger
                }
            )
        return _ENGINE


def text_lines(mask: Gray, region: Rect, px_per_pt: float) -> list[Rect]:
    """Boxes of the text lines inside `region` of the ink mask, top to bottom."""
    inset = max(1, round(INSET_PT * px_per_pt))
    x0, top = region.x0 + inset, region.top + inset
    x1, bottom = region.x1 - inset, region.bottom - inset
    if x1 - x0 < 2 or bottom - top < 2:
        return []
    crop = mask[top:bottom, x0:x1]
    rows = np.flatnonzero(crop.max(axis=1))
    if rows.size == 0:
        return []
    gap = max(1, round(GAP_PT * px_per_pt))
    least = MIN_LINE_PT * px_per_pt
    bands: list[tuple[int, int]] = []
    start = prev = int(rows[0])
    for r in (int(v) for v in rows[1:]):
        if r - prev > gap:
            bands.append((start, prev + 1))
            start = r
        prev = r
    bands.append((start, prev + 1))
    out: list[Rect] = []
    for a, b in _strokes_joined(crop, bands, least):
        cols = np.flatnonzero(crop[a:b].max(axis=0))
        out.append(Rect(x0 + int(cols[0]), top + a, x0 + int(cols[-1]) + 1, top + b))
    return out


def _strokes_joined(
    crop: Gray, bands: list[tuple[int, int]], least: float
) -> list[tuple[int, int]]:
    """The bands at least `least` high, each with the lower bands that belong to its line.

    A band lower than `least` is a stroke cut off a character (the top bar of 元 alone on a
    wrapped line's last row, read without it as 兀) or a speck or a seal's trace: it joins
    the nearer full band when closer than `least` and lying within that band's columns
    (a seal's trace runs past the text it crosses); otherwise it is dropped.
    """
    full = [[a, b] for a, b in bands if b - a >= least]
    if not full:
        return _lone_mark(crop, bands, least)
    spans = [_columns(crop, a, b) for a, b in full]
    for a, b in bands:
        if b - a >= least or not full:
            continue
        k = min(range(len(full)), key=lambda i: max(full[i][0] - b, a - full[i][1]))
        c0, c1 = _columns(crop, a, b)
        near, span = full[k], spans[k]
        close = max(near[0] - b, a - near[1]) < least
        if close and span[0] - least <= c0 and c1 <= span[1] + least:
            near[0], near[1] = min(near[0], a), max(near[1], b)
    return [(a, b) for a, b in full]


def _lone_mark(crop: Gray, bands: list[tuple[int, int]], least: float) -> list[tuple[int, int]]:
    """A cell holding only short bands: the bars of one mark (`=` or 二 alone in a cell is two
    bars each lower than `least`) when together they are at least half a line high and a
    line's height wide; else nothing (specks, a dash's lone bar)."""
    a, b = bands[0][0], bands[-1][1]
    gaps_close = all(nxt[0] - prev[1] < 2 * least for prev, nxt in itertools.pairwise(bands))
    c0, c1 = _columns(crop, a, b)
    if gaps_close and b - a >= least / 2 and c1 - c0 >= least:
        return [(a, b)]
    return []


def _columns(crop: Gray, a: int, b: int) -> tuple[int, int]:
    """First and past-last columns with ink in rows a..b of `crop`."""
    cols = np.flatnonzero(crop[a:b].max(axis=0))
    return int(cols[0]), int(cols[-1]) + 1


def read_lines(gray: Gray, boxes: list[Rect]) -> list[Line]:
    """Each box of `gray` read as one line of text, in the order given.

    Lines are read small (TEXT_SHARE) to save time; a line read with less than RECHECK
    confidence is read again at CHECK_SHARE and the more confident reading kept. Small
    text loses one of a long run of narrow digits (`共11111111111人`) before anything
    else, and does so with a lowered confidence; one line in fifty or so is read twice.

    A doubtful lone glyph is read again three times over (`_one_of_three`): alone, a `≥`
    is read as `V`, `N` or `>`, with no text around it to tell the recogniser what it is
    looking at; three of it are read right. Only doubtful ones: three of a confidently read
    时 come back as 時.
    """
    read = _read(gray, boxes, TEXT_SHARE)
    doubtful = [i for i, (_, score) in enumerate(read) if score < RECHECK]
    again = _read(gray, [boxes[i] for i in doubtful], CHECK_SHARE, triple=True)
    for i, (text, score) in zip(doubtful, again, strict=True):
        if _lone(boxes[i]):
            one = _one_of_three(text)
            if one is not None:
                read[i] = (one, score)
        elif score > read[i][1]:
            read[i] = (text, score)
    for i, box in enumerate(boxes):
        if box.width <= 2 * box.height and _equal_bars(gray[box.top : box.bottom, box.x0 : box.x1]):
            read[i] = ("=", BARS_CONFIDENCE)
    return [Line(box, tidy(text), score) for box, (text, score) in zip(boxes, read, strict=True)]


def _read(
    gray: Gray, boxes: list[Rect], share: float, triple: bool = False
) -> list[tuple[str, float]]:
    """Text and confidence of each box, its text filling `share` of the recogniser's height
    (`triple`: a lone glyph set three times in a row).

    A long line is read in pieces cut between characters (the recogniser's cost grows faster
    than the width); pieces go to the recogniser narrowest first, in batches whose padded
    width stays within WIDTH_BUDGET (memory too: eight sentence-wide lines took ~900 MB).
    """
    pieces = [
        (i, crop) for i, box in enumerate(boxes) for crop in _pieces(gray, box, share, triple)
    ]
    order = sorted(range(len(pieces)), key=lambda k: _ratio(pieces[k][1]))
    texts: list[str] = [""] * len(pieces)
    scores: list[float] = [1.0] * len(pieces)
    for batch in _batches(order, [_ratio(crop) for _, crop in pieces]):
        result = engine().recognize_txt([pieces[k][1] for k in batch])
        for k, text, score in zip(batch, result.txts or (), result.scores, strict=True):
            texts[k], scores[k] = str(text), float(score)
    joined: list[list[int]] = [[] for _ in boxes]
    for k, (i, _) in enumerate(pieces):
        joined[i].append(k)
    return [
        ("".join(texts[k] for k in ks), min((scores[k] for k in ks), default=1.0)) for ks in joined
    ]


def _equal_bars(glyph: Gray) -> bool:
    """Whether a lone glyph is two thin bars of one length, close one over the other: `=`.
    Alone the recogniser reads it as 二 (surely), whose upper stroke is shorter in every CJK
    face and whose strokes lie most of their length apart."""
    ink = u8(cv2.threshold(glyph, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1])
    rows = np.flatnonzero(ink.max(axis=1))
    if rows.size == 0:
        return False
    runs = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    if len(runs) != 2 or max(len(r) for r in runs) > 0.4 * (rows[-1] - rows[0] + 1):
        return False
    (a0, a1), (b0, b1) = (_columns(ink[r[0] : r[-1] + 1], 0, len(r)) for r in runs)
    slack = max(1, round(0.05 * ink.shape[1]))
    apart = float(runs[1][0] + runs[1][-1] - runs[0][0] - runs[0][-1]) / 2
    return abs(a0 - b0) <= slack and abs(a1 - b1) <= slack and apart <= 0.6 * (a1 - a0)


def _lone(box: Rect) -> bool:
    """Whether the line is one glyph (or two narrow ones): no wider than LONE times its height."""
    return box.width <= LONE * box.height


def _one_of_three(text: str) -> str | None:
    """A lone glyph's text from the reading of three of it, or None when the thirds differ."""
    plain = _SPACE.sub("", text)
    third = len(plain) // 3
    return plain[:third] if third and plain == plain[:third] * 3 else None


def _ratio(crop: np.ndarray) -> float:
    width, height = crop.shape[1], crop.shape[0]
    return float(width) / max(1, int(height))


def _batches(order: list[int], ratios: list[float]) -> list[list[int]]:
    """`order` (narrowest first) cut into batches of at most BATCH pieces whose padded width
    (pieces x the widest, at the recogniser's 48-pixel height) stays within WIDTH_BUDGET."""
    out: list[list[int]] = []
    for k in order:
        if out and len(out[-1]) < BATCH and (len(out[-1]) + 1) * ratios[k] * 48 <= WIDTH_BUDGET:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _pieces(gray: Gray, box: Rect, share: float, triple: bool) -> list[np.ndarray]:
    """The line's crop; with `triple`, a lone glyph's crop three times in a row; for a line
    longer than MAX_RATIO heights, crops cut at the lightest column (a gap between
    characters) near every MAX_RATIO heights."""
    whole, left = _crop(gray, box, share)
    if triple and _lone(box):
        return [np.concatenate([whole, whole, whole], axis=1)]
    step = MAX_RATIO * box.height
    cuts = [box.x0]
    while box.x1 - cuts[-1] > step * 1.25:
        ideal = cuts[-1] + step
        window = gray[box.top : box.bottom, ideal - box.height : ideal + box.height]
        cuts.append(ideal - box.height + int(np.argmax(window.min(axis=0))))
    edges = [0, *(c - left for c in cuts[1:]), whole.shape[1]]
    return [whole[:, a:b] for a, b in itertools.pairwise(edges)]


def tidy(text: str) -> str:
    """`text` without the spaces next to a wide (CJK) character; others kept as one space."""

    def one(m: re.Match[str]) -> str:
        left = text[m.start() - 1] if m.start() else ""
        right = text[m.end()] if m.end() < len(text) else ""
        if not left or not right or is_wide(left) or is_wide(right):
            return ""
        return " "

    text = _SPACE.sub(one, text)

    def pair(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        chinese = (before and is_wide(before)) or any(is_wide(c) for c in m.group(1))
        return f"（{m.group(1)}）" if chinese else m.group()

    return _PAIR.sub(pair, text)


def _crop(gray: Gray, box: Rect, share: float) -> tuple[np.ndarray, int]:
    """The line with a margin of a quarter of its height, set on paper so that its text fills
    `share` of the height, as the 3-channel image PP-OCR reads; and the page x of its
    left edge.

    The recogniser scales every input to 48 pixels high and its cost is the width it then
    has: text filling half the height costs three quarters of text filling two thirds (a
    plain quarter-height margin), and reads as well. The margin beyond a quarter is paper,
    not more of the page, whose rows above and below may hold the cell's other lines.
    """
    pad = max(2, box.height // 4)
    h, w = gray.shape
    left = max(0, box.x0 - pad)
    top, bottom = max(0, box.top - pad), min(h, box.bottom + pad)
    part = gray[top:bottom, left : min(w, box.x1 + pad)]
    extra = max(0, round(box.height / share) - part.shape[0])
    if extra:
        paper = int(np.median(part))  # most of a line's pixels are paper
        part = u8(
            cv2.copyMakeBorder(
                part, extra // 2, extra - extra // 2, 0, 0, cv2.BORDER_CONSTANT, value=paper
            )
        )
    return cv2.cvtColor(part, cv2.COLOR_GRAY2BGR), left
