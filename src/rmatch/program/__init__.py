"""Stage 3, the programme document: weights, scoring options, rules, solver settings.

:class:`Program` is what an HR tool sends as one JSON document; declared
score components (:mod:`rmatch.program.components`) are part of it, and
:data:`SOLVERS` is the one list of solver names. Imports
:mod:`rmatch.constraints`, :mod:`rmatch.model` and :mod:`rmatch.errors`.

Examples
--------
>>> from rmatch.program import Program
>>> Program(seed=3).solver
'auto'
"""

from rmatch.program.components import ComponentSpec
from rmatch.program.gaps import data_gaps
from rmatch.program.program import SOLVERS, Program, ScoringOptions, SolverName, Weights

__all__ = ["SOLVERS", "ComponentSpec", "Program", "ScoringOptions", "SolverName", "Weights",
           "data_gaps"]
