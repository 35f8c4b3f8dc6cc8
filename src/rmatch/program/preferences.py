"""Whom a person accepts in a stable matching by wishes (``Program.unranked``, ``no_wishes``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rmatch.model.participant import Participant
from rmatch.program.program import Program

__all__ = ["accepts_unwished"]


def accepts_unwished(people: Sequence[Participant], program: Program
                     ) -> npt.NDArray[np.bool_]:
    """Return, per person, whether partners they did not wish for are acceptable to them.

    Everyone under ``unranked="acceptable"``; under ``"unacceptable"`` only
    those who wished for nobody, when the programme says ``no_wishes="accept_all"``.
    The one place this rule lives: the stable matching, its stability report,
    the most stable optimum and the unmatched's reasons all read it.

    Examples
    --------
    >>> import rmatch as rm
    >>> people = [rm.Participant(id="a", wishes=["x"]), rm.Participant(id="b")]
    >>> strict = rm.Program(unranked="unacceptable", no_wishes="accept_all")
    >>> accepts_unwished(people, strict).tolist()
    [False, True]
    """
    if program.unranked == "acceptable":
        return np.ones(len(people), dtype=np.bool_)
    silent = program.no_wishes == "accept_all"
    return np.array([silent and not p.wishes for p in people], dtype=np.bool_)
