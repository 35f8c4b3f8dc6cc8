"""``python -m rmatch.app.worker JOB PARENT``: run one solve job (started by the service).

The database URL comes in ``RMATCH_DATABASE_URL`` (never on the command
line, where every user of the machine could read a password in it).
"""

from __future__ import annotations

import os
import sys

from rmatch.app.jobs import work

if __name__ == "__main__":
    work(os.environ["RMATCH_DATABASE_URL"], sys.argv[1], int(sys.argv[2]))
