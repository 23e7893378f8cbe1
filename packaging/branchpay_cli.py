"""Entry script of the frozen console executable ``branchpay-cli`` (see ``branchpay.spec``).

PyInstaller needs a script file, not an entry point, so this is the one-line equivalent of
the ``branchpay = "app.cli:main"`` console script in ``pyproject.toml``.
"""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    # branchpay-cli is also what the payslip workers start ("spawn"): in such a child this runs the
    # worker and exits before the command line is read.
    multiprocessing.freeze_support()
    sys.exit(main())
