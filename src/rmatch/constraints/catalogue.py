"""Every rule as one JSON-loadable union, and the rules a programme gets by default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from rmatch.constraints.fields import AgeGap, DifferentValue, LevelGap, SameValue
from rmatch.constraints.pairwise import (
    Forbid,
    MaxTimezoneGap,
    MinScore,
    NoRepeat,
    NoReportingLine,
    Require,
    SeniorityDirection,
    SharedLanguage,
)
from rmatch.constraints.programme import GroupBalance, MatchAll, MinShare

if TYPE_CHECKING:
    pass

__all__ = ["Constraint", "recommended_rules"]


Constraint = Annotated[
    NoReportingLine
    | Forbid
    | Require
    | SharedLanguage
    | MaxTimezoneGap
    | MinScore
    | NoRepeat
    | SeniorityDirection
    | SameValue
    | DifferentValue
    | LevelGap
    | AgeGap
    | MinShare
    | GroupBalance
    | MatchAll,
    Field(discriminator="kind"),
]
"""Any constraint; JSON documents pick the class by their ``kind`` field."""


def recommended_rules() -> list[Constraint]:
    """Return the HR rules a programme gets when it names none.

    Nobody is paired within their own reporting line; partners share a
    language where both partners' languages are known; the senior is not
    below the junior in level nor younger. ``Program(constraints=[])`` turns
    them off.

    Examples
    --------
    >>> [c.label() for c in recommended_rules()]
    ['NoReportingLine', "SharedLanguage(unknown='allow')", 'SeniorityDirection(allow_equal=True)']
    """
    return [NoReportingLine(), SharedLanguage(unknown="allow"),
            SeniorityDirection(allow_equal=True)]
