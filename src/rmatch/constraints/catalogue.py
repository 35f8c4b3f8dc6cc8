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
    SharedTime,
)
from rmatch.constraints.programme import EvenLoad, GroupBalance, MatchAll, MinShare

if TYPE_CHECKING:
    pass

__all__ = ["Constraint", "recommended_rules"]


Constraint = Annotated[
    NoReportingLine
    | Forbid
    | Require
    | SharedLanguage
    | MaxTimezoneGap
    | SharedTime
    | MinScore
    | NoRepeat
    | SeniorityDirection
    | SameValue
    | DifferentValue
    | LevelGap
    | AgeGap
    | MinShare
    | GroupBalance
    | MatchAll
    | EvenLoad,
    Field(discriminator="kind"),
]
"""Any constraint; JSON documents pick the class by their ``kind`` field."""


def recommended_rules() -> list[Constraint]:
    """Return the HR rules a programme gets when it names none.

    Nobody is paired with their manager or their manager's manager (either
    way round); partners share a language both speak at B1 or better (a level
    left unsaid counts as enough) where both partners' languages are known;
    the senior is not below the junior in level nor younger.
    ``Program(constraints=[])`` turns them off.

    Why two steps, not the whole chain: the chief executive, whom everyone
    reports to, is the first mentee of most reverse-mentoring programmes, and
    the whole chain would rule them out with everyone. "Not your manager,
    not your manager's manager" is how HR teams state the rule and what the
    commercial tools apply by default; ``NoReportingLine()`` still means the
    whole chain.

    Examples
    --------
    >>> [c.label() for c in recommended_rules()]
    ['NoReportingLine(depth=2)', "SharedLanguage(unknown='allow', min_level='B1')", \
'SeniorityDirection(allow_equal=True)']
    """
    return [NoReportingLine(depth=2), SharedLanguage(unknown="allow", min_level="B1"),
            SeniorityDirection(allow_equal=True)]
