"""Stage 5, scores: every pair's components and weighted total, and the feasibility mask.

:func:`score` builds the dense :class:`ScoreMatrix`; :mod:`~rmatch.scoring.blocks`
scores any block of pairs on demand for programmes too large for one matrix
(the candidate path); :mod:`~rmatch.scoring.kernel` is the compiled inner
loop. Imports :mod:`rmatch.program`, :mod:`rmatch.constraints`,
:mod:`rmatch.model` and :mod:`rmatch.errors`.

Examples
--------
>>> from rmatch.model import Participant
>>> from rmatch.scoring import score
>>> score([Participant(id="j")], [Participant(id="s")]).shape
(1, 1)
"""

from rmatch.scoring.builtin import BUILTIN_COMPONENTS, ComponentFn
from rmatch.scoring.matrix import ScoreMatrix, score

__all__ = ["BUILTIN_COMPONENTS", "ComponentFn", "ScoreMatrix", "score"]
