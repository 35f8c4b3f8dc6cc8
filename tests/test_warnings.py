"""rmatch's warnings recorded per thread: ``rm.caught_warnings`` and ``warn_again``."""

from __future__ import annotations

import io
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

import rmatch as rm
from rmatch.errors import warn, warn_again

UNKNOWN = "id,role,{}\na1,junior,1\nb1,senior,2\n"


def _read(column: str, both_in: threading.Barrier) -> list[str]:
    with rm.caught_warnings() as caught:
        both_in.wait()  # both recordings open before either reads
        rm.read_participants(io.StringIO(UNKNOWN.format(column)))
        both_in.wait()  # and both still open when each has read
    return [str(w.message) for w in caught]


def test_each_thread_records_its_own_warnings_and_the_process_keeps_its_own() -> None:
    showwarning, filters = warnings.showwarning, list(warnings.filters)
    both_in = threading.Barrier(2, timeout=30)
    with ThreadPoolExecutor(2) as pool:
        shoe, hat = (pool.submit(_read, c, both_in) for c in ("Shoe size", "Hat size"))
        said = shoe.result(), hat.result()
    assert [len(s) for s in said] == [1, 1]
    assert "'Shoe size'" in said[0][0]
    assert "'Hat size'" in said[1][0]
    assert warnings.showwarning is showwarning
    assert warnings.filters == filters


def test_outside_a_recording_warnings_go_to_python_as_before() -> None:
    with pytest.warns(rm.InputWarning, match="Shoe size") as said:
        rm.read_participants(io.StringIO(UNKNOWN.format("Shoe size")))
    # The line named is the caller's, as warnings.warn's stacklevel says.
    assert said[0].filename == __file__


def test_a_recording_takes_every_warning_whatever_the_filters() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # would raise outside a recording
        with rm.caught_warnings() as caught:
            for _ in range(2):
                rm.read_participants(io.StringIO(UNKNOWN.format("Shoe size")))
    assert [w.category for w in caught] == [rm.InputWarning, rm.InputWarning]
    assert caught[0].filename == __file__


def test_recordings_nest_and_warn_again_gives_to_the_outer_one() -> None:
    with rm.caught_warnings() as outer:
        warn("first", rm.InputWarning)
        with rm.caught_warnings() as inner:
            warn("second", rm.DataGapWarning)
        assert [str(w.message) for w in outer] == ["first"]
        warn_again(inner)
    assert [(str(w.message), w.category) for w in outer] == [
        ("first", rm.InputWarning), ("second", rm.DataGapWarning)]
    # With no recording open, warn_again gives them to Python's warnings.
    with pytest.warns(rm.DataGapWarning, match="second"):
        warn_again(inner)


def test_a_warning_given_as_an_object_keeps_its_class() -> None:
    class Odd(rm.InputWarning):
        pass

    with rm.caught_warnings() as caught:
        warn(Odd("odd"))
    assert caught[0].category is Odd
    assert isinstance(caught[0].message, Odd)
