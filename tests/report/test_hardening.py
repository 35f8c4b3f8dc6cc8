"""Reports and briefs under hostile data: user text never becomes markup, files never collide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rmatch as rm
from rmatch.report.briefs import BRIEFS_MANIFEST, brief_file_stem, write_briefs


def test_brief_files_never_collide(tmp_path: Path) -> None:
    ids = ["müller", "möller", "a b", "a/b", "A", "a", "x--y", "x", "..", "ü"]
    juniors = [rm.Participant(id=i, birth_year=2000) for i in ids]
    seniors = [rm.Participant(id=f"s{k}", birth_year=1970, level=3, capacity=2)
               for k in range(5)] + [rm.Participant(id="y--s0", birth_year=1970, level=3)]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    paths = write_briefs(res, tmp_path)
    assert len(paths) == len(res.pairs) == len(ids)
    assert len({p.name.casefold() for p in paths}) == len(paths)
    assert all(p.parent == tmp_path for p in paths)
    # Nothing else but the list of what was written (for the next run's clean-up).
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*(p.name for p in paths), BRIEFS_MANIFEST])
    assert brief_file_stem("x--y", "s0") != brief_file_stem("x", "y--s0")


def test_markdown_outputs_keep_user_data_out_of_the_markup() -> None:
    evil = "Sales\n# Pwned | <script>x</script> [a](http://x) *b*"
    juniors = [rm.Participant(id="j|1", birth_year=2000, department=evil,
                              skills={"**x**": 1.0})]
    seniors = [rm.Participant(id="s\u20281", birth_year=1970, level=3, department="Ops",
                              goals={"**x**": 1.0})]
    res = rm.match(juniors, seniors, rm.Program(constraints=[]))
    for text in (res.briefs()[0].to_markdown(), res.report().to_markdown()):
        headings = [line for line in text.splitlines() if line.startswith("#")]
        assert not any("Pwned" in h for h in headings)
        assert "<script>" not in text
        assert "[a](http" not in text  # the brackets are escaped: no link
    assert json.loads(res.to_json())["pairs"][0]["junior_id"] == "j|1"


@pytest.mark.parametrize(("text", "shown"), [
    ("0.333", "0.333"), ("3.14 years", "3.14 years"),  # numbers stay readable ("0\\.333")
    ("1. Sales", "1\\. Sales"), ("2) Ops", "2\\) Ops"),  # would start a numbered list
    ("<script>x</script>", "\\<script\\>x\\</script\\>"), ("# h", "\\# h"),
    ("- item", "\\- item"), ("a > b", "a \\> b"),
])
def test_markdown_escapes_what_starts_markup_and_nothing_else(text: str, shown: str) -> None:
    from rmatch.report.render import md

    assert md(text) == shown


def test_briefs_of_pairs_that_no_longer_exist_are_removed_and_nothing_else(
        tmp_path: Path) -> None:
    js = [rm.Participant(id="j1", birth_year=2000), rm.Participant(id="j2", birth_year=2001)]
    ss = [rm.Participant(id="s1", birth_year=1970, level=3),
          rm.Participant(id="s2", birth_year=1971, level=3)]
    program = rm.Program(constraints=[])
    first = rm.match(js, ss, program)
    second = first.force([(first.pairs[0].junior_id,
                           "s2" if first.pairs[0].senior_id == "s1" else "s1")])
    mine = tmp_path / "notes.md"
    mine.write_text("the coordinator's own notes", encoding="utf-8")
    write_briefs(first, tmp_path)
    write_briefs(second, tmp_path)
    expected = {f"{p.junior_id}--{p.senior_id}.md" for p in second.pairs}
    assert {p.name for p in tmp_path.glob("*--*.md")} == expected
    assert mine.read_text(encoding="utf-8") == "the coordinator's own notes"
    assert {f"{p.junior_id}--{p.senior_id}" for p in first.pairs}.isdisjoint(
        {f"{p.junior_id}--{p.senior_id}" for p in second.pairs})
