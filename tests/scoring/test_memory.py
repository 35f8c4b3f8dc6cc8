"""How large the candidate path's scored blocks are: rows enough, within memory."""

from __future__ import annotations

import pytest

from rmatch.program.program import Program
from rmatch.scoring.memory import BLOCK_BYTES, BLOCK_ROWS, BYTES_PER_BLOCK_CELL, block_memory


def _rows(n_seniors: int, program: Program) -> int:
    return block_memory(1000, n_seniors, program, groups=64) // (BYTES_PER_BLOCK_CELL
                                                                 * n_seniors)


@pytest.mark.parametrize("n_seniors", [1000, 30_000, 58_000])
def test_narrow_programmes_keep_the_byte_budget(n_seniors: int) -> None:
    program = Program(memory_limit_gb=64)
    assert block_memory(1000, n_seniors, program, groups=64) == BLOCK_BYTES
    assert _rows(n_seniors, program) >= BLOCK_ROWS


@pytest.mark.parametrize("n_seniors", [100_000, 200_000, 349_525])
def test_wide_programmes_get_the_fewest_rows(n_seniors: int) -> None:
    """Over 58,000 seniors 64 MB holds fewer than BLOCK_ROWS rows: the rows win."""
    assert _rows(n_seniors, Program(memory_limit_gb=64)) == BLOCK_ROWS


def test_rows_stop_where_the_total_would_leave_the_heap() -> None:
    """A block's float32 total stays at most 32 MB (glibc's largest mmap threshold)."""
    n_seniors = 1_000_000
    rows = _rows(n_seniors, Program(memory_limit_gb=64))
    assert rows == 2**23 // n_seniors < BLOCK_ROWS
    assert rows * n_seniors * 4 <= 32 * 2**20


def test_a_small_memory_limit_still_caps_the_block() -> None:
    tight = block_memory(1000, 100_000, Program(memory_limit_gb=2), groups=64)
    assert BYTES_PER_BLOCK_CELL * 100_000 <= tight < BLOCK_ROWS * BYTES_PER_BLOCK_CELL * 100_000
