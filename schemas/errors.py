"""One base exception for everything ziping raises on purpose.

Messages name the file, page or line and the text that failed, and where there is one, the fix.
"""

from __future__ import annotations


class ZipingError(Exception):
    """Base of every deliberate ziping error; the CLI prints these as `Error: …` lines."""


class UnsupportedFormatError(ZipingError):
    """The file's bytes are of a format ziping does not read (yet)."""


class ParseError(ZipingError):
    """A supported file could not be read (corrupt, encrypted, undecodable, too large)."""


class SchemaError(ZipingError):
    """A row does not fit its declared table (unknown or missing column, wrong type)."""


class ProfileError(ZipingError):
    """A scoring profile file is missing, malformed or names an unknown rule."""
