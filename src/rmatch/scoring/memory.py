"""How much memory a programme's matrices take, checked before anything is allocated."""

from __future__ import annotations

import os

from rmatch.errors import ResourceLimitError
from rmatch.program.program import Program

__all__ = ["available_memory_gb", "check_memory", "dense_fits", "memory_limit"]

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
