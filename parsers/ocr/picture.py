"""A page of a scanned image file as a PNG for the report (PIL only: no OCR stack loads)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import Image, ImageSequence

PICTURE_WIDTH = 900  # pixels: a page as wide as the PDF pictures in the report (90 dpi A4)


def render_page(path: Path, page: int) -> str | None:
    """Page `page` (1-based) of the image file at `path` as a PNG data URI for the report,
    or None when the file has moved or will not decode (the report shows no picture)."""
    try:
        with Image.open(path) as img:
            for number, frame in enumerate(ImageSequence.Iterator(img), start=1):
                if number == page:
                    picture = frame.convert("RGB")
                    picture.thumbnail((PICTURE_WIDTH, PICTURE_WIDTH * 2))
                    buffer = io.BytesIO()
                    picture.save(buffer, format="PNG", optimize=True)
                    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return None
