"""LibreOffice headless as ziping's converter for the legacy formats it has no reader for.

`.doc`, `.wps`, RTF and `.et`/`.xls` that xlrd cannot open are converted to DOCX/XLSX and handed
to the readers those formats already have. LibreOffice is the converter Docling and MinerU use
for the same job; ziping starts and owns it:

- one converter per worker process (`converter()`; per thread where a worker runs several),
  with a profile directory of its own
  (`-env:UserInstallation=`): two LibreOffice processes sharing a profile hand their work to
  each other or refuse to start, and the user's own profile is never touched;
- `soffice.bin` is run directly (not the `soffice` script and its oosplash launcher, which
  would leave soffice.bin behind as an orphan), under `setpriv --pdeathsig KILL`, so the kernel
  kills it when the worker dies, even by SIGKILL, and in a process group of its own, killed
  whole on timeout, on any exception (the batch's per-document time limit) and at exit;
- input and output live in a temporary folder removed after each file;
- a time limit per file (`TIMEOUT`).

When LibreOffice is not installed, the file is a ParseError naming the Debian package to
install; nothing else changes.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from schemas import ParseError

TIMEOUT = 120.0  # seconds per file; a 300-page .doc converts in well under a minute
RESTART = 81  # soffice.bin's exit code after creating a fresh profile: "start me again"

# Target format -> (LibreOffice export filter, the Debian package that provides it).
TARGETS = {
    "docx": ("docx:MS Word 2007 XML", "libreoffice-writer"),
    "xlsx": ("xlsx:Calc MS Excel 2007 XML", "libreoffice-calc"),
}


def executable() -> Path | None:
    """soffice.bin of the installed LibreOffice (found through `soffice` on PATH), or None."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        return None
    program = Path(found).resolve()
    binary = program.with_name("soffice.bin")
    return binary if binary.is_file() else program


class Converter:
    """One LibreOffice at a time, for this process, with its own profile."""

    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="ziping-lo-profile-"))
        self.running: subprocess.Popen[bytes] | None = None

    def convert(
        self, data: bytes, suffix: str, target: str, path: str, source: str | None = None
    ) -> bytes:
        """`data` (a file named `*.suffix`) converted to `target` (docx or xlsx). `source`:
        the import filter to use (LibreOffice otherwise guesses, and reads bytes no Office
        filter accepts as a text table)."""
        export, package = TARGETS[target]
        binary = executable()
        if binary is None:
            raise ParseError(
                f"{path}: reading .{suffix} files needs LibreOffice, which is not installed "
                f"(apt-get install --no-install-recommends {package})"
            )
        with tempfile.TemporaryDirectory(prefix="ziping-convert-") as work:
            original = Path(work) / f"in.{suffix}"
            original.write_bytes(data)
            command = [
                str(binary),
                f"-env:UserInstallation={self.profile.as_uri()}",
                *("--headless", "--invisible", "--norestore", "--nologo", "--nodefault"),
                *([f"--infilter={source}"] if source else []),
                *("--nolockcheck", "--convert-to", export, "--outdir", work, str(original)),
            ]
            for _ in range(2):  # a fresh profile makes the first start exit with RESTART
                code, errors = self._run(command, path)
                if code != RESTART:
                    break
            result = original.with_suffix("." + target)
            if not result.is_file():
                raise ParseError(
                    f"{path}: LibreOffice could not convert it to .{target} "
                    f"(exit {code}{': ' + errors if errors else ''})"
                )
            return result.read_bytes()

    def _run(self, command: list[str], path: str) -> tuple[int, str]:
        setpriv = shutil.which("setpriv")
        prefix = [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []
        env = {**os.environ, "HOME": str(self.profile), "SAL_USE_VCLPLUGIN": "svp"}
        process = subprocess.Popen(
            [*prefix, *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, killed whole
            env=env,
        )
        self.running = process
        try:
            _, errors = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise ParseError(
                f"{path}: LibreOffice did not finish converting it within {TIMEOUT:g} s"
            ) from exc
        finally:
            self.stop()  # on success too: a helper it started may still hold the group
        return process.returncode, " ".join(errors.decode("utf-8", "replace").split())[-300:]

    def stop(self) -> None:
        """Kill the running conversion's process group, if any, and reap it."""
        process, self.running = self.running, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
        deadline = time.monotonic() + 10  # until the kernel has taken the whole group down
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except (ProcessLookupError, PermissionError):
                break
            time.sleep(0.05)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.profile, ignore_errors=True)


# By process and thread: a forked worker starts its own, and so does each thread of a Dask
# worker (two LibreOffice processes must not share a profile).
_CONVERTERS: dict[tuple[int, int], Converter] = {}
_LOCK = threading.Lock()


def converter() -> Converter:
    """This process's (and thread's) converter, created on first use and closed at exit."""
    key = (os.getpid(), threading.get_ident())
    with _LOCK:
        if key not in _CONVERTERS:
            if not any(pid == key[0] for pid, _ in _CONVERTERS):
                atexit.register(_close, key[0])
                # pool workers end in os._exit, past atexit, but run these finalizers
                multiprocessing.util.Finalize(None, _close, args=(key[0],), exitpriority=10)
            _CONVERTERS[key] = Converter()
        return _CONVERTERS[key]


def _close(pid: int) -> None:
    with _LOCK:
        mine = [key for key in _CONVERTERS if key[0] == pid == os.getpid()]
        closing = [_CONVERTERS.pop(key) for key in mine]
    for each in closing:
        each.close()


def convert(data: bytes, suffix: str, target: str, path: str, source: str | None = None) -> bytes:
    return converter().convert(data, suffix, target, path, source)
