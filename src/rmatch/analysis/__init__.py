"""Stage 8, analysis: explanations, the self-check and stability of a result.

Imports :mod:`rmatch.solvers` (to solve again), :mod:`rmatch.result` and
the stages below.

Examples
--------
>>> import rmatch as rm
>>> from rmatch.analysis import stability
>>> stability(rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])).people_touched
0
"""

from rmatch.analysis.blocking import BlockingCount, count_blocking
from rmatch.analysis.explain import check, explain, rule_status
from rmatch.analysis.judge import evaluate
from rmatch.analysis.stability import (
    BlockingPair,
    LeastBlocking,
    StabilityReport,
    least_blocking,
    stability,
)

__all__ = ["BlockingCount", "BlockingPair", "LeastBlocking", "StabilityReport", "check",
           "count_blocking", "evaluate", "explain", "least_blocking", "rule_status", "stability"]
