"""``python -m rmatch``: the same as the ``rmatch`` command."""

import sys

from rmatch.cli.main import main

sys.exit(main())
