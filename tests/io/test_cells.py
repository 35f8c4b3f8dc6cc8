"""Each distinct cell of a field is read once a reading: the same people, problems and notes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rmatch import synth
from rmatch.io import cells
from rmatch.io.cells import Options, read_row
from tests.helpers import reading_outcome

ROOT = Path(__file__).parents[2]


def _messy_export(n: int, seed: int) -> str:
    """An export whose cells repeat, among them placeholders, offsets and wrong values."""
    rnd = random.Random(seed)
    rows = ["id,role,birth_year,level,department,timezone,languages,skills,gender,capacity"]
    for i in range(n):
        rows.append(",".join([
            f"p{i}", rnd.choice(["junior", "senior", "Junior", "boss"]),
            rnd.choice(["1970", "1999", "", "N/A", "nineteen", "01/02/1985"]),
            rnd.choice(["1", "5", "E 9", "x", ""]),
            rnd.choice(["HR", "Sales", "Prefer not to say", ""]),
            rnd.choice(["Europe/Lisbon", "UTC+01:00", "Mars/Base", "GMT", ""]),
            rnd.choice(['"en;pt"', "English", "N/A", '"fr, de"', ""]),
            rnd.choice(['"python:0.8;sql:0.5"', '"Python (advanced); Excel (basic)"',
                        "python:4", "", '"sql: so-so"']),
            rnd.choice(["F", "M", "Prefer not to say", ""]),
            rnd.choice(["1", "2", "many", ""])]))
    return "\n".join(rows) + "\n"


def _outcome(text: str, **options: object) -> tuple[object, list[str]]:
    return reading_outcome(text, check_managers=False, **options)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cells_kept_read_exactly_as_cells_read_one_by_one(seed: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    text = _messy_export(300, seed)
    options = {"values": {"role": {"boss": "senior"}}, "level_map": {"E 9": 9}}
    kept = _outcome(text, **options)
    monkeypatch.setattr(cells, "MEMO_CELLS", 0)  # nothing kept: every cell read afresh
    assert kept == _outcome(text, **options)
    # The file has problems in several rows that share a cell: each row is named.
    problems = kept[0]
    assert isinstance(problems, list)
    assert sum("'many' is not a number" in p for p in problems) > 1


def test_a_clean_export_reads_the_same_with_cells_kept(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    synth.generate(2_000, seed=4).write_csv(path)
    text = path.read_text("utf-8")
    kept = _outcome(text)
    monkeypatch.setattr(cells, "MEMO_CELLS", 0)
    assert kept == _outcome(text)
    assert isinstance(kept[0], list)
    assert len(kept[0]) == 2_000


def test_rows_that_share_a_cell_get_lists_and_maps_of_their_own() -> None:
    opts = Options()
    targets = {"languages": "languages", "skills": "skills"}
    first, _ = read_row({"languages": "en;pt", "skills": "python:0.5"}, targets, opts, set(),
                        [], [])
    second, _ = read_row({"languages": "en;pt", "skills": "python:0.5"}, targets, opts, set(),
                         [], [])
    assert first == second
    assert first["languages"] is not second["languages"]
    assert first["skills"] is not second["skills"]
    assert opts.memo  # the second row was read from the first's reading
