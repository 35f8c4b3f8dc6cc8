"""``python -m rmatch``: the same as the ``rmatch`` command."""

import sys

from rmatch.cli import main

sys.exit(main())
