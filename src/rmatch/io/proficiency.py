"""How well someone knows a skill, as sign-up forms write it beside the skill.

A form's answer "Python (advanced); Excel (basic)" or "SQL: expert" gives a
level in words, and a 1-5 rating "Python: 4/5". Read as names, "python
(advanced)" was a skill of its own that no senior's goal "Python" met: the
pair scored no skills in common. Here a known word, a fraction or a number
in brackets after the skill is its level from 0 to 1; other words in
brackets stay part of the name ("Python (pandas)").

The scale (documented in docs/hr-data.md, section 2): beginner 0.25,
intermediate 0.5, advanced 0.75, expert 1.0, and their usual synonyms in
English, German, French, Spanish, Portuguese, Dutch and Italian; a goal's
priority as forms write it too ("top priority", MoSCoW's "must have" 1.0,
"should have" 0.75, "could have" and "nice to have" 0.5). Words that say
no clear level ("so-so", "rusty") are not guessed: a row with one is refused.
"""

from __future__ import annotations

import re

from rmatch.model.text import unaccented

__all__ = ["SKILL_LEVELS", "level_word", "split_level"]

_WORDS = {
    0.25: ("beginner", "basic", "basics", "elementary", "novice", "entry level", "low",
           "some", "familiar", "limited", "weak", "rudimentary", "introductory",
           "anfanger", "grundkenntnisse", "debutant", "debutante",
           "notions", "principiante", "basico", "basica", "iniciante", "base", "beperkt"),
    0.5: ("intermediate", "medium", "moderate", "working", "average", "fair", "good",
          "could have", "nice to have",
          "competent", "mittel", "gut", "intermediaire", "moyen", "intermedio", "intermedia",
          "intermediario", "gemiddeld", "redelijk"),
    0.75: ("advanced", "high", "strong", "proficient", "experienced", "skilled", "very good",
           "solid", "power", "should have",
           "fortgeschritten", "sehr gut", "avance", "avancee", "avanzado", "avanzada",
           "avancado", "avancada", "gevorderd", "avanzato", "avanzata", "tres bien"),
    1.0: ("expert", "excellent", "master", "mastery", "very high", "very strong", "guru",
          "top", "outstanding", "very advanced", "essential", "critical", "must have",
          "experte", "exzellent", "experto", "experta", "especialista", "esperto", "esperta",
          "deskundig"),
}
SKILL_LEVELS: dict[str, float] = {w: v for v, words in _WORDS.items() for w in words}
"""Proficiency words (folded, without accents) and the level each stands for, 0 to 1."""

_ALONGSIDE = re.compile(r"\b(priority|prio|level|knowledge|skills?|user)$")
_BRACKET = re.compile(r"^(?P<name>.*?\S)\s*[(\[](?P<level>[^()\[\]]*)[)\]]\s*$")
_FRACTION = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)\s*$")


def level_word(text: str) -> float | None:
    """Return the level a proficiency word or a rating gives ("advanced", "4/5"), or None.

    Examples
    --------
    >>> level_word("Advanced"), level_word("débutant"), level_word("4/5"), level_word("7/5")
    (0.75, 0.25, 0.8, None)
    >>> level_word("High priority"), level_word("basic knowledge"), level_word("priority")
    (0.75, 0.25, None)
    >>> level_word("Must-have"), level_word("nice to have"), level_word("power user")
    (1.0, 0.5, 0.75)
    >>> level_word("weak"), level_word("solid"), level_word("outstanding"), level_word("so-so")
    (0.25, 0.75, 1.0, None)
    """
    word = " ".join(unaccented(text).casefold().replace("-", " ").split())
    # "high priority" (a goal), "advanced level", "basic knowledge": the level word.
    word = _ALONGSIDE.sub("", word).strip()
    if word in SKILL_LEVELS:
        return SKILL_LEVELS[word]
    found = _FRACTION.match(text)
    if found:
        top, bottom = (float(x.replace(",", ".")) for x in found.groups())
        if bottom > 0 and 0 <= top <= bottom:
            return top / bottom
    return None


def split_level(item: str) -> tuple[str, str] | None:
    """Return a skill written with its level in brackets as (name, level text), or None.

    Only a level word or a rating in brackets is a level; other words there
    are part of the name.

    Examples
    --------
    >>> split_level("Python (advanced)"), split_level("Excel [4/5]")
    (('Python', 'advanced'), ('Excel', '4/5'))
    >>> split_level("Python (pandas)") is None, split_level("SQL") is None
    (True, True)
    """
    found = _BRACKET.match(item)
    if found is None:
        return None
    level = found.group("level").strip()
    if level_word(level) is None and not re.fullmatch(r"\d+(?:[.,]\d+)?\s*%", level):
        return None
    return found.group("name"), level
