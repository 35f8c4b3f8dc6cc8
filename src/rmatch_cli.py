"""The ``rmatch`` command's entry point, outside the package on purpose.

Importing :mod:`rmatch` loads scipy, OR-Tools and pydantic (seconds on a
slow machine). A Ctrl-C in that time would end in a traceback if the entry
point lived inside the package, because the package loads before any of its
code can catch it. This module imports nothing heavy until it can catch it.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    """Run the ``rmatch`` command; a Ctrl-C while it starts is one line and exit 130.

    Examples
    --------
    >>> callable(main)
    True
    """
    try:
        from rmatch.app.commands import register
        from rmatch.cli.entry import main as run
    except KeyboardInterrupt:
        print("rmatch: interrupted while starting; nothing was done", file=sys.stderr)
        return 130
    return run(extra=(register,))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
