"""Reports and briefs under hostile data: user text never becomes markup, files never collide."""

from __future__ import annotations

import json
from pathlib import Path

import rmatch as rm
from rmatch.report.briefs import brief_file_stem, write_briefs


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
    assert len(list(tmp_path.iterdir())) == len(paths)
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
