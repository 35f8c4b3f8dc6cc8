"""What a result is made of: pairs, alternatives and explanations (plain data)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:

    pass

__all__ = ["Alternative", "Explanation", "Optimum", "Pair", "Violation"]


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
                lines.append(f"  {alt.partner_id!r} (score {alt.score:.3f}): {alt.reason}")
        return "\n".join(lines)
