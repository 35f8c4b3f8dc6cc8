"""Why? on a large programme: a version's people go to the explaining process once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest

pytest.importorskip("fastapi")

import rmatch as rm
from rmatch.app import matchings
from rmatch.app.matchings import Explaining, NotKeptError


class _InlinePool:
    """The explaining process, run in this one: records whether each ask sent the people."""

    def __init__(self) -> None:
        self.with_people: list[bool] = []

    def submit(self, fn: Callable[..., rm.Explanation], *args: Any) -> Future[rm.Explanation]:
        self.with_people.append(args[1] is not None)
        done: Future[rm.Explanation] = Future()
        try:
            done.set_result(fn(*args))
        except Exception as err:  # handed over, as the process would
            done.set_exception(err)
        return done


def _programme() -> tuple[Any, ...]:
    juniors = [rm.Participant(id=f"j{i}", role="junior", birth_year=1998 + i % 4,
                              skills={"genai": 0.2 * (i % 5)}) for i in range(8)]
    seniors = [rm.Participant(id=f"s{i}", role="senior", birth_year=1965 + i, level=5,
                              goals={"genai": 0.1 * i}) for i in range(8)]
    pairs = [(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors).pairs]
    rows = [p.model_dump(mode="json", exclude_defaults=True) for p in juniors + seniors]
    return rows, pairs, None, {}


def test_a_versions_people_are_sent_once_and_again_when_the_process_let_them_go(
        monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _programme()
    monkeypatch.setattr(matchings, "_RESCORED", type(matchings._RESCORED)(size=2))
    monkeypatch.setattr(matchings, "version_key", lambda db, m: ("db", m, "t"))
    monkeypatch.setattr(matchings, "_plain", lambda db, m: plain)
    explaining = Explaining()
    pool = _InlinePool()
    explaining.pool = pool  # type: ignore[assignment]
    expected = matchings._evaluate(*plain)

    assert explaining.ask(None, 1, "j0").result() == expected.explain("j0")  # type: ignore[arg-type]
    assert explaining.ask(None, 1, "j1").result() == expected.explain("j1")  # type: ignore[arg-type]
    assert pool.with_people == [True, False]
    # The process let the version go: that ask fails, and the next sends the people again.
    matchings._RESCORED.items.clear()
    lost = explaining.ask(None, 1, "j2")  # type: ignore[arg-type]
    assert isinstance(lost.exception(), NotKeptError)
    assert explaining.ask(None, 1, "j2").result() == expected.explain("j2")  # type: ignore[arg-type]
    assert pool.with_people == [True, False, False, True]
    # Two other versions since: the process keeps two, so the first is sent again.
    for version in (2, 3):
        explaining.ask(None, version, "j0")  # type: ignore[arg-type]
    explaining.ask(None, 1, "j3")  # type: ignore[arg-type]
    assert pool.with_people == [True, False, False, True, True, True, True]
