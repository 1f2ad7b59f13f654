"""PDF: pdfium triage and text, pdfplumber on ruled pages, page images for the report.

The reader lives in `parsers.pdf.reader`; this package imports nothing so that `parsers.limits`
can take the pdfium lock without loading pdfplumber.
"""
