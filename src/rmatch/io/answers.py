"""What a form's answers say: the side a role answer names, a count in words, value maps.

:func:`suggest_value_maps` proposes, from each field's distinct cells, the
value map a user checks and passes as ``values=`` (never applied unasked).

Examples
--------
>>> suggest_value_maps({"role": ["Early career (I'd like to mentor a leader)", "Executive"]})
{'role': {"Early career (I'd like to mentor a leader)": 'junior', 'Executive': 'senior'}}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from rmatch.io.hints import grade_scheme
from rmatch.model.generations import GENERATIONS

__all__ = ["NUMBER_WORDS", "PAST", "PROPOSED_FIELDS", "YES_NO", "suggest_value_maps",
           "year_of_answer"]


# Words that say which side a sign-up option means. "junior" or "senior" said
# outright settles it ("Mentee (junior)" on a form that uses the words the usual
# way); else, in reverse mentoring the junior mentors and the senior is the
# mentee: the phrase that comes first in the answer says which ("Early career
# (I'd like to mentor a leader)" is a junior, whatever "leader" says after it;
# "I'd like to be mentored" and "I'd like a reverse mentor" are seniors).
_SIDE_WORDS = {"junior": "junior", "senior": "senior"}
_ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("both", ("both", "either", "beides", "beide", "les deux", "ambos", "ambas", "entrambi",
              "tutti e due", "allebei")),
    ("senior", ("mentee", "executive", "senior", "leader", "director", "chief", "head of",
                "vice president", "vp", "svp", "evp", "c-suite", "c suite", "board member",
                "manager", "be mentored", "being mentored", "get mentored",
                "like a mentor", "want a mentor", "need a mentor", "a reverse mentor",
                "like a reverse mentor",
                # German, French, Spanish, Portuguese, Dutch and Italian forms.
                "mentoré", "mentorée", "mentorado", "mentorada", "mentorizado",
                "mentorizada", "mentorato", "mentorata", "führungskraft", "cadre dirigeant",
                "dirigeant", "dirigeante", "directeur", "directrice", "directivo",
                "directiva", "ejecutivo", "ejecutiva", "executivo", "executiva", "diretor",
                "diretora", "dirigente", "leidinggevende", "bestuurder")),
    ("junior", ("mentor", "early career", "early in my career", "early talent",
                "emerging talent", "young professional", "entry level", "entry-level",
                "trainee", "junior", "graduate", "intern", "apprentice", "new joiner",
                "to mentor", "be a mentor", "be a reverse mentor",
                "mentora", "mentore", "nachwuchskraft", "berufseinsteiger",
                "berufseinsteigerin", "praktikant", "praktikantin", "auszubildende",
                "auszubildender", "jeune talent", "jeune professionnel", "jeune diplômé",
                "stagiaire", "apprenti", "alternant", "joven talento", "becario", "becaria",
                "aprendiz", "jovem talento", "estagiário", "estagiária", "stagiair",
                "jong talent", "tirocinante", "stagista", "neolaureato", "giovane talento")),
)
_ROLE_PHRASES = [(re.compile(rf"\b{re.escape(w)}\b"), len(w), role)
                 for role, words in _ROLE_WORDS for w in words]


# "Mentor and mentee", "Mentor/Mentee", "Mentor oder Mentee": the two sides joined
# name both (the first phrase alone said junior).
_JOINING = re.compile(r"^\s*(?:and|&|\+|/|,|or|und|oder|et|ou|y|o|e|en|of)\s*$")


def _role_said(folded: str) -> str | None:
    """Return the side the first role phrase of an answer says (the longest at one place).

    Two phrases of opposite sides joined by "and", "or", "/" (in any of the
    languages the phrases are) say both.
    """
    found = sorted((m.start(), -size, m.end(), role) for pattern, size, role in _ROLE_PHRASES
                   for m in pattern.finditer(folded))
    if not found:
        return None
    first = found[0]
    after = [f for f in found if f[0] >= first[2]]
    if after and {first[3], after[0][3]} == {"junior", "senior"} \
            and _JOINING.match(folded[first[2]:after[0][0]]):
        return "both"
    return first[3]


_BEING = re.compile(r"\b(?:i am|i'm|joining as|join as|registering as|register as|"
                    r"sign(?:ing)? up as|participat\w* as|tak(?:e|ing) part as|to be)\b")
"""A role question whose answer says what the person is ("I am joining as")."""

_NO_MANAGER = frozenset({"no manager", "no_manager", "none", "n/a", "na", "-", "--", "vacant",
                         "null", "nil", "tbd", "(none)"})


YES_NO = frozenset({"yes", "no", "y", "n", "true", "false", "oui", "non", "ja", "nein", "si",
                    "sí", "sim", "não", "nao", "nee"})
"""The answers of a yes-or-no question (folded): which side "yes" means, only the question says."""
_YES = frozenset({"yes", "y", "true", "oui", "ja", "si", "sí", "sim"})
PAST = re.compile(r"\b(before|previously|in the past|ever|already|have you had|had you)\b")
"""A question about the past ("Have you had a mentor before?"): its "Yes" says no side."""

NUMBER_WORDS = {w: k for k, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"])}
"""Counts a form writes in words ("Two (2)", "one or two"), to their numbers."""


_COUNT = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
# "1-2", "2 to 3", "one or two", "between 1 and 3": two counts, the most one takes last.
_RANGE = re.compile(rf"^\D*?\b{_COUNT}\s*(?:-|–|to|or|and)\s*{_COUNT}\b")


def _count_in_words(cell: str) -> int | None:
    """Return the most partners a form's answer gives ("Up to 2", "3+", "1-2"), or None.

    A range ("1-2", "2 to 3", "one or two") gives its upper end: capacity is
    the most partners a person takes, and the lower end promises nothing
    (``min_partners`` is the user's to set). Any other second number says
    nothing sure.

    Examples
    --------
    >>> [_count_in_words(c) for c in ["Up to 2", "3+", "Two (2)", "1-2", "one or two",
    ...                                "between 1 and 3", "2-1", "1, 2 or 5"]]
    [2, 3, 2, 2, 2, 3, None, None]
    """
    folded = cell.casefold()
    words = re.findall(r"\d+|[a-z]+", folded)
    found = {int(w) if w.isdigit() else NUMBER_WORDS[w] for w in words
             if w.isdigit() or w in NUMBER_WORDS}
    if len(found) == 2 and (span := _RANGE.match(folded)) is not None:
        low, high = (int(w) if w.isdigit() else NUMBER_WORDS[w] for w in span.groups())
        return high if {low, high} == found and low < high else None
    return found.pop() if len(found) == 1 else None


PROPOSED_FIELDS = ("role", "manager_id", "capacity", "level", "birth_year")
"""The fields whose words :func:`suggest_value_maps` reads (a survey of a file reads no other)."""


def suggest_value_maps(distinct: Mapping[str, Sequence[str]], *,
                       questions: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Propose value maps from each field's distinct cells, where the words say it.

    ``role``: the word junior or senior where a cell says one of them
    ("Mentee (junior)"); else mentor / early career -> junior, mentee /
    executive / leader -> senior (in reverse mentoring the junior mentors),
    both -> both (an answer to what the person is, "I am joining as: A reverse
    mentor", without its "a": it names the person, not a wish for one); a
    yes-or-no answer's "Yes" by its question (``questions``,
    each field's header: "Would you like to be a reverse mentor?" -> junior,
    "Would you like a reverse mentor?" -> senior), and never "No" (someone
    outside the programme, or the other side: the user says); ``manager_id``:
    "NO_MANAGER", "n/a", "vacant" -> ``None`` (unknown); ``capacity``: the
    most partners a form's answer gives ("Up to 2", "3+", "Two (2)"; a range
    such as "1-2" its upper end); ``level``: when every grade is one of a known public scheme
    (:func:`rmatch.io.hints.grade_scheme`), that scheme's order;
    ``birth_year``: a generation or an age range, the year it stands for
    (:func:`year_of_answer`). Cells already valid are left out; cells the
    words do not settle too, for the user to add.

    Examples
    --------
    >>> suggest_value_maps({"role": ["Mentor (junior)", "Mentee", "junior", "Other"]})
    {'role': {'Mentor (junior)': 'junior', 'Mentee': 'senior'}}
    >>> suggest_value_maps({"role": ["Mentor (senior leader)", "Mentee (junior)"]})
    {'role': {'Mentor (senior leader)': 'senior', 'Mentee (junior)': 'junior'}}
    >>> suggest_value_maps({"capacity": ["1", "Up to 2", "3+", "1-2"]})
    {'capacity': {'Up to 2': 2, '3+': 3, '1-2': 2}}
    >>> suggest_value_maps({"level": ["HEO", "Grade 7", "Grade 6"]})
    {'level': {'HEO': 4, 'Grade 7': 6, 'Grade 6': 7}}
    >>> suggest_value_maps({"role": ["Yes", "No"]},
    ...                    questions={"role": "Would you like to be a reverse mentor?"})
    {'role': {'Yes': 'junior'}}
    >>> suggest_value_maps({"role": ["A reverse mentor (early career)", "A mentee"]},
    ...                    questions={"role": "I am joining as"})
    {'role': {'A reverse mentor (early career)': 'junior', 'A mentee': 'senior'}}
    """
    out: dict[str, dict[str, Any]] = {}
    roles: dict[str, Any] = {}
    question = " ".join((questions or {}).get("role", "").casefold().split())
    # "I am joining as": "A reverse mentor" says what the person is (a junior), not
    # what they would like ("I'd like a reverse mentor": a senior).
    being = _BEING.search(question) is not None
    for cell in distinct.get("role", ()):
        folded = " ".join(cell.casefold().split())
        if being:
            folded = re.sub(r"^(?:a|an)\s+", "", folded)
        if folded in ("junior", "senior", "both"):
            continue
        if folded in YES_NO:  # the question says the side "yes" means, if it says one
            if folded in _YES and not PAST.search(question) \
                    and (side := _role_said(question)) in ("junior", "senior"):
                roles[cell] = side
            continue
        said = {side for word, side in _SIDE_WORDS.items()
                if re.search(rf"\b{word}\b", folded)}
        if len(said) == 1:
            roles[cell] = said.pop()
            continue
        if said:  # both words: the user decides
            continue
        if (role := _role_said(folded)) is not None:
            roles[cell] = role
    if roles:
        out["role"] = roles
    managers = {cell: None for cell in distinct.get("manager_id", ())
                if " ".join(cell.casefold().split()) in _NO_MANAGER}
    if managers:
        out["manager_id"] = managers
    counts = {cell: n for cell in distinct.get("capacity", ())
              if not cell.strip().isdigit() and (n := _count_in_words(cell)) is not None}
    if counts:
        out["capacity"] = counts
    grades = [cell for cell in distinct.get("level", ()) if cell.strip()]
    known = grade_scheme(grades) if grades else None
    if known:  # a known public scheme's order, to check (never from numbers in names)
        out["level"] = dict(known[1])
    years = {cell: year for cell in distinct.get("birth_year", ())
             if (year := year_of_answer(cell)) is not None}
    if years:
        out["birth_year"] = years
    return out


# A generation's names as forms write them, to its cohort in the one table.
_GENERATION_WORDS = (("boomer", "Boomers"), ("gen x", "Gen X"), ("generation x", "Gen X"),
                     ("millennial", "Millennials"), ("gen y", "Millennials"),
                     ("generation y", "Millennials"), ("gen z", "Gen Z"),
                     ("generation z", "Gen Z"), ("zoomer", "Gen Z"),
                     ("silent generation", "Silent Generation"))
_AGE_RANGE = re.compile(r"^(?:aged?\s*)?(\d{2})\s*(?:-|–|to)\s*(\d{2})(?:\s*(?:years?|yrs?))?$")
_AGE_FROM = re.compile(r"^(?:aged?\s*)?(?:(\d{2})\s*(?:\+|(?:and|or)\s*(?:over|above|older))|"
                       r"(?:over|above)\s*(\d{2}))(?:\s*(?:years?|yrs?))?$")
_AGE_UNDER = re.compile(r"^(?:aged?\s*)?(?:under|below)\s*(\d{2})(?:\s*(?:years?|yrs?))?$")


def year_of_answer(cell: str, today: date | None = None) -> int | None:
    """Return the year of birth a form's generation or age range stands for (None otherwise).

    Forms that keep birth dates private ask "Which generation?" or "Your age
    range": a generation stands for the middle year of its cohort
    (:data:`rmatch.model.generations.GENERATIONS`), an age range for this
    year less its middle age ("55+" as 55-64, "under 25" as 18-24), an age
    ("34") for this year less it. Proposed in a value map, to check, never
    read unasked (the reader names such a cell as what it is).

    Examples
    --------
    >>> today = date(2026, 12, 6)
    >>> [year_of_answer(c, today) for c in ("Gen Z", "Millennials", "25-34", "55+", "34",
    ...                                     "1990")]
    [2004, 1988, 1997, 1967, 1992, None]
    """
    folded = " ".join(cell.casefold().replace("-", " ").split())
    for word, cohort in _GENERATION_WORDS:
        if re.search(rf"\b{word}(?:s|ers?)?\b", folded):  # "Boomers", "Gen Xers", no "Boomerang"
            first, last = next((a, b) for name, a, b in GENERATIONS if name == cohort)
            return (first + last) // 2
    text = " ".join(cell.casefold().split())
    ages: tuple[int, int] | None = None
    if text.isascii() and text.isdigit() and len(text) == 2:  # an age ("34")
        ages = int(text), int(text)
    elif found := _AGE_RANGE.match(text):
        ages = int(found[1]), int(found[2])
    elif found := _AGE_FROM.match(text):
        low = int(found[1] or found[2])
        ages = low, low + 9
    elif found := _AGE_UNDER.match(text):
        ages = 18, int(found[1]) - 1
    if ages is None or not 14 <= ages[0] <= ages[1] <= 99:
        return None
    return (today or date.today()).year - (ages[0] + ages[1]) // 2
