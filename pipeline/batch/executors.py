"""Where the per-document function runs: in this process, a local process pool, or on Dask.

An executor maps a picklable, top-level function over items and yields the results as they
complete; the caller puts them in order. It knows nothing about documents: the batch in
`pipeline/ingest.py` hands it `process_file` wrapped so that a bad document is a result, not
an exception. What is left for the executor is the failure a function cannot report itself:
a worker process that dies (a segfault in a C reader, the kernel's OOM killer). Those items
are retried alone, and an item that kills its worker again becomes `crashed(item, reason)`.

`call_with_timeout` is the per-document time limit: SIGALRM in a process's main thread (the
serial and local-pool case: Python code is interrupted where it stands), a watched daemon
thread elsewhere (Dask runs tasks in worker threads; the late thread is abandoned and its
result dropped). C code that never returns to Python cannot be interrupted either way.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from schemas import ZipingError

T = TypeVar("T")
R = TypeVar("R")


class DocTimeout(BaseException):
    """The per-document time limit (`--doc-timeout`) ran out. A BaseException, so that the
    handlers which turn a reader's exception into an error row let it through to the task."""


class MemoryCeiling(BaseException):
    """Reading one document took more memory than `max_doc_memory` allows (a BaseException,
    like DocTimeout, so a reader's own handlers let it through)."""


_RSS_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """This process's resident memory now (Linux /proc; 0 elsewhere: no watch)."""
    try:
        with Path("/proc/self/statm").open("rb") as statm:
            return int(statm.read().split()[1]) * _RSS_PAGE
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def memory_ceiling(limit: int | None, every: float = 0.05) -> Iterator[None]:
    """Raise MemoryCeiling in this (main) thread when RSS grows by more than `limit` bytes
    while the block runs: the last line behind the readers' limits, checked before allocation.

    A watcher thread samples RSS every `every` seconds and interrupts the main thread with
    SIGUSR1 (Python code is interrupted where it stands; C code when it returns). Outside the
    main thread (Dask worker threads) it does nothing: Dask's own memory limit applies."""
    start = rss_bytes()
    if not limit or not start or threading.current_thread() is not threading.main_thread():
        yield
        return
    done = threading.Event()
    main = threading.main_thread().ident or 0

    def watch() -> None:
        while not done.wait(every):
            if rss_bytes() - start > limit:
                signal.pthread_kill(main, signal.SIGUSR1)
                return

    def over(_signum: int, _frame: object) -> None:
        if not done.is_set():
            raise MemoryCeiling(limit)

    previous = signal.signal(signal.SIGUSR1, over)
    watcher = threading.Thread(target=watch, daemon=True, name="ziping-memory")
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        signal.signal(signal.SIGUSR1, previous)


def give_back_memory() -> None:
    """Return freed heap to the system after a document overran (glibc keeps it otherwise,
    and the next document would start from the inflated RSS)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Executor(Protocol):
    def run(
        self, fn: Callable[[T], R], items: Sequence[T], crashed: Callable[[T, str], R]
    ) -> Iterator[R]:
        """`fn(item)` for every item, yielded as completed (any order)."""
        ...


@dataclass(frozen=True)
class Serial:
    """In this process, one item after the other."""

    def run(
        self, fn: Callable[[T], R], items: Sequence[T], crashed: Callable[[T, str], R]
    ) -> Iterator[R]:
        for item in items:
            yield fn(item)


@dataclass(frozen=True)
class LocalPool:
    """A pool of `workers` processes; at most `2 × workers` items in flight (flat memory).

    `hang_after`: seconds without any item finishing after which the workers are presumed
    stuck in C code that the in-process time limit cannot interrupt. They are killed, and the
    items in flight are retried alone under the same watch; one that hangs again is crashed.
    """

    workers: int
    hang_after: float | None = None

    def run(
        self, fn: Callable[[T], R], items: Sequence[T], crashed: Callable[[T, str], R]
    ) -> Iterator[R]:
        pending = list(reversed(items))  # pop() from the end takes them in input order
        window = 2 * self.workers
        while pending:
            suspects: list[T] = []
            with _pool(self.workers) as pool:
                running: dict[cf.Future[R], T] = {}
                while pending or running:
                    while pending and len(running) < window:
                        item = pending.pop()
                        running[pool.submit(fn, item)] = item
                    finished, _ = cf.wait(
                        running, timeout=self.hang_after, return_when=cf.FIRST_COMPLETED
                    )
                    if not finished:  # the futures now fail with BrokenProcessPool
                        _kill_workers(pool)
                        continue
                    for future in finished:
                        item = running.pop(future)
                        try:
                            yield future.result()
                        except BrokenProcessPool:
                            suspects.append(item)
                    if suspects:  # the pool is gone: everything still in flight is suspect
                        suspects.extend(running.values())
                        break
            for item in suspects:  # alone, so a second death convicts the right item
                yield _run_alone(fn, item, crashed, self.hang_after)


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=workers, initializer=_die_with_parent)


def _run_alone(
    fn: Callable[[T], R], item: T, crashed: Callable[[T, str], R], hang_after: float | None
) -> R:
    with _pool(1) as pool:
        try:
            return pool.submit(fn, item).result(timeout=hang_after)
        except BrokenProcessPool:
            return crashed(item, "the worker process died while reading it (twice)")
        except cf.TimeoutError:
            _kill_workers(pool)
            return crashed(
                item, f"no answer within {hang_after:g} s, stuck where the time limit cannot "
                "interrupt (in C code); the worker was killed"
            )  # fmt: skip


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """SIGKILL the pool's own processes (nothing else this process started)."""
    for process in list((pool._processes or {}).values()):
        with contextlib.suppress(OSError):
            process.kill()


def _die_with_parent() -> None:
    """A worker outliving a SIGKILLed ingest must not go on writing parts: on Linux, ask the
    kernel to kill it with its parent (prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


@dataclass(frozen=True)
class Dask:
    """dask.distributed: a LocalCluster when `scheduler` is None, else that scheduler.

    Tasks are retried `retries` times when their worker dies; results travel back to this
    process (workers need no access to the output folder, only to the input files).
    """

    scheduler: str | None = None
    workers: int = 2
    retries: int = 2

    def run(
        self, fn: Callable[[T], R], items: Sequence[T], crashed: Callable[[T, str], R]
    ) -> Iterator[R]:
        try:
            from dask.distributed import (  # noqa: PLC0415  (seconds to import; only --executor dask)
                Client,
                LocalCluster,
                as_completed,
            )
        except ImportError as exc:  # dask is an extra: `pip install 'ziping[dask]'`
            raise ZipingError(
                "--executor dask needs dask.distributed, an optional extra: "
                f"pip install 'ziping[dask]' ({exc})"
            ) from exc
        with contextlib.ExitStack() as stack:
            if self.scheduler is None:
                cluster = stack.enter_context(
                    LocalCluster(  # type: ignore[no-untyped-call]
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    )
                )
                client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
            else:
                try:
                    client = stack.enter_context(
                        Client(self.scheduler, timeout="30s")  # type: ignore[no-untyped-call]
                    )
                except OSError as exc:
                    raise ZipingError(
                        f"cannot reach the Dask scheduler at {self.scheduler} ({exc}); "
                        "check the address (tcp://HOST:8786) and that it is running"
                    ) from exc
            futures = client.map(fn, items, retries=self.retries, pure=False)
            index = {future.key: item for future, item in zip(futures, items, strict=True)}
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                try:
                    yield future.result()
                except Exception as exc:  # KilledWorker after the retries, lost data …
                    yield crashed(index[future.key], f"Dask task failed: {type(exc).__name__}")
                future.release()


def call_with_timeout(fn: Callable[..., R], seconds: float | None, *args: Any) -> R:
    """`fn(*args)`, raising DocTimeout after `seconds` (None: no limit)."""
    if not seconds:
        return fn(*args)
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _with_alarm(fn, seconds, args)
    return _with_watcher(fn, seconds, args)


def _with_alarm(fn: Callable[..., R], seconds: float, args: tuple[Any, ...]) -> R:
    def expire(_signum: int, _frame: object) -> None:
        raise DocTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_watcher(fn: Callable[..., R], seconds: float, args: tuple[Any, ...]) -> R:
    box: list[R] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            box.append(fn(*args))
        except BaseException as exc:  # handed over to the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, daemon=True, name="ziping-doc")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise DocTimeout(seconds)
    if error:
        raise error[0]
    return box[0]
