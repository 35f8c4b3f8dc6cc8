"""Stage 2, rules: what HR cannot break, as objects.

Pairwise rules (:class:`NoReportingLine`, :class:`SharedLanguage`, ...)
become the feasibility mask of the score matrix; programme-wide rules
(:class:`MinShare`, :class:`GroupBalance`, :class:`MatchAll`) constrain the
solve. Imports only :mod:`rmatch.model` and :mod:`rmatch.errors`.

Examples
--------
>>> from rmatch.constraints import recommended_rules
>>> [rule.kind for rule in recommended_rules()]
['no_reporting_line', 'shared_language', 'seniority_direction']
"""

from rmatch.constraints.base import PairContext, field_key
from rmatch.constraints.catalogue import Constraint, recommended_rules
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
from rmatch.constraints.programme import (
    GLOBAL_CONSTRAINTS,
    EvenLoad,
    GroupBalance,
    MatchAll,
    MinShare,
)

__all__ = [
    "GLOBAL_CONSTRAINTS",
    "AgeGap",
    "Constraint",
    "DifferentValue",
    "EvenLoad",
    "Forbid",
    "GroupBalance",
    "LevelGap",
    "MatchAll",
    "MaxTimezoneGap",
    "MinScore",
    "MinShare",
    "NoRepeat",
    "NoReportingLine",
    "PairContext",
    "Require",
    "SameValue",
    "SeniorityDirection",
    "SharedLanguage",
    "SharedTime",
    "field_key",
    "recommended_rules",
]
