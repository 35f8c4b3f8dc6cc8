"""Which encoding a file's letters were written in: named, and a wrong one said.

The oracle is the encoding a test wrote the bytes in: names of many languages
encoded in each encoding older programs write, then judged from the bytes alone.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch as rm
from rmatch.io import encodings

# Given and family names as HR files hold them (each has a letter beyond ASCII).
NAMES = ["José Müller", "Zoë Ångström", "François Lefèvre", "Jürgen Groß", "Ana García",
         "João Conceição", "Søren Kierkegård", "Björk Guðmundsdóttir", "Inés Ibáñez",
         "Renée Dupré", "Hélène Côté", "Ülkü Öztürk", "Màrius Vallès", "Ã‰lise Hugo",
         "Annika Åkesson", "Paweł Nowak", "Chloé O’Brien", "Noémie Bérubé", "Håkon Løvås"]


def _writable(name: str, encoding: str) -> bool:
    try:
        name.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6),
       st.sampled_from(encodings.CANDIDATES))
def test_the_encoding_a_file_was_written_in_is_named(names: list[str], encoding: str) -> None:
    names = [n for n in names if _writable(n, encoding) and "Ã" not in n]
    data = b"id,name\n" + "".join(
        f"e{k},{n}\n" for k, n in enumerate(names)).encode(encoding)
    found = encodings.readings(data)
    if not names:
        assert found == []  # ASCII alone says nothing
        return
    assert encoding in found
    own = encodings.fit(data, encoding)
    assert own is not None
    assert own.odd == 0
    for other in encodings.CANDIDATES:  # another is named only when it reads as cleanly
        judged = encodings.fit(data, other)
        if other in found:
            assert judged is not None
            assert judged.odd == 0
            assert judged.letters == own.letters
        elif judged is not None:  # it reads some letter as a symbol, or a capital in a word
            assert judged.odd > 0 or judged.letters < own.letters
    if len(found) > 1:  # the message then shows a byte that tells them apart
        assert encodings.told_apart(data, found).startswith("byte 0x")


def test_most_names_tell_their_encoding_apart() -> None:
    """Two encodings are named for one name in eight at most (the list's own count)."""
    named_two = [(n, e) for n in NAMES for e in encodings.CANDIDATES
                 if "Ã" not in n and _writable(n, e) and len(encodings.readings(n.encode(e))) > 1]
    assert len(named_two) <= len(NAMES) // 8
    assert all(e != "cp1252" for _, e in named_two)  # Windows' is never taken for another


def test_a_file_not_utf8_names_the_encoding_its_letters_read_in(tmp_path: Path) -> None:
    text = "id,name\ne1,Ana\ne2,José Müller\ne3,Zoë\n"
    for encoding in encodings.CANDIDATES:
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        with pytest.raises(rm.InputError, match=rf"row 3: the file is not UTF-8 text.*"
                                                rf"encoding='{encoding}'") as err:
            rm.read_participants(path)
        problem = err.value.problems[0]
        assert isinstance(problem, rm.Problem)
        assert (problem.kind, problem.row, problem.file) == ("encoding", 3, str(path))
        read = rm.read_participants(path, encoding=encoding)
        assert [p.name for p in read] == ["Ana", "José Müller", "Zoë"]


def test_a_wrong_encoding_that_reads_is_said_with_the_right_one() -> None:
    text = "id,name\ne1,José Müller\ne2,Zoë Ångström\ne3,Inés\n"
    cases = [("mac_roman", "cp1252"), ("mac_roman", "latin-1"), ("cp1252", "mac_roman"),
             ("utf-8", "cp1252"), ("cp850", "latin-1")]
    for written, told in cases:
        data = text.encode(written)
        try:
            data.decode(told)
        except UnicodeDecodeError:  # cannot even read: the error names the right one
            with pytest.raises(rm.InputError, match=f"cannot read it as '{told}'.*"
                                                    f"encoding='{written}'"):
                rm.read_participants(io.BytesIO(data), encoding=told)
            continue
        with pytest.warns(rm.InputWarning, match=f"read as '{told}'.*encoding='{written}'"):
            people = rm.read_participants(io.BytesIO(data), encoding=told)
        assert people[0].name != "José Müller"  # what the warning is about
    # The right encoding reads without a word.
    for written in ("utf-8", *encodings.CANDIDATES):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            people = rm.read_participants(io.BytesIO(text.encode(written)), encoding=written)
        assert [p.name for p in people] == ["José Müller", "Zoë Ångström", "Inés"]


def test_letters_read_wrongly_and_saved_again_are_said_by_row() -> None:
    text = "id,name\ne1,Ana\ne2,José Müller\n"
    broken = text.encode("utf-8").decode("cp1252").encode("utf-8")  # 'JosÃ© MÃ¼ller'
    with pytest.warns(rm.InputWarning, match=r"row 3: 'Ã©' looks like one accented letter"):
        people = rm.read_participants(io.BytesIO(broken))
    assert people[1].name == "JosÃ© MÃ¼ller"  # kept as written, and said
    for right in ("Åsa Öberg", "SÃO PAULO Office", "Â la carte"):  # real letters, no word
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            rm.read_participants(io.StringIO(f"id,name\ne1,{right}\n"))


def test_without_an_id_column_no_manager_is_said_to_name_no_one() -> None:
    """Every manager named no one when no column gave the ids: a problem of its own."""
    with pytest.raises(rm.InputError) as err:
        rm.read_participants(io.StringIO("Employee ID,Manager ID\ne1,\ne2,e1\n"))
    assert not any("is not in this roster" in p for p in err.value.problems)
    assert any("no column gives the participant 'id'" in p for p in err.value.problems)
    with pytest.raises(rm.InputError) as err:  # with ids, the manager is still checked
        rm.read_participants(io.StringIO("id,manager_id\ne1,\ne2,e9\n"))
    [problem] = err.value.problems
    assert isinstance(problem, rm.Problem)
    assert problem.kind == "manager_not_in_roster"
    assert (problem.id, problem.field) == ("e2", "manager_id")


@pytest.mark.parametrize(("encoding", "names"), [
    ("utf-16", ["José Müller", "Zoë"]), ("utf-16-le", ["José Müller", "Zoë"]),
    ("shift_jis", ["山田太郎", "佐藤花子"]), ("gb18030", ["王小明", "José"]),
    ("utf-8", ["José Müller", "Zoë"]),
])
def test_an_encoding_of_two_bytes_or_more_is_judged_by_its_characters(
        encoding: str, names: list[str]) -> None:
    """An encoding given of several bytes a character failed with a deep IndexError."""
    for rows in (2, 6_000):  # a few rows, and more letters beyond ASCII than are judged
        text = "id,name\n" + "".join(f"e{k},{names[k % 2]}\n" for k in range(rows))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no word: it is the right encoding
            people = rm.read_participants(io.BytesIO(text.encode(encoding)), encoding=encoding)
        assert [p.name for p in people[:2]] == names
        assert len(people) == rows
