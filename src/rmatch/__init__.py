"""rmatch: exact, explained and fast junior-to-senior reverse-mentoring pairings.

Examples
--------
>>> import rmatch as rm
>>> juniors = [rm.Participant(id="j1", birth_year=2000, skills={"genai": 0.9})]
>>> seniors = [rm.Participant(id="s1", birth_year=1968, level=5, goals={"genai": 1.0})]
>>> result = rm.match(juniors, seniors, rm.Program(constraints=[rm.SeniorityDirection()]))
>>> result.pairs[0].senior_id
's1'
"""

# report and stability provide result methods (rmatch.result.provides): load them.
from rmatch import report as _report  # noqa: F401
from rmatch import solvers, synth
from rmatch import stability as _stability  # noqa: F401
from rmatch.arrays import ParticipantArrays
from rmatch.calibration import Calibration, calibrate
from rmatch.constraints import (
    AgeGap,
    Constraint,
    DifferentValue,
    Forbid,
    GroupBalance,
    LevelGap,
    MatchAll,
    MaxTimezoneGap,
    MinScore,
    MinShare,
    NoRepeat,
    NoReportingLine,
    Require,
    SameValue,
    SeniorityDirection,
    SharedLanguage,
    recommended_rules,
)
from rmatch.errors import (
    InfeasibleError,
    InputError,
    InputWarning,
    Problem,
    ResourceLimitError,
    RmatchError,
    SolverError,
)
from rmatch.io import (
    from_frame,
    load_program,
    merge_sides,
    read_participants,
    split_roles,
    suggest_columns,
    to_frame,
    write_participants,
)
from rmatch.many import Cohort, match_many
from rmatch.matching import match, solve
from rmatch.models import OrgChart, Participant, Program, ScoringOptions, Weights
from rmatch.rematching import Rematch, rematch
from rmatch.result import Alternative, Explanation, MatchResult, Pair
from rmatch.rounds import RoundsPlan, plan_rounds
from rmatch.scoring import ScoreMatrix, score
from rmatch.suggest import Suggestion, recommend

__version__ = "0.1.0"

__all__ = [
    "AgeGap",
    "Alternative",
    "Calibration",
    "Cohort",
    "Constraint",
    "DifferentValue",
    "Explanation",
    "Forbid",
    "GroupBalance",
    "InfeasibleError",
    "InputError",
    "InputWarning",
    "LevelGap",
    "MatchAll",
    "MatchResult",
    "MaxTimezoneGap",
    "MinScore",
    "MinShare",
    "NoRepeat",
    "NoReportingLine",
    "OrgChart",
    "Pair",
    "Participant",
    "ParticipantArrays",
    "Problem",
    "Program",
    "Rematch",
    "Require",
    "ResourceLimitError",
    "RmatchError",
    "RoundsPlan",
    "SameValue",
    "ScoreMatrix",
    "ScoringOptions",
    "SeniorityDirection",
    "SharedLanguage",
    "SolverError",
    "Suggestion",
    "Weights",
    "__version__",
    "calibrate",
    "from_frame",
    "load_program",
    "match",
    "match_many",
    "merge_sides",
    "plan_rounds",
    "read_participants",
    "recommend",
    "recommended_rules",
    "rematch",
    "score",
    "solve",
    "solvers",
    "split_roles",
    "suggest_columns",
    "synth",
    "to_frame",
    "write_participants",
]
