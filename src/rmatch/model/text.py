"""Text as people write it and read it: a word without its accents, a count in words."""

from __future__ import annotations

import unicodedata

__all__ = ["counted", "unaccented"]


def unaccented(text: str) -> str:
    """Return the text without its accents ("Département" -> "Departement").

    Forms and keyboards drop accents a directory keeps ("Jose" for "José",
    "Sao Paulo"): headers, names and time zones compare through this one rule.

    Examples
    --------
    >>> unaccented("José Müller, São Paulo")
    'Jose Muller, Sao Paulo'
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def counted(n: int, word: str) -> str:
    """Say a number of things, singular for one ("1 junior", "0 seniors", "2 people").

    Examples
    --------
    >>> counted(1, "junior"), counted(0, "senior"), counted(3, "person"), counted(1, "pair")
    ('1 junior', '0 seniors', '3 people', '1 pair')
    """
    if n == 1:
        return f"1 {word}"
    return f"{n} {'people' if word == 'person' else word + 's'}"
