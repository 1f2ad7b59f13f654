"""Page images ready to read: gray with the red seal gone, binarised ink, rotation undone.

A stamp (公章) is printed in red over the signature block and often over the last cells.
In the red channel red ink is as light as the paper while black print stays dark, so the
red channel alone is a gray image without the seal. Scanners tilt pages by a degree or two;
the ruling lines tell the angle (they are the longest straight marks on a form page) and
the page is turned back before any line or cell is looked for.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageSequence, UnidentifiedImageError

from schemas import ParseError

Gray = NDArray[np.uint8]

# One thread, as the recogniser runs (`recognize.engine`): a batch spreads documents over
# processes, one a core, and OpenCV's own pool would only make them fight for the cores.
cv2.setNumThreads(1)

A4_WIDTH_PT = 595.0  # a page image is taken as A4 wide: pixels -> points for the grid
MAX_SKEW = 5.0  # degrees: a larger tilt is not a scanner's slip; the page is left as is
MAX_PIXELS = 60_000_000  # a page image larger than this is refused (a decompression bomb)
MAX_WIDTH = 1700  # pixels: a wider page (over ~200 dpi A4) is scaled down to this first;
# the recogniser reads lines at 48 px high anyway, and line-finding costs grow with pixels


def images(data: bytes, path: str) -> Iterator[Gray]:
    """Each page of a PNG/JPEG/TIFF (multi-page TIFF: every frame) as a seal-free gray image."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as img:
            for frame in ImageSequence.Iterator(img):
                yield _at_most(seal_free(np.asarray(frame.convert("RGB"))), MAX_WIDTH)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ParseError(f"{path}: unreadable image ({exc})") from exc


def _at_most(gray: Gray, width: int) -> Gray:
    h, w = gray.shape
    if w <= width:
        return gray
    return u8(cv2.resize(gray, (width, round(h * width / w)), interpolation=cv2.INTER_AREA))


def seal_free(rgb: NDArray[np.uint8]) -> Gray:
    """The red channel of an RGB page: black print kept, red ink (the seal) as light as paper."""
    return np.ascontiguousarray(rgb[:, :, 0])


def ink(gray: Gray) -> Gray:
    """255 where there is ink. Otsu's threshold after a light blur, so scanner grain does not
    turn into specks of ink."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    _, out = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return u8(out)


def u8(image: object) -> Gray:
    """An OpenCV result as the 8-bit array it is (OpenCV's stubs say only "a Mat")."""
    return np.asarray(image, dtype=np.uint8)


def points_per_pixel(gray: Gray) -> float:
    return A4_WIDTH_PT / float(gray.shape[1])


def deskew(gray: Gray) -> Gray:
    """`gray` turned so that its ruling lines are level (unchanged when none are found)."""
    return levelled(gray)[0]


def levelled(gray: Gray) -> tuple[Gray, Gray]:
    """`gray` deskewed and its ink mask (the mask of a level page is not computed twice)."""
    mask = ink(gray)
    angle = skew_angle(mask)
    if angle == 0.0:
        return gray, mask
    turned = _turned(gray, angle)
    return turned, ink(turned)


def _turned(gray: Gray, angle: float) -> Gray:
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(
        gray,
        turn,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    return u8(out)


def skew_angle(mask: Gray) -> float:
    """Degrees the page is tilted, from its long horizontal strokes (0.0 if none or tiny).

    Ink is first thickened vertically so that a tilted line, a staircase of short runs,
    survives an opening with a long flat kernel; each surviving long stroke's slope comes
    from a straight-line fit through its pixels, and the median is taken.
    """
    w = mask.shape[1]
    thick = cv2.dilate(mask, np.ones((5, 1), np.uint8))
    run = max(20, w // 30)
    strokes = cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    slopes: list[float] = []
    for k in range(1, n):
        x, y, bw, bh, _area = stats[k]
        if bw < w / 5:
            continue
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == k)
        step = max(1, len(xs) // 2000)
        slope = float(np.polyfit(xs[::step], ys[::step], 1)[0])
        slopes.append(slope)
    if not slopes:
        return 0.0
    angle = math.degrees(math.atan(float(np.median(slopes))))
    if abs(angle) < 0.05 or abs(angle) > MAX_SKEW:
        return 0.0
    return angle
