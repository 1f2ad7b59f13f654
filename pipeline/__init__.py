"""Fiscal knowledge: find 自评表 in a Document, read their values, re-score, check, store, report.

Nothing here opens a file format; `parsers` turns bytes into `schemas.Document` first.
"""

__version__ = "0.1.0"
