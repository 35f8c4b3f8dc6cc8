"""What the tests of survey tools' exports share: names, and reading as rmatch proposes."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

import rmatch as rm

FIRST = ["Ana", "Bo", "Carla", "Dev", "Eva", "Femi", "Gil", "Hana"]
LAST = ["Lima", "Chen", "Dias", "Patel", "Nunes", "Ade", "Sousa", "Sato"]


@dataclass(frozen=True)
class Respondent:
    """One person as they answered: a junior (even places) or a senior, and a list's items."""

    id: str
    first: str
    last: str
    role: str
    born: int
    items: list[str]


def respondents(seed: int, choices: list[str]) -> list[Respondent]:
    """Four to eight respondents; each ticks the first choice and any of the others."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(int(rng.integers(4, 9))):
        junior = k % 2 == 0
        born = rng.integers(1995, 2004) if junior else rng.integers(1960, 1980)
        items = [choices[0], *(c for c in choices[1:] if rng.random() < 0.5)]
        out.append(Respondent(f"E{100 + k}", FIRST[k], LAST[k],
                              "junior" if junior else "senior", int(born), items))
    return out


def read_as_proposed(source: str | Path
                     ) -> tuple[list[rm.Participant], list[str], dict[str, str | None]]:
    """Read an export (CSV text or a workbook) with the maps rmatch proposes for it.

    Returns the people, the warnings said (all of them) and the column map.
    """
    def opened() -> Path | IO[str]:  # a text afresh for each reading
        return source if isinstance(source, Path) else io.StringIO(source)

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        columns = rm.suggest_columns(opened())
        values = rm.suggest_values(opened(), columns=columns)
        people = rm.read_participants(opened(), columns=columns, values=values)
    return people, [str(w.message) for w in said], dict(columns)
