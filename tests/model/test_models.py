"""Participant, OrgChart and Program validation and JSON round trips."""

from __future__ import annotations

import io
import warnings
from datetime import date

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

import rmatch as rm
from tests.strategies import org_charts, participants


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": ""}, "id must not be empty"),
        ({"id": "a;b"}, "may not hold"),
        ({"skills": {"genai": 1.5}}, "less than or equal to 1"),
        ({"skills": {"genai": float("nan")}}, "finite number"),
        ({"goals": {"cloud": -0.1}}, "greater than or equal to 0"),
        ({"capacity": -1}, "greater than or equal to 0"),
        ({"level": -2}, "greater than or equal to 0"),
        ({"timezone": "Mars/Olympus"}, "not a time zone rmatch knows"),
        ({"role": "boss"}, "'junior', 'senior' or 'both'"),
        ({"manager_id": "x"}, "their own manager"),
        ({"languages": "en"}, "not one string"),
        ({"birth_year": 1800}, "greater than or equal to 1900"),
        ({"birth_year": date.today().year + 1}, "a year of birth after this year"),
        ({"shoe_size": 42}, "Extra inputs are not permitted"),
    ],
)
def test_bad_participant_fields_are_rejected(fields: dict[str, object], message: str) -> None:
    data: dict[str, object] = {"id": "x", **fields}
    with pytest.raises(ValidationError, match=message):
        rm.Participant.model_validate(data)


def test_participant_normalises_text() -> None:
    p = rm.Participant(id=" j1 ", name="", role="Senior", languages={" EN", "pt", ""},
                       skills={" GenAI ": 0.5}, attributes={"gender": " "})
    assert (p.id, p.name, p.role) == ("j1", None, "senior")
    assert p.languages == {"en", "pt"}
    assert p.skills == {"genai": 0.5}
    assert p.attributes == {}


def test_skill_given_twice_in_different_case_is_rejected() -> None:
    with pytest.raises(ValidationError, match="'genai' is given twice"):
        rm.Participant(id="x", skills={"GenAI": 0.5, "genai": 0.7})


@settings(max_examples=30)
@given(participants())
def test_participant_json_round_trip(p: rm.Participant) -> None:
    assert rm.Participant.model_validate_json(p.model_dump_json()) == p


def test_participant_dump_is_reproducible() -> None:
    p = rm.Participant(id="x", languages={"pt", "en", "de", "fr"}, previous_partners={"b", "a"})
    assert p.model_dump()["languages"] == ["de", "en", "fr", "pt"]
    assert p.model_dump()["previous_partners"] == ["a", "b"]


def test_program_loads_constraints_by_kind() -> None:
    text = """{"weights": {"skills": 2, "culture": 0.5},
               "constraints": [{"kind": "no_reporting_line", "depth": 2},
                               {"kind": "max_timezone_gap", "hours": 4},
                               {"kind": "forbid", "pairs": [["j1", "s1"]]}],
               "solver": "flow", "sensitive_attributes": ["gender"]}"""
    prog = rm.Program.model_validate_json(text)
    assert [type(c) for c in prog.constraints] == [rm.NoReportingLine, rm.MaxTimezoneGap,
                                                   rm.Forbid]
    assert prog.weights.as_dict() == {"generation": 1.0, "skills": 2.0, "diversity": 1.0,
                                      "culture": 0.5}
    assert rm.Program.model_validate_json(prog.model_dump_json()) == prog


def test_program_rejects_unknown_constraint_kind() -> None:
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        rm.Program.model_validate({"constraints": [{"kind": "telepathy"}]})


def test_program_rejects_negative_weights_and_unknown_solver() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        rm.Program(weights=rm.Weights(skills=-1))
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        rm.Weights.model_validate({"culture": -1})
    with pytest.raises(ValidationError, match="solver"):
        rm.Program.model_validate({"solver": "magic"})


def test_org_chart_rejects_unknown_managers_by_name() -> None:
    with pytest.raises(rm.InputError, match="employee 'b' has unknown manager 'zz'"):
        rm.OrgChart(managers={"a": None, "b": "zz"})


def test_org_chart_names_the_cycle() -> None:
    pattern = r"each reports to the next\): 'b' -> 'd' -> 'c' -> 'b'"
    with pytest.raises(rm.InputError, match=pattern):
        rm.OrgChart(managers={"a": None, "b": "d", "c": "b", "d": "c", "e": "b"})


def test_org_chart_self_loop_is_a_cycle() -> None:
    with pytest.raises(rm.InputError, match=r"next\): 'a' -> 'a'"):
        rm.OrgChart(managers={"a": "a"})


@settings(max_examples=24)
@given(org_charts())
def test_ancestors_agree_with_walking_the_chain(managers: dict[str, str | None]) -> None:
    org = rm.OrgChart(managers=managers)
    ids = list(managers)
    for depth in (None, 1, 2):
        anc = org.ancestors(ids, depth)
        for row, eid in enumerate(ids):
            walked: list[str] = []
            cur = managers[eid]
            while cur is not None and (depth is None or len(walked) < depth):
                walked.append(cur)
                cur = managers[cur]
            got = [ids[k] for k in anc[row] if k >= 0]
            assert got == walked
            assert org.chain(eid, depth) == walked
            for other in ids:
                assert org.in_chain(other, eid, depth) == (other in walked)


def test_org_chart_unknown_employee_is_an_input_error() -> None:
    org = rm.OrgChart(managers={"a": None})
    with pytest.raises(rm.InputError, match="org chart has no employee 'q'"):
        org.chain("q")


@pytest.mark.parametrize(("written", "code", "level"), [
    ("English (Fluent)", "en", "C1"), ("Spanish (Basic)", "es", "A2"),
    ("English (B1)", "en", "B1"), ("Deutsch (Muttersprache)", "de", "native"),
    ("Mandarin (Native)", "zh", "native"), ("Englisch (C1)", "en", "C1"),
    ("Français - courant", "fr", "C1"), ("Portuguese (Brazil)", "pt", None),
    ("Mandarin Chinese", "zh", None), ("anglais", "en", None), ("Klingon", "klingon", None),
    # LinkedIn's proficiency scale (the ILR's): elementary was no level at all,
    # so "French (Elementary proficiency)" met a B1 rule as an unknown level does.
    ("French (Elementary proficiency)", "fr", "A2"),
    ("French (Limited working proficiency)", "fr", "B1"),
    ("French (Professional working proficiency)", "fr", "B2"),
    ("French (Full professional proficiency)", "fr", "C1"),
    ("French (Native or bilingual proficiency)", "fr", "native"),
])
def test_languages_keep_their_level_beside_the_code(written: str, code: str,
                                                     level: str | None) -> None:
    p = rm.Participant(id="a", languages=[written])
    assert p.languages == {code}
    assert p.language_levels == ({} if level is None else {code: level})


def test_a_note_beside_a_language_that_is_no_level_is_named_once() -> None:
    # "French (rusty)" has no level, and an unsaid level meets min_level: the
    # reader names such notes with their rows; places and scripts are not levels
    # and draw nothing.
    text = ("id,languages\na,\"French (rusty), English (UK)\"\nb,French (Business)\n"
            "c,Portuguese (Brazil)\nd,Chinese (Simplified) and English (B2)\n")
    with pytest.warns(rm.InputWarning, match=r"note\(s\) beside a language read as no "
                      r"level .*: 'rusty' \(row 2\), 'Business' \(row 3\)$") as said:
        people = rm.read_participants(io.StringIO(text))
    assert len(said) == 1
    assert [p.language_levels for p in people] == [{}, {}, {}, {"en": "B2"}]


@pytest.mark.parametrize(("written", "code"), [
    ("Cantonese", "yue"), ("Chinese (Cantonese)", "yue"), ("Chinese - Cantonese", "yue"),
    ("粵語", "yue"), ("Chinese (Mandarin)", "zh"), ("Chinese", "zh"), ("普通话", "zh"),
    ("Sign language (BSL)", "bfi"), ("Norwegian (Bokmål)", "nb"),
    ("Arabic (MSA)", "ar"),  # MSA is Malay's ISO 639-2 code, and no language beside Arabic
])
def test_a_language_named_beside_another_is_the_one_spoken(written: str, code: str) -> None:
    # Cantonese was read as zh, so a Cantonese and a Mandarin speaker "shared a
    # language" for SharedLanguage, though they cannot talk in it.
    assert rm.Participant(id="a", languages=[written]).languages == {code}
    cantonese = rm.Participant(id="j", languages=["Chinese (Cantonese)"], level=0)
    mandarin = rm.Participant(id="s", languages=["Mandarin"], level=2)
    result = rm.match([cantonese], [mandarin],
                      rm.Program(constraints=[rm.SharedLanguage()]))
    assert result.pairs == []
    text = "id,languages\na,Chinese (Cantonese)\nb,Arabic (MSA)\nc,Arabic (Levantine)\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these notes is named as unread
        people = rm.read_participants(io.StringIO(text))
    assert [p.languages for p in people] == [{"yue"}, {"ar"}, {"ar"}]


@pytest.mark.parametrize(("written", "codes"), [
    ("English and French", {"en", "fr"}), ("English & French", {"en", "fr"}),
    ("English + French", {"en", "fr"}), ("Inglés y Francés", {"en", "fr"}),
    ("Englisch und Französisch", {"en", "fr"}), ("fr en", {"fr en"}),
])
def test_languages_joined_by_a_word_are_each_read(written: str, codes: set[str]) -> None:
    # "English and French" was read as English alone (a name lookup took the
    # first language), silently. A bare code list without separators stays one.
    p = rm.Participant(id="a", languages=[written])
    assert p.languages == codes
    assert rm.Participant(id="b", languages=["English (native) & Spanish (B1)"]
                          ).language_levels == {"en": "native", "es": "B1"}


def test_a_language_cell_with_long_runs_of_spaces_reads_as_with_one() -> None:
    # An adversarial review's cell: 20,000 spaces inside took 17 s (the patterns
    # tried each run at each place); runs are one space first.
    for written in ("English and" + " " * 20_000 + "French",
                    "English (" + " " * 20_000 + "Fluent)", "English -" + "\t" * 20_000 + "B2"):
        p = rm.Participant(id="a", languages=[written])
        q = rm.Participant(id="a", languages=[" ".join(written.split())])
        assert (p.languages, p.language_levels) == (q.languages, q.language_levels)
    assert rm.Participant(id="a", languages=["English (" + " " * 20_000 + "Fluent)"]
                          ).language_levels == {"en": "C1"}


def test_language_levels_name_spoken_languages_and_known_levels() -> None:
    with pytest.raises(ValueError, match="not in languages"):
        rm.Participant(id="a", languages={"en"}, language_levels={"de": "C1"})
    with pytest.raises(ValueError, match="'so-so' is not A1-C2"):
        rm.Participant(id="a", languages={"en"}, language_levels={"en": "so-so"})
    # The best level said for a language wins when it is given twice.
    p = rm.Participant(id="a", languages=["English (Basic)", "EN (C2)"])
    assert p.language_levels == {"en": "C2"}


def test_attribute_keys_that_differ_only_in_case_are_refused() -> None:
    with pytest.raises(ValueError, match="'Gender' and 'gender' differ only in case"):
        rm.Participant(id="a", attributes={"Gender": "f", "gender": "m"})
    juniors = [rm.Participant(id="j", attributes={"Gender": "f"})]
    seniors = [rm.Participant(id="s", attributes={"gender": "m"})]
    with pytest.raises(rm.InputError, match="attribute keys 'Gender' and 'gender' differ only "
                       "in case"):
        rm.match(juniors, seniors)
