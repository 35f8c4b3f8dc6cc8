"""What a result is made of: pairs, alternatives and explanations (plain data)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rmatch.errors import InputError
from rmatch.model.participant import normalise_id

__all__ = ["Alternative", "Explanation", "Optimum", "Pair", "Violation", "id_pairs"]


class Pair(BaseModel):
    """One junior-senior pair with its total score and component scores.

    Examples
    --------
    >>> Pair(junior_id="j", senior_id="s", score=0.7, components={"skills": 0.5}).score
    0.7
    """

    model_config = ConfigDict(frozen=True)

    junior_id: str
    senior_id: str
    score: float
    components: dict[str, float]


def id_pairs(pairs: Iterable[Any], what: str = "pair") -> list[tuple[str, str]]:
    """Return pairs given in any of the usual shapes as ``(junior_id, senior_id)``.

    Tuples, :class:`Pair` objects (a result's ``pairs``), or records with
    ``junior_id`` and ``senior_id`` (a list of dicts, or a pandas DataFrame
    with those columns); ids as stored (NFC, spaces around them dropped).
    ``what`` names a pair in the messages ("previous pair 2: ...").

    Raises
    ------
    InputError
        A text given as the pairs, a record without the two keys, an item
        that is not two ids, or an id left blank (None, NaN, empty).

    Examples
    --------
    >>> id_pairs([("j1", "s1"), {"junior_id": "j2", "senior_id": "s2"}])
    [('j1', 's1'), ('j2', 's2')]
    >>> id_pairs([("j1", None)])
    Traceback (most recent call last):
    ...
    rmatch.errors.InputError: pair 1 ('j1', None): an id is missing
    """
    if isinstance(pairs, (str, bytes)):
        raise InputError(f"{what}s are a list of (junior_id, senior_id), not one text; a file "
                         "of pairs is read with rm.read_matching")
    if hasattr(pairs, "to_dict") and hasattr(pairs, "columns"):  # a DataFrame
        pairs = pairs.to_dict("records")
    out = []
    for k, item in enumerate(pairs, start=1):
        if isinstance(item, Pair):
            out.append((item.junior_id, item.senior_id))
            continue
        if isinstance(item, Mapping):
            if "junior_id" not in item or "senior_id" not in item:
                raise InputError(f"{what} {k}: a record of a pair has the keys junior_id and "
                                 f"senior_id, not {', '.join(map(repr, item)) or 'none'}")
            item = (item["junior_id"], item["senior_id"])
        if isinstance(item, (str, bytes)):
            raise InputError(f"{what} {k}: {item!r} is not a (junior_id, senior_id) pair")
        try:
            junior, senior = item
        except (TypeError, ValueError):
            raise InputError(f"{what} {k}: {item!r} is not a (junior_id, senior_id) pair"
                             ) from None
        if any(x is None or (isinstance(x, float) and x != x) or not str(x).strip()
               for x in (junior, senior)):
            raise InputError(f"{what} {k} ({junior!r}, {senior!r}): an id is missing")
        out.append((normalise_id(str(junior).strip()), normalise_id(str(senior).strip())))
    return out


class Violation(BaseModel):
    """A rule a matching breaks: a pair a rule rules out, a capacity, a programme-wide rule.

    ``junior_id`` and ``senior_id`` name the pair (or the person, for a
    capacity); both are None for a programme-wide rule. ``detail`` says what
    was measured, never a sensitive value.

    Examples
    --------
    >>> Violation(rule="NoReportingLine", junior_id="j", senior_id="s",
    ...           detail="rules out this pair").rule
    'NoReportingLine'
    """

    model_config = ConfigDict(frozen=True)

    rule: str
    junior_id: str | None = None
    senior_id: str | None = None
    detail: str


class Optimum(BaseModel):
    """The best matching under the same programme, for a matching judged by ``rm.evaluate``.

    Examples
    --------
    >>> Optimum(pairs=8, objective=6.02, bound=6.02, status="optimal").pairs
    8
    """

    model_config = ConfigDict(frozen=True)

    pairs: int
    objective: float
    bound: float
    status: Literal["optimal", "feasible"]


class Alternative(BaseModel):
    """A partner someone could have had, and why they did not get them.

    Examples
    --------
    >>> Alternative(partner_id="s2", score=0.4, components={}, feasible=True,
    ...             reason="lower total").feasible
    True
    """

    model_config = ConfigDict(frozen=True)

    partner_id: str
    score: float
    components: dict[str, float]
    feasible: bool
    ruled_out_by: list[str] = Field(default_factory=list)
    reason: str
    cost: float | None = None
    """Drop in total score if this pair were forced (re-solved with it required)."""
    pairs_lost: int | None = None
    """Pairs the programme would lose if this pair were forced."""
    cost_exact: bool = False
    """Whether ``cost`` compares two proven optima (otherwise it is the best found)."""
    pairs_dropped: list[tuple[str, str]] = Field(default_factory=list)
    """The other pairs (junior id, senior id) the best assignment with this pair forced
    leaves out: the exchange that makes room for it (one such exchange where several cost
    the same), in the order the exchange runs."""
    pairs_added: list[tuple[str, str]] = Field(default_factory=list)
    """The pairs that exchange forms instead."""

    def moves(self, names: Mapping[str, str] | None = None, most: int = 4) -> str:
        """Say the exchange forcing this pair makes, as its juniors' moves ("" when none).

        ``names``: a display name for ids (a person without one is said by id);
        ``most``: the moves said, the rest counted (a chain of ten reads as noise).

        Examples
        --------
        >>> alt = Alternative(partner_id="s2", score=0.8, components={}, feasible=True,
        ...                   reason="taken", pairs_dropped=[("j2", "s2"), ("j1", "s1")],
        ...                   pairs_added=[("j2", "s1")])
        >>> alt.moves()
        "'j2' moves from 's2' to 's1', 'j1' and 's1' part"
        >>> alt.moves({"j2": "Ana Lima"}, most=1)
        "'Ana Lima' moves from 's2' to 's1' and 1 more move"
        """
        def who(pid: str) -> str:
            return repr((names or {}).get(pid, pid))

        said = []
        for j in dict.fromkeys(j for j, _ in [*self.pairs_dropped, *self.pairs_added]):
            old = " and ".join(who(s) for jj, s in self.pairs_dropped if jj == j)
            new = " and ".join(who(s) for jj, s in self.pairs_added if jj == j)
            said.append(f"{who(j)} moves from {old} to {new}" if old and new
                        else f"{who(j)} and {old} part" if old
                        else f"{who(j)} pairs with {new}")
        more = len(said) - most
        return ", ".join(said[:most]) + (f" and {more} more move{'s' * (more > 1)}"
                                         if more > 0 else "")


class Explanation(BaseModel):
    """Why a participant got their partner(s): structured, and as text via ``str()``.

    Examples
    --------
    >>> e = Explanation(participant_id="j", side="junior", partners=[], alternatives=[],
    ...                 unmatched_reason="capacity is 0")
    >>> print(e)
    junior 'j' is unmatched: capacity is 0
    """

    model_config = ConfigDict(frozen=True)

    participant_id: str
    side: Literal["junior", "senior"]
    partners: list[Pair]
    differences: dict[str, list[str]] = Field(default_factory=dict)
    alternatives: list[Alternative]
    unmatched_reason: str | None = None

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        # Notebooks: the plain-language text, kept as written.
        return f"<pre>{html.escape(self.text())}</pre>"

    def text(self) -> str:
        """Render the explanation in plain language.

        Examples
        --------
        >>> p = Pair(junior_id="j", senior_id="s", score=0.5, components={"skills": 0.5})
        >>> print(Explanation(participant_id="j", side="junior", partners=[p],
        ...                   alternatives=[]).text())
        junior 'j' is paired with 's' (score 0.500: skills 0.500)
        """
        who = f"{self.side} {self.participant_id!r}"
        lines = []
        if not self.partners:
            lines.append(f"{who} is unmatched: {self.unmatched_reason}")
        for pair in self.partners:
            other = pair.senior_id if self.side == "junior" else pair.junior_id
            parts = ", ".join(f"{k} {v:.3f}" for k, v in pair.components.items())
            lines.append(f"{who} is paired with {other!r} (score {pair.score:.3f}: {parts})")
            if self.differences.get(other):
                lines.append(f"  they differ on: {', '.join(self.differences[other])}")
        if self.alternatives:
            lines.append("best alternatives:")
            for alt in self.alternatives:
                moves = alt.moves()
                lines.append(f"  {alt.partner_id!r} (score {alt.score:.3f}): {alt.reason}"
                             + (f" (then {moves})" if moves else ""))
        return "\n".join(lines)
