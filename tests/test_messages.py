"""The library's messages name the command line's flags in one form, which the service drops.

A message that tells the user an option names it as the Python API does
("pass header_row=") and the command line's flag in one bracket beside it:
"(CLI: --header-row)". The service and its pages answer with the library's
messages without those brackets (:func:`rmatch.app.said.in_our_words`), so a
flag written any other way would reach a page that has no command line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rmatch.app.said import in_our_words

SRC = Path(__file__).resolve().parents[1] / "src" / "rmatch"
# The command line's own modules speak of flags directly: their messages are its.
OWN = ("cli", "app")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+|\bCLI\b|`rmatch [a-z]+")


def _texts(tree: ast.Module) -> list[tuple[int, str]]:
    """Every string a module builds (f-strings with ``{}`` for their values), not docstrings.

    A string alone as a statement is documentation (a module's, a function's,
    an attribute's below it), never said to a user.
    """
    docs = {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    # An f-string's pieces are read as its whole, below.
    docs |= {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for v in node.values}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append((node.lineno, "".join(str(v.value) if isinstance(v, ast.Constant)
                                             else "{}" for v in node.values)))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docs):
            out.append((node.lineno, node.value))
    return out


def _modules() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py"))
            if p.relative_to(SRC).parts[0] not in OWN]


def test_the_scan_sees_the_library() -> None:
    # The test below passes on no files at all: it must see the reader's messages.
    found = [text for p in _modules() for _, text in _texts(ast.parse(p.read_text()))
             if "(CLI: --header-row)" in text]
    assert found, "the header-row message was not found among the library's strings"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_flags_only_in_the_cli_bracket(path: Path) -> None:
    left = [(line, text) for line, text in _texts(ast.parse(path.read_text()))
            if FLAG.search(in_our_words(text))]
    assert not left, f"{path.name}: a flag outside '(CLI: ...)' at {left}"


def test_the_bracket_is_dropped_whole() -> None:
    text = ("chart as org= (CLI: --org FILE): x; read such managers as outside the programme "
            "with check_managers=False (CLI: --no-check-managers)")
    assert in_our_words(text) == ("chart as org=: x; read such managers as outside the "
                                  "programme with check_managers=False")
