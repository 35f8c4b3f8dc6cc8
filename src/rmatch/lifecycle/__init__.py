"""Stage 10, the programme over time and at scale.

Rounds (:func:`plan_rounds`), re-matching leavers and joiners
(:func:`rematch`), suggestions for one person (:func:`recommend`), weights
learnt from feedback (:func:`calibrate`) and many programmes at once
(:func:`match_many`). Imports every stage below it.

Examples
--------
>>> from rmatch.lifecycle import plan_rounds
>>> callable(plan_rounds)
True
"""

from rmatch.lifecycle.calibration import Calibration, calibrate
from rmatch.lifecycle.many import Cohort, match_many
from rmatch.lifecycle.rematch import Change, Rematch, rematch
from rmatch.lifecycle.rounds import RoundsPlan, plan_rounds
from rmatch.lifecycle.suggest import Suggestion, recommend

__all__ = ["Calibration", "Change", "Cohort", "Rematch", "RoundsPlan", "Suggestion",
           "calibrate", "match_many", "plan_rounds", "recommend", "rematch"]
