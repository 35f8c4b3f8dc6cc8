"""rmatch: exact, explained and fast junior-to-senior reverse-mentoring pairings.

The package is one sub-package per stage of the data flow (see
``docs/architecture.md``); this module only re-exports their public names.

Examples
--------
>>> import rmatch as rm
>>> juniors = [rm.Participant(id="j1", birth_year=2000, skills={"genai": 0.9})]
>>> seniors = [rm.Participant(id="s1", birth_year=1968, level=5, goals={"genai": 1.0})]
>>> result = rm.match(juniors, seniors, rm.Program(constraints=[rm.SeniorityDirection()]))
>>> result.pairs[0].senior_id
's1'
"""

from rmatch import solvers, synth
from rmatch.analysis.judge import evaluate
from rmatch.constraints import (
    AgeGap,
    Constraint,
    DifferentValue,
    EvenLoad,
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
    SharedTime,
    recommended_rules,
)
from rmatch.errors import (
    DataGapWarning,
    InfeasibleError,
    InputError,
    InputWarning,
    Problem,
    ResourceLimitError,
    RmatchError,
    SolverError,
    caught_warnings,
    warn_again,
)
from rmatch.io import (
    TableSurvey,
    enrich,
    from_frame,
    json_error,
    load_program,
    merge_sides,
    read_matching,
    read_participants,
    read_ratings,
    read_sides,
    read_table,
    split_roles,
    suggest_columns,
    suggest_values,
    survey_table,
    to_frame,
    write_participants,
)
from rmatch.lifecycle import (
    Calibration,
    Cohort,
    Rematch,
    RoundsPlan,
    Suggestion,
    calibrate,
    match_many,
    plan_rounds,
    recommend,
    rematch,
)
from rmatch.model import OrgChart, Participant, ParticipantArrays, group_names
from rmatch.program import Program, ScoringOptions, Weights, data_gaps
from rmatch.report import withheld_groups
from rmatch.result import Alternative, Explanation, MatchResult, Pair, Violation
from rmatch.scoring import ScoreMatrix, score
from rmatch.solvers.match import match, solve
from rmatch.solvers.matrix import MatrixSolution, solve_matrix

__version__ = "0.1.0"

__all__ = [
    "AgeGap",
    "Alternative",
    "Calibration",
    "Cohort",
    "Constraint",
    "DataGapWarning",
    "DifferentValue",
    "EvenLoad",
    "Explanation",
    "Forbid",
    "GroupBalance",
    "InfeasibleError",
    "InputError",
    "InputWarning",
    "LevelGap",
    "MatchAll",
    "MatchResult",
    "MatrixSolution",
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
    "SharedTime",
    "SolverError",
    "Suggestion",
    "TableSurvey",
    "Violation",
    "Weights",
    "__version__",
    "calibrate",
    "caught_warnings",
    "data_gaps",
    "enrich",
    "evaluate",
    "from_frame",
    "group_names",
    "json_error",
    "load_program",
    "match",
    "match_many",
    "merge_sides",
    "plan_rounds",
    "read_matching",
    "read_participants",
    "read_ratings",
    "read_sides",
    "read_table",
    "recommend",
    "recommended_rules",
    "rematch",
    "score",
    "solve",
    "solve_matrix",
    "solvers",
    "split_roles",
    "suggest_columns",
    "suggest_values",
    "survey_table",
    "synth",
    "to_frame",
    "warn_again",
    "withheld_groups",
    "write_participants",
]
