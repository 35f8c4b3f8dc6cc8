"""Which text encoding a file's accented letters were written in.

A CSV that is not UTF-8 comes from an older program, and the encodings those
write decode any byte: read in the wrong one, "José Müller" becomes "JosŽ
MŸller" (Mac Roman read as Windows' cp1252) or "JosÃ© MÃ¼ller" (UTF-8 read as
cp1252) without an error, and the names go to the briefs and mail merges as
such. The bytes say which encoding fits: in the right one an accented letter
sits in a word the way letters do (lower case after lower case); in a wrong
one it comes out as a symbol between two letters, or a capital after a small
letter. :func:`fit` counts both for the letters a file's bytes hold beyond
ASCII; the reader names the encoding that fits best when a file is not UTF-8,
and warns when the one it was told to use fits far worse than another.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "CANDIDATES",
    "WORDS",
    "Fit",
    "advice",
    "doubly_encoded",
    "fit",
    "misread",
    "readings",
    "told_apart",
]

CANDIDATES = ("cp1252", "mac_roman", "cp850")
"""The one-byte encodings older programs write CSV files in, in the order to prefer."""

WORDS = {"cp1252": "Windows (cp1252), an older Windows Excel's CSV",
         "mac_roman": "Mac Roman, an older Excel for Mac's CSV",
         "cp850": "DOS (cp850), an older DOS or ERP program's export",
         "utf-8": "UTF-8"}
"""What each encoding the reader names is, in words."""

SAMPLE = 5_000
"""How many bytes beyond ASCII are judged (a file's first): enough to tell, and quick."""

_BEYOND_ASCII = re.compile("[^\x00-\x7f]")
_QUOTES = frozenset("\u2018\u2019")  # O’Brien, don’t: an apostrophe between letters
# UTF-8's two-byte letters read as cp1252 and saved again: 'Ã©' for 'é', 'Ã¼' for 'ü'.
_DOUBLE = re.compile("[\u00c2\u00c3\u00c5][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178"
                     "\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022"
                     "\u2026\u2030\u2039\u203a\u20ac\u2122]")


class Fit(NamedTuple):
    """How well an encoding reads a file's letters beyond ASCII.

    ``letters`` counts those that read as letters in words, ``odd`` those that
    read as a symbol between two letters or a capital inside a word.
    """

    letters: int
    odd: int

    @property
    def score(self) -> int:
        """Letters less twice the odd ones (an odd one says more than a letter)."""
        return self.letters - 2 * self.odd


_SIGNS = frozenset("\u0192\u00aa\u00ba")  # florin, ordinals: letters to Unicode, not in names


def _kind(char: str) -> str:
    """'l' a small letter, 'u' a capital, 'a' another letter, 's' anything else."""
    if char in _SIGNS:
        return "s"
    category = unicodedata.category(char)
    return {"Ll": "l", "Lu": "u", "Lt": "u", "Lo": "a"}.get(category, "s")


def _high(data: bytes) -> np.ndarray:
    """Return the places of the first ``SAMPLE + 1`` bytes beyond ASCII (a megabyte at a time)."""
    found: list[np.ndarray] = []
    count, step = 0, 1 << 20
    for start in range(0, len(data), step):
        chunk = np.frombuffer(data, dtype=np.uint8, count=min(step, len(data) - start),
                              offset=start)
        places = np.flatnonzero(chunk >= 0x80) + start
        found.append(places)
        count += len(places)
        if count > SAMPLE:
            break
    return np.concatenate(found)[:SAMPLE + 1] if found else np.zeros(0, dtype=np.int64)


def fit(data: bytes, encoding: str) -> Fit | None:
    """Return how well an encoding reads the bytes' letters beyond ASCII; None if it cannot.

    Only the first :data:`SAMPLE` bytes beyond ASCII are judged, each with
    the characters on either side.

    Examples
    --------
    >>> name = "José Müller"
    >>> fit(name.encode("mac_roman"), "mac_roman")
    Fit(letters=2, odd=0)
    >>> fit(name.encode("mac_roman"), "cp1252")
    Fit(letters=0, odd=2)
    """
    high = _high(data)
    whole = len(high) <= SAMPLE
    if not whole:  # judge a prefix: a large file is read once, not once a guess
        data = data[:int(high[SAMPLE])]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        # A prefix may end inside a character (UTF-8, UTF-16): cut it there.
        if whole or err.end < len(data) - 4:
            return None
        try:
            text = data[:err.start].decode(encoding)
        except UnicodeDecodeError:
            return None
    except LookupError:
        return None
    # The characters beyond ASCII, by their place in the text (not the bytes: UTF-16
    # and the like take two bytes or more a character).
    places = [m.start() for m in itertools.islice(_BEYOND_ASCII.finditer(text), SAMPLE)]
    letters = odd = 0
    for k in places:
        char = text[k]
        before = _kind(text[k - 1]) if k > 0 else "s"
        after = _kind(text[k + 1]) if k + 1 < len(text) else "s"
        kind = _kind(char)
        if kind == "s":
            odd += before != "s" and after != "s" and char not in _QUOTES
        elif kind == "u" and (before == "l" or (before != "s" and after == "l")):
            odd += 1  # 'JosŽ', 'MŸller': a capital inside a word
        elif kind == "l" and before == "s" and after == "l" and (k == 0 or text[k - 1] != "-"):
            odd += 1  # 'èngström' for 'Ångström': a name's first letter small
        else:
            letters += 1
    return Fit(letters, odd)


def readings(data: bytes) -> list[str]:
    """Return the one-byte encodings that read the bytes' letters as letters, best first.

    Those that read every letter beyond ASCII as a letter in a word, or if
    none does, the one that reads the most so; empty if none reads well (or
    the bytes are ASCII). Two are named when the bytes cannot tell them
    apart (Mac Roman and DOS both have 'â' and 'ë' where the other has
    another letter).

    Examples
    --------
    >>> readings("Zoë Ångström; François".encode("mac_roman"))
    ['mac_roman']
    >>> readings("Zoë Ångström; François".encode("cp1252"))
    ['cp1252']
    """
    fits = sorted(((f.score, -k, name, f.odd) for k, name in enumerate(CANDIDATES)
                   if (f := fit(data, name)) is not None and f.letters > f.odd), reverse=True)
    clean = [name for _, _, name, odd in fits if odd == 0]
    return clean or [name for _, _, name, _ in fits[:1]]


def advice(data: bytes, found: Sequence[str]) -> str:
    """Say which encoding to pass for bytes whose letters read in ``found`` (:func:`readings`).

    One sentence for the two refusals: a file that is not UTF-8, and one the
    encoding given cannot read.

    Examples
    --------
    >>> advice("Zoë".encode("mac_roman"), ["mac_roman"])[-53:]
    "pass encoding='mac_roman' (CLI: --encoding mac_roman)"
    """
    if len(found) == 1:
        return (f"its accented letters read as letters in {WORDS[found[0]]}: "
                f"pass encoding={found[0]!r} (CLI: --encoding {found[0]})")
    if found:
        return (f"its accented letters read as letters in {' or '.join(map(repr, found))} "
                f"({told_apart(data, found)}): pass the one that reads its names right "
                "as encoding= (CLI: --encoding)")
    return ("pass its encoding as encoding= (CLI: --encoding): 'cp1252' for an older Windows "
            "program's")


def told_apart(data: bytes, names: Sequence[str]) -> str:
    """Return the first byte two encodings read as different letters, and the letters, in words.

    Examples
    --------
    >>> told_apart("Zoë".encode("cp850"), ["cp850", "mac_roman"])
    "byte 0x89 is 'ë' in DOS (cp850) and 'â' in Mac Roman"
    """
    for k in _high(data)[:SAMPLE].tolist():
        byte = data[k:k + 1]
        letters = [byte.decode(name, errors="replace") for name in names]
        if len(set(letters)) > 1:
            return f"byte 0x{data[k]:02x} is " + " and ".join(
                f"{letter!r} in {WORDS[name].split(',')[0]}"
                for letter, name in zip(letters, names, strict=True))
    return ""


def misread(data: bytes, encoding: str) -> str | None:
    """Return an encoding that reads the bytes' letters far better than the one given, if any.

    "Far better": the given one reads more odd characters than letters, the
    other none or fewer than a tenth of its letters.

    Examples
    --------
    >>> misread("José Müller, Zoë".encode("mac_roman"), "cp1252")
    'mac_roman'
    >>> misread("José Müller, Zoë".encode("utf-8"), "cp1252")
    'utf-8'
    >>> misread("José Müller".encode("cp1252"), "latin-1") is None
    True
    """
    given = fit(data, encoding)
    if given is None or given.odd <= given.letters:
        return None
    for other in ("utf-8", *CANDIDATES):
        f = fit(data, other)
        if other != encoding and f is not None and f.letters > 10 * f.odd:
            return other
    return None


def doubly_encoded(text: str) -> tuple[int, str] | None:
    r"""Return the first row and the characters of UTF-8 letters read wrongly and saved again.

    A file once opened in a program that took its UTF-8 for cp1252 and then
    saved as UTF-8 holds 'Ã©' where 'é' was: valid UTF-8, wrong letters.

    Examples
    --------
    >>> doubly_encoded("id,name\ne1,JosÃ© Lima\n")
    (2, 'Ã©')
    >>> doubly_encoded("id,name\ne1,José\n") is None
    True
    """
    # Most files hold none of the three first letters: a find each is quicker than the
    # pattern over the whole text (0.002 s against 0.19 s for 28 MB).
    starts = [k for k in map(text.find, "\u00c2\u00c3\u00c5") if k >= 0]
    found = _DOUBLE.search(text, min(starts)) if starts else None
    if found is None:
        return None
    return text.count("\n", 0, found.start()) + 1, found.group()
