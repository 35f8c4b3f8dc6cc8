"""rm.read_ratings: check-in ratings and outcomes from the standard columns or a survey's own."""

from __future__ import annotations

import io
import json
import re
import warnings
from pathlib import Path

import pytest

import rmatch as rm
from rmatch.cli import main
from tests.helpers import ROSTER

JUNIORS, SENIORS = ["j-01", "j-02", "j-03"], ["cto", "cfo"]
NAMES = {"j-01": "Beatriz Silva", "j-02": "Leon Schmidt", "j-03": "Priya Nair",
         "cto": "Rui Almeida", "cfo": "Margaret Hill"}


def _read(text: str, **options: object) -> tuple[list[tuple[int, str, str, dict[str, str]]],
                                                  list[str]]:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        rows = rm.read_ratings(io.StringIO(text), JUNIORS, SENIORS, **options)  # type: ignore[arg-type]
    return rows, [str(w.message) for w in said]


def test_the_standard_columns_any_spelling_and_a_pair_rated_at_each_checkin() -> None:
    rows, said = _read("Junior ID,Senior-ID,Rating,Check-in\nj-01,cto,4,1\nj-01,cto,\"4,5\",2\n")
    assert rows == [(2, "j-01", "cto", {"rating": "4", "checkin": "1"}),
                    (3, "j-01", "cto", {"rating": "4,5", "checkin": "2"})]
    assert said == []


def test_a_survey_export_is_read_by_its_values_and_said() -> None:
    # A seniors' survey as Forms exports it: a response number (1, 2, ...: no
    # rating), a timestamp, their name, their mentor's (the junior in reverse
    # mentoring), a question scored 1-5, a comment.
    text = ("ID,Timestamp,Your name,Your mentor,How useful was it? (1-5),Comments\n"
            "1,2026-11-05 10:00,Rui Almeida,Beatriz Silva,5,great\n"
            "2,2026-11-05 11:00,Margaret Hill,Leon Schmidt,3,\n")
    rows, said = _read(text, names=NAMES)
    assert [(j, s, v) for _, j, s, v in rows] == [("j-01", "cto", {"rating": "5"}),
                                                  ("j-02", "cfo", {"rating": "3"})]
    joined = " ".join(said)
    assert "read 'How useful was it? (1-5)' as the rating" in joined
    assert "read 'Your mentor' as the juniors' ids and 'Your name' as the seniors'" in joined
    assert not any(n in joined for n in NAMES.values())  # names are personal data
    # Without the names, the columns hold no one's ids: refused, naming the file.
    with pytest.raises(rm.InputError, match="need the column"):
        rm.read_ratings(io.StringIO(text), JUNIORS, SENIORS)


def test_a_forms_email_and_name_columns_and_ratings_written_with_their_words() -> None:
    # Microsoft Forms: a response number, the juniors' e-mail and name (both say who
    # answered), their mentor's name, and a rating some wrote as "4 - satisfied".
    # The response number was read as the rating (the only column of numbers) and
    # the two columns of juniors were refused as a choice to make.
    text = ("ID,Email,Name,Your mentor's name,How satisfied are you? (1-5)\n"
            "1,j-01,Beatriz Silva,Rui Almeida,5\n"
            "2,j-02,Leon Schmidt,Margaret Hill,4 - satisfied\n"
            "3,j-03,,Rui Almeida,2 (not really)\n")
    rows, said = _read(text, names=NAMES)
    assert [(j, s, v) for _, j, s, v in rows] == [("j-01", "cto", {"rating": "5"}),
                                                  ("j-02", "cfo", {"rating": "4"}),
                                                  ("j-03", "cto", {"rating": "2"})]
    joined = " ".join(said)
    assert "read 'Email' as the juniors' ids" in joined
    assert "'Name' names the same people as 'Email'" in joined
    assert "read 'How satisfied are you? (1-5)' as the rating" in joined
    assert "read 2 answer(s) written with their words as their number" in joined
    # Two columns of juniors that differ on a row: still the user's choice.
    other = text.replace("3,j-03,,", "3,j-03,Leon Schmidt,")
    with pytest.raises(rm.InputError, match="need the column"):
        _read(other, names=NAMES)
    # The response number alone is never the rating: said, with no rating column.
    counted = "ID,Email,Your mentor's name,Comment\n1,j-01,Rui Almeida,ok\n2,j-02,Rui Almeida,\n"
    with pytest.raises(rm.InputError,
                       match=re.escape("'ID' counts the responses 1, 2, 3, ..., no rating")):
        _read(counted, names=NAMES)


@pytest.mark.parametrize(("columns", "said"), [
    ("Mentor,Mentee,Session,Score\nj-01,cto,2,4\nj-02,cfo,2,5\n",
     "'Session', 'Score' could each be it"),
    ("Mentor,Mentee,Comment\nj-01,cto,fine\n", "need a rating column (found Mentor, Mentee, "
                                               "Comment)"),
])
def test_no_one_column_of_ratings_is_refused_with_the_candidates(columns: str,
                                                                said: str) -> None:
    with pytest.raises(rm.InputError, match=said.replace("(", r"\(").replace(")", r"\)")):
        _read(columns)


def test_ids_are_checked_as_a_matchings_are() -> None:
    with pytest.raises(rm.InputError) as err:
        _read("junior_id,senior_id,rating\nj-01,,2\nj-02,cfo,\n")
    assert [(p.row, p.field) for p in err.value.problems if isinstance(p, rm.Problem)] == [
        (2, "senior_id"), (3, "rating")]
    with pytest.raises(rm.InputError) as err:
        _read("junior_id,senior_id,rating\nJ-01,cto,4\ncfo,j-02,3\n")
    assert [(p.row, p.field, p.reason.split(" (")[0]) for p in err.value.problems
            if isinstance(p, rm.Problem)] == [
        (2, "junior_id", "'J-01' is not a junior of this programme"),
        (3, "junior_id", "'cfo' is a senior of this programme, not a junior"),
        (3, "senior_id", "'j-02' is a junior of this programme, not a senior")]


def test_the_command_line_calibrates_from_a_survey_of_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `rmatch calibrate` with a survey's own columns: the outcome a yes / no
    # question (met / not met), the pair by the people's names in the roster.
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    name = {p.id: p.name for p in people}
    org = rm.OrgChart.from_participants(people)
    pairs = [(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors, org=org).pairs]
    survey = tmp_path / "survey.csv"
    survey.write_text("Mentor,Mentee,Did you meet this month?\n" + "".join(
        f"{name[j]},{name[s]},{'yes' if k % 2 else 'no'}\n" for k, (j, s) in enumerate(pairs)),
        encoding="utf-8")
    from rmatch.lifecycle.calibration import read_feedback

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        read, outcomes = read_feedback(str(survey), [p.id for p in juniors],
                                       [p.id for p in seniors], names=name)
    assert read == pairs
    assert outcomes == ["yes" if k % 2 else "no" for k in range(len(pairs))]
    code = main(["calibrate", str(survey), str(ROSTER)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "read 'Did you meet this month?' as the outcome" in err
    assert f"the outcomes of {len(pairs)} pairs" in out  # every pair of the survey fitted
    # A survey programme's two sheets (mentees, mentors): --seniors-file, as for match.
    mentees, mentors = tmp_path / "mentees.csv", tmp_path / "mentors.csv"
    for path, side in ((mentees, juniors), (mentors, seniors)):
        path.write_text("id,name,birth_year\n" + "".join(
            f"{p.id},{p.name},{p.birth_year or ''}\n" for p in side), encoding="utf-8")
    code = main(["calibrate", str(survey), str(mentees), "--seniors-file", str(mentors)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"the outcomes of {len(pairs)} pairs" in out


def test_answers_in_words_are_read_with_a_value_map_that_a_known_scale_proposes() -> None:
    text = ("Mentor,Mentee,The session was useful\nj-01,cto,Strongly agree\n"
            "j-02,cfo,Neutral\nj-03,cto,Disagree\n")
    # Without a map: refused, the column named with its scale's map, lowest first.
    with pytest.raises(rm.InputError) as err:
        _read(text)
    hint = str(err.value.problems[-1])
    assert "column 'The session was useful' holds a five-point scale's answers" in hint
    proposal = json.loads(hint.split("(check it): ", 1)[1])
    assert list(proposal.values()) == [1, 2, 3, 4, 5, 3]  # "Neutral" beside the middle
    assert proposal["Strongly agree"] == 5
    # With it: each answer is its number (compared whatever the case).
    rows, said = _read(text, values=proposal)
    assert [v["rating"] for *_, v in rows] == ["5", "3", "2"]
    assert any("read 'The session was useful' as the rating" in s for s in said)
    # A word in a column of numbers: named, with a map to fill in.
    with pytest.raises(rm.InputError) as err:
        _read("junior_id,senior_id,rating\nj-01,cto,Great\nj-02,cfo,4\n")
    assert [str(p) for p in err.value.problems] == [
        "<stream>: field 'rating': 1 answer(s) are not numbers: 'Great'",
        "<stream>: field 'rating': hint: give a value map with the number each answer stands "
        'for: {"Great": null}']
    assert _read("junior_id,senior_id,rating\nj-01,cto,great\nj-02,cfo,4\n",
                 values={"Great": 5})[0][0][3] == {"rating": "5"}


@pytest.mark.parametrize("scale", [
    ["Sehr unzufrieden", "Unzufrieden", "Weder zufrieden noch unzufrieden", "Zufrieden",
     "Sehr zufrieden"],
    ["Pas du tout d’accord", "Pas d’accord", "Neutre", "D’accord", "Tout à fait d’accord"],
    ["Muy insatisfecho", "Insatisfecho", "Neutral", "Satisfecho", "Muy satisfecho"],
    ["Discordo totalmente", "Discordo", "Não concordo nem discordo", "Concordo",
     "Concordo totalmente"],
    ["Molto insoddisfatto", "Insoddisfatto", "Né soddisfatto né insoddisfatto", "Soddisfatto",
     "Molto soddisfatto"],
    ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"],
])
def test_a_surveys_scale_in_another_language_gets_its_order_proposed(scale: list[str]) -> None:
    # A check-in survey in French or German was refused as "no rating column",
    # with no map proposed; its answers are the scale's, lowest first.
    answers = [scale[4], scale[0], scale[2], scale[3]]
    text = "Mentor,Mentee,Q1\n" + "".join(
        f"{j},{s},{a}\n" for (j, s), a in zip([("j-01", "cto"), ("j-02", "cfo"),
                                                 ("j-03", "cto"), ("j-01", "cfo")], answers,
                                                strict=True))
    with pytest.raises(rm.InputError) as err:
        _read(text)
    hint = str(err.value.problems[-1])
    assert "column 'Q1' holds a five-point scale's answers" in hint
    proposal = json.loads(hint.split("(check it): ", 1)[1])
    rows, _ = _read(text, values=proposal)  # the map reads the file as it is written
    assert [v["rating"] for *_, v in rows] == ["5", "1", "3", "4"]


def test_the_command_line_reads_outcomes_in_words_with_their_value_map(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    people = rm.read_participants(ROSTER)
    juniors, seniors, _ = rm.split_roles(people)
    org = rm.OrgChart.from_participants(people)
    pairs = [(p.junior_id, p.senior_id) for p in rm.match(juniors, seniors, org=org).pairs]
    words = ["Agree", "Strongly agree", "Disagree", "Neutral"]
    survey = tmp_path / "survey.csv"
    survey.write_text("junior_id,senior_id,It helped\n" + "".join(
        f"{j},{s},{words[k % 4]}\n" for k, (j, s) in enumerate(pairs)), encoding="utf-8")
    # Refused, the scale's map proposed; given back, the outcomes are read as numbers.
    assert main(["calibrate", str(survey), str(ROSTER)]) == 1
    err = capsys.readouterr().err
    assert "holds a five-point scale's answers" in err
    proposal = json.loads(err.split("(check it): ", 1)[1].splitlines()[0])
    scale = tmp_path / "scale.json"
    scale.write_text(json.dumps(proposal), encoding="utf-8")
    assert main(["calibrate", str(survey), str(ROSTER), "--outcome-values", str(scale)]) == 0
    assert f"the outcomes of {len(pairs)} pairs" in capsys.readouterr().out
    scale.write_text(json.dumps({"Agree": "four"}), encoding="utf-8")
    assert main(["calibrate", str(survey), str(ROSTER), "--outcome-values", str(scale)]) == 1
    assert "values: 'Agree' must be numbers" in capsys.readouterr().err
