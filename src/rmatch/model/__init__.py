"""Stage 1, people: participants, the org chart, and participants as arrays.

What a programme is made of, validated once: :class:`Participant` (a frozen
Pydantic model), :class:`OrgChart` (reporting lines) and
:class:`ParticipantArrays` (a side of the programme as numpy arrays, built
once for scoring and rules). Imports only :mod:`rmatch.errors`.

Examples
--------
>>> from rmatch.model import Participant
>>> Participant(id="j1", languages={"English"}).languages
frozenset({'en'})
"""

from rmatch.model.arrays import ParticipantArrays, build_arrays, group_names
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import ROLES, Participant, Unit

__all__ = ["ROLES", "OrgChart", "Participant", "ParticipantArrays", "Unit", "build_arrays",
           "group_names"]
