"""Survey scales whose order is common knowledge, to propose a value map for answers in words.

A check-in survey's answers ("Very satisfied", "Tout à fait d'accord") stand
for numbers; for a scale of five everyone knows the order of, the reader
proposes the map, lowest first, to check: never applied unasked. The scales
in English, German, French, Spanish, Portuguese, Italian and Dutch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from rmatch.errors import Problem
from rmatch.model.participant import fold

__all__ = ["known_scale", "scale_hint"]

# Survey scales whose order is common knowledge, lowest first: proposed as a
# value map for answers in words, to check; never applied unasked.
_SCALES: list[list[str]] = [
    ["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"],
    ["very dissatisfied", "dissatisfied", "neither satisfied nor dissatisfied", "satisfied",
     "very satisfied"],
    ["not at all useful", "slightly useful", "moderately useful", "very useful",
     "extremely useful"],
    ["poor", "fair", "good", "very good", "excellent"],
    # German, French, Spanish, Portuguese, Italian and Dutch
    ["stimme überhaupt nicht zu", "stimme nicht zu", "weder noch", "stimme zu",
     "stimme voll und ganz zu"],
    ["sehr unzufrieden", "unzufrieden", "weder zufrieden noch unzufrieden", "zufrieden",
     "sehr zufrieden"],
    ["pas du tout d'accord", "pas d'accord", "ni d'accord ni pas d'accord", "d'accord",
     "tout à fait d'accord"],
    ["très insatisfait", "insatisfait", "ni satisfait ni insatisfait", "satisfait",
     "très satisfait"],
    ["muy en desacuerdo", "en desacuerdo", "ni de acuerdo ni en desacuerdo", "de acuerdo",
     "muy de acuerdo"],
    ["muy insatisfecho", "insatisfecho", "ni satisfecho ni insatisfecho", "satisfecho",
     "muy satisfecho"],
    ["discordo totalmente", "discordo", "não concordo nem discordo", "concordo",
     "concordo totalmente"],
    ["muito insatisfeito", "insatisfeito", "nem satisfeito nem insatisfeito", "satisfeito",
     "muito satisfeito"],
    ["fortemente in disaccordo", "in disaccordo", "né d'accordo né in disaccordo", "d'accordo",
     "fortemente d'accordo"],
    ["molto insoddisfatto", "insoddisfatto", "né soddisfatto né insoddisfatto", "soddisfatto",
     "molto soddisfatto"],
    ["helemaal oneens", "oneens", "neutraal", "eens", "helemaal eens"],
    ["zeer ontevreden", "ontevreden", "neutraal", "tevreden", "zeer tevreden"],
]
# The middle answer as a survey tool may write it instead: 3 on any scale of five.
_NEUTRAL = frozenset({"neutral", "neutre", "neutro", "neutraal"})


def _key(answer: str) -> str:
    """Fold an answer: case, spaces, and a typographic apostrophe ("d’accord") do not count."""
    return fold(answer).replace("\u2019", "'")


def known_scale(words: Iterable[str]) -> list[str] | None:
    """Return the known scale these answers all belong to (lowest first), if any.

    Examples
    --------
    >>> known_scale(["Très satisfait", "Satisfait", "Neutre"])[-1]
    'très satisfait'
    >>> known_scale(["Yes", "No"]) is None
    True
    """
    folded = {_key(w) for w in words if w}
    for scale in _SCALES:
        if folded <= {*scale, *_NEUTRAL} and folded - _NEUTRAL:
            return scale
    return None


def scale_hint(name: str, column: str, words: Sequence[str]) -> Problem:
    """Propose the value map for a column's answers in words: a known scale's, or blanks.

    The map names each level as the file writes it (so that it reads the file
    as it is), the others as the scale does.

    Examples
    --------
    >>> hint = scale_hint("r.csv", "Q1", ["Tout à fait d’accord", "Neutre"]).reason
    >>> proposal = json.loads(hint.split("(check it): ")[1])
    >>> proposal["Tout à fait d’accord"], proposal["Neutre"], proposal["Pas du tout d'accord"]
    (5, 3, 1)
    """
    scale = known_scale(words)
    if scale is not None:
        written = {_key(w): w for w in sorted(words)}
        proposal = {written.get(w, w[:1].upper() + w[1:]): k
                    for k, w in enumerate(scale, start=1)}
        proposal |= {w: 3 for k, w in written.items() if k in _NEUTRAL}
        return Problem(f"hint: column {column!r} holds a five-point scale's answers; as a "
                       f"value map, lowest first (check it): "
                       f"{json.dumps(proposal, ensure_ascii=False)}",
                       file=name, field=column)
    blank = json.dumps(dict.fromkeys(sorted(words, key=fold)[:12], None), ensure_ascii=False)
    return Problem(f"hint: give a value map with the number each answer stands for: {blank}",
                   file=name, field=column)
