"""Two uploads read at the same moment each get their own notes, and nothing is left behind.

The service reads uploads in FastAPI's thread pool. ``warnings.catch_warnings``
swaps process-wide state (the filters and ``warnings.showwarning``), so two
readings that overlap used to send one file's notes to the other's answer and
leave the process's warnings going to a finished reading's list.
"""

from __future__ import annotations

import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytest.importorskip("fastapi")

import rmatch as rm
from rmatch.app import people as reading
from rmatch.app.people import Upload, read_upload

# Each file draws notes the other does not: a title above the header; a column
# rmatch does not know.
TITLED = b"Mentoring sign-ups 2026\n\nid,role\na1,junior\na2,senior\n"
UNKNOWN = b"id,role,Shoe size\nb1,junior,42\nb2,senior,39\n"


def _upload(content: bytes, filename: str) -> Upload:
    return Upload(content=content, filename=filename, columns=None, values=None, role=None,
                  options={})


def test_two_readings_at_once_keep_their_own_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "_reads", type(reading._reads)())
    # Both readings are inside their recording before either reads a row: the
    # interleaving that mixed them, made certain.
    both_in = threading.Barrier(2, timeout=30)
    real = rm.read_participants

    def together(source: Any, **kwargs: Any) -> list[rm.Participant]:
        both_in.wait()
        return real(source, **kwargs)

    monkeypatch.setattr(rm, "read_participants", together)
    showwarning, filters = warnings.showwarning, list(warnings.filters)
    with ThreadPoolExecutor(2) as pool:
        titled = pool.submit(read_upload, _upload(TITLED, "titled.csv"))
        unknown = pool.submit(read_upload, _upload(UNKNOWN, "unknown.csv"))
        (a_people, a_notes), (b_people, b_notes) = titled.result(), unknown.result()
    assert [p.id for p in a_people] == ["a1", "a2"]
    assert [p.id for p in b_people] == ["b1", "b2"]
    assert all(n.startswith("titled.csv: ") for n in a_notes), a_notes
    assert any("above the header" in n for n in a_notes), a_notes
    assert all(n.startswith("unknown.csv: ") for n in b_notes), b_notes
    assert any("Shoe size" in n for n in b_notes), b_notes
    # Nothing of either reading stays in the process's warnings.
    assert warnings.showwarning is showwarning
    assert warnings.filters == filters
