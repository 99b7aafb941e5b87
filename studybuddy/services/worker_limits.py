"""What every math worker process does to stay bounded: a memory cap, and dying with its parent.

The grading worker (services.grading) and the lesson checker's workers (services.lesson_checking) run
SymPy and NumPy on untrusted text. A time limit alone does not bound them: one typed answer can fill
gigabytes within two seconds, and a worker whose parent was killed (SIGKILL, a closed terminal) would
compute on as an orphan. So each worker

- caps its own writable memory once its imports are done (``limit_memory``): a runaway allocation
  raises MemoryError in the worker, which reports "too much memory" and is replaced;
- watches a pipe only its parent holds the other end of (``exit_with_parent``): the operating system
  closes that end however the parent ends, and the worker exits at once, even mid-computation.

PR_SET_PDEATHSIG is not used: Linux sends it when the *thread* that started the worker ends, and the app
starts and restarts its grader from short-lived threads.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

MiB = 1 << 20
# A worker holds about 140 MiB after importing SymPy and NumPy, and the bundled library's heaviest
# check peaks about 10 MiB above that: a cap of 768 MiB leaves room for any honest lesson or answer.
MEMORY_LIMIT = 768 * MiB
_HEADROOM = 256 * MiB  # above what the imports took, where they took more than usual
# Math libraries that start a thread pool read these at import: one thread per worker keeps a worker's
# memory independent of the machine's core count (OpenBLAS maps a buffer per thread).
_ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def memory_text(limit: int) -> str:
    return f"{limit / MiB:.0f} MiB"


def limit_memory(limit: int = MEMORY_LIMIT) -> int | None:
    """Cap this process's writable memory at ``limit`` bytes (or what its imports took plus some headroom,
    if that is more); the cap in force, or None where it cannot be enforced.

    RLIMIT_DATA, not RLIMIT_AS: the address space counts what is merely reserved (glibc reserves 64 MiB
    per thread arena, libraries map their files), which grows with the machine and not with the work;
    RLIMIT_DATA counts the writable private memory a computation fills (heap and anonymous mappings,
    Linux 4.7 and later). macOS accepts the limit without enforcing it on mappings and Windows has no
    rlimits: there only the time limit bounds a worker.
    """
    if not sys.platform.startswith("linux"):
        return None
    import resource

    cap = max(limit, _data_in_use() + _HEADROOM)
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        return int(soft)  # a lower limit set for the whole session stands
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ValueError, OSError):
        return None
    return cap


def _data_in_use() -> int:
    """VmData of this process in bytes (0 when /proc cannot tell)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def exit_with_parent(lifeline: Connection) -> None:
    """Exit this process as soon as ``lifeline`` closes (call first thing in the worker).

    The parent keeps the other end (``Lifeline``) and never writes to it; when the parent ends in any
    way, the OS closes it and ``recv`` returns here, in a thread of its own, while the main thread may
    be deep in SymPy. The worker's own pipe cannot serve: it is read only between two requests.
    """

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv()
        os._exit(3)

    threading.Thread(target=watch, name="studybuddy-parent-watch", daemon=True).start()


class Lifeline:
    """The parent's side of ``exit_with_parent``: make one per worker, pass ``child`` to the worker's
    start, then call ``started()`` (so only the worker holds the child's end) and ``close()`` with it."""

    def __init__(self, context: Any) -> None:
        self.child, self._parent = context.Pipe(duplex=False)

    def started(self) -> None:
        self.child.close()

    @property
    def parent_end(self) -> Connection:
        """The end only the parent may hold: a forked worker closes its copy first thing."""
        return self._parent

    def close(self) -> None:
        self._parent.close()


@contextlib.contextmanager
def worker_environment() -> Iterator[None]:
    """While a worker process starts: one BLAS/OpenMP thread unless the user chose a number.

    A worker inherits the environment when it starts (spawn), or its forkserver does, before NumPy is
    imported; the caller's own environment is restored afterwards.
    """
    added = [name for name in _ONE_THREAD if name not in os.environ]
    for name in added:
        os.environ[name] = "1"
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def workers_within_memory(workers: int, *, total_memory: int | None = None) -> int:
    """How many workers of MEMORY_LIMIT each fit in half the machine's memory (at least one)."""
    memory = physical_memory() if total_memory is None else total_memory
    if memory is None:
        return max(1, min(workers, 2))
    return max(1, min(workers, memory // 2 // MEMORY_LIMIT))


def physical_memory() -> int | None:
    """The machine's memory in bytes, or None where it cannot be read."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None
