"""How much memory a programme's matrices take, checked before anything is allocated."""

from __future__ import annotations

import os

from rmatch.errors import ResourceLimitError
from rmatch.program.program import Program
from rmatch.scoring.malloc import _MMAP_MAX

__all__ = ["BLOCK_BYTES", "BLOCK_ROWS", "BYTES_PER_BLOCK_CELL", "BYTES_PER_SENIOR",
           "available_memory_gb", "block_memory", "check_memory", "dense_fits", "memory_limit"]

BYTES_PER_BLOCK_CELL = 48
"""Bytes per pair of one scored block (components, total, masks, scratch)."""

BLOCK_BYTES = 64 * 2**20
"""Most bytes of one scored block: its float32 arrays (about 5 MB) stay under glibc's
mmap threshold, so freed blocks are reused (:mod:`rmatch.scoring.malloc`). Measured with
two threads at 10,000 per side: blocks of 559 rows (256 MB) 245M pairs/s, 140 rows
307M, 64 rows 322M; at 30,000 per side 186 rows 182M, 46 rows 294M."""

BLOCK_ROWS = 24
"""Fewest rows of a candidate-path block where :data:`BLOCK_BYTES` holds fewer (more than
58,000 seniors), memory allowing: each block also pays a part that does not grow with its
rows (the rules' masks set up, a task, Python). Organisation 1's first pass at 100,000 per
side, two threads: 13 rows (64 MB) 29.1 and 29.6 s, 26 rows 24.8, 25.3 and 27.1 s, 39 rows
25.2 s, 52 rows 27.7 s. Never more rows than keep a block's float32 total under glibc's
largest mmap threshold (32 MB; see :mod:`rmatch.scoring.malloc`)."""

BYTES_PER_SENIOR = 8192
"""Bytes per senior of the seniors' best juniors while the candidate path scores its
first pass: each of up to four threads' buffers (room for 2k + 1 a senior at 16 bytes,
and thresholds) and, at the end, their merge. Measured 7.9 KB at k = 32 with four
threads; ``tests/solvers/test_select.py`` holds the buffers to it."""

# Bytes per pair of the dense pipeline: total and scratch (float32), each
# component (float32), the feasibility mask, and the solver's float64 cost
# with one temporary; measured peaks sit below this.
_BYTES_PER_PAIR_BASE = 4 + 4 + 1 + 8 + 8


_BYTES_PER_COMPONENT = 4


def available_memory_gb() -> float | None:
    """Memory this machine can still give, in GB (None where it cannot be read).

    Examples
    --------
    >>> m = available_memory_gb()
    >>> m is None or m > 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def memory_limit(program: Program) -> tuple[float | None, str]:
    """Return the memory a programme may use, in GB, and where that figure comes from.

    Examples
    --------
    >>> memory_limit(Program(memory_limit_gb=2))
    (2.0, 'Program.memory_limit_gb')
    """
    if program.memory_limit_gb is not None:
        return program.memory_limit_gb, "Program.memory_limit_gb"
    free = available_memory_gb()
    if free is None:
        return None, "unknown"
    return 0.8 * free, f"80% of the {free:.1f} GB this machine has available"


def dense_fits(n_juniors: int, n_seniors: int, n_components: int, program: Program) -> bool:
    """Whether the dense score matrices of a programme fit its memory budget.

    Examples
    --------
    >>> dense_fits(100, 100, 3, Program())
    True
    >>> dense_fits(50_000, 50_000, 3, Program(memory_limit_gb=8))
    False
    """
    limit, _ = memory_limit(program)
    per_pair = _BYTES_PER_PAIR_BASE + _BYTES_PER_COMPONENT * n_components
    return limit is None or n_juniors * n_seniors * per_pair / 1024**3 <= limit


def check_memory(n_juniors: int, n_seniors: int, n_components: int, program: Program) -> None:
    """Raise :class:`ResourceLimitError` before a programme too large for memory is scored.

    Examples
    --------
    >>> check_memory(100, 100, 3, Program())  # a few hundred KB: fine
    >>> check_memory(50_000, 50_000, 3, Program(memory_limit_gb=1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rmatch.errors.ResourceLimitError: a 50,000 x 50,000 programme needs about 86.1 GB ...
    """
    per_pair = _BYTES_PER_PAIR_BASE + _BYTES_PER_COMPONENT * n_components
    need_gb = n_juniors * n_seniors * per_pair / 1024**3
    limit, why = memory_limit(program)
    if limit is None or need_gb <= limit:
        return
    side = int((limit * 1024**3 / per_pair) ** 0.5)
    raise ResourceLimitError(
        f"a {n_juniors:,} x {n_seniors:,} programme needs about {need_gb:.1f} GB for its "
        f"score matrices, more than {limit:.3g} GB ({why}); about {side:,} per side fits. "
        "Let solver 'auto' (or 'candidates') solve it on candidate pairs, split it into "
        "cohorts (by country or business unit), or raise memory_limit_gb on a larger machine")


def block_memory(n_juniors: int, n_seniors: int, program: Program, *, groups: int) -> int:
    """Bytes one scored block may take; raise if not even one row of juniors fits.

    The candidate path keeps the people's arrays, a few dozen candidate
    pairs per person, a bound per junior and block of seniors, and each
    senior's best juniors while scanning; blocks of pairs are scored a few
    at a time (one per thread, a few waiting). Each block gets an eighth of
    what is left (at most :data:`BLOCK_BYTES`, or :data:`BLOCK_ROWS` rows where
    that holds fewer). ``groups`` is how many blocks of
    seniors the scan keeps a bound for (the solver's choice).

    Examples
    --------
    >>> block_memory(1000, 1000, Program(memory_limit_gb=1), groups=15) > 1000 * 48
    True
    """
    limit, why = memory_limit(program)
    # People (about 1 KB each as arrays and models), candidates (about 64
    # bytes for each of ~100 pairs per person), the bounds (5 bytes for each
    # of ``groups`` blocks of seniors per junior, twice while they move) and
    # the seniors' best juniors while scanning (BYTES_PER_SENIOR).
    fixed_gb = ((n_juniors + n_seniors) * (1024 + 100 * 64) + n_juniors * groups * 10
                + n_seniors * BYTES_PER_SENIOR) / 1024**3
    most = max(BLOCK_BYTES, BYTES_PER_BLOCK_CELL * n_seniors
               * min(BLOCK_ROWS, _MMAP_MAX // (4 * max(n_seniors, 1))))  # float32 total
    if limit is None:
        return most
    room = (limit - fixed_gb) / 8 * 1024**3
    if room < BYTES_PER_BLOCK_CELL * max(n_seniors, 1):
        raise ResourceLimitError(
            f"a {n_juniors:,} x {n_seniors:,} programme needs about {fixed_gb:.1f} GB for its "
            f"people and candidate pairs, and room to score blocks of them; that is more than "
            f"{limit:.3g} GB ({why}). Split it into cohorts, or raise memory_limit_gb")
    return int(min(room, most))
