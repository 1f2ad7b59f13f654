"""The shapes ziping's data takes: IR, output tables, finding codes, scoring profiles."""

from schemas.errors import (
    ParseError,
    ProfileError,
    SchemaError,
    UnsupportedFormatError,
    ZipingError,
)
from schemas.ir import IR_VERSION, Block, Cell, Document, Notice, Paragraph, Slot, Table

__all__ = [
    "IR_VERSION",
    "Block",
    "Cell",
    "Document",
    "Notice",
    "Paragraph",
    "ParseError",
    "ProfileError",
    "SchemaError",
    "Slot",
    "Table",
    "UnsupportedFormatError",
    "ZipingError",
]
