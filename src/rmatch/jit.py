"""Compiling kernels with numba, once per process, on first use (the rules' and the solvers').

It sits below every stage that has a kernel: the rules checked on every pair
of a large programme (:mod:`rmatch.constraints.pairwise`) and the solvers.

numba keeps the machine code on disk (``cache=True``), so only the first
process on a machine waits for the compiler; where it finds nowhere to write
its cache (a read-only install without a home folder) it compiles in memory.
numba is imported only when a kernel is first needed: small programmes,
which never use one, do not pay for the import. A function several kernels
call is marked :func:`helper`; a kernel that calls it gets it compiled (numba
needs a callee compiled before its caller). Keep a helper in the file of its
callers: numba's disk cache notices a change of the caller's file only.

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
from typing import Any, TypeVar

__all__ = ["BLOCKS_COMPILED_FROM", "compiled", "helper", "is_compiled"]

BLOCKS_COMPILED_FROM = 250_000
"""Blocks of fewer pairs are scored and checked by numpy passes, larger ones by kernels:
numba compiles a kernel in seconds on a machine's first use (the scoring kernel in about
20 s), numpy scores a 500 x 500 block in milliseconds, so a first small programme
(``rmatch demo``) never waits for the compiler. Once compiled in a process, a kernel takes
the smaller blocks too (numpy pays per row on a certificate scan's narrow blocks)."""

_lock = threading.Lock()
_done: dict[Callable[..., Any], Any] = {}
_helpers: list[Callable[..., Any]] = []

_F = TypeVar("_F", bound=Callable[..., Any])


def helper(fn: _F) -> _F:
    """Mark ``fn`` as called by kernels: compiled before any of them (returned unchanged).

    Examples
    --------
    >>> @helper
    ... def twice(a):
    ...     return 2 * a
    >>> def add_twice(a, b):
    ...     return a + twice(b)
    >>> compiled(add_twice)(1, 2)
    5
    """
    _helpers.append(fn)
    return fn


def compiled(fn: Callable[..., Any]) -> Any:
    """Return ``fn`` compiled by numba (``nogil``: threads run it side by side).

    Examples
    --------
    See the module's example.
    """
    with _lock:  # the scanning threads may all ask at once
        return _compile(fn)


def is_compiled(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` is compiled (or loaded) in this process already: no wait to use it.

    Examples
    --------
    >>> def nothing():
    ...     return None
    >>> is_compiled(nothing)
    False
    """
    return fn in _done


def _compile(fn: Callable[..., Any]) -> Any:
    if fn not in _done:
        import numba

        for name in fn.__code__.co_names:
            callee = fn.__globals__.get(name)
            if any(callee is h for h in _helpers):
                # numba reads a callee from the module's globals when it
                # compiles the caller: there it must be compiled already.
                fn.__globals__[name] = _compile(callee)  # type: ignore[arg-type]
        try:
            _done[fn] = numba.njit(nogil=True, cache=True)(fn)
        except RuntimeError:  # nowhere to write numba's cache: compile in memory
            _done[fn] = numba.njit(nogil=True)(fn)
    return _done[fn]
