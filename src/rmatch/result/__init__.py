"""Stage 6, the result: pairs, the unmatched with reasons, status and bound.

:class:`MatchResult` is data: what the solve stage produced. Its convenience
methods (``explain``, ``check``, ``report``, ``stability``, ...) reach the
stages above it through a plain import inside the method. Imports
:mod:`rmatch.scoring`, :mod:`rmatch.constraints`, :mod:`rmatch.io` (writing)
and :mod:`rmatch.errors`.

Examples
--------
>>> from rmatch.result import Pair
>>> Pair(junior_id="j", senior_id="s", score=0.5, components={}).score
0.5
"""

from rmatch.result.html import html_table
from rmatch.result.match_result import MatchResult, pair_indices, proven
from rmatch.result.pairs import Alternative, Explanation, Pair, Violation

__all__ = ["Alternative", "Explanation", "MatchResult", "Pair", "Violation", "html_table",
           "pair_indices", "proven"]
