"""Calibration: synthetic outcomes from known weights are recovered; noise is called noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import rmatch as rm
from rmatch.cli import main
from rmatch.lifecycle.calibration import read_feedback


def _history(n: int = 400, seed: int = 3) -> tuple[list[rm.Participant], list[rm.Participant],
                                                   list[tuple[str, str]], rm.ScoreMatrix]:
    org = rm.synth.generate(8 * n, seed=seed)
    juniors, seniors = rm.synth.cohort(org, n, n, seed=seed)
    size = min(len(juniors), len(seniors))  # the cohort may hold fewer than asked
    juniors, seniors = juniors[:size], seniors[:size]
    pairs = [(j.id, s.id) for j, s in zip(juniors, seniors, strict=True)]
    program = rm.Program(constraints=[])
    sm = rm.score(juniors, seniors, program)
    return juniors, seniors, pairs, sm


def test_known_weights_are_recovered_with_their_uncertainty() -> None:
    juniors, seniors, pairs, sm = _history()
    rng = np.random.default_rng(0)
    comps = {name: np.array([float(sm.components[name][sm.juniors.index(j),
                                                       sm.seniors.index(s)])
                             for j, s in pairs]) for name in ("generation", "skills", "diversity")}
    true = {"generation": 1.0, "skills": 3.0, "diversity": 0.0}
    ratings = 1 + sum(true[c] * comps[c] for c in true) + rng.normal(0, 0.05, len(pairs))
    fit = rm.calibrate(pairs, ratings.tolist(), rm.Program(constraints=[]), juniors=juniors,
                       seniors=seniors)
    assert fit.predicts
    assert fit.p_value < 0.01
    assert fit.cv_correlation > 0.9
    expected = {c: 3 * w / sum(true.values()) for c, w in true.items()}  # scaled to sum 3
    for name, want in expected.items():
        assert fit.weights[name] == pytest.approx(want, abs=0.15), name
        assert 0 <= fit.weight_sd[name] < 0.2
    assert all(w >= 0 for w in fit.weights.values())
    tuned = fit.program(rm.Program())
    assert tuned.weights.skills == pytest.approx(fit.weights["skills"])
    assert "predicted the outcomes" in fit.text()


def test_outcomes_unrelated_to_the_scores_are_reported_as_such() -> None:
    juniors, seniors, pairs, _ = _history(200)
    rng = np.random.default_rng(5)
    met = rng.choice(["met", "not met"], size=len(pairs)).tolist()
    fit = rm.calibrate(pairs, met, rm.Program(constraints=[]), juniors=juniors,
                       seniors=seniors)
    assert not fit.predicts
    assert "did not predict" in fit.text()


def test_calibrating_from_results_and_bad_feedback() -> None:
    juniors, seniors, _, _ = _history(60)
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    ratings = [1 + 4 * p.components["skills"] for p in res.pairs]
    fit = rm.calibrate(res, ratings)
    assert max(fit.weights, key=lambda k: fit.weights[k]) == "skills"
    with pytest.raises(rm.InputError, match="pairs but"):
        rm.calibrate(res, ratings[:-1])
    with pytest.raises(rm.InputError, match="neither a rating nor met"):
        rm.calibrate(res, ["great"] * len(ratings))
    with pytest.raises(rm.InputError, match="needs juniors= and seniors="):
        rm.calibrate([("a", "b")] * 5, [1] * 5)
    # A history with the columns swapped in one row is named so.
    history = [(j.id, s.id) for j, s in zip(juniors[:5], seniors[:5], strict=True)]
    history[2] = history[2][::-1]
    with pytest.raises(rm.InputError) as info:
        rm.calibrate(history, [1] * 5, juniors=juniors, seniors=seniors)
    assert info.value.problems == [
        f"pair 3: {history[2][0]!r} is a senior of the history, not a junior "
        "(are the two columns swapped?)",
        f"pair 3: {history[2][1]!r} is a junior of the history, not a senior "
        "(are the two columns swapped?)"]


def test_cli_calibrate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "org.csv"
    assert main(["synth", "--employees", "600", "--juniors", "40", "--seniors", "40",
                 "--seed", "2", "-o", str(roster)]) == 0
    people = rm.read_participants(roster)
    juniors, seniors, _ = rm.split_roles(people)
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    feedback = tmp_path / "feedback.csv"
    lines = ["junior_id,senior_id,outcome"] + [
        f"{p.junior_id},{p.senior_id},{1 + 4 * p.components['skills']:.3f}" for p in res.pairs]
    feedback.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_feedback(str(feedback))[0][0] == (res.pairs[0].junior_id, res.pairs[0].senior_id)
    capsys.readouterr()
    out_program = tmp_path / "tuned.json"
    assert main(["calibrate", str(feedback), str(roster), "-o", str(out_program)]) == 0
    printed = capsys.readouterr().out
    assert "predicted the outcomes" in printed
    tuned = rm.load_program(out_program)
    assert tuned.weights.skills == max(tuned.weights.as_dict().values())
    # A pair rated twice is two ratings; an id in another case and two swapped
    # ids are named by the file's rows, all of them.
    first = lines[1].split(",")
    lines += [lines[1], f"{first[0].upper()},{first[1]},3", f"{first[1]},{first[0]},2"]
    feedback.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(rm.InputError) as err:
        read_feedback(str(feedback), [p.id for p in juniors], [p.id for p in seniors])
    n = len(lines)
    assert [str(p).split(": ", 1)[1].split(":")[0] for p in err.value.problems] == [
        f"row {n - 1}, field 'junior_id'", f"row {n}, field 'junior_id'",
        f"row {n}, field 'senior_id'"]
    assert "did you mean" in str(err.value.problems[0])
    assert main(["calibrate", str(feedback), str(roster)]) == 1
    assert f"row {n - 1}, field 'junior_id'" in capsys.readouterr().err
