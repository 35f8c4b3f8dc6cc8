"""Keep freed memory for reuse while the candidate path scores block after block.

Each scored block allocates a dozen arrays of a few megabytes. glibc's
``malloc`` serves large requests with fresh ``mmap`` pages and unmaps them on
``free``, so every block pays a page fault per 4 KB it touches: measured on
this 2-core machine class, 10,000 x 10,000 pairs scored at 245M pairs/s that
way and at 307M pairs/s (30,000 per side: 182M and 294M) when freed memory
is kept for the next block. :func:`reuse_freed_memory` raises glibc's mmap
threshold (to its 32 MB ceiling) and trim threshold for the duration of a
solve, then sets glibc's defaults back and returns the kept memory to the
system (``malloc_trim``). Elsewhere (macOS, musl, Windows) it does nothing.

For the same duration numpy stops asking Linux for huge pages
(``madvise(MADV_HUGEPAGE)`` on each large array, numpy's default): where the
kernel compacts memory to find one (``defrag`` set to ``madvise``, as on this
machine class), a fresh array stalls on it: 720 MB took 1.55 s to touch
with huge pages asked for and 0.28 s without. Measured side by side on the
candidate path: 100,000 per side, organisation 0, 98.4 and 100.0 s without
against 103.0 and 103.5 s with; 30,000 per side, organisations 0-2, faster
in each of six pairs of runs (by 0.2 to 1.4 s).

Examples
--------
>>> with reuse_freed_memory():
...     pass
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["reuse_freed_memory"]

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_DEFAULT = 128 * 1024  # glibc's default for both thresholds
_MMAP_MAX = 32 * 2**20  # glibc refuses a larger mmap threshold on 64-bit systems
_TRIM = 2**30  # keep up to 1 GB of freed memory at the top of the heap

_lock = threading.Lock()
_active = 0  # solves running in this process (threads of one Dask worker, say)


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    if libc is None or not hasattr(libc, "mallopt") or not hasattr(libc, "malloc_trim"):
        return None
    return libc


_LIBC = _libc()


def _hugepage_switch() -> Callable[[bool], bool] | None:
    """Return the switch numpy asks huge pages by (it returns the last setting), if any."""
    for name in ("numpy._core.multiarray", "numpy.core.multiarray"):  # numpy 2, numpy 1
        try:
            switch = getattr(importlib.import_module(name), "_set_madvise_hugepage", None)
        except ImportError:
            continue
        if callable(switch):
            return switch  # type: ignore[no-any-return]
    return None


_HUGEPAGES = _hugepage_switch()
_asked = True  # numpy's setting before the first solve began


@contextmanager
def reuse_freed_memory() -> Iterator[bool]:
    """Keep freed blocks for reuse inside the ``with`` (glibc only); yield whether it could.

    Nested or concurrent uses share one setting: the last to leave restores it.

    Examples
    --------
    >>> with reuse_freed_memory() as tuned:
    ...     isinstance(tuned, bool)
    True
    """
    global _active, _asked
    if _LIBC is None:
        yield False
        return
    with _lock:
        if _active == 0:
            _LIBC.mallopt(_M_MMAP_THRESHOLD, _MMAP_MAX)
            _LIBC.mallopt(_M_TRIM_THRESHOLD, _TRIM)
            if _HUGEPAGES is not None:
                _asked = _HUGEPAGES(False)
        _active += 1
    try:
        yield True
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                _LIBC.mallopt(_M_MMAP_THRESHOLD, _DEFAULT)
                _LIBC.mallopt(_M_TRIM_THRESHOLD, _DEFAULT)
                if _HUGEPAGES is not None:
                    _HUGEPAGES(_asked)
                _LIBC.malloc_trim(0)
