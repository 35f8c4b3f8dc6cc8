"""Text as people write it: one way to compare a word without its accents."""

from __future__ import annotations

import unicodedata

__all__ = ["unaccented"]


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
