"""The org chart: every employee's manager, and the reporting lines it implies."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from rmatch.errors import InputError, Problem
from rmatch.model.participant import Participant

__all__ = ["OrgChart"]


class OrgChart(BaseModel):
    """Every employee's manager, participants or not: the reporting lines.

    Attributes
    ----------
    managers
        Employee id -> manager id (``None`` for the top of the tree). Every
        manager must itself be an employee and the lines must not form a cycle.

    Examples
    --------
    >>> org = OrgChart(managers={"ceo": None, "vp": "ceo", "dev": "vp"})
    >>> org.chain("dev")
    ['vp', 'ceo']
    >>> org.in_chain("ceo", "dev"), org.in_chain("ceo", "dev", depth=1)
    (True, False)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    managers: dict[str, str | None]
    _index: dict[str, int] = PrivateAttr(default_factory=dict)
    _parent: np.ndarray[Any, np.dtype[np.int64]] = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as err:
            # Pydantic wraps our InputError (a ValueError) in a ValidationError;
            # hand the caller the error with the names in it instead.
            for e in err.errors():
                inner = e.get("ctx", {}).get("error")
                if isinstance(inner, InputError):
                    raise inner from None
            raise

    @model_validator(mode="after")
    def _check_tree(self) -> OrgChart:
        ids = list(self.managers)
        index = {eid: i for i, eid in enumerate(ids)}
        problems = []
        for eid in ids:
            if not eid:
                problems.append("an employee id is empty")
        unknown = sorted(
            (eid, mid) for eid, mid in self.managers.items()
            if mid is not None and mid not in index
        )
        problems += [Problem(f"employee {e!r} has unknown manager {m!r}", id=e,
                             field="manager_id", kind="manager_not_in_roster", value=m)
                     for e, m in unknown[:20]]
        if len(unknown) > 20:
            problems.append(f"... and {len(unknown) - 20} more employees with unknown managers")
        if problems:
            raise InputError("org chart: " + "; ".join(problems), problems)
        parent = np.array(
            [-1 if (m := self.managers[e]) is None else index[m] for e in ids], dtype=np.int64
        )
        _raise_on_cycle(parent, ids)
        self._index = index
        self._parent = parent
        return self

    @classmethod
    def from_participants(cls, people: Iterable[Participant], *,
                          outside: Literal["error", "top"] = "error") -> OrgChart:
        """Build the chart from the ``manager_id`` of each person.

        Parameters
        ----------
        people
            Everyone the chart holds (participants, and rows without a role).
        outside
            A manager who is none of ``people``: an error (``"error"``, the
            default: the chain above them is unknown, so
            :class:`~rmatch.constraints.pairwise.NoReportingLine` could not
            keep someone from their skip-level manager), or someone outside
            the programme at the top of the chart (``"top"``: a sign-up
            form's line managers, when no fuller chart exists; the rule then
            sees the reporting lines among ``people`` only).

        Examples
        --------
        >>> org = OrgChart.from_participants([Participant(id="a"),
        ...                                   Participant(id="b", manager_id="a")])
        >>> org.manager("b")
        'a'
        >>> OrgChart.from_participants([Participant(id="b", manager_id="x")],
        ...                            outside="top").chain("b")
        ['x']
        """
        managers: dict[str, str | None] = {}
        for p in people:
            if p.id in managers:
                if p.role == "both" and managers[p.id] == p.manager_id:
                    continue  # a person on both sides of the programme, listed as each
                raise InputError(f"org chart: employee id {p.id!r} appears twice")
            managers[p.id] = p.manager_id
        if outside == "top":
            for m in [m for m in managers.values() if m is not None and m not in managers]:
                managers[m] = None
        elif outside != "error":
            raise ValueError(f"outside={outside!r}: use 'error' or 'top'")
        return cls(managers=managers)

    def __contains__(self, employee_id: object) -> bool:
        return employee_id in self._index

    def __len__(self) -> int:
        return len(self._index)

    def manager(self, employee_id: str) -> str | None:
        """Return the direct manager of an employee (``None`` at the top).

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a"}).manager("a") is None
        True
        """
        self._require(employee_id)
        return self.managers[employee_id]

    def chain(self, employee_id: str, depth: int | None = None) -> list[str]:
        """Return the managers above an employee, nearest first.

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a", "c": "b"}).chain("c", depth=1)
        ['b']
        """
        self._require(employee_id)
        out: list[str] = []
        current = self.managers[employee_id]
        while current is not None and (depth is None or len(out) < depth):
            out.append(current)
            current = self.managers[current]
        return out

    def in_chain(self, manager_id: str, employee_id: str, depth: int | None = None) -> bool:
        """Tell whether ``manager_id`` is above ``employee_id`` (within ``depth`` levels).

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a"}).in_chain("b", "a")
        False
        """
        self._require(manager_id)
        return manager_id in self.chain(employee_id, depth)

    def ancestors(self, employee_ids: Iterable[str], depth: int | None = None) -> np.ndarray[
        Any, np.dtype[np.int64]
    ]:
        """Return an ``(n, d)`` array of chart indices of each employee's managers.

        Row ``i`` holds the managers of ``employee_ids[i]``, nearest first,
        padded with -1. Vectorised over employees: one numpy step per level.

        Examples
        --------
        >>> org = OrgChart(managers={"a": None, "b": "a", "c": "b"})
        >>> org.ancestors(["c", "a"]).tolist()
        [[1, 0], [-1, -1]]
        """
        rows = self.indices(employee_ids)
        columns: list[np.ndarray[Any, np.dtype[np.int64]]] = []
        parent = self._parent
        current = parent[rows] if len(rows) else rows
        while len(current) and (current >= 0).any() and (depth is None or len(columns) < depth):
            columns.append(current)
            current = np.where(current >= 0, parent[np.maximum(current, 0)], -1)
        if not columns:
            return np.full((len(rows), 0), -1, dtype=np.int64)
        return np.stack(columns, axis=1)

    def indices(self, employee_ids: Iterable[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Return the chart index of each id; unknown ids raise :class:`InputError`.

        Examples
        --------
        >>> OrgChart(managers={"a": None, "b": "a"}).indices(["b"]).tolist()
        [1]
        """
        # One attribute read: pydantic routes every private-attribute access
        # through __getattr__, which costs microseconds per id inside a loop.
        index = self._index
        ids = list(employee_ids)
        missing = [e for e in ids if e not in index]
        if missing:
            shown = ", ".join(repr(m) for m in missing[:10])
            raise InputError(
                f"org chart has no employee {shown}"
                + (f" (+{len(missing) - 10} more)" if len(missing) > 10 else ""),
                [f"org chart has no employee {m!r}" for m in missing],
            )
        return np.fromiter((index[e] for e in ids), dtype=np.int64, count=len(ids))

    def _require(self, employee_id: str) -> None:
        if employee_id not in self._index:
            raise InputError(f"org chart has no employee {employee_id!r}")


def _raise_on_cycle(parent: np.ndarray[Any, np.dtype[np.int64]], ids: list[str]) -> None:
    """Raise :class:`InputError` naming a cycle of reporting lines, if any.

    Pointer doubling finds, in O(n log n) numpy work, every employee whose
    chain never reaches the top; only on that error path do we walk one
    chain in Python to name the people in the loop.
    """
    n = len(parent)
    if n == 0:
        return
    top = n  # a sentinel node above every root
    jump = np.where(parent < 0, top, parent)
    jump = np.append(jump, top)
    for _ in range(max(1, math.ceil(math.log2(n + 1))) + 1):
        jump = jump[jump]
    stuck = np.flatnonzero(jump[:n] != top)
    if len(stuck) == 0:
        return
    seen: dict[int, int] = {}
    node = int(stuck[0])
    while node not in seen:
        seen[node] = len(seen)
        node = int(parent[node])
    loop = [ids[k] for k, pos in sorted(seen.items(), key=lambda kv: kv[1]) if pos >= seen[node]]
    text = " -> ".join(repr(e) for e in [*loop, loop[0]])
    raise InputError(f"org chart: reporting lines form a cycle (each reports to the next): {text}")
