"""Freed-memory reuse during a solve: scoped, nested, and back to glibc's defaults after."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from rmatch.scoring import malloc as _malloc
from rmatch.scoring.malloc import reuse_freed_memory


def test_nested_and_concurrent_uses_restore_once_the_last_leaves() -> None:
    with reuse_freed_memory() as outer:
        assert _malloc._active == (1 if outer else 0)
        with reuse_freed_memory() as inner:
            assert inner == outer
            assert _malloc._active == (2 if outer else 0)
        assert _malloc._active == (1 if outer else 0)

    def solve(_: int) -> float:
        with reuse_freed_memory():
            return float(np.ones((256, 4096), np.float32).sum())

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(solve, range(16))) == [256 * 4096.0] * 16
    assert _malloc._active == 0


def test_glibc_linux_is_tuned() -> None:
    if sys.platform.startswith("linux") and _malloc._LIBC is not None:
        with reuse_freed_memory() as tuned:
            assert tuned


def test_an_exception_inside_still_restores() -> None:
    try:
        with reuse_freed_memory():
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert _malloc._active == 0


def _asks_huge_pages() -> bool:
    """Whether numpy asks huge pages now (read by setting it and putting it back)."""
    switch = _malloc._HUGEPAGES
    assert switch is not None
    now = switch(True)
    switch(now)
    return now


@pytest.mark.parametrize("before", [True, False])
def test_numpy_asks_no_huge_pages_inside_and_as_before_after(before: bool) -> None:
    """Off for the solve (nested too), then the caller's own setting back, whichever it was."""
    if _malloc._LIBC is None or _malloc._HUGEPAGES is None:
        pytest.skip("glibc and numpy's huge-page switch only")
    _malloc._HUGEPAGES(before)
    try:
        with reuse_freed_memory():
            assert not _asks_huge_pages()
            with reuse_freed_memory():
                assert not _asks_huge_pages()
            assert not _asks_huge_pages()
        assert _asks_huge_pages() is before
    finally:
        _malloc._HUGEPAGES(True)  # numpy's default
