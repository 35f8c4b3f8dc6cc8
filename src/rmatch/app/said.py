"""rmatch's messages as the service says them: without the command line's flags.

And its counts in words, singular for one (:func:`counted`).

The library names the option that fixes a problem in the words of its Python
API and, beside it, the command line's flag in one bracket: "pass
header_row= (CLI: --header-row)". The service and its pages have no command
line, and their options keep the API's names (an upload's ``options``, the
mapping screen's fields say them too), so every library text the service
answers with (a problem's reason, a reading's note, an error) loses those
brackets here. ``tests/test_messages.py`` holds the library to the one
form of bracket, so that no flag is left in an answer.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

__all__ = ["counted", "in_our_words", "notes_of", "said"]

_CLI = re.compile(r" ?\(CLI: [^()]*\)")


def in_our_words(text: str) -> str:
    """Return a library message without its command-line brackets.

    Examples
    --------
    >>> in_our_words("pass header_row= (CLI: --header-row) if the header is elsewhere")
    'pass header_row= if the header is elsewhere'
    """
    return _CLI.sub("", text)


def said(err: BaseException) -> str:
    """Return an error's message as the service says it.

    Examples
    --------
    >>> said(ValueError("raise Program.time_limit_s (CLI: --time-limit)"))
    'raise Program.time_limit_s'
    """
    return in_our_words(str(err))


def notes_of(caught: Iterable[warnings.WarningMessage], kinds: tuple[type[Warning], ...]
             ) -> list[str]:
    """Return the caught warnings of these kinds as notes, once each, in the service's words.

    Examples
    --------
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("a title was skipped (CLI: --header-row)", UserWarning)
    ...     warnings.warn("a title was skipped (CLI: --header-row)", UserWarning)
    >>> notes_of(caught, (UserWarning,))
    ['a title was skipped']
    """
    return list(dict.fromkeys(in_our_words(str(w.message)) for w in caught
                              if issubclass(w.category, kinds)))


def counted(n: int, word: str) -> str:
    """Say a number of things in words, singular for one ("1 junior", "2 people").

    Examples
    --------
    >>> counted(1, "junior"), counted(0, "senior"), counted(3, "person")
    ('1 junior', '0 seniors', '3 people')
    """
    if n == 1:
        return f"1 {word}"
    return f"{n} {'people' if word == 'person' else word + 's'}"
