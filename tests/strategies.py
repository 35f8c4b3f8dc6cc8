"""Hypothesis strategies for participants and org charts: the one place tests get them."""

from __future__ import annotations

from hypothesis import strategies as st

from rmatch import Participant
from rmatch.model.languages import LEVELS

ZONES = ["Europe/Lisbon", "Europe/London", "America/New_York", "Asia/Tokyo",
         "Asia/Kolkata", "Australia/Adelaide", "UTC"]
LANGS = ["en", "pt", "de", "ja"]
SKILLS = ["genai", "cloud", "strategy", "finance", "python"]
DEPTS = ["Eng", "Sales", "Ops"]

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, width=32)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=8)


@st.composite
def participants(draw: st.DrawFn, pid: str | None = None, *, max_capacity: int = 2,
                 role: str | None = None) -> Participant:
    """A valid participant with every field drawn (names kept out: personal data)."""
    languages = draw(st.frozensets(st.sampled_from(LANGS), max_size=3))
    return Participant(
        id=pid if pid is not None else draw(ids),
        role=role,
        birth_year=draw(st.none() | st.integers(1950, 2005)),
        level=draw(st.none() | st.integers(0, 8)),  # None: unknown
        department=draw(st.none() | st.sampled_from(DEPTS)),
        location=draw(st.none() | st.sampled_from(["Lisbon", "Tokyo", "NYC"])),
        timezone=draw(st.none() | st.sampled_from(ZONES)),
        languages=languages,
        # Some languages with a level said, some without (counts as enough).
        language_levels={lang: draw(st.sampled_from(LEVELS)) for lang in sorted(languages)
                         if draw(st.booleans())},
        skills=draw(st.dictionaries(st.sampled_from(SKILLS), unit, max_size=3)),
        goals=draw(st.dictionaries(st.sampled_from(SKILLS), unit, max_size=3)),
        attributes=draw(st.dictionaries(st.sampled_from(["gender", "background"]),
                                        st.sampled_from(["a", "b", "c"]), max_size=2)),
        capacity=draw(st.integers(0, max_capacity)),
    )


@st.composite
def sides(draw: st.DrawFn, max_j: int = 4, max_s: int = 4, *, max_capacity: int = 2,
          min_size: int = 0) -> tuple[list[Participant], list[Participant]]:
    """Juniors j0.. and seniors s0.. with distinct ids."""
    nj = draw(st.integers(min_size, max_j))
    ns = draw(st.integers(min_size, max_s))
    juniors = [draw(participants(f"j{i}", max_capacity=max_capacity, role="junior"))
               for i in range(nj)]
    seniors = [draw(participants(f"s{k}", max_capacity=max_capacity, role="senior"))
               for k in range(ns)]
    return juniors, seniors


@st.composite
def org_charts(draw: st.DrawFn, max_size: int = 30, min_size: int = 1) -> dict[str, str | None]:
    """A valid reporting tree: each employee's manager comes earlier in the list."""
    n = draw(st.integers(min_size, max_size))
    managers: dict[str, str | None] = {"e0": None}
    for i in range(1, n):
        boss = draw(st.none() | st.integers(0, i - 1))
        managers[f"e{i}"] = None if boss is None else f"e{boss}"
    return managers
