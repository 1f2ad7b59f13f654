"""One lock for every use of pdfium in the process.

PDFium is not thread-safe: two threads inside it (a Dask worker with several threads, a
report rendering pages while a reader runs) can trip its internal CHECKs, which kill the
whole process with SIGTRAP. Work in other processes is unaffected; within one process,
every open, read and close of a pdfium document holds this lock.
"""

from __future__ import annotations

import threading

LOCK = threading.RLock()
