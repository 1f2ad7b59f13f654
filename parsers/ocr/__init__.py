"""Scanned pages: ruled tables found in the page image, their cells read by OCR on the CPU.

A page image becomes the same items a ruled PDF page gives (`parsers.pdf.grid`): tables as
cell boxes in points, the text lines around them as paragraphs, so the stitching across
pages and everything after parsing is shared. The steps, one module each:
- `raster`: page images from bytes, the red seal dropped, small rotations undone;
- `ruling`: ruling lines by morphology, tables and their cells from the lines;
- `recognize`: text lines inside a region by ink profile, read by PP-OCR's recogniser
  (shipped inside the `rapidocr` wheel, run on one CPU thread; nothing is downloaded);
- `page`: one page image to items, every OCR'd cell with its confidence.

Imports nothing heavy here: OpenCV and onnxruntime load only when a page is OCR'd.
"""
