"""Levels written as words around a language ("English B2", "German native", "Fluent English").

The oracle is the level each word means (the documented table): every
arrangement a CV or an HR export uses must give that level, never the
language without it (a rule's minimum level then counts an unsaid level as met).
"""

from __future__ import annotations

import io
import warnings

import pytest

import rmatch as rm
from rmatch.constraints import SharedLanguage

NAMES = {"en": ["English", "english", "EN", "Englisch", "anglais", "Inglés", "Engels"],
         "de": ["German", "Deutsch", "allemand"], "es": ["Spanish", "español", "Spanisch"]}
WORDS = {"B2": ["B2", "upper intermediate", "sehr gut"], "C1": ["C1", "fluent", "fließend",
         "courant", "avanzado"], "A2": ["A2", "basic", "Grundkenntnisse"],
         "native": ["native", "Muttersprache", "bilingual", "bilingue"]}


@pytest.mark.parametrize("code", sorted(NAMES))
@pytest.mark.parametrize("level", sorted(WORDS))
def test_every_arrangement_gives_the_level(code: str, level: str) -> None:
    cells = [form.format(name=name, word=word) for name in NAMES[code] for word in WORDS[level]
             for form in ("{name} {word}", "{word} {name}", "{name} ({word})", "{name} - {word}",
                          "{name}: {word}", "{name}/{word}")]
    text = "id,languages\n" + "".join(f'p{k},"{c}"\n' for k, c in enumerate(cells))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no language unknown, no note unread
        people = rm.read_participants(io.StringIO(text))
    wrong = [(c, dict(p.language_levels), set(p.languages)) for c, p in zip(cells, people,
             strict=True) if p.languages != {code} or p.language_levels != {code: level}]
    assert wrong == []


def test_a_basic_speaker_no_longer_meets_a_minimum_level() -> None:
    """'Spanish basic' was Spanish at no level, which the rule's B1 minimum let through."""
    people = rm.read_participants(io.StringIO(
        "id,role,languages\nj,junior,Spanish basic\ns,senior,Spanish fluent\n"))
    result = rm.match(*rm.split_roles(people)[:2], rm.Program(
        constraints=[SharedLanguage(min_level="B1")]))
    assert result.pairs == []


def test_words_beside_a_language_that_are_no_level_are_said() -> None:
    with pytest.warns(rm.InputWarning, match=r"note\(s\) beside a language read as no level.*"
                                             r"'so-so' \(row 2\)"):
        [p] = rm.read_participants(io.StringIO("id,languages\na,English so-so\n"))
    assert p.languages == {"en"}
    assert p.language_levels == {}
    with pytest.warns(rm.InputWarning, match=r"'Business' \(row 2\)"):  # as "(Business)"
        [p] = rm.read_participants(io.StringIO("id,languages\na,Business English\n"))
    assert p.languages == {"en"}
    for quiet in ("English UK", "Portuguese Brazil", "Brazilian Portuguese", "English (UK/US)",
                  "Chinese Mandarin"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            [p] = rm.read_participants(io.StringIO(f'id,languages\na,"{quiet}"\n'))
        assert p.language_levels == {}
        assert all(len(code) <= 3 for code in p.languages), quiet
