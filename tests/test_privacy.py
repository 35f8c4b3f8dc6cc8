"""Every output scanned: names and sensitive values never leak, withheld groups never derivable."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

import rmatch as rm
from rmatch.cli import main

SECRET = "SECRET"


def _roster(path: Path) -> list[str]:
    """A roster whose names and sensitive values all contain SECRET; returns all ids."""
    genders = ["G-SECRET-A"] * 6 + ["G-SECRET-B"] * 5 + ["G-SECRET-C"]  # C: one person
    rows = []
    for side, level, born in (("junior", 1, 1998), ("senior", 6, 1968)):
        for k in range(12):
            rows.append({
                "id": f"{side[0]}{k}", "name": f"Name-{SECRET}-{side}-{k}", "role": side,
                "birth_year": str(born + k % 4), "level": str(level), "languages": "en",
                "location": f"LOC-{SECRET}-{k % 3}", "department": ["Data", "Ops"][k % 2],
                "attributes.Gender": genders[k], "attributes.background": ["sci", "art"][k % 2],
                "skills": "genai:0.8" if side == "junior" else "",
                "goals": "" if side == "junior" else "genai:1",
            })
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [r["id"] for r in rows]


def _outputs(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*")) if (p.is_file() and p.suffix != ".csv")
            or p.name in ("pairs.csv", "people.csv")}


def test_no_output_carries_a_name_or_a_sensitive_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ids = _roster(tmp_path / "roster.csv")
    # The key is written 'gender' here and 'Gender' in the roster: case does not count.
    (tmp_path / "program.json").write_text(
        '{"constraints": [{"kind": "no_reporting_line"},'
        ' {"kind": "group_balance", "attribute": "Gender", "max_gap": 1.0},'
        ' {"kind": "min_share", "attribute": "location", "share": 0.0}],'
        ' "sensitive_attributes": ["gender", "location"]}', encoding="utf-8")
    base = ["roster.csv", "--program", "program.json"]
    runs = [
        ["validate", *base],
        ["match", *base, "-o", "pairs.json", "-q"],
        ["match", *base, "-o", "pairs.csv", "-q"],
        ["match", *base, "-o", "people.csv", "--per-person", "-q",
         *(x for pid in ids for x in ("--explain", pid))],
        ["report", *base, "-o", "report.md", "--briefs", "briefs", "-q"],
        ["report", *base, "-o", "report.html", "--briefs", "briefs_html", "--brief-format",
         "html", "-q"],
    ]
    printed = []
    for args in runs:
        assert main(args) == 0, args
        out, err = capsys.readouterr()
        printed += [out, err]
    written = _outputs(tmp_path)
    assert {"pairs.json", "pairs.csv", "people.csv", "report.md", "report.html"} <= set(written)
    assert any(name.startswith("briefs/") for name in written)
    for where, text in [*written.items(), *(("printed", t) for t in printed)]:
        assert SECRET not in text, f"{where} leaks a name or a sensitive value"
        assert "G-SECRET" not in text


def test_a_report_asked_for_a_sensitive_attribute_shows_only_large_groups(
        tmp_path: Path) -> None:
    _roster(tmp_path / "roster.csv")
    people = rm.read_participants(tmp_path / "roster.csv")
    juniors, seniors, _ = rm.split_roles(people)
    program = rm.Program(constraints=[rm.GroupBalance(attribute="Gender", max_gap=1.0)],
                         sensitive_attributes={"gender"})
    rep = rm.match(juniors, seniors, program).report(groups=["Gender"])
    texts = [rep.to_markdown(), rep.to_html(plots=False), rep.model_dump_json()]
    for text in texts:
        assert "G-SECRET-C" not in text  # one person: withheld
        # ... and with it the next smallest group (5 people), so that C is not
        # the overall figure minus the groups shown.
        assert "G-SECRET-B" not in text
        assert "G-SECRET-A" in text  # asked for, and large enough to show
    (line,) = [c.detail for c in rep.constraints if c.label.startswith("GroupBalance")]
    assert "withheld" in line


def test_error_messages_do_not_repeat_sensitive_cells() -> None:
    bad = io.StringIO("id,attributes,birth_year\n"
                      "a,gender G-SECRET-Z,14/14/1970\n")
    with pytest.raises(rm.InputError) as info:
        rm.read_participants(bad)
    text = "\n".join(info.value.problems)
    assert "row 2 (id 'a'), field 'attributes'" in text
    assert "row 2 (id 'a'), field 'birth_year'" in text
    assert "SECRET" not in text
    assert "1970" not in text  # a date of birth is personal data too
    one = [rm.Participant(id="a", attributes={"gender": "G-SECRET-1"})]
    two = [rm.Participant(id="a", attributes={"gender": "G-SECRET-2"})]
    with pytest.raises(rm.InputError) as info:
        rm.merge_sides(one, two)
    assert "different 'attributes.gender'" in str(info.value)
    assert "SECRET" not in str(info.value)


def test_no_shown_score_lets_one_work_out_a_sensitive_attribute() -> None:
    """The review's attack: round(diversity x fields) - differences shown = gender differs."""
    rng = np.random.default_rng(3)
    juniors = [rm.Participant(id=f"j{k}", birth_year=2000, department=str(rng.choice(["IT", "HR"])),
                              attributes={"gender": str(rng.choice(["f", "m"])),
                                          "team": str(rng.choice(["a", "b"]))})
               for k in range(6)]
    seniors = [rm.Participant(id=f"s{k}", birth_year=1970, level=3,
                              department=str(rng.choice(["IT", "HR"])),
                              attributes={"gender": str(rng.choice(["f", "m"])),
                                          "team": str(rng.choice(["a", "b"]))})
               for k in range(6)]
    program = rm.Program(constraints=[], sensitive_attributes={"Gender"})
    res = rm.match(juniors, seniors, program)
    shown_fields = ["department", "location", "team"]  # gender is not among them
    for p in res.pairs:
        explanation = res.explain(p.junior_id, costs=False)
        differ = explanation.differences.get(p.senior_id, [])
        assert "gender" not in differ
        assert p.components["diversity"] == pytest.approx(len(differ) / len(shown_fields))
    with pytest.raises(rm.InputError, match="diversity_fields names the sensitive"):
        rm.match(juniors, seniors, rm.Program(
            constraints=[], sensitive_attributes={"gender"},
            scoring=rm.ScoringOptions(diversity_fields={"department": 1, "gender": 1})))
    # A rule may still act on it, unseen.
    balanced = rm.match(juniors, seniors, rm.Program(
        constraints=[rm.GroupBalance(attribute="gender", max_gap=1.0)],
        sensitive_attributes={"gender"}))
    assert len(balanced.pairs) == 6
