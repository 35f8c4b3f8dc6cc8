"""``python -m rmatch``: the same as the ``rmatch`` command."""

import sys

from rmatch.app.commands import register
from rmatch.cli import main

sys.exit(main(extra=(register,)))
