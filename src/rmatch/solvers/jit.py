"""Compiling the solvers' kernels with numba, once per process, on first use.

numba keeps the machine code on disk (``cache=True``), so only the first
process on a machine waits for the compiler; where it finds nowhere to write
its cache (a read-only install without a home folder) it compiles in memory.
numba is imported only when a kernel is first needed: small programmes,
which never use one, do not pay for the import.

Examples
--------
>>> def add(a, b):
...     return a + b
>>> compiled(add)(2, 3)
5
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["compiled"]

_lock = threading.Lock()
_done: dict[Callable[..., Any], Any] = {}


def compiled(fn: Callable[..., Any]) -> Any:
    """Return ``fn`` compiled by numba (``nogil``: threads run it side by side).

    Examples
    --------
    See the module's example.
    """
    with _lock:  # the scanning threads may all ask at once
        if fn not in _done:
            import numba

            try:
                _done[fn] = numba.njit(nogil=True, cache=True)(fn)
            except RuntimeError:  # nowhere to write numba's cache: compile in memory
                _done[fn] = numba.njit(nogil=True)(fn)
        return _done[fn]
