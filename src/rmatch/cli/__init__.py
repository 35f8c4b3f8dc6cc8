"""Stage 11, the command line: ``rmatch demo``, ``rmatch match ROSTER``, ...

Every command reads its inputs through :mod:`rmatch.io`, calls the public
API and writes through the one output guard. Imports every stage below it.

Examples
--------
>>> from rmatch.cli import main
>>> callable(main)
True
"""

from rmatch.cli.entry import main

__all__ = ["main"]
